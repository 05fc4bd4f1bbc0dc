//! The HTTPS server: TLS with the serving certificate reloaded and client certificates
//! requested, the client's certificate read once per connection, streaming bodies for watches.

use std::{convert::Infallible, sync::Arc, time::Duration};

use http_body_util::{BodyExt, Limited};
use hyper::{
    Request, Response, StatusCode,
    body::Incoming,
    server::conn::{http1, http2},
    service::service_fn,
};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::{ServerConfig, server::ResolvesServerCert};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::{
    handler::{Shared, handle},
    status::{ApiError, Body},
    trust::{Peer, SharedTrust},
};
use crate::manager::tls::provider;

/// The largest request body read, in bytes: an object of up to the 3 MiB that etcd stores.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// How long a client may take to finish the TLS handshake or to send the request headers.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The TLS configuration: the certificate of `resolver`, and client certificates of the CAs of
/// `trust` requested but optional.
pub(crate) fn tls_config(
    resolver: Arc<dyn ResolvesServerCert>,
    trust: SharedTrust,
    http2: bool,
) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(trust))
        .with_cert_resolver(resolver);
    config.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(Arc::new(config))
}

/// Serves every connection until `shutdown`; running requests then finish (watches end).
pub(crate) async fn serve(listener: TcpListener, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    let shutdown = shared.shutdown.clone();
    loop {
        let stream = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Typically too many open files: wait for some to close.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(stream, acceptor.clone(), shared.clone()));
    }
}

/// One connection: the handshake, the client's certificate, then its requests.
async fn connection(stream: TcpStream, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => return tracing::debug!(%error, "TLS handshake failed"),
        Err(_) => return tracing::debug!("TLS handshake timed out"),
    };
    let (_, session) = stream.get_ref();
    let peer = match session.peer_certificates() {
        Some(certificates) => shared.trust.current().peer(certificates),
        None => Peer::Unknown,
    };
    let http2 = session.alpn_protocol() == Some(b"h2");
    let peer = Arc::new(peer);
    let shutdown = shared.shutdown.clone();
    let service = service_fn(move |request: Request<Incoming>| {
        let (shared, peer) = (shared.clone(), peer.clone());
        async move { Ok::<_, Infallible>(respond(&shared, &peer, request).await) }
    });
    let io = TokioIo::new(stream);
    let result = if http2 {
        let connection = http2::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .serve_connection(io, service);
        tokio::pin!(connection);
        tokio::select! {
            result = connection.as_mut() => result,
            _ = shutdown.cancelled() => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        }
    } else {
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HANDSHAKE_TIMEOUT)
            .serve_connection(io, service);
        tokio::pin!(connection);
        tokio::select! {
            result = connection.as_mut() => result,
            _ = shutdown.cancelled() => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "HTTP connection failed");
    }
}

/// Reads the body of `request` and answers it.
async fn respond(shared: &Shared, peer: &Peer, request: Request<Incoming>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => handle(shared, peer, Request::from_parts(parts, body.to_bytes())).await,
        Err(error) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("cannot read the request body: {error}"),
        )
        .into_response(),
    }
}
