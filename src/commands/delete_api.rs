//! `kubeforge delete api`: removes a kind, or one version of it. Its own files are deleted, the
//! code that `create api` and `create webhook` injected for it is removed where it stands (the
//! same fragments rendered with the same context, found as injection finds them), PROJECT loses
//! its entries, and the derived files (CRDs, RBAC, webhook manifests) follow.
//!
//! A version module, a group module or a webhook module left as its template made it, with no
//! kind, is deleted with its line in the module above; so is the webhook server's configuration
//! with the project's last webhook, when it is as the first webhook made it. Other shared files
//! (kustomizations, `src/api/mod.rs`) stay.
//!
//! The command is refused while code outside the kind's own files still names the kind: its
//! types, or its module in the api or controllers tree (`--force` deletes anyway).

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use crate::cli::DeleteApiArgs;
use crate::crd::CrdOptions;
use crate::derive::crds::{CRD_BASES, crd_file_name};
use crate::derive::webhooks::MANIFESTS;
use crate::error::{Error, Result};
use crate::model::project::PROJECT_FILE;
use crate::model::{Project, Resource, ResourceEntry, WebhookOptions, names};
use crate::scaffold::context::{SpokeContext, TemplateContext, WebhookContext};
use crate::scaffold::markers::{self, Marker};
use crate::scaffold::{Plan, Templates, inject};

use super::create_api::place;
use super::create_webhook::{added_context, conversion_module};

/// The entries the command removes.
struct Target {
    removed: Vec<ResourceEntry>,
    /// Every version of the kind goes.
    whole: bool,
}

/// Checks the flags and finds the entries to remove.
fn resolve(project: &Project, args: &DeleteApiArgs) -> Result<Target> {
    let group = &args.group;
    names::check_dns1123_subdomain(group).map_err(|e| {
        Error::usage(
            format!("--group `{}` {e}", names::one_line(group)),
            "use the group the kind was created with, e.g. `webapp`",
        )
    })?;
    if let Some(version) = &args.version {
        super::inputs::check_version_flag("version", version, "v1")?;
    }
    super::inputs::check_kind_flag(&args.kind)?;
    let same_kind: Vec<&ResourceEntry> = project
        .resources
        .iter()
        .filter(|r| r.group == *group && r.kind == args.kind)
        .collect();
    if same_kind.is_empty() {
        return Err(unknown_kind(project, args));
    }
    let removed: Vec<ResourceEntry> = same_kind
        .iter()
        .filter(|r| args.version.as_ref().is_none_or(|v| r.version == *v))
        .map(|r| (*r).clone())
        .collect();
    let versions = || {
        let all: Vec<&str> = same_kind.iter().map(|r| r.version.as_str()).collect();
        all.join(", ")
    };
    let Some(version) = &args.version else {
        return Ok(Target {
            removed,
            whole: true,
        });
    };
    if removed.is_empty() {
        return Err(Error::usage(
            format!(
                "--version {version}: {} has no version {version}",
                args.kind
            ),
            format!(
                "its versions are {}; leave out --version to delete every one",
                versions()
            ),
        ));
    }
    let whole = removed.len() == same_kind.len();
    if !whole
        && removed
            .iter()
            .any(|r| r.api.as_ref().is_some_and(|a| a.storage))
    {
        let other = same_kind.iter().find(|r| r.version != *version);
        let other = other.map_or("", |r| r.version.as_str());
        return Err(Error::usage(
            format!(
                "--version {version}: {version} is the storage version of {}, whose versions are {}",
                args.kind,
                versions()
            ),
            format!(
                "make another version the storage version first (kubeforge create api --group {group} --version {other} --kind {} --storage), or leave out --version to delete every version",
                args.kind
            ),
        ));
    }
    Ok(Target { removed, whole })
}

