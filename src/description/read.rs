//! Reading a description: from its own file, or from the versions of a CRD manifest, on a
//! thread with a stack deep enough for the deepest schemas.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::crd_file;
use super::errors::{Errs, errs, yaml_error};
use super::format::{DescriptionFile, Pos};
use super::parsed::Description;
use super::top_level::lower;
use crate::error::Error;

/// The largest description file kubeforge reads.
pub const MAX_BYTES: usize = 1 << 20;

/// The largest CRD manifest kubeforge reads (real ones reach several hundred KB).
pub const MAX_CRD_BYTES: usize = 4 << 20;

/// Parses and checks a description.
///
/// The work runs on a thread with a large stack: deeply nested YAML (up to the parser's limit of
/// 64 levels) recurses through serde's derived code, whose frames are large in debug builds.
pub fn parse(file: &Path, text: &str) -> Result<Description, Error> {
    on_big_stack(file, || parse_here(file, text))
}

/// The descriptions that `--from FILE` gives: the file's own, or, when it holds a
/// CustomResourceDefinition, one per version of it (the storage version first). A file with
/// several CRDs needs `kind` (and `group`, a full group or its first label) to pick one.
pub fn parse_from(
    file: &Path,
    text: &str,
    group: Option<&str>,
    kind: Option<&str>,
) -> Result<Vec<Description>, Error> {
    if text.len() > MAX_CRD_BYTES {
        return Err(errs(file).at(
            Pos { line: 1, column: 1 },
            format!(
                "the file is {} bytes, more than the {} bytes kubeforge reads",
                text.len(),
                MAX_CRD_BYTES
            ),
            "give the CRD or description alone in its file",
        ));
    }
    let mut crds = Vec::new();
    for doc in crate::yaml::documents(text) {
        let values = crate::yaml::values_from_str(file, &doc)?;
        if let Some(value) = values.into_iter().next().filter(crd_file::is_crd) {
            crds.push((value, doc));
        }
    }
    if crds.is_empty() {
        return Ok(vec![parse(file, text)?]);
    }
    let named = |crd: &Value| {
        let name = crd["metadata"]["name"].as_str().unwrap_or("?");
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or("?");
        format!("{name} ({kind})")
    };
    let all: Vec<String> = crds.iter().map(|(crd, _)| named(crd)).collect();
    let picked: Vec<(Arc<Value>, String)> = crds
        .into_iter()
        .filter(|(crd, _)| {
            let spec = &crd["spec"];
            let full = spec["group"].as_str().unwrap_or_default();
            kind.is_none_or(|k| spec["names"]["kind"] == k)
                && group.is_none_or(|g| full == g || full.split('.').next() == Some(g))
        })
        .map(|(crd, doc)| (Arc::new(crd), doc))
        .collect();
    let [(crd, doc)] = picked.as_slice() else {
        return Err(errs(file).at(
            Pos { line: 1, column: 1 },
            match picked.len() {
                0 => format!(
                    "no CRD of the file matches the flags; it holds {}",
                    all.join(", ")
                ),
                n => format!(
                    "the file holds {n} CRDs that the flags match: {}",
                    all.join(", ")
                ),
            },
            "pass --kind (and --group) to pick one CRD of the file",
        ));
    };
    on_big_stack(file, || {
        crd_file::versions(file, doc)?
            .into_iter()
            .map(|raw| {
                let mut desc = lower(file, raw)?;
                desc.crd = Some(Arc::clone(crd));
                Ok(desc)
            })
            .collect()
    })
}

/// Runs `work` on a thread with a large stack: lowering a deep schema (up to 64 levels) recurses
/// through serde's derived code, whose frames are large in debug builds.
fn on_big_stack<T: Send>(
    file: &Path,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("kubeforge-description".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, work)
            .map_err(|err| Error::Other(anyhow::anyhow!("cannot start a thread: {err}")))?;
        worker.join().unwrap_or_else(|_| {
            Err(errs(file).at(
                Pos { line: 1, column: 1 },
                "internal error while reading the description",
                "this is a kubeforge bug; please report it with the description",
            ))
        })
    })
}

/// Parses and checks a description, on the current thread.
fn parse_here(file: &Path, text: &str) -> Result<Description, Error> {
    let e = errs(file);
    if text.len() > MAX_BYTES {
        let mut cut = MAX_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let prefix = &text[..cut];
        let line = prefix.matches('\n').count() + 1;
        let column = prefix
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count() + 1)
            .unwrap_or(1);
        return Err(e.at(
            Pos { line, column },
            format!("the description is {} bytes, more than the {MAX_BYTES} bytes kubeforge reads", text.len()),
            "a resource description is a few hundred lines; split large types into several kinds, or use well-known types by name",
        ));
    }
    let raw: DescriptionFile = crate::yaml::from_str(file, text).map_err(yaml_error)?;
    check_top(e, &raw)?;
    lower(file, raw)
}
/// Refuses the top-level keys of objects, schemas and CRDs, which a description does not have.
fn check_top(e: Errs<'_>, raw: &DescriptionFile) -> Result<(), Error> {
    let redefined = "`apiVersion`, `kind` and `metadata` of an object are defined by Kubernetes and cannot be redefined; a description gives `group`, `version` and `kind` names, and the fields under `spec:` and `status:`";
    if let Some(a) = &raw.api_version {
        return Err(e.at(a.pos(), "a description has no `apiVersion`", redefined));
    }
    if let Some(a) = &raw.metadata {
        return Err(e.at(a.pos(), "a description has no `metadata`", redefined));
    }
    for (at, key) in [
        (&raw.properties, "properties"),
        (&raw.type_, "type"),
        (&raw.open_api_v3_schema, "openAPIV3Schema"),
    ] {
        if let Some(at) = at {
            return Err(e.at(
                at.pos(),
                format!("a description is not a schema: `{key}` does not belong at its top level"),
                "put the schema of the desired state under `spec:` and of the observed state under `status:` (apiVersion, kind and metadata come from Kubernetes)",
            ));
        }
    }
    for (at, key) in [(&raw.versions, "versions"), (&raw.names, "names")] {
        if let Some(at) = at {
            return Err(e.at(
                at.pos(),
                format!("a description is not a CRD: `{key}` does not belong in it"),
                "a description describes one version: write `version`, `kind`, `plural`, ... at the top level and the schemas under `spec:` and `status:`",
            ));
        }
    }
    Ok(())
}
