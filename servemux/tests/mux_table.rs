//! The `mux_table` example as other tools use it: `mux_table FILE ADDR`, run as a process.

mod mux_support;

use std::process::Command;

use mux_support::{http, mux_table_bin};
use testkit::go::serve_table;

#[test]
fn serves_each_pattern_with_its_own_text() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mux_table");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("table.txt");
    let table = "# a comment\n\n/\n  /images/  \r\n/images/logo.png\nexample.com/admin/\n/#/\n";
    std::fs::write(&file, table).unwrap();
    let server = serve_table(&mux_table_bin(), &file);

    for (host, target, status, body) in [
        ("h", "/", 200, "/"),
        ("h", "/x/y", 200, "/"),
        ("h", "/images/cat.png", 200, "/images/"),
        ("h", "/images/logo.png", 200, "/images/logo.png"),
        ("example.com:80", "/admin/users", 200, "example.com/admin/"),
        ("h", "/admin/users", 200, "/"),
        ("h", "/%23/x", 200, "/#/"),
        (
            "h",
            "/images",
            301,
            "<a href=\"/images/\">Moved Permanently</a>.\n\n",
        ),
        (
            "h",
            "/a/../images/",
            301,
            "<a href=\"/images/\">Moved Permanently</a>.\n\n",
        ),
    ] {
        let seen = http(server.addr(), "GET", host, target);
        assert_eq!(
            (seen.status, seen.body.as_str()),
            (status, body),
            "{host} {target}"
        );
    }
}

#[test]
fn a_bad_table_prints_the_error_and_exits_2() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mux_table");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, table, message) in [
        (
            "dup.txt",
            "/a/\n/b\n/a/\n",
            "multiple registrations for /a/",
        ),
        (
            "nohost.txt",
            "/a\nexa mple.com/x\n",
            "invalid pattern \"exa mple.com/x\"",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, table).unwrap();
        let out = Command::new(mux_table_bin())
            .arg(&file)
            .arg("127.0.0.1:0")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    let out = Command::new(mux_table_bin()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no arguments");
}

/// The book includes `examples/mux_tour.txt` as the tour's output: keep it true.
#[test]
fn mux_tour_output_is_what_the_book_shows() {
    let out = Command::new(mux_support::example_bin("mux_tour"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/mux_tour.txt"
    ))
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "regenerate: cargo run -p servemux --example mux_tour > servemux/examples/mux_tour.txt"
    );
}
