//! `kubeforge generate`: CRDs, RBAC and webhook manifests re-derived from the project's Rust
//! source, compiling nothing. `create api` runs the same derivation on the files it plans, so there
//! is one path.

use std::path::{Path, PathBuf};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use super::GENERATED_YAML_HEADER;
use crate::cli::GenerateArgs;
use crate::crd::{CrdOptions, SourceFile, crds_from_sources};
use crate::error::Result;
use crate::model::Project;
use crate::scaffold::Plan;

pub const CRD_BASES: &str = "config/crd/bases";
pub const CRD_KUSTOMIZATION: &str = "config/crd/kustomization.yaml";
pub const ROLE: &str = "config/rbac/role.yaml";

pub struct Settings {
    pub check: bool,
    pub crd: CrdOptions,
}

impl Settings {
    pub fn resolve(args: &GenerateArgs) -> Settings {
        Settings {
            check: args.check,
            crd: CrdOptions {
                max_desc_len: args.max_desc_len,
            },
        }
    }
}

pub fn plan(root: &Path, settings: &Settings) -> Result<Plan> {
    let mut plan = Plan::new(root);
    let project = super::load_project(&plan)?;
    derive(&mut plan, &project, &settings.crd)?;
    Ok(plan)
}

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

/// Plans every derived file: one CRD per kind under `config/crd/bases/` (listed in the CRD
/// kustomization), `config/rbac/role.yaml`, `config/webhook/manifests.yaml` when the source
/// has webhook markers, and the vendored runtime crate.
pub fn derive(plan: &mut Plan, project: &Project, opts: &CrdOptions) -> Result<()> {
    derive_adopting(plan, project, opts, &[]).map(|_| ())
}

/// [`derive`], taking the CRDs of `adopted` kinds as they are where the source still holds their
/// types files unchanged; the CRDs of the project, sorted by name.
pub fn derive_adopting(
    plan: &mut Plan,
    project: &Project,
    opts: &CrdOptions,
    adopted: &[Adopted],
) -> Result<Vec<CustomResourceDefinition>> {
    // Files rendered by this command are checked first, so a broken template is reported as one.
    crate::scaffold::writer::check(plan)?;
    let mut sources = Vec::new();
    for path in plan.list("src/api", ".rs")? {
        let text = plan.read(&path)?.unwrap_or_default();
        sources.push(SourceFile {
            path: PathBuf::from(&path),
            text,
        });
    }
    let crds = match reuse(&sources, opts, adopted) {
        Some(crds) => crds,
        None => crds_from_sources(&sources, opts)?,
    };
    let mut cluster_scoped = std::collections::BTreeSet::new();
    let mut derived = std::collections::BTreeSet::new();
    // Read once: a kind already listed needs no injection (injections only add lines).
    let listed = plan.read(CRD_KUSTOMIZATION)?.unwrap_or_default();
    for crd in &crds {
        if crd.spec.scope == "Cluster" {
            cluster_scoped.insert((crd.spec.group.clone(), crd.spec.names.plural.clone()));
        }
        let file = crd_file_name(&crd.spec.group, &crd.spec.names.plural);
        let yaml = format!(
            "{GENERATED_YAML_HEADER}---\n{}",
            crate::yaml::to_string(crd)?
        );
        let path = format!("{CRD_BASES}/{file}");
        regenerate_if_changed(plan, &path, yaml)?;
        derived.insert(path);
        let entry = format!("- bases/{file}\n");
        if !listed.lines().any(|l| l == entry.trim_end()) {
            plan.inject(CRD_KUSTOMIZATION, "crdkustomizeresource", &entry)?;
        }
    }

    // A CRD whose kind left the source is not deleted (a CRD in a cluster holds objects): the
    // user is told which file to remove.
    for path in plan.list(CRD_BASES, ".yaml")? {
        if derived.contains(&path) {
            continue;
        }
        let text = plan.read(&path)?.unwrap_or_default();
        if text.starts_with(GENERATED_YAML_HEADER) {
            plan.notes.push(format!(
                "warning   no kind in src/api/ makes {path} any more: delete it, and its line in {CRD_KUSTOMIZATION}, if the kind is gone for good"
            ));
        }
    }

    let mut markers = Vec::new();
    let mut webhook_markers = Vec::new();
    // The sources under src/api were read above; the rest of src/ is read here.
    let mut api_texts: std::collections::BTreeMap<PathBuf, String> =
        sources.into_iter().map(|f| (f.path, f.text)).collect();
    for path in plan.list("src", ".rs")? {
        let text = match api_texts.remove(Path::new(&path)) {
            Some(text) => text,
            None => plan.read(&path)?.unwrap_or_default(),
        };
        markers.extend(crate::rbac::markers(&path, &text)?);
        webhook_markers.extend(crate::webhook_manifests::markers(&path, &text)?);
    }
    for b in project.resources.iter().filter(|r| r.builtin) {
        if let Some(known) = crate::model::builtin::find(&b.group, &b.version, &b.kind)
            && !known.namespaced
        {
            let group = if known.group.is_empty() {
                ""
            } else {
                known.group
            };
            cluster_scoped.insert((group.to_string(), known.plural.to_string()));
        }
    }
    let roles = crate::rbac::role_yaml(&markers, project.namespaced, &cluster_scoped)?;
    plan.notes.extend(roles.warnings);
    regenerate_if_changed(plan, ROLE, roles.yaml)?;
    crate::webhook_manifests::plan(plan, &webhook_markers)?;
    if project.runtime == crate::model::project::Runtime::Vendored {
        crate::vendor::plan(plan)?;
    }
    Ok(crds)
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

/// Plans a derived file unless it already holds `content`: an unchanged file is neither
/// rewritten nor checked again.
fn regenerate_if_changed(plan: &mut Plan, path: &str, content: String) -> Result<()> {
    if plan.read(path)?.as_deref() == Some(content.as_str()) {
        return Ok(());
    }
    plan.regenerate(path, content)
}
