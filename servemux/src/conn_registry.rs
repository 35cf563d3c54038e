//! The server's registry of its connections, and what each connection is told from outside its
//! task: the server's phase moved (shutdown), or its idle time ran out. (Not Unix signals: those
//! are gracehttp's.) The registry here is the one place the server's phase is kept: the accept
//! loops, the connections and their response writers all read it from their signal.
//!
//! Go's `Shutdown` walks the server's set of tracked connections and closes the idle ones, and each
//! connection goroutine checks the server's `inShutdown` flag between requests. We do the same:
//! every connection task owns a [`ConnSignal`], the server keeps the set of them in a
//! [`ConnRegistry`], and a shutdown updates each one and wakes its task.
//!
//! The same registry enforces the idle timeout. A connection waiting for its next request stores
//! its deadline in its signal, and one *sweeper* thread per server wakes the connections whose
//! deadline has passed, every [`sweep_interval`]. Why not one tokio timer per connection, as Go
//! arms one per connection with `SetReadDeadline`? Because a keep-alive connection goes idle after
//! every single response, and while any tokio timer is armed every park of a worker thread reads
//! the clock and hands epoll a timeout. Measured against hyper (which arms no timer by default),
//! that came to close to one percent of a hello-world exchange. The sweeper keeps the runtime
//! timer-free on that path; slow reads of a started head or body, which are rare, still use
//! tokio timers.
//!
//! Why not one `tokio::sync::watch` channel for the phase? Polling a pending watch takes a lock
//! shared by every connection, on every wake-up of every connection. A per-connection signal is
//! polled under a lock that only its own task, a shutdown and the sweeper ever take.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::time::Instant;

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

/// One connection's signal from the server.
pub(crate) struct ConnSignal {
    phase: AtomicU8,
    /// When the connection's idle wait ends, in milliseconds since the registry's epoch (rounded
    /// up); 0 while it is not waiting.
    idle_deadline: AtomicU64,
    /// Set by the sweeper when the idle deadline has passed.
    idle_expired: AtomicBool,
    /// Set when a handler took the connection over: from then on it is no longer the server's,
    /// and the shutdown deadline does not cut it (Go's `Shutdown` forgets hijacked connections).
    hijacked: AtomicBool,
    /// The connection task's waker. One slot is enough: only the connection's own task waits here.
    waker: Mutex<Option<Waker>>,
    epoch: Instant,
}

impl ConnSignal {
    fn new(phase: Phase, epoch: Instant) -> ConnSignal {
        ConnSignal {
            phase: AtomicU8::new(phase as u8),
            idle_deadline: AtomicU64::new(0),
            idle_expired: AtomicBool::new(false),
            hijacked: AtomicBool::new(false),
            waker: Mutex::new(None),
            epoch,
        }
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    /// Whether the server has begun to shut down.
    pub(crate) fn is_draining(&self) -> bool {
        self.phase() >= Phase::Draining
    }

    /// Completes once the server's phase is `phase` or later.
    pub(crate) fn reached(&self, phase: Phase) -> impl Future<Output = ()> + Unpin + '_ {
        let mut registered = None;
        std::future::poll_fn(move |cx| {
            self.poll_until(cx, &mut registered, || self.phase() >= phase)
        })
    }

