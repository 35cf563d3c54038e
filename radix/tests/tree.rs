//! The insert and lookup cases of httprouter's and gin 1.8.1's tree tests,
//! run against `radix::Tree`.

mod common;

use common::gin_cases::*;
use radix::{InsertError, Tree};

fn build(routes: &[&str]) -> Tree<String> {
    let mut t = Tree::new();
    for r in routes {
        t.insert(r, r.to_string())
            .unwrap_or_else(|e| panic!("insert {r}: {e}"));
    }
    t
}

fn check(tree: &Tree<String>, reqs: &[Req]) {
    for (path, want, want_params) in reqs {
        match (tree.get(path), want) {
            (Ok(m), Some(route)) => {
                assert_eq!(m.value, route, "value for {path}");
                assert_eq!(m.full_path, *route, "full path for {path}");
                let got: Vec<(&str, &str)> = m.params.iter().map(|p| (p.key, p.value)).collect();
                assert_eq!(&got[..], *want_params, "params for {path}");
            }
            (Err(_), None) => {}
            (Ok(m), None) => panic!("{path}: expected no match, got {}", m.full_path),
            (Err(e), Some(route)) => panic!("{path}: expected {route}, got {e:?}"),
        }
    }
}

#[test]
fn add_and_get() {
    let t = build(TESTTREEADDANDGET_ROUTES);
    check(&t, TESTTREEADDANDGET_REQUESTS);
}

#[test]
fn wildcards_and_static_beside_param() {
    let t = build(TESTTREEWILDCARD_ROUTES);
    check(&t, TESTTREEWILDCARD_REQUESTS);
}

#[test]
fn tsr_where_gin_recommends_it() {
    let t = build(TSR_ROUTES);
    for p in TSR_PATHS {
        let e = t.get(p).err().unwrap_or_else(|| panic!("{p} matched"));
        assert!(e.tsr, "expected TSR for {p}");
    }
    for p in NO_TSR_PATHS {
        let e = t.get(p).err().unwrap_or_else(|| panic!("{p} matched"));
        assert!(!e.tsr, "expected no TSR for {p}");
    }
}

#[test]
fn root_param_does_not_recommend_slash() {
    let t = build(&["/:test"]);
    assert_eq!(t.get("/").err().map(|e| e.tsr), Some(false));
}

/// Insert `routes` in order; `true` means gin refuses the route.
fn expect_conflicts(routes: &[(&str, bool)]) {
    let mut t = Tree::new();
    for (r, conflict) in routes {
        let before = t.to_string();
        let res = t.insert(r, ());
        assert_eq!(res.is_err(), *conflict, "route {r}: {res:?}");
        if res.is_err() {
            assert_eq!(
                before,
                t.to_string(),
                "failed insert of {r} changed the tree"
            );
        }
    }
}

#[test]
fn wildcard_conflicts() {
    expect_conflicts(&[
        ("/cmd/:tool/:sub", false),
        ("/cmd/vet", false),
        ("/foo/bar", false),
        ("/foo/:name", false),
        ("/foo/:names", true),
        ("/cmd/*path", true),
        ("/cmd/:badvar", true),
        ("/cmd/:tool/names", false),
        ("/cmd/:tool/:badsub/details", true),
        ("/src/*filepath", false),
        ("/src/:file", true),
        ("/src/static.json", true),
        ("/src/*filepathx", true),
        ("/src/", true),
        ("/src/foo/bar", true),
        ("/src1/", false),
        ("/src1/*filepath", true),
        ("/src2*filepath", true),
        ("/src2/*filepath", false),
        ("/search/:query", false),
        ("/search/valid", false),
        ("/user_:name", false),
        ("/user_x", false),
        ("/user_:name", true), // duplicate (gin's test re-adds with no check)
        ("/id:id", false),
        ("/id/:id", false),
    ]);
}

#[test]
fn child_conflicts() {
    expect_conflicts(&[
        ("/cmd/vet", false),
        ("/cmd/:tool", false),
        ("/cmd/:tool/:sub", false),
        ("/cmd/:tool/misc", false),
        ("/cmd/:tool/:othersub", true),
        ("/src/AUTHORS", false),
        ("/src/*filepath", true),
        ("/user_x", false),
        ("/user_:name", false),
        ("/id/:id", false),
        ("/id:id", false),
        ("/:id", false),
        ("/*filepath", true),
    ]);
}

