//! The incremental chunked decoder against a simple reference decoder, on inputs cut at random
//! points.
//!
//! The reference reads a whole input at once, line by line, the way RFC 9112 section 7.1 is written;
//! it has no state machine and no notion of pieces. If the two ever disagree — on the data, on where
//! the body ends, on the trailers, or on whether the input is valid — the state machine is wrong.

use proptest::prelude::*;
use wire::{BodyDecoder, Framing, WireError};

const MAX_TRAILER: usize = 64;
const MAX_LINE: usize = wire::chunked::MAX_SIZE_LINE;

#[derive(Debug, PartialEq)]
enum Outcome {
    Complete {
        body: Vec<u8>,
        consumed: usize,
        trailers: Vec<(String, Vec<u8>)>,
    },
    /// The input ends before the body does (no error seen so far).
    Incomplete,
    Invalid,
}

/// Splits off one line ending in CRLF at `at`: `Ok(Some(line))`, `Ok(None)` when no line end has
/// arrived yet, `Err` for a bare LF, or a CR not followed by LF.
fn line(input: &[u8], at: usize) -> Result<Option<&[u8]>, ()> {
    let rest = &input[at..];
    match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
        None => Ok(None),
        Some(i) if rest[i] == b'\n' => Err(()),
        Some(i) if i + 1 == rest.len() => Ok(None),
        Some(i) if rest[i + 1] == b'\n' => Ok(Some(&rest[..i])),
        Some(_) => Err(()),
    }
}

/// `1*16HEXDIG [ (";" / SP / HTAB) anything ]`: the size, then extensions we skip.
fn size_line_ok(l: &[u8]) -> bool {
    let digits = l.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    (1..=16).contains(&digits) && (digits == l.len() || matches!(l[digits], b';' | b' ' | b'\t'))
}

/// Whether a size line that has not ended yet can still become valid; `ended` means its CR came.
fn size_line_ok_so_far(l: &[u8], ended: bool) -> bool {
    let digits = l.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if ended || digits < l.len() {
        size_line_ok(l)
    } else {
        digits <= 16
    }
}

fn reference(input: &[u8]) -> Outcome {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let l = match line(input, at) {
            Err(()) => return Outcome::Invalid,
            Ok(None) => {
                // A size line that has not ended yet is already wrong if no ending can fix it.
                let rest = &input[at..];
                let partial = rest.strip_suffix(b"\r").unwrap_or(rest);
                let started = !rest.is_empty();
                let bad = partial.len() > MAX_LINE
                    || started && !size_line_ok_so_far(partial, rest.len() > partial.len());
                return if bad {
                    Outcome::Invalid
                } else {
                    Outcome::Incomplete
                };
            }
            Ok(Some(l)) => l,
        };
        if l.len() > MAX_LINE || !size_line_ok(l) {
            return Outcome::Invalid;
        }
        let digits = l.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let size = u64::from_str_radix(std::str::from_utf8(&l[..digits]).unwrap(), 16).unwrap();
        at += l.len() + 2;
        if size == 0 {
            break;
        }
        let size = size as usize;
        if input.len() < at + size + 2 {
            // Not all of the data and its CRLF are here; what is here must still be well placed.
            if input.len() > at + size && input[at + size] != b'\r' {
                return Outcome::Invalid;
            }
            return Outcome::Incomplete;
        }
        if &input[at + size..at + size + 2] != b"\r\n" {
            return Outcome::Invalid;
        }
        body.extend_from_slice(&input[at..at + size]);
        at += size + 2;
    }
    let mut raw = Vec::new();
    loop {
        let l = match line(input, at) {
            Err(()) => return Outcome::Invalid,
            Ok(None) => {
                let rest = &input[at..];
                let partial = rest.strip_suffix(b"\r").unwrap_or(rest);
                let so_far = raw.len() - 2 * raw.windows(2).filter(|w| w == b"\r\n").count();
                return if so_far + partial.len() > MAX_TRAILER {
                    Outcome::Invalid
                } else {
                    Outcome::Incomplete
                };
            }
            Ok(Some(l)) => l,
        };
        at += l.len() + 2;
        if l.is_empty() {
            break;
        }
        raw.extend_from_slice(l);
        if raw.len() > MAX_TRAILER {
            return Outcome::Invalid;
        }
        raw.extend_from_slice(b"\r\n");
    }
    let raw_len_without_crlf = raw.len() - 2 * raw.windows(2).filter(|w| w == b"\r\n").count();
    if raw_len_without_crlf > MAX_TRAILER {
        return Outcome::Invalid;
    }
    let mut trailers = Vec::new();
    if !raw.is_empty() {
        raw.extend_from_slice(b"\r\n");
        let mut slots = [httparse::EMPTY_HEADER; 64];
        match httparse::parse_headers(&raw, &mut slots) {
            Ok(httparse::Status::Complete((_, hs))) => {
                for h in hs {
                    if http::HeaderName::from_bytes(h.name.as_bytes()).is_err()
                        || http::HeaderValue::from_bytes(h.value).is_err()
                    {
                        return Outcome::Invalid;
                    }
                    trailers.push((h.name.to_ascii_lowercase(), h.value.to_vec()));
                }
            }
            _ => return Outcome::Invalid,
        }
    }
    Outcome::Complete {
        body,
        consumed: at,
        trailers,
    }
}

