//! The compressed prefix tree at the heart of httprouter and gin.
//!
//! One [`Tree`] holds the routes of one HTTP method (the [`Engine`](crate::Engine)
//! keeps one per method, like gin's `methodTrees`). Each [`Node`] owns a slice of
//! path bytes; the concatenation of the paths from the root to a node spells the
//! route prefix it stands for. A node's static children are found through
//! `indices`, a string holding the first byte of each child's path; a node with
//! `wild_child` set also has one wildcard child (`:param` or the catch-all pair),
//! always the *last* child. Children are kept ordered by `priority`, the number
//! of routes below them, so that the byte scan over `indices` meets the busiest
//! branches first.
//!
//! The algorithms follow gin 1.8.1's `tree.go`:
//! - [`Tree::insert`] is `addRoute` + `insertChild`: find the longest common
//!   prefix with the current node, split the node if the prefix is shorter than
//!   its path, then either descend (static byte in `indices`, matching wildcard)
//!   or hang the rest of the route below as new nodes.
//! - [`Tree::get`] is `getValue`: walk down consuming node paths; at a node that
//!   has both a matching static child and a wildcard child, try the static child
//!   first and come back to the wildcard if it dead-ends (gin's `skippedNodes`).
//!   gin gives up without backtracking in some dead ends (after a parameter, or
//!   when a trailing-slash redirect is possible); the port reproduces that so
//!   that an `Engine` answers exactly like gin.
//!
//! Unlike gin, a refused route does not panic: it returns an
//! [`InsertError`] and leaves the tree untouched.

use crate::error::InsertError;
use crate::params::{Captures, Params};

/// What a node stands for (gin's `nodeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    /// A plain run of path bytes.
    Static,
    /// The first node of the tree.
    Root,
    /// A `:name` segment.
    Param,
    /// A `*name` tail: an empty node (reached through `indices` by `/`) whose
    /// single wildcard child holds `/*name` and the value.
    CatchAll,
}

impl NodeType {
    /// Lower-case name used by the printer.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Static => "static",
            NodeType::Root => "root",
            NodeType::Param => "param",
            NodeType::CatchAll => "catchAll",
        }
    }
}

/// One node of the tree. Fields mirror gin's `node` struct.
pub struct Node<T> {
    /// The bytes this node consumes. Bytes, not `str`: a split may fall inside
    /// a multi-byte character, exactly as in gin.
    pub(crate) path: Vec<u8>,
    /// First byte of each *static* child, in the same order as `children`.
    pub(crate) indices: Vec<u8>,
    /// Whether the last child is a wildcard (param or catch-all).
    pub(crate) wild_child: bool,
    pub(crate) node_type: NodeType,
    /// Number of routes registered at or below this node.
    pub(crate) priority: u32,
    /// Static children first (ordered by priority), then at most one wildcard.
    pub(crate) children: Vec<Node<T>>,
    pub(crate) value: Option<T>,
    /// The route that registered `value` (gin's `fullPath`); empty otherwise.
    pub(crate) full_path: Box<str>,
    /// A wildcard node's parameter name (`:name` and `/*name` give `name`), cut out of the route
    /// once at insert time so that a lookup hands it out as it is; empty for other nodes.
    wildcard_key: Box<str>,
}

impl<T> Node<T> {
    fn empty() -> Self {
        Node {
            path: Vec::new(),
            indices: Vec::new(),
            wild_child: false,
            node_type: NodeType::Static,
            priority: 0,
            children: Vec::new(),
            value: None,
            full_path: "".into(),
            wildcard_key: "".into(),
        }
    }

    // ANCHOR: prio
    /// Bump the priority of child `pos` and move it forward past children with a
    /// lower priority, keeping `indices` in step. Returns its new position.
    fn increment_child_prio(&mut self, pos: usize) -> usize {
        self.children[pos].priority += 1;
        let prio = self.children[pos].priority;
        let mut new_pos = pos;
        while new_pos > 0 && self.children[new_pos - 1].priority < prio {
            new_pos -= 1;
        }
        if new_pos != pos {
            self.children[new_pos..=pos].rotate_right(1);
            self.indices[new_pos..=pos].rotate_right(1);
        }
        new_pos
    }
    // ANCHOR_END: prio

