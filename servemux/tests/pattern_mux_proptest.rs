//! proptest: on random sets of Go 1.22 patterns and random requests, [`PatternMux`] does what a
//! naive model does. The model has no tree and no pattern comparison: it matches a request
//! against every pattern one by one, and decides "more specific" and "conflicts" from the sets of
//! requests each pattern matches, counted over a small universe of requests that covers every
//! shape the generated patterns can tell apart (each literal, one other segment, the empty last
//! segment, up to one segment more than the longest pattern).

use std::collections::BTreeSet;

use proptest::prelude::*;
use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{Handler, PatternMux, Recorder, Request};

const LITERALS: &[&str] = &["a", "b", "c"];
const METHODS: &[&str] = &["", "GET", "HEAD", "POST"];
const HOSTS: &[&str] = &["", "h.com"];
const REQUEST_METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT"];
const REQUEST_HOSTS: &[&str] = &["h.com", "o.org"];

/// A pattern as the model sees it.
#[derive(Debug, Clone)]
struct ModelPattern {
    text: String,
    method: String,
    host: String,
    /// `Some(lit)` or `None` for a `{wN}` wildcard.
    segs: Vec<Option<String>>,
    end: End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Nothing after the segments (with no segments at all: `/{$}`-like root is `Dollar`).
    Plain,
    /// A trailing `/`.
    Slash,
    /// `/{$}`.
    Dollar,
    /// `/{rest...}`.
    Rest,
}

fn pattern_strategy() -> impl Strategy<Value = ModelPattern> {
    (
        0..METHODS.len(),
        0..HOSTS.len(),
        prop::collection::vec(prop::option::weighted(0.7, 0..LITERALS.len()), 0..3),
        0..4usize,
    )
        .prop_map(|(m, h, segs, end)| {
            let segs: Vec<Option<String>> = segs
                .into_iter()
                .map(|s| s.map(|i| LITERALS[i].to_owned()))
                .collect();
            let mut end = [End::Plain, End::Slash, End::Dollar, End::Rest][end];
            if segs.is_empty() && end == End::Plain {
                end = End::Slash;
            }
            let mut text = String::new();
            if !METHODS[m].is_empty() {
                text.push_str(METHODS[m]);
                text.push(' ');
            }
            text.push_str(HOSTS[h]);
            for (i, s) in segs.iter().enumerate() {
                text.push('/');
                match s {
                    Some(l) => text.push_str(l),
                    None => text.push_str(&format!("{{w{i}}}")),
                }
            }
            match end {
                End::Plain => {}
                End::Slash => text.push('/'),
                End::Dollar => text.push_str("/{$}"),
                End::Rest => text.push_str("/{rest...}"),
            }
            ModelPattern {
                text,
                method: METHODS[m].to_owned(),
                host: HOSTS[h].to_owned(),
                segs,
                end,
            }
        })
}

/// Whether `p` matches the path whose segments are `parts` (a trailing slash is a last empty
/// part), ignoring method and host.
fn path_matches(p: &ModelPattern, parts: &[&str]) -> bool {
    let n = p.segs.len();
    if parts.len() < n {
        return false;
    }
    for (seg, part) in p.segs.iter().zip(parts) {
        let ok = match seg {
            Some(l) => l == part,
            None => !part.is_empty(),
        };
        if !ok {
            return false;
        }
    }
    let rest = &parts[n..];
    match p.end {
        End::Plain => rest.is_empty(),
        End::Dollar => rest == [""],
        // At least one more part (possibly the empty one a trailing slash makes).
        End::Slash | End::Rest => !rest.is_empty(),
    }
}

fn method_matches(p: &ModelPattern, method: &str) -> bool {
    p.method.is_empty() || p.method == method || (p.method == "GET" && method == "HEAD")
}

fn parts(path: &str) -> Vec<&str> {
    path[1..].split('/').collect()
}

fn matches(p: &ModelPattern, host: &str, method: &str, path: &str) -> bool {
    (p.host.is_empty() || p.host == host)
        && method_matches(p, method)
        && path_matches(p, &parts(path))
}

/// Every clean path of one to four segments over the literals, one other segment and the
/// empty last segment.
fn universe_paths() -> Vec<String> {
    let alphabet = ["a", "b", "c", "q"];
    let mut out = Vec::new();
    let mut level: Vec<String> = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for prefix in &level {
            out.push(format!("{prefix}/"));
            for s in alphabet {
                let p = format!("{prefix}/{s}");
                out.push(p.clone());
                next.push(p);
            }
        }
        level = next;
    }
    out
}

/// A set of universe requests: (path, method, host) indexes.
type RequestSet = BTreeSet<(usize, usize, usize)>;

/// The set of universe requests `p` matches (for a host-less pattern, requests to any host).
fn request_set(p: &ModelPattern, paths: &[String]) -> RequestSet {
    let mut set = BTreeSet::new();
    for (pi, path) in paths.iter().enumerate() {
        for (mi, m) in REQUEST_METHODS.iter().enumerate() {
            for (hi, h) in REQUEST_HOSTS.iter().enumerate() {
                if matches(p, h, m, path) {
                    set.insert((pi, mi, hi));
                }
            }
        }
    }
    set
}

