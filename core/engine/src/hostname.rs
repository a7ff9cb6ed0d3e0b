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

/// How `ddns-qualifying-suffix` completes a name, by where the name came from (Kea's rules, checked
/// on Kea 2.2 in both families).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualify {
    /// A reserved or generated name: always, a trailing dot of its own dropped (V4-096, V6-121).
    Always,
    /// A client's option 12 name: only when it is a single label (V4-145, V4-147).
    SingleLabel,
    /// A client's FQDN-option name (81, 39): when it is partial (sent without the root label),
    /// whatever its label count; a full name is kept (V4-147, V6-169).
    Partial { full: bool },
}

/// A name a client sent: in option 12 or in its FQDN option (81, 39), with whether the latter was
/// fully qualified.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientName<'a> {
    pub(crate) name: &'a str,
    pub(crate) rule: Qualify,
}

/// `name` completed with `suffix` by `rule`, without a trailing dot.
fn qualify(name: &str, suffix: &str, rule: Qualify) -> String {
    let name = name.trim_end_matches('.');
    let suffix = suffix.trim_matches('.');
    let add = !suffix.is_empty()
        && match rule {
            Qualify::Always => true,
            Qualify::SingleLabel => !name.contains('.'),
            Qualify::Partial { full } => !full,
        };
    if add {
        format!("{name}.{suffix}")
    } else {
        name.to_owned()
    }
}

/// The DHCPv4 name to store in the lease and return in option 12/81 (without the trailing dot
/// option 81 adds): the reservation's, a generated one, or the client's, scrubbed and qualified.
pub(crate) fn choose(
    ddns: &DdnsParams,
    set: &CharSet,
    reserved: Option<&str>,
    client: Option<ClientName<'_>>,
    addr: Ipv4Addr,
) -> Option<String> {
    let suffix = &ddns.qualifying_suffix;
    if let Some(r) = reserved {
        return Some(qualify(&r.to_ascii_lowercase(), suffix, Qualify::Always));
    }
    let client = client.filter(|c| !c.name.is_empty());
    if generates(ddns.replace_client_name, client.is_some()) {
        let o = addr.octets();
        let name = format!(
            "{}-{}-{}-{}-{}",
            ddns.generated_prefix, o[0], o[1], o[2], o[3]
        );
        return Some(qualify(&name, suffix, Qualify::Always));
    }
    let c = client?;
    client_name(ddns, set, c.name).map(|n| qualify(&n, suffix, c.rule))
}

/// The DHCPv6 generated name for `addr` (V6-168): `<prefix>-<address, ':' → '-'>`, qualified with
/// the trailing dot.
pub(crate) fn generated6(ddns: &DdnsParams, addr: Ipv6Addr) -> String {
    let name = format!(
        "{}-{}",
        ddns.generated_prefix,
        addr.to_string().replace(':', "-")
    );
    fully_qualified(&name, &ddns.qualifying_suffix, Qualify::Always)
}

