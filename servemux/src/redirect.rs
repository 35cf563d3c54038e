//! Redirect replies: Go's `http.Redirect` and `http.RedirectHandler`.
//!
//! [`ServeMux`](crate::ServeMux) answers two kinds of request with a 301: `/tree` when only `/tree/`
//! is registered, and non-canonical paths such as `//a`. Go builds those answers with
//! `RedirectHandler(u.String(), 301)`, so the exact bytes a client sees come from three Go
//! functions, mirrored here one by one:
//!
//! - `url.URL{Path, RawQuery}.String()` — the path percent-escaped as a URL path ([`escape_path`]),
//!   then `?query` as received;
//! - `http.Redirect` — makes a relative target absolute, cleans it (keeping a trailing slash),
//!   sets `Location` (non-ASCII bytes hex-escaped) and, for GET and HEAD, a small HTML body;
//! - `htmlEscape` — the five characters that must not reach that body raw.

use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

use crate::clean_path::path_clean;
use crate::{BoxFuture, Handler, Request, ResponseWriter};

/// Replies with a redirect to `url` (Go's `http.Redirect`).
///
/// `url` may be relative to the request path. `code` should be a 3xx status. Unless the handler
/// already set a `Content-Type`, a GET gets the body `<a href="URL">Moved Permanently</a>.` and a
/// HEAD gets the `Content-Type` that body would have had.
pub async fn redirect(w: &mut ResponseWriter, r: &Request, url: &str, code: StatusCode) {
    redirect_relative_to(w, r, r.path(), url, code).await;
}

/// [`redirect`], with a relative `url` resolved against `base_path` instead of the request's path.
///
/// Go's `http.Redirect` resolves against `r.URL.Path`, which a Go handler may have rewritten
/// before calling it (gin's trailing-slash redirect sets it to the new path; `HandleContext`
/// re-dispatches under another one); servemux's [`Request`] keeps the path it was sent, so a
/// caller in that position passes its path here.
pub async fn redirect_relative_to(
    w: &mut ResponseWriter,
    r: &Request,
    base_path: &str,
    url: &str,
    code: StatusCode,
) {
    let url = absolute_redirect_target(url, base_path);
    let had_content_type = w.header().contains_key(header::CONTENT_TYPE);
    let location = hex_escape_non_ascii(&url);
    // Every byte left is printable ASCII, so this only fails on control characters, which a
    // request line cannot carry; skipping the header then is better than panicking.
    if let Ok(v) = HeaderValue::from_str(&location) {
        w.header_mut().insert(header::LOCATION, v);
    }
    let get = r.method() == Method::GET;
    if !had_content_type && (get || r.method() == Method::HEAD) {
        w.header_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
    }
    w.write_header(code);
    if !had_content_type && get {
        let text = code.canonical_reason().unwrap_or("");
        // Go prints the line with Fprintln, which adds a second newline.
        let body = format!("<a href=\"{}\">{}</a>.\n\n", html_escape(&url), text);
        let _ = w.write(body.as_bytes()).await;
    }
}

/// Go's `Redirect` preamble: a target without scheme and host is made absolute against the
/// request path and cleaned, its trailing slash kept.
fn absolute_redirect_target(url: &str, request_path: &str) -> String {
    // `//host/x` parses as a URL with a host, `scheme:...` as one with a scheme: used verbatim.
    if has_host(url) || has_scheme(url) {
        return url.to_owned();
    }
    let mut url = if url.starts_with('/') {
        url.to_owned()
    } else {
        // Relative: resolve against the directory of the request path (Go's `path.Split`).
        let old = if request_path.is_empty() {
            "/"
        } else {
            request_path
        };
        let dir = &old[..old.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{url}")
    };
    let query = match url.find('?') {
        Some(i) => url.split_off(i),
        None => String::new(),
    };
    let trailing = url.ends_with('/');
    let mut cleaned = path_clean(&url);
    if trailing && !cleaned.ends_with('/') {
        cleaned.push('/');
    }
    cleaned + &query
}

/// Whether Go's `url.Parse` finds a host in `url` (which has no scheme): it reads an authority
/// only after exactly two slashes (`///x` is a path), up to the next `/`, `?` or `#`, and the
/// host is what follows its last `@`; `//` or `//@/x` give an empty host, which counts as none.
fn has_host(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("//") else {
        return false;
    };
    if rest.starts_with('/') {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit('@')
        .next()
        .is_some_and(|host| !host.is_empty())
}

/// Whether `url` starts with `scheme:` as Go's `url.Parse` would see it.
fn has_scheme(url: &str) -> bool {
    for (i, c) in url.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' => return i > 0,
            _ => return false,
        }
    }
    false
}

