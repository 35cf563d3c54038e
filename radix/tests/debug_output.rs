//! What `{:?}` shows of the engine, a tree, a group and a context: the parts a reader debugging
//! a route wants (routes per method, base path, matched route and parameters), with handlers,
//! which are closures, as counts.

use std::sync::Mutex;

use futures_util::FutureExt;
use radix::{Engine, Tree};
use servemux::http::Method;
use servemux::{Handler, Recorder, Request};

/// The context's `Debug` text, captured inside the handler.
static SEEN: Mutex<String> = Mutex::new(String::new());

#[test]
fn debug_shows_routes_groups_and_the_matched_context() {
    let mut tree = Tree::new();
    tree.insert("/a", 1).unwrap();
    tree.insert("/b/:x", 2).unwrap();
    assert_eq!(format!("{tree:?}"), "Tree { routes: 2, .. }");

    let mut e = Engine::new();
    e.use_(|c| Box::pin(async move { c.next().await }));
    {
        let mut g = e.group("/v1");
        assert_eq!(
            format!("{g:?}"),
            "RouterGroup { base: \"/v1\", handlers: 1, .. }"
        );
        g.get("/users/:id", |c| {
            *SEEN.lock().unwrap() = format!("{c:?}");
            Box::pin(async {})
        })
        .unwrap();
    }
    e.post("/form", |_c| Box::pin(async {})).unwrap();
    let text = format!("{e:?}");
    assert!(
        text.starts_with("Engine { routes: [(\"GET\", 1), (\"POST\", 1)], middleware: 1,"),
        "{text}"
    );
    assert!(text.contains("redirect_trailing_slash: true"), "{text}");

    let mut rec = Recorder::new();
    let mut r = Request::new(Method::GET, "/v1/users/42").unwrap();
    e.serve_http(rec.writer(), &mut r).now_or_never().unwrap();
    let seen = SEEN.lock().unwrap().clone();
    assert_eq!(
        seen,
        "Context { method: GET, path: \"/v1/users/42\", full_path: \"/v1/users/:id\", \
         params: [(\"id\", \"42\")], index: 1, handlers: 2, keys: 0, errors: [], .. }"
    );
}