/// A name as an FQDN option carries it (V6-169): lower-cased, completed with `suffix` by `rule`,
/// always with the trailing dot; empty stays empty.
pub(crate) fn fully_qualified(name: &str, suffix: &str, rule: Qualify) -> String {
    if name.is_empty() {
        return String::new();
    }
    format!("{}.", qualify(&name.to_ascii_lowercase(), suffix, rule))
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

/// Decodes the domain name of a client's option 81 (flags, rcode1, rcode2, name; the E bit selects
/// the wire form) and whether it is fully qualified: in wire form, ended by the root label; in
/// ASCII, by a dot.
pub(crate) fn fqdn_name(opt: &[u8]) -> Option<(String, bool)> {
    let (&flags, rest) = opt.split_first()?;
    let name = rest.get(2..)?;
    if flags & 0x04 == 0 {
        let name = String::from_utf8_lossy(name).into_owned();
        let full = name.ends_with('.');
        return Some((name, full));
    }
    let mut labels = Vec::new();
    let mut i = 0;
    let mut full = false;
    while let Some(&len) = name.get(i) {
        if len == 0 {
            full = true;
            break;
        }
        let label = name.get(i + 1..i + 1 + usize::from(len))?;
        labels.push(String::from_utf8_lossy(label).into_owned());
        i += 1 + usize::from(len);
    }
    Some((labels.join("."), full))
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
                Some(option12("pc")),
                Ipv4Addr::new(172, 16, 1, 10)
            )
            .as_deref(),
            Some("myhost-172-16-1-10.example.com")
        );
    }

    fn option12(name: &str) -> ClientName<'_> {
        ClientName {
            name,
            rule: Qualify::SingleLabel,
        }
    }

    // V4-147: lower-cased and qualified, no trailing dot; V4-096: reserved name wins.
    #[test]
    fn client_and_reserved_names() {
        let d = ddns(ReplaceClientName::Never, "example.com");
        let a = Ipv4Addr::new(10, 0, 0, 1);
        let set = CharSet::of(&d);
        assert_eq!(
            choose(&d, &set, None, Some(option12("PC1")), a).as_deref(),
            Some("pc1.example.com")
        );
        assert_eq!(
            choose(&d, &set, Some("alice-laptop"), Some(option12("PC1")), a).as_deref(),
            Some("alice-laptop.example.com")
        );
        assert_eq!(
            choose(&d, &set, None, Some(option12("my$host")), a).as_deref(),
            Some("myhost.example.com")
        );
    }

    // V4-147, V6-169, V4-096, V6-121: how each kind of name is qualified, as Kea 2.2 answers in both
    // families: an option 12 name of several labels is kept; an FQDN-option name sent partial is
    // completed whatever its label count, sent full it is kept; a reserved name is always completed,
    // even written with a trailing dot.
    #[test]
    fn v4_147_v6_169_qualification_rules() {
        let d = ddns(ReplaceClientName::Never, "example.org");
        let set = CharSet::of(&d);
        let a = Ipv4Addr::new(10, 0, 0, 1);
        let named = |name, rule| choose(&d, &set, None, Some(ClientName { name, rule }), a);
        let partial = Qualify::Partial { full: false };
        let full = Qualify::Partial { full: true };
        assert_eq!(
            named("myhost.sub", Qualify::SingleLabel).as_deref(),
            Some("myhost.sub")
        );
        assert_eq!(
            named("myhost.sub", partial).as_deref(),
            Some("myhost.sub.example.org")
        );
        assert_eq!(
            named("myhost", partial).as_deref(),
            Some("myhost.example.org")
        );
        assert_eq!(named("myhost.sub.", full).as_deref(), Some("myhost.sub"));
        assert_eq!(named("myhost.", full).as_deref(), Some("myhost"));
        for reserved in ["alice.lab", "alice.lab."] {
            assert_eq!(
                choose(&d, &set, Some(reserved), None, a).as_deref(),
                Some("alice.lab.example.org")
            );
            assert_eq!(
                fully_qualified(reserved, "example.org", Qualify::Always),
                "alice.lab.example.org."
            );
        }
        assert_eq!(
            fully_qualified("myhost.sub", "example.org", partial),
            "myhost.sub.example.org."
        );
        assert_eq!(
            fully_qualified("myhost.sub.", "example.org", full),
            "myhost.sub."
        );
        assert_eq!(
            fqdn_name(b"\x05\0\0\x06myhost\x03sub"),
            Some(("myhost.sub".into(), false))
        );
        assert_eq!(
            fqdn_name(b"\x05\0\0\x06myhost\x03sub\0"),
            Some(("myhost.sub".into(), true))
        );
        assert_eq!(
            fqdn_name(b"\x01\0\0myhost.sub."),
            Some(("myhost.sub.".into(), true))
        );
    }

    // V6-168: the generated DHCPv6 name from the first address, qualified with the trailing dot.
    #[test]
    fn v6_168_generated_name() {
        let d = ddns(ReplaceClientName::Always, "example.com");
        let a: Ipv6Addr = "3001:1::70e".parse().unwrap();
        assert_eq!(generated6(&d, a), "myhost-3001-1--70e.example.com.");
        let partial = Qualify::Partial { full: false };
        assert_eq!(
            fully_qualified("Some-Computer", "example.com", partial),
            "some-computer.example.com."
        );
        assert_eq!(fully_qualified("pc", "", partial), "pc.");
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
        assert_eq!(fqdn_name(&reply), Some(("a.example.com".into(), true)));
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
