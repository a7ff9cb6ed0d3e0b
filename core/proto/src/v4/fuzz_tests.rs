//! Robustness: 10,000 random, truncated and mutated datagrams never panic the decoder, and every
//! packet that parses survives parse → encode → parse (V4-017, V4-024).

use super::packet::tests::discover_with;
use super::Packet4;
use crate::test_rng::Rng;

/// Random option bytes: mostly well-formed TLVs with repeated codes, sometimes PAD, END, overload
/// and lengths that overrun.
fn random_options(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(12) {
        let code = match rng.below(8) {
            0 => 0,
            1 => 52,
            2 => 53,
            3 => 255,
            _ => rng.byte(),
        };
        out.push(code);
        if code == 0 || code == 255 {
            continue;
        }
        let len = if code == 52 { 1 } else { rng.below(40) };
        out.push(len as u8);
        let overrun = rng.below(10) == 0;
        let written = if overrun { len / 2 } else { len };
        out.extend((0..written).map(|_| {
            if code == 52 {
                rng.below(4) as u8
            } else {
                rng.byte()
            }
        }));
    }
    out
}

fn input(rng: &mut Rng, i: usize) -> Vec<u8> {
    let mut valid = discover_with(&random_options(rng));
    match i % 4 {
        0 => (0..rng.below(600)).map(|_| rng.byte()).collect(),
        1 => {
            valid.truncate(rng.below(valid.len() + 1));
            valid
        }
        2 => {
            for _ in 0..=rng.below(8) {
                let at = rng.below(valid.len());
                valid[at] = rng.byte();
            }
            valid
        }
        _ => {
            // Options in the file and sname fields too, used under overload.
            for b in &mut valid[44..236] {
                *b = if rng.below(3) == 0 { rng.byte() } else { 0 };
            }
            valid
        }
    }
}

fn sorted_options(p: &Packet4) -> Vec<(u8, Vec<u8>)> {
    let mut v: Vec<_> = p.options.iter().map(|(c, d)| (c, d.to_vec())).collect();
    v.sort();
    v
}

#[test]
fn ten_thousand_inputs_never_panic_and_round_trip() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    let (mut b2, mut b3) = (Vec::new(), Vec::new());
    for i in 0..10_000 {
        let buf = input(&mut rng, i);
        let Ok(p1) = Packet4::parse(&buf) else {
            continue;
        };
        parsed += 1;
        let _ = (p1.message_type(), p1.hw_addr(), p1.reply_skeleton());
        b2.clear();
        p1.encode(&mut b2);
        let p2 = Packet4::parse(&b2).expect("an encoded packet parses");
        assert_eq!(sorted_options(&p1), sorted_options(&p2), "input {i}");
        // Same header; options equal up to order (option 53 moves first).
        let mut p2_with_p1_order = p2.clone();
        p2_with_p1_order.options = p1.options.clone();
        assert_eq!(p2_with_p1_order, p1, "input {i}");
        b3.clear();
        p2.encode(&mut b3);
        assert_eq!(b2, b3, "encoding is stable, input {i}");
        assert_eq!(Packet4::parse(&b3).as_ref(), Ok(&p2));
    }
    // The generator must really exercise the parser, not only its length check.
    assert!(parsed > 4_000, "only {parsed} inputs parsed");
}
