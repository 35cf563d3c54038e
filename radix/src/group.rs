//! `RouterGroup` (gin's `*gin.RouterGroup`): a base path plus the middleware
//! every route registered through it gets in front of its own handlers.
//!
//! A group borrows the engine mutably while routes are added; sub-groups
//! borrow their parent, so the usual gin shape reads the same:
//!
//! ```
//! # use radix::Engine;
//! let mut engine = Engine::new();
//! let mut v1 = engine.group("/v1");
//! v1.use_(|c| Box::pin(async move { c.next().await; }));
//! v1.get("/users/:id", |c| Box::pin(async move { c.string(200, "user").await; })).unwrap();
//! ```
//!
//! The chain of a route is built by [`RouterGroup::combine`], gin's
//! `combineHandlers`: the group's middleware (which already starts with its
//! parents' and the engine's), then the route's handlers; a chain of
//! [`ABORT_INDEX`](crate::handler::ABORT_INDEX) or more handlers is refused.

use servemux::BoxFuture;

use crate::context::Context;
use crate::engine::{Engine, RouteError};
use crate::handler::{handler, HandlerFunc};
use crate::join_paths::join_paths;

/// Methods registered by [`RouterGroup::any`] (gin 1.8.1's `anyMethods`).
pub const ANY_METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "HEAD", "OPTIONS", "DELETE", "CONNECT", "TRACE",
];

/// A route prefix with its middleware.
pub struct RouterGroup<'e> {
    engine: &'e mut Engine,
    base: String,
    handlers: Vec<HandlerFunc>,
}

/// The base path and how many middleware the group's routes get (handlers are closures).
impl std::fmt::Debug for RouterGroup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterGroup")
            .field("base", &self.base)
            .field("handlers", &self.handlers.len())
            .finish_non_exhaustive()
    }
}

impl<'e> RouterGroup<'e> {
    pub(crate) fn new(engine: &'e mut Engine, base: String, handlers: Vec<HandlerFunc>) -> Self {
        RouterGroup {
            engine,
            base,
            handlers,
        }
    }

    /// The absolute base path of this group.
    pub fn base_path(&self) -> &str {
        &self.base
    }

    /// A sub-group: base path joined, middleware inherited.
    pub fn group(&mut self, relative: &str) -> RouterGroup<'_> {
        RouterGroup {
            base: join_paths(&self.base, relative),
            handlers: self.handlers.clone(),
            engine: self.engine,
        }
    }

    /// Add middleware for routes registered on this group from now on.
    pub fn use_<F>(&mut self, f: F) -> &mut Self
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handlers.push(handler(f));
        self
    }

    /// [`use_`](Self::use_) for an already boxed handler.
    pub fn use_handler(&mut self, h: HandlerFunc) -> &mut Self {
        self.handlers.push(h);
        self
    }

    /// gin's `combineHandlers`: group middleware, then the route's handlers.
    pub fn combine(&self, route_handlers: &[HandlerFunc]) -> Vec<HandlerFunc> {
        self.handlers
            .iter()
            .chain(route_handlers)
            .cloned()
            .collect()
    }

    /// Register `handlers` (in order) for `method` and `relative`.
    pub fn handle_chain(
        &mut self,
        method: &str,
        relative: &str,
        handlers: Vec<HandlerFunc>,
    ) -> Result<(), RouteError> {
        let path = join_paths(&self.base, relative);
        if handlers.is_empty() {
            return Err(RouteError::NoHandlers { route: path });
        }
        let chain = self.combine(&handlers);
        self.engine.add_route(method, &path, chain)
    }

    /// Register one handler for `method` and `relative`.
    pub fn handle<F>(&mut self, method: &str, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle_chain(method, relative, vec![handler(f)])
    }

    /// Register `GET`.
    pub fn get<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("GET", relative, f)
    }

    /// Register `POST`.
    pub fn post<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("POST", relative, f)
    }

    /// Register `PUT`.
    pub fn put<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("PUT", relative, f)
    }

    /// Register `PATCH`.
    pub fn patch<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("PATCH", relative, f)
    }

    /// Register `DELETE`.
    pub fn delete<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("DELETE", relative, f)
    }

    /// Register `HEAD`.
    pub fn head<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("HEAD", relative, f)
    }

    /// Register `OPTIONS`.
    pub fn options<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.handle("OPTIONS", relative, f)
    }

    /// Register the handler for every method in [`ANY_METHODS`].
    pub fn any<F>(&mut self, relative: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'c> Fn(&'a mut Context<'c>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        let h = handler(f);
        for m in ANY_METHODS {
            self.handle_chain(m, relative, vec![h.clone()])?;
        }
        Ok(())
    }
}
