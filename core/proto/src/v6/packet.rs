//! The DHCPv6 datagram: relay levels around a client/server message (RFC 8415 §8, §9).
//!
//! Relay messages nest: each RELAY-FORW carries the message it forwards in its RELAY_MSG option. A
//! [`Packet6`] holds the nesting flattened, as Kea's `Pkt6` does: the relay headers outermost (nearest
//! the server) first, then the innermost message. Walking the chain is iterating a `Vec`, and parsing
//! and encoding are loops, so no input depth reaches the call stack.

use super::options::{put_header, Tlvs};
use super::{code, DecodeError, EncodeError, MessageType, Options6};
use std::net::Ipv6Addr;

/// Most relay levels a datagram may carry: RFC 8415 §7.6 HOP_COUNT_LIMIT (V6-018).
pub const MAX_RELAYS: usize = 32;
/// Client/server header: msg-type, transaction-id (RFC 8415 §8).
const MESSAGE_HEADER: usize = 4;
/// Relay header: msg-type, hop-count, link-address, peer-address (RFC 8415 §9).
const RELAY_HEADER: usize = 34;

/// A client/server message: type, transaction id, options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message6 {
    /// Message type.
    pub msg_type: MessageType,
    /// Transaction id: 24 bits on the wire; higher bits are not sent.
    pub transaction_id: u32,
    /// The options, in wire order.
    pub options: Options6,
}

impl Message6 {
    /// A message without options.
    pub fn new(msg_type: MessageType, transaction_id: u32) -> Self {
        Self {
            msg_type,
            transaction_id,
            options: Options6::new(),
        }
    }
}

/// Direction of a relay message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelayKind {
    /// RELAY-FORW (12): relay to server.
    Forward,
    /// RELAY-REPL (13): server to relay.
    Reply,
}

impl RelayKind {
    /// The message type of this relay message.
    pub fn message_type(self) -> MessageType {
        match self {
            RelayKind::Forward => MessageType::RelayForw,
            RelayKind::Reply => MessageType::RelayRepl,
        }
    }
}

/// One relay level: the header of a RELAY-FORW or RELAY-REPL and its options other than RELAY_MSG.
#[derive(Clone, Debug)]
pub struct RelayHeader {
    /// RELAY-FORW or RELAY-REPL.
    pub kind: RelayKind,
    /// Number of relays the message passed before this one.
    pub hop_count: u8,
    /// Address identifying the client's link (`::` or link-local when the relay has no global one).
    pub link_address: Ipv6Addr,
    /// Address of the client or relay the message came from.
    pub peer_address: Ipv6Addr,
    /// The relay's options (interface-id, remote-id, ...), without RELAY_MSG.
    pub options: Options6,
    /// Index in `options` before which RELAY_MSG is written: where it was received, so a parsed
    /// message re-encodes byte for byte; `None` writes it last, as Kea does.
    relay_msg_at: Option<usize>,
}

impl RelayHeader {
    /// A relay level without options.
    pub fn new(
        kind: RelayKind,
        hop_count: u8,
        link_address: Ipv6Addr,
        peer_address: Ipv6Addr,
    ) -> Self {
        Self {
            kind,
            hop_count,
            link_address,
            peer_address,
            options: Options6::new(),
            relay_msg_at: None,
        }
    }

    /// The interface-id (18) this relay added, which its RELAY-REPL must echo (RFC 8415 §19.3).
    pub fn interface_id(&self) -> Option<&[u8]> {
        self.options.get(code::INTERFACE_ID)
    }

    /// The RELAY-REPL level answering this level (V6-048): same hop count and addresses, echoing only
    /// the interface-id (18) and relay-source-port (135) options.
    pub fn reply(&self) -> RelayHeader {
        let mut reply = RelayHeader::new(
            RelayKind::Reply,
            self.hop_count,
            self.link_address,
            self.peer_address,
        );
        for (c, data) in self.options.iter() {
            if c == code::INTERFACE_ID || c == code::RELAY_SOURCE_PORT {
                reply.options.push(c, data);
            }
        }
        reply
    }

