//! `kubeforge create webhook`: admission webhooks (defaulting, validation) and conversion for a
//! kind, with their manifests, certificates and the wiring in the manager.
//!
//! Hooks are added, never re-rendered: PROJECT records which ones a kind has, and each run injects
//! only the missing ones above markers, so adding validation a week after defaulting keeps every
//! line the user wrote.

use crate::cli::CreateWebhookArgs;
use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::project::PROJECT_FILE;
use crate::model::{Project, Resource, ResourceEntry, WebhookOptions, builtin, names};
use crate::scaffold::context::{SpokeContext, TemplateContext, WebhookContext};
use crate::scaffold::markers::{self, Marker};
use crate::scaffold::{IfExists, Plan, Templates};

/// What the example hooks need to know about a kind's types file.
struct TypesFacts {
    example_field: bool,
    has_status: bool,
}

fn types_facts(plan: &Plan, r: &Resource) -> Result<TypesFacts> {
    let none = TypesFacts {
        example_field: false,
        has_status: false,
    };
    if r.builtin {
        return Ok(none);
    }
    // Types that do not parse get the hooks that assume nothing; `generate` reports the error.
    let text = plan.read(&r.paths.types)?.unwrap_or_default();
    let Ok(file) = syn::parse_file(&text) else {
        return Ok(none);
    };
    let spec_name = format!("{}Spec", r.kind);
    let Some(spec) = file.items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == spec_name => Some(s),
        _ => None,
    }) else {
        return Ok(none);
    };
    let example_field = spec.fields.iter().any(|f| {
        let ty = &f.ty;
        f.ident.as_ref().is_some_and(|i| i == "foo")
            && matches!(f.vis, syn::Visibility::Public(_))
            && quote::quote!(#ty).to_string() == "Option < String >"
    });
    let status = format!("{}Status", r.kind);
    Ok(TypesFacts {
        example_field,
        has_status: spec
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("kube"))
            .any(|a| names_status(a, &status)),
    })
}

/// Whether a `#[kube(..)]` attribute holds `status = "<status>"`.
fn names_status(attr: &syn::Attribute, status: &str) -> bool {
    use proc_macro2::TokenTree;
    let Ok(list) = attr.meta.require_list() else {
        return false;
    };
    let tokens: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.windows(3).any(|w| match w {
        [
            TokenTree::Ident(key),
            TokenTree::Punct(eq),
            TokenTree::Literal(value),
        ] => {
            key == "status"
                && eq.as_char() == '='
                && syn::parse_str::<syn::LitStr>(&value.to_string())
                    .is_ok_and(|v| v.value() == status)
        }
        _ => false,
    })
}

/// Validated options.
pub struct Settings {
    pub project: Project,
    pub resource: Resource,
    pub webhook: WebhookContext,
    /// Spokes this run adds.
    pub new_spokes: Vec<Resource>,
    /// Whether the project had no webhook before this run.
    pub first: bool,
}

/// The module of a kind's conversions, beside its admission webhooks.
pub(super) fn conversion_module(r: &Resource) -> String {
    format!("{}_conversion", r.module)
}

pub fn resolve(mut project: Project, args: &CreateWebhookArgs, plan: &Plan) -> Result<Settings> {
    let group = &args.group;
    names::check_dns1123_subdomain(group).map_err(|e| {
        Error::usage(
            format!("--group `{}` {e}", names::one_line(group)),
            "use the group the kind was created with, e.g. `webapp`, or `core` for Pods",
        )
    })?;
    super::inputs::check_version_flag("version", &args.version, "v1")?;
    super::inputs::check_kind_flag(&args.kind)?;
    if !args.defaulting && !args.programmatic_validation && !args.conversion {
        return Err(Error::usage(
            "no webhook asked for",
            "pass --defaulting, --programmatic-validation, or --conversion --spoke <version>",
        ));
    }

    let entry = find_kind(&project, args)?;
    let had = entry.webhooks.clone().unwrap_or_default();
    let new_spokes = if args.conversion {
        new_spokes(&project, args, &entry, &had)?
    } else {
        Vec::new()
    };

    let after = WebhookOptions {
        defaulting: had.defaulting || args.defaulting,
        validation: had.validation || args.programmatic_validation,
        conversion: had.conversion || args.conversion,
        spokes: {
            let mut all = had.spokes.clone();
            all.extend(new_spokes.iter().map(|s| s.version.clone()));
            all.sort();
            all
        },
    };
    let first = project.resources.iter().all(|r| r.webhooks.is_none());
    let mut updated = entry.clone();
    updated.webhooks = Some(after.clone());
    project.upsert(updated.clone());
    // A kind made before `edit --multigroup` keeps the layout its files are in.
    let resource = super::create_api::place(plan, &project, &updated, Some(&entry))?;
    super::inputs::check_module_free(&project, &resource, &WEBHOOKS)?;
    let new_spokes = new_spokes
        .iter()
        .map(|s| super::create_api::place(plan, &project, s, Some(s)))
        .collect::<Result<_>>()?;

    let facts = types_facts(plan, &resource)?;
    let webhook = context(&project, &resource, &had, &after, &facts);
    Ok(Settings {
        project,
        resource,
        webhook,
        new_spokes,
        first,
    })
}

