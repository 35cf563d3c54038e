//! `Range: bytes=...` requests: Go's `parseRange` and the `multipart/byteranges` framing.
//!
//! [`parse_range`] turns the header into byte ranges clipped to the content's size, exactly as
//! Go's `parseRange` does (suffix ranges, open ends, ranges past the end dropped, any syntax error
//! refusing the whole header). A header with more than [`MAX_RANGES`] ranges is ignored, Go's
//! default for `httpservecontentmaxranges`. Several ranges are sent as a `multipart/byteranges`
//! body whose every byte is computed in advance ([`multipart_size`]), so the response still
//! carries a `Content-Length` and never needs chunking.

use std::fmt::Write as _;

/// A header with more ranges than this is ignored and the whole content sent (Go 1.27's default
/// of `httpservecontentmaxranges`).
pub const MAX_RANGES: usize = 200;

/// One satisfiable byte range: `length` bytes from `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    /// The offset of the first byte.
    pub start: u64,
    /// How many bytes.
    pub length: u64,
}

impl ByteRange {
    /// The `Content-Range` value for this range of content of `size` bytes.
    pub fn content_range(&self, size: u64) -> String {
        // Signed, as in Go: the zero-length range `-0` of empty content reads `bytes 0--1/0`.
        let last = self.start as i128 + self.length as i128 - 1;
        format!("bytes {}-{last}/{size}", self.start)
    }
}

/// Why a `Range` header was refused; both answers are 416.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// The header does not parse (Go's "invalid range").
    Invalid,
    /// Every range starts at or past the end (Go's `errNoOverlap`).
    NoOverlap,
}

impl RangeError {
    /// The message Go's error carries, which becomes the 416 body.
    pub fn message(self) -> &'static str {
        match self {
            RangeError::Invalid => "invalid range",
            RangeError::NoOverlap => "invalid range: failed to overlap",
        }
    }
}

/// Go's `textproto.TrimString`: ASCII space and tab trimmed (and CR, LF).
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// Go's `strconv.ParseInt(s, 10, 64)` for the non-negative values a range may hold: an optional
/// sign, then decimal digits that fit an `i64`.
fn parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = if let Some(d) = s.strip_prefix('-') {
        (true, d)
    } else {
        (false, s.strip_prefix('+').unwrap_or(s))
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(if negative { -v } else { v })
}

/// Parses a `Range` header against content of `size` bytes (Go's `parseRange`).
///
/// `Ok(vec![])` means "no ranges": the header was empty, held only empty elements, or had too
/// many ranges, and the whole content is sent.
pub fn parse_range(s: &str, size: u64) -> Result<Vec<ByteRange>, RangeError> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let Some(spec) = s.strip_prefix("bytes=") else {
        return Err(RangeError::Invalid);
    };
    if spec.matches(',').count() + 1 > MAX_RANGES {
        return Ok(Vec::new());
    }
    let size_i = size.min(i64::MAX as u64) as i64;
    let mut ranges = Vec::new();
    let mut no_overlap = false;
    for ra in spec.split(',') {
        let ra = trim(ra);
        if ra.is_empty() {
            continue;
        }
        let Some((start, end)) = ra.split_once('-') else {
            return Err(RangeError::Invalid);
        };
        let (start, end) = (trim(start), trim(end));
        let r = if start.is_empty() {
            // `-N`: the last N bytes.
            if end.is_empty() || end.starts_with('-') {
                return Err(RangeError::Invalid);
            }
            let n = parse_int(end)
                .filter(|&n| n >= 0)
                .ok_or(RangeError::Invalid)?;
            let n = n.min(size_i);
            ByteRange {
                start: (size_i - n) as u64,
                length: n as u64,
            }
        } else {
            let first = parse_int(start)
                .filter(|&n| n >= 0)
                .ok_or(RangeError::Invalid)?;
            if first >= size_i {
                no_overlap = true;
                continue;
            }
            let length = if end.is_empty() {
                size_i - first
            } else {
                let last = parse_int(end)
                    .filter(|&last| first <= last)
                    .ok_or(RangeError::Invalid)?;
                last.min(size_i - 1) - first + 1
            };
            ByteRange {
                start: first as u64,
                length: length as u64,
            }
        };
        ranges.push(r);
    }
    if no_overlap && ranges.is_empty() {
        return Err(RangeError::NoOverlap);
    }
    Ok(ranges)
}

/// The sum of the ranges' lengths: more than the content itself means a hostile or confused
/// client, and Go then ignores the header.
pub fn total_length(ranges: &[ByteRange]) -> u64 {
    ranges.iter().map(|r| r.length).sum()
}

/// The head of one part of a `multipart/byteranges` body, as Go's `mime/multipart` writes it:
/// the boundary line (preceded by CRLF after the first part) and the part's headers in sorted
/// order (`Content-Range` before `Content-Type`), then the blank line.
pub fn part_head(
    boundary: &str,
    first: bool,
    range: &ByteRange,
    content_type: &str,
    size: u64,
) -> String {
    let mut s = String::with_capacity(boundary.len() + content_type.len() + 80);
    if !first {
        s.push_str("\r\n");
    }
    let _ = write!(
        s,
        "--{boundary}\r\nContent-Range: {}\r\nContent-Type: {content_type}\r\n\r\n",
        range.content_range(size)
    );
    s
}

/// The closing boundary of a `multipart/byteranges` body.
pub fn closing(boundary: &str) -> String {
    format!("\r\n--{boundary}--\r\n")
}

