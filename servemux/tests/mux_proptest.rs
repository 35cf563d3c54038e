//! proptest: on random pattern sets and random requests, [`ServeMux`] picks what a naive model
//! picks. The model scans every pattern and applies Go's rules literally, with no map, no sorted
//! slice and its own string-rewriting path cleaner.

mod mux_support;

use mux_support::{mux_of, request, route};
use proptest::prelude::*;
use servemux::http::Method;

/// What the mux must do with one request.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    status: u16,
    pattern: String,
    location: Option<String>,
}

/// The best pattern for `host` + `path`: host-specific first, and within each kind an exact
/// pattern over the longest `/`-suffixed prefix.
fn best(patterns: &[String], host: &str, path: &str) -> Option<String> {
    let pick = |key: &str, host_specific: bool| -> Option<String> {
        let kind = |p: &&String| p.starts_with('/') != host_specific;
        if let Some(p) = patterns.iter().filter(kind).find(|p| *p == key) {
            return Some(p.clone());
        }
        patterns
            .iter()
            .filter(kind)
            .filter(|p| p.ends_with('/') && key.starts_with(p.as_str()))
            .max_by_key(|p| p.len())
            .cloned()
    };
    pick(&format!("{host}{path}"), true).or_else(|| pick(path, false))
}

/// Go's cleanPath by rewriting until nothing changes.
fn model_clean(path: &str) -> String {
    let mut p = path.to_owned();
    loop {
        let before = p.clone();
        if let Some(i) = p.find("//") {
            p.replace_range(i..i + 2, "/");
        } else if let Some(i) = p.find("/./") {
            p.replace_range(i..i + 3, "/");
        } else if p.ends_with("/.") {
            p.pop();
        } else if p.starts_with("/../") || p == "/.." {
            p.replace_range(0..3, "");
            if p.is_empty() {
                p.push('/');
            }
        } else if let Some((start, end)) = parent_step(&p) {
            p.replace_range(start..end, "/");
        }
        if p == before {
            break;
        }
    }
    if !path.ends_with('/') && p != "/" && p.ends_with('/') {
        p.pop();
    }
    p
}

/// Finds `/name/..` followed by `/` or the end, `name` not `..`: the range to replace by `/`.
fn parent_step(p: &str) -> Option<(usize, usize)> {
    let bytes = p.as_bytes();
    for (i, _) in p.match_indices("/..") {
        let after = i + 3;
        if after != bytes.len() && bytes[after] != b'/' {
            continue;
        }
        if i == 0 {
            continue;
        }
        let start = p[..i].rfind('/')?;
        let name = &p[start + 1..i];
        if name != ".." {
            let end = if after == bytes.len() {
                after
            } else {
                after + 1
            };
            return Some((start, end));
        }
    }
    None
}

fn model(
    patterns: &[String],
    connect: bool,
    host: &str,
    stripped: &str,
    path: &str,
    query: &str,
) -> Expected {
    let registered = |p: &str| patterns.iter().any(|x| x == p);
    let with_query = |p: &str| {
        if query.is_empty() {
            p.to_owned()
        } else {
            format!("{p}?{query}")
        }
    };
    // `/tree` with only `/tree/` registered (CONNECT: checked without the request's host, as
    // Go uses `r.URL.Host`, empty for an origin-form target).
    let tree = |host: &str, path: &str| -> Option<Expected> {
        let slashed = format!("{path}/");
        let has_own = registered(path) || registered(&format!("{host}{path}"));
        let has_tree = registered(&slashed) || registered(&format!("{host}{slashed}"));
        (!path.is_empty() && !path.ends_with('/') && !has_own && has_tree).then(|| Expected {
            status: 301,
            // http.Redirect cleans the target once more (this matters only for CONNECT).
            location: Some(with_query(&model_clean(&slashed))),
            pattern: slashed,
        })
    };
    let serve = |host: &str, path: &str| match best(patterns, host, path) {
        Some(p) => Expected {
            status: 200,
            pattern: p,
            location: None,
        },
        None => Expected {
            status: 404,
            pattern: String::new(),
            location: None,
        },
    };
    if connect {
        return tree("", path).unwrap_or_else(|| serve(host, path));
    }
    let clean = model_clean(path);
    if let Some(e) = tree(stripped, &clean) {
        return e;
    }
    if clean != path {
        return Expected {
            status: 301,
            pattern: best(patterns, stripped, &clean).unwrap_or_default(),
            location: Some(with_query(&clean)),
        };
    }
    serve(stripped, path)
}

