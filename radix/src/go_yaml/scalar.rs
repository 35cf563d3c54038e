//! How go-yaml v2 picks a scalar's style: the encoder asks for one, the emitter's analysis of
//! the text may overrule it.
//!
//! The encoder (v2.4.0 `encode.go`, `stringv`, lines 300-335) asks for literal (`|`) when a
//! string holds a `\n`, double-quoted when YAML 1.1 would read the plain text as another type
//! ([`needs_quotes`]), and plain otherwise; numbers, booleans and `null` always ask for
//! plain. The emitter (`emitterc.go`) then looks at the characters
//! (`yaml_emitter_analyze_scalar`, lines 984-1130) and settles the style
//! (`yaml_emitter_select_scalar_style`, lines 798-844):
//!
//! | step | condition | style |
//! | --- | --- | --- |
//! | 1 | a key written as a simple key whose text has a line break | double-quoted |
//! | 2 | plain asked, but the text may not be plain in block context | single-quoted |
//! | 3 | plain asked for an empty key | single-quoted |
//! | 4 | single-quoted, but the text may not be single-quoted | double-quoted |
//! | 5 | literal asked, but the text may not be a block scalar, or it is a simple key | double-quoted |
//!
//! Plain is refused in block context by a leading or trailing space or break, any line break,
//! a space next to a break, a character go-yaml will not print raw (tab, controls, U+0085,
//! U+FEFF, U+FFFE/F, anything past U+FFFF), a leading indicator (`#,[]{}&*!|>'"%@` and
//! backtick, or `-`, `?`, `:` followed by a blank or the end), `: ` or ` #` inside, and a
//! leading `---` or `...`. Single quotes are refused by a break followed by a space, a space
//! followed by a break, or an unprintable character; a block scalar by a trailing space, a space
//! followed by a break, or an unprintable character. go-yaml never writes scalars inside flow
//! collections except in empty `[]`/`{}`, so the flow half of the analysis is left out.

use super::resolve::needs_quotes;

/// A scalar style go-yaml's emitter writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'…'`, with `''` for a quote.
    SingleQuoted,
    /// `"…"`, with backslash escapes.
    DoubleQuoted,
    /// `|`, `|-` or `|+`, the text on the lines below.
    Literal,
}

/// The style go-yaml v2's encoder asks for a string (`stringv`).
pub fn requested_for_string(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if needs_quotes(s) {
        Style::DoubleQuoted
    } else {
        Style::Plain
    }
}

/// What the emitter's analysis found in a scalar's text (the block-context half).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Analysis {
    /// A line break somewhere: not a simple key.
    pub multiline: bool,
    /// May be written plain in block context.
    pub plain_allowed: bool,
    /// May be written in single quotes.
    pub single_quoted_allowed: bool,
    /// May be written as a literal block scalar.
    pub block_allowed: bool,
}

/// A character go-yaml prints raw in any style (`is_printable`: `\n`, printable ASCII, and the
/// Basic Multilingual Plane from U+00A0 but for surrogates, U+FEFF, U+FFFE and U+FFFF).
pub fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

/// A line break to YAML: CR, LF, NEL, LS, PS.
pub fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `yaml_emitter_analyze_scalar`, block context.
pub fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = matches!(next, None | Some(' ' | '\t'));
        let last = next.is_none();
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => indicators = true,
                '#' if preceded_by_whitespace => indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        first = false;
    }
    let edge = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        multiline: line_breaks,
        plain_allowed: !(edge
            || break_space
            || space_break
            || special
            || line_breaks
            || indicators),
        single_quoted_allowed: !(break_space || space_break || special),
        block_allowed: !(trailing_space || space_break || special),
    }
}

// ANCHOR: select_style
/// `yaml_emitter_select_scalar_style` in block context: the style `requested` becomes the one
/// written, for a scalar with `value` and its [`Analysis`], written as a simple key or not.
pub fn select_style(requested: Style, value: &str, a: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.plain_allowed || (value.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}
// ANCHOR_END: select_style

#[cfg(test)]
mod tests {
    use super::*;

    fn style(s: &str, simple_key: bool) -> Style {
        select_style(requested_for_string(s), s, &analyze(s), simple_key)
    }

    #[test]
    fn the_encoder_asks_literal_for_newlines_and_double_quotes_for_other_types() {
        assert_eq!(requested_for_string("a\nb"), Style::Literal);
        assert_eq!(requested_for_string("yes"), Style::DoubleQuoted);
        assert_eq!(requested_for_string("1:20"), Style::DoubleQuoted);
        assert_eq!(requested_for_string(""), Style::DoubleQuoted);
        assert_eq!(requested_for_string("hello"), Style::Plain);
    }

    #[test]
    fn indicators_and_edge_spaces_turn_plain_into_single_quotes() {
        for s in [
            "- a", "-", "? x", ": x", "a: b", "a #b", "#x", "&a", "*a", "!a", "|a", ">a", "'a",
            "\"a", "%a", "@a", "`a", "[a", "{a", ",a", " a", "a ", "---x", "...",
        ] {
            assert_eq!(style(s, false), Style::SingleQuoted, "{s:?}");
        }
        for s in [
            "-a", "?a", ":a", "a:b", "a#b", "a-", "a,b", "über", "日本", "a\u{A0}b",
        ] {
            assert_eq!(style(s, false), Style::Plain, "{s:?}");
        }
    }

    #[test]
    fn unprintable_characters_force_double_quotes() {
        for s in [
            "a\tb",
            "a\u{1}b",
            "a\u{7F}",
            "a\u{85}b",
            "\u{FEFF}a",
            "a\u{1F600}",
            "a\rb",
        ] {
            assert_eq!(style(s, false), Style::DoubleQuoted, "{s:?}");
        }
    }

    #[test]
    fn newlines_are_literal_unless_spaces_or_keys_forbid_it() {
        assert_eq!(style("a\nb", false), Style::Literal);
        assert_eq!(style("a\n", false), Style::Literal);
        assert_eq!(style(" a\nb", false), Style::Literal);
        // A space before a break, a trailing space, or a simple key: double quotes.
        assert_eq!(style("a \nb", false), Style::DoubleQuoted);
        assert_eq!(style("a\nb ", false), Style::DoubleQuoted);
        assert_eq!(style("a\nb", true), Style::DoubleQuoted);
        // A line separator is a break but printable: single quotes, not literal.
        assert_eq!(style("a\u{2028}b", false), Style::SingleQuoted);
    }

    #[test]
    fn an_empty_key_is_double_quoted_as_the_encoder_asked() {
        assert_eq!(style("", true), Style::DoubleQuoted);
        assert_eq!(
            select_style(Style::Plain, "", &analyze(""), true),
            Style::SingleQuoted
        );
    }
}
