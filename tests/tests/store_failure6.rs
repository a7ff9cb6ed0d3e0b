//! A lease store that cannot write (V6-026): the lease file lives on a small tmpfs that the test
//! fills, so the memfile's write fails for real. The query whose lease cannot be written gets no
//! answer and counts as a receive drop; the server goes on, and once there is space again the next
//! query is served and its lease reaches the file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ruru_e2e::config::stdout_loggers_for;
use ruru_e2e::control;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Server};
use ruru_proto::v6::MessageType;
use serde_json::json;

mod common;
use common::client6::{ia_na, Client6};
use common::stat;

/// A tmpfs mounted for the test's lifetime (unmounted on drop, also when the test fails).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> SmallDisk {
        std::fs::create_dir_all(at).expect("mount point");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(ok.success(), "mount tmpfs at {} (needs root)", at.display());
        SmallDisk(at.to_path_buf())
    }

    /// Writes a filler file until the disk is full.
    fn fill(&self) -> PathBuf {
        let filler = self.0.join("filler");
        let mut f = std::fs::File::create(&filler).expect("filler");
        let block = [0u8; 4096];
        while f.write_all(&block).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

// V6-026: a REQUEST whose lease cannot be written is dropped (no REPLY, pkt6-receive-drop +1, Kea's
// DHCP6_PACKET_PROCESS_STD_EXCEPTION logged); the server goes on and serves the retry once the disk
// has room, writing the lease.
#[test]
fn v6_026_store_failure_drops_the_query_and_service_goes_on() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let disk = SmallDisk::mount(&dir.path().join("disk"));
    let socket = dir.path().join("dhcp6.sock");
    let lease_file = disk.0.join("leases6.csv");
    let iface = link.server_iface();
    let mut config = json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": {"type": "memfile", "lfc-interval": 0},
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ff"}]}],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    }});
    let server = Server::start6(&link.server, config.clone()).expect("server starts");
    // The harness gives the server a lease file of its own; the small disk's comes by config-set.
    config["Dhcp6"]["lease-database"]["name"] = json!(lease_file);
    let set = control::unix(
        &socket,
        &json!({"command": "config-set", "arguments": config}),
    )
    .expect("config-set");
    assert_eq!(set["result"], 0, "{set}");
    let filler = disk.fill();
    // The lease file's last page may still hold a few rows: clients bind until one's REQUEST cannot
    // be written.
    let wait = Duration::from_secs(3);
    let mut failed = None;
    for n in 0..200u8 {
        let duid = [0, 3, 0, 1, 0x02, 0, 0, 0, 0x60, n];
        let mut client = Client6::new(&link.client, link.client_iface(), &duid);
        let solicit = client.message(MessageType::Solicit, None, None);
        let adv = client.exchange(solicit, wait).expect("ADVERTISE");
        let offered = ia_na(&adv).address.expect("an address advertised");
        let request = client.message(MessageType::Request, Some(&adv), Some(offered));
        if client.exchange(request, wait).is_none() {
            failed = Some((duid, adv, offered));
            break;
        }
    }
    let (duid, adv, offered) = failed
        .unwrap_or_else(|| panic!("every REQUEST answered on a full disk\n{}", server.logs()));
    assert_eq!(stat(&socket, "pkt6-receive-drop"), 1);
    assert!(server.logs().contains("DHCP6_PACKET_PROCESS_STD_EXCEPTION"));
    // A complete row (a full disk may have taken the start of one).
    let on_disk = |a: std::net::Ipv6Addr| {
        let text = std::fs::read_to_string(&lease_file).expect("lease file");
        let complete = text.rsplit_once('\n').map_or("", |(rows, _)| rows);
        complete.contains(&format!("{a},"))
    };
    assert!(!on_disk(offered), "the lease is not in the file");

    std::fs::remove_file(filler).expect("room again");
    let mut client = Client6::new(&link.client, link.client_iface(), &duid);
    let request = client.message(MessageType::Request, Some(&adv), Some(offered));
    let reply = client
        .exchange(request, wait)
        .unwrap_or_else(|| panic!("no REPLY with room again\n{}", server.logs()));
    assert_eq!(reply.message.msg_type, MessageType::Reply);
    let got = ia_na(&reply);
    assert_eq!((got.status, got.address), (0, Some(offered)), "{reply:?}");
    assert!(on_disk(offered), "the acknowledged lease is in the file");
    assert_eq!(stat(&socket, "pkt6-receive-drop"), 1);
}