    /// Completes when the connection must be cut: the shutdown deadline passed and no handler
    /// has taken the connection over.
    pub(crate) fn cut(&self) -> impl Future<Output = ()> + Unpin + '_ {
        let mut registered = None;
        std::future::poll_fn(move |cx| {
            self.poll_until(cx, &mut registered, || {
                self.phase() >= Phase::Forced && !self.hijacked.load(Ordering::Acquire)
            })
        })
    }

    /// A handler took the connection over (see `hijack`).
    pub(crate) fn mark_hijacked(&self) {
        self.hijacked.store(true, Ordering::Release);
    }

    /// Whether a handler took the connection over.
    pub(crate) fn is_hijacked(&self) -> bool {
        self.hijacked.load(Ordering::Acquire)
    }

    /// Starts an idle wait that should end at `deadline`; see [`idle_expired`](Self::idle_expired).
    pub(crate) fn idle_until(&self, deadline: Instant) {
        let millis = deadline.saturating_duration_since(self.epoch).as_millis();
        // Rounded up, and never 0 (which means "not waiting").
        let millis = u64::try_from(millis).unwrap_or(u64::MAX - 1) + 1;
        self.idle_expired.store(false, Ordering::Release);
        self.idle_deadline.store(millis, Ordering::Release);
    }

    /// Ends the idle wait: the sweeper leaves the connection alone until the next one.
    pub(crate) fn not_idle(&self) {
        self.idle_deadline.store(0, Ordering::Release);
    }

    /// Completes once the sweeper has seen the idle deadline pass. It may complete up to one
    /// sweep interval late, never early.
    pub(crate) fn idle_expired(&self) -> impl Future<Output = ()> + Unpin + '_ {
        let mut registered = None;
        std::future::poll_fn(move |cx| {
            self.poll_until(cx, &mut registered, || {
                self.idle_expired.load(Ordering::Acquire)
            })
        })
    }

    /// One poll of a wait on the signal. `registered` is the waiting future's own copy of the
    /// waker it left in the slot: while the task polls with that same waker — and a task's waker
    /// does not change — the slot already holds it, and the lock is not taken. The connection
    /// polls its waits on every wake-up of its task, so this keeps atomic operations off the
    /// path of every request; the slot is only ever replaced by the connection's own task (one
    /// task waits on a signal), and waking leaves the waker in it.
    fn poll_until(
        &self,
        cx: &mut Context<'_>,
        registered: &mut Option<Waker>,
        done: impl Fn() -> bool,
    ) -> Poll<()> {
        if done() {
            return Poll::Ready(());
        }
        if !registered.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            let waker = cx.waker().clone();
            *lock(&self.waker) = Some(waker.clone());
            *registered = Some(waker);
            // The signal may have changed between the first check and storing the waker; both
            // signallers store their change before they take the waker, so checking again
            // closes that gap.
            if done() {
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }

    fn wake(&self) {
        // By reference: the waker stays in the slot, where the waits' copies say it is.
        if let Some(w) = &*lock(&self.waker) {
            w.wake_by_ref();
        }
    }

    fn advance(&self, phase: Phase) {
        self.phase.fetch_max(phase as u8, Ordering::AcqRel);
        self.wake();
    }

    /// Called by the sweeper with the time in milliseconds since the epoch.
    fn sweep(&self, now_millis: u64) {
        let deadline = self.idle_deadline.load(Ordering::Acquire);
        if deadline != 0 && deadline <= now_millis && !self.idle_expired.load(Ordering::Acquire) {
            self.idle_expired.store(true, Ordering::Release);
            self.wake();
        }
    }
}

/// The server's phase, a [`ConnSignal`] for every open connection and accept loop, and the
/// sweeper.
pub(crate) struct ConnRegistry {
    inner: Mutex<Registry>,
    epoch: Instant,
    sweep_interval: Duration,
}

struct Registry {
    phase: Phase,
    next_id: u64,
    conns: HashMap<u64, Arc<ConnSignal>>,
    sweeper_started: bool,
}

impl ConnRegistry {
    /// A registry whose sweeper wakes every `sweep_interval` once the first connection is added.
    pub(crate) fn new(sweep_interval: Duration) -> Arc<ConnRegistry> {
        Arc::new(ConnRegistry {
            inner: Mutex::new(Registry {
                phase: Phase::Running,
                next_id: 0,
                conns: HashMap::new(),
                sweeper_started: false,
            }),
            epoch: Instant::now(),
            sweep_interval,
        })
    }

    /// Adds a connection (or an accept loop), starting in the server's current phase. It stays
    /// in the registry as long as the returned [`Registered`] lives.
    pub(crate) fn add(self: &Arc<Self>) -> Registered {
        let mut reg = lock(&self.inner);
        if !reg.sweeper_started {
            reg.sweeper_started = true;
            self.start_sweeper();
        }
        let id = reg.next_id;
        reg.next_id += 1;
        let signal = Arc::new(ConnSignal::new(reg.phase, self.epoch));
        reg.conns.insert(id, signal.clone());
        Registered {
            registry: self.clone(),
            id,
            signal,
        }
    }

    /// The server's phase.
    pub(crate) fn phase(&self) -> Phase {
        lock(&self.inner).phase
    }

