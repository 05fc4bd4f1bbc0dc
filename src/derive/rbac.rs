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
use crate::model::ApiGroup;

const PREFIX: &str = "+kubeforge:rbac:";
/// The derived role file.
pub const ROLE: &str = "config/rbac/role.yaml";
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
    for found in super::markers::find(text, PREFIX) {
        out.push(parse_marker(found.body.trim()).map_err(|message| Error::InvalidFile {
            file: file.into(),
            line: Some(found.line),
            column: Some(found.comment_at + 1),
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
                    .map(|g| {
                        ApiGroup::from_written(g.trim().trim_matches('"'))
                            .api()
                            .to_string()
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

/// `config/rbac/role.yaml` and the warnings to show.
pub struct Roles {
    pub yaml: String,
    pub warnings: Vec<String>,
}

/// Renders `config/rbac/role.yaml` from the markers: the manager role first, then one Role per
/// namespace named by markers. In a namespaced project the manager role is a Role; rules on
/// cluster-scoped resources (`cluster_scoped`: group and plural) and URLs cannot live in a Role,
/// so they go to a ClusterRole with its binding, and a warning says so.
pub fn role_yaml(
    markers: &[Marker],
    namespaced_project: bool,
    cluster_scoped: &BTreeSet<(String, String)>,
) -> Result<Roles> {
    let scopes = split_by_scope(markers, namespaced_project, cluster_scoped);
    let mut out = String::from(crate::yaml::GENERATED_HEADER);
    push_roles(&mut out, &scopes.local, namespaced_project)?;
    if !scopes.cluster.is_empty() {
        push_cluster_role(&mut out, &scopes.cluster)?;
    }
    Ok(Roles {
        yaml: out,
        warnings: scopes.warnings,
    })
}

/// The markers split by where their rules can be granted, with a warning per marker that a
/// namespaced project has to grant through a ClusterRole.
struct Scopes {
    /// Rules of the manager role and of the Roles per namespace.
    local: Vec<Marker>,
    /// Rules that only a ClusterRole can grant in a namespaced project.
    cluster: Vec<Marker>,
    warnings: Vec<String>,
}

/// Splits the markers of a namespaced project into the rules a Role can grant and those on
/// cluster-scoped resources or URLs; in a cluster-wide project, every rule stays local.
fn split_by_scope(
    markers: &[Marker],
    namespaced_project: bool,
    cluster_scoped: &BTreeSet<(String, String)>,
) -> Scopes {
    let mut scopes = Scopes {
        local: Vec::new(),
        cluster: Vec::new(),
        warnings: Vec::new(),
    };
    for m in markers {
        if !namespaced_project || m.namespace.is_some() {
            scopes.local.push(m.clone());
            continue;
        }
        let is_cluster = |r: &String| {
            let base = r.split('/').next().unwrap_or_default();
            m.groups
                .iter()
                .any(|g| cluster_scoped.contains(&(g.clone(), base.to_string())))
        };
        let (c, l): (Vec<String>, Vec<String>) = m.resources.iter().cloned().partition(is_cluster);
        if !c.is_empty() || !m.urls.is_empty() {
            let what: Vec<String> = c.iter().chain(m.urls.iter()).cloned().collect();
            scopes.warnings.push(format!(
                "warning   the project is namespaced, but {} cannot be granted by a Role: config/rbac/role.yaml gives them a ClusterRole",
                what.join(", ")
            ));
            scopes.cluster.push(Marker {
                resources: c,
                ..m.clone()
            });
        }
        if !l.is_empty() {
            scopes.local.push(Marker {
                resources: l,
                urls: Vec::new(),
                ..m.clone()
            });
        }
    }
    scopes
}

/// Appends the manager role (always, even without rules), then a Role per namespace that
/// markers name.
fn push_roles(out: &mut String, local: &[Marker], namespaced_project: bool) -> Result<()> {
    let mut by_scope: BTreeMap<Option<String>, Vec<&Marker>> = BTreeMap::new();
    by_scope.entry(None).or_default();
    for m in local {
        by_scope.entry(m.namespace.clone()).or_default().push(m);
    }
    for (namespace, ms) in by_scope {
        let kind = if namespace.is_some() || namespaced_project {
            "Role"
        } else {
            "ClusterRole"
        };
        push(
            out,
            &RoleDoc {
                api_version: RBAC_V1,
                kind,
                metadata: Meta {
                    name: ROLE_NAME.into(),
                    namespace,
                },
                rules: merge(&ms),
            },
        )?;
    }
    Ok(())
}

/// Appends the ClusterRole of a namespaced project's cluster-wide rules and its binding to the
/// manager's service account.
fn push_cluster_role(out: &mut String, cluster: &[Marker]) -> Result<()> {
    let refs: Vec<&Marker> = cluster.iter().collect();
    push(
        out,
        &RoleDoc {
            api_version: RBAC_V1,
            kind: "ClusterRole",
            metadata: Meta {
                name: CLUSTER_ROLE_NAME.into(),
                namespace: None,
            },
            rules: merge(&refs),
        },
    )?;
    push(
        out,
        &BindingDoc {
            api_version: RBAC_V1,
            kind: "ClusterRoleBinding",
            metadata: Meta {
                name: format!("{CLUSTER_ROLE_NAME}binding"),
                namespace: None,
            },
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: CLUSTER_ROLE_NAME,
            },
            subjects: vec![Subject {
                kind: "ServiceAccount",
                name: "controller-manager",
                namespace: "system",
            }],
        },
    )
}

const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";
/// The ClusterRole of a namespaced project, for what a Role cannot grant.
pub const CLUSTER_ROLE_NAME: &str = "manager-cluster-role";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BindingDoc {
    api_version: &'static str,
    kind: &'static str,
    metadata: Meta,
    role_ref: RoleRef,
    subjects: Vec<Subject>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleRef {
    api_group: &'static str,
    kind: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Subject {
    kind: &'static str,
    name: &'static str,
    namespace: &'static str,
}

fn push(out: &mut String, doc: &impl Serialize) -> Result<()> {
    out.push_str("---\n");
    out.push_str(&crate::yaml::to_string(doc)?);
    Ok(())
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
        let yaml = role_yaml(&ms, false, &BTreeSet::new()).unwrap().yaml;
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
        let yaml = role_yaml(&[], true, &BTreeSet::new()).unwrap().yaml;
        assert!(yaml.contains("kind: Role\n"), "{yaml}");
        assert!(!yaml.contains("ClusterRole"), "{yaml}");
    }

    #[test]
    fn namespaced_project_puts_cluster_scoped_rules_in_a_cluster_role() {
        let src = "// +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks;clusterthings;clusterthings/status,verbs=get\n";
        let ms = markers("src/c.rs", src).unwrap();
        let cluster = BTreeSet::from([(
            "webapp.example.com".to_string(),
            "clusterthings".to_string(),
        )]);
        let roles = role_yaml(&ms, true, &cluster).unwrap();
        let docs =
            crate::yaml::values_from_str(std::path::Path::new("role.yaml"), &roles.yaml).unwrap();
        assert_eq!(docs.len(), 3, "{}", roles.yaml);
        assert_eq!(docs[0]["kind"], "Role");
        assert_eq!(
            docs[0]["rules"][0]["resources"],
            serde_json::json!(["guestbooks"])
        );
        assert_eq!(docs[1]["kind"], "ClusterRole");
        assert_eq!(
            docs[1]["rules"][0]["resources"],
            serde_json::json!(["clusterthings", "clusterthings/status"])
        );
        assert_eq!(docs[2]["kind"], "ClusterRoleBinding");
        assert_eq!(roles.warnings.len(), 1);
        assert!(roles.warnings[0].contains("clusterthings"));
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
