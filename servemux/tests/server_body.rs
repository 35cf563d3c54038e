//! The request body as a stream, and exact response framing, over real connections.
//!
//! Each test speaks raw bytes to a server on 127.0.0.1:0, so what is checked is what a client
//! sees on the wire: what arrives, in which order, and whether the connection stays open.

mod common;

use std::time::Duration;

use common::{read_response, read_to_close, start};
use http::header;
use servemux::{handler_fn, BodyError, Config, Handler};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// FNV-1a, 64 bit: a hash small enough to write here, so client and handler can agree on what
/// crossed the wire without keeping 64 MiB in memory.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The byte at offset `i` of the test uploads: not constant, so a lost or repeated piece shows.
fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(31) ^ (i >> 9)) as u8
}

/// Reads the whole body in 16 KiB pieces and answers `LEN HASH` (or the read error).
fn hashing() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            r.body_mut().set_limit(u64::MAX);
            let mut hash = Fnv::new();
            let mut len = 0u64;
            let mut piece = [0u8; 16 * 1024];
            loop {
                match r.body_mut().read(&mut piece).await {
                    Ok(0) => break,
                    Ok(n) => {
                        hash.update(&piece[..n]);
                        len += n as u64;
                    }
                    Err(e) => {
                        let _ = w.write(format!("error: {e}").as_bytes()).await;
                        return;
                    }
                }
            }
            let _ = w.write(format!("{len} {:016x}", hash.0).as_bytes()).await;
        })
    })
}

/// Writes `len` pattern bytes, framed by `Content-Length` or as 64 KiB chunks.
async fn upload(s: &mut TcpStream, len: u64, chunked: bool) -> Fnv {
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {len}")
    };
    let head = format!("PUT /up HTTP/1.1\r\nHost: t\r\n{framing}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let mut hash = Fnv::new();
    let mut at = 0u64;
    let mut piece = vec![0u8; 64 * 1024];
    while at < len {
        let n = (len - at).min(piece.len() as u64) as usize;
        for (k, b) in piece[..n].iter_mut().enumerate() {
            *b = pattern(at + k as u64);
        }
        hash.update(&piece[..n]);
        if chunked {
            s.write_all(format!("{n:x}\r\n").as_bytes()).await.unwrap();
        }
        s.write_all(&piece[..n]).await.unwrap();
        if chunked {
            s.write_all(b"\r\n").await.unwrap();
        }
        at += n as u64;
    }
    if chunked {
        s.write_all(b"0\r\n\r\n").await.unwrap();
    }
    hash
}

#[tokio::test]
async fn a_64_mib_upload_streams_through_a_hashing_handler() {
    let srv = start(hashing(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    for chunked in [false, true] {
        let len = 64 << 20;
        // The handler answers only after the last byte, so sending and reading can be in turn.
        let sent = upload(&mut s, len, chunked).await;
        let resp = read_response(&mut s, &mut buf).await.unwrap();
        assert_eq!(resp.status, 200, "chunked={chunked}");
        assert_eq!(
            resp.text(),
            format!("{len} {:016x}", sent.0),
            "chunked={chunked}"
        );
        // Both uploads on one connection: the body's end was found exactly.
        assert_eq!(resp.header("connection"), None);
    }
}

/// Answers with the first `n` bytes of the body it read, `n` from the path (`/read/3`).
fn partial_reader() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            let n: usize = r.path().trim_start_matches("/read/").parse().unwrap_or(0);
            let mut got = vec![0u8; n];
            // A body that fails is the server's to answer (or to close on).
            if r.body_mut().read_exact(&mut got).await.is_ok() {
                let _ = w.write(&got).await;
            }
        })
    })
}

