//! Family-neutral option definitions: data types, the definition registry (standard and custom
//! `option-def`, option spaces) and the `option-data` value codec in [`value`].
//!
//! Codes are `u16` and spaces are strings so DHCPv6 can share these types.

mod data_type;
mod error;
mod registry;
mod std_v4;
pub mod value;

pub use data_type::{DataType, UnknownDataType};
pub use error::{DefError, ValueError};
pub use registry::{Family, OptionDef, OptionDefs};
