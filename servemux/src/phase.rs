//! The server's phase (running, draining, forced), and how each connection learns that it changed.
//!
//! Go's `Shutdown` walks the server's set of tracked connections and closes the idle ones, and each
//! connection goroutine checks the server's `inShutdown` flag between requests. We do the same:
//! every connection task owns a [`ConnPhase`], the server keeps the set of them in a
//! [`ConnRegistry`], and a shutdown updates each one and wakes its task.
//!
//! Why not one `tokio::sync::watch` channel that every connection waits on? A waiting connection
//! polls its wait each time it wakes up, which is at least once per request, and polling a pending
//! watch takes a lock shared with every other connection. A per-connection signal is polled under
//! a lock that only its own task and a shutdown ever take.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// The server's phase. Phases only move forward: `Running` → `Draining` → `Forced`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub(crate) enum Phase {
    Running = 0,
    /// Shutting down: no new connections, idle ones close, active ones finish.
    Draining = 1,
    /// The shutdown deadline passed: every connection is cut now.
    Forced = 2,
}

impl Phase {
    fn from_u8(v: u8) -> Phase {
        match v {
            0 => Phase::Running,
            1 => Phase::Draining,
            _ => Phase::Forced,
        }
    }
}

/// One connection's view of the server's phase.
pub(crate) struct ConnPhase {
    phase: AtomicU8,
    /// The connection task's waker, woken when the phase moves. One slot is enough: only the
    /// connection's own task waits here.
    waker: Mutex<Option<Waker>>,
}

impl ConnPhase {
    fn new(phase: Phase) -> ConnPhase {
        ConnPhase {
            phase: AtomicU8::new(phase as u8),
            waker: Mutex::new(None),
        }
    }

    fn get(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    /// Completes once the server's phase is `phase` or later.
    pub(crate) fn reached(&self, phase: Phase) -> impl Future<Output = ()> + Unpin + '_ {
        std::future::poll_fn(move |cx| self.poll_reached(cx, phase))
    }

    fn poll_reached(&self, cx: &mut Context<'_>, phase: Phase) -> Poll<()> {
        if self.get() >= phase {
            return Poll::Ready(());
        }
        {
            let mut slot = lock(&self.waker);
            match &*slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        // The phase may have moved between the first check and storing the waker; `advance`
        // stores the phase before it takes the waker, so checking again closes that gap.
        if self.get() >= phase {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn advance(&self, phase: Phase) {
        self.phase.fetch_max(phase as u8, Ordering::AcqRel);
        let waker = lock(&self.waker).take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// Every open connection's [`ConnPhase`], and the phase new connections start in.
pub(crate) struct ConnRegistry {
    inner: Mutex<Registry>,
}

struct Registry {
    phase: Phase,
    next_id: u64,
    conns: HashMap<u64, Arc<ConnPhase>>,
}

impl ConnRegistry {
    pub(crate) fn new() -> ConnRegistry {
        ConnRegistry {
            inner: Mutex::new(Registry {
                phase: Phase::Running,
                next_id: 0,
                conns: HashMap::new(),
            }),
        }
    }

    /// Adds a connection, starting in the server's current phase; returns its id for
    /// [`remove`](Self::remove).
    pub(crate) fn add(&self) -> (u64, Arc<ConnPhase>) {
        let mut reg = lock(&self.inner);
        let id = reg.next_id;
        reg.next_id += 1;
        let conn = Arc::new(ConnPhase::new(reg.phase));
        reg.conns.insert(id, conn.clone());
        (id, conn)
    }

    pub(crate) fn remove(&self, id: u64) {
        lock(&self.inner).conns.remove(&id);
    }

    /// Moves the server, and every open connection, to `phase` (never backwards).
    pub(crate) fn advance(&self, phase: Phase) {
        let conns: Vec<Arc<ConnPhase>> = {
            let mut reg = lock(&self.inner);
            reg.phase = reg.phase.max(phase);
            reg.conns.values().cloned().collect()
        };
        // Woken outside the registry lock, so a woken task that closes at once does not wait
        // for it to remove itself.
        for conn in conns {
            conn.advance(phase);
        }
    }
}

/// Locks a mutex that no code panics under; a poisoned one is still consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_waiting_connection_is_woken_once_and_then_ready() {
        let registry = ConnRegistry::new();
        let (_, conn) = registry.add();
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let mut draining = conn.reached(Phase::Draining);
        let mut forced = conn.reached(Phase::Forced);
        assert!(Pin::new(&mut draining).poll(&mut cx).is_pending());
        assert!(Pin::new(&mut forced).poll(&mut cx).is_pending());

        registry.advance(Phase::Draining);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert!(Pin::new(&mut draining).poll(&mut cx).is_ready());
        assert!(Pin::new(&mut forced).poll(&mut cx).is_pending());

        registry.advance(Phase::Forced);
        assert_eq!(counter.0.load(Ordering::SeqCst), 2);
        assert!(Pin::new(&mut forced).poll(&mut cx).is_ready());
    }

    #[test]
    fn connections_added_late_start_in_the_current_phase_and_phases_never_go_back() {
        let registry = ConnRegistry::new();
        registry.advance(Phase::Forced);
        registry.advance(Phase::Draining);
        let (_, conn) = registry.add();
        assert_eq!(conn.get(), Phase::Forced);
    }

    #[test]
    fn removed_connections_are_not_woken() {
        let registry = ConnRegistry::new();
        let (id, conn) = registry.add();
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut conn.reached(Phase::Draining))
            .poll(&mut cx)
            .is_pending());
        registry.remove(id);
        registry.advance(Phase::Draining);
        assert_eq!(counter.0.load(Ordering::SeqCst), 0);
    }
}
