//! Content sniffing: Go's `http.DetectContentType`, the WHATWG MIME-sniffing algorithm.
//!
//! [`serve_content`](super::serve_content) calls it when neither the handler nor the file name's
//! extension gave a `Content-Type`. The rules are a list of signatures tried in order against at
//! most the first [`SNIFF_LEN`] bytes; the first that matches names the type, and the last one
//! (`text/plain` when no byte is binary) or the fallback `application/octet-stream` always answer.
//! The order and the signatures follow Go 1.27's `net/http/internal/sniff.go`; the code is ours.

/// How many leading bytes the algorithm looks at (Go's `sniffLen`).
pub const SNIFF_LEN: usize = 512;

/// One row of the signature table.
enum Sig {
    /// An HTML tag or comment start, matched case-insensitively after leading white space and
    /// followed by a tag-terminating byte (space or `>`).
    Html(&'static [u8]),
    /// `data & mask == pattern` over the pattern's length; `skip_ws` starts after white space.
    Masked {
        mask: &'static [u8],
        pattern: &'static [u8],
        skip_ws: bool,
        ct: &'static str,
    },
    /// The data starts with these bytes.
    Exact(&'static [u8], &'static str),
    /// An ISO-BMFF `ftyp` box naming an `mp4` brand.
    Mp4,
    /// No binary byte after leading white space: UTF-8 text.
    Text,
}

const HTML_UTF8: &str = "text/html; charset=utf-8";

/// The table, in Go's order: the first match wins, so the order is part of the algorithm.
const SIGNATURES: &[Sig] = &[
    Sig::Html(b"<!DOCTYPE HTML"),
    Sig::Html(b"<HTML"),
    Sig::Html(b"<HEAD"),
    Sig::Html(b"<SCRIPT"),
    Sig::Html(b"<IFRAME"),
    Sig::Html(b"<H1"),
    Sig::Html(b"<DIV"),
    Sig::Html(b"<FONT"),
    Sig::Html(b"<TABLE"),
    Sig::Html(b"<A"),
    Sig::Html(b"<STYLE"),
    Sig::Html(b"<TITLE"),
    Sig::Html(b"<B"),
    Sig::Html(b"<BODY"),
    Sig::Html(b"<BR"),
    Sig::Html(b"<P"),
    Sig::Html(b"<!--"),
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\xFF",
        pattern: b"<?xml",
        skip_ws: true,
        ct: "text/xml; charset=utf-8",
    },
    Sig::Exact(b"%PDF-", "application/pdf"),
    Sig::Exact(b"%!PS-Adobe-", "application/postscript"),
    // Byte-order marks.
    Sig::Masked {
        mask: b"\xFF\xFF\x00\x00",
        pattern: b"\xFE\xFF\x00\x00",
        skip_ws: false,
        ct: "text/plain; charset=utf-16be",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\x00\x00",
        pattern: b"\xFF\xFE\x00\x00",
        skip_ws: false,
        ct: "text/plain; charset=utf-16le",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\x00",
        pattern: b"\xEF\xBB\xBF\x00",
        skip_ws: false,
        ct: "text/plain; charset=utf-8",
    },
    // Images.
    Sig::Exact(b"\x00\x00\x01\x00", "image/x-icon"),
    Sig::Exact(b"\x00\x00\x02\x00", "image/x-icon"),
    Sig::Exact(b"BM", "image/bmp"),
    Sig::Exact(b"GIF87a", "image/gif"),
    Sig::Exact(b"GIF89a", "image/gif"),
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF",
        pattern: b"RIFF\x00\x00\x00\x00WEBPVP",
        skip_ws: false,
        ct: "image/webp",
    },
    Sig::Exact(b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
    Sig::Exact(b"\xFF\xD8\xFF", "image/jpeg"),
    // Audio and video, in the order the spec prescribes.
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        pattern: b"FORM\x00\x00\x00\x00AIFF",
        skip_ws: false,
        ct: "audio/aiff",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF",
        pattern: b"ID3",
        skip_ws: false,
        ct: "audio/mpeg",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\xFF",
        pattern: b"OggS\x00",
        skip_ws: false,
        ct: "application/ogg",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF",
        pattern: b"MThd\x00\x00\x00\x06",
        skip_ws: false,
        ct: "audio/midi",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        pattern: b"RIFF\x00\x00\x00\x00AVI ",
        skip_ws: false,
        ct: "video/avi",
    },
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        pattern: b"RIFF\x00\x00\x00\x00WAVE",
        skip_ws: false,
        ct: "audio/wave",
    },
    Sig::Mp4,
    Sig::Exact(b"\x1A\x45\xDF\xA3", "video/webm"),
    // Fonts: an embedded-OpenType header is 34 bytes of anything, then "LP".
    Sig::Masked {
        mask: &EOT_MASK,
        pattern: &EOT_PATTERN,
        skip_ws: false,
        ct: "application/vnd.ms-fontobject",
    },
    Sig::Exact(b"\x00\x01\x00\x00", "font/ttf"),
    Sig::Exact(b"OTTO", "font/otf"),
    Sig::Exact(b"ttcf", "font/collection"),
    Sig::Exact(b"wOFF", "font/woff"),
    Sig::Exact(b"wOF2", "font/woff2"),
    // Archives (RAR as RAR Labs defines it, as Go does).
    Sig::Exact(b"\x1F\x8B\x08", "application/x-gzip"),
    Sig::Exact(b"PK\x03\x04", "application/zip"),
    Sig::Exact(b"Rar!\x1A\x07\x00", "application/x-rar-compressed"),
    Sig::Exact(b"Rar!\x1A\x07\x01\x00", "application/x-rar-compressed"),
    Sig::Exact(b"\x00\x61\x73\x6D", "application/wasm"),
    Sig::Text,
];

