//! Case-insensitive lookup with trailing-slash fixing (gin's
//! `findCaseInsensitivePath`), used by the engine when `redirect_fixed_path`
//! is on: `/FOO/` finds `/foo` and the client is redirected to the spelling
//! that was registered.
//!
//! The walk compares node paths with simple Unicode case folding. Because a
//! node boundary may fall inside a multi-byte character, the walk carries the
//! not-yet-matched bytes of the current character in a 4-byte buffer (`rb`),
//! as gin does. At a static branch both the lower-case and the upper-case
//! spelling of the next character may exist as an index byte, so the
//! lower-case branch is tried recursively before the upper-case one.
//! One fix over gin 1.8.1: at a node with a wildcard child gin takes
//! `children[0]`, which is a static child when static and param children share
//! a position (and then panics with "invalid node type"); the port takes the
//! wildcard child, which is always last.

use crate::tree::{Node, NodeType};

impl<T> Node<T> {
    /// Append to `out` the registered spelling of `path`; true if found.
    pub(crate) fn find_case_insensitive(
        &self,
        mut path: &[u8],
        out: &mut Vec<u8>,
        mut rb: [u8; 4],
        fix_slash: bool,
    ) -> bool {
        let mut n = self;
        loop {
            let np = &n.path[..];
            let fits = path.len() >= np.len()
                && (np.is_empty() || equal_fold(&path[1..np.len()], &np[1..]));
            if !fits {
                break;
            }
            let old = path;
            path = &path[np.len()..];
            out.extend_from_slice(np);

            if path.is_empty() {
                if n.value.is_some() {
                    return true;
                }
                // Try adding a trailing slash.
                if fix_slash {
                    if let Some(i) = n.indices.iter().position(|&b| b == b'/') {
                        let c = &n.children[i];
                        if (c.path.len() == 1 && c.value.is_some())
                            || (c.node_type == NodeType::CatchAll
                                && c.children.first().is_some_and(|l| l.value.is_some()))
                        {
                            out.push(b'/');
                            return true;
                        }
                    }
                }
                return false;
            }

            if !n.wild_child {
                rb = shift(rb, np.len());
                if rb[0] != 0 {
                    // The rest of a character that started in the previous node.
                    if let Some(i) = n.indices.iter().position(|&b| b == rb[0]) {
                        n = &n.children[i];
                        continue;
                    }
                } else {
                    // A new character: find where it starts (it may have begun
                    // inside this node's path) and try both of its cases.
                    let mut rv = '\0';
                    let mut off = 0;
                    while off < np.len().min(3) {
                        let i = np.len() - off;
                        if is_rune_start(old[i]) {
                            rv = decode(&old[i..]).0;
                            break;
                        }
                        off += 1;
                    }
                    let lo = to_lower(rv);
                    let lo_rb = shift(encode(lo), off);
                    if let Some(i) = n.indices.iter().position(|&b| b == lo_rb[0]) {
                        let mark = out.len();
                        if n.children[i].find_case_insensitive(path, out, lo_rb, fix_slash) {
                            return true;
                        }
                        out.truncate(mark);
                    }
                    let up = to_upper(rv);
                    if up != lo {
                        rb = shift(encode(up), off);
                        if let Some(i) = n.indices.iter().position(|&b| b == rb[0]) {
                            n = &n.children[i];
                            continue;
                        }
                    }
                }
                // Nothing found: a lone trailing '/' may be dropped.
                return fix_slash && path == b"/" && n.value.is_some();
            }

            let w = &n.children[n.children.len() - 1];
            match w.node_type {
                NodeType::Param => {
                    let end = path.iter().position(|&b| b == b'/').unwrap_or(path.len());
                    out.extend_from_slice(&path[..end]);
                    if end < path.len() {
                        if let Some(next) = w.children.first() {
                            n = next;
                            path = &path[end..];
                            continue;
                        }
                        return fix_slash && path.len() == end + 1;
                    }
                    if w.value.is_some() {
                        return true;
                    }
                    if fix_slash && w.children.len() == 1 {
                        let c = &w.children[0];
                        if c.path == b"/" && c.value.is_some() {
                            out.push(b'/');
                            return true;
                        }
                    }
                    return false;
                }
                NodeType::CatchAll => {
                    out.extend_from_slice(path);
                    return true;
                }
                NodeType::Static | NodeType::Root => return false,
            }
        }

        // Nothing found: try adding or removing a trailing slash.
        if fix_slash {
            let np = &n.path[..];
            if path == b"/" {
                return true;
            }
            if path.len() + 1 == np.len()
                && np[path.len()] == b'/'
                && equal_fold(
                    path.get(1..).unwrap_or(b""),
                    np.get(1..path.len()).unwrap_or(b""),
                )
                && n.value.is_some()
            {
                out.extend_from_slice(np);
                return true;
            }
        }
        false
    }
}

/// Drop the first `n` bytes of the rune buffer.
fn shift(rb: [u8; 4], n: usize) -> [u8; 4] {
    let mut out = [0; 4];
    if n < 4 {
        out[..4 - n].copy_from_slice(&rb[n..]);
    }
    out
}

fn encode(c: char) -> [u8; 4] {
    let mut rb = [0; 4];
    c.encode_utf8(&mut rb);
    rb
}

fn is_rune_start(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// Decode one character; an invalid byte decodes as U+FFFD of length 1 (as Go).
fn decode(s: &[u8]) -> (char, usize) {
    let Some(&b0) = s.first() else {
        return ('\u{FFFD}', 0);
    };
    let len = match b0 {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    match s
        .get(..len)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.chars().next())
    {
        Some(c) => (c, len),
        None => ('\u{FFFD}', 1),
    }
}

/// Go's `unicode.ToLower`: a one-to-one mapping, else the character itself.
fn to_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn to_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `strings.EqualFold` on byte strings (simple folding, lossy decoding).
fn equal_fold(mut a: &[u8], mut b: &[u8]) -> bool {
    while !a.is_empty() && !b.is_empty() {
        let (ca, la) = decode(a);
        let (cb, lb) = decode(b);
        if ca != cb && to_lower(ca) != to_lower(cb) && to_upper(ca) != to_upper(cb) {
            return false;
        }
        a = &a[la..];
        b = &b[lb..];
    }
    a.is_empty() && b.is_empty()
}
