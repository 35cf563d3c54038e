//! proptest: for random controller and action names, random rules, random names for empty
//! segments, a random default route (sometimes one the router must refuse) and random paths, the
//! router resolves exactly what a naive reference resolver (written below, segment by segment)
//! resolves.
//!
//! Controllers are built at run time here, so the test implements `AnyController` by hand (the
//! attribute would need a type per name); only `resolve` is exercised, so `serve` does nothing.
//! Rule patterns come from a small family the reference can match without a regex engine:
//! `^/seg/seg...` with each segment a literal or `([^/]+)`, anchored with `$` or left open.

use controller::{AnyController, BoxFuture, RouteError, Router, Via};
use proptest::prelude::*;
use servemux::{Request, ResponseWriter};

struct FakeController {
    name: &'static str,
    actions: Vec<(&'static str, usize)>,
}

impl AnyController for FakeController {
    fn name(&self) -> &'static str {
        self.name
    }
    fn action_list(&self) -> Vec<(&'static str, usize, &'static str)> {
        self.actions.iter().map(|&(a, n)| (a, n, "fake")).collect()
    }
    fn serve<'a>(
        &'a self,
        _index: usize,
        _args: Vec<String>,
        _writer: &'a mut ResponseWriter,
        _request: &'a Request,
    ) -> BoxFuture<'a> {
        Box::pin(async {})
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// One segment of a rule pattern.
#[derive(Debug, Clone)]
enum Seg {
    Lit(String),
    Capture,
}

#[derive(Debug, Clone)]
struct RuleSpec {
    segs: Vec<Seg>,
    anchored: bool,
    controller: usize,
    action: usize,
}

impl RuleSpec {
    fn pattern(&self) -> String {
        let mut p = String::from("^");
        for s in &self.segs {
            p.push('/');
            match s {
                Seg::Lit(l) => p.push_str(l),
                Seg::Capture => p.push_str("([^/]+)"),
            }
        }
        if self.anchored {
            p.push('$');
        }
        p
    }
}

#[derive(Debug, Clone)]
struct Table {
    /// (controller name, [(action name, arity)]), names unique and lower case.
    controllers: Vec<(String, Vec<(String, usize)>)>,
    rules: Vec<RuleSpec>,
    /// `set_empty_names(controller, action)`, if called.
    empty_names: Option<(String, String)>,
    /// `set_default_route` with (controller, action) indices, if called; refused (and so without
    /// effect) when the action takes arguments.
    default: Option<(usize, usize)>,
}

impl Table {
    /// The default route as it takes effect: only an action without arguments is accepted.
    fn effective_default(&self) -> Option<(String, String)> {
        let (c, a) = self.default?;
        let (cname, actions) = &self.controllers[c];
        let (aname, arity) = &actions[a];
        (*arity == 0).then(|| (cname.clone(), aname.clone()))
    }
}

/// What a resolver answers: controller, action, arguments, how.
type Resolved = Option<(String, String, Vec<String>, Via)>;

// ---------------------------------------------------------------------------------------------
// The reference: Go's FindRoute written out plainly.

fn reference(table: &Table, accepted: &[usize], path: &str) -> Resolved {
    let path = path.to_lowercase();
    for (rule_index, &i) in accepted.iter().enumerate() {
        let rule = &table.rules[i];
        if let Some(caps) = reference_match(rule, &path) {
            let (cname, actions) = &table.controllers[rule.controller];
            let (aname, arity) = &actions[rule.action];
            let mut args = caps;
            while args.len() < *arity {
                args.push(String::new());
            }
            args.truncate(*arity);
            return Some((cname.clone(), aname.clone(), args, Via::Rule(rule_index)));
        }
    }
    // General route.
    let trimmed = path.trim_matches('/');
    let parts: Vec<&str> = trimmed.split('/').collect();
    if parts.len() > 2 {
        return None;
    }
    let mut c = parts[0].trim().to_string();
    let mut a = if parts.len() == 2 {
        parts[1].trim().to_string()
    } else {
        String::new()
    };
    let (empty_c, empty_a) = table
        .empty_names
        .clone()
        .unwrap_or(("index".into(), "index".into()));
    if c.is_empty() {
        c = empty_c;
        a = empty_a.clone();
    }
    if a.is_empty() {
        a = empty_a;
    }
    for (cname, actions) in &table.controllers {
        if *cname == c {
            for (aname, arity) in actions {
                if *aname == a && *arity == 0 {
                    return Some((c, a, Vec::new(), Via::General));
                }
            }
        }
    }
    // Go's checkIfUseDefaultRoute: the parsed route named nothing registered.
    let (dc, da) = table.effective_default()?;
    Some((dc, da, Vec::new(), Via::Default))
}

/// Matches `^/seg/seg...` (`$` when anchored) segment by segment.
fn reference_match(rule: &RuleSpec, path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    let parts: Vec<&str> = rest.split('/').collect();
    let n = rule.segs.len();
    if parts.len() < n || (rule.anchored && parts.len() != n) {
        return None;
    }
    let mut caps = Vec::new();
    for (k, seg) in rule.segs.iter().enumerate() {
        let part = parts[k];
        let last = k + 1 == n;
        match seg {
            Seg::Lit(l) => {
                // An open pattern's last literal only needs to start the segment.
                let ok = if last && !rule.anchored {
                    part.starts_with(l.as_str())
                } else {
                    part == l
                };
                if !ok {
                    return None;
                }
            }
            Seg::Capture => {
                if part.is_empty() {
                    return None;
                }
                caps.push(part.to_string());
            }
        }
    }
    Some(caps)
}

