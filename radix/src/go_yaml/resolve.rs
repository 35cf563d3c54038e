//! Which strings YAML 1.1 reads as something other than a string: go-yaml v2's `resolve` as its
//! encoder asks it (`encode.go` `stringv`, v2.4.0 lines 300-335), plus the base-60 check beside it.
//!
//! go-yaml v2 writes a string plain only when reading the plain text back would give a string.
//! Its resolver (v2.4.0 `resolve.go`, `resolve`, lines 86-197) looks at the first byte: a sign or
//! a digit may start a number or a timestamp, one of `yYnNtTfFoO~` a boolean or null word, `.` a
//! float; anything else is a string at once. The words come from a fixed table (lines 37-48); the
//! numbers are whatever Go's `strconv` accepts once underscores are removed, so this module
//! mirrors the parts of `ParseInt`, `ParseUint` and `ParseFloat` that can answer differently.

/// go-yaml v2's `resolve("", s)` gives a tag other than `!!str`, or `isBase60Float(s)` holds:
/// the string must be quoted to stay a string.
pub fn needs_quotes(s: &str) -> bool {
    !resolves_to_str(s) || is_base60_float(s)
}

/// `resolve("", s)` gives `!!str`.
fn resolves_to_str(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false; // "" is null
    };
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => Hint::SignOrDigit,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Hint::Word,
        b'.' => Hint::Dot,
        _ => return true,
    };
    if is_table_word(s) {
        return false;
    }
    match hint {
        Hint::Word => true,
        Hint::Dot => !go_float_ok(s),
        Hint::SignOrDigit => !number_or_timestamp(s),
    }
}

enum Hint {
    SignOrDigit,
    Word,
    Dot,
}

