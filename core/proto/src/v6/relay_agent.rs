//! Options relay agents add: REMOTE_ID (37, RFC 4649) and CLIENT_LINKLAYER_ADDR (79, RFC 6939).
//! INTERFACE_ID (18), SUBSCRIBER_ID (38) and RELAY_ID (53) are opaque bytes, read with
//! [`super::Options6::get`].

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue};

/// REMOTE_ID (37): the relay vendor's enterprise number, then the remote-id itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteId {
    /// IANA private enterprise number of the relay's vendor.
    pub enterprise: u32,
    /// The remote-id.
    pub id: Vec<u8>,
}

impl OptionValue for RemoteId {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("REMOTE_ID", data);
        Ok(Self {
            enterprise: r.u32()?,
            id: r.rest().to_vec(),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        out.extend_from_slice(&self.id);
        Ok(())
    }
}

/// CLIENT_LINKLAYER_ADDR (79): the client's hardware type and address as the first relay saw them
/// (a MAC source, V6-084..V6-086).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLinkLayerAddr {
    /// IANA hardware type (1: Ethernet).
    pub link_type: u16,
    /// The link-layer address.
    pub address: Vec<u8>,
}

impl OptionValue for ClientLinkLayerAddr {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("CLIENT_LINKLAYER_ADDR", data);
        Ok(Self {
            link_type: r.u16()?,
            address: r.rest().to_vec(),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.link_type.to_be_bytes());
        out.extend_from_slice(&self.address);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_agent_options() {
        let rid = RemoteId::decode(&[0, 0, 0x0d, 0xe9, 0xaa, 0xbb]).unwrap();
        assert_eq!(
            (rid.enterprise, rid.id.as_slice()),
            (3561, &[0xaa, 0xbb][..])
        );
        assert!(RemoteId::decode(&[0, 0, 1]).is_err());
        let ll = ClientLinkLayerAddr::decode(&[0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55]).unwrap();
        assert_eq!(ll.link_type, 1);
        let mut out = Vec::new();
        ll.encode(&mut out).unwrap();
        assert_eq!(out, [0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert!(ClientLinkLayerAddr::decode(&[0]).is_err());
    }
}
