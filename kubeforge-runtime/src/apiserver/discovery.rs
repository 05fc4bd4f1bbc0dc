//! The discovery documents: `/apis` (APIGroupList), `/apis/<group>` (APIGroup) and
//! `/apis/<group>/<version>` (APIResourceList), in the legacy form. The aggregator asks for the
//! aggregated form first, gets `application/json`, and falls back to these.

use serde_json::{Value, json};

use super::resource::Endpoint;

/// The verbs of every served resource.
pub const VERBS: [&str; 7] = [
    "create", "delete", "get", "list", "patch", "update", "watch",
];

/// The versions of `group`, in the order of their first kind: the first is preferred.
fn versions(endpoints: &[Box<dyn Endpoint>], group: &str) -> Vec<String> {
    let mut versions: Vec<String> = Vec::new();
    for endpoint in endpoints {
        let info = endpoint.info();
        if info.group == group && !versions.contains(&info.version) {
            versions.push(info.version.clone());
        }
    }
    versions
}

fn group_document(endpoints: &[Box<dyn Endpoint>], group: &str) -> Option<Value> {
    let versions = versions(endpoints, group);
    let for_version = |version: &String| json!({"groupVersion": format!("{group}/{version}"), "version": version});
    let preferred = versions.first()?;
    Some(json!({
        "name": group,
        "versions": versions.iter().map(for_version).collect::<Vec<_>>(),
        "preferredVersion": for_version(preferred),
    }))
}

/// `/apis`: every served group.
pub(crate) fn group_list(endpoints: &[Box<dyn Endpoint>]) -> Value {
    let mut groups: Vec<&str> = Vec::new();
    for endpoint in endpoints {
        let group = endpoint.info().group.as_str();
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .filter_map(|group| group_document(endpoints, group))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`, when the group is served.
pub(crate) fn group(endpoints: &[Box<dyn Endpoint>], group: &str) -> Option<Value> {
    let mut document = group_document(endpoints, group)?;
    document["kind"] = json!("APIGroup");
    document["apiVersion"] = json!("v1");
    Some(document)
}

/// `/apis/<group>/<version>`, when the group-version is served.
pub(crate) fn resource_list(
    endpoints: &[Box<dyn Endpoint>],
    group: &str,
    version: &str,
) -> Option<Value> {
    let resources: Vec<Value> = endpoints
        .iter()
        .map(|endpoint| endpoint.info())
        .filter(|info| info.group == group && info.version == version)
        .flat_map(|info| {
            let resource = json!({
                "name": info.plural,
                "singularName": info.kind.to_lowercase(),
                "namespaced": info.namespaced,
                "kind": info.kind,
                "verbs": VERBS,
            });
            let status = info.has_status.then(|| {
                json!({
                    "name": format!("{}/status", info.plural),
                    "singularName": "",
                    "namespaced": info.namespaced,
                    "kind": info.kind,
                    "verbs": ["get", "patch", "update"],
                })
            });
            std::iter::once(resource).chain(status)
        })
        .collect();
    if resources.is_empty() {
        return None;
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": format!("{group}/{version}"),
        "resources": resources,
    }))
}
