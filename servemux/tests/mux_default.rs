//! The default mux and the free functions, as in Go's
//! `http.HandleFunc("/", h); http.ListenAndServe(addr, nil)`.
//!
//! This file is its own test binary, so the process-wide default mux holds only what it registers.

mod mux_support;

use std::sync::Arc;
use std::time::Duration;

use servemux::{default_serve_mux, handle, handle_func, handler_fn, listen_and_serve, MuxError};

#[test]
fn listen_and_serve_with_none_serves_the_default_mux() {
    handle_func("/", |w, r| {
        Box::pin(async move {
            let body = format!("Hello, {:?}", r.path());
            let _ = w.write(body.as_bytes()).await;
        })
    })
    .unwrap();
    handle(
        "/static/",
        handler_fn(|w, _r| {
            Box::pin(async move {
                let _ = w.write(b"static").await;
            })
        }),
    )
    .unwrap();
    assert_eq!(
        handle_func("/", |_w, _r| Box::pin(async {})),
        Err(MuxError::DuplicatePattern("/".into()))
    );
    assert_eq!(default_serve_mux().patterns(), ["/", "/static/"]);

    // A free port; listen_and_serve binds it itself, as Go's does.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = tokio::task::spawn_blocking(move || {
            let addr = format!("127.0.0.1:{port}").parse().unwrap();
            // Wait (bounded) until the server listens.
            for _ in 0..100 {
                if std::net::TcpStream::connect(addr).is_ok() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let hello = mux_support::http(addr, "GET", "h", "/world");
            let tree = mux_support::http(addr, "GET", "h", "/static");
            let file = mux_support::http(addr, "GET", "h", "/static/x.css");
            (hello, tree, file)
        });
        tokio::select! {
            served = listen_and_serve(&addr, None) => panic!("listen_and_serve returned: {served:?}"),
            seen = client => {
                let (hello, tree, file) = seen.unwrap();
                assert_eq!((hello.status, hello.body.as_str()), (200, "Hello, \"/world\""));
                assert_eq!((tree.status, tree.location.as_deref()), (301, Some("/static/")));
                assert_eq!((file.status, file.body.as_str()), (200, "static"));
            }
        }
    });
}

#[test]
fn listen_and_serve_with_a_handler_and_a_bad_address() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mux: Arc<dyn servemux::Handler> = Arc::new(mux_support::mux_of(&["/"]));
    let err = rt
        .block_on(listen_and_serve("256.0.0.1:80", Some(mux)))
        .unwrap_err();
    assert!(!err.to_string().is_empty());
}
