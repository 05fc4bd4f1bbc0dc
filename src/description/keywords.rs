//! The keywords of one schema node besides its type and children: each checked against the
//! node's kind and lowered into it, with refusals at the description's line and column.

use serde_json::Value;

use super::errors::Errs;
use super::format::{At, CelRule, ListType, Pos, SchemaNode};
use super::ir::{Cel, Ir, Kind, Path2, Prop, well_known_type};
use super::{checks, junctors};
use crate::error::Error;

/// The kinds that numeric keywords apply to.
const NUMERIC: [&str; 3] = ["integer", "number", "int-or-string"];

/// The kinds that string keywords apply to.
const STRINGS: [&str; 2] = ["string", "int-or-string"];

/// Refuses the keywords a CRD schema does not allow.
pub fn refuse_forbidden(e: Errs<'_>, s: &SchemaNode) -> Result<(), Error> {
    let forbidden = [
        (
            &s.ref_,
            "$ref",
            "write the referenced schema inline, or use a well-known type by name (`type: Quantity`)",
        ),
        (&s.schema_, "$schema", "remove it"),
        (&s.id, "id", "remove it"),
        (
            &s.definitions,
            "definitions",
            "write the schemas inline where they are used",
        ),
        (
            &s.dependencies,
            "dependencies",
            "express the dependency with a CEL rule in `x-kubernetes-validations`, e.g. `!has(self.a) || has(self.b)`",
        ),
        (
            &s.additional_items,
            "additionalItems",
            "give `items` one schema",
        ),
        (
            &s.pattern_properties,
            "patternProperties",
            "use `additionalProperties` (a map) and check the keys with a CEL rule, e.g. `self.all(k, k.matches('^[a-z]+$'))`",
        ),
    ];
    for (field, key, hint) in forbidden {
        if let Some(at) = field {
            return Err(e.at(
                at.pos(),
                format!("`{key}` is not allowed in a CRD schema (the API server rejects it)"),
                hint,
            ));
        }
    }
    if let Some(at) = &s.x_kubernetes_struct_type {
        return Err(e.at(
            at.pos(),
            "`x-kubernetes-struct-type` is not part of a CRD schema",
            "use `x-kubernetes-map-type: atomic` or `granular` on the object",
        ));
    }
    if let Some(u) = &s.unique_items
        && u.value
    {
        return Err(e.at(
            u.pos(),
            "`uniqueItems: true` is not allowed in a CRD schema (the API server rejects it)",
            "use `x-kubernetes-list-type: set` for a list of unique scalar items",
        ));
    }
    Ok(())
}

/// The error for `key` on a node of a kind it does not apply to.
pub fn wrong(e: Errs<'_>, path: &Path2, at: Pos, key: &str, k: &Kind, allowed: &str) -> Error {
    e.at(
        at,
        format!(
            "`{key}` does not apply to {} `{}`",
            kind_article(k),
            path.show()
        ),
        format!("`{key}` applies to {allowed}; remove it or fix the type"),
    )
}

/// `minimum`, `maximum` and `multipleOf`: on numbers only, finite, a positive factor.
pub fn numbers(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    let num = |v: &Option<At<f64>>, key: &str| -> Result<Option<f64>, Error> {
        match v {
            None => Ok(None),
            Some(at) if !kind_is(k, &NUMERIC) => {
                Err(wrong(e, path, at.pos(), key, k, "integers and numbers"))
            }
            Some(at) if !at.value.is_finite() => Err(e.at(
                at.pos(),
                format!("`{key}` must be a finite number"),
                "write a number",
            )),
            Some(at) => Ok(Some(at.value)),
        }
    };
    ir.minimum = num(&s.minimum, "minimum")?;
    ir.maximum = num(&s.maximum, "maximum")?;
    ir.multiple_of = num(&s.multiple_of, "multipleOf")?;
    if let Some(m) = ir.multiple_of
        && m <= 0.0
    {
        return Err(e.at(
            s.multiple_of.as_ref().expect("set").pos(),
            "`multipleOf` must be greater than 0",
            "write a positive number",
        ));
    }
    Ok(())
}