#[tokio::test]
async fn a_pipelined_request_after_a_partly_read_body_is_served() {
    let srv = start(partial_reader(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"POST /read/3 HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789\
          POST /read/2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n\
          GET /read/0 HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    for want in ["012", "ab", ""] {
        let resp = read_response(&mut s, &mut buf).await.unwrap();
        assert_eq!((resp.status, resp.text().as_str()), (200, want));
        assert_eq!(resp.header("connection"), None);
    }
}

#[tokio::test]
async fn an_unread_rest_over_256_kib_closes_the_connection() {
    let srv = start(partial_reader(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let len = 256 * 1024 + 1;
    let head = format!("POST /read/1 HTTP/1.1\r\nHost: t\r\nContent-Length: {len}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&vec![b'x'; 4096]).await.unwrap();
    let out = read_to_close(&mut s).await;
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(out.contains("connection: close\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\nx"), "{out}");
}

#[tokio::test]
async fn an_unread_rest_within_256_kib_is_dropped_and_the_connection_kept() {
    let srv = start(partial_reader(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let len = 200 * 1024;
    let head = format!("POST /read/1 HTTP/1.1\r\nHost: t\r\nContent-Length: {len}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&vec![b'y'; len]).await.unwrap();
    s.write_all(b"GET /read/0 HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!((first.status, first.text().as_str()), (200, "y"));
    let second = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!((second.status, second.text().as_str()), (200, ""));
}

/// Reads one body byte, then sends its whole answer at once (committed before it returns) and
/// leaves the rest of the body unread.
fn answer_early() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            let mut one = [0u8; 1];
            let _ = r.body_mut().read_exact(&mut one).await;
            let _ = w.write(&vec![b'r'; 32 * 1024]).await;
            let _ = w.flush().await;
        })
    })
}

/// The response reached the client whole: status line, then exactly 32 KiB of `r`.
fn assert_whole_answer(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text:.200}");
    let body = &out[out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    // Chunked (the handler flushed): one 32 KiB chunk, then the last chunk.
    assert!(
        body.starts_with(b"8000\r\n"),
        "{:?}",
        &body[..body.len().min(20)]
    );
    assert_eq!(body.iter().filter(|&&b| b == b'r').count(), 32 * 1024);
    assert!(body.ends_with(b"\r\n0\r\n\r\n"));
}

#[tokio::test]
async fn a_close_after_a_committed_answer_drops_the_unread_body_first() {
    // The client asked to close; the handler answered after one byte of a 64 KiB body that is
    // still arriving. Closing the socket at once would reset the connection (unread bytes), and
    // the client's next write would fail before it ever read the answer; so the server drops the
    // rest of the body (it is under 256 KiB) and then closes.
    let srv = start(answer_early(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let len = 64 * 1024;
    let head = format!(
        "POST /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {len}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..len / 4096 {
        // Pieces with pauses: the server's answer goes out while the body is still coming.
        tokio::time::sleep(Duration::from_millis(2)).await;
        s.write_all(&[b'b'; 4096])
            .await
            .expect("the server still reads");
    }
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    read.expect("closed within 5 s").expect("no reset");
    assert_whole_answer(&out);
}

#[tokio::test]
async fn a_body_too_large_to_drop_closes_after_a_linger() {
    // 1 MiB left unread is more than the server drops (256 KiB): it closes, but first stops
    // writing and drains for a moment (Go's closeWriteAndWait), so the answer arrives whole
    // while the client is still sending.
    let srv = start(answer_early(), Config::default()).await;
    let s = TcpStream::connect(srv.addr).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let len = 1024 * 1024;
    let writer = tokio::spawn(async move {
        let head = format!("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: {len}\r\n\r\n");
        wr.write_all(head.as_bytes()).await.unwrap();
        // The server may stop reading and close: a failed write ends the upload.
        let piece = vec![b'b'; 16 * 1024];
        for _ in 0..len / piece.len() {
            if wr.write_all(&piece).await.is_err() {
                break;
            }
        }
    });
    let mut out = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    // Read until the end of the answer or the end of the stream; a reset after the answer
    // arrived is allowed (the client kept sending after the server's linger).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !out.ends_with(b"\r\n0\r\n\r\n") {
        match tokio::time::timeout_at(deadline, rd.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => out.extend_from_slice(&chunk[..n]),
            other => panic!("answer cut after {} bytes: {other:?}", out.len()),
        }
    }
    assert_whole_answer(&out);
    // The head went out before the server knew it would close, so it cannot say so: the
    // connection just ends (an end of stream, or a reset once the client's bytes go unread).
    let end = tokio::time::timeout_at(deadline, rd.read(&mut chunk)).await;
    assert!(matches!(end, Ok(Ok(0)) | Ok(Err(_))), "{end:?}");
    writer.abort();
}

/// `/short`: declares 10 bytes, writes 5. `/short-flushed`: the same with a flush between.
/// `/over`: declares 10, tries 20 (refused), then writes 10. `/over-only`: only the refused 20.
fn framing() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            if r.path() != "/ok" {
                w.header_mut()
                    .insert(header::CONTENT_LENGTH, "10".parse().unwrap());
            }
            match r.path() {
                "/short" => {
                    w.write(b"01234").await.unwrap();
                }
                "/short-flushed" => {
                    w.write(b"01").await.unwrap();
                    w.flush().await.unwrap();
                    w.write(b"234").await.unwrap();
                }
                "/over" | "/over-only" => {
                    let err = w.write(&[b'z'; 20]).await.unwrap_err();
                    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
                    if r.path() == "/over" {
                        w.write(b"0123456789").await.unwrap();
                    }
                }
                _ => {
                    w.write(b"ok").await.unwrap();
                }
            }
        })
    })
}

