//! Unit tests of the derivation (fidelity against kube-derive itself is proven by
//! tests/it/compile_gate.rs, which compiles tests/fixtures/fidelity).

use serde_json::{Value, json};

use super::{CrdError, CrdOptions, SourceFile, crds_from_sources};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.to_string(),
    }
}

fn crds(files: &[SourceFile]) -> Vec<Value> {
    crds_from_sources(files, &CrdOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|c| serde_json::to_value(c).expect("json"))
        .collect()
}

fn one_schema(text: &str) -> Value {
    let c = crds(&[file("src/api/v1/thing.rs", text)]);
    assert_eq!(c.len(), 1);
    c[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone()
}

fn err(files: &[SourceFile]) -> CrdError {
    match crds_from_sources(files, &CrdOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

const HEADER: &str = "use kube::CustomResource;\nuse schemars::JsonSchema;\nuse serde::{Deserialize, Serialize};\nuse std::collections::BTreeMap;\n";

#[test]
fn scaffold_shaped_spec() {
    let s = one_schema(&format!(
        "{HEADER}
/// Spec of a thing.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced, status = \"ThingStatus\")]
#[serde(rename_all = \"camelCase\")]
pub struct ThingSpec {{
    /// How many.
    pub replica_count: i32,
    pub name: String,
    #[serde(default, skip_serializing_if = \"Option::is_none\")]
    pub note: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub tags: Vec<String>,
}}
#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]
pub struct ThingStatus {{ pub ready: bool }}
"
    ));
    assert_eq!(
        s,
        json!({
            "description": "Auto-generated derived type for ThingSpec via `CustomResource`",
            "properties": {
                "spec": {
                    "description": "Spec of a thing.",
                    "properties": {
                        "labels": {"additionalProperties": {"type": "string"}, "default": {}, "type": "object"},
                        "name": {"type": "string"},
                        "note": {"nullable": true, "type": "string"},
                        "replicaCount": {"description": "How many.", "format": "int32", "type": "integer"},
                        "tags": {"items": {"type": "string"}, "type": "array"}
                    },
                    "required": ["name", "replicaCount", "tags"],
                    "type": "object"
                },
                "status": {
                    "nullable": true,
                    "properties": {"ready": {"type": "boolean"}},
                    "required": ["ready"],
                    "type": "object"
                }
            },
            "required": ["spec"],
            "title": "Thing",
            "type": "object"
        })
    );
}

#[test]
fn crd_fields_follow_kube_attrs() {
    let c = crds(&[file(
        "src/api/v1/thing.rs",
        &format!(
            "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Policy\", shortname = \"pol\", category = \"all\")]
pub struct PolicySpec {{ pub a: String }}
"
        ),
    )]);
    let crd = &c[0];
    assert_eq!(crd["metadata"]["name"], "policies.x.io");
    assert_eq!(crd["spec"]["scope"], "Cluster");
    assert_eq!(
        crd["spec"]["names"],
        json!({"kind": "Policy", "plural": "policies", "singular": "policy", "shortNames": ["pol"], "categories": ["all"]})
    );
    assert_eq!(crd["spec"]["versions"][0]["storage"], true);
    assert!(crd["spec"]["versions"][0].get("subresources").is_none());
}

#[test]
fn multi_version_merge_and_storage_errors() {
    let v = |ver: &str, storage: &str| {
        file(
            &format!("src/api/{ver}/thing.rs"),
            &format!(
                "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"{ver}\", kind = \"Thing\"{storage})]
pub struct ThingSpec {{ pub a: String }}
"
            ),
        )
    };
    let c = crds(&[v("v1", ", storage = false"), v("v2", "")]);
    assert_eq!(c.len(), 1);
    let versions: Vec<(&str, bool)> = c[0]["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["storage"].as_bool().unwrap()))
        .collect();
    assert_eq!(versions, vec![("v1", false), ("v2", true)]);

    let e = err(&[v("v1", ""), v("v2", "")]);
    assert!(e.message.contains("2 storage versions"), "{e}");
    assert_eq!(e.line, 7);
    assert!(e.hint.is_some());
    let e = err(&[v("v1", ", storage = false"), v("v2", ", storage = false")]);
    assert!(e.message.contains("0 storage versions"), "{e}");
}

#[test]
fn error_display_has_place_and_hint() {
    let e = err(&[file("src/api/v1/x.rs", "struct {")]);
    assert_eq!(e.file, std::path::PathBuf::from("src/api/v1/x.rs"));
    assert!(e.to_string().starts_with("src/api/v1/x.rs:1:"), "{e}");
    let e = CrdError {
        file: "a.rs".into(),
        line: 3,
        column: 5,
        message: "bad".into(),
        hint: Some("fix it".into()),
    };
    assert_eq!(e.to_string(), "a.rs:3:5: bad\n  hint: fix it");
}

#[test]
fn module_aware_resolution() {
    let files = [
        file("src/api/mod.rs", "pub mod v1;\npub mod shared;\n"),
        file(
            "src/api/shared.rs",
            "use schemars::JsonSchema;\n#[derive(JsonSchema)]\npub struct Shared { pub s: String }\npub type SharedAlias = Shared;\n",
        ),
        file(
            "src/api/v1/mod.rs",
            "mod kind;\npub use kind::*;\nmod types;\n",
        ),
        file(
            "src/api/v1/types.rs",
            "use schemars::JsonSchema;\n/// v1 inner\n#[derive(JsonSchema)]\npub struct Inner { pub a: i32 }\n#[cfg(test)]\nmod tests {\n  #[derive(kube::CustomResource, schemars::JsonSchema)]\n  #[kube(group = \"t.io\", version = \"v1\", kind = \"Ignored\")]\n  pub struct IgnoredSpec { pub a: i32 }\n}\n",
        ),
        file(
            "src/api/v1/kind.rs",
            &format!(
                "{HEADER}
use super::types::Inner as Renamed;
use crate::api::shared::*;
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{
    pub renamed: Renamed,
    pub aliased: SharedAlias,
    pub full: crate::api::shared::Shared,
    pub relative: super::types::Inner,
}}
"
            ),
        ),
    ];
    let c = crds(&files);
    assert_eq!(c.len(), 1, "the #[cfg(test)] kind is skipped");
    let props = &c[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    assert_eq!(props["renamed"]["description"], "v1 inner");
    assert_eq!(props["relative"]["properties"]["a"]["format"], "int32");
    assert_eq!(props["aliased"]["properties"]["s"]["type"], "string");
    assert_eq!(props["full"], props["aliased"]);

    let parsed = super::source::Project::parse(&files).unwrap();
    let project = super::source::Project::new(&parsed);
    let kind_mod: Vec<String> = vec!["api".into(), "v1".into(), "kind".into()];
    assert!(
        matches!(project.lookup(&kind_mod, "Renamed"), Some(super::source::Resolved::Item(i)) if i.name() == "Inner")
    );
    assert!(
        matches!(project.lookup(&kind_mod, "Shared"), Some(super::source::Resolved::Item(i)) if i.module == &vec!["api".to_string(), "shared".to_string()])
    );
    assert!(project.lookup(&kind_mod, "Nope").is_none());
    assert!(matches!(
        project.lookup(&vec!["api".into(), "v1".into()], "ThingSpec"),
        Some(super::source::Resolved::Item(_))
    ));
}

#[test]
fn module_paths_follow_files() {
    use super::source::module_path_of;
    let p = |s: &str| module_path_of(std::path::Path::new(s));
    assert_eq!(p("src/api/v1/guestbook.rs"), vec!["api", "v1", "guestbook"]);
    assert_eq!(p("src/api/mod.rs"), vec!["api"]);
    assert_eq!(p("src/lib.rs"), Vec::<String>::new());
}

#[test]
fn rename_rules_match_serde() {
    use super::rename::RenameRule as R;
    let cases = [
        (
            "lowercase",
            "url_v2_value",
            "url_v2_value",
            "HTTPServer",
            "httpserver",
        ),
        (
            "UPPERCASE",
            "url_v2_value",
            "URL_V2_VALUE",
            "HTTPServer",
            "HTTPSERVER",
        ),
        (
            "PascalCase",
            "url_v2_value",
            "UrlV2Value",
            "HTTPServer",
            "HTTPServer",
        ),
        (
            "camelCase",
            "url_v2_value",
            "urlV2Value",
            "HTTPServer",
            "hTTPServer",
        ),
        (
            "snake_case",
            "url_v2_value",
            "url_v2_value",
            "HTTPServer",
            "h_t_t_p_server",
        ),
        (
            "SCREAMING_SNAKE_CASE",
            "url_v2_value",
            "URL_V2_VALUE",
            "SomeVariant",
            "SOME_VARIANT",
        ),
        (
            "kebab-case",
            "url_v2_value",
            "url-v2-value",
            "SomeVariant",
            "some-variant",
        ),
        (
            "SCREAMING-KEBAB-CASE",
            "url_v2_value",
            "URL-V2-VALUE",
            "SomeVariant",
            "SOME-VARIANT",
        ),
    ];
    for (rule, field, field_out, variant, variant_out) in cases {
        let r = R::parse(rule).unwrap();
        assert_eq!(r.field(field), field_out, "{rule}");
        assert_eq!(r.variant(variant), variant_out, "{rule}");
    }
    assert!(R::parse("Camel").is_none());
}

#[test]
fn doc_titles_and_descriptions() {
    use super::attrs::docs::title_and_description as td;
    assert_eq!(
        td("  Plain text.\n\nMore.  "),
        (String::new(), "Plain text.\n\nMore.".to_string())
    );
    assert_eq!(
        td("# Title\n\nBody\nline"),
        ("Title".to_string(), "Body\nline".to_string())
    );
    assert_eq!(td("## Only"), ("Only".to_string(), String::new()));
}

#[test]
fn literal_values() {
    use super::value::{eval_literal, eval_merge_strategy, eval_rule, json_tokens};
    let e = |s: &str| syn::parse_str::<syn::Expr>(s).unwrap();
    assert_eq!(eval_literal(&e("-3")), Some(json!(-3)));
    assert_eq!(eval_literal(&e("1.5")), Some(json!(1.5)));
    assert_eq!(eval_literal(&e("0.1f32")), Some(json!(0.1f32 as f64)));
    assert_eq!(
        eval_literal(&e("vec![\"a\", \"b\"]")),
        Some(json!(["a", "b"]))
    );
    assert_eq!(eval_literal(&e("foo()")), None);
    let t: Vec<proc_macro2::TokenTree> = "{\"a\": [1, -2.5, null, true], \"b\": {}}"
        .parse::<proc_macro2::TokenStream>()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        json_tokens(&t),
        Some(json!({"a": [1, -2.5, null, true], "b": {}}))
    );
    let f = std::path::Path::new("x.rs");
    assert_eq!(
        eval_rule(&e("Rule::new(\"self > 0\").message(Message::Expression(\"'x'\".into())).reason(Reason::FieldValueRequired).field_path(\".a\").optional_old_self(false)"), f).unwrap(),
        json!({"rule": "self > 0", "messageExpression": "'x'", "reason": "FieldValueRequired", "fieldPath": ".a", "optionalOldSelf": false})
    );
    assert_eq!(
        eval_rule(&e("(\"r\", \"m\")"), f).unwrap(),
        json!({"rule": "r", "message": "m"})
    );
    assert!(eval_rule(&e("make_rule()"), f).is_err());
    assert_eq!(
        eval_merge_strategy(&e("kube::core::ListMerge::Set"), f).unwrap(),
        vec![("x-kubernetes-list-type".to_string(), json!("set"))]
    );
}

#[test]
fn max_desc_len_trims_like_controller_gen() {
    let text = format!(
        "{HEADER}
/// First sentence. Second sentence that is long.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{
    /// Short.
    pub a: String,
}}
"
    );
    let files = [file("src/api/v1/thing.rs", &text)];
    let get = |max| {
        let c = crds_from_sources(
            &files,
            &CrdOptions {
                max_desc_len: Some(max),
            },
        )
        .unwrap();
        serde_json::to_value(&c[0]).unwrap()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
            .clone()
    };
    let s = get(25);
    assert_eq!(s["properties"]["spec"]["description"], "First sentence.");
    assert_eq!(
        s["properties"]["spec"]["properties"]["a"]["description"],
        "Short."
    );
    let s = get(0);
    assert!(s.get("description").is_none());
    assert!(s["properties"]["spec"].get("description").is_none());
}

#[test]
fn panics_in_transforms_become_errors() {
    let text = format!(
        "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\")]
pub struct ThingSpec {{ pub e: E }}
#[derive(Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[serde(untagged)]
pub enum E {{ A {{ x: i32 }}, B {{ x: String }} }}
"
    );
    let e = err(&[file("src/api/v1/thing.rs", &text)]);
    assert!(e.message.contains("panicked"), "{e}");
    assert!(e.hint.is_some());
}

#[test]
fn scaffold_template_shape() {
    // The shape of templates/api/src/api/types.rs.tera, rendered by hand.
    let text = "// Copyright 2025.
//! The `Guestbook` kind of `webapp.example.com/v1`.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Guestbook.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(group = \"webapp.example.com\", version = \"v1\")]
#[kube(kind = \"Guestbook\", namespaced)]
#[kube(status = \"GuestbookStatus\")]
#[serde(rename_all = \"camelCase\")]
pub struct GuestbookSpec {
    /// An example field of Guestbook. Edit guestbook.rs to remove or update it.
    #[serde(default, skip_serializing_if = \"Option::is_none\")]
    pub foo: Option<String>,
}

/// The observed state of a Guestbook.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = \"camelCase\")]
pub struct GuestbookStatus {
    /// The `.metadata.generation` that the controller last reconciled.
    #[serde(default, skip_serializing_if = \"Option::is_none\")]
    pub observed_generation: Option<i64>,
}
";
    let files = [
        file("src/api/mod.rs", "pub mod webapp;\n"),
        file("src/api/webapp/mod.rs", "pub mod v1;\n"),
        file(
            "src/api/webapp/v1/mod.rs",
            "mod guestbook;\npub use guestbook::*;\n",
        ),
        file("src/api/webapp/v1/guestbook.rs", text),
    ];
    let c = crds(&files);
    let s = &c[0]["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    assert_eq!(c[0]["metadata"]["name"], "guestbooks.webapp.example.com");
    assert_eq!(
        s["properties"]["spec"],
        json!({
            "description": "The desired state of a Guestbook.",
            "properties": {"foo": {
                "description": "An example field of Guestbook. Edit guestbook.rs to remove or update it.",
                "nullable": true, "type": "string"}},
            "type": "object"
        })
    );
    assert_eq!(
        s["properties"]["status"]["properties"]["observedGeneration"],
        json!({"description": "The `.metadata.generation` that the controller last reconciled.", "format": "int64", "nullable": true, "type": "integer"})
    );
    assert_eq!(
        c[0]["spec"]["versions"][0]["subresources"],
        json!({"status": {}})
    );
}

#[test]
fn junctors_external_docs_and_negative_bounds() {
    let src = format!(
        "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
#[schemars(extend(\"oneOf\" = [{{\"required\": [\"b\", \"a\"]}}, {{\"required\": [\"t\"]}}]))]
pub struct ThingSpec {{
    #[schemars(range(min = -40, max = -1.5))]
    pub a: f64,
    #[schemars(extend(\"anyOf\" = [{{\"pattern\": \"^a\"}}, {{\"minLength\": 3}}], \"not\" = {{\"enum\": [\"ab\"]}}))]
    pub b: Option<String>,
    #[schemars(extend(\"minimum\" = -7, \"allOf\" = [{{\"minimum\": -5}}, {{\"anyOf\": [{{\"maximum\": -1}}, {{\"minimum\": 1}}]}}]))]
    pub t: i32,
    #[schemars(extend(\"externalDocs\" = {{\"url\": \"https://example.com\", \"description\": \"More\"}}))]
    pub d: Vec<String>,
}}
"
    );
    let s = one_schema(&src);
    let spec = &s["properties"]["spec"];
    // kube-core writes `required` as a set (sorted).
    assert_eq!(
        spec["oneOf"],
        json!([{"required": ["a", "b"]}, {"required": ["t"]}])
    );
    let p = &spec["properties"];
    assert_eq!(p["a"]["minimum"], json!(-40.0));
    assert_eq!(p["a"]["maximum"], json!(-1.5));
    assert_eq!(
        p["b"],
        json!({"type": "string", "nullable": true, "anyOf": [{"pattern": "^a"}, {"minLength": 3}], "not": {"enum": ["ab"]}})
    );
    assert_eq!(p["t"]["minimum"], json!(-7.0));
    assert_eq!(
        p["t"]["allOf"],
        json!([{"minimum": -5.0}, {"anyOf": [{"maximum": -1.0}, {"minimum": 1.0}]}])
    );
    assert_eq!(
        p["d"]["externalDocs"],
        json!({"url": "https://example.com", "description": "More"})
    );
}

#[test]
fn validator_and_garde_attributes_as_schemars_reads_them() {
    let src = format!(
        "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
#[garde(allow_unvalidated)]
#[validate(schema(function = \"check\"))]
pub struct ThingSpec {{
    #[validate(length(min = 1, max = 20, message = \"1 to 20\"), email(message = \"an address\"))]
    pub mail: String,
    #[validate(range(min = 1, max = 9), custom(function = \"odd\"))]
    pub small: i32,
    #[validate(url)]
    pub home: String,
    #[validate(contains(pattern = \"a.b\"))]
    pub dotted: String,
    #[validate(required)]
    pub needed: Option<String>,
    #[validate(length(equal = 3))]
    pub three: Vec<String>,
    #[garde(length(bytes, min = 2), pattern(r\"^[a-z]+$\"))]
    pub word: String,
    #[garde(range(min = -5.5))]
    pub above: f64,
    #[garde(contains(\"x\"), ipv4)]
    pub host: String,
    #[garde(inner(length(max = 8), ip))]
    pub hosts: Vec<String>,
    #[garde(required, skip)]
    pub given: Option<i32>,
    #[garde(!skip, dive)]
    pub nested: Vec<i32>,
    // schemars, then validator, then garde: the first to set a keyword keeps it.
    #[garde(length(min = 7), pattern(\"^g\"), email)]
    #[validate(length(max = 5), url)]
    #[schemars(length(min = 2), contains(\"s\"))]
    pub layered: String,
    #[validate(length(min = 1), length(min = 4))]
    pub twice: String,
    #[garde(this is not an attribute schemars can read)]
    pub unread: String,
}}
"
    );
    let s = one_schema(&src);
    let spec = &s["properties"]["spec"];
    let p = &spec["properties"];
    assert_eq!(
        p["mail"],
        json!({"type": "string", "minLength": 1, "maxLength": 20, "format": "email"})
    );
    assert_eq!(
        p["small"],
        json!({"type": "integer", "format": "int32", "minimum": 1.0, "maximum": 9.0})
    );
    assert_eq!(p["home"], json!({"type": "string", "format": "uri"}));
    assert_eq!(p["dotted"], json!({"type": "string", "pattern": "a\\.b"}));
    assert_eq!(p["needed"], json!({"type": "string"}));
    assert_eq!(
        p["three"],
        json!({"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3})
    );
    assert_eq!(
        p["word"],
        json!({"type": "string", "minLength": 2, "pattern": "^[a-z]+$"})
    );
    assert_eq!(
        p["above"],
        json!({"type": "number", "format": "double", "minimum": -5.5})
    );
    assert_eq!(
        p["host"],
        json!({"type": "string", "pattern": "x", "format": "ipv4"})
    );
    assert_eq!(
        p["hosts"],
        json!({"type": "array", "items": {"type": "string", "maxLength": 8, "format": "ip"}})
    );
    assert_eq!(p["given"], json!({"type": "integer", "format": "int32"}));
    assert_eq!(
        p["nested"],
        json!({"type": "array", "items": {"type": "integer", "format": "int32"}})
    );
    assert_eq!(
        p["layered"],
        json!({"type": "string", "minLength": 2, "pattern": "s", "format": "uri"})
    );
    assert_eq!(p["twice"], json!({"type": "string", "minLength": 1}));
    assert_eq!(p["unread"], json!({"type": "string"}));
    let required: Vec<&str> = spec["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"needed") && required.contains(&"given"));
}

#[test]
fn validator_attributes_stay_on_kube_schema_fields() {
    let src = format!(
        "{HEADER}
use kube::KubeSchema;
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
pub struct ThingSpec {{
    #[validate(length(min = 1))]
    #[x_kube(validation = \"self != 'x'\")]
    pub name: String,
    /// garde that schemars would pass over anyway is no loss.
    #[garde(length(min = 4))]
    #[schemars(length(min = 3))]
    pub code: String,
}}
"
    );
    let s = one_schema(&src);
    let p = &s["properties"]["spec"]["properties"];
    assert_eq!(p["name"]["minLength"], json!(1));
    assert_eq!(
        p["name"]["x-kubernetes-validations"],
        json!([{"rule": "self != 'x'"}])
    );
    assert_eq!(p["code"]["minLength"], json!(3));
}

#[test]
fn sets_are_arrays_once_kube_drops_unique_items() {
    let src = format!(
        "{HEADER}
use std::collections::{{BTreeSet, HashSet}};
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
pub struct ThingSpec {{
    pub tags: HashSet<String>,
    #[schemars(length(max = 4))]
    pub ports: Option<std::collections::BTreeSet<u16>>,
    #[serde(default = \"no_names\")]
    pub names: BTreeSet<String>,
    #[serde(default)]
    pub ids: HashSet<i64>,
}}
fn no_names() -> BTreeSet<String> {{
    BTreeSet::new()
}}
"
    );
    let s = one_schema(&src);
    let p = &s["properties"]["spec"]["properties"];
    assert_eq!(
        p["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(
        p["ports"],
        json!({"type": "array", "nullable": true, "maxItems": 4, "items": {"type": "integer", "format": "uint16", "minimum": 0.0, "maximum": 65535.0}})
    );
    assert_eq!(
        p["names"],
        json!({"type": "array", "default": [], "items": {"type": "string"}})
    );
    assert_eq!(p["ids"]["default"], json!([]));
    assert_eq!(s["properties"]["spec"]["required"], json!(["tags"]));
}

#[test]
fn flattened_untagged_enum_is_hoisted_like_kube() {
    // kube-derive's own test case (crd_complex_enum_test.rs, `flattened_untagged_enum`).
    let src = format!(
        "{HEADER}
/// A very simple enum with unit variants
#[derive(Serialize, Deserialize, Debug, Clone, JsonSchema)]
enum NormalEnum {{
    /// First variant
    A,
    /// Second variant
    B,

    // No doc-comments on these variants
    C,
    D,
}}

/// An untagged enum with a nested enum inside
#[derive(Serialize, Deserialize, Debug, Clone, JsonSchema)]
#[serde(untagged)]
enum UntaggedEnum {{
    /// Used in case the `one` field of type [`u32`] is present
    A {{ one: String }},
    /// Used in case the `two` field of type [`NormalEnum`] is present
    B {{ two: NormalEnum, three: String }},
    /// Used in case no fields are present
    C {{}},
}}

/// Put a [`UntaggedEnum`] behind `#[serde(flatten)]`
#[derive(Serialize, Deserialize, Debug, Clone, JsonSchema)]
struct FlattenedUntaggedEnum {{
    #[serde(flatten)]
    inner: UntaggedEnum,
}}

#[derive(CustomResource, Serialize, Deserialize, Debug, Clone, JsonSchema)]
#[kube(group = \"clux.dev\", version = \"v1\", kind = \"FlattenedUntaggedEnumTest\")]
struct FlattenedUntaggedEnumTestSpec {{
    foo: FlattenedUntaggedEnum,
}}
"
    );
    let s = one_schema(&src);
    assert_eq!(
        s["properties"]["spec"],
        json!({
            "properties": {
                "foo": {
                    "anyOf": [{"required": ["one"]}, {"required": ["three", "two"]}, {}],
                    "description": "Put a [`UntaggedEnum`] behind `#[serde(flatten)]`",
                    "properties": {
                        "one": {"type": "string"},
                        "two": {
                            "description": "A very simple enum with unit variants",
                            "enum": ["C", "D", "A", "B"],
                            "type": "string"
                        },
                        "three": {"type": "string"}
                    },
                    "type": "object"
                }
            },
            "required": ["foo"],
            "type": "object"
        })
    );

    // Optional, beside other fields: every variant may be absent.
    let src = format!(
        "{HEADER}
#[derive(Serialize, Deserialize, Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Source {{
    Image {{ image: String }},
    Git {{ repo: String, rev: Option<String> }},
}}
#[derive(CustomResource, Serialize, Deserialize, Debug, Clone, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", namespaced)]
pub struct ThingSpec {{
    pub name: String,
    #[serde(flatten)]
    pub source: Option<Source>,
}}
"
    );
    let s = one_schema(&src);
    let spec = &s["properties"]["spec"];
    assert_eq!(
        spec["anyOf"],
        json!([{"required": ["image"]}, {"required": ["repo"]}, {}])
    );
    assert_eq!(spec["required"], json!(["name"]));
    assert_eq!(
        spec["properties"],
        json!({
            "name": {"type": "string"},
            "image": {"type": "string"},
            "repo": {"type": "string"},
            "rev": {"type": "string", "nullable": true}
        })
    );
}

#[test]
fn root_attributes_and_no_spec_fields_kube_accepts() {
    let src = format!(
        "{HEADER}
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = \"x.io\", version = \"v1\", kind = \"Thing\", no_spec)]
#[kube(attr = \"allow(missing_docs)\", attr = \"serde::something\")]
pub struct ThingFields {{
    pub size: i32,
    pub kind_of: String,
}}
"
    );
    let s = one_schema(&src);
    assert_eq!(
        s["properties"],
        json!({"kind_of": {"type": "string"}, "size": {"type": "integer", "format": "int32"}})
    );
}

#[test]
fn captured_schemas_read_one_at_a_time_equal_the_whole_file() {
    let whole: std::collections::BTreeMap<String, Value> =
        serde_json::from_str(include_str!("k8s_schemas.json")).unwrap();
    assert_eq!(whole.len(), super::k8s::WELL_KNOWN.len());
    for (name, schema) in &whole {
        assert_eq!(
            super::k8s::raw_schema(name).as_ref(),
            Some(schema),
            "{name}"
        );
    }
    let split =
        super::k8s::split_object(" { \"a\" : {\"s\": \"}\\\"{[\"} , \"b\":[1,{}]}\n").unwrap();
    assert_eq!(split["a"].0, "{\"s\": \"}\\\"{[\"}");
    assert_eq!(split["b"].0, "[1,{}]");
    assert!(super::k8s::split_object("{\"a\": {} ").is_none());
    assert!(super::k8s::split_object("{\"a\": 1}").is_none());
    assert!(super::k8s::split_object("{\"a\": {}} x").is_none());
}
