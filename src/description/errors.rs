//! Errors at places of a description file: the builder every check uses, and YAML errors in
//! plainer words.

use std::path::Path;

use super::format::Pos;
use crate::error::Error;

/// Builds errors at places of one description file.
#[derive(Clone, Copy)]
pub struct Errs<'a> {
    pub file: &'a Path,
}

impl Errs<'_> {
    /// An error at `pos`, with a hint on how to fix it.
    pub fn at(&self, pos: Pos, message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::InvalidFile {
            file: self.file.to_path_buf(),
            line: crate::error::known(pos.line),
            column: crate::error::known(pos.column),
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    fn distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.to_lowercase().chars().collect();
        let b: Vec<char> = b.to_lowercase().chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The error builder of `file`.
pub fn errs(file: &Path) -> Errs<'_> {
    Errs { file }
}

/// Cleans a YAML error: the location is already in the error, and some library messages get a
/// plainer wording and a hint.
pub fn yaml_error(e: Error) -> Error {
    let Error::InvalidFile {
        file,
        line,
        column,
        message,
        hint,
    } = e
    else {
        return e;
    };
    let mut message = message;
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    if message.starts_with("line ")
        && let Some(i) = message.find(": ")
    {
        message = message[i + 2..].to_string();
    }
    let mut hint = hint;
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("").to_string();
        let expected: Vec<String> = rest
            .split_once("expected ")
            .map(|(_, list)| {
                list.trim_start_matches("one of ")
                    .split([',', ' '])
                    .map(|s| s.trim_matches('`').to_string())
                    .filter(|s| !s.is_empty() && s != "or")
                    .collect()
            })
            .unwrap_or_default();
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        message = format!("unknown key `{key}`");
        hint = Some(match did_you_mean(&key, &candidates) {
            Some(s) => format!(
                "did you mean `{s}`? `kubeforge schema` prints every key the format accepts"
            ),
            None if candidates.is_empty() => {
                "`kubeforge schema` prints every key the format accepts".into()
            }
            None => format!("the keys accepted here are: {}", candidates.join(", ")),
        });
    } else if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        message = format!("the key `{key}` appears twice in one map");
        hint = Some("keep one of them".into());
    } else if message.contains("budget breached") {
        hint = Some("the file is too large or uses too many aliases; split or simplify it".into());
    } else if hint.is_none() {
        hint = Some(
            "fix the YAML at this place; `kubeforge schema` prints the JSON Schema of the format"
                .into(),
        );
    }
    Error::InvalidFile {
        file,
        line,
        column,
        message,
        hint,
    }
}