/// The error for a kind the project does not have; the hint lists those it has.
fn unknown_kind(project: &Project, args: &DeleteApiArgs) -> Error {
    let mut kinds: Vec<String> = project
        .resources
        .iter()
        .map(|r| format!("--group {} --kind {}", r.group, r.kind))
        .collect();
    kinds.dedup();
    let hint = if kinds.is_empty() {
        "the project has no kinds yet".to_string()
    } else {
        format!("the project's kinds: {}", kinds.join("; "))
    };
    Error::usage(
        format!(
            "--kind `{}`: {} {} is not a kind of this project",
            names::one_line(&args.kind),
            names::one_line(&args.group),
            names::one_line(&args.kind)
        ),
        hint,
    )
}

pub fn plan(mut plan: Plan, args: &DeleteApiArgs) -> Result<Plan> {
    let root = &plan.root().to_path_buf();
    let project = super::inputs::load_project(&mut plan)?;
    let target = resolve(&project, args)?;
    let templates = Templates::load(root)?;
    let d = Deletion {
        templates: &templates,
        project: &project,
        whole: target.whole,
    };
    let mut after = project.clone();
    after.resources.retain(|r| !target.removed.contains(r));
    let mut placed = Vec::new();
    for entry in &target.removed {
        let r = place(&plan, &project, entry, Some(entry))?;
        d.remove_webhooks(&mut plan, entry, &r)?;
        d.remove_controller(&mut plan, entry, &r)?;
        d.remove_api(&mut plan, entry, &r)?;
        placed.push((entry, r));
    }
    d.drop_spokes(&mut plan, &mut after, &target.removed)?;
    for (entry, r) in &placed {
        d.prune_modules(&mut plan, entry, r)?;
    }
    let had_webhooks = project.resources.iter().any(|r| r.webhooks.is_some());
    if had_webhooks && after.resources.iter().all(|r| r.webhooks.is_none()) {
        d.remove_webhook_config(&mut plan, &placed[0].1)?;
    }
    let uses = find_uses(&plan, &placed, target.whole)?;
    if !uses.is_empty() {
        if !args.force {
            return Err(still_used(args, &uses));
        }
        plan.notes.extend(uses.iter().map(|u| {
            format!(
                "warning   {}:{} uses `{}`, which is gone: it will not compile",
                u.file, u.line, u.what
            )
        }));
    }
    crate::derive::derive(&mut plan, &after, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, after.render()?)?;
    Ok(plan)
}

/// The refusal when code outside the kind's files uses it.
fn still_used(args: &DeleteApiArgs, uses: &[Use]) -> Error {
    let places: Vec<String> = uses
        .iter()
        .map(|u| format!("  {}:{}: `{}`", u.file, u.line, u.what))
        .collect();
    let what = match &args.version {
        Some(v) => format!("version {v} of {}", args.kind),
        None => args.kind.clone(),
    };
    Error::usage(
        format!(
            "--kind `{}`: code outside its own files still uses {what}:\n{}",
            args.kind,
            places.join("\n")
        ),
        "change that code first, or pass --force to delete anyway (those places will not compile)",
    )
}

/// Renders and removes what the commands added for the removed kinds.
struct Deletion<'a> {
    templates: &'a Templates,
    /// The project before the command: fragments are rendered as they were injected.
    project: &'a Project,
    whole: bool,
}

