//! `kubeforge create api`: a kind's Rust types, its controller, CRD, RBAC and sample.

use std::path::Path;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

use crate::cli::CreateApiArgs;
use crate::crd::CrdOptions;
use crate::derive::crds::Adopted;
use crate::description::{self, Description};
use crate::error::{Error, Result};
use crate::model::project::{DeployImageOptions, PROJECT_FILE};
use crate::model::{ApiOptions, Project, Resource, ResourceEntry};
use crate::model::{builtin, names};
use crate::scaffold::TemplateContext;
use crate::scaffold::{IfExists, Plan, Templates, markers};

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
    /// The options of the `deploy-image` plugin, when it makes the kind's files.
    pub deploy_image: Option<DeployImageOptions>,
}

/// Settles what to scaffold; `plan` tells where the files of the project's kinds are.
pub fn resolve(mut project: Project, args: &Request, plan: &Plan) -> Result<Settings> {
    let group = &args.group;
    names::check_dns1123_subdomain(group).map_err(|e| {
        Error::usage(
            format!("--group `{group}` {e}"),
            "use a lowercase DNS name such as `webapp` or `batch.tools`",
        )
    })?;
    // With --resource=false, `apps/v1 Deployment` is Kubernetes' own kind; otherwise
    // `--group batch --kind CronJob` is the project's `batch.<domain>` kind, as in kubebuilder.
    if builtin::is_builtin_group(group) && args.resource == Some(false) {
        return resolve_builtin(project, args, plan);
    }
    let plural = check_names(&project, args)?;
    check_not_aggregated(&project, args, &plural)?;
    let same_kind: Vec<&ResourceEntry> = project
        .resources
        .iter()
        .filter(|r| r.group == *group && r.kind == args.kind)
        .collect();
    check_external(args, &same_kind)?;
    check_plural(&project, args, &plural, &same_kind)?;
    let namespaced = scope_of(args, &same_kind)?;
    let current = project.find(group, &args.version, &args.kind).cloned();
    let want_api = args.resource.unwrap_or(true);
    let want_controller = wants_controller(args, current.as_ref(), &same_kind, want_api)?;
    let storage = Storage::settle(args, current.as_ref(), &same_kind, want_api)?;
    let (scaffold_api, scaffold_controller) = match &current {
        Some(c) => (
            want_api && (c.api.is_none() || args.force || storage.was != Some(storage.now)),
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
                storage: storage.now,
            },
        ),
        controller: want_controller || current.as_ref().is_some_and(|c| c.controller),
        builtin: false,
        webhooks: current.as_ref().and_then(|c| c.webhooks.clone()),
        deploy_image: (args.deploy_image.clone())
            .or_else(|| current.as_ref().and_then(|c| c.deploy_image.clone())),
        external: args.external.clone(),
    };
    project.upsert(entry.clone());
    let demoted = storage.demote(&mut project, plan)?;
    let resource = place(plan, &project, &entry, current.as_ref())?;
    if scaffold_controller {
        super::inputs::check_module_free(&project, &resource, &CONTROLLER)?;
    }
    Ok(Settings {
        project,
        resource,
        scaffold_api,
        scaffold_controller,
        force: args.force,
        demoted,
        promoted: args.storage && storage.was == Some(false),
        deploy_image: entry.deploy_image,
    })
}

/// Checks the full group, the version and the kind; the plural, given or derived.
fn check_names(project: &Project, args: &Request) -> Result<String> {
    let group = &args.group;
    let domain = args.external.as_deref().unwrap_or(&project.domain);
    let full_group = format!("{group}.{domain}");
    names::check_dns1123_subdomain(&full_group).map_err(|e| {
        Error::usage(
            format!("--group `{group}`: the full group `{full_group}` {e}"),
            "use a shorter group",
        )
    })?;
    super::inputs::check_version_flag("version", &args.version, "v1")?;
    super::inputs::check_kind_flag(&args.kind)?;
    match &args.plural {
        Some(p) => {
            names::check_dns1035_label(p).map_err(|e| {
                Error::usage(
                    format!("--plural `{p}` {e}"),
                    "use a lowercase name such as `guestbooks`",
                )
            })?;
            Ok(p.clone())
        }
        None => Ok(names::default_plural(&args.kind)),
    }
}

