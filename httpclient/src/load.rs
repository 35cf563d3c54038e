//! A small load generator on top of the client: N connections, for D seconds or R requests.
//!
//! Each of the N workers is a task that sends requests one after another; with a pool of at
//! least N idle connections per host, each worker keeps reusing "its" connection, so N workers
//! means N keep-alive connections — the same model as `wrk -c N` or `hey -c N`. Every latency is
//! recorded (no sampling), and the percentiles are computed by nearest rank over all of them.
//!
//! The result is a [`LoadReport`] value, not printed text, so the demo binary, the benchmarks
//! and other crates' tests can assert on it; its `Display` is the human summary.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;

use crate::client::Client;

/// When a load run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Keep sending until this much time has passed (requests in flight then still finish).
    After(Duration),
    /// Send exactly this many requests in total, over all connections.
    Requests(u64),
}

/// What to send, how hard, and for how long.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// The URL every request goes to.
    pub url: String,
    /// Number of concurrent connections (workers). 0 is treated as 1.
    pub connections: usize,
    /// When to stop.
    pub stop: Stop,
    /// Method of every request (GET by default).
    pub method: Method,
    /// Body of every request (empty by default).
    pub body: Bytes,
}

impl LoadPlan {
    /// GET `url` over one connection, 1000 requests; change the fields to taste.
    pub fn new(url: impl Into<String>) -> LoadPlan {
        LoadPlan {
            url: url.into(),
            connections: 1,
            stop: Stop::Requests(1000),
            method: Method::GET,
            body: Bytes::new(),
        }
    }
}

/// The outcome of a load run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadReport {
    /// Requests that got a complete response (any status).
    pub completed: u64,
    /// Requests that ended in an error (connect, timeout, malformed, ...).
    pub failed: u64,
    /// Completed requests whose status was not 2xx.
    pub non_2xx: u64,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Latency percentiles over completed requests (zero when none completed).
    pub p50: Duration,
    /// The 90th percentile.
    pub p90: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The slowest request.
    pub max: Duration,
    /// The first error seen, as text, to tell *why* requests failed.
    pub first_error: Option<String>,
}

impl LoadReport {
    /// Completed requests per second of wall time.
    pub fn requests_per_sec(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs == 0.0 {
            0.0
        } else {
            self.completed as f64 / secs
        }
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "requests: {} in {:.3?} ({:.1} req/s), failed: {}, non-2xx: {}",
            self.completed,
            self.elapsed,
            self.requests_per_sec(),
            self.failed,
            self.non_2xx
        )?;
        write!(
            f,
            "latency: p50 {:.1?}  p90 {:.1?}  p99 {:.1?}  max {:.1?}",
            self.p50, self.p90, self.p99, self.max
        )?;
        if let Some(e) = &self.first_error {
            write!(f, "\nfirst error: {e}")?;
        }
        Ok(())
    }
}

/// Runs `plan` with a client whose pool keeps one idle connection per worker.
/// Must be called from within a tokio runtime (workers are spawned tasks).
pub async fn run(plan: &LoadPlan) -> LoadReport {
    let client = Client::builder()
        .pool_max_idle_per_host(plan.connections.max(1))
        .build();
    run_with(&client, plan).await
}

/// Runs `plan` with the caller's client (its timeouts, headers and pool size apply).
pub async fn run_with(client: &Client, plan: &LoadPlan) -> LoadReport {
    let workers = plan.connections.max(1);
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = match plan.stop {
        Stop::After(d) => Some(start + d),
        Stop::Requests(_) => None,
    };
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let client = client.clone();
        let plan = plan.clone();
        let issued = Arc::clone(&issued);
        tasks.spawn(async move { worker(client, plan, deadline, issued).await });
    }
    let mut total = WorkerResult::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => total.merge(r),
            // A worker cannot panic on a response (the client does not), but if the runtime
            // cancels it, say so in the report rather than crash it.
            Err(e) => {
                if total.first_error.is_none() {
                    total.first_error = Some(format!("worker stopped: {e}"));
                }
            }
        }
    }
    let elapsed = start.elapsed();
    total.latencies.sort_unstable();
    LoadReport {
        completed: total.latencies.len() as u64,
        failed: total.failed,
        non_2xx: total.non_2xx,
        elapsed,
        p50: percentile(&total.latencies, 50.0),
        p90: percentile(&total.latencies, 90.0),
        p99: percentile(&total.latencies, 99.0),
        max: total.latencies.last().copied().unwrap_or_default(),
        first_error: total.first_error,
    }
}

#[derive(Default)]
struct WorkerResult {
    latencies: Vec<Duration>,
    failed: u64,
    non_2xx: u64,
    first_error: Option<String>,
}

impl WorkerResult {
    fn merge(&mut self, other: WorkerResult) {
        self.latencies.extend(other.latencies);
        self.failed += other.failed;
        self.non_2xx += other.non_2xx;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

async fn worker(
    client: Client,
    plan: LoadPlan,
    deadline: Option<Instant>,
    issued: Arc<AtomicU64>,
) -> WorkerResult {
    let mut result = WorkerResult::default();
    loop {
        match (plan.stop, deadline) {
            (_, Some(deadline)) if Instant::now() >= deadline => break,
            (Stop::Requests(n), _) if issued.fetch_add(1, Ordering::Relaxed) >= n => break,
            _ => {}
        }
        let started = Instant::now();
        let sent = client
            .request(plan.method.clone(), plan.url.as_str())
            .body(plan.body.clone())
            .send()
            .await;
        match sent {
            Ok(resp) => {
                result.latencies.push(started.elapsed());
                if !resp.status().is_success() {
                    result.non_2xx += 1;
                }
            }
            Err(e) => {
                result.failed += 1;
                if result.first_error.is_none() {
                    result.first_error = Some(e.to_string());
                }
            }
        }
    }
    result
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
