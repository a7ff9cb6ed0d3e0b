//! Tests of the value codec with DHCPv6 rules and definitions: the spec's examples, the ARM's wire
//! dumps, and a sample for every standard definition.

use super::*;
use crate::defs::builtin;
use crate::defs::OptionDefs;

fn def_in(space: &str, name: &str) -> OptionDef {
    OptionDefs::standard_v6()
        .by_name(space, name)
        .cloned()
        .unwrap_or_else(|| panic!("no standard option {space}.{name}"))
}

fn csv_in(space: &str, name: &str, data: &str) -> Result<Vec<u8>, ValueError> {
    encode_for(Family::V6, Some(&def_in(space, name)), true, data)
}

fn csv(name: &str, data: &str) -> Result<Vec<u8>, ValueError> {
    csv_in("dhcp6", name, data)
}

fn unhex(s: &str) -> Vec<u8> {
    parse_hex(&s.split_whitespace().collect::<String>()).unwrap()
}

// V6-133, V6-134: CSV and hex forms of dns-servers agree; a literal comma is `\,`.
#[test]
fn v6_133_134_dns_servers_csv_and_hex() {
    let csv_wire = csv("dns-servers", "2001:db8:1::cafe, 2001:db8:1::babe").unwrap();
    let hex = "20 01 0D B8 00 01 00 00 00 00 00 00 00 00 CA FE \
               20 01 0D B8 00 01 00 00 00 00 00 00 00 00 BA BE";
    let def = def_in("dhcp6", "dns-servers");
    let hex_wire = encode_for(Family::V6, Some(&def), false, hex).unwrap();
    assert_eq!(csv_wire, hex_wire);
    assert_eq!(csv_wire.len(), 32);
    assert_eq!(
        csv(
            "new-posix-timezone",
            "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00"
        )
        .unwrap(),
        b"EST5EDT4,M3.2.0/02:00,M11.1.0/02:00"
    );
    let quoted = encode_for(
        Family::V6,
        Some(&def_in("dhcp6", "subscriber-id")),
        false,
        "'convert this text to binary'",
    );
    assert_eq!(quoted.unwrap(), b"convert this text to binary");
}

// V6-134: hex data of an address array must hold whole IPv6 addresses.
#[test]
fn v6_134_hex_address_array_is_checked() {
    let def = def_in("dhcp6", "dns-servers");
    let err = encode_for(Family::V6, Some(&def), false, "20010db8").unwrap_err();
    assert!(err.to_string().contains("IPv6 addresses"), "{err}");
    // Kea reads pd-exclude (RFC 6603 layout) with a parser of its own: any bytes go.
    let pd = def_in("dhcp6", "pd-exclude");
    assert_eq!(
        encode_for(Family::V6, Some(&pd), false, "48ca").unwrap(),
        [0x48, 0xca]
    );
}

// V6-138: a DHCPv6 tuple has a 16-bit length.
#[test]
fn v6_138_tuple_has_16_bit_length() {
    assert_eq!(
        csv("bootfile-param", "a, bc").unwrap(),
        [0, 1, b'a', 0, 2, b'b', b'c']
    );
    let def = def_in("dhcp6", "bootfile-param");
    assert_eq!(
        to_text_for(Family::V6, &def, &[0, 1, b'a', 0, 2, b'b', b'c']).unwrap(),
        "a, bc"
    );
    assert!(to_text_for(Family::V6, &def, &[0, 3, b'a']).is_err());
    // 256 bytes fit a DHCPv6 tuple but not a DHCPv4 one.
    let long = "x".repeat(256);
    assert_eq!(csv("bootfile-param", &long).unwrap()[..2], [1, 0]);
    let v4_tuple = OptionDef {
        array: true,
        ..OptionDef::new("t", 222, "dhcp4", DataType::Tuple)
    };
    assert!(encode(Some(&v4_tuple), true, &long).is_err());
}

// V6-140: range-checked integers; an ipv6-prefix carries only the significant octets.
#[test]
fn v6_140_types() {
    let mut def = OptionDef::new("u16", 100, "dhcp6", DataType::Uint16);
    assert!(encode_for(Family::V6, Some(&def), true, "70000").is_err());
    def.data_type = DataType::Ipv6Prefix;
    assert_eq!(
        encode_for(Family::V6, Some(&def), true, "2001:db8::/64").unwrap(),
        unhex("40 20 01 0d b8 00 00 00 00")
    );
}

