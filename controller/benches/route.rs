//! Route lookup cost: general routes, and N ordered regex rules (N = 1, 10, 100), each found by
//! `Router::resolve` (a RegexSet search past a handful of rules) and by `Router::resolve_ordered`
//! (Go's scan, one regex after another).
//!
//! `cargo bench -p controller --bench route -- --warm-up-time 1 --measurement-time 3`

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};

use controller::{boxed, ActionContext, BaseContext, Controller, Router};
use servemux::{Request, ResponseWriter};

struct BenchController;

impl Controller for BenchController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl BenchController {
    fn describe_demo_action(ctx: &mut BaseContext) {
        ctx.append("describe");
    }
    fn args_action(ctx: &mut BaseContext, id: String) {
        ctx.append(id);
    }
}

/// A router with `n` rules `^/rule{i}/(\d+)$`, all pointing at `args`.
fn router_with_rules(n: usize) -> Router {
    let mut r = Router::new();
    r.register_routes([boxed(BenchController)]).unwrap();
    for i in 0..n {
        r.define_route(&format!(r"^/rule{i}/(\d+)$"), "bench", "args")
            .unwrap();
    }
    r
}

fn general(c: &mut Criterion) {
    let mut g = c.benchmark_group("general");
    let r = router_with_rules(0);
    g.bench_function("hit", |b| {
        b.iter(|| r.resolve(black_box("/bench/DescribeDemo")))
    });
    g.bench_function("miss", |b| {
        b.iter(|| r.resolve(black_box("/bench/nothing")))
    });
    g.finish();
}

/// For each N: the first rule, the last rule, and a general route behind all N rules, found by
/// `resolve` (one RegexSet search once N > 4) and by `resolve_ordered` (Go's one-by-one scan).
fn rules(c: &mut Criterion) {
    let mut g = c.benchmark_group("rules");
    for n in [1usize, 10, 100] {
        let r = router_with_rules(n);
        let last = format!("/rule{}/123", n - 1);
        let cases: [(&str, &str); 3] = [
            ("first", "/rule0/123"),
            ("last", &last),
            ("general_behind", "/bench/describedemo"),
        ];
        for (case, path) in cases {
            // Both lookups must agree before their speed is worth comparing.
            assert_eq!(r.resolve(path), r.resolve_ordered(path));
            assert!(r.resolve(path).is_some());
            g.bench_with_input(
                BenchmarkId::new(format!("{case}/resolve"), n),
                &n,
                |b, _| b.iter(|| r.resolve(black_box(path))),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("{case}/ordered"), n),
                &n,
                |b, _| b.iter(|| r.resolve_ordered(black_box(path))),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, general, rules);
criterion_main!(benches);
