//! The `Date` response header, formatted at most once a second per thread.
//!
//! Go formats the date for every response; hyper caches it. Formatting an HTTP date costs more than
//! the rest of a hello-world response, so we keep the last one per thread and reuse it until the
//! second changes.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    static CACHED: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// Appends the current HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) to `out`.
pub(crate) fn append_now(out: &mut Vec<u8>) {
    let now = SystemTime::now();
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    CACHED.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.0 != secs {
            cached.0 = secs;
            cached.1 = httpdate::fmt_http_date(now);
        }
        out.extend_from_slice(cached.1.as_bytes());
    });
}
