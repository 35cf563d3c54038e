//! Transparent compression against a gzip server written here: what is asked for, what is
//! decoded and when not, the headers afterwards, a truncated stream, and a decompression bomb
//! against the body limit (whole) and against memory (streamed).

mod support;

use std::io::Write;

use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use httpclient::{Client, ErrorKind};
use support::{ok_bytes, Action, TestServer};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn text() -> Vec<u8> {
    b"The quick brown fox jumps over the lazy dog. ".repeat(200)
}

/// Serves `text()` gzip-encoded when the request accepts gzip, plain otherwise.
async fn gzip_server() -> TestServer {
    TestServer::start(|seen| {
        let accepts = seen
            .header("accept-encoding")
            .is_some_and(|v| v.contains("gzip"));
        if accepts {
            ok_bytes("Content-Encoding: gzip\r\n", &gzip(&text()))
        } else {
            ok_bytes("", &text())
        }
    })
    .await
}

#[tokio::test]
async fn gzip_is_asked_for_and_decoded_by_default() {
    let server = gzip_server().await;
    let resp = Client::new().get(server.url("/")).send().await.unwrap();
    assert_eq!(&resp.body()[..], &text()[..]);
    assert!(resp.uncompressed());
    // Go's `Uncompressed`: the headers describe the body the caller gets.
    assert!(resp.headers().get("content-encoding").is_none());
    assert!(resp.headers().get("content-length").is_none());
    assert_eq!(
        server.seen()[0].header("accept-encoding"),
        Some("gzip, deflate")
    );
}

#[tokio::test]
async fn a_caller_who_asks_for_an_encoding_gets_the_bytes_as_sent() {
    let server = gzip_server().await;
    let resp = Client::new()
        .get(server.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(!resp.uncompressed());
    assert_eq!(&resp.body()[..], &gzip(&text())[..]);
    assert_eq!(resp.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn compression_off_sends_no_accept_encoding() {
    let server = gzip_server().await;
    let client = Client::builder().compression(false).build();
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(&resp.body()[..], &text()[..]);
    assert!(!resp.uncompressed());
    assert_eq!(server.seen()[0].header("accept-encoding"), None);
    // HEAD and Range requests never ask either (Go's rule).
    let client = Client::new();
    client.head(server.url("/")).send().await.unwrap();
    client
        .get(server.url("/"))
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen[1].header("accept-encoding"), None);
    assert_eq!(seen[2].header("accept-encoding"), None);
}

#[tokio::test]
async fn deflate_and_chunked_gzip_are_decoded() {
    let server = TestServer::start(|seen| {
        if seen.path() == "/deflate" {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
            z.write_all(&text()).unwrap();
            ok_bytes("Content-Encoding: deflate\r\n", &z.finish().unwrap())
        } else {
            let body = gzip(&text());
            let mut out =
                b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .to_vec();
            for piece in body.chunks(100) {
                out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            Action::Reply(out)
        }
    })
    .await;
    let client = Client::new();
    for path in ["/deflate", "/chunked"] {
        let resp = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(&resp.body()[..], &text()[..], "{path}");
    }
    assert_eq!(
        server.accepted(),
        1,
        "both bodies left the connection reusable"
    );
}

#[tokio::test]
async fn a_truncated_gzip_stream_is_an_error() {
    let whole = gzip(&text());
    let cut = whole[..whole.len() - 6].to_vec();
    // The framing is intact (Content-Length says exactly the cut length): only gzip can tell.
    let server = TestServer::start(move |_| ok_bytes("Content-Encoding: gzip\r\n", &cut)).await;
    let client = Client::new();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode(_)), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");

    let mut stream = client.get(server.url("/")).send_streaming().await.unwrap();
    let mut got = Vec::new();
    let err = loop {
        match stream.chunk().await {
            Ok(Some(piece)) => got.extend_from_slice(&piece),
            Ok(None) => panic!("a truncated stream ended without an error"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err.kind(), ErrorKind::Decode(_)), "{err}");
    assert!(text().starts_with(&got));
}

#[tokio::test]
async fn a_corrupt_gzip_body_is_an_error() {
    let server =
        TestServer::start(|_| ok_bytes("Content-Encoding: gzip\r\n", b"this is not gzip")).await;
    let err = Client::new().get(server.url("/")).send().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode(_)), "{err}");
}

/// 64 MiB of zeros gzip to about 64 KiB.
fn bomb() -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    e.finish().unwrap()
}

#[tokio::test]
async fn a_bomb_is_stopped_by_the_limit_on_decoded_bytes() {
    let bomb = bomb();
    assert!(bomb.len() < 256 * 1024, "{}", bomb.len());
    let server = TestServer::start(move |_| ok_bytes("Content-Encoding: gzip\r\n", &bomb)).await;
    // The compressed body is far under the 1 MiB limit; the decoded one is 64 times over.
    let client = Client::builder().max_response_size(1 << 20).build();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TooLarge { what: "decoded response body", limit } if *limit == 1 << 20),
        "{err}"
    );

    // Streamed, the same body is handed out in pieces of at most 64 KiB.
    let mut stream = client.get(server.url("/")).send_streaming().await.unwrap();
    assert!(stream.uncompressed());
    let (mut total, mut largest) = (0usize, 0usize);
    while let Some(piece) = stream.chunk().await.unwrap() {
        assert!(piece.iter().all(|&b| b == 0));
        total += piece.len();
        largest = largest.max(piece.len());
    }
    assert_eq!(total, 64 << 20);
    assert!(largest <= 64 * 1024, "{largest}");
}

#[tokio::test]
async fn a_gzip_body_trickled_in_small_pieces_streams_correctly() {
    // Pieces of 7 bytes split the gzip header, the deflate data and the trailer across reads.
    let body = gzip(&text());
    let mut wire = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    let head_len = wire.len();
    wire.extend_from_slice(&body);
    let mut pieces = vec![wire[..head_len].to_vec()];
    pieces.extend(wire[head_len..].chunks(7).map(<[u8]>::to_vec));
    let server = TestServer::start(move |_| {
        Action::Trickle(pieces.clone(), std::time::Duration::from_micros(200))
    })
    .await;
    let mut resp = Client::new()
        .get(server.url("/"))
        .send_streaming()
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(piece) = resp.chunk().await.unwrap() {
        got.extend_from_slice(&piece);
    }
    assert_eq!(got, text());
}
