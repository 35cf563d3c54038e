//! The smallest server: Go's
//!
//! ```go
//! http.ListenAndServe(":8080", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//!     fmt.Fprintf(w, "hello, %s\n", r.URL.Path)
//! }))
//! ```
//!
//! Run: `cargo run -p servemux --example hello` (optional argument: the address), then
//! `curl http://127.0.0.1:8080/world`.

use servemux::{handler_fn, Server};
use tokio::net::TcpListener;

// ANCHOR: hello
#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());

    let hello = handler_fn(|w, r| {
        Box::pin(async move {
            let body = format!("hello, {}\n", r.path());
            let _ = w.write(body.as_bytes()).await;
        })
    });

    let listener = TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let server = Server::new(hello);

    // Ctrl-C: stop accepting, let in-flight requests finish, then exit (Go's Shutdown).
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(std::time::Duration::from_secs(5)).await;
    });
    server.serve(listener).await
}
// ANCHOR_END: hello
