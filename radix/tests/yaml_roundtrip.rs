//! The YAML `radix::go_yaml` writes reads back as the value written.
//!
//! The reference model is the value itself: random trees of strings (drawn from the characters
//! go-yaml treats specially and from all of Unicode), ints, floats, booleans, nulls, lists and
//! maps go through `go_yaml::marshal`, then serde_yaml reads the text back, and each node must
//! be the one written. serde_yaml reads YAML 1.2; that is enough here because go-yaml quotes
//! every string YAML 1.1 would read as another type, and those are a superset of the ones YAML
//! 1.2 would. Floats are compared by value: Go writes a whole float as `3`, which reads back as
//! an int, and `-0` reads back as 0.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_yaml::Value as Yaml;

/// A value tree: the model.
#[derive(Debug, Clone)]
enum M {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<M>),
    Map(BTreeMap<String, M>),
}

impl Serialize for M {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            M::Str(v) => s.serialize_str(v),
            M::Int(v) => s.serialize_i64(*v),
            M::Float(v) => s.serialize_f64(*v),
            M::Bool(v) => s.serialize_bool(*v),
            M::Null => s.serialize_none(),
            M::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            M::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Does the parsed YAML hold the model's value?
fn same(m: &M, y: &Yaml) -> bool {
    match (m, y) {
        (M::Str(a), Yaml::String(b)) => a == b,
        (M::Int(a), Yaml::Number(b)) => b.as_i64() == Some(*a),
        (M::Float(a), Yaml::Number(b)) if a.is_nan() => b.as_f64().is_some_and(f64::is_nan),
        (M::Float(a), Yaml::Number(b)) => b.as_f64() == Some(*a),
        (M::Bool(a), Yaml::Bool(b)) => a == b,
        (M::Null, Yaml::Null) => true,
        (M::List(a), Yaml::Sequence(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (M::Map(a), Yaml::Mapping(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| {
                    b.get(Yaml::String(k.clone()))
                        .is_some_and(|parsed| same(v, parsed))
                })
        }
        _ => false,
    }
}

/// Characters go-yaml's resolver, analysis and writers tell apart.
const SPECIAL: &[char] = &[
    ' ', ' ', '\n', '\t', '\r', ':', '#', '-', '?', '\'', '"', '\\', '!', '&', '*', '|', '>', '%',
    '@', '`', ',', '[', '{', '.', '_', '+', '~', '0', '1', '9', 'e', 'x', 'o', 'b', 'y', 'n', 'N',
    'T', '\u{0}', '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}', '\u{fffe}', 'ü', '日',
    '😀',
];

fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => proptest::sample::select(SPECIAL),
        1 => any::<char>(),
    ];
    let word = prop_oneof![
        proptest::sample::select(
            &[
                "yes",
                "Off",
                "null",
                "~",
                "0x1F",
                "017",
                "1_000",
                "1:20",
                ".5",
                "1e3",
                ".inf",
                "2001-12-14",
                "---",
                "..."
            ][..]
        )
        .prop_map(str::to_owned),
        proptest::collection::vec(ch, 0..12).prop_map(|cs| cs.into_iter().collect()),
    ];
    // Sometimes long, to cross the 80-column fold and the 128-byte simple-key limit.
    (word, 0usize..12).prop_map(|(w, n)| if n == 0 { w.repeat(20) } else { w })
}

fn model() -> impl Strategy<Value = M> {
    let leaf = prop_oneof![
        text().prop_map(M::Str),
        any::<i64>().prop_map(M::Int),
        any::<f64>().prop_map(M::Float),
        any::<bool>().prop_map(M::Bool),
        Just(M::Null),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(M::List),
            proptest::collection::btree_map(text(), inner, 0..6).prop_map(M::Map),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn what_go_yaml_writes_reads_back_as_the_value(m in model()) {
        let text = String::from_utf8(radix::go_yaml::marshal(&m).unwrap()).unwrap();
        let parsed: Yaml = serde_yaml::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(same(&m, &parsed), "model {m:?}\nyaml {text}\nparsed {parsed:?}");
    }
}
