//! gin's Context features through a real server: binding with validation, cookies, ClientIP and
//! trusted proxies, the error chain, each render, files, SSE, templates, engine options,
//! BasicAuth, and multipart uploads.

mod common;

use common::http::{get, request, serve};
use radix::{authorization_header, basic_auth, Engine, ErrorType, AUTH_USER_KEY};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Login {
    #[validate(required, length(min = 3, code = "min"))]
    user: Option<String>,
    #[validate(required)]
    password: Option<String>,
}

#[derive(Debug, Deserialize, Validate)]
struct Page {
    #[validate(range(min = 1, max = 100, code = "max"))]
    size: u32,
    #[serde(default)]
    tag: Vec<String>,
}

fn bind_engine() -> Engine {
    let mut e = Engine::new();
    e.post("/should", |c| {
        Box::pin(async move {
            match c.should_bind::<Login>().await {
                Ok(l) => c.json(200, &l).await,
                Err(err) => {
                    let fields: Vec<String> = err
                        .field_errors()
                        .into_iter()
                        .map(|(f, t)| format!("{f}:{t}"))
                        .collect();
                    c.json(400, &serde_json::json!({ "fields": fields })).await
                }
            }
        })
    })
    .unwrap();
    e.post("/bind", |c| {
        Box::pin(async move {
            if let Ok(l) = c.bind_json::<Login>().await {
                c.json(200, &l).await;
            }
        })
    })
    .unwrap();
    e.get("/page", |c| {
        Box::pin(async move {
            match c.should_bind_query::<Page>().await {
                Ok(p) => c.string(200, &format!("{} {:?}", p.size, p.tag)).await,
                Err(err) => c.string(400, &err.to_string()).await,
            }
        })
    })
    .unwrap();
    e
}

