//! DHCPv6 DECLINE end to end (V6-041, V6-046, V6-103, V6-181, V6-185, V6-188, HK-128): a minimal
//! client in the client namespace binds an address over a veth pair, then declines it; the REPLY,
//! the lease file, the statistics over the control socket and the probe plugin's `lease6_decline`
//! record are checked, and SKIP/DROP at `lease6_decline` keep the lease.

use std::path::Path;
use std::time::Duration;

use ruru_e2e::config::{persistent_memfile, stdout_loggers_for};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, LeaseState, Server};
use ruru_proto::v6::{code, MessageType};
use serde_json::{json, Value};

mod common;
use common::client6::{ia_na, status, Client6};
use common::{lines, plugin, stat};

const DUID: [u8; 10] = [0, 3, 0, 1, 0x02, 0, 0, 0, 0x06, 0x41];

/// One subnet with one address pool on the server's veth, a control socket, and the probe plugin
/// tagged `T` with `actions`.
fn config(iface: &str, socket: &Path, log: &Path, actions: Value) -> Value {
    json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
            "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ff"}]
        }],
        "hooks-libraries": [{"library": plugin("libruru_test_probe.so"),
                             "parameters": {"tag": "T", "log": log, "actions": actions}}],
        "loggers": stdout_loggers_for(Family::V6, "DEBUG")
    }})
}

/// A server with the probe doing `action` at `lease6_decline` (nothing when `None`), a client bound to
/// one address, and that client's DECLINE of it sent; the test then checks the outcome with `check`
/// given the server, the control socket, the probe log, the declined address and the answer.
fn decline_with(
    action: Option<&str>,
    check: impl FnOnce(
        &Server<'_>,
        &Path,
        &[String],
        std::net::Ipv6Addr,
        Option<ruru_proto::v6::Packet6>,
    ),
) {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let (socket, log) = (dir.path().join("dhcp6.sock"), dir.path().join("probe.log"));
    let actions = action.map_or(json!({}), |a| json!({ "lease6_decline": a }));
    let server = Server::start6(
        &link.server,
        config(link.server_iface(), &socket, &log, actions),
    )
    .expect("server starts");
    let mut client = Client6::new(&link.client, link.client_iface(), &DUID);
    let (reply, address) = client.bind();
    let decline = client.message(MessageType::Decline, Some(&reply), Some(address));
    let answer = client.exchange(decline, Duration::from_secs(3));
    // The DECLINE's callout has run once the answer is in (or, for DROP, once the log shows it).
    wait_until("lease6_decline", Duration::from_secs(5), || {
        lines(&log)
            .iter()
            .any(|l| l.starts_with("T lease6_decline "))
    })
    .unwrap_or_else(|e| panic!("{e}: {:#?}\n{}", lines(&log), server.logs()));
    check(&server, &socket, &lines(&log), address, answer);
}

// V6-041, V6-046, V6-103, V6-181, V6-185, V6-188, HK-128: a bound client's DECLINE is answered with a
// REPLY whose IA_NA has status Success and no top-level status; the lease row becomes declined (state
// 1, DUID 00:00:00, valid = probation 86400); declined-addresses +1 at every level, assigned-nas
// unchanged; lease6_decline fired with Kea's argument names.
#[test]
fn v6_041_decline_declines_the_lease() {
    decline_with(None, |server, socket, log, address, answer| {
        let r = answer.expect("a REPLY to DECLINE");
        assert_eq!(r.message.msg_type, MessageType::Reply);
        assert_eq!(r.message.options.get(code::CLIENTID), Some(&DUID[..]));
        assert!(r.message.options.contains(code::SERVERID));
        assert_eq!(ia_na(&r).status, 0, "IA status Success: {r:?}");
        assert_eq!(status(&r.message.options), None, "no top-level status");
        assert!(
            log.iter()
                .any(|l| l == "T lease6_decline continue query6,lease6"),
            "{log:#?}"
        );
        let leases = server.leases6().expect("lease file");
        let l = leases.get(address).expect("the declined lease stays");
        assert_eq!(
            (l.state, l.duid.as_str(), l.valid_lifetime),
            (LeaseState::Declined, "00:00:00", 86400),
            "{l:?}"
        );
        for name in [
            "declined-addresses",
            "subnet[1].declined-addresses",
            "subnet[1].pool[0].declined-addresses",
            "pkt6-decline-received",
            "subnet[1].assigned-nas",
        ] {
            assert_eq!(stat(socket, name), 1, "{name}");
        }
    });
}

// HK-128: SKIP at lease6_decline answers as if declined but keeps the lease; DROP answers nothing and
// keeps the lease. Neither counts a declined address.
#[test]
fn hk_128_skip_or_drop_at_lease6_decline_keeps_the_lease() {
    for action in ["skip", "drop"] {
        decline_with(Some(action), |server, socket, log, address, answer| {
            assert!(
                log.iter()
                    .any(|l| l == "T lease6_decline continue query6,lease6"),
                "{log:#?}"
            );
            match action {
                "skip" => {
                    let r = answer.expect("a REPLY to a skipped DECLINE");
                    assert_eq!(r.message.msg_type, MessageType::Reply);
                    assert_eq!(ia_na(&r).status, 0, "{r:?}");
                }
                _ => assert!(answer.is_none(), "a dropped DECLINE was answered"),
            }
            let leases = server.leases6().expect("lease file");
            let l = leases.get(address).expect("the lease stays");
            assert!(l.is_leased(), "{action}: {l:?}");
            assert_eq!(l.duid, "00:03:00:01:02:00:00:00:06:41");
            assert_eq!(stat(socket, "declined-addresses"), 0, "{action}");
        });
    }
}
