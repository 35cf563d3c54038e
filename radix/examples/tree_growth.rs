//! Grows a small tree one route at a time and prints it after every insert.
//! The book chapter "gin's radix tree" shows this output; `tests/book_outputs.rs`
//! checks that it still equals `examples/tree_growth.txt`, so the pictures in
//! the book cannot drift from what the code does.
//!
//! `cargo run -p radix --example tree_growth` (add `-- --book` for the copy
//! with mdBook anchors that the chapter includes).

use radix::Tree;

// ANCHOR: routes
/// The routes, in insertion order. Each one exercises a different branch of
/// `insert`: a first route, an edge split, a new static child, a param, a
/// path continuing below a param, priority reordering, a catch-all, and a
/// static child beside a param (gin 1.8).
pub const ROUTES: &[&str] = &[
    "/search",
    "/support",
    "/blog/:post",
    "/blog/:post/comments",
    "/about",
    "/blog/:post/likes",
    "/static/*filepath",
    "/user/:name",
    "/user/groups",
];
// ANCHOR_END: routes

// ANCHOR: render
/// Insert [`ROUTES`] one by one; after each, the printed tree.
pub fn steps() -> Vec<(String, String)> {
    let mut tree = Tree::new();
    let mut out = Vec::new();
    for (i, route) in ROUTES.iter().enumerate() {
        tree.insert(route, i)
            .expect("the example routes do not conflict");
        out.push((format!("{}. insert {route}", i + 1), tree.to_string()));
    }
    out
}
// ANCHOR_END: render

/// What `main` prints.
pub fn render() -> String {
    steps()
        .iter()
        .map(|(title, tree)| format!("## {title}\n{tree}\n"))
        .collect()
}

/// The same, with mdBook anchors (`step1` ... `stepN`) around each tree, so the
/// chapter can include one step at a time from `examples/tree_growth.txt`.
pub fn render_for_book() -> String {
    let mut out = String::new();
    for (i, (title, tree)) in steps().iter().enumerate() {
        let n = i + 1;
        out.push_str(&format!(
            "ANCHOR: step{n}\n# {title}\n{tree}ANCHOR_END: step{n}\n"
        ));
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--book") {
        print!("{}", render_for_book());
    } else {
        print!("{}", render());
    }
}
