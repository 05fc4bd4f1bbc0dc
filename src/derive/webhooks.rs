//! Admission webhook manifests from markers in the project's source, kubebuilder style:
//!
//! `// +kubeforge:webhook:path=/mutate-webapp-example-com-v1-guestbook,mutating=true,failurePolicy=fail,sideEffects=None,groups=webapp.example.com,resources=guestbooks,verbs=create;update,versions=v1,name=mguestbook-v1.webapp.example.com,admissionReviewVersions=v1`
//!
//! Keys: `path`, `mutating`, `failurePolicy`, `sideEffects`, `groups`, `resources`, `verbs`,
//! `versions`, `name` (all required), `admissionReviewVersions` (default `v1`), and the optional
//! `matchPolicy`, `timeoutSeconds` and `reinvocationPolicy` (mutating webhooks only). Lists are
//! `;`-separated; `groups=""` (or `groups=core`) is the core API group.
//!
//! `kubeforge generate` writes `config/webhook/manifests.yaml`: a MutatingWebhookConfiguration
//! `mutating-webhook-configuration` (when any marker is mutating), then a
//! ValidatingWebhookConfiguration `validating-webhook-configuration` (when any is not), each
//! listing its webhooks sorted by name, with the layout controller-gen gives kubebuilder projects.
//!
//! Without any marker nothing is written and `config/webhook/` is not created. When the markers
//! disappear from a project that has the file, the file is left as it is and a warning names it:
//! no content is both valid for kustomize and empty (a file with no document, or configurations
//! with no webhook, break `kustomize build` or the API server's validation), and deleting files is
//! not something the plan does, so the user deletes it (and what refers to it) on purpose.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::ApiGroup;

const PREFIX: &str = "+kubeforge:webhook:";
/// The generated file.
pub const MANIFESTS: &str = "config/webhook/manifests.yaml";
pub const MUTATING_CONFIGURATION: &str = "mutating-webhook-configuration";
pub const VALIDATING_CONFIGURATION: &str = "validating-webhook-configuration";
/// The Service the API server calls (before kustomize prefixes).
pub const SERVICE_NAME: &str = "webhook-service";
pub const SERVICE_NAMESPACE: &str = "system";

const HINT: &str = "write it as `// +kubeforge:webhook:path=/<path>,mutating=<true|false>,failurePolicy=<fail|ignore>,sideEffects=<None|NoneOnDryRun>,groups=<g;..>,resources=<r;..>,verbs=<create;update;..>,versions=<v;..>,name=<name.example.com>`";

/// One parsed marker, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub mutating: bool,
    /// `Fail` or `Ignore`.
    pub failure_policy: String,
    /// `None` or `NoneOnDryRun`.
    pub side_effects: String,
    /// `""` is the core group.
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    /// Upper case: `CREATE`, `UPDATE`, `DELETE`, `CONNECT` or `*`.
    pub operations: Vec<String>,
    pub versions: Vec<String>,
    pub name: String,
    pub admission_review_versions: Vec<String>,
    /// `Exact` or `Equivalent`.
    pub match_policy: Option<String>,
    pub timeout_seconds: Option<i32>,
    /// `Never` or `IfNeeded`.
    pub reinvocation_policy: Option<String>,
}

/// What is wrong with a marker: the message, the byte offset in the line of the key at fault
/// (None: the marker as a whole), and a hint when a specific one helps.
struct Problem {
    message: String,
    at: Option<usize>,
    hint: Option<String>,
}

