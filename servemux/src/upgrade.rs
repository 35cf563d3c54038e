//! `Connection: Upgrade`: checking an upgrade request and answering `101 Switching Protocols`.
//!
//! Go's `net/http` stops at [`hijack`](crate::ResponseWriter::hijack); libraries such as
//! gorilla/websocket check the request, hijack, and write the `101` themselves. This module is
//! that small step for us: [`switch_protocols`] for any protocol named in `Upgrade`, and
//! [`upgrade_websocket`] with the checks of RFC 6455 section 4.2.1 and the `Sec-WebSocket-Accept`
//! answer. A request that fails a check is answered with an error status through the normal
//! response, before anything is hijacked, so the connection stays the server's.

use base64::Engine as _;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode, Version};
use sha1::{Digest, Sha1};
use tokio::io::AsyncWriteExt;

use crate::hijack::{HijackError, Hijacked};
use crate::{reply_error, Request, ResponseWriter};

/// The GUID RFC 6455 appends to the client's key before hashing it.
const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Why an upgrade was refused. Every variant but [`Hijack`](UpgradeError::Hijack) has already
/// been answered with [`status`](UpgradeError::status) when it is returned.
#[derive(Debug)]
pub enum UpgradeError {
    /// Not a GET (WebSocket) request: 405.
    Method,
    /// Not HTTP/1.1: only HTTP/1.1 has `Upgrade`. 400.
    Version,
    /// `Connection` lacks the `upgrade` token: 400.
    NoConnectionUpgrade,
    /// `Upgrade` does not name the protocol: 400.
    WrongProtocol,
    /// `Sec-WebSocket-Version` is not 13: 400, with `Sec-WebSocket-Version: 13` in the answer.
    WebSocketVersion,
    /// `Sec-WebSocket-Key` is missing or is not 16 bytes in base64: 400.
    BadKey,
    /// The checks passed but the connection could not be taken over.
    Hijack(HijackError),
}

impl UpgradeError {
    /// The status the refusal was answered with (`None` for a failed hijack).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            UpgradeError::Method => Some(StatusCode::METHOD_NOT_ALLOWED),
            UpgradeError::Hijack(_) => None,
            _ => Some(StatusCode::BAD_REQUEST),
        }
    }
}

impl std::fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UpgradeError::Method => "upgrade: request method is not GET",
            UpgradeError::Version => "upgrade: request is not HTTP/1.1",
            UpgradeError::NoConnectionUpgrade => {
                "upgrade: 'upgrade' token not found in 'Connection' header"
            }
            UpgradeError::WrongProtocol => "upgrade: protocol not found in 'Upgrade' header",
            UpgradeError::WebSocketVersion => {
                "websocket: unsupported version: 13 not found in 'Sec-WebSocket-Version' header"
            }
            UpgradeError::BadKey => {
                "websocket: 'Sec-WebSocket-Key' header is missing or not 16 bytes of base64"
            }
            UpgradeError::Hijack(e) => return write!(f, "upgrade: {e}"),
        })
    }
}

impl std::error::Error for UpgradeError {}

/// Whether the comma-separated header `name` holds `token` (case-insensitive), in any of its lines.
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// Checks what every `Connection: Upgrade` request needs, for `protocol`.
fn check_upgrade(r: &Request, protocol: &str) -> Result<(), UpgradeError> {
    if r.version() != Version::HTTP_11 {
        return Err(UpgradeError::Version);
    }
    if !has_token(r.headers(), header::CONNECTION, "upgrade") {
        return Err(UpgradeError::NoConnectionUpgrade);
    }
    if !has_token(r.headers(), header::UPGRADE, protocol) {
        return Err(UpgradeError::WrongProtocol);
    }
    Ok(())
}

async fn refuse(w: &mut ResponseWriter, e: UpgradeError) -> UpgradeError {
    if let Some(status) = e.status() {
        w.header_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        reply_error(w, &e.to_string(), status).await;
    }
    e
}

/// Answers a `Connection: Upgrade` request for `protocol` with `101 Switching Protocols` (plus
/// `extra` headers) and hands the connection over. A request that does not ask for `protocol`
/// is answered 400 and nothing is hijacked.
pub async fn switch_protocols(
    w: &mut ResponseWriter,
    r: &mut Request,
    protocol: &'static str,
    extra: &HeaderMap,
) -> Result<Hijacked, UpgradeError> {
    if let Err(e) = check_upgrade(r, protocol) {
        return Err(refuse(w, e).await);
    }
    send_101(w, r, protocol, extra).await
}

