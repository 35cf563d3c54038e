//! Go's `time.Duration.String`, for the client session's last line per request.
//!
//! The seed's client prints `fmt.Println(string(resp.Contents), resp.TimeDuration.String())`, so
//! each answer ends in a duration written the Go way: `986.798µs`, `1.5ms`, `2m3.25s`
//! (Go 1.19 `src/time/time.go`: `func (d Duration) String` lines 623-694, `fmtFrac` 700-718).
//! Rust's `Debug` for `Duration` agrees below a second and differs above (`123.25s` for Go's
//! `2m3.25s`), so the client formats with this function.

use std::time::Duration;

/// `d` as Go's `Duration.String` writes it.
pub fn go_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    match ns {
        0 => "0s".to_owned(),
        1..=999 => format!("{ns}ns"),
        1_000..=999_999 => with_fraction(ns / 1_000, ns % 1_000, 3, "µs"),
        1_000_000..=999_999_999 => with_fraction(ns / 1_000_000, ns % 1_000_000, 6, "ms"),
        _ => {
            let secs = ns / 1_000_000_000;
            let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
            let mut out = String::new();
            if h > 0 {
                out.push_str(&format!("{h}h"));
            }
            if h > 0 || m > 0 {
                out.push_str(&format!("{m}m"));
            }
            out + &with_fraction(s, ns % 1_000_000_000, 9, "s")
        }
    }
}

/// `whole.fraction` + unit, the fraction written with `digits` digits and its trailing zeros cut
/// (no dot when it is zero), as Go's `fmtFrac` does.
fn with_fraction(whole: u128, fraction: u128, digits: usize, unit: &str) -> String {
    if fraction == 0 {
        return format!("{whole}{unit}");
    }
    let frac = format!("{fraction:0digits$}");
    format!("{whole}.{}{unit}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values and the strings Go 1.19 prints for them (`time.Duration(n).String()`, run with
    /// `go run`).
    #[test]
    fn matches_go() {
        let cases: [(u64, &str); 12] = [
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1_000, "1µs"),
            (986_798, "986.798µs"),
            (1_500_000, "1.5ms"),
            (482_174, "482.174µs"),
            (1_000_000_000, "1s"),
            (60_000_000_000, "1m0s"),
            (123_250_000_000, "2m3.25s"),
            (3_600_000_000_001, "1h0m0.000000001s"),
            (90_061_000_000_000, "25h1m1s"),
        ];
        for (ns, go) in cases {
            assert_eq!(go_duration(Duration::from_nanos(ns)), go, "{ns}ns");
        }
    }

    /// Below a second Rust's `Debug` already writes what Go writes (httpclient's log line uses it).
    #[test]
    fn agrees_with_debug_below_a_second() {
        for ns in [1u64, 999, 1_000, 986_798, 1_234_567, 999_999_999] {
            let d = Duration::from_nanos(ns);
            assert_eq!(go_duration(d), format!("{d:?}"), "{ns}ns");
        }
    }
}