impl Problem {
    fn at(at: usize, message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            at: Some(at),
            hint: None,
        }
    }

    fn whole(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            at: None,
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

/// Every webhook marker in a Rust source file. Errors name the file, the line, and the column of
/// the key at fault (of the marker when a key is missing).
pub fn markers(file: &str, text: &str) -> Result<Vec<Marker>> {
    let mut out = Vec::new();
    for found in super::markers::find(text, PREFIX) {
        let (line, marker_at) = (found.text, found.comment_at);
        let body_at = line.len() - found.body.len();
        let column = |byte: usize| line[..byte].chars().count() + 1;
        let marker =
            parse_marker(found.body.trim_end(), body_at).map_err(|p| Error::InvalidFile {
                file: file.into(),
                line: Some(found.line),
                column: Some(column(p.at.unwrap_or(marker_at))),
                message: format!("invalid webhook marker: {}", p.message),
                hint: Some(p.hint.unwrap_or_else(|| HINT.into())),
            })?;
        out.push(Marker {
            file: file.into(),
            line: found.line,
            column: column(marker_at),
            ..marker
        });
    }
    Ok(out)
}

const KNOWN: &str = "path, mutating, failurePolicy, sideEffects, groups, resources, verbs, versions, name, admissionReviewVersions, matchPolicy, timeoutSeconds, reinvocationPolicy";
const REQUIRED: [&str; 9] = [
    "path",
    "mutating",
    "failurePolicy",
    "sideEffects",
    "groups",
    "resources",
    "verbs",
    "versions",
    "name",
];

/// Parses the text after the prefix; `base` is its byte offset in the line.
fn parse_marker(body: &str, base: usize) -> Result<Marker, Problem> {
    let mut m = unset_marker();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut offset = 0;
    for part in body.split(',') {
        let at = base + offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        let entry = Entry::split(part, at)?;
        if seen.insert(entry.key, at).is_some() {
            return Err(Problem::at(at, format!("`{}` is given twice", entry.key)));
        }
        set_key(&mut m, &entry)?;
    }
    check_required(&seen)?;
    check_reinvocation(&m, &seen)?;
    Ok(m)
}

/// A marker with no key set yet: empty values, and the default `admissionReviewVersions`.
fn unset_marker() -> Marker {
    Marker {
        file: String::new(),
        line: 0,
        column: 0,
        path: String::new(),
        mutating: false,
        failure_policy: String::new(),
        side_effects: String::new(),
        groups: vec![],
        resources: vec![],
        operations: vec![],
        versions: vec![],
        name: String::new(),
        admission_review_versions: vec!["v1".into()],
        match_policy: None,
        timeout_seconds: None,
        reinvocation_policy: None,
    }
}

/// One `key=value` of a marker, trimmed, with the byte offset of the key in the line.
struct Entry<'a> {
    key: &'a str,
    value: &'a str,
    at: usize,
}

