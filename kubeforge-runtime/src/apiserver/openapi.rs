//! The OpenAPI documents of the served kinds: `/openapi/v2` (Swagger 2.0) and `/openapi/v3`
//! with one OpenAPI 3.0 document per group-version, made from each kind's `JsonSchema`, so that
//! `kubectl explain` describes its fields.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value, json};

use super::resource::{Endpoint, KindInfo};

/// The name of a kind's schema: the group's labels reversed, the version and the kind, e.g.
/// `com.example.wardle.v1alpha1.Flunder`.
pub fn schema_name(group: &str, version: &str, kind: &str) -> String {
    let mut labels: Vec<&str> = group.split('.').filter(|label| !label.is_empty()).collect();
    labels.reverse();
    labels.push(version);
    labels.push(kind);
    labels.join(".")
}

/// Where the documents refer to their schemas.
#[derive(Debug, Clone, Copy)]
enum Flavour {
    /// `#/components/schemas/`.
    V3,
    /// `#/definitions/`.
    V2,
}

impl Flavour {
    fn prefix(self) -> &'static str {
        match self {
            Flavour::V3 => "#/components/schemas/",
            Flavour::V2 => "#/definitions/",
        }
    }
}

/// Rewrites every `$ref` to `prefix`, whichever prefix schemars gave it.
fn rewrite_refs(value: &mut Value, prefix: &str) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::String(target) if key == "$ref" => {
                        if let Some((_, name)) = target.rsplit_once('/') {
                            *target = format!("{prefix}{name}");
                        }
                    }
                    _ => rewrite_refs(field, prefix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, prefix)),
        _ => {}
    }
}

fn gvk(info: &KindInfo, kind: &str) -> Value {
    json!([{"group": info.group, "version": info.version, "kind": kind}])
}

/// The schemas of the kinds `endpoints`: each kind, its list, and what they refer to.
fn schemas<'a>(
    endpoints: impl Iterator<Item = &'a dyn Endpoint>,
    flavour: Flavour,
) -> Map<String, Value> {
    let mut schemas = Map::new();
    for endpoint in endpoints {
        let info = endpoint.info();
        let mut root = endpoint.schema();
        rewrite_refs(&mut root, flavour.prefix());
        let Value::Object(mut root) = root else {
            continue;
        };
        // Whatever schemars kept apart (recursive types) goes beside the kind.
        for key in ["$defs", "definitions", "components"] {
            let defs = match root.remove(key) {
                Some(Value::Object(mut defs)) if key == "components" => defs.remove("schemas"),
                other => other,
            };
            if let Some(Value::Object(defs)) = defs {
                schemas.extend(defs);
            }
        }
        root.remove("$schema");
        // Every object has them, whether its type serializes them or not.
        if let Some(Value::Object(properties)) = root.get_mut("properties") {
            let described = |what: &str| json!({"type": "string", "description": what});
            properties.entry("apiVersion").or_insert_with(|| {
                described(
                    "APIVersion defines the versioned schema of this representation of an object.",
                )
            });
            properties.entry("kind").or_insert_with(|| {
                described(
                    "Kind is a string value representing the REST resource this object represents.",
                )
            });
        }
        root.insert(
            "x-kubernetes-group-version-kind".into(),
            gvk(info, &info.kind),
        );
        let name = schema_name(&info.group, &info.version, &info.kind);
        let list = json!({
            "description": format!("A list of {}.", info.kind),
            "type": "object",
            "required": ["items"],
            "properties": {
                "apiVersion": {"type": "string", "description": "The version of the list."},
                "kind": {"type": "string", "description": "The kind of the list."},
                "metadata": {"type": "object", "description": "The resourceVersion of the list."},
                "items": {"type": "array", "items": {"$ref": format!("{}{name}", flavour.prefix())}},
            },
            "x-kubernetes-group-version-kind": gvk(info, &format!("{}List", info.kind)),
        });
        schemas.insert(name.clone(), Value::Object(root));
        schemas.insert(format!("{name}List"), list);
    }
    schemas
}

