//! The option definition registry: standard definitions plus custom `option-def` entries, keyed by
//! (space, code) and (space, name).

use super::{builtin, DataType, DefError};
use std::collections::HashMap;

/// Address family of a registry: decides the main option space and the valid code range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// DHCPv4: main space `dhcp4`, one-byte codes, 0 (PAD) and 255 (END) reserved there.
    V4,
    /// DHCPv6: main space `dhcp6`, two-byte codes, 0 reserved there.
    V6,
}

impl Family {
    /// The family's top-level option space.
    pub fn main_space(self) -> &'static str {
        match self {
            Family::V4 => "dhcp4",
            Family::V6 => "dhcp6",
        }
    }

    /// Width in bytes of option codes and of length fields, in option headers and inside option data
    /// (tuples, DNR names and address lists): 1 in DHCPv4, 2 in DHCPv6.
    pub(crate) fn len_width(self) -> usize {
        match self {
            Family::V4 => 1,
            Family::V6 => 2,
        }
    }

    /// The largest value such a field holds: the highest option code, the longest tuple.
    pub(crate) fn max_len(self) -> usize {
        (1 << (8 * self.len_width())) - 1
    }
}

/// One option definition (Kea `option-def`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionDef {
    /// Option name, unique in its space.
    pub name: String,
    /// Option code, unique in its space.
    pub code: u16,
    /// Option space the option lives in (`dhcp4`, `vendor-4491`, a custom space, ...).
    pub space: String,
    /// Value type.
    pub data_type: DataType,
    /// Whether the value repeats (for records: the last field repeats).
    pub array: bool,
    /// Field types when `data_type` is [`DataType::Record`]; empty otherwise.
    pub record_types: Vec<DataType>,
    /// Option space of the sub-options this option carries after its value; empty for none.
    pub encapsulate: String,
}

impl OptionDef {
    /// A definition with no array flag, record fields or encapsulated space.
    pub fn new(name: &str, code: u16, space: &str, data_type: DataType) -> Self {
        Self {
            name: name.to_owned(),
            code,
            space: space.to_owned(),
            data_type,
            array: false,
            record_types: Vec::new(),
            encapsulate: String::new(),
        }
    }

    /// The types of the value's fields: the record fields, or the one type.
    pub fn fields(&self) -> &[DataType] {
        if self.data_type == DataType::Record {
            &self.record_types
        } else {
            std::slice::from_ref(&self.data_type)
        }
    }

    /// Checks the definition's own consistency (name, space, type, array flag, record fields), with
    /// Kea's rules.
    fn validate(&self) -> Result<(), String> {
        if !valid_option_name(&self.name) {
            return Err(format!("invalid option name '{}'", self.name));
        }
        if !valid_space_name(&self.space) {
            return Err(format!("invalid option space name '{}'", self.space));
        }
        if !self.encapsulate.is_empty() {
            if !valid_space_name(&self.encapsulate) {
                let space = &self.encapsulate;
                return Err(format!("invalid encapsulated option space name '{space}'"));
            }
            if self.array {
                return Err("an array option cannot encapsulate an option space".into());
            }
        }
        if self.data_type == DataType::Internal {
            return Err("type internal is reserved for built-in options".into());
        }
        if self.data_type != DataType::Record {
            if !self.record_types.is_empty() {
                return Err(format!(
                    "record-types given but the type is {}, not record",
                    self.data_type
                ));
            }
            if self.array {
                not_repeatable(self.data_type)?;
            }
            return Ok(());
        }
        if self.record_types.len() < 2 {
            return Err("a record needs at least 2 fields in record-types".into());
        }
        let last = self.record_types.len() - 1;
        for (i, &t) in self.record_types.iter().enumerate() {
            match t {
                DataType::Record | DataType::Empty | DataType::Internal => {
                    return Err(format!("type {t} cannot be a record field"));
                }
                // Their length is "up to the end", so nothing can follow them.
                DataType::String | DataType::Binary if i < last => {
                    return Err(format!("a {t} field can only be the last record field"));
                }
                _ => {}
            }
        }
        if self.array {
            not_repeatable(self.record_types[last])?;
        }
        Ok(())
    }
}

/// Types whose length runs to the end of the option cannot repeat.
fn not_repeatable(t: DataType) -> Result<(), String> {
    match t {
        DataType::String | DataType::Binary | DataType::Empty | DataType::Internal => {
            Err(format!("an array of {t} is not a valid option definition"))
        }
        _ => Ok(()),
    }
}

