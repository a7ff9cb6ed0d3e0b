//! The statistics in Prometheus' text format, for operators who scrape `/metrics` rather than run Stork.
//!
//! Names are stable and derived from Kea's: `<daemon>_<statistic>` with `-` as `_`; the subnet and pool
//! scopes of `subnet[1].pool[0].assigned-addresses` become labels, so one metric family holds every
//! subnet: `ruru_dhcp4_assigned_addresses{subnet_id="1",pool_id="0"}`.

use std::collections::BTreeMap;
use std::fmt::Write;

/// Kea's statistics that only grow (until reset); everything else is a gauge.
fn is_counter(stat: &str) -> bool {
    stat.starts_with("pkt")
        || stat.starts_with("cumulative-")
        || stat.starts_with("reclaimed-")
        || stat.starts_with("v4-")
        || stat.starts_with("v6-")
}

/// Splits `subnet[1].pool[0].name` into its name and labels.
fn parse(name: &str) -> (&str, Vec<(&'static str, &str)>) {
    let mut labels = Vec::new();
    let mut rest = name;
    for (scope, label) in [
        ("subnet[", "subnet_id"),
        ("pool[", "pool_id"),
        ("pd-pool[", "pd_pool_id"),
    ] {
        if let Some(after) = rest.strip_prefix(scope) {
            if let Some((id, tail)) = after.split_once("].") {
                labels.push((label, id));
                rest = tail;
            }
        }
    }
    (rest, labels)
}

/// Renders `stats` (name, value) for `daemon` (`dhcp4`).
pub(crate) fn render(daemon: &str, stats: &[(String, i128)]) -> String {
    // Group by family so each gets one HELP/TYPE header, as the format requires.
    let mut families: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for (name, value) in stats {
        let (stat, labels) = parse(name);
        let family = format!("ruru_{daemon}_{}", stat.replace(['-', '.'], "_"));
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        let sample = if labels.is_empty() {
            format!("{family} {value}")
        } else {
            format!("{family}{{{}}} {value}", labels.join(","))
        };
        families
            .entry(family)
            .or_insert_with(|| (is_counter(stat), Vec::new()))
            .1
            .push(sample);
    }
    let mut out = String::new();
    for (family, (counter, samples)) in families {
        let kind = if counter { "counter" } else { "gauge" };
        let _ = writeln!(out, "# TYPE {family} {kind}");
        for s in samples {
            let _ = writeln!(out, "{s}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_become_labels_and_families_are_typed() {
        let stats = vec![
            ("pkt4-received".to_string(), 5),
            ("subnet[1].assigned-addresses".to_string(), 2),
            ("subnet[1].pool[0].assigned-addresses".to_string(), 1),
            ("subnet[2].total-addresses".to_string(), 256),
        ];
        let text = render("dhcp4", &stats);
        assert_eq!(
            text,
            "# TYPE ruru_dhcp4_assigned_addresses gauge\n\
             ruru_dhcp4_assigned_addresses{subnet_id=\"1\"} 2\n\
             ruru_dhcp4_assigned_addresses{subnet_id=\"1\",pool_id=\"0\"} 1\n\
             # TYPE ruru_dhcp4_pkt4_received counter\n\
             ruru_dhcp4_pkt4_received 5\n\
             # TYPE ruru_dhcp4_total_addresses gauge\n\
             ruru_dhcp4_total_addresses{subnet_id=\"2\"} 256\n"
        );
    }
}
