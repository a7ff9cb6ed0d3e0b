//! The built-in DHCPv6 option definitions: the ARM's "Standard DHCPv6 Options" tables (§9.2.11,
//! Tables 1 and 2) with Kea 2.7.3's names and types where the spec records that they differ from the
//! ARM (§25 #15-#20), the Softwire46 container spaces (§9.2.12) and the vendor spaces of §9.2.15
//! (V6-137..V6-143, V6-149, V6-198).

use super::{Row, Table, NONE};
use crate::defs::DataType::{
    Binary as BIN, Empty as EMPTY, Fqdn as FQDN, Int32 as I32, Ipv4Address as V4,
    Ipv6Address as V6, Ipv6Prefix as PREFIX, Psid as PSID, Record as REC, String as STR,
    Tuple as TUPLE, Uint16 as U16, Uint32 as U32, Uint8 as U8,
};

const DHCP6: &str = "dhcp6";
const MAPE: &str = "s46-cont-mape-options";
const MAPT: &str = "s46-cont-mapt-options";
const LW: &str = "s46-cont-lw-options";
const RULE: &str = "s46-rule-options";
const BIND: &str = "s46-v4v6bind-options";

/// Space `dhcp6`: the administrator-configurable options (Table 1) and the server-managed ones
/// (Table 2, with Kea's names `clientid`, `serverid`, `rapid-commit`, `iaprefix`: spec §25 #17).
const DHCP6_ROWS: &[Row] = &[
    ("clientid", 1, BIN, false, NONE, ""),
    ("serverid", 2, BIN, false, NONE, ""),
    ("ia-na", 3, REC, false, &[U32, U32, U32], ""),
    ("ia-ta", 4, U32, false, NONE, ""),
    ("iaaddr", 5, REC, false, &[V6, U32, U32], ""),
    ("oro", 6, U16, true, NONE, ""),
    ("preference", 7, U8, false, NONE, ""),
    ("elapsed-time", 8, U16, false, NONE, ""),
    ("relay-msg", 9, BIN, false, NONE, ""),
    ("auth", 11, BIN, false, NONE, ""),
    ("unicast", 12, V6, false, NONE, ""),
    ("status-code", 13, REC, false, &[U16, STR], ""),
    ("rapid-commit", 14, EMPTY, false, NONE, ""),
    ("user-class", 15, BIN, false, NONE, ""),
    ("vendor-class", 16, REC, false, &[U32, BIN], ""),
    // The sub-options live in space `vendor-<enterprise>`, chosen by the value (V6-147).
    ("vendor-opts", 17, U32, false, NONE, ""),
    ("interface-id", 18, BIN, false, NONE, ""),
    ("reconf-msg", 19, U8, false, NONE, ""),
    ("reconf-accept", 20, EMPTY, false, NONE, ""),
    ("sip-server-dns", 21, FQDN, true, NONE, ""),
    ("sip-server-addr", 22, V6, true, NONE, ""),
    ("dns-servers", 23, V6, true, NONE, ""),
    ("domain-search", 24, FQDN, true, NONE, ""),
    ("ia-pd", 25, REC, false, &[U32, U32, U32], ""),
    ("iaprefix", 26, REC, false, &[U32, U32, U8, V6], ""),
    ("nis-servers", 27, V6, true, NONE, ""),
    ("nisp-servers", 28, V6, true, NONE, ""),
    ("nis-domain-name", 29, FQDN, true, NONE, ""),
    ("nisp-domain-name", 30, FQDN, true, NONE, ""),
    ("sntp-servers", 31, V6, true, NONE, ""),
    ("information-refresh-time", 32, U32, false, NONE, ""),
    ("bcmcs-server-dns", 33, FQDN, true, NONE, ""),
    ("bcmcs-server-addr", 34, V6, true, NONE, ""),
    ("geoconf-civic", 36, REC, false, &[U8, U16, BIN], ""),
    ("remote-id", 37, REC, false, &[U32, BIN], ""),
    ("subscriber-id", 38, BIN, false, NONE, ""),
    ("client-fqdn", 39, REC, false, &[U8, FQDN], ""),
    ("pana-agent", 40, V6, true, NONE, ""),
    ("new-posix-timezone", 41, STR, false, NONE, ""),
    ("new-tzdb-timezone", 42, STR, false, NONE, ""),
    ("ero", 43, U16, true, NONE, ""),
    ("lq-query", 44, REC, false, &[U8, V6], DHCP6),
    ("client-data", 45, EMPTY, false, NONE, DHCP6),
    ("clt-time", 46, U32, false, NONE, ""),
    ("lq-relay-data", 47, REC, false, &[V6, BIN], ""),
    ("lq-client-link", 48, V6, true, NONE, ""),
    ("v6-lost", 51, FQDN, false, NONE, ""),
    ("capwap-ac-v6", 52, V6, true, NONE, ""),
    ("relay-id", 53, BIN, false, NONE, ""),
    ("v6-access-domain", 57, FQDN, false, NONE, ""),
    ("sip-ua-cs-list", 58, FQDN, true, NONE, ""),
    ("bootfile-url", 59, STR, false, NONE, ""),
    ("bootfile-param", 60, TUPLE, true, NONE, ""),
    ("client-arch-type", 61, U16, true, NONE, ""),
    // The ARM spells it `nni`; Kea's definition is `nii` (spec §25 #15).
    ("nii", 62, REC, false, &[U8, U8, U8], ""),
    ("aftr-name", 64, FQDN, false, NONE, ""),
    ("erp-local-domain-name", 65, FQDN, false, NONE, ""),
    ("rsoo", 66, EMPTY, false, NONE, "rsoo-opts"),
    // The ARM says binary; Kea defines an ipv6-prefix (spec §25 #16) and reads any bytes (RFC 6603
    // layout: prefix length, then the subnet id bits), see `value::check_wire`.
    ("pd-exclude", 67, PREFIX, false, NONE, ""),
    ("rdnss-selection", 74, REC, true, &[V6, U8, FQDN], ""),
    ("client-linklayer-addr", 79, BIN, false, NONE, ""),
    ("link-address", 80, V6, false, NONE, ""),
    ("solmax-rt", 82, U32, false, NONE, ""),
    ("inf-max-rt", 83, U32, false, NONE, ""),
    ("dhcpv4-message", 87, BIN, false, NONE, ""),
    ("dhcp4o6-server-addr", 88, V6, true, NONE, ""),
    ("s46-cont-mape", 94, EMPTY, false, NONE, MAPE),
    ("s46-cont-mapt", 95, EMPTY, false, NONE, MAPT),
    ("s46-cont-lw", 96, EMPTY, false, NONE, LW),
    ("v6-captive-portal", 103, STR, false, NONE, ""),
    ("relay-source-port", 135, U16, false, NONE, ""),
    ("v6-sztp-redirect", 136, TUPLE, true, NONE, ""),
    ("ipv6-address-andsf", 143, V6, true, NONE, ""),
    // Text form of its own, like v4-dnr (V6-141).
    ("v6-dnr", 144, REC, false, &[U16, U16, FQDN, BIN], ""),
];

