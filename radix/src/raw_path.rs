//! Go's `URL.RawPath` and `url.PathUnescape`, for the engine's `UseRawPath` option.
//!
//! Go keeps the path as sent in `RawPath` only when it is not what escaping the decoded path
//! would give back (`/a%20b` re-escapes to itself, `/a%2Fb` does not: its decoded form `/a/b`
//! has lost which slash was data). gin's `UseRawPath` routes on `RawPath` only then, so
//! `/user/a%2Fb` can match `/user/:name` with `name` = `a/b`.

use servemux::Request;

/// Go's `shouldEscape(c, encodePath)`.
fn should_escape(c: u8) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'$'
                | b'&'
                | b'+'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'='
                | b'@'
        ))
}

/// Go's `escape(path, encodePath)`.
pub fn escape_path(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if should_escape(b) {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        } else {
            out.push(b as char);
        }
    }
    out
}

/// The request's `RawPath` as Go's `URL.setPath` keeps it: `None` when re-escaping the decoded
/// path gives the raw one.
pub fn go_raw_path(r: &Request) -> Option<&str> {
    let raw = r.raw_path();
    (raw.contains('%') && escape_path(r.path()) != raw).then_some(raw)
}

/// Go's `url.PathUnescape`; a bad escape leaves the value as it was (gin then keeps it raw).
pub fn path_unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            match s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None => return s.to_string(),
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        assert_eq!(escape_path("/a b"), "/a%20b");
        assert_eq!(escape_path("/a/b:c@d"), "/a/b:c@d");
        assert_eq!(path_unescape("a%2Fb"), "a/b");
        assert_eq!(path_unescape("a%zz"), "a%zz");
    }
}
