//! ServeMux lookup cost as the table grows: `mux.handler(&req)` in memory, no network.
//!
//! Each table of N patterns holds N/2 exact patterns `/pI/item`, N/2 subtree patterns
//! `/pI/sub/` and the root `/`. Three requests per table:
//!
//! - `exact`    — `/pK/item`: one hash-map probe, independent of N;
//! - `subtree`  — `/pK/sub/a/b`: no exact hit, then the `es` scan stops at `/pK/sub/`, about
//!   halfway down a slice of same-length patterns;
//! - `fallback` — `/zz/a/b/c/d/e/f`: no exact hit and no subtree but `/`, so the scan walks all
//!   of `es` before the root matches — Go's linear scan made visible.
//!
//! Run: `cargo bench -p servemux --bench mux`

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use servemux::http::Method;
use servemux::{handler_fn, Request, ServeMux};

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn table(n: usize) -> ServeMux {
    let mux = ServeMux::new();
    let h = || handler_fn(|_w, _r| Box::pin(async {}));
    mux.handle("/", h()).unwrap();
    for i in 0..n / 2 {
        mux.handle(&format!("/p{i}/item"), h()).unwrap();
        mux.handle(&format!("/p{i}/sub/"), h()).unwrap();
    }
    mux
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("mux_lookup");
    for n in SIZES {
        let mux = table(n);
        let mid = n / 4;
        let cases = [
            ("exact", format!("/p{mid}/item"), format!("/p{mid}/item")),
            (
                "subtree",
                format!("/p{mid}/sub/a/b"),
                format!("/p{mid}/sub/"),
            ),
            ("fallback", "/zz/a/b/c/d/e/f".to_owned(), "/".to_owned()),
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