/// The exact byte length of the multipart body for `ranges` (Go's `rangesMIMESize`).
pub fn multipart_size(ranges: &[ByteRange], boundary: &str, content_type: &str, size: u64) -> u64 {
    let heads: u64 = ranges
        .iter()
        .enumerate()
        .map(|(i, r)| part_head(boundary, i == 0, r, content_type, size).len() as u64)
        .sum();
    heads + total_length(ranges) + closing(boundary).len() as u64
}

/// A fresh boundary: 60 hex digits like Go's (30 random bytes), so a multipart response has the
/// same length as Go's. Randomness comes from std's per-process hash keys and a counter; it
/// needs to be unpredictable enough not to occur in the content, not cryptographic.
pub fn new_boundary() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = String::with_capacity(64);
    for i in 0..4u64 {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u64(i);
        let _ = write!(out, "{:016x}", h.finish());
    }
    out.truncate(60);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u64, length: u64) -> ByteRange {
        ByteRange { start, length }
    }

    /// A header, the content size, and what `parse_range` must say.
    type Case = (&'static str, u64, Result<Vec<ByteRange>, RangeError>);

    #[test]
    fn go_parse_range_cases() {
        use RangeError::*;
        let cases: &[Case] = &[
            ("", 0, Ok(vec![])),
            ("", 1000, Ok(vec![])),
            ("foo", 0, Err(Invalid)),
            ("bytes=", 0, Ok(vec![])),
            ("bytes=7", 10, Err(Invalid)),
            ("bytes= 7 ", 10, Err(Invalid)),
            ("bytes=1-", 0, Err(NoOverlap)),
            ("bytes=5-4", 10, Err(Invalid)),
            ("bytes=0-2,5-4", 10, Err(Invalid)),
            ("bytes=2-5,4-3", 10, Err(Invalid)),
            ("bytes=--5,4--3", 10, Err(Invalid)),
            ("bytes=A-", 10, Err(Invalid)),
            ("bytes=A- ", 10, Err(Invalid)),
            ("bytes=A-Z", 10, Err(Invalid)),
            ("bytes= -Z", 10, Err(Invalid)),
            ("bytes=5-Z", 10, Err(Invalid)),
            ("bytes=Ran-dom, garbage", 10, Err(Invalid)),
            ("bytes=0x01-0x02", 10, Err(Invalid)),
            ("bytes=         ", 10, Ok(vec![])),
            ("bytes= , , ,   ", 10, Ok(vec![])),
            ("bytes=0-9", 10, Ok(vec![r(0, 10)])),
            ("bytes=0-", 10, Ok(vec![r(0, 10)])),
            ("bytes=5-", 10, Ok(vec![r(5, 5)])),
            ("bytes=0-20", 10, Ok(vec![r(0, 10)])),
            ("bytes=15-,0-5", 10, Ok(vec![r(0, 6)])),
            ("bytes=1-2,5-", 10, Ok(vec![r(1, 2), r(5, 5)])),
            ("bytes=-2 , 7-", 11, Ok(vec![r(9, 2), r(7, 4)])),
            (
                "bytes=0-0 ,2-2, 7-",
                11,
                Ok(vec![r(0, 1), r(2, 1), r(7, 4)]),
            ),
            ("bytes=-5", 10, Ok(vec![r(5, 5)])),
            ("bytes=-15", 10, Ok(vec![r(0, 10)])),
            ("bytes=0-499", 10000, Ok(vec![r(0, 500)])),
            ("bytes=500-999", 10000, Ok(vec![r(500, 500)])),
            ("bytes=-500", 10000, Ok(vec![r(9500, 500)])),
            ("bytes=9500-", 10000, Ok(vec![r(9500, 500)])),
            ("bytes=0-0,-1", 10000, Ok(vec![r(0, 1), r(9999, 1)])),
            (
                "bytes=500-600,601-999",
                10000,
                Ok(vec![r(500, 101), r(601, 399)]),
            ),
            (
                "bytes=500-700,601-999",
                10000,
                Ok(vec![r(500, 201), r(601, 399)]),
            ),
            // Go's own quirks: a suffix of 0 is a zero-length range, `-0` of empty content too.
            ("bytes=-0", 10, Ok(vec![r(10, 0)])),
            ("bytes=10-", 10, Err(NoOverlap)),
            ("bytes=-0", 0, Ok(vec![r(0, 0)])),
            ("bytes=+1-+2", 10, Ok(vec![r(1, 2)])),
        ];
        for (header, size, want) in cases {
            assert_eq!(&parse_range(header, *size), want, "{header:?} of {size}");
        }
    }

    #[test]
    fn too_many_ranges_are_ignored() {
        let many = format!("bytes={}", vec!["0-0"; MAX_RANGES + 1].join(","));
        assert_eq!(parse_range(&many, 10), Ok(vec![]));
        let max = format!("bytes={}", vec!["0-0"; MAX_RANGES].join(","));
        assert_eq!(parse_range(&max, 10).unwrap().len(), MAX_RANGES);
    }

    #[test]
    fn multipart_size_counts_every_byte() {
        let ranges = [r(0, 3), r(5, 2)];
        let b = new_boundary();
        assert_eq!(b.len(), 60);
        let mut body = String::new();
        for (i, ra) in ranges.iter().enumerate() {
            body.push_str(&part_head(&b, i == 0, ra, "text/plain", 10));
            body.push_str(&"x".repeat(ra.length as usize));
        }
        body.push_str(&closing(&b));
        assert_eq!(
            multipart_size(&ranges, &b, "text/plain", 10),
            body.len() as u64
        );
        assert_ne!(new_boundary(), b);
        assert_eq!(r(0, 0).content_range(0), "bytes 0--1/0");
    }
}