    /// Add a child, keeping the wildcard child (if any) last. Returns its index.
    fn add_child(&mut self, child: Node<T>) -> usize {
        if self.wild_child && !self.children.is_empty() {
            let at = self.children.len() - 1;
            self.children.insert(at, child);
            at
        } else {
            self.children.push(child);
            self.children.len() - 1
        }
    }

    /// Some route registered at or below this node (used to name the existing
    /// route in conflict errors).
    fn any_route(&self) -> &str {
        if self.value.is_some() {
            return &self.full_path;
        }
        self.children
            .iter()
            .map(Node::any_route)
            .find(|r| !r.is_empty())
            .unwrap_or("")
    }

    /// The parameter name of a wildcard node: `:name` -> `name`, `/*name` -> `name`.
    #[inline(always)]
    fn wildcard_key(&self) -> &str {
        &self.wildcard_key
    }
}

/// A successful lookup.
#[derive(Debug)]
pub struct Match<'t, 'p, T> {
    /// The value stored with the route.
    pub value: &'t T,
    /// The captured parameters, in route order.
    pub params: Params<'t, 'p>,
    /// The route as it was registered, e.g. `/user/:name` (gin's `FullPath()`).
    pub full_path: &'t str,
}

/// A failed lookup. `tsr` is gin's trailing-slash recommendation: a route
/// exists for the path with a trailing slash added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFound {
    /// Whether redirecting to the path with (without) a trailing slash would match.
    pub tsr: bool,
}

/// A radix tree mapping routes (`/user/:name`, `/src/*filepath`) to values.
pub struct Tree<T> {
    pub(crate) root: Node<T>,
    len: usize,
}

/// The number of routes; `Display` prints the nodes, one per line.
impl<T> std::fmt::Debug for Tree<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tree")
            .field("routes", &self.len)
            .finish_non_exhaustive()
    }
}

impl<T> Default for Tree<T> {
    fn default() -> Self {
        Tree::new()
    }
}

/// Result of walking one subtree during `get`.
enum Walk<'t, T> {
    Found(&'t Node<T>),
    /// gin returns at once from this dead end (no backtracking).
    Stop {
        tsr: bool,
    },
    /// gin would pop a skipped node and try the wildcard there; with nothing
    /// left to pop, `tsr` is the answer.
    Backtrack {
        tsr: bool,
    },
}

