//! HTTP basic authentication of control sockets (CTL-024..026, CTL-114).
//!
//! Credentials are read once, when the socket configuration is applied, so a missing file is a
//! configuration error rather than a refusal at request time.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use ruru_config::{HttpAuth, HttpClient};
use subtle::ConstantTimeEq;

use crate::OpenError;

/// The accepted clients of one socket and the realm announced to the others.
#[derive(Debug)]
pub(crate) struct BasicAuth {
    realm: String,
    clients: Vec<Credential>,
}

/// One client: its name (for the log) and the `user:password` secret it must present.
#[derive(Debug)]
struct Credential {
    user: String,
    secret: Vec<u8>,
}

/// Why a request is refused with 401; logged, never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// No `Authorization` header.
    Missing,
    /// Not `Basic <base64>`.
    Malformed,
    /// No configured client has these credentials.
    Unknown,
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Missing => "no Authorization header",
            Self::Malformed => "the Authorization header is not basic credentials",
            Self::Unknown => "unknown user or wrong password",
        })
    }
}

impl BasicAuth {
    /// The authentication of a socket, or `None` when its client list is empty (CTL-024: the
    /// list switches authentication on).
    pub(crate) fn load(cfg: &HttpAuth) -> Result<Option<Self>, OpenError> {
        if cfg.clients.is_empty() {
            return Ok(None);
        }
        let clients = cfg
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| {
                credential(c, cfg.directory.as_deref())
                    .map_err(|reason| OpenError::Auth(format!("client {i}: {reason}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(Self {
            realm: cfg.realm.clone(),
            clients,
        }))
    }

    /// The `WWW-Authenticate` value of a 401 (CTL-026).
    pub(crate) fn challenge(&self) -> String {
        format!("Basic realm=\"{}\"", self.realm)
    }

    /// The user whose credentials the `Authorization` header carries. The scheme is matched
    /// case-insensitively and blanks around it are ignored (CTL-026). Every client is compared,
    /// each in constant time, so timing tells nothing about which secret came close (CTL-114).
    pub(crate) fn check(&self, header: Option<&[u8]>) -> Result<&str, Denied> {
        let header = header.ok_or(Denied::Missing)?;
        let header = std::str::from_utf8(header)
            .map_err(|_| Denied::Malformed)?
            .trim();
        let (scheme, token) = header
            .split_once(|c: char| c.is_ascii_whitespace())
            .ok_or(Denied::Malformed)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(Denied::Malformed);
        }
        let presented = base64::engine::general_purpose::STANDARD
            .decode(token.trim())
            .map_err(|_| Denied::Malformed)?;
        let mut found = None;
        for client in &self.clients {
            let equal: bool = client.secret.ct_eq(&presented).into();
            if equal && found.is_none() {
                found = Some(client.user.as_str());
            }
        }
        found.ok_or(Denied::Unknown)
    }
}

