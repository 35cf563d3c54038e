//! A Go 1.22 pattern, parsed: `[METHOD ][HOST]/[PATH]` (Go's `parsePattern` in `net/http/pattern.go`).
//!
//! The [`PatternMux`](crate::PatternMux) never matches on pattern text. Registration turns the text
//! into a [`Pattern`] once — a method (empty: any), a host (empty: any) and a list of path
//! [`Segment`]s — and both the routing tree and the conflict check work on that list.
//!
//! ```text
//!   "GET example.com/b/{bucket}/o/{obj...}"
//!    method "GET", host "example.com",
//!    segments [Lit "b", Wild "bucket", Lit "o", Multi "obj"]
//!
//!   "/static/"   -> [Lit "static", Multi ""]   (a trailing slash is an anonymous `{...}`)
//!   "/a/{$}"     -> [Lit "a", Lit "/"]          (`{$}` is the literal "/" segment, as in Go)
//! ```
//!
//! Literal segments are stored unescaped (`%61` is `a`), since requests are matched one unescaped
//! segment at a time.

use std::fmt;
use std::sync::Arc;

use crate::clean_path::canonical_path;

/// One path segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A literal segment, unescaped. The literal `/` stands for `{$}`: the path ends in a slash
    /// right here (a request's last segment is `/` exactly when its path ends in `/`).
    Lit(String),
    /// `{name}`: any one segment.
    Wild(String),
    /// `{name...}`, or the anonymous one (empty name) a trailing `/` stands for: the rest of the
    /// path, which may be empty.
    Multi(String),
}

impl Segment {
    /// Whether this is `{$}` (Go: a literal segment whose text is `/`).
    pub fn is_dollar(&self) -> bool {
        matches!(self, Segment::Lit(s) if s == "/")
    }

    /// The wildcard name, if this segment binds a path value.
    pub fn wildcard_name(&self) -> Option<&str> {
        match self {
            Segment::Wild(n) => Some(n),
            Segment::Multi(n) if !n.is_empty() => Some(n),
            _ => None,
        }
    }
}

/// A parsed pattern (Go's `pattern`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: Arc<str>,
    method: String,
    host: String,
    segments: Vec<Segment>,
}

/// Why a pattern string is not a pattern. The text after `at offset N:` is Go's own wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the pattern where the problem was found.
    pub offset: usize,
    /// What is wrong, in Go's words (`bad wildcard name "1x"`).
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at offset {}: {}", self.offset, self.reason)
    }
}

impl Pattern {
    /// Parses `s` (Go's `parsePattern`; the empty string is refused by the mux before this).
    pub fn parse(s: &str) -> Result<Pattern, ParseError> {
        let err = |offset: usize, reason: String| Err(ParseError { offset, reason });
        if s.is_empty() {
            return err(0, "empty pattern".into());
        }
        // The method ends at the first space or tab; any run of blanks may follow it.
        let (method, rest, mut off) = match s.find([' ', '\t']) {
            Some(i) => (&s[..i], s[i + 1..].trim_start_matches([' ', '\t']), i + 1),
            None => ("", s, 0),
        };
        if !method.is_empty() && !is_token(method) {
            return err(0, format!("invalid method {method:?}"));
        }
        let Some(slash) = rest.find('/') else {
            return err(off, "host/path missing /".into());
        };
        let (host, mut rest) = rest.split_at(slash);
        if let Some(j) = host.find('{') {
            return err(off + j, "host contains '{' (missing initial '/'?)".into());
        }
        off += slash;
        if !method.is_empty() && method != "CONNECT" && canonical_path(rest) != rest {
            return err(
                off,
                "non-CONNECT pattern with unclean path can never match".into(),
            );
        }
        let mut segments = Vec::new();
        while !rest.is_empty() {
            rest = &rest[1..]; // the '/' before this segment
            off = s.len() - rest.len();
            if rest.is_empty() {
                // A trailing slash: the anonymous multi wildcard.
                segments.push(Segment::Multi(String::new()));
                break;
            }
            let end = rest.find('/').unwrap_or(rest.len());
            let (seg, tail) = rest.split_at(end);
            rest = tail;
            let Some(brace) = seg.find('{') else {
                segments.push(Segment::Lit(path_unescape(seg)));
                continue;
            };
            if brace != 0 {
                return err(off, "bad wildcard segment (must start with '{')".into());
            }
            if !seg.ends_with('}') {
                return err(off, "bad wildcard segment (must end with '}')".into());
            }
            let name = &seg[1..seg.len() - 1];
            if name == "$" {
                if !rest.is_empty() {
                    return err(off, "{$} not at end".into());
                }
                segments.push(Segment::Lit("/".into()));
                break;
            }
            let (name, multi) = match name.strip_suffix("...") {
                Some(n) => (n, true),
                None => (name, false),
            };
            if multi && !rest.is_empty() {
                return err(off, "{...} wildcard not at end".into());
            }
            if name.is_empty() {
                return err(off, "empty wildcard".into());
            }
            if !is_valid_wildcard_name(name) {
                return err(off, format!("bad wildcard name {name:?}"));
            }
            if segments.iter().any(|s| s.wildcard_name() == Some(name)) {
                return err(off, format!("duplicate wildcard name {name:?}"));
            }
            segments.push(if multi {
                Segment::Multi(name.to_owned())
            } else {
                Segment::Wild(name.to_owned())
            });
        }
        Ok(Pattern {
            text: Arc::from(s),
            method: method.to_owned(),
            host: host.to_owned(),
            segments,
        })
    }

