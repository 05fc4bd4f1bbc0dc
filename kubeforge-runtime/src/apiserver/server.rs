//! [`ApiServer`]: the kinds served, and how the server runs.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use kube::Client;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use super::{
    ApiObject,
    authn::AuthenticationConfig,
    authz::{Checks, Delegate, KubeDelegate},
    handler::Shared,
    metrics::Metrics,
    resource::{Endpoint, Served},
    serve,
    storage::Storage,
    trust::{SharedTrust, Trust},
};
use crate::manager::tls::{CertFiles, CertResolver, CertSource, RELOAD_INTERVAL, self_signed};

/// How often the ConfigMap `kube-system/extension-apiserver-authentication` is read again.
pub const AUTHENTICATION_RELOAD: Duration = Duration::from_secs(60);

/// How the server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The secure port, e.g. `0.0.0.0:8443`.
    pub address: SocketAddr,
    /// The serving certificate: `Dir(...)` (`tls.crt` and `tls.key`, reloaded) or `SelfSigned`.
    pub cert: CertSource,
    /// Offer HTTP/2 (ALPN `h2`) besides HTTP/1.1.
    pub http2: bool,
}

/// An extension API server: the kinds it serves, and how it authenticates and authorizes.
pub struct ApiServer {
    client: Client,
    endpoints: Vec<Box<dyn Endpoint>>,
    authentication: Option<AuthenticationConfig>,
    delegate: Option<Arc<dyn Delegate>>,
}

impl ApiServer {
    /// A server that serves nothing yet. `client` (in-cluster or kubeconfig) reads the
    /// authentication ConfigMap and sends the TokenReviews and SubjectAccessReviews.
    pub fn new(client: Client) -> ApiServer {
        ApiServer {
            client,
            endpoints: Vec::new(),
            authentication: None,
            delegate: None,
        }
    }

    /// Serves the kind `K`, kept in `storage`. Several calls serve several kinds, possibly of
    /// several group-versions; the first version of a group is its preferred one.
    pub fn resource<K: ApiObject, S: Storage<K>>(mut self, storage: S) -> ApiServer {
        self.endpoints.push(Box::new(Served::<K, S>::new(storage)));
        self
    }

    /// Authenticates with `config` instead of reading the ConfigMap
    /// `kube-system/extension-apiserver-authentication`.
    pub fn authentication(mut self, config: AuthenticationConfig) -> ApiServer {
        self.authentication = Some(config);
        self
    }

    /// Reviews tokens and accesses with `delegate` instead of the API server of the client
    /// ([`KubeDelegate`]); for tests.
    pub fn delegate(mut self, delegate: impl Delegate) -> ApiServer {
        self.delegate = Some(Arc::new(delegate));
        self
    }

    /// Serves until SIGTERM or Ctrl+C.
    pub async fn run(self, options: Options) -> anyhow::Result<()> {
        let shutdown = CancellationToken::new();
        tokio::spawn(crate::manager::shutdown::on_signal(shutdown.clone()));
        self.run_until(options, shutdown).await
    }

    /// Serves until `shutdown` is cancelled.
    pub async fn run_until(
        self,
        options: Options,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let listener = TcpListener::bind(options.address)
            .await
            .with_context(|| format!("cannot serve the API on {}", options.address))?;
        self.serve(listener, options, shutdown).await
    }

    /// Serves on `listener` until `shutdown` is cancelled; `options.address` is not used.
    pub async fn serve(
        self,
        listener: TcpListener,
        options: Options,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let given = self.authentication.is_some();
        let config = match self.authentication {
            Some(config) => config,
            None => AuthenticationConfig::load(self.client.clone()).await?,
        };
        let trust = SharedTrust::new(Trust::new(config)?);
        if !given {
            tokio::spawn(reload(self.client.clone(), trust.clone(), shutdown.clone()));
        }
        let resolver = match &options.cert {
            CertSource::Dir(dir) => {
                let resolver = Arc::new(CertResolver::load(CertFiles::new(dir))?);
                tokio::spawn(resolver.clone().watch(RELOAD_INTERVAL, shutdown.clone()));
                resolver
            }
            CertSource::SelfSigned => Arc::new(CertResolver::fixed(self_signed(&["localhost"])?)),
        };
        let acceptor =
            TlsAcceptor::from(serve::tls_config(resolver, trust.clone(), options.http2)?);
        let delegate = self
            .delegate
            .unwrap_or_else(|| Arc::new(KubeDelegate::new(self.client.clone())));
        let shared = Arc::new(Shared {
            endpoints: self.endpoints,
            trust,
            checks: Checks::new(delegate),
            metrics: Metrics::new(),
            shutdown,
        });
        if let Ok(address) = listener.local_addr() {
            tracing::info!(%address, "serving the API");
        }
        serve::serve(listener, acceptor, shared).await;
        Ok(())
    }
}

/// Reads the authentication ConfigMap every [`AUTHENTICATION_RELOAD`] and uses it when it
/// changed.
async fn reload(client: Client, trust: SharedTrust, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(AUTHENTICATION_RELOAD) => {}
        }
        let loaded = AuthenticationConfig::load(client.clone())
            .await
            .and_then(|config| {
                if config == trust.current().config {
                    return Ok(false);
                }
                trust.replace(Trust::new(config)?);
                Ok(true)
            });
        match loaded {
            Ok(true) => tracing::info!("loaded the new authentication configuration"),
            Ok(false) => {}
            Err(error) => {
                let error = format!("{error:#}");
                tracing::warn!(error, "cannot reload the authentication configuration")
            }
        }
    }
}