/// `exclusiveMinimum` and `exclusiveMaximum`: booleans (OpenAPI v3.0), on numbers only.
pub fn exclusive_bounds(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    for (v, key, bound, target) in [
        (
            &s.exclusive_minimum,
            "exclusiveMinimum",
            "minimum",
            &mut ir.exclusive_minimum,
        ),
        (
            &s.exclusive_maximum,
            "exclusiveMaximum",
            "maximum",
            &mut ir.exclusive_maximum,
        ),
    ] {
        if let Some(at) = v {
            let Some(b) = bool_value(at) else {
                return Err(e.at(
                    at.pos(),
                    format!(
                        "`{key}` must be a boolean in a CRD schema (OpenAPI v3.0), not {}",
                        at.value
                    ),
                    format!("write `{bound}: {}` and `{key}: true`", at.value),
                ));
            };
            if !kind_is(k, &NUMERIC) {
                return Err(wrong(e, path, at.pos(), key, k, "integers and numbers"));
            }
            *target = Some(b);
        }
    }
    Ok(())
}

/// Exclusive bounds come with their bound, and `minimum` is not above `maximum`.
pub fn bounds_in_order(e: Errs<'_>, s: &SchemaNode, ir: &Ir) -> Result<(), Error> {
    if ir.exclusive_minimum == Some(true) && ir.minimum.is_none() {
        return Err(e.at(
            s.exclusive_minimum.as_ref().expect("set").pos(),
            "`exclusiveMinimum: true` without `minimum`",
            "add `minimum: N`",
        ));
    }
    if ir.exclusive_maximum == Some(true) && ir.maximum.is_none() {
        return Err(e.at(
            s.exclusive_maximum.as_ref().expect("set").pos(),
            "`exclusiveMaximum: true` without `maximum`",
            "add `maximum: N`",
        ));
    }
    if let (Some(lo), Some(hi)) = (ir.minimum, ir.maximum)
        && lo > hi
    {
        return Err(e.at(
            s.maximum.as_ref().expect("set").pos(),
            format!("`maximum: {hi}` is below `minimum: {lo}`"),
            "swap or fix the bounds",
        ));
    }
    Ok(())
}

/// The length, item and property counts: on the kinds they apply to, in `i64`, in order.
pub fn counts(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    let count = |v: &Option<At<u64>>,
                 key: &str,
                 kinds: &[&str],
                 allowed: &str|
     -> Result<Option<u64>, Error> {
        match v {
            None => Ok(None),
            Some(at) if !kind_is(k, kinds) => Err(wrong(e, path, at.pos(), key, k, allowed)),
            Some(at) if at.value > i64::MAX as u64 => Err(e.at(
                at.pos(),
                format!("`{key}` is too large"),
                "write a smaller number",
            )),
            Some(at) => Ok(Some(at.value)),
        }
    };
    ir.min_length = count(&s.min_length, "minLength", &STRINGS, "strings")?;
    ir.max_length = count(&s.max_length, "maxLength", &STRINGS, "strings")?;
    ir.min_items = count(&s.min_items, "minItems", &["array"], "arrays")?;
    ir.max_items = count(&s.max_items, "maxItems", &["array"], "arrays")?;
    ir.min_properties = count(&s.min_properties, "minProperties", &["object"], "objects")?;
    ir.max_properties = count(&s.max_properties, "maxProperties", &["object"], "objects")?;
    for (lo, hi, a, b, at) in [
        (
            ir.min_length,
            ir.max_length,
            "minLength",
            "maxLength",
            &s.max_length,
        ),
        (
            ir.min_items,
            ir.max_items,
            "minItems",
            "maxItems",
            &s.max_items,
        ),
        (
            ir.min_properties,
            ir.max_properties,
            "minProperties",
            "maxProperties",
            &s.max_properties,
        ),
    ] {
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            return Err(e.at(
                at.as_ref().expect("set").pos(),
                format!("`{b}: {hi}` is below `{a}: {lo}`"),
                "fix the bounds",
            ));
        }
    }
    Ok(())
}

