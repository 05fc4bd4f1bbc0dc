// Copyright The cronjob-operator Authors.
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

//! The cronjob-operator manager.
//!
//! Runs every controller of the project until SIGTERM or Ctrl+C, serves the health probes and the
//! Prometheus metrics, and, with `--leader-elect`, runs the controllers only while this replica
//! holds the leader lease. Logging is configured with `RUST_LOG` (default `info`), for example
//! `RUST_LOG=info,kube=debug`. `--help` lists the flags.

use anyhow::Context as _;
use clap::Parser;
use kube::Client;

use cronjob_operator::manager::{
    self, BindAddress, ControllerFuture, LeaderElection, LogFormat, Manager, Options,
};

/// The name of the Lease that the replicas of the manager compete for.
const LEADER_ELECTION_ID: &str = "cronjob-operator.example.com";

/// Runs the controllers of cronjob-operator.
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
        mgr.controller(cronjob_operator::controllers::cron_job::run),
        // +kubeforge:scaffold:controllers
    ];

    let options = Options {
        metrics_address: flags.metrics_bind_address,
        health_address: flags.health_probe_bind_address,
        leader_election,
    };
    mgr.run(options, controllers).await
}