impl<T> Tree<T> {
    /// An empty tree.
    pub fn new() -> Self {
        Tree {
            root: Node::empty(),
            len: 0,
        }
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no route was inserted.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Register `value` under `route`.
    ///
    /// Static segments, `:name` parameters (up to the next `/`) and one final
    /// `*name` catch-all are understood. The route is refused (and the tree left
    /// unchanged) in every case gin panics; see [`InsertError`].
    pub fn insert(&mut self, route: &str, value: T) -> Result<(), InsertError> {
        validate(route)?;
        self.check(route)?;
        self.apply(route, value);
        self.len += 1;
        Ok(())
    }

    /// Read-only dry run of `apply`: walks the tree the same way and reports the
    /// conflict `apply` would run into. Keeping the two apart is what lets a
    /// refused insert leave the tree untouched.
    fn check(&self, route: &str) -> Result<(), InsertError> {
        let mut n = &self.root;
        if n.path.is_empty() && n.children.is_empty() {
            return Ok(());
        }
        let full = route.as_bytes();
        let mut path = full;
        // Offset in `route` where `n.path` starts.
        let mut offset = 0;
        loop {
            let i = common_prefix(path, &n.path);
            if i < n.path.len() {
                // `apply` splits `n` here; only a catch-all can then conflict:
                // it would sit beside the existing rest of `n.path`.
                if path.get(i) == Some(&b'*') {
                    return Err(catch_all_conflict(route, offset + i, &n.path[i..], n));
                }
                return Ok(());
            }
            if i == path.len() {
                if n.value.is_some() {
                    return Err(InsertError::Duplicate {
                        route: route.to_string(),
                    });
                }
                return Ok(());
            }
            path = &path[i..];
            offset += i;
            let c = path[0];
            if n.node_type == NodeType::Param && c == b'/' && n.children.len() == 1 {
                n = &n.children[0];
                continue;
            }
            if let Some(pos) = find_index(&n.indices, c) {
                n = &n.children[pos];
                continue;
            }
            if c != b':' && c != b'*' && n.node_type != NodeType::CatchAll {
                return Ok(()); // a new static child
            }
            if n.wild_child {
                let w = &n.children[n.children.len() - 1];
                let same_wildcard = path.starts_with(&w.path)
                    && w.node_type != NodeType::CatchAll
                    && (w.path.len() >= path.len() || path[w.path.len()] == b'/');
                if same_wildcard {
                    n = w;
                    continue;
                }
                if w.node_type == NodeType::CatchAll && path == &w.path[..] {
                    // gin words this as a wildcard conflict; it is the same route twice.
                    return Err(InsertError::Duplicate {
                        route: route.to_string(),
                    });
                }
                return Err(wildcard_conflict(route, path, w));
            }
            if c == b'*' {
                // A catch-all directly below an existing node whose path ends in '/'.
                let existing = n.children.first().map_or(&[][..], |ch| &ch.path[..]);
                return Err(catch_all_conflict(route, offset, existing, n));
            }
            return Ok(()); // a new param child
        }
    }

    /// gin's `addRoute`, run only after `check` passed.
    // ANCHOR: apply_split
    fn apply(&mut self, route: &str, value: T) {
        let root = &mut self.root;
        root.priority += 1;
        if root.path.is_empty() && root.children.is_empty() {
            insert_child(root, route.as_bytes(), route, value);
            self.root.node_type = NodeType::Root;
            return;
        }
        let mut n = root;
        let mut path = route.as_bytes();
        loop {
            let i = common_prefix(path, &n.path);

            // Split edge: the common prefix is shorter than this node's path.
            // The node keeps the prefix; its old tail becomes its only child.
            if i < n.path.len() {
                let child = Node {
                    path: n.path[i..].to_vec(),
                    indices: std::mem::take(&mut n.indices),
                    wild_child: n.wild_child,
                    node_type: NodeType::Static,
                    priority: n.priority - 1,
                    children: std::mem::take(&mut n.children),
                    value: n.value.take(),
                    full_path: std::mem::take(&mut n.full_path),
                    wildcard_key: std::mem::take(&mut n.wildcard_key),
                };
                n.indices = vec![n.path[i]];
                n.path.truncate(i);
                n.children = vec![child];
                n.wild_child = false;
            }

            if i == path.len() {
                // The route ends exactly at this node.
                n.value = Some(value);
                n.full_path = route.into();
                return;
            }
            // ANCHOR_END: apply_split
            // ANCHOR: apply_descend

            path = &path[i..];
            let c = path[0];

            // '/' after a param: the param's only child is the rest.
            if n.node_type == NodeType::Param && c == b'/' && n.children.len() == 1 {
                n = &mut n.children[0];
                n.priority += 1;
                continue;
            }

            // A static child starting with the next byte exists: descend.
            if let Some(pos) = find_index(&n.indices, c) {
                let pos = n.increment_child_prio(pos);
                n = &mut n.children[pos];
                continue;
            }

            if c != b':' && c != b'*' && n.node_type != NodeType::CatchAll {
                // New static child.
                n.indices.push(c);
                n.add_child(Node::empty());
                let pos = n.increment_child_prio(n.indices.len() - 1);
                insert_child(&mut n.children[pos], path, route, value);
                return;
            }

            if n.wild_child {
                // Same wildcard as the existing one (`check` made sure): go on.
                let last = n.children.len() - 1;
                n = &mut n.children[last];
                n.priority += 1;
                continue;
            }

            insert_child(n, path, route, value);
            return;
            // ANCHOR_END: apply_descend
        }
    }

    /// Look `path` up (gin's `getValue`). On a miss, [`NotFound::tsr`] says
    /// whether the path with a trailing slash added or removed would match.
    // Always inlined: `Match` carries the inline parameter array, and building
    // it in the caller's frame avoids copying that array on return.
    #[inline(always)]
    pub fn get<'t, 'p>(&'t self, path: &'p str) -> Result<Match<'t, 'p, T>, NotFound> {
        let mut params = Params::new();
        let (value, full_path) = self.lookup(path, &mut params)?;
        Ok(Match {
            value,
            params,
            full_path,
        })
    }

    /// [`get`](Self::get) with the parameters recorded in `captures`: the engine keeps their
    /// positions in the path rather than the text. Returns the value and the route.
    #[inline(always)]
    pub(crate) fn lookup<'t, 'p, C: Captures<'t, 'p>>(
        &'t self,
        path: &'p str,
        captures: &mut C,
    ) -> Result<(&'t T, &'t str), NotFound> {
        match self.root.walk(path, 0, captures) {
            Walk::Found(node) => match &node.value {
                Some(value) => Ok((value, &node.full_path)),
                None => Err(NotFound { tsr: false }),
            },
            Walk::Stop { tsr } | Walk::Backtrack { tsr } => Err(NotFound { tsr }),
        }
    }

    /// Case-insensitive lookup (gin's `findCaseInsensitivePath`): returns the
    /// path spelled as registered, optionally also fixing a trailing slash.
    pub fn find_case_insensitive_path(
        &self,
        path: &str,
        fix_trailing_slash: bool,
    ) -> Option<String> {
        let mut out = Vec::with_capacity(path.len() + 1);
        if self
            .root
            .find_case_insensitive(path.as_bytes(), &mut out, [0; 4], fix_trailing_slash)
        {
            String::from_utf8(out).ok()
        } else {
            None
        }
    }
}

impl<T> Node<T> {
    /// Walk this subtree for `path[pos..]`. Recursion happens only at nodes that
    /// have both a matching static child and a wildcard child: the recursive call
    /// is gin's "push a skipped node and take the static child".
    // ANCHOR: walk_static
    fn walk<'t, 'p, C: Captures<'t, 'p>>(
        &'t self,
        path: &'p str,
        mut pos: usize,
        params: &mut C,
    ) -> Walk<'t, T> {
        let bytes = path.as_bytes();
        let mut n = self;
        loop {
            let rest = &bytes[pos..];
            let prefix = &n.path[..];
            if rest.len() > prefix.len() {
                if has_prefix(rest, prefix) {
                    pos += prefix.len();
                    let c = bytes[pos];

                    // Static children first, through `indices`.
                    if let Some(i) = find_index(&n.indices, c) {
                        if !n.wild_child {
                            n = &n.children[i];
                            continue;
                        }
                        let mark = params.len();
                        match n.children[i].walk(path, pos, params) {
                            Walk::Backtrack { .. } => params.truncate(mark),
                            done => return done,
                        }
                    } else if !n.wild_child {
                        // Dead end. A lone '/' left: recommend dropping it.
                        return if &bytes[pos..] == b"/" {
                            Walk::Stop {
                                tsr: n.value.is_some(),
                            }
                        } else {
                            Walk::Backtrack { tsr: false }
                        };
                    }
                    // ANCHOR_END: walk_static

                    // ANCHOR: walk_wild
                    // The wildcard child, always last.
                    let w = &n.children[n.children.len() - 1];
                    let rest = &bytes[pos..];
                    if w.node_type == NodeType::CatchAll {
                        params.capture(w.wildcard_key(), path, pos..path.len());
                        return Walk::Found(w);
                    }
                    // A param runs up to the next '/'.
                    let end = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
                    params.capture(w.wildcard_key(), path, pos..pos + end);
                    if end < rest.len() {
                        if let Some(next) = w.children.first() {
                            pos += end;
                            n = next;
                            continue;
                        }
                        return Walk::Stop {
                            tsr: rest.len() == end + 1,
                        };
                    }
                    if w.value.is_some() {
                        return Walk::Found(w);
                    }
                    let tsr = w.children.len() == 1 && {
                        let c = &w.children[0];
                        (c.path == b"/" && c.value.is_some())
                            || (c.path.is_empty() && c.indices == b"/")
                    };
                    return Walk::Stop { tsr };
                    // ANCHOR_END: walk_wild
                }
            // ANCHOR: walk_end
            } else if rest.len() == prefix.len() && has_prefix(rest, prefix) {
                if n.value.is_some() {
                    return Walk::Found(n);
                }
                // No value here: is there one with a trailing slash added?
                let slash_child = find_index(&n.indices, b'/').is_some_and(|i| {
                    let c = &n.children[i];
                    (c.path.len() == 1 && c.value.is_some())
                        || (c.node_type == NodeType::CatchAll
                            && c.children.first().is_some_and(|l| l.value.is_some()))
                });
                if rest == b"/" {
                    return Walk::Stop {
                        tsr: (n.wild_child && n.node_type != NodeType::Root) || slash_child,
                    };
                }
                return Walk::Backtrack { tsr: slash_child };
            }

            // The path ends inside this node's path, or differs from it.
            let tsr = rest == b"/"
                || (prefix.len() == rest.len() + 1
                    && prefix[rest.len()] == b'/'
                    && rest == &prefix[..rest.len()]
                    && n.value.is_some());
            return if tsr || rest == b"/" {
                Walk::Stop { tsr }
            } else {
                Walk::Backtrack { tsr: false }
            };
            // ANCHOR_END: walk_end
        }
    }
}