#[tokio::test]
async fn a_body_short_of_its_content_length_closes_the_connection() {
    for path in ["/short", "/short-flushed"] {
        let srv = start(framing(), Config::default()).await;
        let mut s = TcpStream::connect(srv.addr).await.unwrap();
        let two =
            format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
        s.write_all(two.as_bytes()).await.unwrap();
        let out = read_to_close(&mut s).await;
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{path}: {out}");
        assert!(out.contains("content-length: 10\r\n"), "{path}: {out}");
        assert!(
            out.ends_with("\r\n\r\n01234"),
            "{path}: the pipelined /ok must not be read as body: {out}"
        );
        if path == "/short" {
            // Known before the head went out: the head says so.
            assert!(out.contains("connection: close\r\n"), "{out}");
        }
    }
}

#[tokio::test]
async fn a_write_past_the_content_length_is_refused_and_sends_nothing() {
    let srv = start(framing(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /over HTTP/1.1\r\nHost: t\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(first.text(), "0123456789");
    assert_eq!(first.header("connection"), None);
    let second = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(second.text(), "ok");

    // Nothing written after the refused write: an empty body short of 10, so the server closes.
    let srv = start(framing(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /over-only HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(out.contains("content-length: 10\r\n"), "{out}");
    assert!(out.contains("connection: close\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\n"), "{out}");
}

#[tokio::test]
async fn a_finished_response_is_sent_before_the_next_body_is_awaited() {
    let srv = start(partial_reader(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    // The second request's body is not sent until the first response has arrived.
    s.write_all(
        b"GET /read/0 HTTP/1.1\r\nHost: t\r\n\r\nPOST /read/5 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!((first.status, first.text().as_str()), (200, ""));
    s.write_all(b"hello").await.unwrap();
    let second = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(second.text(), "hello");

    // And if that body never comes, the first response is still delivered, not lost.
    let config = Config {
        read_body_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let srv = start(partial_reader(), config).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"GET /read/0 HTTP/1.1\r\nHost: t\r\n\r\nPOST /read/5 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n",
    )
    .await
    .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert_eq!(out.matches("HTTP/1.1").count(), 1, "{out}");
}

/// Reads the body to its end and answers with its length and the `X-Sum` trailer.
fn trailer_echo() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            let answer = match r.body_mut().read_to_end(1 << 20).await {
                Ok(body) => {
                    let sum = r
                        .trailers()
                        .and_then(|t| t.get("x-sum"))
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("none")
                        .to_owned();
                    format!("{} {sum}", body.len())
                }
                Err(e) => {
                    assert!(matches!(e, BodyError::Malformed(_)), "{e:?}");
                    return;
                }
            };
            let _ = w.write(answer.as_bytes()).await;
        })
    })
}

#[tokio::test]
async fn trailers_are_available_after_the_body() {
    let srv = start(trailer_echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n\
          4\r\nWiki\r\n0\r\nX-Sum: 42\r\n\r\n\
          POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    assert_eq!(
        read_response(&mut s, &mut buf).await.unwrap().text(),
        "4 42"
    );
    assert_eq!(
        read_response(&mut s, &mut buf).await.unwrap().text(),
        "2 none"
    );
}

#[tokio::test]
async fn a_chunked_body_broken_in_the_middle_gets_400_and_a_close() {
    let srv = start(trailer_echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\nzz\r\n",
    )
    .await
    .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
    assert!(out.contains("connection: close\r\n"), "{out}");
    assert!(out.contains("invalid chunk size line"), "{out}");
}

#[tokio::test]
async fn a_client_that_stops_in_the_middle_of_a_body_is_ended_by_the_body_timeout() {
    let config = Config {
        read_body_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let handler = handler_fn(move |_w, r| {
        let record = record.clone();
        Box::pin(async move {
            let e = r.body_mut().read_to_end(1 << 20).await.unwrap_err();
            *record.lock().unwrap() = Some(e);
        })
    });
    let srv = start(handler, config).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
        .await
        .unwrap();
    // The handler said nothing and the client is too slow: the server closes without a word.
    let out = read_to_close(&mut s).await;
    assert_eq!(out, "");
    assert_eq!(*seen.lock().unwrap(), Some(BodyError::Timeout));
}

/// `/limit/N`: lowers the body limit to N and reads the body; `quiet` in the query leaves the
/// answer to the server.
fn limited() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            let n: u64 = r.path().trim_start_matches("/limit/").parse().unwrap_or(0);
            r.body_mut().set_limit(n);
            match r.body_mut().read_to_end(u64::MAX).await {
                Ok(body) => {
                    let _ = w.write(&body).await;
                }
                Err(e) if r.raw_query() == "quiet" => {
                    assert_eq!(e, BodyError::TooLarge { limit: n })
                }
                Err(e) => {
                    w.write_header(http::StatusCode::UNPROCESSABLE_ENTITY);
                    let _ = w.write(e.to_string().as_bytes()).await;
                }
            }
        })
    })
}

