//! Every refused construct: `crds_from_sources` fails with a message naming it, on the line
//! marked `// <-`, with a hint.

use kubeforge::crd::{CrdOptions, SourceFile, crds_from_sources};

const HEADER: &str = "use std::collections::{BTreeMap, BTreeSet, HashSet};
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
";

/// A spec struct with `fields`, followed by `extra` items.
fn spec(fields: &str, extra: &str) -> String {
    format!(
        "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
pub struct ThingSpec {{
{fields}
}}
{extra}
"
    )
}

fn check(name: &str, source: &str, message: &str) -> Option<String> {
    let marker = source
        .lines()
        .position(|l| l.contains("// <-"))
        .map(|i| i + 1)?;
    let files = [SourceFile {
        path: "src/api/v1/thing.rs".into(),
        text: source.to_string(),
    }];
    let e = match crds_from_sources(&files, &CrdOptions::default()) {
        Ok(_) => return Some(format!("{name}: expected a refusal")),
        Err(e) => e,
    };
    if !e.message.contains(message) {
        return Some(format!("{name}: message `{}` lacks `{message}`", e.message));
    }
    if e.line != marker {
        return Some(format!(
            "{name}: line {} instead of {marker} for `{e}`",
            e.line
        ));
    }
    if e.file != std::path::Path::new("src/api/v1/thing.rs") || e.column < 1 {
        return Some(format!("{name}: bad place for `{e}`"));
    }
    if e.hint.is_none() && message != "cannot parse" {
        return Some(format!("{name}: no hint for `{e}`"));
    }
    None
}

