//! Hand-written datagrams, byte for byte from the RFC 8415 layouts (§8, §9, §21), parsed, checked
//! field by field, rebuilt from the typed options and re-encoded to the same bytes.

use super::*;
use std::net::Ipv6Addr;

/// SOLICIT with CLIENTID, ORO, IA_NA, IA_PD with a prefix-length hint, ELAPSED_TIME, RAPID_COMMIT.
pub(super) const SOLICIT: &str = concat!(
    "01 0a0b0c",                                 // SOLICIT, transaction-id
    "0001 000e 0001 0001 2c4f6e2a 001122334455", // CLIENTID: DUID-LLT, Ethernet, time, MAC
    "0006 0004 0017 0018",                       // ORO: dns-servers, domain-search
    "0003 000c 00000001 00000000 00000000",      // IA_NA: IAID 1, T1 0, T2 0
    "0019 0029 00000002 00000000 00000000",      // IA_PD: IAID 2, T1 0, T2 0
    "  001a 0019 00000000 00000000 38",          //   IAPREFIX: lifetimes 0, length 56
    "  00000000000000000000000000000000",        //   prefix :: (a length-only hint)
    "0008 0002 0000",                            // ELAPSED_TIME 0
    "000e 0000",                                 // RAPID_COMMIT
);

/// The SOLICIT behind two relays: the outer one (nearest the server) with an interface-id, the inner
/// one (nearest the client, link-address ::) with an interface-id and a remote-id.
pub(super) const RELAYED_SOLICIT: &str = concat!(
    "0c 01",                               // RELAY-FORW, hop-count 1
    "20010db8000100000000000000000001",    // link-address 2001:db8:1::1
    "fe800000000000000000000000000002",    // peer-address fe80::2
    "0012 0004 65746831",                  // INTERFACE_ID "eth1"
    "0009 00a4",                           // RELAY_MSG, 164 bytes:
    "  0c 00",                             //   RELAY-FORW, hop-count 0
    "  00000000000000000000000000000000",  //   link-address ::
    "  fe800000000000000211 22fffe334455", //   peer-address fe80::211:22ff:fe33:4455
    "  0012 0007 766c616e313233",          //   INTERFACE_ID "vlan123"
    "  0025 000a 00000de9 010203040506",   //   REMOTE_ID: enterprise 3561, id
    "  0009 0065",                         //   RELAY_MSG, 101 bytes: the SOLICIT
);

/// ADVERTISE: SERVERID, CLIENTID, an IA_NA with an IAADDR, an IA_NA that could not be served
/// (STATUS_CODE NoAddrsAvail inside it, V6-029), PREFERENCE.
pub(super) const ADVERTISE: &str = concat!(
    "02 0a0b0c",                                    // ADVERTISE, transaction-id
    "0002 000e 0001 0001 2d000001 000c29aabbcc",    // SERVERID: DUID-LLT
    "0001 000e 0001 0001 2c4f6e2a 001122334455",    // CLIENTID
    "0003 0028 00000001 000003e8 00000640",         // IA_NA: IAID 1, T1 1000, T2 1600
    "  0005 0018 20010db8000100000000000000000100", //  IAADDR 2001:db8:1::100
    "  000007d0 00000fa0",                          //   preferred 2000, valid 4000
    "0003 001e 00000002 00000000 00000000",         // IA_NA: IAID 2, T1 0, T2 0
    "  000d 000e 0002 6e6f20616464726573736573",    //   STATUS_CODE NoAddrsAvail "no addresses"
    "0007 0001 ff",                                 // PREFERENCE 255
);

/// REPLY: SERVERID, CLIENTID, an IA_PD with an IAPREFIX holding PD_EXCLUDE (the ARM §9.2.10 pool:
/// 2001:db8:1:8000::/64 delegated, 2001:db8:1:8000:ca00::/72 excluded, V6-065).
pub(super) const REPLY: &str = concat!(
    "07 0a0b0c",                                 // REPLY, transaction-id
    "0002 000e 0001 0001 2d000001 000c29aabbcc", // SERVERID
    "0001 000e 0001 0001 2c4f6e2a 001122334455", // CLIENTID
    "0019 002f 00000002 000003e8 00000640",      // IA_PD: IAID 2, T1 1000, T2 1600
    "  001a 001f 000007d0 00000fa0 40",          //   IAPREFIX: 2000, 4000, length 64
    "  20010db8000180000000000000000000",        //   prefix 2001:db8:1:8000::
    "  0043 0002 48 ca",                         //   PD_EXCLUDE: length 72, subnet id ca
);

pub(super) fn bytes(fixture: &str) -> Vec<u8> {
    crate::defs::value::parse_hex(&fixture.split_whitespace().collect::<String>())
        .expect("fixture is hex")
}

