//! gin's two redirects for a request no route matched, built in one place: the trailing-slash
//! redirect (`redirectTrailingSlash`) and the fixed-path redirect (`redirectFixedPath`), both
//! ending in `redirectRequest`.
//!
//! gin sets the request's `URL.Path` to the new path and hands `URL.String()` to net/http's
//! `http.Redirect`; here servemux is that layer below: [`servemux::url_string`] is
//! `URL.String()` (the path percent-escaped, the query kept) and [`servemux::redirect_relative_to`]
//! is `http.Redirect` resolving a relative target against the new path, as Go does against the
//! changed `URL.Path`. Nothing is written by the engine's own code, so the bytes on the wire are
//! exactly net/http's.

use http::{Method, StatusCode};
use servemux::{Request, ResponseWriter};

use crate::handler::HandlersChain;
use crate::tree::Tree;

// ANCHOR: redirects
/// gin's `redirectTrailingSlash`: add or remove the final `/` (behind the `X-Forwarded-Prefix`
/// a proxy sent, cleaned like `path.Clean`) and redirect there.
pub(crate) async fn trailing_slash(w: &mut ResponseWriter, r: &Request) {
    let mut p = r.path().to_string();
    if let Some(prefix) = r
        .headers()
        .get("X-Forwarded-Prefix")
        .and_then(|v| v.to_str().ok())
    {
        let prefix = servemux::path_clean(prefix);
        if prefix != "." {
            p = format!("{prefix}/{p}");
        }
    }
    let new_path = if p.len() > 1 && p.ends_with('/') {
        p[..p.len() - 1].to_string()
    } else {
        format!("{p}/")
    };
    redirect_request(w, r, &new_path).await;
}

/// gin's `redirectFixedPath`: look the cleaned path up case-insensitively and, when a route
/// matches, redirect to its spelling. Returns whether it redirected.
pub(crate) async fn fixed_path(
    w: &mut ResponseWriter,
    r: &Request,
    tree: &Tree<HandlersChain>,
) -> bool {
    let cleaned = servemux::canonical_path(r.path());
    // gin 1.8.1 passes `RedirectFixedPath` (true here) as the trailing-slash switch of this
    // look-up, not `RedirectTrailingSlash`.
    let Some(fixed) = tree.find_case_insensitive_path(&cleaned, true) else {
        return false;
    };
    redirect_request(w, r, &fixed).await;
    true
}

// ANCHOR_END: redirects

// ANCHOR: redirect_request
/// gin's `redirectRequest`: 301 for GET, 307 for anything else (so the client re-sends the body),
/// to the request's URL with its path replaced by `new_path`.
async fn redirect_request(w: &mut ResponseWriter, r: &Request, new_path: &str) {
    let code = if r.method() == Method::GET {
        StatusCode::MOVED_PERMANENTLY
    } else {
        StatusCode::TEMPORARY_REDIRECT
    };
    let url = servemux::url_string(new_path, r.raw_query());
    tracing::debug!(from = r.path(), to = %url, code = code.as_u16(), "redirecting request");
    servemux::redirect_relative_to(w, r, new_path, &url, code).await;
}
// ANCHOR_END: redirect_request