// V6-141: both ARM examples, byte for byte (ARM §9.2.13).
#[test]
fn v6_141_dnr_arm_examples() {
    let first = csv(
        "v6-dnr",
        "100, dot1.example.org., 2001:db8::1 2001:db8::2, alpn=dot port=8530",
    )
    .unwrap();
    let want = unhex(
        "00 64 00 12 04 64 6f 74 31 07 65 78 61 6d 70 6c 65 03 6f 72 67 00
         00 20 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
         20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
         00 01 00 04 03 64 6f 74 00 03 00 02 21 52",
    );
    assert_eq!(first, want);
    let second = csv(
        "v6-dnr",
        "150, resolver.example., 2001:db8::1 2001:db8::2, alpn=dot\\,doq\\,h2\\,h3 dohpath=/q{?dns}",
    )
    .unwrap();
    let want = unhex(
        "00 96 00 12 08 72 65 73 6f 6c 76 65 72 07 65 78 61 6d 70 6c 65 00
         00 20 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
         20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
         00 01 00 0e 03 64 6f 74 03 64 6f 71 02 68 32 02 68 33
         00 07 00 08 2f 71 7b 3f 64 6e 73 7d",
    );
    assert_eq!(second, want);
    let def = def_in("dhcp6", "v6-dnr");
    assert_eq!(
        to_text_for(Family::V6, &def, &want).unwrap(),
        "150, resolver.example., 2001:db8::1 2001:db8::2, alpn=dot\\,doq\\,h2\\,h3 dohpath=/q{?dns}"
    );
    // ADN-only; one instance per DHCPv6 option; IPv4 addresses are not DHCPv6 ones.
    assert_eq!(
        csv("v6-dnr", "1, a.example.").unwrap(),
        unhex("00 01 00 0b 01 61 07 65 78 61 6d 70 6c 65 00")
    );
    assert!(csv("v6-dnr", "1, a.example. | 2, b.example.").is_err());
    assert!(csv("v6-dnr", "1, a.example., 192.0.2.1").is_err());
    assert!(to_text_for(Family::V6, &def, &unhex("00 01 00 02 00")).is_err());
}

// V6-142: Softwire46 options in their container spaces (ARM §9.2.12).
#[test]
fn v6_142_softwire46() {
    assert_eq!(
        csv_in("s46-rule-options", "s46-portparams", "2, 3/4").unwrap(),
        [2, 4, 0x30, 0]
    );
    assert_eq!(
        csv_in(
            "s46-cont-mape-options",
            "s46-rule",
            "128, 0, 24, 192.0.2.0, 2001:db8:1::/64"
        )
        .unwrap(),
        unhex("80 00 18 c0 00 02 00 40 20 01 0d b8 00 01 00 00")
    );
    assert_eq!(
        csv_in("s46-cont-mapt-options", "s46-dmr", "2001:db8:cafe::/64").unwrap(),
        unhex("40 20 01 0d b8 ca fe 00 00")
    );
    assert_eq!(
        csv_in(
            "s46-cont-lw-options",
            "s46-v4v6bind",
            "192.0.2.3, 2001:db8:1:cafe::/64"
        )
        .unwrap(),
        unhex("c0 00 02 03 40 20 01 0d b8 00 01 ca fe")
    );
    assert_eq!(csv("s46-cont-mape", "").unwrap(), Vec::<u8>::new());
}

// V6-144, V6-145: the ARM's custom `foo` and `bar` definitions.
#[test]
fn v6_144_145_custom_definitions() {
    let foo = OptionDef::new("foo", 100, "dhcp6", DataType::Uint32);
    assert_eq!(
        encode_for(Family::V6, Some(&foo), true, "12345").unwrap(),
        [0, 0, 0x30, 0x39]
    );
    let bar = OptionDef {
        record_types: vec![
            DataType::Ipv6Address,
            DataType::Uint16,
            DataType::Boolean,
            DataType::String,
        ],
        ..OptionDef::new("bar", 101, "dhcp6", DataType::Record)
    };
    let wire = encode_for(
        Family::V6,
        Some(&bar),
        true,
        "2001:db8:1::10, 123, false, Hello World",
    )
    .unwrap();
    assert_eq!(wire.len(), 30);
    assert_eq!(&wire[16..19], [0, 123, 0]);
    assert_eq!(
        to_text_for(Family::V6, &bar, &wire).unwrap(),
        "2001:db8:1::10, 123, false, Hello World"
    );
}

// V6-147, V6-149: vendor-opts carries the enterprise number; DOCSIS sub-options in vendor-4491.
#[test]
fn v6_147_149_vendor_options() {
    assert_eq!(csv("vendor-opts", "12345").unwrap(), [0, 0, 0x30, 0x39]);
    let tftp = csv_in("vendor-4491", "tftp-servers", "3000:1::234").unwrap();
    assert_eq!(tftp.len(), 16);
    assert_eq!(
        csv_in("vendor-2495", "4o6-source-port", "547").unwrap(),
        [2, 0x23]
    );
}

