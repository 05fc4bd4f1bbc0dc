//! `kubeforge create api`: a kind's Rust types, its controller, CRD, RBAC and sample.

use std::path::Path;

use super::TemplateContext;
use super::generate::CRD_KUSTOMIZATION;
use crate::cli::CreateApiArgs;
use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::names;
use crate::model::project::PROJECT_FILE;
use crate::model::{ApiOptions, Project, Resource, ResourceEntry};
use crate::scaffold::{IfExists, Plan, Templates};

/// Validated options: the project as it will be, and what to scaffold for the resource.
pub struct Settings {
    pub project: Project,
    pub resource: Resource,
    pub scaffold_api: bool,
    pub scaffold_controller: bool,
    pub force: bool,
    /// Versions of the kind that stop being its storage version.
    pub demoted: Vec<Resource>,
    /// The resource existed as a served-only version and becomes the storage version.
    pub promoted: bool,
}

pub fn resolve(mut project: Project, args: &CreateApiArgs) -> Result<Settings> {
    let group = &args.group;
    names::check_dns1123_subdomain(group).map_err(|e| {
        Error::usage(
            format!("--group `{group}` {e}"),
            "use a lowercase DNS name such as `webapp` or `batch.tools`",
        )
    })?;
    let full_group = format!("{group}.{}", project.domain);
    names::check_dns1123_subdomain(&full_group).map_err(|e| {
        Error::usage(
            format!("--group `{group}`: the full group `{full_group}` {e}"),
            "use a shorter group",
        )
    })?;
    names::check_version(&args.version).map_err(|e| {
        Error::usage(
            format!("--version `{}` {e}", args.version),
            "use e.g. --version v1",
        )
    })?;
    names::check_kind(&args.kind).map_err(|e| {
        Error::usage(
            format!("--kind `{}` {e}", args.kind),
            "use e.g. --kind Guestbook",
        )
    })?;
    let plural = match &args.plural {
        Some(p) => {
            names::check_dns1035_label(p).map_err(|e| {
                Error::usage(
                    format!("--plural `{p}` {e}"),
                    "use a lowercase name such as `guestbooks`",
                )
            })?;
            p.clone()
        }
        None => names::default_plural(&args.kind),
    };

    if !project.multigroup
        && let Some(other) = project
            .resources
            .iter()
            .find(|r| r.api.is_some() && r.group != *group)
    {
        return Err(Error::usage(
            format!(
                "--group `{group}`: this project has the single-group layout and its group is `{}`",
                other.group
            ),
            "use --group with the existing group, or start the project with `kubeforge init --multigroup`",
        ));
    }

    let same_kind: Vec<&ResourceEntry> = project
        .resources
        .iter()
        .filter(|r| r.group == *group && r.kind == args.kind)
        .collect();
    if let Some(r) = same_kind.iter().find(|r| r.plural != plural) {
        return Err(Error::usage(
            format!(
                "--plural `{plural}`: kind {} of group {group} already has the plural `{}` (version {})",
                args.kind, r.plural, r.version
            ),
            format!("drop --plural, or pass --plural {}", r.plural),
        ));
    }
    if let Some(r) = project
        .resources
        .iter()
        .find(|r| r.group == *group && r.plural == plural && r.kind != args.kind)
    {
        return Err(Error::usage(
            format!(
                "--kind `{}`: the plural `{plural}` is already used by kind {} in group {group}",
                args.kind, r.kind
            ),
            "pass a different --plural",
        ));
    }
    let existing_api = same_kind
        .iter()
        .find_map(|r| r.api.as_ref().map(|a| (r.version.clone(), a.namespaced)));
    let namespaced = args
        .namespaced
        .or(existing_api.as_ref().map(|(_, n)| *n))
        .unwrap_or(true);
    if let Some((version, ns)) = &existing_api
        && *ns != namespaced
    {
        return Err(Error::usage(
            format!(
                "--namespaced={namespaced}: kind {} is {} in version {version}, and a CRD has one scope",
                args.kind,
                scope(*ns)
            ),
            format!("pass --namespaced={ns} or leave it out"),
        ));
    }

    let current = project.find(group, &args.version, &args.kind).cloned();
    let other_versions = same_kind.iter().any(|r| r.version != args.version);
    let want_api = args.resource.unwrap_or(true);
    let want_controller = args.controller.unwrap_or(!other_versions);
    if !want_api && current.as_ref().is_none_or(|c| c.api.is_none()) {
        return Err(Error::usage(
            format!(
                "--resource=false: {group}/{}/{} is not an API of this project",
                args.version, args.kind
            ),
            "leave out --resource=false to scaffold the kind's types and CRD",
        ));
    }
    if want_controller
        && let Some(r) = same_kind
            .iter()
            .find(|r| r.controller && r.version != args.version)
    {
        return Err(Error::usage(
            format!(
                "--controller: kind {} already has a controller (version {})",
                args.kind, r.version
            ),
            "pass --controller=false; one controller reconciles every version of a kind",
        ));
    }

    let was_storage = current
        .as_ref()
        .and_then(|c| c.api.as_ref().map(|a| a.storage));
    let storage = args.storage
        || was_storage.unwrap_or(
            !same_kind
                .iter()
                .any(|r| r.api.as_ref().is_some_and(|a| a.storage)),
        );
    if args.storage && !want_api {
        return Err(Error::usage(
            "--storage needs --resource",
            "leave out --resource=false",
        ));
    }
    // Versions that stop being the storage version: their types get `#[kube(storage = false)]`.
    let demoted: Vec<ResourceEntry> = if args.storage && was_storage != Some(true) {
        same_kind
            .iter()
            .filter(|r| r.version != args.version && r.api.as_ref().is_some_and(|a| a.storage))
            .map(|r| (*r).clone())
            .collect()
    } else {
        Vec::new()
    };
    let (scaffold_api, scaffold_controller) = match &current {
        Some(c) => (
            want_api && (c.api.is_none() || args.force || was_storage != Some(storage)),
            want_controller && (!c.controller || args.force),
        ),
        None => (want_api, want_controller),
    };
    let entry = ResourceEntry {
        group: group.clone(),
        version: args.version.clone(),
        kind: args.kind.clone(),
        plural,
        api: (want_api || current.as_ref().is_some_and(|c| c.api.is_some())).then_some(
            ApiOptions {
                namespaced,
                storage,
            },
        ),
        controller: want_controller || current.as_ref().is_some_and(|c| c.controller),
    };
    match project
        .resources
        .iter_mut()
        .find(|r| r.group == *group && r.version == args.version && r.kind == args.kind)
    {
        Some(slot) => *slot = entry.clone(),
        None => project.resources.push(entry.clone()),
    }
    for old in &demoted {
        if let Some(r) = project.resources.iter_mut().find(|r| *r == old) {
            r.api
                .as_mut()
                .expect("demoted versions have an API")
                .storage = false;
        }
    }
    let demoted = demoted.iter().map(|e| Resource::new(&project, e)).collect();
    let resource = Resource::new(&project, &entry);
    let promoted = args.storage && was_storage == Some(false);
    Ok(Settings {
        project,
        resource,
        scaffold_api,
        scaffold_controller,
        force: args.force,
        demoted,
        promoted,
    })
}

