//! Numbers as go-yaml v2 writes them: Go's `strconv.FormatFloat(f, 'g', -1, bits)`, with YAML's
//! names for the infinities and NaN (v2.4.0 `encode.go`, `floatv`, lines 363-380).
//!
//! `'g'` with precision -1 takes the shortest digits that read back as the same float, and
//! writes them in exponent form when the exponent is below -4 or at least 6 (Go uses 6, not the
//! digit count, for the shortest form: `1e+06`, `1.5e-05`), else as a plain decimal
//! (`100000`, `0.0001`). The exponent has a sign and at least two digits. Rust's `{:e}` gives
//! the same shortest digits, so only the layout is Go's here.

/// `f` as go-yaml v2 writes a Go float64 (`single` false) or float32 (`single` true).
pub fn format_float(f: f64, single: bool) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    // Shortest round-trip digits: "-1.2345e3", "0e0".
    let sci = if single {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (neg, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci.as_str()),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        // %e: d.ddde±XX
        out.push(digits.first().map_or('0', |&d| char::from(d)));
        if digits.len() > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&d| char::from(d)));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    } else {
        // %f with just the digits there are: the point sits `exp + 1` digits in.
        let point = exp + 1;
        let digit = |i: i32| {
            usize::try_from(i)
                .ok()
                .and_then(|i| digits.get(i))
                .map_or('0', |&d| char::from(d))
        };
        if point > 0 {
            (0..point).for_each(|i| out.push(digit(i)));
        } else {
            out.push('0');
        }
        let frac = i32::try_from(digits.len()).unwrap_or(i32::MAX) - point;
        if frac > 0 {
            out.push('.');
            (point..point + frac).for_each(|i| out.push(digit(i)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn floats_are_written_as_go_formats_them() {
        // Each pair: the float, and what Go's FormatFloat(f, 'g', -1, 64) writes.
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (123456.7, "123456.7"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (0.1, "0.1"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f, false), want, "{f:e}");
        }
        // float32 keeps float32's shortest digits.
        assert_eq!(format_float(f64::from(0.1f32), true), "0.1");
        assert_eq!(format_float(f64::from(16777216f32), true), "1.6777216e+07");
    }
}
