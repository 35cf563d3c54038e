//! Serving TLS: keep-alive and pipelining through the session, what `Request::tls` reports, a
//! handshake that stalls (closed by its timeout, and holding up nobody else), a client that stalls
//! after its handshake, plain HTTP and garbage on the TLS port, `100 Continue` and large bodies
//! through the session, hijack handing over the TLS stream, and graceful shutdown.

mod common;
mod tls_support;

use std::time::Duration;

use servemux::{handler_fn, Config, Handler, Server};
use tls_support::{connect, read_response, read_to_close, start_tls, Pki, BOUND};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What Go answers plain HTTP on its TLS port.
const GO_ANSWER: &[u8] =
    b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/// `/hello`; `/info` (what `Request::tls` says); `/echo` (the body back); `/big` (1 MiB,
/// streamed); `/hijack` (takes the stream over and echoes one line through it).
fn app() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            match r.path() {
                "/info" => {
                    let text = match r.tls() {
                        None => "plain".to_owned(),
                        Some(tls) => format!(
                            "{:?} {} {}",
                            tls.version().unwrap(),
                            tls.server_name().unwrap_or("none"),
                            tls.alpn_protocol()
                                .map(|p| String::from_utf8_lossy(p).into_owned())
                                .unwrap_or_else(|| "none".into()),
                        ),
                    };
                    let _ = w.write(text.as_bytes()).await;
                }
                "/echo" => {
                    let body = r.body_mut().read_to_end(1 << 20).await.unwrap_or_default();
                    let _ = w.write(&body).await;
                }
                "/big" => {
                    let chunk = vec![b'x'; 64 * 1024];
                    for _ in 0..16 {
                        if w.write(&chunk).await.is_err() {
                            return;
                        }
                    }
                }
                "/hijack" => {
                    let sni = r
                        .tls()
                        .and_then(|t| t.server_name())
                        .unwrap_or("none")
                        .to_owned();
                    let conn = w.hijack(r).await.expect("hijack");
                    let over_tls = conn.tls_stream().is_some();
                    let sni_again = conn.tls().and_then(|t| t.server_name().map(str::to_owned));
                    let mut conn = BufReader::new(conn);
                    let greeting = format!(
                        "hijacked tls={over_tls} sni={sni} again={}\n",
                        sni_again.as_deref().unwrap_or("none")
                    );
                    let _ = conn.get_mut().write_all(greeting.as_bytes()).await;
                    let mut line = String::new();
                    if conn.read_line(&mut line).await.unwrap_or(0) > 0 {
                        let _ = conn
                            .get_mut()
                            .write_all(format!("echo {line}").as_bytes())
                            .await;
                    }
                    let _ = conn.get_mut().shutdown().await;
                }
                _ => {
                    let _ = w.write(b"hello").await;
                }
            }
        })
    })
}

#[tokio::test]
async fn keep_alive_and_pipelined_requests_share_one_tls_connection() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    let mut buf = Vec::new();
    for i in 0..3 {
        let req = format!("GET /hello?{i} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        tls.write_all(req.as_bytes()).await.unwrap();
        let resp = read_response(&mut tls, &mut buf).await.expect("a response");
        assert_eq!((resp.status, resp.text().as_str()), (200, "hello"));
    }
    // Three requests in one write: three answers, in order.
    tls.write_all(
        b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n\
          GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n\
          POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nping",
    )
    .await
    .unwrap();
    let bodies: Vec<String> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            let resp = read_response(&mut tls, &mut buf).await.expect("a response");
            out.push(resp.text());
        }
        out
    };
    assert_eq!(bodies, ["hello", "TLSv1_3 localhost http/1.1", "ping"]);
    assert_eq!(
        srv.accepted(),
        1,
        "every request went over the one connection"
    );
}