fn scope(namespaced: bool) -> &'static str {
    if namespaced {
        "namespaced"
    } else {
        "cluster-scoped"
    }
}

pub fn plan(root: &Path, args: &CreateApiArgs) -> Result<Plan> {
    let mut plan = Plan::new(root);
    let project = super::load_project(&plan)?;
    let s = resolve(project, args)?;
    let r = &s.resource;
    if !s.scaffold_api && !s.scaffold_controller {
        plan.notes.push(format!(
            "{}/{}, Kind={} exists with these options; nothing to do (--force re-renders its files)",
            r.full_group, r.version, r.kind
        ));
        return Ok(plan);
    }
    let templates = Templates::load(root)?;
    let ctx = TemplateContext::new(&s.project).with_resource(r);
    let render = |t: &str| templates.render(t, &ctx);
    let fragment = |t: &str, module: &str| {
        templates.render(
            &format!("fragments/{t}.tera"),
            &TemplateContext::new(&s.project)
                .with_resource(r)
                .with_module(module),
        )
    };
    let p = &r.paths;

    if s.scaffold_api {
        plan.inject(
            "src/api/mod.rs",
            "api-modules",
            &fragment("api-modules", &p.api_root_module)?,
        )?;
        if let Some(group_mod) = &p.group_mod {
            plan.scaffold(
                group_mod,
                render("api/src/api/group_mod.rs.tera")?,
                IfExists::Keep,
                false,
            )?;
            plan.inject(
                group_mod,
                "api-modules",
                &fragment("api-modules", &r.version_module)?,
            )?;
        }
        plan.scaffold(
            &p.version_mod,
            render("api/src/api/version_mod.rs.tera")?,
            IfExists::Keep,
            false,
        )?;
        plan.inject(&p.version_mod, "kinds", &fragment("kinds", &r.module)?)?;
        if s.promoted && !s.force {
            set_storage(&mut plan, r, true)?;
        } else {
            plan.scaffold(
                &p.types,
                render("api/src/api/types.rs.tera")?,
                IfExists::KeepUnlessForced,
                s.force,
            )?;
        }
        for old in &s.demoted {
            set_storage(&mut plan, old, false)?;
        }
        plan.inject("src/bin/crdgen.rs", "crds", &fragment("crds", &r.module)?)?;
        // Kustomize refuses an empty kustomization, so these come with the first kind.
        plan.scaffold(
            "config/samples/kustomization.yaml",
            render("api/config/samples/kustomization.yaml.tera")?,
            IfExists::Keep,
            false,
        )?;
        plan.scaffold(
            CRD_KUSTOMIZATION,
            render("api/config/crd/kustomization.yaml.tera")?,
            IfExists::Keep,
            false,
        )?;
        plan.scaffold(
            &p.sample,
            render("api/config/samples/sample.yaml.tera")?,
            IfExists::KeepUnlessForced,
            s.force,
        )?;
        plan.inject(
            "config/samples/kustomization.yaml",
            "manifestskustomizesamples",
            &fragment("manifestskustomizesamples", &r.module)?,
        )?;
    }
    if s.scaffold_controller {
        match &p.controller_group_mod {
            Some(group_mod) => {
                plan.inject(
                    "src/controllers/mod.rs",
                    "controller-modules",
                    &fragment("controller-modules", &r.group_module)?,
                )?;
                plan.scaffold(
                    group_mod,
                    render("api/src/controllers/group_mod.rs.tera")?,
                    IfExists::Keep,
                    false,
                )?;
                plan.inject(
                    group_mod,
                    "controller-modules",
                    &fragment("controller-modules", &r.module)?,
                )?;
            }
            None => plan.inject(
                "src/controllers/mod.rs",
                "controller-modules",
                &fragment("controller-modules", &r.module)?,
            )?,
        }
        plan.scaffold(
            &p.controller,
            render("api/src/controllers/controller.rs.tera")?,
            IfExists::KeepUnlessForced,
            s.force,
        )?;
        plan.inject(
            "src/main.rs",
            "controllers",
            &fragment("controllers", &r.module)?,
        )?;
    }
    super::generate::derive(&mut plan, &s.project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, s.project.render()?)?;
    Ok(plan)
}

