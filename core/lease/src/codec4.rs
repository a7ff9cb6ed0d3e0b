//! The DHCPv4 row of Kea's lease file (V4-084, CTL-085, CTL-087).

use std::net::Ipv4Addr;

use crate::csv::{Codec, Row};
use crate::fields::RowWriter;
use crate::{ClientId, HwAddr, Lease4};

/// Lease4 <-> Kea 2.7 v4 CSV row.
pub(crate) struct Codec4;

const ADDRESS: usize = 0;
const HWADDR: usize = 1;
const CLIENT_ID: usize = 2;
const VALID_LIFETIME: usize = 3;
const EXPIRE: usize = 4;
const SUBNET_ID: usize = 5;
const FQDN_FWD: usize = 6;
const FQDN_REV: usize = 7;
const HOSTNAME: usize = 8;
const STATE: usize = 9;
const USER_CONTEXT: usize = 10;
const POOL_ID: usize = 11;

impl Codec for Codec4 {
    type Lease = Lease4;
    type Key = Ipv4Addr;

    const HEADER: &'static str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,\
                                  fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";
    // Kea 1.x files end at `hostname`; `state` came in 2.0, `user_context` in 2.1, `pool_id` later.
    const REQUIRED: usize = STATE;
    const DEFAULTS: &'static [&'static str] = &["0", "", "0"];

    fn key(lease: &Lease4) -> Ipv4Addr {
        lease.address
    }

    fn is_deletion(lease: &Lease4) -> bool {
        lease.valid_lifetime == 0
    }

    fn encode(lease: &Lease4, deletion: bool, out: &mut Vec<u8>) {
        // A deletion is the lease with lifetime 0 (so `expire` = cltt), as Kea writes it.
        let valid = if deletion { 0 } else { lease.valid_lifetime };
        let mut row = RowWriter::new(out);
        row.ipv4(lease.address)
            .hex(lease.hwaddr.as_ref().map(HwAddr::as_bytes))
            .hex(lease.client_id.as_ref().map(ClientId::as_bytes))
            .uint(valid)
            .uint(lease.cltt.saturating_add(u64::from(valid)))
            .uint(lease.subnet_id)
            .flag(lease.fqdn_fwd)
            .flag(lease.fqdn_rev)
            .text(&lease.hostname)
            .uint(lease.state.as_u32())
            .context(lease.user_context.as_ref())
            .uint(lease.pool_id);
        row.end();
    }

    fn decode(row: &Row<'_>) -> Result<Lease4, String> {
        let valid_lifetime: u32 = row.number(VALID_LIFETIME, "valid_lifetime")?;
        Ok(Lease4 {
            address: row.number(ADDRESS, "address")?,
            hwaddr: row.optional(HWADDR)?,
            client_id: row.optional(CLIENT_ID)?,
            valid_lifetime,
            cltt: row.cltt(EXPIRE, valid_lifetime)?,
            subnet_id: row.number(SUBNET_ID, "subnet_id")?,
            fqdn_fwd: row.flag(FQDN_FWD, "fqdn_fwd")?,
            fqdn_rev: row.flag(FQDN_REV, "fqdn_rev")?,
            hostname: row.text(HOSTNAME)?.into_owned(),
            state: row.state(STATE)?,
            user_context: row.context(USER_CONTEXT)?,
            pool_id: row.number(POOL_ID, "pool_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::{decode_row, encode_row, header_line};
    use crate::LeaseState;

    fn encode(lease: &Lease4, deletion: bool) -> String {
        encode_row::<Codec4>(lease, deletion)
    }

    fn decode(header: &str, line: &str) -> Result<Lease4, String> {
        decode_row::<Codec4>(header, line)
    }

    const KEA22_HEADER: &str =
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context";

    fn sample() -> Lease4 {
        let ctx = serde_json::json!({"a,b": "c,d", "n": [1, 2], "s": "x&y \"q\" \\ é"});
        Lease4 {
            hwaddr: Some("1a:1b:1c:1d:1e:1f".parse().unwrap()),
            client_id: Some("01:1a:1b:1c:1d:1e:1f".parse().unwrap()),
            fqdn_fwd: true,
            hostname: "host,with,commas&#x2c and amp &".into(),
            user_context: ctx.as_object().cloned(),
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 11), 1, 3600, 1_899_996_400)
        }
    }

    // CTL-085: header byte-identical to Kea 2.7's.
    #[test]
    fn ctl_085_header() {
        assert_eq!(
            header_line::<Codec4>(),
            "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id"
        );
    }

    // CTL-087, V4-084: the row Kea 2.2 wrote for this lease (it lacks only `,0` for pool_id), except
    // that Kea escapes `é` from its Latin-1 reading of the command, we from UTF-8.
    #[test]
    fn ctl_087_row_matches_kea() {
        assert_eq!(
            encode(&sample(), false),
            "192.0.2.11,1a:1b:1c:1d:1e:1f,01:1a:1b:1c:1d:1e:1f,3600,1900000000,1,1,0,\
             host&#x2cwith&#x2ccommas&#x26#x2c and amp &#x26,0,\
             { \"a&#x2cb\": \"c&#x2cd\"&#x2c \"n\": [ 1&#x2c 2 ]&#x2c \"s\": \"x&#x26y \\\"q\\\" \\\\ \\u00c3\\u00a9\" },0\n"
        );
        let plain = Lease4 {
            state: LeaseState::Declined,
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 22), 1, 10, 1_795_425_112)
        };
        assert_eq!(
            encode(&plain, false),
            "192.0.2.22,,,10,1795425122,1,0,0,,1,,0\n"
        );
    }

    #[test]
    fn rows_round_trip() {
        let lease = Lease4 {
            pool_id: 7,
            state: LeaseState::Released,
            fqdn_rev: true,
            ..sample()
        };
        let line = encode(&lease, false);
        assert_eq!(decode(&header_line::<Codec4>(), line.trim_end()), Ok(lease));
    }

    // Deletion rows are the lease with valid lifetime 0 and expire = cltt, as Kea writes them.
    #[test]
    fn deletion_row() {
        let lease = Lease4 {
            hostname: "plain.example.com.".into(),
            state: LeaseState::ExpiredReclaimed,
            hwaddr: Some("00:01:02:03:04:06".parse().unwrap()),
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 13), 1, 100, 1_799_999_900)
        };
        let line = encode(&lease, true);
        assert_eq!(
            line,
            "192.0.2.13,00:01:02:03:04:06,,0,1799999900,1,0,0,plain.example.com.,2,,0\n"
        );
        assert!(Codec4::is_deletion(
            &decode(KEA22_HEADER, line.trim_end()).unwrap()
        ));
    }

    // V4-084: a Kea 2.2 row (no pool_id) loads with pool_id 0; a Kea 1.x row (ending at hostname)
    // loads in state default.
    #[test]
    fn v4_084_older_layouts_load() {
        let l = decode(
            KEA22_HEADER,
            "192.0.2.12,00:01:02:03:04:05,,200,1800000100,1,0,0,updated,0,",
        )
        .unwrap();
        assert_eq!(
            (l.cltt, l.pool_id, l.hostname.as_str()),
            (1_799_999_900, 0, "updated")
        );
        let old =
            "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname";
        let l = decode(old, "10.0.0.1,00:01:02:03:04:05,01:02,10,20,3,1,1,h").unwrap();
        assert_eq!(
            (l.state, l.user_context, l.fqdn_fwd),
            (LeaseState::Default, None, true)
        );
    }

    // Rows Kea also rejects, and the stricter checks of numbers this loader makes.
    #[test]
    fn invalid_rows_are_rejected() {
        let h = header_line::<Codec4>();
        for bad in [
            "192.0.2.34,00:01:02:03:04:34,,100,1900000000,1,0,0,toofew,0",
            "192.0.2.36,00:01:02:03:04:36,,100,1900000000,1,2,0,bool2,0,,0",
            "192.0.2.37,00:01:02:03:04:37,,100,1900000000,1,true,0,booltrue,0,,0",
            "192.0.2.38,00:01:02:03:04:38,,100,1900000000,1,0,0,ctxlist,0,[1],0",
            "192.0.2.40,00:01:02:03:04:40,,100,1900000000,1,0,0,ctxbad,0,{x,0",
            " 192.0.2.44,00:01:02:03:04:44,,100,1900000000,1,0,0,spaceaddr,0,,0",
            "300.0.2.47,00:01:02:03:04:47,,100,1900000000,1,0,0,badaddr,0,,0",
            "192.0.2.45,00:01:02:03:04:45,,-1,1900000000,1,0,0,negvalid,0,,0",
            "192.0.2.32,00:01:02:03:04:32,,100,1900000000,1,0,0,state7,7,,0",
            "192.0.2.33,00:01:02:03:04:33,,100,50,1,0,0,expire<valid,0,,0",
            "192.0.2.42,00:01:02:03:04:42,,100,1900000000,1,0,0,poolx,0,,x",
            "192.0.2.48,zz,,100,1900000000,1,0,0,,0,,0",
            "192.0.2.49,,0g,100,1900000000,1,0,0,,0,,0",
            "192.0.2.50,,,100,1900000000,1,0,0,&#xff,0,,0",
        ] {
            assert!(decode(&h, bad).is_err(), "{bad}");
        }
        let l = decode(
            &h,
            "192.0.2.43,00:01:02:03:04:43,,100,1900000000,1,0,0,  spaces  ,3,,0,extra",
        )
        .unwrap();
        assert_eq!(
            (l.hostname.as_str(), l.state),
            ("  spaces  ", LeaseState::Released)
        );
    }
}