/// Refuses a CRD kind in a group-version that the project's extension API server serves, or of a
/// kind or plural that the server serves in the group (`create apiserver`).
fn check_not_aggregated(project: &Project, args: &Request, plural: &str) -> Result<()> {
    let Some(served) = project.apiservers.iter().find(|k| {
        k.group == args.group
            && (k.version == args.version || k.kind == args.kind || k.plural == plural)
    }) else {
        return Ok(());
    };
    Err(Error::usage(
        format!(
            "{}.{}/{}: the project's API server serves {} (`create apiserver`), which a CRD would clash with",
            args.group, project.domain, args.version, served.kind
        ),
        "give the CRD kind a group or version of its own",
    ))
}

/// Checks that the kind fits the project's layout, keeps its plural, and takes no other kind's.
fn check_plural(
    project: &Project,
    args: &Request,
    plural: &str,
    same_kind: &[&ResourceEntry],
) -> Result<()> {
    let group = &args.group;
    // An external kind's group is another project's: it takes no part in the layout's one group.
    if !project.multigroup
        && args.external.is_none()
        && let Some(other) = project
            .resources
            .iter()
            .find(|r| r.api.is_some() && r.external.is_none() && r.group != *group)
    {
        return Err(Error::usage(
            format!(
                "--group `{group}`: this project has the single-group layout and its group is `{}`",
                other.group
            ),
            "use --group with the existing group, or start the project with `kubeforge init --multigroup`",
        ));
    }
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
    Ok(())
}

/// Refuses a kind of the project's own group that another version has as external, or the
/// other way round: the two would share the kind's names and files.
fn check_external(args: &Request, same_kind: &[&ResourceEntry]) -> Result<()> {
    let Some(other) = same_kind.iter().find(|r| r.external != args.external) else {
        return Ok(());
    };
    let full = |domain: &Option<String>| match domain {
        Some(d) => format!("{}.{d} (external)", other.group),
        None => format!("{} of the project's domain", other.group),
    };
    Err(Error::usage(
        format!(
            "--kind {}: version {} of the kind is of group {}, this one of {}",
            args.kind,
            other.version,
            full(&other.external),
            full(&args.external)
        ),
        "delete the other kind first (`kubeforge delete api`), or give this one another kind name",
    ))
}

/// Whether the kind is namespaced: as asked, else as its other versions are; a CRD has one scope.
fn scope_of(args: &Request, same_kind: &[&ResourceEntry]) -> Result<bool> {
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
    Ok(namespaced)
}

