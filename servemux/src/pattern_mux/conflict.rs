//! Comparing two patterns: which one is more specific, and whether they conflict (Go's
//! `comparePathsAndMethods`, `comparePaths`, `compareSegments`, `conflictsWith` and
//! `describeConflict` in `net/http/pattern.go`).
//!
//! Go 1.22 has no notion of registration order: of two patterns that both match a request, the
//! one matching a strict subset of the other's requests wins. The relation between two patterns
//! is computed segment by segment and combined:
//!
//! ```text
//!   compare("/b/{x}", "/b/o")     segment "b" vs "b": equivalent
//!                                 segment {x}  vs "o": more general
//!                                 => "/b/{x}" is more general; "/b/o" wins where both match
//!   compare("/b/{x}", "/{y}/o")   more specific, then more general => overlaps: a conflict
//! ```
//!
//! Two patterns with the same host conflict when they are equivalent or merely overlap: then no
//! answer to "which one serves `/b/o`?" exists, and registration fails naming both.

use super::pattern::{Pattern, Segment};

/// How the request sets of two patterns relate (Go's `relationship`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// Both match the same requests.
    Equivalent,
    /// The first matches everything the second does, and more.
    MoreGeneral,
    /// The second matches everything the first does, and more.
    MoreSpecific,
    /// No request matches both.
    Disjoint,
    /// Some request matches both, but neither is more specific.
    Overlaps,
}

use Relationship::*;

impl Relationship {
    fn inverse(self) -> Relationship {
        match self {
            MoreGeneral => MoreSpecific,
            MoreSpecific => MoreGeneral,
            r => r,
        }
    }

    /// Go's `combineRelationships`: the relation of two sequences from the relations of parts.
    pub fn combine(self, r2: Relationship) -> Relationship {
        match self {
            Equivalent => r2,
            Disjoint => Disjoint,
            Overlaps if r2 == Disjoint => Disjoint,
            Overlaps => Overlaps,
            MoreGeneral | MoreSpecific => match r2 {
                Equivalent => self,
                r if r == self.inverse() => Overlaps,
                r => r,
            },
        }
    }
}

/// Whether `p1` and `p2` may not both be registered (Go's `conflictsWith`). Patterns for
/// different hosts never conflict: the host is matched first, exactly.
pub fn conflicts(p1: &Pattern, p2: &Pattern) -> bool {
    if p1.host() != p2.host() {
        return false;
    }
    matches!(compare_paths_and_methods(p1, p2), Equivalent | Overlaps)
}

/// Go's `comparePathsAndMethods`.
pub fn compare_paths_and_methods(p1: &Pattern, p2: &Pattern) -> Relationship {
    let m = compare_methods(p1, p2);
    if m == Disjoint {
        return Disjoint;
    }
    m.combine(compare_paths(p1, p2))
}

/// Go's `compareMethods`: no method is more general than any; `GET` is more general than
/// `HEAD`, because a `GET` pattern also serves `HEAD`.
pub fn compare_methods(p1: &Pattern, p2: &Pattern) -> Relationship {
    let (a, b) = (p1.method(), p2.method());
    if a == b {
        Equivalent
    } else if a.is_empty() {
        MoreGeneral
    } else if b.is_empty() {
        MoreSpecific
    } else if a == "GET" && b == "HEAD" {
        MoreGeneral
    } else if a == "HEAD" && b == "GET" {
        MoreSpecific
    } else {
        Disjoint
    }
}

// ANCHOR: compare_paths
/// Go's `comparePaths`: the relation of the two sets of paths.
pub fn compare_paths(p1: &Pattern, p2: &Pattern) -> Relationship {
    let (s1, s2) = (p1.segments(), p2.segments());
    // Different lengths can only meet when the shorter one ends in a multi wildcard.
    if s1.len() != s2.len() && !p1.ends_in_multi() && !p2.ends_in_multi() {
        return Disjoint;
    }
    let mut rel = Equivalent;
    for (a, b) in s1.iter().zip(s2) {
        rel = rel.combine(compare_segments(a, b));
        if rel == Disjoint {
            return rel;
        }
    }
    if s1.len() == s2.len() {
        return rel;
    }
    // One ran out. Its multi wildcard — compared above against a segment of the longer one —
    // also matches whatever follows, so it is more general.
    if s1.len() < s2.len() && p1.ends_in_multi() {
        return rel.combine(MoreGeneral);
    }
    if s2.len() < s1.len() && p2.ends_in_multi() {
        return rel.combine(MoreSpecific);
    }
    Disjoint
}
// ANCHOR_END: compare_paths

/// Go's `compareSegments`: one segment against one segment.
pub fn compare_segments(a: &Segment, b: &Segment) -> Relationship {
    use Segment::*;
    match (a, b) {
        (Multi(_), Multi(_)) => Equivalent,
        (Multi(_), _) => MoreGeneral,
        (_, Multi(_)) => MoreSpecific,
        (Wild(_), Wild(_)) => Equivalent,
        // A single wildcard never matches the empty last segment `{$}` stands for.
        (Wild(_), Lit(l)) => {
            if l == "/" {
                Disjoint
            } else {
                MoreGeneral
            }
        }
        (Lit(l), Wild(_)) => {
            if l == "/" {
                Disjoint
            } else {
                MoreSpecific
            }
        }
        (Lit(x), Lit(y)) => {
            if x == y {
                Equivalent
            } else {
                Disjoint
            }
        }
    }
}

