//! XML bytes as Go's `encoding/xml` writes them, which is what gin's `c.XML` sends.
//!
//! quick-xml lays out the elements as Go does (a struct is an element named after its type, each
//! field a child); the two differ only in escaping. quick-xml escapes the least it may (`<` and
//! `&` in text, and `"` as `&quot;` in attribute values); Go's `EscapeString` (Go 1.19
//! `encoding/xml/xml.go`, `EscapeString` and the `esc*` table above it) escapes `"`, `'`, `&`,
//! `<`, `>`, tab, newline and carriage return in both places, as short numeric references
//! (`&#34;`, `&#39;`, `&#x9;`, `&#xA;`, `&#xD;`), and writes U+FFFD for a character XML cannot
//! carry. So the encoder here serializes with quick-xml and then re-escapes the text and the
//! attribute values of its output by Go's table; the markup itself passes through untouched.

use serde::Serialize;

/// Go's `xml.NewEncoder(w).Encode(v)`: no declaration, no indentation.
pub fn marshal<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, quick_xml::SeError> {
    let mut out = String::new();
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    // Go writes `<Name></Name>` for an empty value, never `<Name/>`.
    ser.expand_empty_elements(true);
    v.serialize(ser)?;
    Ok(go_escaped(&out).into_bytes())
}

/// `xml` (as quick-xml writes it: only `<` and `&` escaped in text, `<`, `&` and `"` in
/// attribute values) with its text and attribute values escaped as Go escapes them.
fn go_escaped(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + xml.len() / 8);
    let mut rest = xml;
    while !rest.is_empty() {
        // Text runs up to the next tag; a `<` in text is always written `&lt;`.
        let text_end = rest.find('<').unwrap_or(rest.len());
        escape_into(&rest[..text_end], &mut out);
        rest = &rest[text_end..];
        if rest.is_empty() {
            break;
        }
        // A tag: names pass through; each `"`-delimited attribute value is re-escaped.
        let tag_end = tag_len(rest);
        let mut tag = &rest[..tag_end];
        while let Some(open) = tag.find('"') {
            out.push_str(&tag[..=open]);
            let value = &tag[open + 1..];
            let close = value.find('"').unwrap_or(value.len());
            escape_into(&value[..close].replace("&quot;", "\""), &mut out);
            tag = &value[close..];
            if let Some(after) = tag.strip_prefix('"') {
                out.push('"');
                tag = after;
            }
        }
        out.push_str(tag);
        rest = &rest[tag_end..];
    }
    out
}

/// The length of the tag at the start of `s`: up to its `>`, skipping quoted attribute values.
fn tag_len(s: &str) -> usize {
    let mut quoted = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Appends `s` (already escaped for `&` and `<`, as quick-xml leaves text) with the rest of Go's
/// escapes applied.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '>' => out.push_str("&gt;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if !in_character_range(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Go's `isInCharacterRange`: the characters XML 1.0 allows.
fn in_character_range(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Msg {
        #[serde(rename = "@id")]
        id: String,
        text: String,
    }

    fn xml(id: &str, text: &str) -> String {
        let m = Msg {
            id: id.into(),
            text: text.into(),
        };
        String::from_utf8(marshal(&m).unwrap()).unwrap()
    }

    #[test]
    fn text_is_escaped_as_go_escapes_it() {
        // What Go 1.19's xml.Marshal writes for the same struct (Go 1.19, `xml.Marshal` of the same struct with `xml:"id,attr"`).
        assert_eq!(
            xml("1", "a \"b\" 'c' <d> & e\tf\ng\rh"),
            "<Msg id=\"1\"><text>a &#34;b&#34; &#39;c&#39; &lt;d&gt; &amp; e&#x9;f&#xA;g&#xD;h</text></Msg>"
        );
    }

    #[test]
    fn attribute_values_take_go_escapes_too() {
        assert_eq!(
            xml("\"q\" <'>", ""),
            "<Msg id=\"&#34;q&#34; &lt;&#39;&gt;\"><text></text></Msg>"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_become_the_replacement_character() {
        assert_eq!(
            xml("", "a\u{1}b\u{FFFE}"),
            "<Msg id=\"\"><text>a\u{FFFD}b\u{FFFD}</text></Msg>"
        );
    }
}