/// Whether this version gets a controller: one controller reconciles every version of a kind.
fn wants_controller(
    args: &Request,
    current: Option<&ResourceEntry>,
    same_kind: &[&ResourceEntry],
    want_api: bool,
) -> Result<bool> {
    let other_versions = same_kind.iter().any(|r| r.version != args.version);
    let want_controller = args.controller.unwrap_or(!other_versions);
    if !want_api && current.is_none_or(|c| c.api.is_none()) {
        return Err(Error::usage(
            format!(
                "--resource=false: {}/{}/{} is not an API of this project",
                args.group, args.version, args.kind
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
    Ok(want_controller)
}

/// Which version of the kind is stored, before and after this command.
struct Storage {
    /// Whether this version was the storage version (`None`: it had no API).
    was: Option<bool>,
    /// Whether it is afterwards.
    now: bool,
    /// Versions that stop being the storage version: their types get `#[kube(storage = false)]`.
    demoted: Vec<ResourceEntry>,
}

impl Storage {
    /// Settles the storage version from `--storage` and the kind's versions so far.
    fn settle(
        args: &Request,
        current: Option<&ResourceEntry>,
        same_kind: &[&ResourceEntry],
        want_api: bool,
    ) -> Result<Storage> {
        let stored = |r: &ResourceEntry| r.api.as_ref().is_some_and(|a| a.storage);
        let was = current.and_then(|c| c.api.as_ref().map(|a| a.storage));
        let now = args.storage || was.unwrap_or(!same_kind.iter().any(|r| stored(r)));
        if args.storage && !want_api {
            return Err(Error::usage(
                "--storage needs --resource",
                "leave out --resource=false",
            ));
        }
        let demoted = if args.storage && was != Some(true) {
            same_kind
                .iter()
                .filter(|r| r.version != args.version && stored(r))
                .map(|r| (*r).clone())
                .collect()
        } else {
            Vec::new()
        };
        Ok(Storage { was, now, demoted })
    }

    /// Records the demoted versions in `project`; their names and paths.
    fn demote(&self, project: &mut Project, plan: &Plan) -> Result<Vec<Resource>> {
        for old in &self.demoted {
            if let Some(r) = project.resources.iter_mut().find(|r| *r == old) {
                r.api
                    .as_mut()
                    .expect("demoted versions have an API")
                    .storage = false;
            }
        }
        self.demoted
            .iter()
            .map(|e| place(plan, project, e, Some(e)))
            .collect()
    }
}

/// `create api --resource=false` for a kind of Kubernetes itself: a controller, no types.
fn resolve_builtin(mut project: Project, args: &Request, plan: &Plan) -> Result<Settings> {
    let group = &args.group;
    let Some(known) = builtin::find(group, &args.version, &args.kind) else {
        return Err(super::inputs::unknown_builtin(
            group,
            &args.version,
            &args.kind,
        ));
    };
    if let Some(p) = &args.plural
        && p != known.plural
    {
        return Err(Error::usage(
            format!(
                "--plural `{p}`: {} is served as `{}`",
                known.kind, known.plural
            ),
            "leave out --plural",
        ));
    }
    let existing = project.find(group, &args.version, &args.kind).cloned();
    let had_controller = existing.as_ref().is_some_and(|e| e.controller);
    let want_controller = args.controller != Some(false);
    let entry = ResourceEntry {
        group: group.clone(),
        version: args.version.clone(),
        kind: args.kind.clone(),
        plural: known.plural.to_string(),
        api: None,
        controller: want_controller || had_controller,
        builtin: true,
        webhooks: existing.as_ref().and_then(|e| e.webhooks.clone()),
        deploy_image: None,
        external: None,
    };
    // A kind that so far has only webhooks gets its controller now.
    let scaffold_controller = want_controller && (!had_controller || args.force);
    project.upsert(entry.clone());
    let resource = place(plan, &project, &entry, existing.as_ref())?;
    if scaffold_controller {
        super::inputs::check_module_free(&project, &resource, &CONTROLLER)?;
    }
    Ok(Settings {
        project,
        resource,
        scaffold_api: false,
        scaffold_controller,
        force: args.force,
        demoted: Vec::new(),
        promoted: false,
        deploy_image: None,
    })
}

/// A kind's names and paths where its files are: in the project's layout, or, for a kind
/// scaffolded before `kubeforge edit --multigroup` (or `--multigroup=false`) changed it, in the
/// other layout, where the kind's files stay. `before` is the kind as the project records it so
/// far; a new kind takes the project's layout.
pub(super) fn place(
    plan: &Plan,
    project: &Project,
    entry: &ResourceEntry,
    before: Option<&ResourceEntry>,
) -> Result<Resource> {
    let here = Resource::new(project, entry);
    let Some(before) = before else {
        return Ok(here);
    };
    if has_files(plan, &here, before)? {
        return Ok(here);
    }
    let mut other = project.clone();
    other.multigroup = !project.multigroup;
    let there = Resource::new(&other, entry);
    Ok(if has_files(plan, &there, before)? {
        there
    } else {
        here
    })
}

/// Whether the types or the controller that the project records for a kind (`before`) are
/// where `r` puts them.
fn has_files(plan: &Plan, r: &Resource, before: &ResourceEntry) -> Result<bool> {
    if before.api.is_some() && plan.exists(&r.paths.types)? {
        return Ok(true);
    }
    Ok(before.controller && plan.exists(&r.expand(CONTROLLER.pattern))?)
}

/// A controller's module.
const CONTROLLER: super::inputs::ModuleRole = super::inputs::ModuleRole {
    pattern: "{controller_dir}/{module}.rs",
    has: |r| r.controller,
    phrase: "its controller would be",
    plural: "controllers",
};

fn scope(namespaced: bool) -> &'static str {
    if namespaced {
        "namespaced"
    } else {
        "cluster-scoped"
    }
}

/// The command line with a description's names merged in: every name is present.
pub struct Request {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: Option<String>,
    pub namespaced: Option<bool>,
    pub resource: Option<bool>,
    pub controller: Option<bool>,
    pub storage: bool,
    pub force: bool,
    pub deploy_image: Option<DeployImageOptions>,
    /// The domain of an external kind: its CRD's group after the first label.
    pub external: Option<String>,
}

impl Request {
    /// Settles names from flags and the description; where both give one, they must agree.
    fn new(args: &CreateApiArgs, desc: Option<&Description>, domain: &str) -> Result<Request> {
        let external = match desc {
            Some(desc) if args.external => Some(super::external::domain(args, desc)?),
            _ => None,
        };
        let domain = external.as_deref().unwrap_or(domain);
        // A CRD names its group in full: the project's kinds are those of its domain.
        if let Some(desc) = desc.filter(|d| d.crd().is_some())
            && let Some(group) = desc.group()
            && !group.ends_with(&format!(".{domain}"))
        {
            let (short, rest) = group.split_once('.').unwrap_or((group, ""));
            return Err(desc.error_at(
                "group",
                format!("the CRD's group `{group}` is not of the project's domain `{domain}`"),
                format!(
                    "adopt it into a project made with `kubeforge init --domain {rest}`, where its group is `{short}`"
                ),
            ));
        }
        // An external kind's group may be given in full, as its CRD has it.
        let group_flag = match &external {
            Some(_) => (args.group.as_deref()).map(|g| {
                g.strip_suffix(&format!(".{domain}"))
                    .unwrap_or(g)
                    .to_string()
            }),
            None => args.group.clone(),
        };
        let pick = |key: &str, flag: &Option<String>, file: Option<&str>| -> Result<String> {
            // A description may spell the group in full.
            let file = file.map(|f| {
                if key == "group" {
                    f.strip_suffix(&format!(".{domain}")).unwrap_or(f)
                } else {
                    f
                }
            });
            match (flag, file, desc) {
                (Some(f), Some(d), Some(desc)) if f != d => Err(desc.error_at(
                    key,
                    format!("`{key}: {d}` disagrees with --{key} {f}"),
                    format!("drop --{key}, or make both say the same"),
                )),
                (Some(f), _, _) => Ok(f.clone()),
                (None, Some(d), _) => Ok(d.to_string()),
                (None, None, _) => Err(Error::usage(
                    format!("--{key} is missing"),
                    format!("pass --{key}, or give `{key}:` in the description"),
                )),
            }
        };
        let plural = match (&args.plural, desc.and_then(Description::plural)) {
            (None, None) => None,
            (flag, file) => Some(pick("plural", flag, file)?),
        };
        let namespaced = match (
            args.namespaced,
            desc.and_then(Description::namespaced),
            desc,
        ) {
            (Some(f), Some(d), Some(desc)) if f != d => {
                return Err(desc.error_at(
                    "scope",
                    format!("the scope disagrees with --namespaced={f}"),
                    "drop --namespaced, or make both agree",
                ));
            }
            (flag, file, _) => flag.or(file),
        };
        if desc.is_some() && args.resource == Some(false) {
            return Err(Error::usage(
                "--from with --resource=false",
                "a description defines the kind's types: leave out --resource=false",
            ));
        }
        Ok(Request {
            group: pick("group", &group_flag, desc.and_then(Description::group))?,
            version: pick(
                "version",
                &args.version,
                desc.and_then(Description::version),
            )?,
            kind: pick("kind", &args.kind, desc.and_then(Description::kind))?,
            plural,
            namespaced,
            resource: args.resource,
            controller: args.controller,
            // An external kind's types hold one version, the one the project reconciles.
            storage: args.storage
                || external.is_some()
                || desc.and_then(Description::storage) == Some(true),
            force: args.force,
            deploy_image: super::deploy_image::options(args)?,
            external,
        })
    }
}

/// The bytes of `--from FILE`: a regular file only (a FIFO would block, a device never end),
/// and no more than kubeforge reads of one, counted while reading.
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let refuse = |what: String| {
        Error::usage(
            format!("--from {}: {what}", path.display()),
            "pass the path of a resource description or CRD manifest (a YAML file)",
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| refuse(e.to_string()))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    let limit = description::MAX_CRD_BYTES as u64;
    let mut text = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut text))
        .map_err(|e| refuse(e.to_string()))?;
    if text.len() as u64 > limit {
        return Err(refuse(format!(
            "more than the {limit} bytes kubeforge reads of a file"
        )));
    }
    Ok(text)
}

/// Reads and checks `--from FILE`: a description, or a CRD (one description per version, the
/// storage version first; only `--version` when given); and the file's text.
fn read_descriptions(
    plan: &Plan,
    path: &Path,
    args: &CreateApiArgs,
) -> Result<(String, Vec<Description>)> {
    // A replay in memory (the scaffold base) reads a file of the project from the tree it holds.
    let held = match path.strip_prefix(plan.root()) {
        Ok(rel) if plan.is_in_memory() => plan.read_disk(&rel.to_string_lossy())?,
        _ => None,
    };
    let text = match held {
        Some(text) => text.into_bytes(),
        None => read_bounded(path)?,
    };
    let text = String::from_utf8(text).map_err(|_| Error::InvalidFile {
        file: path.into(),
        line: None,
        column: None,
        message: "not UTF-8 text".into(),
        hint: Some("save the description as UTF-8".into()),
    })?;
    let mut all =
        description::parse_from(path, &text, args.group.as_deref(), args.kind.as_deref())?;
    if let Some(version) = &args.version
        && all.len() > 1
    {
        all.retain(|d| d.version() == Some(version.as_str()));
        if all.is_empty() {
            return Err(Error::usage(
                format!(
                    "--version {version}: the CRD of {} has no such version",
                    path.display()
                ),
                "leave out --version to adopt every version, or name one of the CRD's",
            ));
        }
    }
    Ok((text, all))
}

pub fn plan(mut plan: Plan, args: &CreateApiArgs) -> Result<Plan> {
    super::external::check_flags(args)?;
    let (text, mut descriptions) = match &args.from {
        Some(path) => read_descriptions(&plan, path, args)?,
        None => (String::new(), Vec::new()),
    };
    // An external kind's types hold the version the project reconciles: the storage version,
    // or --version.
    if args.external {
        descriptions.truncate(1);
    }
    let input = descriptions.first().and_then(|d| d.crd().cloned());
    let input = match (args.external, input) {
        (true, Some(crd)) => Some(std::sync::Arc::new(one_version(&crd, &descriptions[0]))),
        (_, input) => input,
    };
    let mut project = None;
    let mut adopted = Vec::new();
    if descriptions.is_empty() {
        project = plan_kind(&mut plan, args, None, &mut adopted)?;
    }
    // The versions of a CRD, one after the other, each seeing what the previous ones planned.
    for desc in descriptions {
        let from = Some(&*text).filter(|_| args.external);
        project = plan_kind(&mut plan, args, Some((desc, from)), &mut adopted)?.or(project);
    }
    // CRDs and RBAC are derived once, from the source as all the versions leave it.
    let mut crds = Vec::new();
    if let Some(project) = project {
        let opts = CrdOptions::default();
        crds = crate::derive::derive_adopting(&mut plan, &project, &opts, &adopted)?;
    }
    if let Some(input) = input {
        report_differences(&mut plan, &input, &crds)?;
    }
    Ok(plan)
}

/// The CRD manifest `crd` with the version of `desc` alone: the one an external kind's types
/// hold, which the derived CRD is compared with.
fn one_version(crd: &serde_json::Value, desc: &Description) -> serde_json::Value {
    let mut crd = crd.clone();
    if let Some(versions) = crd["spec"]["versions"].as_array_mut() {
        versions.retain(|v| v["name"].as_str() == desc.version());
    }
    crd
}

/// Says, a warning line each, how the CRD that kubeforge derived (one of `crds`) differs from
/// the CRD manifest given to `--from`.
fn report_differences(
    plan: &mut Plan,
    input: &serde_json::Value,
    crds: &[CustomResourceDefinition],
) -> Result<()> {
    let spec = &input["spec"];
    let derived = crds.iter().find(|c| {
        spec["group"] == c.spec.group.as_str() && spec["names"]["plural"] == c.spec.names.plural
    });
    let adopted = match derived {
        Some(crd) => serde_json::to_value(crd).map_err(|e| Error::Other(e.into()))?,
        None => serde_json::Value::Null,
    };
    let differences = description::differences(input, &adopted);
    plan.notes.extend(
        differences
            .into_iter()
            .map(|d| format!("warning   the CRD differs from the input: {d}")),
    );
    Ok(())
}

/// What a description makes of one kind: its types and sample, and what the controller does.
struct FromDescription {
    generated: Option<description::Generated>,
    /// Whether the controller reports conditions in the status (or leaves a status of its own).
    reports_conditions: bool,
    /// A version that is not served gets no sample: the API server would refuse it.
    served: bool,
    /// Why the sample would be refused, which leaves the envtest check out.
    sample_problem: Option<String>,
}

/// Plans one kind (one version of it), from flags and the description when there is one (with
/// the text of the file, for an external kind's CRD to keep); the project as it leaves it, or
/// `None` when there was nothing to do. The CRD derived from the types a description gives goes
/// to `adopted`.
fn plan_kind(
    plan: &mut Plan,
    args: &CreateApiArgs,
    desc: Option<(Description, Option<&str>)>,
    adopted: &mut Vec<Adopted>,
) -> Result<Option<Project>> {
    let (desc, kept) = match desc {
        Some((desc, kept)) => (Some(desc), kept),
        None => (None, None),
    };
    let project = super::inputs::load_project(plan)?;
    let request = Request::new(args, desc.as_ref(), &project.domain)?;
    let s = resolve(project, &request, plan)?;
    let r = &s.resource;
    let mut made = from_description(plan, &s, desc)?;
    if !s.scaffold_api && !s.scaffold_controller {
        plan.notes.push(format!(
            "{}/{}, Kind={} exists with these options; nothing to do (--force re-renders its files)",
            r.full_group.written(),
            r.version,
            r.kind
        ));
        return Ok(None);
    }
    let templates = Templates::load(plan.root())?;
    if s.scaffold_api {
        plan_api(plan, &templates, &s, &mut made, adopted)?;
        if let Some(text) = kept {
            super::external::keep(plan, r, text, s.force)?;
        }
    }
    if s.scaffold_controller {
        plan_controller(plan, &templates, &s, &made)?;
    }
    plan.regenerate(PROJECT_FILE, s.project.render()?)?;
    Ok(Some(s.project))
}

/// Generates the kind's types and sample from its description, if it has one; warnings go to the
/// plan's notes.
fn from_description(
    plan: &mut Plan,
    s: &Settings,
    desc: Option<Description>,
) -> Result<FromDescription> {
    let r = &s.resource;
    let mut warnings = Vec::new();
    let mut made = FromDescription {
        generated: None,
        reports_conditions: true,
        served: desc.as_ref().and_then(|d| d.served()).unwrap_or(true),
        sample_problem: None,
    };
    if let Some(mut d) = desc {
        if d.storage() == Some(false) && r.storage && !r.external {
            return Err(d.error_at(
                "storage",
                format!(
                    "`storage: false`, but {} would be the only stored version of {}: a CRD stores exactly one version",
                    r.version, r.kind
                ),
                "remove `storage: false` (or add the storage version of the kind first)",
            ));
        }
        d.resolve(&r.kind, &r.version, &r.plural, r.namespaced);
        // An external kind's status is its own project's: the types keep it as the CRD has it,
        // and the controller reports nothing there.
        if r.external {
            made.reports_conditions = false;
        } else if s.scaffold_controller {
            let reported = d.add_reported_status()?;
            warnings = reported.warnings;
            made.reports_conditions = reported.conditions;
        }
        let mut generated =
            description::generate(&d, r.full_group.api(), &r.sample_name, r.storage)?;
        if r.external {
            generated.types_rs =
                description::as_external(&generated.types_rs, &r.plural, r.full_group.api());
        }
        // A sample the API server would refuse cannot back the controller's envtest check.
        if let Some(problem) = &generated.sample_problem {
            warnings.push(format!(
                "{problem}; the sample is written as it is, and {}'s envtest check is left out until it is valid",
                r.sample_file
            ));
        }
        made.sample_problem = generated.sample_problem.clone();
        made.generated = Some(generated);
    }
    plan.notes
        .extend(warnings.into_iter().map(|w| format!("warning   {w}")));
    Ok(made)
}

/// Plans the kind's types, sample, RBAC roles and their places in the modules and
/// kustomizations.
fn plan_api(
    plan: &mut Plan,
    templates: &Templates,
    s: &Settings,
    made: &mut FromDescription,
    adopted: &mut Vec<Adopted>,
) -> Result<()> {
    let r = &s.resource;
    let p = &r.paths;
    let ctx = || context(s);
    plan_api_modules(plan, templates, r, &ctx)?;
    // Every template under templates/api/ makes one file of the kind; the deploy-image plugin
    // has its own types and sample under templates/api-deploy-image/.
    let header = ctx().header;
    let variants = match s.deploy_image {
        Some(_) => templates.under("api-deploy-image"),
        None => Vec::new(),
    };
    for (template, pattern) in templates.under("api") {
        let template = variants
            .iter()
            .find(|(_, p)| *p == pattern)
            .map_or(template, |(t, _)| *t);
        let path = r.expand(&pattern);
        if path == r.sample_file && !made.served {
            continue;
        }
        // An external kind has no CRD of the project's, nor the roles of one.
        if r.external && (pattern.starts_with("config/crd/") || pattern.starts_with("config/rbac/"))
        {
            continue;
        }
        let content = match &mut made.generated {
            Some(g) if path == p.types => {
                let content = format!("{header}{}", g.types_rs);
                adopted.extend(adopt(&path, &content, &header, g.derived.take()));
                content
            }
            Some(g) if path == r.sample_file => g.sample_yaml.clone(),
            _ => templates.render(template, &ctx())?,
        };
        if path == p.types && s.promoted && !s.force && made.generated.is_none() {
            set_storage(plan, r, true)?;
        } else {
            plan.scaffold(&path, content, templates.if_exists(template), s.force)?;
        }
    }
    for old in &s.demoted {
        set_storage(plan, old, false)?;
    }
    let kind = ctx().with_module(&r.module);
    markers::KINDS.inject(plan, templates, &kind)?;
    if made.served {
        markers::SAMPLES.inject(plan, templates, &kind)?;
    }
    if r.external {
        return Ok(());
    }
    markers::CRDS.inject(plan, templates, &kind)?;
    markers::RBAC_ROLES.inject(plan, templates, &kind)?;
    markers::DEFAULT_CRD.inject(plan, templates, &kind)
}

/// Plans the modules down to the kind's version in `src/api/`: the version (or group) in
/// `src/api/mod.rs`, and in the multigroup layout the group's module and the version in it.
/// `ctx` gives the context of the kind's templates.
pub(super) fn plan_api_modules<'c>(
    plan: &mut Plan,
    templates: &Templates,
    r: &Resource,
    ctx: &dyn Fn() -> TemplateContext<'c>,
) -> Result<()> {
    let p = &r.paths;
    markers::API_MODULES.inject(plan, templates, &ctx().with_module(&p.api_root_module))?;
    if let Some(group_mod) = &p.group_mod {
        let text = templates.render("multigroup/api_group_mod.rs.tera", &ctx())?;
        plan.scaffold(group_mod, text, IfExists::Keep, false)?;
        markers::API_GROUP_MODULES.inject(
            plan,
            templates,
            &ctx().with_module(&r.version_module),
        )?;
    }
    Ok(())
}

