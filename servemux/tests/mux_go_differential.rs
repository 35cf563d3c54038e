//! Our ServeMux against Go 1.19's own, request by request.
//!
//! When a `go` toolchain is on PATH, this test builds `tests/go/mux_table.go` (stdlib only: a
//! net/http ServeMux serving a route table file), starts it and our `mux_table` example on the
//! same random table, sends both the same random requests over TCP, and demands the same status,
//! `Location` and body every time, and the same `Content-Type` on the mux's own 301 and 404. Without `go` it prints a notice and checks
//! nothing (Debian: `apt-get install golang-go`, which is Go 1.19), unless `REQUIRE_GO` is set, as
//! `.ci/run` sets it after installing Go.
//!
//! Tables and requests come from a seeded generator; set `MUX_DIFF_SEED` to try other seeds and
//! `MUX_DIFF_TABLES` for more tables.

mod mux_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use mux_support::{http, mux_table_bin};
use testkit::go::{self, serve_table};
use testkit::rng::{env_or, Rng};

const SEGMENTS: &[&str] = &["a", "b", "c", "ab", "x.y", "_", "~z", "a:b", "q$", "1"];
const HOSTS: &[&str] = &["a.com", "b.org", "a.com:8080", "c.net"];

fn random_pattern(rng: &mut Rng) -> String {
    let mut p = String::new();
    if rng.chance(25) {
        p.push_str(rng.pick(HOSTS));
    }
    for _ in 0..rng.below(4) {
        p.push('/');
        p.push_str(rng.pick(SEGMENTS));
    }
    // A bare host (`a.com:8080`) stays sometimes: it matches `CONNECT a.com:8080` only.
    let bare_host = !p.is_empty() && !p.contains('/') && rng.chance(30);
    if p.is_empty() || p.ends_with(|c| c != '/') && rng.chance(50) || !p.contains('/') && !bare_host
    {
        p.push('/');
    }
    p
}

fn random_table(rng: &mut Rng) -> Vec<String> {
    let mut table: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(25) {
        let p = random_pattern(rng);
        if !table.contains(&p) {
            table.push(p);
        }
    }
    table
}

/// A request target: often a registered pattern's path, mutated; percent-encoding, dot segments,
/// doubled slashes, a query, sometimes absolute form.
fn random_target(rng: &mut Rng, table: &[String]) -> (String, &'static str) {
    let host = *[HOSTS, &["d.io", "a.com:9", "[::1]:80"]]
        .concat()
        .get(rng.below(7))
        .unwrap();
    let base = &table[rng.below(table.len())];
    let mut path = match base.find('/') {
        Some(i) => base[i..].to_owned(),
        None => "/".to_owned(),
    };
    if path.len() > 1 && path.ends_with('/') && rng.chance(35) {
        path.pop();
    }
    for _ in 0..rng.below(3) {
        if rng.chance(50) {
            path.push('/');
            path.push_str(rng.pick(SEGMENTS));
        }
    }
    const NOISE: &[&str] = &[
        "/", "/.", "/..", "/./", "/../", "//", "%20", "!", "%3F", "%2F", "'", "(x)", "%61",
        "%C3%A9", "*", "%3C",
    ];
    if rng.chance(35) {
        let at = rng.below(path.len() + 1);
        let at = (0..=at)
            .rev()
            .find(|&i| path.is_char_boundary(i))
            .unwrap_or(0);
        path.insert_str(at, rng.pick(NOISE));
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
    }
    if rng.chance(20) {
        path.push_str(rng.pick(&["?q=1", "?", "?a=%20&b=/..", "?x=caf%C3%A9"]));
    }
    if rng.chance(15) {
        let absolute_host = rng.pick(HOSTS);
        path = format!("http://{absolute_host}{path}");
    }
    (path, host)
}

/// Without Go the differential cannot run: say so, and skip, unless `REQUIRE_GO` is set (CI sets
/// it after installing Go), where a missing toolchain is a failure.
fn skip_without_go() -> bool {
    go::skip_unless(
        go::go_on_path(),
        "REQUIRE_GO",
        "no `go` on PATH; the Go 1.19 differential check did not run",
    )
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mux_go_differential")
}

fn build_go_twin() -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/mux_table.go");
    go::build(Path::new("go"), &src, &tmp_dir(), go::Imports::Std)
}

#[test]
fn same_answers_as_go_servemux_on_random_tables() {
    if skip_without_go() {
        return;
    }
    let go_bin = build_go_twin();
    let rust_bin = mux_table_bin();
    let seed = env_or("MUX_DIFF_SEED", 0x05EE_D119);
    let tables = env_or("MUX_DIFF_TABLES", 12) as usize;
    let mut rng = Rng::new(seed);
    let dir = tmp_dir();
    let mut compared = 0;
    let mut by_status = std::collections::BTreeMap::new();
    for t in 0..tables {
        let table = random_table(&mut rng);
        let file = dir.join(format!("table-{t}.txt"));
        std::fs::write(
            &file,
            format!("# table {t}, seed {seed}\n{}\n", table.join("\n")),
        )
        .unwrap();
        let go = serve_table(&go_bin, &file);
        let rust = serve_table(&rust_bin, &file);
        for _ in 0..150 {
            let (target, host) = random_target(&mut rng, &table);
            let method = match rng.below(20) {
                0..=13 => "GET",
                14..=16 => "HEAD",
                17..=18 => "POST",
                // Go's request parser reads an absolute-form CONNECT target as `http://` + the
                // target (authority form), a parser quirk outside the mux: origin form only.
                _ if target.starts_with('/') => "CONNECT",
                _ => "GET",
            };
            // CONNECT in authority form (`CONNECT a.com:8080`): the path is empty, the host is
            // the target, and only a bare-host pattern can match.
            let (target, host) = if method == "CONNECT" && rng.chance(30) {
                let authority = rng.pick(HOSTS);
                (authority.to_owned(), authority)
            } else {
                (target, host)
            };
            let mut want = http(go.addr(), method, host, &target);
            let mut got = http(rust.addr(), method, host, &target);
            // A handler's 200 carries no Content-Type of its own; Go's server then sniffs one
            // from the body, which is a server feature, not a mux rule. The mux's own answers
            // (301, 404) set theirs explicitly, and those are compared.
            if want.status == 200 {
                want.content_type = None;
                got.content_type = None;
            }
            assert_eq!(
                got, want,
                "{method} {target} Host: {host}\ntable {t} (seed {seed}): {table:?}"
            );
            *by_status.entry(want.status).or_insert(0) += 1;
            compared += 1;
        }
    }
    println!("Go 1.19 differential: {compared} requests on {tables} tables agreed; by status {by_status:?}");
}

#[test]
fn both_refuse_the_same_bad_tables() {
    if skip_without_go() {
        return;
    }
    let go_bin = build_go_twin();
    let rust_bin = mux_table_bin();
    let dir = tmp_dir();
    for (name, table) in [
        ("dup", "/a/\n/b\n/a/\n"),
        ("host-dup", "h.org/x\nh.org/x\n"),
        ("badhost", "/a\nexa mple.com/x\n"),
    ] {
        let file = dir.join(format!("bad-{name}.txt"));
        std::fs::write(&file, table).unwrap();
        for bin in [&go_bin, &rust_bin] {
            let out = Command::new(bin)
                .arg(&file)
                .arg("127.0.0.1:0")
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{bin:?} on {name}");
            assert!(
                !out.stderr.is_empty(),
                "{bin:?} printed no error for {name}"
            );
        }
    }
}
