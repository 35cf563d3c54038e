//! # wire — HTTP/1.1 message framing, without I/O
//!
//! Where does a message body end? That one question decides whether two programs reading the same
//! bytes agree on where the next request starts, and request smuggling lives in every place where
//! they do not. Go answers it once, in `net/http/transfer.go` and `net/http/internal/chunked.go`,
//! and both its server and its client use that answer. This crate is that answer for the workspace:
//! `servemux` (the server) and `httpclient` (the client) both frame bodies with it.
//!
//! It does no I/O and knows nothing of tokio: it is fed byte slices and says what they mean, so
//! it can be tested on any cut of any input.
//!
//! - [`decimal`] — strict decimal numbers (no sign, no spaces, no overflow);
//! - [`content_length`] — folding the `Content-Length` header lines of a message into one length;
//! - [`tokens`] — the comma-separated token lists of `Connection` and `Transfer-Encoding`;
//! - [`chunked`] — the incremental decoder of `Transfer-Encoding: chunked`, trailers included;
//! - [`decoder`] — [`BodyDecoder`], one decoder for every [`Framing`] a body can have.
//!
//! ```
//! use wire::{BodyDecoder, Framing};
//!
//! let mut body = BodyDecoder::new(Framing::Chunked, 1024);
//! let input = b"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
//! let mut data = Vec::new();
//! let mut at = 0;
//! while !body.is_done() {
//!     let step = body.decode(&input[at..], usize::MAX).unwrap();
//!     data.extend_from_slice(&input[at..][step.data]);
//!     at += step.consumed;
//! }
//! assert_eq!(data, b"hello");
//! // The decoder stopped exactly at the body's end: the next request is untouched.
//! assert_eq!(&input[at..], b"GET / HTTP/1.1\r\n");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chunked;
pub mod content_length;
pub mod decimal;
pub mod decoder;
mod error;
pub mod tokens;

pub use chunked::ChunkedDecoder;
pub use decoder::{BodyDecoder, Decoded, Framing};
pub use error::WireError;
