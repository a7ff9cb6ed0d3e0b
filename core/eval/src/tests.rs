//! Table-driven tests: the ARM's examples and each token, named by spec item.

use super::*;
use ruru_proto::defs::OptionDefs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Options of a fake message or relay level.
type Opts = Vec<(u16, Vec<u8>)>;

/// A query with options, header fields, relays and classes set by the test.
#[derive(Default)]
struct Fake {
    options: Opts,
    classes: Vec<&'static str>,
    relays: Vec<(Ipv6Addr, Ipv6Addr, Opts)>,
    v4: bool,
    /// How often the debug log asked for the label.
    labels: std::cell::Cell<usize>,
}

impl Packet for Fake {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.options
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.as_slice())
    }
    fn iface(&self) -> &str {
        "eth0"
    }
    fn src(&self) -> IpAddr {
        if self.v4 {
            Ipv4Addr::new(10, 1, 2, 3).into()
        } else {
            "fe80::1".parse::<Ipv6Addr>().unwrap().into()
        }
    }
    fn dst(&self) -> IpAddr {
        if self.v4 {
            Ipv4Addr::BROADCAST.into()
        } else {
            "ff02::1:2".parse::<Ipv6Addr>().unwrap().into()
        }
    }
    fn wire_len(&self) -> usize {
        300
    }
    fn msg_type(&self) -> u8 {
        1
    }
    fn transid(&self) -> u32 {
        12345
    }
    fn member(&self, class: &str) -> bool {
        class == "ALL" || self.classes.contains(&class)
    }
    fn header4(&self) -> Option<Header4<'_>> {
        self.v4.then_some(Header4 {
            mac: &[1, 2, 3, 4, 5, 6],
            htype: 1,
            hlen: 6,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::new(10, 0, 0, 1),
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::new(192, 0, 2, 1),
        })
    }
    fn relay6_count(&self) -> usize {
        self.relays.len()
    }
    fn relay6_option(&self, level: usize, code: u16) -> Option<&[u8]> {
        let (_, _, opts) = self.relays.get(level)?;
        opts.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.as_slice())
    }
    fn relay6_addrs(&self, level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        self.relays.get(level).map(|(l, p, _)| (*l, *p))
    }
    fn label(&self) -> String {
        self.labels.set(self.labels.get() + 1);
        "[fake]".into()
    }
}

fn v4_packet() -> Fake {
    Fake {
        v4: true,
        options: vec![
            (53, vec![1]),
            (60, b"docsis3.0".to_vec()),
            (61, b"foobar-client".to_vec()),
            // RAI: circuit-id "eth1/1", remote-id 0a0b.
            (82, [&[1u8, 6][..], b"eth1/1", &[2, 2, 0x0a, 0x0b]].concat()),
            // Vendor-identifying vendor class (124): enterprise 4491, one chunk "docsis3.0".
            (124, [&[0, 0, 0x11, 0x8b, 10, 9][..], b"docsis3.0"].concat()),
            // VIVSO (125): enterprise 4491, sub-option 1 = 0x0203.
            (125, vec![0, 0, 0x11, 0x8b, 4, 1, 2, 2, 3]),
        ],
        classes: vec!["foo", "KNOWN"],
        ..Fake::default()
    }
}

fn v6_packet() -> Fake {
    let iaaddr = [vec![0, 5, 0, 24], vec![0x20; 16], vec![0; 8]].concat();
    Fake {
        options: vec![
            (1, b"foobar-duid".to_vec()),
            (3, [vec![0, 0, 0, 1], vec![0; 8], iaaddr].concat()),
            // Vendor class (16): enterprise 4491, chunks "docsis3.0", "eRouter1.0".
            (
                16,
                [
                    &[0, 0, 0x11, 0x8b, 0, 9][..],
                    b"docsis3.0",
                    &[0, 10],
                    b"eRouter1.0",
                ]
                .concat(),
            ),
            // Vendor-opts (17): enterprise 4491, sub-option 1 = 0x0020.
            (17, vec![0, 0, 0x11, 0x8b, 0, 1, 0, 2, 0, 0x20]),
        ],
        relays: vec![
            (
                "2001:db8::1".parse().unwrap(),
                "fe80::aa".parse().unwrap(),
                vec![(18, b"port-7".to_vec())],
            ),
            (
                "::".parse().unwrap(),
                "fe80::bb".parse().unwrap(),
                vec![(37, b"remote".to_vec())],
            ),
        ],
        ..Fake::default()
    }
}