/// The attribute that keeps a version out of storage.
const NOT_STORAGE: &str = "#[kube(storage = false)]";

/// Adds or removes `#[kube(storage = false)]` in a kind's types file, right below its
/// `#[kube(group = .., version = ..)]` line. Anything else is left as the user wrote it.
fn set_storage(plan: &mut Plan, r: &Resource, storage: bool) -> Result<()> {
    let path = &r.paths.types;
    let anchor = format!(
        "#[kube(group = \"{}\", version = \"{}\")]",
        r.full_group, r.version
    );
    let text = plan.read(path)?.unwrap_or_default();
    let mut out = String::with_capacity(text.len() + NOT_STORAGE.len() + 1);
    let mut found = false;
    for line in text.split_inclusive('\n') {
        if storage && line.trim() == NOT_STORAGE {
            found = true;
            continue;
        }
        out.push_str(line);
        if !storage && line.trim() == anchor {
            found = true;
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}{NOT_STORAGE}\n"));
        }
    }
    if !found {
        let (what, fix) = if storage {
            (
                "is not marked `#[kube(storage = false)]`",
                format!(
                    "remove `storage = false` from the #[kube] attributes of {} in {path}",
                    r.kind
                ),
            )
        } else {
            (
                "has no line `{anchor}` to put `#[kube(storage = false)]` under",
                format!("add `{NOT_STORAGE}` to the {} types in {path}", r.kind),
            )
        };
        return Err(Error::usage(
            format!("--storage: version {} of {} {what}", r.version, r.kind)
                .replace("{anchor}", &anchor),
            fix,
        ));
    }
    let what = if storage {
        "now the storage version"
    } else {
        "no longer the storage version"
    };
    plan.rewrite(path, out, what)
}
