//! One decoder for every way a body can be framed.
//!
//! The head of a message decides its [`Framing`]; from then on the connection only asks the body
//! decoder "how much of these bytes is body, and is it over?". Keeping that question behind one type
//! is what lets the server hand a handler a reader that can never read past the body, and the client
//! stream a response the same way.

use http::HeaderMap;

use crate::chunked::ChunkedDecoder;
use crate::WireError;

/// How a message body is delimited on the wire (RFC 9112 section 6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body.
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the peer closes (responses only: a request always has a known end).
    UntilClose,
}

/// What one call of [`BodyDecoder::decode`] did: how much input it used and where the body data
/// in it lies.
pub type Decoded = crate::chunked::Step;

#[derive(Debug)]
enum Kind {
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose { ended: bool },
}

/// Decodes one body of any [`Framing`], fed in pieces.
#[derive(Debug)]
pub struct BodyDecoder {
    kind: Kind,
}

impl BodyDecoder {
    /// A decoder for a body framed as `framing`; `max_trailer_bytes` bounds a chunked trailer.
    pub fn new(framing: Framing, max_trailer_bytes: usize) -> BodyDecoder {
        let kind = match framing {
            Framing::Empty => Kind::Length(0),
            Framing::Length(n) => Kind::Length(n),
            Framing::Chunked => Kind::Chunked(ChunkedDecoder::new(max_trailer_bytes)),
            Framing::UntilClose => Kind::UntilClose { ended: false },
        };
        BodyDecoder { kind }
    }

    /// Whether the whole body has been seen.
    pub fn is_done(&self) -> bool {
        match &self.kind {
            Kind::Length(n) => *n == 0,
            Kind::Chunked(c) => c.is_done(),
            Kind::UntilClose { ended } => *ended,
        }
    }

    /// Decodes from the start of `input`: at most one run of data (at most `max_data` bytes),
    /// and never a byte beyond the body's end.
    pub fn decode(&mut self, input: &[u8], max_data: usize) -> Result<Decoded, WireError> {
        match &mut self.kind {
            Kind::Chunked(c) => c.decode(input, max_data),
            _ => {
                let take = self
                    .data_remaining()
                    .unwrap_or(0)
                    .min(input.len().min(max_data) as u64) as usize;
                self.consume_data(take as u64);
                Ok(Decoded {
                    consumed: take,
                    data: 0..take,
                })
            }
        }
    }

    /// Body bytes that may be read raw next, without framing in between: the rest of a
    /// `Content-Length` body, the rest of the current chunk, or unbounded for a body that runs
    /// to the close. `None` when framing bytes come next (or the body is over).
    pub fn data_remaining(&self) -> Option<u64> {
        match &self.kind {
            Kind::Length(0) => None,
            Kind::Length(n) => Some(*n),
            Kind::Chunked(c) => c.data_remaining(),
            Kind::UntilClose { ended: false } => Some(u64::MAX),
            Kind::UntilClose { ended: true } => None,
        }
    }

    /// Records `n` body bytes the caller read raw (at most [`data_remaining`](Self::data_remaining)).
    pub fn consume_data(&mut self, n: u64) {
        match &mut self.kind {
            Kind::Length(left) => *left = left.saturating_sub(n),
            Kind::Chunked(c) => c.consume_data(n),
            Kind::UntilClose { .. } => {}
        }
    }

    /// The peer closed the connection: the end of an until-close body, and an error for any
    /// other body that is not done.
    pub fn end_of_input(&mut self) -> Result<(), WireError> {
        if let Kind::UntilClose { ended } = &mut self.kind {
            *ended = true;
        }
        if self.is_done() {
            Ok(())
        } else {
            Err(WireError::Truncated)
        }
    }

    /// How many body bytes are known to remain (a `Content-Length` body only): lets a server
    /// decide to close rather than read a large unread rest.
    pub fn known_remaining(&self) -> Option<u64> {
        match &self.kind {
            Kind::Length(n) => Some(*n),
            _ => None,
        }
    }

    /// The trailer fields of a finished chunked body, if it had any.
    pub fn take_trailers(&mut self) -> Option<HeaderMap> {
        match &mut self.kind {
            Kind::Chunked(c) => c.take_trailers(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bodies_stop_at_their_end() {
        let mut d = BodyDecoder::new(Framing::Length(3), 0);
        let step = d.decode(b"abcdef", usize::MAX).unwrap();
        assert_eq!((step.consumed, step.data), (3, 0..3));
        assert!(d.is_done());
        assert_eq!(d.decode(b"def", usize::MAX).unwrap().consumed, 0);
    }

    #[test]
    fn end_of_input() {
        assert!(BodyDecoder::new(Framing::Empty, 0).end_of_input().is_ok());
        assert_eq!(
            BodyDecoder::new(Framing::Length(1), 0).end_of_input(),
            Err(WireError::Truncated)
        );
        let mut close = BodyDecoder::new(Framing::UntilClose, 0);
        assert_eq!(close.data_remaining(), Some(u64::MAX));
        assert!(close.end_of_input().is_ok());
        assert!(close.is_done());
        assert_eq!(
            BodyDecoder::new(Framing::Chunked, 0).end_of_input(),
            Err(WireError::Truncated)
        );
    }
}
