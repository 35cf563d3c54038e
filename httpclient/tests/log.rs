//! The goinbox debug line: one `tracing` event per request, in goinbox's words.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use httpclient::Client;
use support::tls::{self as certs, Ca};
use support::{ok, TestServer};
use tracing_subscriber::fmt::MakeWriter;

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn one_debug_line_per_request() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(|_| ok("x")).await;
    let client = Client::new();
    let url = server.url("/demo/args/123");
    client.get(url.as_str()).send().await.unwrap();
    client.get("ftp://example.com/").send().await.unwrap_err();

    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("Host: ")).collect();
    assert_eq!(lines.len(), 2, "{text}");

    let host = server.addr.to_string();
    let first = lines[0];
    assert!(first.contains(" DEBUG "), "{first}");
    let prefix = format!("Host: {host} URL: {url} TimeDuration: ");
    let rest = &first[first.find(&prefix).expect(first) + prefix.len()..];
    let (duration, status) = rest.split_once(' ').unwrap();
    // Go's time.Duration format: a number and a unit, e.g. 986.798µs.
    assert!(
        duration.ends_with("µs") || duration.ends_with("ms") || duration.ends_with("ns"),
        "{duration}"
    );
    assert!(duration
        .trim_end_matches(char::is_alphabetic)
        .trim_end_matches('µ')
        .parse::<f64>()
        .is_ok());
    assert_eq!(status, "StatusCode: 200");

    assert!(lines[1].contains("Host: example.com URL: ftp://example.com/ TimeDuration: "));
    assert!(lines[1].contains("Error: unsupported scheme"));
}

#[tokio::test(flavor = "current_thread")]
async fn a_trace_id_prefixes_the_line_as_gohttp_does() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(|_| ok("x")).await;
    let client = Client::builder().trace_id("req-7f3a").build();
    let url = server.url("/demo/args/123");
    client.get(url.as_str()).send().await.unwrap();
    client
        .get(url.as_str())
        .trace_id("other")
        .send()
        .await
        .unwrap();

    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("Host: ")).collect();
    let host = server.addr.to_string();
    assert!(
        lines[0].contains(&format!(
            "req-7f3a [HttpClient] Host: {host} URL: {url} TimeDuration: "
        )),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("other [HttpClient] Host: "),
        "{}",
        lines[1]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_line_is_logged_for_https_too() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let ca = Ca::new("test CA");
    let server =
        TestServer::start_tls(certs::server_config(ca.leaf(&["localhost"])), |_| ok("x")).await;
    let client = Client::builder()
        .no_proxy()
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    let url = server.localhost_url("/demo/args/123");
    client.get(url.as_str()).send().await.unwrap();
    let stranger = TestServer::start_tls(
        certs::server_config(certs::self_signed(&["localhost"])),
        |_| ok("never"),
    )
    .await;
    let bad = stranger.localhost_url("/");
    client.get(bad.as_str()).send().await.unwrap_err();

    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("Host: ")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    let host = format!("localhost:{}", server.addr.port());
    let prefix = format!("Host: {host} URL: {url} TimeDuration: ");
    assert!(lines[0].contains(&prefix), "{}", lines[0]);
    assert!(lines[0].ends_with("StatusCode: 200"), "{}", lines[0]);
    assert!(
        lines[1].contains(&format!("URL: {bad} TimeDuration: ")),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("Error: TLS: "), "{}", lines[1]);
    assert!(lines[1].contains("unknown issuer"), "{}", lines[1]);
}
