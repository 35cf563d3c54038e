//! The "Putting it together" chapter shows what `examples/request_tour.rs` prints: one request's
//! tracing events, layer by layer. The chapter includes the committed copy
//! (`examples/request_tour.txt`); this test keeps it equal to what the code prints today.
//!
//! After an intended change, regenerate it with
//! `UPDATE_BOOK=1 cargo test -p demo --test book_outputs`.

#[path = "../examples/request_tour.rs"]
mod request_tour;

#[test]
fn request_tour_in_the_book_is_current() {
    let now = request_tour::render();
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
    let now = request_tour::render();
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
