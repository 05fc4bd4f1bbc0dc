//! The Helm chart of a project, `dist/chart/`, as kubebuilder's helm/v2-alpha plugin writes it:
//! what `config/default` deploys, as Helm templates with toggles in `values.yaml`.
//!
//! kubeforge knows what `config/` holds because it writes it, so the chart is rendered from the
//! same model, not from kustomize's output: the templates under `templates/helm/` for the files
//! that follow from the project's options and kinds, and the derived CRDs, manager role and
//! webhook configurations (as the plan has them) turned into templates here. Every command that
//! re-derives those files re-renders the chart when PROJECT enables it, so it never falls behind.
//!
//! A chart file is replaced only when it still holds what kubeforge wrote last time (the chart
//! rendered from PROJECT and the derived files on disk); a file changed by hand is kept and the
//! plan says so. `values.yaml` is merged: every value that differs from the default kubeforge
//! wrote last time is kept, keys the chart gained are added.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{IfExists, Plan, TemplateContext, Templates};
use crate::error::Result;
use crate::model::Resource;
use crate::model::project::{PROJECT_FILE, Project};

/// Where the chart lives in the project.
pub const CHART_DIR: &str = "dist/chart";
/// The chart's templates: Go templates, which are not YAML until Helm renders them.
pub const TEMPLATES_DIR: &str = "dist/chart/templates/";
const VALUES: &str = "dist/chart/values.yaml";
/// The CRDs, the manager's role and the webhook configurations, as `generate` derives them.
const CRD_DIR: &str = "config/crd/bases";
const ROLE: &str = "config/rbac/role.yaml";
const WEBHOOKS: &str = "config/webhook/manifests.yaml";

/// What the chart's templates see besides the project (`helm.*`).
#[derive(Serialize)]
struct HelmContext {
    /// The project has webhooks: their templates are in the chart, and on by default.
    webhooks: bool,
    /// The manager's environment variables beyond those of `init` (the deploy-image plugin's).
    env: Vec<EnvVar>,
    /// The derived objects, as chart templates.
    role: String,
    webhook_manifests: String,
    crd: String,
}

#[derive(Serialize)]
struct EnvVar {
    name: String,
    value: String,
}

/// Plans the chart of `project` after the derived files: re-rendered, merged or kept.
pub fn plan(plan: &mut Plan, project: &Project) -> Result<()> {
    let templates = Templates::load(plan.root())?;
    let crds = plan.list(CRD_DIR, ".yaml")?;
    let new = render(&templates, project, &crds, &|p| plan.read(p))?;
    let old = match previous_project(plan)? {
        Some(old) if old.helm => {
            let crds = plan.list_disk(CRD_DIR, ".yaml")?;
            Some(render(&templates, &old, &crds, &|p| plan.read_disk(p))?)
        }
        _ => None,
    };
    for (path, text) in &new {
        let was = old.as_ref().and_then(|o| o.get(path));
        let disk = plan.read_disk(path)?;
        match disk {
            None => plan.scaffold(path, text.clone(), IfExists::Keep, false)?,
            // Unchanged by this command: a file changed by hand has been reported before.
            Some(disk) if disk == *text || was == Some(text) => {}
            Some(disk) if path == VALUES => merge_values(plan, &disk, was, text)?,
            Some(disk) if Some(&disk) == was => {
                plan.rewrite(path, text.clone(), "follows the project")?
            }
            Some(_) => plan.notes.push(format!(
                "keep      {path} (changed by hand; `kubeforge alpha generate` shows the chart kubeforge would write)"
            )),
        }
    }
    for (path, text) in old.iter().flatten() {
        if !new.contains_key(path) {
            match plan.read_disk(path)? {
                Some(disk) if disk == *text => plan.delete(path)?,
                Some(_) => plan.notes.push(format!(
                    "keep      {path} (changed by hand, no longer part of the chart; delete it if it is not needed)"
                )),
                None => {}
            }
        }
    }
    Ok(())
}

/// The project as PROJECT on disk has it, before this command; `None` when there is none yet or
/// it does not read.
fn previous_project(plan: &Plan) -> Result<Option<Project>> {
    let Some(text) = plan.read_disk(PROJECT_FILE)? else {
        return Ok(None);
    };
    Ok(crate::model::project::read(&text).ok().map(|r| r.project))
}