/// Plans the kind's controller, its place in the modules and the manager, and its envtest check.
fn plan_controller(
    plan: &mut Plan,
    templates: &Templates,
    s: &Settings,
    made: &FromDescription,
) -> Result<()> {
    let r = &s.resource;
    let ctx = || context(s);
    match &r.paths.controller_group_mod {
        Some(group_mod) => {
            markers::CONTROLLER_MODULES.inject(
                plan,
                templates,
                &ctx().with_module(&r.group_module),
            )?;
            let text = templates.render("multigroup/controllers_group_mod.rs.tera", &ctx())?;
            plan.scaffold(group_mod, text, IfExists::Keep, false)?;
            markers::CONTROLLER_GROUP_MODULES.inject(
                plan,
                templates,
                &ctx().with_module(&r.module),
            )?;
        }
        None => {
            markers::CONTROLLER_MODULES.inject(plan, templates, &ctx().with_module(&r.module))?
        }
    }
    // templates/controller/ for kinds of the project, templates/controller-no-status/ for
    // those whose status has fields of its own where the controller would report,
    // templates/controller-builtin/ for Kubernetes' own kinds.
    // templates/controller-deploy-image/ for the deploy-image plugin.
    let (dir, envtest) = match (r.builtin, made.reports_conditions) {
        _ if s.deploy_image.is_some() => {
            ("controller-deploy-image", &markers::ENVTEST_DEPLOY_IMAGE)
        }
        _ if r.external => ("controller-no-status", &markers::ENVTEST_EXTERNAL),
        (true, _) => ("controller-builtin", &markers::ENVTEST),
        (false, true) => ("controller", &markers::ENVTEST),
        (false, false) => ("controller-no-status", &markers::ENVTEST_NO_STATUS),
    };
    for (template, pattern) in templates.under(dir) {
        let path = r.expand(&pattern);
        let text = templates.render(template, &ctx())?;
        plan.scaffold(&path, text, templates.if_exists(template), s.force)?;
    }
    let kind = ctx().with_module(&r.module);
    markers::CONTROLLERS.inject(plan, templates, &kind)?;
    if s.deploy_image.is_some() {
        super::deploy_image::inject_env(plan, templates, &kind)?;
    }
    // Projects made before the envtest suite existed have no file to add the check to.
    if !r.builtin
        && made.served
        && made.sample_problem.is_none()
        && plan.read(envtest.file)?.is_some()
    {
        envtest.inject(plan, templates, &kind)?;
    }
    Ok(())
}