fn segment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["a", "b", "ab", "c", "a", "b", ".", "..", ""])
}

fn pattern() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "", "", "a.com", "b.org"]),
        prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "c", "."]), 0..4),
        any::<bool>(),
    )
        .prop_map(|(host, segs, slash)| {
            let mut p = host.to_owned();
            for s in segs {
                p.push('/');
                p.push_str(s);
            }
            // A bare host stays when `slash` is false: it matches `CONNECT host` only.
            if slash || p.is_empty() {
                p.push('/');
            }
            p
        })
}

fn path() -> impl Strategy<Value = String> {
    (prop::collection::vec(segment(), 0..6), any::<bool>()).prop_map(|(segs, slash)| {
        let mut p = String::new();
        for s in segs {
            p.push('/');
            p.push_str(s);
        }
        if slash || p.is_empty() {
            p.push('/');
        }
        p
    })
}

/// Request hosts and what Go's stripHostPort makes of them.
const HOSTS: &[(&str, &str)] = &[
    ("a.com", "a.com"),
    ("a.com:8080", "a.com"),
    ("b.org:80", "b.org"),
    ("c.net", "c.net"),
    ("", ""),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mux_agrees_with_the_naive_model(
        patterns in prop::collection::vec(pattern(), 0..12),
        requests in prop::collection::vec(
            (0..3u8, 0..HOSTS.len(), path(), prop::sample::select(vec!["", "", "q=1"])),
            1..16,
        ),
    ) {
        let mut unique: Vec<String> = Vec::new();
        for p in patterns {
            if !unique.contains(&p) {
                unique.push(p);
            }
        }
        let refs: Vec<&str> = unique.iter().map(String::as_str).collect();
        let mux = mux_of(&refs);
        for (kind, h, path, query) in requests {
            let (host, stripped) = HOSTS[h];
            // kind 0: GET; 1: CONNECT with a path; 2: `CONNECT host:port` (no path at all).
            let authority_form = kind == 2 && !host.is_empty();
            let connect = kind > 0;
            let (path, query) = if authority_form { (String::new(), "") } else { (path, query) };
            let target = match (authority_form, query.is_empty()) {
                (true, _) => host.to_owned(),
                (false, true) => path.clone(),
                (false, false) => format!("{path}?{query}"),
            };
            let method = if connect { Method::CONNECT } else { Method::GET };
            let (pattern, seen) = route(&mux, request(method, host, &target));
            let want = model(&unique, connect, host, stripped, &path, query);
            let got = Expected { status: seen.status, pattern, location: seen.location };
            prop_assert_eq!(&got, &want, "{} {} Host {:?}", if connect { "CONNECT" } else { "GET" }, target, host);
            if got.status == 200 {
                prop_assert_eq!(seen.body, want.pattern);
            }
        }
    }

    #[test]
    fn clean_path_agrees_with_the_rewriting_model(p in path()) {
        prop_assert_eq!(servemux::canonical_path(&p).into_owned(), model_clean(&p));
    }
}

#[test]
fn model_cleaner_knows_gos_cases() {
    for (input, want) in [
        ("/a/b/..", "/a"),
        ("/a/b/../", "/a/"),
        ("/../a", "/a"),
        ("/..", "/"),
        ("/a/.", "/a"),
        ("//", "/"),
        ("/a/../../b/./c//", "/b/c/"),
        ("/../../x", "/x"),
    ] {
        assert_eq!(model_clean(input), want, "{input}");
    }
}
