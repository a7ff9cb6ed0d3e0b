//! Errors of the definition registry and of the value codec.

use super::DataType;

/// Why an option definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefError {
    /// Another definition in the space has this name.
    #[error("option definition '{name}' already exists in option space '{space}'")]
    DuplicateName {
        /// Option name.
        name: String,
        /// Option space.
        space: String,
    },
    /// Another definition in the space has this code.
    #[error(
        "option code {code} of '{name}' is already used by '{existing}' in option space '{space}'"
    )]
    DuplicateCode {
        /// Option name of the refused definition.
        name: String,
        /// Option code.
        code: u16,
        /// Option space.
        space: String,
        /// Name of the definition already holding the code.
        existing: String,
    },
    /// The definition would replace a standard option of the space.
    #[error("option '{name}' (code {code}) redefines standard option '{standard}' in option space '{space}'")]
    Standard {
        /// Option name of the refused definition.
        name: String,
        /// Option code.
        code: u16,
        /// Option space.
        space: String,
        /// Name of the standard option.
        standard: String,
    },
    /// The code is not usable in the space (out of range, or PAD/END of DHCPv4).
    #[error("invalid code {code} for option '{name}' in option space '{space}': {reason}")]
    BadCode {
        /// Option name.
        name: String,
        /// Option code.
        code: u16,
        /// Option space.
        space: String,
        /// Why the code is refused.
        reason: &'static str,
    },
    /// The definition is inconsistent (bad name, type, array flag or record types).
    #[error("invalid definition of option '{name}' in option space '{space}': {reason}")]
    Invalid {
        /// Option name.
        name: String,
        /// Option space.
        space: String,
        /// What is wrong.
        reason: String,
    },
}

/// Why an option value could not be encoded from text, or decoded to text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Hex input that is not valid.
    #[error("invalid hex data '{input}': {reason}")]
    BadHex {
        /// The offending input.
        input: String,
        /// Why.
        reason: &'static str,
    },
    /// One CSV field is not a valid value of its type.
    #[error("invalid {ty} value '{value}': {reason}")]
    BadField {
        /// Type expected for the field.
        ty: DataType,
        /// The offending text.
        value: String,
        /// Why.
        reason: String,
    },
    /// No value was given for an option that needs one.
    #[error("option '{option}' of type {ty} needs a value")]
    MissingValue {
        /// Option name.
        option: String,
        /// Option type.
        ty: DataType,
    },
    /// Fewer CSV fields than the record has.
    #[error("option '{option}' is a record of {expected} fields but {got} values were given")]
    FieldCount {
        /// Option name.
        option: String,
        /// Number of record fields.
        expected: usize,
        /// Number of values given.
        got: usize,
    },
    /// A value for an option that carries none.
    #[error("option '{option}' of type empty takes no value, got '{value}'")]
    UnexpectedValue {
        /// Option name.
        option: String,
        /// The value given.
        value: String,
    },
    /// Binary option data does not match the definition (decoding, or hex data checked against it).
    #[error("option '{option}' data does not match its definition: {reason}")]
    BadWire {
        /// Option name.
        option: String,
        /// What does not fit.
        reason: String,
    },
    /// A format this codec does not handle.
    #[error("option '{option}': {reason}")]
    Unsupported {
        /// Option name.
        option: String,
        /// What is not supported.
        reason: String,
    },
}
