//! Callout points as the server knows them: a dense index for the per-point callout tables.

use ruru_hook_api::names::point as n;

macro_rules! points {
    ($($v:ident = $name:path, park: $park:literal;)*) => {
        /// A callout point.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Point { $($v),* }

        impl Point {
            /// Every point, in table order.
            pub const ALL: &'static [Point] = &[$(Point::$v),*];

            /// The point's name, as Kea spells it.
            pub fn name(self) -> &'static str {
                match self { $(Point::$v => $name),* }
            }

            /// Whether PARK is honoured here (HK-061).
            pub fn can_park(self) -> bool {
                match self { $(Point::$v => $park),* }
            }
        }
    };
}

points! {
    Dhcp4SrvConfigured = n::DHCP4_SRV_CONFIGURED, park: false;
    Buffer4Receive = n::BUFFER4_RECEIVE, park: false;
    Pkt4Receive = n::PKT4_RECEIVE, park: false;
    Subnet4Select = n::SUBNET4_SELECT, park: true;
    Host4Identifier = n::HOST4_IDENTIFIER, park: false;
    Lease4Select = n::LEASE4_SELECT, park: false;
    Lease4Renew = n::LEASE4_RENEW, park: false;
    Lease4Release = n::LEASE4_RELEASE, park: false;
    Lease4Decline = n::LEASE4_DECLINE, park: false;
    Leases4Committed = n::LEASES4_COMMITTED, park: true;
    Lease4Offer = n::LEASE4_OFFER, park: true;
    Lease4ServerDecline = n::LEASE4_SERVER_DECLINE, park: false;
    Pkt4Send = n::PKT4_SEND, park: false;
    Buffer4Send = n::BUFFER4_SEND, park: false;
    Lease4Expire = n::LEASE4_EXPIRE, park: false;
    Lease4Recover = n::LEASE4_RECOVER, park: false;
    Ddns4Update = n::DDNS4_UPDATE, park: false;
    Dhcp6SrvConfigured = n::DHCP6_SRV_CONFIGURED, park: false;
    Buffer6Receive = n::BUFFER6_RECEIVE, park: false;
    Pkt6Receive = n::PKT6_RECEIVE, park: false;
    Subnet6Select = n::SUBNET6_SELECT, park: true;
    Host6Identifier = n::HOST6_IDENTIFIER, park: false;
    Lease6Select = n::LEASE6_SELECT, park: false;
    Lease6Renew = n::LEASE6_RENEW, park: false;
    Lease6Rebind = n::LEASE6_REBIND, park: false;
    Lease6Release = n::LEASE6_RELEASE, park: false;
    Lease6Decline = n::LEASE6_DECLINE, park: false;
    Ddns6Update = n::DDNS6_UPDATE, park: false;
    Leases6Committed = n::LEASES6_COMMITTED, park: true;
    Pkt6Send = n::PKT6_SEND, park: false;
    Buffer6Send = n::BUFFER6_SEND, park: false;
    Lease6Expire = n::LEASE6_EXPIRE, park: false;
    Lease6Recover = n::LEASE6_RECOVER, park: false;
    CommandProcessed = n::COMMAND_PROCESSED, park: false;
    ContextCreate = n::CONTEXT_CREATE, park: false;
    ContextDestroy = n::CONTEXT_DESTROY, park: false;
    ControlCommandReceive = n::CONTROL_COMMAND_RECEIVE, park: false;
    Auth = n::AUTH, park: false;
}

impl Point {
    /// The point of that name.
    pub fn from_name(name: &str) -> Option<Point> {
        Point::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// Position in [`Point::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HK-139: the server's points are exactly the ABI crate's names, spelled as Kea spells them.
    #[test]
    fn hk_139_point_names_match_the_abi_crate() {
        let ours: Vec<&str> = Point::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(ours, n::ALL);
        for (i, p) in Point::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
            assert_eq!(Point::from_name(p.name()), Some(*p));
        }
    }

    /// HK-061: exactly these points can park.
    #[test]
    fn hk_061_park_capable_points() {
        let parkable: Vec<&str> = Point::ALL
            .iter()
            .filter(|p| p.can_park())
            .map(|p| p.name())
            .collect();
        assert_eq!(
            parkable,
            [
                "subnet4_select",
                "leases4_committed",
                "lease4_offer",
                "subnet6_select",
                "leases6_committed"
            ]
        );
    }
}