// ANCHOR: describe
/// Go's `describeConflict`: why `p1` and `p2` conflict, with example paths when the paths
/// overlap. Only meaningful when [`conflicts`] holds.
pub fn describe_conflict(p1: &Pattern, p2: &Pattern) -> String {
    let m = compare_methods(p1, p2);
    let p = compare_paths(p1, p2);
    let rel = m.combine(p);
    if rel == Equivalent {
        return format!("{p1} matches the same requests as {p2}");
    }
    if p == Overlaps {
        return format!(
            "{p1} and {p2} both match some paths, like {:?}.\n\
             But neither is more specific than the other.\n\
             {p1} matches {:?}, but {p2} doesn't.\n\
             {p2} matches {:?}, but {p1} doesn't.",
            common_path(p1, p2),
            difference_path(p1, p2),
            difference_path(p2, p1),
        );
    }
    if m == MoreGeneral && p == MoreSpecific {
        return format!(
            "{p1} matches more methods than {p2}, but has a more specific path pattern"
        );
    }
    if m == MoreSpecific && p == MoreGeneral {
        return format!(
            "{p1} matches fewer methods than {p2}, but has a more general path pattern"
        );
    }
    format!("unexpected way for two patterns {p1} and {p2} to conflict: methods {m:?}, paths {p:?}")
}
// ANCHOR_END: describe

/// Go's `writeSegment`: a segment as it appears in an example path (wildcards by their name).
fn write_segment(out: &mut String, s: &Segment) {
    out.push('/');
    match s {
        Segment::Multi(_) => {}
        Segment::Lit(l) if l == "/" => {}
        Segment::Lit(t) | Segment::Wild(t) => out.push_str(t),
    }
}

fn write_rest(out: &mut String, segs: &[Segment]) {
    for s in segs {
        write_segment(out, s);
    }
}

/// Go's `commonPath`: a path both patterns match.
fn common_path(p1: &Pattern, p2: &Pattern) -> String {
    let (s1, s2) = (p1.segments(), p2.segments());
    let mut out = String::new();
    for (a, b) in s1.iter().zip(s2) {
        if matches!(a, Segment::Wild(_) | Segment::Multi(_)) {
            write_segment(&mut out, b);
        } else {
            write_segment(&mut out, a);
        }
    }
    let n = s1.len().min(s2.len());
    if s1.len() > n {
        write_rest(&mut out, &s1[n..]);
    } else {
        write_rest(&mut out, &s2[n..]);
    }
    out
}

/// Go's `differencePath`: a path `p1` matches and `p2` does not.
fn difference_path(p1: &Pattern, p2: &Pattern) -> String {
    use Segment::*;
    let (s1, s2) = (p1.segments(), p2.segments());
    let mut out = String::new();
    for (a, b) in s1.iter().zip(s2) {
        match (a, b) {
            (Multi(_), Multi(_)) => {
                out.push('/');
                return out;
            }
            (Multi(name), _) => {
                out.push('/');
                if b.is_dollar() {
                    out.push_str(if name.is_empty() { "x" } else { name });
                }
                return out;
            }
            (_, Multi(_)) => write_segment(&mut out, a),
            (Wild(_), Wild(_)) => write_segment(&mut out, a),
            (Wild(x), Lit(y)) => {
                if x != y {
                    write_segment(&mut out, a);
                } else {
                    out.push('/');
                    out.push_str(y);
                    out.push('x');
                }
            }
            (Lit(_), Wild(_)) => write_segment(&mut out, a),
            (Lit(_), Lit(_)) => write_segment(&mut out, a),
        }
    }
    let n = s1.len().min(s2.len());
    if s1.len() > n {
        write_rest(&mut out, &s1[n..]);
    } else {
        write_rest(&mut out, &s2[n..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: &str, b: &str) -> Relationship {
        compare_paths_and_methods(&Pattern::parse(a).unwrap(), &Pattern::parse(b).unwrap())
    }

    #[test]
    fn relations_of_pairs() {
        assert_eq!(rel("/a", "/a"), Equivalent);
        assert_eq!(rel("/a", "/b"), Disjoint);
        assert_eq!(rel("/{x}", "/a"), MoreGeneral);
        assert_eq!(rel("/a", "/{x}"), MoreSpecific);
        assert_eq!(rel("/b/{x}", "/{y}/o"), Overlaps);
        assert_eq!(rel("/", "/a/b"), MoreGeneral);
        assert_eq!(rel("/a/", "/a/{$}"), MoreGeneral);
        assert_eq!(rel("/{x}", "/{$}"), Disjoint);
        assert_eq!(rel("/a/{x...}", "/a/"), Equivalent);
        assert_eq!(rel("GET /a", "/a"), MoreSpecific);
        assert_eq!(rel("GET /a", "HEAD /a"), MoreGeneral);
        assert_eq!(rel("GET /a", "POST /a"), Disjoint);
        assert_eq!(rel("GET /{x}", "/a"), Overlaps);
        assert_eq!(rel("/a/b", "/a"), Disjoint);
    }

    #[test]
    fn conflict_descriptions_use_go_wording() {
        let d = |a: &str, b: &str| {
            describe_conflict(&Pattern::parse(a).unwrap(), &Pattern::parse(b).unwrap())
        };
        assert_eq!(
            d("/a/{x}", "/a/{y}"),
            "/a/{x} matches the same requests as /a/{y}"
        );
        assert_eq!(
            d("/b/{x}", "/{y}/o"),
            "/b/{x} and /{y}/o both match some paths, like \"/b/o\".\n\
             But neither is more specific than the other.\n\
             /b/{x} matches \"/b/x\", but /{y}/o doesn't.\n\
             /{y}/o matches \"/y/o\", but /b/{x} doesn't."
        );
        assert_eq!(
            d("GET /{x}", "/a"),
            "GET /{x} matches fewer methods than /a, but has a more general path pattern"
        );
        assert_eq!(
            d("/a", "GET /{x}"),
            "/a matches more methods than GET /{x}, but has a more specific path pattern"
        );
    }
}
