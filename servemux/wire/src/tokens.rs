//! Comma-separated token lists: `Connection: keep-alive, Upgrade`, `Transfer-Encoding: gzip, chunked`.
//!
//! A list may be split over several header lines and may hold empty elements (`a, , b`); RFC 9110
//! section 5.6.1 says both are the same list. Tokens compare case-insensitively.

/// The non-empty, trimmed elements of every value in `values`, in order.
pub fn tokens<'a, I>(values: I) -> impl Iterator<Item = &'a [u8]>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    values
        .into_iter()
        .flat_map(|v| v.split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|t| !t.is_empty())
}

/// Whether `token` is one of the elements of `values` (case-insensitive).
pub fn has_token<'a, I>(values: I, token: &str) -> bool
where
    I: IntoIterator<Item = &'a [u8]>,
{
    tokens(values).any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
}

/// Whether the last transfer coding listed is `chunked` — what makes a body chunked
/// (RFC 9112 section 6.3, rule 4).
pub fn chunked_is_last<'a, I>(values: I) -> bool
where
    I: IntoIterator<Item = &'a [u8]>,
{
    tokens(values)
        .last()
        .is_some_and(|t| t.eq_ignore_ascii_case(b"chunked"))
}

/// Whether the codings are exactly one `chunked`: the only request framing a server can find the
/// end of without decoding other codings first (Go answers anything else with 501).
pub fn only_chunked<'a, I>(values: I) -> bool
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut all = tokens(values);
    all.next()
        .is_some_and(|t| t.eq_ignore_ascii_case(b"chunked"))
        && all.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_over_lines_and_empty_elements() {
        let values: [&[u8]; 2] = [b"keep-alive, , Upgrade", b" close "];
        let got: Vec<&[u8]> = tokens(values).collect();
        assert_eq!(got, [&b"keep-alive"[..], b"Upgrade", b"close"]);
        assert!(has_token(values, "CLOSE"));
        assert!(!has_token(values, "clos"));
    }

    #[test]
    fn transfer_codings() {
        assert!(chunked_is_last([&b"gzip, Chunked"[..]]));
        assert!(!chunked_is_last([&b"chunked, gzip"[..]]));
        assert!(only_chunked([&b"chunked"[..]]));
        assert!(!only_chunked([&b"chunked"[..], b"chunked"]));
        assert!(!only_chunked([&b"gzip, chunked"[..]]));
        assert!(!only_chunked([&b""[..]]));
    }
}
