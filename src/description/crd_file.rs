//! A CustomResourceDefinition given to `create api --from`: each of its versions read as the
//! description it amounts to (names, scope, columns, subresources, selectable fields, served and
//! storage, and the `spec` and `status` schemas), with the places of the original file, so that
//! errors point into it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::errors::{errs, yaml_error};
use super::format::{
    At, DescriptionFile, Node, Pos, PrinterColumn, Properties, Required, SchemaNode, Scope,
    SelectableField, Subresources, strict_bool,
};
use crate::error::Error;

/// The CRD manifest, as far as a description holds it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdFile {
    spec: At<CrdSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdSpec {
    group: At<String>,
    names: CrdNames,
    scope: Option<At<Scope>>,
    versions: Vec<At<CrdVersion>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdNames {
    kind: At<String>,
    plural: Option<At<String>>,
    singular: Option<At<String>>,
    short_names: Option<Vec<At<String>>>,
    categories: Option<Vec<At<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdVersion {
    name: At<String>,
    #[serde(default, deserialize_with = "strict_bool")]
    served: Option<At<bool>>,
    #[serde(default, deserialize_with = "strict_bool")]
    storage: Option<At<bool>>,
    #[serde(default, deserialize_with = "strict_bool")]
    deprecated: Option<At<bool>>,
    deprecation_warning: Option<At<String>>,
    schema: Option<At<VersionSchema>>,
    subresources: Option<At<Subresources>>,
    additional_printer_columns: Option<Vec<At<PrinterColumn>>>,
    selectable_fields: Option<Vec<At<SelectableField>>>,
}

#[derive(Debug, Deserialize)]
struct VersionSchema {
    #[serde(rename = "openAPIV3Schema")]
    open_api_v3_schema: At<RootSchema>,
}

/// The root of a version's schema: `spec` and `status` become the description's; `apiVersion`,
/// `kind` and `metadata` are Kubernetes' own.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RootSchema {
    description: Option<At<String>>,
    #[serde(default)]
    properties: BTreeMap<String, At<Node>>,
    #[serde(default)]
    required: Vec<At<String>>,
}

/// Whether a parsed YAML document is a CustomResourceDefinition.
pub fn is_crd(doc: &Value) -> bool {
    doc["kind"] == "CustomResourceDefinition"
        && doc["apiVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("apiextensions.k8s.io/"))
}

/// One description per version of the CRD in `text` (a single document whose lines keep their
/// numbers in the file), the storage version first.
pub fn versions(file: &Path, text: &str) -> Result<Vec<DescriptionFile>, Error> {
    let crd: CrdFile = crate::yaml::from_str(file, text).map_err(yaml_error)?;
    let spec_at = crd.spec.pos();
    let mut spec = crd.spec.value;
    let versions = std::mem::take(&mut spec.versions);
    let mut out = versions
        .into_iter()
        .map(|version| version_file(file, &spec, version))
        .collect::<Result<Vec<_>, _>>()?;
    let stored = out
        .iter()
        .filter(|d| d.storage.as_ref().is_some_and(|s| s.value))
        .count();
    if stored != 1 {
        return Err(errs(file).at(
            spec_at,
            format!("the CRD has {stored} storage versions"),
            "mark exactly one version `storage: true`",
        ));
    }
    out.sort_by_key(|d| !d.storage.as_ref().is_some_and(|s| s.value));
    Ok(out)
}

/// The description one version of the CRD amounts to.
fn version_file(
    file: &Path,
    spec: &CrdSpec,
    version: At<CrdVersion>,
) -> Result<DescriptionFile, Error> {
    let at = version.pos();
    let v = version.value;
    let root = v.schema.map(|s| s.value.open_api_v3_schema);
    let root_at = root.as_ref().map_or(at, At::pos);
    let (description, mut properties, required) = match root {
        Some(root) => (
            root.value.description,
            root.value.properties,
            root.value.required,
        ),
        None => (None, BTreeMap::new(), Vec::new()),
    };
    for key in ["apiVersion", "kind", "metadata"] {
        properties.remove(key);
    }
    let status_node = properties.remove("status");
    // Root fields beside `spec`, or none named `spec`: the kind's fields sit at the root.
    let no_spec = properties.len() != 1 || !properties.contains_key("spec");
    let spec_node = if no_spec {
        if properties.is_empty() {
            return Err(errs(file).at(
                at,
                format!(
                    "version {} has no `spec` schema and no other fields",
                    v.name.value
                ),
                "give the version's openAPIV3Schema a `spec` property",
            ));
        }
        Some(root_fields(root_at, properties, required))
    } else {
        properties.remove("spec")
    };
    let names = &spec.names;
    Ok(DescriptionFile {
        group: Some(spec.group.clone()),
        version: Some(v.name),
        kind: Some(At::new(
            serde_json::Value::String(names.kind.value.clone()),
            names.kind.line,
            names.kind.column,
        )),
        plural: names.plural.clone(),
        singular: names.singular.clone(),
        scope: spec.scope.clone(),
        short_names: names.short_names.clone(),
        categories: names.categories.clone(),
        // No description stays none: kube-derive's placeholder is for types without a doc.
        description: description
            .or_else(|| Some(At::new(String::new(), root_at.line, root_at.column))),
        additional_printer_columns: v.additional_printer_columns,
        subresources: v.subresources,
        selectable_fields: v.selectable_fields,
        served: v.served,
        storage: v.storage,
        deprecated: v.deprecated,
        deprecation_warning: v.deprecation_warning,
        spec: spec_node,
        no_spec: no_spec.then(|| At::new(true, root_at.line, root_at.column)),
        status: status_node,
        ..DescriptionFile::default()
    })
}

/// The root fields of a version whose objects have no `spec`, or other fields beside it, as
/// the schema of a `spec` whose fields sit at the root (`noSpec`). `metadata` is left out of
/// `required`: kube-derive cannot require it, and every object has it anyway.
fn root_fields(
    at: Pos,
    properties: BTreeMap<String, At<Node>>,
    required: Vec<At<String>>,
) -> At<Node> {
    let properties = properties
        .into_iter()
        .map(|(name, node)| (At::new(name, node.line, node.column), node))
        .collect();
    let required: Vec<At<String>> = required
        .into_iter()
        .filter(|r| r.value != "metadata")
        .collect();
    let schema = SchemaNode {
        type_: Some(At::new("object".to_string(), at.line, at.column)),
        properties: Some(At::new(Properties(properties), at.line, at.column)),
        required: (!required.is_empty())
            .then(|| At::new(Required::List(required), at.line, at.column)),
        ..SchemaNode::default()
    };
    At::new(Node::Full(Box::new(schema)), at.line, at.column)
}

/// How many characters of a value a difference shows.
const SHOWN: usize = 60;

/// Every difference between the CRD given to `create api --from` and the CRD kubeforge derived
/// for it, one line each (paths as in the manifest, versions by name), with its reason when it
/// is one of the [`KNOWN`] ones. The CRD's `status` and the metadata the API server sets are
/// not compared.
pub fn differences(input: &Value, adopted: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut input = input.clone();
    implicit(&mut input);
    for key in ["apiVersion", "kind", "spec"] {
        compare(key, &input[key], &adopted[key], &mut out);
    }
    for key in ["name", "annotations", "labels"] {
        let path = format!("metadata.{key}");
        compare(
            &path,
            &input["metadata"][key],
            &adopted["metadata"][key],
            &mut out,
        );
    }
    out
}

/// Takes out of an input CRD what the API server assumes when it is absent, so that leaving it
/// out is no difference: `listKind` of `<Kind>List`, a `singular` of the kind in lowercase,
/// and the root properties `apiVersion`, `kind` and `metadata`, which every object has.
fn implicit(crd: &mut Value) {
    let names = &mut crd["spec"]["names"];
    if names["singular"].is_null()
        && let Some(kind) = names["kind"].as_str()
    {
        names["singular"] = Value::String(kind.to_ascii_lowercase());
    }
    if names["listKind"].as_str()
        == names["kind"]
            .as_str()
            .map(|k| format!("{k}List"))
            .as_deref()
    {
        names.as_object_mut().map(|n| n.remove("listKind"));
    }
    let Some(versions) = crd["spec"]["versions"].as_array_mut() else {
        return;
    };
    for version in versions {
        let root = &mut version["schema"]["openAPIV3Schema"]["properties"];
        if let Some(properties) = root.as_object_mut() {
            for (key, type_) in [
                ("apiVersion", "string"),
                ("kind", "string"),
                ("metadata", "object"),
            ] {
                // Only as plain as the API server's own: a schema with more says more.
                let plain = properties
                    .get(key)
                    .and_then(Value::as_object)
                    .is_some_and(|s| {
                        s.get("type").and_then(Value::as_str) == Some(type_)
                            && s.keys().all(|k| k == "type" || k == "description")
                    });
                if plain {
                    properties.remove(key);
                }
            }
        }
    }
}

/// The differences an adopted CRD has for a known reason: where (a path ends so, or holds
/// this), which change (`added`, `dropped`, `changes`), and why. The README lists them.
pub const KNOWN: &[(&str, &str, &str)] = &[
    (
        "openAPIV3Schema.title",
        "added",
        "kube-derive titles the root schema with the kind",
    ),
    (
        "openAPIV3Schema.required",
        "added",
        "kube-derive's root type has a `spec` that is not an Option",
    ),
    (
        "openAPIV3Schema.required",
        "changes",
        "kube-derive cannot require `metadata`, which every object has anyway",
    ),
    (
        "properties.status.nullable",
        "added",
        "kube-derive's root type has the status as an Option",
    ),
    (
        "openAPIV3Schema.properties.status",
        "added",
        "kube-derive's status subresource needs a status type",
    ),
    (
        ".subresources.status",
        "added",
        "kube-derive serves the status of a kind that has one as a subresource",
    ),
    (
        ".anyOf",
        "dropped",
        "kube's schema rewriter takes `type` out of `anyOf` entries; `x-kubernetes-int-or-string` says the same",
    ),
    (
        "].allOf",
        "added",
        "kept inside an `allOf` of the entry, where kube's schema rewriter leaves it; same meaning",
    ),
    (
        "].properties",
        "dropped",
        "kept inside an `allOf` of the entry, where kube's schema rewriter leaves it; same meaning",
    ),
    (
        "].enum",
        "dropped",
        "kept inside an `allOf` of the entry, where kube's schema rewriter leaves it; same meaning",
    ),
    (
        "properties.status.properties.conditions",
        "",
        "the scaffolded controller's metav1.Condition, said above",
    ),
    (
        "properties.status.properties.observedGeneration",
        "",
        "the scaffolded controller reports it, said above",
    ),
];

/// `line` with the reason of the difference at `path`, if it is a [`KNOWN`] one.
fn with_reason(path: &str, change: &str, line: String) -> String {
    let known = KNOWN.iter().find(|(at, which, _)| {
        (path.ends_with(at)
            || (at.starts_with("properties.status.properties.") && path.contains(at)))
            && (which.is_empty() || *which == change)
    });
    match known {
        Some((_, _, why)) => format!("{line} ({why})"),
        None => line,
    }
}

fn compare(path: &str, input: &Value, adopted: &Value, out: &mut Vec<String>) {
    match (input, adopted) {
        (Value::Null, Value::Null) => {}
        (Value::Null, added) => out.push(with_reason(
            path,
            "added",
            format!("`{path}` is added: {}", show(added)),
        )),
        (dropped, Value::Null) => out.push(with_reason(
            path,
            "dropped",
            format!("`{path}` is dropped: {}", show(dropped)),
        )),
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let null = Value::Null;
                let (x, y) = (a.get(key).unwrap_or(&null), b.get(key).unwrap_or(&null));
                compare(&format!("{path}.{key}"), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if path.ends_with(".versions") => {
            let named =
                |list: &[Value], name: &Value| list.iter().find(|v| v["name"] == *name).cloned();
            for version in a {
                let name = &version["name"];
                let other = named(b, name).unwrap_or(Value::Null);
                compare(&format!("{path}[{}]", show(name)), version, &other, out);
            }
            for version in b.iter().filter(|v| named(a, &v["name"]).is_none()) {
                out.push(format!("`{path}` gains version {}", show(&version["name"])));
            }
        }
        (Value::Array(a), Value::Array(b)) if path.ends_with(".required") => {
            let set = |l: &[Value]| {
                l.iter()
                    .map(show)
                    .collect::<std::collections::BTreeSet<_>>()
            };
            if set(a) != set(b) {
                out.push(with_reason(
                    path,
                    "changes",
                    format!(
                        "`{path}` changes: {} becomes {}",
                        show(input),
                        show(adopted)
                    ),
                ));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        _ => out.push(with_reason(
            path,
            "changes",
            format!(
                "`{path}` changes: {} becomes {}",
                show(input),
                show(adopted)
            ),
        )),
    }
}

/// A value as JSON, cut to [`SHOWN`] characters.
fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}
