//! Leaving an action early from any depth (Go's `JumpOutAction`), over real HTTP: from helpers
//! several calls down with `?`, by unwinding with `Jump::raise` from code that cannot return a
//! `Result`, from `before_action`, after a direct write. Each time: `after_action` is skipped, the
//! jump's answer is written, then the buffered body, and `destruct` runs exactly once.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use controller::{boxed, jump_out, respond, ActionContext, ActionResult, BaseContext, Controller};
use controller::{Jump, Router};
use servemux::http::StatusCode;
use servemux::{Request, ResponseWriter};

type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

struct JumpContext<'a> {
    base: BaseContext<'a>,
    log: Log,
}

impl JumpContext<'_> {
    fn note(&self, what: &str) {
        self.log.lock().unwrap().push(what.to_owned());
    }
}

impl<'a> ActionContext<'a> for JumpContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        &self.base
    }
    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        &mut self.base
    }
    fn before_action(&mut self) -> ActionResult {
        self.note("before");
        self.append("before\n");
        // A guard in the context, as a login check would be.
        if self.request().query("deny").is_some() {
            return jump_out(|ctx| {
                Box::pin(async move {
                    ctx.writer().write_header(StatusCode::UNAUTHORIZED);
                    ctx.append("denied\n");
                })
            });
        }
        Ok(())
    }
    fn after_action(&mut self) {
        self.note("after");
        self.append("after\n");
    }
    fn destruct(&mut self) {
        self.note("destruct");
    }
}

struct JumpController {
    log: Log,
}

impl Controller for JumpController {
    type Context<'a> = JumpContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> JumpContext<'a> {
        JumpContext {
            base: BaseContext::new(r, w),
            log: self.log.clone(),
        }
    }
}

// ANCHOR: deep
/// Three levels down, a check fails; `?` carries the jump back up through each level.
fn load_order(ctx: &mut JumpContext, id: &str) -> ActionResult {
    ctx.note("load_order");
    let owner = find_owner(ctx, id)?;
    ctx.append(format!("order {id} of {owner}\n"));
    Ok(())
}

fn find_owner(ctx: &mut JumpContext, id: &str) -> Result<String, Jump> {
    ctx.note("find_owner");
    check_id(ctx, id)?;
    Ok("bob".to_owned())
}

fn check_id(ctx: &mut JumpContext, id: &str) -> ActionResult {
    ctx.note("check_id");
    if id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        respond(StatusCode::BAD_REQUEST, format!("bad order id {id:?}\n"))
    }
}
// ANCHOR_END: deep

// ANCHOR: raise
/// A callback with a fixed signature cannot return a `Result`: it raises the jump instead.
fn for_each_line(text: &str, mut f: impl FnMut(&str)) {
    text.lines().for_each(&mut f);
}
// ANCHOR_END: raise

#[controller::actions]
impl JumpController {
    fn order_action(ctx: &mut JumpContext, id: String) -> ActionResult {
        ctx.note("order");
        load_order(ctx, &id)?;
        ctx.append("order done\n");
        Ok(())
    }

    // ANCHOR: raise_action
    async fn lines_action(ctx: &mut JumpContext<'_>) {
        ctx.note("lines");
        let body = ctx.read_body().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body).into_owned();
        for_each_line(&text, |line| {
            if line == "stop" {
                jump_out(|ctx| {
                    Box::pin(async move {
                        ctx.writer().write_header(StatusCode::ACCEPTED);
                        ctx.append("stopped\n");
                    })
                })
                .unwrap_err()
                .raise();
            }
        });
        ctx.append(format!("{} lines\n", text.lines().count()));
    }
    // ANCHOR_END: raise_action

    /// The greeting goes out directly, then an async helper leaves early.
    async fn direct_action(ctx: &mut JumpContext<'_>) -> ActionResult {
        ctx.note("direct");
        ctx.writer().write(b"direct\n").await.unwrap();
        tokio::task::yield_now().await;
        Jump::Redirect302("/elsewhere".into()).raise()
    }

    fn broken_jump_action(ctx: &mut JumpContext) -> ActionResult {
        ctx.note("broken_jump");
        jump_out(|_ctx| Box::pin(async { panic!("the jump function failed") }))
    }

    fn plain_action(ctx: &mut JumpContext) {
        ctx.note("plain");
        ctx.append("plain\n");
    }
}

