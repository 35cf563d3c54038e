//! Go's `http.FileServer(http.Dir(DIR))` as the server's whole handler:
//!
//! ```go
//! ln, _ := net.Listen("tcp", addr)
//! fmt.Printf("listening on http://%s\n", ln.Addr())
//! http.Serve(ln, http.FileServer(http.Dir(dir)))
//! ```
//!
//! Run: `cargo run --release -p servemux --example file_server -- DIR ADDR` (ADDR may end in
//! `:0` for any free port). The first line on stdout is `listening on http://ADDR` with the
//! bound address; logs go to stderr. No ServeMux stands in front, so the file server's own path
//! handling answers every request (the Go differential test relies on that).

use servemux::{FileServer, Server};
use tokio::net::TcpListener;

// ANCHOR: main
#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, addr] = args.as_slice() else {
        eprintln!("usage: file_server DIR ADDR");
        std::process::exit(2);
    };
    let listener = match TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("file_server: listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("listening on http://{a}"),
        Err(e) => {
            eprintln!("file_server: {e}");
            std::process::exit(1);
        }
    }
    let server = Server::new(FileServer::dir(dir));
    if let Err(e) = server.serve(listener).await {
        eprintln!("file_server: {e}");
        std::process::exit(1);
    }
}
// ANCHOR_END: main
