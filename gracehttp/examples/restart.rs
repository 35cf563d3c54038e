//! A server to restart by hand: goinbox/gohttp's `gracehttp/demo`.
//!
//! ```text
//! cargo run -p gracehttp --example restart -- --addr 127.0.0.1:8080
//! curl http://127.0.0.1:8080/            # pid=31061
//! curl 'http://127.0.0.1:8080/slow?ms=3000' &  kill -USR2 31061
//! curl http://127.0.0.1:8080/            # pid=31129: a new process, the same port
//! kill -TERM 31129                       # graceful shutdown, exit 0
//! ```
//!
//! Every response names the pid that served it. `/slow?ms=N` writes a first line, flushes it,
//! sleeps N ms (at most a minute) and writes a second line, so a request can span a restart.
//! `/echo` hijacks the connection and echoes lines (`pid=N: line`) until the client closes, as a
//! WebSocket would live on past a restart.
//!
//! Options: `--addr ADDR` (repeatable; default 127.0.0.1:8080, port 0 picks a free one),
//! `--ready-timeout-ms N`, `--shutdown-timeout-ms N`, `--hijacked-timeout-ms N`, `--pid-file PATH`,
//! `--quiet`, and `--tls-cert FILE --tls-key FILE` to serve HTTPS (each process reads the files
//! when it starts: replace them and send SIGUSR2 to rotate the certificate).
//!
//! Switches for the tests, read only in a process started by a restart (so the first process
//! serves normally and every restart it attempts misbehaves): `RESTART_FAIL_CHILD=1` exits with
//! status 1 at start-up, `RESTART_HANG_CHILD=1` never becomes ready, `RESTART_CHILD_DELAY_MS=N`
//! waits N ms before serving.

use std::time::Duration;

use servemux::handler_fn;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

// ANCHOR: handler
fn handler() -> impl servemux::Handler {
    let pid = std::process::id();
    handler_fn(move |w, r| {
        Box::pin(async move {
            if r.path() == "/echo" {
                // A hijacked connection, as a WebSocket is: lines are echoed by this process
                // until the client closes, also after a restart.
                let Ok(conn) = w.hijack(r).await else { return };
                let mut conn = tokio::io::BufReader::new(conn);
                let _ = conn
                    .get_mut()
                    .write_all(format!("hijacked pid={pid}\n").as_bytes())
                    .await;
                let mut line = String::new();
                while conn.read_line(&mut line).await.unwrap_or(0) > 0 {
                    let reply = format!("pid={pid}: {line}");
                    if conn.get_mut().write_all(reply.as_bytes()).await.is_err() {
                        break;
                    }
                    line.clear();
                }
            } else if r.path() == "/slow" {
                let ms: u64 = r.query("ms").and_then(|v| v.parse().ok()).unwrap_or(500);
                let _ = w.write(format!("start pid={pid}\n").as_bytes()).await;
                let _ = w.flush().await;
                tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
                let _ = w.write(format!("end pid={pid}\n").as_bytes()).await;
            } else {
                let _ = w.write(format!("pid={pid}").as_bytes()).await;
            }
        })
    })
}
// ANCHOR_END: handler

struct Args {
    addrs: Vec<String>,
    ready_timeout: Option<Duration>,
    shutdown_timeout: Option<Duration>,
    hijacked_timeout: Option<Duration>,
    pid_file: Option<String>,
    quiet: bool,
    tls_cert: Option<String>,
    tls_key: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addrs: Vec::new(),
        ready_timeout: None,
        shutdown_timeout: None,
        hijacked_timeout: None,
        pid_file: None,
        quiet: false,
        tls_cert: None,
        tls_key: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let ms = |v: String| {
            v.parse()
                .map(Duration::from_millis)
                .map_err(|_| format!("{v} is not a number of milliseconds"))
        };
        match flag.as_str() {
            "--addr" => args.addrs.push(value()?),
            "--ready-timeout-ms" => args.ready_timeout = Some(ms(value()?)?),
            "--shutdown-timeout-ms" => args.shutdown_timeout = Some(ms(value()?)?),
            "--hijacked-timeout-ms" => args.hijacked_timeout = Some(ms(value()?)?),
            "--pid-file" => args.pid_file = Some(value()?),
            "--quiet" => args.quiet = true,
            "--tls-cert" => args.tls_cert = Some(value()?),
            "--tls-key" => args.tls_key = Some(value()?),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if args.addrs.is_empty() {
        args.addrs.push("127.0.0.1:8080".to_owned());
    }
    if args.tls_cert.is_some() != args.tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".to_owned());
    }
    Ok(args)
}

/// The misbehaviours the tests ask of a restarted child.
fn misbehave_if_asked() {
    if !gracehttp::is_child() {
        return;
    }
    let set = |name| std::env::var(name).is_ok_and(|v| v != "0" && !v.is_empty());
    if set("RESTART_FAIL_CHILD") {
        eprintln!("RESTART_FAIL_CHILD is set: exiting at start-up");
        std::process::exit(1);
    }
    if set("RESTART_HANG_CHILD") {
        std::thread::sleep(Duration::from_secs(3600));
    }
    if let Some(ms) = std::env::var("RESTART_CHILD_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("restart: {e}");
        std::process::exit(2);
    });
    misbehave_if_asked();

    // ANCHOR: main
    // Inherited from the parent after a restart, bound otherwise.
    let listeners = gracehttp::listen(&args.addrs).unwrap_or_else(|e| {
        eprintln!("restart: cannot listen on {:?}: {e}", args.addrs);
        std::process::exit(1);
    });
    for listener in &listeners {
        if let Ok(addr) = listener.local_addr() {
            println!("Serving {addr} with pid {}.", std::process::id());
        }
    }

    let mut server = gracehttp::Builder::new().listeners(listeners);
    if let Some(t) = args.ready_timeout {
        server = server.ready_timeout(t);
    }
    if let Some(t) = args.shutdown_timeout {
        server = server.shutdown_timeout(t);
    }
    if let Some(t) = args.hijacked_timeout {
        server = server.hijacked_timeout(t);
    }
    if let Some(path) = args.pid_file {
        server = server.pid_file(path);
    }
    if args.quiet {
        server = server.quiet();
    }
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        server = server.tls_files(cert, key);
    }
    if let Err(e) = server.serve(handler()).await {
        eprintln!("restart: {e}");
        std::process::exit(1);
    }
    println!("Server stopped.");
    // ANCHOR_END: main
}
