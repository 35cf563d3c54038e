//! The routing tree: Go 1.22's `routingNode` (`net/http/routing_tree.go`).
//!
//! One tree holds every pattern. Its first level is keyed by host, its second by method, and
//! below that one level per path segment:
//!
//! ```text
//!   root ── "example.com" ── "GET" ── "b" ── {} ── "o" ── {...}   GET example.com/b/{x}/o/{y...}
//!     └──── (any host) ───── "GET" ── "b" ── "o"                  GET /b/o
//!                └────────── (any method) ── "static" ── {...}    /static/
//! ```
//!
//! A node has three kinds of child: literal children (host names, methods, unescaped segments;
//! a short vector, or a hash map past eight, as Go's `mapping`), one `empty` child (a single
//! wildcard — or, one level up, "any host" and "any method"), and one `multi` child (a `{x...}`
//! or trailing-slash wildcard, always a leaf). Matching tries them in that order and backtracks,
//! so a literal beats a wildcard, which beats a multi wildcard, at every segment. Together with
//! the conflict check at registration, that order finds the most specific pattern without ever
//! comparing patterns while serving, and a lookup costs one child look-up per segment, however
//! many patterns there are.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;

use super::children::Children;
use super::pattern::{path_unescape, unescape, Pattern, Segment};

/// What a leaf of the tree holds: the pattern, and the number the mux keeps its handler under.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// The pattern that ends here.
    pub pattern: Arc<Pattern>,
    /// Its registration number.
    pub id: usize,
}

/// One node of the routing tree (Go's `routingNode`).
#[derive(Debug, Default)]
pub struct Node {
    leaf: Option<Leaf>,
    children: Children<Node>,
    /// The single-wildcard child (Go's `emptyChild`, key `""`).
    empty: Option<Box<Node>>,
    /// The multi-wildcard child, a leaf.
    multi: Option<Box<Node>>,
}

impl Node {
    // ANCHOR: add
    /// Adds `p`: host level, method level, then one level per segment (Go's `addPattern`).
    /// The caller has checked that `p` conflicts with nothing, so its leaf is free.
    pub fn add(&mut self, p: Arc<Pattern>, id: usize) {
        let n = self.child_mut(p.host()).child_mut(p.method());
        let leaf = Leaf {
            pattern: p.clone(),
            id,
        };
        let mut n = n;
        for seg in p.segments() {
            n = match seg {
                // A multi wildcard is always last: its node is the leaf.
                Segment::Multi(_) => n.multi.get_or_insert_with(Default::default),
                Segment::Wild(_) => n.child_mut(""),
                Segment::Lit(s) => n.child_mut(s),
            };
        }
        n.leaf = Some(leaf);
    }
    // ANCHOR_END: add

    /// The child for `key`, created if missing; the empty key is the wildcard child (so, like
    /// Go, an empty literal segment of a pattern such as `/a//b` acts as a wildcard).
    fn child_mut(&mut self, key: &str) -> &mut Node {
        if key.is_empty() {
            return self.empty.get_or_insert_with(Default::default);
        }
        self.children.get_or_insert(key)
    }

    fn child(&self, key: &str) -> Option<&Node> {
        if key.is_empty() {
            return self.empty.as_deref();
        }
        self.children.get(key)
    }

