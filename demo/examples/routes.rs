//! The seed's demo application served by the controller layer alone, without graceful restart,
//! printing the route table it built.
//!
//! The application (the context, both controllers and the route table) is `demo::app`, the
//! same one `cargo run -p demo` serves under `gracehttp`.
//!
//! `cargo run -p demo --example routes -- 127.0.0.1:8010`, then
//!
//! ```text
//! curl http://127.0.0.1:8010/demo/args/123        # Hi, Client! ... then the before/after frame
//! curl http://127.0.0.1:8010/test/args/123        # the same greeting through a second rule
//! curl http://127.0.0.1:8010/demo/DescribeDemo
//! curl -d 'a=1&b=2' http://127.0.0.1:8010/demo/ProcessPost
//! curl -i http://127.0.0.1:8010/demo/Redirect     # 302 Found, Location: https://baidu.com
//! ```
//!
//! Every request prints `destruct demo context` when it is done, as the Go demo does.

use controller::System;
use demo::app;
use servemux::Server;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "controller=debug".into()),
        )
        .init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8010".to_owned());
    let router = match app::router() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    print!("{}", app::route_table(&router));
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on {addr}");
    let server = Server::new(System::new(router));
    if let Err(e) = server.serve(listener).await {
        eprintln!("serve: {e}");
    }
}
