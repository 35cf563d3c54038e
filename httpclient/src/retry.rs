//! Retries: gohttp's `Client.Do(req, retry)` count, with a backoff, for requests safe to repeat.
//!
//! gohttp sends again, up to `retry` more times, when `client.Do` returned an error, and stops at
//! the first `200`. We keep the count and add what makes it safe against real services:
//!
//! - **Only requests safe to repeat.** Go's rule (`Request.isReplayable`, Go 1.19
//!   `src/net/http/request.go` lines 1435-1449): the body can be sent again (no body, or bytes in
//!   memory — not a stream), and the method is GET, HEAD, OPTIONS or TRACE, or the request
//!   carries an `Idempotency-Key` / `X-Idempotency-Key` header. PUT and DELETE are idempotent by
//!   RFC 9110 but not on Go's list (a PUT may carry a version check whose second run fails
//!   differently); we keep Go's list. `retry_non_idempotent(true)` or
//!   `retry_if_closed(true)` opt a POST in; nothing opts a stream body in.
//! - **Only failures worth repeating**: the connection could not be made (or its TLS handshake
//!   timed out), was closed, or went silent past `read_timeout`; or the server answered one of the retry statuses (502, 503,
//!   504 by default). A malformed response, a body over the limit, a bad URL, are answers, not
//!   accidents: they fail at once.
//! - **A backoff** between attempts, doubling from `base` up to `max` (no jitter: tests and
//!   benches stay deterministic). The total `timeout` still bounds everything.
//! - **A clear error** after the last try: `RetriesExhausted { attempts, last }`.

use std::time::Duration;

use http::header::HeaderName;
use http::{HeaderMap, Method, StatusCode};

use crate::body::Body;
use crate::error::{ErrorKind, Timeout};

/// How a client retries.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt; 0 = gohttp's `Do(req, 0)`: one attempt.
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
    pub statuses: Vec<StatusCode>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 0,
            base: Duration::from_millis(100),
            max: Duration::from_secs(2),
            statuses: vec![
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::GATEWAY_TIMEOUT,
            ],
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (1-based): base, 2·base, 4·base ... capped at max.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
    }
}

// ANCHOR: retryable
/// Failures that say nothing about the request itself: the same request may well succeed.
pub(crate) fn is_retryable(kind: &ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Connect(_)
            | ErrorKind::Timeout(Timeout::Connect | Timeout::Handshake | Timeout::Read)
            | ErrorKind::Closed(_)
            | ErrorKind::Io(_)
    )
}

/// Whether sending this request twice is harmless (see the module doc): Go's `isReplayable`,
/// plus the caller's opt-in for non-idempotent methods.
pub(crate) fn is_safe(method: &Method, headers: &HeaderMap, body: &Body, opt_in: bool) -> bool {
    const KEYS: [HeaderName; 2] = [
        HeaderName::from_static("idempotency-key"),
        HeaderName::from_static("x-idempotency-key"),
    ];
    body.is_replayable()
        && (opt_in
            || matches!(
                *method,
                Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
            )
            || KEYS.iter().any(|k| headers.contains_key(k)))
}
// ANCHOR_END: retryable

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            base: Duration::from_millis(10),
            max: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        let got: Vec<u128> = (1..=5).map(|n| p.delay(n).as_millis()).collect();
        assert_eq!(got, [10, 20, 40, 50, 50]);
        assert_eq!(p.delay(200), Duration::from_millis(50));
    }

    #[test]
    fn safety_follows_go() {
        let empty = Body::Bytes(Bytes::new());
        let none = HeaderMap::new();
        assert!(is_safe(&Method::GET, &none, &empty, false));
        assert!(
            !is_safe(&Method::PUT, &none, &empty, false),
            "not on Go's list"
        );
        assert!(is_safe(&Method::OPTIONS, &none, &empty, false));
        assert!(!is_safe(&Method::POST, &none, &empty, false));
        assert!(is_safe(&Method::POST, &none, &empty, true));
        let mut keyed = HeaderMap::new();
        keyed.insert("idempotency-key", "k1".parse().unwrap());
        assert!(is_safe(&Method::POST, &keyed, &empty, false));
        let stream = Body::Stream(Box::pin(futures_util::stream::empty()));
        assert!(!is_safe(&Method::GET, &none, &stream, true));
    }
}
