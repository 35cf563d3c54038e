//! The restart protocol, one behaviour per test, each against the `restart` example run as a
//! real process: (2) a slow request spans a restart, (3) SIGTERM drains then exits 0, (4) a child
//! that fails or hangs leaves the parent serving, and a second SIGUSR2 during a restart is
//! ignored, (5) no descriptor leaks and no zombies; also several listeners, systemd socket
//! activation, and the pid file.

mod common;

use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::http::{self, read_head, read_response, Conn};
use common::{
    alive, children_of, fd_list, server_binary, settled_fd_count, wait_fd_count, wait_pid, Server,
    WAIT,
};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;

fn exited_0(pid: i32) -> WaitStatus {
    WaitStatus::Exited(Pid::from_raw(pid), 0)
}

/// Sends `GET /slow?ms=N` and reads the response head. The handler flushes the head with its
/// first line and then sleeps, so when this returns the server is in the middle of the request.
fn start_slow(port: u16, ms: u64) -> Conn {
    let mut conn = http::connect(port).unwrap();
    http::send(&mut conn, &format!("/slow?ms={ms}"), false).unwrap();
    assert_eq!(read_head(&mut conn).unwrap(), 200);
    conn
}

/// The rest of the slow response: its body.
fn read_body(conn: &mut Conn) -> String {
    read_response(conn).unwrap().body
}

/// `GET /` on a new connection must answer 200 `pid=N`; returns N.
fn answering_pid(port: u16) -> i32 {
    let resp = http::get(port, "/").unwrap();
    assert_eq!(resp.status, 200, "{resp:?}");
    resp.pid().unwrap()
}

fn no_zombie_below(pid: i32) {
    let zombies: Vec<_> = children_of(pid)
        .into_iter()
        .filter(|(_, s)| *s == 'Z')
        .collect();
    assert!(zombies.is_empty(), "zombies below {pid}: {zombies:?}");
}

// (2)
#[test]
fn slow_request_spans_a_restart() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let old = server.first_pid;
    let mut conn = start_slow(server.port(), 1500);

    let (new, _) = server.restart(old);
    let stopped = format!("[pid: {old}] The http server has been shut down successfully.");
    assert!(server.lines.wait_for(&stopped, WAIT).is_some());
    assert_eq!(
        answering_pid(server.port()),
        new,
        "new connections go to the new process"
    );
    let closed = format!("[pid: {old}] All connections has been closed.");
    assert!(
        !server.lines.has(&closed),
        "the old process waits for the slow request"
    );

    let body = read_body(&mut conn);
    assert_eq!(body, format!("start pid={old}\nend pid={old}\n"));
    assert!(
        server.lines.wait_for(&closed, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );
    assert_eq!(server.wait_exit(old), exited_0(old));

    server.signal(new, Signal::SIGTERM);
    assert_eq!(server.wait_exit(new), exited_0(new));
}

// (3)
#[test]
fn sigterm_finishes_the_in_flight_request_then_exits_0() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let pid = server.first_pid;
    let port = server.port();
    let mut conn = start_slow(port, 800);

    server.signal(pid, Signal::SIGTERM);
    let line = format!("[pid: {pid}] Receive signal SIGTERM. To shut down the server gracefully.");
    assert!(
        server.lines.wait_for(&line, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );
    // The listener closes at once: new connections are refused while the request finishes.
    let refused = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            refused.elapsed() < WAIT,
            "the port stays open during the drain"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(alive(pid), "the process waits for the in-flight request");

    let body = read_body(&mut conn);
    assert_eq!(body, format!("start pid={pid}\nend pid={pid}\n"));
    assert_eq!(server.wait_exit(pid), exited_0(pid));
    for line in [
        "The http server has been shut down successfully.",
        "Waiting for connections to be closed.",
        "All connections has been closed.",
    ] {
        assert!(
            server.lines.has(&format!("[pid: {pid}] {line}")),
            "{}",
            server.lines.dump()
        );
    }
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed"
    );
}

// (4)
#[test]
fn a_child_that_fails_at_start_up_leaves_the_parent_serving() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[("RESTART_FAIL_CHILD", "1")]);
    let pid = server.first_pid;
    assert_eq!(answering_pid(server.port()), pid);
    let fds = settled_fd_count(pid);

    for attempt in 1..=2 {
        server.signal(pid, Signal::SIGUSR2);
        let failed = format!("[pid: {pid}] Failed to start a new process: [process ");
        let deadline = Instant::now() + WAIT;
        while server.lines.count(&failed) < attempt {
            assert!(Instant::now() < deadline, "{}", server.lines.dump());
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            answering_pid(server.port()),
            pid,
            "the parent keeps serving"
        );
        assert!(children_of(pid).is_empty(), "the failed child was reaped");
        let now = wait_fd_count(pid, fds);
        assert_eq!(
            now,
            fds,
            "descriptors after a failed restart:\n{}",
            fd_list(pid)
        );
    }
    assert!(server
        .lines
        .has("exited before it was ready, exit status: 1]. Continue serving."));
    assert!(!server.lines.has("A new process"));

    server.signal(pid, Signal::SIGTERM);
    assert_eq!(server.wait_exit(pid), exited_0(pid));
}

