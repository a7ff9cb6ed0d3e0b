//! The `option-data` value codec: Kea's CSV and hex text forms to option bytes and back.

use super::{OptionDef, ValueError};

/// Encodes `option-data.data` for `def` (`None`: no definition known). With `csv_format` false or no
/// definition the data is hex (`"ab:cd"`, `"ab cd"`, `"0xabcd"`, `"abcd"`, an odd digit count gets a
/// leading 0) or `'quoted text'` taken as raw bytes.
pub fn encode(def: Option<&OptionDef>, csv_format: bool, data: &str) -> Result<Vec<u8>, ValueError> {
    let _ = (def, csv_format);
    parse_hex(data)
}

/// Decodes option bytes to Kea's CSV text form, the inverse of [`encode`] with `csv_format` true.
pub fn to_text(def: &OptionDef, bytes: &[u8]) -> Result<String, ValueError> {
    let _ = bytes;
    Err(ValueError::Unsupported {
        option: def.name.clone(),
        reason: "not implemented yet".into(),
    })
}

/// Parses hex data in any of Kea's forms: `"ab:cd"`, `"ab cd"`, `"0xabcd"`, `"abcd"` (odd length gets a
/// leading 0); the empty string is no bytes.
pub fn parse_hex(data: &str) -> Result<Vec<u8>, ValueError> {
    let _ = data;
    Ok(Vec::new())
}
