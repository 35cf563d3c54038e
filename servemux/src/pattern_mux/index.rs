//! The index that keeps registration from comparing a new pattern with every old one: Go's
//! `routingIndex` (`net/http/routing_index.go`).
//!
//! Two patterns without a multi wildcard can only conflict if they have the same number of
//! segments and, at every position, the same literal or a wildcard on one side. So the index
//! files each such pattern under `(position, literal)` — `(position, "")` for a wildcard — and a
//! new pattern with a literal at position `i` need only be compared with the patterns filed under
//! `(i, that literal)` and `(i, "")`; of its literal positions it picks the one with the fewest.
//! Patterns ending in a multi wildcard are few in real tables and are always compared.

use std::collections::HashMap;

use super::pattern::{Pattern, Segment};

/// Registered patterns, by position and literal (Go's `routingIndex`).
#[derive(Debug, Default)]
pub struct Index {
    segments: HashMap<(usize, String), Vec<usize>>,
    multis: Vec<usize>,
}

impl Index {
    /// Files pattern number `id`.
    pub fn add(&mut self, p: &Pattern, id: usize) {
        if p.ends_in_multi() {
            self.multis.push(id);
            return;
        }
        for (pos, seg) in p.segments().iter().enumerate() {
            self.segments.entry(key(pos, seg)).or_default().push(id);
        }
    }

    /// Calls `f` with the number of every registered pattern that might conflict with `p`, until
    /// `f` fails (Go's `possiblyConflictingPatterns`). A number may come more than once.
    pub fn candidates<E>(
        &self,
        p: &Pattern,
        mut f: impl FnMut(usize) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut apply = |ids: &[usize]| ids.iter().try_for_each(|&id| f(id));
        apply(&self.multis)?;
        let get = |k: (usize, String)| self.segments.get(&k).map_or(&[][..], Vec::as_slice);
        let segs = p.segments();
        if p.last().is_dollar() {
            // Only a pattern with `{$}` (the literal "/") at the same place can meet this one.
            return apply(get((segs.len() - 1, "/".to_owned())));
        }
        let mut best: Option<(&[usize], &[usize])> = None;
        for (pos, seg) in segs.iter().enumerate() {
            match seg {
                Segment::Multi(_) => break,
                Segment::Wild(_) => {}
                Segment::Lit(_) => {
                    let lit = get(key(pos, seg));
                    let wild = get((pos, String::new()));
                    if best.is_none_or(|(l, w)| lit.len() + wild.len() < l.len() + w.len()) {
                        best = Some((lit, wild));
                    }
                }
            }
        }
        match best {
            Some((lit, wild)) => {
                apply(lit)?;
                apply(wild)
            }
            // No literal to narrow by: every pattern is a candidate.
            None => self.segments.values().try_for_each(|ids| apply(ids)),
        }
    }
}

/// The index key of a segment: its literal, or `""` for a wildcard (an empty literal files
/// there too, as in Go, where it also acts as a wildcard in the tree).
fn key(pos: usize, seg: &Segment) -> (usize, String) {
    match seg {
        Segment::Lit(s) => (pos, s.clone()),
        _ => (pos, String::new()),
    }
}