/// Kea's rule for option names: letters, digits, `-` and `_`, starting and ending with a letter or
/// digit.
fn valid_option_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    matches!((bytes.first(), bytes.last()), (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
}

/// Kea's rule for option space names: letters, digits, `_` and `-`, not starting with `-`.
fn valid_space_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Where a definition comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// Built in and fixed.
    Standard,
    /// Built in, but an `option-def` may replace it: option 43 (a last-resort definition) and the
    /// built-ins of spaces other than the family's main one, as in Kea.
    Replaceable,
    /// From the configuration.
    Custom,
}

#[derive(Clone, Debug, Default)]
struct Space {
    by_code: HashMap<u16, usize>,
    by_name: HashMap<String, usize>,
}

/// Registry of option definitions, keyed by (space, code) and (space, name).
#[derive(Clone, Debug)]
pub struct OptionDefs {
    family: Family,
    defs: Vec<(OptionDef, Origin)>,
    spaces: HashMap<String, Space>,
}

impl OptionDefs {
    /// A registry with no definition at all.
    pub fn empty(family: Family) -> Self {
        Self {
            family,
            defs: Vec::new(),
            spaces: HashMap::new(),
        }
    }

    /// The built-in definitions of `family`: for DHCPv4 the spaces `dhcp4`, `dhcp-agent-options-space`,
    /// `vendor-4491` and `vendor-encapsulated-options-space` (V4-112, V4-113, V4-114, V4-119, V4-122);
    /// for DHCPv6 `dhcp6`, the Softwire46 spaces, `vendor-2495` and `vendor-4491` (V6-137, V6-138,
    /// V6-142, V6-149, V6-198).
    pub fn standard(family: Family) -> OptionDefs {
        let mut defs = Self::empty(family);
        for (def, replaceable) in builtin::definitions(family) {
            let origin = if replaceable {
                Origin::Replaceable
            } else {
                Origin::Standard
            };
            defs.insert(def, origin);
        }
        // A space a built-in option encapsulates exists even with no definition in it (option 43's
        // `vendor-encapsulated-options-space`, `rsoo-opts`).
        let encapsulated: Vec<String> = defs
            .defs
            .iter()
            .map(|(d, _)| d.encapsulate.clone())
            .filter(|s| !s.is_empty())
            .collect();
        for space in encapsulated {
            defs.spaces.entry(space).or_default();
        }
        defs
    }

    /// The built-in DHCPv4 definitions ([`OptionDefs::standard`] of [`Family::V4`]).
    pub fn standard_v4() -> OptionDefs {
        Self::standard(Family::V4)
    }

    /// The built-in DHCPv6 definitions ([`OptionDefs::standard`] of [`Family::V6`]).
    pub fn standard_v6() -> OptionDefs {
        Self::standard(Family::V6)
    }

    /// The registry's address family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Adds a custom definition (`option-def`). Refused: an inconsistent definition, a code outside the
    /// family's range (or PAD/END in `dhcp4`), a name or code already defined in the space, and any
    /// redefinition of a standard option. Option 43's last-resort definition and the built-ins of
    /// spaces other than `dhcp4` are replaced (Kea allows those).
    pub fn add(&mut self, def: OptionDef) -> Result<(), DefError> {
        def.validate().map_err(|reason| DefError::Invalid {
            name: def.name.clone(),
            space: def.space.clone(),
            reason,
        })?;
        self.check_code(&def)?;
        let space = self.spaces.get(&def.space);
        let existing_code = space.and_then(|s| s.by_code.get(&def.code)).copied();
        let existing_name = space.and_then(|s| s.by_name.get(&def.name)).copied();
        for i in [existing_code, existing_name].into_iter().flatten() {
            let (old, origin) = &self.defs[i];
            match origin {
                Origin::Standard => {
                    return Err(DefError::Standard {
                        name: def.name.clone(),
                        code: def.code,
                        space: def.space.clone(),
                        standard: old.name.clone(),
                    })
                }
                // Only a definition of the same code may replace a replaceable one.
                Origin::Replaceable if old.code == def.code => {}
                _ if old.code == def.code => {
                    return Err(DefError::DuplicateCode {
                        name: def.name.clone(),
                        code: def.code,
                        space: def.space.clone(),
                        existing: old.name.clone(),
                    })
                }
                _ => {
                    return Err(DefError::DuplicateName {
                        name: def.name.clone(),
                        space: def.space.clone(),
                    })
                }
            }
        }
        if let Some(i) = existing_code {
            // Replacing a replaceable built-in: drop its name key, reuse its slot.
            let old_name = std::mem::take(&mut self.defs[i].0.name);
            let space = self.spaces.entry(def.space.clone()).or_default();
            space.by_name.remove(&old_name);
            space.by_name.insert(def.name.clone(), i);
            self.defs[i] = (def, Origin::Custom);
        } else {
            self.insert(def, Origin::Custom);
        }
        Ok(())
    }

