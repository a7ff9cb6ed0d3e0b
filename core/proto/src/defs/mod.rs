//! Option definitions for both families: data types, the definition registry (standard and custom
//! `option-def`, option spaces) and the `option-data` value codec in [`value`].
//!
//! Codes are `u16` and spaces are strings, so one implementation serves DHCPv4 and DHCPv6; a registry
//! knows its [`Family`], which decides the main space, the code range, the built-in tables and the
//! width of length fields inside values.

mod builtin;
mod data_type;
mod error;
mod registry;
pub mod value;

pub use data_type::{DataType, UnknownDataType};
pub use error::{DefError, ValueError};
pub use registry::{Family, OptionDef, OptionDefs};
