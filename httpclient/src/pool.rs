//! The connection pool: idle keep-alive connections per route, a per-route connection limit
//! with waiters, and counters.
//!
//! Go's `Transport` keeps `idleConn map[connectMethodKey][]*persistConn` plus, for
//! `MaxConnsPerHost`, a count of connections per key and a queue of requests waiting for one.
//! Ours is the same idea in three pieces:
//!
//! - A [`Slot`] per route — scheme, `host:port`, and how it is reached (directly, through a
//!   forwarding proxy, or through a proxy's `CONNECT` tunnel), the fields of Go's
//!   `connectMethodKey` — with its idle stack, the number of open connections, and a `Notify`
//!   that wakes a waiter when a connection comes back idle or closes.
//! - A [`Lease`] inside every connection: dropping the connection (closing it) drops the lease,
//!   which gives its place back and wakes one waiter — so the count can never leak, whichever
//!   way a connection dies (error, `Connection: close`, a stream dropped half read).
//! - The slots in a `Vec` scanned linearly, compared in place against a borrowed key: a client
//!   talks to a handful of routes, and a lookup then allocates nothing.
//!
//! Each idle list is a stack: the most recently used connection is taken first (the least likely
//! to have been closed by the server), so the oldest sit at the bottom — and because `idle_since`
//! only grows towards the top, finding one expired connection means everything below it is
//! expired too. Expired connections are dropped when the route is next used or when statistics
//! are read, instead of by a timer per connection as in Go.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::conn::Conn;
use crate::url::Scheme;

/// How a route reaches its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via<'a> {
    /// Straight to `host:port`.
    Direct,
    /// To a forwarding proxy at `host:port` (absolute-form requests, any http target: Go keys
    /// these by the proxy alone, and so do we).
    Forward,
    /// To `host:port` (an https target) inside a `CONNECT` tunnel through the proxy at
    /// `proxy_host:proxy_port`: the TLS session is with the target, so the target is the key,
    /// but the same target reached directly is another route.
    Tunnel {
        proxy_host: &'a str,
        proxy_port: u16,
    },
}

// ANCHOR: key
/// A route as looked up: borrowed, so a lookup allocates nothing.
///
/// The scheme is part of it: `http://h:8443` and `https://h:8443` dial the same address, but
/// one connection speaks plain HTTP and the other TLS with a certificate verified for `h` —
/// handing either out for the other would send plaintext where TLS was asked for, or TLS bytes
/// to a plain server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<'a> {
    pub scheme: Scheme,
    pub host: &'a str,
    pub port: u16,
    pub via: Via<'a>,
}
// ANCHOR_END: key

#[derive(Debug)]
struct OwnedKey {
    scheme: Scheme,
    host: Box<str>,
    port: u16,
    via: OwnedVia,
}

#[derive(Debug)]
enum OwnedVia {
    Direct,
    Forward,
    Tunnel { host: Box<str>, port: u16 },
}

impl OwnedKey {
    fn new(k: &Key<'_>) -> OwnedKey {
        OwnedKey {
            scheme: k.scheme,
            host: k.host.into(),
            port: k.port,
            via: match k.via {
                Via::Direct => OwnedVia::Direct,
                Via::Forward => OwnedVia::Forward,
                Via::Tunnel {
                    proxy_host,
                    proxy_port,
                } => OwnedVia::Tunnel {
                    host: proxy_host.into(),
                    port: proxy_port,
                },
            },
        }
    }

    fn matches(&self, k: &Key<'_>) -> bool {
        self.port == k.port
            && self.scheme == k.scheme
            && self.host.eq_ignore_ascii_case(k.host)
            && match (&self.via, k.via) {
                (OwnedVia::Direct, Via::Direct) | (OwnedVia::Forward, Via::Forward) => true,
                (
                    OwnedVia::Tunnel { host, port },
                    Via::Tunnel {
                        proxy_host,
                        proxy_port,
                    },
                ) => *port == proxy_port && host.eq_ignore_ascii_case(proxy_host),
                _ => false,
            }
    }
}

/// Everything the pool knows about one route.
#[derive(Debug)]
pub(crate) struct Slot {
    key: OwnedKey,
    /// Oldest at index 0, most recently returned at the end.
    idle: Mutex<Vec<Conn>>,
    /// Connections open on this route: dialing, in use, or idle.
    open: AtomicUsize,
    /// Requests waiting for a connection because `open` reached the limit.
    waiting: AtomicUsize,
    notify: Notify,
}

