//! Controllers: Go's `controller.Controller` interface, and the type-erased form the router keeps.
//!
//! A controller is a type named `XxxController` that
//! - implements [`Controller`] by hand: which context its actions get, and how to build it
//!   (Go's `NewActionContext(req, respWriter)`), and
//! - gets [`Actions`] from `#[controller::actions]` on its impl block: its route name and its
//!   action table.
//!
//! The router holds controllers of many types in one table, so each is wrapped in
//! [`Registered`] and stored as `Box<dyn AnyController>`: the table sees names and arities, and
//! asks the controller to [`serve`](AnyController::serve) an action by index.

use servemux::{BoxFuture, Request, ResponseWriter};

use crate::lifecycle;
use crate::{ActionContext, ActionDef, ActionResult};

/// A controller chooses its context type and builds one per request.
pub trait Controller: Send + Sync + 'static {
    /// The context every action of this controller receives.
    type Context<'a>: ActionContext<'a>;

    /// Builds the context for one request (Go's `NewActionContext`).
    fn new_action_context<'a>(
        &self,
        request: &'a Request,
        writer: &'a mut ResponseWriter,
    ) -> Self::Context<'a>;
}

/// Written by `#[controller::actions]`: the controller's route name and its actions.
pub trait Actions: Controller + Sized {
    /// The route name: `DemoController` -> `"demo"`.
    const NAME: &'static str;

    /// Every `*_action` method of the impl block, in source order.
    fn actions() -> Vec<ActionDef>;

    /// Calls action `index` of [`actions`](Self::actions) with its context and arguments
    /// (`args` has exactly the action's arity).
    fn call_action<'c, 'x>(
        &'c self,
        index: usize,
        ctx: &'c mut Self::Context<'x>,
        args: Vec<String>,
    ) -> BoxFuture<'c, ActionResult>;
}

/// A controller as the router sees it: names and arities, and a way to serve an action.
pub trait AnyController: Send + Sync + 'static {
    /// The route name (`demo`).
    fn name(&self) -> &'static str;

    /// `(route name, arity, method name)` of each action, indexed as [`serve`](Self::serve) expects.
    fn action_list(&self) -> Vec<(&'static str, usize, &'static str)>;

    /// Runs the whole lifecycle of action `index` for one request.
    fn serve<'a>(
        &'a self,
        index: usize,
        args: Vec<String>,
        writer: &'a mut ResponseWriter,
        request: &'a Request,
    ) -> BoxFuture<'a>;
}

/// A controller value together with its action table.
#[derive(Debug)]
pub struct Registered<C: Actions> {
    controller: C,
    actions: Vec<ActionDef>,
}

impl<C: Actions> Registered<C> {
    /// Collects the actions of `controller`.
    pub fn new(controller: C) -> Self {
        Registered {
            controller,
            actions: C::actions(),
        }
    }
}

/// Boxes a controller for [`Router::register_routes`](crate::Router::register_routes).
pub fn boxed<C: Actions>(controller: C) -> Box<dyn AnyController> {
    Box::new(Registered::new(controller))
}

impl<C: Actions> AnyController for Registered<C> {
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn action_list(&self) -> Vec<(&'static str, usize, &'static str)> {
        self.actions
            .iter()
            .map(|a| (a.name(), a.arity(), a.method()))
            .collect()
    }

    fn serve<'a>(
        &'a self,
        index: usize,
        args: Vec<String>,
        writer: &'a mut ResponseWriter,
        request: &'a Request,
    ) -> BoxFuture<'a> {
        let names = lifecycle::Names {
            controller: C::NAME,
            action: self.actions.get(index).map_or("?", |a| a.name()),
        };
        Box::pin(lifecycle::run(
            &self.controller,
            index,
            names,
            args,
            writer,
            request,
        ))
    }
}
