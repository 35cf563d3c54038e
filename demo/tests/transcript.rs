//! The whole stack end to end: the real `server` binary on a free port, the seed's transcript
//! request by request, a restart under load, and a clean stop.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use httpclient::load::{self, LoadPlan, Stop};
use httpclient::Client;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// The server process and the lines it has printed so far.
struct Demo {
    child: Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Demo {
    fn start() -> Demo {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--addr", &addr.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the demo server");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let lines = stdout.clone();
        let pipe = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
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
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits (bounded) until a printed line satisfies `pred`, and returns it.
    fn wait_line(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.lines().into_iter().find(|l| pred(l)) {
                return l;
            }
            assert!(
                Instant::now() < deadline,
                "no line {what}; got {:?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn count(&self, line: &str) -> usize {
        self.lines().iter().filter(|l| *l == line).count()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_transcript_restart_under_load_and_clean_stop() {
    let demo = Demo::start();
    let client = Client::new();

    // 1. The seed's curl session, byte for byte.
    let framed = |inner: &str| format!("before demo action\n{inner}after demo action\n");
    let hi = "Hi, Client! Your data is: 123\nbefore demo action\nafter demo action\n";
    for path in ["/demo/args/123", "/test/args/123"] {
        let resp = client.get(demo.url(path)).send().await.unwrap();
        assert_eq!(
            (resp.status().as_u16(), resp.text().as_ref()),
            (200, hi),
            "{path}"
        );
    }
    let resp = client
        .get(demo.url("/demo/DescribeDemo"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), framed("DescribeDemo\n"));
    let json = r#"{"a": 1, "b": 2, "c": 3}"#;
    let resp = client
        .post(demo.url("/demo/ProcessPost"), json)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), framed(&format!("{json}\n")));
    let resp = client
        .post(demo.url("/demo/ProcessPost"), "")
        .form([("a", "1"), ("b", "2"), ("c", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), framed("a=1&b=2&c=3\n"));
    let resp = client.get(demo.url("/demo/Redirect")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    assert_eq!(resp.status().canonical_reason(), Some("Found"));
    assert_eq!(resp.headers()["location"], demo::app::REDIRECT_TARGET);
    assert!(
        !resp.text().contains("after demo action"),
        "redirect skips after_action"
    );
    let resp = client
        .get(demo.url("/demo/nosuchaction"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    // Every served request printed its destruct line once (the 404 built no context).
    let deadline = Instant::now() + Duration::from_secs(10);
    while demo.count("destruct demo context") < 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(demo.count("destruct demo context"), 6, "{:?}", demo.lines());

    // 2. SIGUSR2 under a bounded load: every request gets its full answer, the pid changes.
    let parent = demo.child.id();
    let mut plan = LoadPlan::new(demo.url("/demo/DescribeDemo"));
    plan.connections = 4;
    plan.stop = Stop::After(Duration::from_secs(3));
    let load = tokio::spawn(async move { load::run(&plan).await });
    tokio::time::sleep(Duration::from_millis(700)).await;
    kill(Pid::from_raw(parent as i32), Signal::SIGUSR2).unwrap();
    let report = load.await.unwrap();
    assert!(report.completed > 100, "load ran: {report}");
    assert_eq!(
        (report.failed, report.non_2xx),
        (0, 0),
        "no request dropped: {report}"
    );

    demo.wait_line("receiving SIGUSR2", |l| {
        l == format!("[pid: {parent}] Receive signal SIGUSR2. To restart the server gracefully.")
    });
    let started = demo.wait_line("naming the new process", |l| {
        l.starts_with(&format!("[pid: {parent}] A new process ["))
            && l.ends_with("] has been started successfully. To shut down the server gracefully.")
    });
    let new_pid: u32 = started
        .split('[')
        .nth(2)
        .and_then(|s| s.split(']').next())
        .and_then(|s| s.parse().ok())
        .expect("the new pid");
    assert_ne!(new_pid, parent);
    demo.wait_line("parent drained", |l| {
        l == format!("[pid: {parent}] All connections has been closed.")
    });
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

    // The new process serves the same port.
    let resp = client
        .get(demo.url("/demo/DescribeDemo"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), framed("DescribeDemo\n"));

    // 3. SIGTERM: a clean exit, and the port is closed.
    kill(Pid::from_raw(new_pid as i32), Signal::SIGTERM).unwrap();
    demo.wait_line("new process drained", |l| {
        l == format!("[pid: {new_pid}] All connections has been closed.")
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while pid_alive(new_pid) {
        assert!(Instant::now() < deadline, "the new process did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        TcpStream::connect(demo.addr).is_err(),
        "the port is closed after SIGTERM"
    );
}