/// `pattern`: on strings only, and a regular expression that compiles.
pub fn pattern(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    if let Some(p) = &s.pattern {
        if !kind_is(k, &STRINGS) {
            return Err(wrong(e, path, p.pos(), "pattern", k, "strings"));
        }
        checks::pattern(e, p)?;
        ir.pattern = Some(p.clone());
    }
    Ok(())
}

/// `enum`: on scalars only, not empty, without duplicates.
pub fn enum_values(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    if let Some(en) = &s.enum_ {
        if !kind_is(
            k,
            &["string", "integer", "number", "boolean", "int-or-string"],
        ) {
            return Err(wrong(
                e,
                path,
                en.pos(),
                "enum",
                k,
                "strings, integers, numbers and booleans",
            ));
        }
        if en.value.is_empty() {
            return Err(e.at(
                en.pos(),
                "`enum` is empty, so no value would be valid",
                "list the allowed values",
            ));
        }
        for (i, v) in en.value.iter().enumerate() {
            if en.value[..i].contains(v) {
                return Err(e.at(
                    en.pos(),
                    format!("`enum` lists {v} twice"),
                    "remove the duplicate",
                ));
            }
        }
        ir.enum_ = Some(en.clone());
    }
    Ok(())
}

/// `x-kubernetes-list-type` on arrays, and the keys a list-map needs.
pub fn list_type(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    if let Some(lt) = &s.x_kubernetes_list_type {
        if !kind_is(k, &["array"]) {
            return Err(wrong(
                e,
                path,
                lt.pos(),
                "x-kubernetes-list-type",
                k,
                "arrays",
            ));
        }
        ir.list_type = Some(lt.clone());
    }
    if let Some(keys) = &s.x_kubernetes_list_map_keys {
        if ir.list_type.as_ref().map(|l| l.value) != Some(ListType::Map) {
            return Err(e.at(
                keys.pos(),
                "`x-kubernetes-list-map-keys` without `x-kubernetes-list-type: map`",
                "add `x-kubernetes-list-type: map`",
            ));
        }
        if keys.value.is_empty() {
            return Err(e.at(
                keys.pos(),
                "`x-kubernetes-list-map-keys` is empty",
                "list the properties that identify an item, e.g. `[name]`",
            ));
        }
        ir.list_map_keys = Some(At::new(
            keys.value.iter().map(|k| k.value.clone()).collect(),
            keys.line,
            keys.column,
        ));
    }
    if let Some(lt) = &ir.list_type
        && lt.value == ListType::Map
        && ir.list_map_keys.is_none()
    {
        return Err(e.at(
            lt.pos(),
            "`x-kubernetes-list-type: map` needs `x-kubernetes-list-map-keys`",
            "add `x-kubernetes-list-map-keys: [name]` with the properties that identify an item",
        ));
    }
    Ok(())
}

/// `x-kubernetes-map-type`: on objects, maps and well-known object types.
pub fn map_type(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    k: &Kind,
    path: &Path2,
) -> Result<(), Error> {
    if let Some(mt) = &s.x_kubernetes_map_type {
        let object_like = match k {
            Kind::Object { .. } => true,
            Kind::WellKnown(w) => well_known_type(w) == Some("object"),
            _ => false,
        };
        if !object_like {
            return Err(wrong(
                e,
                path,
                mt.pos(),
                "x-kubernetes-map-type",
                k,
                "objects and maps",
            ));
        }
        ir.map_type = Some(mt.value);
    }
    Ok(())
}

