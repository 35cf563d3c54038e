//! Our engine against gin 1.8.1 itself, request by request.
//!
//! When a `go` toolchain and gin's source (Debian: `golang-go` and
//! `golang-github-gin-gonic-gin-dev`, which is gin 1.8.1) are installed, this test builds
//! `tests/gin/gin_table.go` — the `gin_table` interface of DESIGN.md served by gin — and, for
//! each random route table, starts it beside our engine built by
//! `radix::route_table::engine_from_table` (what `examples/gin_table.rs` serves). A table gin
//! refuses must be refused by us too, and the other way round; otherwise both get the same random
//! requests and must answer with the same status, `Location` and body every time.
//!
//! Without Go it prints a notice and checks nothing, unless `REQUIRE_GO` is set (CI sets it after
//! installing Go), in which case a missing toolchain fails the test. Set `GIN_DIFF_SEED` and
//! `GIN_DIFF_TABLES` to try other seeds and more tables.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use common::http::{request, serve};
use testkit::go::{self, Served};
use testkit::rng::{env_or, Rng};

const SEGMENTS: &[&str] = &["a", "b", "ab", "abc", "b1", "user", "users", "x"];
const WILDCARDS: &[&str] = &[":id", ":name", ":x"];
const METHODS: &[&str] = &["GET", "POST"];

/// A route of one to four segments: mostly static, some `:param`, now and then a final
/// `*rest`, sometimes with a trailing slash, rarely just `/`. Such tables often conflict, which
/// exercises the refusals as much as the lookups.
fn random_route(rng: &mut Rng) -> String {
    if rng.chance(5) {
        return "/".to_owned();
    }
    let mut route = String::new();
    let mut catch_all = false;
    for _ in 0..1 + rng.below(4) {
        route.push('/');
        match rng.below(10) {
            0..=5 => route.push_str(rng.pick(SEGMENTS)),
            6..=8 => route.push_str(rng.pick(WILDCARDS)),
            _ => {
                route.push_str("*rest");
                catch_all = true;
                break;
            }
        }
    }
    if !catch_all && rng.chance(20) {
        route.push('/');
    }
    route
}

fn random_table(rng: &mut Rng) -> Vec<(String, String)> {
    (0..1 + rng.below(8))
        .map(|_| (rng.pick(METHODS).to_owned(), random_route(rng)))
        .collect()
}

/// Mostly a path some route of the table matches (parameters filled, a catch-all given zero to
/// two segments, now and then a segment in upper case), otherwise random segments; then the
/// trailing slash added or removed, and sometimes a query.
fn random_path(rng: &mut Rng, table: &[(String, String)]) -> String {
    let mut path = if rng.chance(70) {
        let route = &table[rng.below(table.len())].1;
        let mut segs: Vec<String> = Vec::new();
        for seg in route.trim_matches('/').split('/') {
            if seg.starts_with(':') {
                segs.push(rng.pick(&[SEGMENTS, &["v1", "zz"]].concat()).to_owned());
            } else if seg.starts_with('*') {
                let n = rng.below(3);
                let tail: Vec<&str> = (0..n).map(|_| rng.pick(SEGMENTS)).collect();
                segs.push(tail.join("/"));
            } else if !seg.is_empty() && rng.chance(10) {
                segs.push(seg.to_uppercase());
            } else {
                segs.push(seg.to_owned());
            }
        }
        let mut p = format!("/{}", segs.join("/"));
        if route.ends_with('/') && !p.ends_with('/') {
            p.push('/');
        }
        p
    } else {
        let segs: Vec<&str> = (0..rng.below(5)).map(|_| rng.pick(SEGMENTS)).collect();
        format!("/{}", segs.join("/"))
    };
    match rng.below(100) {
        0..=14 if path != "/" => path = format!("{}/", path.trim_end_matches('/')),
        15..=29 if path.len() > 1 => {
            let trimmed = path.trim_end_matches('/');
            path = if trimmed.is_empty() {
                "/".to_owned()
            } else {
                trimmed.to_owned()
            };
        }
        _ => {}
    }
    if rng.chance(10) {
        path.push_str("?q=1");
    }
    path
}

fn gin_available() -> bool {
    go::go_on_path() && go::gin_source_present()
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gin_differential")
}

fn build_gin_twin() -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gin/gin_table.go");
    go::build(Path::new("go"), &src, &tmp_dir(), go::Imports::Debian)
}

/// gin on `table`: listening (`addr` set), or exited 2 on a table it refuses.
fn start_gin(bin: &Path, table: &Path) -> Served {
    let mut gin = Served::start(bin, &[table], true);
    if gin.addr.is_none() {
        let code = gin.exit_code();
        assert_eq!(code, Some(2), "gin exited oddly: {:?}", gin.first_line);
    }
    gin
}

type Seen = (u16, Option<String>, String);

async fn fetch(addr: SocketAddr, method: &str, target: &str) -> Seen {
    let r = request(addr, method, target, &[], b"").await;
    (r.status, r.header("location").map(str::to_owned), r.body)
}

#[test]
fn same_answers_as_gin_1_8_1_on_random_tables() {
    if !gin_available() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` or gin's source is missing"
        );
        println!("SKIPPED: no `go` or gin source; the gin 1.8.1 differential check did not run");
        return;
    }
    let gin_bin = build_gin_twin();
    let seed = env_or("GIN_DIFF_SEED", 0x6175_1081);
    let tables = env_or("GIN_DIFF_TABLES", 60) as usize;
    let mut rng = Rng::new(seed);
    let dir = tmp_dir();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut served, mut refused, mut compared) = (0, 0, 0);
    let mut by_status = std::collections::BTreeMap::new();
    for t in 0..tables {
        let table = random_table(&mut rng);
        let text: String = table.iter().map(|(m, p)| format!("{m} {p}\n")).collect();
        let file = dir.join(format!("table-{t}.txt"));
        std::fs::write(&file, &text).unwrap();
        let gin = start_gin(&gin_bin, &file);
        let ours = radix::route_table::engine_from_table(&text);
        match (&gin.addr, ours) {
            (None, Err(_)) => refused += 1,
            (Some(_), Err(e)) => {
                panic!("we refuse a table gin takes ({e}); table {t} (seed {seed}):\n{text}")
            }
            (None, Ok(_)) => {
                panic!("gin refuses a table we take; table {t} (seed {seed}):\n{text}")
            }
            (Some(gin_addr), Ok(engine)) => {
                served += 1;
                rt.block_on(async {
                    let ours = serve(engine).await;
                    for _ in 0..40 {
                        let method = rng.pick(METHODS);
                        let path = random_path(&mut rng, &table);
                        let want = fetch(*gin_addr, method, &path).await;
                        let got = fetch(ours.addr, method, &path).await;
                        assert_eq!(
                            got, want,
                            "{method} {path}\ntable {t} (seed {seed}):\n{text}"
                        );
                        *by_status.entry(want.0).or_insert(0) += 1;
                        compared += 1;
                    }
                    ours.stop().await;
                });
            }
        }
    }
    assert!(
        served > tables / 4,
        "too few tables served ({served} of {tables}) to compare much"
    );
    println!(
        "gin 1.8.1 differential: {tables} tables ({served} served, {refused} refused by both), \
         {compared} requests agreed;\n  by status {by_status:?}"
    );
}
