//! (1) Restarts under continuous load: every request is answered with a 200, and the pid in the
//! answers changes with each restart. Also the measurement quoted in the book:
//!
//! ```text
//! GRACEHTTP_RESTARTS=20 cargo test --release -p gracehttp --test restart_load -- --nocapture
//! ```
//!
//! Clients: two open a new connection per request (`Connection: close`), two keep one connection
//! alive (retrying once on a new connection when the server closed an idle one, as Go's
//! `Transport` does; those retries are counted and reported, never hidden).

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::{self, Failure, KeepAlive, Response};
use common::{Server, WAIT};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;

#[derive(Default)]
struct Stats {
    ok: usize,
    failures: Vec<String>,
    retries: usize,
    connections: usize,
    first_seen: HashMap<i32, Instant>,
}

impl Stats {
    fn record(&mut self, result: Result<Response, Failure>) {
        match result {
            Ok(resp) if resp.status == 200 && resp.pid().is_some() => {
                self.ok += 1;
                let pid = resp.pid().unwrap_or_default();
                self.first_seen.entry(pid).or_insert_with(Instant::now);
            }
            Ok(resp) => self
                .failures
                .push(format!("{} {:?}", resp.status, resp.body)),
            Err(e) => self.failures.push(format!("{e:?}")),
        }
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[test]
fn restarts_under_load_answer_every_request() {
    let restarts: usize = std::env::var("GRACEHTTP_RESTARTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .clamp(1, 200);
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let port = server.port();
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let deadline = Instant::now() + Duration::from_secs(120);

    let clients: Vec<_> = (0..4)
        .map(|i| {
            let (stop, stats) = (stop.clone(), stats.clone());
            std::thread::spawn(move || {
                let mut keep_alive = (i % 2 == 1).then(|| KeepAlive::new(port));
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let result = match &mut keep_alive {
                        Some(client) => client.get("/"),
                        None => http::get(port, "/"),
                    };
                    stats.lock().unwrap().record(result);
                }
                let mut stats = stats.lock().unwrap();
                if let Some(client) = keep_alive {
                    stats.retries += client.retries;
                    stats.connections += client.connections;
                }
            })
        })
        .collect();

    let warm_up = Instant::now();
    while stats.lock().unwrap().ok < 200 && warm_up.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(5));
    }

    let (mut ready, mut first_answer, mut old_gone) = (Vec::new(), Vec::new(), Vec::new());
    let mut pid = server.first_pid;
    for _ in 0..restarts {
        let t0 = Instant::now();
        let (new, ready_after) = server.restart(pid);
        ready.push(ready_after);
        let closed = format!("[pid: {pid}] All connections has been closed.");
        assert!(
            server.lines.wait_for(&closed, WAIT).is_some(),
            "{}",
            server.lines.dump()
        );
        assert_eq!(
            server.wait_exit(pid),
            WaitStatus::Exited(Pid::from_raw(pid), 0)
        );
        old_gone.push(t0.elapsed());
        // The new process answers (bounded wait: the clients keep asking).
        let seen = loop {
            if let Some(at) = stats.lock().unwrap().first_seen.get(&new) {
                break Some(*at);
            }
            if t0.elapsed() > WAIT {
                break None;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let seen = seen.unwrap_or_else(|| panic!("no answer from the new process {new}"));
        first_answer.push(seen.saturating_duration_since(t0));
        pid = new;
        std::thread::sleep(Duration::from_millis(100));
    }

    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    server.signal(pid, Signal::SIGTERM);
    assert_eq!(
        server.wait_exit(pid),
        WaitStatus::Exited(Pid::from_raw(pid), 0)
    );

    let stats = stats.lock().unwrap();
    let total = stats.ok + stats.failures.len();
    println!(
        "restarts under load: {restarts} restarts, 4 clients (2 new-connection, 2 keep-alive)"
    );
    println!(
        "  requests: {total}, answered 200: {}, failed: {}, keep-alive retries on a new connection: {} (of {} keep-alive connections)",
        stats.ok,
        stats.failures.len(),
        stats.retries,
        stats.connections
    );
    println!(
        "  SIGUSR2 -> child ready (parent told): median {}, min {}, max {}",
        ms(median(&mut ready)),
        ms(ready[0]),
        ms(*ready.last().unwrap())
    );
    println!(
        "  SIGUSR2 -> first answer from the child: median {}",
        ms(median(&mut first_answer))
    );
    println!(
        "  SIGUSR2 -> old process drained and exited: median {}",
        ms(median(&mut old_gone))
    );
    println!("  distinct pids that answered: {}", stats.first_seen.len());
    assert!(
        stats.failures.is_empty(),
        "{} of {total} requests failed, first: {:?}",
        stats.failures.len(),
        &stats.failures[..stats.failures.len().min(5)]
    );
    assert_eq!(
        stats.first_seen.len(),
        restarts + 1,
        "every generation answered"
    );
}
