//! The controller chapter shows the route table `examples/demo.rs` prints at start-up. The
//! chapter includes the committed copy (`examples/demo_routes.txt`); this test keeps it equal to
//! what the code prints today.
//!
//! After an intended change, regenerate it with
//! `UPDATE_BOOK=1 cargo test -p controller --test book_outputs`.

#[allow(dead_code)]
#[path = "../examples/demo.rs"]
mod demo_example;

#[test]
fn demo_route_table_in_the_book_is_current() {
    let router = demo_example::app::router().expect("the demo's table is valid");
    let now = demo_example::route_table(&router);
    let path = format!("{}/examples/demo_routes.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &now).expect("write the book's copy");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        committed == now,
        "examples/demo_routes.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
}
