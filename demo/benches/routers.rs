//! The router comparison: every router of this project and the best Rust routers, on the same
//! route sets, in the same run.
//!
//! A *lookup pass* looks up every path of a set once (for the scaling sets: ten paths of the same
//! depth, whatever the set's size). Each path goes through `black_box`, and the value and every
//! parameter a router captured are read (their lengths summed), so no router can skip work. Each router runs the sets it can express; the others are `n/a`
//! in the report. Memory is the bytes a router holds after registering a set, measured with a
//! counting allocator and written to `target/criterion/routers-memory.json` for `bench-report`.
//! After criterion, the routers of each set also take turns in rounds (`paired_medians`), and those
//! medians, steadier on a shared machine, go to `target/criterion/routers-paired.json`.
//!
//! Run: `cargo bench -p demo --bench routers`, then `cargo run -p demo --bin bench-report`.

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use controller::{boxed, ActionContext, BaseContext, Controller};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use futures_util::FutureExt;
use servemux::http::Method;
use servemux::{handler_fn, Handler, PatternMux, Recorder, Request, ResponseWriter, ServeMux};
use testkit::alloc::PROCESS;
use testkit::paired::Paired;
use testkit::routes::{self, Route};

/// Counts live heap bytes so that a router's footprint can be read off before and after it is
/// built.
#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

/// Builds a router and returns it with the bytes it still holds.
fn measured<R>(build: impl FnOnce() -> R) -> (R, u64) {
    let before = PROCESS.live();
    let router = build();
    let after = PROCESS.live();
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
    out.push(all_paths("general", routes::general_set(2, 8)));
    for n in [10, 100, 1_000, 10_000] {
        let lookups = vec![("GET".to_owned(), routes::FALLBACK_LOOKUP.to_owned())];
        let routes = routes::fallback_patterns(n)
            .into_iter()
            .map(|path| Route {
                method: "GET".to_owned(),
                path,
            })
            .collect();
        out.push(Set {
            name: format!("fallback-{n}"),
            routes,
            lookups,
        });
    }
    out
}

fn is_fallback(set: &Set) -> bool {
    set.name.starts_with("fallback-")
}

/// A request for each lookup, built once so that only the routing is timed.
fn requests(set: &Set) -> Vec<Request> {
    set.lookups
        .iter()
        .map(|(m, p)| Request::new(Method::from_bytes(m.as_bytes()).unwrap(), p).unwrap())
        .collect()
}

/// Go's ServeMux: exact patterns for the static sets, subtree patterns for the fallback sets; it
/// has no parameters, so the GitHub set is n/a.
fn servemux_passes(set: &Set, memory: &mut Memory) -> Vec<(&'static str, Pass)> {
    if set.routes.iter().any(Route::has_params) {
        return Vec::new();
    }
    let (mux, bytes) = measured(|| {
        let mux = ServeMux::new();
        for route in &set.routes {
            let _ = mux.handle(&route.path, handler_fn(|_w, _r| Box::pin(async {})));
        }
        mux
    });
    memory.push((set.name.clone(), "servemux".into(), bytes));
    let reqs = requests(set);
    for r in &reqs {
        let (_, pattern) = mux.handler(r);
        assert!(!pattern.is_empty(), "servemux matches {}", r.path());
    }
    let pass = move || {
        let mut n = 0;
        for r in &reqs {
            n += mux.handler(black_box(r)).1.len();
        }
        n
    };
    vec![("servemux", Box::new(pass) as Pass)]
}

