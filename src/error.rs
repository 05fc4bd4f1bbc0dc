//! Errors that commands report to the user. Every variant says what is wrong and how to fix it;
//! `exit_code` maps them onto the documented exit codes (2: usage or invalid input, 1: failure).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag or an argument is invalid.
    #[error("{message}\n  hint: {hint}")]
    Usage { message: String, hint: String },

    /// A file of the project or an input file is invalid.
    #[error("{}: {message}{}", location(file, *line, *column), hint.as_ref().map(|h| format!("\n  hint: {h}")).unwrap_or_default())]
    InvalidFile {
        file: PathBuf,
        /// 1-based, when the error has a place in the file.
        line: Option<usize>,
        /// 1-based (in characters), when known.
        column: Option<usize>,
        message: String,
        hint: Option<String>,
    },

    /// Code cannot be added to a file because its kubeforge marker is gone.
    #[error(
        "{}: marker `{marker}` not found, so this code cannot be added:\n\n{fragment}\n  hint: paste the code above where it belongs, or restore the marker line `{marker}`",
        file.display()
    )]
    MarkerMissing {
        file: PathBuf,
        marker: String,
        fragment: String,
    },

    /// The command ran and found something wrong (e.g. `generate --check` found stale files).
    #[error("{0}")]
    Failed(String),

    /// An I/O or other unexpected failure.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A 1-based line or column from a source that writes 0 when it does not know it.
pub fn known(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

fn location(file: &std::path::Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (None, _) => file.display().to_string(),
        (Some(l), None) => format!("{}:{l}", file.display()),
        (Some(l), Some(c)) => format!("{}:{l}:{c}", file.display()),
    }
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Failed(_) | Error::Other(_) => 1,
            Error::Usage { .. } | Error::InvalidFile { .. } | Error::MarkerMissing { .. } => 2,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Other(e.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