/// The model's registration: a pattern is refused when, for the same host, its request set
/// meets a registered pattern's and neither set strictly contains the other.
fn model_register(patterns: &[ModelPattern], paths: &[String]) -> (Vec<bool>, Vec<ModelPattern>) {
    let mut accepted: Vec<(ModelPattern, RequestSet)> = Vec::new();
    let mut verdicts = Vec::new();
    for p in patterns {
        let set = request_set(p, paths);
        let conflict = accepted.iter().any(|(q, qs)| {
            let strictly_inside = |a: &RequestSet, b: &RequestSet| a.is_subset(b) && a != b;
            let ordered = strictly_inside(&set, qs) || strictly_inside(qs, &set);
            q.host == p.host && !set.is_disjoint(qs) && !ordered
        });
        verdicts.push(!conflict);
        if !conflict {
            accepted.push((p.clone(), set));
        }
    }
    let sets: Vec<ModelPattern> = accepted.into_iter().map(|(p, _)| p).collect();
    (verdicts, sets)
}

/// The most specific accepted pattern matching the request: of the matching patterns with the
/// request's host if any, else of the host-less ones, the one whose request set is inside every
/// other's.
fn model_best<'a>(
    accepted: &'a [ModelPattern],
    paths: &[String],
    host: &str,
    method: &str,
    path: &str,
) -> Option<&'a ModelPattern> {
    let of_host: Vec<&ModelPattern> = accepted
        .iter()
        .filter(|p| p.host == host && matches(p, host, method, path))
        .collect();
    let candidates = if of_host.is_empty() {
        accepted
            .iter()
            .filter(|p| p.host.is_empty() && matches(p, host, method, path))
            .collect()
    } else {
        of_host
    };
    let sets: Vec<_> = candidates.iter().map(|p| request_set(p, paths)).collect();
    candidates
        .iter()
        .zip(&sets)
        .find(|(_, s)| sets.iter().all(|o| s.is_subset(o)))
        .map(|(p, _)| *p)
}

/// Whether the path matched the pattern itself, not only through its trailing wildcard.
fn exact(p: &ModelPattern, path: &str) -> bool {
    match p.end {
        End::Plain | End::Dollar => true,
        End::Slash | End::Rest => path.ends_with('/') && parts(path).len() == p.segs.len() + 1,
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    pattern: String,
    allow: Option<String>,
    location: Option<String>,
}

fn model_answer(
    accepted: &[ModelPattern],
    paths: &[String],
    host: &str,
    method: &str,
    path: &str,
) -> Answer {
    let found = model_best(accepted, paths, host, method, path);
    if !found.is_some_and(|p| exact(p, path)) && !path.ends_with('/') {
        let slashed = format!("{path}/");
        if let Some(p) = model_best(accepted, paths, host, method, &slashed) {
            if exact(p, &slashed) {
                return Answer {
                    status: 307,
                    pattern: p.text.clone(),
                    allow: None,
                    location: Some(slashed),
                };
            }
        }
    }
    if let Some(p) = found {
        return Answer {
            status: 200,
            pattern: p.text.clone(),
            allow: None,
            location: None,
        };
    }
    // 405 when patterns with an explicit method (for this host or any) match this path or
    // the path with a slash added.
    let mut methods = BTreeSet::new();
    for p in accepted {
        if p.method.is_empty() || !(p.host.is_empty() || p.host == host) {
            continue;
        }
        let alt = format!("{path}/");
        let tries: &[&str] = if path.ends_with('/') {
            &[path]
        } else {
            &[path, &alt]
        };
        if tries.iter().any(|t| path_matches(p, &parts(t))) {
            methods.insert(p.method.clone());
        }
    }
    if methods.contains("GET") {
        methods.insert("HEAD".to_owned());
    }
    if methods.is_empty() {
        return Answer {
            status: 404,
            pattern: String::new(),
            allow: None,
            location: None,
        };
    }
    Answer {
        status: 405,
        pattern: String::new(),
        allow: Some(methods.into_iter().collect::<Vec<_>>().join(", ")),
        location: None,
    }
}

fn mux_answer(mux: &PatternMux, host: &str, method: &str, path: &str) -> Answer {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
    let mut r = Request::new(Method::from_bytes(method.as_bytes()).unwrap(), path)
        .unwrap()
        .with_headers(headers);
    let (_, pattern) = mux.handler(&r);
    let mut w = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(mux.serve_http(w.writer(), &mut r));
    w.finish();
    let get = |n| {
        w.header()
            .get(n)
            .map(|v: &HeaderValue| v.to_str().unwrap().to_owned())
    };
    Answer {
        status: w.status().as_u16(),
        pattern: pattern.to_string(),
        allow: get(header::ALLOW),
        location: get(header::LOCATION),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pattern_mux_agrees_with_the_naive_model(
        patterns in prop::collection::vec(pattern_strategy(), 1..10),
        requests in prop::collection::vec((0..REQUEST_HOSTS.len(), 0..REQUEST_METHODS.len(), any::<prop::sample::Index>()), 1..40),
    ) {
        let paths = universe_paths();
        let (verdicts, accepted) = model_register(&patterns, &paths);
        let mux = PatternMux::new();
        for (p, want) in patterns.iter().zip(&verdicts) {
            let got = mux.handle_func(&p.text, |_w, _r| Box::pin(async {}));
            prop_assert_eq!(got.is_ok(), *want, "registering {}: {:?}", p.text, got);
        }
        for (h, m, pi) in requests {
            let (host, method) = (REQUEST_HOSTS[h], REQUEST_METHODS[m]);
            let path = pi.get(&paths);
            let want = model_answer(&accepted, &paths, host, method, path);
            let got = mux_answer(&mux, host, method, path);
            prop_assert_eq!(got, want, "{} {} Host {}", method, path, host);
        }
    }
}
