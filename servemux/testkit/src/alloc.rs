//! A counting global allocator for the tests that assert what a path allocates, and the benches
//! that report how much memory a structure holds.
//!
//! A `#[global_allocator]` must be declared in the binary itself, so the kit exports the type and
//! each test binary declares it:
//!
//! ```
//! use testkit::alloc::count_allocations;
//!
//! #[global_allocator]
//! static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;
//!
//! fn main() {
//!     let (sum, allocations) = count_allocations(|| (1..=4).sum::<u32>());
//!     assert_eq!((sum, allocations), (10, 0));
//!     let (v, allocations) = count_allocations(|| vec![1u8; 64]);
//!     assert_eq!((v.len(), allocations), (64, 1));
//! }
//! ```
//!
//! Every allocation is forwarded to the system allocator and counted three ways, because the
//! tests need all three:
//!
//! - on the calling thread ([`thread_allocations`], [`count_allocations`]): a lookup or a
//!   dispatch run on the test thread, where nothing else allocates;
//! - on the threads marked with [`mark_this_thread`] ([`MARKED`]): a server on a thread of its
//!   own, watched from the test thread;
//! - in the whole process ([`PROCESS`]): work spread over tokio's threads, where what one
//!   thread allocates another frees.
//!
//! Counting is deterministic; no clock is read. A reallocation counts as one allocation, and
//! its size change is added to the live bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// The allocator: [`System`], counted. Declare it as the test binary's `#[global_allocator]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

/// Allocations, live bytes and their peak, over some set of threads.
#[derive(Debug)]
pub struct Meter {
    allocations: AtomicUsize,
    live: AtomicIsize,
    peak: AtomicIsize,
}

/// Every thread of the process.
pub static PROCESS: Meter = Meter::new();
/// Only the threads that called [`mark_this_thread`].
pub static MARKED: Meter = Meter::new();

thread_local! {
    static THREAD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static MARKED_THREAD: Cell<bool> = const { Cell::new(false) };
}

impl Meter {
    const fn new() -> Meter {
        Meter {
            allocations: AtomicUsize::new(0),
            live: AtomicIsize::new(0),
            peak: AtomicIsize::new(0),
        }
    }

    /// Allocations (and reallocations) so far.
    pub fn allocations(&self) -> usize {
        self.allocations.load(Ordering::Relaxed)
    }

    /// Bytes allocated minus bytes freed so far (negative when the threads measured free what
    /// others allocated).
    pub fn live(&self) -> isize {
        self.live.load(Ordering::Relaxed)
    }

    /// The highest [`live`](Meter::live) reached since the last [`reset_peak`](Meter::reset_peak).
    pub fn peak(&self) -> isize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts a new peak from what is live now, and returns that baseline: `peak() - baseline`
    /// is then what the work in between held at most beyond what was held before.
    pub fn reset_peak(&self) -> isize {
        let now = self.live();
        self.peak.store(now, Ordering::Relaxed);
        now
    }

    fn record(&self, grown: isize, counts: bool) {
        if counts {
            self.allocations.fetch_add(1, Ordering::Relaxed);
        }
        let now = self.live.fetch_add(grown, Ordering::Relaxed) + grown;
        if grown > 0 {
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
    }
}

/// Marks the calling thread: from now on its allocations also count in [`MARKED`].
pub fn mark_this_thread() {
    MARKED_THREAD.with(|m| m.set(true));
}

/// Allocations made by the calling thread so far.
pub fn thread_allocations() -> usize {
    THREAD_ALLOCATIONS.with(Cell::get)
}

/// Runs `f` and returns its result with the number of allocations the calling thread made
/// meanwhile.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = thread_allocations();
    let result = f();
    (result, thread_allocations() - before)
}

/// Counts one event of `grown` bytes (negative for a free) everywhere it belongs. Thread-locals
/// may be gone while a thread shuts down; then only the process counts.
fn record(grown: isize, counts: bool) {
    PROCESS.record(grown, counts);
    if counts {
        let _ = THREAD_ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
    if MARKED_THREAD.try_with(Cell::get).unwrap_or(false) {
        MARKED.record(grown, counts);
    }
}

// SAFETY: every method forwards its arguments unchanged to the system allocator and returns its
// answer; the counting around it touches only atomics and `const`-initialised thread-locals,
// which never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize, true);
        // SAFETY: the caller's contract for `alloc` is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize, true);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(-(layout.size() as isize), false);
        // SAFETY: `ptr` came from this allocator, that is from the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size as isize - layout.size() as isize, true);
        // SAFETY: `ptr` came from the system allocator with `layout`; the caller's contract for
        // `realloc` is the system allocator's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
