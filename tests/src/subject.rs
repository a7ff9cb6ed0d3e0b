//! The server under test: Ruru or Kea, chosen by `RURU_TEST_SUBJECT`.

use std::path::{Path, PathBuf};

use crate::error::{HarnessError, Result};
use crate::process::require_tool;

/// Environment variable choosing the server under test.
pub const SUBJECT_ENV: &str = "RURU_TEST_SUBJECT";

/// Environment variable naming the `ruru-dhcp4` binary explicitly.
pub const RURU_BIN_ENV: &str = "RURU_DHCP4_BIN";

/// Environment variable naming the `ruru-dhcp6` binary explicitly.
pub const RURU_BIN6_ENV: &str = "RURU_DHCP6_BIN";

/// The protocol family of a DHCP server: which binary runs, which top-level config map it reads,
/// which port it listens on and how its lease file is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// DHCPv4: `kea-dhcp4`/`ruru-dhcp4`, `{"Dhcp4": ...}`, UDP 67, `leases4.csv`.
    V4,
    /// DHCPv6: `kea-dhcp6`/`ruru-dhcp6`, `{"Dhcp6": ...}`, UDP 547, `leases6.csv`.
    V6,
}

impl Family {
    /// Both families, v4 first.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// The top-level key of a config file (`Dhcp4`, `Dhcp6`).
    pub fn config_key(self) -> &'static str {
        match self {
            Family::V4 => "Dhcp4",
            Family::V6 => "Dhcp6",
        }
    }

    /// The family of a whole config file, from its top-level key.
    pub fn of_config(config: &serde_json::Value) -> Result<Family> {
        Family::ALL
            .into_iter()
            .find(|f| {
                config
                    .get(f.config_key())
                    .is_some_and(serde_json::Value::is_object)
            })
            .ok_or_else(|| {
                HarnessError::Config("expected an object with a `Dhcp4` or `Dhcp6` map".into())
            })
    }

    /// The UDP port the server listens on (no `-p` is passed).
    pub fn server_port(self) -> u16 {
        match self {
            Family::V4 => 67,
            Family::V6 => 547,
        }
    }

    /// The memfile lease file name the harness gives the server (`leases4.csv`).
    pub fn lease_file_name(self) -> &'static str {
        match self {
            Family::V4 => "leases4.csv",
            Family::V6 => "leases6.csv",
        }
    }

    /// Kea's daemon of this family (also its root logger name): `kea-dhcp4`, `kea-dhcp6`.
    pub fn kea_name(self) -> &'static str {
        match self {
            Family::V4 => "kea-dhcp4",
            Family::V6 => "kea-dhcp6",
        }
    }

    /// Ruru's daemon of this family: `ruru-dhcp4`, `ruru-dhcp6`.
    pub fn ruru_name(self) -> &'static str {
        match self {
            Family::V4 => "ruru-dhcp4",
            Family::V6 => "ruru-dhcp6",
        }
    }

    /// The environment variable naming Ruru's binary explicitly.
    pub fn ruru_bin_env(self) -> &'static str {
        match self {
            Family::V4 => RURU_BIN_ENV,
            Family::V6 => RURU_BIN6_ENV,
        }
    }

    /// `4` or `6`, as in `-4`/`-6` of the clients and `perfdhcp`.
    pub fn number(self) -> u8 {
        match self {
            Family::V4 => 4,
            Family::V6 => 6,
        }
    }
}

/// Which DHCP server implementation a test runs against.
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

    /// The server binary of this subject for `family`.
    pub fn binary(self, family: Family) -> Result<PathBuf> {
        match self {
            Subject::Ruru => ruru_binary(family),
            Subject::Kea => require_tool(family.kea_name()),
        }
    }

    /// The DHCPv4 server binary of this subject.
    pub fn dhcp4_binary(self) -> Result<PathBuf> {
        self.binary(Family::V4)
    }

    /// The DHCPv6 server binary of this subject (`ruru-dhcp6` or `kea-dhcp6`).
    pub fn dhcp6_binary(self) -> Result<PathBuf> {
        self.binary(Family::V6)
    }
}

/// Locates `ruru-dhcp4`: `RURU_DHCP4_BIN`, else `release` then `debug` under each candidate target
/// directory ([`target_dirs`]).
pub fn ruru_dhcp4_binary() -> Result<PathBuf> {
    ruru_binary(Family::V4)
}

