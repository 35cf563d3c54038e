//! The incremental decoder of `Transfer-Encoding: chunked` (RFC 9112 section 7.1).
//!
//! A chunked body is a run of `SIZE-IN-HEX[;ext]\r\n DATA \r\n`, ended by a zero-size chunk, optional
//! trailer lines, and an empty line:
//!
//! ```text
//! 5\r\nhello\r\n 6;x=y\r\n world\r\n 0\r\n Trailer: t\r\n \r\n
//! ```
//!
//! Bytes arrive in pieces cut anywhere, so the decoder is a state machine that remembers where it
//! stopped. It never copies body data: [`ChunkedDecoder::decode`] returns *where* the data lies in
//! the input it was given, and the caller copies it where it wants (the server into a handler's
//! buffer, the client into the response). Framing bytes are read one at a time, data in runs.
//!
//! It is strict, because a lenient chunked parser behind a strict proxy is a smuggling vector:
//! hexadecimal sizes only (no sign, no `0x`, at most 16 digits), `CRLF` and never a bare `LF` or
//! `CR`, a bounded size line, and a bounded trailer section.

use std::ops::Range;

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::WireError;

/// A chunk-size line longer than this (hex digits plus extensions) is refused: no honest peer
/// needs it, and an unbounded one lets a peer keep us reading one line forever.
pub const MAX_SIZE_LINE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size.
    Size,
    /// After the digits: skipping whitespace and `;extensions` up to the CR.
    Extension,
    /// Saw the CR of the size line; expect LF.
    SizeLf,
    /// This many data bytes of the current chunk are still to come.
    Data(u64),
    /// After the data; expect CR.
    DataCr,
    /// Expect the LF after the data.
    DataLf,
    /// At the start of a trailer line, or of the final empty line.
    TrailerStart,
    /// Inside a trailer line, up to its CR.
    TrailerLine,
    /// Saw the CR ending a trailer line; expect LF.
    TrailerLf,
    /// Saw the CR of the final empty line; expect LF.
    EndLf,
    /// The body is complete.
    Done,
}

/// Decodes one chunked body fed in pieces.
#[derive(Debug)]
pub struct ChunkedDecoder {
    state: State,
    size: u64,
    digits: usize,
    line_len: usize,
    /// The raw trailer section (lines with their CRLF), parsed once the body ends.
    trailer_bytes: Vec<u8>,
    max_trailer_bytes: usize,
    trailers: Option<Box<HeaderMap>>,
}

/// What one call of [`ChunkedDecoder::decode`] did with its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// How many input bytes were used (framing and data). The rest belongs to the next call or,
    /// once the body is done, to whatever follows the body.
    pub consumed: usize,
    /// Where body data lies in the input (empty when the call used only framing bytes).
    pub data: Range<usize>,
}

