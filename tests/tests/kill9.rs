//! Durability under `kill -9`: every lease the server ACKed must be in its lease file.
//!
//! perfdhcp loads the server (loopback relay mode in a private namespace) while tcpdump records
//! every reply; the server is SIGKILLed mid-run. perfdhcp does not list addresses, so the ACKed
//! ones come from the capture (`yiaddr` of each DHCPACK).

use std::thread;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Capture, Server};
use serde_json::json;

/// Offered load: moderate, so a debug build of any server keeps up on a 2-core machine.
const RATE: u32 = 1000;
/// perfdhcp's run time; the kill lands well inside it.
const PERIOD_SECS: u32 = 4;
const KILL_AFTER: Duration = Duration::from_millis(1500);
/// Fewer ACKs than this means the run proved nothing.
const MIN_ACKS: usize = 100;

// V4-083 and the durability barrier (architecture: an ACKed lease is never lost to kill -9);
// the file left behind must also load again.
#[test]
fn acked_leases_survive_sigkill() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [{
            "id": 1,
            "subnet": "10.0.0.0/8",
            "pools": [{"pool": "10.0.0.1 - 10.255.255.254"}],
            "relay": {"ip-addresses": ["127.0.0.2"]}
        }],
        "loggers": stdout_loggers("WARN")
    }});
    let mut server = Server::start(&ns, config).expect("server starts");
    let capture = Capture::start(&ns, "lo").expect("tcpdump starts");

    let report = thread::scope(|s| {
        let load = s.spawn(|| {
            let args = format!("-4 -l 127.0.0.2 -r {RATE} -R 1000000 -p {PERIOD_SECS} 127.0.0.1");
            let args: Vec<&str> = args.split_whitespace().collect();
            run_perfdhcp(&ns, &args, Duration::from_secs(30))
        });
        thread::sleep(KILL_AFTER);
        server.kill9().expect("SIGKILL the server");
        load.join().expect("perfdhcp thread")
    })
    .expect("perfdhcp runs");

    let captured = capture.stop().expect("capture readable");
    let acked = captured.acked();
    assert!(
        acked.len() >= MIN_ACKS,
        "only {} ACKs captured before the kill; perfdhcp:\n{}",
        acked.len(),
        report.output
    );
    let leases = server.leases().expect("lease file readable after kill -9");
    let leased = leases.leased();
    eprintln!(
        "{} ACKs captured, {} leases on file, perfdhcp rate {:?}, REQUEST-ACK {:?}",
        acked.len(),
        leased.len(),
        report.rate,
        report.request_ack
    );
    let lost: Vec<_> = acked.difference(&leased).collect();
    assert!(
        lost.is_empty(),
        "{} of {} ACKed leases missing from the lease file (kernel drops: {:?}), first: {:?}",
        lost.len(),
        acked.len(),
        captured.kernel_drops,
        lost.iter().take(10).collect::<Vec<_>>()
    );

    server
        .restart()
        .expect("server starts again on the file kill -9 left");
}
