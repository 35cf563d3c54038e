//! The one error type of the crate: which framing rule a message broke.

use std::fmt;

/// A framing rule the bytes broke. Each side maps it onto its own answer: the server into a
/// `400 Bad Request`, the client into a malformed-response error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// A `Content-Length` value is not a plain decimal number (or contains a comma list).
    ContentLength,
    /// Several `Content-Length` lines disagree.
    ContentLengthMismatch,
    /// A chunk-size line is not hexadecimal, is empty, or would overflow.
    ChunkSize,
    /// A chunk-size line (size plus extensions) is longer than we accept.
    ChunkLineTooLong,
    /// Chunk data is not followed by `CRLF`.
    ChunkDelimiter,
    /// A trailer line is malformed (bare `LF`, no colon, a bad name or value).
    Trailer,
    /// The trailer section is larger than allowed.
    TrailerTooLarge,
    /// The input ended before the body did.
    Truncated,
}

impl WireError {
    /// A short reason phrase, used in the server's `400` bodies and the client's errors.
    pub fn reason(self) -> &'static str {
        match self {
            WireError::ContentLength => "invalid Content-Length",
            WireError::ContentLengthMismatch => "differing Content-Length values",
            WireError::ChunkSize => "invalid chunk size line",
            WireError::ChunkLineTooLong => "chunk size line too long",
            WireError::ChunkDelimiter => "chunk data not followed by CRLF",
            WireError::Trailer => "invalid chunked trailer",
            WireError::TrailerTooLarge => "chunked trailer too large",
            WireError::Truncated => "body ended early",
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for WireError {}
