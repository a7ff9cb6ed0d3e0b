//! Host name handling inside the server (V4-143..V4-147): which name a client gets, scrubbed and qualified.
//! No DNS update is sent (DDNS needs D2, not built yet), so replies carry N=1 in option 81 (V4-148).

use ruru_config::{DdnsParams, ReplaceClientName};
use std::net::Ipv4Addr;

/// Kea's built-in `hostname-char-set`, scrubbed without a regex engine.
const DEFAULT_CHAR_SET: &str = "[^A-Za-z0-9.-]";

/// A subnet's `hostname-char-set`, ready to apply (compiled once per configuration).
#[derive(Debug)]
pub(crate) enum CharSet {
    /// Empty set: names are kept as sent.
    Keep,
    /// Kea's default set.
    Default,
    /// Any other regular expression of invalid characters.
    Custom(regex::Regex),
}

impl CharSet {
    pub(crate) fn of(ddns: &DdnsParams) -> CharSet {
        match ddns.hostname_char_set.as_str() {
            "" => CharSet::Keep,
            DEFAULT_CHAR_SET => CharSet::Default,
            // Validated when the configuration was read; a failure here keeps names as the default does.
            set => regex::Regex::new(set).map_or(CharSet::Default, CharSet::Custom),
        }
    }
}

/// The name to store in the lease and return in option 12/81.
pub(crate) fn choose(
    ddns: &DdnsParams,
    set: &CharSet,
    reserved: Option<&str>,
    client: Option<&str>,
    addr: Ipv4Addr,
) -> Option<String> {
    if let Some(r) = reserved {
        return Some(qualify(&r.to_ascii_lowercase(), &ddns.qualifying_suffix));
    }
    let client = client.filter(|c| !c.is_empty());
    let generate = match ddns.replace_client_name {
        ReplaceClientName::Never => false,
        ReplaceClientName::Always => true,
        ReplaceClientName::WhenPresent => client.is_some(),
        ReplaceClientName::WhenNotPresent => client.is_none(),
    };
    if generate {
        let o = addr.octets();
        let name = format!(
            "{}-{}-{}-{}-{}",
            ddns.generated_prefix, o[0], o[1], o[2], o[3]
        );
        return Some(qualify(&name, &ddns.qualifying_suffix));
    }
    let name = scrub(client?, set, &ddns.hostname_char_replacement);
    (!name.is_empty()).then(|| qualify(&name.to_ascii_lowercase(), &ddns.qualifying_suffix))
}

/// Replaces the characters `set` matches with `replacement`, label by label so dots survive (V4-146);
/// NUL is always invalid.
fn scrub(name: &str, set: &CharSet, replacement: &str) -> String {
    let name = name.trim_end_matches('\0');
    match set {
        CharSet::Keep => name.replace('\0', replacement),
        CharSet::Default => {
            let mut out = String::with_capacity(name.len());
            for c in name.chars() {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    out.push(c);
                } else {
                    out.push_str(replacement);
                }
            }
            out
        }
        CharSet::Custom(re) => name
            .split('.')
            .map(|label| {
                re.replace_all(&label.replace('\0', replacement), replacement)
                    .into_owned()
            })
            .collect::<Vec<_>>()
            .join("."),
    }
}

/// Appends the qualifying suffix to a single-label name (V4-145); no trailing dot (V4-147).
fn qualify(name: &str, suffix: &str) -> String {
    let name = name.trim_end_matches('.');
    let suffix = suffix.trim_matches('.');
    if suffix.is_empty() || name.contains('.') {
        name.to_owned()
    } else {
        format!("{name}.{suffix}")
    }
}

