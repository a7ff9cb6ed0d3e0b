//! `ruru-keactrl` (CTL-125, CTL-126) driving the real `ruru-dhcp4`, `ruru-dhcp6` and
//! `ruru-ctrl-agent` inside a namespace: start (PID files), start again, status, reload by SIGHUP,
//! stop, version and `-s` selection, with golden output; and Kea's own default `keactrl.conf` layout
//! with its binaries pointed at Ruru through install.sh's Kea-named links.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use ruru_e2e::process::wait_until;
use ruru_e2e::subject::{built_dir, install_sh, workspace_dir as repo};
use ruru_e2e::{control, Netns};
use serde_json::{json, Value};

/// The daemons keactrl manages here: (keactrl key, Ruru binary, Kea name).
const DAEMONS: [(&str, &str, &str); 3] = [
    ("dhcp4", "ruru-dhcp4", "kea-dhcp4"),
    ("dhcp6", "ruru-dhcp6", "kea-dhcp6"),
    ("ctrl_agent", "ruru-ctrl-agent", "kea-ctrl-agent"),
];
const AGENT_URL: &str = "http://127.0.0.1:8000/";

/// The directory holding the built daemons (release first).
fn built() -> PathBuf {
    built_dir(&DAEMONS.map(|(_, bin, _)| bin))
        .expect("ruru-dhcp4, ruru-dhcp6 and ruru-ctrl-agent are built (cargo build --bins)")
}

/// One keactrl setup: its configuration directory, the daemons' configurations in it, and the
/// namespace everything runs in (so port 67 and the agent's port 8000 are private).
struct Setup {
    ns: Netns,
    dir: tempfile::TempDir,
    etc: PathBuf,
}

impl Setup {
    /// Writes the daemons' configurations into `<dir>/<etc>`.
    fn new(etc: &str) -> Setup {
        let ns = Netns::new().expect("namespace");
        let dir = tempfile::tempdir().expect("temp dir");
        let etc = dir.path().join(etc);
        std::fs::create_dir_all(&etc).expect("etc dir");
        let setup = Setup { ns, dir, etc };
        setup.write_dhcp4(4000);
        let run = setup.dir.path();
        let dhcp6 = json!({"Dhcp6": {
            "interfaces-config": {"interfaces": []},
            "data-directory": run,
            // The namespace has no interface with a hardware address to build a DUID-LLT from.
            "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405"},
            "lease-database": {"type": "memfile", "name": run.join("leases6.csv")},
            "control-socket": {"socket-type": "unix", "socket-name": run.join("d6.sock")},
            "subnet6": [],
            "loggers": file_loggers("kea-dhcp6", &run.join("dhcp6.log"))
        }});
        let agent = json!({"Control-agent": {
            "http-host": "127.0.0.1", "http-port": 8000,
            "control-sockets": {
                "dhcp4": {"socket-type": "unix", "socket-name": run.join("d4.sock")},
                "dhcp6": {"socket-type": "unix", "socket-name": run.join("d6.sock")}
            },
            "loggers": file_loggers("kea-ctrl-agent", &run.join("agent.log"))
        }});
        write(&setup.etc.join("kea-dhcp6.conf"), &dhcp6);
        write(&setup.etc.join("kea-ctrl-agent.conf"), &agent);
        setup
    }

    /// The DHCPv4 configuration with `valid` as its valid-lifetime.
    fn write_dhcp4(&self, valid: u32) {
        let run = self.dir.path();
        let dhcp4 = json!({"Dhcp4": {
            "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
            "lease-database": {"type": "memfile", "name": run.join("leases4.csv")},
            "control-socket": {"socket-type": "unix", "socket-name": run.join("d4.sock")},
            "valid-lifetime": valid,
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.250"}]}],
            "loggers": file_loggers("kea-dhcp4", &run.join("dhcp4.log"))
        }});
        write(&self.etc.join("kea-dhcp4.conf"), &dhcp4);
    }

    fn conf(&self, name: &str) -> String {
        self.etc.join(name).display().to_string()
    }

    fn pid_file(&self, kea_name: &str) -> PathBuf {
        self.dir.path().join(format!("{kea_name}.{kea_name}.pid"))
    }

    fn pid(&self, kea_name: &str) -> Option<u32> {
        std::fs::read_to_string(self.pid_file(kea_name))
            .ok()
            .and_then(|t| t.trim().parse().ok())
    }

    /// Runs `keactrl argv…` in the namespace with the PID and lock files in the scratch directory.
    fn keactrl(&self, keactrl: &Path, argv: &[&str]) -> Output {
        let out = self
            .ns
            .command(keactrl)
            .args(argv)
            .env("KEA_PIDFILE_DIR", self.dir.path())
            .env("KEA_LOCKFILE_DIR", self.dir.path())
            .output()
            .expect("keactrl runs");
        assert!(
            out.status.success(),
            "keactrl {argv:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn wait_running(&self, kea_name: &str) -> u32 {
        wait_until(
            &format!("{kea_name}'s PID file"),
            Duration::from_secs(20),
            || self.pid(kea_name).is_some(),
        )
        .unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
        self.pid(kea_name).expect("pid")
    }

    fn wait_gone(&self, kea_name: &str, pid: u32) {
        wait_until(
            &format!("{kea_name} (pid {pid}) to exit"),
            Duration::from_secs(10),
            || !Path::new(&format!("/proc/{pid}")).exists() && self.pid(kea_name).is_none(),
        )
        .unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
    }

    /// The daemons' own logs, for failures.
    fn logs(&self) -> String {
        ["dhcp4.log", "dhcp6.log", "agent.log"]
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
                format!("---- {f} ----\n{text}")
            })
            .collect()
    }

    /// The DHCPv4 server's valid-lifetime through the agent (forwarded to its UNIX socket).
    fn agent_valid_lifetime(&self) -> Option<Value> {
        let reply = control::http(
            &self.ns,
            AGENT_URL,
            &json!({"command": "config-get", "service": ["dhcp4"]}),
            &[],
        )
        .ok()?;
        Some(reply.body[0]["arguments"]["Dhcp4"]["valid-lifetime"].clone())
    }
}

