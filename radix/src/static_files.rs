//! Serving files from routes: gin's `Static`, `StaticFS`, `StaticFile` and `c.File`, on the
//! engine and on groups.
//!
//! gin builds them from net/http's file server, and so do we, from servemux's:
//!
//! - `static_file(rel, path)` registers GET and HEAD `rel` answering with the file at `path`
//!   ([`Context::file`], Go's `ServeFile`);
//! - `static_fs(rel, fs)` registers GET and HEAD `rel/*filepath`, served by
//!   `StripPrefix(absolute rel, FileServer(fs))` after a first check that `filepath` opens at
//!   all (otherwise 404 with an empty body, the status gin sets before its NoRoute chain; that
//!   chain itself is not run here);
//! - `static_(rel, root)` is `static_fs(rel, Dir::new(root).without_listings())`, gin's
//!   `Static`: directories without `index.html` answer 404.
//!
//! A relative path holding `:` or `*` is refused with [`RouteError::StaticParams`] (gin panics).

use std::path::PathBuf;
use std::sync::Arc;

use http::StatusCode;
use servemux::fs::{Dir, FileSystem};
use servemux::{serve_file, FileServer, Handler, StripPrefix};

use crate::context::Context;
use crate::engine::{Engine, RouteError};
use crate::group::RouterGroup;
use crate::handler::{handler, HandlerFunc};
use crate::join_paths::join_paths;

impl Context<'_> {
    /// Replies with the file at `path` (gin's `c.File`, Go's `http.ServeFile`: content type,
    /// conditionals, single and multipart ranges, directory redirects).
    pub async fn file(&mut self, path: impl AsRef<std::path::Path>) {
        let path = path.as_ref().to_string_lossy().into_owned();
        let (w, r) = self.writer_and_request();
        serve_file(w, r, &path).await;
    }
}

fn refuse_params(route: &str) -> Result<(), RouteError> {
    if route.contains([':', '*']) {
        return Err(RouteError::StaticParams {
            route: route.to_owned(),
        });
    }
    Ok(())
}

/// gin's `createStaticHandler`.
fn static_handler(absolute: String, fs: Arc<dyn FileSystem>) -> HandlerFunc {
    let server = Arc::new(StripPrefix::new(absolute, FileServer::new(fs.clone())));
    handler(move |c| {
        let fs = fs.clone();
        let server = server.clone();
        Box::pin(async move {
            let file = c.param("filepath").to_owned();
            if fs.open(&file).await.is_err() {
                c.status(StatusCode::NOT_FOUND.as_u16());
                return;
            }
            let (w, r) = c.writer_and_request();
            server.serve_http(w, r).await;
        })
    })
}

impl RouterGroup<'_> {
    /// Serves the file at `path` for GET and HEAD `relative` (gin's `StaticFile`).
    pub fn static_file(
        &mut self,
        relative: &str,
        path: impl Into<PathBuf>,
    ) -> Result<(), RouteError> {
        refuse_params(relative)?;
        let path: Arc<str> = path.into().to_string_lossy().into();
        let h = handler(move |c| {
            let path = path.clone();
            Box::pin(async move { c.file(&*path).await })
        });
        self.handle_chain("GET", relative, vec![h.clone()])?;
        self.handle_chain("HEAD", relative, vec![h])
    }

    /// Serves the files of `fs` under `relative` for GET and HEAD (gin's `StaticFS`).
    pub fn static_fs(&mut self, relative: &str, fs: impl FileSystem) -> Result<(), RouteError> {
        refuse_params(relative)?;
        let absolute = join_paths(self.base_path(), relative);
        let h = static_handler(absolute, Arc::new(fs));
        let pattern = join_paths(relative, "/*filepath");
        self.handle_chain("GET", &pattern, vec![h.clone()])?;
        self.handle_chain("HEAD", &pattern, vec![h])
    }

    /// Serves the directory `root` under `relative`, without listings (gin's `Static`).
    pub fn static_(&mut self, relative: &str, root: impl Into<PathBuf>) -> Result<(), RouteError> {
        self.static_fs(relative, Dir::new(root).without_listings())
    }
}

impl Engine {
    /// gin's `engine.StaticFile`, on the root group.
    pub fn static_file(
        &mut self,
        relative: &str,
        path: impl Into<PathBuf>,
    ) -> Result<(), RouteError> {
        self.root().static_file(relative, path)
    }

    /// gin's `engine.StaticFS`, on the root group.
    pub fn static_fs(&mut self, relative: &str, fs: impl FileSystem) -> Result<(), RouteError> {
        self.root().static_fs(relative, fs)
    }

    /// gin's `engine.Static`, on the root group.
    pub fn static_(&mut self, relative: &str, root: impl Into<PathBuf>) -> Result<(), RouteError> {
        self.root().static_(relative, root)
    }
}