const EOT_MASK: [u8; 36] = eot(0xFF);
const EOT_PATTERN: [u8; 36] = {
    let mut p = [0u8; 36];
    p[34] = b'L';
    p[35] = b'P';
    p
};

/// 34 zero bytes, then `last` twice.
const fn eot(last: u8) -> [u8; 36] {
    let mut m = [0u8; 36];
    m[34] = last;
    m[35] = last;
    m
}

/// The MIME type of `data`, judged from at most its first 512 bytes (Go's `DetectContentType`).
/// Always a valid type: `application/octet-stream` when nothing more specific matches.
pub fn detect_content_type(data: &[u8]) -> &'static str {
    let data = &data[..data.len().min(SNIFF_LEN)];
    let first_non_ws = data.iter().position(|&b| !is_ws(b)).unwrap_or(data.len());
    SIGNATURES
        .iter()
        .find_map(|sig| matches(sig, data, first_non_ws))
        .unwrap_or("application/octet-stream")
}

/// White space as the sniffing spec defines it.
fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// A byte that ends a tag name.
fn is_tt(b: u8) -> bool {
    matches!(b, b' ' | b'>')
}

fn matches(sig: &Sig, data: &[u8], first_non_ws: usize) -> Option<&'static str> {
    match *sig {
        Sig::Html(tag) => {
            let data = &data[first_non_ws..];
            if data.len() < tag.len() + 1 {
                return None;
            }
            let same = tag.iter().zip(data).all(|(&t, &d)| {
                // Letters in the table are upper case; clearing bit 5 upper-cases the data's.
                let d = if t.is_ascii_uppercase() { d & 0xDF } else { d };
                t == d
            });
            (same && is_tt(data[tag.len()])).then_some(HTML_UTF8)
        }
        Sig::Masked {
            mask,
            pattern,
            skip_ws,
            ct,
        } => {
            let data = if skip_ws { &data[first_non_ws..] } else { data };
            if data.len() < pattern.len() {
                return None;
            }
            let same = pattern
                .iter()
                .zip(mask)
                .zip(data)
                .all(|((&p, &m), &d)| d & m == p);
            same.then_some(ct)
        }
        Sig::Exact(prefix, ct) => data.starts_with(prefix).then_some(ct),
        Sig::Mp4 => is_mp4(data).then_some("video/mp4"),
        Sig::Text => {
            let binary = data[first_non_ws..].iter().any(|&b| {
                b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b)
            });
            (!binary).then_some("text/plain; charset=utf-8")
        }
    }
}

/// The spec's MP4 signature: a box size that fits the data and is a multiple of 4, the box type
/// `ftyp`, and `mp4` among the brands (the major brand's version word is skipped).
fn is_mp4(data: &[u8]) -> bool {
    if data.len() < 12 {
        return false;
    }
    let box_size = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
    if data.len() < box_size || box_size % 4 != 0 || &data[4..8] != b"ftyp" {
        return false;
    }
    (8..box_size)
        .step_by(4)
        .filter(|&st| st != 12)
        .any(|st| &data[st..st + 3] == b"mp4")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cases() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "text/plain; charset=utf-8"),
            (b"\x01\x02", "application/octet-stream"),
            (b"  <HtMl><b>x", HTML_UTF8),
            (b"<html", "text/plain; charset=utf-8"), // no terminating byte
            (b"<!-- c -->", HTML_UTF8),
            (b"\n<?xml version", "text/xml; charset=utf-8"),
            (b"%PDF-1.4", "application/pdf"),
            (b"\xFE\xFF\x00\x41", "text/plain; charset=utf-16be"),
            (b"\xEF\xBB\xBFhi", "text/plain; charset=utf-8"),
            (b"GIF89a....", "image/gif"),
            (b"\x89PNG\x0D\x0A\x1A\x0Arest", "image/png"),
            (b"\xFF\xD8\xFF\xE0", "image/jpeg"),
            (b"RIFF\x01\x02\x03\x04WEBPVP8 ", "image/webp"),
            (b"RIFF\x01\x02\x03\x04WAVEfmt ", "audio/wave"),
            (b"ID3\x03", "audio/mpeg"),
            (b"\x1F\x8B\x08\x00", "application/x-gzip"),
            (b"PK\x03\x04", "application/zip"),
            (b"\x00asm\x01", "application/wasm"),
            (b"wOF2", "font/woff2"),
            (b"hello, world\n", "text/plain; charset=utf-8"),
            (b"hello\x1b[0m", "text/plain; charset=utf-8"), // ESC is not binary
            (b"hello\x01", "application/octet-stream"),
        ];
        for (data, want) in cases {
            assert_eq!(detect_content_type(data), *want, "{data:?}");
        }
    }

    #[test]
    fn mp4_brand_is_found_and_size_checked() {
        let mut d = vec![0, 0, 0, 0x18];
        d.extend_from_slice(b"ftypisom\x00\x00\x02\x00mp41isom");
        assert_eq!(detect_content_type(&d), "video/mp4");
        d[3] = 0x19; // not a multiple of 4
        assert_eq!(detect_content_type(&d), "application/octet-stream");
    }

    #[test]
    fn eot_needs_34_bytes_then_lp() {
        let mut d = vec![7u8; 34];
        d.extend_from_slice(b"LP");
        assert_eq!(detect_content_type(&d), "application/vnd.ms-fontobject");
    }

    #[test]
    fn only_the_first_512_bytes_count() {
        let mut d = vec![b'a'; SNIFF_LEN];
        d.push(0);
        assert_eq!(detect_content_type(&d), "text/plain; charset=utf-8");
    }
}
