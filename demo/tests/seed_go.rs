//! The seed's own Go server, held to the same transcripts as ours: a differential test.
//!
//! `tests/transcript.rs` requires our server and client to print what the seed's README shows.
//! This test runs the seed's real Go program (go-jar/gohttp `server_demo.go` at commit
//! `9d562b4`, built by `tests/seed/build-go-seed.sh`) and requires the same of it, with our
//! client binary as its client: the client session's output, the server's stdout, the curl
//! session's answers, and the restart lines of two `SIGUSR2`s. Where both pass, our programs and
//! the Go ones print the same bytes.
//!
//! ```sh
//! demo/tests/seed/build-go-seed.sh /tmp/gohttp-seed
//! SEED_GO_SERVER=/tmp/gohttp-seed/server cargo test -p demo --test seed_go
//! ```
//!
//! The Go server listens on `:8010`, hard-coded; the test needs that port free. Without
//! `SEED_GO_SERVER`, or with the port taken, it prints why and checks nothing, unless
//! `REQUIRE_SEED_GO` is set, which turns both into failures.
//!
//! Two things of the Go program at that commit are not in the seed's transcript, and are taken
//! out before comparing: the route table it logs on stdout at start-up (golog `[Debug]` lines, in
//! colour; added after the README was written), and the order of two restart lines. Go's
//! `Serve` logs `Waiting for connections to be closed.` as soon as the listener closes, in one
//! goroutine, while `Shutdown` logs `The http server has been shut down successfully.` when it
//! returns, in another; the seed's run printed them one way, and a run here usually prints them the
//! other way. The test puts such a pair in the seed's order.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use httpclient::Client;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

const ADDR: &str = "127.0.0.1:8010";

/// Whether to skip (with a notice) or fail when the Go server cannot run.
fn unavailable(why: &str) {
    if std::env::var_os("REQUIRE_SEED_GO").is_some() {
        panic!("the seed's Go server is required: {why}");
    }
    eprintln!("seed_go: skipped, {why}");
}

/// The Go processes: the one started here and those its restarts start (not our children).
struct GoServer {
    child: Child,
    stdout: Lines,
    stderr: Lines,
    pids: Vec<u32>,
}

impl Drop for GoServer {
    fn drop(&mut self) {
        for &pid in &self.pids {
            if pid_alive(pid) {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Go server's stdout without the route table golog logs at start-up (ANSI-coloured
/// `[Debug]` lines).
fn without_golog_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let mut s = l.clone();
            while let Some(at) = s.find('\u{1b}') {
                let end = s[at..].find('m').map_or(s.len(), |e| at + e + 1);
                s.replace_range(at..end, "");
            }
            s
        })
        .filter(|l| !l.starts_with("[Debug]") && !l.is_empty())
        .collect()
}

/// Go's racing pair of restart lines, put in the order the seed's run printed them.
fn in_the_seeds_order(mut lines: Vec<String>) -> Vec<String> {
    const WAITING: &str = "Waiting for connections to be closed.";
    const SHUT_DOWN: &str = "The http server has been shut down successfully.";
    for i in 1..lines.len() {
        if lines[i - 1].ends_with(WAITING) && lines[i].ends_with(SHUT_DOWN) {
            lines.swap(i - 1, i);
        }
    }
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeds_go_server_prints_the_seeds_transcripts() {
    let Some(binary) = std::env::var_os("SEED_GO_SERVER") else {
        unavailable("SEED_GO_SERVER is not set (see tests/seed/build-go-seed.sh)");
        return;
    };
    if TcpStream::connect(ADDR).is_ok() {
        unavailable("something already listens on 127.0.0.1:8010");
        return;
    }
    let mut child = Command::new(&binary)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {binary:?}: {e}"));
    let mut go = GoServer {
        stdout: collect(child.stdout.take().unwrap()),
        stderr: collect(child.stderr.take().unwrap()),
        pids: vec![child.id()],
        child,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(ADDR).is_err() {
        assert!(Instant::now() < deadline, "the Go server did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }

    // The client session, by our client against the Go server.
    let out = Command::new(env!("CARGO_BIN_EXE_client"))
        .arg(format!("http://{ADDR}"))
        .env_remove("RUST_LOG")
        .output()
        .expect("run the client");
    assert!(out.status.success(), "client failed: {out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        mask_client(&printed),
        mask_client(&client_output_of_the_seed())
    );

    // The Go server's stdout for it.
    let want: Vec<&str> = SERVER_STDOUT.lines().collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    let stdout = loop {
        let now = without_golog_lines(&go.stdout.lock().unwrap());
        if now.len() >= want.len() || Instant::now() > deadline {
            break now;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(stdout, want);

    // Two restarts, as in the seed.
    let first = go.child.id();
    kill(Pid::from_raw(first as i32), Signal::SIGUSR2).unwrap();
    wait_for(
        &go.stderr,
        &format!("[pid: {first}] All connections has been closed."),
    );
    let second = new_pid(&go.stderr, first);
    go.pids.push(second);
    // Go's parent logs "A new process ... started" right after the fork, before the child has
    // installed its signal handler, and an early SIGUSR2 would kill the child (the default
    // action). Wait until the child answers alone, then give its signal goroutine a moment.
    let _ = go.child.wait();
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !matches!(
        client.get(format!("http://{ADDR}/demo/DescribeDemo")).send().await,
        Ok(r) if r.status().as_u16() == 200
    ) {
        assert!(
            Instant::now() < deadline,
            "the new Go process does not answer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    kill(Pid::from_raw(second as i32), Signal::SIGUSR2).unwrap();
    wait_for(
        &go.stderr,
        &format!("[pid: {second}] All connections has been closed."),
    );
    let third = new_pid(&go.stderr, second);
    go.pids.push(third);
    wait_gone(second);
    // As above: the third process must be ready for the curl session and for SIGTERM.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !matches!(
        client.get(format!("http://{ADDR}/demo/DescribeDemo")).send().await,
        Ok(r) if r.status().as_u16() == 200
    ) {
        assert!(
            Instant::now() < deadline,
            "the third Go process does not answer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stderr = in_the_seeds_order(go.stderr.lock().unwrap().clone()).join("\n") + "\n";
    assert_eq!(
        mask_restart_lines(&stderr),
        mask_restart_lines(SERVER_STDERR)
    );

    // The curl session's answers.
    for step in curl_steps() {
        let url = format!("http://{ADDR}{}", step.url_path);
        let request = match &step.data {
            Some(data) => client.post(url, data.clone()),
            None => client.get(url),
        };
        let resp = request.send().await.unwrap();
        assert_eq!(resp.text(), step.body, "{}", step.url_path);
    }

    kill(Pid::from_raw(third as i32), Signal::SIGTERM).unwrap();
    wait_for(
        &go.stderr,
        &format!("[pid: {third}] All connections has been closed."),
    );
    wait_gone(third);
}
