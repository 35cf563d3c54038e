//! Test harness: start the `restart` example as a real process, read its log lines, talk HTTP to
//! it over raw TCP, and collect every process it turns into.
//!
//! The test process makes itself a *child subreaper*: when an old server exits, its child (the
//! new server) is re-parented to us rather than to init, so we can `waitpid` every generation,
//! check its exit status, and leave no zombie behind.

#![allow(dead_code)] // each test file uses a different part of the harness

pub mod http;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

/// Every wait in the tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(20);

/// The `restart` example, built once per test binary with the profile the tests use.
pub fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let _ = nix::sys::prctl::set_child_subreaper(true);
        testkit::cargo::example(env!("CARGO_MANIFEST_DIR"), "restart")
    })
}

/// Lines the server processes printed on their (shared) stdout, with arrival times.
#[derive(Default)]
pub struct Lines {
    lines: Mutex<Vec<(Instant, String)>>,
    grew: Condvar,
}

impl Lines {
    /// Waits for a line containing `needle`; returns it with its arrival time.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Option<(Instant, String)> {
        let deadline = Instant::now() + timeout;
        let mut lines = self.lines.lock().unwrap();
        loop {
            if let Some(found) = lines.iter().find(|(_, l)| l.contains(needle)) {
                return Some(found.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            lines = self.grew.wait_timeout(lines, deadline - now).unwrap().0;
        }
    }

    /// Whether a line containing `needle` has arrived.
    pub fn has(&self, needle: &str) -> bool {
        self.wait_for(needle, Duration::ZERO).is_some()
    }

    /// How many lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        let lines = self.lines.lock().unwrap();
        lines.iter().filter(|(_, l)| l.contains(needle)).count()
    }

    /// Everything so far, for failure messages.
    pub fn dump(&self) -> String {
        let lines = self.lines.lock().unwrap();
        lines.iter().map(|(_, l)| format!("  | {l}\n")).collect()
    }
}

/// A server process family: the first process we started and every process it restarted into.
pub struct Server {
    pub lines: Arc<Lines>,
    /// Ports of the listeners, in order.
    pub ports: Vec<u16>,
    /// The pid of the process we started.
    pub first_pid: i32,
    /// Pids we reaped: every other generation still runs (or is our zombie) when we are dropped.
    reaped: Mutex<Vec<i32>>,
}