#[tokio::test]
async fn request_tls_reports_version_sni_and_alpn() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let info = |connector, name: &'static str| {
        let addr = srv.addr;
        async move {
            let mut tls = connect(&connector, addr, name).await;
            tls.write_all(b"GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .await
                .unwrap();
            let mut buf = Vec::new();
            let resp = read_response(&mut tls, &mut buf).await.expect("a response");
            resp.text()
        }
    };
    assert_eq!(
        info(pki.connector(), "localhost").await,
        "TLSv1_3 localhost http/1.1"
    );
    // TLS 1.2, no ALPN offered: nothing agreed.
    let tls12 = pki.connector_with(&[&servemux::rustls::version::TLS12], Vec::new());
    assert_eq!(info(tls12, "localhost").await, "TLSv1_2 localhost none");
    // A client connecting to an IP address sends no SNI.
    assert_eq!(
        info(pki.connector(), "127.0.0.1").await,
        "TLSv1_3 none http/1.1"
    );

    // And on a plain server, no TLS at all (Go's r.TLS == nil).
    let plain = common::start(app(), Config::default()).await;
    assert_eq!(
        common::get(plain.addr, "/info").await.text().as_str(),
        "plain"
    );
}

#[tokio::test]
async fn continue_uploads_and_large_downloads_go_through_the_session() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    let mut interim = [0u8; 25];
    tokio::time::timeout(BOUND, tls.read_exact(&mut interim))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    tls.write_all(&body).await.unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut tls, &mut buf).await.expect("the echo");
    assert_eq!(resp.status, 200);
    assert!(resp.body == body, "the echoed body differs");

    tls.write_all(b"GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let resp = read_response(&mut tls, &mut buf)
        .await
        .expect("the big body");
    assert_eq!(resp.header("transfer-encoding"), Some("chunked"));
    assert_eq!(resp.body.len(), 1 << 20);
    assert!(resp.body.iter().all(|&b| b == b'x'));
}

#[tokio::test]
async fn a_stalled_handshake_holds_up_nobody_else() {
    let pki = Pki::new();
    // The default handshake timeout (10 s) is longer than the bound: if accepting waited for
    // the stalled handshake, the next client could not be served within the bound.
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let mut silent = TcpStream::connect(srv.addr).await.unwrap();
    let mut partial = TcpStream::connect(srv.addr).await.unwrap();
    // A handshake record header announcing 512 bytes, then nothing.
    partial
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    for _ in 0..3 {
        let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
        tls.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let resp = read_response(&mut tls, &mut buf).await.expect("served");
        assert_eq!(resp.text().as_str(), "hello");
    }
    // Both stallers are still open: nothing was cut to serve the others.
    let mut byte = [0u8; 1];
    for s in [&mut silent, &mut partial] {
        let still_open = tokio::time::timeout(Duration::from_millis(50), s.read(&mut byte)).await;
        assert!(still_open.is_err(), "a stalled handshake was closed early");
    }
}

#[tokio::test]
async fn a_stalled_handshake_is_closed_by_the_handshake_timeout() {
    let pki = Pki::new();
    let config = Config {
        tls_handshake_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let srv = start_tls(app(), config, pki.server_config()).await;
    let mut silent = TcpStream::connect(srv.addr).await.unwrap();
    let mut partial = TcpStream::connect(srv.addr).await.unwrap();
    partial
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    assert!(read_to_close(&mut silent).await.is_empty());
    assert!(read_to_close(&mut partial).await.is_empty());
    // The server goes on serving.
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    tls.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        read_response(&mut tls, &mut buf)
            .await
            .unwrap()
            .text()
            .as_str(),
        "hello"
    );
}

#[tokio::test]
async fn a_client_that_stalls_after_its_handshake_is_closed_by_the_header_timeout() {
    let pki = Pki::new();
    let config = Config {
        read_header_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let srv = start_tls(app(), config, pki.server_config()).await;
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    assert!(read_to_close(&mut tls).await.is_empty());
    // Half a head, then nothing: closed too.
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    tls.write_all(b"GET /hello HTTP/1.1\r\nHo").await.unwrap();
    assert!(read_to_close(&mut tls).await.is_empty());
}

#[tokio::test]
async fn plain_http_on_the_tls_port_gets_go_s_answer() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    for request in [
        &b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"[..],
        b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi",
        b"PUT /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(srv.addr).await.unwrap();
        s.write_all(request).await.unwrap();
        assert_eq!(
            read_to_close(&mut s).await,
            GO_ANSWER,
            "for {:?}",
            String::from_utf8_lossy(request)
        );
    }
    // Go's check knows five openings only; any other method is not recognised as HTTP and the
    // connection closes without a word, as Go's does.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    assert!(read_to_close(&mut s).await.is_empty());
}