// (4)
#[test]
fn a_child_that_never_gets_ready_is_killed_at_the_ready_timeout() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0", "--ready-timeout-ms", "300"],
        &[("RESTART_HANG_CHILD", "1")],
    );
    let pid = server.first_pid;
    let started = Instant::now();
    server.signal(pid, Signal::SIGUSR2);
    let killed =
        "was not ready within 300ms and was killed, signal: 9 (SIGKILL)]. Continue serving.";
    assert!(
        server.lines.wait_for(killed, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        children_of(pid).is_empty(),
        "the hanging child was killed and reaped"
    );
    assert_eq!(answering_pid(server.port()), pid);

    server.signal(pid, Signal::SIGTERM);
    assert_eq!(server.wait_exit(pid), exited_0(pid));
}

// (4)
#[test]
fn a_second_sigusr2_during_a_restart_is_ignored() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0"],
        &[("RESTART_CHILD_DELAY_MS", "600")],
    );
    let pid = server.first_pid;
    server.signal(pid, Signal::SIGUSR2);
    let received =
        format!("[pid: {pid}] Receive signal SIGUSR2. To restart the server gracefully.");
    assert!(server.lines.wait_for(&received, WAIT).is_some());
    server.signal(pid, Signal::SIGUSR2);
    let ignored =
        format!("[pid: {pid}] Receive signal SIGUSR2 while a restart is in progress. Ignored.");
    assert!(
        server.lines.wait_for(&ignored, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );

    let closed = format!("[pid: {pid}] All connections has been closed.");
    assert!(
        server.lines.wait_for(&closed, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );
    assert_eq!(
        server.lines.count("has been started successfully"),
        1,
        "one child only"
    );
    assert_eq!(server.wait_exit(pid), exited_0(pid));
    let new = answering_pid(server.port());
    assert_ne!(new, pid);

    server.signal(new, Signal::SIGTERM);
    assert_eq!(server.wait_exit(new), exited_0(new));
}

// (5)
#[test]
fn no_descriptor_leaks_and_no_zombies_across_restarts_with_two_listeners() {
    let server = Server::start(&["--addr", "127.0.0.1:0", "--addr", "127.0.0.1:0"], &[]);
    let mut pid = server.first_pid;
    let ports = server.ports.clone();
    assert_eq!(ports.len(), 2);
    for &port in &ports {
        assert_eq!(answering_pid(port), pid);
    }
    let fds = settled_fd_count(pid);
    let first_list = fd_list(pid);

    for _ in 0..3 {
        let (new, _) = server.restart(pid);
        assert_eq!(server.wait_exit(pid), exited_0(pid));
        for &port in &ports {
            assert_eq!(
                answering_pid(port),
                new,
                "port {port} served by the new process"
            );
        }
        assert_eq!(
            wait_fd_count(new, fds),
            fds,
            "descriptors of the first process:\n{first_list}\nand of {new}:\n{}",
            fd_list(new)
        );
        no_zombie_below(new);
        assert!(children_of(new).is_empty());
        pid = new;
    }
    no_zombie_below(std::process::id() as i32);

    server.signal(pid, Signal::SIGTERM);
    assert_eq!(server.wait_exit(pid), exited_0(pid));
    for &port in &ports {
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    }
}

#[test]
fn the_pid_file_follows_the_restart() {
    let path = std::env::temp_dir().join(format!("gracehttp-test-{}.pid", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let path_arg = path.to_str().unwrap();
    let server = Server::start(&["--addr", "127.0.0.1:0", "--pid-file", path_arg], &[]);
    let read = || {
        std::fs::read_to_string(&path)
            .unwrap()
            .trim()
            .parse::<i32>()
            .unwrap()
    };
    let old = server.first_pid;
    assert_eq!(read(), old);

    let (new, _) = server.restart(old);
    // Written by the child before it reported ready, so already there when the parent hears.
    assert_eq!(read(), new);
    assert_eq!(server.wait_exit(old), exited_0(old));
    assert_eq!(read(), new, "the old process leaves the new pid in place");

    server.signal(new, Signal::SIGTERM);
    assert_eq!(server.wait_exit(new), exited_0(new));
    assert!(!path.exists(), "removed on a plain shutdown");
}

#[test]
fn systemd_socket_activation_is_used_and_handed_on() {
    // Play systemd: a socket at fd 3, LISTEN_FDS=1, LISTEN_PID = the pid that will exec the
    // server. The shell's `$$` is that pid, since `exec` keeps it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let fd = listener.as_raw_fd();
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(r#"LISTEN_PID=$$; LISTEN_FDS=1; export LISTEN_PID LISTEN_FDS; exec "$0" "$@""#)
        .arg(server_binary())
        // An address we could not bind: proof that the inherited socket is used instead.
        .args(["--addr", "192.0.2.1:80"])
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    // SAFETY: only dup2/fcntl between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if fd == 3 {
                nix::fcntl::fcntl(
                    3,
                    nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
                )?;
            } else {
                nix::unistd::dup2(fd, 3)?;
            }
            Ok(())
        });
    }
    let server = Server::start_command(cmd, 1);
    drop(listener);
    assert_eq!(server.port(), port);
    let old = server.first_pid;
    assert_eq!(answering_pid(port), old);

    let (new, _) = server.restart(old);
    assert_eq!(server.wait_exit(old), exited_0(old));
    assert_eq!(answering_pid(port), new);
    let environ = std::fs::read(format!("/proc/{new}/environ")).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(
        !environ.contains("LISTEN_FDS="),
        "systemd's variables are not passed on"
    );
    assert!(environ.split('\0').any(|v| v == "GRACEHTTP_FDS=1"));

    server.signal(new, Signal::SIGTERM);
    assert_eq!(server.wait_exit(new), exited_0(new));
    assert!(wait_pid(old, Duration::ZERO).is_none(), "reaped once only");
}
