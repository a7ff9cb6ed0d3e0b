//! `sanity-checks.lease-checks` (V4-156): what to do with a loaded lease whose subnet id does not
//! match its address.

use ruru_config::{Dhcp4Config, LeaseChecks};
use ruru_lease::{Lease4, LeaseCheck};

/// The verdict for one loaded lease under the configured policy. Mismatches are logged under `warn`.
pub fn lease_check(cfg: &Dhcp4Config, lease: &Lease4) -> LeaseCheck {
    let policy = cfg.sanity_checks.lease_checks;
    if policy == LeaseChecks::None {
        return LeaseCheck::Keep;
    }
    let holds = |s: &ruru_config::Subnet4| s.contains(lease.address);
    if cfg
        .subnets
        .iter()
        .any(|s| s.id == lease.subnet_id && holds(s))
    {
        return LeaseCheck::Keep;
    }
    let fitting = cfg.subnets.iter().find(|s| holds(s)).map(|s| s.id);
    match (policy, fitting) {
        (LeaseChecks::Warn, _) => {
            tracing::warn!(target: "kea-dhcp4.dhcpsrv", id = "DHCPSRV_LEASE_SANITY_FAIL", address = %lease.address,
                subnet_id = lease.subnet_id, "lease's subnet id does not match its address");
            LeaseCheck::Keep
        }
        (LeaseChecks::Fix | LeaseChecks::FixDel, Some(id)) => LeaseCheck::SetSubnet(id),
        (LeaseChecks::Fix, None) => LeaseCheck::Keep,
        (LeaseChecks::FixDel | LeaseChecks::Del, _) => LeaseCheck::Delete,
        (LeaseChecks::None, _) => LeaseCheck::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v4::process::tests::config;
    use serde_json::json;
    use std::net::Ipv4Addr;

    // V4-156: subnet id 5 on an address of subnet 1 under each policy.
    #[test]
    fn each_policy() {
        let verdict = |policy: &str, addr: [u8; 4]| {
            let cfg = config(json!({
                "sanity-checks": {"lease-checks": policy},
                "subnet4": [{"id": 1, "subnet": "10.0.0.0/24"}, {"id": 5, "subnet": "10.5.0.0/24"}]
            }));
            lease_check(&cfg, &Lease4::new(Ipv4Addr::from(addr), 5, 3600, 0))
        };
        let wrong = [10, 0, 0, 7];
        let nowhere = [192, 0, 2, 7];
        assert_eq!(verdict("none", wrong), LeaseCheck::Keep);
        assert_eq!(verdict("warn", wrong), LeaseCheck::Keep);
        assert_eq!(verdict("fix", wrong), LeaseCheck::SetSubnet(1));
        assert_eq!(verdict("fix", nowhere), LeaseCheck::Keep);
        assert_eq!(verdict("fix-del", wrong), LeaseCheck::SetSubnet(1));
        assert_eq!(verdict("fix-del", nowhere), LeaseCheck::Delete);
        assert_eq!(verdict("del", wrong), LeaseCheck::Delete);
        assert_eq!(
            verdict("del", [10, 5, 0, 7]),
            LeaseCheck::Keep,
            "a consistent lease stays"
        );
    }
}
