//! The cookie jar: Go's `http.Client.Jar`, on the `cookie_store` crate. Off by default.
//!
//! Go's client, when it has a jar, adds the jar's cookies for the URL to every request (also to
//! each redirect hop) and stores every `Set-Cookie` of every response (also of redirects). The
//! matching rules — domain, path, `Secure`, expiry, host-only cookies — are RFC 6265's, and
//! `cookie_store` implements them; this module only moves headers in and out of it.

use std::sync::Mutex;

use cookie_store::CookieStore;
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

/// A thread-safe cookie store shared by all requests of a client.
#[derive(Debug, Default)]
pub(crate) struct Jar {
    store: Mutex<CookieStore>,
}

impl Jar {
    /// The `Cookie` header value for a request to `url`, if the jar has cookies for it.
    pub fn header_for(&self, url: &str) -> Option<HeaderValue> {
        let url = url::Url::parse(url).ok()?;
        let store = self.lock();
        let mut value = String::new();
        for (name, val) in store.get_request_values(&url) {
            if !value.is_empty() {
                value.push_str("; ");
            }
            value.push_str(name);
            value.push('=');
            value.push_str(val);
        }
        drop(store);
        if value.is_empty() {
            return None;
        }
        HeaderValue::from_str(&value).ok()
    }

    /// Stores every `Set-Cookie` of a response from `url`. A malformed cookie is skipped, as
    /// Go's `readSetCookies` skips it.
    pub fn store_from(&self, url: &str, headers: &HeaderMap) {
        if !headers.contains_key(SET_COOKIE) {
            return;
        }
        let Ok(url) = url::Url::parse(url) else {
            return;
        };
        let mut store = self.lock();
        for value in headers.get_all(SET_COOKIE) {
            if let Ok(text) = value.to_str() {
                let _ = store.parse(text, &url);
            }
        }
    }

    /// `(name, value)` of every cookie the jar would send to `url`.
    pub fn cookies_for(&self, url: &str) -> Vec<(String, String)> {
        let Ok(url) = url::Url::parse(url) else {
            return Vec::new();
        };
        self.lock()
            .get_request_values(&url)
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CookieStore> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