async fn start() -> (common::Running, Log) {
    let log = Log::default();
    let mut router = Router::new();
    router
        .register_routes([boxed(JumpController { log: log.clone() })])
        .unwrap()
        .define_route(r"^/jump/order/(\w+)$", "jump", "order")
        .unwrap();
    (common::serve(router).await, log)
}

#[tokio::test]
async fn a_jump_three_calls_down_skips_after_and_destructs_once() {
    let (srv, log) = start().await;
    let a = srv.get("/jump/order/42").await;
    assert_eq!(
        (a.status, a.text().as_str()),
        (200, "before\norder 42 of bob\norder done\nafter\n")
    );
    assert_eq!(
        take(&log),
        [
            "before",
            "order",
            "load_order",
            "find_owner",
            "check_id",
            "after",
            "destruct"
        ]
    );

    let a = srv.get("/jump/order/x1").await;
    // `respond` replaced the buffered body ("before\n") with its own.
    assert_eq!(
        (a.status, a.text().as_str()),
        (400, "bad order id \"x1\"\n")
    );
    assert_eq!(
        take(&log),
        [
            "before",
            "order",
            "load_order",
            "find_owner",
            "check_id",
            "destruct"
        ]
    );
    srv.stop().await;
}

#[tokio::test]
async fn a_raised_jump_leaves_from_inside_a_callback() {
    let (srv, log) = start().await;
    let a = srv.post("/jump/lines", b"a\nb\n").await;
    assert_eq!(
        (a.status, a.text().as_str()),
        (200, "before\n2 lines\nafter\n")
    );
    assert_eq!(take(&log), ["before", "lines", "after", "destruct"]);

    let a = srv.post("/jump/lines", b"a\nstop\nb\n").await;
    // The jump function ran on the context: its status, its line after the buffered ones.
    assert_eq!((a.status, a.text().as_str()), (202, "before\nstopped\n"));
    assert_eq!(take(&log), ["before", "lines", "destruct"]);
    srv.stop().await;
}

#[tokio::test]
async fn a_jump_from_before_action_skips_the_action() {
    let (srv, log) = start().await;
    let a = srv.get("/jump/plain?deny=1").await;
    assert_eq!((a.status, a.text().as_str()), (401, "before\ndenied\n"));
    assert_eq!(take(&log), ["before", "destruct"]);
    srv.stop().await;
}

#[tokio::test]
async fn a_raised_redirect_after_a_direct_write_in_an_async_action() {
    let (srv, log) = start().await;
    let a = srv.get("/jump/direct").await;
    // The direct write already sent the head (200); the redirect can only add its body text.
    assert_eq!(a.status, 200);
    assert!(a.text().starts_with("direct\n"), "{}", a.text());
    assert!(a.text().ends_with("before\n"), "{}", a.text());
    assert_eq!(take(&log), ["before", "direct", "destruct"]);
    srv.stop().await;
}

#[tokio::test]
async fn a_panicking_jump_function_answers_500_and_still_destructs() {
    let (srv, log) = start().await;
    let a = srv.get("/jump/brokenjump").await;
    assert_eq!((a.status, a.text().as_str()), (500, "before\n"));
    assert_eq!(take(&log), ["before", "broken_jump", "destruct"]);
    // The server goes on serving.
    assert_eq!(srv.get("/jump/plain").await.status, 200);
    srv.stop().await;
}

/// `Jump::raise` unwinds without the panic hook: no "thread panicked" line for an expected exit.
#[test]
fn raise_does_not_run_the_panic_hook() {
    static JUMPS_SEEN_BY_HOOK: AtomicUsize = AtomicUsize::new(0);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<Jump>().is_some() {
            JUMPS_SEEN_BY_HOOK.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    let caught = std::panic::catch_unwind(|| Jump::Redirect302("/x".into()).raise());
    let payload = caught.expect_err("raise unwinds");
    assert!(matches!(
        payload.downcast_ref::<Jump>(),
        Some(Jump::Redirect302(url)) if url == "/x"
    ));
    assert_eq!(JUMPS_SEEN_BY_HOOK.load(Ordering::SeqCst), 0);
}
