//! Dispatching a request to a matched route must not touch the heap either: the engine records
//! where each parameter lies in the path inline (like `Params` after `Tree::get`), builds the
//! `Context` on the stack, and `Context::next` runs the chain inside the caller's future. A
//! counting global allocator proves it, for static, param, catch-all and four-param routes,
//! through a chain of middleware.
//!
//! Two allocations are outside the engine's dispatch and are not counted: servemux's `Handler`
//! trait returns a boxed future (one allocation when `serve_http` is called, asserted below), and
//! each handler boxes its own future. The handlers here read the context first and then return
//! [`Done`], a zero-sized future (boxing a zero-sized value does not allocate; even `async {}`
//! is one byte of state), so whatever is counted while the request runs is the engine's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context as TaskContext, Poll};

use futures_util::FutureExt;
use radix::{Context, Engine};
use servemux::http::Method;
use servemux::{Handler, Recorder, Request};

/// Counts allocations made by the current thread only, so that the test
/// harness's other threads cannot disturb the count.
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

/// A future that is ready at once and has no state at all, so `Box::pin(Done)` allocates nothing.
struct Done;

impl Future for Done {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<()> {
        Poll::Ready(())
    }
}

/// What the last handler saw, written into a fixed buffer (a `String` would allocate while
/// the count runs): `FULLPATH` then ` KEY=VALUE` per parameter.
struct Seen {
    buf: [u8; 256],
    len: usize,
}

impl Seen {
    fn push(&mut self, s: &str) {
        let end = (self.len + s.len()).min(self.buf.len());
        self.buf[self.len..end].copy_from_slice(&s.as_bytes()[..end - self.len]);
        self.len = end;
    }
}

static SEEN: Mutex<Seen> = Mutex::new(Seen {
    buf: [0; 256],
    len: 0,
});

/// How many handlers of the chain ran, middleware included.
static RAN: Mutex<usize> = Mutex::new(0);

/// `SEEN` and `RAN` are shared by the tests of this file, which the harness runs on parallel
/// threads: each test that reads them holds this for its whole run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn record(c: &Context<'_>) {
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    seen.len = 0;
    seen.push(c.full_path());
    for (k, v) in c.params() {
        seen.push(" ");
        seen.push(k);
        seen.push("=");
        seen.push(v);
    }
}

fn seen() -> String {
    let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&seen.buf[..seen.len]).into_owned()
}

fn count_run() {
    *RAN.lock().unwrap_or_else(|e| e.into_inner()) += 1;
}

fn engine(routes: &[&str]) -> Engine {
    let mut e = Engine::new();
    // Two middleware that return without calling `next()`: `next`'s loop runs the rest.
    e.use_(|_c| {
        count_run();
        Box::pin(Done)
    });
    let mut v = e.group("/");
    v.use_(|_c| {
        count_run();
        Box::pin(Done)
    });
    for route in routes {
        v.get(route, |c| {
            count_run();
            record(c);
            Box::pin(Done)
        })
        .expect("the route is valid");
    }
    e
}

/// Serve `path`; returns (allocations when `serve_http` built its future, allocations while the
/// future ran).
fn serve(e: &Engine, rec: &mut Recorder, path: &str) -> (usize, usize) {
    let mut r = Request::new(Method::GET, path).expect("a valid target");
    *RAN.lock().unwrap_or_else(|e| e.into_inner()) = 0;
    rec.reset();
    let w = rec.writer();
    // ANCHOR: dispatch_no_alloc
    let (fut, boxed) = allocations_during(|| e.serve_http(w, &mut r));
    let (done, running) = allocations_during(|| fut.now_or_never());
    // ANCHOR_END: dispatch_no_alloc
    assert!(done.is_some(), "{path}: the chain completes in one poll");
    (boxed, running)
}

#[test]
fn dispatch_of_a_matched_route_allocates_nothing() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let e = engine(&[
        "/",
        "/users",
        "/users/:user",
        "/users/:user/repos",
        "/repos/:owner/:repo/git/refs/*ref",
        "/user/groups",
        "/user/:name",
        "/a/:b/:c/:d/:e",
    ]);
    let mut w = Recorder::new();
    let requests = [
        ("/", "/"),
        ("/users", "/users"),
        ("/users/gopher", "/users/:user user=gopher"),
        ("/users/gopher/repos", "/users/:user/repos user=gopher"),
        (
            "/repos/rust-lang/rust/git/refs/heads/master",
            "/repos/:owner/:repo/git/refs/*ref owner=rust-lang repo=rust ref=/heads/master",
        ),
        ("/user/groups", "/user/groups"),
        // backtracks from the static `groups` branch to the param
        ("/user/group", "/user/:name name=group"),
        // four params: the inline capacity, exactly
        ("/a/1/2/3/4", "/a/:b/:c/:d/:e b=1 c=2 d=3 e=4"),
    ];
    // Warm up once: a first request may initialise lazily held state (tracing's callsite
    // registry) that later requests reuse.
    serve(&e, &mut w, "/");
    for (path, want) in requests {
        let (boxed, running) = serve(&e, &mut w, path);
        assert_eq!(seen(), want, "{path}");
        assert_eq!(
            *RAN.lock().unwrap_or_else(|e| e.into_inner()),
            3,
            "{path}: middleware, middleware, handler"
        );
        assert_eq!(w.status().as_u16(), 200, "{path}");
        assert_eq!(
            boxed, 1,
            "{path}: serve_http boxes its future once (servemux's Handler trait)"
        );
        assert_eq!(running, 0, "dispatch of {path} allocated {running} times");
    }
}

#[test]
fn a_fifth_parameter_moves_the_ranges_to_the_heap_once() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let e = engine(&["/spill/:a/:b/:c/:d/:e"]);
    let mut w = Recorder::new();
    serve(&e, &mut w, "/spill/1/2/3/4/5");
    let (_, running) = serve(&e, &mut w, "/spill/1/2/3/4/5");
    assert_eq!(seen(), "/spill/:a/:b/:c/:d/:e a=1 b=2 c=3 d=4 e=5");
    assert_eq!(running, 1, "past radix::INLINE_PARAMS the list spills once");
}

#[test]
fn the_counter_counts() {
    // Guard against a broken allocator hook making the tests above vacuous.
    let (_, n) = allocations_during(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert!(n >= 1);
}
