//! The decoder for `Transfer-Encoding: chunked` bodies.
//!
//! A chunked body is a sequence of `SIZE-IN-HEX[;ext]\r\n DATA \r\n`, ended by a zero-size chunk,
//! optional trailer lines, and an empty line:
//!
//! ```text
//! 5\r\nhello\r\n 6;x=y\r\n world\r\n 0\r\n Trailer: t\r\n \r\n
//! ```
//!
//! The bytes arrive in arbitrary pieces from the socket, so the decoder is a small state machine
//! that remembers where it stopped: feed it whatever has arrived, it copies out the data it can
//! and says how much input it used. Like `head`, it is sans-I/O, so the property test can cut one
//! body into pieces at random places and check the result does not change.

use bytes::BytesMut;

use crate::error::{ErrorKind, Malformed};

/// A chunk-size line longer than this (hex digits plus extensions) is refused: no honest server
/// needs it and an unbounded one would let a server make us spin forever on one line.
const MAX_SIZE_LINE: usize = 4096;
/// Trailer bytes accepted after the last chunk (they are read and dropped).
const MAX_TRAILER: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading hex digits of a chunk size.
    Size,
    /// After the digits: skipping `;extension` up to the CR.
    Extension,
    /// Saw the CR of the size line; expect LF.
    SizeLf,
    /// Copying this many more data bytes.
    Data(u64),
    /// After the data; expect CR.
    DataCr,
    /// Expect the LF after the data.
    DataLf,
    /// At the start of a trailer line (or of the final empty line).
    TrailerStart,
    /// Inside a trailer line, skipping to its CR.
    TrailerLine,
    /// Saw the CR ending a trailer line; expect LF.
    TrailerLf,
    /// Saw the CR of the final empty line; expect LF.
    EndLf,
    /// The body is complete.
    Done,
}

/// Decodes one chunked body, fed in pieces.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    size: u64,
    digits: usize,
    line_len: usize,
    trailer_len: usize,
}

