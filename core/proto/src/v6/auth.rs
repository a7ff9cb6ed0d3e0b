//! The authentication option (11, RFC 8415 §21.11).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue};

/// AUTH (11): protocol, algorithm, replay detection method and value, authentication information.
/// Kea gives it no meaning (Table 2); it is read so reconfigure keys and plugins can use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auth {
    /// Authentication protocol (3: reconfigure key).
    pub protocol: u8,
    /// Algorithm.
    pub algorithm: u8,
    /// Replay detection method (0: monotonically increasing counter).
    pub rdm: u8,
    /// Replay detection value.
    pub replay_detection: u64,
    /// Protocol-specific information.
    pub info: Vec<u8>,
}

impl OptionValue for Auth {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("AUTH", data);
        Ok(Self {
            protocol: r.u8()?,
            algorithm: r.u8()?,
            rdm: r.u8()?,
            replay_detection: r.u64()?,
            info: r.rest().to_vec(),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&[self.protocol, self.algorithm, self.rdm]);
        out.extend_from_slice(&self.replay_detection.to_be_bytes());
        out.extend_from_slice(&self.info);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_layout() {
        let wire = [3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 1, 0xaa];
        let a = Auth::decode(&wire).unwrap();
        assert_eq!(
            (a.protocol, a.replay_detection, a.info.as_slice()),
            (3, 9, &[1, 0xaa][..])
        );
        let mut out = Vec::new();
        a.encode(&mut out).unwrap();
        assert_eq!(out, wire);
        assert!(Auth::decode(&wire[..10]).is_err());
    }
}
