//! Shared by the end-to-end tests: the seed's transcripts (`tests/seed/`), reading a server's
//! output streams, and the masks that replace what changes from run to run.

#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use regex::Regex;

/// Lines a stream of the server processes has printed so far.
pub type Lines = Arc<Mutex<Vec<String>>>;

/// Collects the lines of `pipe` on a thread of its own.
pub fn collect(pipe: impl Read + Send + 'static) -> Lines {
    let lines: Lines = Arc::default();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

pub const SEED: &str = include_str!("../seed/readme-example.txt");
pub const SERVER_STDOUT: &str = include_str!("../seed/server.stdout");
pub const SERVER_STDERR: &str = include_str!("../seed/server.stderr");
pub const CLIENT: &str = include_str!("../seed/client.txt");
pub const CURL: &str = include_str!("../seed/curl.txt");

/// Waits (bounded) until `lines` holds at least `n` lines, and returns them all.
pub fn wait_lines(lines: &Lines, n: usize, what: &str) -> Vec<String> {
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
pub fn wait_for(lines: &Lines, line: &str) {
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

pub fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
}

pub fn wait_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pid_alive(pid) {
        assert!(Instant::now() < deadline, "process {pid} did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every run of whitespace as one space, and no HTML tags: the seed document's view of a text.
pub fn as_the_seed_page_shows(text: &str) -> String {
    let no_tags = Regex::new(r"<[^>]*>").unwrap().replace_all(text, "");
    no_tags.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The restart lines with Go's date replaced and the pids numbered in order of appearance, so
/// that "the process the first restart started is the one the second restart stops" is compared.
pub fn mask_restart_lines(text: &str) -> String {
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
pub fn mask_client(text: &str) -> String {
    let time = Regex::new(r"\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\]").unwrap();
    let text = time.replace_all(text, "[TIME]");
    let logged = Regex::new(r"TimeDuration: \S+").unwrap();
    let text = logged.replace_all(&text, "TimeDuration: D");
    let printed = Regex::new(r"(?m)^ [0-9][0-9.]*[a-zµ]+$").unwrap();
    printed.replace_all(&text, " D").into_owned()
}

/// The seed's `go test` output without what `go test` itself adds around the program's output:
/// the two commands, `PASS` and the `ok  gohttp/httpclient 0.006s` summary.
pub fn client_output_of_the_seed() -> String {
    CLIENT
        .lines()
        .filter(|l| !l.starts_with("$ ") && *l != "PASS" && !l.starts_with("ok  "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// One command of the curl session and the body it printed.
pub struct CurlStep {
    pub url_path: String,
    pub data: Option<String>,
    pub body: String,
}

pub fn curl_steps() -> Vec<CurlStep> {
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

/// The pid in `[pid: old] A new process [NEW] has been started successfully. ...`.
pub fn new_pid(stderr: &Lines, old: u32) -> u32 {
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
