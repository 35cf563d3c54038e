//! The book shows the output of two examples: the tree printouts of
//! `examples/tree_growth.rs` and the handler-chain trace of
//! `examples/middleware_chain.rs`. The chapter includes committed copies
//! (`examples/*.txt`); these tests keep them equal to what the code prints
//! today, so the pictures in the book cannot drift from the code.
//!
//! After an intended change, regenerate them with
//! `cargo run -p radix --example tree_growth -- --book > radix/examples/tree_growth.txt` and
//! `cargo run -p radix --example middleware_chain > radix/examples/middleware_chain.txt`.

use testkit::cargo::run_example;

fn committed(name: &str) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What an example of this crate prints.
fn printed(name: &str, args: &[&str]) -> String {
    run_example(env!("CARGO_MANIFEST_DIR"), name, args)
}

/// The routes `tree_growth` inserts, read back from its `N. insert ROUTE` titles.
fn tree_growth_routes(book_copy: &str) -> Vec<String> {
    book_copy
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter_map(|title| title.split_once(". insert ").map(|(_, r)| r.to_owned()))
        .collect()
}

#[test]
fn tree_printouts_in_the_book_are_current() {
    let now = printed("tree_growth", &["--book"]);
    assert!(
        committed("tree_growth.txt") == now,
        "examples/tree_growth.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
    // Without `--book` it prints the same trees, each under a `## N. insert ROUTE` title.
    let plain = printed("tree_growth", &[]);
    let mut rebuilt = String::new();
    for line in now.lines() {
        if line.starts_with("ANCHOR: ") {
            continue;
        } else if line.starts_with("ANCHOR_END: ") {
            rebuilt.push('\n');
        } else if let Some(title) = line.strip_prefix("# ") {
            rebuilt.push_str(&format!("## {title}\n"));
        } else {
            rebuilt.push_str(line);
            rebuilt.push('\n');
        }
    }
    assert_eq!(plain, rebuilt);
    assert_eq!(tree_growth_routes(&now).len(), 9);
}

#[test]
fn chain_trace_in_the_book_is_current() {
    let now = printed("middleware_chain", &[]);
    assert!(
        committed("middleware_chain.txt") == now,
        "examples/middleware_chain.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
}

/// The lookups the chapter walks through, on the tree the example grows.
#[test]
fn lookups_described_in_the_book() {
    let routes = tree_growth_routes(&committed("tree_growth.txt"));
    let mut tree = radix::Tree::new();
    for route in &routes {
        tree.insert(route, route.as_str()).unwrap();
    }
    let m = tree.get("/blog/rust/likes").unwrap();
    assert_eq!(
        (*m.value, m.params.get("post")),
        ("/blog/:post/likes", Some("rust"))
    );
    // static `groups` is tried first, then the walk backtracks to `:name`
    let m = tree.get("/user/group").unwrap();
    assert_eq!(
        (*m.value, m.params.get("name")),
        ("/user/:name", Some("group"))
    );
    assert_eq!(*tree.get("/user/groups").unwrap().value, "/user/groups");
    // case-insensitive lookup with trailing-slash fixing; param values keep their case
    assert_eq!(
        tree.find_case_insensitive_path("/BLOG/Rust/LIKES/", true)
            .as_deref(),
        Some("/blog/Rust/likes")
    );
    assert_eq!(
        tree.find_case_insensitive_path("/BLOG/Rust/LIKES/", false),
        None
    );
}
