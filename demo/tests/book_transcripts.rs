//! The demo's sessions as the book shows them, produced by our programs: the real `server`
//! binary on a free port, the real `client` binary against it, the seed's curl requests, two
//! restarts on `SIGUSR2` and a stop on `SIGTERM`. Each stream is written to a file under
//! `book/src/transcripts/` (with a dated header line, see `testkit::book`) and checked
//! against what the programs print today:
//!
//! - `demo_client.txt`: the client binary's stdout (the seed's `go test` session rebuilt);
//! - `demo_server_stdout.txt`: what the server printed on stdout meanwhile;
//! - `demo_curl.txt`: the seed's five curl requests, sent with `httpclient`, and our answers;
//! - `demo_server_stderr.txt`: the restart and shutdown lines of the three processes.
//!
//! What changes from run to run is replaced the same way on both sides: the port by `PORT`,
//! clock readings and durations (`mask_client`), dates and pids (`mask_restart_lines`: `P1`,
//! `P2`, ... in order of appearance). Regenerate with
//! `UPDATE_BOOK=1 cargo test -p demo --test book_transcripts`.
//!
//! `tests/transcript.rs` holds the same streams to the seed's own text; this test keeps the
//! book's copies of *our* output true.

mod common;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use httpclient::Client;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use testkit::book;

const REGENERATE: &str = "UPDATE_BOOK=1 cargo test -p demo --test book_transcripts";

/// The server process; the processes it restarts into share its pipes.
struct Demo {
    child: Child,
    addr: SocketAddr,
    stdout: Lines,
    stderr: Lines,
}

impl Demo {
    fn start() -> Demo {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--addr", &addr.to_string()])
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the demo server");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Demo {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `text` with this server's port replaced by `PORT`.
    fn mask_port(&self, text: &str) -> String {
        text.replace(&format!("127.0.0.1:{}", self.addr.port()), "127.0.0.1:PORT")
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `SIGUSR2` to `pid` and waits until it has handed over; returns the new process's pid.
fn restart(demo: &Demo, pid: u32) -> u32 {
    kill(Pid::from_raw(pid as i32), Signal::SIGUSR2).unwrap();
    wait_for(
        &demo.stderr,
        &format!("[pid: {pid}] All connections has been closed."),
    );
    wait_gone(pid);
    new_pid(&demo.stderr, pid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sessions_in_the_book_are_current() {
    let mut demo = Demo::start();

    // The client binary's session.
    let out = Command::new(env!("CARGO_BIN_EXE_client"))
        .arg(demo.url(""))
        .env_remove("RUST_LOG")
        .output()
        .expect("run the client");
    assert!(out.status.success(), "client failed: {out:?}");
    let client = mask_client(&demo.mask_port(&String::from_utf8(out.stdout).unwrap()));
    book::check("demo_client.txt", &client, REGENERATE);

    // What the server printed on stdout for it: one greeting or body, then `destruct`, per request.
    let lines = wait_lines(&demo.stdout, SERVER_STDOUT.lines().count(), "server stdout");
    book::check(
        "demo_server_stdout.txt",
        &(lines.join("\n") + "\n"),
        REGENERATE,
    );

    // Two restarts, as in the seed: the second one is sent to the process the first started.
    let first = demo.child.id();
    let second = restart(&demo, first);
    let _ = demo.child.wait();
    let third = restart(&demo, second);

    // The seed's curl requests, against the process the restarts left serving.
    let http = Client::new();
    let mut curl = String::new();
    for step in curl_steps() {
        let url = demo.url(&step.url_path);
        let request = match &step.data {
            Some(data) => {
                curl.push_str(&format!("POST {url} (body {data})\n"));
                http.post(url, data.clone())
            }
            None => {
                curl.push_str(&format!("GET {url}\n"));
                http.get(url)
            }
        };
        let resp = request.send().await.expect("the demo answers");
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| format!(", Location: {l}"))
            .unwrap_or_default();
        curl.push_str(&format!("-> {}{location}\n{}", resp.status(), resp.text()));
    }
    book::check("demo_curl.txt", &demo.mask_port(&curl), REGENERATE);

    // SIGTERM: the last process shuts down and says so.
    kill(Pid::from_raw(third as i32), Signal::SIGTERM).unwrap();
    wait_for(
        &demo.stderr,
        &format!("[pid: {third}] All connections has been closed."),
    );
    wait_gone(third);
    let stderr = demo.stderr.lock().unwrap().join("\n") + "\n";
    book::check(
        "demo_server_stderr.txt",
        &mask_restart_lines(&stderr),
        REGENERATE,
    );
}
