//! Serving a tree of files: Go's `http.FileServer`, `http.ServeFile` and their `serveFile`.
//!
//! `serve_file` decides, in Go's order:
//!
//! 1. a request path ending in `/index.html` is redirected to `./` (the directory itself);
//! 2. the name is opened (404, 403 or 500 when that fails, never saying why);
//! 3. (file server only) the URL is made canonical: a directory gets its trailing slash
//!    (`dir` → `dir/`), a file loses it (`f.txt/` → `../f.txt`);
//! 4. a directory is served by its `index.html` if it has one, else by a listing (with
//!    `If-Modified-Since` and `Last-Modified` from the directory's own time);
//! 5. a file goes to [`serve_content`](super::serve_content) with its size and time.
//!
//! The redirects are relative (`Location: dir/`), not absolute as [`redirect`](crate::redirect)
//! would make them, so they stay right when the tree is mounted under a prefix by
//! [`StripPrefix`](super::StripPrefix).

use std::sync::Arc;

use http::header::{self, HeaderValue};
use http::StatusCode;

use super::conditional::{check_if_modified_since, write_not_modified, Cond};
use super::content::{serve_error, serve_sized, set_last_modified};
use super::file_system::{Dir, File, FileSystem};
use super::listing::dir_list;
use crate::clean_path::path_clean;
use crate::{not_found, BoxFuture, Handler, Request, ResponseWriter};

const INDEX_PAGE: &str = "/index.html";

/// Serves the files of a [`FileSystem`] (Go's `http.FileServer(root)`): the request path, cleaned,
/// names the file.
#[derive(Clone)]
pub struct FileServer {
    root: Arc<dyn FileSystem>,
}

impl std::fmt::Debug for FileServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileServer").finish_non_exhaustive()
    }
}

impl FileServer {
    /// A file server for `root`, e.g. `FileServer::new(Dir::new("static"))`.
    pub fn new(root: impl FileSystem) -> FileServer {
        FileServer {
            root: Arc::new(root),
        }
    }

    /// Go's `http.FileServer(http.Dir(root))`.
    pub fn dir(root: impl Into<std::path::PathBuf>) -> FileServer {
        FileServer::new(Dir::new(root))
    }
}

impl Handler for FileServer {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            let mut upath = r.path().to_owned();
            if !upath.starts_with('/') {
                upath.insert(0, '/');
            }
            let name = path_clean(&upath);
            serve_file_in(w, r, &*self.root, &name, &upath, true).await;
        })
    }
}

/// Replies with the file or directory at path `name` on disk (Go's `http.ServeFile`).
///
/// `name` is not taken from the request; as a guard against callers who build it from the
/// request path anyway, a request whose path has a `..` element (split at `/` or `\`) is refused
/// with 400. A request path ending in `/index.html` is still redirected to `./`.
pub async fn serve_file(w: &mut ResponseWriter, r: &Request, name: &str) {
    if contains_dot_dot(r.path()) {
        serve_error(w, "invalid URL path", StatusCode::BAD_REQUEST).await;
        return;
    }
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..i + 1], &name[i + 1..]),
        None => ("", name),
    };
    let fs = Dir::new(dir);
    serve_file_in(w, r, &fs, file, r.path(), false).await;
}

/// Whether `/`- or `\`-separated `v` has a `..` element (Go's `containsDotDot`).
pub fn contains_dot_dot(v: &str) -> bool {
    v.contains("..") && v.split(['/', '\\']).any(|e| e == "..")
}

/// Go's `path.Base`: the last element, trailing slashes ignored; `.` for empty, `/` for slashes.
fn base(p: &str) -> &str {
    if p.is_empty() {
        return ".";
    }
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        return "/";
    }
    match p.rfind('/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

/// A 301 to `new_path` as given, relative (Go's `localRedirect`), the query kept. A path that
/// had an escaped slash (`%2F`) cannot be redirected reliably under a prefix, so it gets a 404.
async fn local_redirect(w: &mut ResponseWriter, r: &Request, new_path: &str) {
    let raw = r.raw_path();
    if raw.contains("%2f") || raw.contains("%2F") {
        not_found(w).await;
        return;
    }
    let mut location = new_path.to_owned();
    if !r.raw_query().is_empty() {
        location.push('?');
        location.push_str(r.raw_query());
    }
    // Go writes header values as they are, line breaks turned into spaces.
    let location = location.replace(['\r', '\n'], " ");
    if let Ok(v) = HeaderValue::from_bytes(location.as_bytes()) {
        w.header_mut().insert(header::LOCATION, v);
    }
    w.write_header(StatusCode::MOVED_PERMANENTLY);
}

async fn open_error(w: &mut ResponseWriter, e: super::file_system::OpenError) {
    if let super::file_system::OpenError::Other(io) = &e {
        tracing::debug!(error = %io, "file server: open failed");
    }
    let (code, msg) = e.status_and_message();
    serve_error(w, msg, code).await;
}

/// Go's `serveFile`; `url` is the request path as the rules see it, `redirect` whether the URL
/// is made canonical (the file server) or left alone (`serve_file`).
pub(crate) async fn serve_file_in(
    w: &mut ResponseWriter,
    r: &Request,
    fs: &dyn FileSystem,
    name: &str,
    url: &str,
    redirect: bool,
) {
    if url.ends_with(INDEX_PAGE) {
        local_redirect(w, r, "./").await;
        return;
    }
    let mut f: File = match fs.open(name).await {
        Ok(f) => f,
        Err(e) => return open_error(w, e).await,
    };

    if redirect {
        if f.is_dir() {
            if !url.ends_with('/') {
                local_redirect(w, r, &format!("{}/", base(url))).await;
                return;
            }
        } else if url.ends_with('/') {
            let b = base(url);
            if b == "/" || b == "." {
                // The file system answered a directory's name with a file.
                let msg = "http: attempting to traverse a non-directory";
                serve_error(w, msg, StatusCode::INTERNAL_SERVER_ERROR).await;
                return;
            }
            local_redirect(w, r, &format!("../{b}")).await;
            return;
        }
    }

    if f.is_dir() {
        if url.is_empty() || !url.ends_with('/') {
            local_redirect(w, r, &format!("{}/", base(url))).await;
            return;
        }
        let index = format!("{}{INDEX_PAGE}", name.strip_suffix('/').unwrap_or(name));
        if let Ok(ff) = fs.open(&index).await {
            f = ff;
        }
    }

    if f.is_dir() {
        let modtime = f.modified();
        if check_if_modified_since(r.method(), r.headers(), modtime) == Cond::False {
            write_not_modified(w);
            return;
        }
        set_last_modified(w, modtime);
        dir_list(w, &f).await;
        return;
    }

    let (file_name, modtime, size) = (f.name(), f.modified(), f.len());
    serve_sized(w, r, &file_name, modtime, Ok(size), &mut f.file).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_base_is_gos() {
        assert_eq!(base(""), ".");
        assert_eq!(base("/"), "/");
        assert_eq!(base("//"), "/");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(base("a"), "a");
    }

    #[test]
    fn dot_dot_elements() {
        assert!(contains_dot_dot("/a/../b"));
        assert!(contains_dot_dot("..\\x"));
        assert!(contains_dot_dot(".."));
        assert!(!contains_dot_dot("/a..b/c.."));
        assert!(!contains_dot_dot("/..."));
    }
}