fn defined(name: &str) -> bool {
    builtin_class(name) || ["foo", "bar", "DROP"].contains(&name)
}

fn compile(family: Family, text: &str, kind: Kind) -> Result<Expression, ParseError> {
    let defs = OptionDefs::standard(family);
    Expression::parse(
        text,
        kind,
        &Env {
            defs: &defs,
            class_defined: &defined,
        },
    )
}

fn check(family: Family, pkt: &Fake, cases: &[(&str, bool)]) {
    for (text, want) in cases {
        let e = compile(family, text, Kind::Bool).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(e.eval_bool(pkt).unwrap(), *want, "{text}");
    }
}

/// Expressions that hold of any packet: literals and operators (V4-133, V4-138..V4-141, V6-161).
const COMMON: &[(&str, bool)] = &[
    // V4-133 literals.
    ("0x666f6f == 'foo'", true),
    // The ARM's table says 0x5a7d is 'ZJ'; it is 'Z}'.
    ("0x5a4a == 'ZJ'", true),
    ("0x5a7d == 'Z}'", true),
    ("0xf == 0x0f", true),
    ("10.0.0.1 == 0x0a000001", true),
    ("123 == 0x0000007b", true),
    ("2001:db8::1 == 0x20010db8000000000000000000000001", true),
    (
        "::ffff:10.0.0.1 == 0x00000000000000000000ffff0a000001",
        true,
    ),
    // V4-138 predicates and precedence.
    ("'foo' == 'bar'", false),
    ("not ('foo' == 'bar')", true),
    ("match('foo.*', 'foobar')", true),
    ("match('foo', 'foobar')", false),
    ("match('.*foo.*', 'is it foo or bar')", true),
    ("match('^.*foo.*$', 'is it foo or bar')", true),
    ("match('foo.*', lcase('FooBar'))", true),
    ("'a' == 'b' and 'a' == 'a' or 'a' == 'a'", true),
    ("'a' == 'b' and ('a' == 'a' or 'a' == 'a')", false),
    ("not 'a' == 'b' and 'a' == 'a'", true),
    ("('foo' == 'bar') or ('bar' == 'bar')", true),
    // V4-139 substring, the ARM's eight examples.
    ("substring('foobar', 0, 6) == 'foobar'", true),
    ("substring('foobar', 3, 3) == 'bar'", true),
    ("substring('foobar', 3, all) == 'bar'", true),
    ("substring('foobar', 1, 4) == 'ooba'", true),
    ("substring('foobar', -5, 4) == 'ooba'", true),
    ("substring('foobar', -1, -3) == 'oba'", true),
    ("substring('foobar', 4, -2) == 'ob'", true),
    ("substring('foobar', 10, 2) == ''", true),
    ("not (substring('foobar', 3, 3) == 'bar')", false),
    // V4-140 concat, +, ifelse, hexstring, case, split (the five ARM examples). hexstring writes
    // lower-case digits, as Kea 2.2 and 2.7 do (the ARM's table shows `66-6F-6F`).
    ("concat('foo', 'bar') == 'foobar'", true),
    ("'abc' + 'def' + 'ghi' == 'abcdefghi'", true),
    (
        "concat('abc', concat('def', 'ghi')) == 'abc' + 'def' + 'ghi'",
        true,
    ),
    ("ifelse('foo' == 'bar', 'us', 'them') == 'them'", true),
    ("hexstring('foo', '-') == '66-6f-6f'", true),
    ("hexstring(0x0AFF, '') == '0aff'", true),
    ("lcase('LoWeR') == 'lower'", true),
    ("ucase('uPpEr') == 'UPPER'", true),
    ("split('one.two..four', '.', 1) == 'one'", true),
    ("split('one.two..four', '.', 2) == 'two'", true),
    ("split('one.two..four', '.', 3) == ''", true),
    ("split('one.two..four', '.', 4) == 'four'", true),
    ("split('one.two..four', '.', 5) == ''", true),
    ("split('a.b', '', 2) == 'a.b'", true),
    ("split('', '.', 1) == ''", true),
    ("split('a,b.c', '.,', 2) == 'b'", true),
    ("split('it' + 0x27 + 's', 0x27, 2) == 's'", true),
    // V4-141 text conversions.
    ("addrtotext(192.10.0.1) == '192.10.0.1'", true),
    ("addrtotext(2003:db8::) == '2003:db8::'", true),
    ("addrtotext('') == ''", true),
    ("int8totext(0xff) == '-1'", true),
    ("int16totext(0xffff) == '-1'", true),
    ("int32totext(0xffffffff) == '-1'", true),
    ("uint8totext(0xff) == '255'", true),
    ("uint16totext(0xffff) == '65535'", true),
    ("uint32totext(4294967295) == '4294967295'", true),
    ("uint8totext('') == ''", true),
    // V4-137 membership.
    ("member('foo')", true),
    ("member('bar')", false),
    ("member('ALL')", true),
    ("member('EXTERNAL_x')", false),
    ("known", true),
    ("unknown", false),
];

