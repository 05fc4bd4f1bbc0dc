//! The CRD schema a description describes (its `spec` and `status` nodes), as JSON, and the
//! comparison of a derived CRD schema with it, modulo the documented equivalences:
//!
//! * `required` follows the order of the properties (compared as a set);
//! * `anyOf: [{type: integer}, {type: string}]` beside `x-kubernetes-int-or-string` is dropped,
//!   as kube's IntOrString emits the extension alone;
//! * inside `anyOf`, `oneOf`, `allOf` and `not`, lists of `required` are sorted and without
//!   duplicates (kube-core writes them as sets);
//! * `uniqueItems: false` is dropped (kube strips `uniqueItems`; `true` is refused);
//! * numbers are compared by value (`1` and `1.0` are equal: a `number` field's integral
//!   default is written `1.0`);
//! * `status` is nullable (kube makes it `Option<Status>`);
//! * the insides of well-known types come from k8s-openapi; only the keywords the description
//!   sets on such a node are compared.

use serde_json::{Map, Value, json};

use super::format::{ListType, MapType};
use super::ir::{Ir, Kind};

/// Marks a well-known type in an expected schema (its insides are not compared).
pub const WELL_KNOWN_MARK: &str = "x-kubeforge-well-known";

/// The expected CRD schema of a node.
pub fn schema(ir: &Ir) -> Value {
    let mut m = Map::new();
    put_type(&mut m, ir);
    put_annotations(&mut m, ir);
    put_bounds(&mut m, ir);
    put_extensions(&mut m, ir);
    Value::Object(m)
}

/// The type of a node, with its properties, items or map values.
fn put_type(m: &mut Map<String, Value>, ir: &Ir) {
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    match &ir.kind {
        Kind::String => put("type", json!("string")),
        Kind::Integer => put("type", json!("integer")),
        Kind::Number => put("type", json!("number")),
        Kind::Boolean => put("type", json!("boolean")),
        Kind::Object { props, additional } => {
            put("type", json!("object"));
            if let Some(a) = additional {
                put("additionalProperties", schema(a));
            }
            if !props.is_empty() {
                let mut p = Map::new();
                for prop in props {
                    p.insert(prop.name.clone(), schema(&prop.schema));
                }
                put("properties", Value::Object(p));
                let req: Vec<Value> = props
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| json!(p.name))
                    .collect();
                if !req.is_empty() {
                    put("required", Value::Array(req));
                }
            }
        }
        Kind::Array(items) => {
            put("type", json!("array"));
            put("items", schema(items));
        }
        Kind::IntOrString => put("x-kubernetes-int-or-string", json!(true)),
        Kind::WellKnown(w) => {
            if let Some(Value::Object(raw)) = crate::crd::k8s::raw_schema(w.canonical) {
                for (k, v) in raw {
                    put(&k, v);
                }
            }
            put(WELL_KNOWN_MARK, json!(w.name));
        }
    }
}

/// The description, title, format, nullability, default, example and enum values.
fn put_annotations(m: &mut Map<String, Value>, ir: &Ir) {
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    if let Some(d) = &ir.description {
        put("description", json!(d));
    }
    if let Some(t) = &ir.title {
        put("title", json!(t));
    }
    if let Some(f) = &ir.format {
        put("format", json!(f));
    }
    if let Some(n) = ir.nullable {
        put("nullable", json!(n));
    }
    if let Some(d) = &ir.default {
        put("default", d.value.clone());
    }
    if let Some(e) = &ir.example {
        put("example", e.clone());
    }
    if let Some(e) = &ir.enum_ {
        put("enum", Value::Array(e.value.clone()));
    }
}

/// The numeric bounds, the counts, the pattern and `x-kubernetes-int-or-string: false`.
fn put_bounds(m: &mut Map<String, Value>, ir: &Ir) {
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    for (k, v) in [
        ("minimum", ir.minimum),
        ("maximum", ir.maximum),
        ("multipleOf", ir.multiple_of),
    ] {
        if let Some(v) = v {
            put(k, json!(v));
        }
    }
    for (k, v) in [
        ("exclusiveMinimum", ir.exclusive_minimum),
        ("exclusiveMaximum", ir.exclusive_maximum),
        ("x-kubernetes-embedded-resource", ir.embedded_resource),
        (
            "x-kubernetes-preserve-unknown-fields",
            ir.preserve_unknown_fields,
        ),
    ] {
        if let Some(v) = v {
            put(k, json!(v));
        }
    }
    if ir.int_or_string_false {
        put("x-kubernetes-int-or-string", json!(false));
    }
    for (k, v) in [
        ("minLength", ir.min_length),
        ("maxLength", ir.max_length),
        ("minItems", ir.min_items),
        ("maxItems", ir.max_items),
        ("minProperties", ir.min_properties),
        ("maxProperties", ir.max_properties),
    ] {
        if let Some(v) = v {
            put(k, json!(v));
        }
    }
    if let Some(p) = &ir.pattern {
        put("pattern", json!(p.value));
    }
}

/// The list and map types, the CEL rules, `externalDocs` and the junctors.
fn put_extensions(m: &mut Map<String, Value>, ir: &Ir) {
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    if let Some(lt) = &ir.list_type {
        put(
            "x-kubernetes-list-type",
            json!(match lt.value {
                ListType::Atomic => "atomic",
                ListType::Set => "set",
                ListType::Map => "map",
            }),
        );
    }
    if let Some(keys) = &ir.list_map_keys {
        put("x-kubernetes-list-map-keys", json!(keys.value));
    }
    if let Some(mt) = ir.map_type {
        put(
            "x-kubernetes-map-type",
            json!(match mt {
                MapType::Atomic => "atomic",
                MapType::Granular => "granular",
            }),
        );
    }
    if !ir.validations.is_empty() {
        let rules: Vec<Value> = ir.validations.iter().map(rule_json).collect();
        put("x-kubernetes-validations", Value::Array(rules));
    }
    if let Some(d) = &ir.external_docs {
        put("externalDocs", d.clone());
    }
    for (k, v) in &ir.junctors {
        put(k, v.clone());
    }
}