    fn write_prefix(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.push(self.kind.message_type().into());
        out.push(self.hop_count);
        out.extend_from_slice(&self.link_address.octets());
        out.extend_from_slice(&self.peer_address.octets());
        for (c, data) in self.options.iter().take(self.split()) {
            super::options::put_option(out, c, data)?;
        }
        Ok(())
    }

    fn write_suffix(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        for (c, data) in self.options.iter().skip(self.split()) {
            super::options::put_option(out, c, data)?;
        }
        Ok(())
    }

    /// How many options go before RELAY_MSG.
    fn split(&self) -> usize {
        self.relay_msg_at
            .map_or(self.options.len(), |i| i.min(self.options.len()))
    }
}

/// Equal when they encode the same: same header, options, and options before RELAY_MSG.
impl PartialEq for RelayHeader {
    fn eq(&self, other: &Self) -> bool {
        (
            self.kind,
            self.hop_count,
            self.link_address,
            self.peer_address,
        ) == (
            other.kind,
            other.hop_count,
            other.link_address,
            other.peer_address,
        ) && self.options == other.options
            && self.split() == other.split()
    }
}

impl Eq for RelayHeader {}

/// A DHCPv6 datagram: relay levels, outermost first, around the client/server message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet6 {
    /// Relay levels, outermost (nearest the server, `relay6[0]` in Kea's expressions) first; empty
    /// for a message straight from a client.
    pub relays: Vec<RelayHeader>,
    /// The innermost, client/server message.
    pub message: Message6,
}

impl Packet6 {
    /// A packet without relay levels.
    pub fn direct(message: Message6) -> Self {
        Self {
            relays: Vec::new(),
            message,
        }
    }

    /// Decodes a datagram, unwrapping relay messages to the client/server message inside.
    ///
    /// Fails on a message shorter than its header, a relay message without RELAY_MSG, and more than
    /// [`MAX_RELAYS`] levels. An option list cut short (a header or length running past the end of its
    /// container) loses the faulty option and those after it, as in Kea (V6-018). Of several RELAY_MSG
    /// options in one level the first carries the message; the others stay ordinary options.
    pub fn parse(buf: &[u8]) -> Result<Packet6, DecodeError> {
        let mut relays = Vec::new();
        let mut rest = buf;
        loop {
            let depth = relays.len();
            let too_short = |min| DecodeError::TooShort {
                len: rest.len(),
                min,
                depth,
            };
            let msg_type = MessageType::from(*rest.first().ok_or(too_short(MESSAGE_HEADER))?);
            if !msg_type.is_relay() {
                let (&header, options) = rest
                    .split_first_chunk::<MESSAGE_HEADER>()
                    .ok_or(too_short(MESSAGE_HEADER))?;
                let message = Message6 {
                    msg_type,
                    transaction_id: u32::from_be_bytes([0, header[1], header[2], header[3]]),
                    options: Options6::parse(options).0,
                };
                return Ok(Packet6 { relays, message });
            }
            if depth == MAX_RELAYS {
                return Err(DecodeError::TooManyRelays { max: MAX_RELAYS });
            }
            let (&header, options) = rest
                .split_first_chunk::<RELAY_HEADER>()
                .ok_or(too_short(RELAY_HEADER))?;
            let addr = |at: usize| {
                let mut a = [0; 16];
                a.copy_from_slice(&header[at..at + 16]);
                Ipv6Addr::from(a)
            };
            let kind = if msg_type == MessageType::RelayForw {
                RelayKind::Forward
            } else {
                RelayKind::Reply
            };
            let mut relay = RelayHeader::new(kind, header[1], addr(2), addr(18));
            let mut inner = None;
            // A cut-short tail is dropped (V6-018), so the error is not needed here.
            for (c, data) in Tlvs::new(options).map_while(Result::ok) {
                if c == code::RELAY_MSG && inner.is_none() {
                    relay.relay_msg_at = Some(relay.options.len());
                    inner = Some(data);
                } else {
                    relay.options.push(c, data);
                }
            }
            rest = inner.ok_or(DecodeError::RelayMsgMissing { depth })?;
            relays.push(relay);
        }
    }