/// `x-kubernetes-preserve-unknown-fields` on objects, and `x-kubernetes-embedded-resource`
/// on objects with properties (or that keep unknown fields), with a `metadata` it allows.
pub fn embedding(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &Ir,
    k: &Kind,
    path: &Path2,
    preserve: Option<bool>,
) -> Result<(), Error> {
    if let Some(p) = &s.x_kubernetes_preserve_unknown_fields
        && !matches!(k, Kind::Object { .. })
    {
        return Err(wrong(
            e,
            path,
            p.pos(),
            "x-kubernetes-preserve-unknown-fields",
            k,
            "objects",
        ));
    }
    if let Some(er) = &s.x_kubernetes_embedded_resource {
        if !matches!(k, Kind::Object { .. }) || ir.is_map() {
            return Err(wrong(
                e,
                path,
                er.pos(),
                "x-kubernetes-embedded-resource",
                k,
                "objects with properties",
            ));
        }
        if er.value {
            let props = ir.props().unwrap_or(&[]);
            if props.is_empty() && preserve != Some(true) {
                return Err(e.at(er.pos(), "an embedded resource needs `properties` or `x-kubernetes-preserve-unknown-fields: true`", "add `x-kubernetes-preserve-unknown-fields: true` to keep the object as it is"));
            }
            if let Some(meta) = props.iter().find(|p| p.name == "metadata") {
                check_embedded_metadata(e, meta)?;
            }
        }
    }
    Ok(())
}

/// Refuses `properties` and `items` beside a well-known type, which brings its own schema.
pub fn refuse_beside_well_known(
    e: Errs<'_>,
    s: &SchemaNode,
    k: &Kind,
    pos: Pos,
) -> Result<(), Error> {
    if matches!(k, Kind::WellKnown(_)) {
        for (key, set) in [
            ("properties", s.properties.is_some()),
            ("items", s.items.is_some()),
        ] {
            if set {
                return Err(e.at(
                    pos,
                    format!("`{key}` beside a well-known type"),
                    "the well-known type brings its own schema; remove the keyword",
                ));
            }
        }
    }
    Ok(())
}

/// `externalDocs`, checked.
pub fn external_docs(e: Errs<'_>, s: &SchemaNode, ir: &mut Ir) -> Result<(), Error> {
    if let Some(d) = &s.external_docs {
        if let Err(what) = check_external_docs(&d.value) {
            return Err(e.at(
                d.pos(),
                format!("`externalDocs` {what}"),
                "write `externalDocs: {url: https://.., description: ..}`",
            ));
        }
        ir.external_docs = Some(d.value.clone());
    }
    Ok(())
}

/// `anyOf`, `oneOf`, `allOf` and `not`, checked against the node and kept in the form kube
/// writes them; `int_string_any_of` drops the `anyOf` that int-or-string implies.
pub fn junctor_keywords(
    e: Errs<'_>,
    s: &SchemaNode,
    ir: &mut Ir,
    int_string_any_of: bool,
) -> Result<(), Error> {
    for (key, field) in [
        ("anyOf", &s.any_of),
        ("oneOf", &s.one_of),
        ("allOf", &s.all_of),
        ("not", &s.not),
    ] {
        let Some(at) = field else { continue };
        if key == "anyOf" && int_string_any_of {
            continue;
        }
        if matches!(ir.kind, Kind::WellKnown(_)) {
            return Err(e.at(
                at.pos(),
                format!("`{key}` beside a well-known type"),
                "the well-known type brings its own schema; express the constraint as a CEL rule in `x-kubernetes-validations`",
            ));
        }
        let mut v = at.value.clone();
        junctors::shelter(key, &mut v);
        let checked = if key == "not" {
            junctors::check(&v, key, ir, None)
        } else {
            junctors::check_list(&v, key, ir)
        };
        if let Err((message, hint)) = checked {
            return Err(e.at(at.pos(), message, hint));
        }
        junctors::sort_required(&mut v);
        ir.junctors.push((key, v));
    }
    Ok(())
}

