//! `kubeforge create apiserver`: a kind served by the project's own extension API server behind
//! an APIService (Kubernetes API aggregation), rather than by a CRD.
//!
//! The first such kind brings the server: `src/apiserver/` (the kinds it serves and their
//! storage), the binary `src/bin/apiserver.rs` on `kubeforge_runtime::apiserver`, its image
//! (`Dockerfile.apiserver`) and its manifests in `config/apiserver/`. Each kind adds its types in
//! `src/api/`, a storage module, an APIService for its group-version when new, roles for its
//! users, and a test on the real control plane. PROJECT records the kinds under the plugin key
//! `apiserver.kubeforge.io/v1-alpha`; running the command again for a recorded kind does nothing.

use crate::cli::CreateApiserverArgs;
use crate::error::{Error, Result};
use crate::model::project::{AggregatedKind, PROJECT_FILE};
use crate::model::{ApiOptions, Project, Resource, ResourceEntry, builtin, names};
use crate::scaffold::context::{ApiserverContext, TemplateContext};
use crate::scaffold::markers::{self, Marker};
use crate::scaffold::{IfExists, Plan, Templates, vendor};

/// Validated options.
struct Settings {
    project: Project,
    resource: Resource,
    /// Whether this is the project's first aggregated kind: the server comes with it.
    first: bool,
}

fn resolve(mut project: Project, args: &CreateApiserverArgs) -> Result<Option<Settings>> {
    let group = &args.group;
    let full_group = format!("{group}.{}", project.domain);
    names::check_dns1123_subdomain(&full_group).map_err(|e| {
        Error::usage(
            format!("--group `{group}`: the full group `{full_group}` {e}"),
            "use a shorter group",
        )
    })?;
    if builtin::is_builtin_group(group) {
        return Err(Error::usage(
            format!("--group `{group}` is a group of Kubernetes itself"),
            "name a group of the project, e.g. --group wardle",
        ));
    }
    super::inputs::check_version_flag("version", &args.version, "v1alpha1")?;
    super::inputs::check_kind_flag(&args.kind)?;
    let plural = match &args.plural {
        Some(p) => {
            names::check_dns1035_label(p).map_err(|e| {
                Error::usage(
                    format!("--plural `{p}` {e}"),
                    "use a lowercase name such as `flunders`",
                )
            })?;
            p.clone()
        }
        None => names::default_plural(&args.kind),
    };
    let kind = AggregatedKind {
        group: group.clone(),
        kind: args.kind.clone(),
        namespaced: args.namespaced.unwrap_or(true),
        plural,
        version: args.version.clone(),
    };
    if let Some(had) = project
        .apiservers
        .iter()
        .find(|k| k.group == kind.group && k.version == kind.version && k.kind == kind.kind)
    {
        if *had != kind {
            return Err(Error::usage(
                format!(
                    "{}/{}, Kind={} is served already, with other options (plural `{}`, namespaced {})",
                    full_group, had.version, had.kind, had.plural, had.namespaced
                ),
                "leave out --plural and --namespaced to keep the kind as it is",
            ));
        }
        return Ok(None);
    }
    check_free(&project, &kind, &full_group)?;
    let resource = Resource::new(&project, &entry(&kind));
    let first = project.apiservers.is_empty();
    project.apiservers.push(kind);
    Ok(Some(Settings {
        project,
        resource,
        first,
    }))
}

/// The kind as a resource of the project, for its names and paths.
fn entry(kind: &AggregatedKind) -> ResourceEntry {
    ResourceEntry {
        group: kind.group.clone(),
        version: kind.version.clone(),
        kind: kind.kind.clone(),
        plural: kind.plural.clone(),
        api: Some(ApiOptions {
            namespaced: kind.namespaced,
            storage: true,
        }),
        controller: false,
        builtin: false,
        webhooks: None,
        deploy_image: None,
        external: None,
    }
}

/// Refuses a kind whose group-version CRDs of the project serve (an APIService takes the whole
/// group-version), whose types or storage module another kind has, or whose plural is taken.
fn check_free(project: &Project, kind: &AggregatedKind, full_group: &str) -> Result<()> {
    let gv = format!("{full_group}/{}", kind.version);
    if let Some(crd) = project
        .resources
        .iter()
        .find(|r| r.group == kind.group && r.version == kind.version && r.api.is_some())
    {
        return Err(Error::usage(
            format!(
                "{gv} is served by the CRD of {}: an APIService would take the whole group-version from it",
                crd.kind
            ),
            "serve the aggregated kind in a group or version of its own, e.g. --version v1alpha1 or another --group",
        ));
    }
    let new = Resource::new(project, &entry(kind));
    let others = project
        .resources
        .iter()
        .filter(|r| r.api.is_some())
        .cloned()
        .chain(project.apiservers.iter().map(entry));
    for other in others {
        let other = Resource::new(project, &other);
        let clash = if other.paths.types == new.paths.types {
            Some(format!("its types would be in {}", new.paths.types))
        } else if project.apiservers.iter().any(|k| k.kind == other.kind)
            && other.module == new.module
        {
            Some(format!(
                "its storage would be in src/apiserver/{}.rs",
                new.module
            ))
        } else if other.full_group.api() == full_group
            && (other.plural == kind.plural || other.kind == kind.kind)
        {
            Some(format!(
                "the group already has the resource `{}` of kind {}",
                other.plural, other.kind
            ))
        } else {
            None
        };
        if let Some(why) = clash {
            return Err(Error::usage(
                format!(
                    "--kind `{}`: {why}, by {}/{}",
                    kind.kind,
                    other.full_group.written(),
                    other.kind
                ),
                "start the project with `kubeforge init --multigroup` to keep kinds apart by group, or name another kind",
            ));
        }
    }
    Ok(())
}