impl Deletion<'_> {
    fn ctx<'c>(&'c self, r: &'c Resource) -> TemplateContext<'c> {
        TemplateContext::new(self.project).with_resource(r)
    }

    /// Removes the fragment of `marker` naming `module`.
    fn remove_module(
        &self,
        plan: &mut Plan,
        marker: &Marker,
        r: &Resource,
        module: &str,
    ) -> Result<()> {
        marker.remove(plan, self.templates, &self.ctx(r).with_module(module))?;
        Ok(())
    }

    /// The kind's types, sample and (with the whole kind) RBAC roles and CRD, with their lines.
    fn remove_api(&self, plan: &mut Plan, entry: &ResourceEntry, r: &Resource) -> Result<()> {
        if entry.api.is_none() {
            return Ok(());
        }
        // The files of templates/api/ named after the kind are the kind's; those named after
        // its version are the version's.
        for (_, pattern) in self.templates.under("api") {
            let of_version = pattern.contains("{version}") || pattern.contains("{api_dir}");
            if pattern.contains("{module}") && (of_version || self.whole) {
                plan.delete(&r.expand(&pattern))?;
            }
        }
        let kind = self.ctx(r).with_module(&r.module);
        markers::KINDS.remove(plan, self.templates, &kind)?;
        markers::CRDS.remove(plan, self.templates, &kind)?;
        markers::SAMPLES.remove(plan, self.templates, &kind)?;
        if r.external {
            plan.delete(&super::external::crd_copy(r))?;
        }
        if self.whole {
            markers::RBAC_ROLES.remove(plan, self.templates, &kind)?;
            let file = crd_file_name(r.full_group.api(), &r.plural);
            plan.delete(&format!("{CRD_BASES}/{file}"))?;
            markers::CRD_RESOURCES.remove_text(plan, &kind, &format!("- bases/{file}\n"))?;
        }
        Ok(())
    }

    /// The controller, its module line, the manager's call and the envtest check.
    fn remove_controller(
        &self,
        plan: &mut Plan,
        entry: &ResourceEntry,
        r: &Resource,
    ) -> Result<()> {
        if !entry.controller {
            return Ok(());
        }
        for dir in ["controller", "controller-builtin", "controller-no-status"] {
            for (_, pattern) in self.templates.under(dir) {
                plan.delete(&r.expand(&pattern))?;
            }
        }
        let marker = match &r.paths.controller_group_mod {
            Some(_) => &markers::CONTROLLER_GROUP_MODULES,
            None => &markers::CONTROLLER_MODULES,
        };
        self.remove_module(plan, marker, r, &r.module)?;
        let kind = self.ctx(r).with_module(&r.module);
        markers::CONTROLLERS.remove(plan, self.templates, &kind)?;
        markers::ENVTEST.remove(plan, self.templates, &kind)?;
        // The external kind's check holds the one of ENVTEST_NO_STATUS: it goes first, whole.
        markers::ENVTEST_EXTERNAL.remove(plan, self.templates, &kind)?;
        markers::ENVTEST_NO_STATUS.remove(plan, self.templates, &kind)?;
        Ok(())
    }

    /// The kind's admission hooks and conversion of this version, with their registrations.
    fn remove_webhooks(&self, plan: &mut Plan, entry: &ResourceEntry, r: &Resource) -> Result<()> {
        let Some(w) = &entry.webhooks else {
            return Ok(());
        };
        if w.defaulting || w.validation {
            for (_, pattern) in self.templates.under("webhook") {
                plan.delete(&r.expand(&pattern))?;
            }
            self.remove_module(plan, &markers::WEBHOOK_KINDS, r, &r.module)?;
            // Hooks added by separate runs were registered by separate lines.
            for (defaulting, validation) in [(true, false), (false, true)] {
                if (defaulting && w.defaulting) || (validation && w.validation) {
                    let added = WebhookOptions {
                        defaulting,
                        validation,
                        ..WebhookOptions::default()
                    };
                    let wc = added_context(plan, self.project, r, &added)?;
                    let mut ctx = self.ctx(r);
                    ctx.webhook = Some(&wc);
                    markers::WEBHOOKS.remove(plan, self.templates, &ctx)?;
                }
            }
        }
        if w.conversion {
            self.remove_conversion(plan, r, &w.spokes, true)?;
        }
        Ok(())
    }

    /// The registrations of the conversions of hub `hub` to `spokes`; with `all`, the
    /// conversion module and the CRD's conversion patch too, otherwise the spokes' modules.
    fn remove_conversion(
        &self,
        plan: &mut Plan,
        hub: &Resource,
        spokes: &[String],
        all: bool,
    ) -> Result<()> {
        let added = WebhookOptions {
            conversion: true,
            spokes: vec![String::new()],
            ..WebhookOptions::default()
        };
        let wc = added_context(plan, self.project, hub, &added)?;
        for version in spokes {
            let spoke_entry = self.entry_of(&hub.group, version, &hub.kind);
            let spoke_r = place(plan, self.project, &spoke_entry, Some(&spoke_entry))?;
            let spoke = SpokeContext {
                version: version.clone(),
                rust_type: spoke_r.rust_type.clone(),
            };
            let mut ctx = self.ctx(hub);
            ctx.webhook = Some(&wc);
            ctx.spoke = Some(&spoke);
            markers::WEBHOOKS.remove(plan, self.templates, &ctx)?;
            if !all {
                markers::CONVERSION_SPOKES.remove(plan, self.templates, &ctx)?;
            }
        }
        if all {
            self.remove_conversion_module(plan, hub, &wc)?;
        }
        Ok(())
    }

    /// The conversion module of `hub`, its line, and the CRD's conversion patch with its line.
    fn remove_conversion_module(
        &self,
        plan: &mut Plan,
        hub: &Resource,
        wc: &WebhookContext,
    ) -> Result<()> {
        for (_, pattern) in self.templates.under("webhook-conversion") {
            plan.delete(&hub.expand(&pattern))?;
        }
        self.remove_module(plan, &markers::WEBHOOK_KINDS, hub, &conversion_module(hub))?;
        for (_, pattern) in self.templates.under("webhook-crd") {
            let path = if self.project.multigroup {
                hub.expand(&pattern.replace("{plural}", "{group}_{plural}"))
            } else {
                hub.expand(&pattern)
            };
            plan.delete(&path)?;
        }
        let mut ctx = self.ctx(hub);
        ctx.webhook = Some(wc);
        markers::CRD_WEBHOOK_PATCH.remove(plan, self.templates, &ctx)?;
        Ok(())
    }

    /// The project's entry of a version of a kind.
    fn entry_of(&self, group: &str, version: &str, kind: &str) -> ResourceEntry {
        self.project
            .find(group, version, kind)
            .cloned()
            .expect("conversions are between versions of the project's kinds")
    }

    /// Removes the removed versions from the conversions of the hubs that stay; a hub left
    /// without spokes loses its conversion.
    fn drop_spokes(
        &self,
        plan: &mut Plan,
        after: &mut Project,
        removed: &[ResourceEntry],
    ) -> Result<()> {
        for hub in after.resources.iter_mut() {
            let before = self.entry_of(&hub.group, &hub.version, &hub.kind);
            let Some(w) = hub.webhooks.as_mut().filter(|w| w.conversion) else {
                continue;
            };
            let gone_of = |v: &String| {
                removed
                    .iter()
                    .any(|r| r.group == before.group && r.kind == before.kind && r.version == *v)
            };
            let gone: Vec<String> = w.spokes.iter().filter(|v| gone_of(v)).cloned().collect();
            if gone.is_empty() {
                continue;
            }
            w.spokes.retain(|v| !gone.contains(v));
            let all = w.spokes.is_empty();
            if all {
                w.conversion = false;
            }
            let none_left = !w.defaulting && !w.validation && !w.conversion;
            let r = place(plan, self.project, &before, Some(&before))?;
            self.remove_conversion(plan, &r, &gone, all)?;
            if none_left {
                hub.webhooks = None;
                self.prune_webhook_modules(plan, &r)?;
            }
        }
        Ok(())
    }

    /// Deletes the version and group modules of a removed resource that are left with no kind.
    fn prune_modules(&self, plan: &mut Plan, entry: &ResourceEntry, r: &Resource) -> Result<()> {
        let p = &r.paths;
        if entry.api.is_some() {
            let (marker, module) = match &p.group_mod {
                Some(_) => (&markers::API_GROUP_MODULES, &r.version_module),
                None => (&markers::API_MODULES, &p.api_root_module),
            };
            let version_mod = "api/{api_dir}/mod.rs.tera";
            self.prune(plan, &p.version_mod, version_mod, marker, r, module)?;
            if let Some(group_mod) = &p.group_mod {
                let template = "multigroup/api_group_mod.rs.tera";
                let marker = &markers::API_MODULES;
                self.prune(plan, group_mod, template, marker, r, &p.api_root_module)?;
            }
        }
        if entry.controller
            && let Some(group_mod) = &p.controller_group_mod
        {
            let template = "multigroup/controllers_group_mod.rs.tera";
            let marker = &markers::CONTROLLER_MODULES;
            self.prune(plan, group_mod, template, marker, r, &r.group_module)?;
        }
        if entry.webhooks.is_some() {
            self.prune_webhook_modules(plan, r)?;
        }
        Ok(())
    }

    /// Deletes the webhook version and group modules of `r` that are left with no kind.
    fn prune_webhook_modules(&self, plan: &mut Plan, r: &Resource) -> Result<()> {
        let p = &r.paths;
        let marker = match &p.webhook_group_mod {
            Some(_) => &markers::WEBHOOK_GROUP_MODULES,
            None => &markers::WEBHOOK_MODULES,
        };
        let version_mod = "webhook-mod/version_mod.rs.tera";
        self.prune(
            plan,
            &p.webhook_version_mod,
            version_mod,
            marker,
            r,
            &r.version_module,
        )?;
        if let Some(group_mod) = &p.webhook_group_mod {
            let template = "webhook-mod/group_mod.rs.tera";
            let marker = &markers::WEBHOOK_MODULES;
            self.prune(plan, group_mod, template, marker, r, &r.group_module)?;
        }
        Ok(())
    }

    /// With the project's last webhook, the webhook server's configuration that the first one
    /// added: its files, when every one is as its template renders it (otherwise they are kept,
    /// and a warning says so), the manifests, and their lines in the kustomizations.
    fn remove_webhook_config(&self, plan: &mut Plan, r: &Resource) -> Result<()> {
        let ctx = self.ctx(r);
        let manifests_line = self
            .templates
            .render(&markers::WEBHOOK_MANIFESTS.template(), &ctx)?;
        let mut files = Vec::new();
        for (template, path) in self.templates.under("webhook-config") {
            let Some(mut text) = plan.read(&path)? else {
                continue;
            };
            if path == markers::WEBHOOK_MANIFESTS.file {
                text = inject::remove(&text, &manifests_line).unwrap_or(text);
            }
            if text != self.templates.render(template, &ctx)? {
                plan.notes.push(format!(
                    "warning   the project has no webhook any more, and keeps the configuration of its webhook server (config/webhook/, config/certmanager/, ...) since {path} was changed; delete it by hand if it is not needed"
                ));
                return Ok(());
            }
            files.push(path);
        }
        for path in files.iter().map(String::as_str).chain([MANIFESTS]) {
            plan.delete(path)?;
        }
        for marker in [
            &markers::DEFAULT_WEBHOOK,
            &markers::DEFAULT_WEBHOOK_PATCHES,
            &markers::NETWORK_POLICY,
        ] {
            marker.remove(plan, self.templates, &ctx)?;
        }
        Ok(())
    }

    /// Deletes `file` when it is as `template` renders it (no module added to it any more), and
    /// removes its line `module` at `marker`.
    fn prune(
        &self,
        plan: &mut Plan,
        file: &str,
        template: &str,
        marker: &Marker,
        r: &Resource,
        module: &str,
    ) -> Result<()> {
        let Some(text) = plan.read(file)? else {
            return Ok(());
        };
        if text != self.templates.render(template, &self.ctx(r))? {
            return Ok(());
        }
        plan.delete(file)?;
        self.remove_module(plan, marker, r, module)
    }
}