/// A CEL rule as the CRD holds it.
pub fn rule_json(c: &super::ir::Cel) -> Value {
    let mut r = Map::new();
    r.insert("rule".into(), json!(c.rule.value));
    if let Some(m) = &c.message {
        r.insert("message".into(), json!(m));
    }
    if let Some(m) = &c.message_expression {
        r.insert("messageExpression".into(), json!(m.value));
    }
    if let Some(reason) = c.reason {
        r.insert("reason".into(), json!(reason.as_str()));
    }
    if let Some(f) = &c.field_path {
        r.insert("fieldPath".into(), json!(f.value));
    }
    if let Some(o) = c.optional_old_self {
        r.insert("optionalOldSelf".into(), json!(o));
    }
    Value::Object(r)
}

/// The expected schema of `status` (nullable, as kube makes it).
pub fn status_schema(ir: &Ir) -> Value {
    let mut s = schema(ir);
    if let Value::Object(m) = &mut s {
        m.insert("nullable".into(), json!(true));
    }
    s
}

/// A difference between an expected and an actual schema: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub path: Vec<String>,
    pub message: String,
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| numbers_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| numbers_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Compares an actual schema (as JSON of `JSONSchemaProps`) with the expected one.
pub fn compare(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff(expected, actual, &mut Vec::new(), &mut out);
    out
}

/// Adds the differences between an expected and an actual schema at `path` to `out`.
fn diff(expected: &Value, actual: &Value, path: &mut Vec<String>, out: &mut Vec<Difference>) {
    let (Value::Object(e), Value::Object(a)) = (expected, actual) else {
        if !numbers_equal(expected, actual) {
            out.push(Difference {
                path: path.clone(),
                message: format!("expected {expected}, found {actual}"),
            });
        }
        return;
    };
    let opaque = e.contains_key(WELL_KNOWN_MARK);
    let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        if k == WELL_KNOWN_MARK {
            continue;
        }
        if opaque && !set_beside_well_known(k) {
            continue;
        }
        match (e.get(k), a.get(k)) {
            (Some(x), Some(y)) => diff_key(k, x, y, path, out),
            (Some(x), None) => {
                let int_or_string = json!([{"type": "integer"}, {"type": "string"}]);
                if (k == "anyOf" && x == &int_or_string)
                    || (k == "uniqueItems" && x == &json!(false))
                {
                    continue;
                }
                out.push(Difference {
                    path: path.clone(),
                    message: format!("`{k}` is missing (expected {x})"),
                });
            }
            (None, Some(y)) => out.push(Difference {
                path: path.clone(),
                message: format!("unexpected `{k}: {y}`"),
            }),
            (None, None) => {}
        }
    }
}

/// Whether a key is one a description may set on a well-known type (the rest of its schema
/// comes from k8s-openapi).
fn set_beside_well_known(k: &str) -> bool {
    matches!(
        k,
        "description"
            | "title"
            | "x-kubernetes-validations"
            | "x-kubernetes-list-type"
            | "x-kubernetes-list-map-keys"
            | "x-kubernetes-map-type"
            | "default"
            | "example"
            | "nullable"
            | "pattern"
            | "minimum"
            | "maximum"
            | "minLength"
            | "maxLength"
    )
}

/// Adds the differences between the expected and the actual value of the key `k`.
fn diff_key(k: &str, x: &Value, y: &Value, path: &mut Vec<String>, out: &mut Vec<Difference>) {
    match k {
        "properties" => {
            let (Value::Object(xp), Value::Object(yp)) = (x, y) else {
                return;
            };
            diff_properties(xp, yp, path, out);
        }
        "items" | "additionalProperties" => {
            path.push(if k == "items" { "[]" } else { "{}" }.to_string());
            diff(x, y, path, out);
            path.pop();
        }
        "required" => {
            let sorted = |v: &Value| {
                let mut s: Vec<String> = v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                s.sort();
                s
            };
            if sorted(x) != sorted(y) {
                out.push(Difference {
                    path: path.clone(),
                    message: format!("`required`: expected {x}, found {y}"),
                });
            }
        }
        _ => {
            if !numbers_equal(x, y) {
                out.push(Difference {
                    path: path.clone(),
                    message: format!("`{k}`: expected {x}, found {y}"),
                });
            }
        }
    }
}

/// Adds the differences between expected and actual properties, missing and unexpected ones
/// included.
fn diff_properties(
    xp: &Map<String, Value>,
    yp: &Map<String, Value>,
    path: &mut Vec<String>,
    out: &mut Vec<Difference>,
) {
    let mut names: Vec<&String> = xp.keys().chain(yp.keys()).collect();
    names.sort();
    names.dedup();
    for n in names {
        path.push(n.clone());
        match (xp.get(n), yp.get(n)) {
            (Some(xs), Some(ys)) => diff(xs, ys, path, out),
            (Some(_), None) => out.push(Difference {
                path: path.clone(),
                message: "the property is missing".into(),
            }),
            (None, _) => out.push(Difference {
                path: path.clone(),
                message: "an unexpected property".into(),
            }),
        }
        path.pop();
    }
}
