//! The book shows the output of two examples: the tree printouts of
//! `examples/tree_growth.rs` and the handler-chain trace of
//! `examples/middleware_chain.rs`. The chapter includes committed copies
//! (`examples/*.txt`); these tests keep them equal to what the code prints
//! today, so the pictures in the book cannot drift from the code.
//!
//! After an intended change, regenerate them with
//! `cargo run -p radix --example tree_growth -- --book > radix/examples/tree_growth.txt` and
//! `cargo run -p radix --example middleware_chain > radix/examples/middleware_chain.txt`.

#[path = "../examples/tree_growth.rs"]
mod tree_growth;

#[path = "../examples/middleware_chain.rs"]
mod middleware_chain;

fn committed(name: &str) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn tree_printouts_in_the_book_are_current() {
    let now = tree_growth::render_for_book();
    assert!(
        committed("tree_growth.txt") == now,
        "examples/tree_growth.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
    // `main` prints the same trees without the anchors.
    for (title, tree) in tree_growth::steps() {
        assert!(tree_growth::render().contains(&format!("## {title}\n{tree}")));
    }
}

#[test]
fn chain_trace_in_the_book_is_current() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let now = rt.block_on(middleware_chain::render());
    assert!(
        committed("middleware_chain.txt") == now,
        "examples/middleware_chain.txt is stale; regenerate it (see this file's header)\n--- printed now ---\n{now}"
    );
}

/// The lookups the chapter walks through, on the tree the example grows.
#[test]
fn lookups_described_in_the_book() {
    let mut tree = radix::Tree::new();
    for route in tree_growth::ROUTES {
        tree.insert(route, *route).unwrap();
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
