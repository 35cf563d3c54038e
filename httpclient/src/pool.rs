//! The keep-alive pool: idle connections, per host, waiting for the next request.
//!
//! Go's `Transport` keeps `idleConn map[connectMethodKey][]*persistConn`; so do we, with two
//! simplifications that fit a client talking to a handful of hosts:
//!
//! - The "map" is a `Vec` scanned linearly, keyed by (host, port) compared in place. For a few
//!   hosts a scan beats hashing, and looking up with a borrowed `&str` allocates nothing.
//! - Each host's idle list is a stack. The most recently used connection is taken first (it is
//!   the least likely to have been closed by the server), so the oldest sit at the bottom —
//!   and because `idle_since` only grows towards the top, finding one expired connection means
//!   everything below it is expired too, and the whole rest can be dropped at once.
//!
//! Expired connections are dropped lazily, when the host is next used, instead of by a timer
//! per connection as in Go; an idle socket may therefore outlive `idle_timeout` until then.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::conn::Conn;

/// Idle connections to one `host:port`.
#[derive(Debug)]
struct HostIdle {
    host: Box<str>,
    port: u16,
    /// Oldest at index 0, most recently returned at the end.
    idle: Vec<Conn>,
}

/// All idle connections of one client.
#[derive(Debug)]
pub(crate) struct Pool {
    hosts: Mutex<Vec<HostIdle>>,
    max_idle_per_host: usize,
    idle_timeout: Duration,
}

impl Pool {
    pub fn new(max_idle_per_host: usize, idle_timeout: Duration) -> Pool {
        Pool {
            hosts: Mutex::new(Vec::new()),
            max_idle_per_host,
            idle_timeout,
        }
    }

    /// Whether connections are kept at all (`max_idle_per_host == 0` turns keep-alive off).
    pub fn enabled(&self) -> bool {
        self.max_idle_per_host > 0
    }

    // ANCHOR: take
    /// Takes the most recently used live connection to `host:port`, if any.
    pub fn take(&self, host: &str, port: u16) -> Option<Conn> {
        let mut hosts = self.lock();
        let entry = hosts
            .iter_mut()
            .find(|h| h.port == port && h.host.eq_ignore_ascii_case(host))?;
        while let Some(conn) = entry.idle.pop() {
            if conn.idle_since.elapsed() > self.idle_timeout {
                // Everything below is older still.
                entry.idle.clear();
                return None;
            }
            if conn.is_closed_or_dirty() {
                continue;
            }
            return Some(conn);
        }
        None
    }

    // ANCHOR_END: take

    /// Returns a connection after a complete exchange. Dropped (closed) when the host already
    /// has `max_idle_per_host` idle connections — Go's `errTooManyIdleHost`.
    pub fn put(&self, host: &str, port: u16, mut conn: Conn) {
        if !self.enabled() {
            return;
        }
        let now = Instant::now();
        conn.idle_since = now;
        let mut hosts = self.lock();
        let index = match hosts
            .iter()
            .position(|h| h.port == port && h.host.eq_ignore_ascii_case(host))
        {
            Some(i) => i,
            None => {
                hosts.push(HostIdle {
                    host: host.into(),
                    port,
                    idle: Vec::with_capacity(self.max_idle_per_host.min(16)),
                });
                hosts.len() - 1
            }
        };
        let entry = &mut hosts[index];
        // Sweep the expired ones at the bottom while we are here.
        let expired = entry
            .idle
            .iter()
            .take_while(|c| now.duration_since(c.idle_since) > self.idle_timeout)
            .count();
        entry.idle.drain(..expired);
        if entry.idle.len() < self.max_idle_per_host {
            entry.idle.push(conn);
        }
    }

    /// How many idle connections the pool holds, over all hosts.
    pub fn idle_count(&self) -> usize {
        self.lock().iter().map(|h| h.idle.len()).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<HostIdle>> {
        // A panic while holding this lock cannot leave the Vec half-updated in a way that
        // matters (at worst a connection is lost), so a poisoned lock is simply taken over.
        self.hosts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
