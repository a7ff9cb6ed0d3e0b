//! Callout point and argument names, spelled as Kea spells them so plugins ported from Kea find them (HK-139).

/// Callout point names.
pub mod point {
    /// Configuration committed and plugins loaded (DHCPv4 server).
    pub const DHCP4_SRV_CONFIGURED: &str = "dhcp4_srv_configured";
    /// Raw datagram received, before parsing.
    pub const BUFFER4_RECEIVE: &str = "buffer4_receive";
    /// Query parsed, before subnet selection.
    pub const PKT4_RECEIVE: &str = "pkt4_receive";
    /// Subnet chosen; a callout may replace it.
    pub const SUBNET4_SELECT: &str = "subnet4_select";
    /// `flex-id` identifier requested for host lookup.
    pub const HOST4_IDENTIFIER: &str = "host4_identifier";
    /// A lease was chosen, before it is stored.
    pub const LEASE4_SELECT: &str = "lease4_select";
    /// An existing lease is about to be extended.
    pub const LEASE4_RENEW: &str = "lease4_renew";
    /// A RELEASE was accepted, before the lease is released.
    pub const LEASE4_RELEASE: &str = "lease4_release";
    /// A DECLINE was validated, before the lease is declined.
    pub const LEASE4_DECLINE: &str = "lease4_decline";
    /// Lease changes of a REQUEST, RELEASE or DECLINE were written.
    pub const LEASES4_COMMITTED: &str = "leases4_committed";
    /// An OFFER was built, not yet sent.
    pub const LEASE4_OFFER: &str = "lease4_offer";
    /// An offer was withdrawn because its address is in use.
    pub const LEASE4_SERVER_DECLINE: &str = "lease4_server_decline";
    /// Response complete, before it is packed.
    pub const PKT4_SEND: &str = "pkt4_send";
    /// Wire buffer built, just before it is sent.
    pub const BUFFER4_SEND: &str = "buffer4_send";
    /// An expired lease is being reclaimed.
    pub const LEASE4_EXPIRE: &str = "lease4_expire";
    /// A declined lease leaves probation.
    pub const LEASE4_RECOVER: &str = "lease4_recover";
    /// Host name and DNS update flags formed.
    pub const DDNS4_UPDATE: &str = "ddns4_update";
    /// Configuration committed and plugins loaded (DHCPv6 server).
    pub const DHCP6_SRV_CONFIGURED: &str = "dhcp6_srv_configured";
    /// Raw DHCPv6 datagram received.
    pub const BUFFER6_RECEIVE: &str = "buffer6_receive";
    /// DHCPv6 query parsed.
    pub const PKT6_RECEIVE: &str = "pkt6_receive";
    /// DHCPv6 subnet chosen.
    pub const SUBNET6_SELECT: &str = "subnet6_select";
    /// `flex-id` identifier requested (DHCPv6).
    pub const HOST6_IDENTIFIER: &str = "host6_identifier";
    /// A DHCPv6 lease chosen for one IA.
    pub const LEASE6_SELECT: &str = "lease6_select";
    /// RENEW extends one lease.
    pub const LEASE6_RENEW: &str = "lease6_renew";
    /// REBIND extends one lease.
    pub const LEASE6_REBIND: &str = "lease6_rebind";
    /// RELEASE of one lease.
    pub const LEASE6_RELEASE: &str = "lease6_release";
    /// DECLINE of one lease.
    pub const LEASE6_DECLINE: &str = "lease6_decline";
    /// DHCPv6 host name and DNS flags formed.
    pub const DDNS6_UPDATE: &str = "ddns6_update";
    /// DHCPv6 lease changes written.
    pub const LEASES6_COMMITTED: &str = "leases6_committed";
    /// DHCPv6 response complete.
    pub const PKT6_SEND: &str = "pkt6_send";
    /// DHCPv6 wire buffer built.
    pub const BUFFER6_SEND: &str = "buffer6_send";
    /// An expired DHCPv6 lease is being reclaimed.
    pub const LEASE6_EXPIRE: &str = "lease6_expire";
    /// A declined DHCPv6 lease leaves probation.
    pub const LEASE6_RECOVER: &str = "lease6_recover";
    /// After any control command.
    pub const COMMAND_PROCESSED: &str = "command_processed";
    /// Control agent: a command arrived, before the agent answers or forwards it.
    pub const CONTROL_COMMAND_RECEIVE: &str = "control_command_receive";
    /// Control agent: an HTTP request arrived, after basic authentication, before its command runs.
    pub const AUTH: &str = "auth";
    /// Start of the processing of one request.
    pub const CONTEXT_CREATE: &str = "context_create";
    /// End of the processing of one request.
    pub const CONTEXT_DESTROY: &str = "context_destroy";

