//! `InlineList`: a short list kept inside its owner, on the heap only when it grows long.
//!
//! Both lists of route parameters use it: [`Params`](crate::Params), which a tree lookup returns,
//! and the engine's parameter ranges, which a [`Context`](crate::Context) holds. Routes have few
//! parameters (every route of the GitHub API set has at most four), so the first `N` items live in
//! an array and a lookup or a dispatch touches no allocator; a longer route moves the list to a
//! `Vec` once.
//!
//! The array is filled with a placeholder up front instead of being left uninitialised: that keeps
//! the type free of `unsafe` (matchit keeps its parameters the same way); for the small `Copy`
//! items stored here the fill is a few stores. The radix chapter of the book has the router
//! comparison's figures from before and after the change.

/// Up to `N` items inline, more on the heap.
#[derive(Clone)]
pub(crate) struct InlineList<T: Copy, const N: usize> {
    kind: Kind<T, N>,
}

// The size difference is the point: the inline variant keeps a short list off the heap.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Kind<T: Copy, const N: usize> {
    /// The first `len` slots hold the items; the others hold the placeholder and are never read.
    Inline {
        len: usize,
        slots: [T; N],
    },
    Heap(Vec<T>),
}

impl<T: Copy, const N: usize> InlineList<T, N> {
    /// An empty list whose unused slots hold `placeholder`.
    #[inline(always)]
    pub(crate) const fn new(placeholder: T) -> Self {
        InlineList {
            kind: Kind::Inline {
                len: 0,
                slots: [placeholder; N],
            },
        }
    }

    /// Number of items.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        match &self.kind {
            Kind::Inline { len, .. } => *len,
            Kind::Heap(v) => v.len(),
        }
    }

    /// The items in order.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.kind {
            Kind::Inline { len, slots } => &slots[..*len],
            Kind::Heap(v) => v,
        }
    }

    /// Append an item; the one after the `N`th moves the list to the heap.
    #[inline(always)]
    pub(crate) fn push(&mut self, item: T) {
        match &mut self.kind {
            Kind::Inline { len, slots } if *len < N => {
                slots[*len] = item;
                *len += 1;
            }
            _ => self.push_slow(item),
        }
    }

    /// The rare case, kept out of the lookup loop: spill to (or grow) the heap.
    #[cold]
    #[inline(never)]
    fn push_slow(&mut self, item: T) {
        match &mut self.kind {
            Kind::Heap(v) => v.push(item),
            Kind::Inline { slots, .. } => {
                let mut heap = Vec::with_capacity(N * 2);
                heap.extend_from_slice(slots);
                heap.push(item);
                self.kind = Kind::Heap(heap);
            }
        }
    }

    /// Forget every item after the first `n`.
    #[inline]
    pub(crate) fn truncate(&mut self, n: usize) {
        match &mut self.kind {
            Kind::Inline { len, .. } => *len = (*len).min(n),
            Kind::Heap(v) => v.truncate(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InlineList;

    #[test]
    fn spills_to_the_heap_after_n_and_keeps_order() {
        let mut l = InlineList::<usize, 2>::new(0);
        for i in 1..=5 {
            l.push(i);
            assert_eq!(l.len(), i);
        }
        assert_eq!(l.as_slice(), &[1, 2, 3, 4, 5]);
        l.truncate(3);
        assert_eq!(l.as_slice(), &[1, 2, 3]);
    }

    #[test]
    fn truncate_then_push_reuses_inline_slots() {
        let mut l = InlineList::<char, 4>::new(' ');
        l.push('a');
        l.push('b');
        l.truncate(1);
        l.push('c');
        assert_eq!(l.as_slice(), &['a', 'c']);
        // Truncating past the end changes nothing.
        l.truncate(9);
        assert_eq!(l.len(), 2);
    }
}
