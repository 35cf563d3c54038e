//! A route table that cannot work is refused when it is built, with a typed error that names the
//! culprit — where Go panics (`regexp.MustCompile`) or silently ignores the mistake.

use controller::{boxed, ActionContext, BaseContext, Controller, RouteError, Router};
use servemux::{Request, ResponseWriter};

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
    fn args_action(ctx: &mut BaseContext, id: String) {
        ctx.append(id);
    }
}

fn demo() -> Router {
    let mut r = Router::new();
    r.register_routes([boxed(DemoController)]).unwrap();
    r
}

#[test]
fn invalid_regex() {
    let err = demo().define_route(r"^/demo/(\d+$", "demo", "args").err();
    let Some(RouteError::InvalidRegex { pattern, error }) = err.clone() else {
        panic!("expected InvalidRegex, got {err:?}");
    };
    assert_eq!(pattern, r"^/demo/(\d+$");
    assert!(!error.is_empty());
    let text = err.unwrap().to_string();
    assert!(
        text.contains(r"^/demo/(\d+$") && text.contains("regex"),
        "{text}"
    );
}

#[test]
fn unknown_controller_and_action() {
    let err = demo().define_route("^/x$", "nosuch", "args").err();
    assert_eq!(
        err,
        Some(RouteError::UnknownController {
            pattern: "^/x$".into(),
            controller: "nosuch".into()
        })
    );
    assert!(err.unwrap().to_string().contains("nosuch"));

    let err = demo().define_route("^/x$", "demo", "nosuch").err();
    assert_eq!(
        err,
        Some(RouteError::UnknownAction {
            pattern: "^/x$".into(),
            controller: "demo".into(),
            action: "nosuch".into()
        })
    );
    assert!(err.unwrap().to_string().contains("nosuch"));
}

#[test]
fn action_and_controller_names_in_rules_are_normalised() {
    let mut r = demo();
    r.define_route("^/a$", "Demo", "DescribeDemo").unwrap();
    r.define_route("^/b$", "DEMO", "describe_demo").unwrap();
    r.define_route("^/c$", "demo", "describedemo").unwrap();
    for p in ["/a", "/b", "/c"] {
        assert_eq!(r.resolve(p).unwrap().action, "describedemo", "{p}");
    }
}

#[test]
fn duplicate_rule_and_controller() {
    let mut r = demo();
    r.define_route(r"^/demo/args/(\d+)$", "demo", "args")
        .unwrap();
    let err = r
        .define_route(r"^/demo/args/(\d+)$", "demo", "describedemo")
        .err();
    assert_eq!(
        err,
        Some(RouteError::DuplicateRule {
            pattern: r"^/demo/args/(\d+)$".into()
        })
    );
    // The refused rule left the table as it was.
    assert_eq!(r.rule_count(), 1);
    assert_eq!(r.resolve("/demo/args/1").unwrap().action, "args");

    let err = r.register_routes([boxed(DemoController)]).err();
    assert_eq!(
        err,
        Some(RouteError::DuplicateController {
            name: "demo".into()
        })
    );
    assert!(err.unwrap().to_string().contains("demo"));
}

#[test]
fn routes_lists_rules_then_general_routes() {
    let mut r = demo();
    r.define_route(r"^/d/(\d+)$", "demo", "args").unwrap();
    let listed: Vec<(String, &str, usize)> = r
        .routes()
        .into_iter()
        .map(|i| (i.pattern, i.action, i.arity))
        .collect();
    assert_eq!(
        listed,
        [
            (r"^/d/(\d+)$".to_owned(), "args", 1),
            ("/demo/describedemo".to_owned(), "describedemo", 0),
        ]
    );
}