/// Softwire46 options (RFC 7598, V6-142).
const S46_RULE: Row = ("s46-rule", 89, REC, false, &[U8, U8, U8, V4, PREFIX], RULE);
const S46_BR: Row = ("s46-br", 90, V6, false, NONE, "");
const S46_DMR: Row = ("s46-dmr", 91, PREFIX, false, NONE, "");
const S46_V4V6BIND: Row = ("s46-v4v6bind", 92, REC, false, &[V4, PREFIX], BIND);
const S46_PORTPARAMS: Row = ("s46-portparams", 93, REC, false, &[U8, PSID], "");

/// Table 1 lists the Softwire46 options in `dhcp6`, where Kea defines them only inside their
/// containers; they are defined in `dhcp6` too so the ARM's names work there, and may be replaced so
/// an `option-def` Kea accepts for these codes is still accepted.
const S46_ROWS: &[Row] = &[S46_RULE, S46_BR, S46_DMR, S46_V4V6BIND, S46_PORTPARAMS];
/// MAP-E container (94) contents.
const MAPE_ROWS: &[Row] = &[S46_RULE, S46_BR];
/// MAP-T container (95) contents.
const MAPT_ROWS: &[Row] = &[S46_RULE, S46_DMR];
/// Lightweight 4over6 container (96) contents; `s46-br` is allowed here (spec §25 #19).
const LW_ROWS: &[Row] = &[S46_BR, S46_V4V6BIND];
/// Port parameters inside `s46-rule` and `s46-v4v6bind`.
const PORTPARAMS_ROWS: &[Row] = &[S46_PORTPARAMS];

/// ISC's DHCPv4-over-DHCPv6 options exchanged between the two servers (V6-198).
const ISC_ROWS: &[Row] = &[
    ("4o6-interface", 60000, STR, false, NONE, ""),
    ("4o6-source-address", 60001, V6, false, NONE, ""),
    ("4o6-source-port", 60002, U16, false, NONE, ""),
];

/// DOCSIS 3 vendor sub-options of option 17 (V6-149, spec §25 #18).
const DOCSIS_ROWS: &[Row] = &[
    ("oro", 1, U16, true, NONE, ""),
    ("device-type", 2, STR, false, NONE, ""),
    ("vendor-type", 10, STR, false, NONE, ""),
    ("tftp-servers", 32, V6, true, NONE, ""),
    ("config-file", 33, STR, false, NONE, ""),
    ("syslog-servers", 34, V6, true, NONE, ""),
    ("device-id", 36, BIN, false, NONE, ""),
    ("time-servers", 37, V6, true, NONE, ""),
    ("time-offset", 38, I32, false, NONE, ""),
    ("cmts-cm-mac", 1026, BIN, false, NONE, ""),
];

/// Every DHCPv6 table. The `dhcp6` options are fixed (V6-137); the sub-option spaces may be replaced by
/// an `option-def`, as in DHCPv4.
pub(super) const TABLES: &[Table] = &[
    Table {
        space: DHCP6,
        rows: DHCP6_ROWS,
        replaceable: false,
    },
    Table {
        space: DHCP6,
        rows: S46_ROWS,
        replaceable: true,
    },
    Table {
        space: MAPE,
        rows: MAPE_ROWS,
        replaceable: true,
    },
    Table {
        space: MAPT,
        rows: MAPT_ROWS,
        replaceable: true,
    },
    Table {
        space: LW,
        rows: LW_ROWS,
        replaceable: true,
    },
    Table {
        space: RULE,
        rows: PORTPARAMS_ROWS,
        replaceable: true,
    },
    Table {
        space: BIND,
        rows: PORTPARAMS_ROWS,
        replaceable: true,
    },
    Table {
        space: "vendor-2495",
        rows: ISC_ROWS,
        replaceable: true,
    },
    Table {
        space: "vendor-4491",
        rows: DOCSIS_ROWS,
        replaceable: true,
    },
];