/// A place in the code that names a removed kind.
struct Use {
    file: String,
    line: usize,
    what: String,
}

/// What names a removed kind: sequences of path segments.
struct Needles {
    /// Paths through the kind's module: `[api, v1, Kind]`, `[api, v1, module]` (`[group, v1,
    /// ..]` in the multigroup layout), `[controllers, module]`, ...
    qualified: Vec<Vec<String>>,
    /// The paths of the version modules of the removed versions: `[api, v1]`. A file that
    /// imports one, or one of the kind's types, names the kind by `v1::Kind` or `Kind` too.
    modules: Vec<Vec<String>>,
    /// `[v1, Kind]`, `[v1, module]`.
    short: Vec<Vec<String>>,
    /// The kind's types, when every version goes.
    alone: Vec<String>,
    /// `mod` declarations that must be gone: (file, module).
    mods: Vec<(String, String)>,
}

impl Needles {
    fn new(placed: &[(&ResourceEntry, Resource)], whole: bool) -> Needles {
        let mut n = Needles {
            qualified: Vec::new(),
            modules: Vec::new(),
            short: Vec::new(),
            alone: Vec::new(),
            mods: Vec::new(),
        };
        for (entry, r) in placed {
            if entry.api.is_some() {
                n.api(r, whole);
            }
            if entry.controller {
                let (parent, file) = match &r.paths.controller_group_mod {
                    Some(group_mod) => (
                        vec!["controllers".to_string(), r.group_module.clone()],
                        group_mod.clone(),
                    ),
                    None => (
                        vec!["controllers".to_string()],
                        "src/controllers/mod.rs".to_string(),
                    ),
                };
                n.qualified.push([parent, vec![r.module.clone()]].concat());
                n.mods.push((file, r.module.clone()));
            }
        }
        n
    }