/// gin's `insertChild`: hang `path` (the part of `route` not yet in the tree)
/// below `n`, creating param and catch-all nodes for its wildcards.
fn insert_child<T>(mut n: &mut Node<T>, mut path: &[u8], route: &str, value: T) {
    while let Some((start, end)) = find_wildcard(path) {
        if path[start] == b':' {
            // The static part before the param stays in `n`.
            if start > 0 {
                n.path = path[..start].to_vec();
                path = &path[start..];
            }
            let wildcard = &path[..end - start];
            let mut child = Node::empty();
            child.node_type = NodeType::Param;
            child.path = wildcard.to_vec();
            child.wildcard_key = wildcard_name(&wildcard[1..]);
            let at = n.add_child(child);
            n.wild_child = true;
            n = &mut n.children[at];
            n.priority += 1;

            if wildcard.len() < path.len() {
                // More after the param: it starts with '/', in a fresh static child.
                path = &path[wildcard.len()..];
                let mut child = Node::empty();
                child.priority = 1;
                let at = n.add_child(child);
                n = &mut n.children[at];
                continue;
            }
            n.value = Some(value);
            n.full_path = route.into();
            return;
        }

        // Catch-all: `validate` made sure it is last and follows a '/'.
        let slash = start - 1;
        n.path = path[..slash].to_vec();
        let mut holder = Node::empty();
        holder.wild_child = true;
        holder.node_type = NodeType::CatchAll;
        n.add_child(holder);
        n.indices = vec![b'/'];
        let last = n.children.len() - 1;
        n = &mut n.children[last];
        n.priority += 1;

        let mut leaf = Node::empty();
        leaf.path = path[slash..].to_vec();
        leaf.wildcard_key = wildcard_name(&path[start + 1..end]);
        leaf.node_type = NodeType::CatchAll;
        leaf.priority = 1;
        leaf.value = Some(value);
        leaf.full_path = route.into();
        n.children = vec![leaf];
        return;
    }
    n.path = path.to_vec();
    n.value = Some(value);
    n.full_path = route.into();
}