#[test]
fn v4_133_to_v4_141_common_tokens_in_dhcp4() {
    check(Family::V4, &v4_packet(), COMMON);
}

// V6-161: the same suite passes unchanged inside Dhcp6.
#[test]
fn v6_161_common_tokens_in_dhcp6() {
    let mut p = v6_packet();
    p.classes = vec!["foo", "KNOWN"];
    check(Family::V6, &p, COMMON);
}

// V4-134, V4-135, V4-136: DHCPv4 options, RAI, header fields, vendor options.
#[test]
fn v4_134_to_v4_136_packet_tokens() {
    check(
        Family::V4,
        &v4_packet(),
        &[
            ("option[60].text == 'docsis3.0'", true),
            ("option[vendor-class-identifier].text == 'docsis3.0'", true),
            ("substring(option[61].hex,0,3) == 'foo'", true),
            ("option[61].exists", true),
            ("option[12].exists", false),
            ("option[12].hex == ''", true),
            ("option[82].option[1].hex == 'eth1/1'", true),
            ("option[82].option[2].exists", true),
            ("option[82].option[5].exists", false),
            ("option[60].option[1].exists", false),
            ("relay4[1].hex == 'eth1/1'", true),
            ("relay4[2].hex == 0x0a0b", true),
            ("relay4[3].exists", false),
            ("pkt.iface == 'eth0'", true),
            ("pkt.src == 10.1.2.3", true),
            ("pkt.dst == 255.255.255.255", true),
            ("pkt.len == 300", true),
            ("pkt4.mac == 0x010203040506", true),
            ("hexstring(pkt4.mac, ':') == '01:02:03:04:05:06'", true),
            ("pkt4.hlen == 6", true),
            ("pkt4.htype == 1", true),
            ("pkt4.giaddr == 10.0.0.1", true),
            ("pkt4.ciaddr == 0.0.0.0", true),
            ("pkt4.siaddr == 192.0.2.1", true),
            ("pkt4.msgtype == 1", true),
            ("pkt4.transid == 12345", true),
            ("vendor[*].exists", true),
            ("vendor[0].exists", true),
            ("vendor[4491].exists", true),
            ("vendor[1234].exists", false),
            ("vendor.enterprise == 4491", true),
            ("vendor[4491].option[1].hex == 0x0203", true),
            ("vendor[4491].option[1].exists", true),
            ("vendor[4491].option[2].exists", false),
            ("vendor-class[*].exists", true),
            ("vendor-class[4491].exists", true),
            ("vendor-class.enterprise == 4491", true),
            ("vendor-class[4491].data == 'docsis3.0'", true),
            ("vendor-class[4491].data[0] == 'docsis3.0'", true),
            ("vendor-class[4491].data[1] == ''", true),
        ],
    );
}