impl Server {
    /// Starts the example with `args`, the environment `env` added, and waits until it serves.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(server_binary());
        cmd.args(args)
            .envs(env.iter().copied())
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        Server::start_command(cmd, args.iter().filter(|a| **a == "--addr").count().max(1))
    }

    /// Starts `cmd` (whose stdout must be piped) and waits for `listeners` "Serving" lines.
    pub fn start_command(mut cmd: Command, listeners: usize) -> Server {
        let mut child = cmd.spawn().expect("start the server");
        let first_pid = child.id() as i32;
        let stdout = child.stdout.take().unwrap();
        // We reap by pid with waitpid, so the std handle is simply forgotten.
        drop(child);
        let lines = Arc::new(Lines::default());
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                sink.lines.lock().unwrap().push((Instant::now(), line));
                sink.grew.notify_all();
            }
        });
        let mut ports = Vec::new();
        let deadline = Instant::now() + WAIT;
        let serving = format!("with pid {first_pid}.");
        while ports.len() < listeners && Instant::now() < deadline {
            ports = lines
                .lines
                .lock()
                .unwrap()
                .iter()
                .filter(|(_, l)| l.starts_with("Serving ") && l.ends_with(&serving))
                .filter_map(|(_, l)| l.split(' ').nth(1)?.rsplit(':').next()?.parse().ok())
                .collect();
            std::thread::sleep(Duration::from_millis(5));
        }
        let server = Server {
            lines,
            ports,
            first_pid,
            reaped: Mutex::new(Vec::new()),
        };
        assert_eq!(
            server.ports.len(),
            listeners,
            "server did not start:\n{}",
            server.lines.dump()
        );
        server
    }

    pub fn port(&self) -> u16 {
        self.ports[0]
    }

    /// Sends `signal` to `pid`.
    pub fn signal(&self, pid: i32, signal: Signal) {
        kill(Pid::from_raw(pid), signal).expect("send a signal");
    }

    /// Sends SIGUSR2 to `pid` and waits for the new process; returns its pid and how long after
    /// the signal the old process learnt it was ready.
    pub fn restart(&self, pid: i32) -> (i32, Duration) {
        let t0 = Instant::now();
        self.signal(pid, Signal::SIGUSR2);
        let (at, line) = self
            .lines
            .wait_for(&format!("[pid: {pid}] A new process ["), WAIT)
            .unwrap_or_else(|| panic!("no new process for {pid}:\n{}", self.lines.dump()));
        let new: i32 = line
            .split('[')
            .nth(2)
            .and_then(|s| s.split(']').next())
            .and_then(|s| s.parse().ok())
            .expect("a pid in the line");
        (new, at.saturating_duration_since(t0))
    }

    /// Waits until `pid` has printed its last line and exited; reaps it and returns its status.
    pub fn wait_exit(&self, pid: i32) -> WaitStatus {
        let status = wait_pid(pid, WAIT)
            .unwrap_or_else(|| panic!("{pid} did not exit:\n{}", self.lines.dump()));
        self.reaped.lock().unwrap().push(pid);
        status
    }

    /// Every process of the family that got as far as serving (each prints "Serving ...").
    fn generations(&self) -> Vec<i32> {
        let lines = self.lines.lines.lock().unwrap();
        let mut pids: Vec<i32> = lines
            .iter()
            .filter(|(_, l)| l.starts_with("Serving "))
            .filter_map(|(_, l)| l.rsplit(' ').next()?.trim_end_matches('.').parse().ok())
            .collect();
        pids.push(self.first_pid);
        pids.sort_unstable();
        pids.dedup();
        pids
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Whatever is still running (a test failed half-way): kill and reap, bounded.
        // A pid we have not reaped cannot have been reused: it still runs or is our zombie.
        let reaped = self.reaped.lock().unwrap().clone();
        for pid in self.generations() {
            if !reaped.contains(&pid) && kill(Pid::from_raw(pid), None).is_ok() {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
                let _ = wait_pid(pid, Duration::from_secs(5));
            }
        }
    }
}

/// Polls `waitpid(pid, WNOHANG)` until it reports an exit, at most `timeout`.
pub fn wait_pid(pid: i32, timeout: Duration) -> Option<WaitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {}
            Ok(status) => return Some(status),
            Err(_) => return None,
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Open descriptors of `pid`.
pub fn fd_count(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Open descriptors of `pid` once the count has held still for 50 ms (connections the test
/// just used may take a moment to close on the server's side). Bounded: 2 s.
pub fn settled_fd_count(pid: i32) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    let (mut last, mut same) = (fd_count(pid), 0);
    while same < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        let now = fd_count(pid);
        same = if now == last { same + 1 } else { 0 };
        last = now;
    }
    last
}

/// Waits (at most 2 s) for `pid` to have exactly `expected` descriptors; returns the last count.
pub fn wait_fd_count(pid: i32, expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = fd_count(pid);
        if now == expected || Instant::now() >= deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The descriptors of `pid`, as `fd -> target`, for failure messages.
pub fn fd_list(pid: i32) -> String {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return String::new();
    };
    let mut fds: Vec<String> = dir
        .filter_map(|e| e.ok())
        .map(|e| {
            let target = std::fs::read_link(e.path()).unwrap_or_default();
            format!(
                "{} -> {}",
                e.file_name().to_string_lossy(),
                target.display()
            )
        })
        .collect();
    fds.sort();
    fds.join("\n")
}

/// Processes whose parent is `pid`, with their state letter (`Z` for a zombie).
pub fn children_of(pid: i32) -> Vec<(i32, char)> {
    let mut found = Vec::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in proc_dir.filter_map(|e| e.ok()) {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid: i32 = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        if ppid == pid {
            if let Some(child) = entry.file_name().to_str().and_then(|s| s.parse().ok()) {
                found.push((child, state));
            }
        }
    }
    found
}

/// Whether a process `pid` exists (zombies included).
pub fn alive(pid: i32) -> bool {
    kill(Pid::from_raw(pid), None).is_ok()
}
