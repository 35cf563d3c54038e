//! Counting the connections that were accepted but have not sent a byte yet.
//!
//! `servemux::Server::shutdown` closes every connection that is not in the middle of a request,
//! including one accepted a moment ago whose request is still on its way: that client would see
//! its fresh connection closed unanswered. Go's `Shutdown` spares such connections for 5 seconds.
//! We get the same effect from the outside: after the accept loops stop, we wait until no
//! connection is still `New` (or a grace period passes), and only then call `shutdown`.
//!
//! The server reports state changes through its `ConnState` hook, keyed by the client's address.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use servemux::{ConnState, ConnStateHook};
use tokio::sync::Notify;

/// Connections in the `New` state, by client address.
#[derive(Default)]
pub(crate) struct Fresh {
    count: AtomicUsize,
    by_addr: Mutex<HashMap<SocketAddr, usize>>,
    left_new: Notify,
}

impl Fresh {
    /// The hook to give the server.
    pub(crate) fn hook(self: &Arc<Self>) -> ConnStateHook {
        let fresh = self.clone();
        Arc::new(move |addr, state| fresh.on_state(addr, state))
    }

    fn on_state(&self, addr: SocketAddr, state: ConnState) {
        match state {
            ConnState::New => {
                let mut map = self.by_addr.lock().unwrap_or_else(|e| e.into_inner());
                *map.entry(addr).or_insert(0) += 1;
                self.count.fetch_add(1, Ordering::AcqRel);
            }
            ConnState::Active | ConnState::Closed | ConnState::Hijacked => {
                // The common case, a request on a connection that left `New` long ago, costs one
                // atomic load. (A connection's own `New` happens before its later states, so if
                // it is still counted the load sees it.)
                if self.count.load(Ordering::Acquire) == 0 {
                    return;
                }
                let mut map = self.by_addr.lock().unwrap_or_else(|e| e.into_inner());
                if let Entry::Occupied(mut entry) = map.entry(addr) {
                    *entry.get_mut() -= 1;
                    if *entry.get() == 0 {
                        entry.remove();
                    }
                    self.count.fetch_sub(1, Ordering::AcqRel);
                    self.left_new.notify_waiters();
                }
            }
            ConnState::Idle => {}
        }
    }

    /// How many connections are `New` right now.
    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Waits until no connection is `New`, at most `limit`. Returns how many still are.
    pub(crate) async fn wait_none(&self, limit: Duration) -> usize {
        let _ = tokio::time::timeout(limit, async {
            loop {
                let left = self.left_new.notified();
                tokio::pin!(left);
                left.as_mut().enable();
                if self.count() == 0 {
                    return;
                }
                left.await;
            }
        })
        .await;
        self.count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn counts_connections_until_their_first_request_or_close() {
        let fresh = Arc::new(Fresh::default());
        let hook = fresh.hook();
        hook(addr(1), ConnState::New);
        hook(addr(2), ConnState::New);
        assert_eq!(fresh.count(), 2);
        hook(addr(1), ConnState::Active);
        assert_eq!(fresh.count(), 1);
        // Later states of a connection that already left `New` change nothing.
        hook(addr(1), ConnState::Idle);
        hook(addr(1), ConnState::Active);
        hook(addr(1), ConnState::Closed);
        assert_eq!(fresh.count(), 1);
        hook(addr(2), ConnState::Closed);
        assert_eq!(fresh.count(), 0);
        // A state for an unknown connection is ignored, not underflowed.
        hook(addr(3), ConnState::Active);
        assert_eq!(fresh.count(), 0);
    }

    #[tokio::test]
    async fn waits_for_new_connections_then_gives_up_at_the_limit() {
        let fresh = Arc::new(Fresh::default());
        let hook = fresh.hook();
        assert_eq!(fresh.wait_none(Duration::from_secs(5)).await, 0);

        hook(addr(1), ConnState::New);
        let later = hook.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            later(addr(1), ConnState::Active);
        });
        assert_eq!(fresh.wait_none(Duration::from_secs(5)).await, 0);

        hook(addr(2), ConnState::New);
        assert_eq!(fresh.wait_none(Duration::from_millis(20)).await, 1);
    }
}
