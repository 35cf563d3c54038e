//! The cookie jar: off by default; on, it stores `Set-Cookie` (also from a redirect) and sends
//! the cookies back to the host they belong to.

mod support;

use httpclient::Client;
use support::{ok, Action, TestServer};

async fn cookie_server() -> TestServer {
    TestServer::start(|seen| match seen.path() {
        "/login" => Action::Reply(
            b"HTTP/1.1 200 OK\r\nSet-Cookie: session=abc; Path=/\r\nSet-Cookie: theme=dark\r\nContent-Length: 2\r\n\r\nok"
                .to_vec(),
        ),
        "/redirect" => Action::Reply(
            b"HTTP/1.1 302 Found\r\nSet-Cookie: from=redirect; Path=/\r\nLocation: /me\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        ),
        _ => ok(seen.header("cookie").unwrap_or("no cookie")),
    })
    .await
}

#[tokio::test]
async fn the_jar_is_off_by_default() {
    let server = cookie_server().await;
    let client = Client::new();
    client.get(server.url("/login")).send().await.unwrap();
    let resp = client.get(server.url("/me")).send().await.unwrap();
    assert_eq!(resp.text(), "no cookie");
    assert!(client.cookies(&server.url("/")).is_empty());
}

#[tokio::test]
async fn the_jar_sends_back_what_it_stored() {
    let server = cookie_server().await;
    let client = Client::builder().cookie_store(true).build();
    client.get(server.url("/login")).send().await.unwrap();
    let resp = client.get(server.url("/me")).send().await.unwrap();
    let text = resp.text().into_owned();
    let mut got: Vec<&str> = text.split("; ").collect();
    got.sort_unstable();
    assert_eq!(got, ["session=abc", "theme=dark"]);

    // A cookie of the caller's own joins the jar's in one header.
    let resp = client
        .get(server.url("/me"))
        .header("cookie", "mine=1")
        .send()
        .await
        .unwrap();
    assert!(resp.text().starts_with("mine=1; "), "{}", resp.text());
    assert_eq!(
        server
            .seen()
            .last()
            .unwrap()
            .head
            .matches("cookie:")
            .count(),
        1
    );

    // Another host (same IP, other name) gets none of them.
    let other = format!("http://localhost:{}/me", server.addr.port());
    assert_eq!(client.get(other).send().await.unwrap().text(), "no cookie");
}

#[tokio::test]
async fn cookies_set_by_a_redirect_reach_the_next_hop() {
    let server = cookie_server().await;
    let client = Client::builder()
        .cookie_store(true)
        .follow_redirects(3)
        .build();
    let resp = client.get(server.url("/redirect")).send().await.unwrap();
    assert_eq!(resp.text(), "from=redirect");
}
