//! The PatternMux examples as the book and other tools use them: `pattern_tour`'s output is what
//! the book includes, and `pattern_table FILE ADDR` serves a table over TCP (or refuses it).

mod mux_support;

use std::process::Command;

use mux_support::{example_bin, http};
use testkit::go::serve_table;

/// The book includes `examples/pattern_tour.txt` as the tour's output: keep it true.
#[test]
fn pattern_tour_output_is_what_the_book_shows() {
    let out = Command::new(example_bin("pattern_tour")).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/pattern_tour.txt"
    ))
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "regenerate: cargo run -p servemux --example pattern_tour > servemux/examples/pattern_tour.txt"
    );
}

#[test]
fn pattern_table_serves_patterns_with_their_values() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pattern_table");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("table.txt");
    let table = "# a comment\n\n  GET /repos/{owner}/{repo}  \r\nexample.com/x/{rest...}\n/a/{$}\n";
    std::fs::write(&file, table).unwrap();
    let server = serve_table(&example_bin("pattern_table"), &file);
    for (method, host, target, status, body) in [
        (
            "GET",
            "h",
            "/repos/o/r",
            200,
            "GET /repos/{owner}/{repo}\nowner=o\nrepo=r",
        ),
        (
            "GET",
            "example.com:80",
            "/x/1/2",
            200,
            "example.com/x/{rest...}\nrest=1/2",
        ),
        ("GET", "h", "/a/", 200, "/a/{$}"),
        ("GET", "h", "/a/b", 404, "404 page not found\n"),
        ("POST", "h", "/repos/o/r", 405, "Method Not Allowed\n"),
    ] {
        let seen = http(server.addr(), method, host, target);
        assert_eq!(
            (seen.status, seen.body.as_str()),
            (status, body),
            "{target}"
        );
    }
}

#[test]
fn pattern_table_refuses_what_go_refuses() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pattern_table");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, table, message) in [
        (
            "conflict",
            "/a/{x}\n/{y}/b\n",
            "conflicts with pattern \"/a/{x}\"",
        ),
        (
            "syntax",
            "/a/{x\n",
            "parsing \"/a/{x\": at offset 3: bad wildcard segment (must end with '}')",
        ),
    ] {
        let file = dir.join(format!("bad-{name}.txt"));
        std::fs::write(&file, table).unwrap();
        let out = Command::new(example_bin("pattern_table"))
            .arg(&file)
            .arg("127.0.0.1:0")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
}
