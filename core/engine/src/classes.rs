//! The classes a query belongs to, without expressions: `ALL`, `VENDOR_CLASS_<vendor class>` (option 60 in
//! DHCPv4, the first data chunk of option 16 in DHCPv6), `KNOWN`/`UNKNOWN` after host lookup, and the
//! classes a reservation assigns (V4-094, V4-124, V4-125, V6-119, V6-152, V6-153). Both families use it;
//! kept allocation-free except for the vendor class name.

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

    /// Records the result of host lookup: the reservation's `client-classes` when one was found.
    pub(crate) fn set_host(&mut self, host_classes: Option<&'a [String]>) {
        self.known = Some(host_classes.is_some());
        self.host = host_classes.unwrap_or(&[]);
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        match name {
            "ALL" => true,
            "KNOWN" => self.known == Some(true),
            "UNKNOWN" => self.known == Some(false),
            _ => self.vendor.as_deref() == Some(name) || self.host.iter().any(|c| c == name),
        }
    }

    /// The configured classes (`defined`, with their names) this query belongs to, in Kea's priority
    /// order (V4-131, V6-159).
    pub(crate) fn configured<'c, C>(
        &self,
        defined: &'c [C],
        name: impl Fn(&C) -> &str,
    ) -> Vec<&'c C> {
        if defined.is_empty() {
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
            .filter_map(|n| defined.iter().find(|c| name(c) == n))
            .collect()
    }
}

/// Classes known at selection time; a class-restricted subnet or pool serves only their members (V4-045,
/// V6-057).
pub(crate) fn class_allows(restriction: &Option<String>, classes: &Classes<'_>) -> bool {
    restriction.as_deref().is_none_or(|c| classes.contains(c))
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