/// What the templates of the kind of `s` see.
fn context(s: &Settings) -> TemplateContext<'_> {
    TemplateContext::new(&s.project)
        .with_resource(&s.resource)
        .with_deploy_image(s.deploy_image.as_ref())
}

/// The CRD derived from a kind's generated types, as the one of its types file `path`, which
/// holds `content`: the license header and the types. The header's plain comments change no
/// CRD; `None` when the header holds anything else, or no CRD was derived.
fn adopt(
    path: &str,
    content: &str,
    header: &str,
    crd: Option<CustomResourceDefinition>,
) -> Option<Adopted> {
    let comment = |line: &str| {
        line.is_empty()
            || (line.starts_with("//") && !line.starts_with("///") && !line.starts_with("//!"))
    };
    if !header.lines().all(comment) {
        return None;
    }
    crd.map(|crd| Adopted {
        path: path.to_string(),
        text: content.to_string(),
        crd,
    })
}

/// The attribute that keeps a version out of storage.
const NOT_STORAGE: &str = "#[kube(storage = false)]";

/// A `#[kube(..)]` attribute of a types file: its first and last lines (1-based) and what it
/// holds, as tokens.
struct KubeAttr {
    first: usize,
    last: usize,
    tokens: String,
}

/// The `#[kube(..)]` attributes of the structs of a types file; `None` when it does not parse.
fn kube_attrs(text: &str) -> Option<Vec<KubeAttr>> {
    let file = syn::parse_file(text).ok()?;
    let attrs = file.items.iter().filter_map(|item| match item {
        syn::Item::Struct(s) => Some(&s.attrs),
        _ => None,
    });
    Some(
        attrs
            .flatten()
            .filter(|a| a.path().is_ident("kube"))
            .filter_map(|a| {
                let list = a.meta.require_list().ok()?;
                Some(KubeAttr {
                    first: a.pound_token.span.start().line,
                    last: a.bracket_token.span.close().end().line,
                    tokens: list.tokens.to_string(),
                })
            })
            .collect(),
    )
}

