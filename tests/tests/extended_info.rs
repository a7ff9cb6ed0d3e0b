//! Extended lease information (V4-154): perfdhcp plays a relay that adds option 82; the memfile lease
//! file's `user_context` column shows what the server stored.

use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::Server;
use serde_json::{json, Value};

// V4-154: relayed REQUESTs with circuit-id, remote-id and relay-id → the ARM's
// `ISC.relay-agent-info` map in every stored lease.
#[test]
fn relay_agent_info_stored_in_lease_file() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "store-extended-info": true,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "loggers": stdout_loggers("INFO")
    }});
    let server = Server::start(&ns, config).expect("server starts");
    let args = "-4 -l 127.0.0.2 -b mac=00:0c:01:00:00:00 -o 82,010265300203010203 \
                -r 10 -n 4 -R 4 -p 3 127.0.0.1";
    let report = run_perfdhcp(
        &ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .expect("perfdhcp runs");
    assert!(
        report.request_ack.as_ref().is_some_and(|r| r.received > 0),
        "no ACK:\n{}",
        report.output
    );
    let leases = server.leases().expect("lease file");
    let stored: Vec<_> = leases
        .leased()
        .into_iter()
        .filter_map(|a| leases.get(a))
        .collect();
    assert!(!stored.is_empty(), "no lease stored");
    for l in stored {
        let ctx: Value = serde_json::from_str(&l.user_context)
            .unwrap_or_else(|e| panic!("{}: user_context {:?}: {e}", l.address, l.user_context));
        assert_eq!(
            ctx,
            json!({"ISC": {"relay-agent-info": {
                "sub-options": "0x010265300203010203", "remote-id": "010203"}}}),
            "{}",
            l.address
        );
    }
}