#[test]
fn refused_constructs() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "group escaping the project",
            format!(
                "{HEADER}\n#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[kube(group = \"x/../../../../../victim\", version = \"v1\", kind = \"Thing\")] // <-\npub struct ThingSpec {{\n    pub a: String,\n}}\n"
            ),
            "the group each dot-separated part may contain only",
        ),
        (
            "plural with a path",
            format!(
                "{HEADER}\n#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", plural = \"../things\")] // <-\npub struct ThingSpec {{\n    pub a: String,\n}}\n"
            ),
            "the plural may contain only",
        ),
        (
            "singular with upper case",
            format!(
                "{HEADER}\n#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", singular = \"Thing\")] // <-\npub struct ThingSpec {{\n    pub a: String,\n}}\n"
            ),
            "the singular may contain only",
        ),
        (
            "version not a label",
            format!(
                "{HEADER}\n#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[kube(group = \"x.io\", version = \"v1/x\", kind = \"Thing\")] // <-\npub struct ThingSpec {{\n    pub a: String,\n}}\n"
            ),
            "the version may contain only",
        ),
        (
            "kind not UpperCamelCase",
            format!(
                "{HEADER}\n#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[kube(group = \"x.io\", version = \"v1\", kind = \"thing/x\")] // <-\npub struct ThingSpec {{\n    pub a: String,\n}}\n"
            ),
            "the kind must start with an uppercase letter",
        ),
        (
            "tuple",
            spec("    pub t: (i32, String), // <-", ""),
            "tuple types",
        ),
        (
            "tuple struct",
            spec(
                "    pub p: Pair,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct Pair(i32, String); // <-",
            ),
            "tuple structs",
        ),
        (
            "tuple variant",
            spec(
                "    pub p: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum E { A(i32, i32), // <-\n B { x: i32 } }",
            ),
            "tuple variants",
        ),
        (
            "unit struct",
            spec(
                "    pub u: U,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct U; // <-",
            ),
            "unit structs",
        ),
        (
            "array",
            spec("    pub a: [i32; 3], // <-", ""),
            "fixed-size arrays",
        ),
        (
            "non-empty set default",
            spec(
                "    #[serde(default = \"d\")]\n    pub s: BTreeSet<String>,",
                "fn d() -> BTreeSet<String> { BTreeSet::from([\"a\".to_string()]) } // <-",
            ),
            "the default of a set is evaluated only when it is empty",
        ),
        (
            "uniqueItems",
            spec(
                "    #[schemars(extend(\"uniqueItems\" = true))] // <-\n    pub s: Vec<String>,",
                "",
            ),
            "uniqueItems",
        ),
        (
            "anyOf variant with a type",
            spec(
                "    #[schemars(extend(\"anyOf\" = [{\"type\": \"string\", \"pattern\": \"^a\"}]))] // <-\n    pub s: String,",
                "",
            ),
            "`anyOf[0].type` cannot be kept in a `anyOf` variant",
        ),
        (
            "anyOf variant with properties",
            spec(
                "    #[schemars(extend(\"anyOf\" = [{\"properties\": {\"a\": {\"minLength\": 1}}}]))] // <-\n    pub s: Inner,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct Inner { a: String }",
            ),
            "hoists the properties",
        ),
        (
            "oneOf variant with an enum",
            spec(
                "    #[schemars(extend(\"oneOf\" = [{\"enum\": [\"a\"]}, {\"enum\": [\"b\"]}]))] // <-\n    pub s: String,",
                "",
            ),
            "merges the `enum` of `oneOf` variants",
        ),
        (
            "nested uniqueItems",
            spec(
                "    #[schemars(extend(\"allOf\" = [{\"not\": {\"uniqueItems\": true}}]))] // <-\n    pub s: Vec<String>,",
                "",
            ),
            "`allOf[0].not.uniqueItems` cannot be kept",
        ),
        (
            "boolean subschema",
            spec(
                "    #[schemars(extend(\"not\" = true))] // <-\n    pub s: String,",
                "",
            ),
            "`not` is not a schema object",
        ),
        (
            "empty anyOf",
            spec(
                "    #[schemars(extend(\"anyOf\" = []))] // <-\n    pub s: String,",
                "",
            ),
            "must be a non-empty list",
        ),
        (
            "externalDocs not an object",
            spec(
                "    #[schemars(extend(\"externalDocs\" = \"https://x\"))] // <-\n    pub s: String,",
                "",
            ),
            "`externalDocs` must be",
        ),
        (
            "oneOf replacing an enum's oneOf",
            spec(
                "    #[schemars(extend(\"oneOf\" = [{\"required\": [\"a\"]}]))] // <-\n    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum E { A { a: i32 }, B { b: i32 } }",
            ),
            "would replace the `oneOf` of the type's own schema",
        ),
        (
            "unknown extend key",
            spec(
                "    #[schemars(extend(\"foo\" = 1))] // <-\n    pub s: String,",
                "",
            ),
            "unknown extension key `foo`",
        ),
        (
            "numeric exclusiveMinimum",
            spec(
                "    #[schemars(extend(\"exclusiveMinimum\" = 1))] // <-\n    pub n: i32,",
                "",
            ),
            "numeric `exclusiveMinimum`",
        ),
        (
            "numeric exclusiveMaximum",
            spec(
                "    #[schemars(extend(\"exclusiveMaximum\" = 1.5))] // <-\n    pub n: f64,",
                "",
            ),
            "numeric `exclusiveMaximum`",
        ),
        (
            "non-literal extend",
            spec(
                "    #[schemars(extend(\"default\" = some_value()))] // <-\n    pub n: i32,",
                "",
            ),
            "not a literal JSON value",
        ),
        (
            "internally tagged",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(tag = \"type\")] // <-\npub enum E { A { x: i32 } }",
            ),
            "tagged enums",
        ),
        (
            "adjacently tagged",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(tag = \"t\", content = \"c\")] // <-\npub enum E { A { x: i32 } }",
            ),
            "tagged enums",
        ),
        (
            "mixed enum",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum E { // <-\n A, B { x: i32 } }",
            ),
            "mixes unit variants and variants with data",
        ),
        (
            "untagged scalar variant",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(untagged)]\npub enum E { A { x: i32 }, B(String) } // <-",
            ),
            "not an object",
        ),
        (
            "conflicting untagged properties",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(untagged)]\npub enum E { A { x: i32 }, B { x: String } } // <-",
            ),
            "rewriter panicked",
        ),
        (
            "empty enum",
            spec(
                "    pub e: E,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum E {} // <-",
            ),
            "without variants",
        ),
        (
            "container default with impl Default",
            spec(
                "    pub d: D,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(default)]\npub struct D { // <-\n pub x: i32 }\nimpl Default for D { fn default() -> Self { D { x: 5 } } }",
            ),
            "hand-written or missing",
        ),
        (
            "container default fn",
            spec(
                "    pub d: D,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(default = \"make\")] // <-\npub struct D { pub x: i32 }\nfn make() -> D { D { x: 1 } }",
            ),
            "container `#[serde(default",
        ),
        (
            "field default of hand-written Default",
            spec(
                "    #[serde(default)]\n    pub d: D, // <-",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct D { pub x: i32 }\nimpl Default for D { fn default() -> Self { D { x: 5 } } }",
            ),
            "hand-written or missing",
        ),
        (
            "non-literal default fn",
            spec(
                "    #[serde(default = \"d\")]\n    pub n: i32,",
                "fn d() -> i32 { 1 + 2 } // <-",
            ),
            "cannot be evaluated",
        ),
        (
            "statement default fn",
            spec(
                "    #[serde(default = \"d\")]\n    pub n: i32,",
                "fn d() -> i32 { let x = 1; x } // <-",
            ),
            "not a single literal expression",
        ),
        (
            "missing default fn",
            spec(
                "    #[serde(default = \"nowhere\")] // <-\n    pub n: i32,",
                "",
            ),
            "cannot find the default function",
        ),
        (
            "k8s default",
            spec(
                "    #[serde(default)]\n    pub q: k8s_openapi::apimachinery::pkg::api::resource::Quantity, // <-",
                "",
            ),
            "default value of",
        ),
        (
            "unknown skip predicate",
            spec(
                "    #[serde(default, skip_serializing_if = \"is_zero\")] // <-\n    pub n: i32,",
                "",
            ),
            "cannot evaluate `skip_serializing_if",
        ),
        (
            "schema_with",
            spec(
                "    #[schemars(schema_with = \"f\")] // <-\n    pub n: i32,",
                "",
            ),
            "schema_with",
        ),
        (
            "transform",
            spec("    #[schemars(transform = f)] // <-\n    pub n: i32,", ""),
            "transform",
        ),
        (
            "validate regex path",
            spec(
                "    #[validate(regex(path = *NAME_RE))] // <-\n    pub n: String,",
                "",
            ),
            "names a compiled regex",
        ),
        (
            "validate regex pattern",
            spec(
                "    #[validate(regex(pattern = \"^a\"))] // <-\n    pub n: String,",
                "",
            ),
            "schemars rejects `pattern` in `#[validate(regex(..))]`",
        ),
        (
            "validate non-literal bound",
            spec(
                "    #[validate(length(min = MIN, message = \"too short\"))] // <-\n    pub n: String,",
                "",
            ),
            "not a number literal",
        ),
        (
            "validate length without bounds",
            spec("    #[validate(length)] // <-\n    pub n: String,", ""),
            "schemars rejects `length` without `(..)` in `#[validate(..)]`",
        ),
        (
            "validate required with a message",
            spec(
                "    #[validate(required(message = \"needed\"))] // <-\n    pub n: Option<String>,",
                "",
            ),
            "schemars rejects a value on `required`",
        ),
        (
            "garde pattern path",
            spec(
                "    #[garde(pattern(NAME_RE))] // <-\n    pub n: String,",
                "",
            ),
            "the value of `pattern` in `#[garde(..)]` is not a string literal",
        ),
        (
            "garde email with a value",
            spec("    #[garde(email(x))] // <-\n    pub n: String,", ""),
            "schemars rejects a value on `email` in `#[garde(..)]`",
        ),
        (
            "garde on KubeSchema",
            format!(
                "{HEADER}
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{
    #[garde(length(min = 1))] // <-
    pub s: String,
}}
"
            ),
            "`#[derive(KubeSchema)]` drops `#[garde(..)]` attributes",
        ),
        (
            "union",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub union ThingSpec {{ // <-
    pub a: u32,
}}
"
            ),
            "a union cannot derive CustomResource",
        ),
        (
            "no_spec metadata field",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", no_spec)]
pub struct ThingFields {{
    pub size: i32,
    pub metadata: String, // <-
}}
"
            ),
            "where `metadata` is already taken",
        ),
        (
            "no_spec status field",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", no_spec)]
pub struct ThingFields {{
    pub status: String, // <-
}}
"
            ),
            "where `status` is already taken",
        ),
        (
            "attr derive",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
#[kube(attr = \"derive(Serialize)\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "kube-derive refuses derives in `#[kube(attr = \"...\")]`",
        ),
        (
            "attr serde",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
#[kube(attr = \"serde(rename_all = \\\"snake_case\\\")\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "kube-derive refuses `serde(..)` in `#[kube(attr",
        ),
        (
            "attr schemars",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", attr = \"schemars(title = \\\"x\\\")\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "kube-derive refuses `schemars(..)`",
        ),
        (
            "attr that is not an attribute",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", attr = \"allow(\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "is not an attribute",
        ),
        (
            "flattened externally tagged enum",
            spec(
                "    #[serde(flatten)]\n    pub e: Tagged, // <-",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum Tagged { A { a: i32 }, B { b: String } }",
            ),
            "only structs, untagged enums and maps",
        ),
        (
            "two flattened untagged enums",
            spec(
                "    #[serde(flatten)]\n    pub one: U1,\n    #[serde(flatten)]\n    pub two: U2, // <-",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(untagged)]\npub enum U1 { A { a: i32 }, B { b: String } }\n#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(untagged)]\npub enum U2 { C { c: i32 }, D { d: String } }",
            ),
            "would meet the `anyOf` of another flattened enum",
        ),
        (
            "generic type",
            spec(
                "    pub g: Wrapper<i32>, // <-",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct Wrapper<T> { pub t: T }",
            ),
            "generic type",
        ),
        (
            "optional undocumented unit enum",
            spec(
                "    pub m: Option<Mode>, // <-",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub enum Mode { A, B }",
            ),
            "`null` enum entry",
        ),
        (
            "unresolved type",
            spec("    pub x: Unknown, // <-", ""),
            "cannot resolve type `Unknown`",
        ),
        (
            "unknown k8s type",
            spec("    pub x: k8s_openapi::api::core::v1::Volume, // <-", ""),
            "well-known Kubernetes types",
        ),
        (
            "serde_json::Value",
            spec("    pub v: serde_json::Value, // <-", ""),
            "no structural schema",
        ),
        (
            "non-string map key",
            spec("    pub m: BTreeMap<i32, String>, // <-", ""),
            "map keys must be strings",
        ),
        (
            "recursive type",
            spec(
                "    pub n: Node,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\npub struct Node { pub children: Vec<Node> } // <-",
            ),
            "recursive type",
        ),
        (
            "no JsonSchema derive",
            spec(
                "    pub n: Plain,",
                "#[derive(Deserialize, Serialize, Clone, Debug)]\npub struct Plain { pub a: i32 } // <-",
            ),
            "does not derive JsonSchema",
        ),
        (
            "serde transparent",
            spec(
                "    pub n: T,",
                "#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]\n#[serde(transparent)] // <-\npub struct T { pub a: i32 }",
            ),
            "transparent",
        ),
        (
            "default with serde with",
            spec(
                "    #[serde(default, with = \"my_mod\")] // <-\n    #[schemars(with = \"String\")]\n    pub n: i32,",
                "",
            ),
            "serialize_with",
        ),
        (
            "serde with",
            spec("    #[serde(with = \"my_mod\")] // <-\n    pub n: i32,", ""),
            "`#[serde(with)]`",
        ),
        (
            "non-literal bound",
            spec(
                "    #[schemars(range(min = MIN))] // <-\n    pub n: i32,",
                "",
            ),
            "not a number literal",
        ),
        (
            "macro doc",
            spec(
                "    #[doc = include_str!(\"x.md\")] // <-\n    pub n: i32,",
                "",
            ),
            "doc attribute is not a string literal",
        ),
        (
            "x_kube without KubeSchema",
            spec(
                "    #[x_kube(validation = \"self > 0\")] // <-\n    pub n: i32,",
                "",
            ),
            "needs `#[derive(KubeSchema)]`",
        ),
        (
            "StructMerge",
            format!(
                "{HEADER}
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{
    #[x_kube(merge_strategy = StructMerge::Atomic)] // <-
    pub s: Inner,
}}
#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]
pub struct Inner {{ pub a: i32 }}
"
            ),
            "`StructMerge` is not supported",
        ),
        (
            "unreadable CEL rule",
            format!(
                "{HEADER}
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{
    #[x_kube(validation = RULE)] // <-
    pub s: i32,
}}
"
            ),
            "validation rule cannot be read",
        ),
        (
            "KubeSchema on enum",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{ pub e: E }}
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug)]
pub enum E {{ // <-
 A {{ x: i32 }} }}
"
            ),
            "supports structs with named fields only",
        ),
        (
            "schema manual",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", schema = \"manual\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "`schema = \"manual\"` is not supported",
        ),
        (
            "kind equals struct",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct Thing {{ pub a: i32 }} // <-
"
            ),
            "must not equal the struct name",
        ),
        (
            "unknown kube attr",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", colour = \"red\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "unknown `#[kube(colour)]`",
        ),
        (
            "missing kind",
            format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\")] // <-
pub struct ThingSpec {{ pub a: i32 }}
"
            ),
            "`#[kube(kind = \"...\")]` is missing",
        ),
        (
            "syntax error",
            format!("{HEADER}\npub struct ThingSpec {{ pub a: i32 +++ }} // <-\n"),
            "cannot parse",
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(n, s, m)| check(n, s, m))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
