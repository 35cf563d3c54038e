//! The "Serving files" chapter's "Try it" shows what `examples/files_tour.rs` prints, from the
//! committed copy `examples/files_tour.txt`: keep it true. After an intended change:
//! `cargo run -p servemux --example files_tour > servemux/examples/files_tour.txt`.

mod mux_support;

use std::process::Command;

#[test]
fn files_tour_output_is_what_the_book_shows() {
    let out = Command::new(mux_support::example_bin("files_tour"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/files_tour.txt"
    ))
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "regenerate: cargo run -p servemux --example files_tour > servemux/examples/files_tour.txt"
    );
}
