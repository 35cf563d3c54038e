//! Route parameters: the `:name` and `*name` values captured by a lookup.
//!
//! gin hands its tree a pre-sized `Params` slice so that `getValue` can append
//! without allocating. The Rust port does the same with a fixed inline array:
//! up to [`INLINE_PARAMS`] parameters live on the stack inside [`Params`]; a
//! route with more spills to a `Vec` once. Keys borrow from the tree (`'k`),
//! values borrow from the request path (`'v`), so a lookup copies nothing.

use std::ops::Range;

use crate::inline_list::InlineList;

/// How many parameters fit inline before [`Params`] moves to the heap.
///
/// Every route of the GitHub API set has at most four. More slots would cost every lookup:
/// `get` returns its `Params` by value, and with eight slots a pass over the GitHub set took
/// 11.2 µs instead of 9.2 µs with four (`benches/lookup.rs`, same machine, same hour).
pub const INLINE_PARAMS: usize = 4;

/// One captured parameter: the wildcard name and the matched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'k, 'v> {
    /// The wildcard name, without the leading `:` or `*`.
    pub key: &'k str,
    /// The matched part of the path. For a catch-all it starts with `/`, as in gin.
    pub value: &'v str,
}

/// What unused inline slots hold; never read.
const EMPTY: Param<'static, 'static> = Param { key: "", value: "" };

// ANCHOR: params
/// The ordered list of parameters of one match (gin's `Params`).
#[derive(Clone)]
pub struct Params<'k, 'v> {
    list: InlineList<Param<'k, 'v>, INLINE_PARAMS>,
}

/// Where a lookup puts what it captures. [`Params`] keeps the matched text; the engine's
/// [`ParamRanges`] keeps where that text lies in the path, because the request the path belongs
/// to is lent to the handlers mutably while the parameters are still needed.
pub(crate) trait Captures<'k, 'v> {
    /// Record that wildcard `key` matched `path[range]`.
    fn capture(&mut self, key: &'k str, path: &'v str, range: Range<usize>);
    /// How many parameters are recorded (a mark to backtrack to).
    fn len(&self) -> usize;
    /// Forget every parameter after the first `n` (the lookup backtracked).
    fn truncate(&mut self, n: usize);
}
// ANCHOR_END: params

impl<'k, 'v> Params<'k, 'v> {
    /// An empty list, with room for [`INLINE_PARAMS`] parameters before it needs the heap.
    #[inline(always)]
    pub fn new() -> Self {
        Params {
            list: InlineList::new(EMPTY),
        }
    }

    /// Number of captured parameters.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when the route had no wildcards.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parameters in route order.
    pub fn as_slice(&self) -> &[Param<'k, 'v>] {
        self.list.as_slice()
    }

    /// Iterate over the parameters in route order.
    pub fn iter(&self) -> std::slice::Iter<'_, Param<'k, 'v>> {
        self.as_slice().iter()
    }

    /// The value of the first parameter called `key` (gin's `Params.Get`).
    pub fn get(&self, key: &str) -> Option<&'v str> {
        self.iter().find(|p| p.key == key).map(|p| p.value)
    }

    /// The value of `key`, or `""` when absent (gin's `Params.ByName`).
    pub fn by_name(&self, key: &str) -> &'v str {
        self.get(key).unwrap_or("")
    }

    /// Append a parameter; the one after the [`INLINE_PARAMS`]th moves the list to the heap.
    #[inline(always)]
    pub(crate) fn push(&mut self, key: &'k str, value: &'v str) {
        self.list.push(Param { key, value });
    }
}

impl<'k, 'v> Captures<'k, 'v> for Params<'k, 'v> {
    #[inline(always)]
    fn capture(&mut self, key: &'k str, path: &'v str, range: Range<usize>) {
        self.push(key, path.get(range).unwrap_or(""));
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.list.len()
    }

    #[inline(always)]
    fn truncate(&mut self, n: usize) {
        self.list.truncate(n);
    }
}

/// One parameter of a dispatched request: the wildcard name and where its value lies in the path
/// the route was looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParamRange<'k> {
    pub(crate) key: &'k str,
    pub(crate) range: (usize, usize),
}

/// The parameters the engine hands a [`Context`](crate::Context): keys borrowed from the tree,
/// values as positions in the request path, inline up to [`INLINE_PARAMS`] like [`Params`], so a
/// dispatch keeps them off the heap too.
#[derive(Clone)]
pub(crate) struct ParamRanges<'k> {
    list: InlineList<ParamRange<'k>, INLINE_PARAMS>,
}

impl<'k> ParamRanges<'k> {
    /// No parameters (the 404/405 chains, redirects).
    #[inline(always)]
    pub(crate) fn new() -> Self {
        ParamRanges {
            list: InlineList::new(ParamRange {
                key: "",
                range: (0, 0),
            }),
        }
    }

    /// The parameters in route order.
    pub(crate) fn as_slice(&self) -> &[ParamRange<'k>] {
        self.list.as_slice()
    }
}

impl<'k> Captures<'k, '_> for ParamRanges<'k> {
    #[inline(always)]
    fn capture(&mut self, key: &'k str, _path: &str, range: Range<usize>) {
        self.list.push(ParamRange {
            key,
            range: (range.start, range.end),
        });
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.list.len()
    }

    #[inline(always)]
    fn truncate(&mut self, n: usize) {
        self.list.truncate(n);
    }
}

impl Default for Params<'_, '_> {
    fn default() -> Self {
        Params::new()
    }
}

impl std::fmt::Debug for Params<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Params<'_, '_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<'a, 'k, 'v> IntoIterator for &'a Params<'k, 'v> {
    type Item = &'a Param<'k, 'v>;
    type IntoIter = std::slice::Iter<'a, Param<'k, 'v>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_to_heap_after_inline_capacity() {
        let names: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        let mut p = Params::new();
        for (i, n) in names.iter().enumerate() {
            p.push(n, "v");
            assert_eq!(p.len(), i + 1);
        }
        assert_eq!(p.get("k19"), Some("v"));
        assert_eq!(p.by_name("nope"), "");
        Captures::truncate(&mut p, 3);
        assert_eq!(p.len(), 3);
        assert_eq!(
            p.iter().map(|p| p.key).collect::<Vec<_>>(),
            ["k0", "k1", "k2"]
        );
    }

    #[test]
    fn truncate_then_push_reuses_slots() {
        let mut p = Params::new();
        p.push("a", "1");
        p.push("b", "2");
        Captures::truncate(&mut p, 1);
        p.push("c", "3");
        assert_eq!(
            p.as_slice(),
            &[
                Param {
                    key: "a",
                    value: "1"
                },
                Param {
                    key: "c",
                    value: "3"
                }
            ]
        );
    }
}
