//! The manager: what runs the controllers, as one process.
//!
//! - [`health`]: `/healthz` and `/readyz` for the kubelet's probes.
//! - [`metrics`]: the Prometheus metrics of the controllers and of the process, at `/metrics`.
//! - [`process`]: the CPU, memory and file descriptor metrics of the process (Linux only).
//! - [`leader`]: leader election on a Lease, so that only one replica reconciles at a time.
//! - [`shutdown`]: stops the controllers gracefully on SIGTERM or Ctrl+C.
//! - [`logging`]: text or JSON logs, filtered by `RUST_LOG`.
//! - [`http`]: the small HTTP server behind the probes, the metrics and the webhooks.
//! - [`tls`]: certificates for the servers over HTTPS, reloaded when they change.
//! - [`auth`]: who may read the secure metrics (TokenReview and SubjectAccessReview).
//! - [`webhook`]: admission and conversion webhooks, served on every replica.
//!
//! [`Manager`] holds what the controllers share; [`Manager::run`] runs them.
//!
//! # Example
//!
//! Secure metrics, webhooks, and leader election: the servers start at once on every replica,
//! the controllers only on the one that holds the Lease.
//!
//! ```no_run
//! use kubeforge_runtime::manager::{
//!     CertSource, LeaderElection, Manager, Options, TlsOptions, WebhookServer,
//! };
//!
//! # async fn run_widgets(_: Manager) -> anyhow::Result<()> { Ok(()) }
//! # fn all_webhooks() -> Vec<kubeforge_runtime::manager::Webhook> { Vec::new() }
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! let mgr = Manager::new(kube::Client::try_default().await?, Some("shop".into()));
//! let election = LeaderElection { lease_name: "shop-lock".into(), namespace: "shop".into() };
//! let webhooks = WebhookServer {
//!     address: ":9443".parse().map_err(anyhow::Error::msg)?,
//!     tls: TlsOptions { cert: CertSource::Dir("/tmp/serving-certs".into()), http2: false },
//!     webhooks: all_webhooks(), // `crate::webhooks::all()` in a project
//! };
//! let options = Options {
//!     metrics_address: ":8443".parse().map_err(anyhow::Error::msg)?,
//!     // HTTPS, and only for callers allowed to `get /metrics`.
//!     metrics_tls: Some(TlsOptions { cert: CertSource::SelfSigned, http2: false }),
//!     health_address: ":8081".parse().map_err(anyhow::Error::msg)?,
//!     leader_election: Some(election),
//!     webhooks: Some(webhooks),
//! };
//! let controllers = vec![mgr.controller(run_widgets)];
//! mgr.run(options, controllers).await
//! # }
//! ```

pub mod auth;
pub mod health;
pub mod http;
pub mod leader;
pub mod logging;
pub mod metrics;
#[cfg(target_os = "linux")]
pub mod process;
pub mod shutdown;
pub mod tls;
pub mod webhook;

use std::{future::Future, sync::Arc};

use anyhow::Context as _;
use futures::future::{BoxFuture, try_join_all};
use kube::{Api, Client, Resource, core::NamespaceResourceScope};
use tokio_util::sync::CancellationToken;

pub use health::Health;
pub use http::BindAddress;
pub use leader::LeaderElection;
pub use logging::LogFormat;
pub use metrics::Metrics;
pub use tls::{CertSource, TlsOptions};
pub use webhook::Webhook;

/// A controller as the manager runs it: the future of its `run` function.
pub type ControllerFuture = BoxFuture<'static, anyhow::Result<()>>;

/// What the manager shares with every controller. Cloning it is cheap.
#[derive(Clone)]
pub struct Manager {
    /// Client of the Kubernetes API server.
    pub client: Client,
    /// The only namespace that the controllers watch, or `None` for all of them.
    pub namespace: Option<String>,
    /// The metrics served at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// What `/readyz` reports.
    pub health: Health,
    /// Cancelled when the process is asked to stop: controllers stop taking new work then.
    pub shutdown: CancellationToken,
}

/// How to run: the flags of the manager binary.
#[derive(Debug)]
pub struct Options {
    /// Where to serve `/metrics`.
    pub metrics_address: BindAddress,
    /// Serve `/metrics` over HTTPS, only to the callers allowed to `get /metrics`; `None`
    /// serves it over plain HTTP to anyone.
    pub metrics_tls: Option<TlsOptions>,
    /// Where to serve `/healthz` and `/readyz`.
    pub health_address: BindAddress,
    /// Run the controllers only while holding this lease; `None` runs them right away.
    pub leader_election: Option<LeaderElection>,
    /// The webhook server; `None` runs without it.
    pub webhooks: Option<WebhookServer>,
}

/// How to serve the webhooks.
pub struct WebhookServer {
    /// Where to serve them, over HTTPS.
    pub address: BindAddress,
    /// The certificate and the protocols of the server.
    pub tls: TlsOptions,
    /// The webhooks of the project (`crate::webhooks::all`); the server starts only when
    /// there are some.
    pub webhooks: Vec<Webhook>,
}