impl ChunkedDecoder {
    pub fn new() -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size,
            size: 0,
            digits: 0,
            line_len: 0,
            trailer_len: 0,
        }
    }

    /// Decodes as much of `input` as possible, appending body data to `out`.
    ///
    /// Returns how many bytes of `input` were consumed and whether the body is complete (then
    /// the consumed count stops right after the final CRLF, so the caller can tell whether the
    /// server sent anything beyond it). `max` bounds `out`: more data is [`ErrorKind::TooLarge`].
    pub fn decode(
        &mut self,
        input: &[u8],
        out: &mut BytesMut,
        max: usize,
    ) -> Result<(usize, bool), ErrorKind> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            if let State::Data(remaining) = self.state {
                // The one hot state: copy a whole run of data at once, not byte by byte.
                let available = (input.len() - i) as u64;
                let take = remaining.min(available) as usize;
                if out.len() + take > max {
                    return Err(ErrorKind::TooLarge {
                        what: "response body",
                        limit: max,
                    });
                }
                out.extend_from_slice(&input[i..i + take]);
                i += take;
                let remaining = remaining - take as u64;
                self.state = if remaining == 0 {
                    State::DataCr
                } else {
                    State::Data(remaining)
                };
                continue;
            }
            let b = input[i];
            i += 1;
            self.state = self.step(b, out.len(), max)?;
        }
        Ok((i, self.state == State::Done))
    }

    /// One byte of the framing (everything but chunk data).
    fn step(&mut self, b: u8, out_len: usize, max: usize) -> Result<State, ErrorKind> {
        let bad_size = ErrorKind::Malformed(Malformed::ChunkSize);
        Ok(match self.state {
            State::Size => match b {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                    // 16 hex digits already fill a u64; a 17th would overflow.
                    if self.digits == 16 {
                        return Err(bad_size);
                    }
                    let digit = (b as char).to_digit(16).unwrap_or(0);
                    self.size = self.size << 4 | u64::from(digit);
                    self.digits += 1;
                    State::Size
                }
                _ if self.digits == 0 => return Err(bad_size),
                b'\r' => State::SizeLf,
                b';' | b' ' | b'\t' => {
                    self.line_len = self.digits;
                    State::Extension
                }
                _ => return Err(bad_size),
            },
            State::Extension => match b {
                b'\r' => State::SizeLf,
                b'\n' => return Err(bad_size),
                _ => {
                    self.line_len += 1;
                    if self.line_len > MAX_SIZE_LINE {
                        return Err(bad_size);
                    }
                    State::Extension
                }
            },
            State::SizeLf => {
                if b != b'\n' {
                    return Err(bad_size);
                }
                let size = self.size;
                self.size = 0;
                self.digits = 0;
                if size == 0 {
                    State::TrailerStart
                } else {
                    // Refuse early: a chunk that cannot fit will not fit later either.
                    if size > (max - out_len) as u64 {
                        return Err(ErrorKind::TooLarge {
                            what: "response body",
                            limit: max,
                        });
                    }
                    State::Data(size)
                }
            }
            State::Data(_) => unreachable!("data is copied in bulk by decode"),
            State::DataCr => match b {
                b'\r' => State::DataLf,
                _ => return Err(ErrorKind::Malformed(Malformed::ChunkDelimiter)),
            },
            State::DataLf => match b {
                b'\n' => State::Size,
                _ => return Err(ErrorKind::Malformed(Malformed::ChunkDelimiter)),
            },
            State::TrailerStart => match b {
                b'\r' => State::EndLf,
                b'\n' => return Err(ErrorKind::Malformed(Malformed::Trailer)),
                _ => self.trailer_byte()?,
            },
            State::TrailerLine => match b {
                b'\r' => State::TrailerLf,
                b'\n' => return Err(ErrorKind::Malformed(Malformed::Trailer)),
                _ => self.trailer_byte()?,
            },
            State::TrailerLf | State::EndLf if b != b'\n' => {
                return Err(ErrorKind::Malformed(Malformed::Trailer));
            }
            State::TrailerLf => State::TrailerStart,
            State::EndLf => State::Done,
            State::Done => State::Done,
        })
    }

    fn trailer_byte(&mut self) -> Result<State, ErrorKind> {
        self.trailer_len += 1;
        if self.trailer_len > MAX_TRAILER {
            return Err(ErrorKind::Malformed(Malformed::Trailer));
        }
        Ok(State::TrailerLine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decodes `input` fed in the given pieces; returns (body, consumed, done) or the error text.
    fn decode_in_pieces(
        input: &[u8],
        cuts: &[usize],
        max: usize,
    ) -> Result<(Vec<u8>, usize, bool), String> {
        let mut dec = ChunkedDecoder::new();
        let mut out = BytesMut::new();
        let mut pos = 0;
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        bounds.sort_unstable();
        bounds.push(input.len());
        for end in bounds {
            if end < pos {
                continue;
            }
            let (used, done) = dec
                .decode(&input[pos..end], &mut out, max)
                .map_err(|e| e.to_string())?;
            pos += used;
            if done {
                return Ok((out.to_vec(), pos, true));
            }
            // A decoder that is not done must have used everything it was given.
            assert_eq!(pos, end);
        }
        Ok((out.to_vec(), pos, false))
    }

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let body = b"5\r\nhello\r\n6;name=val\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
        let (out, used, done) = decode_in_pieces(body, &[], 1024).unwrap();
        assert_eq!(out, b"hello world");
        assert!(done);
        assert_eq!(&body[used..], b"NEXT");
    }

    #[test]
    fn each_broken_rule_has_its_error() {
        let cases: [(&[u8], Malformed); 6] = [
            (b"x\r\n", Malformed::ChunkSize),
            (b"\r\n", Malformed::ChunkSize),
            (b"11111111111111111\r\n", Malformed::ChunkSize),
            (b"3\r\nabcX", Malformed::ChunkDelimiter),
            (b"0\r\nX: y\n", Malformed::Trailer),
            (b"0\r\n\rX", Malformed::Trailer),
        ];
        for (input, want) in cases {
            let err = ChunkedDecoder::new()
                .decode(input, &mut BytesMut::new(), 1 << 20)
                .unwrap_err();
            assert!(
                matches!(err, ErrorKind::Malformed(m) if m == want),
                "{input:?}: {err}"
            );
        }
        let err = ChunkedDecoder::new()
            .decode(b"ffff\r\n", &mut BytesMut::new(), 100)
            .unwrap_err();
        assert!(matches!(err, ErrorKind::TooLarge { limit: 100, .. }));
    }

    /// Encodes `chunks` the way a server would.
    fn encode(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut wire = Vec::new();
        for c in chunks.iter().filter(|c| !c.is_empty()) {
            wire.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            wire.extend_from_slice(c);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"0\r\n\r\n");
        wire
    }

    proptest! {
        /// Arbitrary bytes cut at arbitrary places: no panic, and the cut does not change the
        /// outcome (the decoder's only memory is its state, not the piece boundaries).
        #[test]
        fn never_panics_and_cuts_do_not_matter(
            input in proptest::collection::vec(any::<u8>(), 0..256),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let whole = decode_in_pieces(&input, &[], 64);
            let pieces = decode_in_pieces(&input, &cuts, 64);
            prop_assert_eq!(whole, pieces);
        }

        /// Valid chunked encodings of random data decode back to the data, however cut.
        #[test]
        fn round_trips(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..6),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let wire = encode(&chunks);
            let (out, used, done) = decode_in_pieces(&wire, &cuts, 1 << 20).unwrap();
            prop_assert!(done);
            prop_assert_eq!(used, wire.len());
            prop_assert_eq!(out, chunks.concat());
        }
    }
}
