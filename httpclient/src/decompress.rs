//! Transparent `Content-Encoding: gzip` / `deflate` decoding, sans-I/O and bounded.
//!
//! Go's transport asks for gzip when the caller did not set `Accept-Encoding`, and then hands the
//! caller a body that is already decoded (`Response.Uncompressed`). We do the same for gzip and
//! also for deflate (zlib-wrapped as RFC 9110 says, or raw, which some servers send instead).
//!
//! The decoder never produces more than the output slice it is given, so a caller that feeds it
//! one network read at a time and hands out pieces of at most 64 KiB holds at most that much
//! decoded data at once, however well the input compresses: a 10 KiB "bomb" that inflates to
//! 10 GiB costs 64 KiB of memory until the body limit (counted on *decoded* bytes) stops it.
//!
//! The gzip framing (RFC 1952) — a header with optional fields, the deflate data, then CRC-32 and
//! length — is parsed here; `flate2::Decompress` inflates the deflate data itself. Several gzip
//! members in a row are one body (Go's `gzip.Reader` is multistream by default too). A body that
//! ends inside a member is an error, never a silently short body.

use flate2::{Crc, Decompress, FlushDecompress, Status};

/// Which coding a response body is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    /// The coding named by a `Content-Encoding` value we asked for, if any. Case-insensitive,
    /// and only the exact names, as Go's transport compares (`EqualFold(.., "gzip")`): a list
    /// such as `gzip, br` or the old alias `x-gzip` is passed through undecoded.
    pub fn from_header(value: &[u8]) -> Option<Coding> {
        let v = std::str::from_utf8(value).ok()?;
        if v.eq_ignore_ascii_case("gzip") {
            Some(Coding::Gzip)
        } else if v.eq_ignore_ascii_case("deflate") {
            Some(Coding::Deflate)
        } else {
            None
        }
    }
}

/// Gzip header bytes accepted (file name and comment included) before we call it hostile.
const MAX_GZIP_HEADER: usize = 64 * 1024;

#[derive(Debug)]
enum State {
    /// Collecting a gzip member header; empty between members (a valid place to end).
    GzipHeader(Vec<u8>),
    /// Inflating a gzip member's deflate data.
    GzipData,
    /// Collecting the 8-byte CRC-32 + ISIZE trailer.
    GzipTrailer(Vec<u8>),
    /// Deflate: waiting for the first two bytes to tell zlib from raw.
    DeflateStart(Vec<u8>),
    /// Inflating; `held` are the first bytes, kept back while the kind was decided.
    DeflateData { held: Vec<u8> },
    /// The deflate stream ended; nothing may follow.
    DeflateDone,
}

/// An incremental decoder for one response body.
#[derive(Debug)]
pub(crate) struct Decoder {
    state: State,
    inflate: Decompress,
    crc: Crc,
}

/// Why a compressed body could not be decoded.
pub(crate) type DecodeError = &'static str;

impl Decoder {
    pub fn new(coding: Coding) -> Decoder {
        Decoder {
            state: match coding {
                Coding::Gzip => State::GzipHeader(Vec::new()),
                Coding::Deflate => State::DeflateStart(Vec::new()),
            },
            inflate: Decompress::new(false),
            crc: Crc::new(),
        }
    }

