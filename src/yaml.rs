//! All YAML reading and writing of kubeforge goes through this module.
//!
//! serde-saphyr is used rather than serde_yaml: serde_yaml is deprecated upstream, while
//! serde-saphyr is maintained, does not panic on hostile input, reports the line and column of
//! every error, and is what kube itself moved to.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{Error, Result};

/// How deep mappings and sequences may nest in a YAML document kubeforge reads. Every reader of
/// YAML values recurses once per level; no project file, description or CRD comes near it.
pub const MAX_DEPTH: usize = 64;

/// The parser's settings: its defaults, with the nesting bounded by [`MAX_DEPTH`].
fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = options.budget.take().unwrap_or_default();
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    options
}

/// Parses one YAML document; errors name the file, line and column.
pub fn from_str<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| parse_error(file, &e))
}

/// Parses every document of a multi-document YAML stream into JSON values (empty documents are
/// skipped).
pub fn values_from_str(file: &Path, text: &str) -> Result<Vec<serde_json::Value>> {
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple_with_options(text, options())
        .map_err(|e| parse_error(file, &e))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// One step of a path into a YAML document: a key of a mapping or an index into a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(key) => f.write_str(key),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as errors show it: `resources[0].kind`.
pub fn show_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        if matches!(step, Step::Key(_)) && !out.is_empty() {
            out.push('.');
        }
        out.push_str(&step.to_string());
    }
    out
}

/// The line and column (1-based) where the value at `path` is written in a one-document YAML
/// `text`; `None` when the text does not parse or has no such value.
pub fn locate(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    let mut node: Node = serde_saphyr::from_str_with_options(text, options()).ok()?;
    for step in path {
        node = node.child(step)?;
    }
    Some((node.line, node.column))
}

/// A YAML value with the place where it is written; scalars keep only their place.
struct Node {
    line: usize,
    column: usize,
    content: Content,
}

enum Content {
    Mapping(Vec<(String, Node)>),
    Sequence(Vec<Node>),
    Scalar,
}

impl Node {
    /// The value under a key or at an index.
    fn child(self, step: &Step) -> Option<Node> {
        match (self.content, step) {
            (Content::Mapping(entries), Step::Key(key)) => entries
                .into_iter()
                .find_map(|(k, v)| (k == *key).then_some(v)),
            (Content::Sequence(items), Step::Index(i)) => items.into_iter().nth(*i),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<Content>::deserialize(d)?;
        Ok(Node {
            line: spanned.referenced.line() as usize,
            column: spanned.referenced.column() as usize,
            content: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ContentVisitor)
    }
}

/// Reads any YAML value into a [`Content`].
struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Content, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Content::Mapping(entries))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Content::Sequence(items))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Content, E> {
        Ok(Content::Scalar)
    }
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
    if too_deep(e) {
        return Error::InvalidFile {
            file: file.to_path_buf(),
            line,
            column,
            message: format!(
                "the YAML is nested too deeply: more than {MAX_DEPTH} levels of mappings and sequences"
            ),
            hint: Some(format!(
                "kubeforge reads YAML nested at most {MAX_DEPTH} levels deep; flatten the structure"
            )),
        };
    }
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

/// Whether the parser stopped at the nesting limit: the budget's [`MAX_DEPTH`], or the
/// scanner's own bound on flow collections (`[[[..`), which it may reach first.
fn too_deep(e: &serde_saphyr::Error) -> bool {
    use serde_saphyr::budget::BudgetBreach;
    use serde_saphyr::granit_parser::ErrorKind;
    use serde_saphyr::localizer::ExternalMessageSource;
    match e.without_snippet() {
        serde_saphyr::Error::Budget { breach, .. } => matches!(breach, BudgetBreach::Depth { .. }),
        serde_saphyr::Error::ExternalMessage { source, .. } => matches!(
            &**source,
            ExternalMessageSource::Parser(scan) if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded)
        ),
        _ => false,
    }
}
