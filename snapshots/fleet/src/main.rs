//! The fleet manager.
//!
//! Runs every controller of the project until SIGTERM or Ctrl+C, serves the health probes and the
//! Prometheus metrics, and, with `--leader-elect`, runs the controllers only while this replica
//! holds the leader lease. Logging is configured with `RUST_LOG` (default `info`), for example
//! `RUST_LOG=info,kube=debug`. `--help` lists the flags.

use anyhow::Context as _;
use clap::Parser;
use kube::Client;

use fleet::manager::{
    self, BindAddress, ControllerFuture, LeaderElection, LogFormat, Manager, Options,
};

/// The name of the Lease that the replicas of the manager compete for.
const LEADER_ELECTION_ID: &str = "fleet.example.org";

/// Runs the controllers of fleet.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// Where to serve the Prometheus metrics (`/metrics`): `host:port`, `:port`, or `0` for off.
    #[arg(long, default_value = ":8080")]
    metrics_bind_address: BindAddress,

    /// Where to serve the health probes (`/healthz`, `/readyz`): `host:port`, `:port`, or `0`
    /// for off.
    #[arg(long, default_value = ":8081")]
    health_probe_bind_address: BindAddress,

    /// Run the controllers only while this replica holds the leader lease, so that several
    /// replicas can run with one active at a time.
    #[arg(long)]
    leader_elect: bool,

    /// The namespace of the leader lease [default: the namespace of the pod, or of the
    /// kubeconfig context].
    #[arg(long, env = "POD_NAMESPACE")]
    leader_election_namespace: Option<String>,

    /// Watch only this namespace [default: all namespaces].
    #[arg(long)]
    namespace: Option<String>,

    /// The format of the logs.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = Flags::parse();
    manager::logging::init(flags.log_format);

    let client = Client::try_default()
        .await
        .context("no Kubernetes configuration found (in-cluster or kubeconfig)")?;
    let leader_election = flags.leader_elect.then(|| LeaderElection {
        lease_name: LEADER_ELECTION_ID.into(),
        namespace: flags
            .leader_election_namespace
            .unwrap_or_else(|| client.default_namespace().into()),
    });
    let mgr = Manager::new(client, flags.namespace);

    // The controllers, started once this replica leads; `kubeforge create api` adds them here.
    let controllers: Vec<ControllerFuture> = vec![
        mgr.controller(fleet::controllers::ship::frigate::run),
        mgr.controller(fleet::controllers::sea_ops::admiral::run),
        mgr.controller(fleet::controllers::apps::deployment::run),
        // +kubeforge:scaffold:controllers
    ];

    let options = Options {
        metrics_address: flags.metrics_bind_address,
        health_address: flags.health_probe_bind_address,
        leader_election,
    };
    mgr.run(options, controllers).await
}