/// A connection's place in its route's count. Dropped with the connection.
#[derive(Debug)]
pub(crate) struct Lease {
    slot: Arc<Slot>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.slot.open.fetch_sub(1, Ordering::AcqRel);
        self.slot.notify.notify_one();
    }
}

/// What [`Pool::acquire`] found.
#[derive(Debug)]
pub(crate) enum Acquired {
    /// A live idle connection, to be reused.
    Idle(Conn),
    /// Room for a new connection: dial, and put this lease in it.
    Dial(Lease),
}

/// A snapshot of the pool, over all routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now: idle plus in use (plus being dialed).
    pub open: usize,
    /// Of those, idle in the pool.
    pub idle: usize,
    /// Requests waiting now for a connection because their route is at `pool_max_conns_per_host`.
    pub waiting: usize,
    /// Connections dialed since the client was built.
    pub opened: u64,
    /// Requests that reused an idle connection.
    pub reused: u64,
    /// Requests that had to wait for the per-host limit.
    pub waited: u64,
}

/// All connections of one client.
#[derive(Debug)]
pub(crate) struct Pool {
    slots: Mutex<Vec<Arc<Slot>>>,
    max_idle_per_host: usize,
    max_conns_per_host: usize,
    idle_timeout: Duration,
    opened: AtomicU64,
    reused: AtomicU64,
    waited: AtomicU64,
}

/// Takes the lock even if a panic poisoned it: at worst a connection is lost.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Pool {
    /// `max_conns_per_host == 0` means no limit (Go's default).
    pub fn new(
        max_idle_per_host: usize,
        max_conns_per_host: usize,
        idle_timeout: Duration,
    ) -> Pool {
        Pool {
            slots: Mutex::new(Vec::new()),
            max_idle_per_host,
            max_conns_per_host,
            idle_timeout,
            opened: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            waited: AtomicU64::new(0),
        }
    }

    /// Whether connections are kept at all (`max_idle_per_host == 0` turns keep-alive off).
    pub fn enabled(&self) -> bool {
        self.max_idle_per_host > 0
    }

    fn slot(&self, key: &Key<'_>) -> Arc<Slot> {
        let mut slots = lock(&self.slots);
        if let Some(s) = slots.iter().find(|s| s.key.matches(key)) {
            return Arc::clone(s);
        }
        let slot = Arc::new(Slot {
            key: OwnedKey::new(key),
            idle: Mutex::new(Vec::with_capacity(self.max_idle_per_host.min(16))),
            open: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            notify: Notify::new(),
        });
        slots.push(Arc::clone(&slot));
        slot
    }

    // ANCHOR: acquire
    /// A connection for `key`: the most recently used live idle one, or the right to dial a new
    /// one — waiting, when the route already has `max_conns_per_host` open, until one comes back
    /// idle or closes (Go's `MaxConnsPerHost` and its `connsPerHostWait` queue).
    pub async fn acquire(&self, key: Key<'_>) -> Acquired {
        let slot = self.slot(&key);
        let mut counted_wait = false;
        loop {
            // Registered before looking, so a connection returned in between still wakes us.
            let notified = slot.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(conn) = self.take_idle(&slot) {
                self.reused.fetch_add(1, Ordering::Relaxed);
                return Acquired::Idle(conn);
            }
            let limit = self.max_conns_per_host;
            let reserved = slot
                .open
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (limit == 0 || n < limit).then_some(n + 1)
                })
                .is_ok();
            if reserved {
                self.opened.fetch_add(1, Ordering::Relaxed);
                return Acquired::Dial(Lease {
                    slot: Arc::clone(&slot),
                });
            }
            if !counted_wait {
                counted_wait = true;
                self.waited.fetch_add(1, Ordering::Relaxed);
            }
            let _waiting = Waiting::new(&slot.waiting);
            notified.await;
        }
    }
    // ANCHOR_END: acquire

    fn take_idle(&self, slot: &Slot) -> Option<Conn> {
        let mut idle = lock(&slot.idle);
        while let Some(mut conn) = idle.pop() {
            if conn.idle_since.elapsed() > self.idle_timeout {
                // Everything below is older still.
                idle.clear();
                return None;
            }
            if conn.is_closed_or_dirty() {
                continue;
            }
            return Some(conn);
        }
        None
    }

    /// Returns a connection after a complete exchange. Dropped (closed) when its route already
    /// has `max_idle_per_host` idle connections — Go's `errTooManyIdleHost`.
    pub fn put(&self, mut conn: Conn) {
        if !self.enabled() {
            return;
        }
        let Some(slot) = conn.slot() else {
            return;
        };
        let now = Instant::now();
        conn.idle_since = now;
        let mut idle = lock(&slot.idle);
        let expired = idle
            .iter()
            .take_while(|c| now.duration_since(c.idle_since) > self.idle_timeout)
            .count();
        idle.drain(..expired);
        if idle.len() < self.max_idle_per_host {
            idle.push(conn);
            drop(idle);
            slot.notify.notify_one();
        }
    }

    /// Counts over all routes; expired idle connections are closed first, so `idle` is true.
    pub fn stats(&self) -> PoolStats {
        let slots: Vec<Arc<Slot>> = lock(&self.slots).clone();
        let mut stats = PoolStats {
            opened: self.opened.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
            waited: self.waited.load(Ordering::Relaxed),
            ..PoolStats::default()
        };
        let now = Instant::now();
        for slot in &slots {
            let mut idle = lock(&slot.idle);
            idle.retain(|c| now.duration_since(c.idle_since) <= self.idle_timeout);
            stats.idle += idle.len();
            drop(idle);
            stats.open += slot.open.load(Ordering::Acquire);
            stats.waiting += slot.waiting.load(Ordering::Acquire);
        }
        stats
    }
}

