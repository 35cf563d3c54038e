//! go-yaml v2's layout, value by value: each expected text is what gopkg.in/yaml.v2 v2.4.0's
//! `yaml.Marshal` writes for the corresponding Go value (JSON objects stand for Go maps).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::marshal;

fn yaml<T: Serialize + ?Sized>(v: &T) -> String {
    String::from_utf8(marshal(v).unwrap()).unwrap()
}

#[test]
fn a_root_scalar_ends_its_line() {
    assert_eq!(yaml("hello"), "hello\n");
    assert_eq!(yaml("yes"), "\"yes\"\n");
    assert_eq!(yaml(""), "\"\"\n");
    assert_eq!(yaml("a\nb"), "|-\n  a\n  b\n");
    assert_eq!(yaml(&-12i32), "-12\n");
    assert_eq!(yaml(&1e6), "1e+06\n");
    assert_eq!(yaml(&None::<u8>), "null\n");
    assert_eq!(yaml(&true), "true\n");
}

#[test]
fn sequences_sit_under_keys_at_the_keys_indentation() {
    let v = json!({
        "list": [1, "two", []],
        "map": {"inner": {"k": null}, "empty": {}},
        "seq": [{"a": 1, "b": ["x", "y"]}, ["p", ["q"]]],
    });
    assert_eq!(
        yaml(&v),
        "list:\n- 1\n- two\n- []\nmap:\n  empty: {}\n  inner:\n    k: null\nseq:\n- a: 1\n  b:\n  - x\n  - \"y\"\n- - p\n  - - q\n"
    );
}

#[test]
fn a_struct_keeps_its_field_order_and_a_map_is_sorted() {
    #[derive(Serialize)]
    struct Msg {
        zeta: u8,
        alpha: BTreeMap<&'static str, i64>,
        #[serde(rename = "y")]
        short: &'static str,
    }
    let alpha = BTreeMap::from([("a10", 1), ("a2", 2), ("B", 3)]);
    let m = Msg {
        zeta: 1,
        alpha,
        short: "on",
    };
    // A key is a string like any other: `y` is a YAML 1.1 boolean, so it is quoted.
    assert_eq!(
        yaml(&m),
        "zeta: 1\nalpha:\n  B: 3\n  a2: 2\n  a10: 1\n\"y\": \"on\"\n"
    );
}

#[test]
fn long_text_folds_at_a_space_past_column_80_in_each_style() {
    let v = json!({
        "plain": "the quick brown fox jumps over the lazy dog and keeps running until the line is far past eighty columns wide",
        "quoted": "- the quick brown fox jumps over the lazy dog and keeps running until the line is far past eighty",
        "double": "tab\there and the quick brown fox jumps over the lazy dog and keeps running  until the line is far",
    });
    assert_eq!(
        yaml(&v),
        "double: \"tab\\there and the quick brown fox jumps over the lazy dog and keeps running\n  \\ until the line is far\"\nplain: the quick brown fox jumps over the lazy dog and keeps running until the line\n  is far past eighty columns wide\nquoted: '- the quick brown fox jumps over the lazy dog and keeps running until the\n  line is far past eighty'\n"
    );
}

#[test]
fn long_and_multiline_keys_are_complex_keys() {
    let long = "k".repeat(130);
    let v = json!({ long.clone(): 1, "short": [], "multi\nline": {"x": 1} });
    assert_eq!(
        yaml(&v),
        format!("? {long}\n: 1\n? |-\n  multi\n  line\n: x: 1\nshort: []\n")
    );
}

#[test]
fn double_quotes_escape_what_go_yaml_will_not_print() {
    let v = [
        "\u{feff}bom",
        "a\u{1F600}",
        "nel\u{85}",
        "nb\u{a0}sp\t",
        "ctl\u{1}\u{1b}\u{7f}",
    ];
    // A leading byte-order mark makes go-yaml escape every character of the text.
    assert_eq!(
        yaml(&v),
        "- \"\\uFEFF\\x62\\x6F\\x6D\"\n- \"a\\U0001F600\"\n- \"nel\\N\"\n- \"nb\u{a0}sp\\t\"\n- \"ctl\\x01\\e\\x7F\"\n"
    );
}

#[test]
fn literal_blocks_carry_indentation_and_chomping_hints() {
    let v = [" a\nb", "a\n", "a\n\n", "\n", "a\u{2028}b"];
    assert_eq!(
        yaml(&v),
        "- |2-\n   a\n  b\n- |\n  a\n- |+\n  a\n\n- |2+\n\n- 'a\u{2028}  b'\n"
    );
}

#[test]
fn rust_only_shapes_take_the_documented_go_forms() {
    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize)]
    enum E {
        A,
        B(u8),
        C { x: i8 },
        D(u8, u8),
    }
    assert_eq!(yaml(&Unit), "{}\n");
    assert_eq!(yaml(&()), "null\n");
    assert_eq!(yaml(&'y'), "\"y\"\n");
    assert_eq!(
        yaml(&[E::A, E::B(1), E::C { x: -1 }, E::D(1, 2)]),
        "- A\n- B: 1\n- C:\n    x: -1\n- D:\n  - 1\n  - 2\n"
    );
    assert_eq!(yaml(&Raw(b"hi")), "- 104\n- 105\n");
    assert_eq!(
        yaml(&u128::MAX),
        "340282366920938463463374607431768211455\n"
    );
}

/// A byte string that serializes through `serialize_bytes`, like a Go `[]byte`.
struct Raw(&'static [u8]);

impl Serialize for Raw {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

#[test]
fn a_map_key_that_is_a_collection_is_an_error() {
    let mut m = std::collections::HashMap::new();
    m.insert(vec![1u8], 1);
    let err = marshal(&m).unwrap_err();
    assert!(err.to_string().contains("map key"), "{err}");
}
