//! The keywords of a CRD's OpenAPI v3 schema (JSONSchemaProps) that kubeforge reads or writes,
//! and where each may stand. The derivation from Rust and the reader of descriptions take their
//! lists from this one table.

/// What a keyword says about the values of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A value validation: a structural schema allows it inside `anyOf`, `oneOf`, `allOf` and
    /// `not`.
    Value,
    /// Part of the node's structure (its type, defaults, Kubernetes extensions): a structural
    /// schema keeps it on the node itself, never inside those junctors.
    Structural,
    /// Documentation only.
    Annotation,
}

/// One keyword of a CRD schema.
#[derive(Debug)]
pub struct Keyword {
    /// As the schema writes it: `multipleOf`.
    pub name: &'static str,
    pub role: Role,
    /// Kept when written in `#[schemars(extend(..))]`: the Rust type gives the rest (`type`,
    /// `properties`, `items`, ...).
    pub extend: bool,
    /// Kept inside a subschema written in `extend(..)` (a value of `anyOf`, `oneOf`, `allOf`,
    /// `not`); the rest are rewritten by schemars or kube-core, dropped by k8s-openapi or refused
    /// by the API server.
    pub in_subschema: bool,
}

const fn keyword(name: &'static str, role: Role, extend: bool, in_subschema: bool) -> Keyword {
    Keyword {
        name,
        role,
        extend,
        in_subschema,
    }
}

use Role::{Annotation, Structural, Value};

/// Every keyword, in the order messages list them.
pub const KEYWORDS: &[Keyword] = &[
    keyword("type", Structural, false, true),
    keyword("format", Value, true, true),
    keyword("title", Structural, true, true),
    keyword("description", Structural, true, true),
    keyword("default", Structural, true, true),
    keyword("example", Annotation, true, true),
    keyword("examples", Annotation, true, false),
    keyword("enum", Value, true, true),
    keyword("nullable", Structural, true, true),
    keyword("pattern", Value, true, true),
    keyword("minimum", Value, true, true),
    keyword("maximum", Value, true, true),
    keyword("exclusiveMinimum", Value, true, true),
    keyword("exclusiveMaximum", Value, true, true),
    keyword("multipleOf", Value, true, true),
    keyword("minLength", Value, true, true),
    keyword("maxLength", Value, true, true),
    keyword("minItems", Value, true, true),
    keyword("maxItems", Value, true, true),
    keyword("minProperties", Value, true, true),
    keyword("maxProperties", Value, true, true),
    keyword("required", Value, false, true),
    keyword("properties", Value, false, true),
    keyword("additionalProperties", Structural, false, true),
    keyword("items", Value, false, true),
    keyword("anyOf", Value, true, true),
    keyword("oneOf", Value, true, true),
    keyword("allOf", Value, true, true),
    keyword("not", Value, true, true),
    keyword("externalDocs", Annotation, true, true),
    keyword(
        "x-kubernetes-preserve-unknown-fields",
        Structural,
        true,
        true,
    ),
    keyword("x-kubernetes-int-or-string", Structural, true, true),
    keyword("x-kubernetes-embedded-resource", Structural, true, true),
    keyword("x-kubernetes-list-type", Structural, true, true),
    keyword("x-kubernetes-list-map-keys", Structural, true, true),
    keyword("x-kubernetes-map-type", Structural, true, true),
    keyword("x-kubernetes-validations", Structural, true, true),
];

/// The keyword named `name`.
pub fn find(name: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.name == name)
}

/// The names of the keywords that pass `keep`, in table order, joined by `, `.
pub fn list(keep: impl Fn(&Keyword) -> bool) -> String {
    let names: Vec<&str> = KEYWORDS
        .iter()
        .filter(|k| keep(k))
        .map(|k| k.name)
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_keyword_is_listed_once() {
        for (i, k) in KEYWORDS.iter().enumerate() {
            assert!(KEYWORDS[..i].iter().all(|o| o.name != k.name), "{}", k.name);
        }
    }

    #[test]
    fn value_validations_are_listed_as_descriptions_name_them() {
        assert_eq!(
            list(|k| k.role == Role::Value),
            "format, enum, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, \
             multipleOf, minLength, maxLength, minItems, maxItems, minProperties, maxProperties, \
             required, properties, items, anyOf, oneOf, allOf, not"
        );
    }
}
