//! Conditional requests: Go's `checkPreconditions` and the five checks it is made of.
//!
//! RFC 9110 §13.2.2 fixes the order, and Go follows it step by step:
//!
//! 1. `If-Match` (strong tag comparison), or when absent `If-Unmodified-Since`: false → 412;
//! 2. `If-None-Match` (weak comparison): false → 304 for GET/HEAD, 412 otherwise; when absent,
//!    `If-Modified-Since` (GET/HEAD only): false → 304;
//! 3. `If-Range`: false → the `Range` header is ignored and the whole content sent.
//!
//! Each check answers [`Cond::None`] when its header is absent or unusable, so a malformed date is
//! as good as no header. Dates compare at whole seconds because `Last-Modified` carries no more.

use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{self, HeaderMap};
use http::{Method, StatusCode};

use crate::ResponseWriter;

/// The outcome of one precondition (Go's `condResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    /// The header is absent or could not be used.
    None,
    /// The condition holds.
    True,
    /// The condition fails.
    False,
}

/// What [`check_preconditions`] decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Preconditions {
    /// A 304 or 412 was written; the response is complete.
    Done,
    /// Serve the content; the `Range` header to honour (empty: send everything).
    Serve(String),
}

/// A header's first value as text (Go's `Header.Get`); bytes that are not UTF-8 are replaced.
fn get(h: &HeaderMap, name: header::HeaderName) -> String {
    h.get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// Go's `textproto.TrimString`.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// The entity tag at the start of `s` and what follows it (Go's `scanETag`), or `None` when no
/// valid `"..."` or `W/"..."` starts there.
pub fn scan_etag(s: &str) -> Option<(&str, &str)> {
    let s = trim(s);
    let start = if s.starts_with("W/") { 2 } else { 0 };
    let b = s.as_bytes();
    if b.len() - start < 2 || b[start] != b'"' {
        return None;
    }
    for (i, &c) in b.iter().enumerate().skip(start + 1) {
        match c {
            0x21 | 0x23..=0x7E | 0x80..=0xFF => {}
            b'"' => return Some((&s[..i + 1], &s[i + 1..])),
            _ => return None,
        }
    }
    None
}

/// Strong comparison: identical and not weak.
pub fn etag_strong_match(a: &str, b: &str) -> bool {
    a == b && a.starts_with('"')
}

/// Weak comparison: identical once any `W/` prefix is dropped.
pub fn etag_weak_match(a: &str, b: &str) -> bool {
    a.strip_prefix("W/").unwrap_or(a) == b.strip_prefix("W/").unwrap_or(b)
}

/// Walks a comma-separated list of tags: `Some(true)` as soon as `matches` accepts one (or on
/// `*`), `Some(false)` once the list is used up or stops parsing.
fn any_tag(list: &str, matches: impl Fn(&str) -> bool) -> bool {
    let mut rest = list;
    loop {
        rest = trim(rest);
        if rest.is_empty() {
            return false;
        }
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
            continue;
        }
        if rest.starts_with('*') {
            return true;
        }
        let Some((tag, remain)) = scan_etag(rest) else {
            return false;
        };
        if matches(tag) {
            return true;
        }
        rest = remain;
    }
}

/// Go's `checkIfMatch`.
pub fn check_if_match(req: &HeaderMap, etag: &str) -> Cond {
    let im = get(req, header::IF_MATCH);
    if im.is_empty() {
        return Cond::None;
    }
    if any_tag(&im, |t| etag_strong_match(t, etag)) {
        Cond::True
    } else {
        Cond::False
    }
}

/// Go's `checkIfNoneMatch`.
pub fn check_if_none_match(req: &HeaderMap, etag: &str) -> Cond {
    let inm = get(req, header::IF_NONE_MATCH);
    if inm.is_empty() {
        return Cond::None;
    }
    if any_tag(&inm, |t| etag_weak_match(t, etag)) {
        Cond::False
    } else {
        Cond::True
    }
}

/// Go's `isZeroTime`: no time, or the Unix epoch, both meaning "unknown".
pub fn is_zero_time(t: Option<SystemTime>) -> bool {
    t.is_none_or(|t| t == UNIX_EPOCH)
}