/// The relayed SOLICIT is the relay headers followed by the SOLICIT itself.
pub(super) fn relayed_solicit() -> Vec<u8> {
    [bytes(RELAYED_SOLICIT), bytes(SOLICIT)].concat()
}

fn addr(s: &str) -> Ipv6Addr {
    s.parse().expect("address")
}

fn encode(p: &Packet6) -> Vec<u8> {
    let mut out = Vec::new();
    p.encode(&mut out).expect("encodes");
    out
}

fn client_duid() -> Duid {
    Duid::llt(1, 0x2c4f_6e2a, &[0, 0x11, 0x22, 0x33, 0x44, 0x55])
}

fn server_duid() -> Duid {
    Duid::llt(1, 0x2d00_0001, &[0, 0x0c, 0x29, 0xaa, 0xbb, 0xcc])
}

/// The SOLICIT as the typed builders write it.
fn build_solicit() -> Result<Message6, EncodeError> {
    let mut m = Message6::new(MessageType::Solicit, 0x0a_0b0c);
    m.options.push_typed(code::CLIENTID, &client_duid())?;
    m.options
        .push_typed(code::ORO, &vec![code::DNS_SERVERS, code::DOMAIN_SEARCH])?;
    m.options.push_typed(
        code::IA_NA,
        &Ia {
            iaid: 1,
            ..Ia::default()
        },
    )?;
    let mut ia_pd = Ia {
        iaid: 2,
        ..Ia::default()
    };
    let hint = IaPrefix {
        preferred: 0,
        valid: 0,
        prefix_len: 56,
        prefix: Ipv6Addr::UNSPECIFIED,
        options: Options6::new(),
    };
    ia_pd.options.push_typed(code::IAPREFIX, &hint)?;
    m.options.push_typed(code::IA_PD, &ia_pd)?;
    m.options.push_typed(code::ELAPSED_TIME, &0u16)?;
    m.options.push(code::RAPID_COMMIT, &[]);
    Ok(m)
}

#[test]
fn solicit_fixture() {
    let wire = bytes(SOLICIT);
    assert_eq!(wire.len(), 101);
    let p = Packet6::parse(&wire).unwrap();
    assert!(p.relays.is_empty());
    let m = &p.message;
    assert_eq!(
        (m.msg_type, m.transaction_id),
        (MessageType::Solicit, 0x0a_0b0c)
    );
    let duid = m.options.typed::<Duid>(code::CLIENTID).unwrap().unwrap();
    assert_eq!(
        duid.to_string(),
        "00:01:00:01:2c:4f:6e:2a:00:11:22:33:44:55"
    );
    assert!(matches!(duid.kind(), DuidKind::Llt { htype: 1, .. }));
    assert_eq!(m.options.oro(), [23, 24]);
    let ia_na: Vec<Ia> = m
        .options
        .all_typed(code::IA_NA)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        ia_na,
        [Ia {
            iaid: 1,
            ..Ia::default()
        }]
    );
    let ia_pd = m.options.typed::<Ia>(code::IA_PD).unwrap().unwrap();
    let hint = ia_pd
        .options
        .typed::<IaPrefix>(code::IAPREFIX)
        .unwrap()
        .unwrap();
    assert_eq!((hint.prefix_len, hint.prefix), (56, Ipv6Addr::UNSPECIFIED));
    assert_eq!(m.options.typed::<u16>(code::ELAPSED_TIME), Some(Ok(0)));
    assert!(m.options.contains(code::RAPID_COMMIT));
    assert_eq!(encode(&p), wire);
    assert_eq!(build_solicit().unwrap(), p.message);
}

// V6-048, V6-053, V6-054: both relay levels with their link and peer addresses, interface-ids and
// remote-id, outermost first, around the client's message.
#[test]
fn v6_048_two_relays_fixture() {
    let wire = relayed_solicit();
    let p = Packet6::parse(&wire).unwrap();
    assert_eq!(p.relays.len(), 2);
    let (outer, inner) = (&p.relays[0], &p.relays[1]);
    assert_eq!(outer.kind, RelayKind::Forward);
    assert_eq!(
        (outer.hop_count, outer.link_address, outer.peer_address),
        (1, addr("2001:db8:1::1"), addr("fe80::2"))
    );
    assert_eq!(outer.interface_id(), Some(&b"eth1"[..]));
    assert!(!outer.options.contains(code::REMOTE_ID));
    assert_eq!(
        (inner.hop_count, inner.link_address, inner.peer_address),
        (0, Ipv6Addr::UNSPECIFIED, addr("fe80::211:22ff:fe33:4455"))
    );
    assert_eq!(inner.interface_id(), Some(&b"vlan123"[..]));
    let rid = inner
        .options
        .typed::<RemoteId>(code::REMOTE_ID)
        .unwrap()
        .unwrap();
    assert_eq!(
        (rid.enterprise, rid.id.as_slice()),
        (3561, &[1, 2, 3, 4, 5, 6][..])
    );
    assert_eq!(p.nearest_client_relay(), Some(inner));
    assert_eq!(p.message, build_solicit().unwrap());
    assert_eq!(encode(&p), wire);

    let mut built = Packet6::direct(build_solicit().unwrap());
    let mut far = RelayHeader::new(
        RelayKind::Forward,
        1,
        addr("2001:db8:1::1"),
        addr("fe80::2"),
    );
    far.options.push(code::INTERFACE_ID, b"eth1");
    let mut near = RelayHeader::new(
        RelayKind::Forward,
        0,
        Ipv6Addr::UNSPECIFIED,
        addr("fe80::211:22ff:fe33:4455"),
    );
    near.options.push(code::INTERFACE_ID, b"vlan123");
    near.options.push_typed(code::REMOTE_ID, &rid).unwrap();
    built.relays = vec![far, near];
    assert_eq!(encode(&built), wire);
}

