//! Host name handling inside the server, both families (V4-143..V4-148, V6-167..V6-170): whether a name
//! is generated, how a client's name is scrubbed and qualified. The family-specific parts are the
//! generated name's form and the FQDN options (81 in DHCPv4, 39 in DHCPv6).
//! The DNS updates themselves are NameChangeRequests (`crate::ddns`).

use ruru_config::{DdnsParams, ReplaceClientName};
use std::net::{Ipv4Addr, Ipv6Addr};

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

/// Whether `ddns-replace-client-name` has the server generate the name, given whether the client sent
/// a non-empty one.
pub(crate) fn generates(mode: ReplaceClientName, client_named: bool) -> bool {
    match mode {
        ReplaceClientName::Never => false,
        ReplaceClientName::Always => true,
        ReplaceClientName::WhenPresent => client_named,
        ReplaceClientName::WhenNotPresent => !client_named,
    }
}

/// A client's name scrubbed of invalid characters and lower-cased; `None` when nothing is left.
pub(crate) fn client_name(ddns: &DdnsParams, set: &CharSet, name: &str) -> Option<String> {
    let name = scrub(name, set, &ddns.hostname_char_replacement);
    let name = name.trim_end_matches('.');
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// The server's answer to a client's FQDN option (V4-148, V6-166), the same rule for option 81 and
/// option 39: what the server does in DNS and the flags that say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FqdnAnswer {
    /// S: the server updates the forward (A/AAAA) record.
    pub(crate) s: bool,
    /// O: S differs from what the client asked.
    pub(crate) o: bool,
    /// N: the server updates nothing.
    pub(crate) n: bool,
}

impl FqdnAnswer {
    /// From the client's S and N flags, whether updates are on (`enable-updates` and
    /// `ddns-send-updates`) and the subnet's overrides: client N-S 0-1 → S; 1-0 → N (with
    /// override-no-update: S, O); 0-0 → reverse only (with override-client-update: S, O); updates
    /// off → N (O when the client asked for S).
    pub(crate) fn new(ddns: &DdnsParams, updates: bool, client_s: bool, client_n: bool) -> Self {
        let (s, n) = if !updates {
            (false, true)
        } else if client_n {
            if ddns.override_no_update {
                (true, false)
            } else {
                (false, true)
            }
        } else if client_s {
            (true, false)
        } else {
            (ddns.override_client_update, false)
        };
        FqdnAnswer {
            s,
            o: s != client_s,
            n,
        }
    }

    /// The lease's DNS directions: forward when S, reverse unless N.
    pub(crate) fn directions(self) -> (bool, bool) {
        (self.s, !self.n)
    }

    /// The flags that announce `forward`/`reverse` updates, as a `ddns*_update` callout left them,
    /// to a client that asked with `client_s`: S for forward, N when neither.
    pub(crate) fn for_directions(forward: bool, reverse: bool, client_s: bool) -> Self {
        FqdnAnswer {
            s: forward,
            o: forward != client_s,
            n: !forward && !reverse,
        }
    }
}

/// The DHCPv4 name to store in the lease and return in option 12/81.
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
    if generates(ddns.replace_client_name, client.is_some()) {
        let o = addr.octets();
        let name = format!(
            "{}-{}-{}-{}-{}",
            ddns.generated_prefix, o[0], o[1], o[2], o[3]
        );
        return Some(qualify(&name, &ddns.qualifying_suffix));
    }
    client_name(ddns, set, client?).map(|n| qualify(&n, &ddns.qualifying_suffix))
}

/// The DHCPv6 generated name for `addr` (V6-168): `<prefix>-<address, ':' → '-'>`, qualified with
/// the trailing dot.
pub(crate) fn generated6(ddns: &DdnsParams, addr: Ipv6Addr) -> String {
    let name = format!(
        "{}-{}",
        ddns.generated_prefix,
        addr.to_string().replace(':', "-")
    );
    fully_qualified(&name, &ddns.qualifying_suffix)
}

/// A DHCPv6 lease name (V6-169): lower-cased, completed with the suffix unless it already ends in a
/// dot (a partial name), always with the trailing dot.
pub(crate) fn fully_qualified(name: &str, suffix: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let name = name.to_ascii_lowercase();
    if name.ends_with('.') {
        return name;
    }
    let suffix = suffix.trim_matches('.');
    if suffix.is_empty() {
        format!("{name}.")
    } else {
        format!("{name}.{suffix}.")
    }
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

/// Appends the qualifying suffix to a single-label DHCPv4 name (V4-145); no trailing dot (V4-147).
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

/// The server's option 81 (V4-148): flags S/O/N from `answer` (N is bit 3 here), E as the client
/// sent it, the name in that encoding.
pub(crate) fn fqdn_reply(client_opt: &[u8], name: &str, answer: FqdnAnswer) -> Vec<u8> {
    let client_flags = client_opt.first().copied().unwrap_or(0);
    let e = client_flags & 0x04;
    let flags = u8::from(answer.s) | (u8::from(answer.o) << 1) | (u8::from(answer.n) << 3) | e;
    let mut out = vec![flags, 0, 0];
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

    // V6-168: the generated DHCPv6 name from the first address, qualified with the trailing dot.
    #[test]
    fn v6_168_generated_name() {
        let d = ddns(ReplaceClientName::Always, "example.com");
        let a: Ipv6Addr = "3001:1::70e".parse().unwrap();
        assert_eq!(generated6(&d, a), "myhost-3001-1--70e.example.com.");
        assert_eq!(
            fully_qualified("Some-Computer", "example.com"),
            "some-computer.example.com."
        );
        assert_eq!(
            fully_qualified("a.example.org.", "example.com"),
            "a.example.org."
        );
        assert_eq!(fully_qualified("pc", ""), "pc.");
    }

    // V4-148, V6-166: the flag matrix, updates on and off, with each override.
    #[test]
    fn v4_148_v6_166_flag_matrix() {
        let mut d = ddns(ReplaceClientName::Never, "");
        let f = |d: &DdnsParams, on, s, n| {
            let a = FqdnAnswer::new(d, on, s, n);
            (a.n, a.s, a.o)
        };
        // (N, S, O) for client N-S 0-1, 1-0, 0-0.
        assert_eq!(f(&d, true, true, false), (false, true, false));
        assert_eq!(f(&d, true, false, true), (true, false, false));
        assert_eq!(f(&d, true, false, false), (false, false, false));
        assert_eq!(
            FqdnAnswer::new(&d, true, false, false).directions(),
            (false, true),
            "reverse only"
        );
        assert_eq!(f(&d, false, true, false), (true, false, true));
        d.override_no_update = true;
        assert_eq!(f(&d, true, false, true), (false, true, true));
        d.override_client_update = true;
        assert_eq!(f(&d, true, false, false), (false, true, true));
    }

    #[test]
    fn fqdn_wire_round_trip() {
        let d = ddns(ReplaceClientName::Never, "");
        let off = FqdnAnswer::new(&d, false, true, false);
        let reply = fqdn_reply(&[0x05, 0, 0], "a.example.com", off);
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
