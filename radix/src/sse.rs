//! Streaming answers: gin's `c.Stream(step)` and `c.SSEvent(name, data)` (server-sent events).
//!
//! An event is written in gin-contrib/sse's format (`event:NAME\n`, then `data:...\n\n`; a JSON
//! value is encoded with Go's escaping and ends in `\n\n` too) with `Content-Type:
//! text/event-stream` and `Cache-Control: no-cache`. [`Context::stream`] calls the step again and
//! again and flushes after each, so every event reaches the client at once (the response turns
//! chunked at the first flush); it stops when the step says so, or when a write or flush fails
//! because the client went away, which gin learns from `CloseNotify`.

use serde::Serialize;
use servemux::BoxFuture;

use crate::context::Context;
use crate::go_json;

/// gin-contrib/sse's `fieldReplacer`, for the event name.
fn escape_field(s: &str) -> String {
    s.replace('\n', "\\n").replace('\r', "\\r")
}

/// gin-contrib/sse's `dataReplacer`: a newline starts another `data:` line.
fn escape_data(s: &str) -> String {
    s.replace('\n', "\ndata:").replace('\r', "\\r")
}

/// The bytes of one event whose data is text.
pub fn event_text(name: &str, data: &str) -> String {
    let mut out = String::new();
    if !name.is_empty() {
        out.push_str("event:");
        out.push_str(&escape_field(name));
        out.push('\n');
    }
    out.push_str("data:");
    out.push_str(&escape_data(data));
    out.push_str("\n\n");
    out
}

impl Context<'_> {
    fn sse_headers(&mut self) {
        let h = self.writer_headers();
        h.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/event-stream"),
        );
        h.entry(http::header::CACHE_CONTROL)
            .or_insert(http::HeaderValue::from_static("no-cache"));
    }

    /// Write one event with text data (gin's `c.SSEvent(name, "text")`). Returns false when the
    /// write failed (the client is gone).
    pub async fn sse_event(&mut self, name: &str, data: &str) -> bool {
        self.sse_headers();
        let bytes = event_text(name, data);
        self.writer().write(bytes.as_bytes()).await.is_ok()
    }

    /// Write one event whose data is `value` as JSON (gin's `c.SSEvent` with a struct or map).
    pub async fn sse_event_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> bool {
        let json = match go_json::encode(value) {
            Ok(j) => j,
            Err(e) => {
                self.render_failed(e);
                return false;
            }
        };
        self.sse_headers();
        let mut out = Vec::new();
        if !name.is_empty() {
            out.extend_from_slice(b"event:");
            out.extend_from_slice(escape_field(name).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b"data:");
        out.extend_from_slice(&json);
        out.push(b'\n');
        self.writer().write(&out).await.is_ok()
    }

    // ANCHOR: stream
    /// Run `step` until it returns false, flushing after each call (gin's `c.Stream`). `state`
    /// is handed to every step (a counter, a channel receiver), because a closure that is called
    /// again cannot lend its own captures to the future it returns. Returns true when the client
    /// went away (a write or flush failed), false when the step ended the stream.
    pub async fn stream<S, F>(&mut self, mut state: S, mut step: F) -> bool
    where
        S: Send,
        F: for<'a, 'e> FnMut(&'a mut Context<'e>, &'a mut S) -> BoxFuture<'a, bool>,
    {
        loop {
            let keep_open = step(self, &mut state).await;
            if self.writer().flush().await.is_err() {
                return true;
            }
            if !keep_open {
                return false;
            }
        }
    }
    // ANCHOR_END: stream
}
