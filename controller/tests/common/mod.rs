//! Shared by the HTTP tests: start a `System` on `127.0.0.1:0`, and send one request per
//! connection, the answer read whole by `testkit::http`.

#![allow(dead_code)] // each test file uses a different part

use std::net::SocketAddr;
use std::time::Duration;

use controller::{Router, System};
use servemux::Server;
use tokio::net::TcpListener;

/// Upper bound for any single request in these tests.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// A running server; shut it down with [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    server: Server,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Serves `router` on a fresh local port.
pub async fn serve(router: Router) -> Running {
    serve_system(System::new(router)).await
}

/// Serves an already configured `system` on a fresh local port.
pub async fn serve_system(system: System) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let server = Server::new(system);
    let task = tokio::spawn({
        let server = server.clone();
        async move { server.serve(listener).await }
    });
    Running { addr, server, task }
}

impl Running {
    /// Graceful shutdown; fails the test if it takes more than two seconds.
    pub async fn stop(self) {
        self.server
            .shutdown(Duration::from_secs(2))
            .await
            .expect("clean shutdown");
        let served = tokio::time::timeout(Duration::from_secs(2), self.task)
            .await
            .expect("accept loop ends")
            .expect("accept task");
        served.expect("serve returned an error");
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, b"").await
    }

    pub async fn post(&self, path: &str, body: &[u8]) -> Answer {
        self.send("POST", path, body).await
    }

    /// One request on its own connection.
    pub async fn send(&self, method: &str, path: &str, body: &[u8]) -> Answer {
        tokio::time::timeout(REQUEST_DEADLINE, exchange(self.addr, method, path, body))
            .await
            .expect("request within the deadline")
    }
}

/// A parsed response (`testkit::http`).
pub type Answer = testkit::http::Response;

async fn exchange(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Answer {
    let length = body.len().to_string();
    let headers = [("Content-Length", length.as_str())];
    let request = testkit::http::request(method, path, "test", &headers, body);
    testkit::http::exchange_async(addr, &request, method == "HEAD").await
}
