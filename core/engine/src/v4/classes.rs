//! The classes a query belongs to, without expressions: `ALL`, `VENDOR_CLASS_<option 60>`, `KNOWN`/`UNKNOWN`
//! after host lookup, and the classes a reservation assigns (V4-094, V4-124, V4-125). Kept allocation-free
//! except for the vendor class name.

use ruru_config::{ClientClass, Dhcp4Config, Host4};

/// Class membership of one query, in assignment order.
#[derive(Debug, Default)]
pub(crate) struct Classes<'a> {
    vendor: Option<String>,
    /// `Some(true)` = KNOWN, `Some(false)` = UNKNOWN, `None` = host lookup not done yet.
    known: Option<bool>,
    host: &'a [String],
}

impl<'a> Classes<'a> {
    pub(crate) fn new(vendor_class_id: Option<&[u8]>) -> Self {
        Classes {
            vendor: vendor_class_id.map(|v| format!("VENDOR_CLASS_{}", String::from_utf8_lossy(v))),
            known: None,
            host: &[],
        }
    }

    /// Records the result of host lookup.
    pub(crate) fn set_host(&mut self, host: Option<&'a Host4>) {
        self.known = Some(host.is_some());
        self.host = host.map_or(&[], |h| h.client_classes.as_slice());
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        match name {
            "ALL" => true,
            "KNOWN" => self.known == Some(true),
            "UNKNOWN" => self.known == Some(false),
            _ => self.vendor.as_deref() == Some(name) || self.host.iter().any(|c| c == name),
        }
    }

    /// The configured classes this query belongs to, in Kea's priority order (V4-131).
    pub(crate) fn configured<'c>(&self, cfg: &'c Dhcp4Config) -> Vec<&'c ClientClass> {
        if cfg.client_classes.is_empty() {
            return Vec::new();
        }
        let mut names: Vec<&str> = vec!["ALL"];
        names.extend(self.vendor.as_deref());
        match self.known {
            Some(true) => names.push("KNOWN"),
            Some(false) => names.push("UNKNOWN"),
            None => {}
        }
        names.extend(self.host.iter().map(String::as_str));
        names
            .into_iter()
            .filter_map(|n| cfg.client_classes.iter().find(|c| c.name == n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-125: option 60 puts the client in VENDOR_CLASS_<value>.
    #[test]
    fn vendor_class_from_option_60() {
        let c = Classes::new(Some(b"docsis3.0"));
        assert!(c.contains("VENDOR_CLASS_docsis3.0"));
        assert!(c.contains("ALL"));
        assert!(!c.contains("KNOWN") && !c.contains("UNKNOWN"));
    }
}