/// One client's credentials from the configuration and its files (CTL-025).
fn credential(c: &HttpClient, directory: Option<&Path>) -> Result<Credential, String> {
    let read = |file: &Path| -> Result<String, String> {
        let path: PathBuf = directory.map_or_else(|| file.to_path_buf(), |d| d.join(file));
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // Files written with `echo` end in a newline that is not part of the secret.
        Ok(text
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(&text)
            .to_string())
    };
    let password = match (&c.password, &c.password_file) {
        (Some(p), None) => Some(p.clone()),
        (None, Some(f)) => Some(read(f)?),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err("'password' and 'password-file' exclude each other".into())
        }
    };
    let (user, password) = match (&c.user, &c.user_file, password) {
        (Some(u), None, p) => (u.clone(), p.unwrap_or_default()),
        (None, Some(f), p) => (read(f)?, p.unwrap_or_default()),
        // A password file alone holds the whole `user:password` secret.
        (None, None, Some(secret)) if c.password_file.is_some() => match secret.split_once(':') {
            Some((u, p)) => (u.to_string(), p.to_string()),
            None => return Err("a password file without a user must hold 'user:password'".into()),
        },
        (Some(_), Some(_), _) => return Err("'user' and 'user-file' exclude each other".into()),
        (None, None, _) => return Err("needs 'user', 'user-file' or 'password-file'".into()),
    };
    if user.is_empty() || user.contains(':') {
        return Err(format!("invalid user '{user}': empty or containing ':'"));
    }
    let secret = format!("{user}:{password}").into_bytes();
    Ok(Credential { user, secret })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(user: Option<&str>, password: Option<&str>) -> HttpClient {
        HttpClient {
            user: user.map(String::from),
            user_file: None,
            password: password.map(String::from),
            password_file: None,
            user_context: None,
        }
    }

    fn header(secret: &str) -> Vec<u8> {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(secret)
        )
        .into_bytes()
    }

    #[test]
    fn ctl024_empty_client_list_means_no_authentication() {
        let cfg = HttpAuth {
            realm: "r".into(),
            directory: None,
            clients: vec![],
        };
        assert!(BasicAuth::load(&cfg).unwrap().is_none());
    }

    #[test]
    fn ctl025_ctl026_credentials_from_values_and_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("u"), "fileuser\n").unwrap();
        fs::write(dir.path().join("p"), "filepass").unwrap();
        fs::write(dir.path().join("both"), "whole:se:cret\r\n").unwrap();
        let mut from_files = client(None, None);
        from_files.user_file = Some("u".into());
        from_files.password_file = Some("p".into());
        let mut whole = client(None, None);
        whole.password_file = Some("both".into());
        let cfg = HttpAuth {
            realm: "kea-dhcpv4-server".into(),
            directory: Some(dir.path().to_path_buf()),
            clients: vec![
                client(Some("admin"), Some("1234")),
                client(Some("nopass"), None),
                from_files,
                whole,
            ],
        };
        let auth = BasicAuth::load(&cfg).unwrap().unwrap();
        assert_eq!(auth.challenge(), "Basic realm=\"kea-dhcpv4-server\"");
        assert_eq!(auth.check(Some(&header("admin:1234"))), Ok("admin"));
        assert_eq!(auth.check(Some(&header("nopass:"))), Ok("nopass"));
        assert_eq!(
            auth.check(Some(&header("fileuser:filepass"))),
            Ok("fileuser")
        );
        assert_eq!(auth.check(Some(&header("whole:se:cret"))), Ok("whole"));
        let mut odd_case = b"  bAsIc   ".to_vec();
        odd_case.extend_from_slice(&header("admin:1234")[6..]);
        odd_case.extend_from_slice(b"  ");
        assert_eq!(auth.check(Some(&odd_case)), Ok("admin"));
        assert_eq!(auth.check(None), Err(Denied::Missing));
        assert_eq!(
            auth.check(Some(&header("admin:12345"))),
            Err(Denied::Unknown)
        );
        assert_eq!(auth.check(Some(b"Digest abc")), Err(Denied::Malformed));
        assert_eq!(auth.check(Some(b"Basic %%%")), Err(Denied::Malformed));
    }

    #[test]
    fn ctl025_unusable_clients_are_configuration_errors() {
        let mut missing = client(None, None);
        missing.password_file = Some("/nonexistent/ruru-password".into());
        let mut no_colon = client(None, None);
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("p"), "nocolon").unwrap();
        no_colon.password_file = Some(dir.path().join("p"));
        for bad in [
            missing,
            no_colon,
            client(None, Some("x")),
            client(Some("a:b"), None),
        ] {
            let cfg = HttpAuth {
                realm: "r".into(),
                directory: None,
                clients: vec![bad.clone()],
            };
            let err = BasicAuth::load(&cfg).unwrap_err().to_string();
            assert!(
                err.starts_with("authentication: client 0: "),
                "{bad:?}: {err}"
            );
        }
    }
}
