//! The `Date` response header, formatted at most once a second per thread.
//!
//! Go formats the date for every response; hyper caches it. Formatting an HTTP date costs more than
//! the rest of a hello-world response, so we keep the last one per thread and reuse it until the
//! second changes.
//!
//! The cache is keyed on the monotonic [`Instant`] the caller already read for the response (the
//! connection reuses that same reading to start its idle timeout), so a cache hit costs no clock
//! read at all. The wall clock is read only when a new second begins.

use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

struct Cached {
    /// The text is valid until this instant: the start of the next wall-clock second.
    until: Option<Instant>,
    text: String,
}

thread_local! {
    static CACHED: RefCell<Cached> = const {
        RefCell::new(Cached { until: None, text: String::new() })
    };
}

/// Appends the HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) of the moment `now` to `out`.
pub(crate) fn append(out: &mut Vec<u8>, now: Instant) {
    CACHED.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.until.is_none_or(|until| now >= until) {
            let wall = SystemTime::now();
            let into_second = wall
                .duration_since(UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            cached.until =
                Some(now + (Duration::from_secs(1) - Duration::from_nanos(into_second.into())));
            cached.text = httpdate::fmt_http_date(wall);
        }
        out.extend_from_slice(cached.text.as_bytes());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_todays_and_reused_within_the_second() {
        let now = Instant::now();
        let mut first = Vec::new();
        append(&mut first, now);
        let text = String::from_utf8(first.clone()).unwrap();
        let parsed = httpdate::parse_http_date(&text).unwrap();
        let skew = SystemTime::now()
            .duration_since(parsed)
            .unwrap_or_else(|e| e.duration());
        assert!(skew < Duration::from_secs(5), "{text} is not now");

        let mut again = Vec::new();
        append(&mut again, now);
        assert_eq!(first, again);

        // A reading two seconds on is past the cached second: the wall clock is read again and
        // the new text is valid from there.
        let mut later = Vec::new();
        append(&mut later, now + Duration::from_secs(2));
        assert_eq!(later.len(), first.len());
        CACHED.with(|c| assert!(c.borrow().until.unwrap() > now + Duration::from_secs(2)));
    }
}
