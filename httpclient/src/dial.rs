//! How a request reaches its server, and how a new connection for it is made.
//!
//! Go's `Transport` decides per request a `connectMethod` — proxy or not, target scheme, target
//! address — and `dialConn` builds the connection from it. Here that is [`Route`] and
//! [`connect`], three cases:
//!
//! | target | proxy | route | the connection |
//! | --- | --- | --- | --- |
//! | `http`  | none | `Direct`  | TCP to the target |
//! | `https` | none | `Direct`  | TCP to the target, TLS for the target's host |
//! | `http`  | yes  | `Forward` | TCP to the proxy; requests in absolute form |
//! | `https` | yes  | `Tunnel`  | TCP to the proxy, `CONNECT host:port`, then TLS for the target's host inside |
//!
//! The route also gives the pool key ([`Route::key`]): a forwarding proxy's connections serve
//! every `http` target (keyed by the proxy), a tunnel serves one target (keyed by target *and*
//! proxy), and the scheme is always part of the key.

use crate::builder::Config;
use crate::conn::{Conn, ReadLimits};
use crate::error::{ErrorKind, TlsError};
use crate::pool::{Key, Via};
use crate::proxy::Proxy;
use crate::socket::{self, Socket};
use crate::tls::Tls;
use crate::tunnel;
use crate::url::{Scheme, Target};

/// How one request reaches its server.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route<'a> {
    /// Straight to the target, plain or TLS.
    Direct,
    /// An `http` target through a forwarding proxy.
    Forward(&'a Proxy),
    /// An `https` target through the proxy's `CONNECT` tunnel.
    Tunnel(&'a Proxy),
}

impl<'a> Route<'a> {
    /// Go's rule: a proxy forwards `http` requests and tunnels `https` ones.
    pub fn new(target: &Target<'_>, proxy: Option<&'a Proxy>) -> Route<'a> {
        match (proxy, target.scheme) {
            (None, _) => Route::Direct,
            (Some(p), Scheme::Http) => Route::Forward(p),
            (Some(p), Scheme::Https) => Route::Tunnel(p),
        }
    }

    /// The pool key of this route to `target`.
    pub fn key<'t>(&self, target: &Target<'t>) -> Key<'t>
    where
        'a: 't,
    {
        match *self {
            Route::Direct => Key {
                scheme: target.scheme,
                host: target.host,
                port: target.port,
                via: Via::Direct,
            },
            Route::Forward(p) => Key {
                scheme: Scheme::Http,
                host: p.host(),
                port: p.port(),
                via: Via::Forward,
            },
            Route::Tunnel(p) => Key {
                scheme: Scheme::Https,
                host: target.host,
                port: target.port,
                via: Via::Tunnel {
                    proxy_host: p.host(),
                    proxy_port: p.port(),
                },
            },
        }
    }

    /// The request goes to a forwarding proxy: absolute-form target, `Proxy-Authorization`.
    pub fn forward_proxy(&self) -> Option<&'a Proxy> {
        match *self {
            Route::Forward(p) => Some(p),
            Route::Direct | Route::Tunnel(_) => None,
        }
    }
}

// ANCHOR: connect
/// A new connection for `target` along `route`: TCP (to the target or the proxy), the
/// `CONNECT` tunnel for an https target behind a proxy, and TLS for every https target.
pub(crate) async fn connect(
    route: Route<'_>,
    target: &Target<'_>,
    config: &Config,
    tls: &Tls,
) -> Result<Conn, ErrorKind> {
    let tcp = match route {
        Route::Direct => socket::dial(target.host, target.port, config.connect_timeout).await?,
        Route::Forward(proxy) => {
            socket::dial(proxy.host(), proxy.port(), config.connect_timeout).await?
        }
        Route::Tunnel(proxy) => {
            let limits = ReadLimits {
                read_timeout: config.read_timeout,
                max_body: 0,
            };
            let authority = connect_authority(target);
            let tunnel = tunnel::open(
                proxy,
                &authority,
                &config.default_headers,
                config.connect_timeout,
                limits,
            )
            .await?;
            let (tcp, early) = tunnel.into_parts();
            // The server speaks only after our ClientHello: bytes before it are the proxy's.
            if !early.is_empty() {
                return Err(ErrorKind::Tls(TlsError::Handshake(format!(
                    "the proxy sent {} bytes after its CONNECT answer, before the handshake",
                    early.len()
                ))));
            }
            tcp
        }
    };
    let socket = match target.scheme {
        Scheme::Http => Socket::Plain(tcp),
        Scheme::Https => Socket::Tls(Box::new(tls.handshake(tcp, target.host).await?)),
    };
    Ok(Conn::new(socket))
}
// ANCHOR_END: connect

/// `host:port` for the `CONNECT` line, with the port always written (Go's `canonicalAddr`) and
/// an IPv6 literal in brackets.
fn connect_authority(target: &Target<'_>) -> String {
    if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    }
}
