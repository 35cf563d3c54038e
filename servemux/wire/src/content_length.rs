//! Folding a message's `Content-Length` lines into one length, Go's way.
//!
//! RFC 9110 section 8.6 lets a recipient accept `Content-Length: 5, 5` or two identical lines as 5.
//! Go accepts identical repeated *lines* (after trimming) and refuses a comma list inside one value;
//! hyper refuses the list too. We do what Go does, on both sides: a comma list is the mark of a
//! proxy that merged two messages' headers, and a server that reads it differently from the proxy
//! in front of it is exactly how a request gets smuggled. Refusing costs nothing honest clients
//! send.

use crate::decimal::parse_decimal;
use crate::WireError;

/// The length of the `Content-Length` lines seen so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContentLength {
    /// The first line's value and its digit count (`05` and `5` are different lines to Go).
    first: Option<(u64, usize)>,
}

impl ContentLength {
    /// Adds one `Content-Length` header value.
    pub fn add(&mut self, value: &[u8]) -> Result<(), WireError> {
        let digits = value.trim_ascii();
        let n = parse_decimal(digits).ok_or(WireError::ContentLength)?;
        match self.first {
            None => self.first = Some((n, digits.len())),
            Some(first) if first == (n, digits.len()) => {}
            Some(_) => return Err(WireError::ContentLengthMismatch),
        }
        Ok(())
    }

    /// The length, if any line was seen.
    pub fn get(&self) -> Option<u64> {
        self.first.map(|(n, _)| n)
    }
}

/// Folds every value in `values`; `Ok(None)` when there were none.
pub fn fold<'a, I>(values: I) -> Result<Option<u64>, WireError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut length = ContentLength::default();
    for v in values {
        length.add(v)?;
    }
    Ok(length.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_rules() {
        assert_eq!(fold([&b"5"[..]]), Ok(Some(5)));
        assert_eq!(fold([&b" 5 "[..], b"5"]), Ok(Some(5)));
        assert_eq!(fold(std::iter::empty()), Ok(None));
        assert_eq!(fold([&b"5, 5"[..]]), Err(WireError::ContentLength));
        assert_eq!(
            fold([&b"5"[..], b"6"]),
            Err(WireError::ContentLengthMismatch)
        );
        assert_eq!(
            fold([&b"5"[..], b"05"]),
            Err(WireError::ContentLengthMismatch)
        );
        assert_eq!(fold([&b"+5"[..]]), Err(WireError::ContentLength));
        assert_eq!(fold([&b""[..]]), Err(WireError::ContentLength));
    }
}
