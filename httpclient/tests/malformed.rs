//! Hostile and broken responses: each yields its typed error, with the URL in the message.

mod support;

use httpclient::{Client, ClosedAt, ErrorKind, Malformed, MAX_HEADERS};
use support::{Action, TestServer};

async fn error_for(raw: Vec<u8>) -> (httpclient::Error, String) {
    let server = TestServer::start(move |_| Action::ReplyClose(raw.clone())).await;
    let url = server.url("/hostile");
    let err = Client::new().get(url.as_str()).send().await.unwrap_err();
    assert!(err.to_string().contains(&url), "{err} should name {url}");
    assert_eq!(err.url(), url);
    (err, url)
}

#[tokio::test]
async fn each_malformed_response_has_its_error() {
    let cases: Vec<(&[u8], Malformed)> = vec![
        (b"HTTP/1.1 abc OK\r\n\r\n", Malformed::StatusLine),
        (b"HTTP/1.1 042 Low\r\n\r\n", Malformed::StatusLine),
        (b"HTTP/3.0 200 OK\r\n\r\n", Malformed::Version),
        (b"<html>not http</html>\r\n\r\n", Malformed::Version),
        (
            b"HTTP/1.1 200 OK\r\nNo Colon Here\r\n\r\n",
            Malformed::Header,
        ),
        (b"HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n", Malformed::Header),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
            Malformed::ContentLength,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            Malformed::ContentLength,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            Malformed::ChunkSize,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
            Malformed::ChunkDelimiter,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad\n\r\n",
            Malformed::Trailer,
        ),
    ];
    for (raw, want) in cases {
        let (err, _) = error_for(raw.to_vec()).await;
        assert!(
            matches!(err.kind(), ErrorKind::Malformed(m) if *m == want),
            "{:?}: got {err}, want {want:?}",
            String::from_utf8_lossy(raw)
        );
    }
    let many = format!(
        "HTTP/1.1 200 OK\r\n{}\r\n",
        "X: y\r\n".repeat(MAX_HEADERS + 1)
    );
    let (err, _) = error_for(many.into_bytes()).await;
    assert!(
        matches!(err.kind(), ErrorKind::Malformed(Malformed::TooManyHeaders)),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_responses_are_closed_errors() {
    let (err, _) = error_for(b"HTTP/1.1 200 OK\r\nContent-Le".to_vec()).await;
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::InHead)),
        "{err}"
    );
    let (err, _) = error_for(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".to_vec()).await;
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::InBody)),
        "{err}"
    );
    let (err, _) =
        error_for(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab".to_vec()).await;
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::InBody)),
        "{err}"
    );
    let (err, _) = error_for(Vec::new()).await;
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::BeforeResponse)),
        "{err}"
    );
}

#[tokio::test]
async fn endless_head_is_too_large() {
    let mut raw = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
    raw.extend(std::iter::repeat_n(b'a', 100_000));
    let (err, _) = error_for(raw).await;
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TooLarge {
                what: "response head",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn urls_the_client_cannot_use() {
    let client = Client::new();
    let err = client.get("ftp://example.com/").send().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnsupportedScheme(s) if s == "ftp"));
    assert_eq!(
        err.to_string(),
        "request to ftp://example.com/: unsupported scheme \"ftp\": \
         this client speaks http:// and https:// (HTTP/1.1) only"
    );
    for bad in ["example.com", "http://", "http://h:port/", "http://h/a b"] {
        let err = client.get(bad).send().await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidUrl(_)),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(bad));
    }
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // Bind then drop a listener: the port is (almost certainly) closed now.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = Client::new()
        .get(format!("http://{addr}/"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
}