    /// Decodes from `input` into `out`; returns (input bytes used, output bytes written).
    /// Stops when `out` is full, the input is used up, or a member ends. Call again with the
    /// rest of the input while it returns progress.
    pub fn decode(&mut self, input: &[u8], out: &mut [u8]) -> Result<(usize, usize), DecodeError> {
        match &mut self.state {
            State::GzipHeader(buf) => {
                let take = input
                    .len()
                    .min(MAX_GZIP_HEADER + 1 - buf.len().min(MAX_GZIP_HEADER));
                let before = buf.len();
                buf.extend_from_slice(&input[..take]);
                match gzip_header_len(buf)? {
                    Some(len) => {
                        let used = len - before;
                        self.inflate.reset(false);
                        self.crc.reset();
                        self.state = State::GzipData;
                        Ok((used, 0))
                    }
                    None if buf.len() > MAX_GZIP_HEADER => Err("gzip: header too large"),
                    None => Ok((take, 0)),
                }
            }
            State::GzipData => {
                let (used, written, end) = self.inflate_some(input, out)?;
                self.crc.update(&out[..written]);
                if end {
                    self.state = State::GzipTrailer(Vec::with_capacity(8));
                    if used == 0 && written == 0 {
                        return self.decode(input, out);
                    }
                }
                Ok((used, written))
            }
            State::GzipTrailer(buf) => {
                let take = input.len().min(8 - buf.len());
                buf.extend_from_slice(&input[..take]);
                if buf.len() == 8 {
                    let crc = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
                    let size = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]);
                    if crc != self.crc.sum() || size != self.crc.amount() {
                        return Err("gzip: checksum error");
                    }
                    self.state = State::GzipHeader(Vec::new());
                }
                Ok((take, 0))
            }
            State::DeflateStart(buf) => {
                let take = input.len().min(2 - buf.len());
                buf.extend_from_slice(&input[..take]);
                if buf.len() == 2 {
                    // A zlib header: CM = 8, and the two bytes as a big-endian number are a
                    // multiple of 31 (RFC 1950 §2.2). Anything else is taken as raw deflate.
                    let zlib = buf[0] & 0x0f == 8
                        && (u16::from(buf[0]) << 8 | u16::from(buf[1])) % 31 == 0;
                    let held = std::mem::take(buf);
                    self.inflate = Decompress::new(zlib);
                    self.state = State::DeflateData { held };
                }
                Ok((take, 0))
            }
            State::DeflateData { held } if !held.is_empty() => {
                // The two bytes that told zlib from raw go in first.
                let held = std::mem::take(held);
                let (used, written, end) = self.inflate_some(&held, out)?;
                if end {
                    self.state = State::DeflateDone;
                } else {
                    self.state = State::DeflateData {
                        held: held[used..].to_vec(),
                    };
                }
                if written == 0 {
                    if used == 0 {
                        return Err("deflate: corrupt data");
                    }
                    return self.decode(input, out);
                }
                Ok((0, written))
            }
            State::DeflateData { .. } => {
                let (used, written, end) = self.inflate_some(input, out)?;
                if end {
                    self.state = State::DeflateDone;
                    if used == 0 && written == 0 {
                        return self.decode(input, out);
                    }
                }
                Ok((used, written))
            }
            State::DeflateDone if input.is_empty() => Ok((0, 0)),
            State::DeflateDone => Err("deflate: data after the end of the stream"),
        }
    }

    /// The body ended. Fine between gzip members (or before any byte), and after a deflate
    /// stream's end; anywhere else the body was cut short.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match &self.state {
            State::GzipHeader(buf) if buf.is_empty() => Ok(()),
            State::DeflateStart(buf) if buf.is_empty() => Ok(()),
            State::DeflateDone => Ok(()),
            State::GzipHeader(_) | State::GzipData | State::GzipTrailer(_) => {
                Err("gzip: stream truncated (unexpected end of body)")
            }
            State::DeflateStart(_) | State::DeflateData { .. } => {
                Err("deflate: stream truncated (unexpected end of body)")
            }
        }
    }

    fn inflate_some(
        &mut self,
        input: &[u8],
        out: &mut [u8],
    ) -> Result<(usize, usize, bool), DecodeError> {
        let (in0, out0) = (self.inflate.total_in(), self.inflate.total_out());
        let status = self
            .inflate
            .decompress(input, out, FlushDecompress::None)
            .map_err(|_| "corrupt compressed data")?;
        let used = (self.inflate.total_in() - in0) as usize;
        let written = (self.inflate.total_out() - out0) as usize;
        Ok((used, written, status == Status::StreamEnd))
    }
}

