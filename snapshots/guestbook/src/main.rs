// Copyright The Guestbook Authors.
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

//! The guestbook manager.
//!
//! Runs every controller of the project until SIGTERM or Ctrl+C. Logging is configured with
//! `RUST_LOG` (default `info`), for example `RUST_LOG=info,kube=debug`.

use anyhow::Context as _;
use kube::Client;
use tracing_subscriber::EnvFilter;

use guestbook::controllers;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let client = Client::try_default()
        .await
        .context("no Kubernetes configuration found (in-cluster or kubeconfig)")?;
    let version = client
        .apiserver_version()
        .await
        .context("cannot reach the Kubernetes API server")?;
    tracing::info!(version = %version.git_version, "connected to the Kubernetes API server");

    controllers::run_all(vec![
        Box::pin(controllers::guestbook::run(&client)),
        Box::pin(controllers::memcached::run(&client)),
        // +kubeforge:scaffold:controllers
    ])
    .await
}
