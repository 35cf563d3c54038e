//! The seed's first Go program, on the default mux:
//!
//! ```go
//! func main() {
//!     http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
//!         fmt.Fprintf(w, "Hello, %q", r.URL.Path)
//!     })
//!     log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//!
//! Run: `cargo run -p servemux --example hello_mux` (optional argument: the address), then
//! `curl http://127.0.0.1:8080/world`.

// ANCHOR: hello_mux
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| ":8080".to_owned());

    servemux::handle_func("/", |w, r| {
        Box::pin(async move {
            let body = format!("Hello, {:?}", r.path());
            let _ = w.write(body.as_bytes()).await;
        })
    })?;

    // `None` is Go's `nil`: serve the default mux.
    servemux::listen_and_serve(&addr, None).await?;
    Ok(())
}
// ANCHOR_END: hello_mux