    // ANCHOR: match
    // ANCHOR: match_host_method
    /// The leaf for `host`, `method` and the escaped, cleaned `path`, with the wildcard values
    /// (Go's `routingNode.match`): host-specific patterns first, then host-less ones.
    pub fn find<'p>(
        &self,
        host: &str,
        method: &str,
        path: &'p str,
        matches: &mut Vec<Cow<'p, str>>,
    ) -> Option<&Leaf> {
        if !host.is_empty() {
            if let Some(l) = self
                .children
                .get(host)
                .and_then(|n| n.find_method_and_path(method, path, matches))
            {
                return Some(l);
            }
        }
        self.empty
            .as_deref()
            .and_then(|n| n.find_method_and_path(method, path, matches))
    }

    /// The request's method, then `GET` for a `HEAD`, then the patterns with no method.
    fn find_method_and_path<'p>(
        &self,
        method: &str,
        path: &'p str,
        matches: &mut Vec<Cow<'p, str>>,
    ) -> Option<&Leaf> {
        if let Some(l) = self.child(method).and_then(|n| n.find_path(path, matches)) {
            return Some(l);
        }
        if method == "HEAD" {
            if let Some(l) = self.child("GET").and_then(|n| n.find_path(path, matches)) {
                return Some(l);
            }
        }
        self.empty
            .as_deref()
            .and_then(|n| n.find_path(path, matches))
    }
    // ANCHOR_END: match_host_method

    // ANCHOR: match_path
    /// Matches the rest of the path below this node: literal child, then wildcard child, then
    /// multi child, backtracking when a branch fails (Go's `matchPath`).
    fn find_path<'p>(&self, path: &'p str, matches: &mut Vec<Cow<'p, str>>) -> Option<&Leaf> {
        if path.is_empty() {
            return self.leaf.as_ref();
        }
        let (seg, rest) = first_segment(path);
        if let Some(l) = self.child(&seg).and_then(|c| c.find_path(rest, matches)) {
            return Some(l);
        }
        // A single wildcard matches any segment but the empty last one that `{$}` names.
        if seg != "/" {
            if let Some(c) = self.empty.as_deref() {
                let before = matches.len();
                matches.push(seg);
                if let Some(l) = c.find_path(rest, matches) {
                    return Some(l);
                }
                matches.truncate(before);
            }
        }
        let leaf = self.multi.as_deref()?.leaf.as_ref()?;
        if leaf.pattern.last().wildcard_name().is_some() {
            // The rest without its leading slash, unescaped as a whole: `%2F` becomes `/`.
            matches.push(Cow::Owned(path_unescape(path.get(1..).unwrap_or(""))));
        }
        Some(leaf)
    }
    // ANCHOR_END: match_path
    // ANCHOR_END: match

    /// Adds to `set` every method whose patterns (for `host`, then for any host) match `path`;
    /// `HEAD` whenever `GET` is there (Go's `matchingMethods`). Patterns with no method are not
    /// looked at: had one matched, there would be no 405 to answer.
    pub fn matching_methods(&self, host: &str, path: &str, set: &mut BTreeSet<String>) {
        let mut scratch = Vec::new();
        let mut methods_of = |n: Option<&Node>| {
            for (method, c) in n.into_iter().flat_map(|n| n.children.iter()) {
                scratch.clear();
                if c.find_path(path, &mut scratch).is_some() {
                    set.insert(method.to_string());
                }
            }
        };
        if !host.is_empty() {
            methods_of(self.children.get(host));
        }
        methods_of(self.empty.as_deref());
        if set.contains("GET") {
            set.insert("HEAD".to_owned());
        }
    }

    // ANCHOR: render
    /// The tree drawn one node per line, children sorted: literal keys quoted, `{}` for the
    /// wildcard child, `{...}` for the multi child, `*` for "any host" and "any method", and
    /// `=> PATTERN` where a pattern ends.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        // Depth 0 is the root, depth 1 the host level, depth 2 the method level.
        let mut children: Vec<(&str, &Node)> = self.children.iter().collect();
        children.sort_by_key(|(k, _)| *k);
        let line = |out: &mut String, label: &str, n: &Node| {
            let _ = write!(out, "{:indent$}{label}", "", indent = 2 * depth);
            if let Some(l) = &n.leaf {
                let _ = write!(out, "  => {}", l.pattern);
            }
            out.push('\n');
        };
        let any = if depth == 0 {
            "* (any host)"
        } else {
            "* (any method)"
        };
        for (k, n) in children {
            line(out, &format!("{k:?}"), n);
            n.render_into(out, depth + 1);
        }
        if let Some(n) = self.empty.as_deref() {
            line(out, if depth < 2 { any } else { "{}" }, n);
            n.render_into(out, depth + 1);
        }
        if let Some(n) = self.multi.as_deref() {
            line(out, "{...}", n);
        }
    }
    // ANCHOR_END: render
}

