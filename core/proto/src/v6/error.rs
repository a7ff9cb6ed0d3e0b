//! Errors of the DHCPv6 codec.

/// Why a datagram is not a DHCPv6 message. Always the sender's fault: the caller drops the datagram and
/// counts it (`pkt6-parse-failed`, V6-018). `depth` is the number of relay levels around the faulty
/// part (0: the datagram itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Shorter than the fixed header of its message type (4 bytes, 34 for a relay message).
    #[error("message too short: {len} bytes at relay depth {depth}, its header needs {min}")]
    TooShort {
        /// Bytes available.
        len: usize,
        /// Length of the fixed header.
        min: usize,
        /// Relay levels around the message.
        depth: usize,
    },
    /// A relay message without the RELAY_MSG option (9) it exists to carry.
    #[error("relay message at depth {depth} has no relay-msg option")]
    RelayMsgMissing {
        /// Relay levels around this relay message.
        depth: usize,
    },
    /// More nested relay messages than RFC 8415's HOP_COUNT_LIMIT allows.
    #[error("more than {max} nested relay messages")]
    TooManyRelays {
        /// The limit (32).
        max: usize,
    },
}

/// Why the data of one option does not decode as its type, or an option list is cut short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// An option's header or data runs past the end of its container.
    #[error("option at offset {offset} runs past the end of its container")]
    Truncated {
        /// Offset of the option's header in the container.
        offset: usize,
    },
    /// The data is too short for the type's fixed fields (or not a whole number of items).
    #[error("{what} data of {len} bytes is too short or not a whole number of fields")]
    Short {
        /// The option type.
        what: &'static str,
        /// Length of the data.
        len: usize,
    },
    /// A field holds a value the type does not allow.
    #[error("{what}: {reason}")]
    Invalid {
        /// The option type.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Why a message or option could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The data of an option is longer than its 16-bit length field can say.
    #[error("option {code} holds {len} bytes, more than the 65535 an option can carry")]
    TooLong {
        /// Option code.
        code: u16,
        /// Length of its data.
        len: usize,
    },
    /// A field cannot be written as given.
    #[error("{what}: {reason}")]
    Invalid {
        /// The option type.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}
