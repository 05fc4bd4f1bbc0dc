//! A small HTTP server, plain or over TLS, for the probes, the metrics and the webhooks.
//!
//! Each request is read whole (up to [`MAX_BODY`]) and answered by a [`Handler`]; [`Routes`]
//! turns a function of the path into one, for the servers whose answers depend on nothing else.
//!
//! # Example
//!
//! ```
//! use hyper::StatusCode;
//! use kubeforge_runtime::manager::http::{self, BindAddress, Handler, Reply, Routes};
//!
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! let routes = Routes(|path: &str| match path {
//!     "/hello" => Reply::text(StatusCode::OK, "hello\n"),
//!     _ => Reply::not_found(),
//! });
//! let request = hyper::Request::get("/hello").body(Default::default())?;
//! assert_eq!(routes.handle(request).await.body, "hello\n");
//!
//! // As a flag: `host:port`, `:port` for every interface, or `0` for off.
//! let address: BindAddress = "127.0.0.1:0".parse().map_err(anyhow::Error::msg)?;
//! if let Some(address) = address.socket_addr() {
//!     let listener = http::bind(address, "hello").await?;
//!     tokio::spawn(http::serve(listener, None, routes));
//! }
//! # Ok(())
//! # }
//! ```

use std::{
    convert::Infallible,
    fmt,
    future::Future,
    net::{Ipv4Addr, SocketAddr},
    str::FromStr,
    time::Duration,
};

use anyhow::Context as _;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    Response, StatusCode,
    body::{Bytes, Incoming},
    header::CONTENT_TYPE,
    server::conn::{http1, http2},
    service::service_fn,
};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
};
use tokio_rustls::TlsAcceptor;

/// The largest request body read, in bytes: an AdmissionReview holds an object and its old
/// version, each up to the 3 MiB that etcd stores.
pub const MAX_BODY: usize = 7 * 1024 * 1024;

/// How long a client may take to finish the TLS handshake or to send the request headers.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A request, with its body read.
pub type Request = hyper::Request<Bytes>;

/// Where a server listens: `host:port`, `:port` (every interface), or `0` (nowhere: off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindAddress(Option<SocketAddr>);

impl BindAddress {
    /// The address to listen on, or `None` when the server is off.
    pub fn socket_addr(self) -> Option<SocketAddr> {
        self.0
    }
}

impl FromStr for BindAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "0" {
            return Ok(BindAddress(None));
        }
        let address = match s.strip_prefix(':') {
            Some(port) => port
                .parse()
                .ok()
                .map(|port| SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))),
            None => s.parse().ok(),
        };
        match address {
            Some(address) => Ok(BindAddress(Some(address))),
            None => Err(format!("`{s}` is not `host:port`, `:port` or `0`")),
        }
    }
}

impl fmt::Display for BindAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(address) => address.fmt(f),
            None => f.write_str("0"),
        }
    }
}

/// One answer of the server.
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl Reply {
    /// A plain-text answer.
    pub fn text(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
        }
    }

    /// A JSON answer.
    pub fn json(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: body.into(),
        }
    }

    /// `404 Not Found`.
    pub fn not_found() -> Reply {
        Reply::text(StatusCode::NOT_FOUND, "not found\n")
    }
}

/// What answers the requests of a server.
pub trait Handler: Clone + Send + Sync + 'static {
    /// The answer to `request`.
    fn handle(&self, request: Request) -> impl Future<Output = Reply> + Send;
}

/// A [`Handler`] whose answers depend on the path only.
#[derive(Clone)]
pub struct Routes<F>(pub F);

impl<F> Handler for Routes<F>
where
    F: Fn(&str) -> Reply + Clone + Send + Sync + 'static,
{
    async fn handle(&self, request: Request) -> Reply {
        (self.0)(request.uri().path())
    }
}

/// Listens on `address`; `what` names the server in the error.
pub async fn bind(address: SocketAddr, what: &str) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot serve the {what} endpoint on {address}"))?;
    tracing::info!(%address, "serving the {what} endpoint");
    Ok(listener)
}

/// Answers each request with `handler`, over TLS when `tls` is given, for as long as the
/// process runs. Over TLS, a client that negotiates `h2` (ALPN) is served HTTP/2.
pub async fn serve<H: Handler>(listener: TcpListener, tls: Option<TlsAcceptor>, handler: H) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Typically too many open files: wait for some to close.
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let handler = handler.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let Some(tls) = tls else {
                return serve_connection(stream, false, handler).await;
            };
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await {
                Ok(Ok(stream)) => {
                    let http2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
                    serve_connection(stream, http2, handler).await
                }
                Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        });
    }
}

/// Serves the requests of one connection, in HTTP/2 or HTTP/1.1.
async fn serve_connection<S, H>(stream: S, http2: bool, handler: H)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    H: Handler,
{
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let handler = handler.clone();
        async move { Ok::<_, Infallible>(respond(&handler, request).await) }
    });
    let io = TokioIo::new(stream);
    let result = if http2 {
        http2::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .serve_connection(io, service)
            .await
    } else {
        http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HANDSHAKE_TIMEOUT)
            .serve_connection(io, service)
            .await
    };
    if let Err(error) = result {
        tracing::debug!(%error, "HTTP connection failed");
    }
}

/// Reads the body of `request` and answers it with `handler`.
async fn respond<H: Handler>(
    handler: &H,
    request: hyper::Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let reply = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => {
            handler
                .handle(Request::from_parts(parts, body.to_bytes()))
                .await
        }
        Err(error) => Reply::text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("cannot read the request body: {error}\n"),
        ),
    };
    Response::builder()
        .status(reply.status)
        .header(CONTENT_TYPE, reply.content_type)
        .body(Full::new(Bytes::from(reply.body)))
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bind_addresses() {
        let parse = |s: &str| s.parse::<BindAddress>().map(BindAddress::socket_addr);
        assert_eq!(
            parse(":8080"),
            Ok(Some(SocketAddr::from(([0, 0, 0, 0], 8080))))
        );
        assert_eq!(
            parse("127.0.0.1:9090"),
            Ok(Some(SocketAddr::from(([127, 0, 0, 1], 9090))))
        );
        assert_eq!(parse("[::1]:8081").unwrap().unwrap().port(), 8081);
        assert_eq!(parse("0"), Ok(None));
        assert!(parse("8080").is_err());
        assert!(parse("localhost").is_err());
    }

    #[test]
    fn displays_bind_addresses() {
        assert_eq!(
            ":8080".parse::<BindAddress>().unwrap().to_string(),
            "0.0.0.0:8080"
        );
        assert_eq!("0".parse::<BindAddress>().unwrap().to_string(), "0");
    }
}
