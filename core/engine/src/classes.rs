//! The classes a query belongs to (V4-124..V4-132, V6-152..V6-160): `ALL`, `VENDOR_CLASS_<vendor class>`
//! (option 60 in DHCPv4, the first data chunk of option 16 in DHCPv6), classes whose `test` holds
//! (evaluated in definition order: those independent of `KNOWN`/`UNKNOWN` before subnet selection, the
//! others after host lookup), a reservation's classes and `KNOWN`/`UNKNOWN`, template classes with their
//! spawned `SPAWN_<name>_<value>`, and classes required by the network, subnet and pools after
//! allocation. Both families use it. Names are borrowed from the configuration; only the vendor class
//! and spawned names are built, so a query matching no class allocates nothing here.

use ruru_eval::{Expression, Kind, Packet};
use std::borrow::Cow;

/// Class membership of one query, in assignment order.
#[derive(Debug, Default)]
pub(crate) struct Classes<'a> {
    vendor: Option<String>,
    /// `Some(true)` = KNOWN, `Some(false)` = UNKNOWN, `None` = host lookup not done yet.
    known: Option<bool>,
    /// Everything assigned after `ALL` and the vendor class, in order: built-in classes, evaluated
    /// classes (with the spawned ones), a reservation's classes, `KNOWN` or `UNKNOWN`, required
    /// classes.
    assigned: Vec<Cow<'a, str>>,
    /// How many of `assigned` are built-in classes (they come first and are never re-evaluated).
    builtins: usize,
}

/// What classification needs of a configured class; both families' class types provide it.
pub(crate) trait ClassDef {
    fn name(&self) -> &str;
    fn expression(&self) -> Option<&Expression>;
    fn only_if_required(&self) -> bool;
    fn depends_on_known(&self) -> bool;
}

macro_rules! class_def {
    ($($t:ty),*) => {$(
        impl ClassDef for $t {
            fn name(&self) -> &str {
                &self.name
            }
            fn expression(&self) -> Option<&Expression> {
                self.expression.as_ref()
            }
            fn only_if_required(&self) -> bool {
                self.only_if_required
            }
            fn depends_on_known(&self) -> bool {
                self.depends_on_known
            }
        }
    )*};
}
class_def!(ruru_config::ClientClass, ruru_config::ClientClass6);

/// A query that expressions can read once it is paired with the classes assigned so far (for `member`).
pub(crate) trait Viewable {
    type View<'q>: Packet
    where
        Self: 'q;
    fn view<'q>(&'q self, classes: &'q Classes<'q>) -> Self::View<'q>;
}

/// A query `P` and where it came from, `I` (`Ingress4`, `Ingress6`).
pub(crate) struct QueryView<'p, P, I> {
    pub(crate) pkt: &'p P,
    pub(crate) ing: &'p I,
}

/// [`QueryView`] with the classes assigned so far: what expressions read. Each family implements
/// [`Packet`] for its own, starting with [`view_ingress!`].
pub(crate) struct View<'q, P, I> {
    pub(crate) pkt: &'q P,
    pub(crate) ing: &'q I,
    pub(crate) classes: &'q Classes<'q>,
}

impl<P, I> Viewable for QueryView<'_, P, I>
where
    for<'q> View<'q, P, I>: Packet,
{
    type View<'q>
        = View<'q, P, I>
    where
        Self: 'q;
    fn view<'q>(&'q self, classes: &'q Classes<'q>) -> View<'q, P, I> {
        View {
            pkt: self.pkt,
            ing: self.ing,
            classes,
        }
    }
}

/// The [`Packet`] methods both families' [`View`]s answer alike: the ingress fields (`ifname`, `src`,
/// `dst`, named the same in `Ingress4` and `Ingress6`) and class membership.
macro_rules! view_ingress {
    () => {
        fn iface(&self) -> &str {
            self.ing.ifname.as_deref().unwrap_or("")
        }
        fn src(&self) -> std::net::IpAddr {
            (*self.ing.src.ip()).into()
        }
        fn dst(&self) -> std::net::IpAddr {
            self.ing.dst.into()
        }
        fn member(&self, class: &str) -> bool {
            self.classes.contains(class)
        }
    };
}
pub(crate) use view_ingress;

/// `bytes` as lower-case hex pairs joined by colons, as Kea's packet labels show identifiers.
pub(crate) fn colon_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(3 * bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
    }
    s
}

/// The two classification passes of V4-129/V6-157.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Before subnet selection: tests not depending on KNOWN/UNKNOWN.
    Early,
    /// After host lookup: tests depending on KNOWN/UNKNOWN.
    Late,
}

impl<'a> Classes<'a> {
    pub(crate) fn new(vendor_class_id: Option<&[u8]>) -> Self {
        Classes {
            vendor: vendor_class_id.map(|v| format!("VENDOR_CLASS_{}", String::from_utf8_lossy(v))),
            known: None,
            assigned: Vec::new(),
            builtins: 0,
        }
    }

