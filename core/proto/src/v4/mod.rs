//! DHCPv4 wire format (RFC 2131, RFC 2132, RFC 3396 long options, option overload, RFC 3046 relay agent
//! information).

pub mod code;
mod error;
mod message_type;
mod options;
mod packet;
pub mod rai;

#[cfg(test)]
mod fuzz_tests;

pub use error::DecodeError;
pub use message_type::MessageType;
pub use options::Options4;
pub use packet::Packet4;
