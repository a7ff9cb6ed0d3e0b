//! The DHCPv6 row of Kea's lease file (V6-102, V6-103, CTL-086, CTL-087).

use std::net::Ipv6Addr;

use crate::csv::{Codec, Row};
use crate::fields::RowWriter;
use crate::{Duid, HwAddr, Lease6, LeaseState, LeaseType, HTYPE_ETHER};

/// Lease6 <-> Kea 2.7 v6 CSV row.
pub(crate) struct Codec6;

const ADDRESS: usize = 0;
const DUID: usize = 1;
const VALID_LIFETIME: usize = 2;
const EXPIRE: usize = 3;
const SUBNET_ID: usize = 4;
const PREF_LIFETIME: usize = 5;
const LEASE_TYPE: usize = 6;
const IAID: usize = 7;
const PREFIX_LEN: usize = 8;
const FQDN_FWD: usize = 9;
const FQDN_REV: usize = 10;
const HOSTNAME: usize = 11;
const HWADDR: usize = 12;
const STATE: usize = 13;
const USER_CONTEXT: usize = 14;
const HWTYPE: usize = 15;
const HWADDR_SOURCE: usize = 16;
const POOL_ID: usize = 17;

impl Codec for Codec6 {
    type Lease = Lease6;
    type Key = Ipv6Addr;

    const HEADER: &'static str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,\
                                  lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,\
                                  state,user_context,hwtype,hwaddr_source,pool_id";
    // Kea 1.x files end at `hostname` (schema 1.0); `hwaddr` came with 2.0, `state` 3.0,
    // `user_context` 3.1, `hwtype` and `hwaddr_source` 4.0 (Kea 2.2 writes up to these),
    // `pool_id` 5.0.
    const REQUIRED: usize = HWADDR;
    const DEFAULTS: &'static [&'static str] = &["", "0", "", "", "", "0"];

    fn key(lease: &Lease6) -> Ipv6Addr {
        lease.address
    }

    fn is_deletion(lease: &Lease6) -> bool {
        lease.valid_lifetime == 0
    }

    fn encode(lease: &Lease6, deletion: bool, out: &mut Vec<u8>) {
        // A deletion is the lease with both lifetimes 0 (so `expire` = cltt), as Kea writes it.
        let (valid, preferred) = if deletion {
            (0, 0)
        } else {
            (lease.valid_lifetime, lease.preferred_lifetime)
        };
        let hw = lease.hwaddr.as_ref();
        let mut row = RowWriter::new(out);
        // Rust writes RFC 5952's form, as Kea's inet_ntop does for every address a server leases
        // (they differ only on deprecated IPv4-compatible addresses).
        row.display(lease.address)
            .hex(Some(lease.duid.as_bytes()))
            .uint(valid)
            .uint(lease.cltt.saturating_add(u64::from(valid)))
            .uint(lease.subnet_id)
            .uint(preferred)
            .uint(lease.lease_type.as_u32())
            .uint(lease.iaid)
            .uint(lease.prefix_len)
            .flag(lease.fqdn_fwd)
            .flag(lease.fqdn_rev)
            .text(&lease.hostname)
            .hex(hw.map(HwAddr::as_bytes))
            .uint(lease.state.as_u32())
            .context(lease.user_context.as_ref())
            .opt_uint(hw.map(HwAddr::htype))
            .opt_uint(hw.map(|_| lease.hwaddr_source))
            .uint(lease.pool_id);
        row.end();
    }

    fn decode(row: &Row<'_>) -> Result<Lease6, String> {
        let duid: Duid = row
            .optional(DUID)?
            .ok_or_else(|| "the DUID is empty".to_owned())?;
        let state = row.state(STATE)?;
        if duid == Duid::EMPTY && state != LeaseState::Declined {
            return Err("the empty DUID is valid only on declined leases".into());
        }
        let lease_type: u32 = row.number(LEASE_TYPE, "lease_type")?;
        let lease_type = LeaseType::from_u32(lease_type)
            .ok_or_else(|| format!("invalid lease_type {lease_type}"))?;
        let prefix_len: u8 = row.number(PREFIX_LEN, "prefix_len")?;
        if prefix_len > 128 {
            return Err(format!("invalid prefix_len {prefix_len}"));
        }
        let valid_lifetime: u32 = row.number(VALID_LIFETIME, "valid_lifetime")?;
        let (hwaddr, hwaddr_source) = read_hwaddr(row);
        Ok(Lease6 {
            address: row.number(ADDRESS, "address")?,
            prefix_len,
            lease_type,
            duid,
            iaid: row.number(IAID, "iaid")?,
            preferred_lifetime: row.number(PREF_LIFETIME, "pref_lifetime")?,
            valid_lifetime,
            cltt: row.cltt(EXPIRE, valid_lifetime)?,
            subnet_id: row.number(SUBNET_ID, "subnet_id")?,
            pool_id: row.number(POOL_ID, "pool_id")?,
            fqdn_fwd: row.flag(FQDN_FWD, "fqdn_fwd")?,
            fqdn_rev: row.flag(FQDN_REV, "fqdn_rev")?,
            hostname: row.text(HOSTNAME)?.into_owned(),
            hwaddr,
            hwaddr_source,
            state,
            user_context: row.context(USER_CONTEXT)?,
        })
    }
}