    /// The needles of a removed version's types.
    fn api(&mut self, r: &Resource, whole: bool) {
        let parent = if r.paths.group_mod.is_some() {
            r.group_module.clone()
        } else {
            "api".to_string()
        };
        let module = vec![parent, r.version_module.clone()];
        let types = [
            r.kind.clone(),
            format!("{}Spec", r.kind),
            format!("{}Status", r.kind),
        ];
        for name in types.iter().chain([&r.module]) {
            self.qualified
                .push([module.clone(), vec![name.clone()]].concat());
            self.short
                .push(vec![r.version_module.clone(), name.clone()]);
        }
        if whole {
            self.alone.extend(types);
        }
        self.modules.push(module);
        self.mods
            .push((r.paths.version_mod.clone(), r.module.clone()));
    }

    /// Whether the segments name a removed kind through its module's full path.
    fn qualified(&self, segments: &[String]) -> bool {
        self.qualified.iter().any(|q| holds(segments, q))
    }

    /// Whether the segments name a removed kind where its version module is imported.
    fn short(&self, segments: &[String]) -> bool {
        self.short.iter().any(|q| holds(segments, q))
    }

    /// Whether the segments name a removed kind where its types are imported.
    fn alone(&self, segments: &[String]) -> bool {
        segments.iter().any(|s| self.alone.contains(s))
    }

