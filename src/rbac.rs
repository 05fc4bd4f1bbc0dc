//! RBAC from markers in the project's source, kubebuilder style:
//!
//! `// +kubeforge:rbac:groups=apps,resources=deployments;deployments/status,verbs=get;list;watch`
//!
//! Keys: `groups`, `resources`, `resourceNames`, `verbs`, `urls`, `namespace`. Lists are
//! `;`-separated. Rules are merged and deduplicated into the manager's ClusterRole (a Role when the
//! project is namespaced), and into a Role per `namespace=`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{Error, Result};

const PREFIX: &str = "+kubeforge:rbac:";
pub const ROLE_NAME: &str = "manager-role";

/// One parsed marker.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Marker {
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub verbs: Vec<String>,
    pub urls: Vec<String>,
    pub namespace: Option<String>,
}

/// Every RBAC marker in a Rust source file.
pub fn markers(file: &str, text: &str) -> Result<Vec<Marker>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("//").map(str::trim_start) else {
            continue;
        };
        let Some(body) = rest.strip_prefix(PREFIX) else {
            continue;
        };
        let column = line.len() - trimmed.len() + 1;
        out.push(parse_marker(body.trim()).map_err(|message| Error::InvalidFile {
            file: file.into(),
            line: n + 1,
            column,
            message: format!("invalid RBAC marker: {message}"),
            hint: Some("write it as `// +kubeforge:rbac:groups=<g;..>,resources=<r;..>,verbs=<v;..>` (or `urls=` with `verbs=`)".into()),
        })?);
    }
    Ok(out)
}

