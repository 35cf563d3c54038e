//! The whole stack end to end against the seed's own text: the real `server` binary on a free
//! port, the real `client` binary against it, two restarts and the curl session, then a clean stop.
//!
//! `tests/seed/readme-example.txt` is the seed's README section with both transcripts, exactly as
//! the seed document holds it (the page it was taken from flattened every run of whitespace and
//! dropped HTML tags). The other files of `tests/seed/` are those transcripts with their line
//! breaks restored, one file per stream: `server.stdout`, `server.stderr`, `client.txt` (the
//! `go test` session), `curl.txt`. [`fixtures_are_the_seed`] proves that each of them *is* the
//! seed's text; the end-to-end test then compares what our programs print with them, byte for byte,
//! after replacing only what changes from run to run: dates and times, pids, durations, and the
//! port (the test listens on a free one instead of 8010).

mod common;

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use httpclient::load::{self, LoadPlan, Stop};
use httpclient::Client;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// The server process (and the processes it restarts into, which share its pipes).
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
            // The default filter (warnings only) is part of what is compared.
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the demo server");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "the server did not start listening"
            );
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
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The files of `tests/seed/` are the seed's transcripts: each, seen the way the seed document
/// shows text, is a piece of the seed's README section.
#[test]
fn fixtures_are_the_seed() {
    let seed = as_the_seed_page_shows(SEED);
    // The server's terminal shows its stdout, then the restart lines of stderr.
    let server = as_the_seed_page_shows(&format!("{SERVER_STDOUT}{SERVER_STDERR}"));
    assert!(
        seed.contains(&format!("$ ./server {server} ```")),
        "{server}"
    );
    let client = as_the_seed_page_shows(CLIENT);
    assert!(seed.contains(&client), "{client}");
    // Go's `http.Redirect` writes `<a href="...">Found</a>.` and a blank line; the README's author
    // kept the link without the dot (go-jar/gohttp's README shows `<a href="https://baidu.com">
    // Found</a>` then `before demo action`), and the seed's page dropped the tag.
    let curl = as_the_seed_page_shows(CURL).replace("Found. before", "Found before");
    assert!(
        seed.contains(&format!("## 1.2 Client ``` {curl} ```")),
        "{curl}"
    );
    assert_eq!(curl_steps().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_transcripts_restarts_and_clean_stop() {
    let demo = Demo::start();
    let port = demo.addr.port().to_string();

    // 1. The seed's client session, with the real client binary: its stdout, byte for byte.
    let out = Command::new(env!("CARGO_BIN_EXE_client"))
        .arg(demo.url(""))
        .env_remove("RUST_LOG")
        .output()
        .expect("run the client");
    assert!(out.status.success(), "client failed: {out:?}");
    let printed = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:8010");
    assert_eq!(
        mask_client(&printed),
        mask_client(&client_output_of_the_seed())
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // 2. What the server printed for it on stdout: exactly the seed's lines, and nothing else.
    let want: Vec<&str> = SERVER_STDOUT.lines().collect();
    let stdout = wait_lines(&demo.stdout, want.len(), "server stdout");
    assert_eq!(stdout, want);

    // 3. The first restart, under a bounded load: no request dropped, the pid changes.
    let first = demo.child.id();
    let mut plan = LoadPlan::new(demo.url("/demo/DescribeDemo"));
    plan.connections = 4;
    plan.stop = Stop::After(Duration::from_secs(3));
    let load = tokio::spawn(async move { load::run(&plan).await });
    tokio::time::sleep(Duration::from_millis(700)).await;
    kill(Pid::from_raw(first as i32), Signal::SIGUSR2).unwrap();
    let report = load.await.unwrap();
    assert!(report.completed > 100, "load ran: {report}");
    assert_eq!(
        (report.failed, report.non_2xx),
        (0, 0),
        "no request dropped: {report}"
    );
    wait_for(
        &demo.stderr,
        &format!("[pid: {first}] All connections has been closed."),
    );
    let mut demo = demo;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = demo.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the old process did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        status.success(),
        "the old process exits 0 after handing over"
    );
    let second = new_pid(&demo.stderr, first);

    // 4. The second restart, as in the seed (`kill -USR2` on the new process).
    kill(Pid::from_raw(second as i32), Signal::SIGUSR2).unwrap();
    wait_for(
        &demo.stderr,
        &format!("[pid: {second}] All connections has been closed."),
    );
    wait_gone(second);
    let third = new_pid(&demo.stderr, second);

    // Stderr held the restart lines and nothing else: the seed's ten lines, byte for byte.
    let stderr = demo.stderr.lock().unwrap().join("\n") + "\n";
    assert_eq!(
        mask_restart_lines(&stderr),
        mask_restart_lines(SERVER_STDERR)
    );

    // 5. The seed's curl session against the process the restarts left serving.
    let client = Client::new();
    for step in curl_steps() {
        let request = match &step.data {
            Some(data) => client.post(demo.url(&step.url_path), data.clone()),
            None => client.get(demo.url(&step.url_path)),
        };
        let resp = request.send().await.unwrap();
        assert_eq!(resp.text(), step.body, "{}", step.url_path);
        if step.url_path == "/demo/Redirect" {
            assert_eq!(resp.status().as_u16(), 302);
            assert_eq!(resp.status().canonical_reason(), Some("Found"));
            assert_eq!(resp.headers()["location"], demo::app::REDIRECT_TARGET);
        } else {
            assert_eq!(resp.status().as_u16(), 200, "{}", step.url_path);
        }
    }
    let resp = client
        .get(demo.url("/demo/nosuchaction"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    // 6. SIGTERM: a clean exit, and the port is closed.
    kill(Pid::from_raw(third as i32), Signal::SIGTERM).unwrap();
    wait_for(
        &demo.stderr,
        &format!("[pid: {third}] All connections has been closed."),
    );
    wait_gone(third);
    assert!(
        TcpStream::connect(demo.addr).is_err(),
        "the port is closed after SIGTERM"
    );

    // Every request after the client session printed its lines: the load's and the curl
    // session's `destruct` lines, and `ProcessPost`'s body before its own.
    let stdout = demo.stdout.lock().unwrap().clone();
    let after: Vec<&String> = stdout[want.len()..].iter().collect();
    let json = r#"{"a": 1, "b": 2, "c": 3}"#;
    assert!(after.iter().any(|l| *l == json), "{after:?}");
    assert!(
        after
            .iter()
            .all(|l| *l == "destruct demo context" || *l == json || l.starts_with("Hi, Client!")),
        "{after:?}"
    );
}

/// `--trace-id auto`: every log line of the session carries the one id goinbox's `idgen` made
/// from the server's address: `7f000001` (127.0.0.1), the port in 5 digits, milliseconds, a
/// 4-digit counter.
#[test]
fn client_logs_a_generated_trace_id() {
    let demo = Demo::start();
    let out = Command::new(env!("CARGO_BIN_EXE_client"))
        .args(["--trace-id", "auto", &demo.url("")])
        .env_remove("RUST_LOG")
        .output()
        .expect("run the client");
    assert!(out.status.success(), "client failed: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[Debug]"))
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{text}");
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let prefix = format!("7f000001{:05}", demo.addr.port());
    let id = ids[0];
    assert!(id.starts_with(&prefix), "{id}");
    assert!(id.ends_with("0000"), "{id}");
    assert_eq!(id.len(), prefix.len() + 13 + 4, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
}