#[tokio::test]
async fn garbage_on_the_tls_port_closes_cleanly() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    for garbage in [
        &b"\x00\x01\x02\x03\x04\x05garbage\r\n\r\n"[..],
        b"GET ",
        // A handshake record whose body is not a ClientHello: rustls refuses it (an alert may
        // come back before the close).
        b"\x16\x03\x01\x00\x05hello",
        b"\x16\x03\x01\xff\xff",
    ] {
        let mut s = TcpStream::connect(srv.addr).await.unwrap();
        s.write_all(garbage).await.unwrap();
        if garbage == b"GET " || garbage == b"\x16\x03\x01\xff\xff" {
            // Fewer bytes than the check (or the record) needs, then the client gives up.
            s.shutdown().await.unwrap();
        }
        let answer = read_to_close(&mut s).await;
        assert!(
            !answer.starts_with(b"HTTP"),
            "garbage {garbage:?} got an HTTP answer"
        );
    }
    // Still serving, and none of those connections is left open.
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    tls.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        read_response(&mut tls, &mut buf)
            .await
            .unwrap()
            .text()
            .as_str(),
        "hello"
    );
    assert_eq!(srv.server.open_connections(), 1);
}

#[tokio::test]
async fn hijack_hands_over_the_tls_session() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let tls = connect(&pki.connector(), srv.addr, "localhost").await;
    let mut tls = BufReader::new(tls);
    tls.get_mut()
        .write_all(b"GET /hijack HTTP/1.1\r\nHost: localhost\r\n\r\nfirst line\n")
        .await
        .unwrap();
    let mut line = String::new();
    tokio::time::timeout(BOUND, tls.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line, "hijacked tls=true sni=localhost again=localhost\n");
    // The line sent right after the head was already read by the server: the hijacked stream
    // hands it over first.
    line.clear();
    tokio::time::timeout(BOUND, tls.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line, "echo first line\n");
    assert!(read_to_close(&mut tls).await.is_empty());
    assert_eq!(srv.server.hijacked_connections(), 0);
}

#[tokio::test]
async fn shutdown_closes_idle_tls_connections() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
    tls.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        read_response(&mut tls, &mut buf)
            .await
            .unwrap()
            .text()
            .as_str(),
        "hello"
    );
    // One connection mid-handshake too: shutdown does not wait for it.
    let _silent = TcpStream::connect(srv.addr).await.unwrap();
    let server: Server = srv.server.clone();
    let done = tokio::time::timeout(BOUND, server.shutdown(Duration::from_secs(30))).await;
    assert_eq!(done.expect("shutdown within the bound"), Ok(()));
    assert!(read_to_close(&mut tls).await.is_empty());
}

#[tokio::test]
async fn closing_connections_end_with_close_notify() {
    let pki = Pki::new();
    let srv = start_tls(app(), Config::default(), pki.server_config()).await;
    // rustls reports a close without close_notify as an error (a possible truncation): these
    // reads succeed only if the server said goodbye properly.
    for request in [
        &b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"[..],
        b"GET /hello HTTP/1.0\r\n\r\n",
        // A bad request: 400, then the close.
        b"GET /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n",
    ] {
        let mut tls = connect(&pki.connector(), srv.addr, "localhost").await;
        tls.write_all(request).await.unwrap();
        let mut out = Vec::new();
        let read = tokio::time::timeout(BOUND, tls.read_to_end(&mut out)).await;
        let text = String::from_utf8_lossy(&out);
        assert!(
            matches!(read, Ok(Ok(_))),
            "{read:?} after {text:?} for {:?}",
            String::from_utf8_lossy(request)
        );
        assert!(text.starts_with("HTTP/1."), "{text}");
    }
}