    /// What a `use` of these segments imports: the version module, the kind's types.
    fn imports(&self, segments: &[String], glob: bool) -> (bool, bool) {
        let module = self.modules.iter().any(|m| segments.ends_with(m));
        let kind = self.qualified(segments) && self.alone(&segments[segments.len() - 1..]);
        (module && !glob, kind || (module && glob))
    }
}

/// Whether `needle` is a run of `segments`.
fn holds(segments: &[String], needle: &[String]) -> bool {
    segments.windows(needle.len()).any(|w| w == needle)
}

/// Every place in the Rust files of `src/` and `tests/`, as the plan leaves them, that names a
/// removed kind.
fn find_uses(plan: &Plan, placed: &[(&ResourceEntry, Resource)], whole: bool) -> Result<Vec<Use>> {
    let needles = Needles::new(placed, whole);
    let mut uses = Vec::new();
    let mut files = plan.list("src", ".rs")?;
    files.extend(plan.list("tests", ".rs")?);
    for file in files {
        let text = plan.read(&file)?.unwrap_or_default();
        // A file that does not parse is not the command's to judge.
        let Ok(ast) = syn::parse_file(&text) else {
            continue;
        };
        let mut finder = Finder {
            needles: &needles,
            file: &file,
            found: Vec::new(),
            short: Vec::new(),
            alone: Vec::new(),
            imports_module: false,
            imports_kind: false,
        };
        finder.visit_file(&ast);
        if finder.imports_module {
            let short = std::mem::take(&mut finder.short);
            finder.found.extend(short);
        }
        if finder.imports_kind {
            let alone = std::mem::take(&mut finder.alone);
            finder.found.extend(alone);
        }
        finder.found.sort_by_key(|u| u.line);
        finder.found.dedup_by_key(|u| u.line);
        uses.extend(finder.found);
    }
    Ok(uses)
}