type Read<'a> = dyn Fn(&str) -> Result<Option<String>> + 'a;

/// Every file of the chart, by path, for `project` with the derived files `read` gives.
fn render(
    templates: &Templates,
    project: &Project,
    crds: &[String],
    read: &Read,
) -> Result<BTreeMap<String, String>> {
    let webhook_text = read(WEBHOOKS)?.unwrap_or_default();
    let mut helm = HelmContext {
        webhooks: project.resources.iter().any(|r| r.webhooks.is_some()),
        env: env(project),
        role: objects(
            ROLE,
            &read(ROLE)?.unwrap_or_default(),
            &Conversions::default(),
        )?,
        webhook_manifests: objects(WEBHOOKS, &webhook_text, &Conversions::default())?,
        crd: String::new(),
    };
    let context = |helm: &HelmContext| -> Result<Value> {
        let mut value = serde_json::to_value(TemplateContext::new(project))
            .map_err(|e| anyhow::anyhow!("template context: {e}"))?;
        value["helm"] =
            serde_json::to_value(helm).map_err(|e| anyhow::anyhow!("template context: {e}"))?;
        Ok(value)
    };
    let mut out = BTreeMap::new();
    let mut dirs = vec!["helm/chart"];
    if helm.webhooks {
        dirs.push("helm/webhook");
    }
    let ctx = context(&helm)?;
    for dir in dirs {
        for (template, rel) in templates.under(dir) {
            out.insert(
                format!("{CHART_DIR}/{rel}"),
                templates.render(template, &ctx)?,
            );
        }
    }
    let mut kinds = BTreeSet::new();
    for entry in &project.resources {
        if entry.api.is_none()
            || entry.builtin
            || entry.external.is_some()
            || !kinds.insert((&entry.group, &entry.kind))
        {
            continue;
        }
        let resource = Resource::new(project, entry);
        let ctx = TemplateContext::new(project).with_resource(&resource);
        for (template, rel) in templates.under("helm/kind") {
            let path = format!("{CHART_DIR}/{}", resource.expand(&rel));
            out.insert(path, templates.render(template, &ctx)?);
        }
    }
    let conversions = Conversions::of(project);
    for path in crds {
        let text = read(path)?.unwrap_or_default();
        helm.crd = objects(path, &text, &conversions)?;
        let name = Path::new(path).file_name().unwrap_or_default();
        let chart_path = format!("{TEMPLATES_DIR}crd/{}", name.to_string_lossy());
        out.insert(
            chart_path,
            templates.render("helm/crd.yaml.tera", &context(&helm)?)?,
        );
    }
    Ok(out)
}

/// The manager's environment variables that kinds of the deploy-image plugin add.
fn env(project: &Project) -> Vec<EnvVar> {
    project
        .resources
        .iter()
        .filter_map(|entry| {
            let options = entry.deploy_image.as_ref()?;
            let resource = Resource::new(project, entry);
            Some(EnvVar {
                name: format!("{}_IMAGE", resource.module.to_uppercase()),
                value: Value::from(options.image.as_str()).to_string(),
            })
        })
        .collect()
}

/// The kinds whose CRD converts between versions through the manager's webhook: `(group, kind)`.
#[derive(Default)]
struct Conversions(BTreeSet<(String, String)>);

impl Conversions {
    fn of(project: &Project) -> Conversions {
        Conversions(
            project
                .resources
                .iter()
                .filter(|r| r.webhooks.as_ref().is_some_and(|w| w.conversion))
                .map(|r| {
                    let resource = Resource::new(project, r);
                    (resource.full_group.api().to_string(), r.kind.clone())
                })
                .collect(),
        )
    }

    fn has(&self, crd: &Value) -> bool {
        let field = |key: &str| crd["spec"].pointer(key).and_then(Value::as_str);
        match (field("/group"), field("/names/kind")) {
            (Some(group), Some(kind)) => self.0.contains(&(group.into(), kind.into())),
            _ => false,
        }
    }
}

