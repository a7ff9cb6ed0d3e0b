//! Per-request, per-plugin context (HK-017): a small name → bytes store that follows one packet.

/// The context of one request: entries keyed by plugin index and name.
#[derive(Debug, Default)]
pub struct RequestContext {
    entries: Vec<(u32, String, Vec<u8>)>,
}

impl RequestContext {
    /// An empty context (no allocation).
    pub const fn new() -> Self {
        RequestContext {
            entries: Vec::new(),
        }
    }

    pub(crate) fn get(&self, lib: u32, name: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(l, n, _)| *l == lib && n == name)
            .map(|(_, _, v)| v.as_slice())
    }

    pub(crate) fn set(&mut self, lib: u32, name: &str, value: &[u8]) {
        match self
            .entries
            .iter_mut()
            .find(|(l, n, _)| *l == lib && n == name)
        {
            Some(e) => value.clone_into(&mut e.2),
            None => self.entries.push((lib, name.to_owned(), value.to_vec())),
        }
    }

    pub(crate) fn delete(&mut self, lib: u32, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(l, n, _)| !(*l == lib && n == name));
        self.entries.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HK-017: plugins see only their own entries.
    #[test]
    fn hk_017_contexts_are_private_per_plugin() {
        let mut c = RequestContext::new();
        c.set(1, "k", b"1");
        assert_eq!(c.get(1, "k"), Some(&b"1"[..]));
        assert_eq!(c.get(2, "k"), None);
        c.set(1, "k", b"22");
        assert_eq!(c.get(1, "k"), Some(&b"22"[..]));
        assert!(c.delete(1, "k"));
        assert_eq!(c.get(1, "k"), None);
    }
}
