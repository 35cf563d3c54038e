//! Every routing and lifecycle rule, checked over real HTTP against a `System` on 127.0.0.1:0.
//!
//! The controllers here log each hook into a shared list, so a test can see not only the body
//! but also that `destruct` ran exactly once per request, whatever the action did.

mod common;

use std::sync::{Arc, Mutex};

use controller::{boxed, redirect_302, ActionContext, ActionResult, BaseContext, Controller};
use controller::{RouteError, Router};
use servemux::http::{HeaderValue, StatusCode};
use servemux::{Request, ResponseWriter};

/// The hooks each request ran, in order, across all requests of one test.
type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

// ---------------------------------------------------------------------------------------------
// A context that frames the body with `before\n` ... `after\n` and logs every hook.

struct LifeContext<'a> {
    base: BaseContext<'a>,
    log: Log,
}

impl<'a> ActionContext<'a> for LifeContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }
    fn before_action(&mut self) -> ActionResult {
        self.log.lock().unwrap().push("before".into());
        self.append("before\n");
        Ok(())
    }
    fn after_action(&mut self) {
        self.log.lock().unwrap().push("after".into());
        self.append("after\n");
    }
    fn destruct(&mut self) {
        self.log.lock().unwrap().push("destruct".into());
    }
}

struct LifeController {
    log: Log,
}

impl Controller for LifeController {
    type Context<'a> = LifeContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> LifeContext<'a> {
        LifeContext {
            base: BaseContext::new(r, w),
            log: self.log.clone(),
        }
    }
}

fn note(ctx: &LifeContext, what: &str) {
    ctx.log.lock().unwrap().push(what.to_owned());
}

#[controller::actions]
impl LifeController {
    fn plain_action(ctx: &mut LifeContext) {
        note(ctx, "plain");
        ctx.append("plain\n");
    }

    fn index_action(ctx: &mut LifeContext) {
        note(ctx, "index");
        ctx.append("life index\n");
    }

    /// A direct write goes out before the buffered body, as in Go.
    async fn direct_action(ctx: &mut LifeContext<'_>) {
        note(ctx, "direct");
        ctx.append("buffered\n");
        ctx.writer().write(b"direct\n").await.unwrap();
    }

    /// `set` replaces what `before_action` buffered.
    fn replace_action(ctx: &mut LifeContext) {
        note(ctx, "replace");
        ctx.set("replaced\n");
    }

    fn created_action(ctx: &mut LifeContext) {
        note(ctx, "created");
        let w = ctx.writer();
        w.header_mut()
            .insert("x-action", HeaderValue::from_static("created"));
        w.write_header(StatusCode::CREATED);
        ctx.append("made\n");
    }

    // ANCHOR: jump
    fn jump_action(ctx: &mut LifeContext) -> ActionResult {
        note(ctx, "jump");
        ctx.append("jumping\n");
        redirect_302("/target")?;
        ctx.append("unreachable\n");
        Ok(())
    }
    // ANCHOR_END: jump

    fn boom_action(ctx: &mut LifeContext) {
        note(ctx, "boom");
        ctx.append("boom\n");
        panic!("the action failed");
    }

    async fn async_boom_action(ctx: &mut LifeContext<'_>) {
        note(ctx, "async boom");
        tokio::task::yield_now().await;
        panic!("the async action failed");
    }

    fn one_action(ctx: &mut LifeContext, a: String) {
        note(ctx, "one");
        ctx.append(format!("one[{a}]\n"));
    }

    fn three_action(ctx: &mut LifeContext, a: String, b: String, c: String) {
        note(ctx, "three");
        ctx.append(format!("three[{a}|{b}|{c}]\n"));
    }

