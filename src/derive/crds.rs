//! The CRDs of the project's kinds, one file per CRD under `config/crd/bases/`, listed in the
//! CRD kustomization.

use std::collections::BTreeSet;
use std::path::Path;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use crate::crd::{CrdOptions, SourceFile, crds_from_sources};
use crate::error::Result;
use crate::scaffold::{Plan, markers};
use crate::yaml::GENERATED_HEADER;

pub const CRD_BASES: &str = "config/crd/bases";
pub const CRD_KUSTOMIZATION: &str = markers::CRD_RESOURCES.file;

/// The file under `config/crd/bases/` of the CRD of `plural.group`.
pub fn crd_file_name(group: &str, plural: &str) -> String {
    format!("{group}_{plural}.yaml")
}

/// A kind's CRD derived already from its types file alone: `create api --from` derives it to
/// check the types it generates, and the project's derivation takes it from there.
pub struct Adopted {
    /// The types file, e.g. `src/api/v1/guestbook.rs`.
    pub path: String,
    /// The text the CRD was derived from.
    pub text: String,
    /// The kind's CRD; it has this one version, the storage version.
    pub crd: CustomResourceDefinition,
}

/// The project's CRDs, derived from `sources` (or taken from `adopted`), sorted by name.
pub fn derive(
    sources: &[SourceFile],
    opts: &CrdOptions,
    adopted: &[Adopted],
) -> Result<Vec<CustomResourceDefinition>> {
    match reuse(sources, opts, adopted) {
        Some(crds) => Ok(crds),
        None => Ok(crds_from_sources(sources, opts)?),
    }
}

/// Plans one file per CRD and its line in the CRD kustomization; warns of generated CRD files
/// whose kind left the source.
pub fn plan(plan: &mut Plan, crds: &[CustomResourceDefinition]) -> Result<()> {
    let mut derived = BTreeSet::new();
    // Read once: a kind already listed needs no injection (injections only add lines).
    let listed = plan.read(CRD_KUSTOMIZATION)?.unwrap_or_default();
    for crd in crds {
        let file = crd_file_name(&crd.spec.group, &crd.spec.names.plural);
        let yaml = format!("{GENERATED_HEADER}---\n{}", crate::yaml::to_string(crd)?);
        let path = format!("{CRD_BASES}/{file}");
        plan.regenerate_if_changed(&path, yaml)?;
        derived.insert(path);
        let entry = format!("- bases/{file}\n");
        if !listed.lines().any(|l| l == entry.trim_end()) {
            let at = &markers::CRD_RESOURCES;
            plan.inject(at.file, at.name, &entry)?;
        }
    }
    // A CRD whose kind left the source is not deleted (a CRD in a cluster holds objects): the
    // user is told which file to remove.
    for path in plan.list(CRD_BASES, ".yaml")? {
        if derived.contains(&path) {
            continue;
        }
        let text = plan.read(&path)?.unwrap_or_default();
        if text.starts_with(GENERATED_HEADER) {
            plan.notes.push(format!(
                "warning   no kind in src/api/ makes {path} any more: delete it, and its line in {CRD_KUSTOMIZATION}, if the kind is gone for good"
            ));
        }
    }
    Ok(())
}

/// The project's CRDs with those of `adopted` kinds taken as they are, the rest derived from the
/// other sources; `None` when that could differ from deriving every source, which is then done.
///
/// The types that `create api --from` generates name only their own items and external crates,
/// so they derive the same CRD wherever they live, unless another source adds to their module
/// (a file under the directory of that name; an inline module of the name would not compile).
/// The other sources derive the same CRDs without them unless they use the adopted types, which
/// then do not resolve: their derivation fails, and every source is derived.
fn reuse(
    sources: &[SourceFile],
    opts: &CrdOptions,
    adopted: &[Adopted],
) -> Option<Vec<CustomResourceDefinition>> {
    let unchanged = |a: &Adopted| {
        sources
            .iter()
            .any(|s| s.path == Path::new(&a.path) && s.text == a.text)
    };
    if adopted.is_empty() || opts.max_desc_len.is_some() || !adopted.iter().all(unchanged) {
        return None;
    }
    let is_adopted = |s: &SourceFile| adopted.iter().any(|a| s.path == Path::new(&a.path));
    let inside = |s: &SourceFile| {
        adopted
            .iter()
            .any(|a| s.path.starts_with(a.path.trim_end_matches(".rs")))
    };
    if sources.iter().any(|s| !is_adopted(s) && inside(s)) {
        return None;
    }
    let others: Vec<SourceFile> = sources.iter().filter(|s| !is_adopted(s)).cloned().collect();
    let mut crds = crds_from_sources(&others, opts).ok()?;
    let name = |c: &CustomResourceDefinition| c.metadata.name.clone();
    if crds
        .iter()
        .any(|c| adopted.iter().any(|a| name(&a.crd) == name(c)))
    {
        return None;
    }
    crds.extend(adopted.iter().map(|a| a.crd.clone()));
    crds.sort_by_key(name);
    Some(crds)
}