    /// Moves the server, and every open connection, to `phase` (never backwards).
    pub(crate) fn advance(&self, phase: Phase) {
        let conns: Vec<Arc<ConnSignal>> = {
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

    /// Wakes every connection whose idle deadline has passed.
    fn sweep(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        for conn in lock(&self.inner).conns.values() {
            conn.sweep(now);
        }
    }

    /// The sweeper thread holds only a weak reference, and ends once the server is gone.
    fn start_sweeper(self: &Arc<Self>) {
        let registry: Weak<ConnRegistry> = Arc::downgrade(self);
        let interval = self.sweep_interval;
        let spawned = std::thread::Builder::new()
            .name("servemux-sweeper".into())
            .spawn(move || loop {
                std::thread::sleep(interval);
                match registry.upgrade() {
                    Some(registry) => registry.sweep(),
                    None => return,
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the idle sweeper: idle connections will not time out");
        }
    }
}

/// A signal's place in the registry. Dropping it takes the signal out, also when the task that
/// holds it is cancelled instead of running to its end.
pub(crate) struct Registered {
    registry: Arc<ConnRegistry>,
    id: u64,
    signal: Arc<ConnSignal>,
}

impl Registered {
    pub(crate) fn signal(&self) -> &Arc<ConnSignal> {
        &self.signal
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.registry.inner).conns.remove(&self.id);
    }
}

// ANCHOR: sweep_interval
/// How often the sweeper looks for expired deadlines: a twentieth of the shortest wait it
/// watches (the first head, the idle wait between requests, a TLS handshake), between 5 ms and
/// 250 ms. A connection is closed at most that long after its deadline.
pub(crate) fn sweep_interval(shortest_wait: Duration) -> Duration {
    (shortest_wait / 20).clamp(Duration::from_millis(5), Duration::from_millis(250))
}
// ANCHOR_END: sweep_interval

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

    fn counting() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        (counter, waker)
    }

    /// A registry whose sweeper never runs on its own: the tests call `sweep` themselves.
    fn registry() -> Arc<ConnRegistry> {
        let registry = ConnRegistry::new(Duration::from_secs(3600));
        lock(&registry.inner).sweeper_started = true;
        registry
    }

    #[test]
    fn a_waiting_connection_is_woken_once_per_phase() {
        let registry = registry();
        let registered = registry.add();
        let conn = registered.signal();
        let (counter, waker) = counting();
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
    fn a_wait_polled_with_another_waker_wakes_that_one() {
        let registry = registry();
        let registered = registry.add();
        let conn = registered.signal();
        let (first, first_waker) = counting();
        let (second, second_waker) = counting();
        let mut draining = conn.reached(Phase::Draining);
        for _ in 0..2 {
            let mut cx = Context::from_waker(&first_waker);
            assert!(Pin::new(&mut draining).poll(&mut cx).is_pending());
        }
        let mut cx = Context::from_waker(&second_waker);
        assert!(Pin::new(&mut draining).poll(&mut cx).is_pending());

        registry.advance(Phase::Draining);
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn connections_added_late_start_in_the_current_phase_and_phases_never_go_back() {
        let registry = registry();
        registry.advance(Phase::Forced);
        registry.advance(Phase::Draining);
        assert_eq!(registry.add().signal().phase(), Phase::Forced);
        assert_eq!(registry.phase(), Phase::Forced);
    }

    #[test]
    fn removed_connections_are_not_woken() {
        let registry = registry();
        let registered = registry.add();
        let conn = registered.signal().clone();
        let (counter, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut conn.reached(Phase::Draining))
            .poll(&mut cx)
            .is_pending());
        drop(registered);
        registry.advance(Phase::Draining);
        assert_eq!(counter.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn the_sweeper_wakes_only_connections_idle_past_their_deadline() {
        let registry = registry();
        let registered = [registry.add(), registry.add(), registry.add()];
        let [past, future, busy] = registered.each_ref().map(Registered::signal);
        let (counter, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        past.idle_until(registry.epoch);
        future.idle_until(Instant::now() + Duration::from_secs(3600));
        busy.idle_until(registry.epoch);
        busy.not_idle();
        for conn in [past, future, busy] {
            assert!(Pin::new(&mut conn.idle_expired())
                .poll(&mut cx)
                .is_pending());
        }
        std::thread::sleep(Duration::from_millis(2));
        registry.sweep();
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert!(Pin::new(&mut past.idle_expired()).poll(&mut cx).is_ready());
        assert!(Pin::new(&mut future.idle_expired())
            .poll(&mut cx)
            .is_pending());
        assert!(Pin::new(&mut busy.idle_expired())
            .poll(&mut cx)
            .is_pending());

        // A new idle wait starts unexpired.
        past.idle_until(Instant::now() + Duration::from_secs(3600));
        assert!(Pin::new(&mut past.idle_expired())
            .poll(&mut cx)
            .is_pending());
    }

    #[test]
    fn the_sweep_interval_follows_the_shortest_wait() {
        let ms = Duration::from_millis;
        assert_eq!(sweep_interval(ms(200)), ms(10));
        assert_eq!(sweep_interval(ms(10_000)), ms(250));
        assert_eq!(sweep_interval(ms(20)), ms(5));
    }

    #[test]
    fn the_sweeper_thread_wakes_expired_connections_and_does_not_keep_the_server_alive() {
        let registry = ConnRegistry::new(Duration::from_millis(5));
        let registered = registry.add();
        let conn = registered.signal();
        let (_, waker) = counting();
        let mut cx = Context::from_waker(&waker);
        conn.idle_until(Instant::now());
        // The real thread wakes the connection within a few intervals.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while Pin::new(&mut conn.idle_expired())
            .poll(&mut cx)
            .is_pending()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "sweeper never woke us"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(registered);
        let weak = Arc::downgrade(&registry);
        drop(registry);
        // The thread holds the registry only while it sweeps, so it is freed at the latest when
        // the sweep in progress ends.
        while weak.upgrade().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "the sweeper keeps the registry alive"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