fn file_loggers(name: &str, file: &Path) -> Value {
    json!([{"name": name, "severity": "INFO", "output-options": [{"output": file}]}])
}

fn write(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).expect("json")).expect("write");
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// keactrl.conf enabling the three daemons, as Ruru's `etc/keactrl.conf` names them.
fn ruru_keactrl_conf(setup: &Setup, bin: &Path) -> PathBuf {
    let template =
        std::fs::read_to_string(repo().join("etc/keactrl.conf")).expect("etc/keactrl.conf");
    let mut text = template.replace("@SBINDIR@", &bin.display().to_string());
    for file in [
        "kea-dhcp4.conf",
        "kea-dhcp6.conf",
        "kea-dhcp-ddns.conf",
        "kea-ctrl-agent.conf",
        "kea-netconf.conf",
    ] {
        text = text.replace(&format!("/etc/kea/{file}"), &setup.conf(file));
    }
    let path = setup.etc.join("keactrl.conf");
    std::fs::write(&path, text).expect("keactrl.conf");
    path
}

// CTL-125, CTL-126: every command's output against the real daemons.
#[test]
fn ctl125_ctl126_keactrl_drives_the_ruru_daemons() {
    let setup = Setup::new("etc");
    let bin = built();
    let keactrl = repo().join("scripts/ruru-keactrl");
    let conf = ruru_keactrl_conf(&setup, &bin);
    let c = conf.to_str().expect("utf-8 path");
    let (d4, d6, ca) = (
        setup.conf("kea-dhcp4.conf"),
        setup.conf("kea-dhcp6.conf"),
        setup.conf("kea-ctrl-agent.conf"),
    );

    // -s dhcp4: only the DHCPv4 server starts.
    let out = setup.keactrl(&keactrl, &["start", "-c", c, "-s", "dhcp4"]);
    assert_eq!(
        stdout(&out),
        format!("INFO/keactrl: Starting ruru-dhcp4 -c {d4}\n")
    );
    let pid4 = setup.wait_running("kea-dhcp4");

    // Start everything enabled: dhcp4 appears to be running, the others start.
    let out = setup.keactrl(&keactrl, &["start", "--ctrl-config", c]);
    assert_eq!(
        stdout(&out),
        format!(
            "INFO/keactrl: ruru-dhcp4 appears to be running, see: PID {pid4}, PID file: {}.\n\
             INFO/keactrl: Starting ruru-dhcp6 -c {d6}\n\
             INFO/keactrl: Starting ruru-ctrl-agent -c {ca}\n",
            setup.pid_file("kea-dhcp4").display()
        )
    );
    let pid6 = setup.wait_running("kea-dhcp6");
    let pida = setup.wait_running("kea-ctrl-agent");
    let out = setup.keactrl(&keactrl, &["start", "-c", c]);
    let again = stdout(&out);
    for (_, bin, kea) in DAEMONS {
        let pid = setup.pid(kea).expect("pid");
        let line = format!(
            "INFO/keactrl: {bin} appears to be running, see: PID {pid}, PID file: {}.",
            setup.pid_file(kea).display()
        );
        assert!(again.lines().any(|l| l == line), "{again}");
    }
    assert_eq!(again.lines().count(), 3, "{again}");

    let status = |setup: &Setup, v4: &str| {
        format!(
            "DHCPv4 server: {v4}\nDHCPv6 server: active\nDHCP DDNS: inactive\nControl Agent: active\n\
             Netconf agent: inactive\nKea DHCPv4 configuration file: {d4}\n\
             Kea DHCPv6 configuration file: {d6}\n\
             Kea DHCP DDNS configuration file: {}\nKea Control Agent configuration file: {ca}\n\
             Kea Netconf configuration file: {}\nkeactrl configuration file: {c}\n",
            setup.conf("kea-dhcp-ddns.conf"),
            setup.conf("kea-netconf.conf")
        )
    };
    assert_eq!(
        stdout(&setup.keactrl(&keactrl, &["status", "-c", c])),
        status(&setup, "active")
    );

    // Reload: the changed file is in force after SIGHUP, seen through the agent.
    wait_until("the agent forwards", Duration::from_secs(10), || {
        setup.agent_valid_lifetime() == Some(json!(4000))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", setup.logs()));
    setup.write_dhcp4(5000);
    let out = setup.keactrl(&keactrl, &["reload", "-c", c]);
    assert_eq!(
        stdout(&out),
        "INFO/keactrl: Reloading ruru-dhcp4...\nINFO/keactrl: Reloading ruru-dhcp6...\n\
         INFO/keactrl: Reloading ruru-ctrl-agent...\n"
    );
    wait_until(
        "valid-lifetime 5000 in force",
        Duration::from_secs(10),
        || setup.agent_valid_lifetime() == Some(json!(5000)),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", setup.logs()));
    assert_eq!(
        setup.pid("kea-dhcp4"),
        Some(pid4),
        "reloaded, not restarted"
    );

    // Its own version, then each installed daemon's -v (Kea's DDNS server too, when installed).
    let version = stdout(&setup.keactrl(&keactrl, &["version", "-c", c]));
    assert!(version.starts_with("keactrl: 2.7.3\n"), "{version}");
    for (_, bin, _) in DAEMONS {
        assert!(
            version.lines().any(|l| l == format!("{bin}: 2.7.3")),
            "{version}"
        );
    }

    // stop -s dhcp4 stops only that one.
    let out = setup.keactrl(&keactrl, &["stop", "-c", c, "-s", "dhcp4"]);
    assert_eq!(stdout(&out), "INFO/keactrl: Stopping ruru-dhcp4...\n");
    setup.wait_gone("kea-dhcp4", pid4);
    assert_eq!(
        stdout(&setup.keactrl(&keactrl, &["status", "-c", c])),
        status(&setup, "inactive")
    );

    // stop: every daemon, enabled or not.
    let out = setup.keactrl(&keactrl, &["stop", "-c", c]);
    assert_eq!(
        stdout(&out),
        "INFO/keactrl: ruru-dhcp4 isn't running.\nINFO/keactrl: Stopping ruru-dhcp6...\n\
         INFO/keactrl: kea-dhcp-ddns isn't running.\nINFO/keactrl: Stopping ruru-ctrl-agent...\n\
         INFO/keactrl: kea-netconf isn't running.\n"
    );
    setup.wait_gone("kea-dhcp6", pid6);
    setup.wait_gone("kea-ctrl-agent", pida);
    let out = setup.keactrl(&keactrl, &["reload", "-c", c, "-s", "dhcp4,ctrl_agent"]);
    assert_eq!(
        stdout(&out),
        "INFO/keactrl: ruru-dhcp4 isn't running.\nINFO/keactrl: ruru-ctrl-agent isn't running.\n"
    );

    // Bad selections are refused.
    let bad = setup
        .ns
        .command(&keactrl)
        .args(["start", "-c", c, "-s", "dhcp4,bogus"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("ERROR/keactrl: invalid server name: bogus")
    );
}

// CTL-125 check: Kea's default keactrl.conf (the layout a Kea install writes: ${prefix}-relative
// paths, binaries in ${exec_prefix}/sbin under Kea's names) drives Ruru once install.sh has put
// Ruru there, through the `keactrl` it installs.
#[test]
fn ctl125_kea_default_keactrl_conf_drives_ruru() {
    let setup = Setup::new("prefix/etc/kea");
    let prefix = setup.dir.path().join("prefix");
    let stage = tempfile::tempdir().expect("stage");
    install_sh(&prefix, stage.path(), &built()).expect("install.sh runs");
    // Installed under the stage; the Kea-style prefix sees its sbin.
    let sbin = stage
        .path()
        .join(prefix.strip_prefix("/").expect("absolute"))
        .join("sbin");
    std::os::unix::fs::symlink(&sbin, prefix.join("sbin")).expect("sbin link");

    let conf = prefix.join("etc/kea/keactrl.conf");
    std::fs::write(
        &conf,
        format!(
            "# Kea's default keactrl.conf, as a build with --prefix={p} installs it.\n\
             prefix={p}\n\
             kea_dhcp4_config_file=${{prefix}}/etc/kea/kea-dhcp4.conf\n\
             kea_dhcp6_config_file=${{prefix}}/etc/kea/kea-dhcp6.conf\n\
             kea_dhcp_ddns_config_file=${{prefix}}/etc/kea/kea-dhcp-ddns.conf\n\
             kea_ctrl_agent_config_file=${{prefix}}/etc/kea/kea-ctrl-agent.conf\n\
             kea_netconf_config_file=${{prefix}}/etc/kea/kea-netconf.conf\n\
             exec_prefix=${{prefix}}\n\
             dhcp4_srv=${{exec_prefix}}/sbin/kea-dhcp4\n\
             dhcp6_srv=${{exec_prefix}}/sbin/kea-dhcp6\n\
             dhcp_ddns_srv=${{exec_prefix}}/sbin/kea-dhcp-ddns\n\
             ctrl_agent_srv=${{exec_prefix}}/sbin/kea-ctrl-agent\n\
             netconf_srv=${{exec_prefix}}/sbin/kea-netconf\n\
             dhcp4=yes\ndhcp6=yes\ndhcp_ddns=no\nctrl_agent=yes\nnetconf=no\nkea_verbose=no\n",
            p = prefix.display()
        ),
    )
    .expect("keactrl.conf");
    let keactrl = sbin.join("keactrl");
    let c = conf.to_str().expect("utf-8");
    let out = setup.keactrl(&keactrl, &["start", "-c", c]);
    assert_eq!(
        stdout(&out),
        format!(
            "INFO/keactrl: Starting kea-dhcp4 -c {}\nINFO/keactrl: Starting kea-dhcp6 -c {}\n\
             INFO/keactrl: Starting kea-ctrl-agent -c {}\n",
            setup.conf("kea-dhcp4.conf"),
            setup.conf("kea-dhcp6.conf"),
            setup.conf("kea-ctrl-agent.conf")
        )
    );
    let pids: Vec<u32> = DAEMONS
        .iter()
        .map(|(_, _, kea)| setup.wait_running(kea))
        .collect();
    let status = stdout(&setup.keactrl(&keactrl, &["status", "-c", c]));
    assert!(
        status.starts_with("DHCPv4 server: active\nDHCPv6 server: active\n"),
        "{status}"
    );
    wait_until("the agent forwards", Duration::from_secs(10), || {
        setup.agent_valid_lifetime() == Some(json!(4000))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", setup.logs()));
    setup.keactrl(&keactrl, &["stop", "-c", c]);
    for ((_, _, kea), pid) in DAEMONS.iter().zip(pids) {
        setup.wait_gone(kea, pid);
    }
}

// CTL-125: kea_verbose=yes starts the daemons with -d.
#[test]
fn ctl125_kea_verbose_adds_debug_flag() {
    let setup = Setup::new("etc");
    let keactrl = repo().join("scripts/ruru-keactrl");
    let conf = ruru_keactrl_conf(&setup, &built());
    let text = std::fs::read_to_string(&conf).expect("conf");
    std::fs::write(&conf, text.replace("kea_verbose=no", "kea_verbose=yes")).expect("conf");
    let c = conf.to_str().expect("utf-8");
    let out = setup.keactrl(&keactrl, &["start", "-c", c, "-s", "dhcp4"]);
    let d4 = setup.conf("kea-dhcp4.conf");
    assert_eq!(
        stdout(&out),
        format!("INFO/keactrl: Starting ruru-dhcp4 -c {d4} -d\n")
    );
    let pid = setup.wait_running("kea-dhcp4");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline");
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    assert!(
        args.contains(&b"-d".as_slice()),
        "{:?}",
        String::from_utf8_lossy(&cmdline)
    );
    setup.keactrl(&keactrl, &["stop", "-c", c, "-s", "dhcp4"]);
    setup.wait_gone("kea-dhcp4", pid);
}
