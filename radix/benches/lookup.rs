//! Lookup and insert speed of `radix::Tree` beside `matchit` and `path-tree`,
//! in one run, on the GitHub API route set and the static (Go website) set of
//! julienschmidt/go-http-routing-benchmark (`testkit::routes`, from `servemux/testkit/data/`).
//!
//! A "pass" looks up every route of the set once, with its method: each router
//! gets one tree per method, and the method's tree is picked by a linear scan
//! (the same for all three), like gin's `methodTrees`. Every parameter value
//! is read (its length summed), so no router can skip capturing them.
//!
//! `cargo bench -p radix --bench lookup -- --warm-up-time 1 --measurement-time 3`

// `criterion_group!` defines a public function without a doc comment; a bench has no API.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use testkit::routes::{self, Route};

/// (method, route with `:param`s, a request path that matches it)
fn load(set: Vec<Route>) -> Vec<(String, String, String)> {
    set.into_iter()
        .map(|Route { method, path }| {
            // Fill each `:name` with a value that is not a static segment.
            let request = path
                .split('/')
                .map(|seg| {
                    if let Some(name) = seg.strip_prefix(':') {
                        format!("v{name}")
                    } else {
                        seg.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            (method, path, request)
        })
        .collect()
}

/// `:name` -> `{name}` for matchit 0.8.
fn matchit_syntax(route: &str) -> String {
    route
        .split('/')
        .map(|seg| {
            if let Some(name) = seg.strip_prefix(':') {
                format!("{{{name}}}")
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn per_method<R: Default>(
    routes: &[(String, String, String)],
    mut add: impl FnMut(&mut R, &str, usize),
) -> Vec<(String, R)> {
    let mut out: Vec<(String, R)> = Vec::new();
    for (i, (method, route, _)) in routes.iter().enumerate() {
        let idx = match out.iter().position(|(m, _)| m == method) {
            Some(idx) => idx,
            None => {
                out.push((method.clone(), R::default()));
                out.len() - 1
            }
        };
        add(&mut out[idx].1, route, i);
    }
    out
}

fn pick<'a, R>(trees: &'a [(String, R)], method: &str) -> &'a R {
    &trees
        .iter()
        .find(|(m, _)| m == method)
        .expect("method tree")
        .1
}

fn build_ours(routes: &[(String, String, String)]) -> Vec<(String, radix::Tree<usize>)> {
    per_method(routes, |t: &mut radix::Tree<usize>, r, i| {
        t.insert(r, i).expect("insert")
    })
}

fn build_matchit(routes: &[(String, String, String)]) -> Vec<(String, matchit::Router<usize>)> {
    per_method(routes, |t: &mut matchit::Router<usize>, r, i| {
        t.insert(matchit_syntax(r), i).expect("insert")
    })
}

fn build_path_tree(
    routes: &[(String, String, String)],
) -> Vec<(String, path_tree::PathTree<usize>)> {
    per_method(routes, |t: &mut path_tree::PathTree<usize>, r, i| {
        let _ = t.insert(r, i);
    })
}

fn bench_set(c: &mut Criterion, name: &str, set: Vec<Route>) {
    let routes = load(set);
    let ours = build_ours(&routes);
    let mit = build_matchit(&routes);
    let pt = build_path_tree(&routes);

    // Every router must find every route before we time anything.
    for (i, (m, _, req)) in routes.iter().enumerate() {
        assert_eq!(
            *pick(&ours, m).get(req).expect("ours").value,
            i,
            "ours {req}"
        );
        assert_eq!(
            *pick(&mit, m).at(req).expect("matchit").value,
            i,
            "matchit {req}"
        );
        assert_eq!(
            *pick(&pt, m).find(req).expect("path-tree").0,
            i,
            "path-tree {req}"
        );
    }

    let mut g = c.benchmark_group(format!("lookup/{name}"));
    g.bench_function("radix", |b| {
        b.iter(|| {
            let mut n = 0;
            for (m, _, req) in &routes {
                let hit = pick(&ours, m).get(black_box(req)).unwrap();
                n += hit.value + hit.params.iter().map(|p| p.value.len()).sum::<usize>();
            }
            n
        })
    });
    g.bench_function("matchit", |b| {
        b.iter(|| {
            let mut n = 0;
            for (m, _, req) in &routes {
                let hit = pick(&mit, m).at(black_box(req)).unwrap();
                n += hit.value + hit.params.iter().map(|(_, v)| v.len()).sum::<usize>();
            }
            n
        })
    });
    g.bench_function("path-tree", |b| {
        b.iter(|| {
            let mut n = 0;
            for (m, _, req) in &routes {
                let hit = pick(&pt, m).find(black_box(req)).unwrap();
                n += hit.0 + hit.1.raws.iter().map(|v| v.len()).sum::<usize>();
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group(format!("insert/{name}"));
    g.bench_function("radix", |b| b.iter(|| build_ours(black_box(&routes))));
    g.bench_function("matchit", |b| b.iter(|| build_matchit(black_box(&routes))));
    g.bench_function("path-tree", |b| {
        b.iter(|| build_path_tree(black_box(&routes)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_set(c, "github", routes::github_set());
    bench_set(c, "static", routes::static_set());
}

criterion_group!(lookup, benches);
criterion_main!(lookup);