/// The length of the gzip header at the start of `buf`, once it is all there.
fn gzip_header_len(buf: &[u8]) -> Result<Option<usize>, DecodeError> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if buf.len() >= 2 && buf[..2] != [0x1f, 0x8b] || buf.len() >= 3 && buf[2] != 8 {
        return Err("gzip: invalid header");
    }
    if buf.len() < 10 {
        return Ok(None);
    }
    let flags = buf[3];
    if flags & 0xe0 != 0 {
        return Err("gzip: invalid header");
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let Some(len) = buf.get(at..at + 2) else {
            return Ok(None);
        };
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            match buf
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
            {
                Some(nul) => at += nul + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    Ok((buf.len() >= at).then_some(at))
}

/// Decodes a whole body held in memory, failing once the output passes `limit` bytes.
pub(crate) fn decode_all(
    coding: Coding,
    mut input: &[u8],
    limit: usize,
) -> Result<Vec<u8>, WholeError> {
    let mut decoder = Decoder::new(coding);
    let mut out = Vec::with_capacity((input.len() * 4).min(limit).min(1 << 20));
    let mut piece = [0u8; 16 * 1024];
    loop {
        let (used, written) = decoder
            .decode(input, &mut piece)
            .map_err(WholeError::Decode)?;
        if out.len() + written > limit {
            return Err(WholeError::TooLarge);
        }
        out.extend_from_slice(&piece[..written]);
        input = &input[used..];
        if used == 0 && written == 0 {
            if input.is_empty() {
                decoder.finish().map_err(WholeError::Decode)?;
                return Ok(out);
            }
            return Err(WholeError::Decode("corrupt compressed data"));
        }
    }
}

/// Why [`decode_all`] failed.
#[derive(Debug)]
pub(crate) enum WholeError {
    Decode(DecodeError),
    TooLarge,
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use flate2::Compression;
    use proptest::prelude::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn decodes_each_coding_and_checks_the_end() {
        let data = b"hello hello hello hello".repeat(100);
        assert_eq!(
            decode_all(Coding::Gzip, &gzip(&data), 1 << 20).unwrap(),
            data
        );

        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&data).unwrap();
        assert_eq!(
            decode_all(Coding::Deflate, &z.finish().unwrap(), 1 << 20).unwrap(),
            data
        );
        let mut d = DeflateEncoder::new(Vec::new(), Compression::default());
        d.write_all(&data).unwrap();
        assert_eq!(
            decode_all(Coding::Deflate, &d.finish().unwrap(), 1 << 20).unwrap(),
            data
        );

        // Two members are one body; an empty body is an empty body.
        let two = [gzip(b"ab"), gzip(b"cd")].concat();
        assert_eq!(decode_all(Coding::Gzip, &two, 100).unwrap(), b"abcd");
        assert_eq!(decode_all(Coding::Gzip, b"", 100).unwrap(), b"");

        let whole = gzip(&data);
        for cut in [1, 5, 12, whole.len() / 2, whole.len() - 4, whole.len() - 1] {
            assert!(
                matches!(
                    decode_all(Coding::Gzip, &whole[..cut], 1 << 20),
                    Err(WholeError::Decode(_))
                ),
                "cut at {cut}"
            );
        }
        let mut bad_crc = whole.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        assert!(matches!(
            decode_all(Coding::Gzip, &bad_crc, 1 << 20),
            Err(WholeError::Decode("gzip: checksum error"))
        ));
        assert!(matches!(
            decode_all(Coding::Gzip, b"not gzip at all", 100),
            Err(WholeError::Decode(_))
        ));
        assert!(matches!(
            decode_all(Coding::Gzip, &whole, 100),
            Err(WholeError::TooLarge)
        ));
    }

    #[test]
    fn optional_header_fields_are_skipped() {
        let mut e = flate2::GzBuilder::new()
            .filename("a.txt")
            .comment("c")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), Compression::fast());
        e.write_all(b"payload").unwrap();
        let bytes = e.finish().unwrap();
        assert_eq!(decode_all(Coding::Gzip, &bytes, 100).unwrap(), b"payload");
    }

    proptest! {
        /// Fed in random pieces with a random output size, the decoder produces exactly what
        /// the reference (flate2's own reader) does; and arbitrary bytes never panic it.
        #[test]
        fn pieces_decode_like_the_whole(
            data in proptest::collection::vec(any::<u8>(), 0..3000),
            piece in 1usize..700,
            out_size in 1usize..500,
            junk in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let compressed = gzip(&data);
            let mut decoder = Decoder::new(Coding::Gzip);
            let mut got = Vec::new();
            let mut out = vec![0u8; out_size];
            for chunk in compressed.chunks(piece) {
                let mut rest = chunk;
                loop {
                    let (used, written) = decoder.decode(rest, &mut out).unwrap();
                    got.extend_from_slice(&out[..written]);
                    rest = &rest[used..];
                    if used == 0 && written == 0 { break; }
                }
            }
            // Drain what the inflater still holds.
            loop {
                let (_, written) = decoder.decode(&[], &mut out).unwrap();
                if written == 0 { break; }
                got.extend_from_slice(&out[..written]);
            }
            prop_assert!(decoder.finish().is_ok());
            prop_assert_eq!(&got, &data);
            let _ = decode_all(Coding::Gzip, &junk, 10_000);
            let _ = decode_all(Coding::Deflate, &junk, 10_000);
        }
    }
}
