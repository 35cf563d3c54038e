//! Redirects: off by default, followed up to the limit when enabled, method rules per status.

mod support;

use httpclient::{header, Client, ErrorKind, StatusCode};
use support::{ok, Action, TestServer};

fn redirect(status: &str, location: &str) -> Action {
    Action::Reply(
        format!("HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes(),
    )
}

#[tokio::test]
async fn not_followed_by_default() {
    let server = TestServer::start(|_| redirect("302 Found", "/target")).await;
    let resp = Client::new()
        .get(server.url("/demo/redirect"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()[header::LOCATION], "/target");
}

#[tokio::test]
async fn followed_up_to_the_limit() {
    // /hop/N redirects to /hop/N-1 (relative), /hop/0 answers.
    let server = TestServer::start(|seen| {
        let n: u32 = seen.path().rsplit('/').next().unwrap().parse().unwrap();
        if n == 0 {
            ok("landed")
        } else {
            redirect("301 Moved Permanently", &(n - 1).to_string())
        }
    })
    .await;
    let client = Client::builder().follow_redirects(3).build();
    let resp = client.get(server.url("/hop/3")).send().await.unwrap();
    assert_eq!(resp.text(), "landed");
    assert_eq!(resp.url(), server.url("/hop/0"));
    // All four requests went over the one pooled connection.
    assert_eq!(server.accepted(), 1);

    let err = client.get(server.url("/hop/4")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TooManyRedirects(3)),
        "{err}"
    );
    assert!(err.to_string().contains("/hop/1"));
}

#[tokio::test]
async fn see_other_turns_post_into_get_and_307_keeps_it() {
    let server = TestServer::start(|seen| match seen.path() {
        "/303" => redirect("303 See Other", "/done"),
        "/307" => redirect("307 Temporary Redirect", "/done"),
        _ => ok(&format!(
            "{} {}",
            seen.request_line(),
            String::from_utf8_lossy(&seen.body)
        )),
    })
    .await;
    let client = Client::builder().follow_redirects(5).build();
    let resp = client
        .post(server.url("/303"), "payload")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "GET /done HTTP/1.1 ");
    let resp = client
        .post(server.url("/307"), "payload")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "POST /done HTTP/1.1 payload");
}

#[tokio::test]
async fn credentials_are_not_sent_to_another_host() {
    let other = TestServer::start(|seen| ok(seen.header("authorization").unwrap_or("none"))).await;
    let target = other.url("/");
    let server = TestServer::start(move |_| redirect("302 Found", &target)).await;
    let client = Client::builder().follow_redirects(1).build();
    let resp = client
        .get(server.url("/"))
        .header(header::AUTHORIZATION, "secret")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "none");
}

#[tokio::test]
async fn redirect_to_an_unsupported_scheme_is_a_typed_error() {
    let server = TestServer::start(|_| redirect("302 Found", "ftp://example.com/")).await;
    let client = Client::builder().follow_redirects(2).build();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedScheme(s) if s == "ftp"),
        "{err}"
    );
}
