//! The handler chain of a gin engine, made visible: two middleware and a
//! handler each record a step (in the per-request keys) before and after
//! `next()`, an auth middleware aborts when the request has no token, and the
//! outermost middleware writes the recorded steps as the body. The requests are served
//! in memory (`Engine` is a `servemux::Handler`; a recorder stands in for the
//! socket), so the example needs no network.
//!
//! `cargo run -p radix --example middleware_chain`
//!
//! The book includes its output from `examples/middleware_chain.txt`, which
//! `tests/book_outputs.rs` keeps equal to what this prints.

use radix::{Context, Engine, RouteError};
use servemux::http::Method;
use servemux::{Handler, Recorder, Request};

/// Record a step of the chain in the per-request keys (gin's `c.Set`).
fn trace(c: &mut Context<'_>, step: &str) {
    let mut steps: Vec<String> = c.get::<Vec<String>>("trace").cloned().unwrap_or_default();
    steps.push(step.to_string());
    c.set("trace", steps);
}

// ANCHOR: build
/// An engine with global middleware, a group with its own middleware, and one route.
pub fn build() -> Result<Engine, RouteError> {
    let mut engine = Engine::new();
    // Global middleware: first in every chain; after `next()` returns it
    // writes the trace of everything that ran inside it.
    engine.use_(|c| {
        Box::pin(async move {
            trace(c, "global>");
            c.next().await;
            trace(c, "<global");
            let body = c
                .get::<Vec<String>>("trace")
                .map(|t| t.join(" "))
                .unwrap_or_default();
            let _ = c.writer().write(body.as_bytes()).await;
        })
    });
    let mut v1 = engine.group("/v1");
    // Group middleware: refuses requests without `?token=`.
    v1.use_(|c| {
        Box::pin(async move {
            if c.query("token").is_none() {
                trace(c, "auth:abort(401)");
                c.abort_with_status(401);
                return;
            }
            trace(c, "auth>");
            c.next().await;
            trace(c, "<auth");
        })
    });
    v1.get("/users/:id", |c| {
        Box::pin(async move {
            let step = format!("handler(id={})", c.param("id"));
            trace(c, &step);
        })
    })?;
    Ok(engine)
}
// ANCHOR_END: build

// ANCHOR: serve
/// Serve `target` in memory; return `status body`.
pub async fn serve(engine: &Engine, target: &str) -> String {
    let mut w = Recorder::new();
    let mut r = Request::new(Method::GET, target).expect("a valid request target");
    engine.serve_http(w.writer(), &mut r).await;
    w.finish();
    let body = String::from_utf8_lossy(w.body()).into_owned();
    format!("GET {target}\n  -> {} {body}\n", w.status().as_u16())
}
// ANCHOR_END: serve

/// What `main` prints.
pub async fn render() -> String {
    let engine = build().expect("the example routes do not conflict");
    let mut out = String::new();
    for target in ["/v1/users/42?token=t", "/v1/users/42", "/v2/nothing"] {
        out.push_str(&serve(&engine, target).await);
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    print!("{}", render().await);
}
