//! proptest: `Tree::get` against a naive matcher written here.
//!
//! The model splits routes and paths at `/` and matches segment by segment,
//! trying a static segment first, then a `:param`, then a `*catchAll`, and
//! backtracking fully on a dead end. gin (and so the tree) backtracks only from
//! *static* dead ends, so the two are compared in two ways:
//!
//! - on route sets where no position holds both a static and a wildcard child,
//!   no backtracking is ever needed and the answers must be identical;
//! - on any route set, a match found by the tree must be the model's match, and
//!   a match the model finds without backtracking must be found by the tree.

use proptest::prelude::*;
use radix::Tree;

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Static(String),
    Param(String),
    CatchAll(String),
}

fn parse(route: &str) -> Vec<Seg> {
    route[1..]
        .split('/')
        .map(|s| {
            if let Some(n) = s.strip_prefix(':') {
                Seg::Param(n.to_string())
            } else if let Some(n) = s.strip_prefix('*') {
                Seg::CatchAll(n.to_string())
            } else {
                Seg::Static(s.to_string())
            }
        })
        .collect()
}

/// The model's answer: route index, params, and whether it had to backtrack.
type Answer = Option<(usize, Vec<(String, String)>)>;

struct Model {
    routes: Vec<Vec<Seg>>,
}

impl Model {
    fn lookup(&self, path: &str) -> (Answer, bool) {
        if !path.starts_with('/') {
            return (None, false);
        }
        let segs: Vec<&str> = path[1..].split('/').collect();
        let cands: Vec<usize> = (0..self.routes.len()).collect();
        let mut backtracked = false;
        let ans = self.walk(&segs, 0, &cands, &mut Vec::new(), &mut backtracked, path);
        (ans, backtracked)
    }

    /// Match `segs[depth..]` against the candidate routes that agree so far.
    fn walk(
        &self,
        segs: &[&str],
        depth: usize,
        cands: &[usize],
        params: &mut Vec<(String, String)>,
        backtracked: &mut bool,
        path: &str,
    ) -> Answer {
        if depth == segs.len() {
            return cands
                .iter()
                .find(|&&i| self.routes[i].len() == depth)
                .map(|&i| (i, params.clone()));
        }
        let seg = segs[depth];
        let at = |i: &usize| self.routes[*i].get(depth);
        // 1. static
        let stat: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|i| at(i) == Some(&Seg::Static(seg.to_string())))
            .collect();
        let has_wild = cands
            .iter()
            .any(|i| matches!(at(i), Some(Seg::Param(_) | Seg::CatchAll(_))));
        if !stat.is_empty() {
            if let Some(a) = self.walk(segs, depth + 1, &stat, params, backtracked, path) {
                return Some(a);
            }
            if has_wild {
                *backtracked = true;
            }
        }
        // 2. param. Like gin, an empty value is captured in the middle of a
        // path (`/a//b`) but not as the last segment (`/a/` is a TSR case).
        let par: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|i| matches!(at(i), Some(Seg::Param(_))))
            .collect();
        if !par.is_empty() && (!seg.is_empty() || depth + 1 < segs.len()) {
            let Some(Seg::Param(name)) = at(&par[0]) else {
                unreachable!()
            };
            params.push((name.clone(), seg.to_string()));
            if let Some(a) = self.walk(segs, depth + 1, &par, params, backtracked, path) {
                return Some(a);
            }
            params.pop();
            *backtracked = true;
        }
        // 3. catch-all: the rest of the path, with its leading '/'
        for &i in cands {
            if let Some(Seg::CatchAll(name)) = at(&i) {
                let start: usize = segs[..depth].iter().map(|s| s.len() + 1).sum();
                let mut p = params.clone();
                p.push((name.clone(), path[start..].to_string()));
                return Some((i, p));
            }
        }
        None
    }
}

fn seg_strategy(wild: bool) -> BoxedStrategy<String> {
    let stat =
        prop::sample::select(vec!["a", "b", "ab", "ba", "abc", "x"]).prop_map(str::to_string);
    if wild {
        prop_oneof![
            4 => stat,
            2 => prop::sample::select(vec![":p", ":q"]).prop_map(str::to_string),
            1 => Just("*rest".to_string()),
        ]
        .boxed()
    } else {
        stat.boxed()
    }
}

fn route_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(seg_strategy(true), 1..5).prop_map(|segs| {
        // a catch-all ends the route
        let mut out = String::new();
        for s in segs {
            out.push('/');
            out.push_str(&s);
            if s.starts_with('*') {
                break;
            }
        }
        out
    })
}

fn path_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![3 => seg_strategy(false), 1 => Just("zz".to_string()), 1 => Just(String::new())],
        1..6,
    )
    .prop_map(|segs| segs.iter().map(|s| format!("/{s}")).collect())
}

/// Insert what the tree accepts; return the tree and the accepted routes.
fn build(routes: &[String]) -> (Tree<usize>, Vec<String>) {
    let mut t = Tree::new();
    let mut ok = Vec::new();
    for r in routes {
        if t.insert(r, ok.len()).is_ok() {
            ok.push(r.clone());
        }
    }
    (t, ok)
}

/// True when some position holds both a static and a wildcard segment.
fn has_mixed_siblings(routes: &[String]) -> bool {
    let parsed: Vec<Vec<Seg>> = routes.iter().map(|r| parse(r)).collect();
    for a in &parsed {
        for b in &parsed {
            let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            if let (Some(Seg::Static(_)), Some(Seg::Param(_) | Seg::CatchAll(_))) =
                (a.get(common), b.get(common))
            {
                return true;
            }
        }
    }
    false
}

fn tree_answer(t: &Tree<usize>, path: &str) -> Answer {
    t.get(path).ok().map(|m| {
        (
            *m.value,
            m.params
                .iter()
                .map(|p| (p.key.to_string(), p.value.to_string()))
                .collect(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_model(routes in prop::collection::vec(route_strategy(), 1..12),
                         paths in prop::collection::vec(path_strategy(), 1..20)) {
        let (t, ok) = build(&routes);
        let model = Model { routes: ok.iter().map(|r| parse(r)).collect() };
        let mixed = has_mixed_siblings(&ok);
        // every accepted route is found by its own spelling
        let mut probes = paths.clone();
        probes.extend(ok.iter().map(|r| r.replace(":p", "v").replace(":q", "w").replace("*rest", "r/s")));
        for p in &probes {
            let got = tree_answer(&t, p);
            let (want, backtracked) = model.lookup(p);
            if !mixed {
                prop_assert_eq!(&got, &want, "path {} routes {:?}\n{}", p, ok, t);
            } else {
                if got.is_some() {
                    prop_assert_eq!(&got, &want, "path {} routes {:?}\n{}", p, ok, t);
                }
                if want.is_some() && !backtracked {
                    prop_assert_eq!(&got, &want, "path {} routes {:?}\n{}", p, ok, t);
                }
            }
        }
    }
}