/// Go 1.22's ServeMux: every set, its routes written as 1.22 patterns (`GET /repos/{owner}/{repo}`;
/// the fallback sets' subtree patterns as they are). The pass reads the pattern and the values
/// the handler would see.
fn pattern_mux_passes(set: &Set, memory: &mut Memory) -> Vec<(&'static str, Pass)> {
    let (mux, bytes) = measured(|| {
        let mux = PatternMux::new();
        for route in &set.routes {
            let pattern = if is_fallback(set) {
                route.path.clone()
            } else {
                route.pattern_122()
            };
            mux.handle(&pattern, handler_fn(|_w, _r| Box::pin(async {})))
                .expect("the 1.22 mux accepts the set");
        }
        mux
    });
    memory.push((set.name.clone(), "pattern-mux".into(), bytes));
    let reqs = requests(set);
    for r in &reqs {
        let (_, pattern) = mux.handler(r);
        assert!(!pattern.is_empty(), "pattern-mux matches {}", r.path());
    }
    let pass = move || {
        let mut n = 0;
        for r in &reqs {
            n += mux.handler(black_box(r)).1.len();
        }
        n
    };
    vec![("pattern-mux", Box::new(pass) as Pass)]
}

/// Our radix tree alone (one tree per method, as the engine keeps them), and the whole engine:
/// lookup, context, handler chain, through a recording writer.
fn radix_passes(set: &Set, memory: &mut Memory) -> Vec<(&'static str, Pass)> {
    if is_fallback(set) {
        return Vec::new();
    }
    let (trees, bytes) = measured(|| {
        PerMethod::build(&set.routes, radix::Tree::new, |t, route, i| {
            t.insert(&route.path, i)
                .expect("the radix tree accepts the set")
        })
    });
    memory.push((set.name.clone(), "radix-tree".into(), bytes));
    let lookups = set.lookups.clone();
    let tree_pass = move || {
        let mut n = 0;
        for (method, path) in &lookups {
            let m = trees
                .get(method)
                .get(black_box(path))
                .expect("the radix tree finds every route");
            n += m.value + m.params.iter().map(|p| p.value.len()).sum::<usize>();
        }
        n
    };

    let (engine, bytes) = measured(|| {
        let mut engine = radix::Engine::new();
        for route in &set.routes {
            engine
                .handle(&route.method, &route.path, |_c| Box::pin(async {}))
                .expect("the engine accepts the set");
        }
        engine
    });
    memory.push((set.name.clone(), "radix-engine".into(), bytes));
    let mut reqs = requests(set);
    let mut w = Recorder::new();
    let engine_pass = move || {
        let mut n = 0;
        for r in reqs.iter_mut() {
            w.reset();
            engine
                .serve_http(w.writer(), r)
                .now_or_never()
                .expect("the chain completes at once");
            n += usize::from(w.status().as_u16());
        }
        n
    };
    vec![
        ("radix-tree", Box::new(tree_pass) as Pass),
        ("radix-engine", Box::new(engine_pass)),
    ]
}

/// The controller layer's context for the bench: the defaults, nothing framed.
struct BenchContext<'a> {
    base: BaseContext<'a>,
}

impl<'a> ActionContext<'a> for BenchContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }
}

/// `/c0/a0` .. `/c0/a7`.
struct C0Controller;
/// `/c1/a0` .. `/c1/a7`.
struct C1Controller;

impl Controller for C0Controller {
    type Context<'a> = BenchContext<'a>;
    fn new_action_context<'a>(
        &self,
        r: &'a Request,
        w: &'a mut ResponseWriter,
    ) -> BenchContext<'a> {
        BenchContext {
            base: BaseContext::new(r, w),
        }
    }
}

impl Controller for C1Controller {
    type Context<'a> = BenchContext<'a>;
    fn new_action_context<'a>(
        &self,
        r: &'a Request,
        w: &'a mut ResponseWriter,
    ) -> BenchContext<'a> {
        BenchContext {
            base: BaseContext::new(r, w),
        }
    }
}

#[controller::actions]
impl C0Controller {
    fn a0_action(_c: &mut BenchContext) {}
    fn a1_action(_c: &mut BenchContext) {}
    fn a2_action(_c: &mut BenchContext) {}
    fn a3_action(_c: &mut BenchContext) {}
    fn a4_action(_c: &mut BenchContext) {}
    fn a5_action(_c: &mut BenchContext) {}
    fn a6_action(_c: &mut BenchContext) {}
    fn a7_action(_c: &mut BenchContext) {}
}

