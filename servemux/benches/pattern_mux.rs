//! PatternMux (Go 1.22's ServeMux) lookup cost as the table grows: `mux.handler(&req)` in
//! memory, no network — the same tables and requests as the 1.19 bench (`benches/mux.rs`), plus
//! wildcard patterns, which the 1.19 mux cannot express.
//!
//! Each table of N patterns holds N/2 exact patterns `GET /pI/item`, N/2 subtree patterns
//! `/pI/sub/`, N/4 wildcard patterns `GET /pI/items/{id}/{rest...}` and the root `/`. Four
//! requests per table:
//!
//! - `exact`    — `/pK/item`: a literal child per segment;
//! - `subtree`  — `/pK/sub/a/b`: literals, then the multi child;
//! - `fallback` — `/zz/a/b/c/d/e/f`: no literal child at the first segment, so the root's
//!   multi child answers — the case where the 1.19 mux scans every subtree pattern;
//! - `wildcard` — `/pK/items/42/x/y`: literals, a wildcard, then the rest.
//!
//! All four walk one path down the tree (one hash probe per segment), so none should grow with
//! N. Run: `cargo bench -p servemux --bench pattern_mux`

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use servemux::http::Method;
use servemux::{handler_fn, PatternMux, Request};

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn table(n: usize) -> PatternMux {
    let mux = PatternMux::new();
    let h = || handler_fn(|_w, _r| Box::pin(async {}));
    mux.handle("/", h()).unwrap();
    for i in 0..n / 2 {
        mux.handle(&format!("GET /p{i}/item"), h()).unwrap();
        mux.handle(&format!("/p{i}/sub/"), h()).unwrap();
        if i % 2 == 0 {
            mux.handle(&format!("GET /p{i}/items/{{id}}/{{rest...}}"), h())
                .unwrap();
        }
    }
    mux
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern_mux_lookup");
    for n in SIZES {
        let mux = table(n);
        let mid = n / 4 / 2 * 2;
        let cases = [
            (
                "exact",
                format!("/p{mid}/item"),
                format!("GET /p{mid}/item"),
            ),
            (
                "subtree",
                format!("/p{mid}/sub/a/b"),
                format!("/p{mid}/sub/"),
            ),
            ("fallback", "/zz/a/b/c/d/e/f".to_owned(), "/".to_owned()),
            (
                "wildcard",
                format!("/p{mid}/items/42/x/y"),
                format!("GET /p{mid}/items/{{id}}/{{rest...}}"),
            ),
        ];
        for (name, target, want) in cases {
            let req = Request::new(Method::GET, &target).unwrap();
            // The bench measures the real lookup: check it finds what it should.
            assert_eq!(&*mux.handler(&req).1, want.as_str());
            group.bench_with_input(BenchmarkId::new(name, n), &req, |b, req| {
                b.iter(|| black_box(mux.handler(black_box(req))))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
