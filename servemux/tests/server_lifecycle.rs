//! Panics, graceful shutdown and connection states.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{read_response, roundtrip_until_close, start, start_server};
use servemux::{handler_fn, Config, ConnState, Server};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn app() -> impl servemux::Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            match r.path() {
                "/panic" => panic!("handler exploded"),
                "/panic-late" => {
                    w.write(b"partial").await.unwrap();
                    w.flush().await.unwrap();
                    panic!("exploded after writing");
                }
                "/slow" => {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    w.write(b"slow done").await.unwrap();
                }
                "/hang" => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
                _ => w.write(b"fine").await.unwrap(),
            }
        })
    })
}

#[tokio::test]
async fn panic_becomes_500_and_service_continues() {
    let srv = start(app(), Config::default()).await;
    // A keep-alive client on another connection is unaffected.
    let mut other = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    other
        .write_all(b"GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_response(&mut other, &mut buf).await.unwrap().text(),
        "fine"
    );

    let out = roundtrip_until_close(srv.addr, b"GET /panic HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert!(
        out.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{out}"
    );
    assert!(out.contains("connection: close"));

    // After the panic has written part of a response, the connection is just closed.
    let out = roundtrip_until_close(srv.addr, b"GET /panic-late HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(
        !out.ends_with("0\r\n\r\n"),
        "a panicked chunked body must not look complete: {out}"
    );

    other
        .write_all(b"GET /b HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_response(&mut other, &mut buf).await.unwrap().text(),
        "fine"
    );
    assert_eq!(common::get(srv.addr, "/c").await.text(), "fine");
}

#[tokio::test]
async fn shutdown_lets_in_flight_request_finish_and_refuses_new_connections() {
    let srv = start(app(), Config::default()).await;
    let mut idle = TcpStream::connect(srv.addr).await.unwrap();
    let mut idle_buf = Vec::new();
    idle.write_all(b"GET /warm HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    read_response(&mut idle, &mut idle_buf).await.unwrap();

    let mut slow = TcpStream::connect(srv.addr).await.unwrap();
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await; // the handler is now running

    let server = srv.server.clone();
    let shutdown = tokio::spawn(async move { server.shutdown(Duration::from_secs(5)).await });

    let mut buf = Vec::new();
    let resp = read_response(&mut slow, &mut buf).await.unwrap();
    assert_eq!(resp.text(), "slow done");
    assert_eq!(resp.header("connection"), Some("close"));
    assert_eq!(shutdown.await.unwrap(), Ok(()));
    assert!(
        srv.task.await.unwrap().is_ok(),
        "serve returns Ok after shutdown"
    );

    // The idle keep-alive connection was closed, and the port refuses new connections.
    assert_eq!(common::read_to_close(&mut idle).await, "");
    assert!(TcpStream::connect(srv.addr).await.is_err());
}

#[tokio::test]
async fn shutdown_deadline_cuts_stuck_connections() {
    let srv = start(app(), Config::default()).await;
    let mut stuck = TcpStream::connect(srv.addr).await.unwrap();
    stuck
        .write_all(b"GET /hang HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = srv
        .server
        .shutdown(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(err.forced, 1);
    assert_eq!(srv.server.open_connections(), 0);
    assert_eq!(common::read_to_close(&mut stuck).await, "");
}

#[tokio::test]
async fn connection_states_are_reported_in_order() {
    let log: Arc<Mutex<Vec<(SocketAddr, ConnState)>>> = Arc::default();
    let sink = log.clone();
    let hook = Arc::new(move |addr, state| sink.lock().unwrap().push((addr, state)));
    let srv = start_server(Server::with_conn_state(app(), Config::default(), hook)).await;

    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let local = s.local_addr().unwrap();
    let mut buf = Vec::new();
    for _ in 0..2 {
        s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            .await
            .unwrap();
        read_response(&mut s, &mut buf).await.unwrap();
    }
    drop(s);
    // Wait (bounded) for the Closed report.
    for _ in 0..100 {
        if log
            .lock()
            .unwrap()
            .iter()
            .any(|(_, st)| *st == ConnState::Closed)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let states: Vec<ConnState> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(a, _)| *a == local)
        .map(|(_, s)| *s)
        .collect();
    use ConnState::*;
    assert_eq!(states, vec![New, Active, Idle, Active, Idle, Closed]);
}

#[tokio::test]
async fn serves_an_inherited_std_listener_and_several_listeners() {
    let server = Server::new(app());
    let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let b = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (addr_a, addr_b) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    let (s1, s2) = (server.clone(), server.clone());
    let t1 = tokio::spawn(async move { s1.serve_std(a).await });
    let t2 = tokio::spawn(async move { s2.serve(b).await });
    assert_eq!(common::get(addr_a, "/").await.text(), "fine");
    assert_eq!(common::get(addr_b, "/").await.text(), "fine");
    server.shutdown(Duration::from_secs(2)).await.unwrap();
    assert!(t1.await.unwrap().is_ok() && t2.await.unwrap().is_ok());
}