/// Go's `firstSegment`: the first segment of `path` unescaped, and what follows it. The path
/// `/` is the segment `/` itself, so that `{$}` (stored as the literal `/`) matches it.
fn first_segment(path: &str) -> (Cow<'_, str>, &str) {
    if path == "/" {
        return (Cow::Borrowed("/"), "");
    }
    // Paths reaching the tree start with '/'; `get` keeps anything else from panicking.
    let p = path.get(1..).unwrap_or("");
    let i = p.find('/').unwrap_or(p.len());
    let seg = &p[..i];
    (unescape(seg).unwrap_or(Cow::Borrowed(seg)), &p[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(patterns: &[&str]) -> Node {
        let mut root = Node::default();
        for (id, p) in patterns.iter().enumerate() {
            root.add(Arc::new(Pattern::parse(p).unwrap()), id);
        }
        root
    }

    fn find(t: &Node, host: &str, method: &str, path: &str) -> Option<(String, Vec<String>)> {
        let mut m = Vec::new();
        let l = t.find(host, method, path, &mut m)?;
        Some((
            l.pattern.to_string(),
            m.into_iter().map(Cow::into_owned).collect(),
        ))
    }

    #[test]
    fn literal_beats_wildcard_beats_multi() {
        let t = tree(&["/a/b", "/a/{x}", "/a/", "/{y}/c"]);
        assert_eq!(find(&t, "", "GET", "/a/b"), Some(("/a/b".into(), vec![])));
        assert_eq!(
            find(&t, "", "GET", "/a/z"),
            Some(("/a/{x}".into(), vec!["z".into()]))
        );
        assert_eq!(find(&t, "", "GET", "/a/z/w"), Some(("/a/".into(), vec![])));
        // "/a/c": literal "a" then no "c" child, wildcard {x} matches "c" first.
        assert_eq!(
            find(&t, "", "GET", "/a/c"),
            Some(("/a/{x}".into(), vec!["c".into()]))
        );
        // Backtracking: "/q/c" fails under no literal, then {y} = "q".
        assert_eq!(
            find(&t, "", "GET", "/q/c"),
            Some(("/{y}/c".into(), vec!["q".into()]))
        );
        assert_eq!(find(&t, "", "GET", "/q/d"), None);
    }

    #[test]
    fn segments_are_unescaped_one_by_one() {
        let t = tree(&["/a/{x}", "/b/{rest...}", "/a%2Fb"]);
        assert_eq!(
            find(&t, "", "GET", "/a/x%2Fy"),
            Some(("/a/{x}".into(), vec!["x/y".into()]))
        );
        assert_eq!(
            find(&t, "", "GET", "/a%2Fb"),
            Some(("/a%2Fb".into(), vec![]))
        );
        assert_eq!(
            find(&t, "", "GET", "/b/c%2Fd/e"),
            Some(("/b/{rest...}".into(), vec!["c/d/e".into()]))
        );
    }

    #[test]
    fn dollar_host_and_head() {
        let t = tree(&["/a/{$}", "/a/{x}", "GET h.com/a/{x}", "GET /g"]);
        assert_eq!(find(&t, "", "GET", "/a/"), Some(("/a/{$}".into(), vec![])));
        assert_eq!(
            find(&t, "h.com", "HEAD", "/a/q"),
            Some(("GET h.com/a/{x}".into(), vec!["q".into()]))
        );
        assert_eq!(
            find(&t, "h.com", "POST", "/a/q"),
            Some(("/a/{x}".into(), vec!["q".into()]))
        );
        assert_eq!(find(&t, "", "POST", "/g"), None);
        let mut set = BTreeSet::new();
        t.matching_methods("", "/g", &mut set);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), ["GET", "HEAD"]);
    }

    #[test]
    fn render_draws_every_level() {
        let t = tree(&["GET /a/{x}", "/a/", "h.com/{$}"]);
        assert_eq!(
            t.render(),
            "\"h.com\"\n  * (any method)\n    \"/\"  => h.com/{$}\n\
             * (any host)\n  \"GET\"\n    \"a\"\n      {}  => GET /a/{x}\n\
             \x20 * (any method)\n    \"a\"\n      {...}  => /a/\n"
        );
    }
}
