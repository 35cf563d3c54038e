//! The seed's `server_demo.go`: two controllers sharing one context, and the route table.
//!
//! Every request runs the controller layer's lifecycle, and the demo context makes each step
//! visible: `before_action` and `after_action` add a line to the buffered body, and `destruct`
//! prints `destruct demo context` on the server's stdout, exactly as the Go demo does.
//!
//! | request                         | action              | body                                        |
//! | ------------------------------- | ------------------- | ------------------------------------------- |
//! | `GET /demo/args/123`            | `demo/args`         | `Hi, Client! Your data is: 123` + frame      |
//! | `GET /test/args/123`            | `demo/args` (again) | the same                                    |
//! | `GET /demo/DescribeDemo`        | `demo/describedemo` | `DescribeDemo` inside the frame             |
//! | `POST /demo/ProcessPost`        | `demo/processpost`  | the posted body inside the frame            |
//! | `GET /demo/Redirect`            | `demo/redirect`     | 302 `Found`, `Location`, no `after` line    |

use controller::{boxed, redirect_302, ActionContext, ActionResult, BaseContext, Controller};
use controller::{RouteError, Router, System};
use servemux::{Request, ResponseWriter};

/// Where `/demo/Redirect` sends the client (the Go demo's target).
pub const REDIRECT_TARGET: &str = "https://github.com/goinbox";

// ANCHOR: context
/// The demo's context (Go's `DemoActionContext`, embedding the base context).
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
        // The Go demo prints this line on stdout; the transcript test reads it there.
        println!("destruct demo context");
    }
}
// ANCHOR_END: context

// ANCHOR: controller
/// The demo controller: its actions are found by `#[controller::actions]` from the `*_action`
/// method names, as Go finds `XxxAction` methods by reflection.
pub struct DemoController;

impl Controller for DemoController {
    type Context<'a> = DemoContext<'a>;

    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> DemoContext<'a> {
        DemoContext {
            base: BaseContext::new(r, w),
        }
    }
}

// ANCHOR: actions
#[controller::actions]
impl DemoController {
    /// `/demo/args/123`: a direct write, which reaches the client before the buffered frame.
    async fn args_action(ctx: &mut DemoContext<'_>, data: String) {
        greet(ctx, &data).await;
    }

    /// `/demo/DescribeDemo`
    fn describe_demo_action(ctx: &mut DemoContext) {
        ctx.append("DescribeDemo\n");
    }

    /// `/demo/ProcessPost`: echoes the posted body, JSON or form alike.
    fn process_post_action(ctx: &mut DemoContext) {
        let body = ctx.request_body();
        ctx.append(body);
        ctx.append("\n");
    }

    /// `/demo/Redirect`: leaves the action early; `after_action` is skipped.
    fn redirect_action(_ctx: &mut DemoContext) -> ActionResult {
        redirect_302(REDIRECT_TARGET)
    }
}
// ANCHOR_END: actions
// ANCHOR_END: controller

// ANCHOR: test_controller
/// The second controller of the seed, which reaches the same greeting through its own rule.
pub struct TestController;

impl Controller for TestController {
    type Context<'a> = DemoContext<'a>;

    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> DemoContext<'a> {
        DemoController.new_action_context(r, w)
    }
}

#[controller::actions]
impl TestController {
    async fn args_action(ctx: &mut DemoContext<'_>, data: String) {
        greet(ctx, &data).await;
    }
}

async fn greet(ctx: &mut DemoContext<'_>, data: &str) {
    let line = format!("Hi, Client! Your data is: {data}\n");
    // A failed write means the client left; the lifecycle still runs to `destruct`.
    let _ = ctx.writer().write(line.as_bytes()).await;
}
// ANCHOR_END: test_controller

// ANCHOR: routes
/// The seed's route table: general routes for both controllers, and two rules that send
/// `/demo/args/N` and `/test/args/N` to an `args` action with `N` as its argument.
pub fn router() -> Result<Router, RouteError> {
    let mut router = Router::new();
    router
        .register_routes([boxed(DemoController), boxed(TestController)])?
        .define_route(r"^/test/args/([0-9]+)$", "test", "args")?
        .define_route(r"^/demo/args/([0-9]+)$", "demo", "args")?;
    Ok(router)
}

/// The demo application as a servemux handler.
pub fn system() -> Result<System, RouteError> {
    Ok(System::new(router()?))
}
// ANCHOR_END: routes