    fn check_code(&self, def: &OptionDef) -> Result<(), DefError> {
        let bad = |reason| DefError::BadCode {
            name: def.name.clone(),
            code: def.code,
            space: def.space.clone(),
            reason,
        };
        if usize::from(def.code) > self.family.max_len() {
            return Err(bad("the code is larger than 255"));
        }
        if def.space == self.family.main_space() {
            match (self.family, def.code) {
                (Family::V4, 0) => return Err(bad("code 0 is reserved for PAD")),
                (Family::V4, 255) => return Err(bad("code 255 is reserved for END")),
                (Family::V6, 0) => return Err(bad("code 0 is reserved")),
                _ => {}
            }
        }
        Ok(())
    }

    fn insert(&mut self, def: OptionDef, origin: Origin) {
        let i = self.defs.len();
        let space = self.spaces.entry(def.space.clone()).or_default();
        space.by_code.insert(def.code, i);
        space.by_name.insert(def.name.clone(), i);
        self.defs.push((def, origin));
    }

    /// The definition named `name` in `space`.
    pub fn by_name(&self, space: &str, name: &str) -> Option<&OptionDef> {
        let i = *self.spaces.get(space)?.by_name.get(name)?;
        self.defs.get(i).map(|(d, _)| d)
    }

    /// The definition of `code` in `space`.
    pub fn by_code(&self, space: &str, code: u16) -> Option<&OptionDef> {
        let i = *self.spaces.get(space)?.by_code.get(&code)?;
        self.defs.get(i).map(|(d, _)| d)
    }

    /// Whether `space` is known: it has a definition, or is a built-in space such as
    /// `vendor-encapsulated-options-space`.
    pub fn has_space(&self, space: &str) -> bool {
        self.spaces.contains_key(space)
    }

    /// Whether `code` in `space` has a fixed built-in definition (one `option-def` cannot replace).
    pub fn is_standard(&self, space: &str, code: u16) -> bool {
        self.spaces
            .get(space)
            .and_then(|s| s.by_code.get(&code))
            .is_some_and(|&i| self.defs[i].1 == Origin::Standard)
    }

