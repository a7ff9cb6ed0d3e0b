//! DHCPv6 statistic names (Kea's) resolved once into counter handles.

use crate::stats::stat_set;

stat_set!(
    /// Server-wide DHCPv6 statistics (spec V6-180..V6-190).
    GlobalStats6 {
        received => "pkt6-received",
        parse_failed => "pkt6-parse-failed",
        receive_drop => "pkt6-receive-drop",
        solicit_received => "pkt6-solicit-received",
        advertise_received => "pkt6-advertise-received",
        request_received => "pkt6-request-received",
        reply_received => "pkt6-reply-received",
        renew_received => "pkt6-renew-received",
        rebind_received => "pkt6-rebind-received",
        release_received => "pkt6-release-received",
        decline_received => "pkt6-decline-received",
        infrequest_received => "pkt6-infrequest-received",
        confirm_received => "pkt6-confirm-received",
        reconfigure_received => "pkt6-reconfigure-received",
        dhcpv4_query_received => "pkt6-dhcpv4-query-received",
        dhcpv4_response_received => "pkt6-dhcpv4-response-received",
        unknown_received => "pkt6-unknown-received",
        sent => "pkt6-sent",
        advertise_sent => "pkt6-advertise-sent",
        reply_sent => "pkt6-reply-sent",
        dhcpv4_response_sent => "pkt6-dhcpv4-response-sent",
        alloc_fail => "v6-allocation-fail",
        alloc_fail_shared_network => "v6-allocation-fail-shared-network",
        alloc_fail_subnet => "v6-allocation-fail-subnet",
        alloc_fail_no_pools => "v6-allocation-fail-no-pools",
        alloc_fail_classes => "v6-allocation-fail-classes",
        na_reuses => "v6-ia-na-lease-reuses",
        pd_reuses => "v6-ia-pd-lease-reuses",
        cumulative_nas => "cumulative-assigned-nas",
        cumulative_pds => "cumulative-assigned-pds",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
    }
);

stat_set!(
    /// Per-subnet statistics, named `subnet[<id>].<name>`.
    SubnetStats6 {
        total_nas => "total-nas",
        assigned_nas => "assigned-nas",
        cumulative_nas => "cumulative-assigned-nas",
        total_pds => "total-pds",
        assigned_pds => "assigned-pds",
        cumulative_pds => "cumulative-assigned-pds",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
        alloc_fail => "v6-allocation-fail",
        alloc_fail_shared_network => "v6-allocation-fail-shared-network",
        alloc_fail_subnet => "v6-allocation-fail-subnet",
        alloc_fail_no_pools => "v6-allocation-fail-no-pools",
        alloc_fail_classes => "v6-allocation-fail-classes",
        na_reuses => "v6-ia-na-lease-reuses",
        pd_reuses => "v6-ia-pd-lease-reuses",
    }
);

stat_set!(
    /// Per address pool statistics, named `subnet[<id>].pool[<pool-id>].<name>`.
    PoolStats6 {
        total => "total-nas",
        assigned => "assigned-nas",
        cumulative => "cumulative-assigned-nas",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
    }
);

stat_set!(
    /// Per prefix pool statistics, named `subnet[<id>].pd-pool[<pool-id>].<name>`.
    PdPoolStats6 {
        total => "total-pds",
        assigned => "assigned-pds",
        cumulative => "cumulative-assigned-pds",
        reclaimed => "reclaimed-leases",
    }
);