/// The resolver's table of words (v2.4.0 `resolve.go` lines 37-48): YAML 1.1 booleans, nulls,
/// infinities and NaN, in the three spellings each allows. (`<<` is in the table too, but its
/// first byte never sends the resolver there.)
fn is_table_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// The sign-or-digit branch (v2.4.0 `resolve.go` lines 139-191): a timestamp, then an int, a
/// uint, a YAML-style float, and last a `0b`/`-0b` binary int, each on the text without its
/// underscores (the timestamp on the text as given).
fn number_or_timestamp(s: &str) -> bool {
    if is_timestamp(s) {
        return true;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if parse_int(&plain, 0) || parse_uint(&plain, 0) {
        return true;
    }
    if is_yaml_style_float(&plain) && go_float_ok(&plain) {
        return true;
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        return parse_int(rest, 2) || parse_uint(rest, 2);
    }
    if let Some(rest) = plain.strip_prefix("-0b") {
        return parse_int(&format!("-{rest}"), 2);
    }
    false
}

/// Go's `strconv.ParseInt(s, base, 64)` succeeds (base 0 or 2; `s` has no underscores).
fn parse_int(s: &str, base: u32) -> bool {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    match uint_value(digits, base) {
        Some(n) if neg => n <= 1 << 63,
        Some(n) => n < 1 << 63,
        None => false,
    }
}

/// Go's `strconv.ParseUint(s, base, 64)` succeeds (no sign allowed).
fn parse_uint(s: &str, base: u32) -> bool {
    uint_value(s, base).is_some()
}

/// The value of `s` as `ParseUint` reads it: with base 0 a `0b`, `0o` or `0x` prefix (either
/// case) picks the base, a lone leading `0` means octal, else decimal. `None` on any bad digit,
/// an empty string or a value past `u64::MAX`.
fn uint_value(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if base != 0 {
        (base, s)
    } else if let Some(rest) = s.strip_prefix('0') {
        let lower = rest.as_bytes().first().map(u8::to_ascii_lowercase);
        match lower {
            Some(b'b') if s.len() >= 3 => (2, &rest[1..]),
            Some(b'o') if s.len() >= 3 => (8, &rest[1..]),
            Some(b'x') if s.len() >= 3 => (16, &rest[1..]),
            _ => (8, rest),
        }
    } else {
        (10, s)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// go-yaml v2's `yamlStyleFloat` (v2.4.0 `resolve.go` line 84):
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` succeeds, for the texts the resolver hands it: a decimal
/// number with an optional sign, fraction and exponent, underscores only between digits, and a
/// value that does not overflow to infinity (underflow to zero is no error in Go). Hexadecimal
/// and `inf`/`nan` spellings never reach it from `resolve` (they start with neither `.` nor
/// match `yamlStyleFloat`), so they are refused here.
fn go_float_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut mantissa_digits = 0;
    let mut seen_dot = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => mantissa_digits += 1,
            b'_' => {}
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    if i != b.len() || (s.contains('_') && !underscores_ok(s)) {
        return false;
    }
    // Rust reads the same decimal text once the underscores are gone; Go reports overflow as an
    // error, Rust as an infinity.
    let digits: String = s.chars().filter(|&c| c != '_').collect();
    let normal = match digits.strip_prefix(['+', '-']) {
        Some(rest) if rest.starts_with('.') => format!("0{rest}"),
        _ if digits.starts_with('.') => format!("0{digits}"),
        _ => digits,
    };
    normal.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `underscoreOK` for a decimal text: each underscore sits between two digits.
fn underscores_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    // What came last: a digit, an underscore, or something else (the start counts as neither).
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    for &c in b {
        if c.is_ascii_digit() {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else if saw == Saw::Underscore {
            return false;
        } else {
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

/// go-yaml v2's `isBase60Float` (v2.4.0 `encode.go` lines 283-298): YAML 1.1's sexagesimal
/// numbers such as `1:20` or `-190:20:30.15`, which go-yaml no longer reads but still quotes:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or two with the first at most 5.
        match (b.get(i), b.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's `parseTimestamp` (v2.4.0 `resolve.go` lines 224-258): four digits and a `-`,
/// then one of Go's layouts `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` or `2006-1-2`, with the ranges `time.Parse` checks.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut p = Cursor { b, i: 5 };
    let Some(month) = p.num() else { return false };
    if !p.lit(b'-') {
        return false;
    }
    let Some(day) = p.num() else { return false };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if p.done() {
        return true;
    }
    let zone = match p.next() {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    let (Some(h), true, Some(m), true, Some(sec)) =
        (p.num(), p.lit(b':'), p.num(), p.lit(b':'), p.num())
    else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    // `.999999999`: an optional `.` or `,` and digits.
    if matches!(p.peek(0), Some(b'.' | b',')) && p.peek(1).is_some_and(|c| c.is_ascii_digit()) {
        p.i += 1;
        while p.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
        }
    }
    if zone && !p.zone() {
        return false;
    }
    p.done()
}

/// A position in a timestamp being read.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.b.get(self.i + ahead).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek(0)?;
        self.i += 1;
        Some(c)
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn lit(&mut self, c: u8) -> bool {
        let ok = self.peek(0) == Some(c);
        self.i += usize::from(ok);
        ok
    }
    /// Go's `getnum(s, false)`: one digit, or two.
    fn num(&mut self) -> Option<u32> {
        let d0 = self.peek(0).filter(u8::is_ascii_digit)?;
        self.i += 1;
        let mut n = u32::from(d0 - b'0');
        if let Some(d1) = self.peek(0).filter(u8::is_ascii_digit) {
            self.i += 1;
            n = n * 10 + u32::from(d1 - b'0');
        }
        Some(n)
    }
    /// `Z07:00`: `Z`, or a sign, two digits, `:` and two digits (hours up to 24, minutes up
    /// to 60, as Go allows).
    fn zone(&mut self) -> bool {
        if self.lit(b'Z') {
            return true;
        }
        let rest = &self.b[self.i..];
        if rest.len() < 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
            return false;
        }
        let two = |x: &[u8]| {
            (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
        };
        match (two(&rest[1..3]), two(&rest[4..6])) {
            (Some(h), Some(m)) if h <= 24 && m <= 60 => {
                self.i += 6;
                true
            }
            _ => false,
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::needs_quotes;

    #[test]
    fn yaml_1_1_words_need_quotes_in_their_three_spellings_only() {
        for s in [
            "y", "Yes", "ON", "off", "No", "TRUE", "~", "null", "NULL", "", ".NaN",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in ["yES", "oN", "nULL", "<<", "nope", "tru", ".nAn", "Infinity"] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }

    #[test]
    fn numbers_in_any_form_strconv_reads_need_quotes() {
        for s in [
            "0",
            "-0",
            "+12",
            "017",
            "0o17",
            "0O17",
            "0x1F",
            "0X1f",
            "0b101",
            "-0b101",
            "0b-101",
            "1_000",
            "1_",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            ".5",
            "-.5",
            "+.5",
            "1.",
            "1e3",
            "1E-3",
            "1e-400",
            "08",
            ".5_0",
            "1:20",
            "-1:20:30.5",
            "190:20:30",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in [
            "0x", "0b", "0o", "-", "+", ".", "1e400", "._5", "1:60", "1:2:", "0x1G", "12a", "1e",
            "--1", "+.inf.", "1.2.3",
        ] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }

    #[test]
    fn timestamps_need_quotes_when_time_parse_accepts_them() {
        for s in [
            "2001-12-14",
            "2001-1-2",
            "2000-02-29",
            "2001-12-14T21:59:43.10Z",
            "2001-12-14t21:59:43,5+05:30",
            "2001-12-14 21:59:43.10",
            "2001-12-14T1:2:3-24:60",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in [
            "2001-02-29",
            "2001-13-01",
            "2001-12-14 24:00:00",
            "2001-12-14T21:59:43",
            "2001-12-14T21:59:43+0530",
            "2001-12-14x",
            "201-12-14",
        ] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }
}