impl std::fmt::Debug for WebhookServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookServer")
            .field("address", &self.address)
            .field("tls", &self.tls)
            .field("webhooks", &self.webhooks.len())
            .finish()
    }
}

impl Manager {
    /// A manager whose controllers use `client` and watch `namespace` (all when `None`).
    pub fn new(client: Client, namespace: Option<String>) -> Manager {
        Manager {
            client,
            namespace,
            metrics: Arc::new(Metrics::new()),
            health: Health::default(),
            shutdown: CancellationToken::new(),
        }
    }

    /// An API of namespaced objects of kind `K`, limited to the watched namespace, if any.
    pub fn api<K>(&self) -> Api<K>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
    {
        match &self.namespace {
            Some(namespace) => Api::namespaced(self.client.clone(), namespace),
            None => Api::all(self.client.clone()),
        }
    }

    /// Prepares a controller from its `run` function; it starts once the manager runs it.
    pub fn controller<F, Fut>(&self, run: F) -> ControllerFuture
    where
        F: FnOnce(Manager) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Box::pin(run(self.clone()))
    }

    /// Serves the metrics, the probes and the webhooks, then runs the controllers (once this
    /// replica leads, with leader election) until SIGTERM or Ctrl+C.
    ///
    /// Fails when a server cannot listen, when a controller fails, and when this replica loses
    /// the leader lease.
    pub async fn run(
        self,
        options: Options,
        controllers: Vec<ControllerFuture>,
    ) -> anyhow::Result<()> {
        self.serve(&options).await?;
        tokio::spawn(shutdown::on_signal(self.shutdown.clone()));

        let version = self
            .client
            .apiserver_version()
            .await
            .context("cannot reach the Kubernetes API server")?;
        tracing::info!(version = %version.git_version, "connected to the Kubernetes API server");
        if controllers.is_empty() {
            tracing::warn!("no controllers to run: add one with `kubeforge create api`");
        }

        let caches = controllers.len();
        let shutdown = self.shutdown.clone();
        let all = async move {
            if controllers.is_empty() {
                // Nothing to run: keep answering the probes until asked to stop.
                shutdown.cancelled().await;
            }
            try_join_all(controllers).await?;
            Ok(())
        };
        match options.leader_election {
            Some(election) => {
                election
                    .run_while_leading(
                        &self.client,
                        &self.shutdown,
                        || self.health.lead(caches),
                        all,
                    )
                    .await
            }
            None => {
                self.health.lead(caches);
                all.await
            }
        }
    }

    /// Starts the servers of the metrics, of the probes and of the webhooks, each unless its
    /// address is `0`; the webhook server only when the project has webhooks.
    async fn serve(&self, options: &Options) -> anyhow::Result<()> {
        if let Some(address) = options.metrics_address.socket_addr() {
            let metrics = self.metrics.clone();
            let routes = http::Routes(move |path: &str| metrics::route(&metrics, path));
            match &options.metrics_tls {
                Some(tls) => {
                    let acceptor = tls.acceptor(&self.shutdown)?;
                    let protected = auth::Protected {
                        authorizer: auth::Authorizer::new(self.client.clone()),
                        inner: routes,
                    };
                    let listener = http::bind(address, "secure metrics").await?;
                    tokio::spawn(http::serve(listener, Some(acceptor), protected));
                }
                None => {
                    let listener = http::bind(address, "metrics").await?;
                    tokio::spawn(http::serve(listener, None, routes));
                }
            }
        }
        if let Some(address) = options.health_address.socket_addr() {
            let health = self.health.clone();
            let routes = http::Routes(move |path: &str| health::route(&health, path));
            let listener = http::bind(address, "health probe").await?;
            tokio::spawn(http::serve(listener, None, routes));
        }
        if let Some(server) = &options.webhooks {
            self.serve_webhooks(server).await?;
        }
        Ok(())
    }

    /// Starts the webhook server, unless the project has no webhooks.
    async fn serve_webhooks(&self, server: &WebhookServer) -> anyhow::Result<()> {
        let Some(address) = server.address.socket_addr() else {
            return Ok(());
        };
        if server.webhooks.is_empty() {
            tracing::debug!("no webhooks to serve");
            return Ok(());
        }
        let webhooks = webhook::Webhooks::new(server.webhooks.clone())?;
        let acceptor = server.tls.acceptor(&self.shutdown).context(
            "cannot load the certificate of the webhook server (run with ENABLE_WEBHOOKS=false \
             to run without webhooks)",
        )?;
        let listener = http::bind(address, "webhook").await?;
        tracing::info!(paths = ?webhooks.paths(), "serving the webhooks");
        tokio::spawn(http::serve(listener, Some(acceptor), webhooks));
        Ok(())
    }
}