#[test]
fn catch_all_conflicts() {
    expect_conflicts(&[
        ("/src/*filepath/x", true),
        ("/src2/", false),
        ("/src2/*filepath/x", true),
        ("/src3/*filepath", false),
        ("/src3/*filepath/x", true),
    ]);
    expect_conflicts(&[("/", false), ("/*filepath", true)]);
}

#[test]
fn duplicates_are_refused_and_originals_kept() {
    let routes = [
        "/",
        "/doc/",
        "/src/*filepath",
        "/search/:query",
        "/user_:name",
    ];
    let mut t = Tree::new();
    for r in routes {
        t.insert(r, r.to_string()).unwrap();
        assert_eq!(
            t.insert(r, "again".into()),
            Err(InsertError::Duplicate { route: r.into() })
        );
    }
    check(
        &t,
        &[
            ("/", Some("/"), &[]),
            ("/doc/", Some("/doc/"), &[]),
            (
                "/src/some/file.png",
                Some("/src/*filepath"),
                &[("filepath", "/some/file.png")],
            ),
            (
                "/search/someth!ng+in+ünìcodé",
                Some("/search/:query"),
                &[("query", "someth!ng+in+ünìcodé")],
            ),
            ("/user_gopher", Some("/user_:name"), &[("name", "gopher")]),
        ],
    );
}

#[test]
fn empty_wildcard_names() {
    for r in ["/user:", "/user:/", "/cmd/:/", "/src/*"] {
        let mut t: Tree<()> = Tree::new();
        assert_eq!(
            t.insert(r, ()),
            Err(InsertError::EmptyWildcardName { route: r.into() })
        );
    }
}

#[test]
fn double_wildcards() {
    for r in ["/:foo:bar", "/:foo:bar/", "/:foo*bar"] {
        let mut t: Tree<()> = Tree::new();
        let e = t.insert(r, ()).unwrap_err();
        assert!(
            matches!(e, InsertError::TooManyWildcards { .. }),
            "{r}: {e:?}"
        );
        assert!(e
            .to_string()
            .starts_with("only one wildcard per path segment is allowed"));
    }
}

#[test]
fn catch_all_syntax() {
    let mut t: Tree<()> = Tree::new();
    assert!(matches!(
        t.insert("/src/*x/y", ()),
        Err(InsertError::CatchAllNotAtEnd { .. })
    ));
    assert!(matches!(
        t.insert("/src*x", ()),
        Err(InsertError::NoSlashBeforeCatchAll { .. })
    ));
    assert!(matches!(
        t.insert("src", ()),
        Err(InsertError::MissingLeadingSlash { .. })
    ));
    assert!(t.is_empty());
}

#[test]
fn conflict_messages_name_both_routes() {
    let cases = [
        ("/who/are/foo", "/foo", "/who/are/*you", "/*you"),
        ("/who/are/foo/", "/foo/", "/who/are/*you", "/*you"),
        ("/who/are/foo/bar", "/foo/bar", "/who/are/*you", "/*you"),
        ("/con:nection", ":nection", "/con:tact", ":tact"),
    ];
    for (route, seg, prefix, wild) in cases {
        let mut t = build(&["/con:tact", "/who/are/*you", "/who/foo/hello"]);
        let e = t.insert(route, route.to_string()).unwrap_err();
        let msg = e.to_string();
        let want = format!("'{seg}' in new path '{route}' conflicts with existing wildcard '{wild}' in existing prefix '{prefix}'");
        assert!(msg.starts_with(&want), "{msg}");
        assert!(msg.contains(&format!("existing route '{prefix}'")), "{msg}");
    }
    let mut t = build(&["/src/AUTHORS"]);
    let e = t.insert("/src/*filepath", String::new()).unwrap_err();
    assert_eq!(
        e,
        InsertError::CatchAllConflict {
            route: "/src/*filepath".into(),
            existing_segment: "AUTHORS".into(),
            existing_prefix: "/src/AUTHORS".into(),
            existing_route: "/src/AUTHORS".into(),
        }
    );
    let mut t = build(&["/user/:name"]);
    let e = t.insert("/user/:id", String::new()).unwrap_err();
    assert!(
        e.to_string().contains("'/user/:id'") && e.to_string().contains("'/user/:name'"),
        "{e}"
    );
}