// V6-162, V6-163: DHCPv6 options, sub-options, relays, vendor options.
#[test]
fn v6_162_v6_163_packet_tokens() {
    check(
        Family::V6,
        &v6_packet(),
        &[
            ("substring(option[1].hex,0,6) == 'foobar'", true),
            ("option[clientid].exists", true),
            ("option[3].option[5].exists", true),
            ("option[3].option[13].exists", false),
            ("relay6[0].linkaddr == 2001:db8::1", true),
            ("relay6[0].peeraddr == fe80::aa", true),
            ("relay6[-1].peeraddr == fe80::bb", true),
            ("relay6[-2].peeraddr == fe80::aa", true),
            ("relay6[2].peeraddr == ''", true),
            ("relay6[-3].peeraddr == ''", true),
            ("relay6[0].option[18].hex == 'port-7'", true),
            ("relay6[1].option[37].text == 'remote'", true),
            ("relay6[1].option[18].exists", false),
            ("pkt6.msgtype == 1", true),
            ("pkt6.transid == 12345", true),
            ("pkt.src == fe80::1", true),
            ("vendor[4491].option[1].hex == 0x0020", true),
            ("vendor.enterprise == 4491", true),
            ("vendor-class[4491].data == 'docsis3.0'", true),
            ("vendor-class[4491].data[1] == 'eRouter1.0'", true),
            ("vendor-class[4491].data[2] == ''", true),
            ("vendor-class[1].exists", false),
        ],
    );
}

// V4-132, V6-160: template tests yield strings.
#[test]
fn v4_132_v6_160_template_values() {
    let e = compile(Family::V4, "substring(option[61].hex,0,3)", Kind::String).unwrap();
    assert_eq!(e.eval_string(&v4_packet()).unwrap(), b"foo");
    let e = compile(Family::V6, "substring(option[1].hex,0,6)", Kind::String).unwrap();
    assert_eq!(e.eval_string(&v6_packet()).unwrap(), b"foobar");
    let e = compile(
        Family::V4,
        "ifelse(substring(option[61].hex,0,3) == 'foo', substring(option[61].hex,3,all), '')",
        Kind::String,
    )
    .unwrap();
    assert_eq!(e.eval_string(&v4_packet()).unwrap(), b"bar-client");
}

// V4-128, V4-135, V6-156, V6-162: what must not compile, with the position of the fault.
#[test]
fn v4_128_v6_156_rejected_expressions() {
    let cases: &[(Family, &str, usize)] = &[
        (Family::V4, "relay6[0].peeraddr == ::", 1),
        (Family::V4, "pkt6.msgtype == 1", 1),
        (Family::V6, "pkt4.mac == 0x01", 1),
        (Family::V6, "relay4[1].exists", 1),
        (Family::V4, "member('B')", 8),
        (Family::V4, "'foo'", 6),
        (Family::V4, "option[60].hex", 15),
        (Family::V4, "option[60].text == ", 20),
        (Family::V4, "option[256].exists", 8),
        (Family::V4, "option[no-such-option].exists", 8),
        (Family::V4, "match('(', 'x')", 7),
        (Family::V4, "not 'a'", 8),
        (Family::V4, "'a' == 'b' 'c'", 12),
        (Family::V4, "'unterminated == 'x", 19),
        (Family::V4, "substring('a', 'b', 1) == 'a'", 16),
        (Family::V4, "option[1].exists == 'true'", 18),
        (Family::V4, "('a') == 'a'", 5),
        (Family::V4, "addrtostring(10.0.0.1) == ''", 1),
    ];
    for &(family, text, pos) in cases {
        let e = compile(family, text, Kind::Bool).expect_err(text);
        assert_eq!(e.pos, pos, "{text}: {e}");
    }
    let e = compile(Family::V4, "relay6[0].peeraddr == ::", Kind::Bool).unwrap_err();
    assert!(e.to_string().contains("relay6"), "{e}");
}

