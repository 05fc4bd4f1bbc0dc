//! All YAML reading and writing of kubeforge goes through this module.
//!
//! serde-saphyr is used rather than serde_yaml: serde_yaml is deprecated upstream, while
//! serde-saphyr is maintained, does not panic on hostile input, reports the line and column of
//! every error, and is what kube itself moved to.

use std::path::Path;

use serde::{Serialize, de::DeserializeOwned};

use crate::error::{Error, Result};

/// Parses one YAML document; errors name the file, line and column.
pub fn from_str<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T> {
    serde_saphyr::from_str(text).map_err(|e| parse_error(file, &e))
}

/// Parses every document of a multi-document YAML stream into JSON values (empty documents are
/// skipped).
pub fn values_from_str(file: &Path, text: &str) -> Result<Vec<serde_json::Value>> {
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(text).map_err(|e| parse_error(file, &e))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// The documents of a YAML stream, each padded with blank lines so that its line numbers are
/// those of the whole text.
pub fn documents(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut lines_before = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            if !current.trim().is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            lines_before = number + 1;
            continue;
        }
        if current.is_empty() {
            current.push_str(&"\n".repeat(lines_before));
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Checks that a text is valid YAML (every document).
pub fn check(file: &Path, text: &str) -> Result<()> {
    values_from_str(file, text).map(|_| ())
}

/// Serializes one document, ending with a newline.
pub fn to_string<T: Serialize>(value: &T) -> Result<String> {
    let mut out = serde_saphyr::to_string(value)
        .map_err(|e| Error::Other(anyhow::anyhow!("cannot write YAML: {e}")))?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn parse_error(file: &Path, e: &serde_saphyr::Error) -> Error {
    let (line, column) = e
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((0, 0));
    let message = e.to_string();
    // The library's message may repeat the location on its first line; keep the first line only.
    let message = message.lines().next().unwrap_or("invalid YAML").to_string();
    Error::InvalidFile {
        file: file.to_path_buf(),
        line,
        column,
        message,
        hint: None,
    }
}
