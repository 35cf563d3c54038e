//! Cookies: gin's `c.Cookie(name)` and `c.SetCookie(...)`.
//!
//! The request's `Cookie` header is parsed with the `cookie` crate. `SetCookie` builds a
//! `cookie::Cookie` with gin's attributes (value query-escaped, path `/` when empty, the context's
//! SameSite), and writes the `Set-Cookie` line in Go's attribute order
//! (`Path`, `Domain`, `Max-Age`, `HttpOnly`, `Secure`, `SameSite`) so that the header is byte for
//! byte what gin sends; the `cookie` crate's own `Display` puts them in another order.

use cookie::{Cookie, SameSite};
use http::HeaderValue;

use crate::context::Context;

/// Go's `url.QueryEscape`: unreserved bytes stay, space becomes `+`, the rest `%XX`.
pub fn query_escape(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Go's `url.QueryUnescape` (`None` on a bad `%` escape, where Go returns an error).
pub fn query_unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A `Set-Cookie` value in the attribute order of Go 1.19's `(*http.Cookie).String`.
pub fn go_set_cookie_line(c: &Cookie<'_>) -> String {
    let mut s = format!("{}={}", c.name(), c.value());
    if let Some(path) = c.path() {
        s.push_str("; Path=");
        s.push_str(path);
    }
    if let Some(domain) = c.domain() {
        // Go drops one leading dot and keeps the rest.
        s.push_str("; Domain=");
        s.push_str(domain.strip_prefix('.').unwrap_or(domain));
    }
    if let Some(max_age) = c.max_age() {
        let secs = max_age.whole_seconds();
        // Go: MaxAge > 0 is written as is, MaxAge < 0 means "delete now" and is written as 0.
        s.push_str(&format!("; Max-Age={}", secs.max(0)));
    }
    if c.http_only() == Some(true) {
        s.push_str("; HttpOnly");
    }
    if c.secure() == Some(true) {
        s.push_str("; Secure");
    }
    match c.same_site() {
        Some(SameSite::Lax) => s.push_str("; SameSite=Lax"),
        Some(SameSite::Strict) => s.push_str("; SameSite=Strict"),
        Some(SameSite::None) => s.push_str("; SameSite=None"),
        None => {}
    }
    s
}

impl Context<'_> {
    /// The value of request cookie `name`, query-unescaped (gin's `c.Cookie`; a value with a
    /// bad `%` escape reads as empty, as there).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.request()
            .headers()
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name)
            // gin ignores a bad escape and answers "" for the cookie.
            .map(|c| query_unescape(c.value()).unwrap_or_default())
    }

    /// The SameSite attribute later `set_cookie` calls use (gin's `c.SetSameSite`); `None`
    /// leaves it out, gin's default mode.
    pub fn set_same_site(&mut self, same_site: Option<SameSite>) {
        self.same_site = same_site;
    }

    /// Add a `Set-Cookie` header (gin's `c.SetCookie`). `max_age` 0 leaves `Max-Age` out, a
    /// negative one deletes the cookie (`Max-Age=0`).
    #[allow(clippy::too_many_arguments)]
    pub fn set_cookie(
        &mut self,
        name: &str,
        value: &str,
        max_age: i64,
        path: &str,
        domain: &str,
        secure: bool,
        http_only: bool,
    ) {
        let mut c = Cookie::new(name.to_string(), query_escape(value));
        c.set_path(if path.is_empty() { "/" } else { path }.to_string());
        if !domain.is_empty() {
            c.set_domain(domain.to_string());
        }
        if max_age != 0 {
            c.set_max_age(cookie::time::Duration::seconds(max_age));
        }
        c.set_secure(secure);
        c.set_http_only(http_only);
        c.set_same_site(self.same_site);
        if let Ok(v) = HeaderValue::from_str(&go_set_cookie_line(&c)) {
            self.writer_headers().append(http::header::SET_COOKIE, v);
        }
    }
}
