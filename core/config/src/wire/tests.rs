use super::*;
use crate::de::from_node;
use crate::model::ReplaceClientName;
use crate::reader::read_str;
use crate::ConfigError;

fn parse(text: &str) -> Result<TopLevel, ConfigError> {
    let doc = read_str(text, "w.json")?;
    from_node(&doc.root, "")
}

#[test]
fn only_dhcp4_at_top_level() {
    // Kea 2.7.3's grammar (ARM §29.1 rule 74) has nothing but Dhcp4 there.
    for other in ["Dhcp6", "Logging", "DhcpDdns", "Control-agent"] {
        let err = parse(&format!("{{\"Dhcp4\": {{}}, \"{other}\": {{}}}}")).unwrap_err();
        assert!(
            matches!(err, ConfigError::UnknownKey { ref key, .. } if key == other),
            "{err}"
        );
    }
    assert!(parse("{\"Dhcp4\": {}}").unwrap().dhcp4.is_some());
}

#[test]
fn kebab_exceptions_are_spelled_as_kea_does() {
    let t = parse(
        r#"{"Dhcp4": {
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "4o6-interface": "eth0",
                         "4o6-interface-id": "x", "4o6-subnet": "2001:db8::/64"}],
            "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}]},
                        {"name": "kea-dhcp4.eval", "output-options": [{"output": "stderr"}]}]
        }}"#,
    )
    .unwrap();
    let d = t.dhcp4.unwrap();
    assert_eq!(
        d.subnet4[0].dhcp4o6_subnet.as_deref(),
        Some("2001:db8::/64")
    );
    assert_eq!(
        d.loggers[0].output_options[0].output.as_deref(),
        Some("stdout")
    );
    assert_eq!(
        d.loggers[1].output_options[0].output.as_deref(),
        Some("stderr")
    );
}

#[test]
fn scope_params_fall_back_field_by_field() {
    // V4-003
    let t = parse(
        r#"{"Dhcp4": {"valid-lifetime": 600, "renew-timer": 100,
            "shared-networks": [{"name": "n", "valid-lifetime": 900, "authoritative": true,
                "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "valid-lifetime": 1200}]}]}}"#,
    )
    .unwrap();
    let d = t.dhcp4.unwrap();
    let net = &d.shared_networks[0];
    let eff = net.subnet4[0].scope().or(&net.scope()).or(&d.scope());
    assert_eq!(eff.common.valid_lifetime, Some(1200));
    assert_eq!(eff.common.renew_timer, Some(100));
    assert_eq!(eff.family.authoritative, Some(true));
    assert_eq!(eff.common.rebind_timer, None);
}

#[test]
fn replace_client_name_takes_names_and_booleans() {
    let t = parse(r#"{"Dhcp4": {"ddns-replace-client-name": "when-not-present"}}"#).unwrap();
    assert_eq!(
        t.dhcp4.unwrap().ddns_replace_client_name,
        Some(ReplaceName::Mode(ReplaceClientName::WhenNotPresent))
    );
    let t = parse(r#"{"Dhcp4": {"ddns-replace-client-name": true}}"#).unwrap();
    assert_eq!(
        t.dhcp4.unwrap().ddns_replace_client_name,
        Some(ReplaceName::Bool(true))
    );
    let err = parse(r#"{"Dhcp4": {"ddns-replace-client-name": "sometimes"}}"#).unwrap_err();
    assert!(err.to_string().contains("sometimes"), "{err}");
}

#[test]
fn grammar_tokens_are_checked_with_positions() {
    let err = parse("{\"Dhcp4\": {\"interfaces-config\": {\n\"dhcp-socket-type\": \"tcp\"}}}")
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("w.json:2:21:"), "{msg}");
    assert!(
        msg.contains("Dhcp4/interfaces-config/dhcp-socket-type"),
        "{msg}"
    );
    assert!(
        parse(r#"{"Dhcp4": {"dhcp-ddns": {"ncr-protocol": "UDP", "ncr-format": "JSON"}}}"#).is_ok()
    );
    assert!(parse(r#"{"Dhcp4": {"dhcp-ddns": {"ncr-protocol": "udp"}}}"#).is_err());
    assert!(
        parse(r#"{"Dhcp4": {"host-reservation-identifiers": ["hw-address", "flex-id"]}}"#).is_ok()
    );
    assert!(parse(r#"{"Dhcp4": {"host-reservation-identifiers": ["mac"]}}"#).is_err());
}

#[test]
fn removed_2_2_keys_are_unknown() {
    // Kea 2.7.3 dropped `reservation-mode` (no one-to-one replacement).
    let err = parse(r#"{"Dhcp4": {"reservation-mode": "all"}}"#).unwrap_err();
    assert!(matches!(err, ConfigError::UnknownKey { ref key, .. } if key == "reservation-mode"));
    assert!(err.to_string().contains("reservations-global"), "{err}");
    let err = parse(r#"{"Dhcp4": {}, "Logging": {}}"#).unwrap_err();
    assert!(err.to_string().contains("loggers go inside"), "{err}");
}

#[test]
fn renamed_or_moved_2_2_keys_are_read() {
    // The model accepts them with a warning; here they only need to parse.
    let t = parse(
        r#"{"Dhcp4": {"dhcp-ddns": {"qualifying-suffix": "x.", "replace-client-name": "never"},
            "subnet4": [{"relay": {"ip-address": "10.0.0.1"}}]}}"#,
    )
    .unwrap();
    let d = t.dhcp4.unwrap();
    let ddns = d.dhcp_ddns.unwrap();
    assert_eq!(ddns.qualifying_suffix.as_deref(), Some("x."));
    assert!(ddns.replace_client_name.is_some());
    let relay = d.subnet4[0].relay.as_ref().unwrap();
    assert_eq!(relay.ip_address.as_deref(), Some("10.0.0.1"));
    assert!(parse(r#"{"Dhcp4": {"dhcp-ddns": {"qualifying-sufix": "x."}}}"#).is_err());
}

#[test]
fn open_maps_take_any_key() {
    let t = parse(
        r#"{"Dhcp4": {"dhcp-queue-control": {"enable-queue": true, "my-queue-knob": 3},
            "hooks-libraries": [{"library": "/x.so", "parameters": {"anything": [1]}}],
            "user-context": {"k": {"deep": null}}}}"#,
    )
    .unwrap();
    let d = t.dhcp4.unwrap();
    assert_eq!(d.dhcp_queue_control.unwrap()["my-queue-knob"], 3);
    assert!(d.hooks_libraries[0].parameters.is_some());
}

#[test]
fn null_is_not_absence() {
    assert!(parse(r#"{"Dhcp4": {"valid-lifetime": null}}"#).is_err());
}