/// Adds or removes `#[kube(storage = false)]` in a kind's types file: added below its
/// `#[kube(group = .., version = ..)]` attribute, removed where it stands alone. Anything else is
/// left as the user wrote it.
fn set_storage(plan: &mut Plan, r: &Resource, storage: bool) -> Result<()> {
    let path = &r.paths.types;
    let text = plan.read(path)?.unwrap_or_default();
    let anchor = format!(
        "group = \"{}\" , version = \"{}\"",
        r.full_group.api(),
        r.version
    );
    let attrs = kube_attrs(&text).unwrap_or_default();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + NOT_STORAGE.len() + 1);
    let mut found = false;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let alone = |a: &&KubeAttr| a.tokens == "storage = false" && a.first == n && a.last == n;
        if storage && attrs.iter().any(|a| alone(&a)) {
            found = true;
            continue;
        }
        out.push_str(line);
        if !storage
            && attrs
                .iter()
                .any(|a| a.last == n && a.tokens.starts_with(&anchor))
        {
            found = true;
            let first = attrs
                .iter()
                .find(|a| a.last == n)
                .map_or(i, |a| a.first - 1);
            let opening = lines[first];
            let indent = &opening[..opening.len() - opening.trim_start().len()];
            out.push_str(&format!("{indent}{NOT_STORAGE}\n"));
        }
    }
    if !found {
        return Err(storage_not_found(r, storage));
    }
    let what = if storage {
        "now the storage version"
    } else {
        "no longer the storage version"
    };
    plan.rewrite(path, out, what)
}

/// The error when the types file of `r` has no attribute for [`set_storage`] to change.
fn storage_not_found(r: &Resource, storage: bool) -> Error {
    let path = &r.paths.types;
    let (what, fix) = if storage {
        (
            "is not marked `#[kube(storage = false)]`".to_string(),
            format!(
                "remove `storage = false` from the #[kube] attributes of {} in {path}",
                r.kind
            ),
        )
    } else {
        (
            format!(
                "has no attribute `#[kube(group = \"{}\", version = \"{}\")]` to put `{NOT_STORAGE}` under",
                r.full_group.api(),
                r.version
            ),
            format!("add `{NOT_STORAGE}` to the {} types in {path}", r.kind),
        )
    };
    Error::usage(
        format!("--storage: version {} of {} {what}", r.version, r.kind),
        fix,
    )
}