/// The name of a wildcard from the bytes after its `:` or `*`. They were cut out of a `&str`
/// route at ASCII delimiters (`/`, `:`, `*`, or the end), so they are whole characters; the
/// lossy conversion never replaces anything, it only avoids a panic path.
fn wildcard_name(name: &[u8]) -> Box<str> {
    String::from_utf8_lossy(name).into()
}

/// `rest.starts_with(prefix)` for `rest.len() >= prefix.len()`, without a
/// call into libc's `memcmp`: node paths are short, and the call overhead was
/// half of a static lookup. Compares eight bytes at a time as one `u64`, then
/// the tail of fewer than eight bytes one by one (a 13-byte path is one word
/// compare and five byte compares).
#[inline(always)]
fn has_prefix(rest: &[u8], prefix: &[u8]) -> bool {
    let n = prefix.len();
    let (mut a, mut b) = (&rest[..n], prefix);
    while a.len() >= 8 {
        let (x, xs) = a.split_at(8);
        let (y, ys) = b.split_at(8);
        if u64::from_ne_bytes(x.try_into().unwrap_or([0; 8]))
            != u64::from_ne_bytes(y.try_into().unwrap_or([1; 8]))
        {
            return false;
        }
        a = xs;
        b = ys;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Position of byte `c` in `indices`.
#[inline]
fn find_index(indices: &[u8], c: u8) -> Option<usize> {
    indices.iter().position(|&b| b == c)
}

/// Length of the longest common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The first wildcard in `path`: (start, end) where `path[start]` is `:` or `*`
/// and `end` is the next `/` or the end of the path.
fn find_wildcard(path: &[u8]) -> Option<(usize, usize)> {
    let start = path.iter().position(|&b| b == b':' || b == b'*')?;
    let end = path[start + 1..]
        .iter()
        .position(|&b| b == b'/')
        .map_or(path.len(), |e| start + 1 + e);
    Some((start, end))
}

/// Syntax checks gin makes in `insertChild`, done up front for the whole route.
fn validate(route: &str) -> Result<(), InsertError> {
    let bytes = route.as_bytes();
    if bytes.first() != Some(&b'/') {
        return Err(InsertError::MissingLeadingSlash {
            route: route.to_string(),
        });
    }
    let mut from = 0;
    while let Some((s, e)) = find_wildcard(&bytes[from..]) {
        let (start, end) = (from + s, from + e);
        let wildcard = &route[start..end];
        if wildcard[1..].contains([':', '*']) {
            return Err(InsertError::TooManyWildcards {
                route: route.to_string(),
                segment: wildcard.to_string(),
            });
        }
        if wildcard.len() < 2 {
            return Err(InsertError::EmptyWildcardName {
                route: route.to_string(),
            });
        }
        if bytes[start] == b'*' {
            if end != bytes.len() {
                return Err(InsertError::CatchAllNotAtEnd {
                    route: route.to_string(),
                });
            }
            if bytes[start - 1] != b'/' {
                return Err(InsertError::NoSlashBeforeCatchAll {
                    route: route.to_string(),
                });
            }
        }
        from = end;
    }
    Ok(())
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// gin's "'seg' in new path conflicts with existing wildcard" error.
fn wildcard_conflict<T>(route: &str, path: &[u8], w: &Node<T>) -> InsertError {
    let segment = if w.node_type == NodeType::CatchAll {
        lossy(path)
    } else {
        lossy(path.split(|&b| b == b'/').next().unwrap_or(path))
    };
    let wildcard = lossy(&w.path);
    let at = route.find(segment.as_str()).unwrap_or(0);
    InsertError::WildcardConflict {
        route: route.to_string(),
        existing_prefix: format!("{}{}", &route[..at], wildcard),
        segment,
        existing_wildcard: wildcard,
        existing_route: w.any_route().to_string(),
    }
}

/// A catch-all starting at `route[at..]` would hide `existing` (the path of the
/// node already there) below node `n`.
fn catch_all_conflict<T>(route: &str, at: usize, existing: &[u8], n: &Node<T>) -> InsertError {
    let seg = existing.split(|&b| b == b'/').next().unwrap_or(existing);
    InsertError::CatchAllConflict {
        route: route.to_string(),
        existing_segment: lossy(seg),
        existing_prefix: format!("{}{}", &route[..at], lossy(seg)),
        existing_route: n.any_route().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_wildcard_spans_to_slash() {
        assert_eq!(find_wildcard(b"/a/:b/c"), Some((3, 5)));
        assert_eq!(find_wildcard(b"/a/*rest"), Some((3, 8)));
        assert_eq!(find_wildcard(b"/plain"), None);
    }

    #[test]
    fn priority_moves_busy_child_forward() {
        let mut t = Tree::new();
        t.insert("/a", 0).unwrap();
        t.insert("/b", 0).unwrap();
        t.insert("/bb", 0).unwrap();
        // root "/" has children "a" and "b"; "b" has two routes below so it leads.
        assert_eq!(t.root.indices, b"ba");
        assert_eq!(t.root.children[0].priority, 2);
        assert_eq!(t.root.priority, 3);
    }
}
