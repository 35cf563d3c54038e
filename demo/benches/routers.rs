//! The router comparison: every router of this project and the best Rust routers, on the same
//! route sets, in the same run.
//!
//! A *lookup pass* looks up every path of a set once (for the scaling sets: ten paths of the same
//! depth, whatever the set's size). Each router runs the sets it can express; the others are `n/a`
//! in the report. Memory is the bytes a router holds after registering a set, measured with a
//! counting allocator and written to `target/criterion/routers-memory.json` for `bench-report`.
//!
//! Run: `cargo bench -p demo --bench routers`, then `cargo run -p demo --bin bench-report`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use demo::routes::{self, Route};

/// Counts live heap bytes so that a router's footprint can be read off before and after it is
/// built.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Builds a router and returns it with the bytes it still holds.
fn measured<R>(build: impl FnOnce() -> R) -> (R, u64) {
    let before = LIVE.load(Ordering::Relaxed);
    let router = build();
    let after = LIVE.load(Ordering::Relaxed);
    (router, (after - before).max(0) as u64)
}

/// One router per method, for the peers that match paths only.
struct PerMethod<R> {
    routers: Vec<(String, R)>,
}

impl<R> PerMethod<R> {
    fn build(
        routes: &[Route],
        mut new: impl FnMut() -> R,
        mut add: impl FnMut(&mut R, &Route, usize),
    ) -> Self {
        let mut routers: Vec<(String, R)> = Vec::new();
        for (i, route) in routes.iter().enumerate() {
            let idx = match routers.iter().position(|(m, _)| *m == route.method) {
                Some(idx) => idx,
                None => {
                    routers.push((route.method.clone(), new()));
                    routers.len() - 1
                }
            };
            add(&mut routers[idx].1, route, i);
        }
        PerMethod { routers }
    }

    fn get(&self, method: &str) -> &R {
        &self
            .routers
            .iter()
            .find(|(m, _)| m == method)
            .expect("method registered")
            .1
    }
}

/// What one lookup pass asks: (method, path) pairs.
struct Set {
    name: String,
    routes: Vec<Route>,
    lookups: Vec<(String, String)>,
}

fn all_paths(name: &str, routes: Vec<Route>) -> Set {
    let lookups = routes
        .iter()
        .map(|r| (r.method.clone(), r.lookup_path()))
        .collect();
    Set {
        name: name.to_owned(),
        routes,
        lookups,
    }
}

fn sets() -> Vec<Set> {
    let mut out = vec![
        all_paths("static", routes::static_set()),
        all_paths("github", routes::github_set()),
    ];
    for n in [10, 100, 1_000, 10_000] {
        let lookups = routes::scale_lookups(n)
            .into_iter()
            .map(|p| ("GET".to_owned(), p))
            .collect();
        out.push(Set {
            name: format!("scale-{n}"),
            routes: routes::scale_set(n),
            lookups,
        });
    }
    out.push(all_paths("general", routes::general_set(10, 10)));
    out
}

fn bench_peers(c: &mut Criterion, set: &Set, memory: &mut Vec<(String, String, u64)>) {
    let mut group = c.benchmark_group("routers");

    let (matchit, bytes) = measured(|| {
        PerMethod::build(&set.routes, matchit::Router::new, |r, route, i| {
            r.insert(route.braces(), i)
                .expect("matchit accepts the set")
        })
    });
    memory.push((set.name.clone(), "matchit".into(), bytes));
    group.bench_function(BenchmarkId::new("matchit", &set.name), |b| {
        b.iter(|| {
            for (method, path) in &set.lookups {
                let m = matchit
                    .get(method)
                    .at(path)
                    .expect("matchit finds every route");
                black_box(m.value);
            }
        })
    });

    let (path_tree, bytes) = measured(|| {
        PerMethod::build(&set.routes, path_tree::PathTree::new, |r, route, i| {
            let _ = r.insert(&route.path, i);
        })
    });
    memory.push((set.name.clone(), "path-tree".into(), bytes));
    group.bench_function(BenchmarkId::new("path-tree", &set.name), |b| {
        b.iter(|| {
            for (method, path) in &set.lookups {
                let m = path_tree
                    .get(method)
                    .find(path)
                    .expect("path-tree finds every route");
                black_box(m.0);
            }
        })
    });

    let (recognizer, bytes) = measured(|| {
        PerMethod::build(&set.routes, route_recognizer::Router::new, |r, route, i| {
            r.add(&route.path, i)
        })
    });
    memory.push((set.name.clone(), "route-recognizer".into(), bytes));
    group.bench_function(BenchmarkId::new("route-recognizer", &set.name), |b| {
        b.iter(|| {
            for (method, path) in &set.lookups {
                let m = recognizer
                    .get(method)
                    .recognize(path)
                    .expect("route-recognizer finds every route");
                black_box(m.handler());
            }
        })
    });
    group.finish();
}

fn routers(c: &mut Criterion) {
    let mut memory = Vec::new();
    for set in sets() {
        bench_peers(c, &set, &mut memory);
    }
    write_memory(&memory);
}

/// Criterion keeps its results under `target/criterion`; the memory figures go beside them.
fn write_memory(rows: &[(String, String, u64)]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("criterion");
    let _ = std::fs::create_dir_all(&dir);
    let json: Vec<String> = rows
        .iter()
        .map(|(s, r, b)| format!("[\"{s}\",\"{r}\",{b}]"))
        .collect();
    let _ = std::fs::write(
        dir.join("routers-memory.json"),
        format!("[{}]\n", json.join(",")),
    );
}

criterion_group!(benches, routers);
criterion_main!(benches);
