//! The order go-yaml v2 writes a Go map's keys in: `keyList.Less` (v2.4.0 `sorter.go`, lines
//! 12-78), which is not byte order.
//!
//! | keys | order |
//! | --- | --- |
//! | both numbers or booleans | by value (`true` is 1), then by Go kind, then within the kind |
//! | otherwise not both strings | by Go kind (bool < ints < uints < floats < nil < string) |
//! | two strings | rune by rune; at the first difference: |
//! | … both letters | the smaller rune |
//! | … one letter | the non-letter first |
//! | … else | the runs of decimal digits starting there, read as numbers (a leading `0` counts as a digit when a non-zero digit came just before); the smaller number, then the shorter run, then the smaller rune |
//! | one a prefix of the other | the shorter |
//!
//! So `a2` comes before `a10`, `B` before `a` (two letters: U+0042 < U+0061), and `_x` before
//! `a` (a non-letter before a letter). "Letter" and "digit" are Go's `unicode.IsLetter` and
//! `unicode.IsDigit` (general categories L and Nd).

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::node::Node;

/// Sorts `entries` by their keys as go-yaml v2 sorts a map's keys. Go's `sort.Sort` runs an
/// insertion sort on up to 12 elements, so for those this gives Go's order for any keys; for
/// more it is a stable merge sort, which gives the same order whenever `less` is a strict
/// total order on the keys (it is on keys of one Rust type). Never panics, whatever `less`
/// answers.
pub fn sort_entries(entries: &mut Vec<(Node, Node)>) {
    if entries.len() <= 12 {
        for i in 1..entries.len() {
            let mut j = i;
            while j > 0 && less(&entries[j].0, &entries[j - 1].0) {
                entries.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = entries.len() / 2;
    let mut right = entries.split_off(mid);
    sort_entries(entries);
    sort_entries(&mut right);
    let left = std::mem::take(entries);
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        // Take from the right only when it is strictly smaller: stable.
        let next = if less(&r.0, &l.0) {
            right.next()
        } else {
            left.next()
        };
        entries.extend(next);
    }
    entries.extend(left);
    entries.extend(right);
}

/// Whether go-yaml v2 writes a map with these string keys in one fixed order. `keyList.Less`
/// is not transitive on every set of strings: `1a` < `9` (1 < 9), `9` < `10`, and `10` < `1a`
/// (at `0` against `a`, the non-letter first). For such a cycle the order go-yaml writes depends
/// on the order Go's map iteration hands it the keys, which Go randomizes, so no fixed order
/// matches it; [`sort_entries`] gives the insertion sort's answer for the order serde gave.
/// True when `less` orders the set totally.
pub fn keys_have_one_order(keys: &[&str]) -> bool {
    let mut entries: Vec<(Node, Node)> = keys
        .iter()
        .map(|k| (Node::Str((*k).to_owned()), Node::Null))
        .collect();
    sort_entries(&mut entries);
    (0..entries.len()).all(|i| {
        (i + 1..entries.len()).all(|j| {
            less(&entries[i].0, &entries[j].0) && !less(&entries[j].0, &entries[i].0)
                || entries[i].0 == entries[j].0
        })
    })
}

/// `keyList.Less` for two scalar keys.
pub fn less(a: &Node, b: &Node) -> bool {
    let (ak, bk) = (a.kind(), b.kind());
    if let (Some(af), Some(bf)) = (key_float(a), key_float(b)) {
        if af != bf {
            return af < bf;
        }
        if ak != bk {
            return ak < bk;
        }
        return num_less(a, b);
    }
    match (a, b) {
        (Node::Str(a), Node::Str(b)) => str_less(a, b),
        _ => ak < bk,
    }
}

/// go-yaml's `keyFloat`: a number or boolean as a float64.
fn key_float(n: &Node) -> Option<f64> {
    match *n {
        Node::Int(v, _) => Some(v as f64),
        Node::Uint(v, _) => Some(v as f64),
        Node::Float(v, _) => Some(v),
        Node::Bool(v) => Some(if v { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// go-yaml's `numLess`, for two keys of one kind.
fn num_less(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Int(a, _), Node::Int(b, _)) => a < b,
        (Node::Uint(a, _), Node::Uint(b, _)) => a < b,
        (Node::Float(a, _), Node::Float(b, _)) => a < b,
        (Node::Bool(a), Node::Bool(b)) => !a && *b,
        _ => false,
    }
}

/// The string half of `keyList.Less`. Go's digit runs are summed in an `int64` that may wrap;
/// so do these.
fn str_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (is_letter(ar[i]), is_letter(br[i]));
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if (ar[i] == '0' || br[i] == '0')
            && ar[..i]
                .iter()
                .rev()
                .take_while(|c| is_digit(**c))
                .any(|&c| c != '0')
        {
            an = 1;
            bn = 1;
        }
        let run = |r: &[char], n: &mut i64| {
            let mut end = i;
            while end < r.len() && is_digit(r[end]) {
                let d = i64::from(u32::from(r[end])) - i64::from(u32::from('0'));
                *n = n.wrapping_mul(10).wrapping_add(d);
                end += 1;
            }
            end
        };
        let ai = run(&ar, &mut an);
        let bi = run(&br, &mut bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Go's `unicode.IsLetter`: general category L.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.general_category_group() == GeneralCategoryGroup::Letter
}

/// Go's `unicode.IsDigit`: general category Nd.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.general_category() == GeneralCategory::DecimalNumber
}

impl Node {
    /// The Go `reflect.Kind` of the Go value this node stands for, as a number (Go's order).
    fn kind(&self) -> u8 {
        match self {
            Node::Bool(_) => 1,
            Node::Int(_, k) | Node::Uint(_, k) | Node::Float(_, k) => *k as u8,
            Node::Null => 20,       // a nil interface{}
            Node::Str(_) => 24,     // reflect.String
            Node::Seq(_) => 23,     // reflect.Slice
            Node::Mapping(_) => 21, // reflect.Map
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::go_yaml::node::Kind;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut entries: Vec<(Node, Node)> = keys
            .iter()
            .map(|k| (Node::Str(k.to_string()), Node::Null))
            .collect();
        sort_entries(&mut entries);
        entries
            .into_iter()
            .map(|(k, _)| match k {
                Node::Str(s) => s,
                _ => unreachable!("only strings went in"),
            })
            .collect()
    }

    #[test]
    fn strings_sort_with_numbers_read_as_numbers() {
        // The order go-yaml v2.4.0 writes these map[string] keys in.
        assert_eq!(
            sorted(&["a10", "a2", "b", "B", "a", "", "1", "_x", "a02", "a2b", "ü", "10", "9"]),
            ["", "_x", "1", "9", "10", "B", "a", "a2", "a2b", "a02", "a10", "b", "ü"]
        );
    }

    #[test]
    fn numbers_sort_by_value_and_kinds_by_go_kind() {
        let mut entries = vec![
            (Node::Str("s".into()), Node::Null),
            (Node::Float(1.5, Kind::Float64), Node::Null),
            (Node::Int(-3, Kind::Int64), Node::Null),
            (Node::Bool(true), Node::Null),
            (Node::Uint(1, Kind::Uint64), Node::Null),
            (Node::Null, Node::Null),
        ];
        sort_entries(&mut entries);
        let keys: Vec<String> = entries.iter().map(|(k, _)| format!("{k:?}")).collect();
        assert_eq!(
            keys,
            [
                "Int(-3, Int64)",
                "Bool(true)",
                "Uint(1, Uint64)",
                "Float(1.5, Float64)",
                "Null",
                "Str(\"s\")"
            ]
        );
    }

    #[test]
    fn a_cycle_in_less_is_found() {
        assert!(!keys_have_one_order(&["1a", "9", "10"]));
        assert!(!keys_have_one_order(&["z1z", "z9z", "z10z"]));
        assert!(keys_have_one_order(&[
            "a1", "a2", "a10", "a02", "b", "B", ""
        ]));
    }

    #[test]
    fn many_keys_sort_as_few_do() {
        let keys: Vec<String> = (0..40).rev().map(|i| format!("k{i}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let want: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        assert_eq!(sorted(&refs), want);
    }
}