/// Whole seconds since the epoch, rounded down (Go's `Truncate(time.Second)` then `Unix()`).
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => {
            let d = e.duration();
            -(d.as_secs() as i64) - i64::from(d.subsec_nanos() > 0)
        }
    }
}

/// An HTTP date in any of the three formats Go's `ParseTime` accepts, as Unix seconds.
fn parse_date(s: &str) -> Option<i64> {
    httpdate::parse_http_date(s).ok().map(unix_seconds)
}

/// Go's `checkIfUnmodifiedSince`.
pub fn check_if_unmodified_since(req: &HeaderMap, modtime: Option<SystemTime>) -> Cond {
    let ius = get(req, header::IF_UNMODIFIED_SINCE);
    if ius.is_empty() || is_zero_time(modtime) {
        return Cond::None;
    }
    let (Some(t), Some(m)) = (parse_date(&ius), modtime) else {
        return Cond::None;
    };
    if unix_seconds(m) <= t {
        Cond::True
    } else {
        Cond::False
    }
}

/// Go's `checkIfModifiedSince`.
pub fn check_if_modified_since(
    method: &Method,
    req: &HeaderMap,
    modtime: Option<SystemTime>,
) -> Cond {
    if method != Method::GET && method != Method::HEAD {
        return Cond::None;
    }
    let ims = get(req, header::IF_MODIFIED_SINCE);
    if ims.is_empty() || is_zero_time(modtime) {
        return Cond::None;
    }
    let (Some(t), Some(m)) = (parse_date(&ims), modtime) else {
        return Cond::None;
    };
    if unix_seconds(m) <= t {
        Cond::False
    } else {
        Cond::True
    }
}

/// Go's `checkIfRange`: a tag must match strongly, a date exactly to the second.
pub fn check_if_range(
    method: &Method,
    req: &HeaderMap,
    etag: &str,
    modtime: Option<SystemTime>,
) -> Cond {
    if method != Method::GET && method != Method::HEAD {
        return Cond::None;
    }
    let ir = get(req, header::IF_RANGE);
    if ir.is_empty() {
        return Cond::None;
    }
    if let Some((tag, _)) = scan_etag(&ir) {
        return if etag_strong_match(tag, etag) {
            Cond::True
        } else {
            Cond::False
        };
    }
    let (Some(m), Some(t)) = (modtime, parse_date(&ir)) else {
        return Cond::False;
    };
    if unix_seconds(m) == t {
        Cond::True
    } else {
        Cond::False
    }
}

/// Go's `writeNotModified`: a 304 keeps only what guides caches, so the body's type and length
/// go, and `Last-Modified` too when an `ETag` already identifies the version.
pub fn write_not_modified(w: &mut ResponseWriter) {
    let h = w.header_mut();
    h.remove(header::CONTENT_TYPE);
    h.remove(header::CONTENT_LENGTH);
    h.remove(header::CONTENT_ENCODING);
    if h.get(header::ETAG).is_some_and(|v| !v.is_empty()) {
        h.remove(header::LAST_MODIFIED);
    }
    w.write_header(StatusCode::NOT_MODIFIED);
}

/// The response's own `ETag`, which the handler set before calling `serve_content`.
fn response_etag(w: &ResponseWriter) -> String {
    get(w.header(), header::ETAG)
}

