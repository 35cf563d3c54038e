//! Every option of the builder, on a one-line handler.
//!
//! Run: `cargo run -p gracehttp --example options -- 127.0.0.1:8010`, then `kill -USR2 <pid>` to
//! restart it and `kill -TERM <pid>` to stop it. The pid file is written to the temp directory.

use std::time::Duration;

use servemux::handler_fn;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8010".to_owned());
    let pid_file = std::env::temp_dir().join("gracehttp-options.pid");
    let handler = handler_fn(|w, _r| {
        Box::pin(async move {
            let _ = w.write(b"hello\n").await;
        })
    });

    // ANCHOR: builder
    // Go's gracehttp.ListenAndServe(addr, handler) is `gracehttp::serve(addr, handler).await`.
    // With options:
    gracehttp::Builder::new()
        .addr(addr) // repeatable; or .listener(l) / .listeners(v)
        .shutdown_timeout(Duration::from_secs(10)) // default 30 s
        .ready_timeout(Duration::from_secs(5)) // default 10 s
        .pid_file(pid_file) // rewritten by each new process
        .logger(|event| println!("{event}")) // the default; .quiet() for tracing only
        .serve(handler)
        .await
    // ANCHOR_END: builder
}