/// The kind the webhooks are for: the project's own first; otherwise one of Kubernetes' kinds
/// (core/v1 Pod, ...).
fn find_kind(project: &Project, args: &CreateWebhookArgs) -> Result<ResourceEntry> {
    let group = &args.group;
    let own = project
        .find(group, &args.version, &args.kind)
        .filter(|r| r.api.is_some());
    if let Some(entry) = own {
        if entry.external.is_some() && args.conversion {
            return Err(Error::usage(
                format!(
                    "--conversion: {} is an external kind, whose CRD and its conversion are another project's",
                    args.kind
                ),
                "leave out --conversion; defaulting and validation webhooks work for external kinds",
            ));
        }
        return Ok(entry.clone());
    }
    if let Some(known) = builtin::find(group, &args.version, &args.kind) {
        return Ok(project
            .find(group, &args.version, &args.kind)
            .cloned()
            .unwrap_or_else(|| ResourceEntry {
                group: group.clone(),
                version: args.version.clone(),
                kind: args.kind.clone(),
                plural: known.plural.to_string(),
                api: None,
                controller: false,
                builtin: true,
                webhooks: None,
                deploy_image: None,
                external: None,
            }));
    }
    let own_group = project
        .resources
        .iter()
        .any(|r| r.group == *group && r.api.is_some());
    if builtin::is_builtin_group(group) && !own_group {
        return Err(super::inputs::unknown_builtin(
            group,
            &args.version,
            &args.kind,
        ));
    }
    Err(Error::usage(
        format!(
            "--kind `{}`: {group}/{} {} is not a kind of this project",
            args.kind, args.version, args.kind
        ),
        format!(
            "create it first: kubeforge create api --group {group} --version {} --kind {}",
            args.version, args.kind
        ),
    ))
}

/// The spokes a conversion gains: this version is the hub (the storage version), each spoke
/// another version of the same kind.
fn new_spokes(
    project: &Project,
    args: &CreateWebhookArgs,
    entry: &ResourceEntry,
    had: &WebhookOptions,
) -> Result<Vec<ResourceEntry>> {
    let group = &args.group;
    if entry.builtin {
        return Err(Error::usage(
            format!(
                "--conversion: {} is a kind of Kubernetes; the API server converts its versions",
                args.kind
            ),
            "leave out --conversion",
        ));
    }
    if !entry.api.as_ref().is_some_and(|a| a.storage) {
        let storage = project
            .resources
            .iter()
            .find(|r| {
                r.group == *group
                    && r.kind == args.kind
                    && r.api.as_ref().is_some_and(|a| a.storage)
            })
            .map(|r| r.version.clone())
            .unwrap_or_default();
        return Err(Error::usage(
            format!(
                "--version {}: the hub of a conversion is the storage version of {}, which is {storage}",
                args.version, args.kind
            ),
            format!("pass --version {storage} and the other versions as --spoke"),
        ));
    }
    let mut new_spokes: Vec<ResourceEntry> = Vec::new();
    for spoke in &args.spoke {
        super::inputs::check_version_flag("spoke", spoke, "v2")?;
        if *spoke == args.version {
            return Err(Error::usage(
                format!("--spoke {spoke} is the hub (--version)"),
                "list the other versions of the kind as spokes",
            ));
        }
        let Some(s) = project
            .find(group, spoke, &args.kind)
            .filter(|s| s.api.is_some())
        else {
            return Err(Error::usage(
                format!("--spoke {spoke}: {} has no version {spoke}", args.kind),
                format!(
                    "create it first: kubeforge create api --group {group} --version {spoke} --kind {}",
                    args.kind
                ),
            ));
        };
        if !had.spokes.contains(spoke) && !new_spokes.iter().any(|n| n == s) {
            new_spokes.push(s.clone());
        }
    }
    Ok(new_spokes)
}

