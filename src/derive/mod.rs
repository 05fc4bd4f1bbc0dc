//! The files re-derived from the project's Rust source, compiling nothing: the CRDs, the RBAC
//! roles, the webhook configurations, the vendored runtime crate, and the Helm chart when the
//! project has one. `generate` plans them alone; every other command plans them after its own
//! files, so there is one path.

pub mod crds;
pub mod markers;
pub mod rbac;
pub mod webhooks;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use crate::crd::{CrdOptions, SourceFile};
use crate::error::Result;
use crate::model::Project;
use crate::model::project::Runtime;
use crate::scaffold::Plan;
use crds::Adopted;

/// Plans every derived file: one CRD per kind under `config/crd/bases/` (listed in the CRD
/// kustomization; none for external kinds), `config/rbac/role.yaml`, `config/webhook/manifests.yaml` when the source
/// has webhook markers, and the vendored runtime crate.
pub fn derive(plan: &mut Plan, project: &Project, opts: &CrdOptions) -> Result<()> {
    derive_adopting(plan, project, opts, &[]).map(|_| ())
}

/// [`derive()`], taking the CRDs of `adopted` kinds as they are where the source still holds their
/// types files unchanged; the CRDs of the project, sorted by name.
pub fn derive_adopting(
    plan: &mut Plan,
    project: &Project,
    opts: &CrdOptions,
    adopted: &[Adopted],
) -> Result<Vec<CustomResourceDefinition>> {
    // Files rendered by this command are checked first, so a broken template is reported as one.
    crate::scaffold::writer::check(plan)?;
    let api_sources = read_sources(plan, "src/api")?;
    let crds = crds::derive(&api_sources, opts, adopted)?;
    // The CRD of an external kind is another project's: its types are here, its CRD is not.
    let own: Vec<CustomResourceDefinition> = crds
        .iter()
        .filter(|crd| !is_external(project, crd))
        .cloned()
        .collect();
    crds::plan(plan, &own)?;
    plan_from_markers(plan, project, &crds, api_sources)?;
    if project.helm {
        crate::scaffold::helm::plan(plan, project)?;
    }
    if project.runtime == Runtime::Vendored {
        crate::scaffold::vendor::plan(plan)?;
    }
    Ok(crds)
}

/// Whether `crd` is that of a kind the project records as external.
fn is_external(project: &Project, crd: &CustomResourceDefinition) -> bool {
    project.resources.iter().any(|r| {
        r.external.as_ref().is_some_and(|domain| {
            crd.spec.names.plural == r.plural && crd.spec.group == format!("{}.{domain}", r.group)
        })
    })
}

/// The Rust files under `dir`, as the plan has them.
fn read_sources(plan: &Plan, dir: &str) -> Result<Vec<SourceFile>> {
    let mut sources = Vec::new();
    for path in plan.list(dir, ".rs")? {
        let text = plan.read(&path)?.unwrap_or_default();
        sources.push(SourceFile {
            path: PathBuf::from(&path),
            text,
        });
    }
    Ok(sources)
}

/// Plans the RBAC roles and webhook configurations from the markers of every Rust file of `src/`;
/// `api_sources` are those read already.
fn plan_from_markers(
    plan: &mut Plan,
    project: &Project,
    crds: &[CustomResourceDefinition],
    api_sources: Vec<SourceFile>,
) -> Result<()> {
    let mut rbac_markers = Vec::new();
    let mut webhook_markers = Vec::new();
    let mut read: BTreeMap<PathBuf, String> =
        api_sources.into_iter().map(|f| (f.path, f.text)).collect();
    for path in plan.list("src", ".rs")? {
        let text = match read.remove(&PathBuf::from(&path)) {
            Some(text) => text,
            None => plan.read(&path)?.unwrap_or_default(),
        };
        rbac_markers.extend(rbac::markers(&path, &text)?);
        webhook_markers.extend(webhooks::markers(&path, &text)?);
    }
    let cluster_scoped = cluster_scoped(project, crds);
    let roles = rbac::role_yaml(&rbac_markers, project.namespaced, &cluster_scoped)?;
    plan.notes.extend(roles.warnings);
    plan.regenerate_if_changed(rbac::ROLE, roles.yaml)?;
    webhooks::plan(plan, &webhook_markers)
}

/// The (group, plural) of every cluster-scoped kind the project knows: its CRDs' and the built-in
/// kinds it reconciles.
fn cluster_scoped(
    project: &Project,
    crds: &[CustomResourceDefinition],
) -> BTreeSet<(String, String)> {
    let own = crds
        .iter()
        .filter(|crd| crd.spec.scope == "Cluster")
        .map(|crd| (crd.spec.group.clone(), crd.spec.names.plural.clone()));
    let builtin = project
        .resources
        .iter()
        .filter(|r| r.builtin)
        .filter_map(|b| crate::model::builtin::find(&b.group, &b.version, &b.kind))
        .filter(|known| !known.namespaced)
        .map(|known| (known.group.to_string(), known.plural.to_string()));
    own.chain(builtin).collect()
}