// ANCHOR: preconditions
/// Go's `checkPreconditions`, in RFC 9110's order (see the module comment).
pub fn check_preconditions(
    w: &mut ResponseWriter,
    method: &Method,
    req: &HeaderMap,
    modtime: Option<SystemTime>,
) -> Preconditions {
    let etag = response_etag(w);
    let mut ch = check_if_match(req, &etag);
    if ch == Cond::None {
        ch = check_if_unmodified_since(req, modtime);
    }
    if ch == Cond::False {
        w.write_header(StatusCode::PRECONDITION_FAILED);
        return Preconditions::Done;
    }
    let get_or_head = method == Method::GET || method == Method::HEAD;
    match check_if_none_match(req, &etag) {
        Cond::False if get_or_head => {
            write_not_modified(w);
            return Preconditions::Done;
        }
        Cond::False => {
            w.write_header(StatusCode::PRECONDITION_FAILED);
            return Preconditions::Done;
        }
        Cond::None if check_if_modified_since(method, req, modtime) == Cond::False => {
            write_not_modified(w);
            return Preconditions::Done;
        }
        _ => {}
    }
    let mut range = get(req, header::RANGE);
    if !range.is_empty() && check_if_range(method, req, &etag, modtime) == Cond::False {
        range.clear();
    }
    Preconditions::Serve(range)
}
// ANCHOR_END: preconditions

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use std::time::Duration;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn scan_etag_cases() {
        assert_eq!(scan_etag(r#""abc" , x"#), Some((r#""abc""#, " , x")));
        assert_eq!(scan_etag(r#"W/"a""#), Some((r#"W/"a""#, "")));
        assert_eq!(scan_etag(r#""a b""#), None); // space is not an etagc
        assert_eq!(scan_etag(r#""abc"#), None);
        assert_eq!(scan_etag("abc"), None);
        assert_eq!(scan_etag("W/"), None);
    }

    #[test]
    fn if_match_is_strong_and_if_none_match_weak() {
        let im = headers(&[(header::IF_MATCH, r#"W/"x", "y""#)]);
        assert_eq!(check_if_match(&im, r#""y""#), Cond::True);
        assert_eq!(check_if_match(&im, r#""x""#), Cond::False);
        assert_eq!(check_if_match(&im, r#"W/"x""#), Cond::False);
        let star = headers(&[(header::IF_MATCH, "*")]);
        assert_eq!(check_if_match(&star, ""), Cond::True);
        let inm = headers(&[(header::IF_NONE_MATCH, r#"W/"x""#)]);
        assert_eq!(check_if_none_match(&inm, r#""x""#), Cond::False);
        assert_eq!(check_if_none_match(&inm, r#""z""#), Cond::True);
        assert_eq!(check_if_none_match(&HeaderMap::new(), "x"), Cond::None);
    }

    #[test]
    fn dates_compare_at_whole_seconds() {
        let m = UNIX_EPOCH + Duration::from_millis(1_000_000_000_500);
        let same = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(1_000_000_000));
        let before = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(999_999_999));
        let ims = headers(&[(header::IF_MODIFIED_SINCE, &same)]);
        assert_eq!(
            check_if_modified_since(&Method::GET, &ims, Some(m)),
            Cond::False
        );
        assert_eq!(
            check_if_modified_since(&Method::POST, &ims, Some(m)),
            Cond::None
        );
        assert_eq!(
            check_if_modified_since(&Method::GET, &ims, None),
            Cond::None
        );
        let ims = headers(&[(header::IF_MODIFIED_SINCE, &before)]);
        assert_eq!(
            check_if_modified_since(&Method::GET, &ims, Some(m)),
            Cond::True
        );
        let ius = headers(&[(header::IF_UNMODIFIED_SINCE, &before)]);
        assert_eq!(check_if_unmodified_since(&ius, Some(m)), Cond::False);
        let bad = headers(&[(header::IF_UNMODIFIED_SINCE, "yesterday")]);
        assert_eq!(check_if_unmodified_since(&bad, Some(m)), Cond::None);
        let ir = headers(&[(header::IF_RANGE, &same)]);
        assert_eq!(check_if_range(&Method::GET, &ir, "", Some(m)), Cond::True);
        let ir = headers(&[(header::IF_RANGE, &before)]);
        assert_eq!(check_if_range(&Method::GET, &ir, "", Some(m)), Cond::False);
        let ir = headers(&[(header::IF_RANGE, r#""t""#)]);
        assert_eq!(
            check_if_range(&Method::GET, &ir, r#""t""#, Some(m)),
            Cond::True
        );
        assert_eq!(
            check_if_range(&Method::GET, &ir, r#"W/"t""#, Some(m)),
            Cond::False
        );
    }

    #[test]
    fn epoch_is_an_unknown_time() {
        assert!(is_zero_time(None));
        assert!(is_zero_time(Some(UNIX_EPOCH)));
        assert!(!is_zero_time(Some(UNIX_EPOCH + Duration::from_secs(1))));
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(1)), -1);
    }
}
