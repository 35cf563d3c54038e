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

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use httpclient::load::{self, LoadPlan, Stop};
use httpclient::Client;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use regex::Regex;

const SEED: &str = include_str!("seed/readme-example.txt");
const SERVER_STDOUT: &str = include_str!("seed/server.stdout");
const SERVER_STDERR: &str = include_str!("seed/server.stderr");
const CLIENT: &str = include_str!("seed/client.txt");
const CURL: &str = include_str!("seed/curl.txt");

/// Lines a stream of the server processes has printed so far.
type Lines = Arc<Mutex<Vec<String>>>;

/// The server process (and the processes it restarts into, which share its pipes).
struct Demo {
    child: Child,
    addr: SocketAddr,
    stdout: Lines,
    stderr: Lines,
}

fn collect(pipe: impl Read + Send + 'static) -> Lines {
    let lines: Lines = Arc::default();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
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

/// Waits (bounded) until `lines` holds at least `n` lines, and returns them all.
fn wait_lines(lines: &Lines, n: usize, what: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = lines.lock().unwrap().clone();
        if now.len() >= n {
            return now;
        }
        assert!(Instant::now() < deadline, "{what}: got only {now:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (bounded) until a line equal to `line` was printed.
fn wait_for(lines: &Lines, line: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lines.lock().unwrap().iter().any(|l| l.ends_with(line)) {
        assert!(
            Instant::now() < deadline,
            "no line {line:?} in {:?}",
            lines.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
}

fn wait_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pid_alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every run of whitespace as one space, and no HTML tags: the seed document's view of a text.
fn as_the_seed_page_shows(text: &str) -> String {
    let no_tags = Regex::new(r"<[^>]*>").unwrap().replace_all(text, "");
    no_tags.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The restart lines with Go's date replaced and the pids numbered in order of appearance, so
/// that "the process the first restart started is the one the second restart stops" is compared.
fn mask_restart_lines(text: &str) -> String {
    let date = Regex::new(r"(?m)^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} ").unwrap();
    let text = date.replace_all(text, "DATE ");
    let pid = Regex::new(r"\[(?:pid: )?(\d+)\]").unwrap();
    let mut seen: Vec<String> = Vec::new();
    pid.replace_all(&text, |c: &regex::Captures| {
        let n = &c[1];
        let i = seen.iter().position(|p| p == n).unwrap_or_else(|| {
            seen.push(n.to_owned());
            seen.len() - 1
        });
        c[0].replace(n, &format!("P{}", i + 1))
    })
    .into_owned()
}

/// The client session with its clock readings replaced: the log line's time, and the two
/// durations per request (the log line's and the one printed after the body).
fn mask_client(text: &str) -> String {
    let time = Regex::new(r"\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\]").unwrap();
    let text = time.replace_all(text, "[TIME]");
    let logged = Regex::new(r"TimeDuration: \S+").unwrap();
    let text = logged.replace_all(&text, "TimeDuration: D");
    let printed = Regex::new(r"(?m)^ [0-9][0-9.]*[a-zµ]+$").unwrap();
    printed.replace_all(&text, " D").into_owned()
}

/// The seed's `go test` output without what `go test` itself adds around the program's output:
/// the two commands, `PASS` and the `ok  gohttp/httpclient 0.006s` summary.
fn client_output_of_the_seed() -> String {
    CLIENT
        .lines()
        .filter(|l| !l.starts_with("$ ") && *l != "PASS" && !l.starts_with("ok  "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// One command of the curl session and the body it printed.
struct CurlStep {
    url_path: String,
    data: Option<String>,
    body: String,
}

fn curl_steps() -> Vec<CurlStep> {
    let mut steps: Vec<CurlStep> = Vec::new();
    for line in CURL.lines() {
        let command = line.strip_prefix("$ ").unwrap_or(line);
        if let Some(rest) = command.strip_prefix("curl ") {
            let (url, data) = match rest.split_once(" -d ") {
                Some((url, data)) => (url, Some(data.trim_matches('\'').to_owned())),
                None => (rest, None),
            };
            let url_path = url
                .strip_prefix("http://127.0.0.1:8010")
                .expect("the seed's URLs are on 127.0.0.1:8010")
                .to_owned();
            steps.push(CurlStep {
                url_path,
                data,
                body: String::new(),
            });
        } else {
            let step = steps.last_mut().expect("output follows a command");
            step.body.push_str(line);
            step.body.push('\n');
        }
    }
    steps
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

/// The pid in `[pid: old] A new process [NEW] has been started successfully. ...`.
fn new_pid(stderr: &Lines, old: u32) -> u32 {
    let marker = format!("[pid: {old}] A new process [");
    let lines = stderr.lock().unwrap().clone();
    let line = lines
        .iter()
        .find(|l| l.contains(&marker))
        .unwrap_or_else(|| panic!("no new process line for {old} in {lines:?}"));
    let pid: u32 = line
        .split('[')
        .nth(2)
        .and_then(|s| s.split(']').next())
        .and_then(|s| s.parse().ok())
        .expect("the new pid");
    assert_ne!(pid, old);
    pid
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
