//! Preferred and valid lifetimes (V6-076..V6-078) and T1/T2 (V6-079) of DHCPv6 answers.

use ruru_config::{ClientClass6, Subnet6, Triplet};

/// The lifetimes granted for one lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetimes {
    pub(crate) preferred: u32,
    pub(crate) valid: u32,
}

/// Lifetimes for a lease in `subnet` for a client of `classes` that hinted `hint` (preferred, valid):
/// each triplet from the first class defining it, else the subnet's (already resolved through network
/// and global); non-zero hints are clamped into the triplet; a preferred lifetime that is unset, zero or
/// above the valid one becomes 5/8 of it.
pub(crate) fn lifetimes(
    subnet: &Subnet6,
    classes: &[&ClientClass6],
    hint: Option<(u32, u32)>,
) -> Lifetimes {
    let valid_t: Triplet = classes
        .iter()
        .find_map(|c| c.valid_lifetime)
        .unwrap_or(subnet.valid_lifetime);
    let pref_t: Option<Triplet> = classes
        .iter()
        .find_map(|c| c.preferred_lifetime)
        .or(subnet.preferred_lifetime);
    let nonzero = |v: u32| (v != 0).then_some(v);
    let (hint_pref, hint_valid) = hint.unwrap_or((0, 0));
    let valid = valid_t.clamp(nonzero(hint_valid));
    let preferred = pref_t.map_or(0, |t| t.clamp(nonzero(hint_pref)));
    let preferred = if preferred == 0 || preferred > valid {
        (u64::from(valid) * 5 / 8) as u32
    } else {
        preferred
    };
    Lifetimes { preferred, valid }
}

/// T1 and T2 for an IA whose shortest non-zero preferred lifetime is `p` (0 when none).
pub(crate) fn tee_times(subnet: &Subnet6, p: u32) -> (u32, u32) {
    let pct = |f: f64| (f * f64::from(p)).round() as u32;
    let calc = subnet.calculate_tee_times;
    let t2 = subnet
        .rebind_timer
        .unwrap_or(if calc { pct(subnet.t2_percent) } else { 0 });
    let t1 = subnet
        .renew_timer
        .unwrap_or(if calc { pct(subnet.t1_percent) } else { 0 });
    // T1 is only meaningful below T2.
    (if t1 < t2 { t1 } else { 0 }, t2)
}
