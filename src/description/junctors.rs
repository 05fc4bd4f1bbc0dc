//! The value validations `anyOf`, `oneOf`, `allOf` and `not`: the structural schema rules of
//! the API server, and the forms kube's `crd()` keeps as they are.
//!
//! Structural rules (Kubernetes): a schema inside a junctor does not set `type`,
//! `description`, `title`, `default`, `nullable`, `additionalProperties` or the
//! `x-kubernetes-*` extensions, and every property and `items` it names is also specified
//! outside the junctors (on the node it sits on); `metadata` cannot be restricted there.
//!
//! kube-core's `StructuralSchemaRewriter` hoists the `properties` of `anyOf`/`oneOf` variants
//! into the parent schema and merges the `enum` of `oneOf` variants into the parent's `enum`.
//! Inside an `allOf` they are kept, and an entry `{properties: P, required: R}` means what
//! `{allOf: [{properties: P}], required: R}` means: [`shelter`] moves them there before the
//! checks, which then refuse what is left of those forms.

use serde_json::Value;

use super::ir::{Ir, Kind};
use crate::crd::keywords::{self, Role};

/// A refusal: the message and the hint.
pub type Refusal = (String, String);

fn refusal(message: String, hint: &str) -> Refusal {
    (message, hint.to_string())
}

/// Checks the list of `anyOf`, `oneOf` or `allOf` on `node`.
pub fn check_list(v: &Value, key: &str, node: &Ir) -> Result<(), Refusal> {
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        return Err(refusal(
            format!("`{key}` must be a non-empty list of schemas"),
            "write `- {pattern: ..}` entries (value validations) under it",
        ));
    };
    let variant_of = (key != "allOf").then_some(key);
    for (i, s) in list.iter().enumerate() {
        check(s, &format!("{key}[{i}]"), node, variant_of)?;
    }
    Ok(())
}

/// Checks one schema inside a junctor, at `at` (`anyOf[1].properties.a`), against `node`, the
/// node it constrains. `variant_of`: `anyOf`/`oneOf` when the schema is one of their entries.
pub fn check(v: &Value, at: &str, node: &Ir, variant_of: Option<&str>) -> Result<(), Refusal> {
    let Value::Object(m) = v else {
        return Err(refusal(
            format!("`{at}` must be a schema (an object), not {v}"),
            "write value validations such as `{pattern: ..}` or `{required: [..]}`",
        ));
    };
    for (k, x) in m {
        let here = format!("{at}.{k}");
        if keywords::find(k).is_some_and(|k| k.role == Role::Structural) {
            return Err(refusal(
                format!(
                    "`{here}`: `{k}` is not allowed inside `anyOf`, `oneOf`, `allOf` or `not` (a structural schema keeps it on the node itself)"
                ),
                "move it out of the junctor to the node, or remove it: only value validations (pattern, bounds, enum, required, ...) go inside",
            ));
        }
        if !keywords::find(k).is_some_and(|k| k.role == Role::Value) {
            return Err(refusal(
                format!("`{here}`: `{k}` cannot be used inside `anyOf`, `oneOf`, `allOf` or `not`"),
                &format!(
                    "use value validations only: {}",
                    keywords::list(|k| k.role == Role::Value)
                ),
            ));
        }
        if let Some(kw) = variant_of {
            if k == "properties" {
                return Err(refusal(
                    format!(
                        "`{here}`: kube's structural schema rewriter moves the `properties` of `{kw}` entries into the parent schema, so the generated CRD would not keep them"
                    ),
                    "use `allOf` for constraints on properties, or `required: [..]` in the entry, or a CEL rule in `x-kubernetes-validations`",
                ));
            }
            if k == "enum" && kw == "oneOf" {
                return Err(refusal(
                    format!(
                        "`{here}`: kube's structural schema rewriter merges the `enum` of `oneOf` entries into the parent's `enum`, so the generated CRD would not keep it"
                    ),
                    "use `anyOf` (the values are distinct anyway), or one `enum` on the node",
                ));
            }
        }
        check_key(k, x, &here, node)?;
    }
    Ok(())
}

/// Checks the value `x` of the key `k` inside a junctor, at `here`, against `node`.
fn check_key(k: &str, x: &Value, here: &str, node: &Ir) -> Result<(), Refusal> {
    let is_number = |x: &Value| x.is_number();
    let is_count = |x: &Value| x.as_u64().is_some_and(|n| n <= i64::MAX as u64);
    let bad = |what: &str| Err(must_be(here, what, x));
    match k {
        "format" | "pattern" if !x.is_string() => bad("a string"),
        "pattern" => check_pattern(x.as_str().unwrap_or_default(), here),
        "minimum" | "maximum" if !is_number(x) => bad("a number"),
        "multipleOf" if !x.as_f64().is_some_and(|m| m > 0.0) => bad("a number greater than 0"),
        "exclusiveMinimum" | "exclusiveMaximum" if !x.is_boolean() => bad("a boolean"),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
            if !is_count(x) =>
        {
            bad("a non-negative integer")
        }
        "enum" if x.as_array().is_none_or(|a| a.is_empty()) => bad("a non-empty list"),
        "required" => check_required(x, here, node),
        "properties" => check_properties(x, here, node),
        "items" => {
            let Kind::Array(items) = &node.kind else {
                return Err(refusal(
                    format!(
                        "`{here}`: the node is not an array, so `items` has nothing to constrain"
                    ),
                    "remove `items`, or put the junctor on an array",
                ));
            };
            check(x, here, items, None)
        }
        "anyOf" | "oneOf" | "allOf" => {
            let Some(list) = x.as_array().filter(|l| !l.is_empty()) else {
                return bad("a non-empty list of schemas");
            };
            for (i, s) in list.iter().enumerate() {
                check(
                    s,
                    &format!("{here}[{i}]"),
                    node,
                    (k != "allOf").then_some(k),
                )?;
            }
            Ok(())
        }
        "not" => check(x, here, node, None),
        _ => Ok(()),
    }
}