/// The paths of a kind: `get` of an object and `list` of the collection.
fn paths<'a>(
    endpoints: impl Iterator<Item = &'a dyn Endpoint>,
    flavour: Flavour,
) -> Map<String, Value> {
    let mut paths = Map::new();
    for endpoint in endpoints {
        let info = endpoint.info();
        let name = schema_name(&info.group, &info.version, &info.kind);
        let base = if info.namespaced {
            format!(
                "/apis/{}/{}/namespaces/{{namespace}}/{}",
                info.group, info.version, info.plural
            )
        } else {
            format!("/apis/{}/{}/{}", info.group, info.version, info.plural)
        };
        let operation = |action: &str, schema: &str| {
            let reference = json!({"$ref": format!("{}{schema}", flavour.prefix())});
            let response = match flavour {
                Flavour::V3 => {
                    json!({"description": "OK", "content": {"application/json": {"schema": reference}}})
                }
                Flavour::V2 => json!({"description": "OK", "schema": reference}),
            };
            json!({"get": {
                "operationId": format!("{action}{}", info.kind),
                "responses": {"200": response},
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": {"group": info.group, "version": info.version, "kind": info.kind},
            }})
        };
        paths.insert(format!("{base}/{{name}}"), operation("get", &name));
        paths.insert(base, operation("list", &format!("{name}List")));
    }
    paths
}

/// The Swagger 2.0 document of every served kind.
pub(crate) fn v2(endpoints: &[Box<dyn Endpoint>]) -> Value {
    let all = || endpoints.iter().map(|endpoint| endpoint.as_ref());
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes extension API server", "version": "v0.0.0"},
        "paths": paths(all(), Flavour::V2),
        "definitions": schemas(all(), Flavour::V2),
    })
}

/// The OpenAPI 3.0 document of the kinds of `group`/`version`.
pub(crate) fn v3_group_version(
    endpoints: &[Box<dyn Endpoint>],
    group: &str,
    version: &str,
) -> Option<Value> {
    let served = || {
        endpoints
            .iter()
            .map(|endpoint| endpoint.as_ref())
            .filter(|endpoint| endpoint.info().group == group && endpoint.info().version == version)
    };
    served().next()?;
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes extension API server", "version": "v0.0.0"},
        "paths": paths(served(), Flavour::V3),
        "components": {"schemas": schemas(served(), Flavour::V3)},
    }))
}

/// The hash of a document, for its `serverRelativeURL`.
fn hash(document: &Value) -> String {
    let mut hasher = DefaultHasher::new();
    document.to_string().hash(&mut hasher);
    format!("{:016X}", hasher.finish())
}

/// The `/openapi/v3` index: one entry per served group-version.
pub(crate) fn v3_index(endpoints: &[Box<dyn Endpoint>]) -> Value {
    let mut paths = Map::new();
    for endpoint in endpoints {
        let info = endpoint.info();
        let path = format!("apis/{}/{}", info.group, info.version);
        if paths.contains_key(&path) {
            continue;
        }
        if let Some(document) = v3_group_version(endpoints, &info.group, &info.version) {
            let url = format!("/openapi/v3/{path}?hash={}", hash(&document));
            paths.insert(path, json!({"serverRelativeURL": url}));
        }
    }
    json!({"paths": paths})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_schemas_by_the_reversed_group() {
        assert_eq!(
            schema_name("wardle.example.com", "v1alpha1", "Flunder"),
            "com.example.wardle.v1alpha1.Flunder"
        );
    }

    #[test]
    fn rewrites_refs() {
        let mut value =
            json!({"a": {"$ref": "#/$defs/Spec"}, "b": [{"$ref": "#/components/schemas/X"}]});
        rewrite_refs(&mut value, "#/definitions/");
        assert_eq!(value["a"]["$ref"], "#/definitions/Spec");
        assert_eq!(value["b"][0]["$ref"], "#/definitions/X");
    }
}