fn parse_marker(body: &str) -> Result<Marker, String> {
    let mut m = Marker::default();
    for part in body.split(',') {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` is not key=value"))?;
        let list = || -> Vec<String> {
            value
                .split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
                .collect()
        };
        match key.trim() {
            // An empty group ("groups=\"\"" or "groups=core") is the core API group.
            "groups" => {
                m.groups = value
                    .split(';')
                    .map(|g| match g.trim().trim_matches('"') {
                        "core" => String::new(),
                        g => g.to_string(),
                    })
                    .collect()
            }
            "resources" => m.resources = list(),
            "resourceNames" => m.resource_names = list(),
            "verbs" => m.verbs = list(),
            "urls" => m.urls = list(),
            "namespace" => m.namespace = Some(value.trim().to_string()),
            other => {
                return Err(format!(
                    "unknown key `{other}` (known: groups, resources, resourceNames, verbs, urls, namespace)"
                ));
            }
        }
    }
    if m.verbs.is_empty() {
        return Err("`verbs` is missing".into());
    }
    if m.urls.is_empty() && (m.resources.is_empty() || m.groups.is_empty()) {
        return Err("needs `groups` and `resources`, or `urls`".into());
    }
    if !m.urls.is_empty() && !m.resources.is_empty() {
        return Err("`urls` cannot be combined with `resources`".into());
    }
    Ok(m)
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
struct Rule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    api_groups: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    non_resource_urls: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resource_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<String>,
    verbs: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleDoc {
    api_version: &'static str,
    kind: &'static str,
    metadata: Meta,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Meta {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
}

/// Renders `config/rbac/role.yaml` from the markers: the manager role first, then one Role per
/// namespace named by markers.
pub fn role_yaml(markers: &[Marker], namespaced_project: bool) -> Result<String> {
    let mut by_scope: BTreeMap<Option<String>, Vec<&Marker>> = BTreeMap::new();
    by_scope.entry(None).or_default();
    for m in markers {
        by_scope.entry(m.namespace.clone()).or_default().push(m);
    }
    let mut docs = Vec::new();
    for (namespace, ms) in by_scope {
        let kind = if namespace.is_some() || namespaced_project {
            "Role"
        } else {
            "ClusterRole"
        };
        docs.push(RoleDoc {
            api_version: "rbac.authorization.k8s.io/v1",
            kind,
            metadata: Meta {
                name: ROLE_NAME.into(),
                namespace,
            },
            rules: merge(&ms),
        });
    }
    let mut out = String::from(crate::commands::GENERATED_YAML_HEADER);
    for doc in docs {
        out.push_str("---\n");
        out.push_str(&crate::yaml::to_string(&doc)?);
    }
    Ok(out)
}

/// Deduplicates: verbs are unioned per (group, resource, resourceNames), then resources sharing
/// group, names and verbs are listed in one rule.
fn merge(markers: &[&Marker]) -> Vec<Rule> {
    type Key = (String, String, Vec<String>);
    let mut verbs: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    let mut url_verbs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in markers {
        let mut names = m.resource_names.clone();
        names.sort();
        names.dedup();
        for g in &m.groups {
            for r in &m.resources {
                verbs
                    .entry((g.clone(), r.clone(), names.clone()))
                    .or_default()
                    .extend(m.verbs.iter().cloned());
            }
        }
        for u in &m.urls {
            url_verbs
                .entry(u.clone())
                .or_default()
                .extend(m.verbs.iter().cloned());
        }
    }
    let mut grouped: BTreeMap<(String, Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for ((g, r, names), v) in verbs {
        grouped
            .entry((g, names, v.into_iter().collect()))
            .or_default()
            .push(r);
    }
    let mut rules: Vec<Rule> = grouped
        .into_iter()
        .map(|((g, names, verbs), resources)| Rule {
            api_groups: vec![g],
            non_resource_urls: vec![],
            resource_names: names,
            resources,
            verbs,
        })
        .collect();
    rules.sort();
    let mut urls_grouped: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (u, v) in url_verbs {
        urls_grouped
            .entry(v.into_iter().collect())
            .or_default()
            .push(u);
    }
    rules.extend(urls_grouped.into_iter().map(|(verbs, urls)| Rule {
        api_groups: vec![],
        non_resource_urls: urls,
        resource_names: vec![],
        resources: vec![],
        verbs,
    }));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_merges() {
        let src = "\
// +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks,verbs=get;list;watch
    // +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks,verbs=update;get
// +kubeforge:rbac:groups=webapp.example.com,resources=memcacheds,verbs=get;list;update;watch
// +kubeforge:rbac:groups=core,resources=configmaps,resourceNames=a;b,verbs=get
// +kubeforge:rbac:urls=/metrics,verbs=get
// +kubeforge:rbac:groups=apps,resources=deployments,verbs=get,namespace=infra
";
        let ms = markers("src/controllers/x.rs", src).unwrap();
        assert_eq!(ms.len(), 6);
        assert_eq!(ms[3].groups, vec![""]);
        let yaml = role_yaml(&ms, false).unwrap();
        let docs = crate::yaml::values_from_str(std::path::Path::new("role.yaml"), &yaml).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0]["kind"], "ClusterRole");
        let rules = docs[0]["rules"].as_array().unwrap();
        // configmaps (core), guestbooks+memcacheds merged (same verbs), then the URL rule.
        assert_eq!(rules.len(), 3, "{yaml}");
        assert_eq!(rules[0]["apiGroups"][0], "");
        assert_eq!(rules[0]["resourceNames"], serde_json::json!(["a", "b"]));
        assert_eq!(
            rules[1]["resources"],
            serde_json::json!(["guestbooks", "memcacheds"])
        );
        assert_eq!(
            rules[1]["verbs"],
            serde_json::json!(["get", "list", "update", "watch"])
        );
        assert_eq!(rules[2]["nonResourceURLs"], serde_json::json!(["/metrics"]));
        assert_eq!(docs[1]["kind"], "Role");
        assert_eq!(docs[1]["metadata"]["namespace"], "infra");
    }

    #[test]
    fn namespaced_project_gets_a_role() {
        let yaml = role_yaml(&[], true).unwrap();
        assert!(yaml.contains("kind: Role\n"), "{yaml}");
    }

    #[test]
    fn bad_markers_name_their_line() {
        let err = markers(
            "src/c.rs",
            "fn a() {}\n// +kubeforge:rbac:groups=a,resources=b\n",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("src/c.rs:2:1: invalid RBAC marker: `verbs` is missing"),
            "{msg}"
        );
        let err = markers(
            "src/c.rs",
            "// +kubeforge:rbac:group=a,resources=b,verbs=get\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown key `group`"));
    }
}