// V6-029, V6-044, V6-046: the served IA holds its address, the other one its status.
#[test]
fn v6_029_advertise_fixture() {
    let wire = bytes(ADVERTISE);
    let p = Packet6::parse(&wire).unwrap();
    let m = &p.message;
    assert_eq!(m.msg_type, MessageType::Advertise);
    assert_eq!(
        m.options.typed::<Duid>(code::SERVERID),
        Some(Ok(server_duid()))
    );
    assert_eq!(m.options.typed::<u8>(code::PREFERENCE), Some(Ok(255)));
    let ias: Vec<Ia> = m
        .options
        .all_typed(code::IA_NA)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ias.len(), 2);
    assert_eq!((ias[0].iaid, ias[0].t1, ias[0].t2), (1, 1000, 1600));
    let iaaddr = ias[0]
        .options
        .typed::<IaAddr>(code::IAADDR)
        .unwrap()
        .unwrap();
    assert_eq!(
        (iaaddr.address, iaaddr.preferred, iaaddr.valid),
        (addr("2001:db8:1::100"), 2000, 4000)
    );
    let status = ias[1]
        .options
        .typed::<StatusCode>(code::STATUS_CODE)
        .unwrap();
    assert_eq!(
        status,
        Ok(StatusCode::new(status::NO_ADDRS_AVAIL, "no addresses"))
    );
    assert!(!m.options.contains(code::STATUS_CODE));
    assert_eq!(encode(&p), wire);

    let query = Packet6::parse(&bytes(SOLICIT)).unwrap();
    let mut built = query.reply_skeleton(MessageType::Advertise);
    let o = &mut built.message.options;
    o.push_typed(code::SERVERID, &server_duid()).unwrap();
    o.push(
        code::CLIENTID,
        query.message.options.get(code::CLIENTID).unwrap(),
    );
    let mut served = Ia {
        iaid: 1,
        t1: 1000,
        t2: 1600,
        options: Options6::new(),
    };
    served.options.push_typed(code::IAADDR, &iaaddr).unwrap();
    o.push_typed(code::IA_NA, &served).unwrap();
    let mut refused = Ia {
        iaid: 2,
        ..Ia::default()
    };
    let no_addrs = StatusCode::new(status::NO_ADDRS_AVAIL, "no addresses");
    refused
        .options
        .push_typed(code::STATUS_CODE, &no_addrs)
        .unwrap();
    o.push_typed(code::IA_NA, &refused).unwrap();
    o.push_typed(code::PREFERENCE, &255u8).unwrap();
    assert_eq!(encode(&built), wire);
}

// V6-065: the delegated prefix carries PD_EXCLUDE `48 ca`.
#[test]
fn v6_065_reply_with_pd_exclude_fixture() {
    let wire = bytes(REPLY);
    let p = Packet6::parse(&wire).unwrap();
    let ia_pd = p.message.options.typed::<Ia>(code::IA_PD).unwrap().unwrap();
    let prefix = ia_pd
        .options
        .typed::<IaPrefix>(code::IAPREFIX)
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            prefix.prefix,
            prefix.prefix_len,
            prefix.preferred,
            prefix.valid
        ),
        (addr("2001:db8:1:8000::"), 64, 2000, 4000)
    );
    let exclude = prefix
        .options
        .typed::<PdExclude>(code::PD_EXCLUDE)
        .unwrap()
        .unwrap();
    assert_eq!(
        exclude.excluded(prefix.prefix, prefix.prefix_len),
        Some((addr("2001:db8:1:8000:ca00::"), 72))
    );
    assert_eq!(encode(&p), wire);

    let mut built = IaPrefix {
        options: Options6::new(),
        ..prefix.clone()
    };
    let pd = PdExclude::new(64, addr("2001:db8:1:8000:cafe:80::"), 72).unwrap();
    built.options.push_typed(code::PD_EXCLUDE, &pd).unwrap();
    assert_eq!(built, prefix);
}