// ANCHOR: send_101
/// Hijacks, then writes the `101` head straight onto the stream: after it the bytes belong to
/// the new protocol, so none of the writer's framing (`Date`, `Connection: close` during a
/// shutdown) may be added.
async fn send_101(
    w: &mut ResponseWriter,
    r: &mut Request,
    protocol: &str,
    extra: &HeaderMap,
) -> Result<Hijacked, UpgradeError> {
    let mut conn = w.hijack(r).await.map_err(UpgradeError::Hijack)?;
    let mut head = Vec::with_capacity(128);
    head.extend_from_slice(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: ");
    head.extend_from_slice(protocol.as_bytes());
    head.extend_from_slice(b"\r\nConnection: Upgrade\r\n");
    for (name, value) in extra {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    conn.write_all(&head)
        .await
        .map_err(|e| UpgradeError::Hijack(HijackError::Io(e)))?;
    Ok(conn)
}
// ANCHOR_END: send_101

/// The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key` (RFC 6455 section 4.2.2):
/// base64 of the SHA-1 of the key followed by the protocol's GUID.
pub fn websocket_accept(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(WEBSOCKET_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// Checks a WebSocket opening handshake (RFC 6455 section 4.2.1) and, if it is one, answers
/// `101 Switching Protocols` with its `Sec-WebSocket-Accept` and hands the connection over. The
/// caller speaks WebSocket on the returned stream (for example with tungstenite). A request
/// that is not a valid handshake is answered 405 or 400 and nothing is hijacked. Subprotocols
/// and extensions are not negotiated: the answer names none.
// ANCHOR: upgrade_websocket
pub async fn upgrade_websocket(
    w: &mut ResponseWriter,
    r: &mut Request,
) -> Result<Hijacked, UpgradeError> {
    let checked = if r.method() != Method::GET {
        Err(UpgradeError::Method)
    } else {
        check_upgrade(r, "websocket").and_then(|()| {
            let version = r.headers().get(header::SEC_WEBSOCKET_VERSION);
            if version.is_none_or(|v| v.as_bytes().trim_ascii() != b"13") {
                return Err(UpgradeError::WebSocketVersion);
            }
            websocket_key(r.headers()).ok_or(UpgradeError::BadKey)
        })
    };
    let key = match checked {
        Ok(key) => key,
        Err(e) => {
            if matches!(e, UpgradeError::WebSocketVersion) {
                w.header_mut().insert(
                    header::SEC_WEBSOCKET_VERSION,
                    HeaderValue::from_static("13"),
                );
            }
            return Err(refuse(w, e).await);
        }
    };
    let mut extra = HeaderMap::new();
    let accept = HeaderValue::from_str(&websocket_accept(&key)).expect("base64 is a header value");
    extra.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    send_101(w, r, "websocket", &extra).await
}
// ANCHOR_END: upgrade_websocket

/// The client's key, if there is exactly one and it is base64 of 16 bytes.
fn websocket_key(headers: &HeaderMap) -> Option<String> {
    let mut keys = headers.get_all(header::SEC_WEBSOCKET_KEY).iter();
    let key = keys.next()?;
    if keys.next().is_some() {
        return None;
    }
    let key = key.to_str().ok()?.trim();
    let raw = base64::engine::general_purpose::STANDARD.decode(key).ok()?;
    (raw.len() == 16).then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_matches_the_rfc_example() {
        // RFC 6455 section 1.3.
        assert_eq!(
            websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn keys_must_be_sixteen_bytes_of_base64() {
        let key = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::SEC_WEBSOCKET_KEY, HeaderValue::from_str(v).unwrap());
            websocket_key(&h)
        };
        assert!(key("dGhlIHNhbXBsZSBub25jZQ==").is_some());
        assert!(key("dGhlIHNhbXBsZQ==").is_none()); // 10 bytes
        assert!(key("not base64!").is_none());
        assert!(websocket_key(&HeaderMap::new()).is_none());
    }

    #[test]
    fn tokens_are_found_in_lists_and_any_case() {
        let mut h = HeaderMap::new();
        h.append(header::CONNECTION, HeaderValue::from_static("keep-alive"));
        h.append(header::CONNECTION, HeaderValue::from_static("foo, UpGrade"));
        assert!(has_token(&h, header::CONNECTION, "upgrade"));
        assert!(!has_token(&h, header::CONNECTION, "close"));
    }
}