/// The refusal of the value `x` at `here`, which is not `what`.
fn must_be(here: &str, what: &str, x: &Value) -> Refusal {
    refusal(format!("`{here}` must be {what}, not {x}"), "fix the value")
}

/// A `pattern` inside a junctor compiles.
fn check_pattern(p: &str, here: &str) -> Result<(), Refusal> {
    match regex::RegexBuilder::new(p).size_limit(1 << 20).build() {
        Ok(_) => Ok(()),
        Err(err) => {
            let detail = err.to_string();
            let detail = detail
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string();
            Err(refusal(
                format!("`{here}`: the pattern does not compile: {detail}"),
                "write a regular expression (RE2 syntax)",
            ))
        }
    }
}

/// A `required` inside a junctor lists properties of the node.
fn check_required(x: &Value, here: &str, node: &Ir) -> Result<(), Refusal> {
    let Some(names) = x.as_array() else {
        return Err(must_be(here, "a list of property names", x));
    };
    for n in names {
        let Some(n) = n.as_str() else {
            return Err(must_be(here, "a list of property names", x));
        };
        if !node
            .props()
            .is_some_and(|ps| ps.iter().any(|p| p.name == n))
        {
            return Err(refusal(
                format!("`{here}` names `{n}`, which is not a property of the node"),
                "list properties of the node the junctor sits on",
            ));
        }
    }
    Ok(())
}

/// The `properties` inside a junctor: properties of the node other than `metadata`, each
/// checked against the property's schema.
fn check_properties(x: &Value, here: &str, node: &Ir) -> Result<(), Refusal> {
    let Some(props) = x.as_object() else {
        return Err(must_be(here, "a map of schemas", x));
    };
    for (name, s) in props {
        if name == "metadata" {
            return Err(refusal(
                format!("`{here}.metadata`: `metadata` cannot be restricted inside a junctor"),
                "remove it (a structural schema forbids it)",
            ));
        }
        let Some(p) = node
            .props()
            .and_then(|ps| ps.iter().find(|p| &p.name == name))
        else {
            return Err(refusal(
                format!(
                    "`{here}.{name}`: `{name}` is not a property of the node (a structural schema specifies every property outside the junctors too)"
                ),
                "add the property under the node's `properties`, or fix its name",
            ));
        };
        check(s, &format!("{here}.{name}"), &p.schema, None)?;
    }
    Ok(())
}

/// Moves the `properties` of every `anyOf`/`oneOf` entry, and the `enum` of every `oneOf`
/// entry, into an `allOf` inside that entry, at any depth of a junctor's value (`v`, the value
/// of `key`): the same constraint, in the one place kube's rewriter leaves as it is.
pub fn shelter(key: &str, v: &mut Value) {
    match v {
        Value::Array(entries) => entries.iter_mut().for_each(|e| shelter_entry(key, e)),
        Value::Object(_) => shelter_entry(key, v),
        _ => {}
    }
}

fn shelter_entry(key: &str, entry: &mut Value) {
    let Value::Object(m) = entry else { return };
    for (k, x) in m.iter_mut() {
        match k.as_str() {
            "anyOf" | "oneOf" | "allOf" | "not" => shelter(k, x),
            "items" => shelter_entry("", x),
            "properties" => {
                if let Value::Object(props) = x {
                    props.values_mut().for_each(|p| shelter_entry("", p));
                }
            }
            _ => {}
        }
    }
    if key != "anyOf" && key != "oneOf" {
        return;
    }
    if !m.get("allOf").is_none_or(Value::is_array) {
        return; // the checks refuse it
    }
    let moved: serde_json::Map<String, Value> = ["properties", "enum"]
        .into_iter()
        .filter(|k| *k == "properties" || key == "oneOf")
        .filter_map(|k| m.remove(k).map(|x| (k.to_string(), x)))
        .collect();
    if !moved.is_empty()
        && let Value::Array(all) = m.entry("allOf").or_insert(Value::Array(Vec::new()))
    {
        all.push(Value::Object(moved));
    }
}

/// Sorts the lists of `required` (and drops duplicates) everywhere in a junctor's value, as
/// kube-core's rewriter writes them (a set).
pub fn sort_required(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "required"
                    && let Value::Array(a) = x
                {
                    a.sort_by(|p, q| p.as_str().cmp(&q.as_str()));
                    a.dedup();
                } else if k != "enum" {
                    sort_required(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(sort_required),
        _ => {}
    }
}
