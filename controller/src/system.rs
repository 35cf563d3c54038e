//! The handler that serves a [`Router`]: Go's `system.System` and its `ServeHTTP`.
//!
//! It finds the route (none -> Go's `http.NotFound`, `404 page not found`) and hands the request to
//! the controller, which runs the lifecycle (see the `lifecycle` module). What it routes on is the
//! request's path, unless the application says otherwise ([`System::set_route_path`], go-jar's
//! `SetRouteFunc`).

use std::borrow::Cow;

use servemux::{BoxFuture, Handler, Request, ResponseWriter};

use crate::Router;

/// Which string of a request the router resolves (go-jar's `RoutePathFunc`).
pub type RoutePath = Box<dyn for<'r> Fn(&'r Request) -> Cow<'r, str> + Send + Sync>;

/// A [`servemux::Handler`] over a finished route table.
pub struct System {
    router: Router,
    route_path: Option<RoutePath>,
}

impl std::fmt::Debug for System {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("System")
            .field("router", &self.router)
            .field("own_route_path", &self.route_path.is_some())
            .finish()
    }
}

impl System {
    /// Serves `router` (Go's `system.NewSystem(r)`).
    pub fn new(router: Router) -> Self {
        System {
            router,
            route_path: None,
        }
    }

    /// Routes on what `f` picks from the request instead of its path (go-jar's `SetRouteFunc`):
    /// a query parameter (`?r=demo/describedemo`), a header, a prefix stripped off.
    ///
    /// ```
    /// # use std::borrow::Cow;
    /// # use controller::{Router, System};
    /// let mut system = System::new(Router::new());
    /// // `/api/v1/demo/describedemo` routes as `/demo/describedemo`.
    /// system.set_route_path(|r| Cow::Borrowed(r.path().strip_prefix("/api/v1").unwrap_or(r.path())));
    /// ```
    pub fn set_route_path(
        &mut self,
        f: impl for<'r> Fn(&'r Request) -> Cow<'r, str> + Send + Sync + 'static,
    ) -> &mut Self {
        self.route_path = Some(Box::new(f));
        self
    }

    /// The route table.
    pub fn router(&self) -> &Router {
        &self.router
    }
}

impl Handler for System {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            // Hooks are synchronous, as gohttp's are, so they cannot await the body stream: the
            // system reads it first (bounded by the server's body limit) and hands the bytes on
            // in memory, which is what gohttp's `ioutil.ReadAll` gives an action.
            match r.body_mut().read_to_end(u64::MAX).await {
                Ok(bytes) => r.set_body(servemux::Body::from_bytes(bytes)),
                // The server answers a body it could not read (413, 400) or closes.
                Err(_) => return,
            }
            self.dispatch(w, r).await
        })
    }
}

impl System {
    fn dispatch<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a Request) -> BoxFuture<'a> {
        let path = match &self.route_path {
            Some(f) => f(r),
            None => Cow::Borrowed(r.path()),
        };
        let Some(route) = self.router.resolve(&path) else {
            tracing::debug!(path = &*path, "no route");
            return Box::pin(servemux::not_found(w));
        };
        tracing::debug!(
            path = &*path,
            controller = route.controller,
            action = route.action,
            via = ?route.via,
            "route"
        );
        let (controller, index) = self.router.controller_for(&route);
        controller.serve(index, route.args, w, r)
    }
}
