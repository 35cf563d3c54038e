//! The literal children of a routing-tree node: Go's `mapping` (`net/http/mapping.go`).
//!
//! Most nodes have a handful of literal children (the methods under a host, the few segments
//! that follow `repos`), where comparing a few short keys beats hashing the segment. So, like
//! Go, the children stay in a small vector until there are more than [`MAX_SMALL`], and move to
//! a hash map after that (the level under `/` in a table of thousands of top-level paths).

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

/// Above this many children a node switches to a hash map (Go's `maxSlice` is 8 too).
const MAX_SMALL: usize = 8;

/// Literal children keyed by host, method or unescaped segment.
#[derive(Debug)]
pub enum Children<N> {
    /// Few children: a linear scan.
    Small(Vec<(Box<str>, N)>),
    /// Many children: one hash probe.
    Map(HashMap<Box<str>, N, FxBuildHasher>),
}

impl<N> Default for Children<N> {
    fn default() -> Self {
        Children::Small(Vec::new())
    }
}

impl<N: Default> Children<N> {
    /// The child for `key`.
    pub fn get(&self, key: &str) -> Option<&N> {
        match self {
            Children::Small(v) => v.iter().find(|(k, _)| **k == *key).map(|(_, n)| n),
            Children::Map(m) => m.get(key),
        }
    }

    /// The child for `key`, created if missing.
    pub fn get_or_insert(&mut self, key: &str) -> &mut N {
        if let Children::Small(v) = self {
            if v.len() >= MAX_SMALL && !v.iter().any(|(k, _)| **k == *key) {
                let map: HashMap<Box<str>, N, FxBuildHasher> =
                    std::mem::take(v).into_iter().collect();
                *self = Children::Map(map);
            }
        }
        match self {
            Children::Small(v) => {
                let i = match v.iter().position(|(k, _)| **k == *key) {
                    Some(i) => i,
                    None => {
                        v.push((key.into(), N::default()));
                        v.len() - 1
                    }
                };
                &mut v[i].1
            }
            Children::Map(m) => m.entry(key.into()).or_default(),
        }
    }

    /// Every `(key, child)`, in no particular order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &N)> + '_> {
        match self {
            Children::Small(v) => Box::new(v.iter().map(|(k, n)| (&**k, n))),
            Children::Map(m) => Box::new(m.iter().map(|(k, n)| (&**k, n))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_then_map_keeps_every_child() {
        let mut c: Children<u32> = Children::default();
        for i in 0..20u32 {
            *c.get_or_insert(&format!("k{i}")) = i;
            assert_eq!(matches!(c, Children::Map(_)), i >= 8, "after {i}");
        }
        for i in 0..20u32 {
            assert_eq!(c.get(&format!("k{i}")), Some(&i));
        }
        assert_eq!(c.get("nope"), None);
        assert_eq!(c.iter().count(), 20);
    }
}
