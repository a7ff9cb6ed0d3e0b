//! The built-in DHCPv4 option definitions (Kea 2.7.3 ARM §8.2.x tables, spec §15.1, V4-113, V4-114,
//! V4-122).

use super::{DataType, OptionDef};
use DataType::{
    Binary as BIN, Boolean as BOOL, Empty as EMPTY, Fqdn as FQDN, Internal as INTERNAL,
    Ipv4Address as V4, Ipv6Address as V6, Psid as PSID, Record as REC, String as STR,
    Tuple as TUPLE, Uint16 as U16, Uint32 as U32, Uint8 as U8,
};

/// Space of the sub-options of option 43 (no built-in definition lives there).
pub(super) const VENDOR_ENCAPSULATED_SPACE: &str = "vendor-encapsulated-options-space";
const DHCP4: &str = "dhcp4";
const AGENT: &str = "dhcp-agent-options-space";
const DOCSIS: &str = "vendor-4491";

/// One table row: name, code, type, array, record fields, encapsulated space.
type Row = (
    &'static str,
    u16,
    DataType,
    bool,
    &'static [DataType],
    &'static str,
);

const NONE: &[DataType] = &[];

/// Space `dhcp4`: the administrator-configurable table, the server-managed options and the leasequery
/// options Kea also defines (their codes cannot be redefined either).
const DHCP4_ROWS: &[Row] = &[
    ("subnet-mask", 1, V4, false, NONE, ""),
    ("time-offset", 2, DataType::Int32, false, NONE, ""),
    ("routers", 3, V4, true, NONE, ""),
    ("time-servers", 4, V4, true, NONE, ""),
    ("name-servers", 5, V4, true, NONE, ""),
    ("domain-name-servers", 6, V4, true, NONE, ""),
    ("log-servers", 7, V4, true, NONE, ""),
    ("cookie-servers", 8, V4, true, NONE, ""),
    ("lpr-servers", 9, V4, true, NONE, ""),
    ("impress-servers", 10, V4, true, NONE, ""),
    ("resource-location-servers", 11, V4, true, NONE, ""),
    ("host-name", 12, STR, false, NONE, ""),
    ("boot-size", 13, U16, false, NONE, ""),
    ("merit-dump", 14, STR, false, NONE, ""),
    // RFC 2132 §3.17 carries the domain name as ASCII text, and Kea and DHCP clients treat it so on the
    // wire (dhclient, udhcpc reject DNS label form), although the ARM's table lists its syntax as fqdn.
    ("domain-name", 15, STR, false, NONE, ""),
    ("swap-server", 16, V4, false, NONE, ""),
    ("root-path", 17, STR, false, NONE, ""),
    ("extensions-path", 18, STR, false, NONE, ""),
    ("ip-forwarding", 19, BOOL, false, NONE, ""),
    ("non-local-source-routing", 20, BOOL, false, NONE, ""),
    ("policy-filter", 21, V4, true, NONE, ""),
    ("max-dgram-reassembly", 22, U16, false, NONE, ""),
    ("default-ip-ttl", 23, U8, false, NONE, ""),
    ("path-mtu-aging-timeout", 24, U32, false, NONE, ""),
    ("path-mtu-plateau-table", 25, U16, true, NONE, ""),
    ("interface-mtu", 26, U16, false, NONE, ""),
    ("all-subnets-local", 27, BOOL, false, NONE, ""),
    ("broadcast-address", 28, V4, false, NONE, ""),
    ("perform-mask-discovery", 29, BOOL, false, NONE, ""),
    ("mask-supplier", 30, BOOL, false, NONE, ""),
    ("router-discovery", 31, BOOL, false, NONE, ""),
    ("router-solicitation-address", 32, V4, false, NONE, ""),
    ("static-routes", 33, V4, true, NONE, ""),
    ("trailer-encapsulation", 34, BOOL, false, NONE, ""),
    ("arp-cache-timeout", 35, U32, false, NONE, ""),
    ("ieee802-3-encapsulation", 36, BOOL, false, NONE, ""),
    ("default-tcp-ttl", 37, U8, false, NONE, ""),
    ("tcp-keepalive-interval", 38, U32, false, NONE, ""),
    ("tcp-keepalive-garbage", 39, BOOL, false, NONE, ""),
    ("nis-domain", 40, STR, false, NONE, ""),
    ("nis-servers", 41, V4, true, NONE, ""),
    ("ntp-servers", 42, V4, true, NONE, ""),
    ("netbios-name-servers", 44, V4, true, NONE, ""),
    ("netbios-dd-server", 45, V4, true, NONE, ""),
    ("netbios-node-type", 46, U8, false, NONE, ""),
    ("netbios-scope", 47, STR, false, NONE, ""),
    ("font-servers", 48, V4, true, NONE, ""),
    ("x-display-manager", 49, V4, true, NONE, ""),
    ("dhcp-requested-address", 50, V4, false, NONE, ""),
    ("dhcp-lease-time", 51, U32, false, NONE, ""),
    ("dhcp-option-overload", 52, U8, false, NONE, ""),
    ("dhcp-message-type", 53, U8, false, NONE, ""),
    ("dhcp-server-identifier", 54, V4, false, NONE, ""),
    ("dhcp-parameter-request-list", 55, U8, true, NONE, ""),
    ("dhcp-message", 56, STR, false, NONE, ""),
    ("dhcp-max-message-size", 57, U16, false, NONE, ""),
    ("dhcp-renewal-time", 58, U32, false, NONE, ""),
    ("dhcp-rebinding-time", 59, U32, false, NONE, ""),
    ("vendor-class-identifier", 60, STR, false, NONE, ""),
    ("dhcp-client-identifier", 61, BIN, false, NONE, ""),
    ("nwip-domain-name", 62, STR, false, NONE, ""),
    ("nwip-suboptions", 63, BIN, false, NONE, ""),
    ("nisplus-domain-name", 64, STR, false, NONE, ""),
    ("nisplus-servers", 65, V4, true, NONE, ""),
    ("tftp-server-name", 66, STR, false, NONE, ""),
    ("boot-file-name", 67, STR, false, NONE, ""),
    ("mobile-ip-home-agent", 68, V4, true, NONE, ""),
    ("smtp-server", 69, V4, true, NONE, ""),
    ("pop-server", 70, V4, true, NONE, ""),
    ("nntp-server", 71, V4, true, NONE, ""),
    ("www-server", 72, V4, true, NONE, ""),
    ("finger-server", 73, V4, true, NONE, ""),
    ("irc-server", 74, V4, true, NONE, ""),
    ("streettalk-server", 75, V4, true, NONE, ""),
    (
        "streettalk-directory-assistance-server",
        76,
        V4,
        true,
        NONE,
        "",
    ),
    ("user-class", 77, BIN, false, NONE, ""),
    ("slp-directory-agent", 78, REC, true, &[BOOL, V4], ""),
    ("slp-service-scope", 79, REC, false, &[BOOL, STR], ""),
    ("fqdn", 81, REC, false, &[U8, U8, U8, FQDN], ""),
    ("dhcp-agent-options", 82, EMPTY, false, NONE, AGENT),
    ("nds-server", 85, V4, true, NONE, ""),
    ("nds-tree-name", 86, STR, false, NONE, ""),
    ("nds-context", 87, STR, false, NONE, ""),
    ("bcms-controller-names", 88, FQDN, true, NONE, ""),
    ("bcms-controller-address", 89, V4, true, NONE, ""),
    ("authenticate", 90, BIN, false, NONE, ""),
    ("client-last-transaction-time", 91, U32, false, NONE, ""),
    ("associated-ip", 92, V4, true, NONE, ""),
    ("client-system", 93, U16, true, NONE, ""),
    ("client-ndi", 94, REC, false, &[U8, U8, U8], ""),
    ("uuid-guid", 97, REC, false, &[U8, BIN], ""),
    ("uap-servers", 98, STR, false, NONE, ""),
    ("geoconf-civic", 99, BIN, false, NONE, ""),
    ("pcode", 100, STR, false, NONE, ""),
    ("tcode", 101, STR, false, NONE, ""),
    ("v6-only-preferred", 108, U32, false, NONE, ""),
    ("netinfo-server-address", 112, V4, true, NONE, ""),
    ("netinfo-server-tag", 113, STR, false, NONE, ""),
    ("v4-captive-portal", 114, STR, false, NONE, ""),
    ("auto-config", 116, U8, false, NONE, ""),
    ("name-service-search", 117, U16, true, NONE, ""),
    ("subnet-selection", 118, V4, false, NONE, ""),
    ("domain-search", 119, FQDN, true, NONE, ""),
    ("classless-static-route", 121, INTERNAL, false, NONE, ""),
    ("vivco-suboptions", 124, REC, false, &[U32, BIN], ""),
    ("vivso-suboptions", 125, U32, false, NONE, ""),
    ("pana-agent", 136, V4, true, NONE, ""),
    ("v4-lost", 137, FQDN, false, NONE, ""),
    ("capwap-ac-v4", 138, V4, true, NONE, ""),
    ("sip-ua-cs-domains", 141, FQDN, true, NONE, ""),
    ("v4-sztp-redirect", 143, TUPLE, true, NONE, ""),
    ("rdnss-selection", 146, REC, true, &[U8, V4, V4, FQDN], ""),
    ("status-code", 151, REC, false, &[U8, STR], ""),
    ("base-time", 152, U32, false, NONE, ""),
    ("start-time-of-state", 153, U32, false, NONE, ""),
    ("query-start-time", 154, U32, false, NONE, ""),
    ("query-end-time", 155, U32, false, NONE, ""),
    ("dhcp-state", 156, U8, false, NONE, ""),
    ("data-source", 157, U8, false, NONE, ""),
    ("v4-portparams", 159, REC, false, &[U8, PSID], ""),
    ("v4-dnr", 162, REC, false, &[U16, U16, U8, FQDN, BIN], ""),
    ("option-6rd", 212, REC, true, &[U8, U8, V6, V4], ""),
    ("v4-access-domain", 213, FQDN, false, NONE, ""),
];

