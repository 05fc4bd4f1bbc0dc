// Copyright The empty-operator Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! A small HTTP/1 server for the probes and the metrics: each path maps to one fixed answer.

use std::{
    convert::Infallible,
    fmt,
    net::{Ipv4Addr, SocketAddr},
    str::FromStr,
    time::Duration,
};

use anyhow::Context as _;
use http_body_util::Full;
use hyper::{
    Request, Response, StatusCode,
    body::{Bytes, Incoming},
    header::CONTENT_TYPE,
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

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
    pub status: StatusCode,
    pub content_type: &'static str,
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

    /// `404 Not Found`.
    pub fn not_found() -> Reply {
        Reply::text(StatusCode::NOT_FOUND, "not found\n")
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

/// Answers each request with `routes(path)`, for as long as the process runs.
pub async fn serve<R>(listener: TcpListener, routes: R)
where
    R: Fn(&str) -> Reply + Clone + Send + Sync + 'static,
{
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
        let routes = routes.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            let reply = routes(request.uri().path());
            let response = Response::builder()
                .status(reply.status)
                .header(CONTENT_TYPE, reply.content_type)
                .body(Full::new(Bytes::from(reply.body)));
            async move { Ok::<_, Infallible>(response.expect("a valid response")) }
        });
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "HTTP connection failed");
            }
        });
    }
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