// V4-137: `known`/`unknown` and `member` are recorded so the caller can order evaluation.
#[test]
fn v4_137_members_recorded() {
    let e = compile(Family::V4, "member('foo') and not unknown", Kind::Bool).unwrap();
    assert_eq!(e.members(), ["foo", "KNOWN"]);
}

// V4-126, V6-154: built-in classes and prefixes.
#[test]
fn v4_126_builtin_classes() {
    for c in [
        "ALL",
        "KNOWN",
        "UNKNOWN",
        "BOOTP",
        "SKIP_DDNS",
        "EXTERNAL_x",
        "VENDOR_CLASS_d",
        "HA_a",
        "SPAWN_a_b",
        "AFTER_x",
    ] {
        assert!(builtin_class(c), "{c}");
    }
    for c in ["DROP", "EXTERNAL_", "foo", "all"] {
        assert!(!builtin_class(c), "{c}");
    }
}

// Runtime errors: conversions of the wrong size fail evaluation (the class is not assigned).
#[test]
fn conversion_errors() {
    let e = compile(Family::V4, "addrtotext(0x010203) == ''", Kind::Bool).unwrap();
    assert!(e.eval_bool(&v4_packet()).is_err());
    let e = compile(Family::V4, "uint16totext(0x01) == ''", Kind::Bool).unwrap();
    assert!(e.eval_bool(&v4_packet()).is_err());
}

/// Counts allocations made by the current thread while `COUNTING` is set.
struct CountingAlloc;

thread_local! {
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static ALLOCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            ALLOCS.with(|a| a.set(a.get() + 1));
        }
        // SAFETY: the caller's contract is passed through.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract is passed through.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

// The hot path: the common tests evaluate without touching the heap.
#[test]
fn common_tests_do_not_allocate() {
    let pkt = v4_packet();
    for text in [
        "option[60].exists",
        "option[60].text == 'docsis3.0'",
        "substring(option[61].hex,0,3) == 'foo'",
        "member('foo') and not unknown",
        "relay4[1].hex == 'eth1/1'",
        "pkt4.giaddr == 10.0.0.1 or pkt4.msgtype == 3",
        "vendor-class[4491].data == 'docsis3.0'",
        "split(option[60].text, '.', 1) == 'docsis3'",
    ] {
        let e = compile(Family::V4, text, Kind::Bool).unwrap();
        ALLOCS.with(|a| a.set(0));
        COUNTING.with(|c| c.set(true));
        let r = e.eval_bool(&pkt);
        COUNTING.with(|c| c.set(false));
        assert!(r.unwrap(), "{text}");
        assert_eq!(ALLOCS.with(|a| a.get()), 0, "{text} allocated");
    }
}

/// The `eval` events logged while `f` runs under a subscriber whose most verbose level is `max`:
/// (target, message id, text).
fn logged(max: tracing::Level, f: impl FnOnce()) -> Vec<(String, String, String)> {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    #[derive(Default)]
    struct Fields {
        id: String,
        text: String,
        debuglevel: u64,
    }
    impl tracing::field::Visit for Fields {
        fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
            if field.name() == "id" {
                self.id = value.to_owned();
            }
        }
        fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
            if field.name() == "debuglevel" {
                self.debuglevel = value;
            }
        }
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.text = format!("{value:?}");
            }
        }
    }
    struct Capture(Arc<Mutex<Vec<(String, String, String)>>>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
        fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            let mut f = Fields::default();
            e.record(&mut f);
            assert_eq!(f.debuglevel, 55, "{}", f.id);
            let target = e.metadata().target().to_owned();
            self.0.lock().unwrap().push((target, f.id, f.text));
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry()
        .with(Capture(seen.clone()))
        .with(tracing_subscriber::filter::LevelFilter::from_level(max));
    tracing::subscriber::with_default(subscriber, f);
    let out = seen.lock().unwrap().clone();
    out
}