#[tokio::test]
async fn a_body_past_the_handlers_limit_fails_and_closes() {
    let srv = start(limited(), Config::default()).await;
    // Within the limit: read whole, connection kept.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /limit/4 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!((resp.status, resp.text().as_str()), (200, "abcd"));

    // Past it, the handler silent: 413 from the server, then close. Chunked, so the length is
    // found only by reading.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /limit/4?quiet HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n")
        .await
        .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(
        out.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{out}"
    );
    assert!(out.contains("request body larger than 4 bytes"), "{out}");

    // Past it, the handler answering itself: its answer, then close.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /limit/4 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde")
        .await
        .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(
        out.starts_with("HTTP/1.1 422 Unprocessable Entity\r\n"),
        "{out}"
    );
    assert!(out.contains("connection: close\r\n"), "{out}");
}

#[tokio::test]
async fn expect_100_continue_is_sent_on_the_first_read_only() {
    // A handler that answers without reading: no `100 Continue`, and the connection closes
    // (the client may be holding its body back, so what follows is unknown).
    let srv = start(partial_reader(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"PUT /read/0 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    )
    .await
    .unwrap();
    let out = read_to_close(&mut s).await;
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(!out.contains("100 Continue"), "{out}");
    assert!(out.contains("connection: close\r\n"), "{out}");

    // A handler that reads: `100 Continue` first, then the answer, and the connection lives.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"PUT /read/5 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    )
    .await
    .unwrap();
    let mut interim = [0u8; 25];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut interim))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"hello").await.unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(resp.text(), "hello");
    assert_eq!(resp.header("connection"), None);
}