/// The hardware address with its type (Ethernet when the column is empty or missing, as in files
/// older than Kea 2.2) and source. Kea loads a row whose hardware columns it cannot read without a
/// hardware address, logging a warning; so does this.
fn read_hwaddr(row: &Row<'_>) -> (Option<HwAddr>, u32) {
    let read = || -> Result<Option<(HwAddr, u32)>, String> {
        let Some(hw) = row.optional::<HwAddr>(HWADDR)? else {
            return Ok(None);
        };
        if hw.is_empty() {
            return Ok(None);
        }
        let htype = row.optional::<u8>(HWTYPE)?.unwrap_or(HTYPE_ETHER);
        let source = row.optional::<u32>(HWADDR_SOURCE)?.unwrap_or(0);
        Ok(Some((HwAddr::new(htype, hw.as_bytes()), source)))
    };
    match read() {
        Ok(found) => found.map_or((None, 0), |(hw, source)| (Some(hw), source)),
        Err(reason) => {
            tracing::warn!(%reason, "lease file row: hardware address ignored");
            (None, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::{decode_row, encode_row, header_line};

    fn encode(lease: &Lease6, deletion: bool) -> String {
        encode_row::<Codec6>(lease, deletion)
    }

    fn decode(header: &str, line: &str) -> Result<Lease6, String> {
        decode_row::<Codec6>(header, line)
    }

    /// What Kea 2.2 writes: the 2.7 header without `pool_id`.
    const KEA22_HEADER: &str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source";

    fn duid() -> Duid {
        "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55".parse().unwrap()
    }

    fn address_lease() -> Lease6 {
        let ctx = serde_json::json!({"a,b": "c,d", "n": [1, 2], "s": "x&y \"q\" \\ é"});
        Lease6 {
            hostname: "host,with,commas&#x2c and amp &".into(),
            fqdn_fwd: true,
            hwaddr: Some(HwAddr::new(1, &[0x00, 0x11, 0x22, 0x33, 0x44, 0x55])),
            hwaddr_source: 2,
            preferred_lifetime: 1800,
            user_context: ctx.as_object().cloned(),
            pool_id: 3,
            ..Lease6::new(
                "2001:db8:1::a".parse().unwrap(),
                duid(),
                7,
                1,
                3600,
                1_899_996_400,
            )
        }
    }

    fn prefix_lease() -> Lease6 {
        Lease6 {
            lease_type: LeaseType::Pd,
            prefix_len: 56,
            preferred_lifetime: 2000,
            ..Lease6::new(
                "2001:db8:ab00::".parse().unwrap(),
                duid(),
                0xffff_ffff,
                2,
                4000,
                1_800_000_000,
            )
        }
    }

    // CTL-086, V6-102: header byte-identical to Kea 2.7's.
    #[test]
    fn ctl_086_header() {
        assert_eq!(
            header_line::<Codec6>(),
            "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id"
        );
    }

    // V6-103, CTL-087: golden rows for an address, a prefix and a declined lease, as Kea 2.7's
    // CSVLeaseFile6::append lays them out: canonical lower-case address, colon-hex DUID, `expire`
    // = cltt + valid, type 0/2, prefix length 128 for addresses, hardware columns only with a
    // hardware address, escaped hostname and user context.
    #[test]
    fn v6_103_golden_rows() {
        assert_eq!(
            encode(&address_lease(), false),
            "2001:db8:1::a,00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55,3600,1900000000,1,1800,0,7,128,1,0,\
             host&#x2cwith&#x2ccommas&#x26#x2c and amp &#x26,00:11:22:33:44:55,0,\
             { \"a&#x2cb\": \"c&#x2cd\"&#x2c \"n\": [ 1&#x2c 2 ]&#x2c \"s\": \"x&#x26y \\\"q\\\" \\\\ \\u00c3\\u00a9\" },1,2,3\n"
        );
        assert_eq!(
            encode(&prefix_lease(), false),
            "2001:db8:ab00::,00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55,4000,1800004000,2,2000,2,4294967295,56,0,0,,,0,,,,0\n"
        );
        // V6-041: what a DECLINE leaves: state 1, the empty DUID, no hardware address or name,
        // preferred 0, valid = probation.
        let declined = Lease6 {
            state: LeaseState::Declined,
            preferred_lifetime: 0,
            ..Lease6::new(
                "2001:db8:1::1f".parse().unwrap(),
                Duid::EMPTY,
                7,
                1,
                86400,
                1_800_000_000,
            )
        };
        assert_eq!(
            encode(&declined, false),
            "2001:db8:1::1f,00:00:00,86400,1800086400,1,0,0,7,128,0,0,,,1,,,,0\n"
        );
    }

    #[test]
    fn rows_round_trip() {
        for lease in [
            address_lease(),
            prefix_lease(),
            Lease6 {
                lease_type: LeaseType::Ta,
                state: LeaseState::Released,
                fqdn_rev: true,
                hwaddr: Some(HwAddr::new(6, &[1, 2, 3, 4, 5, 6, 7, 8])),
                hwaddr_source: 128,
                ..address_lease()
            },
        ] {
            let line = encode(&lease, false);
            assert_eq!(decode(&header_line::<Codec6>(), line.trim_end()), Ok(lease));
        }
    }

    // A deletion row is the lease with both lifetimes 0 and expire = cltt, as Kea 2.2 wrote one
    // for `lease6-del` (tests/fixtures/kea-2.2-written6.csv).
    #[test]
    fn deletion_row() {
        let line = encode(&prefix_lease(), true);
        assert_eq!(
            line,
            "2001:db8:ab00::,00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55,0,1800000000,2,0,2,4294967295,56,0,0,,,0,,,,0\n"
        );
        assert!(Codec6::is_deletion(
            &decode(&header_line::<Codec6>(), line.trim_end()).unwrap()
        ));
    }

    // CTL-088: a Kea 2.2 row (no pool_id) loads with pool 0; a row of a file ending at `hwaddr`
    // (schema 2.0) loads in state Default with an Ethernet hardware address of unknown source; one
    // ending at `hostname` (1.x) without a hardware address.
    #[test]
    fn ctl_088_older_layouts_load() {
        let l = decode(
            KEA22_HEADER,
            "2001:db8:1::5,01:02:03,100,1800000100,1,50,0,9,128,0,1,h,0a:0b:0c:0d:0e:0f,3,,6,4",
        )
        .unwrap();
        assert_eq!(
            (l.cltt, l.pool_id, l.state, l.hwaddr_source, l.fqdn_rev),
            (1_800_000_000, 0, LeaseState::Released, 4, true)
        );
        assert_eq!(l.hwaddr.map(|h| h.htype()), Some(6));
        let v2 = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr";
        let l = decode(
            v2,
            "2001:db8::1,01:02:03,10,20,3,5,2,1,64,0,0,,00:01:02:03:04:05",
        )
        .unwrap();
        assert_eq!(
            (l.state, l.lease_type, l.prefix_len, l.hwaddr_source),
            (LeaseState::Default, LeaseType::Pd, 64, 0)
        );
        assert_eq!(
            l.hwaddr,
            Some(HwAddr::new(HTYPE_ETHER, &[0, 1, 2, 3, 4, 5]))
        );
        let v1 = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname";
        let l = decode(v1, "2001:db8::2,01:02:03,10,20,3,5,0,1,128,1,1,x").unwrap();
        assert_eq!((l.hwaddr, l.user_context, l.fqdn_fwd), (None, None, true));
    }

    /// Decodes each of `rows`, written in the current layout.
    fn decode_all<'a>(
        rows: &'a [&'a str],
    ) -> impl Iterator<Item = (&'a str, Result<Lease6, String>)> {
        let h = header_line::<Codec6>();
        rows.iter().map(move |row| (*row, decode(&h, row)))
    }

    // As Kea, an unreadable hardware address (or type, or source) loses the hardware address,
    // not the lease.
    #[test]
    fn unreadable_hardware_columns_drop_only_the_hwaddr() {
        let rows = [
            "2001:db8::3,01:02:03,10,20,3,5,0,1,128,0,0,,zz:01,0,,1,0,0",
            "2001:db8::3,01:02:03,10,20,3,5,0,1,128,0,0,,00:01,0,,256,0,0",
            "2001:db8::3,01:02:03,10,20,3,5,0,1,128,0,0,,00:01,0,,1,x,0",
        ];
        for (row, lease) in decode_all(&rows) {
            let l = lease.unwrap();
            assert_eq!((l.hwaddr, l.hwaddr_source, l.iaid), (None, 0, 1), "{row}");
        }
    }

    // Rows Kea also rejects, and the stricter checks this loader makes.
    #[test]
    fn invalid_rows_are_rejected() {
        let rows = [
            // The empty DUID on a lease that is not declined; no DUID at all.
            "2001:db8::1,00:00:00,10,20,3,5,0,1,128,0,0,,,0,,,,0",
            "2001:db8::1,,10,20,3,5,0,1,128,0,0,,,1,,,,0",
            "2001:db8::1,0g,10,20,3,5,0,1,128,0,0,,,0,,,,0",
            // An IPv4 address, a bad address, expire before the valid lifetime.
            "192.0.2.1,01:02:03,10,20,3,5,0,1,128,0,0,,,0,,,,0",
            "2001:db8::g,01:02:03,10,20,3,5,0,1,128,0,0,,,0,,,,0",
            "2001:db8::1,01:02:03,100,20,3,5,0,1,128,0,0,,,0,,,,0",
            // Lease type 3 (Kea's v4), prefix length 129, IAID out of range, state 4.
            "2001:db8::1,01:02:03,10,20,3,5,3,1,128,0,0,,,0,,,,0",
            "2001:db8::1,01:02:03,10,20,3,5,2,1,129,0,0,,,0,,,,0",
            "2001:db8::1,01:02:03,10,20,3,5,0,4294967296,128,0,0,,,0,,,,0",
            "2001:db8::1,01:02:03,10,20,3,5,0,1,128,0,0,,,4,,,,0",
            // Flags other than 0/1, a user context that is not a map, a short row.
            "2001:db8::1,01:02:03,10,20,3,5,0,1,128,2,0,,,0,,,,0",
            "2001:db8::1,01:02:03,10,20,3,5,0,1,128,0,0,,,0,[1],,,0",
            "2001:db8::1,01:02:03,10,20,3,5,0,1,128,0,0,,,0,,,",
        ];
        for (row, lease) in decode_all(&rows) {
            assert!(lease.is_err(), "{row}");
        }
        let h = header_line::<Codec6>();
        let declined = decode(&h, "2001:db8::1,00:00:00,10,20,3,5,0,1,128,0,0,,,1,,,,0").unwrap();
        assert_eq!(
            (declined.duid, declined.state),
            (Duid::EMPTY, LeaseState::Declined)
        );
    }
}
