//! A general route whose path is already lower case resolves without touching the heap: no
//! lower-case copy, no argument list. Checked with a counting global allocator.

use controller::{boxed, ActionContext, BaseContext, Controller, Router};
use servemux::{Request, ResponseWriter};
use testkit::alloc::count_allocations;

// Counted per thread, so that the test harness's own threads do not count.
#[global_allocator]
static GLOBAL: testkit::CountingAlloc = testkit::CountingAlloc;

struct DemoController;

impl Controller for DemoController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl DemoController {
    fn describe_demo_action(ctx: &mut BaseContext) {
        ctx.append("DescribeDemo\n");
    }
    fn index_action(ctx: &mut BaseContext) {
        ctx.append("index\n");
    }
    fn args_action(ctx: &mut BaseContext, id: String) {
        ctx.append(id);
    }
}

fn allocations_during(f: impl FnOnce()) -> usize {
    count_allocations(f).1
}

fn resolve_counting(r: &Router, path: &str) -> usize {
    allocations_during(|| {
        std::hint::black_box(r.resolve(std::hint::black_box(path)));
    })
}

#[test]
fn lower_case_general_routes_do_not_allocate() {
    let mut plain = Router::new();
    plain.register_routes([boxed(DemoController)]).unwrap();
    // The same table with a rule in front, that every general route must first fail.
    let mut ruled = Router::new();
    ruled.register_routes([boxed(DemoController)]).unwrap();
    ruled
        .define_route(r"^/demo/args/(\d+)$", "demo", "args")
        .unwrap();

    let paths = [
        "/demo/describedemo",
        "/demo/describedemo/",
        "/demo",
        "/nosuch/x",
    ];
    for r in [&plain, &ruled] {
        // The first calls set up per-thread caches (the regex engine's search cache, the
        // thread-local this counter lives in); that is once per thread, not per request.
        for path in paths {
            resolve_counting(r, path);
        }
        for path in paths {
            let n = resolve_counting(r, path);
            assert_eq!(n, 0, "{path} allocated {n} times");
        }
    }

    // What does allocate, and why: the lower-case copy, and the arguments of a rule.
    assert!(resolve_counting(&ruled, "/Demo/DescribeDemo") >= 1);
    assert!(resolve_counting(&ruled, "/demo/args/7") >= 1);
}
