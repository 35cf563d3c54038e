//! What the book shows from this crate is what the code produces today:
//!
//! - "Putting it together" shows what `demo::tour` (run by `examples/request_tour.rs`) prints (one request's tracing
//!   events, layer by layer), from the committed copy `examples/request_tour.txt`;
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

/// What `examples/request_tour.rs` prints.
fn request_tour() -> String {
    demo::tour::render()
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
    let now = request_tour();
    let path = format!("{}/examples/request_tour.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &now).expect("write the book's copy");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        committed == now,
        "examples/request_tour.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
}

/// The tour is a real exchange: the seed's greeting inside the demo frame, and each layer spoke.
#[test]
fn the_tour_crosses_every_layer() {
    let now = request_tour();
    assert!(now.ends_with(
        "-- response: 200\nHi, Client! Your data is: 123\nbefore demo action\nafter demo action\n"
    ));
    let order = [
        "servemux::conn: request",
        "controller::system: route",
        "controller::lifecycle: lifecycle done; destruct",
        "servemux::conn: response",
        "httpclient::client: Host: 127.0.0.1:PORT URL: http://127.0.0.1:PORT/demo/args/123",
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