    /// Appends the wire form to `out` (the caller reuses the buffer): each relay level's header and
    /// options with RELAY_MSG holding the next level, then the message. Fails, leaving `out` as it was,
    /// when an option, or a RELAY_MSG with all it wraps, exceeds 65535 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        let result = self.write(out);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        // Where each RELAY_MSG length goes, patched once what it wraps is written.
        let mut lengths = Vec::with_capacity(self.relays.len());
        for relay in &self.relays {
            relay.write_prefix(out)?;
            put_header(out, code::RELAY_MSG, 0)?;
            lengths.push(out.len());
        }
        out.push(self.message.msg_type.into());
        out.extend_from_slice(&self.message.transaction_id.to_be_bytes()[1..]);
        self.message.options.encode(out)?;
        for (relay, &data_start) in self.relays.iter().zip(&lengths).rev() {
            let len = out.len() - data_start;
            let len16 = u16::try_from(len).map_err(|_| EncodeError::TooLong {
                code: code::RELAY_MSG,
                len,
            })?;
            out[data_start - 2..data_start].copy_from_slice(&len16.to_be_bytes());
            relay.write_suffix(out)?;
        }
        Ok(())
    }

    /// The start of an answer to this packet (RFC 8415 §16, §19.3; V6-046, V6-048): a message of type
    /// `msg_type` with the query's transaction id and no options, inside RELAY-REPL levels mirroring
    /// the query's relay levels (see [`RelayHeader::reply`]). The client-id, server-id and the rest are
    /// the server's to add.
    pub fn reply_skeleton(&self, msg_type: MessageType) -> Packet6 {
        Packet6 {
            relays: self.relays.iter().map(RelayHeader::reply).collect(),
            message: Message6::new(msg_type, self.message.transaction_id),
        }
    }

    /// The relay level nearest the client (`relay6[-1]`), if relayed.
    pub fn nearest_client_relay(&self) -> Option<&RelayHeader> {
        self.relays.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay_forw(inner: &[u8], hop: u8, extra: &[u8]) -> Vec<u8> {
        let mut b = vec![12, hop];
        b.extend([0x20, 1, 0xd, 0xb8].iter().chain(&[0; 12]));
        b.extend([0xfe, 0x80].iter().chain(&[0; 13]).chain(&[hop]));
        b.extend(extra);
        b.extend([0, 9]);
        b.extend((inner.len() as u16).to_be_bytes());
        b.extend(inner);
        b
    }

    // V6-018: more than 32 relay levels do not parse; 32 do.
    #[test]
    fn v6_018_relay_depth_is_bounded() {
        let solicit = [1, 0, 0, 1];
        let mut wire = solicit.to_vec();
        for hop in 0..32 {
            wire = relay_forw(&wire, hop, &[]);
        }
        let p = Packet6::parse(&wire).unwrap();
        assert_eq!(p.relays.len(), 32);
        assert_eq!(p.relays[0].hop_count, 31);
        assert_eq!(p.message, Message6::new(MessageType::Solicit, 1));
        let mut out = Vec::new();
        p.encode(&mut out).unwrap();
        assert_eq!(out, wire);
        let deeper = relay_forw(&wire, 32, &[]);
        assert_eq!(
            Packet6::parse(&deeper),
            Err(DecodeError::TooManyRelays { max: 32 })
        );
    }

    #[test]
    fn short_and_relay_msg_less_messages_fail() {
        assert_eq!(
            Packet6::parse(&[]),
            Err(DecodeError::TooShort {
                len: 0,
                min: 4,
                depth: 0
            })
        );
        assert!(matches!(
            Packet6::parse(&[1, 2, 3]),
            Err(DecodeError::TooShort { min: 4, .. })
        ));
        assert!(matches!(
            Packet6::parse(&[12; 33]),
            Err(DecodeError::TooShort { min: 34, .. })
        ));
        let no_msg = relay_forw(&[], 0, &[])[..34].to_vec();
        assert_eq!(
            Packet6::parse(&no_msg),
            Err(DecodeError::RelayMsgMissing { depth: 0 })
        );
        // An empty RELAY_MSG holds no message.
        let empty_inner = relay_forw(&[], 0, &[]);
        assert_eq!(
            Packet6::parse(&empty_inner),
            Err(DecodeError::TooShort {
                len: 0,
                min: 4,
                depth: 1
            })
        );
        // A bare header is a message without options.
        let p = Packet6::parse(&[11, 0xab, 0xcd, 0xef]).unwrap();
        assert_eq!(p.message.transaction_id, 0xab_cdef);
        assert!(p.message.options.is_empty() && p.relays.is_empty());
    }

    // Options after RELAY_MSG stay there; a second RELAY_MSG is an ordinary option.
    #[test]
    fn relay_msg_position_round_trips() {
        let inner = [3, 0, 0, 7, 0, 14, 0, 0];
        let mut wire = relay_forw(&inner, 0, &[0, 18, 0, 1, b'x']);
        wire.extend([0, 37, 0, 4, 0, 0, 0, 9, 0, 9, 0, 1, 0xff]);
        let p = Packet6::parse(&wire).unwrap();
        let relay = &p.relays[0];
        assert_eq!(relay.interface_id(), Some(&b"x"[..]));
        assert_eq!(relay.options.len(), 3);
        assert_eq!(relay.options.get(code::RELAY_MSG), Some(&[0xff][..]));
        assert_eq!(p.message.msg_type, MessageType::Request);
        let mut out = Vec::new();
        p.encode(&mut out).unwrap();
        assert_eq!(out, wire);
    }

    // V6-048, V6-049: replies mirror every level and echo only interface-id and relay-source-port.
    #[test]
    fn v6_048_reply_skeleton_mirrors_relays() {
        let inner = [1, 0x12, 0x34, 0x56, 0, 1, 0, 3, 0, 1, 2];
        let outer_opts = [0, 18, 0, 2, b'o', b'1', 0, 135, 0, 2, 0x06, 0x0b];
        let inner_relay = relay_forw(
            &inner,
            0,
            &[0, 18, 0, 2, b'i', b'1', 0, 37, 0, 5, 0, 0, 0, 1, 9],
        );
        let wire = relay_forw(&inner_relay, 1, &outer_opts);
        let q = Packet6::parse(&wire).unwrap();
        let r = q.reply_skeleton(MessageType::Advertise);
        assert_eq!(r.message, Message6::new(MessageType::Advertise, 0x12_3456));
        assert_eq!(r.relays.len(), 2);
        assert!(r.relays.iter().all(|l| l.kind == RelayKind::Reply));
        assert_eq!(
            r.relays[0]
                .options
                .iter()
                .map(|(c, _)| c)
                .collect::<Vec<_>>(),
            [18, 135]
        );
        assert_eq!(
            r.relays[1]
                .options
                .iter()
                .map(|(c, _)| c)
                .collect::<Vec<_>>(),
            [18]
        );
        assert_eq!(r.relays[1].interface_id(), Some(&b"i1"[..]));
        assert_eq!(
            (r.relays[0].hop_count, r.relays[0].peer_address),
            (q.relays[0].hop_count, q.relays[0].peer_address)
        );
        assert_eq!(q.nearest_client_relay().map(|l| l.hop_count), Some(0));
        let mut out = Vec::new();
        r.encode(&mut out).unwrap();
        assert_eq!(out[0], 13);
        assert_eq!(Packet6::parse(&out).unwrap(), r);
    }

    #[test]
    fn encode_refuses_oversized_relay_msg() {
        let mut message = Message6::new(MessageType::Reply, 1);
        message.options.push(200, &vec![0; 65_530]);
        let mut p = Packet6::direct(message);
        let mut out = vec![1];
        p.encode(&mut out).unwrap();
        assert_eq!(out.len(), 1 + 4 + 4 + 65_530);
        p.relays.push(RelayHeader::new(
            RelayKind::Reply,
            0,
            Ipv6Addr::UNSPECIFIED,
            Ipv6Addr::UNSPECIFIED,
        ));
        out.truncate(1);
        assert_eq!(
            p.encode(&mut out),
            Err(EncodeError::TooLong {
                code: code::RELAY_MSG,
                len: 65_538
            })
        );
        assert_eq!(out, [1]);
        // The transaction id is 24 bits on the wire.
        let mut out = Vec::new();
        Packet6::direct(Message6::new(MessageType::Solicit, 0xff12_3456))
            .encode(&mut out)
            .unwrap();
        assert_eq!(out, [1, 0x12, 0x34, 0x56]);
    }
}