/// The webhook context with which `create webhook` rendered the code it added for `r`, `added`
/// saying what: the same context renders the same fragments, to remove them.
pub(super) fn added_context(
    plan: &Plan,
    project: &Project,
    r: &Resource,
    added: &WebhookOptions,
) -> Result<WebhookContext> {
    let facts = types_facts(plan, r)?;
    let none = WebhookOptions::default();
    Ok(context(project, r, &none, added, &facts))
}

fn context(
    project: &Project,
    r: &Resource,
    had: &WebhookOptions,
    after: &WebhookOptions,
    facts: &TypesFacts,
) -> WebhookContext {
    let group_part = &r.group;
    let kind = r.kind.to_ascii_lowercase();
    let path_tail = format!(
        "{}-{}-{kind}",
        r.full_group.api().replace('.', "-"),
        r.version
    );
    let name_tail = format!("{kind}-{}.{group_part}.{}", r.version, project.domain);
    let dir_module = r
        .paths
        .webhook_dir
        .trim_start_matches("src/webhooks/")
        .replace('/', "::");
    WebhookContext {
        add_defaulting: after.defaulting && !had.defaulting,
        add_validation: after.validation && !had.validation,
        add_conversion: after.spokes.len() > had.spokes.len(),
        defaulting: after.defaulting,
        validation: after.validation,
        conversion: after.conversion,
        mutate_path: format!("/mutate-{path_tail}"),
        validate_path: format!("/validate-{path_tail}"),
        mutate_name: format!("m{name_tail}"),
        validate_name: format!("v{name_tail}"),
        groups: if r.full_group.is_core() {
            "\"\"".into()
        } else {
            r.full_group.api().to_string()
        },
        module_path: format!("{dir_module}::{}", r.module),
        conversion_module_path: format!("{dir_module}::{}", conversion_module(r)),
        hub_type: r.rust_type.clone(),
        failure_policy: if r.builtin { "ignore" } else { "fail" },
        example_field: facts.example_field,
        has_status: facts.has_status,
        sample_file: if r.builtin {
            String::new()
        } else {
            r.expand("config/samples/{group}_{version}_{module}.yaml")
        },
    }
}

/// A kind's module of admission webhooks.
const WEBHOOKS: super::inputs::ModuleRole = super::inputs::ModuleRole {
    pattern: "{webhook_dir}/{module}.rs",
    has: |r| r.webhooks.is_some(),
    phrase: "its webhooks would be in",
    plural: "webhooks",
};

pub fn plan(mut plan: Plan, args: &CreateWebhookArgs) -> Result<Plan> {
    let root = &plan.root().to_path_buf();
    let project = super::inputs::load_project(&mut plan)?;
    let s = resolve(project, args, &plan)?;
    let r = &s.resource;
    let w = &s.webhook;
    if !w.add_defaulting && !w.add_validation && !w.add_conversion {
        plan.notes.push(format!(
            "{}/{}, Kind={} already has these webhooks; nothing to do",
            r.full_group.written(),
            r.version,
            r.kind
        ));
        return Ok(plan);
    }
    let templates = Templates::load(root)?;
    let out = Render {
        templates: &templates,
        s: &s,
    };
    out.plan_shared(&mut plan)?;
    if w.add_defaulting || w.add_validation {
        out.plan_admission(&mut plan)?;
    }
    if w.add_conversion {
        out.plan_conversion(&mut plan)?;
    }
    if s.first {
        plan.notes.push(
            "webhooks need cert-manager in the cluster for their certificate: https://cert-manager.io/docs/installation/".into(),
        );
    }
    crate::derive::derive(&mut plan, &s.project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, s.project.render()?)?;
    Ok(plan)
}

/// Renders the webhook templates for one run.
struct Render<'a> {
    templates: &'a Templates,
    s: &'a Settings,
}

