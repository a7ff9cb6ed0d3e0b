//! The `lease6` statements of each backend, over Kea 2.2's table (CTL-094). Both dialects read and
//! bind the same values in the same order, so one binding and one row reader serve both: integers
//! are read as BIGINT, `expire` travels as Unix seconds converted by the database, the address is
//! the canonical text Kea stores. Inserts and updates bind the fields of
//! [`Encoded6`](crate::lease6_row::Encoded6) in order, the address last; updates then bind the
//! `expire` of the lease read, which the row must still hold (Kea's condition, LC-116), and deletes
//! bind it after the address and type.

/// One backend's statements and column encodings.
pub(crate) struct Sql6 {
    /// The backend's part of Kea's message ids (`DHCPSRV_PGSQL_ADD_ADDR6`).
    pub(crate) kea_name: &'static str,
    /// Inserts a lease (fields, then the address).
    pub(crate) insert: &'static str,
    /// Replaces the lease at an address (fields, then the address) still expiring when the lease
    /// read did (the `expire` stored for it).
    pub(crate) update: &'static str,
    /// The lease at an address (1) of a type (2).
    pub(crate) get: &'static str,
    /// Leases of a DUID (1), IAID (2) and type (3).
    pub(crate) by_duid_iaid: &'static str,
    /// As `by_duid_iaid`, in a subnet (4).
    pub(crate) by_duid_iaid_subnet: &'static str,
    /// Leases of a DUID (1).
    pub(crate) by_duid: &'static str,
    /// Leases whose hostname may equal (1) ignoring ASCII case: a superset, filtered on the rows.
    pub(crate) by_hostname: &'static str,
    /// Deletes the lease at an address (1) of a type (2) still expiring at (3), the lease read.
    pub(crate) delete: &'static str,
    /// Unreclaimed finite leases expired at (1), oldest first, at most (2).
    pub(crate) expired: &'static str,
    /// Deletes reclaimed finite leases expired at (1).
    pub(crate) flush_reclaimed: &'static str,
    /// At most (2) leases with an address after (1) in the column's order.
    pub(crate) page: &'static str,
    /// The number of leases.
    pub(crate) count: &'static str,
    /// The stored IAID.
    pub(crate) iaid: fn(u32) -> i64,
    /// `hwaddr`, `hwtype`, `hwaddr_source` of a lease without a hardware address.
    pub(crate) no_hwaddr: HwaddrColumns,
}

/// The values of `hwaddr`, `hwtype` and `hwaddr_source`.
pub(crate) type HwaddrColumns = (Option<Vec<u8>>, Option<i64>, Option<i64>);

/// PostgreSQL (schema 13.0): `iaid` is a signed `integer` holding the IAID's bits, as Kea writes
/// it; a lease without a hardware address has an empty `hwaddr` with `hwtype` and
/// `hwaddr_source` 0.
/// The [`Sql6`] of a dialect module, from the constants and `iaid` every dialect defines alike.
macro_rules! dialect_table {
    () => {
        Sql6 {
            kea_name: KEA_NAME,
            insert: INSERT,
            update: UPDATE,
            get: GET,
            by_duid_iaid: BY_DUID_IAID,
            by_duid_iaid_subnet: BY_DUID_IAID_SUBNET,
            by_duid: BY_DUID,
            by_hostname: BY_HOSTNAME,
            delete: DELETE,
            expired: EXPIRED,
            flush_reclaimed: FLUSH_RECLAIMED,
            page: PAGE,
            count: COUNT,
            iaid,
            no_hwaddr: NO_HWADDR,
        }
    };
}

pub(crate) mod pg {
    use super::{HwaddrColumns, Sql6};

    macro_rules! columns {
        () => {
            "address, duid, valid_lifetime, CAST(EXTRACT(EPOCH FROM expire) AS BIGINT), \
             subnet_id, pref_lifetime, CAST(lease_type AS BIGINT), CAST(iaid AS BIGINT), \
             CAST(prefix_len AS BIGINT), fqdn_fwd, fqdn_rev, hostname, hwaddr, \
             CAST(hwtype AS BIGINT), CAST(hwaddr_source AS BIGINT), state, user_context \
             FROM lease6"
        };
    }

