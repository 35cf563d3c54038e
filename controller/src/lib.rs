//! # controller — goinbox/gohttp's controllers, actions and request lifecycle
//!
//! A web application is a set of controllers; each controller has actions; the URL names the
//! controller and the action, and every request runs the same lifecycle:
//! `before_action` -> action -> `after_action`, then the buffered body is written and `destruct`
//! runs, whatever happened.
//!
//! | goinbox/gohttp                              | here                                   |
//! | ------------------------------------------- | -------------------------------------- |
//! | `XxxAction` methods found by reflection      | `#[controller::actions]` ([`actions`]) |
//! | `controller.Controller`, `NewActionContext` | [`Controller`]                         |
//! | `controller.ActionContext`, `BaseContext`   | [`ActionContext`], [`BaseContext`]     |
//! | `router.MapRouteItems`, `DefineRouteItem`   | [`Router::register_routes`], [`Router::define_route`] |
//! | `router.FindRoute`                          | [`Router::resolve`], [`Router::resolve_ordered`] |
//! | `system.System`                             | [`System`]                             |
//! | `system.JumpOutAction`, `Redirect302`       | [`jump_out`], [`redirect_302`], [`Jump`] |
//! | `query.QuerySet`, `IntVar`, `StringVar`     | [`query::QuerySet`], [`query::Param`]  |
//!
//! Modules, one idea each: `action` (what an action is), `jump` (how it ends early), `context`,
//! `controller` (the traits and the type-erased table entry), `router`, `lifecycle` (one
//! request), `system` (the `servemux::Handler`), `query` (typed query parameters), `error`.
//!
//! ```
//! use controller::{boxed, ActionContext, BaseContext, Controller, Router, System};
//! use servemux::{Request, ResponseWriter};
//!
//! struct HelloController;
//!
//! impl Controller for HelloController {
//!     type Context<'a> = BaseContext<'a>;
//!     fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
//!         BaseContext::new(r, w)
//!     }
//! }
//!
//! #[controller::actions]
//! impl HelloController {
//!     fn world_action(ctx: &mut BaseContext) {
//!         ctx.append("hello, world\n");
//!     }
//!     fn greet_action(ctx: &mut BaseContext, name: String) {
//!         ctx.append(format!("hello, {name}\n"));
//!     }
//! }
//!
//! let mut router = Router::new();
//! router.register_routes([boxed(HelloController)]).unwrap();
//! router.define_route(r"^/greet/(\w+)$", "hello", "greet").unwrap();
//! assert_eq!(router.resolve("/Hello/World").unwrap().action, "world");
//! assert_eq!(router.resolve("/greet/bob").unwrap().args, ["bob"]);
//! assert!(router.resolve("/hello/greet").is_none()); // needs an argument: 404, not a panic
//! let _system = System::new(router); // a servemux::Handler
//! ```
//!
//! A wrong action signature does not compile:
//!
//! ```compile_fail
//! # use controller::{BaseContext, Controller};
//! # use servemux::{Request, ResponseWriter};
//! # struct BadController;
//! # impl Controller for BadController {
//! #     type Context<'a> = BaseContext<'a>;
//! #     fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
//! #         BaseContext::new(r, w)
//! #     }
//! # }
//! #[controller::actions]
//! impl BadController {
//!     fn count_action(ctx: &mut BaseContext, n: u32) {} // arguments must be String
//! }
//! ```

#![forbid(unsafe_code)]

mod action;
mod context;
mod controller;
mod error;
mod jump;
mod lifecycle;
pub mod query;
mod router;
mod system;

pub use action::{ActionDef, IntoActionResult};
pub use context::{ActionContext, BaseContext};
pub use controller::{boxed, Actions, AnyController, Controller, Registered};
pub use controller_macros::actions;
pub use error::RouteError;
pub use jump::{jump_out, redirect_302, respond, ActionResult, Jump, JumpFn};
pub use router::{general_names, ParseRoutePath, Route, RouteGuide, RouteInfo, Router, Via, INDEX};
pub use servemux::BoxFuture;
pub use system::{RoutePath, System};