    /// Records the result of host lookup (V4-094, V6-119), then evaluates the tests that depend on it.
    ///
    /// A reservation's classes that may steer the pool choice (`steering`: the reservation is global,
    /// or its subnet belongs to no shared network, so the subnet cannot change any more) are assigned
    /// first, and the tests evaluated before subnet selection are evaluated again after them, as Kea
    /// does: `not member('reserved_class')` must not hold for a client the reservation put in
    /// `reserved_class`. Other reservations' classes wait for [`Classes::add_reserved`], once the
    /// subnet is known. `KNOWN` or `UNKNOWN` follows.
    pub(crate) fn set_host<C: ClassDef, Q: Viewable>(
        &mut self,
        found: Option<&'a [String]>,
        steering: bool,
        defined: &'a [C],
        query: &Q,
    ) {
        if let Some(names) = found.filter(|n| steering && !n.is_empty()) {
            self.assigned.truncate(self.builtins);
            self.add_reserved(names);
            self.evaluate(defined, Phase::Early, query);
        }
        self.known = Some(found.is_some());
        self.assigned.push(Cow::Borrowed(if found.is_some() {
            "KNOWN"
        } else {
            "UNKNOWN"
        }));
        self.evaluate(defined, Phase::Late, query);
    }

    /// Assigns a reservation's classes not assigned yet.
    pub(crate) fn add_reserved(&mut self, names: &'a [String]) {
        for n in names {
            if !self.contains(n) {
                self.assigned.push(Cow::Borrowed(n.as_str()));
            }
        }
    }

    /// Adds a class the server itself assigns for a reason other than a test (e.g.
    /// `STASH_AGENT_OPTIONS`), before any configured class is evaluated.
    pub(crate) fn add_builtin(&mut self, name: &'static str) {
        debug_assert_eq!(
            self.assigned.len(),
            self.builtins,
            "built-in classes come first"
        );
        self.assigned.push(Cow::Borrowed(name));
        self.builtins += 1;
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        match name {
            "ALL" => true,
            "KNOWN" => self.known == Some(true),
            "UNKNOWN" => self.known == Some(false),
            _ => self.vendor.as_deref() == Some(name) || self.assigned.iter().any(|c| c == name),
        }
    }

    /// Evaluates, in definition order, the classes of `phase` (`only-if-required` ones wait for
    /// [`Classes::require`]); each sees the classes assigned before it.
    pub(crate) fn evaluate<C: ClassDef, Q: Viewable>(
        &mut self,
        defined: &'a [C],
        phase: Phase,
        query: &Q,
    ) {
        for c in defined {
            if !c.only_if_required() && c.depends_on_known() == (phase == Phase::Late) {
                self.test(c, query);
            }
        }
    }

    /// Evaluates the classes named by `require-client-classes` of the network, subnet and pools, in that
    /// order (V4-130, V6-158); undefined and test-less names are skipped.
    pub(crate) fn require<'n, C: ClassDef, Q: Viewable>(
        &mut self,
        defined: &'a [C],
        names: impl IntoIterator<Item = &'n String>,
        query: &Q,
    ) {
        for n in names {
            match defined.iter().find(|c| c.name() == n) {
                Some(c) if c.expression().is_some() => self.test(c, query),
                Some(_) => {
                    tracing::debug!(target: "eval", class = %n, "required class has no test")
                }
                None => {
                    tracing::debug!(target: "eval", class = %n, "required class is not defined")
                }
            }
        }
    }

    /// Runs one class's test (or template test) and records the result.
    fn test<C: ClassDef, Q: Viewable>(&mut self, c: &'a C, query: &Q) {
        let Some(e) = c.expression() else { return };
        if self.contains(c.name()) {
            return;
        }
        let outcome = {
            let view = query.view(self);
            match e.kind() {
                Kind::Bool => e.eval_bool(&view).map(|b| b.then(Vec::new)),
                Kind::String => e.eval_string(&view).map(|v| (!v.is_empty()).then_some(v)),
            }
        };
        match outcome {
            Ok(None) => {}
            Ok(Some(spawn)) => {
                if e.kind() == Kind::String {
                    // The spawned class comes first so its options beat the template's (V4-132).
                    let v = String::from_utf8_lossy(&spawn);
                    self.assigned
                        .push(Cow::Owned(format!("SPAWN_{}_{v}", c.name())));
                }
                self.assigned.push(Cow::Borrowed(c.name()));
            }
            // Kea logs the failure and leaves the class unassigned.
            Err(err) => {
                tracing::debug!(target: "eval", class = c.name(), %err, "class test failed")
            }
        }
    }

    /// The configured classes (`defined`, with their names) this query belongs to, in Kea's priority
    /// order (V4-131, V6-159).
    pub(crate) fn configured<'c, C>(
        &self,
        defined: &'c [C],
        name: impl Fn(&C) -> &str,
    ) -> Vec<&'c C> {
        if defined.is_empty() {
            return Vec::new();
        }
        std::iter::once("ALL")
            .chain(self.vendor.as_deref())
            .chain(self.assigned.iter().map(|c| c.as_ref()))
            .filter_map(|n| defined.iter().find(|c| name(c) == n))
            .collect()
    }
}

/// Classes known at selection time; a class-restricted subnet or pool serves only their members (V4-045,
/// V6-057).
pub(crate) fn class_allows(restriction: &Option<String>, classes: &Classes<'_>) -> bool {
    restriction.as_deref().is_none_or(|c| classes.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-125: option 60 puts the client in VENDOR_CLASS_<value>.
    #[test]
    fn vendor_class_from_option_60() {
        let c = Classes::new(Some(b"docsis3.0"));
        assert!(c.contains("VENDOR_CLASS_docsis3.0"));
        assert!(c.contains("ALL"));
        assert!(!c.contains("KNOWN") && !c.contains("UNKNOWN"));
    }
}
