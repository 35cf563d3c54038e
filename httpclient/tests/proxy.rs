//! Proxies, against local proxies written here: a forwarding proxy (absolute-form requests,
//! basic auth), a CONNECT proxy that splices a tunnel to an echo server, a proxy that refuses,
//! a proxy that is not there; and the environment rules choosing between proxy and direct.

mod support;

use std::net::SocketAddr;

use httpclient::{Client, ErrorKind, Proxy, ProxyEnv, StatusCode};
use support::{ok, status, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A forwarding proxy that answers itself, echoing the request-target it was asked for.
async fn forward_proxy() -> TestServer {
    TestServer::start(|seen| {
        let target = seen
            .request_line()
            .split(' ')
            .nth(1)
            .unwrap_or("")
            .to_string();
        match seen.header("proxy-authorization") {
            Some(auth) if auth != "Basic dXNlcjpwYXNz" => {
                status("407 Proxy Authentication Required", "bad credentials")
            }
            _ => ok(&format!("via proxy: {target}")),
        }
    })
    .await
}

#[tokio::test]
async fn http_requests_go_through_an_explicit_proxy_in_absolute_form() {
    let proxy = forward_proxy().await;
    let client = Client::builder()
        .proxy(Proxy::new(&proxy.url("")).unwrap())
        .build();
    let resp = client
        .get("http://origin.test:8080/a?b=1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "via proxy: http://origin.test:8080/a?b=1");
    // A second target rides the same proxy connection (the pool keys on the proxy).
    let resp = client.get("http://other.test/").send().await.unwrap();
    assert_eq!(resp.text(), "via proxy: http://other.test/");
    assert_eq!(proxy.accepted(), 1);
    let seen = proxy.seen();
    assert_eq!(seen[0].header("host"), Some("origin.test:8080"));
    assert_eq!(seen[0].header("proxy-authorization"), None);
}

#[tokio::test]
async fn proxy_basic_auth_comes_from_the_url_or_the_builder() {
    let proxy = forward_proxy().await;
    let with_url = format!("http://user:pass@{}", proxy.addr);
    let client = Client::builder()
        .proxy(Proxy::new(&with_url).unwrap())
        .build();
    let resp = client.get("http://origin.test/").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        proxy.seen()[0].header("proxy-authorization"),
        Some("Basic dXNlcjpwYXNz")
    );

    let wrong = Proxy::new(&proxy.url(""))
        .unwrap()
        .basic_auth("user", "nope");
    let client = Client::builder().proxy(wrong).build();
    let resp = client.get("http://origin.test/").send().await.unwrap();
    // Through a forwarding proxy a refusal is an ordinary response, as in Go.
    assert_eq!(resp.status(), StatusCode::PROXY_AUTHENTICATION_REQUIRED);
}

#[tokio::test]
async fn environment_rules_pick_proxy_or_direct() {
    let proxy = forward_proxy().await;
    let origin = TestServer::start(|_| ok("direct")).await;
    let env = ProxyEnv::from_values(&proxy.addr.to_string(), "", "skip.test, .corp.test:8080");
    let client = Client::builder().proxy_env(env).build();

    let resp = client.get("http://origin.test/x").send().await.unwrap();
    assert_eq!(resp.text(), "via proxy: http://origin.test/x");
    // Loopback is never proxied: the origin answers itself.
    let resp = client.get(origin.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "direct");
    let resp = client
        .get(format!("http://localhost:{}/", origin.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "direct");

    assert!(client.proxy_for("http://skip.test/").unwrap().is_none());
    assert!(client.proxy_for("http://a.skip.test/").unwrap().is_none());
    assert!(client
        .proxy_for("http://a.corp.test:8080/")
        .unwrap()
        .is_none());
    assert!(client.proxy_for("http://a.corp.test/").unwrap().is_some());
    assert!(client.proxy_for("https://origin.test/").unwrap().is_none());
    assert_eq!(proxy.accepted(), 1);
}

#[tokio::test]
async fn a_proxy_that_is_not_there_is_a_connect_error() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let client = Client::builder()
        .proxy(Proxy::new(&closed.to_string()).unwrap())
        .build();
    let err = client.get("http://origin.test/").send().await.unwrap_err();
    assert!(err.is_connect(), "{err}");
    let err = client.connect_tunnel("origin.test:443").await.unwrap_err();
    assert!(err.is_connect(), "{err}");
}

#[tokio::test]
async fn unsupported_proxy_schemes_fail_the_request() {
    let env = ProxyEnv::from_values("socks5://127.0.0.1:1080", "", "");
    let client = Client::builder().proxy_env(env).build();
    let err = client.get("http://origin.test/").send().await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidProxy(_)), "{err}");
    assert!(err.to_string().contains("socks5"), "{err}");
}

/// An echo server: every byte sent comes back.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = s.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

/// A CONNECT proxy: checks the request, answers `answer`, and on 200 splices the socket to
/// `upstream` whatever the requested authority (the tests' names do not resolve). Returns its
/// address and a receiver of the CONNECT heads it saw.
async fn connect_proxy(
    upstream: SocketAddr,
    answer: &'static str,
) -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
                let _ = client.write_all(answer.as_bytes()).await;
                if !answer.starts_with("HTTP/1.1 200") {
                    return;
                }
                let mut server = TcpStream::connect(upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (addr, rx)
}

#[tokio::test]
async fn https_targets_get_a_connect_tunnel_carrying_raw_bytes() {
    let echo = echo_server().await;
    let (proxy, mut heads) =
        connect_proxy(echo, "HTTP/1.1 200 Connection established\r\n\r\n").await;
    let env = ProxyEnv::from_values("", &format!("http://user:pass@{proxy}"), "");
    let client = Client::builder().proxy_env(env).build();

    let mut tunnel = client.connect_tunnel("secure.test:443").await.unwrap();
    assert!(tunnel.is_proxied());
    tunnel
        .write_all(b"any bytes, e.g. a TLS ClientHello")
        .await
        .unwrap();
    let mut back = [0u8; 33];
    tunnel.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"any bytes, e.g. a TLS ClientHello");

    let head = heads.recv().await.unwrap();
    assert!(
        head.starts_with("CONNECT secure.test:443 HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("host: secure.test:443\r\n"), "{head}");
    assert!(
        head.contains("proxy-authorization: Basic dXNlcjpwYXNz\r\n"),
        "{head}"
    );

    // Loopback is dialed directly, without the proxy.
    let mut direct = client.connect_tunnel(&echo.to_string()).await.unwrap();
    assert!(!direct.is_proxied());
    direct.write_all(b"x").await.unwrap();
    let mut one = [0u8; 1];
    direct.read_exact(&mut one).await.unwrap();
}

#[tokio::test]
async fn a_refused_connect_is_a_typed_error() {
    let echo = echo_server().await;
    let (proxy, _heads) = connect_proxy(
        echo,
        "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    let client = Client::builder()
        .proxy(Proxy::new(&proxy.to_string()).unwrap())
        .build();
    let err = client.connect_tunnel("secure.test:443").await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ProxyRefused(s) if s.as_u16() == 407),
        "{err}"
    );
    assert!(err.to_string().contains("407"), "{err}");
}