    /// The custom definitions.
    pub fn custom(&self) -> impl Iterator<Item = &OptionDef> {
        self.defs
            .iter()
            .filter(|(_, o)| *o == Origin::Custom)
            .map(|(d, _)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str, code: u16, space: &str) -> OptionDef {
        OptionDef::new(name, code, space, DataType::Uint32)
    }

    // V4-112, V4-113, V4-114, V4-122
    #[test]
    fn standard_v4_spaces() {
        let defs = OptionDefs::standard_v4();
        let routers = defs.by_name("dhcp4", "routers").unwrap();
        assert_eq!(
            (routers.code, routers.data_type, routers.array),
            (3, DataType::Ipv4Address, true)
        );
        assert_eq!(
            defs.by_code("dhcp4", 61).unwrap().name,
            "dhcp-client-identifier"
        );
        assert_eq!(
            defs.by_code("dhcp4", 15).unwrap().data_type,
            DataType::String
        );
        assert_eq!(
            defs.by_code("dhcp4", 119).unwrap().data_type,
            DataType::Fqdn
        );
        let rai = defs.by_code("dhcp4", 82).unwrap();
        assert_eq!(rai.encapsulate, "dhcp-agent-options-space");
        assert_eq!(
            defs.by_code("dhcp-agent-options-space", 2).unwrap().name,
            "remote-id"
        );
        assert_eq!(
            defs.by_name("dhcp-agent-options-space", "relay-port")
                .unwrap()
                .code,
            19
        );
        let oro = defs.by_name("vendor-4491", "oro").unwrap();
        assert_eq!(
            (oro.code, oro.data_type, oro.array),
            (1, DataType::Uint8, true)
        );
        assert_eq!(defs.by_code("vendor-4491", 2).unwrap().name, "tftp-servers");
        let v43 = defs.by_code("dhcp4", 43).unwrap();
        assert_eq!(v43.data_type, DataType::Empty);
        assert_eq!(v43.encapsulate, "vendor-encapsulated-options-space");
        assert!(defs.has_space("vendor-encapsulated-options-space"));
        assert!(defs.by_code("dhcp4", 0).is_none() && defs.by_code("dhcp4", 255).is_none());
        assert_eq!(defs.custom().count(), 0);
    }

    // V4-109: standard options cannot be redefined, by code or by name.
    #[test]
    fn refuses_standard_redefinition() {
        let mut defs = OptionDefs::standard_v4();
        let err = defs.add(custom("my-dns", 6, "dhcp4")).unwrap_err();
        assert!(matches!(err, DefError::Standard { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("domain-name-servers") && msg.contains("dhcp4"),
            "{msg}"
        );
        assert!(defs.add(custom("routers", 222, "dhcp4")).is_err());
        assert!(defs.add(custom("oro", 9, "vendor-4491")).is_err());
        // Built-ins outside dhcp4 may be replaced, once (Kea 2.2 accepts this).
        defs.add(custom("my-oro", 1, "vendor-4491")).unwrap();
        assert_eq!(defs.by_code("vendor-4491", 1).unwrap().name, "my-oro");
        assert!(defs.add(custom("again", 1, "vendor-4491")).is_err());
        // A code Kea has no definition for is allowed (e.g. 120).
        defs.add(custom("sip-server", 120, "dhcp4")).unwrap();
        assert!(!defs.is_standard("dhcp4", 120) && defs.is_standard("dhcp4", 6));
    }

    // V4-116: duplicates within a space are refused; other spaces are independent.
    #[test]
    fn refuses_duplicates() {
        let mut defs = OptionDefs::standard_v4();
        defs.add(custom("foo", 222, "dhcp4")).unwrap();
        let err = defs.add(custom("bar", 222, "dhcp4")).unwrap_err();
        assert!(matches!(err, DefError::DuplicateCode { .. }), "{err}");
        assert!(err.to_string().contains("'foo'"));
        let err = defs.add(custom("foo", 223, "dhcp4")).unwrap_err();
        assert!(matches!(err, DefError::DuplicateName { .. }), "{err}");
        defs.add(custom("foo", 222, "isc")).unwrap();
        defs.add(custom("bar", 1, "isc")).unwrap();
        assert_eq!(defs.by_name("isc", "bar").unwrap().code, 1);
        assert_eq!(defs.custom().count(), 3);
    }

    // V4-120: option 43's last-resort definition gives way to an option-def, once.
    #[test]
    fn option_43_can_be_redefined_once() {
        let mut defs = OptionDefs::standard_v4();
        let mut pxe = OptionDef::new("pxe-vendor", 43, "dhcp4", DataType::Record);
        pxe.record_types = vec![DataType::Uint8, DataType::Binary];
        defs.add(pxe.clone()).unwrap();
        assert_eq!(defs.by_code("dhcp4", 43), Some(&pxe));
        assert!(defs
            .by_name("dhcp4", "vendor-encapsulated-options")
            .is_none());
        assert!(defs.add(custom("again", 43, "dhcp4")).is_err());
    }

    #[test]
    fn refuses_bad_codes_and_shapes() {
        let mut defs = OptionDefs::standard_v4();
        for code in [0, 255, 256] {
            let err = defs.add(custom("x", code, "dhcp4")).unwrap_err();
            assert!(matches!(err, DefError::BadCode { .. }), "{code}: {err}");
        }
        // PAD/END are only reserved in dhcp4 itself.
        defs.add(custom("zero", 0, "isc")).unwrap();
        for name in ["123", "a_b", "A", "a-b"] {
            defs.add(custom(name, 1, name)).unwrap();
        }
        let bad = [
            OptionDef::new("", 200, "dhcp4", DataType::Uint8),
            OptionDef::new("a b", 200, "dhcp4", DataType::Uint8),
            OptionDef::new("a.b", 200, "dhcp4", DataType::Uint8),
            OptionDef::new("-ab", 200, "dhcp4", DataType::Uint8),
            OptionDef::new("ab_", 200, "dhcp4", DataType::Uint8),
            OptionDef::new("x", 200, "dhcp4", DataType::Internal),
            OptionDef {
                array: true,
                encapsulate: "isc".into(),
                ..OptionDef::new("x", 200, "dhcp4", DataType::Uint8)
            },
            OptionDef::new("x", 200, "bad space", DataType::Uint8),
            OptionDef::new("x", 200, "dhcp4", DataType::Record),
            OptionDef {
                array: true,
                ..OptionDef::new("x", 200, "dhcp4", DataType::String)
            },
            OptionDef {
                record_types: vec![DataType::Uint8],
                ..OptionDef::new("x", 200, "dhcp4", DataType::Uint16)
            },
            OptionDef {
                record_types: vec![DataType::String, DataType::Uint8],
                ..OptionDef::new("x", 200, "dhcp4", DataType::Record)
            },
            OptionDef {
                record_types: vec![DataType::Uint8, DataType::Empty],
                ..OptionDef::new("x", 200, "dhcp4", DataType::Record)
            },
            OptionDef {
                encapsulate: "no spaces allowed".into(),
                ..OptionDef::new("x", 200, "dhcp4", DataType::Empty)
            },
        ];
        for def in bad {
            let err = defs.add(def.clone()).unwrap_err();
            assert!(matches!(err, DefError::Invalid { .. }), "{def:?}: {err}");
        }
    }

    // V6-137, V6-138, V6-139, V6-142, V6-149, V6-198: the DHCPv6 built-ins with Kea's names.
    #[test]
    fn v6_137_standard_v6_spaces() {
        let defs = OptionDefs::standard_v6();
        assert_eq!(defs.family(), Family::V6);
        let dns = defs.by_name("dhcp6", "dns-servers").unwrap();
        assert_eq!(
            (dns.code, dns.data_type, dns.array),
            (23, DataType::Ipv6Address, true)
        );
        for (code, name) in [
            (1, "clientid"),
            (2, "serverid"),
            (3, "ia-na"),
            (14, "rapid-commit"),
            (26, "iaprefix"),
            (39, "client-fqdn"),
            (62, "nii"),
            (135, "relay-source-port"),
            (144, "v6-dnr"),
        ] {
            assert_eq!(defs.by_code("dhcp6", code).unwrap().name, name);
        }
        let mape = defs.by_name("dhcp6", "s46-cont-mape").unwrap();
        assert_eq!(
            (mape.code, mape.data_type, mape.encapsulate.as_str()),
            (94, DataType::Empty, "s46-cont-mape-options")
        );
        let rule = defs.by_code("s46-cont-mapt-options", 89).unwrap();
        assert_eq!(rule.encapsulate, "s46-rule-options");
        assert!(defs.by_code("s46-cont-mapt-options", 90).is_none());
        assert_eq!(
            defs.by_code("s46-cont-lw-options", 90).unwrap().name,
            "s46-br"
        );
        assert_eq!(
            defs.by_code("s46-v4v6bind-options", 93).unwrap().name,
            "s46-portparams"
        );
        let oro = defs.by_name("vendor-4491", "oro").unwrap();
        assert_eq!((oro.code, oro.data_type), (1, DataType::Uint16));
        assert_eq!(
            defs.by_code("vendor-4491", 32).unwrap().name,
            "tftp-servers"
        );
        assert_eq!(
            defs.by_code("vendor-4491", 1026).unwrap().name,
            "cmts-cm-mac"
        );
        assert_eq!(
            defs.by_code("vendor-2495", 60001).unwrap().name,
            "4o6-source-address"
        );
        assert!(
            defs.has_space("rsoo-opts") && !defs.has_space("vendor-encapsulated-options-space")
        );
        assert!(defs.by_name("dhcp4", "routers").is_none());
    }

    // V6-137: standard dhcp6 options cannot be redefined; codes Kea leaves undefined can be.
    #[test]
    fn v6_137_refuses_standard_redefinition() {
        let mut defs = OptionDefs::standard_v6();
        let err = defs.add(custom("my-dns", 23, "dhcp6")).unwrap_err();
        assert!(matches!(err, DefError::Standard { .. }), "{err}");
        assert!(err.to_string().contains("dns-servers"), "{err}");
        assert!(defs.add(custom("clientid", 222, "dhcp6")).is_err());
        // Code 35 is unassigned by Kea, 1000 is beyond every DHCPv4 code.
        defs.add(custom("foo", 35, "dhcp6")).unwrap();
        defs.add(custom("big", 1000, "dhcp6")).unwrap();
        let err = defs.add(custom("zero", 0, "dhcp6")).unwrap_err();
        assert!(matches!(err, DefError::BadCode { .. }), "{err}");
        // The Softwire46 options Table 1 lists in dhcp6 may be replaced there, as Kea accepts.
        defs.add(custom("my-rule", 89, "dhcp6")).unwrap();
        assert_eq!(defs.by_code("dhcp6", 89).unwrap().name, "my-rule");
        // Sub-option spaces work as in DHCPv4 (V6-144, V6-146).
        defs.add(custom("foo", 1, "vendor-12345")).unwrap();
        defs.add(custom("my-tftp", 32, "vendor-4491")).unwrap();
        assert!(!defs.is_standard("vendor-4491", 32) && defs.is_standard("dhcp6", 23));
        assert_eq!(defs.custom().count(), 5);
    }
}
