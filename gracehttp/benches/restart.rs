//! How long one graceful restart takes on an idle server: from `SIGUSR2` to the moment the old
//! process hears "ready" from its child, which is when the child's accept loops run. That span
//! holds `fork`, `exec`, loading the binary, rebuilding the listeners from inherited descriptors
//! and starting the tokio runtime.
//!
//! Each iteration restarts the *current* generation, as an operator would: the `restart`
//! example runs as a real process, the bench sends it `SIGUSR2`, waits for the new process, then
//! (outside the timed span) waits for the old one to drain and exit and reaps it. The same
//! harness drives the integration tests; `restart_load` measures the same span under load.
//!
//! Run: `cargo bench -p gracehttp --bench restart`

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use common::Server;

fn restart(c: &mut Criterion) {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let mut current = server.first_pid;
    let mut group = c.benchmark_group("graceful_restart");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    // ANCHOR: iteration
    group.bench_function("sigusr2_to_child_ready", |b| {
        b.iter_custom(|iters| {
            let mut ready_after = Duration::ZERO;
            for _ in 0..iters {
                let (new, ready) = server.restart(current);
                ready_after += ready;
                server.wait_exit(current);
                current = new;
            }
            ready_after
        })
    });
    // ANCHOR_END: iteration
    group.finish();
    // Stop the last generation; the harness reaps it.
    server.signal(current, nix::sys::signal::Signal::SIGTERM);
    server.wait_exit(current);
}

criterion_group!(benches, restart);
criterion_main!(benches);