    const INSERT: &str = "INSERT INTO lease6 (duid, valid_lifetime, expire, \
        subnet_id, pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, hostname, \
        hwaddr, hwtype, hwaddr_source, state, user_context, address) VALUES ($1, $2, \
        to_timestamp($3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
    const UPDATE: &str = "UPDATE lease6 SET duid = $1, valid_lifetime = $2, \
        expire = to_timestamp($3), subnet_id = $4, pref_lifetime = $5, lease_type = $6, \
        iaid = $7, prefix_len = $8, fqdn_fwd = $9, fqdn_rev = $10, hostname = $11, \
        hwaddr = $12, hwtype = $13, hwaddr_source = $14, state = $15, user_context = $16 \
        WHERE address = $17 AND expire = to_timestamp($18)";
    const GET: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE address = $1 AND lease_type = $2"
    );
    const BY_DUID_IAID: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE duid = $1 AND iaid = $2 AND lease_type = $3"
    );
    const BY_DUID_IAID_SUBNET: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE duid = $1 AND iaid = $2 AND lease_type = $3 AND subnet_id = $4"
    );
    const BY_DUID: &str = concat!("SELECT ", columns!(), " WHERE duid = $1");
    /// Uses the `lower(hostname)` index; the exact ASCII comparison is made on the rows.
    const BY_HOSTNAME: &str = concat!("SELECT ", columns!(), " WHERE lower(hostname) = lower($1)");
    const DELETE: &str =
        "DELETE FROM lease6 WHERE address = $1 AND lease_type = $2 AND expire = to_timestamp($3)";
    const EXPIRED: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE state <> 2 AND valid_lifetime <> 4294967295 AND expire <= to_timestamp($1) \
         ORDER BY expire, address LIMIT $2"
    );
    const FLUSH_RECLAIMED: &str = "DELETE FROM lease6 WHERE state = 2 \
        AND valid_lifetime <> 4294967295 AND expire <= to_timestamp($1)";
    const PAGE: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE address > $1 ORDER BY address LIMIT $2"
    );
    const COUNT: &str = "SELECT COUNT(*) FROM lease6";

    pub(crate) static SQL: Sql6 = dialect_table!();

    const KEA_NAME: &str = "PGSQL";

    /// Kea writes an empty address of type 0 from source 0.
    const NO_HWADDR: HwaddrColumns = (Some(Vec::new()), Some(0), Some(0));

    /// The stored form of an IAID: its bits as a signed 32-bit integer.
    fn iaid(iaid: u32) -> i64 {
        i64::from(iaid as i32)
    }
}

/// MySQL and MariaDB (schema 14.0): unsigned columns, `expire` a TIMESTAMP read in the UTC
/// session time zone the pool sets; a lease without a hardware address has NULL in `hwaddr`,
/// `hwtype` and `hwaddr_source` (the last is a foreign key, which 0 would satisfy too, but Kea
/// writes NULL).
pub(crate) mod my {
    use super::{HwaddrColumns, Sql6};

    macro_rules! columns {
        () => {
            "address, duid, CAST(valid_lifetime AS SIGNED), \
             CAST(UNIX_TIMESTAMP(expire) AS SIGNED), CAST(subnet_id AS SIGNED), \
             CAST(pref_lifetime AS SIGNED), CAST(lease_type AS SIGNED), CAST(iaid AS SIGNED), \
             CAST(prefix_len AS SIGNED), fqdn_fwd, fqdn_rev, hostname, hwaddr, \
             CAST(hwtype AS SIGNED), CAST(hwaddr_source AS SIGNED), CAST(state AS SIGNED), \
             user_context FROM lease6"
        };
    }

    const INSERT: &str = "INSERT INTO lease6 (duid, valid_lifetime, expire, \
        subnet_id, pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, hostname, \
        hwaddr, hwtype, hwaddr_source, state, user_context, address) VALUES (?, ?, \
        FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    const UPDATE: &str = "UPDATE lease6 SET duid = ?, valid_lifetime = ?, \
        expire = FROM_UNIXTIME(?), subnet_id = ?, pref_lifetime = ?, lease_type = ?, \
        iaid = ?, prefix_len = ?, fqdn_fwd = ?, fqdn_rev = ?, hostname = ?, hwaddr = ?, \
        hwtype = ?, hwaddr_source = ?, state = ?, user_context = ? \
        WHERE address = ? AND expire = FROM_UNIXTIME(?)";
    const GET: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE address = ? AND lease_type = ?"
    );
    const BY_DUID_IAID: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE duid = ? AND iaid = ? AND lease_type = ?"
    );
    const BY_DUID_IAID_SUBNET: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE duid = ? AND iaid = ? AND lease_type = ? AND subnet_id = ?"
    );
    const BY_DUID: &str = concat!("SELECT ", columns!(), " WHERE duid = ?");
    /// `hostname` has a case-insensitive collation (and its index); the exact ASCII comparison
    /// is made on the rows.
    const BY_HOSTNAME: &str = concat!("SELECT ", columns!(), " WHERE hostname = ?");
    const DELETE: &str =
        "DELETE FROM lease6 WHERE address = ? AND lease_type = ? AND expire = FROM_UNIXTIME(?)";
    const EXPIRED: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE state <> 2 AND valid_lifetime <> 4294967295 AND expire <= FROM_UNIXTIME(?) \
         ORDER BY expire, address LIMIT ?"
    );
    const FLUSH_RECLAIMED: &str = "DELETE FROM lease6 WHERE state = 2 \
        AND valid_lifetime <> 4294967295 AND expire <= FROM_UNIXTIME(?)";
    const PAGE: &str = concat!(
        "SELECT ",
        columns!(),
        " WHERE address > ? ORDER BY address LIMIT ?"
    );
    const COUNT: &str = "SELECT COUNT(*) FROM lease6";

    pub(crate) static SQL: Sql6 = dialect_table!();

    const KEA_NAME: &str = "MYSQL";

    /// Kea writes NULL in all three.
    const NO_HWADDR: HwaddrColumns = (None, None, None);

    /// The stored form of an IAID: unsigned.
    fn iaid(iaid: u32) -> i64 {
        i64::from(iaid)
    }
}
