//! Lease times as Kea's schema stores them: `expire` (a timestamp) and `valid_lifetime`, from which
//! `cltt` is derived on reading.

use crate::SqlError;
use ruru_lease::LeaseState;

/// The state written for `state`. Kea 2.2's `lease_state` table (a foreign key of `state`) has no
/// Released: a released lease kept for lease affinity is stored expired-reclaimed, as Kea 2.2 keeps
/// one (it has left the statistics and DNS already; reclamation would only have changed its state).
pub(crate) fn stored_state(state: LeaseState) -> LeaseState {
    match state {
        LeaseState::Released => LeaseState::ExpiredReclaimed,
        s => s,
    }
}

/// The latest expiration the schema holds: 2^31 − 1 seconds since the epoch (the year-2038 limit
/// of MySQL's TIMESTAMP, applied to both backends as Kea does; ARM §4.3.5.1, CTL-096).
pub const MAX_DB_TIME: i64 = i32::MAX as i64;

/// The `expire` value stored for a lease last renewed at `cltt` for `valid_lifetime` seconds. An
/// infinite lifetime (`u32::MAX`) is stored as `expire = cltt`, so it cannot overflow; a finite
/// expiration past [`MAX_DB_TIME`] is refused as Kea refuses it.
pub(crate) fn expire_to_db(db: &str, cltt: u64, valid_lifetime: u32) -> Result<i64, SqlError> {
    let lifetime = if valid_lifetime == u32::MAX {
        0
    } else {
        valid_lifetime
    };
    let expire = i64::try_from(cltt)
        .unwrap_or(i64::MAX)
        .saturating_add(i64::from(lifetime));
    if expire > MAX_DB_TIME {
        return Err(SqlError::Query {
            name: db.to_owned(),
            reason: format!("Time value is too large: {expire}"),
        });
    }
    Ok(expire)
}

/// `cltt` of a stored lease: `expire − valid_lifetime`, or `expire` for an infinite lifetime.
pub(crate) fn cltt_from_db(expire: i64, valid_lifetime: u32) -> u64 {
    let lifetime = if valid_lifetime == u32::MAX {
        0
    } else {
        i64::from(valid_lifetime)
    };
    u64::try_from(expire.saturating_sub(lifetime)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // CTL-096: expirations up to 2^31 − 1 are stored, later ones refused; infinite leases never
    // overflow and read back unchanged.
    #[test]
    fn ctl096_year_2038_limit() {
        assert_eq!(expire_to_db("d", 1_000, 3_600).unwrap(), 4_600);
        assert_eq!(
            expire_to_db("d", (MAX_DB_TIME - 10) as u64, 10).unwrap(),
            MAX_DB_TIME
        );
        let e = expire_to_db("d", (MAX_DB_TIME - 10) as u64, 11).unwrap_err();
        assert!(
            e.to_string()
                .contains("Time value is too large: 2147483648"),
            "{e}"
        );
        assert_eq!(expire_to_db("d", 5_000, u32::MAX).unwrap(), 5_000);
        assert_eq!(cltt_from_db(5_000, u32::MAX), 5_000);
        assert_eq!(cltt_from_db(4_600, 3_600), 1_000);
    }
}
