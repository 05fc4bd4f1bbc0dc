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
}

pub fn resolve(mut project: Project, args: &CreateApiArgs) -> Result<Settings> {
    let group = &args.group;
    names::check_dns1123_subdomain(group).map_err(|e| {
        Error::usage(format!("--group `{group}` {e}"), "use a lowercase DNS name such as `webapp` or `batch.tools`")
    })?;
    let full_group = format!("{group}.{}", project.domain);
    names::check_dns1123_subdomain(&full_group).map_err(|e| {
        Error::usage(format!("--group `{group}`: the full group `{full_group}` {e}"), "use a shorter group")
    })?;
    names::check_version(&args.version)
        .map_err(|e| Error::usage(format!("--version `{}` {e}", args.version), "use e.g. --version v1"))?;
    names::check_kind(&args.kind)
        .map_err(|e| Error::usage(format!("--kind `{}` {e}", args.kind), "use e.g. --kind Guestbook"))?;
    let plural = match &args.plural {
        Some(p) => {
            names::check_dns1035_label(p)
                .map_err(|e| Error::usage(format!("--plural `{p}` {e}"), "use a lowercase name such as `guestbooks`"))?;
            p.clone()
        }
        None => names::default_plural(&args.kind),
    };

    if !project.multigroup
        && let Some(other) = project.resources.iter().find(|r| r.api.is_some() && r.group != *group)
    {
        return Err(Error::usage(
            format!("--group `{group}`: this project has the single-group layout and its group is `{}`", other.group),
            "use --group with the existing group, or start the project with `kubeforge init --multigroup`",
        ));
    }

    let same_kind: Vec<&ResourceEntry> =
        project.resources.iter().filter(|r| r.group == *group && r.kind == args.kind).collect();
    if let Some(r) = same_kind.iter().find(|r| r.plural != plural) {
        return Err(Error::usage(
            format!("--plural `{plural}`: kind {} of group {group} already has the plural `{}` (version {})", args.kind, r.plural, r.version),
            format!("drop --plural, or pass --plural {}", r.plural),
        ));
    }
    if let Some(r) = project.resources.iter().find(|r| r.group == *group && r.plural == plural && r.kind != args.kind) {
        return Err(Error::usage(
            format!("--kind `{}`: the plural `{plural}` is already used by kind {} in group {group}", args.kind, r.kind),
            "pass a different --plural",
        ));
    }
    let existing_api = same_kind.iter().find_map(|r| r.api.as_ref().map(|a| (r.version.clone(), a.namespaced)));
    let namespaced = args.namespaced.or(existing_api.as_ref().map(|(_, n)| *n)).unwrap_or(true);
    if let Some((version, ns)) = &existing_api
        && *ns != namespaced
    {
        return Err(Error::usage(
            format!("--namespaced={namespaced}: kind {} is {} in version {version}, and a CRD has one scope", args.kind, scope(*ns)),
            format!("pass --namespaced={ns} or leave it out"),
        ));
    }

    let current = project.find(group, &args.version, &args.kind).cloned();
    let other_versions = same_kind.iter().any(|r| r.version != args.version);
    let want_api = args.resource.unwrap_or(true);
    let want_controller = args.controller.unwrap_or(!other_versions);
    if !want_api && current.as_ref().is_none_or(|c| c.api.is_none()) {
        return Err(Error::usage(
            format!("--resource=false: {group}/{}/{} is not an API of this project", args.version, args.kind),
            "leave out --resource=false to scaffold the kind's types and CRD",
        ));
    }
    if want_controller
        && let Some(r) = same_kind.iter().find(|r| r.controller && r.version != args.version)
    {
        return Err(Error::usage(
            format!("--controller: kind {} already has a controller (version {})", args.kind, r.version),
            "pass --controller=false; one controller reconciles every version of a kind",
        ));
    }

    let storage = current
        .as_ref()
        .and_then(|c| c.api.as_ref().map(|a| a.storage))
        .unwrap_or(!same_kind.iter().any(|r| r.api.as_ref().is_some_and(|a| a.storage)));
    let (scaffold_api, scaffold_controller) = match &current {
        Some(c) => (
            want_api && (c.api.is_none() || args.force),
            want_controller && (!c.controller || args.force),
        ),
        None => (want_api, want_controller),
    };
    let entry = ResourceEntry {
        group: group.clone(),
        version: args.version.clone(),
        kind: args.kind.clone(),
        plural,
        api: (want_api || current.as_ref().is_some_and(|c| c.api.is_some()))
            .then_some(ApiOptions { namespaced, storage }),
        controller: want_controller || current.as_ref().is_some_and(|c| c.controller),
    };
    match project.resources.iter_mut().find(|r| r.group == *group && r.version == args.version && r.kind == args.kind) {
        Some(slot) => *slot = entry.clone(),
        None => project.resources.push(entry.clone()),
    }
    let resource = Resource::new(&project, &entry);
    Ok(Settings { project, resource, scaffold_api, scaffold_controller, force: args.force })
}

