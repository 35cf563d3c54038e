//! go-yaml v2's emitter for the documents its encoder produces: block mappings and sequences,
//! `[]` and `{}` for empty ones, and scalars in the four styles of [`super::scalar`].
//!
//! The emitter (v2.4.0 `emitterc.go`) is a state machine fed with events; for what `Marshal`
//! sends, its effect is a walk over the value tree keeping a column, an indentation stack and
//! two flags, `whitespace` (the last thing written was a space or nothing) and `indention`
//! (the line so far is only indentation and indicators). The walk here keeps the same state and
//! writes with the same small steps (`yaml_emitter_write_indent`, lines 1201-1219, and
//! `yaml_emitter_write_indicator`, lines 1221-1234), so the spacing falls out the same:
//!
//! | construct | go-yaml v2 writes | source (emitterc.go) |
//! | --- | --- | --- |
//! | mapping | `key: value`, nested mappings two spaces in | block mapping key/value, 603-646 |
//! | sequence under a mapping key | `- item` at the key's own indentation | block sequence item, 579-600 (indentless when in a mapping and not at line start) |
//! | sequence in a sequence, mapping in a sequence | `- - a`, `- a: 1` on the dash's line | the same |
//! | key longer than 128 bytes or with a line break | `? key` then `: value` | `yaml_emitter_check_simple_key`, 764-795 |
//! | empty sequence or mapping | `[]`, `{}` | sequence/mapping start, 707-738 |
//! | plain, single- or double-quoted text past column 80 | broken at a space onto a new indented line | write_plain/single/double, 1313-1548 |
//! | double-quoted | `\0 \a \b \t \n \v \f \r \e \" \\ \N \_ \L \P`, else `\xXX`, `\uXXXX`, `\UXXXXXXXX` | 1429-1548 |
//! | literal | the block indicator with `-` (no final break), nothing (one), `+` (more); an indentation digit when the text starts with a space or break | 1550-1627 (hints 1550-1590) |
//!
//! The document is implicit (no `---`), and `Marshal` clears the open-ended flag before the
//! stream ends, so no `...` is ever written.

use super::float::format_float;
use super::node::{Kind, Node};
use super::scalar::{analyze, is_break, is_printable, requested_for_string, select_style, Style};

/// go-yaml v2's default line width and indentation.
const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// `node` as one YAML document, as `yaml.Marshal` writes it.
pub fn document(node: &Node) -> String {
    let mut e = Emitter {
        out: String::with_capacity(64),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
    };
    e.node(node, false, false);
    // DOCUMENT-END, implicit: finish the line.
    e.write_indent();
    e.out
}

/// The emitter's state.
struct Emitter {
    out: String,
    /// Characters (not bytes) on the current line.
    column: usize,
    /// The current indentation; -1 before the root node.
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
}

/// A scalar's text and the style the encoder asks for.
fn scalar_text(node: &Node) -> (String, Style) {
    match node {
        Node::Str(s) => (s.clone(), requested_for_string(s)),
        Node::Null => ("null".into(), Style::Plain),
        Node::Bool(b) => (b.to_string(), Style::Plain),
        Node::Int(v, _) => (v.to_string(), Style::Plain),
        Node::Uint(v, _) => (v.to_string(), Style::Plain),
        Node::Float(v, kind) => (format_float(*v, *kind == Kind::Float32), Style::Plain),
        Node::Seq(_) | Node::Mapping(_) => (String::new(), Style::Plain),
    }
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// `write_break`: a `\n` is the emitter's own break; another break character is copied.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent.max(0)).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        s.chars().for_each(|c| self.put(c));
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    /// `yaml_emitter_emit_node` with the mapping and simple-key contexts.
    fn node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        match node {
            Node::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Node::Mapping(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            Node::Seq(items) => self.block_sequence(items, mapping),
            Node::Mapping(entries) => self.block_mapping(entries),
            scalar => self.scalar(scalar, simple_key),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node], mapping: bool) {
        let indentless = mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false, false);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, entries: &[(Node, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            if is_simple_key(key) {
                self.node(key, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node(key, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, true, false);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, node: &Node, simple_key: bool) {
        let (text, requested) = scalar_text(node);
        let style = select_style(requested, &text, &analyze(&text), simple_key);
        self.increase_indent(true, false);
        let breaks_allowed = !simple_key;
        match style {
            Style::Plain => self.plain(&text, breaks_allowed),
            Style::SingleQuoted => self.single_quoted(&text, breaks_allowed),
            Style::DoubleQuoted => self.double_quoted(&text, breaks_allowed),
            Style::Literal => self.literal(&text),
        }
        self.pop_indent();
    }

    /// `yaml_emitter_write_plain_scalar` (lines 1313-1368).
    fn plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek() == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_single_quoted_scalar` (lines 1370-1427).
    fn single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let chars: Vec<char> = value.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = i > 0 && i + 1 < chars.len();
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_double_quoted_scalar` (lines 1429-1548).
    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml tests for a byte-order mark at the start of the text, not at each character,
        // so a text that starts with one has every character escaped.
        let bom = value.starts_with('\u{FEFF}');
        let mut spaces = false;
        let chars: Vec<char> = value.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.escape(c);
                spaces = false;
            } else if c == ' ' {
                let inner = i > 0 && i + 1 < chars.len();
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{A0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            return self.put(s);
        }
        let v = u32::from(c);
        let (letter, width) = match v {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for k in (0..width).rev() {
            let digit = (v >> (k * 4)) & 0xF;
            self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
        }
    }

    /// `yaml_emitter_write_literal_scalar` with its block hints (lines 1550-1627).
    fn literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        if value.starts_with(' ') || value.starts_with(is_break) {
            let hint = char::from_digit(BEST_INDENT as u32, 10).unwrap_or('2');
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            (Some(_), Some(_)) => None,
            (None, _) => Some("-"),
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// `yaml_emitter_check_simple_key`: a scalar without line breaks of at most 128 bytes, or an
/// empty sequence or mapping.
fn is_simple_key(key: &Node) -> bool {
    match key {
        Node::Seq(items) => items.is_empty(),
        Node::Mapping(entries) => entries.is_empty(),
        scalar => {
            let (text, _) = scalar_text(scalar);
            !analyze(&text).multiline && text.len() <= 128
        }
    }
}