#[controller::actions]
impl C1Controller {
    fn a0_action(_c: &mut BenchContext) {}
    fn a1_action(_c: &mut BenchContext) {}
    fn a2_action(_c: &mut BenchContext) {}
    fn a3_action(_c: &mut BenchContext) {}
    fn a4_action(_c: &mut BenchContext) {}
    fn a5_action(_c: &mut BenchContext) {}
    fn a6_action(_c: &mut BenchContext) {}
    fn a7_action(_c: &mut BenchContext) {}
}

/// The controller router: its general routes for the `general` set; for the static and GitHub
/// sets, an equivalent table of anchored regex rules (one per distinct path: rules carry no
/// method), tried in order as goinbox tries them.
fn controller_passes(set: &Set, memory: &mut Memory) -> Vec<(&'static str, Pass)> {
    let general = set.name == "general";
    if !(general || set.name == "static" || set.name == "github") {
        return Vec::new();
    }
    let (router, bytes) = measured(|| {
        let mut router = controller::Router::new();
        router
            .register_routes([boxed(C0Controller), boxed(C1Controller)])
            .expect("controllers");
        if !general {
            let mut seen = std::collections::HashSet::new();
            for route in &set.routes {
                if seen.insert(route.path.clone()) {
                    let rule = format!("(?i){}", route.regex());
                    router
                        .define_route(&rule, "c0", "a0")
                        .expect("a valid rule");
                }
            }
        }
        router
    });
    memory.push((set.name.clone(), "controller".into(), bytes));
    let lookups = set.lookups.clone();
    let pass = move || {
        let mut n = 0;
        for (_, path) in &lookups {
            let route = router
                .resolve(black_box(path))
                .expect("the controller router finds every route");
            n += 1 + route.args.iter().map(String::len).sum::<usize>();
        }
        n
    };
    vec![("controller", Box::new(pass) as Pass)]
}

fn peer_passes(set: &Set, memory: &mut Memory) -> Vec<(&'static str, Pass)> {
    if is_fallback(set) {
        return Vec::new();
    }
    let (matchit, bytes) = measured(|| {
        PerMethod::build(&set.routes, matchit::Router::new, |r, route, i| {
            r.insert(route.braces(), i)
                .expect("matchit accepts the set")
        })
    });
    memory.push((set.name.clone(), "matchit".into(), bytes));
    let lookups = set.lookups.clone();
    let matchit_pass = move || {
        let mut n = 0;
        for (method, path) in &lookups {
            let m = matchit
                .get(method)
                .at(black_box(path))
                .expect("matchit finds every route");
            n += m.value + m.params.iter().map(|(_, v)| v.len()).sum::<usize>();
        }
        n
    };

    let (path_tree, bytes) = measured(|| {
        PerMethod::build(&set.routes, path_tree::PathTree::new, |r, route, i| {
            let _ = r.insert(&route.path, i);
        })
    });
    memory.push((set.name.clone(), "path-tree".into(), bytes));
    let lookups = set.lookups.clone();
    let path_tree_pass = move || {
        let mut n = 0;
        for (method, path) in &lookups {
            let m = path_tree
                .get(method)
                .find(black_box(path))
                .expect("path-tree finds every route");
            n += m.0 + m.1.raws.iter().map(|v| v.len()).sum::<usize>();
        }
        n
    };

    let (recognizer, bytes) = measured(|| {
        PerMethod::build(&set.routes, route_recognizer::Router::new, |r, route, i| {
            r.add(&route.path, i)
        })
    });
    memory.push((set.name.clone(), "route-recognizer".into(), bytes));
    let lookups = set.lookups.clone();
    let recognizer_pass = move || {
        let mut n = 0;
        for (method, path) in &lookups {
            let m = recognizer
                .get(method)
                .recognize(black_box(path))
                .expect("route-recognizer finds every route");
            n += **m.handler() + m.params().iter().map(|(_, v)| v.len()).sum::<usize>();
        }
        n
    };
    vec![
        ("matchit", Box::new(matchit_pass) as Pass),
        ("path-tree", Box::new(path_tree_pass)),
        ("route-recognizer", Box::new(recognizer_pass)),
    ]
}

