//! Looking up a route must not touch the heap: parameters live inline in
//! `Params` (up to `INLINE_PARAMS`), keys borrow from the tree and values from
//! the request path. A counting global allocator proves it.

use radix::Tree;

/// Counts allocations made by the current thread only, so that the test
/// harness's other threads cannot disturb the count.
#[global_allocator]
static GLOBAL: testkit::CountingAlloc = testkit::CountingAlloc;

fn allocations_during(f: impl FnOnce()) -> usize {
    testkit::alloc::count_allocations(f).1
}

#[test]
fn get_allocates_nothing_for_static_param_and_catch_all_routes() {
    let mut t = Tree::new();
    let routes = [
        "/",
        "/users",
        "/users/:user",
        "/users/:user/repos",
        "/repos/:owner/:repo/git/refs/*ref",
        "/user/groups",
        "/user/:name",
        "/a/:b/:c/:d/:e",
        "/spill/:a/:b/:c/:d/:e",
    ];
    for (i, r) in routes.iter().enumerate() {
        t.insert(r, i).unwrap();
    }
    let requests = [
        ("/", 0, 0),
        ("/users", 1, 0),
        ("/users/gopher", 2, 1),
        ("/users/gopher/repos", 3, 1),
        ("/repos/rust-lang/rust/git/refs/heads/master", 4, 3),
        ("/user/groups", 5, 0),
        // backtracks from the static `groups` branch to the param
        ("/user/group", 6, 1),
        // four params: the inline capacity, exactly
        ("/a/1/2/3/4", 7, 4),
        ("/a/b/c/d/e", 7, 4),
    ];
    // ANCHOR: no_alloc
    for (path, want, nparams) in requests {
        let mut got = None;
        let n = allocations_during(|| {
            let m = t.get(path).expect("route matches");
            got = Some((*m.value, m.params.len()));
        });
        assert_eq!(got, Some((want, nparams)), "{path}");
        assert_eq!(n, 0, "get({path}) allocated {n} times");
    }
    // ANCHOR_END: no_alloc
    // One parameter past the inline capacity moves the list to the heap, once.
    let n = allocations_during(|| {
        let m = t.get("/spill/1/2/3/4/5").expect("route matches");
        assert_eq!(m.params.len(), radix::INLINE_PARAMS + 1);
    });
    assert_eq!(n, 1, "a fifth parameter spills to the heap exactly once");
    // Misses (with and without a trailing-slash recommendation) are free too.
    for path in ["/nope", "/users/gopher/", "/users/gopher/repos/x"] {
        let n = allocations_during(|| {
            assert!(t.get(path).is_err(), "{path}");
        });
        assert_eq!(n, 0, "get({path}) allocated {n} times");
    }
}

#[test]
fn the_counter_counts() {
    // Guard against a broken allocator hook making the test above vacuous.
    let n = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