    /// `&self` works too: the controller value is shared by every request.
    fn selfish_action(&self, ctx: &mut LifeContext) {
        note(ctx, "selfish");
        let n = self.log.lock().unwrap().len();
        ctx.append(format!("log had {n} lines\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// A context whose `before_action` redirects: the action and `after_action` must not run.

struct GuardContext<'a> {
    base: BaseContext<'a>,
    log: Log,
}

impl<'a> ActionContext<'a> for GuardContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }
    fn before_action(&mut self) -> ActionResult {
        self.log.lock().unwrap().push("guard".into());
        redirect_302("/login")
    }
    fn after_action(&mut self) {
        self.log.lock().unwrap().push("after".into());
    }
    fn destruct(&mut self) {
        self.log.lock().unwrap().push("destruct".into());
    }
}

struct GuardController {
    log: Log,
}

impl Controller for GuardController {
    type Context<'a> = GuardContext<'a>;
    fn new_action_context<'a>(
        &self,
        r: &'a Request,
        w: &'a mut ResponseWriter,
    ) -> GuardContext<'a> {
        GuardContext {
            base: BaseContext::new(r, w),
            log: self.log.clone(),
        }
    }
}

#[controller::actions]
impl GuardController {
    fn secret_action(ctx: &mut GuardContext) {
        ctx.log.lock().unwrap().push("secret".into());
        ctx.append("secret\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Name mapping: multi-word type and method names; the default `BaseContext`.

struct MultiWordNameController;

impl Controller for MultiWordNameController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl MultiWordNameController {
    fn snake_case_name_action(ctx: &mut BaseContext) {
        ctx.append("snake\n");
    }

    /// Not an action: no `_action` suffix, so no route.
    #[allow(dead_code)]
    fn helper(ctx: &mut BaseContext) {
        ctx.append("never routed\n");
    }
}

struct IndexController;

impl Controller for IndexController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl IndexController {
    fn index_action(ctx: &mut BaseContext) {
        ctx.append("home\n");
    }
}

// ---------------------------------------------------------------------------------------------

/// The table every test below serves.
fn app(log: &Log) -> Result<Router, RouteError> {
    let mut router = Router::new();
    router
        .register_routes([
            boxed(LifeController { log: log.clone() }),
            boxed(GuardController { log: log.clone() }),
            boxed(MultiWordNameController),
            boxed(IndexController),
        ])?
        // Order matters: both match `/order/12`, the first one wins.
        .define_route(r"^/order/(\d+)$", "life", "one")?
        .define_route(r"^/order/(.*)$", "life", "three")?
        // More groups than arguments: cut to the arity.
        .define_route(r"^/many/(\w)(\w)(\w)(\w)$", "life", "one")?
        // Groups that did not take part count as "".
        .define_route(r"^/opt/(a)?(b)?(c)?$", "life", "three")?
        // A rule in front of a general route takes it over.
        .define_route(r"^/life/index$", "life", "plain")?
        // Rules are unanchored searches, as in Go, unless the pattern anchors them.
        .define_route(r"/anywhere/(\w+)", "life", "one")?;
    Ok(router)
}

async fn start() -> (common::Running, Log) {
    let log: Log = Arc::default();
    let router = app(&log).expect("the test table is valid");
    (common::serve(router).await, log)
}

#[tokio::test]
async fn general_routes_map_type_and_method_names() {
    let (srv, log) = start().await;

    let a = srv.get("/life/plain").await;
    assert_eq!(
        (a.status, a.text().as_str()),
        (200, "before\nplain\nafter\n")
    );
    assert_eq!(take(&log), ["before", "plain", "after", "destruct"]);

    // `MultiWordNameController` -> `multiwordname`, `snake_case_name_action` -> `snakecasename`.
    let a = srv.get("/multiwordname/snakecasename").await;
    assert_eq!((a.status, a.text().as_str()), (200, "snake\n"));

    // The method name with its underscores is not a route; neither is a non-action method.
    assert_eq!(srv.get("/multiwordname/snake_case_name").await.status, 404);
    assert_eq!(srv.get("/multiwordname/helper").await.status, 404);
    assert_eq!(srv.get("/multi_word_name/snakecasename").await.status, 404);

    // `&self` actions.
    let a = srv.get("/life/selfish").await;
    assert_eq!(a.status, 200);
    assert!(a.text().starts_with("before\nlog had "), "{}", a.text());
    take(&log);

    srv.stop().await;
}

#[tokio::test]
async fn general_routes_are_case_insensitive() {
    let (srv, _log) = start().await;
    for path in [
        "/life/plain",
        "/Life/Plain",
        "/LIFE/PLAIN",
        "/lIfE/pLaIn/",
        "/MultiWordName/SnakeCaseName",
    ] {
        let a = srv.get(path).await;
        assert_eq!(a.status, 200, "{path}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn empty_names_default_to_index_and_extra_segments_do_not_match() {
    let (srv, log) = start().await;

    // Go's emptyControllerName / emptyActionName.
    assert_eq!(srv.get("/").await.text(), "home\n");
    assert_eq!(srv.get("/index").await.text(), "home\n");
    assert_eq!(srv.get("/index/index").await.text(), "home\n");
    // `/life` is `life/index`: the general route... but the rule `^/life/index$` only sees the
    // literal path `/life`, so the general route answers.
    assert_eq!(srv.get("/life").await.text(), "before\nlife index\nafter\n");
    take(&log);

    // Exactly two segments: Go would ignore `/extra`; here it is a 404.
    assert_eq!(srv.get("/life/plain/extra").await.status, 404);
    assert_eq!(srv.get("/index/index/index").await.status, 404);
    assert!(take(&log).is_empty(), "no context for a 404");

    srv.stop().await;
}

#[tokio::test]
async fn unknown_names_and_actions_with_arguments_answer_404() {
    let (srv, log) = start().await;
    for path in [
        "/nosuch/plain",
        "/life/nosuch",
        // `one` takes an argument: Go calls it with none and panics; we answer 404.
        "/life/one",
        "/life/three",
        "/guard/nosuch",
        // `before_action` and friends are hooks, not actions.
        "/life/before",
        "/life/destruct",
    ] {
        let a = srv.get(path).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.text(), "404 page not found\n", "{path}");
        assert_eq!(
            a.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{path}"
        );
    }
    assert!(take(&log).is_empty(), "no context is built for a 404");
    srv.stop().await;
}

#[tokio::test]
async fn rules_are_tried_in_order_before_general_routes() {
    let (srv, log) = start().await;

    // Rule 0 wins over rule 1 for digits.
    assert_eq!(
        srv.get("/order/12").await.text(),
        "before\none[12]\nafter\n"
    );
    // Rule 1 catches the rest; its one capture is padded to three arguments.
    assert_eq!(
        srv.get("/order/x-y").await.text(),
        "before\nthree[x-y||]\nafter\n"
    );
    // Rule 4 takes `/life/index` away from the general route.
    assert_eq!(
        srv.get("/life/index").await.text(),
        "before\nplain\nafter\n"
    );
    // An unanchored rule matches anywhere in the path.
    assert_eq!(
        srv.get("/x/anywhere/here/y").await.text(),
        "before\none[here]\nafter\n"
    );
    take(&log);
    srv.stop().await;
}

#[tokio::test]
async fn rule_arguments_are_padded_cut_and_lower_cased() {
    let (srv, log) = start().await;

    // Four groups, one argument: the first capture only.
    assert_eq!(
        srv.get("/many/wxyz").await.text(),
        "before\none[w]\nafter\n"
    );
    // Groups that did not participate are "".
    assert_eq!(
        srv.get("/opt/ac").await.text(),
        "before\nthree[a||c]\nafter\n"
    );
    assert_eq!(srv.get("/opt/").await.text(), "before\nthree[||]\nafter\n");
    // Go lower-cases the whole path before matching, so rules match case-insensitively on
    // ASCII letters and their captures are lower case.
    assert_eq!(
        srv.get("/ORDER/AbC").await.text(),
        "before\nthree[abc||]\nafter\n"
    );
    // The path is decoded before routing: `%41` is `A`, lower-cased to `a`.
    assert_eq!(
        srv.get("/order/%41%2fb").await.text(),
        "before\nthree[a/b||]\nafter\n"
    );
    take(&log);
    srv.stop().await;
}

#[tokio::test]
async fn lifecycle_order_and_direct_writes() {
    let (srv, log) = start().await;

    // The direct write is on the wire before the buffered body, as in Go.
    let a = srv.get("/life/direct").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.text(), "direct\nbefore\nbuffered\nafter\n");
    assert_eq!(take(&log), ["before", "direct", "after", "destruct"]);

    // `set` replaces the buffer; `after_action` appends to the replacement.
    assert_eq!(srv.get("/life/replace").await.text(), "replaced\nafter\n");
    take(&log);

    // Status and headers set by the action stay.
    let a = srv.get("/life/created").await;
    assert_eq!(a.status, 201);
    assert_eq!(a.header("x-action"), Some("created"));
    assert_eq!(a.text(), "before\nmade\nafter\n");
    take(&log);

    srv.stop().await;
}

#[tokio::test]
async fn post_bodies_reach_the_action() {
    let (srv, _log) = start().await;
    // The seed's ProcessPost is checked by the demo crate's transcript test; here: any method
    // reaches an action, as in Go.
    let a = srv.post("/life/plain", b"ignored").await;
    assert_eq!(
        (a.status, a.text().as_str()),
        (200, "before\nplain\nafter\n")
    );
    srv.stop().await;
}

#[tokio::test]
async fn redirect_skips_after_action_but_not_the_tail() {
    let (srv, log) = start().await;

    let a = srv.get("/life/jump").await;
    assert_eq!(a.status, 302);
    assert_eq!(a.header("location"), Some("/target"));
    // Go's http.Redirect body for a GET, then the buffered body (the deferred write).
    assert_eq!(
        a.text(),
        "<a href=\"/target\">Found</a>.\n\nbefore\njumping\n"
    );
    assert_eq!(take(&log), ["before", "jump", "destruct"]);

    // A redirect from `before_action` skips the action too.
    let a = srv.get("/guard/secret").await;
    assert_eq!(a.status, 302);
    assert_eq!(a.header("location"), Some("/login"));
    assert_eq!(take(&log), ["guard", "destruct"]);

    // HEAD gets the headers without the body.
    let a = srv.send("HEAD", "/life/jump", b"").await;
    assert_eq!(a.status, 302);
    assert_eq!(a.header("location"), Some("/target"));
    assert!(a.body.is_empty());
    take(&log);

    srv.stop().await;
}

#[tokio::test]
async fn panics_answer_500_and_still_destruct() {
    let (srv, log) = start().await;

    let a = srv.get("/life/boom").await;
    assert_eq!(a.status, 500);
    // What was buffered before the panic is still written, then destruct runs; after does not.
    assert_eq!(a.text(), "before\nboom\n");
    assert_eq!(take(&log), ["before", "boom", "destruct"]);

    let a = srv.get("/life/asyncboom").await;
    assert_eq!(a.status, 500);
    assert_eq!(take(&log), ["before", "async boom", "destruct"]);

    // The server is fine afterwards.
    assert_eq!(srv.get("/life/plain").await.status, 200);
    take(&log);
    srv.stop().await;
}

#[tokio::test]
async fn destruct_runs_once_per_request() {
    let (srv, log) = start().await;
    let paths = [
        "/life/plain",
        "/life/jump",
        "/life/boom",
        "/guard/secret",
        "/order/7",
        "/life/direct",
        "/nosuch/thing",
    ];
    let rounds = 5;
    for _ in 0..rounds {
        for p in paths {
            srv.get(p).await;
        }
    }
    let destructs = take(&log).iter().filter(|l| *l == "destruct").count();
    // Every routed request once; the 404 builds no context.
    assert_eq!(destructs, rounds * (paths.len() - 1));
    srv.stop().await;
}

#[tokio::test]
async fn concurrent_requests_each_get_their_own_context() {
    let (srv, log) = start().await;
    let srv = Arc::new(srv);
    let mut tasks = Vec::new();
    for i in 0..32 {
        let srv = srv.clone();
        tasks.push(tokio::spawn(async move {
            let a = srv.get(&format!("/order/{i}")).await;
            assert_eq!(a.text(), format!("before\none[{i}]\nafter\n"));
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let lines = take(&log);
    assert_eq!(lines.iter().filter(|l| *l == "destruct").count(), 32);
    Arc::try_unwrap(srv)
        .ok()
        .expect("all tasks done")
        .stop()
        .await;
}
