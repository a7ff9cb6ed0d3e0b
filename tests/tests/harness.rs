//! The harness's own guarantees: namespaces and links work, and nothing outlives its guard.

use std::process::Stdio;
use std::time::Duration;

use ruru_e2e::process::wait_until;
use ruru_e2e::{Netns, VethPair};

fn namespaces() -> String {
    let out = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dropping_a_namespace_kills_its_processes_and_deletes_it() {
    let ns = Netns::new().expect("namespace");
    let name = ns.name().to_owned();
    assert!(namespaces().contains(&name));
    let mut sleeper = ns
        .command("sleep")
        .arg("300")
        .stdout(Stdio::null())
        .spawn()
        .expect("sleep in the namespace");
    wait_until(
        "sleep to appear in the namespace",
        Duration::from_secs(5),
        || ns.pids().expect("pids").contains(&sleeper.id()),
    )
    .expect("ip netns pids sees it");

    drop(ns);
    assert!(!namespaces().contains(&name), "{name} still listed");
    let status = sleeper.wait().expect("reap sleep");
    assert!(
        !status.success(),
        "sleep was killed, not finished: {status}"
    );
}

#[test]
fn veth_pair_links_two_namespaces() {
    let left = Netns::new().expect("namespace");
    let right = Netns::new().expect("namespace");
    let veth = VethPair::new(Some(&left), Some(&right)).expect("veth pair");
    assert!(veth.a().name().len() <= 15 && veth.b().name().len() <= 15);
    veth.a().add_address("192.0.2.1/24").expect("address a");
    veth.b().add_address("192.0.2.2/24").expect("address b");
    veth.b().set_mac("02:00:00:00:00:02").expect("mac b");
    right
        .exec(&["busybox", "ping", "-c", "1", "-W", "2", "192.0.2.1"])
        .expect("ping across the pair");
    let link = right
        .exec(&["ip", "link", "show", "dev", veth.b().name()])
        .expect("link in the right namespace");
    assert!(String::from_utf8_lossy(&link.stdout).contains("02:00:00:00:00:02"));

    let (a, b) = (veth.a().name().to_owned(), veth.b().name().to_owned());
    drop(veth);
    assert!(
        left.exec(&["ip", "link", "show", "dev", &a]).is_err(),
        "{a} survived"
    );
    assert!(
        right.exec(&["ip", "link", "show", "dev", &b]).is_err(),
        "{b} survived"
    );
}