/// Walks one file for [`find_uses`].
struct Finder<'a> {
    needles: &'a Needles,
    file: &'a str,
    found: Vec<Use>,
    /// Places naming the kind by `v1::Kind`: uses if the file imports the version module.
    short: Vec<Use>,
    /// Places naming one of the kind's types alone: uses if the file imports the kind.
    alone: Vec<Use>,
    imports_module: bool,
    imports_kind: bool,
}

impl Finder<'_> {
    /// Records the segments if they name a removed kind.
    fn check(&mut self, segments: &[String], line: usize) {
        let found = Use {
            file: self.file.to_string(),
            line,
            what: segments.join("::"),
        };
        if self.needles.qualified(segments) {
            self.found.push(found);
        } else if self.needles.short(segments) {
            self.short.push(found);
        } else if self.needles.alone(segments) {
            self.alone.push(found);
        }
    }

    /// The paths of a `use` tree, each with the segments above it.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.leaf(prefix, &n.ident),
            syn::UseTree::Rename(n) => self.leaf(prefix, &n.ident),
            syn::UseTree::Glob(g) => {
                let line = g.star_token.spans[0].start().line;
                let segments = prefix.clone();
                self.check(&segments, line);
                self.imports(prefix, true);
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn leaf(&mut self, prefix: &[String], ident: &syn::Ident) {
        let mut segments = prefix.to_vec();
        segments.push(ident.to_string());
        self.check(&segments, ident.span().start().line);
        self.imports(&segments, false);
    }

    fn imports(&mut self, segments: &[String], glob: bool) {
        if segments.is_empty() {
            return;
        }
        let (module, kind) = self.needles.imports(segments, glob);
        self.imports_module |= module;
        self.imports_kind |= kind;
    }

    /// Runs of `a::b::c` in a macro's tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut line = 0;
        let mut colons = 0;
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => {
                    if !run.is_empty() && colons != 2 {
                        self.check(&run, line);
                        run.clear();
                    }
                    if run.is_empty() {
                        line = ident.span().start().line;
                    }
                    run.push(ident.to_string());
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' && colons < 2 => colons += 1,
                other => {
                    if !run.is_empty() {
                        self.check(&run, line);
                    }
                    run.clear();
                    colons = 0;
                    if let TokenTree::Group(g) = other {
                        self.tokens(g.stream());
                    }
                }
            }
        }
        if !run.is_empty() {
            self.check(&run, line);
        }
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = path.segments.first() {
            self.check(&segments, first.ident.span().start().line);
        }
        visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        visit::visit_macro(self, mac);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        let declared = self
            .needles
            .mods
            .iter()
            .any(|(file, module)| file == self.file && *module == name);
        if declared && item.content.is_none() {
            self.found.push(Use {
                file: self.file.to_string(),
                line: item.ident.span().start().line,
                what: format!("mod {name}"),
            });
        }
        visit::visit_item_mod(self, item);
    }
}
