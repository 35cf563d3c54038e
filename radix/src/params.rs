//! Route parameters: the `:name` and `*name` values captured by a lookup.
//!
//! gin hands its tree a pre-sized `Params` slice so that `getValue` can append
//! without allocating. The Rust port does the same with a fixed inline array:
//! up to [`INLINE_PARAMS`] parameters live on the stack inside [`Params`]; a
//! route with more spills to a `Vec` once. Keys borrow from the tree (`'k`),
//! values borrow from the request path (`'v`), so a lookup copies nothing.

use std::mem::MaybeUninit;

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

// ANCHOR: params
/// The ordered list of parameters of one match (gin's `Params`).
pub struct Params<'k, 'v> {
    kind: Kind<'k, 'v>,
}

// The size difference is the point: the inline variant keeps a lookup off the heap.
#[allow(clippy::large_enum_variant)]
enum Kind<'k, 'v> {
    /// The first `len` slots are initialised; the rest are never read.
    Inline {
        len: usize,
        slots: [MaybeUninit<Param<'k, 'v>>; INLINE_PARAMS],
    },
    Heap(Vec<Param<'k, 'v>>),
}
// ANCHOR_END: params

impl<'k, 'v> Params<'k, 'v> {
    /// An empty list. Costs nothing: the inline slots are left uninitialised.
    pub fn new() -> Self {
        Params {
            kind: Kind::Inline {
                len: 0,
                slots: [const { MaybeUninit::uninit() }; INLINE_PARAMS],
            },
        }
    }

    /// Number of captured parameters.
    pub fn len(&self) -> usize {
        match &self.kind {
            Kind::Inline { len, .. } => *len,
            Kind::Heap(v) => v.len(),
        }
    }

    /// True when the route had no wildcards.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parameters in route order.
    pub fn as_slice(&self) -> &[Param<'k, 'v>] {
        match &self.kind {
            Kind::Inline { len, slots } => {
                // SAFETY: `push` initialises slot `len` before incrementing `len`,
                // and `truncate` only lowers it, so slots[..len] are initialised.
                // `MaybeUninit<Param>` has the same layout as `Param`.
                unsafe { std::slice::from_raw_parts(slots.as_ptr().cast::<Param<'k, 'v>>(), *len) }
            }
            Kind::Heap(v) => v,
        }
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

    /// Append a parameter; moves to the heap on the ninth.
    #[inline(always)]
    pub(crate) fn push(&mut self, key: &'k str, value: &'v str) {
        let param = Param { key, value };
        match &mut self.kind {
            Kind::Inline { len, slots } if *len < INLINE_PARAMS => {
                slots[*len].write(param);
                *len += 1;
            }
            _ => self.push_slow(param),
        }
    }

    /// The rare case, kept out of the lookup loop: spill to (or grow) the heap.
    #[cold]
    #[inline(never)]
    fn push_slow(&mut self, param: Param<'k, 'v>) {
        match &mut self.kind {
            Kind::Heap(v) => v.push(param),
            Kind::Inline { .. } => {
                let mut heap = Vec::with_capacity(INLINE_PARAMS * 2);
                heap.extend_from_slice(self.as_slice());
                heap.push(param);
                self.kind = Kind::Heap(heap);
            }
        }
    }

    /// Forget every parameter after the first `n` (used when a lookup backtracks).
    pub(crate) fn truncate(&mut self, n: usize) {
        match &mut self.kind {
            Kind::Inline { len, .. } => *len = (*len).min(n),
            Kind::Heap(v) => v.truncate(n),
        }
    }
}

impl Default for Params<'_, '_> {
    fn default() -> Self {
        Params::new()
    }
}

impl Clone for Params<'_, '_> {
    fn clone(&self) -> Self {
        let mut out = Params::new();
        for p in self.iter() {
            out.push(p.key, p.value);
        }
        out
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
        p.truncate(3);
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
        p.truncate(1);
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
