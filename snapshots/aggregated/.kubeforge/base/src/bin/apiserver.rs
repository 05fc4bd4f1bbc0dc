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

//! The wardle API server: serves the kinds of `src/apiserver/` over HTTPS to the
//! cluster's API server, which proxies their requests here behind the APIServices of
//! `config/apiserver/` (Kubernetes API aggregation).
//!
//! Runs until SIGTERM or Ctrl+C. Logging is configured with `RUST_LOG` (default `info`).
//! `--help` lists the flags.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

use anyhow::Context as _;
use clap::Parser;
use kube::Client;

use kubeforge_runtime::apiserver::Options;

use wardle::{
    apiserver,
    manager::{CertSource, LogFormat, logging},
};

/// Serves the aggregated kinds of wardle.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// The port of the HTTPS server.
    #[arg(long, default_value_t = 8443)]
    secure_port: u16,

    /// The address the HTTPS server listens on (`::` for every address, IPv6 included).
    #[arg(long, default_value = "0.0.0.0")]
    bind_address: IpAddr,

    /// The directory of the serving certificate (`tls.crt`, `tls.key`), read again when it
    /// changes [default: a self-signed certificate made at start].
    #[arg(long)]
    cert_dir: Option<PathBuf>,

    /// Serve HTTP/2 too, not only HTTP/1.1.
    #[arg(long)]
    enable_http2: bool,

    /// The format of the logs.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let flags = Flags::parse();
    logging::init(flags.log_format);

    let client = Client::try_default()
        .await
        .context("no Kubernetes configuration found (in-cluster or kubeconfig)")?;
    let options = Options {
        address: SocketAddr::new(flags.bind_address, flags.secure_port),
        cert: flags
            .cert_dir
            .map_or(CertSource::SelfSigned, CertSource::Dir),
        http2: flags.enable_http2,
    };
    apiserver::server(client).run(options).await
}