/// Placeholders set into the derived objects before they are written as YAML, then replaced by
/// Go template text: YAML cannot hold the template actions, and what it holds must be escaped.
const PREFIX: &str = "KUBEFORGE-CHART-PREFIX-";
const NAMESPACE: &str = "KUBEFORGE-CHART-NAMESPACE";
const LABELS: &str = "KUBEFORGE-CHART-LABELS";
const ANNOTATIONS: &str = "KUBEFORGE-CHART-ANNOTATIONS";
const CONVERSION: &str = "KUBEFORGE-CHART-CONVERSION";

/// The annotations of a webhook configuration: cert-manager injects the CA of the serving
/// certificate.
const WEBHOOK_ANNOTATIONS: &str = r#"  {{- if .Values.certManager.enable }}
  annotations:
    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "chart.name" . }}-serving-cert
  {{- end }}"#;

/// The annotations of a CRD: Helm keeps it on uninstall when asked.
const CRD_ANNOTATIONS: &str = r#"  {{- if .Values.crd.keep }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}"#;

/// The same for a CRD that converts through the webhook, whose CA cert-manager injects.
const CONVERTING_CRD_ANNOTATIONS: &str = r#"  {{- $inject := and .Values.webhook.enable .Values.certManager.enable }}
  {{- if or .Values.crd.keep $inject }}
  annotations:
    {{- if $inject }}
    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "chart.name" . }}-serving-cert
    {{- end }}
    {{- if .Values.crd.keep }}
    helm.sh/resource-policy: keep
    {{- end }}
  {{- end }}"#;

/// A CRD's conversion through the manager's `/convert` webhook.
const CRD_CONVERSION: &str = r#"  {{- if .Values.webhook.enable }}
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          name: {{ include "chart.name" . }}-webhook-service
          namespace: {{ .Release.Namespace }}
          path: /convert
      conversionReviewVersions:
      - v1
  {{- end }}"#;

/// The objects of a derived YAML file (`file`, `text`) as a chart template, as config/default
/// deploys them: names prefixed, in the release's namespace, labelled.
fn objects(file: &str, text: &str, conversions: &Conversions) -> Result<String> {
    let mut out = Vec::new();
    for mut object in crate::yaml::values_from_str(Path::new(file), text)? {
        whole_numbers(&mut object);
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        let is_crd = kind == "CustomResourceDefinition";
        let converts = is_crd && conversions.has(&object);
        let meta = &mut object["metadata"];
        meta["labels"] = LABELS.into();
        if !is_crd {
            prefix(&mut meta["name"]);
        }
        if matches!(kind.as_str(), "Role" | "RoleBinding") {
            meta["namespace"] = NAMESPACE.into();
        }
        let annotations = match kind.as_str() {
            "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
                Some(WEBHOOK_ANNOTATIONS)
            }
            _ if converts => Some(CONVERTING_CRD_ANNOTATIONS),
            _ if is_crd => Some(CRD_ANNOTATIONS),
            _ => None,
        };
        if annotations.is_some() {
            meta["annotations"] = ANNOTATIONS.into();
        }
        if converts {
            object["spec"]["conversion"] = CONVERSION.into();
        }
        if let Some(role) = object.get_mut("roleRef") {
            prefix(&mut role["name"]);
        }
        for subject in items(&mut object, "subjects") {
            prefix(&mut subject["name"]);
            subject["namespace"] = NAMESPACE.into();
        }
        for hook in items(&mut object, "webhooks") {
            if let Some(service) = hook.pointer_mut("/clientConfig/service") {
                prefix(&mut service["name"]);
                service["namespace"] = NAMESPACE.into();
            }
        }
        let yaml = crate::yaml::to_string(&object)?.replace("{{", r#"{{ "{{" }}"#);
        out.push(template_text(&yaml, annotations.unwrap_or_default()));
    }
    Ok(out.join("---\n"))
}

/// Writes the numbers of `value` that are whole (`minimum: 0.0`) as integers, as kustomize
/// writes them for `make deploy`: the same schema, and the same objects from both.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// The items of the list `key` of `object`; none when there is no such list.
fn items<'a>(object: &'a mut Value, key: &str) -> impl Iterator<Item = &'a mut Value> {
    object
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn prefix(name: &mut Value) {
    if let Some(n) = name.as_str() {
        *name = format!("{PREFIX}{n}").into();
    }
}

