//! Installing Ruru as Kea is installed (issue 4; spec control.md CTL-123, CTL-124): `scripts/install.sh`
//! puts the programs under a prefix with Kea's program names as links, and systemd units that run
//! them in the foreground on Kea's configuration files, reload with SIGHUP and stop with SIGTERM;
//! `keactrl` and its configuration (CTL-125).

use std::path::{Path, PathBuf};
use std::process::Command;

use ruru_e2e::subject::{built_dir, install_sh, workspace_dir as repo};

const PROGRAMS: [(&str, &str); 6] = [
    ("ruru-dhcp4", "kea-dhcp4"),
    ("ruru-dhcp6", "kea-dhcp6"),
    ("ruru-ctrl-agent", "kea-ctrl-agent"),
    ("ruru-lfc", "kea-lfc"),
    ("ruru-shell", "kea-shell"),
    ("ruru-admin", "kea-admin"),
];

/// The profile directory holding every built program (release first).
fn built() -> PathBuf {
    built_dir(&PROGRAMS.map(|(ours, _)| ours))
        .expect("the workspace's programs are built (cargo build --workspace --bins)")
}

// CTL-123: Kea's program names run Ruru's programs with Kea's command lines; CTL-124: the units.
#[test]
fn install_gives_kea_names_and_systemd_units() {
    let stage = tempfile::tempdir().expect("temp dir");
    install_sh(Path::new("/usr"), stage.path(), &built()).expect("install.sh runs");
    let sbin = stage.path().join("usr/sbin");
    for (ours, theirs) in PROGRAMS {
        let link = sbin.join(theirs);
        assert_eq!(
            std::fs::read_link(&link).expect("a link"),
            PathBuf::from(ours),
            "{theirs}"
        );
    }
    // `kea-dhcp4 -t <file>`, as packaging scripts check a configuration.
    let check = Command::new(sbin.join("kea-dhcp4"))
        .arg("-t")
        .arg(repo().join("etc/ruru-dhcp4.conf"))
        .output()
        .expect("kea-dhcp4 runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    for theirs in ["kea-dhcp6", "kea-ctrl-agent", "kea-admin"] {
        let v = Command::new(sbin.join(theirs))
            .arg("-v")
            .output()
            .expect("runs");
        assert!(v.status.success() && !v.stdout.is_empty(), "{theirs} -v");
    }

    // CTL-125: keactrl is ruru-keactrl, with a keactrl.conf naming the installed daemons.
    assert_eq!(
        std::fs::read_link(sbin.join("keactrl")).expect("a link"),
        PathBuf::from("ruru-keactrl")
    );
    let keactrl_conf =
        std::fs::read_to_string(stage.path().join("etc/kea/keactrl.conf")).expect("keactrl.conf");
    for line in [
        "dhcp4_srv=/usr/sbin/ruru-dhcp4",
        "ctrl_agent_srv=/usr/sbin/ruru-ctrl-agent",
        "kea_dhcp4_config_file=/etc/kea/kea-dhcp4.conf",
    ] {
        assert!(keactrl_conf.lines().any(|l| l == line), "no '{line}'");
    }

    let units = stage.path().join("usr/lib/systemd/system");
    for (daemon, caps) in [
        ("dhcp4", "CAP_NET_BIND_SERVICE CAP_NET_RAW"),
        ("dhcp6", "CAP_NET_BIND_SERVICE"),
    ] {
        let unit = std::fs::read_to_string(units.join(format!("ruru-{daemon}.service")))
            .expect("unit installed");
        for line in [
            format!("ExecStart=/usr/sbin/ruru-{daemon} -c /etc/kea/kea-{daemon}.conf"),
            "ExecReload=/bin/kill -HUP $MAINPID".to_owned(),
            "KillSignal=SIGTERM".to_owned(),
            format!("AmbientCapabilities={caps}"),
            format!("Alias=kea-{daemon}.service"),
            format!("Alias=isc-kea-{daemon}-server.service"),
        ] {
            assert!(unit.lines().any(|l| l == line), "{daemon}: no '{line}'");
        }
    }
    let agent = std::fs::read_to_string(units.join("ruru-ctrl-agent.service")).expect("unit");
    assert!(agent.contains("ExecStart=/usr/sbin/ruru-ctrl-agent -c /etc/kea/kea-ctrl-agent.conf"));
}