/// Option 43: used only when no `option-def` for code 43 applies (V4-119, V4-120).
const LAST_RESORT_ROWS: &[Row] = &[(
    "vendor-encapsulated-options",
    43,
    EMPTY,
    false,
    NONE,
    VENDOR_ENCAPSULATED_SPACE,
)];

/// Relay agent information sub-options (V4-114).
const AGENT_ROWS: &[Row] = &[
    ("circuit-id", 1, BIN, false, NONE, ""),
    ("remote-id", 2, BIN, false, NONE, ""),
    ("docsis-device-class", 4, U32, false, NONE, ""),
    ("link-selection", 5, V4, false, NONE, ""),
    ("subscriber-id", 6, STR, false, NONE, ""),
    ("radius", 7, BIN, false, NONE, ""),
    ("auth", 8, BIN, false, NONE, ""),
    ("vendor-specific-info", 9, BIN, false, NONE, ""),
    ("relay-flags", 10, U8, false, NONE, ""),
    ("server-id-override", 11, V4, false, NONE, ""),
    ("relay-id", 12, BIN, false, NONE, ""),
    ("access-techno-type", 13, U16, false, NONE, ""),
    ("access-network-name", 14, STR, false, NONE, ""),
    ("access-point-name", 15, STR, false, NONE, ""),
    ("access-point-bssid", 16, BIN, false, NONE, ""),
    ("operator-id", 17, U32, false, NONE, ""),
    ("operator-realm", 18, STR, false, NONE, ""),
    ("relay-port", 19, U16, false, NONE, ""),
    ("virtual-subnet-select", 151, BIN, false, NONE, ""),
    ("virtual-subnet-select-ctrl", 152, EMPTY, false, NONE, ""),
];