/// One router's lookup pass over one set. It owns its router and its lookups, and returns a
/// checksum of what it found, so the work cannot be optimised away.
type Pass = Box<dyn FnMut() -> usize>;

/// (set, router, value) rows written beside criterion's results for `bench-report`.
type Memory = Vec<(String, String, u64)>;

fn routers(c: &mut Criterion) {
    let mut memory = Memory::new();
    let mut paired = Memory::new();
    // One criterion group, so that results land in `target/criterion/routers/<router>/<set>/`.
    let mut g = c.benchmark_group("routers");
    for set in sets() {
        let mut passes = servemux_passes(&set, &mut memory);
        passes.extend(pattern_mux_passes(&set, &mut memory));
        passes.extend(radix_passes(&set, &mut memory));
        passes.extend(controller_passes(&set, &mut memory));
        passes.extend(peer_passes(&set, &mut memory));
        for (router, pass) in passes.iter_mut() {
            g.bench_function(BenchmarkId::new(*router, &set.name), |b| b.iter(&mut *pass));
        }
        for (router, ns) in paired_medians(&mut passes) {
            paired.push((set.name.clone(), router.to_owned(), ns));
        }
    }
    g.finish();
    write_rows("routers-memory.json", &memory);
    write_rows("routers-paired.json", &paired);
}

/// A second measurement beside criterion's, for the ratios. Criterion times one router after the
/// other, and on a shared 2-core machine the speed of the machine drifts between them: the same
/// router's figure moves by 15-30% from one run to the next. Here the routers of a set take turns
/// instead: in each of 101 rounds every router runs one untimed pass (to bring its tables back
/// into the cache the previous router evicted) and then times a batch of passes (about 1 ms),
/// starting with a different router each round (`testkit::paired`); each router's median pass
/// time over the rounds is kept, in nanoseconds. Routers measured side by side this way see the
/// same machine.
fn paired_medians(passes: &mut [(&'static str, Pass)]) -> Vec<(&'static str, u64)> {
    const ROUNDS: usize = 101;
    let batch: Vec<u32> = passes
        .iter_mut()
        .map(|(_, pass)| {
            let start = Instant::now();
            black_box(pass());
            let one = start.elapsed().as_nanos().max(1);
            (1_000_000 / one).clamp(1, 100_000) as u32
        })
        .collect();
    // Each turn's time is its whole batch: the median batch over the batch size is the median pass.
    let times = Paired::run(ROUNDS, 1, passes.len(), |i| {
        black_box((passes[i].1)());
        let start = Instant::now();
        for _ in 0..batch[i] {
            black_box((passes[i].1)());
        }
        start.elapsed()
    });
    passes
        .iter()
        .zip(batch)
        .enumerate()
        .map(|(i, ((router, _), batch))| {
            let ns = times.median(i).as_nanos() as f64 / f64::from(batch);
            (*router, ns.round() as u64)
        })
        .collect()
}

/// Criterion keeps its results under `target/criterion`; the memory and paired figures go beside
/// them.
fn write_rows(file: &str, rows: &[(String, String, u64)]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("criterion");
    let _ = std::fs::create_dir_all(&dir);
    let json: Vec<String> = rows
        .iter()
        .map(|(s, r, b)| format!("[\"{s}\",\"{r}\",{b}]"))
        .collect();
    let _ = std::fs::write(dir.join(file), format!("[{}]\n", json.join(",")));
}

criterion_group!(benches, routers);
criterion_main!(benches);
