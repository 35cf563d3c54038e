//! Canonical request paths: Go's `path.Clean` and net/http's `cleanPath`, plus `stripHostPort`.
//!
//! [`ServeMux`](crate::ServeMux) never matches a path like `//a` or `/a/../b`. It first computes the
//! canonical form and, when that differs from what the client sent, answers with a 301 to it. That
//! way a pattern such as `/admin/` can't be sidestepped with `/public/../admin/`, and every handler
//! sees clean paths only.
//!
//! The rules are Go's `path.Clean` (from Plan 9's `cleanname`), applied until nothing changes:
//!
//! 1. replace runs of slashes with one slash;
//! 2. drop every `.` element;
//! 3. drop every `..` element together with the element before it;
//! 4. drop `..` elements at the root (`/..` is `/`).
//!
//! `cleanPath` adds two things: a leading `/` when missing, and the trailing slash put back, since
//! `/dir/` and `/dir` are different patterns to the mux.

use std::borrow::Cow;

/// The canonical form of a request path (Go's `cleanPath` in `net/http/server.go`).
///
/// Borrows when `p` is already canonical, which is the case for nearly every real request, so
/// the mux's hot path does not allocate here.
pub fn canonical_path(p: &str) -> Cow<'_, str> {
    if p.is_empty() {
        return Cow::Borrowed("/");
    }
    if is_canonical(p) {
        return Cow::Borrowed(p);
    }
    let rooted;
    let p = if p.starts_with('/') {
        p
    } else {
        rooted = format!("/{p}");
        &rooted
    };
    let mut np = path_clean(p);
    // path.Clean removes the trailing slash (except for "/"); cleanPath puts it back.
    if p.ends_with('/') && np != "/" {
        np.push('/');
    }
    Cow::Owned(np)
}

/// Whether `cleanPath(p) == p`: rooted, and no empty, `.` or `..` element except that the last
/// element may be empty (a trailing slash).
fn is_canonical(p: &str) -> bool {
    let Some(rest) = p.strip_prefix('/') else {
        return false;
    };
    let mut elements = rest.split('/').peekable();
    while let Some(e) = elements.next() {
        let last = elements.peek().is_none();
        match e {
            "" if last => {}
            "" | "." | ".." => return false,
            _ => {}
        }
    }
    true
}

/// Go's `path.Clean`: the shortest path equivalent to `p` by purely lexical processing.
///
/// Returns `"."` for an empty path, and never a trailing slash except for `"/"` itself.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    // The kept elements; `..` stays only in a relative path that climbs above its start.
    let mut out: Vec<&str> = Vec::new();
    for e in p.split('/') {
        match e {
            "" | "." => {}
            ".." => match out.last() {
                Some(&prev) if prev != ".." => {
                    out.pop();
                }
                _ if rooted => {} // `/..` is `/`
                _ => out.push(".."),
            },
            _ => out.push(e),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `h` without a trailing `:port` (Go's `stripHostPort`, built on `net.SplitHostPort`).
///
/// Like Go, anything `SplitHostPort` would refuse (`a:b:c`, `[::1`) is returned unchanged, and an
/// IPv6 literal loses its brackets: `[::1]:80` becomes `::1`.
pub fn strip_host_port(h: &str) -> &str {
    if !h.contains(':') {
        return h;
    }
    split_host_port(h).unwrap_or(h)
}

/// The host part of Go's `net.SplitHostPort`, or `None` where Go returns an error.
fn split_host_port(hostport: &str) -> Option<&str> {
    // The port starts after the last colon.
    let i = hostport.rfind(':')?;
    let (host, j, k) = if hostport.starts_with('[') {
        // The first ']' must sit just before the last ':'.
        let end = hostport.find(']')?;
        if end + 1 != i {
            return None;
        }
        (&hostport[1..end], 1, end + 1)
    } else {
        let host = &hostport[..i];
        if host.contains(':') {
            return None; // too many colons
        }
        (host, 0, 0)
    };
    if hostport[j..].contains('[') || hostport[k..].contains(']') {
        return None;
    }
    Some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_clean_matches_go_examples() {
        // The cases of Go's path.Clean documentation and tests.
        let cases = [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ];
        for (input, want) in cases {
            assert_eq!(path_clean(input), want, "path_clean({input:?})");
        }
    }

    #[test]
    fn clean_path_keeps_trailing_slash() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("a", "/a"),
            ("/a/", "/a/"),
            ("//a", "/a"),
            ("/a/./b", "/a/b"),
            ("/a/../b", "/b"),
            ("/../a", "/a"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("/a//", "/a/"),
            ("/..", "/"),
            ("/../", "/"),
            ("/./", "/"),
            ("/...", "/..."),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/abc/def/../ghi/./jkl/", "/abc/ghi/jkl/"),
            ("*", "/*"),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_path(input), want, "canonical_path({input:?})");
        }
    }

    #[test]
    fn canonical_paths_are_borrowed() {
        for p in ["/", "/a", "/a/b/", "/a.b/..c/...", "/x y"] {
            assert!(matches!(canonical_path(p), Cow::Borrowed(_)), "{p}");
        }
    }

    #[test]
    fn strip_host_port_follows_split_host_port() {
        let cases = [
            ("example.com", "example.com"),
            ("example.com:9000", "example.com"),
            ("example.com:", "example.com"),
            ("[::1]:80", "::1"),
            ("[::1]", "[::1]"),
            ("::1", "::1"),
            ("a:b:c", "a:b:c"),
            ("[a]b:80", "[a]b:80"),
            ("a]:80", "a]:80"),
            ("a[:80", "a[:80"),
            (":80", ""),
        ];
        for (input, want) in cases {
            assert_eq!(strip_host_port(input), want, "strip_host_port({input:?})");
        }
    }
}