/// Locates `ruru-dhcp6`: `RURU_DHCP6_BIN`, else as [`ruru_dhcp4_binary`].
pub fn ruru_dhcp6_binary() -> Result<PathBuf> {
    ruru_binary(Family::V6)
}

/// Locates Ruru's server of `family`: its environment variable ([`Family::ruru_bin_env`]), else
/// `release` then `debug` under each candidate target directory ([`target_dirs`]).
pub fn ruru_binary(family: Family) -> Result<PathBuf> {
    let (name, env) = (family.ruru_name(), family.ruru_bin_env());
    if let Some(explicit) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(explicit);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(HarnessError::RuruBinaryMissing {
                binary: name,
                env,
                tried: format!("{env}={}", path.display()),
            })
        };
    }
    built_file(name).map_err(|tried| HarnessError::RuruBinaryMissing {
        binary: name,
        env,
        tried: tried
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// `file` as the workspace built it: `release` then `debug` under each of [`target_dirs`]; `Err`
/// lists the paths tried.
pub fn built_file(file: &str) -> std::result::Result<PathBuf, Vec<PathBuf>> {
    let tried: Vec<PathBuf> = target_dirs()
        .iter()
        .flat_map(|dir| ["release", "debug"].map(|profile| dir.join(profile).join(file)))
        .collect();
    tried.iter().find(|p| p.is_file()).cloned().ok_or(tried)
}

/// The first profile directory (`release`, then `debug`, under each of [`target_dirs`]) holding
/// every one of `files`.
pub fn built_dir(files: &[&str]) -> Option<PathBuf> {
    target_dirs()
        .iter()
        .flat_map(|dir| ["release", "debug"].map(|profile| dir.join(profile)))
        .find(|d| files.iter().all(|f| d.join(f).is_file()))
}

/// The workspace's root directory (`scripts/`, `etc/`, the default `target/`).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness crate is in the workspace")
        .to_path_buf()
}

/// Runs `scripts/install.sh --prefix PREFIX --destdir DESTDIR --bin-dir BIN_DIR`; an unsuccessful
/// run is an error carrying its stderr.
pub fn install_sh(prefix: &Path, destdir: &Path, bin_dir: &Path) -> Result<()> {
    let mut cmd = std::process::Command::new(workspace_dir().join("scripts/install.sh"));
    cmd.arg("--prefix")
        .arg(prefix)
        .arg("--destdir")
        .arg(destdir)
        .arg("--bin-dir")
        .arg(bin_dir);
    crate::process::run_ok(&mut cmd, std::time::Duration::from_secs(120)).map(|_| ())
}

/// Target directories to search, in order: `CARGO_TARGET_DIR`, the workspace's `target/`, and
/// the one this test binary was built into (`<target>/<profile>/deps/<test>`), so a shared
/// target directory works without exporting the variable.
pub fn target_dirs() -> Vec<PathBuf> {
    let workspace = Some(workspace_dir().join("target"));
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
    fn family_follows_the_config_key() {
        let v6 = serde_json::json!({"Dhcp6": {}});
        assert_eq!(Family::of_config(&v6).expect("v6"), Family::V6);
        let v4 = serde_json::json!({"Dhcp4": {}});
        assert_eq!(Family::of_config(&v4).expect("v4"), Family::V4);
        assert!(Family::of_config(&serde_json::json!({"Dhcp6": 1})).is_err());
        assert!(Family::of_config(&serde_json::json!({})).is_err());
        assert_eq!(Family::V6.server_port(), 547);
        assert_eq!(Family::V6.lease_file_name(), "leases6.csv");
        assert_eq!(Family::V6.ruru_bin_env(), "RURU_DHCP6_BIN");
    }

    #[test]
    fn missing_ruru_binary_names_the_family() {
        // No such file: the explicit variable is honoured and named in the error.
        let err = HarnessError::RuruBinaryMissing {
            binary: Family::V6.ruru_name(),
            env: Family::V6.ruru_bin_env(),
            tried: "x".into(),
        };
        let text = err.to_string();
        assert!(
            text.contains("ruru-dhcp6") && text.contains("RURU_DHCP6_BIN"),
            "{text}"
        );
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
