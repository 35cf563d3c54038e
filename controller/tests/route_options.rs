//! The router's options, over real HTTP: the default route (Go's `SetDefaultRoute`), the names
//! empty segments stand for (`SetEmptyControllerName`, `SetEmptyActionName`) and an application's
//! own path parser (`SetParseRoutePathFunc`), and what the system routes on (go-jar's
//! `SetRouteFunc`). Each answer names the action that served it and the arguments it got, so a
//! test reads which route won from the body.

mod common;

use std::borrow::Cow;

use controller::{boxed, ActionContext, BaseContext, Controller, RouteError, RouteGuide};
use controller::{Router, System, Via};
use servemux::{Request, ResponseWriter};

struct IndexController;
struct HomeController;
struct UserController;

impl Controller for IndexController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

impl Controller for HomeController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

impl Controller for UserController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl IndexController {
    fn index_action(ctx: &mut BaseContext) {
        ctx.append("index/index");
    }
    fn help_action(ctx: &mut BaseContext) {
        ctx.append("index/help");
    }
}

#[controller::actions]
impl HomeController {
    fn show_action(ctx: &mut BaseContext) {
        ctx.append("home/show");
    }
    fn index_action(ctx: &mut BaseContext) {
        ctx.append("home/index");
    }
}

#[controller::actions]
impl UserController {
    fn show_action(ctx: &mut BaseContext, id: String, tab: String) {
        ctx.append(format!("user/show id={id} tab={tab}"));
    }
    fn list_action(ctx: &mut BaseContext) {
        ctx.append("user/list");
    }
    fn show_index_action(ctx: &mut BaseContext) {
        ctx.append("user/showindex");
    }
}

fn table() -> Router {
    let mut router = Router::new();
    router
        .register_routes([
            boxed(IndexController),
            boxed(HomeController),
            boxed(UserController),
        ])
        .unwrap();
    router
}

/// `(status, body)` of a GET.
async fn get(srv: &common::Running, path: &str) -> (u16, String) {
    let a = srv.get(path).await;
    (a.status, a.text())
}

#[tokio::test]
async fn without_a_default_route_a_miss_is_404() {
    let srv = common::serve(table()).await;
    assert_eq!(get(&srv, "/").await, (200, "index/index".into()));
    assert_eq!(get(&srv, "/home").await, (200, "home/index".into()));
    assert_eq!(get(&srv, "/nosuch").await.0, 404);
    assert_eq!(get(&srv, "/home/nosuch").await.0, 404);
    srv.stop().await;
}

// ANCHOR: default_route
#[tokio::test]
async fn default_route_catches_general_misses() {
    let mut router = table();
    router.set_default_route("home", "show").unwrap();
    let srv = common::serve(router).await;

    // Names that exist still win.
    assert_eq!(get(&srv, "/").await, (200, "index/index".into()));
    assert_eq!(get(&srv, "/user/list").await, (200, "user/list".into()));
    // An unknown controller, an unknown action, an action that needs arguments: the default.
    for path in ["/nosuch", "/nosuch/", "/home/nosuch", "/user", "/user/show"] {
        assert_eq!(get(&srv, path).await, (200, "home/show".into()), "{path}");
    }
    // A path the parser refuses (three segments) is still no route at all.
    assert_eq!(get(&srv, "/a/b/c").await.0, 404);
    srv.stop().await;
}
// ANCHOR_END: default_route

#[tokio::test]
async fn default_route_and_rules() {
    let mut router = table();
    router
        .define_route(r"^/u/(\d+)$", "user", "show")
        .unwrap()
        .set_default_route("index", "help")
        .unwrap();
    let srv = common::serve(router).await;
    // Rules come first; their padding gives the second argument "".
    assert_eq!(get(&srv, "/u/7").await, (200, "user/show id=7 tab=".into()));
    assert_eq!(get(&srv, "/u/x").await, (200, "index/help".into()));
    srv.stop().await;
}

#[test]
fn default_route_must_name_an_action_without_arguments() {
    let mut router = table();
    assert_eq!(
        router.set_default_route("nosuch", "index").err(),
        Some(RouteError::UnknownController {
            pattern: "<default route>".into(),
            controller: "nosuch".into(),
        })
    );
    assert_eq!(
        router.set_default_route("home", "nosuch").err(),
        Some(RouteError::UnknownAction {
            pattern: "<default route>".into(),
            controller: "home".into(),
            action: "nosuch".into(),
        })
    );
    let e = router
        .set_default_route("user", "show")
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "default route 'user/show': the action takes 2 argument(s), a default route has none to give"
    );
    // Refused settings leave the table without a default route.
    assert_eq!(router.resolve("/nosuch"), None);
    // Names are compared as `define_route` compares them.
    router.set_default_route("Home", "Show").unwrap();
    assert_eq!(router.resolve("/nosuch").unwrap().via, Via::Default);
}

