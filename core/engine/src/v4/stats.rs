//! DHCPv4 statistic names (Kea's) resolved once into counter handles.

use crate::stats::stat_set;

stat_set!(
    /// Server-wide DHCPv4 statistics (spec V4-160..V4-171).
    GlobalStats4 {
        received => "pkt4-received",
        parse_failed => "pkt4-parse-failed",
        receive_drop => "pkt4-receive-drop",
        discover_received => "pkt4-discover-received",
        offer_received => "pkt4-offer-received",
        request_received => "pkt4-request-received",
        ack_received => "pkt4-ack-received",
        nak_received => "pkt4-nak-received",
        release_received => "pkt4-release-received",
        decline_received => "pkt4-decline-received",
        inform_received => "pkt4-inform-received",
        unknown_received => "pkt4-unknown-received",
        sent => "pkt4-sent",
        offer_sent => "pkt4-offer-sent",
        ack_sent => "pkt4-ack-sent",
        nak_sent => "pkt4-nak-sent",
        alloc_fail => "v4-allocation-fail",
        alloc_fail_shared_network => "v4-allocation-fail-shared-network",
        alloc_fail_subnet => "v4-allocation-fail-subnet",
        alloc_fail_no_pools => "v4-allocation-fail-no-pools",
        alloc_fail_classes => "v4-allocation-fail-classes",
        reservation_conflicts => "v4-reservation-conflicts",
        lease_reuses => "v4-lease-reuses",
        cumulative_assigned => "cumulative-assigned-addresses",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
    }
);

stat_set!(
    /// Per-subnet statistics, named `subnet[<id>].<name>`.
    SubnetStats4 {
        total => "total-addresses",
        assigned => "assigned-addresses",
        cumulative_assigned => "cumulative-assigned-addresses",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
        alloc_fail => "v4-allocation-fail",
        alloc_fail_shared_network => "v4-allocation-fail-shared-network",
        alloc_fail_subnet => "v4-allocation-fail-subnet",
        alloc_fail_no_pools => "v4-allocation-fail-no-pools",
        alloc_fail_classes => "v4-allocation-fail-classes",
        reservation_conflicts => "v4-reservation-conflicts",
        lease_reuses => "v4-lease-reuses",
    }
);

stat_set!(
    /// Per-pool statistics, named `subnet[<id>].pool[<pool-id>].<name>`; pools sharing a pool id share them (V4-053).
    PoolStats4 {
        total => "total-addresses",
        assigned => "assigned-addresses",
        cumulative_assigned => "cumulative-assigned-addresses",
        declined => "declined-addresses",
        reclaimed_declined => "reclaimed-declined-addresses",
        reclaimed => "reclaimed-leases",
    }
);