/// Decodes the domain name of a client's option 81 (flags, rcode1, rcode2, name); E bit selects wire form.
pub(crate) fn fqdn_name(opt: &[u8]) -> Option<String> {
    let (&flags, rest) = opt.split_first()?;
    let name = rest.get(2..)?;
    if flags & 0x04 == 0 {
        return Some(String::from_utf8_lossy(name).into_owned());
    }
    let mut labels = Vec::new();
    let mut i = 0;
    while let Some(&len) = name.get(i) {
        if len == 0 {
            break;
        }
        let label = name.get(i + 1..i + 1 + usize::from(len))?;
        labels.push(String::from_utf8_lossy(label).into_owned());
        i += 1 + usize::from(len);
    }
    Some(labels.join("."))
}

/// The server's option 81: no DNS updates are made, so N=1, S=0, O set when the client asked for S (V4-148).
pub(crate) fn fqdn_reply(client_opt: &[u8], name: &str) -> Vec<u8> {
    let client_flags = client_opt.first().copied().unwrap_or(0);
    let e = client_flags & 0x04;
    let o = if client_flags & 0x01 != 0 { 0x02 } else { 0 };
    let mut out = vec![0x08 | e | o, 0, 0];
    if e != 0 {
        for label in name.split('.').filter(|l| !l.is_empty()) {
            let l = &label.as_bytes()[..label.len().min(63)];
            out.push(l.len() as u8);
            out.extend_from_slice(l);
        }
        out.push(0);
    } else {
        out.extend_from_slice(name.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_config::ConflictResolutionMode;

    fn ddns(replace: ReplaceClientName, suffix: &str) -> DdnsParams {
        DdnsParams {
            send_updates: true,
            override_no_update: false,
            override_client_update: false,
            replace_client_name: replace,
            generated_prefix: "myhost".into(),
            qualifying_suffix: suffix.into(),
            update_on_renew: false,
            conflict_resolution_mode: ConflictResolutionMode::CheckWithDhcid,
            ttl_percent: None,
            hostname_char_set: "[^A-Za-z0-9.-]".into(),
            hostname_char_replacement: String::new(),
        }
    }

    // V4-145: generated names.
    #[test]
    fn generated_name() {
        let d = ddns(ReplaceClientName::Always, "example.com");
        assert_eq!(
            choose(
                &d,
                &CharSet::of(&d),
                None,
                Some("pc"),
                Ipv4Addr::new(172, 16, 1, 10)
            )
            .as_deref(),
            Some("myhost-172-16-1-10.example.com")
        );
    }

    // V4-147: lower-cased and qualified, no trailing dot; V4-096: reserved name wins.
    #[test]
    fn client_and_reserved_names() {
        let d = ddns(ReplaceClientName::Never, "example.com");
        let a = Ipv4Addr::new(10, 0, 0, 1);
        assert_eq!(
            choose(&d, &CharSet::of(&d), None, Some("PC1"), a).as_deref(),
            Some("pc1.example.com")
        );
        assert_eq!(
            choose(&d, &CharSet::of(&d), Some("alice-laptop"), Some("PC1"), a).as_deref(),
            Some("alice-laptop.example.com")
        );
        assert_eq!(
            choose(&d, &CharSet::of(&d), None, Some("my$host"), a).as_deref(),
            Some("myhost.example.com")
        );
    }

    #[test]
    fn fqdn_wire_round_trip() {
        let reply = fqdn_reply(&[0x05, 0, 0], "a.example.com");
        assert_eq!(reply[0], 0x08 | 0x04 | 0x02);
        assert_eq!(fqdn_name(&reply).as_deref(), Some("a.example.com"));
    }

    // V4-146: a custom set is a regular expression of invalid characters, applied label by label.
    #[test]
    fn v4_146_custom_char_set_regex() {
        let mut d = ddns(ReplaceClientName::Never, "");
        d.hostname_char_set = "[^A-Za-z0-9-]".into();
        d.hostname_char_replacement = "x".into();
        let set = CharSet::of(&d);
        assert!(matches!(set, CharSet::Custom(_)));
        assert_eq!(scrub("myhost-$[123.org", &set, "x"), "myhost-xx123.org");
        d.hostname_char_set = String::new();
        assert_eq!(scrub("a$b", &CharSet::of(&d), "x"), "a$b");
    }
}