impl Lease {
    pub(crate) fn slot(&self) -> &Arc<Slot> {
        &self.slot
    }
}

/// Counts a waiter for as long as it waits, also when its request is cancelled meanwhile.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(n: &'a AtomicUsize) -> Waiting<'a> {
        n.fetch_add(1, Ordering::AcqRel);
        Waiting(n)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A route as the reference model sees it: every field, host names case-folded.
    type Model = (bool, String, u16, u8, String, u16);

    fn model(k: &Key<'_>) -> Model {
        let (via, proxy_host, proxy_port) = match k.via {
            Via::Direct => (0, String::new(), 0),
            Via::Forward => (1, String::new(), 0),
            Via::Tunnel {
                proxy_host,
                proxy_port,
            } => (2, proxy_host.to_ascii_lowercase(), proxy_port),
        };
        (
            k.scheme == Scheme::Https,
            k.host.to_ascii_lowercase(),
            k.port,
            via,
            proxy_host,
            proxy_port,
        )
    }

    fn key_parts() -> impl Strategy<Value = (bool, String, u16, u8, String, u16)> {
        // Few values per field, so that equal and nearly equal keys both come up often.
        (
            any::<bool>(),
            prop::sample::select(vec!["h", "H", "a.test", "A.Test"]).prop_map(String::from),
            prop::sample::select(vec![80u16, 443, 8443]),
            0u8..3,
            prop::sample::select(vec!["p", "P", "q"]).prop_map(String::from),
            prop::sample::select(vec![3128u16, 8080]),
        )
    }

    fn key(parts: &(bool, String, u16, u8, String, u16)) -> Key<'_> {
        let (tls, host, port, via, proxy_host, proxy_port) = parts;
        Key {
            scheme: if *tls { Scheme::Https } else { Scheme::Http },
            host,
            port: *port,
            via: match via {
                0 => Via::Direct,
                1 => Via::Forward,
                _ => Via::Tunnel {
                    proxy_host,
                    proxy_port: *proxy_port,
                },
            },
        }
    }

    proptest! {
        /// A stored route matches a looked-up one exactly when the model says they are the same
        /// route: same scheme (a plain and a TLS connection never stand in for each other),
        /// host (case-insensitive), port and way there.
        #[test]
        fn a_route_matches_exactly_the_same_route(a in key_parts(), b in key_parts()) {
            let (ka, kb) = (key(&a), key(&b));
            prop_assert_eq!(OwnedKey::new(&ka).matches(&kb), model(&ka) == model(&kb));
            prop_assert!(OwnedKey::new(&ka).matches(&ka));
        }
    }
}