/// A representative CSV value for every standard `dhcp6` option that takes one (V6-138), in the style
/// of Kea's `all-options.json`; each must encode, and decode back to the same text.
const SAMPLES: &[(&str, &str)] = &[
    ("clientid", "000100012C4F6E2A001122334455"),
    ("ia-na", "1, 3600, 5400"),
    ("ia-ta", "7"),
    ("iaaddr", "2001:db8::5, 3000, 4000"),
    ("oro", "23, 24"),
    ("preference", "255"),
    ("elapsed-time", "100"),
    ("unicast", "2001:db8::1"),
    ("status-code", "2, no addresses"),
    ("vendor-class", "4491, 0009646F63736973332E30"),
    ("vendor-opts", "4491"),
    ("reconf-msg", "5"),
    ("sip-server-dns", "sip1.example.org., sip2.example.org."),
    ("dns-servers", "2001:db8::cafe, 2001:db8::babe"),
    ("domain-search", "example.org., example.com."),
    ("iaprefix", "3000, 4000, 56, 2001:db8:1::"),
    ("information-refresh-time", "3600"),
    ("geoconf-civic", "1, 2, 0102"),
    ("remote-id", "4491, 0A0B0C"),
    ("client-fqdn", "1, host.example.org."),
    (
        "new-posix-timezone",
        "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00",
    ),
    ("ero", "37, 38"),
    ("lq-query", "1, 2001:db8::1"),
    ("clt-time", "600"),
    ("lq-relay-data", "2001:db8::1, 0102"),
    ("bootfile-url", "http://[2001:db8::1]/boot"),
    ("bootfile-param", "root=/dev/sda, quiet"),
    ("client-arch-type", "7, 9"),
    ("nii", "1, 3, 0"),
    ("aftr-name", "aftr.example.org."),
    ("pd-exclude", "2001:db8:1:8000:ca00::/72"),
    (
        "rdnss-selection",
        "2001:db8::1, 1, rdnss.example.org., other.example.",
    ),
    ("client-linklayer-addr", "0001001122334455"),
    ("link-address", "2001:db8::1"),
    ("solmax-rt", "3600"),
    ("inf-max-rt", "3600"),
    ("s46-rule", "128, 0, 24, 192.0.2.0, 2001:db8:1::/64"),
    ("s46-dmr", "2001:db8:cafe::/64"),
    ("s46-v4v6bind", "192.0.2.3, 2001:db8:1:cafe::/64"),
    ("s46-portparams", "0, 3/4"),
    (
        "v6-sztp-redirect",
        "https://sztp1.example.com:8443, https://sztp2.example.com",
    ),
    (
        "v6-dnr",
        "100, dot1.example.org., 2001:db8::1 2001:db8::2, alpn=dot port=8530",
    ),
];

#[test]
fn v6_138_every_sample_round_trips() {
    for (name, text) in SAMPLES {
        let def = def_in("dhcp6", name);
        let wire = encode_for(Family::V6, Some(&def), true, text)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = to_text_for(Family::V6, &def, &wire).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&back, text, "{name}");
    }
}

/// Every standard DHCPv6 definition, in every built-in space, encodes a value built from its field
/// types and decodes back to text that encodes to the same bytes (V6-138, V6-142, V6-149).
#[test]
fn v6_138_every_standard_definition_encodes_and_decodes() {
    let sample = |ty: DataType| match ty {
        DataType::Binary => "0102",
        DataType::Boolean => "true",
        DataType::Fqdn => "host.example.",
        DataType::Ipv4Address => "192.0.2.1",
        DataType::Ipv6Address => "2001:db8::1",
        DataType::Ipv6Prefix => "2001:db8::/32",
        DataType::Psid => "3/4",
        DataType::String | DataType::Tuple => "text",
        DataType::Int8 | DataType::Int16 | DataType::Int32 => "-1",
        _ => "1",
    };
    let mut count = 0;
    for (def, _) in builtin::definitions(Family::V6) {
        count += 1;
        let text = match (special(&def), def.data_type) {
            (Some(_), _) => "1, a.example., 2001:db8::1, port=853".to_owned(),
            (None, DataType::Empty) => String::new(),
            (None, _) => {
                let fields: Vec<&str> = def.fields().iter().map(|&t| sample(t)).collect();
                fields.join(", ")
            }
        };
        let wire = encode_for(Family::V6, Some(&def), true, &text)
            .unwrap_or_else(|e| panic!("{}.{}: {e}", def.space, def.name));
        let back = to_text_for(Family::V6, &def, &wire)
            .unwrap_or_else(|e| panic!("{}.{}: {e}", def.space, def.name));
        let again = encode_for(Family::V6, Some(&def), true, &back).unwrap();
        assert_eq!(again, wire, "{}.{}", def.space, def.name);
    }
    assert!(count > 90, "only {count} definitions");
}