impl<'a> Entry<'a> {
    /// Splits `part` (found at byte `at`) at its first `=`.
    fn split(part: &'a str, at: usize) -> Result<Entry<'a>, Problem> {
        let Some((key, value)) = part.split_once('=') else {
            return Err(Problem::at(
                at,
                format!("`{}` is not key=value", part.trim()),
            ));
        };
        Ok(Entry {
            key: key.trim(),
            value: value.trim(),
            at,
        })
    }

    /// The value as a `;`-separated list of at least one `what`, quotes removed.
    fn list(&self, what: &str) -> Result<Vec<String>, Problem> {
        let items: Vec<String> = self
            .value
            .split(';')
            .map(|v| v.trim().trim_matches('"'))
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect();
        if items.is_empty() {
            return Err(Problem::at(
                self.at,
                format!("`{}` lists no {what}", self.key),
            ));
        }
        Ok(items)
    }

    /// The value as one of `choices`, in the choice's case, compared case-insensitively.
    fn one_of(&self, choices: &[&'static str]) -> Result<String, Problem> {
        choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case(self.value))
            .map(|c| c.to_string())
            .ok_or_else(|| {
                Problem::at(
                    self.at,
                    format!(
                        "`{}={}` is not one of {}",
                        self.key,
                        self.value,
                        choices
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    /// A problem at this entry's key.
    fn problem(&self, message: impl Into<String>) -> Problem {
        Problem::at(self.at, message)
    }
}

/// Sets the field of `m` that the entry's key names, from its value.
fn set_key(m: &mut Marker, e: &Entry) -> Result<(), Problem> {
    match e.key {
        "path" => m.path = path_value(e)?,
        "mutating" => m.mutating = mutating_value(e)?,
        "failurePolicy" => m.failure_policy = e.one_of(&["Fail", "Ignore"])?,
        "sideEffects" => m.side_effects = side_effects_value(e)?,
        "groups" => m.groups = groups_value(e.value),
        "resources" => m.resources = e.list("resources")?,
        "verbs" => m.operations = operations_value(e)?,
        "versions" => m.versions = e.list("versions")?,
        "name" => m.name = name_value(e)?,
        "admissionReviewVersions" => {
            m.admission_review_versions = admission_review_versions_value(e)?;
        }
        "matchPolicy" => m.match_policy = Some(e.one_of(&["Exact", "Equivalent"])?),
        "timeoutSeconds" => m.timeout_seconds = Some(timeout_value(e)?),
        "reinvocationPolicy" => {
            m.reinvocation_policy = Some(e.one_of(&["Never", "IfNeeded"])?);
        }
        other => {
            return Err(e.problem(format!("unknown key `{other}` (known: {KNOWN})")));
        }
    }
    Ok(())
}

/// `path`: starts with `/`, without spaces.
fn path_value(e: &Entry) -> Result<String, Problem> {
    let value = e.value;
    if !value.starts_with('/') {
        return Err(e.problem(format!("`path={value}` does not start with `/`"))
            .hint("the path is where the manager serves this webhook, e.g. `path=/mutate-webapp-example-com-v1-guestbook`"));
    }
    if value.contains(char::is_whitespace) {
        return Err(e.problem(format!("`path={value}` contains a space")));
    }
    Ok(value.to_string())
}

/// `mutating`: `true` or `false`.
fn mutating_value(e: &Entry) -> Result<bool, Problem> {
    match e.value {
        "true" => Ok(true),
        "false" => Ok(false),
        value => Err(e.problem(format!("`mutating={value}` is neither `true` nor `false`"))),
    }
}

/// `sideEffects`: `None` or `NoneOnDryRun`; `Some` and `Unknown` get their own message.
fn side_effects_value(e: &Entry) -> Result<String, Problem> {
    let value = e.value;
    if value.eq_ignore_ascii_case("some") || value.eq_ignore_ascii_case("unknown") {
        return Err(e.problem(
            format!("`sideEffects={value}` is refused by admissionregistration.k8s.io/v1"),
        )
        .hint("a webhook with side effects must skip them on dry runs and say `sideEffects=NoneOnDryRun`"));
    }
    e.one_of(&["None", "NoneOnDryRun"])
}

/// `groups`: `groups=""`, `groups=` and `groups=core` are the core group.
fn groups_value(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(|g| {
            ApiGroup::from_written(g.trim().trim_matches('"'))
                .api()
                .to_string()
        })
        .collect()
}

/// `verbs`: the operations an admission webhook sees, upper case.
fn operations_value(e: &Entry) -> Result<Vec<String>, Problem> {
    e.list("verbs")?
        .into_iter()
        .map(|v| match v.to_ascii_lowercase().as_str() {
            "create" | "update" | "delete" | "connect" | "*" => Ok(v.to_ascii_uppercase()),
            _ => Err(e.problem(
                format!("unknown verb `{v}` (known: create, update, delete, connect, *)"),
            )
            .hint("admission webhooks see create, update, delete and connect requests; other verbs never reach them")),
        })
        .collect()
}

/// `name`: a fully qualified DNS name.
fn name_value(e: &Entry) -> Result<String, Problem> {
    let value = e.value;
    check_name(value).map_err(|why| {
        e.problem(format!("`name={value}` {why}")).hint(
            "name the webhook with a fully qualified DNS name of at least three segments, e.g. `name=mguestbook-v1.webapp.example.com`",
        )
    })?;
    Ok(value.to_string())
}

/// `admissionReviewVersions`: `v1` and `v1beta1`.
fn admission_review_versions_value(e: &Entry) -> Result<Vec<String>, Problem> {
    let versions = e.list("versions")?;
    if let Some(v) = versions
        .iter()
        .find(|v| !matches!(v.as_str(), "v1" | "v1beta1"))
    {
        return Err(e.problem(format!(
            "unknown AdmissionReview version `{v}` (known: v1, v1beta1)"
        )));
    }
    Ok(versions)
}

/// `timeoutSeconds`: a number of seconds from 1 to 30.
fn timeout_value(e: &Entry) -> Result<i32, Problem> {
    match e.value.parse::<i32>() {
        Ok(t) if (1..=30).contains(&t) => Ok(t),
        _ => Err(e.problem(format!(
            "`timeoutSeconds={}` is not a number of seconds from 1 to 30",
            e.value
        ))),
    }
}

/// Refuses a marker that lacks a required key, naming all that are missing.
fn check_required(seen: &BTreeMap<&str, usize>) -> Result<(), Problem> {
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| !seen.contains_key(k))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let verb = if missing.len() == 1 { "is" } else { "are" };
    Err(Problem::whole(format!("{list} {verb} missing")))
}

/// Refuses `reinvocationPolicy` on a validating webhook.
fn check_reinvocation(m: &Marker, seen: &BTreeMap<&str, usize>) -> Result<(), Problem> {
    if !m.mutating
        && let Some(at) = seen.get("reinvocationPolicy")
    {
        return Err(
            Problem::at(*at, "`reinvocationPolicy` is for mutating webhooks only")
                .hint("remove `reinvocationPolicy`, or make the webhook `mutating=true`"),
        );
    }
    Ok(())
}

/// A fully qualified DNS name: at least three RFC 1123 labels, 253 characters at most.
fn check_name(name: &str) -> Result<(), String> {
    if name.len() > 253 {
        return Err("is longer than 253 characters".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(format!(
                "is not a DNS name: `{label}` is not 1 to 63 lower case letters, digits or `-`, starting and ending with a letter or digit"
            ));
        }
    }
    if labels.len() < 3 {
        return Err("is not fully qualified: it needs at least three segments".into());
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigurationDoc {
    api_version: &'static str,
    kind: &'static str,
    metadata: Meta,
    webhooks: Vec<WebhookDoc>,
}

#[derive(Serialize)]
struct Meta {
    name: &'static str,
}

/// Keys in alphabetical order, as controller-gen writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WebhookDoc {
    admission_review_versions: Vec<String>,
    client_config: ClientConfig,
    failure_policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    match_policy: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reinvocation_policy: Option<String>,
    rules: Vec<RuleDoc>,
    side_effects: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_seconds: Option<i32>,
}

#[derive(Serialize)]
struct ClientConfig {
    service: Service,
}

#[derive(Serialize)]
struct Service {
    name: &'static str,
    namespace: &'static str,
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDoc {
    api_groups: Vec<String>,
    api_versions: Vec<String>,
    operations: Vec<String>,
    resources: Vec<String>,
}

/// Renders `config/webhook/manifests.yaml` from the markers, or None when there is none. Two
/// markers with the same name are refused (the second one is reported).
pub fn manifests_yaml(markers: &[Marker]) -> Result<Option<String>> {
    if markers.is_empty() {
        return Ok(None);
    }
    let mut by_name: BTreeMap<&str, &Marker> = BTreeMap::new();
    for m in markers {
        if let Some(first) = by_name.insert(&m.name, m) {
            return Err(Error::InvalidFile {
                file: m.file.clone().into(),
                line: Some(m.line),
                column: Some(m.column),
                message: format!(
                    "invalid webhook marker: the name `{}` is already used by the marker at {}:{}:{}",
                    m.name, first.file, first.line, first.column
                ),
                hint: Some("give each webhook marker its own `name=`".into()),
            });
        }
    }
    let mut out = String::from(crate::yaml::GENERATED_HEADER);
    for (mutating, kind, name) in [
        (true, "MutatingWebhookConfiguration", MUTATING_CONFIGURATION),
        (
            false,
            "ValidatingWebhookConfiguration",
            VALIDATING_CONFIGURATION,
        ),
    ] {
        let webhooks: Vec<WebhookDoc> = by_name
            .values()
            .filter(|m| m.mutating == mutating)
            .map(|m| webhook_doc(m))
            .collect();
        if webhooks.is_empty() {
            continue;
        }
        out.push_str("---\n");
        out.push_str(&crate::yaml::to_string(&ConfigurationDoc {
            api_version: "admissionregistration.k8s.io/v1",
            kind,
            metadata: Meta { name },
            webhooks,
        })?);
    }
    Ok(Some(out))
}

fn webhook_doc(m: &Marker) -> WebhookDoc {
    WebhookDoc {
        admission_review_versions: m.admission_review_versions.clone(),
        client_config: ClientConfig {
            service: Service {
                name: SERVICE_NAME,
                namespace: SERVICE_NAMESPACE,
                path: m.path.clone(),
            },
        },
        failure_policy: m.failure_policy.clone(),
        match_policy: m.match_policy.clone(),
        name: m.name.clone(),
        reinvocation_policy: m.reinvocation_policy.clone(),
        rules: vec![RuleDoc {
            api_groups: m.groups.clone(),
            api_versions: m.versions.clone(),
            operations: m.operations.clone(),
            resources: m.resources.clone(),
        }],
        side_effects: m.side_effects.clone(),
        timeout_seconds: m.timeout_seconds,
    }
}

/// Plans `config/webhook/manifests.yaml` from the markers of `src/**/*.rs`. Without markers the
/// file is not planned; if a generated one exists, a warning tells the user to delete it.
pub fn plan(plan: &mut crate::scaffold::Plan, markers: &[Marker]) -> Result<()> {
    match manifests_yaml(markers)? {
        Some(yaml) => plan.regenerate(MANIFESTS, yaml),
        None => {
            if plan
                .read(MANIFESTS)?
                .is_some_and(|t| t.starts_with(crate::yaml::GENERATED_HEADER))
            {
                plan.notes.push(format!(
                    "warning   no webhook marker is left in src/: {MANIFESTS} is kept as it is; delete it (and the references to it under config/) if the project has no webhook any more"
                ));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::admissionregistration::v1::{
        MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
    };

    const MUTATE: &str = "// +kubeforge:webhook:path=/mutate-webapp-example-com-v1-guestbook,mutating=true,failurePolicy=fail,sideEffects=None,groups=webapp.example.com,resources=guestbooks,verbs=create;update,versions=v1,name=mguestbook-v1.webapp.example.com,admissionReviewVersions=v1";
    const VALIDATE: &str = "    // +kubeforge:webhook:path=/validate-webapp-example-com-v1-guestbook,mutating=false,failurePolicy=Ignore,sideEffects=NoneOnDryRun,groups=webapp.example.com,resources=guestbooks,verbs=create;update;delete,versions=v1,name=vguestbook-v1.webapp.example.com,matchPolicy=equivalent,timeoutSeconds=5";
    const POD: &str = "// +kubeforge:webhook:path=/mutate--v1-pod,mutating=true,failurePolicy=Fail,sideEffects=None,groups=\"\",resources=pods,verbs=create,versions=v1,name=mpod-v1.kb.io,admissionReviewVersions=v1;v1beta1,reinvocationPolicy=IfNeeded";

    fn err(line: &str) -> String {
        markers("src/w.rs", &format!("fn a() {{}}\n{line}\n"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn parses_a_marker() {
        let ms = markers("src/w.rs", &format!("fn a() {{}}\n{MUTATE}\n")).unwrap();
        assert_eq!(ms.len(), 1);
        let m = &ms[0];
        assert_eq!((m.line, m.column), (2, 1));
        assert!(m.mutating);
        assert_eq!(m.failure_policy, "Fail");
        assert_eq!(m.operations, ["CREATE", "UPDATE"]);
        assert_eq!(m.admission_review_versions, ["v1"]);
        let core = markers("src/w.rs", POD).unwrap();
        assert_eq!(core[0].groups, [""]);
        assert_eq!(core[0].reinvocation_policy.as_deref(), Some("IfNeeded"));
        // Not markers: other comments, doc comments, other kubeforge markers.
        let none = markers(
            "src/w.rs",
            "/// +kubeforge:webhook:path=x\n// +kubeforge:scaffold:webhook-hooks\n// +kubeforge:rbac:groups=a,resources=b,verbs=get\n",
        )
        .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn renders_both_configurations() {
        let text = format!("{VALIDATE}\n{POD}\n{MUTATE}\n");
        let ms = markers("src/w.rs", &text).unwrap();
        let yaml = manifests_yaml(&ms).unwrap().unwrap();
        assert!(yaml.starts_with(crate::yaml::GENERATED_HEADER));
        let docs = crate::yaml::values_from_str(std::path::Path::new(MANIFESTS), &yaml).unwrap();
        assert_eq!(docs.len(), 2, "{yaml}");
        let mutating: MutatingWebhookConfiguration =
            serde_json::from_value(docs[0].clone()).unwrap();
        assert_eq!(docs[0]["apiVersion"], "admissionregistration.k8s.io/v1");
        assert_eq!(docs[0]["kind"], "MutatingWebhookConfiguration");
        assert_eq!(
            mutating.metadata.name.as_deref(),
            Some(MUTATING_CONFIGURATION)
        );
        let hooks = mutating.webhooks.unwrap();
        // Sorted by name.
        let names: Vec<&str> = hooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["mguestbook-v1.webapp.example.com", "mpod-v1.kb.io"]);
        let g = &hooks[0];
        assert_eq!(g.admission_review_versions, ["v1"]);
        let svc = g.client_config.service.as_ref().unwrap();
        assert_eq!(svc.name, SERVICE_NAME);
        assert_eq!(svc.namespace, SERVICE_NAMESPACE);
        assert_eq!(
            svc.path.as_deref(),
            Some("/mutate-webapp-example-com-v1-guestbook")
        );
        assert_eq!(g.failure_policy.as_deref(), Some("Fail"));
        assert_eq!(g.side_effects, "None");
        assert_eq!(g.match_policy, None);
        assert_eq!(g.timeout_seconds, None);
        assert_eq!(g.reinvocation_policy, None);
        let rules = g.rules.as_ref().unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(
            rules[0].api_groups.as_deref(),
            Some(&["webapp.example.com".to_string()][..])
        );
        assert_eq!(
            rules[0].api_versions.as_deref(),
            Some(&["v1".to_string()][..])
        );
        assert_eq!(
            rules[0].operations.as_deref(),
            Some(&["CREATE".to_string(), "UPDATE".to_string()][..])
        );
        assert_eq!(
            rules[0].resources.as_deref(),
            Some(&["guestbooks".to_string()][..])
        );
        let pod = &hooks[1];
        assert_eq!(pod.admission_review_versions, ["v1", "v1beta1"]);
        assert_eq!(
            pod.rules.as_ref().unwrap()[0].api_groups.as_deref(),
            Some(&[String::new()][..])
        );
        assert_eq!(pod.reinvocation_policy.as_deref(), Some("IfNeeded"));

        assert_eq!(docs[1]["kind"], "ValidatingWebhookConfiguration");
        let validating: ValidatingWebhookConfiguration =
            serde_json::from_value(docs[1].clone()).unwrap();
        assert_eq!(
            validating.metadata.name.as_deref(),
            Some(VALIDATING_CONFIGURATION)
        );
        let v = &validating.webhooks.unwrap()[0];
        assert_eq!(v.name, "vguestbook-v1.webapp.example.com");
        assert_eq!(v.failure_policy.as_deref(), Some("Ignore"));
        assert_eq!(v.side_effects, "NoneOnDryRun");
        assert_eq!(v.match_policy.as_deref(), Some("Equivalent"));
        assert_eq!(v.timeout_seconds, Some(5));
        assert_eq!(
            v.rules.as_ref().unwrap()[0].operations.as_deref(),
            Some(
                &[
                    "CREATE".to_string(),
                    "UPDATE".to_string(),
                    "DELETE".to_string()
                ][..]
            )
        );
        // Only the keys controller-gen writes.
        assert_eq!(
            docs[1]["webhooks"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            [
                "admissionReviewVersions",
                "clientConfig",
                "failurePolicy",
                "matchPolicy",
                "name",
                "rules",
                "sideEffects",
                "timeoutSeconds"
            ]
        );
    }

    #[test]
    fn output_is_deterministic() {
        let a = markers("src/w.rs", &format!("{MUTATE}\n{VALIDATE}\n{POD}\n")).unwrap();
        let mut b = markers("src/w.rs", &format!("{POD}\n{VALIDATE}\n{MUTATE}\n")).unwrap();
        let yaml = manifests_yaml(&a).unwrap().unwrap();
        assert_eq!(yaml, manifests_yaml(&b).unwrap().unwrap());
        b.reverse();
        assert_eq!(yaml, manifests_yaml(&b).unwrap().unwrap());
    }

    #[test]
    fn only_the_configurations_in_use_are_written() {
        let ms = markers("src/w.rs", VALIDATE).unwrap();
        let yaml = manifests_yaml(&ms).unwrap().unwrap();
        assert!(!yaml.contains("MutatingWebhookConfiguration"), "{yaml}");
        assert!(yaml.contains("kind: ValidatingWebhookConfiguration\n"));
        assert_eq!(manifests_yaml(&[]).unwrap(), None);
    }

    #[test]
    fn bad_markers_name_their_line_column_and_a_hint() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // (marker edit: from, to), expected location, expected message part
            (
                "admissionReviewVersions=v1",
                "admissionReviewVersions=v1,color=blue",
                "src/w.rs:2:",
                "unknown key `color`",
            ),
            (
                "path=/mutate",
                "path=mutate",
                "src/w.rs:2:23:",
                "does not start with `/`",
            ),
            (
                "mutating=true",
                "mutating=yes",
                "src/w.rs:2:",
                "`mutating=yes`",
            ),
            (
                "failurePolicy=fail",
                "failurePolicy=sometimes",
                "src/w.rs:2:",
                "`failurePolicy=sometimes` is not one of `Fail`, `Ignore`",
            ),
            (
                "sideEffects=None",
                "sideEffects=Some",
                "src/w.rs:2:",
                "refused by admissionregistration.k8s.io/v1",
            ),
            (
                "sideEffects=None",
                "sideEffects=Unknown",
                "src/w.rs:2:",
                "refused",
            ),
            (
                "verbs=create;update",
                "verbs=create;patch",
                "src/w.rs:2:",
                "unknown verb `patch`",
            ),
            (
                "name=mguestbook-v1.webapp.example.com",
                "name=mguestbook",
                "src/w.rs:2:",
                "not fully qualified",
            ),
            (
                "name=mguestbook-v1.webapp.example.com",
                "name=m.example",
                "src/w.rs:2:",
                "not fully qualified",
            ),
            (
                "name=mguestbook-v1.webapp.example.com",
                "name=MGuestbook.webapp.example.com",
                "src/w.rs:2:",
                "is not a DNS name",
            ),
            (
                "admissionReviewVersions=v1",
                "admissionReviewVersions=v1,timeoutSeconds=31",
                "src/w.rs:2:",
                "`timeoutSeconds=31`",
            ),
            (
                "admissionReviewVersions=v1",
                "admissionReviewVersions=v1,matchPolicy=fuzzy",
                "src/w.rs:2:",
                "`matchPolicy=fuzzy`",
            ),
            (
                "admissionReviewVersions=v1",
                "admissionReviewVersions=v2",
                "src/w.rs:2:",
                "unknown AdmissionReview version `v2`",
            ),
            (
                "admissionReviewVersions=v1",
                "admissionReviewVersions=v1,name=x.y.z",
                "src/w.rs:2:",
                "`name` is given twice",
            ),
            (
                "resources=guestbooks,",
                "",
                "src/w.rs:2:1:",
                "`resources` is missing",
            ),
            (
                "path=/mutate-webapp-example-com-v1-guestbook,mutating=true,",
                "",
                "src/w.rs:2:1:",
                "`path`, `mutating` are missing",
            ),
            ("mutating=true", "mutating=false", "", ""),
            (
                "mutating=true",
                "mutating=false,reinvocationPolicy=Never",
                "src/w.rs:2:",
                "`reinvocationPolicy` is for mutating webhooks only",
            ),
            (
                "resources=guestbooks",
                "resources=guestbooks,oops",
                "src/w.rs:2:",
                "`oops` is not key=value",
            ),
        ];
        for (from, to, location, message) in cases {
            let line = MUTATE.replacen(from, to, 1);
            assert_ne!(line, MUTATE, "{from}");
            if message.is_empty() {
                markers("src/w.rs", &line).unwrap();
                continue;
            }
            let msg = err(&line);
            assert!(
                msg.starts_with(location) && msg.contains("invalid webhook marker: "),
                "{to}: {msg}"
            );
            assert!(msg.contains(message), "{to}: {msg}");
            assert!(msg.contains("\n  hint: "), "{to}: {msg}");
            let e = markers("src/w.rs", &format!("fn a() {{}}\n{line}\n")).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            let Error::InvalidFile { line, column, .. } = e else {
                panic!("{msg}")
            };
            assert_eq!(line, Some(2));
            assert!(column.is_some_and(|c| c >= 1));
            // The column points at the key at fault, when there is one.
            if !to.is_empty() && !location.ends_with(":1:") {
                let key = to.rsplit(',').next().unwrap();
                let text = MUTATE.replacen(from, to, 1);
                let want = text.find(key).unwrap() + 1;
                assert_eq!(column, Some(want), "{to}: {msg}");
            }
        }
    }

    #[test]
    fn duplicate_names_are_refused() {
        let a = markers("src/a.rs", MUTATE).unwrap();
        let b = markers("src/b.rs", &format!("\n\n  {MUTATE}\n")).unwrap();
        let all: Vec<Marker> = a.into_iter().chain(b).collect();
        let e = manifests_yaml(&all).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("src/b.rs:3:3: invalid webhook marker: the name `mguestbook-v1.webapp.example.com` is already used by the marker at src/a.rs:1:1"),
            "{msg}"
        );
        assert!(msg.contains("hint: give each webhook marker its own `name=`"));
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn no_marker_keeps_the_file_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = crate::scaffold::Plan::new(dir.path());
        plan(&mut p, &[]).unwrap();
        assert!(p.changes().is_empty());
        assert!(p.notes.is_empty());
        std::fs::create_dir_all(dir.path().join("config/webhook")).unwrap();
        let ms = markers("src/w.rs", MUTATE).unwrap();
        let yaml = manifests_yaml(&ms).unwrap().unwrap();
        std::fs::write(dir.path().join(MANIFESTS), &yaml).unwrap();
        let mut p = crate::scaffold::Plan::new(dir.path());
        plan(&mut p, &[]).unwrap();
        assert!(p.changes().is_empty());
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].contains(MANIFESTS), "{}", p.notes[0]);
        let mut p = crate::scaffold::Plan::new(dir.path());
        plan(&mut p, &ms).unwrap();
        assert!(crate::scaffold::writer::is_noop(&p));
    }
}
