//! The seed's `server_demo.go`: two controllers sharing one context, and the route table.
//!
//! Every request runs the controller layer's lifecycle, and the demo context makes each step
//! visible: `before_action` and `after_action` add a line to the buffered body, and `destruct`
//! prints `destruct demo context` on the server's stdout, exactly as the Go demo does. The
//! `args` and `ProcessPost` actions write their greeting straight to the response writer, so it
//! reaches the client before the buffered lines, and print what they received on stdout.
//!
//! | request                         | action              | body                                        |
//! | ------------------------------- | ------------------- | ------------------------------------------- |
//! | `GET /demo/args/123`            | `demo/args`         | `Hi, Client! Your data is: 123` + frame      |
//! | `GET /test/args/123`            | `test/args`         | the same                                    |
//! | `GET /demo/DescribeDemo`        | `demo/describedemo` | `DescribeDemo` inside the frame             |
//! | `POST /demo/ProcessPost`        | `demo/processpost`  | `Hi, Client! Your data is: BODY` + frame     |
//! | `GET /demo/Redirect`            | `demo/redirect`     | 302 `Found`, `Location`, no `after` line    |
//!
//! What the server prints on stdout, per request: the greeting (`args`) or the posted body
//! (`ProcessPost`), then `destruct demo context`.

use controller::{boxed, redirect_302, ActionContext, ActionResult, BaseContext, Controller};
use controller::{RouteError, Router, System};
use std::io::Write;

use servemux::{Request, ResponseWriter};

/// Where `/demo/Redirect` sends the client (the seed's `server_demo.go` target).
pub const REDIRECT_TARGET: &str = "https://baidu.com";

// ANCHOR: context
/// The demo's context (Go's `DemoActionContext`, embedding the base context).
#[derive(Debug)]
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
        stdout("destruct demo context\n");
    }
}
// ANCHOR_END: context

// ANCHOR: controller
// ANCHOR: controller_type
/// The demo controller: its actions are found by `#[controller::actions]` from the `*_action`
/// method names, as Go finds `XxxAction` methods by reflection.
#[derive(Debug)]
pub struct DemoController;

impl Controller for DemoController {
    type Context<'a> = DemoContext<'a>;

    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> DemoContext<'a> {
        DemoContext {
            base: BaseContext::new(r, w),
        }
    }
}
// ANCHOR_END: controller_type

// ANCHOR: actions
#[controller::actions]
impl DemoController {
    /// `/demo/args/123`: a direct write, which reaches the client before the buffered frame,
    /// and the same line on stdout.
    async fn args_action(ctx: &mut DemoContext<'_>, data: String) {
        let line = greet(ctx, data.as_bytes()).await;
        stdout(line);
    }

    /// `/demo/DescribeDemo`
    fn describe_demo_action(ctx: &mut DemoContext) {
        ctx.append("DescribeDemo\n");
    }

    /// `/demo/ProcessPost`: greets the client with the posted body (JSON or form alike) by a
    /// direct write, and prints the body on stdout (Go's `fmt.Println(string(body))`).
    async fn process_post_action(ctx: &mut DemoContext<'_>) {
        let body = match ctx.read_body().await {
            Ok(body) => body,
            Err(e) => {
                // Go logs `Read failed: ...` and carries on with what it has: nothing.
                tracing::warn!(error = %e, "Read failed");
                Vec::new()
            }
        };
        greet(ctx, &body).await;
        stdout([&body[..], b"\n"].concat());
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
#[derive(Debug)]
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
        let line = greet(ctx, data.as_bytes()).await;
        stdout(line);
    }
}

/// Writes `Hi, Client! Your data is: DATA` straight to the client, and returns the line. The
/// bytes are passed through as they came, as Go's `string(body)` does.
async fn greet(ctx: &mut DemoContext<'_>, data: &[u8]) -> Vec<u8> {
    let line = [&b"Hi, Client! Your data is: "[..], data, b"\n"].concat();
    // A failed write means the client left; the lifecycle still runs to `destruct`.
    let _ = ctx.writer().write(&line).await;
    line
}

/// Prints on the server's stdout, as Go's `fmt.Print` does: unbuffered and ignoring errors, so a
/// closed stdout cannot turn a request into a panic (which `print!` would).
fn stdout(bytes: impl AsRef<[u8]>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes.as_ref());
    let _ = out.flush();
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

/// The route table `router` built, one line per route (pattern, controller/action, arity,
/// method): what `examples/routes.rs` prints at start-up and the controller chapter shows.
pub fn route_table(router: &Router) -> String {
    let mut out = String::new();
    for r in router.routes() {
        out.push_str(&format!(
            "{:<24} -> {}/{} ({} arg{}) {}\n",
            r.pattern,
            r.controller,
            r.action,
            r.arity,
            if r.arity == 1 { "" } else { "s" },
            r.method
        ));
    }
    out
}