impl ChunkedDecoder {
    /// A decoder for one body, accepting at most `max_trailer_bytes` of trailer section.
    pub fn new(max_trailer_bytes: usize) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            digits: 0,
            line_len: 0,
            trailer_bytes: Vec::new(),
            max_trailer_bytes,
            trailers: None,
        }
    }

    /// Whether the final empty line has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from the start of `input` until it has found body data (at most `max_data` bytes of
    /// it, returned as a range), the input is used up, or the body ends.
    ///
    /// Returning after one run of data keeps the caller in charge of where the data goes; calling
    /// again with the rest of the input continues.
    // ANCHOR: decode
    pub fn decode(&mut self, input: &[u8], max_data: usize) -> Result<Step, WireError> {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Done => break,
                State::Data(remaining) => {
                    // The hot state: one run of data, not byte by byte.
                    let available = (input.len() - i).min(max_data) as u64;
                    let take = remaining.min(available) as usize;
                    if take == 0 {
                        break;
                    }
                    self.consume_data(take as u64);
                    return Ok(Step {
                        consumed: i + take,
                        data: i..i + take,
                    });
                }
                _ => {
                    let b = input[i];
                    i += 1;
                    self.state = self.step(b)?;
                }
            }
        }
        Ok(Step {
            consumed: i,
            data: i..i,
        })
    }
    // ANCHOR_END: decode

    /// Data bytes of the current chunk still to come, when the decoder is inside a chunk's data.
    /// A caller may read that many bytes straight into its own buffer and report them with
    /// [`consume_data`](Self::consume_data), skipping a copy.
    pub fn data_remaining(&self) -> Option<u64> {
        match self.state {
            State::Data(n) => Some(n),
            _ => None,
        }
    }

    /// Records `n` data bytes the caller took itself (at most [`data_remaining`](Self::data_remaining)).
    pub fn consume_data(&mut self, n: u64) {
        if let State::Data(remaining) = self.state {
            let left = remaining.saturating_sub(n);
            self.state = if left == 0 {
                State::DataCr
            } else {
                State::Data(left)
            };
        }
    }

    /// The trailer fields, once the body is done (Go's `Request.Trailer`); `None` when it had none.
    pub fn take_trailers(&mut self) -> Option<HeaderMap> {
        self.trailers.take().map(|t| *t)
    }

    /// One byte of framing (everything but chunk data).
    fn step(&mut self, b: u8) -> Result<State, WireError> {
        Ok(match self.state {
            State::Size => match b {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                    // 16 hex digits fill a u64; a 17th would overflow.
                    if self.digits == 16 {
                        return Err(WireError::ChunkSize);
                    }
                    let digit = (b as char).to_digit(16).unwrap_or(0);
                    self.size = self.size << 4 | u64::from(digit);
                    self.digits += 1;
                    State::Size
                }
                _ if self.digits == 0 => return Err(WireError::ChunkSize),
                b'\r' => State::SizeLf,
                b';' | b' ' | b'\t' => {
                    self.line_len = self.digits + 1;
                    State::Extension
                }
                _ => return Err(WireError::ChunkSize),
            },
            State::Extension => match b {
                b'\r' => State::SizeLf,
                b'\n' => return Err(WireError::ChunkSize),
                _ => {
                    self.line_len += 1;
                    if self.line_len > MAX_SIZE_LINE {
                        return Err(WireError::ChunkLineTooLong);
                    }
                    State::Extension
                }
            },
            State::SizeLf => {
                if b != b'\n' {
                    return Err(WireError::ChunkSize);
                }
                let size = std::mem::take(&mut self.size);
                self.digits = 0;
                if size == 0 {
                    State::TrailerStart
                } else {
                    State::Data(size)
                }
            }
            // `decode` copies data in runs and never steps through it.
            State::Data(n) => State::Data(n),
            State::DataCr => match b {
                b'\r' => State::DataLf,
                _ => return Err(WireError::ChunkDelimiter),
            },
            State::DataLf => match b {
                b'\n' => State::Size,
                _ => return Err(WireError::ChunkDelimiter),
            },
            State::TrailerStart => match b {
                b'\r' => State::EndLf,
                b'\n' => return Err(WireError::Trailer),
                _ => self.trailer_byte(b)?,
            },
            State::TrailerLine => match b {
                b'\r' => State::TrailerLf,
                b'\n' => return Err(WireError::Trailer),
                _ => self.trailer_byte(b)?,
            },
            State::TrailerLf | State::EndLf if b != b'\n' => return Err(WireError::Trailer),
            State::TrailerLf => {
                self.trailer_bytes.extend_from_slice(b"\r\n");
                State::TrailerStart
            }
            State::EndLf => {
                self.finish_trailers()?;
                State::Done
            }
            State::Done => State::Done,
        })
    }

    fn trailer_byte(&mut self, b: u8) -> Result<State, WireError> {
        if self.trailer_bytes.len() + 1 > self.max_trailer_bytes {
            return Err(WireError::TrailerTooLarge);
        }
        self.trailer_bytes.push(b);
        Ok(State::TrailerLine)
    }

    /// Parses the collected trailer lines as header fields (httparse's header grammar: no obs-fold,
    /// a token name, a colon).
    fn finish_trailers(&mut self) -> Result<(), WireError> {
        if self.trailer_bytes.is_empty() {
            return Ok(());
        }
        let mut raw = std::mem::take(&mut self.trailer_bytes);
        raw.extend_from_slice(b"\r\n");
        let lines = raw.windows(2).filter(|w| w == b"\r\n").count();
        let mut slots = vec![httparse::EMPTY_HEADER; lines];
        let parsed = match httparse::parse_headers(&raw, &mut slots) {
            Ok(httparse::Status::Complete((_, parsed))) => parsed,
            _ => return Err(WireError::Trailer),
        };
        let mut map = HeaderMap::with_capacity(parsed.len());
        for h in parsed {
            let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| WireError::Trailer)?;
            let value = HeaderValue::from_bytes(h.value).map_err(|_| WireError::Trailer)?;
            map.append(name, value);
        }
        self.trailers = Some(Box::new(map));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(input: &[u8]) -> Result<(Vec<u8>, usize, ChunkedDecoder), WireError> {
        let mut dec = ChunkedDecoder::new(1024);
        let mut out = Vec::new();
        let mut at = 0;
        while !dec.is_done() && at < input.len() {
            let step = dec.decode(&input[at..], usize::MAX)?;
            out.extend_from_slice(&input[at..][step.data]);
            at += step.consumed;
        }
        Ok((out, at, dec))
    }

    #[test]
    fn chunks_extensions_and_trailers() {
        let body = b"5\r\nhello\r\n6;name=val\r\n world\r\n0\r\nX-Trailer: t\r\nX-B: 2\r\n\r\nNEXT";
        let (out, used, mut dec) = decode_all(body).unwrap();
        assert_eq!(out, b"hello world");
        assert!(dec.is_done());
        assert_eq!(&body[used..], b"NEXT");
        let trailers = dec.take_trailers().unwrap();
        assert_eq!(trailers["x-trailer"], "t");
        assert_eq!(trailers["x-b"], "2");
    }

    #[test]
    fn each_broken_rule_has_its_error() {
        let cases: [(&[u8], WireError); 11] = [
            (b"x\r\n", WireError::ChunkSize),
            (b"\r\n", WireError::ChunkSize),
            (b"-1\r\n", WireError::ChunkSize),
            (b"+5\r\n", WireError::ChunkSize),
            (b"0x5\r\n", WireError::ChunkSize),
            (b"5\nhello", WireError::ChunkSize),
            (b"11111111111111111\r\n", WireError::ChunkSize),
            (b"3\r\nabcX", WireError::ChunkDelimiter),
            (b"0\r\nX: y\n", WireError::Trailer),
            (b"0\r\n\rX", WireError::Trailer),
            (b"0\r\nno colon\r\n\r\n", WireError::Trailer),
        ];
        for (input, want) in cases {
            assert_eq!(decode_all(input).err(), Some(want), "{input:?}");
        }
        let long = [b"1;".as_slice(), &[b'x'; MAX_SIZE_LINE]].concat();
        assert_eq!(decode_all(&long).err(), Some(WireError::ChunkLineTooLong));
        let big_trailer = [b"0\r\nX: ".as_slice(), &[b'y'; 2000]].concat();
        assert_eq!(
            decode_all(&big_trailer).err(),
            Some(WireError::TrailerTooLarge)
        );
    }

    #[test]
    fn max_data_bounds_each_run_and_direct_reads_are_counted() {
        let mut dec = ChunkedDecoder::new(0);
        let step = dec.decode(b"a\r\n0123456789\r\n0\r\n\r\n", 4).unwrap();
        assert_eq!(
            step,
            Step {
                consumed: 7,
                data: 3..7
            }
        );
        assert_eq!(dec.data_remaining(), Some(6));
        dec.consume_data(6);
        let step = dec.decode(b"\r\n0\r\n\r\n", usize::MAX).unwrap();
        assert_eq!(step.consumed, 7);
        assert!(dec.is_done());
        assert!(dec.take_trailers().is_none());
    }
}