pub fn plan(mut plan: Plan, args: &CreateApiserverArgs) -> Result<Plan> {
    let root = &plan.root().to_path_buf();
    let project = super::inputs::load_project(&mut plan)?;
    let domain = project.domain.clone();
    let Some(s) = resolve(project, args)? else {
        plan.notes.push(format!(
            "{}.{domain}/{}, Kind={} is served already; nothing to do",
            args.group, args.version, args.kind
        ));
        return Ok(plan);
    };
    let templates = Templates::load(root)?;
    let r = &s.resource;
    let apiserver = ApiserverContext::new(&s.project, r);
    let ctx = || {
        let mut ctx = TemplateContext::new(&s.project).with_resource(r);
        ctx.apiserver = Some(&apiserver);
        ctx
    };
    if s.first {
        for (template, pattern) in templates.under("apiserver-init") {
            let text = templates.render(template, &ctx())?;
            plan.scaffold(&pattern, text, IfExists::Keep, false)?;
        }
        inject_or_note(
            &mut plan,
            &templates,
            &markers::LIB_MODULES,
            &ctx().with_module("apiserver"),
        )?;
        enable_runtime_feature(&mut plan, &s.project)?;
    }
    // The kind's types, in the API modules beside the project's other kinds.
    let p = &r.paths;
    super::create_api::plan_api_modules(&mut plan, &templates, r, &ctx)?;
    let version_mod = templates.render("api/{api_dir}/mod.rs.tera", &ctx())?;
    plan.scaffold(&p.version_mod, version_mod, IfExists::Keep, false)?;
    // Files the kind shares with others (its group-version's APIService) are kept as they are.
    for (template, pattern) in templates.under("apiserver") {
        let text = templates.render(template, &ctx())?;
        plan.scaffold(&r.expand(&pattern), text, IfExists::Keep, false)?;
    }
    let kind = ctx().with_module(&r.module);
    markers::KINDS.inject(&mut plan, &templates, &kind)?;
    markers::APISERVER_KINDS.inject(&mut plan, &templates, &kind)?;
    markers::APISERVER_RESOURCES.inject(&mut plan, &templates, &kind)?;
    markers::APISERVER_SERVICES.inject(&mut plan, &templates, &kind)?;
    markers::APISERVER_ROLES.inject(&mut plan, &templates, &kind)?;
    markers::APISERVER_CHECKS.inject(&mut plan, &templates, &kind)?;
    if s.first {
        plan.notes.push(
            "the API server needs cert-manager in the cluster for its certificate and the APIService's caBundle: https://cert-manager.io/docs/installation/".into(),
        );
    }
    plan.regenerate(PROJECT_FILE, s.project.render()?)?;
    Ok(plan)
}

/// Turns on the runtime's `apiserver` feature in the project's dependency on it; a dependency
/// written otherwise than `init` writes it is left alone, with a note.
fn enable_runtime_feature(plan: &mut Plan, project: &Project) -> Result<()> {
    let line = |features: &[&str]| {
        format!(
            "\n{} = {}\n",
            vendor::CRATE,
            vendor::dependency(project.runtime, features)
        )
    };
    let (plain, with) = (line(&[]), line(&["apiserver"]));
    let text = plan.read(CARGO_TOML)?.unwrap_or_default();
    if text.contains(&with) {
        return Ok(());
    }
    if !text.contains(&plain) {
        plan.notes.push(format!(
            "warning   {CARGO_TOML}: add the feature \"apiserver\" to the dependency on {}, which the API server needs",
            vendor::CRATE
        ));
        return Ok(());
    }
    let text = text.replacen(&plain, &with, 1);
    plan.rewrite(CARGO_TOML, text, "the runtime's apiserver feature")
}

/// The project's manifest.
const CARGO_TOML: &str = "Cargo.toml";

/// Injects at `marker`; a project whose file lacks the marker (made before it existed) is told
/// what to add instead.
fn inject_or_note(
    plan: &mut Plan,
    templates: &Templates,
    marker: &Marker,
    ctx: &TemplateContext,
) -> Result<()> {
    match marker.inject(plan, templates, ctx) {
        Err(Error::MarkerMissing {
            file,
            marker,
            fragment,
        }) => {
            plan.notes.push(format!(
                "warning   {} has no line `{marker}`: add this to it:\n{fragment}",
                file.display()
            ));
            Ok(())
        }
        other => other,
    }
}