    /// Every point a server may run, DHCPv4 and DHCPv6.
    pub const ALL: &[&str] = &[
        DHCP4_SRV_CONFIGURED,
        BUFFER4_RECEIVE,
        PKT4_RECEIVE,
        SUBNET4_SELECT,
        HOST4_IDENTIFIER,
        LEASE4_SELECT,
        LEASE4_RENEW,
        LEASE4_RELEASE,
        LEASE4_DECLINE,
        LEASES4_COMMITTED,
        LEASE4_OFFER,
        LEASE4_SERVER_DECLINE,
        PKT4_SEND,
        BUFFER4_SEND,
        LEASE4_EXPIRE,
        LEASE4_RECOVER,
        DDNS4_UPDATE,
        DHCP6_SRV_CONFIGURED,
        BUFFER6_RECEIVE,
        PKT6_RECEIVE,
        SUBNET6_SELECT,
        HOST6_IDENTIFIER,
        LEASE6_SELECT,
        LEASE6_RENEW,
        LEASE6_REBIND,
        LEASE6_RELEASE,
        LEASE6_DECLINE,
        DDNS6_UPDATE,
        LEASES6_COMMITTED,
        PKT6_SEND,
        BUFFER6_SEND,
        LEASE6_EXPIRE,
        LEASE6_RECOVER,
        COMMAND_PROCESSED,
        CONTEXT_CREATE,
        CONTEXT_DESTROY,
        CONTROL_COMMAND_RECEIVE,
        AUTH,
    ];
}

/// Argument names.
pub mod arg {
    /// The DHCPv4 query.
    pub const QUERY4: &str = "query4";
    /// The DHCPv4 response.
    pub const RESPONSE4: &str = "response4";
    /// The selected DHCPv4 subnet.
    pub const SUBNET4: &str = "subnet4";
    /// The DHCPv4 subnets the selection chose from.
    pub const SUBNET4_COLLECTION: &str = "subnet4collection";
    /// One DHCPv4 lease.
    pub const LEASE4: &str = "lease4";
    /// The DHCPv4 leases written.
    pub const LEASES4: &str = "leases4";
    /// The DHCPv4 leases a change replaced or removed.
    pub const DELETED_LEASES4: &str = "deleted_leases4";
    /// Whether the allocation is only an offer (DISCOVER).
    pub const FAKE_ALLOCATION: &str = "fake_allocation";
    /// The client identifier (option 61) of the query.
    pub const CLIENTID: &str = "clientid";
    /// The hardware address of the query.
    pub const HWADDR: &str = "hwaddr";
    /// Offer lifetime, seconds.
    pub const OFFER_LIFETIME: &str = "offer_lifetime";
    /// The lease the client held before this offer.
    pub const OLD_LEASE: &str = "old_lease";
    /// Set by a `lease4_offer` callout: the offered address is in use.
    pub const OFFER_ADDRESS_IN_USE: &str = "offer_address_in_use";
    /// Whether the reclaimed lease will be removed.
    pub const REMOVE_LEASE: &str = "remove_lease";
    /// The host identifier type (`host4_identifier`).
    pub const ID_TYPE: &str = "id_type";
    /// The host identifier value (`host4_identifier`).
    pub const ID_VALUE: &str = "id_value";
    /// The DHCPv6 query.
    pub const QUERY6: &str = "query6";
    /// The DHCPv6 response.
    pub const RESPONSE6: &str = "response6";
    /// The selected DHCPv6 subnet.
    pub const SUBNET6: &str = "subnet6";
    /// The DHCPv6 subnets the selection chose from.
    pub const SUBNET6_COLLECTION: &str = "subnet6collection";
    /// One DHCPv6 lease.
    pub const LEASE6: &str = "lease6";
    /// The DHCPv6 leases written.
    pub const LEASES6: &str = "leases6";
    /// The DHCPv6 leases a change replaced or removed.
    pub const DELETED_LEASES6: &str = "deleted_leases6";
    /// The parsed configuration (`dhcp*_srv_configured`), JSON.
    pub const JSON_CONFIG: &str = "json_config";
    /// The server configuration (`dhcp*_srv_configured`), JSON.
    pub const SERVER_CONFIG: &str = "server_config";
    /// Deprecated I/O service handle (`dhcp*_srv_configured`): always absent here.
    pub const IO_CONTEXT: &str = "io_context";
    /// Host name (`ddns*_update`).
    pub const HOSTNAME: &str = "hostname";
    /// Forward DNS update flag (`ddns*_update`).
    pub const FWD_UPDATE: &str = "fwd-update";
    /// Reverse DNS update flag (`ddns*_update`).
    pub const REV_UPDATE: &str = "rev-update";
    /// DDNS parameters of the subnet (`ddns*_update`).
    pub const DDNS_PARAMS: &str = "ddns-params";
    /// The answer's IA_NA of an address lease (`lease6_renew`, `lease6_rebind`).
    pub const IA_NA: &str = "ia_na";
    /// The answer's IA_PD of a prefix lease (`lease6_renew`, `lease6_rebind`).
    pub const IA_PD: &str = "ia_pd";
    /// The service state (`dhcp*_srv_configured`), JSON.
    pub const NETWORK_STATE: &str = "network_state";
    /// Set by a `dhcp*_srv_configured` callout that refuses the configuration.
    pub const ERROR: &str = "error";
    /// Command name (`command_processed`).
    pub const NAME: &str = "name";
    /// Command arguments (`command_processed`), JSON.
    pub const ARGUMENTS: &str = "arguments";
    /// The command map given to a command handler, JSON.
    pub const COMMAND: &str = "command";
    /// The response of a command, JSON; at `auth`, the HTTP refusal (`status`, `text`).
    pub const RESPONSE: &str = "response";
    /// The HTTP request at `auth` (`method`, `uri`, `headers`, `remote-address`, `user`, `body`), JSON.
    pub const REQUEST: &str = "request";
}
