//! Streamed bodies both ways: a response read piece by piece (every framing), its connection
//! back in the pool at the end and closed when dropped half read; a request body from a stream,
//! sent chunked.

mod support;

use bytes::Bytes;
use futures_util::StreamExt;
use httpclient::{Client, ClosedAt, ErrorKind, Method};
use support::{ok, Action, TestServer};

fn chunked(pieces: &[&str]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for p in pieces {
        out.extend_from_slice(format!("{:x}\r\n{p}\r\n", p.len()).as_bytes());
    }
    out.extend_from_slice(b"0\r\nX-Trailer: t\r\n\r\n");
    out
}

#[tokio::test]
async fn a_chunked_response_streams_and_the_connection_is_reused() {
    let server = TestServer::start(|_| Action::Reply(chunked(&["alpha-", "beta-", "gamma"]))).await;
    let client = Client::new();
    for _ in 0..2 {
        let mut resp = client.get(server.url("/")).send_streaming().await.unwrap();
        let mut got = Vec::new();
        while let Some(piece) = resp.chunk().await.unwrap() {
            assert!(!piece.is_empty());
            got.extend_from_slice(&piece);
        }
        assert_eq!(got, b"alpha-beta-gamma");
        assert_eq!(resp.chunk().await.unwrap(), None, "stays at the end");
    }
    assert_eq!(server.accepted(), 1);
    assert_eq!(client.pool_stats().idle, 1);
}

#[tokio::test]
async fn length_and_close_delimited_bodies_stream_too() {
    let server = TestServer::start(|seen| {
        if seen.path() == "/close" {
            Action::ReplyClose(b"HTTP/1.1 200 OK\r\n\r\nuntil the end".to_vec())
        } else {
            ok("exactly this")
        }
    })
    .await;
    let client = Client::new();
    let body = client
        .get(server.url("/len"))
        .send_streaming()
        .await
        .unwrap()
        .into_body();
    let pieces: Vec<_> = body.into_stream().collect().await;
    let got: Vec<u8> = pieces
        .into_iter()
        .flat_map(|p| p.unwrap().to_vec())
        .collect();
    assert_eq!(got, b"exactly this");

    let mut resp = client
        .get(server.url("/close"))
        .send_streaming()
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(piece) = resp.chunk().await.unwrap() {
        got.extend_from_slice(&piece);
    }
    assert_eq!(got, b"until the end");
    // The close-delimited body reused the first connection, and ended it.
    assert_eq!(server.accepted(), 1);
    assert_eq!(client.pool_stats().idle, 0);
}

#[tokio::test]
async fn a_body_dropped_half_read_closes_its_connection() {
    let server = TestServer::start(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n".to_vec();
        out.extend(std::iter::repeat_n(b'x', 200_000));
        Action::Reply(out)
    })
    .await;
    let client = Client::new();
    let mut resp = client.get(server.url("/")).send_streaming().await.unwrap();
    assert!(resp.chunk().await.unwrap().is_some());
    drop(resp);
    let stats = client.pool_stats();
    assert_eq!((stats.open, stats.idle), (0, 0));
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.body().len(), 200_000);
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_body_cut_short_is_an_error() {
    let server = TestServer::start(|_| {
        Action::ReplyClose(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this".to_vec())
    })
    .await;
    let mut resp = Client::new()
        .get(server.url("/"))
        .send_streaming()
        .await
        .unwrap();
    let err = loop {
        match resp.chunk().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("a short body ended cleanly"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::InBody)),
        "{err}"
    );
}

#[tokio::test]
async fn a_request_body_streams_as_chunks() {
    let server = TestServer::start(|seen| ok(&format!("got {} bytes", seen.body.len()))).await;
    let pieces = (0..50).map(|i| Ok::<_, std::io::Error>(Bytes::from(format!("piece {i};"))));
    let expected: String = (0..50).map(|i| format!("piece {i};")).collect();
    let client = Client::new();
    let resp = client
        .request(Method::PUT, server.url("/upload"))
        .body_stream(futures_util::stream::iter(pieces))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), format!("got {} bytes", expected.len()));
    let seen = &server.seen()[0];
    assert_eq!(seen.header("transfer-encoding"), Some("chunked"));
    assert_eq!(seen.header("content-length"), None);
    assert_eq!(seen.body, expected.as_bytes());
    // The connection carries the next request normally.
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn an_upload_stream_error_fails_the_request() {
    let server = TestServer::start(|_| ok("never")).await;
    let pieces = vec![
        Ok(Bytes::from("start")),
        Err(std::io::Error::other("disk read failed")),
    ];
    let err = Client::new()
        .post(server.url("/"), "")
        .body_stream(futures_util::stream::iter(pieces))
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("disk read failed"), "{err}");
}

#[tokio::test]
async fn no_piece_is_larger_than_64_kib() {
    let server = TestServer::start(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n".to_vec();
        out.extend(std::iter::repeat_n(b'p', 3_000_000));
        Action::Reply(out)
    })
    .await;
    let mut resp = Client::new()
        .get(server.url("/"))
        .send_streaming()
        .await
        .unwrap();
    let (mut total, mut largest) = (0, 0);
    while let Some(piece) = resp.chunk().await.unwrap() {
        total += piece.len();
        largest = largest.max(piece.len());
    }
    assert_eq!(total, 3_000_000);
    assert!(largest <= 64 * 1024, "{largest}");
}

#[tokio::test]
async fn a_stream_body_is_not_repeated_by_a_307_but_a_303_is_followed() {
    let server = TestServer::start(|seen| match seen.path() {
        "/307" => Action::Reply(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        ),
        "/303" => Action::Reply(
            b"HTTP/1.1 303 See Other\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        _ => ok(&format!("{} done", seen.request_line())),
    })
    .await;
    let client = Client::builder().follow_redirects(5).build();
    let body = || futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from("x"))]);
    let resp = client
        .post(server.url("/307"), "")
        .body_stream(body())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 307, "handed back, not repeated");
    let resp = client
        .post(server.url("/303"), "")
        .body_stream(body())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "GET /done HTTP/1.1 done");
}
