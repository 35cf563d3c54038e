//! Go's `log` prefix for the restart lines: `2020/10/09 09:43:56 ` in local time, on stderr.
//!
//! goinbox/gohttp's gracehttp prints its lines with `log.Printf`, and Go's standard logger
//! (`log.LstdFlags` = `Ldate | Ltime`) writes `YYYY/MM/DD HH:MM:SS ` in the local time zone in
//! front of each message, to stderr (Go 1.19 `src/log/log.go`: `LstdFlags` line 49,
//! `var std = New(os.Stderr, "", LstdFlags)` line 90, `formatHeader` lines 117-167). [`go_log_line`] is that logger for
//! [`Event`]s; a program hands it to [`Builder::logger`](crate::Builder::logger) to print what the
//! Go original prints, where it prints it.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Event;

/// Prints `YYYY/MM/DD HH:MM:SS [pid: N] ...` on stderr, as Go's `log.Printf` does.
///
/// One `write` per line (the line is formatted first), so lines from the old and the new
/// process, which share the terminal, do not interleave within a line. Write errors are ignored,
/// as Go's `log` ignores them.
pub fn go_log_line(event: &Event) {
    let line = format!("{}{event}\n", go_log_prefix(SystemTime::now()));
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `YYYY/MM/DD HH:MM:SS ` (with the trailing space) for `at`, in the local time zone.
pub fn go_log_prefix(at: SystemTime) -> String {
    let secs = match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        // A clock before 1970: Go would print that date; nothing here runs then.
        Err(_) => 0,
    };
    let tm = local_time(secs).unwrap_or_else(|| utc_time(secs));
    format!(
        "{:04}/{:02}/{:02} {:02}:{:02}:{:02} ",
        tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second
    )
}

/// A broken-down civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

/// The local time from the C library, which reads `TZ` and `/etc/localtime` as Go's `time`
/// package does.
fn local_time(secs: i64) -> Option<Civil> {
    // `time_t` is 64 bits wide on 64-bit Linux and macOS; where it is 32 bits this wraps in
    // 2038, as the C library's own clock does there.
    let secs: libc::time_t = secs as _;
    // SAFETY: `libc::tm` is plain old data, for which all-zero bytes are a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: `localtime_r` reads `secs` and writes only into `tm`, both valid for the call; it
    // is the re-entrant variant, safe to call from any thread.
    let done = unsafe { libc::localtime_r(&secs, &mut tm) };
    if done.is_null() {
        return None;
    }
    Some(Civil {
        year: i64::from(tm.tm_year) + 1900,
        month: u32::try_from(tm.tm_mon + 1).ok()?,
        day: u32::try_from(tm.tm_mday).ok()?,
        hour: u32::try_from(tm.tm_hour).ok()?,
        minute: u32::try_from(tm.tm_min).ok()?,
        second: u32::try_from(tm.tm_sec).ok()?,
    })
}

/// UTC, computed from the day count (the proleptic Gregorian calendar), for the case the C
/// library cannot convert a time.
fn utc_time(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: month as u32,
        day: day as u32,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_dates_of_known_instants() {
        let c = |s| {
            let t = utc_time(s);
            (t.year, t.month, t.day, t.hour, t.minute, t.second)
        };
        assert_eq!(c(0), (1970, 1, 1, 0, 0, 0));
        // The seed's first restart line, 2020/10/09 09:43:56, read as UTC.
        assert_eq!(c(1_602_236_636), (2020, 10, 9, 9, 43, 56));
        assert_eq!(c(951_825_600), (2000, 2, 29, 12, 0, 0));
        assert_eq!(c(4_107_542_399), (2100, 2, 28, 23, 59, 59));
    }

    #[test]
    fn prefix_has_go_log_shape() {
        let p = go_log_prefix(UNIX_EPOCH + Duration::from_secs(1_602_236_636));
        let b = p.as_bytes();
        assert_eq!(p.len(), "2020/10/09 09:43:56 ".len(), "{p:?}");
        for (i, ch) in b.iter().enumerate() {
            match i {
                4 | 7 => assert_eq!(*ch, b'/', "{p:?}"),
                10 | 19 => assert_eq!(*ch, b' ', "{p:?}"),
                13 | 16 => assert_eq!(*ch, b':', "{p:?}"),
                _ => assert!(ch.is_ascii_digit(), "{p:?}"),
            }
        }
    }

    #[test]
    fn local_time_agrees_with_utc_when_tz_is_utc() {
        // Only meaningful where the zone is UTC (CI, containers); elsewhere the hour differs.
        if std::env::var("TZ").is_ok_and(|tz| tz == "UTC") {
            let s = 1_602_236_636;
            assert_eq!(local_time(s), Some(utc_time(s)));
        }
    }
}
