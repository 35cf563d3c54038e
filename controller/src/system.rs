//! The handler that serves a [`Router`]: Go's `system.System` and its `ServeHTTP`.
//!
//! It finds the route (none -> Go's `http.NotFound`, `404 page not found`) and hands the request to
//! the controller, which runs the lifecycle (see the `lifecycle` module).

use servemux::{BoxFuture, Handler, Request, ResponseWriter};

use crate::Router;

/// A [`servemux::Handler`] over a finished route table.
pub struct System {
    router: Router,
}

impl System {
    /// Serves `router` (Go's `system.NewSystem(r)`).
    pub fn new(router: Router) -> Self {
        System { router }
    }

    /// The route table.
    pub fn router(&self) -> &Router {
        &self.router
    }
}

impl Handler for System {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            // Hooks and actions are synchronous, as gohttp's are, so they cannot await the body
            // stream: the system reads it first (bounded by the server's body limit) and hands
            // the bytes on in memory, which is what gohttp's `ioutil.ReadAll` gives an action.
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
        let Some(route) = self.router.resolve(r.path()) else {
            tracing::debug!(path = r.path(), "no route");
            return Box::pin(servemux::not_found(w));
        };
        tracing::debug!(
            path = r.path(),
            controller = route.controller,
            action = route.action,
            via = ?route.via,
            "route"
        );
        let (controller, index) = self.router.controller_for(&route);
        controller.serve(index, route.args, w, r)
    }
}