// V4-142: with `kea-dhcp4.eval` at debug level 55 every token logs what it pops and pushes with
// Kea's messages, in Kea's order and wording (checked on Kea 2.2; 2.7.3 starts each with the
// packet's label): the ARM's substring test, and a short-circuited `or` (Kea 2.7's branch).
#[test]
fn v4_142_eval_tokens_logged() {
    let pkt = Fake {
        options: vec![(61, b"foobar".to_vec()), (60, b"phone".to_vec())],
        ..v4_packet()
    };
    let e = compile(
        Family::V4,
        "substring(option[61].hex,0,3) == 'foo'",
        Kind::Bool,
    )
    .unwrap();
    let got = logged(tracing::Level::TRACE, || {
        assert!(e.eval_bool(&pkt).unwrap())
    });
    let want = [
        (
            "EVAL_DEBUG_OPTION",
            "[fake]: Pushing option 61 with value 0x666F6F626172",
        ),
        ("EVAL_DEBUG_STRING", "[fake]: Pushing text string '0'"),
        ("EVAL_DEBUG_STRING", "[fake]: Pushing text string '3'"),
        (
            "EVAL_DEBUG_SUBSTRING",
            "[fake]: Popping length 3, start 0, string 0x666F6F626172 pushing result 0x666F6F",
        ),
        ("EVAL_DEBUG_STRING", "[fake]: Pushing text string 'foo'"),
        (
            "EVAL_DEBUG_EQUAL",
            "[fake]: Popping 0x666F6F and 0x666F6F pushing result 'true'",
        ),
    ];
    let got_ids: Vec<(&str, &str)> = got
        .iter()
        .map(|(_, i, t)| (i.as_str(), t.as_str()))
        .collect();
    assert_eq!(got_ids, want);
    assert!(got.iter().all(|(target, _, _)| target == "kea-dhcp4.eval"));

    let e = compile(
        Family::V4,
        "option[60].text == 'phone' or not option[77].exists",
        Kind::Bool,
    )
    .unwrap();
    let got = logged(tracing::Level::TRACE, || {
        assert!(e.eval_bool(&pkt).unwrap())
    });
    let texts: Vec<&str> = got.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "[fake]: Pushing option 60 with value 'phone'",
            "[fake]: Pushing text string 'phone'",
            "[fake]: Popping 0x70686F6E65 and 0x70686F6E65 pushing result 'true'",
            "Value is true: keeping it and branching to 1",
        ]
    );
    assert_eq!(got[3].1, "EVAL_DEBUG_POP_OR_BRANCH_TRUE");
}

// V6-164: `kea-dhcp6.eval` gets EVAL_DEBUG_OPTION for `option[1].hex`.
#[test]
fn v6_164_eval_tokens_logged() {
    let pkt = v6_packet();
    let e = compile(Family::V6, "option[1].hex == 'foobar-duid'", Kind::Bool).unwrap();
    let got = logged(tracing::Level::TRACE, || {
        assert!(e.eval_bool(&pkt).unwrap())
    });
    assert_eq!(
        got.first(),
        Some(&(
            "kea-dhcp6.eval".to_owned(),
            "EVAL_DEBUG_OPTION".to_owned(),
            "[fake]: Pushing option 1 with value 0x666F6F6261722D64756964".to_owned()
        ))
    );
    assert_eq!(
        got.last().map(|(_, id, _)| id.as_str()),
        Some("EVAL_DEBUG_EQUAL")
    );
}

// V4-142, V6-164: below debug level 50 (tracing's DEBUG) the evaluator asks once per evaluation and
// then logs nothing: no event, and the packet's label is never built.
#[test]
fn eval_logging_costs_nothing_when_off() {
    let pkt = v4_packet();
    let e = compile(
        Family::V4,
        "substring(option[61].hex,0,3) == 'foo' and member('foo') or pkt4.mac == 0x01",
        Kind::Bool,
    )
    .unwrap();
    let got = logged(tracing::Level::DEBUG, || {
        for _ in 0..10 {
            assert!(e.eval_bool(&pkt).unwrap());
        }
    });
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(pkt.labels.get(), 0);
    logged(tracing::Level::TRACE, || {
        assert!(e.eval_bool(&pkt).unwrap())
    });
    assert_eq!(pkt.labels.get(), 1, "one label per evaluation");
}
