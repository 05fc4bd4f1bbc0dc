//! Graceful shutdown: the first SIGTERM or Ctrl+C cancels a token, on which the controllers stop
//! taking new work and return once their running reconciles finish; a second one exits at once.
//!
//! # Example
//!
//! [`Manager::run`](super::Manager::run) listens on the token of the manager,
//! [`Manager::shutdown`](super::Manager::shutdown); outside of it:
//!
//! ```no_run
//! use tokio_util::sync::CancellationToken;
//!
//! # #[tokio::main]
//! # async fn main() {
//! let shutdown = CancellationToken::new();
//! tokio::spawn(kubeforge_runtime::manager::shutdown::on_signal(shutdown.clone()));
//! // A controller stops on it: `Controller::graceful_shutdown_on(shutdown.cancelled_owned())`.
//! shutdown.cancelled().await;
//! # }
//! ```

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
