//! The client's log line as goinbox prints it: golog's console format around httpclient's message.
//!
//! The seed's client session shows, for each request,
//! `[Debug] [2020-12-13 22:31:03] - [HttpClient] Host: ... StatusCode: 200`. Three programs
//! build that line in Go: the client's `fmtLog` puts its trace id (`-` until `SetTraceId` gives
//! one) and `[HttpClient]` in front of the message, and golog's `SimpleFormat` puts the level and
//! the local time (`2006-01-02 15:04:05`) in front of that, fields separated by tabs, and its
//! console writer prints the line on stdout.
//!
//! Here httpclient emits the message as a `tracing` event, and [`GoLogFormat`] is the
//! `tracing-subscriber` event format that adds the rest. The trace id belongs to the client
//! session, as it belongs to the Go `Client`, so it is a field of the format. golog colours each
//! line for the terminal; we print it plain.
//!
//! goinbox's `Do` joins the message's fields (`Host: ...`, `URL: ...`, `TimeDuration: ...`,
//! `StatusCode: ...` or `Error: ...`) with tabs, where httpclient's message has spaces; the
//! seed's Go client, run against the seed's Go server, prints tabs. So the format puts the tab
//! back in front of each of those labels ([`goinbox_fields`]). A URL cannot hold a space, so a
//! label is never found inside one.

use std::fmt;
use std::time::SystemTime;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The trace id goinbox's client logs before one is set.
pub const NO_TRACE_ID: &str = "-";

/// Formats each event as `[Level]\t[YYYY-MM-DD HH:MM:SS]\tTRACE\t[HttpClient]\tMESSAGE`.
#[derive(Debug, Clone)]
pub struct GoLogFormat {
    trace_id: String,
}

impl GoLogFormat {
    /// A format that logs `trace_id` (Go's `Client.SetTraceId`); [`NO_TRACE_ID`] for none.
    pub fn new(trace_id: impl Into<String>) -> Self {
        GoLogFormat {
            trace_id: trace_id.into(),
        }
    }
}

/// golog's level names (`LogLevel` in `base.go`).
fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "Error",
        Level::WARN => "Warning",
        Level::INFO => "Info",
        Level::DEBUG | Level::TRACE => "Debug",
    }
}

/// golog's time pattern `2006-01-02 15:04:05`, local time.
pub fn golog_time(at: SystemTime) -> String {
    // Go's `log` date and golog's differ only in the date separator.
    gracehttp::go_log_prefix(at).trim_end().replace('/', "-")
}

/// The line in front of a message, without the message: `[Debug]\t[TIME]\tTRACE\t[HttpClient]\t`.
pub fn line_prefix(level: &Level, at: SystemTime, trace_id: &str) -> String {
    format!(
        "[{}]\t[{}]\t{}\t[HttpClient]\t",
        level_name(level),
        golog_time(at),
        trace_id
    )
}

/// httpclient's `Host: h URL: u TimeDuration: d StatusCode: s` with goinbox's tabs between the
/// fields: `Host: h\tURL: u\tTimeDuration: d\tStatusCode: s`.
pub fn goinbox_fields(message: &str) -> String {
    let mut out = message.to_owned();
    for label in ["URL: ", "TimeDuration: ", "StatusCode: ", "Error: "] {
        out = out.replace(&format!(" {label}"), &format!("\t{label}"));
    }
    out
}

// ANCHOR: format
impl<S, N> FormatEvent<S, N> for GoLogFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = event.metadata().level();
        writer.write_str(&line_prefix(level, SystemTime::now(), &self.trace_id))?;
        let mut message = String::new();
        ctx.field_format()
            .format_fields(Writer::new(&mut message), event)?;
        writeln!(writer, "{}", goinbox_fields(&message))
    }
}
// ANCHOR_END: format

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_joined_with_tabs() {
        let m = "Host: 127.0.0.1:8010 URL: http://127.0.0.1:8010/demo/args/123 TimeDuration: 1.3ms StatusCode: 200";
        assert_eq!(
            goinbox_fields(m),
            "Host: 127.0.0.1:8010\tURL: http://127.0.0.1:8010/demo/args/123\tTimeDuration: 1.3ms\tStatusCode: 200"
        );
        let e = "Host: h:1 URL: http://h:1/ TimeDuration: 2s Error: connection refused";
        assert_eq!(
            goinbox_fields(e),
            "Host: h:1\tURL: http://h:1/\tTimeDuration: 2s\tError: connection refused"
        );
    }

    #[test]
    fn prefix_is_golog_console_format() {
        let p = line_prefix(&Level::DEBUG, SystemTime::now(), NO_TRACE_ID);
        let fields: Vec<&str> = p.split('\t').collect();
        assert_eq!(fields.len(), 5, "{p:?}");
        assert_eq!(fields[0], "[Debug]");
        assert_eq!(fields[2], "-");
        assert_eq!(fields[3], "[HttpClient]");
        assert_eq!(fields[4], "");
        let time = fields[1].trim_start_matches('[').trim_end_matches(']');
        assert_eq!(time.len(), "2020-12-13 22:31:03".len(), "{time:?}");
        assert_eq!(&time[4..5], "-");
        assert_eq!(&time[7..8], "-");
        assert_eq!(&time[10..11], " ");
    }
}
