// Copyright The names-operator Authors.
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

//! Graceful shutdown: the first SIGTERM or Ctrl+C stops the controllers once their running
//! reconciles finish; a second one exits at once.

use tokio_util::sync::CancellationToken;

/// Cancels `shutdown` on the first signal and exits the process on the second.
pub async fn on_signal(shutdown: CancellationToken) {
    signal().await;
    tracing::info!("shutting down: waiting for running reconciles (signal again to exit now)");
    shutdown.cancel();
    signal().await;
    tracing::warn!("second signal: exiting now");
    std::process::exit(1);
}

/// Returns on the next SIGTERM or Ctrl+C (SIGINT).
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl+C stops the manager");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