fn scope(namespaced: bool) -> &'static str {
    if namespaced { "namespaced" } else { "cluster-scoped" }
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
        templates.render(&format!("fragments/{t}.tera"), &TemplateContext::new(&s.project).with_resource(r).with_module(module))
    };
    let p = &r.paths;

    if s.scaffold_api {
        plan.inject("src/api/mod.rs", "api-modules", &fragment("api-modules", &p.api_root_module)?)?;
        if let Some(group_mod) = &p.group_mod {
            plan.scaffold(group_mod, render("api/src/api/group_mod.rs.tera")?, IfExists::Keep, false)?;
            plan.inject(group_mod, "api-modules", &fragment("api-modules", &r.version_module)?)?;
        }
        plan.scaffold(&p.version_mod, render("api/src/api/version_mod.rs.tera")?, IfExists::Keep, false)?;
        plan.inject(&p.version_mod, "kinds", &fragment("kinds", &r.module)?)?;
        plan.scaffold(&p.types, render("api/src/api/types.rs.tera")?, IfExists::KeepUnlessForced, s.force)?;
        plan.inject("src/bin/crdgen.rs", "crds", &fragment("crds", &r.module)?)?;
        // Kustomize refuses an empty kustomization, so these come with the first kind.
        plan.scaffold("config/samples/kustomization.yaml", render("api/config/samples/kustomization.yaml.tera")?, IfExists::Keep, false)?;
        plan.scaffold(CRD_KUSTOMIZATION, render("api/config/crd/kustomization.yaml.tera")?, IfExists::Keep, false)?;
        plan.scaffold(&p.sample, render("api/config/samples/sample.yaml.tera")?, IfExists::KeepUnlessForced, s.force)?;
        plan.inject("config/samples/kustomization.yaml", "manifestskustomizesamples", &fragment("manifestskustomizesamples", &r.module)?)?;
    }
    if s.scaffold_controller {
        match &p.controller_group_mod {
            Some(group_mod) => {
                plan.inject("src/controllers/mod.rs", "controller-modules", &fragment("controller-modules", &r.group_module)?)?;
                plan.scaffold(group_mod, render("api/src/controllers/group_mod.rs.tera")?, IfExists::Keep, false)?;
                plan.inject(group_mod, "controller-modules", &fragment("controller-modules", &r.module)?)?;
            }
            None => plan.inject("src/controllers/mod.rs", "controller-modules", &fragment("controller-modules", &r.module)?)?,
        }
        plan.scaffold(&p.controller, render("api/src/controllers/controller.rs.tera")?, IfExists::KeepUnlessForced, s.force)?;
        plan.inject("src/main.rs", "controllers", &fragment("controllers", &r.module)?)?;
    }
    super::generate::derive(&mut plan, &s.project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, s.project.render()?)?;
    Ok(plan)
}