/// A CEL rule of `node`, with its parts checked.
pub fn cel(e: Errs<'_>, r: &At<CelRule>, node: &Ir) -> Result<Cel, Error> {
    let c = &r.value;
    checks::cel(e, &c.rule, "rule")?;
    if let Some(m) = &c.message_expression {
        checks::cel(e, m, "messageExpression")?;
    }
    if let Some(m) = &c.message
        && m.value.trim().is_empty()
    {
        return Err(e.at(
            m.pos(),
            "the message of a CEL rule is empty",
            "write a message, or remove `message`",
        ));
    }
    if let (Some(m), Some(_)) = (&c.message_expression, &c.message) {
        return Err(e.at(
            m.pos(),
            "a CEL rule with both `message` and `messageExpression`",
            "keep one: kube-derive's `Rule` carries a message or a message expression, not both",
        ));
    }
    if let Some(o) = &c.optional_old_self
        && o.value
        && !c.rule.value.contains("oldSelf")
    {
        return Err(e.at(
            o.pos(),
            "`optionalOldSelf: true` on a rule that does not use `oldSelf`",
            "remove `optionalOldSelf`, or write a transition rule that uses `oldSelf`",
        ));
    }
    if let Some(fp) = &c.field_path {
        checks::field_path(e, fp, node)?;
    }
    Ok(Cel {
        rule: c.rule.clone(),
        message: c.message.as_ref().map(|m| m.value.clone()),
        message_expression: c.message_expression.clone(),
        reason: c.reason.as_ref().map(|r| r.value),
        field_path: c.field_path.clone(),
        optional_old_self: c.optional_old_self.as_ref().map(|b| b.value),
    })
}

/// The `metadata` of an embedded resource constrains `name` and `generateName` only.
fn check_embedded_metadata(e: Errs<'_>, meta: &Prop) -> Result<(), Error> {
    let ok_kind = matches!(
        &meta.schema.kind,
        Kind::Object {
            additional: None,
            ..
        }
    );
    let extra = meta
        .schema
        .props()
        .unwrap_or(&[])
        .iter()
        .find(|p| p.name != "name" && p.name != "generateName");
    if !ok_kind
        || meta.schema.preserve_unknown_fields.is_some()
        || !meta.schema.validations.is_empty()
    {
        return Err(e.at(
            meta.pos,
            "the `metadata` of an embedded resource may only constrain `name` and `generateName`",
            "write `metadata: {type: object}`, optionally with `properties` `name` and `generateName`",
        ));
    }
    if let Some(p) = extra {
        return Err(e.at(
            p.pos,
            format!("the `metadata` of an embedded resource may only constrain `name` and `generateName`, not `{}`", p.name),
            "remove this property; Kubernetes validates the rest of the metadata itself",
        ));
    }
    Ok(())
}

/// `externalDocs`: an object with string `url` and `description`.
fn check_external_docs(v: &Value) -> Result<(), String> {
    match v {
        Value::Object(m)
            if m.iter()
                .all(|(k, x)| matches!(k.as_str(), "url" | "description") && x.is_string()) =>
        {
            Ok(())
        }
        _ => Err("must be an object with the strings `url` and `description`".into()),
    }
}

/// A keyword's value, if it is a boolean.
fn bool_value(v: &At<Value>) -> Option<bool> {
    v.value.as_bool()
}

/// The word the checks use for a kind; well-known types by the JSON type they stand for.
pub fn kind_word(k: &Kind) -> &'static str {
    match k {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Number => "number",
        Kind::Boolean => "boolean",
        Kind::Object { .. } => "object",
        Kind::Array(_) => "array",
        Kind::IntOrString => "int-or-string",
        Kind::WellKnown(w) => match w.name {
            "IntOrString" | "Quantity" => "int-or-string",
            _ => match well_known_type(w) {
                Some("string") => "string",
                _ => "well-known",
            },
        },
    }
}

/// A kind as messages name it (`the string`, `the Quantity`).
fn kind_article(k: &Kind) -> String {
    match k {
        Kind::WellKnown(w) => format!("the {}", w.name),
        _ => format!("the {}", kind_word(k)),
    }
}

/// Whether a kind is one of `what`, by the word the checks use for it.
pub fn kind_is(k: &Kind, what: &[&str]) -> bool {
    what.contains(&kind_word(k))
}