/// DOCSIS 3 vendor sub-options of option 125 (V4-122).
const DOCSIS_ROWS: &[Row] = &[
    ("oro", 1, U8, true, NONE, ""),
    ("tftp-servers", 2, V4, true, NONE, ""),
];

fn def((name, code, data_type, array, records, encapsulate): Row, space: &str) -> OptionDef {
    OptionDef {
        name: name.to_owned(),
        code,
        space: space.to_owned(),
        data_type,
        array,
        record_types: records.to_vec(),
        encapsulate: encapsulate.to_owned(),
    }
}

/// Every built-in definition with whether an `option-def` may replace it: option 43 and the
/// sub-option spaces (Kea 2.2 accepts redefinitions there); the `dhcp4` options are fixed.
pub(super) fn definitions() -> impl Iterator<Item = (OptionDef, bool)> {
    let fixed = DHCP4_ROWS.iter().map(|&r| (def(r, DHCP4), false));
    let replaceable = [
        (LAST_RESORT_ROWS, DHCP4),
        (AGENT_ROWS, AGENT),
        (DOCSIS_ROWS, DOCSIS),
    ]
    .into_iter()
    .flat_map(|(rows, space)| rows.iter().map(move |&r| (def(r, space), true)));
    fixed.chain(replaceable)
}
