//! gin's `BasicAuth(accounts)` middleware.
//!
//! gin precomputes the exact `Authorization` value of every account (`Basic ` + base64 of
//! `user:password`) and compares the request's header against each in constant time; a match
//! stores the user under [`AUTH_USER_KEY`] for later handlers, anything else answers 401 with a
//! `WWW-Authenticate` challenge and aborts the chain.

use base64::Engine as _;

use crate::handler::{handler, HandlerFunc};

/// The key the authenticated user name is stored under (gin's `AuthUserKey`).
pub const AUTH_USER_KEY: &str = "user";

/// Equal without an early exit, so the time taken does not tell how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `Basic base64(user:password)`.
pub fn authorization_header(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// gin's `BasicAuth`: realm "Authorization Required".
pub fn basic_auth(accounts: &[(&str, &str)]) -> HandlerFunc {
    basic_auth_for_realm(accounts, "")
}

/// gin's `BasicAuthForRealm`; an empty realm means "Authorization Required".
pub fn basic_auth_for_realm(accounts: &[(&str, &str)], realm: &str) -> HandlerFunc {
    let realm = if realm.is_empty() {
        "Authorization Required"
    } else {
        realm
    };
    // strconv.Quote of the realm; realms are plain text, so escaping `"` and `\` is enough.
    let challenge = format!(
        "Basic realm=\"{}\"",
        realm.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let pairs: Vec<(String, String)> = accounts
        .iter()
        .map(|(u, p)| (authorization_header(u, p), u.to_string()))
        .collect();
    handler(move |c| {
        let challenge = challenge.clone();
        let found = {
            let given = c
                .request()
                .headers()
                .get(http::header::AUTHORIZATION)
                .map(|v| v.as_bytes())
                .unwrap_or(b"");
            let mut found = None;
            for (value, user) in &pairs {
                if constant_time_eq(value.as_bytes(), given) && found.is_none() {
                    found = Some(user.clone());
                }
            }
            found
        };
        Box::pin(async move {
            match found {
                Some(user) => c.set(AUTH_USER_KEY, user),
                None => {
                    if let Ok(v) = http::HeaderValue::from_str(&challenge) {
                        c.writer_headers().insert(http::header::WWW_AUTHENTICATE, v);
                    }
                    c.abort_with_status(401);
                }
            }
        })
    })
}
