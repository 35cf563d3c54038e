//! Strict decimal numbers, as `Content-Length` needs them.
//!
//! `u64::from_str` accepts a leading `+`, which RFC 9110's `1*DIGIT` does not: two parsers that
//! disagree on `+5` disagree on where a body ends. This one accepts digits only.

/// Parses a non-empty run of ASCII digits that fits in a `u64`; anything else is `None`.
pub fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn digits_only() {
        assert_eq!(parse_decimal(b"0"), Some(0));
        assert_eq!(parse_decimal(b"0012"), Some(12));
        assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"+5",
            b"-5",
            b" 5",
            b"5 ",
            b"0x5",
            b"18446744073709551616",
            b"5,5",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }
}
