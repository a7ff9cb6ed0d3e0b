//! The points between a built answer and its sending: `leases6_committed` (HK-130) and `pkt6_send`
//! (HK-131).

use super::snapshot::Snapshot6;
use super::{DropReason6, Outcome6};
use crate::callouts::{self, Step};
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, RequestContext, Slot};
use ruru_lease::Lease6;
use ruru_proto::v6::{code, MessageType, Packet6};
use std::sync::Mutex;

/// Whether the exchange changed leases: REQUEST, RENEW, REBIND, RELEASE, DECLINE, and SOLICIT
/// answered with rapid commit.
fn commits(query: &Packet6, answer: &Packet6) -> bool {
    match query.message.msg_type {
        MessageType::Request
        | MessageType::Renew
        | MessageType::Rebind
        | MessageType::Release
        | MessageType::Decline => true,
        MessageType::Solicit => answer.message.options.contains(code::RAPID_COMMIT),
        _ => false,
    }
}

/// Runs `leases6_committed` when the exchange changed leases, then `pkt6_send` on the answer.
pub(super) async fn after_processing(
    snap: &Snapshot6,
    pkt: &Packet6,
    mut out: Outcome6,
    deleted: &[Lease6],
    ctx: &Mutex<RequestContext>,
) -> Outcome6 {
    let hooks = &snap.hooks;
    let Outcome6::Reply {
        packet, committed, ..
    } = &mut out
    else {
        return out;
    };
    if hooks.has(Point::Leases6Committed) && commits(pkt, packet) {
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(pkt))
            .with(arg::LEASES6, Slot::Leases6(committed))
            .with(arg::DELETED_LEASES6, Slot::Leases6(deleted));
        match callouts::run(hooks, Point::Leases6Committed, &mut args, ctx).await {
            Step::Drop => {
                return Outcome6::Drop(DropReason6::Hook("DHCP6_HOOK_LEASES6_COMMITTED_DROP"))
            }
            Step::LotFull => {
                return Outcome6::Drop(DropReason6::ParkingLotFull(
                    "DHCP6_HOOK_LEASES6_COMMITTED_PARKING_LOT_FULL",
                ))
            }
            Step::Continue | Step::Skip => {}
        }
    }
    if hooks.has(Point::Pkt6Send) {
        let subnet = committed
            .first()
            .and_then(|l| snap.subnet_by_id(l.subnet_id))
            .map(|si| &snap.config.subnets[si]);
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(pkt))
            .with(arg::RESPONSE6, Slot::Pkt6Mut(packet))
            .with(arg::SUBNET6, Slot::Subnet6(subnet));
        if callouts::run(hooks, Point::Pkt6Send, &mut args, ctx).await == Step::Drop {
            return Outcome6::Drop(DropReason6::Hook("DHCP6_HOOK_PACKET_SEND_DROP"));
        }
    }
    out
}
