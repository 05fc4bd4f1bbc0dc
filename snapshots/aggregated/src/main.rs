// Copyright The wardle Authors.
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

//! The wardle manager.
//!
//! Runs every controller of the project until SIGTERM or Ctrl+C, serves the health probes, the
//! Prometheus metrics and the webhooks, and, with `--leader-elect`, runs the controllers only
//! while this replica holds the leader lease. Logging is configured with `RUST_LOG` (default
//! `info`), for example `RUST_LOG=info,kube=debug`. `--help` lists the flags.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{ArgAction, Parser, builder::BoolishValueParser};
use kube::Client;

use wardle::{
    manager::{
        self, BindAddress, CertSource, ControllerFuture, LeaderElection, LogFormat, Manager,
        Options, TlsOptions, WebhookServer,
    },
    webhooks,
};

/// The name of the Lease that the replicas of the manager compete for.
const LEADER_ELECTION_ID: &str = "wardle.example.com";

/// Runs the controllers of wardle.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// Where to serve the Prometheus metrics (`/metrics`): `host:port`, `:port`, or `0` for off.
    #[arg(long, default_value = ":8080")]
    metrics_bind_address: BindAddress,

    /// Serve the metrics over HTTPS, only to callers allowed to `get` the URL `/metrics`
    /// (checked with TokenReview and SubjectAccessReview).
    #[arg(long)]
    metrics_secure: bool,

    /// The directory of the certificate of the secure metrics server (`tls.crt`, `tls.key`)
    /// [default: a self-signed certificate made at start].
    #[arg(long)]
    metrics_cert_path: Option<PathBuf>,

    /// Where to serve the webhooks, over HTTPS: `host:port`, `:port`, or `0` for off.
    #[arg(long, default_value = ":9443")]
    webhook_bind_address: BindAddress,

    /// The directory of the certificate of the webhook server (`tls.crt`, `tls.key`), read
    /// again when it changes.
    #[arg(long, default_value = "/tmp/k8s-webhook-server/serving-certs")]
    webhook_cert_path: PathBuf,

    /// Serve the webhooks and the secure metrics over HTTP/2 too, not only HTTP/1.1.
    #[arg(long)]
    enable_http2: bool,

    /// Serve the webhooks; `ENABLE_WEBHOOKS=false` runs the manager without them, for example
    /// outside the cluster, without their certificate.
    #[arg(
        long,
        env = "ENABLE_WEBHOOKS",
        value_name = "BOOL",
        default_value_t = true,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
    )]
    enable_webhooks: bool,

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
        mgr.controller(wardle::controllers::store::run),
        // +kubeforge:scaffold:controllers
    ];

    let metrics_tls = flags.metrics_secure.then(|| TlsOptions {
        cert: flags
            .metrics_cert_path
            .map_or(CertSource::SelfSigned, CertSource::Dir),
        http2: flags.enable_http2,
    });
    let webhook_server = flags.enable_webhooks.then(|| WebhookServer {
        address: flags.webhook_bind_address,
        tls: TlsOptions {
            cert: CertSource::Dir(flags.webhook_cert_path),
            http2: flags.enable_http2,
        },
        webhooks: webhooks::all(),
    });

    let options = Options {
        metrics_address: flags.metrics_bind_address,
        metrics_tls,
        health_address: flags.health_probe_bind_address,
        leader_election,
        webhooks: webhook_server,
    };
    mgr.run(options, controllers).await
}