#[tokio::test]
async fn binding_validates_and_bind_answers_400() {
    let srv = serve(bind_engine()).await;
    let json = [("Content-Type", "application/json")];
    let ok = request(
        srv.addr,
        "POST",
        "/should",
        &json,
        br#"{"user":"ann","password":"x"}"#,
    )
    .await;
    assert_eq!(
        (ok.status, ok.body.as_str()),
        (200, r#"{"user":"ann","password":"x"}"#)
    );
    let short = request(srv.addr, "POST", "/should", &json, br#"{"user":"an"}"#).await;
    assert_eq!(short.status, 400);
    assert_eq!(short.body, r#"{"fields":["password:required","user:min"]}"#);
    // Form binding picks the urlencoded body, then the query.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let f = request(srv.addr, "POST", "/should?password=q", &form, b"user=bob").await;
    assert_eq!(
        (f.status, f.body.as_str()),
        (200, r#"{"user":"bob","password":"q"}"#)
    );
    // Bind* on failure: 400, empty body, chain aborted.
    let bad = request(srv.addr, "POST", "/bind", &json, b"{nope").await;
    assert_eq!((bad.status, bad.body.as_str()), (400, ""));
    let invalid = request(srv.addr, "POST", "/bind", &json, br#"{"user":"zed"}"#).await;
    assert_eq!((invalid.status, invalid.body.as_str()), (400, ""));
    // Query binding: typed fields, repeated keys into a Vec, range rules.
    let p = get(srv.addr, "/page?size=10&tag=a&tag=b").await;
    assert_eq!((p.status, p.body.as_str()), (200, r#"10 ["a", "b"]"#));
    let p = get(srv.addr, "/page?size=1000").await;
    assert_eq!(p.status, 400);
    assert_eq!(
        p.body,
        "Key: 'Page.size' Error:Field validation for 'size' failed on the 'max' tag"
    );
    assert_eq!(get(srv.addr, "/page?size=x").await.status, 400);
    srv.stop().await;
}

#[tokio::test]
async fn cookies_read_and_set_with_gins_attributes() {
    let mut e = Engine::new();
    e.get("/c", |c| {
        Box::pin(async move {
            let seen = c.cookie("session").unwrap_or_else(|| "none".into());
            c.set_cookie("gin", "a b&c", 3600, "", "example.com", true, true);
            c.set_same_site(Some(cookie::SameSite::Lax));
            c.set_cookie("gone", "", -1, "/x", "", false, false);
            c.string(200, &seen).await;
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = request(
        srv.addr,
        "GET",
        "/c",
        &[("Cookie", "a=1; session=hello%20you")],
        b"",
    )
    .await;
    assert_eq!(r.body, "hello you");
    let set: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        set,
        [
            "gin=a+b%26c; Path=/; Domain=example.com; Max-Age=3600; HttpOnly; Secure",
            "gone=; Path=/x; Max-Age=0; SameSite=Lax"
        ]
    );
    assert_eq!(get(srv.addr, "/c").await.body, "none");
    srv.stop().await;
}

// ANCHOR: ip_engine
fn ip_engine(trusted: Option<&[&str]>) -> Engine {
    let mut e = Engine::new();
    if let Some(t) = trusted {
        e.set_trusted_proxies(t).unwrap();
    }
    e.get("/ip", |c| {
        Box::pin(async move {
            let ip = c.client_ip();
            c.string(200, &ip).await;
        })
    })
    .unwrap();
    e
}
// ANCHOR_END: ip_engine

#[tokio::test]
async fn client_ip_believes_headers_only_from_trusted_proxies() {
    let xff = [("X-Forwarded-For", "9.9.9.9, 10.0.0.1, 127.0.0.1")];
    // gin's default trusts everyone: the rightmost untrusted... everyone is trusted, so the
    // leftmost entry wins.
    let srv = serve(ip_engine(None)).await;
    assert_eq!(
        request(srv.addr, "GET", "/ip", &xff, b"").await.body,
        "9.9.9.9"
    );
    let real = [("X-Real-IP", "8.8.4.4")];
    assert_eq!(
        request(srv.addr, "GET", "/ip", &real, b"").await.body,
        "8.8.4.4"
    );
    srv.stop().await;
    // Only loopback is a proxy: 10.0.0.1 is the first untrusted hop from the right.
    let srv = serve(ip_engine(Some(&["127.0.0.1"]))).await;
    assert_eq!(
        request(srv.addr, "GET", "/ip", &xff, b"").await.body,
        "10.0.0.1"
    );
    srv.stop().await;
    // No proxy trusted: the peer itself.
    let srv = serve(ip_engine(Some(&[]))).await;
    assert_eq!(
        request(srv.addr, "GET", "/ip", &xff, b"").await.body,
        "127.0.0.1"
    );
    srv.stop().await;
    let mut e = ip_engine(None);
    e.client_ip.forwarded_by_client_ip = false;
    let srv = serve(e).await;
    assert_eq!(
        request(srv.addr, "GET", "/ip", &xff, b"").await.body,
        "127.0.0.1"
    );
    srv.stop().await;
    assert!(Engine::new().set_trusted_proxies(&["10.0.0.0/33"]).is_err());
}

#[tokio::test]
async fn errors_collect_along_the_chain() {
    let mut e = Engine::new();
    // ANCHOR: error_chain
    e.use_(|c| {
        Box::pin(async move {
            c.next().await;
            let text = radix::errors_string(c.errors().iter());
            let private = radix::errors_string(radix::by_type(c.errors(), &[ErrorType::Private]));
            c.writer_headers().insert(
                "x-errors",
                http::HeaderValue::from_str(&text.replace('\n', "|")).unwrap(),
            );
            c.writer_headers().insert(
                "x-private",
                http::HeaderValue::from_str(&private.replace('\n', "|")).unwrap(),
            );
        })
    });
    e.get("/e", |c| {
        Box::pin(async move {
            c.error("first");
            c.error("second").meta = Some("m".into());
            c.error_typed("pub", ErrorType::Public);
            c.abort_with_error(503, "gave up");
        })
    })
    .unwrap();
    // ANCHOR_END: error_chain
    let srv = serve(e).await;
    let r = get(srv.addr, "/e").await;
    assert_eq!(r.status, 503);
    assert_eq!(
        r.header("x-errors").unwrap(),
        "Error #01: first|Error #02: second|     Meta: m|Error #03: pub|Error #04: gave up|"
    );
    assert_eq!(
        r.header("x-private").unwrap(),
        "Error #01: first|Error #02: second|     Meta: m|Error #03: gave up|"
    );
    srv.stop().await;
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct Msg {
    Name: String,
    N: u32,
}

#[tokio::test]
async fn renders_send_gins_bytes_and_types() {
    let mut e = Engine::new();
    e.get("/xml", |c| {
        Box::pin(async move {
            c.xml(
                200,
                &Msg {
                    Name: "a<b".into(),
                    N: 1,
                },
            )
            .await
        })
    })
    .unwrap();
    e.get("/yaml", |c| {
        Box::pin(async move { c.yaml(200, &serde_json::json!({"a": 1, "b": "x"})).await })
    })
    .unwrap();
    e.get("/indented", |c| {
        Box::pin(async move {
            c.indented_json(200, &serde_json::json!({"a": [1], "h": "<"}))
                .await
        })
    })
    .unwrap();
    e.get("/json", |c| {
        Box::pin(async move { c.json(200, &serde_json::json!({"h": "<b>&"})).await })
    })
    .unwrap();
    e.get("/pure", |c| {
        Box::pin(async move { c.pure_json(200, &serde_json::json!({"h": "<b>&"})).await })
    })
    .unwrap();
    e.get("/secure", |c| {
        Box::pin(async move { c.secure_json(200, &["a", "b"]).await })
    })
    .unwrap();
    e.get("/jsonp", |c| {
        Box::pin(async move { c.jsonp(200, &serde_json::json!({"a": 1})).await })
    })
    .unwrap();
    let srv = serve(e).await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "/xml",
            "application/xml; charset=utf-8",
            "<Msg><Name>a&lt;b</Name><N>1</N></Msg>",
        ),
        ("/yaml", "application/x-yaml; charset=utf-8", "a: 1\nb: x\n"),
        (
            "/indented",
            "application/json; charset=utf-8",
            "{\n    \"a\": [\n        1\n    ],\n    \"h\": \"\\u003c\"\n}",
        ),
        (
            "/json",
            "application/json; charset=utf-8",
            r#"{"h":"\u003cb\u003e\u0026"}"#,
        ),
        (
            "/pure",
            "application/json; charset=utf-8",
            "{\"h\":\"<b>&\"}\n",
        ),
        (
            "/secure",
            "application/json; charset=utf-8",
            r#"while(1);["a","b"]"#,
        ),
        (
            "/jsonp?callback=cb",
            "application/javascript; charset=utf-8",
            r#"cb({"a":1});"#,
        ),
        (
            "/jsonp?callback=x%3Dy",
            "application/javascript; charset=utf-8",
            r#"x\u003Dy({"a":1});"#,
        ),
        ("/jsonp", "application/json; charset=utf-8", r#"{"a":1}"#),
    ];
    for (path, ct, body) in cases {
        let r = get(srv.addr, path).await;
        assert_eq!(
            (r.status, r.header("content-type"), r.body.as_str()),
            (200, Some(*ct), *body),
            "{path}"
        );
    }
    srv.stop().await;
}

#[tokio::test]
async fn file_serves_with_type_length_range_and_304() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.html");
    std::fs::write(&path, "<p>hello</p>").unwrap();
    let p = path.to_string_lossy().into_owned();
    let mut e = Engine::new();
    e.get("/f", move |c| {
        let p = p.clone();
        Box::pin(async move { c.file(&p).await })
    })
    .unwrap();
    e.get("/missing", |c| {
        Box::pin(async move { c.file("/nonexistent/x").await })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = get(srv.addr, "/f").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("content-length"), Some("12"));
    assert_eq!(r.body, "<p>hello</p>");
    let lm = r.header("last-modified").unwrap().to_string();
    let nm = request(srv.addr, "GET", "/f", &[("If-Modified-Since", &lm)], b"").await;
    assert_eq!((nm.status, nm.body.as_str()), (304, ""));
    let part = request(srv.addr, "GET", "/f", &[("Range", "bytes=3-7")], b"").await;
    assert_eq!((part.status, part.body.as_str()), (206, "hello"));
    assert_eq!(part.header("content-range"), Some("bytes 3-7/12"));
    let miss = get(srv.addr, "/missing").await;
    assert_eq!(
        (miss.status, miss.body.as_str()),
        (404, "404 page not found\n")
    );
    srv.stop().await;
}

#[tokio::test]
async fn sse_events_are_flushed_and_the_stream_ends() {
    let mut e = Engine::new();
    // ANCHOR: sse
    e.get("/events", |c| {
        Box::pin(async move {
            let gone = c
                .stream(0u32, |c, n| {
                    Box::pin(async move {
                        *n += 1;
                        c.sse_event("tick", &format!("n={n}\nmore")).await;
                        if *n == 2 {
                            c.sse_event_json("obj", &serde_json::json!({"n": *n})).await;
                        }
                        *n < 3
                    })
                })
                .await;
            assert!(!gone);
        })
    })
    .unwrap();
    // ANCHOR_END: sse
    let srv = serve(e).await;
    let r = get(srv.addr, "/events").await;
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(
        r.body,
        "event:tick\ndata:n=1\ndata:more\n\nevent:tick\ndata:n=2\ndata:more\n\n\
         event:obj\ndata:{\"n\":2}\n\nevent:tick\ndata:n=3\ndata:more\n\n"
    );
    srv.stop().await;
}

#[tokio::test]
async fn sse_stream_stops_when_the_client_goes_away() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<bool>();
    let mut e = Engine::new();
    e.get("/forever", move |c| {
        let tx = tx.clone();
        Box::pin(async move {
            let gone = c
                .stream((), |c, _| {
                    Box::pin(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                        c.sse_event("", "x").await
                    })
                })
                .await;
            let _ = tx.send(gone);
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).contains("200 OK"));
    drop(s);
    let gone = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("the stream noticed the client left")
        .unwrap();
    assert!(gone);
    srv.stop().await;
}

#[tokio::test]
async fn html_templates_from_a_glob() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<h1>{{ title }}</h1>").unwrap();
    std::fs::write(dir.path().join("other.html"), "{{ n + 1 }}").unwrap();
    let mut e = Engine::new();
    e.load_html_glob(&format!("{}/*.html", dir.path().display()))
        .unwrap();
    assert!(Engine::new().load_html_glob("/nonexistent/*.html").is_err());
    e.get("/", |c| {
        Box::pin(async move {
            c.html(200, "index.html", &serde_json::json!({"title": "a<b"}))
                .await
        })
    })
    .unwrap();
    e.get("/missing", |c| {
        Box::pin(async move { c.html(200, "nope.html", &()).await })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = get(srv.addr, "/").await;
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.body, "<h1>a&lt;b</h1>");
    assert_eq!(get(srv.addr, "/missing").await.status, 500);
    srv.stop().await;
}

fn echo_params() -> Engine {
    let mut e = Engine::new();
    e.get("/user/:name", |c| {
        Box::pin(async move {
            let name = c.param("name").to_string();
            c.string(200, &name).await;
        })
    })
    .unwrap();
    e.get("/a/b", |c| {
        Box::pin(async move { c.string(200, "ab").await })
    })
    .unwrap();
    e
}

#[tokio::test]
async fn remove_extra_slash_and_raw_path() {
    let srv = serve(echo_params()).await;
    assert_eq!(get(srv.addr, "//a//b").await.status, 404);
    assert_eq!(get(srv.addr, "/user/a%2Fb").await.status, 404);
    srv.stop().await;

    let mut e = echo_params();
    e.remove_extra_slash = true;
    let srv = serve(e).await;
    let r = get(srv.addr, "//a//b").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ab"));
    assert_eq!(get(srv.addr, "/user//x").await.body, "x");
    srv.stop().await;

    let mut e = echo_params();
    e.use_raw_path = true;
    let srv = serve(e).await;
    assert_eq!(get(srv.addr, "/user/a%2Fb").await.body, "a/b");
    assert_eq!(get(srv.addr, "/user/a%20b").await.body, "a b");
    srv.stop().await;

    let mut e = echo_params();
    e.use_raw_path = true;
    e.unescape_path_values = false;
    let srv = serve(e).await;
    assert_eq!(get(srv.addr, "/user/a%2Fb").await.body, "a%2Fb");
    srv.stop().await;
}

#[tokio::test]
async fn redirect_switches_method_not_allowed_and_handle_context() {
    let mut e = echo_params();
    e.get("/old", |c| {
        Box::pin(async move {
            c.handle_context(Some("/user/rewritten")).await;
        })
    })
    .unwrap();
    e.redirect_trailing_slash = false;
    let srv = serve(e).await;
    assert_eq!(get(srv.addr, "/a/b/").await.status, 404);
    assert_eq!(get(srv.addr, "/A/B").await.status, 404);
    assert_eq!(
        request(srv.addr, "POST", "/a/b", &[], b"").await.status,
        404
    );
    srv.stop().await;

    let mut e = echo_params();
    e.get("/old", |c| {
        Box::pin(async move {
            c.handle_context(Some("/user/rewritten")).await;
        })
    })
    .unwrap();
    e.redirect_fixed_path = true;
    e.handle_method_not_allowed = true;
    let srv = serve(e).await;
    let fixed = get(srv.addr, "/A/B").await;
    assert_eq!(
        (fixed.status, fixed.header("location")),
        (301, Some("/a/b"))
    );
    let r = request(srv.addr, "POST", "/a/b", &[], b"").await;
    assert_eq!((r.status, r.body.as_str()), (405, "405 method not allowed"));
    assert_eq!(get(srv.addr, "/old").await.body, "rewritten");
    srv.stop().await;
}

#[tokio::test]
async fn basic_auth_guards_a_group() {
    let mut e = Engine::new();
    {
        let mut g = e.group("/admin");
        g.use_handler(basic_auth(&[("ann", "secret"), ("bob", "pw")]));
        g.get("/who", |c| {
            Box::pin(async move {
                let user = c.get::<String>(AUTH_USER_KEY).cloned().unwrap_or_default();
                c.string(200, &user).await;
            })
        })
        .unwrap();
    }
    let srv = serve(e).await;
    let denied = get(srv.addr, "/admin/who").await;
    assert_eq!((denied.status, denied.body.as_str()), (401, ""));
    assert_eq!(
        denied.header("www-authenticate"),
        Some("Basic realm=\"Authorization Required\"")
    );
    let auth = authorization_header("bob", "pw");
    let ok = request(
        srv.addr,
        "GET",
        "/admin/who",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!((ok.status, ok.body.as_str()), (200, "bob"));
    let wrong = authorization_header("bob", "nope");
    let r = request(
        srv.addr,
        "GET",
        "/admin/who",
        &[("Authorization", &wrong)],
        b"",
    )
    .await;
    assert_eq!(r.status, 401);
    srv.stop().await;
}

fn multipart_body(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, data) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[tokio::test]
async fn multipart_upload_is_streamed_to_disk_with_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("saved.bin");
    let dst_s = dst.to_string_lossy().into_owned();
    let mut e = Engine::new();
    e.max_multipart_field_bytes = 64 * 1024;
    e.post("/upload", move |c| {
        let dst = dst_s.clone();
        Box::pin(async move {
            let title = c.default_post_form("title", "untitled").await;
            let tags = c.post_form_array("tag").await;
            let missing = c.default_post_form("nothing", "dflt").await;
            let (name, size) = match c.form_file("file").await {
                Ok(f) => (f.filename.clone(), f.size),
                Err(err) => return c.string(400, &err.to_string()).await,
            };
            let form = c.parsed_multipart_form().unwrap();
            let count = form.files("file").count();
            let fh = form.files("file").next().unwrap();
            let saved = c.save_uploaded_file(fh, &dst).await.is_ok();
            c.string(
                200,
                &format!("{title} {tags:?} {missing} {name} {size} {count} {saved}"),
            )
            .await;
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let b = "XyZb0undary";
    let ct = format!("multipart/form-data; boundary={b}");
    let payload: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let body = multipart_body(
        b,
        &[
            ("title", None, b"hi"),
            ("tag", None, b"a"),
            ("tag", None, b"b"),
            ("file", Some("p.bin"), &payload),
        ],
    );
    let r = request(srv.addr, "POST", "/upload", &[("Content-Type", &ct)], &body).await;
    assert_eq!(r.body, r#"hi ["a", "b"] dflt p.bin 40000 1 true"#);
    assert_eq!(std::fs::read(&dst).unwrap(), payload);
    let big: Vec<u8> = vec![7u8; 100_000];
    let body = multipart_body(b, &[("file", Some("big.bin"), &big)]);
    let r = request(srv.addr, "POST", "/upload", &[("Content-Type", &ct)], &body).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = request(
        srv.addr,
        "POST",
        "/upload",
        &[("Content-Type", "text/plain")],
        b"x",
    )
    .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (400, "request Content-Type isn't multipart/form-data")
    );
    srv.stop().await;
}

#[tokio::test]
async fn should_bind_reads_multipart_text_fields() {
    let mut e = Engine::new();
    e.post("/m", |c| {
        Box::pin(async move {
            match c.should_bind::<Login>().await {
                Ok(l) => c.json(200, &l).await,
                Err(err) => c.string(400, &err.to_string()).await,
            }
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let b = "bnd";
    let ct = format!("multipart/form-data; boundary={b}");
    let body = multipart_body(b, &[("user", None, b"carol"), ("password", None, b"pw")]);
    let r = request(srv.addr, "POST", "/m", &[("Content-Type", &ct)], &body).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"user":"carol","password":"pw"}"#)
    );
    srv.stop().await;
}

/// A `tracing` writer into a shared buffer, to read what the logger printed.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_logger_prints_private_errors_and_the_client_ip() {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut e = Engine::new();
    e.use_handler(radix::logger());
    e.get("/fail", |c| {
        Box::pin(async move {
            c.error("db down");
            c.error_typed("shown to the user", ErrorType::Public);
            c.string(500, "sorry").await;
        })
    })
    .unwrap();
    let srv = serve(e).await;
    let r = request(
        srv.addr,
        "GET",
        "/fail",
        &[("X-Real-IP", "203.0.113.9")],
        b"",
    )
    .await;
    assert_eq!(r.status, 500);
    srv.stop().await;
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("radix::logger"))
        .unwrap_or_else(|| panic!("no logger line in {text:?}"));
    assert!(line.contains("status=500"), "{line}");
    assert!(line.contains("client_ip=203.0.113.9"), "{line}");
    assert!(line.contains("errors=Error #01: db down"), "{line}");
    assert!(!line.contains("shown to the user"), "{line}");
}

#[tokio::test]
async fn should_bind_picks_xml_and_yaml_by_content_type() {
    let srv = serve(bind_engine()).await;
    let xml = [("Content-Type", "application/xml")];
    let body = b"<Login><user>dave</user><password>pw</password></Login>";
    let r = request(srv.addr, "POST", "/should", &xml, body).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"user":"dave","password":"pw"}"#)
    );
    let yaml = [("Content-Type", "application/x-yaml")];
    let r = request(
        srv.addr,
        "POST",
        "/should",
        &yaml,
        b"user: erin\npassword: pw\n",
    )
    .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"user":"erin","password":"pw"}"#)
    );
    let r = request(srv.addr, "POST", "/should", &yaml, b"user: ed\n").await;
    assert_eq!(r.body, r#"{"fields":["password:required","user:min"]}"#);
    srv.stop().await;
}