// ---------------------------------------------------------------------------------------------
// Strategies: a small vocabulary so that names, rules and paths collide often.

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ab][ab0]{0,2}",
        1 => Just("index".to_string()),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    let controller = (word(), prop::collection::vec((word(), 0usize..4), 1..5));
    prop::collection::vec(controller, 1..5)
        .prop_map(|cs| {
            // Unique controller names, unique action names per controller (as the attribute
            // and register_routes guarantee).
            let mut seen = std::collections::HashSet::new();
            cs.into_iter()
                .filter(|(c, _)| seen.insert(c.clone()))
                .map(|(c, actions)| {
                    let mut seen_a = std::collections::HashSet::new();
                    let actions = actions
                        .into_iter()
                        .filter(|(a, _)| seen_a.insert(a.clone()))
                        .collect::<Vec<_>>();
                    (c, actions)
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(|controllers| {
            let sizes: Vec<usize> = controllers.iter().map(|(_, a)| a.len()).collect();
            let n = controllers.len();
            let seg = prop_oneof![word().prop_map(Seg::Lit), Just(Seg::Capture)];
            let rule = (
                prop::collection::vec(seg, 1..4),
                any::<bool>(),
                0..n,
                any::<prop::sample::Index>(),
            )
                .prop_map(move |(segs, anchored, c, a)| RuleSpec {
                    segs,
                    anchored,
                    controller: c,
                    action: a.index(sizes[c]),
                });
            let empty_names = prop::option::of((word(), word()));
            let sizes: Vec<usize> = controllers.iter().map(|(_, a)| a.len()).collect();
            let default = prop::option::of((0..n, any::<prop::sample::Index>()))
                .prop_map(move |d| d.map(|(c, a)| (c, a.index(sizes[c]))));
            (
                Just(controllers),
                prop::collection::vec(rule, 0..6),
                empty_names,
                default,
            )
        })
        .prop_map(|(controllers, rules, empty_names, default)| Table {
            controllers,
            rules,
            empty_names,
            default,
        })
}

/// A path built from the vocabulary, with random case, extra slashes and spaces.
fn path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => word(),
        1 => Just(String::new()),
        1 => Just(" ".to_string()),
        1 => "[0-9]{1,3}",
    ];
    (
        prop::collection::vec(piece, 0..5),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), 16),
    )
        .prop_map(|(pieces, trailing, upper)| {
            let mut p = String::new();
            for piece in pieces {
                p.push('/');
                p.push_str(&piece);
            }
            if trailing || p.is_empty() {
                p.push('/');
            }
            p.chars()
                .enumerate()
                .map(|(i, ch)| {
                    if upper[i % upper.len()] {
                        ch.to_ascii_uppercase()
                    } else {
                        ch
                    }
                })
                .collect()
        })
}

/// Builds the router; returns which rules it accepted (a repeated pattern is refused).
fn build(table: &Table) -> (Router, Vec<usize>) {
    let mut router = Router::new();
    let controllers: Vec<Box<dyn AnyController>> = table
        .controllers
        .iter()
        .map(|(c, actions)| {
            Box::new(FakeController {
                name: leak(c),
                actions: actions.iter().map(|(a, n)| (leak(a), *n)).collect(),
            }) as Box<dyn AnyController>
        })
        .collect();
    router.register_routes(controllers).expect("unique names");
    let mut accepted = Vec::new();
    let mut patterns = std::collections::HashSet::new();
    for (i, rule) in table.rules.iter().enumerate() {
        let (cname, actions) = &table.controllers[rule.controller];
        let result = router.define_route(&rule.pattern(), cname, &actions[rule.action].0);
        if patterns.insert(rule.pattern()) {
            assert!(result.is_ok(), "{:?}", result.err());
            accepted.push(i);
        } else {
            assert!(
                matches!(result, Err(RouteError::DuplicateRule { .. })),
                "a repeated pattern must be refused"
            );
        }
    }
    if let Some((c, a)) = &table.empty_names {
        router.set_empty_names(c, a);
    }
    if let Some((c, a)) = table.default {
        let (cname, actions) = &table.controllers[c];
        let (aname, arity) = &actions[a];
        let result = router.set_default_route(cname, aname).map(|_| ());
        if *arity == 0 {
            assert!(result.is_ok(), "{result:?}");
        } else {
            assert!(
                matches!(result, Err(RouteError::DefaultRouteTakesArguments { .. })),
                "{result:?}"
            );
        }
    }
    (router, accepted)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn router_matches_the_reference(table in table(), paths in prop::collection::vec(path(), 1..12)) {
        let (router, accepted) = build(&table);
        let mut paths = paths;
        // Also aim straight at every general route and every literal-only rule.
        for (c, actions) in &table.controllers {
            for (a, _) in actions {
                paths.push(format!("/{c}/{a}"));
                paths.push(format!("/{}/{}/", c.to_uppercase(), a));
            }
        }
        for path in &paths {
            let got: Resolved = router
                .resolve(path)
                .map(|r| (r.controller.to_owned(), r.action.to_owned(), r.args, r.via));
            let want = reference(&table, &accepted, path);
            prop_assert_eq!(got, want, "path {:?}", path);
        }
    }

    #[test]
    fn any_input_resolves_without_panicking(table in table(), path in "\\PC{0,40}") {
        let (router, _) = build(&table);
        let _ = router.resolve(&path);
    }
}