#[test]
fn static_beside_param_in_both_orders() {
    for order in [
        ["/user/groups", "/user/:name"],
        ["/user/:name", "/user/groups"],
    ] {
        let t = build(&order);
        check(
            &t,
            &[
                ("/user/groups", Some("/user/groups"), &[]),
                ("/user/gopher", Some("/user/:name"), &[("name", "gopher")]),
                ("/user/group", Some("/user/:name"), &[("name", "group")]),
                ("/user/groupsx", Some("/user/:name"), &[("name", "groupsx")]),
            ],
        );
    }
}

/// gin 1.8.1 only backtracks from static dead ends; a dead end after a param
/// gives up even though a route further back would have matched. The port
/// reproduces this so that the engine answers exactly as gin does.
#[test]
fn gin_gives_up_after_a_param_dead_end() {
    let t = build(&["/s/b/:c", "/s/:x/:y/z"]);
    assert!(t.get("/s/b/q/z").is_err());
    assert_eq!(t.get("/s/a/q/z").unwrap().full_path, "/s/:x/:y/z");
    // and a trailing-slash recommendation in the static branch wins over a param match
    let t = build(&["/u/ab", "/u/:id/"]);
    assert_eq!(t.get("/u/ab/").err().map(|e| e.tsr), Some(true));
    assert_eq!(t.get("/u/cd/").unwrap().full_path, "/u/:id/");
}

#[test]
fn many_params_spill_to_heap() {
    let route = "/:a/:b/:c/:d/:e/:f/:g/:h/:i/:j";
    let t = build(&[route]);
    let m = t.get("/1/2/3/4/5/6/7/8/9/10").unwrap();
    assert_eq!(m.params.len(), 10);
    assert_eq!(m.params.get("j"), Some("10"));
    assert_eq!(m.params.get("a"), Some("1"));
}

#[test]
fn case_insensitive_lookup() {
    let long = format!("/l{}ng", "o".repeat(128));
    let long_in = format!("/l{}ng/", "O".repeat(128));
    let mut routes: Vec<&str> = CI_ROUTES.to_vec();
    routes.push(&long);
    let t = build(&routes);
    for r in &routes {
        for fix in [true, false] {
            assert_eq!(
                t.find_case_insensitive_path(r, fix).as_deref(),
                Some(*r),
                "route {r} fix={fix}"
            );
        }
    }
    let mut cases: Vec<(&str, &str, bool, bool)> = CI_TESTS.to_vec();
    cases.push((&long_in, &long, true, true));
    for (input, out, found, slash) in &cases {
        let got = t.find_case_insensitive_path(input, true);
        assert_eq!(got.is_some(), *found, "{input} fix=true");
        if *found {
            assert_eq!(got.as_deref(), Some(*out), "{input} fix=true");
        }
        let got = t.find_case_insensitive_path(input, false);
        if *slash {
            assert!(
                got.is_none(),
                "{input} must need the slash fix, got {got:?}"
            );
        } else {
            assert_eq!(got.is_some(), *found, "{input} fix=false");
            if *found {
                assert_eq!(got.as_deref(), Some(*out), "{input} fix=false");
            }
        }
    }
}

#[test]
fn hostile_paths_do_not_panic() {
    let t = build(TESTTREEWILDCARD_ROUTES);
    for p in [
        "",
        "/",
        "//",
        "///",
        "\u{0}",
        "/é",
        "/cmd/\u{10FFFF}/x",
        "/src",
        "/search/%zz",
        "/:cc",
        "/*",
    ] {
        let _ = t.get(p);
        let _ = t.find_case_insensitive_path(p, true);
        let _ = t.find_case_insensitive_path(p, false);
    }
    let long = "/a".repeat(10_000);
    let _ = t.get(&long);
}
