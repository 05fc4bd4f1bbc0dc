//! The error type of the CRD derivation: every refusal names a file, a line and a column.

use std::fmt;
use std::path::{Path, PathBuf};

/// A construct that could not be turned into a CRD, with its place in the source.
///
/// `line` is 1-based, `column` is 1-based (in characters). Display is
/// `{file}:{line}:{column}: {message}` and, with a hint, a second line `  hint: {hint}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for CrdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CrdError {}

/// A CRD refusal is an invalid file for the commands (exit code 2).
impl From<CrdError> for crate::error::Error {
    fn from(e: CrdError) -> Self {
        crate::error::Error::InvalidFile {
            file: e.file,
            line: crate::error::known(e.line),
            column: crate::error::known(e.column),
            message: e.message,
            hint: e.hint,
        }
    }
}

impl CrdError {
    /// An error at the start of `span` in `file`.
    pub(crate) fn at(file: &Path, span: proc_macro2::Span, message: impl Into<String>) -> Self {
        let start = span.start();
        CrdError {
            file: file.to_path_buf(),
            line: start.line.max(1),
            column: start.column + 1,
            message: message.into(),
            hint: None,
        }
    }

    /// An error at the first token of `tokens` in `file`.
    pub(crate) fn spanned(
        file: &Path,
        tokens: &dyn quote::ToTokens,
        message: impl Into<String>,
    ) -> Self {
        let span = tokens
            .to_token_stream()
            .into_iter()
            .next()
            .map(|t| t.span())
            .unwrap_or_else(proc_macro2::Span::call_site);
        Self::at(file, span, message)
    }

    /// Adds a hint that says how to fix the problem.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

pub(crate) type Result<T, E = CrdError> = std::result::Result<T, E>;
