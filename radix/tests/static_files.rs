//! gin's `Static`, `StaticFS` and `StaticFile` over real HTTP, on the engine and on a group.

mod common;

use std::path::PathBuf;

use common::http::{get, request, serve};
use radix::{Engine, RouteError};
use servemux::fs::Dir;

fn tree(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::create_dir_all(root.join("site")).unwrap();
    std::fs::write(root.join("app.js"), b"let x = 1;\n").unwrap();
    std::fs::write(root.join("docs/a.txt"), b"aaa").unwrap();
    std::fs::write(root.join("site/index.html"), b"<p>home</p>").unwrap();
    root
}

#[tokio::test]
async fn static_serves_files_and_hides_listings() {
    let root = tree("radix_static");
    let mut e = Engine::new();
    e.static_("/assets", &root).unwrap();
    e.group("/v1").static_("/files", &root).unwrap();
    let s = serve(e).await;

    let r = get(s.addr, "/assets/app.js").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "let x = 1;\n");
    assert_eq!(
        r.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(get(s.addr, "/v1/files/docs/a.txt").await.body, "aaa");
    let r = request(
        s.addr,
        "GET",
        "/assets/docs/a.txt",
        &[("Range", "bytes=1-")],
        b"",
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (206, "aa"));
    let r = request(s.addr, "HEAD", "/assets/app.js", &[], b"").await;
    assert_eq!((r.status, r.header("content-length")), (200, Some("11")));
    // Missing: 404 with an empty body (gin's status before its NoRoute chain).
    let r = get(s.addr, "/assets/nope.txt").await;
    assert_eq!((r.status, r.body.as_str()), (404, ""));
    // A directory: index.html when there is one, else 404 and an empty listing.
    assert_eq!(get(s.addr, "/assets/site/").await.body, "<p>home</p>");
    let r = get(s.addr, "/assets/docs/").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<pre>\n</pre>"), "{}", r.body);
    // The file server's redirects stay relative under the prefix.
    let r = get(s.addr, "/assets/docs").await;
    assert_eq!((r.status, r.header("location")), (301, Some("docs/")));
    s.stop().await;
}

#[tokio::test]
async fn static_fs_lists_and_static_file_serves_one_file() {
    let root = tree("radix_static_fs");
    let mut e = Engine::new();
    e.static_fs("/browse", Dir::new(&root)).unwrap();
    e.static_file("/favicon.js", root.join("app.js")).unwrap();
    e.group("/g")
        .static_file("/a", root.join("docs/a.txt"))
        .unwrap();
    let s = serve(e).await;

    let r = get(s.addr, "/browse/docs/").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<a href=\"a.txt\">a.txt</a>"), "{}", r.body);
    assert_eq!(get(s.addr, "/favicon.js").await.body, "let x = 1;\n");
    assert_eq!(get(s.addr, "/g/a").await.body, "aaa");
    let r = request(s.addr, "HEAD", "/g/a", &[], b"").await;
    assert_eq!((r.status, r.header("content-length")), (200, Some("3")));
    s.stop().await;
}

#[test]
fn parameters_in_a_static_path_are_refused() {
    let mut e = Engine::new();
    assert!(matches!(
        e.static_("/a/:x", "."),
        Err(RouteError::StaticParams { .. })
    ));
    assert!(matches!(
        e.static_file("/f/*x", "a.txt"),
        Err(RouteError::StaticParams { .. })
    ));
    let err = e.static_fs("/:p", Dir::new(".")).unwrap_err();
    assert!(err.to_string().contains("URL parameters can not be used"));
}