    /// The pattern as registered.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The pattern text, shared.
    pub fn text_arc(&self) -> &Arc<str> {
        &self.text
    }

    /// The method, empty when the pattern matches every method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The host, empty when the pattern matches every host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path segments; never empty (a path has at least its leading `/`).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The last segment (Go's `lastSegment`).
    pub fn last(&self) -> &Segment {
        // `parse` always pushes at least one segment: the path starts with '/'.
        &self.segments[self.segments.len() - 1]
    }

    /// Whether the pattern ends in a multi wildcard (`{x...}` or a trailing `/`).
    pub fn ends_in_multi(&self) -> bool {
        matches!(self.last(), Segment::Multi(_))
    }

    /// The names of the wildcards, in pattern order: the names of the path values it binds.
    pub fn wildcard_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(Segment::wildcard_name)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Go's `isToken` (the `tchar` set of RFC 9110): what a method may be made of.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Go's `isValidWildcardName`: a letter or `_`, then letters, digits and `_`. (Rust's
/// `is_alphabetic`/`is_numeric` stand in for Go's `unicode.IsLetter`/`IsDigit`; they agree on
/// every ASCII character.)
fn is_valid_wildcard_name(s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(i, c)| c.is_alphabetic() || c == '_' || (i > 0 && c.is_numeric()))
}

/// Go's `pathUnescape`: `%XX` decoded; text that does not decode (a bad escape, or bytes that are
/// not UTF-8, which Go would keep but a Rust string cannot hold) is kept as it is.
pub(crate) fn path_unescape(s: &str) -> String {
    match unescape(s) {
        Some(std::borrow::Cow::Owned(o)) => o,
        _ => s.to_owned(),
    }
}

/// `%XX` decoded, borrowing when there is no `%`; `None` on a bad escape or non-UTF-8 result.
pub(crate) fn unescape(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !s.contains('%') {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| std::borrow::Cow::Owned(c.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    fn segs(s: &str) -> Vec<Segment> {
        Pattern::parse(s).unwrap().segments
    }

    #[test]
    fn parses_method_host_and_segments() {
        let p = Pattern::parse("GET example.com/b/{bucket}/o/{obj...}").unwrap();
        assert_eq!(p.method(), "GET");
        assert_eq!(p.host(), "example.com");
        assert_eq!(
            p.segments(),
            [
                Lit("b".into()),
                Wild("bucket".into()),
                Lit("o".into()),
                Multi("obj".into())
            ]
        );
        assert_eq!(p.wildcard_names().collect::<Vec<_>>(), ["bucket", "obj"]);
        assert_eq!(segs("/"), [Multi("".into())]);
        assert_eq!(segs("/a/"), [Lit("a".into()), Multi("".into())]);
        assert_eq!(segs("/a/{$}"), [Lit("a".into()), Lit("/".into())]);
        assert_eq!(segs("/%61b"), [Lit("ab".into())]);
        assert_eq!(segs("/a%2Fb"), [Lit("a/b".into())]);
        assert_eq!(Pattern::parse("POST \t /x").unwrap().method(), "POST");
    }

    #[test]
    fn refuses_what_go_refuses_with_go_wording() {
        for (pat, offset, reason) in [
            ("a", 0, "host/path missing /"),
            ("GET", 0, "host/path missing /"),
            ("G(T /", 0, "invalid method \"G(T\""),
            ("{x}/", 0, "host contains '{' (missing initial '/'?)"),
            (
                "GET /a/../b",
                4,
                "non-CONNECT pattern with unclean path can never match",
            ),
            ("/a{x}", 1, "bad wildcard segment (must start with '{')"),
            ("/{x", 1, "bad wildcard segment (must end with '}')"),
            ("/{$}/a", 1, "{$} not at end"),
            ("/{x...}/a", 1, "{...} wildcard not at end"),
            ("/{}", 1, "empty wildcard"),
            ("/{...}", 1, "empty wildcard"),
            ("/{1x}", 1, "bad wildcard name \"1x\""),
            ("/{x}/{x}", 5, "duplicate wildcard name \"x\""),
        ] {
            let e = Pattern::parse(pat).unwrap_err();
            assert_eq!((e.offset, e.reason.as_str()), (offset, reason), "{pat}");
        }
        // Unclean paths are fine without a method, or with CONNECT.
        assert!(Pattern::parse("/a/../b").is_ok());
        assert!(Pattern::parse("CONNECT //a").is_ok());
    }
}
