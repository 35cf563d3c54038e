//! A restart with a hijacked connection open (what a WebSocket is to the server): the old
//! process stays until it closes, or until the drain deadline, and then exits 0.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use common::{alive, Server, WAIT};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;

/// Opens `/echo` (hijacked by the handler) and returns the stream and the pid that took it.
fn open_echo(port: u16) -> (BufReader<TcpStream>, i32) {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut conn = BufReader::new(stream);
    conn.get_mut()
        .write_all(b"GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut line = String::new();
    conn.read_line(&mut line).unwrap();
    let pid = line
        .trim_end()
        .strip_prefix("hijacked pid=")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected greeting {line:?}"));
    (conn, pid)
}

fn echo(conn: &mut BufReader<TcpStream>, text: &str) -> String {
    conn.get_mut()
        .write_all(format!("{text}\n").as_bytes())
        .unwrap();
    let mut line = String::new();
    conn.read_line(&mut line).unwrap();
    line
}

fn answering_pid(port: u16) -> i32 {
    let resp = common::http::get(port, "/").unwrap();
    assert_eq!(resp.status, 200, "{resp:?}");
    resp.pid().unwrap()
}

#[test]
fn the_old_process_stays_until_its_hijacked_connection_closes() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let old = server.first_pid;
    let (mut conn, took) = open_echo(server.port());
    assert_eq!(took, old);

    let (new, _) = server.restart(old);
    let stopped = format!("[pid: {old}] The http server has been shut down successfully.");
    assert!(server.lines.wait_for(&stopped, WAIT).is_some());
    assert_eq!(
        answering_pid(server.port()),
        new,
        "new connections go to the new process"
    );

    // The old process has shut its server down but still serves the hijacked connection.
    assert_eq!(
        echo(&mut conn, "still there"),
        format!("pid={old}: still there\n")
    );
    assert!(alive(old));
    let closed = format!("[pid: {old}] All connections has been closed.");
    assert!(!server.lines.has(&closed), "{}", server.lines.dump());

    drop(conn);
    assert!(
        server.lines.wait_for(&closed, WAIT).is_some(),
        "{}",
        server.lines.dump()
    );
    assert_eq!(
        server.wait_exit(old),
        WaitStatus::Exited(Pid::from_raw(old), 0)
    );

    server.signal(new, Signal::SIGTERM);
    assert_eq!(
        server.wait_exit(new),
        WaitStatus::Exited(Pid::from_raw(new), 0)
    );
}

#[test]
fn at_the_drain_deadline_the_old_process_exits_under_it() {
    let server = Server::start(
        &["--addr", "127.0.0.1:0", "--hijacked-timeout-ms", "300"],
        &[],
    );
    let old = server.first_pid;
    let (mut conn, _) = open_echo(server.port());
    let (new, _) = server.restart(old);

    // We keep the connection open; the old process gives up on it and exits 0, which closes it.
    assert_eq!(
        server.wait_exit(old),
        WaitStatus::Exited(Pid::from_raw(old), 0)
    );
    let mut rest = Vec::new();
    let read = conn.read_to_end(&mut rest);
    assert!(
        matches!(read, Ok(0)) || read.is_err(),
        "the connection ends with the process: {read:?} {rest:?}"
    );

    // The new process serves new hijacked connections.
    let (mut again, took) = open_echo(server.port());
    assert_eq!(took, new);
    assert_eq!(echo(&mut again, "hi"), format!("pid={new}: hi\n"));
    drop(again);
    server.signal(new, Signal::SIGTERM);
    assert_eq!(
        server.wait_exit(new),
        WaitStatus::Exited(Pid::from_raw(new), 0)
    );
}
