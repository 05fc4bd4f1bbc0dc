//! `#[schemars(extend("key" = value))]`: the keys and values a CRD schema can keep.

use std::path::Path;

use proc_macro2::Span;
use serde_json::Value;

use crate::crd::error::{CrdError, Result};
use crate::crd::keywords;

/// Why kube's `crd()` would not keep a subschema (the value of `anyOf`, `oneOf`, `allOf` or
/// `not`, or one nested in it) as written: `Err((where, what))`. `variant_of`: the keyword whose
/// list holds this subschema directly (`anyOf`/`oneOf` variants are rewritten by kube-core's
/// `StructuralSchemaRewriter`).
fn check_subschema(
    v: &Value,
    at: &str,
    variant_of: Option<&str>,
) -> std::result::Result<(), (String, String)> {
    let Value::Object(m) = v else {
        return Err((
            at.to_string(),
            "is not a schema object (schemars rewrites boolean schemas)".into(),
        ));
    };
    for (k, x) in m {
        let here = format!("{at}.{k}");
        if !keywords::find(k).is_some_and(|k| k.in_subschema) {
            let why = match k.as_str() {
                "uniqueItems" => "kube-core removes `uniqueItems`",
                "$ref" => "schemars removes the siblings of `$ref` and a CRD cannot hold `$ref`",
                "const" | "examples" | "prefixItems" | "unevaluatedProperties" => {
                    "schemars rewrites it for OpenAPI 3"
                }
                _ => "it is not a key of a CRD schema (k8s-openapi drops it)",
            };
            return Err((here, format!("cannot be kept: {why}")));
        }
        if let Some(kw) = variant_of {
            let stripped = match k.as_str() {
                "type" | "description" | "default" => Some(
                    "kube-core's structural rewriter strips or hoists it out of `anyOf`/`oneOf` variants",
                ),
                "properties" | "additionalProperties" => Some(
                    "kube-core's structural rewriter hoists the properties of `anyOf`/`oneOf` variants into the parent schema",
                ),
                "enum" if kw == "oneOf" => Some(
                    "kube-core's structural rewriter merges the `enum` of `oneOf` variants into the parent schema",
                ),
                "nullable" => Some("kube-core's OptionalEnum rewrite may take it for an `Option`"),
                _ => None,
            };
            if let Some(why) = stripped {
                return Err((here, format!("cannot be kept in a `{kw}` variant: {why}")));
            }
        }
        match k.as_str() {
            "type" if !x.is_string() || x == "null" => {
                return Err((
                    here,
                    "must be one type name (schemars rewrites `null` types)".into(),
                ));
            }
            "additionalProperties" if x.is_boolean() => {
                return Err((
                    here,
                    "must be a schema (kube-core rewrites boolean `additionalProperties`)".into(),
                ));
            }
            "anyOf" | "oneOf" | "allOf" => {
                let Some(list) = x.as_array().filter(|l| !l.is_empty()) else {
                    return Err((here, "must be a non-empty list of schemas".into()));
                };
                for (i, s) in list.iter().enumerate() {
                    let kw = (k != "allOf").then_some(k.as_str());
                    check_subschema(s, &format!("{here}[{i}]"), kw)?;
                }
            }
            "not" | "items" | "additionalProperties" => check_subschema(x, &here, None)?,
            "properties" => {
                let Some(props) = x.as_object() else {
                    return Err((here, "must be a map of schemas".into()));
                };
                for (name, s) in props {
                    check_subschema(s, &format!("{here}.{name}"), None)?;
                }
            }
            "externalDocs" => check_external_docs(x).map_err(|w| (here, w))?,
            _ => {}
        }
    }
    Ok(())
}

fn check_external_docs(v: &Value) -> std::result::Result<(), String> {
    match v {
        Value::Object(m)
            if m.iter()
                .all(|(k, x)| matches!(k.as_str(), "url" | "description") && x.is_string()) =>
        {
            Ok(())
        }
        _ => Err("must be `{\"url\": \"..\", \"description\": \"..\"}` (strings only)".into()),
    }
}

/// Refuses an `extend` key or value that kube's `crd()` would not keep as written.
pub(crate) fn check_extension(key: &str, value: &Value, span: Span, file: &Path) -> Result<()> {
    if key == "uniqueItems" {
        return Err(CrdError::at(file, span, "`uniqueItems` cannot be kept: kube-core removes it (the API server rejects `uniqueItems: true`)")
            .hint("drop it; for a list of unique scalar values that the API server enforces, use `#[x_kube(merge_strategy = ListMerge::Set)]` (x-kubernetes-list-type: set) with #[derive(KubeSchema)]"));
    }
    if (key == "exclusiveMinimum" || key == "exclusiveMaximum") && !value.is_boolean() {
        return Err(CrdError::at(
            file,
            span,
            format!("numeric `{key}` is not an OpenAPI v3.0 keyword (a CRD expects a boolean)"),
        )
        .hint(format!(
            "write `extend(\"{}\" = N, \"{key}\" = true)`",
            if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            }
        )));
    }
    if matches!(key, "anyOf" | "oneOf" | "allOf" | "not" | "externalDocs") {
        let checked = match (key, value) {
            ("externalDocs", v) => check_external_docs(v).map_err(|w| (key.to_string(), w)),
            ("not", v) => check_subschema(v, key, None),
            (_, Value::Array(list)) if !list.is_empty() => {
                list.iter().enumerate().try_for_each(|(i, s)| {
                    check_subschema(s, &format!("{key}[{i}]"), (key != "allOf").then_some(key))
                })
            }
            _ => Err((
                key.to_string(),
                "must be a non-empty list of schemas".into(),
            )),
        };
        if let Err((at, what)) = checked {
            return Err(CrdError::at(file, span, format!("`{at}` {what}")).hint(
                "inside `anyOf`/`oneOf`/`allOf`/`not` write only value validations (pattern, bounds, `required`, ...) without `type`, `description` or `default`; in `anyOf`/`oneOf` also without `properties` (and without `enum` in `oneOf`), or use a CEL rule in `x-kubernetes-validations`",
            ));
        }
    }
    if !keywords::find(key).is_some_and(|k| k.extend) {
        return Err(
            CrdError::at(file, span, format!("unknown extension key `{key}`")).hint(format!(
                "kubeforge accepts only keys a CRD schema has: {}",
                keywords::list(|k| k.extend)
            )),
        );
    }
    Ok(())
}