/// A handler that redirects every request to a fixed URL (Go's `http.RedirectHandler`).
#[derive(Debug, Clone)]
pub struct RedirectHandler {
    url: String,
    code: StatusCode,
}

impl RedirectHandler {
    /// Redirects to `url` with `code` (usually 301, 302 or 303).
    pub fn new(url: impl Into<String>, code: StatusCode) -> RedirectHandler {
        RedirectHandler {
            url: url.into(),
            code,
        }
    }

    /// The target URL, as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The redirect status.
    pub fn code(&self) -> StatusCode {
        self.code
    }
}

impl Handler for RedirectHandler {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(redirect(w, r, &self.url, self.code))
    }
}

/// Go's `(&url.URL{Path: path, RawQuery: query}).String()`: the redirect target the mux builds,
/// and the one gin builds after replacing a request's path.
pub fn url_string(path: &str, query: &str) -> String {
    let mut s = String::with_capacity(path.len() + query.len() + 8);
    // RFC 3986 4.2: a relative path whose first segment holds a colon needs `./` in front.
    if !path.starts_with('/') && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
        s.push_str("./");
    }
    if path == "*" {
        s.push('*');
    } else {
        escape_path(path, &mut s);
    }
    if !query.is_empty() {
        s.push('?');
        s.push_str(query);
    }
    s
}

/// Appends `path` percent-escaped as a URL path (Go's `escape(path, encodePath)`): letters,
/// digits, `-_.~` and `$&+,/:;=@` stay, everything else becomes `%XX` (upper-case hex).
pub fn escape_path(path: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'$'
                    | b'&'
                    | b'+'
                    | b','
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Go's `hexEscapeNonASCII`: each byte >= 0x80 becomes `%` plus its lower-case hex digits.
fn hex_escape_non_ascii(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() * 2);
    for &b in s.as_bytes() {
        if b.is_ascii() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:x}"));
        }
    }
    out
}

/// Go's `htmlEscape`: `& < > " '` replaced, the quotes by their shortest numeric references.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_string_escapes_like_go() {
        assert_eq!(url_string("/a b/c", ""), "/a%20b/c");
        assert_eq!(url_string("/a!b'(c)*", "x=1"), "/a%21b%27%28c%29%2A?x=1");
        assert_eq!(url_string("/$&+,:;=@-_.~", ""), "/$&+,:;=@-_.~");
        assert_eq!(url_string("/a?b#c", ""), "/a%3Fb%23c");
        assert_eq!(url_string("/é", ""), "/%C3%A9");
        assert_eq!(url_string("a:b/c", ""), "./a:b/c");
        assert_eq!(url_string("*", ""), "*");
    }

    #[test]
    fn relative_targets_are_resolved_and_cleaned() {
        assert_eq!(absolute_redirect_target("/a/../b/", "/x"), "/b/");
        assert_eq!(absolute_redirect_target("/a/./b?q=/..", "/x"), "/a/b?q=/..");
        assert_eq!(absolute_redirect_target("c", "/x/y"), "/x/c");
        assert_eq!(absolute_redirect_target("../c/", "/x/y/z"), "/x/c/");
        assert_eq!(absolute_redirect_target("", "/x/y"), "/x/");
        assert_eq!(absolute_redirect_target("//h/x/../y", "/"), "//h/x/../y");
        // Three slashes or an empty authority: no host, so a path like any other.
        assert_eq!(absolute_redirect_target("///users/", "/"), "/users/");
        assert_eq!(absolute_redirect_target("//", "/x"), "/");
        assert_eq!(absolute_redirect_target("//@/a/../b", "/"), "/@/b");
        assert_eq!(
            absolute_redirect_target("//u@h/a/../b", "/"),
            "//u@h/a/../b"
        );
        assert_eq!(
            absolute_redirect_target("http://h/x/../y", "/"),
            "http://h/x/../y"
        );
    }

    #[test]
    fn non_ascii_is_hex_escaped_in_lower_case() {
        assert_eq!(hex_escape_non_ascii("/a?q=é"), "/a?q=%c3%a9");
        assert_eq!(hex_escape_non_ascii("/plain"), "/plain");
    }

    #[test]
    fn html_escape_covers_the_five() {
        assert_eq!(
            html_escape(r#"<a href="x">&'"#),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
        );
    }
}