// ANCHOR: empty_names
#[tokio::test]
async fn empty_segments_use_the_configured_names() {
    let mut router = table();
    router.set_empty_names("Home", "show");
    let srv = common::serve(router).await;
    assert_eq!(get(&srv, "/").await, (200, "home/show".into()));
    assert_eq!(get(&srv, "//").await, (200, "home/show".into()));
    assert_eq!(get(&srv, "/home").await, (200, "home/show".into()));
    assert_eq!(get(&srv, "/home/").await, (200, "home/show".into()));
    // `index` is no longer special: /user has no `show` without arguments, so 404.
    assert_eq!(get(&srv, "/user").await.0, 404);
    assert_eq!(get(&srv, "/index/index").await, (200, "index/index".into()));
    srv.stop().await;
}
// ANCHOR_END: empty_names

// ANCHOR: parse_route_path
/// `/api/<controller>/<action>/<args>...`, everything else is no general route.
fn api_paths(path: &str) -> Option<RouteGuide> {
    let mut parts = path.strip_prefix("/api/")?.split('/');
    Some(RouteGuide {
        controller: parts.next()?.to_owned(),
        action: parts.next().unwrap_or("list").to_owned(),
        args: parts.map(str::to_owned).collect(),
    })
}

#[tokio::test]
async fn an_application_parser_replaces_the_general_route() {
    let mut router = table();
    router.set_parse_route_path(api_paths);
    let srv = common::serve(router).await;

    assert_eq!(get(&srv, "/api/user").await, (200, "user/list".into()));
    // Arguments from the parser, padded or cut to the action's two, as for rules.
    let cases = [
        ("/api/user/show/7", "user/show id=7 tab="),
        ("/api/user/show/7/posts", "user/show id=7 tab=posts"),
        ("/api/user/show/7/posts/extra", "user/show id=7 tab=posts"),
        // The parser sees the lower-cased path, as Go's does.
        ("/API/User/Show/Bob", "user/show id=bob tab="),
    ];
    for (path, body) in cases {
        assert_eq!(get(&srv, path).await, (200, body.into()), "{path}");
    }
    // An action with arguments still needs at least one of them.
    assert_eq!(get(&srv, "/api/user/show").await.0, 404);
    // The built-in `/controller/action` is gone.
    assert_eq!(get(&srv, "/user/list").await.0, 404);
    assert_eq!(get(&srv, "/").await.0, 404);
    srv.stop().await;
}
// ANCHOR_END: parse_route_path

#[tokio::test]
async fn parser_rules_and_default_route_together() {
    let mut router = table();
    router
        .define_route(r"^/api/user/me$", "user", "showindex")
        .unwrap()
        .set_parse_route_path(api_paths)
        .set_default_route("index", "help")
        .unwrap();
    let srv = common::serve(router).await;
    assert_eq!(
        get(&srv, "/api/user/me").await,
        (200, "user/showindex".into())
    );
    assert_eq!(get(&srv, "/api/nosuch").await, (200, "index/help".into()));
    // The parser said "no general route": no default either.
    assert_eq!(get(&srv, "/elsewhere").await.0, 404);
    srv.stop().await;
}

// ANCHOR: route_path
#[tokio::test]
async fn the_system_can_route_on_something_else_than_the_path() {
    let mut system = System::new(table());
    // `?r=controller/action` names the route; without it, the path does.
    system.set_route_path(|r| match r.query("r") {
        Some(route) => Cow::Owned(format!("/{route}")),
        None => Cow::Borrowed(r.path()),
    });
    let srv = common::serve_system(system).await;
    assert_eq!(
        get(&srv, "/anything?r=user/list").await,
        (200, "user/list".into())
    );
    assert_eq!(get(&srv, "/?r=home/show").await, (200, "home/show".into()));
    assert_eq!(get(&srv, "/home/show").await, (200, "home/show".into()));
    assert_eq!(get(&srv, "/?r=nosuch/thing").await.0, 404);
    srv.stop().await;
}
// ANCHOR_END: route_path
