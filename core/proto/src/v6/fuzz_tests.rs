//! Robustness (V6-018): every prefix of the fixtures, many byte-flipped and spliced variants, random
//! bytes and deep relay garbage never panic the decoder, the typed options or the text codec; every
//! datagram that parses survives parse → encode → parse, and its encoding is stable.

use super::fixture_tests::{bytes, relayed_solicit, ADVERTISE, REPLY, SOLICIT};
use super::*;
use crate::defs::value::to_text_for;
use crate::defs::{Family, OptionDefs};
use crate::test_rng::Rng;

fn fixtures() -> Vec<Vec<u8>> {
    vec![
        bytes(SOLICIT),
        relayed_solicit(),
        bytes(ADVERTISE),
        bytes(REPLY),
    ]
}

/// Decodes `data` as every typed option, recursing into the option lists some of them carry.
fn decode_all_ways(data: &[u8], defs: &OptionDefs, code: u16, depth: usize) {
    if let Some(def) = defs.by_code("dhcp6", code) {
        let _ = to_text_for(Family::V6, def, data);
    }
    let _ = Duid(data.to_vec()).kind();
    let _ = (u8::decode(data), u16::decode(data), u32::decode(data));
    let _ = (std::net::Ipv6Addr::decode(data), Vec::<u16>::decode(data));
    let _ = (
        StatusCode::decode(data),
        Auth::decode(data),
        PdExclude::decode(data),
    );
    let _ = (
        UserClass::decode(data),
        VendorClass::decode(data),
        ClientFqdn::decode(data),
    );
    let _ = (
        RemoteId::decode(data),
        ClientLinkLayerAddr::decode(data),
        IaTa::decode(data),
    );
    if let Ok(p) = PdExclude::decode(data) {
        let _ = p.excluded(
            "2001:db8::"
                .parse()
                .unwrap_or(std::net::Ipv6Addr::UNSPECIFIED),
            48,
        );
    }
    if depth > 3 {
        return;
    }
    let nested = [
        Ia::decode(data).ok().map(|v| v.options),
        IaAddr::decode(data).ok().map(|v| v.options),
        IaPrefix::decode(data).ok().map(|v| v.options),
        VendorOpts::decode(data).ok().map(|v| v.options),
    ];
    for options in nested.into_iter().flatten() {
        for (c, d) in options.iter() {
            decode_all_ways(d, defs, c, depth + 1);
        }
    }
}

/// Parses `buf`; when it parses, checks the round trip and decodes every option every way.
fn check(buf: &[u8], defs: &OptionDefs) -> bool {
    let Ok(p1) = Packet6::parse(buf) else {
        return false;
    };
    let mut b2 = Vec::new();
    p1.encode(&mut b2).expect("a parsed packet encodes");
    let p2 = Packet6::parse(&b2).expect("an encoded packet parses");
    assert_eq!(p2, p1);
    let mut b3 = Vec::new();
    p2.encode(&mut b3).expect("encodes again");
    assert_eq!(b2, b3, "encoding is stable");
    let _ = p1.reply_skeleton(MessageType::Reply);
    let levels = p1.relays.iter().map(|r| &r.options);
    for options in levels.chain([&p1.message.options]) {
        for (c, d) in options.iter() {
            decode_all_ways(d, defs, c, 0);
        }
    }
    true
}

#[test]
fn v6_018_every_prefix_of_the_fixtures() {
    let defs = OptionDefs::standard_v6();
    for wire in fixtures() {
        assert!(check(&wire, &defs), "the whole fixture parses");
        for end in 0..wire.len() {
            check(&wire[..end], &defs);
        }
    }
}

#[test]
fn v6_018_mutated_and_random_datagrams_never_panic() {
    let defs = OptionDefs::standard_v6();
    let seeds = fixtures();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for i in 0..20_000 {
        let mut buf = seeds[i % seeds.len()].clone();
        match i % 5 {
            // A few bytes flipped anywhere: lengths, codes, relay headers.
            0 | 1 => {
                for _ in 0..=rng.below(4) {
                    let at = rng.below(buf.len());
                    buf[at] = rng.byte();
                }
            }
            // Cut and padded with garbage.
            2 => {
                buf.truncate(rng.below(buf.len() + 1));
                buf.extend((0..rng.below(16)).map(|_| rng.byte()));
            }
            // Random bytes behind a message or relay type.
            3 => {
                let len = rng.below(120);
                buf = (0..len).map(|_| rng.byte()).collect();
                if let Some(first) = buf.first_mut() {
                    *first = [1, 12, 13, 7][rng.below(4)];
                }
            }
            // Relay levels around a random or mutated message, some lengths wrong.
            _ => {
                let at = rng.below(buf.len());
                buf[at] = rng.byte();
                for hop in 0..rng.below(40) {
                    let mut relay = vec![12, hop as u8];
                    relay.extend((0..32).map(|_| rng.byte()));
                    relay.extend([0, 9]);
                    let len = if rng.below(8) == 0 {
                        rng.below(0x1_0000)
                    } else {
                        buf.len()
                    };
                    relay.extend((len as u16).to_be_bytes());
                    relay.extend_from_slice(&buf);
                    buf = relay;
                }
            }
        }
        parsed += usize::from(check(&buf, &defs));
    }
    // The generator must reach past the header checks.
    assert!(parsed > 6_000, "only {parsed} inputs parsed");
}