/// The YAML of an object with its placeholders replaced by template text.
fn template_text(yaml: &str, annotations: &str) -> String {
    let mut out = String::new();
    for line in yaml.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed == format!("labels: {LABELS}") {
            let pad = " ".repeat(indent);
            out.push_str(&format!(
                "{pad}labels:\n{pad}  {{{{- include \"chart.labels\" . | nindent {} }}}}\n",
                indent + 2
            ));
        } else if trimmed == format!("annotations: {ANNOTATIONS}") {
            out.push_str(annotations);
            out.push('\n');
        } else if trimmed == format!("conversion: {CONVERSION}") {
            out.push_str(CRD_CONVERSION);
            out.push('\n');
        } else {
            let line = line
                .replace(PREFIX, "{{ include \"chart.name\" . }}-")
                .replace(NAMESPACE, "{{ .Release.Namespace }}");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Plans `values.yaml` from the user's `disk`, the defaults kubeforge wrote last time (`was`)
/// and the defaults of now (`will`): see [`merge`].
fn merge_values(plan: &mut Plan, disk: &str, was: Option<&String>, will: &str) -> Result<()> {
    let file = Path::new(VALUES);
    let first = |text: &str| -> Result<Value> {
        Ok(crate::yaml::values_from_str(file, text)?
            .into_iter()
            .next()
            .unwrap_or(Value::Null))
    };
    let (user, new) = (first(disk)?, first(will)?);
    let old = was.map(|w| first(w)).transpose()?;
    let merged = merge(&user, old.as_ref(), &new);
    if merged == new {
        return plan.rewrite(VALUES, will.to_string(), "follows the chart");
    }
    if merged == user {
        return Ok(());
    }
    let text = format!(
        "# The values of the chart: the values set here, and the defaults of the keys the chart\n\
         # gained (kubeforge merged them in and rewrote the file).\n{}",
        crate::yaml::to_string(&merged)?
    );
    plan.rewrite(
        VALUES,
        text,
        "keeps the values set, adds the chart's new keys",
    )
}

/// The values of `user` merged with the new defaults `new`: a value the user left at the old
/// default (`old`) takes the new default; any other value the user set is kept, and so are keys
/// the chart does not have; keys the user does not have come from `new`.
fn merge(user: &Value, old: Option<&Value>, new: &Value) -> Value {
    match (user, new) {
        (Value::Object(u), Value::Object(n)) => {
            let mut out = u.clone();
            for (key, value) in n {
                let merged = match u.get(key) {
                    Some(mine) => merge(mine, old.and_then(|o| o.get(key)), value),
                    None => value.clone(),
                };
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        _ if old == Some(user) => new.clone(),
        _ => user.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keeps_what_the_user_set_and_adds_new_keys() {
        let old = json!({"a": {"x": 1, "y": true}, "b": "s"});
        let user = json!({"a": {"x": 3, "y": true}, "b": "s", "mine": [1]});
        let new = json!({"a": {"x": 1, "y": false, "z": 2}, "b": "t", "c": {}});
        let merged = merge(&user, Some(&old), &new);
        assert_eq!(
            merged,
            json!({"a": {"x": 3, "y": false, "z": 2}, "b": "t", "c": {}, "mine": [1]})
        );
        // Without the old defaults, every value of the user is kept.
        let merged = merge(&user, None, &new);
        assert_eq!(
            merged,
            json!({"a": {"x": 3, "y": true, "z": 2}, "b": "s", "c": {}, "mine": [1]})
        );
    }

    #[test]
    fn derived_objects_take_the_prefix_namespace_and_labels() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: manager-role\nrules: []\n";
        let out = objects("role.yaml", text, &Conversions::default()).unwrap();
        assert!(
            out.contains("  name: {{ include \"chart.name\" . }}-manager-role\n"),
            "{out}"
        );
        assert!(
            out.contains("  namespace: {{ .Release.Namespace }}\n"),
            "{out}"
        );
        assert!(
            out.contains("  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n"),
            "{out}"
        );
        assert!(!out.contains("KUBEFORGE-CHART"), "{out}");
    }

    #[test]
    fn template_actions_in_derived_text_are_escaped() {
        let text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: '{{ .Values }}'\n";
        let out = objects("x.yaml", text, &Conversions::default()).unwrap();
        assert!(out.contains(r#"{{ "{{" }} .Values }}"#), "{out}");
    }
}
