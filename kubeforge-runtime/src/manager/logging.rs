//! Logging through `tracing`: human-readable text or one JSON object per line, filtered by
//! `RUST_LOG` (default `info`; for example `RUST_LOG=info,kube=debug`).
//!
//! # Example
//!
//! The format as a flag of the manager binary:
//!
//! ```
//! use clap::Parser;
//! use kubeforge_runtime::manager::logging::{self, LogFormat};
//!
//! #[derive(Parser)]
//! struct Flags {
//!     /// The format of the logs.
//!     #[arg(long, value_enum, default_value_t = LogFormat::Text)]
//!     log_format: LogFormat,
//! }
//!
//! let flags = Flags::parse_from(["manager", "--log-format", "json"]);
//! logging::init(flags.log_format);
//! tracing::info!(controller = "widgets", "starting");
//! ```

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The format of the logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the global subscriber; call it once, first thing. Text is colored only on a
/// terminal.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal());
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}
