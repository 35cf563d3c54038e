//! JSON bytes as Go's `encoding/json` writes them, which is what every gin JSON render sends.
//!
//! serde_json and Go agree on everything but one thing: Go's `json.Marshal` escapes `<`, `>` and
//! `&` (as `\u003c`, `\u003e`, `\u0026`) and the line separators U+2028/U+2029, so that JSON can be
//! embedded in HTML. gin's `JSON`, `IndentedJSON`, `SecureJSON` and `JSONP` use `json.Marshal`;
//! only `PureJSON` turns the escaping off (and, writing through an `Encoder`, adds a newline).
//! The escaping is a [`serde_json::ser::Formatter`] wrapped around serde_json's own formatters.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Go's `json.Marshal(v)`.
pub fn marshal<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, HtmlEscape(CompactFormatter));
    v.serialize(&mut ser)?;
    Ok(out)
}

/// Go's `json.MarshalIndent(v, "", "    ")`, as gin's `IndentedJSON` calls it.
pub fn marshal_indent<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    let pretty = PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, HtmlEscape(pretty));
    v.serialize(&mut ser)?;
    Ok(out)
}

/// An `Encoder` with `SetEscapeHTML(false)` (gin's `PureJSON`): plain serde_json plus `\n`.
pub fn encode_unescaped<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(v)?;
    out.push(b'\n');
    Ok(out)
}

/// An `Encoder` with Go's defaults (escaping on), as the SSE encoder uses: [`marshal`] plus `\n`.
pub fn encode<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = marshal(v)?;
    out.push(b'\n');
    Ok(out)
}

/// Adds Go's HTML escaping to the string fragments of another formatter.
struct HtmlEscape<F>(F);

impl<F: Formatter> Formatter for HtmlEscape<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, ch) in fragment.char_indices() {
            let esc: &[u8] = match ch {
                '<' => b"\\u003c",
                '>' => b"\\u003e",
                '&' => b"\\u0026",
                '\u{2028}' => b"\\u2028",
                '\u{2029}' => b"\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(esc)?;
            start = i + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Everything else is the wrapped formatter's (pretty printing needs its state).
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_like_go() {
        let v = serde_json::json!({"b": "<a&b>", "a": [1, 2]});
        assert_eq!(
            marshal(&v).unwrap(),
            br#"{"a":[1,2],"b":"\u003ca\u0026b\u003e"}"#
        );
        assert_eq!(
            String::from_utf8(marshal_indent(&v).unwrap()).unwrap(),
            "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": \"\\u003ca\\u0026b\\u003e\"\n}"
        );
        assert_eq!(
            encode_unescaped(&v).unwrap(),
            b"{\"a\":[1,2],\"b\":\"<a&b>\"}\n"
        );
    }
}
