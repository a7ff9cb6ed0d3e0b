//! What both families' subnet selection shares: the order candidates are tried in.

/// Subnet indexes in ascending subnet-id order, given each subnet's id in configuration order.
///
/// Kea keeps its subnets ordered by id and selects the first that matches, so among overlapping
/// subnets (or several on one relay address or interface) the lowest id wins whatever the order they
/// are written in (V4-049, V6-058; checked on Kea 2.2 with ids written in reverse).
pub(crate) fn by_id(ids: impl Iterator<Item = u32>) -> Box<[usize]> {
    let mut order: Vec<(u32, usize)> = ids.enumerate().map(|(i, id)| (id, i)).collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}
