//! Why a lease command failed, with the result code Kea gives that kind of failure.

use ruru_hook_api::{HookError, Response};

/// A failed command: its kind decides the result code, the text is what the operator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Malformed arguments or a backend error: result 1.
    Error(String),
    /// Nothing matched: result 3.
    Empty(String),
    /// Well-formed, but clashing with the configuration or the stored leases: result 4.
    Conflict(String),
}

impl Failure {
    /// Kea's result code.
    pub(crate) fn result(&self) -> i64 {
        match self {
            Failure::Error(_) => 1,
            Failure::Empty(_) => 3,
            Failure::Conflict(_) => 4,
        }
    }

    /// The text of the response.
    pub(crate) fn text(&self) -> &str {
        match self {
            Failure::Error(t) | Failure::Empty(t) | Failure::Conflict(t) => t,
        }
    }

    /// The response carrying this failure.
    pub(crate) fn response(&self) -> Response {
        Response {
            result: self.result(),
            text: self.text().to_owned(),
            arguments: None,
        }
    }
}

/// A lease service failed: a missing object is empty, an existing one a conflict, the rest errors
/// with the server's reason.
impl From<HookError> for Failure {
    fn from(e: HookError) -> Self {
        match e {
            HookError::NotFound(t) => Failure::Empty(t),
            HookError::Exists(t) | HookError::Busy(t) => Failure::Conflict(t),
            HookError::Refused(t)
            | HookError::Backend(t)
            | HookError::Unsupported(t)
            | HookError::Plugin(t) => Failure::Error(t),
            other => Failure::Error(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_kea() {
        assert_eq!(Failure::Error("x".into()).result(), 1);
        assert_eq!(Failure::Empty("x".into()).result(), 3);
        let r = Failure::Conflict("IPv4 lease already exists.".into()).response();
        assert_eq!(
            (r.result, r.text.as_str()),
            (4, "IPv4 lease already exists.")
        );
        assert_eq!(
            Failure::from(HookError::Backend("disk full".into())),
            Failure::Error("disk full".into())
        );
        assert_eq!(
            Failure::from(HookError::Refused("no lease storage".into())),
            Failure::Error("no lease storage".into())
        );
        assert_eq!(
            Failure::from(HookError::Type("lease4_get".into())),
            Failure::Error("'lease4_get' has another type".into())
        );
    }
}
