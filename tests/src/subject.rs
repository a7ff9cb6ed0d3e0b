//! The server under test: Ruru or Kea, chosen by `RURU_TEST_SUBJECT`.

use std::path::{Path, PathBuf};

use crate::error::{HarnessError, Result};
use crate::process::require_tool;

/// Environment variable choosing the server under test.
pub const SUBJECT_ENV: &str = "RURU_TEST_SUBJECT";

/// Environment variable naming the `ruru-dhcp4` binary explicitly.
pub const RURU_BIN_ENV: &str = "RURU_DHCP4_BIN";

/// Which DHCPv4 server a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// `ruru-dhcp4`, this project's server.
    Ruru,
    /// ISC `kea-dhcp4`, the reference.
    Kea,
}

impl Subject {
    /// Reads `RURU_TEST_SUBJECT` (`ruru` when unset or empty).
    pub fn from_env() -> Result<Subject> {
        Subject::parse(std::env::var(SUBJECT_ENV).ok().as_deref())
    }

    fn parse(value: Option<&str>) -> Result<Subject> {
        match value.map(str::trim) {
            None | Some("") | Some("ruru") => Ok(Subject::Ruru),
            Some("kea") => Ok(Subject::Kea),
            Some(other) => Err(HarnessError::UnknownSubject(other.to_owned())),
        }
    }

    /// `ruru` or `kea`.
    pub fn name(self) -> &'static str {
        match self {
            Subject::Ruru => "ruru",
            Subject::Kea => "kea",
        }
    }

    /// The DHCPv4 server binary of this subject.
    pub fn dhcp4_binary(self) -> Result<PathBuf> {
        match self {
            Subject::Ruru => ruru_dhcp4_binary(),
            Subject::Kea => require_tool("kea-dhcp4"),
        }
    }
}

/// Locates `ruru-dhcp4`: `RURU_DHCP4_BIN`, else `release` then `debug` under each candidate target
/// directory ([`target_dirs`]).
pub fn ruru_dhcp4_binary() -> Result<PathBuf> {
    if let Some(explicit) = std::env::var_os(RURU_BIN_ENV).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(explicit);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(HarnessError::RuruBinaryMissing {
                tried: format!("{RURU_BIN_ENV}={}", path.display()),
            })
        };
    }
    let candidates: Vec<PathBuf> = target_dirs()
        .iter()
        .flat_map(|dir| ["release", "debug"].map(|profile| dir.join(profile).join("ruru-dhcp4")))
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| HarnessError::RuruBinaryMissing {
            tried: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Target directories to search, in order: `CARGO_TARGET_DIR`, the workspace's `target/`, and
/// the one this test binary was built into (`<target>/<profile>/deps/<test>`), so a shared
/// target directory works without exporting the variable.
pub fn target_dirs() -> Vec<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join("target"));
    let own = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf));
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .chain(workspace)
        .chain(own)
    {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_defaults_to_ruru_and_rejects_typos() {
        assert_eq!(Subject::parse(None).expect("default"), Subject::Ruru);
        assert_eq!(Subject::parse(Some("")).expect("empty"), Subject::Ruru);
        assert_eq!(Subject::parse(Some("kea")).expect("kea"), Subject::Kea);
        let err = Subject::parse(Some("kae")).expect_err("typo");
        assert!(err.to_string().contains("kae"), "{err}");
    }

    #[test]
    fn target_dirs_include_the_workspace_target() {
        let dirs = target_dirs();
        assert!(
            dirs.iter().any(|d| d.ends_with("target")),
            "{dirs:?} lacks <workspace>/target"
        );
    }
}