impl Render<'_> {
    /// The context of the kind's templates, with `webhook` and `spoke`.
    fn ctx<'c>(
        &'c self,
        webhook: &'c WebhookContext,
        spoke: Option<&'c SpokeContext>,
    ) -> TemplateContext<'c> {
        let mut ctx = TemplateContext::new(&self.s.project).with_resource(&self.s.resource);
        ctx.webhook = Some(webhook);
        ctx.spoke = spoke;
        ctx
    }

    /// Renders `template` for `webhook` (and `spoke`).
    fn render(
        &self,
        template: &str,
        webhook: &WebhookContext,
        spoke: Option<&SpokeContext>,
    ) -> Result<String> {
        self.templates.render(template, &self.ctx(webhook, spoke))
    }

    /// Injects the fragment of `marker` naming `module`.
    fn inject_module(&self, plan: &mut Plan, marker: &Marker, module: &str) -> Result<()> {
        let ctx = TemplateContext::new(&self.s.project)
            .with_resource(&self.s.resource)
            .with_module(module);
        marker.inject(plan, self.templates, &ctx)
    }

    /// Plans what every webhook of the kind shares: with the project's first webhook the Service,
    /// the certificates and the manager's patches (a project keeps them as the kubeforge of its
    /// first webhook made them), the network policy, and the module chain down to the kind's
    /// webhook directory.
    fn plan_shared(&self, plan: &mut Plan) -> Result<()> {
        let (r, w) = (&self.s.resource, &self.s.webhook);
        if self.s.first {
            for (template, pattern) in self.templates.under("webhook-config") {
                plan.scaffold(
                    &pattern,
                    self.render(template, w, None)?,
                    IfExists::Keep,
                    false,
                )?;
            }
            for marker in [&markers::DEFAULT_WEBHOOK, &markers::DEFAULT_WEBHOOK_PATCHES] {
                marker.inject(plan, self.templates, &self.ctx(w, None))?;
            }
        }
        markers::NETWORK_POLICY.inject(plan, self.templates, &self.ctx(w, None))?;
        let p = &r.paths;
        match &p.webhook_group_mod {
            Some(group_mod) => {
                self.inject_module(plan, &markers::WEBHOOK_MODULES, &r.group_module)?;
                let text = self.render("webhook-mod/group_mod.rs.tera", w, None)?;
                plan.scaffold(group_mod, text, IfExists::Keep, false)?;
                self.inject_module(plan, &markers::WEBHOOK_GROUP_MODULES, &r.version_module)?;
            }
            None => self.inject_module(plan, &markers::WEBHOOK_MODULES, &r.version_module)?,
        }
        let version_mod = self.render("webhook-mod/version_mod.rs.tera", w, None)?;
        plan.scaffold(&p.webhook_version_mod, version_mod, IfExists::Keep, false)
    }

    /// Plans the kind's defaulting and validation hooks, their registration and manifests.
    fn plan_admission(&self, plan: &mut Plan) -> Result<()> {
        let (r, w) = (&self.s.resource, &self.s.webhook);
        let admission = WebhookContext {
            add_conversion: false,
            ..w.clone()
        };
        self.inject_module(plan, &markers::WEBHOOK_KINDS, &r.module)?;
        for (template, pattern) in self.templates.under("webhook") {
            let text = self.render(template, &admission, None)?;
            plan.scaffold(&r.expand(&pattern), text, IfExists::Keep, false)?;
        }
        let ctx = self.ctx(&admission, None);
        markers::WEBHOOK_HOOKS.inject(plan, self.templates, &ctx)?;
        markers::WEBHOOKS.inject(plan, self.templates, &ctx)?;
        markers::WEBHOOK_MANIFESTS.inject(plan, self.templates, &self.ctx(w, None))
    }

    /// Plans the kind's conversion: its module with a function per new spoke, their
    /// registration, and the CRD's conversion patch.
    fn plan_conversion(&self, plan: &mut Plan) -> Result<()> {
        let (r, w) = (&self.s.resource, &self.s.webhook);
        let conversion = WebhookContext {
            add_defaulting: false,
            add_validation: false,
            ..w.clone()
        };
        self.inject_module(plan, &markers::WEBHOOK_KINDS, &conversion_module(r))?;
        for (template, pattern) in self.templates.under("webhook-conversion") {
            let text = self.render(template, &conversion, None)?;
            plan.scaffold(&r.expand(&pattern), text, IfExists::Keep, false)?;
        }
        for spoke in &self.s.new_spokes {
            let spoke = SpokeContext {
                version: spoke.version.clone(),
                rust_type: spoke.rust_type.clone(),
            };
            let ctx = self.ctx(&conversion, Some(&spoke));
            markers::CONVERSION_SPOKES.inject(plan, self.templates, &ctx)?;
            markers::WEBHOOKS.inject(plan, self.templates, &ctx)?;
        }
        // The CRD of the kind asks the API server to convert through /convert. In a multigroup
        // project the patch's name carries the group, as kubebuilder's does: one plural may be
        // used in several groups.
        for (template, pattern) in self.templates.under("webhook-crd") {
            let path = if self.s.project.multigroup {
                r.expand(&pattern.replace("{plural}", "{group}_{plural}"))
            } else {
                r.expand(&pattern)
            };
            plan.scaffold(
                &path,
                self.render(template, w, None)?,
                IfExists::Keep,
                false,
            )?;
        }
        markers::CRD_WEBHOOK_PATCH.inject(plan, self.templates, &self.ctx(w, None))
    }
}
