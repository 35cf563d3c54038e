//! What the book shows from this crate is what the code produces today:
//!
//! - "One request, every layer" shows what `examples/request_tour.rs` prints (one request's
//!   tracing events, layer by layer, and a restart), from the committed copy
//!   `book/src/transcripts/request_tour.txt` (see `testkit::book` for its header line);
//!   the test runs the example binary, as a reader does;
//! - "Controllers and actions" shows the demo's route table (`demo::app::route_table`, which
//!   `examples/routes.rs` prints), from
//!   `examples/routes.txt`;
//! - the Benchmarks chapter's tables (`book/src/benchmarks-results.md`) and chart
//!   (`book/src/benchmarks.svg`) are what `report` and `chart` draw from the committed figures
//!   (`book/src/benchmarks-data.json`), so each number has one source.
//!
//! After an intended change, regenerate the copies with
//! `UPDATE_BOOK=1 cargo test -p demo --test book_outputs`.

use demo::{chart, report};

mod common;
use testkit::book;
use testkit::cargo::run_example;

/// The command that regenerates every file this test checks.
const REGENERATE: &str = "UPDATE_BOOK=1 cargo test -p demo --test book_outputs";

/// What `examples/request_tour.rs` prints; with `--book`, each scene between anchor lines.
fn request_tour(args: &[&str]) -> String {
    run_example(env!("CARGO_MANIFEST_DIR"), "request_tour", args)
}

/// The book's form of the tour: the anchored scenes. The demo application also prints on stdout,
/// as the seed's server does (each greeting, each `destruct demo context`), while the scenes run
/// and so before the tour prints them; the book's copy leaves those lines out.
fn request_tour_for_book() -> String {
    let out = request_tour(&["--book"]);
    let start = out.find("# ANCHOR: ").unwrap_or(0);
    out[start..].to_string()
}

#[test]
fn demo_route_table_in_the_book_is_current() {
    let router = demo::app::router().expect("the demo's table is valid");
    let now = demo::app::route_table(&router);
    let path = format!("{}/examples/routes.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &now).expect("write the book's copy");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        committed == now,
        "examples/routes.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
}

#[test]
fn request_tour_in_the_book_is_current() {
    book::check("request_tour.txt", &request_tour_for_book(), REGENERATE);
}

/// The tour is a real exchange: the seed's greeting inside the demo frame, each layer spoke, in
/// order, and after the restart the client's request reached the new server on a new
/// connection.
#[test]
fn the_tour_crosses_every_layer() {
    let now = request_tour(&[]);
    assert!(now.ends_with(
        "-- response: 200\nHi, Client! Your data is: 123\nbefore demo action\nafter demo action\n"
    ));
    let order = [
        "controller::router: route rule rule=1",
        "conn_state: server=\"demo\" remote=127.0.0.1:PORT1 state=New",
        "servemux::conn: request",
        "controller::system: route",
        "controller::lifecycle: lifecycle done; destruct",
        "servemux::conn: response",
        "httpclient::client: Host: 127.0.0.1:PORT2 URL: http://127.0.0.1:PORT2/demo/args/123",
        "mux handler pattern=\"/demo/args/\" id=123",
        "gin handler route=\"/demo/args/:id\" id=123",
        "radix::logger: request method=GET path=/demo/args/123 status=200",
        "conn_state: server=\"old\" remote=127.0.0.1:PORT1 state=Idle",
        "conn_state: server=\"old\" remote=127.0.0.1:PORT1 state=Closed",
        "conn_state: server=\"new\" remote=127.0.0.1:PORT3 state=New",
        "servemux::conn: request remote=127.0.0.1:PORT3",
    ];
    let mut from = 0;
    for step in order {
        let at = now[from..]
            .find(step)
            .unwrap_or_else(|| panic!("{step:?} missing or out of order in\n{now}"));
        from += at + step.len();
    }
}

/// The committed figures of the last bench run, and the tables and chart drawn from them.
#[test]
fn benchmark_tables_and_chart_are_drawn_from_the_committed_figures() {
    let book = format!("{}/../book/src", env!("CARGO_MANIFEST_DIR"));
    let data = format!("{book}/benchmarks-data.json");
    let text = std::fs::read_to_string(&data).unwrap_or_else(|e| panic!("{data}: {e}"));
    let snapshot = report::Snapshot::from_json(&text).unwrap_or_else(|e| panic!("{data}: {e}"));
    let m = snapshot.measurements();
    let outputs = [
        (
            "benchmarks-results.md",
            report::markdown(&m, &snapshot.stamp),
        ),
        ("benchmarks.svg", chart::svg(&m, &snapshot.stamp)),
    ];
    for (name, now) in outputs {
        let path = format!("{book}/{name}");
        if std::env::var_os("UPDATE_BOOK").is_some() {
            std::fs::write(&path, &now).expect("write the book's copy");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            committed == now,
            "book/src/{name} is not what the committed figures give; regenerate it (see this \
             file's header)"
        );
    }
}
