//! The goinbox/gohttp demo on this crate: `DemoController` and `TestController` sharing one
//! context whose hooks frame every answer.
//!
//! `cargo run -p controller --example demo -- 127.0.0.1:8010`, then
//!
//! ```text
//! curl http://127.0.0.1:8010/demo/args/123        # Hi, Client! ... framed by before/after
//! curl http://127.0.0.1:8010/test/args/123        # the same action through a second rule
//! curl http://127.0.0.1:8010/demo/DescribeDemo
//! curl -d 'a=1&b=2' http://127.0.0.1:8010/demo/ProcessPost
//! curl -i http://127.0.0.1:8010/demo/Redirect     # 302 Found, Location: https://github.com/goinbox
//! ```
//!
//! Every request prints `destruct demo context` when it is done, as the Go demo does.

use controller::{boxed, redirect_302, ActionContext, ActionResult, BaseContext, Controller};
use controller::{RouteError, Router, System};
use servemux::{Request, ResponseWriter, Server};

// ANCHOR: context
/// The demo's context: Go's `DemoActionContext` embedding `*BaseContext`.
pub struct DemoContext<'a> {
    base: BaseContext<'a>,
}

impl<'a> ActionContext<'a> for DemoContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }

    fn before_action(&mut self) -> ActionResult {
        self.append("before demo action\n");
        Ok(())
    }

    fn after_action(&mut self) {
        self.append("after demo action\n");
    }

    fn destruct(&mut self) {
        // The Go demo prints here; this is the example program, not library code.
        println!("destruct demo context");
    }
}
// ANCHOR_END: context

// ANCHOR: controller
pub struct DemoController;

impl Controller for DemoController {
    type Context<'a> = DemoContext<'a>;

    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> DemoContext<'a> {
        DemoContext {
            base: BaseContext::new(r, w),
        }
    }
}

#[controller::actions]
impl DemoController {
    /// `/demo/args/123`: writes straight to the client, before the buffered body.
    async fn args_action(ctx: &mut DemoContext<'_>, id: String) {
        say_hi(ctx, &id).await;
    }

    /// `/demo/DescribeDemo`
    fn describe_demo_action(ctx: &mut DemoContext) {
        ctx.append("DescribeDemo\n");
    }

    /// `/demo/ProcessPost`: echoes the posted body.
    fn process_post_action(ctx: &mut DemoContext) {
        let body = ctx.request().body();
        ctx.append(body);
        ctx.append("\n");
    }

    /// `/demo/Redirect`: leaves early, `after_action` does not run.
    fn redirect_action(_ctx: &mut DemoContext) -> ActionResult {
        redirect_302("https://github.com/goinbox")
    }
}
// ANCHOR_END: controller

// ANCHOR: test_controller
/// A second controller with the same context; Go gets its `ArgsAction` by embedding
/// `DemoController`, here it calls the same helper.
pub struct TestController;

impl Controller for TestController {
    type Context<'a> = DemoContext<'a>;

    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> DemoContext<'a> {
        DemoController.new_action_context(r, w)
    }
}

#[controller::actions]
impl TestController {
    async fn args_action(ctx: &mut DemoContext<'_>, id: String) {
        say_hi(ctx, &id).await;
    }
}

async fn say_hi(ctx: &mut DemoContext<'_>, id: &str) {
    let line = format!("Hi, Client! Your data is: {id}\n");
    // A failed write means the client is gone; the lifecycle still finishes.
    let _ = ctx.writer().write(line.as_bytes()).await;
}
// ANCHOR_END: test_controller

// ANCHOR: router
/// The demo's route table.
pub fn demo_router() -> Result<Router, RouteError> {
    let mut router = Router::new();
    router
        .register_routes([boxed(DemoController), boxed(TestController)])?
        .define_route(r"^/demo/args/(\d+)$", "demo", "args")?
        .define_route(r"^/test/args/(\d+)$", "test", "args")?;
    Ok(router)
}
// ANCHOR_END: router

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "controller=debug".into()),
        )
        .init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8010".to_owned());
    let router = match demo_router() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for r in router.routes() {
        println!(
            "{:<24} -> {}/{} ({} arg{}) {}",
            r.pattern,
            r.controller,
            r.action,
            r.arity,
            if r.arity == 1 { "" } else { "s" },
            r.method
        );
    }
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on {addr}");
    let server = Server::new(System::new(router));
    if let Err(e) = server.serve(listener).await {
        eprintln!("serve: {e}");
    }
}