/// The decoder under test, fed `input` in the pieces `cuts` makes, with at most `max_data` bytes
/// of data taken per call.
fn incremental(input: &[u8], cuts: &[usize], max_data: usize) -> Result<Outcome, WireError> {
    let mut dec = BodyDecoder::new(Framing::Chunked, MAX_TRAILER);
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    bounds.sort_unstable();
    bounds.push(input.len());
    let mut body = Vec::new();
    let mut at = 0;
    for end in bounds {
        while at < end && !dec.is_done() {
            let step = dec.decode(&input[at..end], max_data)?;
            body.extend_from_slice(&input[at..end][step.data.clone()]);
            at += step.consumed;
            if step.consumed == 0 {
                break;
            }
        }
    }
    if !dec.is_done() {
        return Ok(Outcome::Incomplete);
    }
    let mut trailers: Vec<(String, Vec<u8>)> = dec
        .take_trailers()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect()
        })
        .unwrap_or_default();
    // A HeaderMap groups repeated names; the reference keeps line order. Compare as sets of lines.
    trailers.sort();
    Ok(Outcome::Complete {
        body,
        consumed: at,
        trailers,
    })
}

fn agree(input: &[u8], cuts: &[usize], max_data: usize) -> Result<(), TestCaseError> {
    let mut want = reference(input);
    if let Outcome::Complete { trailers, .. } = &mut want {
        trailers.sort();
    }
    let got = incremental(input, cuts, max_data);
    match (&want, &got) {
        (Outcome::Invalid, Err(_)) => {}
        (Outcome::Incomplete, Ok(Outcome::Incomplete)) => {}
        (want, Ok(got)) => prop_assert_eq!(want, got),
        (want, Err(e)) => prop_assert!(false, "reference {:?}, decoder error {}", want, e),
    }
    Ok(())
}

/// A valid chunked encoding of `chunks`, with extensions and trailers, followed by `rest`.
fn encode(
    chunks: &[Vec<u8>],
    ext: &[String],
    trailers: &[(String, String)],
    rest: &[u8],
) -> Vec<u8> {
    let mut wire = Vec::new();
    for (i, c) in chunks.iter().filter(|c| !c.is_empty()).enumerate() {
        wire.extend_from_slice(format!("{:x}", c.len()).as_bytes());
        if let Some(e) = ext.get(i) {
            wire.extend_from_slice(e.as_bytes());
        }
        wire.extend_from_slice(b"\r\n");
        wire.extend_from_slice(c);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n");
    for (k, v) in trailers {
        wire.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    wire.extend_from_slice(b"\r\n");
    wire.extend_from_slice(rest);
    wire
}

fn chunk_strategy() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Valid bodies, cut anywhere, data taken in runs of any size: the same as the reference.
    #[test]
    fn valid_bodies(
        chunks in chunk_strategy(),
        ext in proptest::collection::vec("(;[a-z]{1,5}(=[a-z0-9]{0,4})?| ;x)?", 0..6),
        trailers in proptest::collection::vec(("[A-Za-z][A-Za-z-]{0,6}", "[ -~]{0,8}"), 0..3),
        rest in proptest::collection::vec(any::<u8>(), 0..8),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        max_data in 1usize..64,
    ) {
        let trailers: Vec<(String, String)> =
            trailers.into_iter().map(|(k, v)| (k, v.trim().to_owned())).collect();
        let input = encode(&chunks, &ext, &trailers, &rest);
        agree(&input, &cuts, max_data)?;
        if let Outcome::Complete { body, .. } = reference(&input) {
            prop_assert_eq!(body, chunks.concat());
        } else {
            prop_assert!(trailers.iter().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>() > MAX_TRAILER);
        }
    }

    /// Valid bodies with one byte changed, inserted or removed: the decoder refuses exactly what
    /// the reference refuses and otherwise reads the same body.
    #[test]
    fn mutated_bodies(
        chunks in chunk_strategy(),
        at in any::<usize>(),
        byte in prop_oneof![Just(b'\r'), Just(b'\n'), Just(b';'), Just(b'0'), Just(b'f'), Just(b':'), any::<u8>()],
        how in 0u8..3,
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut input = encode(&chunks, &[], &[("X-T".into(), "1".into())], b"");
        let at = at % input.len();
        match how {
            0 => input[at] = byte,
            1 => input.insert(at, byte),
            _ => { input.remove(at); }
        }
        agree(&input, &cuts, usize::MAX)?;
    }

    /// Arbitrary bytes: never a panic, and the same verdict as the reference.
    #[test]
    fn arbitrary_bytes(
        input in proptest::collection::vec(prop_oneof![
            Just(b'\r'), Just(b'\n'), Just(b'0'), Just(b'1'), Just(b'a'), Just(b';'), Just(b':'), any::<u8>()
        ], 0..128),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        agree(&input, &cuts, usize::MAX)?;
    }
}
