//! Shared by the description tests: keyword cases, random descriptions, the shared CRDs as
//! descriptions, helpers to generate and derive, and the crate of generated types that the
//! compile gate builds.
#![allow(dead_code)]
// `*rng.pick(..)` fixes the element type to `&str`; without the deref it is inferred as `str`.
#![allow(clippy::explicit_auto_deref)]

pub mod scratch;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use kubeforge::description::{self, Generated};

/// The group the tests generate for.
pub const GROUP: &str = "tests.example.com";

/// Parses and generates a description text.
pub fn generate(name: &str, text: &str) -> Result<Generated, kubeforge::error::Error> {
    let file = PathBuf::from(format!("{name}.yaml"));
    let desc = description::parse(&file, text)?;
    description::generate(&desc, GROUP, "sample", true)
}

/// The CRD (as JSON) that `kubeforge generate` derives from a types file.
pub fn derive(types_rs: &str) -> Value {
    let file = kubeforge::crd::SourceFile {
        path: "src/api/v1/case.rs".into(),
        text: types_rs.to_string(),
    };
    let crds = kubeforge::crd::crds_from_sources(&[file], &Default::default())
        .unwrap_or_else(|e| panic!("{e}\n{types_rs}"));
    serde_json::to_value(&crds[0]).unwrap()
}

/// The root schema of a derived CRD.
pub fn root_schema(crd: &Value) -> &Value {
    &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
}

/// A description whose spec has the single property `f` given by `snippet` (YAML at the
/// indentation of a property value).
pub fn one_field(snippet: &str) -> String {
    let mut out = String::from("version: v1\nkind: Case\nspec:\n  properties:\n    f:");
    if snippet.contains('\n') || snippet.contains(": ") {
        out.push('\n');
        for line in snippet.lines() {
            out.push_str("      ");
            out.push_str(line);
            out.push('\n');
        }
    } else {
        out.push(' ');
        out.push_str(snippet);
        out.push('\n');
    }
    out
}

/// One keyword: a description, Rust the generated types must contain, and the CRD fragment
/// (at a JSON pointer of the derived CRD) it must give.
pub struct Case {
    pub name: &'static str,
    pub yaml: String,
    pub rust: Vec<&'static str>,
    pub pointer: &'static str,
    pub crd: Value,
}

const F: &str = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/f";
const SPEC: &str = "/spec/versions/0/schema/openAPIV3Schema/properties/spec";
const VERSION: &str = "/spec/versions/0";

fn field(name: &'static str, snippet: &str, rust: &[&'static str], crd: Value) -> Case {
    Case {
        name,
        yaml: one_field(snippet),
        rust: rust.to_vec(),
        pointer: F,
        crd,
    }
}

fn whole(
    name: &'static str,
    yaml: &str,
    rust: &[&'static str],
    pointer: &'static str,
    crd: Value,
) -> Case {
    Case {
        name,
        yaml: yaml.to_string(),
        rust: rust.to_vec(),
        pointer,
        crd,
    }
}

/// A table of every keyword the format supports.
pub fn keyword_cases() -> Vec<Case> {
    vec![
        field(
            "shorthand_string",
            "string",
            &["pub f: Option<String>,", "#[schemars(with = \"String\")]"],
            json!({"type": "string"}),
        ),
        field(
            "shorthand_int32",
            "int32",
            &["pub f: Option<i32>,"],
            json!({"type": "integer", "format": "int32"}),
        ),
        field(
            "shorthand_int64",
            "int64",
            &["pub f: Option<i64>,"],
            json!({"type": "integer", "format": "int64"}),
        ),
        field(
            "integer_without_format",
            "integer",
            &[
                "pub f: Option<i64>,",
                "#[schemars(extend(\"format\" = null))]",
            ],
            json!({"type": "integer"}),
        ),
        field(
            "shorthand_float",
            "float",
            &["pub f: Option<f32>,"],
            json!({"type": "number", "format": "float"}),
        ),
        field(
            "shorthand_double",
            "double",
            &["pub f: Option<f64>,"],
            json!({"type": "number", "format": "double"}),
        ),
        field(
            "number_without_format",
            "number",
            &["pub f: Option<f64>,"],
            json!({"type": "number"}),
        ),
        field(
            "boolean",
            "boolean",
            &["pub f: Option<bool>,"],
            json!({"type": "boolean"}),
        ),
        field(
            "format_date_time",
            "type: string\nformat: date-time",
            &["#[schemars(extend(\"format\" = \"date-time\"))]"],
            json!({"type": "string", "format": "date-time"}),
        ),
        field(
            "format_on_integer",
            "type: integer\nformat: uint16",
            &["pub f: Option<i64>,", "extend(\"format\" = \"uint16\")"],
            json!({"type": "integer", "format": "uint16"}),
        ),
        whole(
            "required_true",
            "version: v1\nkind: Case\nspec:\n  properties:\n    f:\n      type: string\n      required: true\n",
            &["pub f: String,"],
            SPEC,
            json!({"type": "object", "properties": {"f": {"type": "string"}}, "required": ["f"]}),
        ),
        whole(
            "required_list",
            "version: v1\nkind: Case\nspec:\n  required: [f]\n  properties:\n    f: int32\n    g: string\n",
            &["pub f: i32,", "pub g: Option<String>,"],
            SPEC,
            json!({"type": "object", "properties": {"f": {"type": "integer", "format": "int32"}, "g": {"type": "string"}}, "required": ["f"]}),
        ),
        field(
            "nested_object",
            "type: object\nproperties:\n  jobTemplate:\n    type: object\n    properties:\n      name: string",
            &[
                "pub struct CaseSpecF {",
                "pub struct CaseSpecFJobTemplate {",
                "pub job_template: Option<CaseSpecFJobTemplate>,",
            ],
            json!({"type": "object", "properties": {"jobTemplate": {"type": "object", "properties": {"name": {"type": "string"}}}}}),
        ),
        field(
            "object_inferred",
            "properties:\n  a: string",
            &["pub struct CaseSpecF {"],
            json!({"type": "object", "properties": {"a": {"type": "string"}}}),
        ),
        field(
            "empty_object",
            "type: object",
            &["pub struct CaseSpecF {}"],
            json!({"type": "object"}),
        ),
        field(
            "array_of_strings",
            "type: array\nitems: string",
            &["pub f: Option<Vec<String>>,"],
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        field(
            "array_of_objects",
            "type: array\nitems:\n  type: object\n  properties:\n    name: string",
            &["pub f: Option<Vec<CaseSpecF>>,", "pub struct CaseSpecF {"],
            json!({"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}),
        ),
        field(
            "array_of_arrays",
            "type: array\nitems:\n  type: array\n  items: int32",
            &["pub f: Option<Vec<Vec<i32>>>,"],
            json!({"type": "array", "items": {"type": "array", "items": {"type": "integer", "format": "int32"}}}),
        ),
        field(
            "map_of_strings",
            "type: object\nadditionalProperties: string",
            &["pub f: Option<BTreeMap<String, String>>,"],
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        field(
            "map_of_objects",
            "type: object\nadditionalProperties:\n  type: object\n  properties:\n    a: int32",
            &["pub f: Option<BTreeMap<String, CaseSpecF>>,"],
            json!({"type": "object", "additionalProperties": {"type": "object", "properties": {"a": {"type": "integer", "format": "int32"}}}}),
        ),
        field(
            "string_enum",
            "type: string\nenum: [Allow, Forbid, Replace]",
            &[
                "pub enum CaseSpecF {",
                "    Allow,",
                "pub f: Option<CaseSpecF>,",
            ],
            json!({"type": "string", "enum": ["Allow", "Forbid", "Replace"]}),
        ),
        field(
            "string_enum_renamed",
            "type: string\nenum: [low-latency, high-throughput, \"\"]",
            &[
                "#[serde(rename_all = \"kebab-case\")]",
                "#[serde(rename = \"\")]\n    Empty,",
            ],
            json!({"type": "string", "enum": ["low-latency", "high-throughput", ""]}),
        ),
        field(
            "integer_enum",
            "type: integer\nformat: int32\nenum: [1, 2, 3]",
            &["extend(\"enum\" = [1, 2, 3])"],
            json!({"type": "integer", "format": "int32", "enum": [1, 2, 3]}),
        ),
        field(
            "default_integer",
            "type: integer\nformat: int32\ndefault: 5",
            &[
                "#[serde(default = \"default_f\")]",
                "fn default_f() -> i32 {\n    5\n}",
            ],
            json!({"type": "integer", "format": "int32", "default": 5}),
        ),
        field(
            "default_string",
            "type: string\ndefault: hello",
            &["\"hello\".into()"],
            json!({"type": "string", "default": "hello"}),
        ),
        field(
            "default_zero_is_type_default",
            "type: integer\nformat: int64\ndefault: 0",
            &["#[serde(default)]\n    pub f: i64,"],
            json!({"type": "integer", "format": "int64", "default": 0}),
        ),
        field(
            "default_false",
            "type: boolean\ndefault: false",
            &["#[serde(default)]\n    pub f: bool,"],
            json!({"type": "boolean", "default": false}),
        ),
        field(
            "default_number",
            "type: number\nformat: double\ndefault: 0.5",
            &["fn default_f() -> f64 {\n    0.5\n}"],
            json!({"type": "number", "format": "double", "default": 0.5}),
        ),
        field(
            "default_enum",
            "type: string\nenum: [A, B]\ndefault: B",
            &["CaseSpecF::B"],
            json!({"type": "string", "enum": ["A", "B"], "default": "B"}),
        ),
        field(
            "default_array",
            "type: array\nitems: string\ndefault: [a, b]",
            &["vec![\"a\".into(), \"b\".into()]"],
            json!({"type": "array", "items": {"type": "string"}, "default": ["a", "b"]}),
        ),
        field(
            "default_empty_map",
            "type: object\nadditionalProperties: string\ndefault: {}",
            &["#[serde(default)]\n    pub f: BTreeMap<String, String>,"],
            json!({"type": "object", "additionalProperties": {"type": "string"}, "default": {}}),
        ),
        field(
            "default_object",
            "type: object\ndefault: {a: 1}\nproperties:\n  a: int32",
            &["extend(\"default\" = {\"a\": 1})"],
            json!({"type": "object", "default": {"a": 1}, "properties": {"a": {"type": "integer", "format": "int32"}}}),
        ),
        field(
            "default_on_required",
            "type: string\nrequired: true\ndefault: x",
            &["pub f: String,", "extend(\"default\" = \"x\")"],
            json!({"type": "string", "default": "x"}),
        ),
        field(
            "nullable",
            "type: string\nnullable: true",
            &["extend(\"nullable\" = true)"],
            json!({"type": "string", "nullable": true}),
        ),
        field(
            "nullable_false",
            "type: string\nnullable: false",
            &["extend(\"nullable\" = false)"],
            json!({"type": "string", "nullable": false}),
        ),
        field(
            "nullable_required",
            "type: string\nnullable: true\nrequired: true",
            &["pub f: Option<String>,", "required"],
            json!({"type": "string", "nullable": true}),
        ),
        field(
            "nullable_default",
            "type: integer\nformat: int32\nnullable: true\ndefault: 3",
            &["Some(3)"],
            json!({"type": "integer", "format": "int32", "nullable": true, "default": 3}),
        ),
        field(
            "minimum_maximum",
            "type: integer\nformat: int32\nminimum: 1\nmaximum: 10",
            &["range(min = 1, max = 10)"],
            json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 10}),
        ),
        field(
            "negative_minimum",
            "type: integer\nformat: int32\nminimum: -5",
            &["range(min = -5)"],
            json!({"type": "integer", "format": "int32", "minimum": -5}),
        ),
        field(
            "negative_fractional_range",
            "type: number\nminimum: -40.5\nmaximum: -0.25",
            &["range(min = -40.5, max = -0.25)"],
            json!({"type": "number", "minimum": -40.5, "maximum": -0.25}),
        ),
        field(
            "bounds_beyond_i32",
            "type: integer\nformat: int64\nminimum: -3000000000\nmaximum: 30000000000",
            &[
                "extend(\"minimum\" = -3000000000i64)",
                "extend(\"maximum\" = 30000000000i64)",
            ],
            json!({"type": "integer", "format": "int64", "minimum": -3000000000i64, "maximum": 30000000000i64}),
        ),
        field(
            "exclusive_bounds",
            "type: number\nformat: double\nminimum: 0\nexclusiveMinimum: true\nmaximum: 1\nexclusiveMaximum: false",
            &[
                "extend(\"exclusiveMinimum\" = true)",
                "extend(\"exclusiveMaximum\" = false)",
            ],
            json!({"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": false}),
        ),
        field(
            "multiple_of",
            "type: integer\nformat: int32\nmultipleOf: 5",
            &["extend(\"multipleOf\" = 5)"],
            json!({"type": "integer", "format": "int32", "multipleOf": 5}),
        ),
        field(
            "lengths",
            "type: string\nminLength: 1\nmaxLength: 63",
            &["length(min = 1, max = 63)"],
            json!({"type": "string", "minLength": 1, "maxLength": 63}),
        ),
        field(
            "pattern",
            "type: string\npattern: '^[a-z]+(\\.[a-z]+)*$'",
            &["regex(pattern = r\"^[a-z]+(\\.[a-z]+)*$\")"],
            json!({"type": "string", "pattern": "^[a-z]+(\\.[a-z]+)*$"}),
        ),
        field(
            "items_counts",
            "type: array\nitems: string\nminItems: 1\nmaxItems: 3",
            &["length(min = 1, max = 3)"],
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3}),
        ),
        field(
            "items_constraints",
            "type: array\nitems:\n  type: string\n  maxLength: 8\n  pattern: '^[a-z]+$'",
            &["inner(length(max = 8), regex(pattern = \"^[a-z]+$\"))"],
            json!({"type": "array", "items": {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"}}),
        ),
        field(
            "items_with_description",
            "type: array\nitems:\n  type: string\n  description: One tag.",
            &["pub struct CaseSpecF(pub String);", "/// One tag."],
            json!({"type": "array", "items": {"type": "string", "description": "One tag."}}),
        ),
        field(
            "properties_counts",
            "type: object\nadditionalProperties: string\nminProperties: 1\nmaxProperties: 4",
            &[
                "extend(\"minProperties\" = 1)",
                "extend(\"maxProperties\" = 4)",
            ],
            json!({"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1, "maxProperties": 4}),
        ),
        field(
            "title",
            "type: string\ntitle: Name",
            &["title = \"Name\""],
            json!({"type": "string", "title": "Name"}),
        ),
        field(
            "description",
            "type: string\ndescription: The name.",
            &["/// The name.\n"],
            json!({"type": "string", "description": "The name."}),
        ),
        field(
            "description_with_list",
            "type: string\ndescription: |-\n  One of:\n  - a\n  - b",
            &["description = \"One of:\\n- a\\n- b\""],
            json!({"type": "string", "description": "One of:\n- a\n- b"}),
        ),
        field(
            "example",
            "type: string\nexample: web-1",
            &["extend(\"example\" = \"web-1\")"],
            json!({"type": "string", "example": "web-1"}),
        ),
        field(
            "any_of_patterns",
            "type: string\nanyOf: [{pattern: \"^a\"}, {pattern: \"^b\"}]",
            &["\"anyOf\""],
            json!({"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]}),
        ),
        field(
            "any_of_negative_bounds",
            "type: integer\nformat: int32\nminimum: -40\nanyOf:\n  - {minimum: -40, maximum: -10}\n  - {minimum: 10, exclusiveMinimum: true}",
            &["\"anyOf\""],
            json!({"type": "integer", "format": "int32", "minimum": -40, "anyOf": [{"minimum": -40, "maximum": -10}, {"minimum": 10, "exclusiveMinimum": true}]}),
        ),
        field(
            "one_of_required",
            "type: object\nproperties:\n  a: string\n  b: string\n  c: string\noneOf:\n  - required: [b, a]\n  - required: [c]",
            &["\"oneOf\""],
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}, "oneOf": [{"required": ["a", "b"]}, {"required": ["c"]}]}),
        ),
        field(
            "all_of_properties",
            "type: object\nproperties:\n  a: int32\n  b:\n    type: array\n    items: string\nallOf:\n  - properties:\n      a: {minimum: 1}\n      b: {items: {minLength: 2}}\n  - anyOf: [{required: [a]}, {required: [b]}]",
            &["\"allOf\""],
            json!({"type": "object", "properties": {"a": {"type": "integer", "format": "int32"}, "b": {"type": "array", "items": {"type": "string"}}}, "allOf": [{"properties": {"a": {"minimum": 1}, "b": {"items": {"minLength": 2}}}}, {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}]}),
        ),
        field(
            "not_pattern",
            "type: string\nnot: {pattern: \"^x\"}",
            &["\"not\""],
            json!({"type": "string", "not": {"pattern": "^x"}}),
        ),
        field(
            "external_docs",
            "type: string\nexternalDocs: {url: \"https://example.com/f\", description: More}",
            &["\"externalDocs\""],
            json!({"type": "string", "externalDocs": {"url": "https://example.com/f", "description": "More"}}),
        ),
        field(
            "enum_any_of",
            "type: string\nenum: [alpha, beta, gamma]\nanyOf: [{enum: [alpha]}, {pattern: \"^[bg]\"}]",
            &["\"anyOf\""],
            json!({"type": "string", "enum": ["alpha", "beta", "gamma"], "anyOf": [{"enum": ["alpha"]}, {"pattern": "^[bg]"}]}),
        ),
        field(
            "items_any_of",
            "type: array\nitems:\n  type: string\n  anyOf: [{pattern: \"^a\"}, {maxLength: 3}]",
            &["\"anyOf\""],
            json!({"type": "array", "items": {"type": "string", "anyOf": [{"pattern": "^a"}, {"maxLength": 3}]}}),
        ),
        field(
            "object_items_one_of",
            "type: array\nitems:\n  type: object\n  properties:\n    a: string\n    b: string\n  oneOf: [{required: [a]}, {required: [b]}]",
            &["\"oneOf\""],
            json!({"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}}),
        ),
        field(
            "nullable_any_of",
            "type: string\nnullable: true\nanyOf: [{pattern: \"^a\"}, {minLength: 5}]",
            &["\"anyOf\""],
            json!({"type": "string", "nullable": true, "anyOf": [{"pattern": "^a"}, {"minLength": 5}]}),
        ),
        whole(
            "required_junctors_in_sample",
            "version: v1\nkind: Case\nspec:\n  required: [mode, pick, level]\n  properties:\n    mode:\n      type: string\n      anyOf: [{pattern: \"^[0-9]+$\"}, {enum: [auto]}]\n    level:\n      type: integer\n      format: int32\n      allOf: [{minimum: 5}]\n      not: {enum: [6]}\n    pick:\n      type: object\n      properties:\n        a: string\n        b: string\n      oneOf: [{required: [a]}, {required: [b]}]\n",
            &["\"anyOf\"", "\"oneOf\"", "\"allOf\"", "\"not\""],
            SPEC,
            json!({"type": "object", "required": ["mode", "pick", "level"], "properties": {
                "mode": {"type": "string", "anyOf": [{"pattern": "^[0-9]+$"}, {"enum": ["auto"]}]},
                "level": {"type": "integer", "format": "int32", "allOf": [{"minimum": 5}], "not": {"enum": [6]}},
                "pick": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}
            }}),
        ),
        whole(
            "spec_one_of",
            "version: v1\nkind: Case\nspec:\n  properties:\n    a: string\n    b: string\n  oneOf: [{required: [a]}, {required: [b]}]\n  not: {required: [a, b]}\n",
            &["\"oneOf\""],
            SPEC,
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "oneOf": [{"required": ["a"]}, {"required": ["b"]}], "not": {"required": ["a", "b"]}}),
        ),
        field(
            "int_or_string",
            "x-kubernetes-int-or-string: true\nanyOf:\n  - type: integer\n  - type: string",
            &[
                "pub f: Option<IntOrString>,",
                "extend(\"description\" = null)",
                "extend(\"nullable\" = null)",
            ],
            json!({"x-kubernetes-int-or-string": true}),
        ),
        field(
            "int_or_string_false",
            "type: string\nx-kubernetes-int-or-string: false",
            &["extend(\"x-kubernetes-int-or-string\" = false)"],
            json!({"type": "string", "x-kubernetes-int-or-string": false}),
        ),
        field(
            "preserve_unknown_fields",
            "type: object\nx-kubernetes-preserve-unknown-fields: true",
            &[
                "pub f: Option<BTreeMap<String, serde_json::Value>>,",
                "#[schemars(with = \"CaseSpecF\")]",
                "pub struct CaseSpecF {}",
            ],
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        ),
        field(
            "preserve_with_properties",
            "type: object\nx-kubernetes-preserve-unknown-fields: true\nproperties:\n  a: string",
            &[
                "#[serde(flatten)]",
                "pub unknown_fields: BTreeMap<String, serde_json::Value>,",
            ],
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"a": {"type": "string"}}}),
        ),
        field(
            "embedded_resource",
            "type: object\nx-kubernetes-embedded-resource: true\nx-kubernetes-preserve-unknown-fields: true",
            &["extend(\"x-kubernetes-embedded-resource\" = true)"],
            json!({"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}),
        ),
        field(
            "embedded_resource_with_metadata",
            "type: object\nx-kubernetes-embedded-resource: true\nproperties:\n  apiVersion: string\n  kind: string\n  metadata:\n    type: object\n    properties:\n      name: string",
            &["pub struct CaseSpecFMetadata {"],
            json!({"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object", "properties": {"name": {"type": "string"}}}}}),
        ),
        field(
            "list_type_set",
            "type: array\nitems: string\nx-kubernetes-list-type: set",
            &["#[x_kube(merge_strategy = ListMerge::Set)]"],
            json!({"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}),
        ),
        field(
            "list_type_atomic",
            "type: array\nitems: string\nx-kubernetes-list-type: atomic",
            &["ListMerge::Atomic"],
            json!({"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "atomic"}),
        ),
        field(
            "list_type_map",
            "type: array\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [name, port]\nitems:\n  type: object\n  required: [name]\n  properties:\n    name: string\n    port:\n      type: integer\n      format: int32\n      default: 80",
            &["ListMerge::Map(vec![\"name\".into(), \"port\".into()])"],
            json!({"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "port"], "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "port": {"type": "integer", "format": "int32", "default": 80}}}}),
        ),
        field(
            "map_type_atomic",
            "type: object\nadditionalProperties: string\nx-kubernetes-map-type: atomic",
            &["MapMerge::Atomic"],
            json!({"type": "object", "additionalProperties": {"type": "string"}, "x-kubernetes-map-type": "atomic"}),
        ),
        field(
            "map_type_granular_struct",
            "type: object\nx-kubernetes-map-type: granular\nproperties:\n  a: string",
            &["MapMerge::Granular"],
            json!({"type": "object", "x-kubernetes-map-type": "granular", "properties": {"a": {"type": "string"}}}),
        ),
        field(
            "cel_rule",
            "type: integer\nformat: int32\nx-kubernetes-validations:\n  - rule: self >= 0",
            &["#[x_kube(validation = \"self >= 0\")]", "KubeSchema)]"],
            json!({"type": "integer", "format": "int32", "x-kubernetes-validations": [{"rule": "self >= 0"}]}),
        ),
        field(
            "cel_rule_full",
            "type: object\nproperties:\n  a: string\nx-kubernetes-validations:\n  - rule: self.a == oldSelf.a\n    messageExpression: \"'a is immutable: ' + self.a\"\n    reason: FieldValueForbidden\n    fieldPath: .a\n  - rule: \"!oldSelf.hasValue() || has(self.a)\"\n    message: a stays\n    optionalOldSelf: true",
            &[
                "Rule::new(\"self.a == oldSelf.a\").message(Message::Expression(\"'a is immutable: ' + self.a\".into())).reason(Reason::FieldValueForbidden).field_path(\".a\")",
                ".optional_old_self(true)",
            ],
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "x-kubernetes-validations": [
                {"rule": "self.a == oldSelf.a", "messageExpression": "'a is immutable: ' + self.a", "reason": "FieldValueForbidden", "fieldPath": ".a"},
                {"rule": "!oldSelf.hasValue() || has(self.a)", "message": "a stays", "optionalOldSelf": true}
            ]}),
        ),
        field(
            "cel_on_items",
            "type: array\nitems:\n  type: object\n  properties:\n    a: string\n  x-kubernetes-validations:\n    - rule: has(self.a)",
            &["#[x_kube(validation = \"has(self.a)\")]\npub struct CaseSpecF {"],
            json!({"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}, "x-kubernetes-validations": [{"rule": "has(self.a)"}]}}),
        ),
        field(
            "cel_on_scalar_items",
            "type: array\nitems:\n  type: string\n  x-kubernetes-validations:\n    - rule: self != ''\n      message: empty",
            &[
                "extend(\"x-kubernetes-validations\" = [{\"message\": \"empty\", \"rule\": \"self != ''\"}])",
            ],
            json!({"type": "array", "items": {"type": "string", "x-kubernetes-validations": [{"rule": "self != ''", "message": "empty"}]}}),
        ),
        field(
            "keyword_named_field",
            "type: object\nproperties:\n  type: string\n  self: string",
            &["pub r#type: Option<String>,", "pub self_: Option<String>,"],
            json!({"type": "object", "properties": {"type": {"type": "string"}, "self": {"type": "string"}}}),
        ),
        field(
            "renamed_fields",
            "type: object\nproperties:\n  podIP: string\n  x-forwarded: string\n  camelCase: string",
            &[
                "#[serde(rename = \"podIP\")]",
                "#[serde(rename = \"x-forwarded\")]",
                "pub camel_case: Option<String>,",
            ],
            json!({"type": "object", "properties": {"podIP": {"type": "string"}, "x-forwarded": {"type": "string"}, "camelCase": {"type": "string"}}}),
        ),
        field(
            "unique_items_false",
            "type: array\nitems: string\nuniqueItems: false",
            &["pub f: Option<Vec<String>>,"],
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        field(
            "well_known_quantity",
            "Quantity",
            &[
                "use k8s_openapi::apimachinery::pkg::api::resource::Quantity;",
                "pub f: Option<Quantity>,",
            ],
            json!({"x-kubernetes-int-or-string": true, "description": wk_description("Quantity")}),
        ),
        field(
            "well_known_int_or_string",
            "IntOrString",
            &["pub f: Option<IntOrString>,"],
            json!({"x-kubernetes-int-or-string": true, "description": wk_description("IntOrString")}),
        ),
        field(
            "well_known_time",
            "type: Time\ndescription: When.",
            &["pub f: Option<Time>,"],
            json!({"type": "string", "format": "date-time", "description": "When."}),
        ),
        field(
            "well_known_micro_time",
            "type: MicroTime\ndescription: When.",
            &["pub f: Option<MicroTime>,"],
            json!({"type": "string", "format": "date-time", "description": "When."}),
        ),
        field(
            "well_known_duration",
            "Duration",
            &["use kube::core::Duration;"],
            json!({"type": "string"}),
        ),
        field(
            "well_known_condition",
            "type: array\nitems: Condition\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [type]",
            &["pub f: Option<Vec<Condition>>,"],
            Value::Null,
        ),
        field(
            "well_known_object_reference",
            "ObjectReference",
            &["pub f: Option<ObjectReference>,"],
            Value::Null,
        ),
        field(
            "well_known_local_object_reference",
            "LocalObjectReference",
            &["pub f: Option<LocalObjectReference>,"],
            Value::Null,
        ),
        field(
            "well_known_resource_requirements",
            "ResourceRequirements",
            &["pub f: Option<ResourceRequirements>,"],
            Value::Null,
        ),
        field(
            "well_known_label_selector",
            "LabelSelector",
            &["pub f: Option<LabelSelector>,"],
            Value::Null,
        ),
        field(
            "well_known_secret_key_selector",
            "SecretKeySelector",
            &["pub f: Option<SecretKeySelector>,"],
            Value::Null,
        ),
        field(
            "well_known_config_map_key_selector",
            "ConfigMapKeySelector",
            &["pub f: Option<ConfigMapKeySelector>,"],
            Value::Null,
        ),
        field(
            "well_known_toleration",
            "type: array\nitems: Toleration",
            &["pub f: Option<Vec<Toleration>>,"],
            Value::Null,
        ),
        field(
            "well_known_env_var",
            "type: array\nitems: EnvVar",
            &["pub f: Option<Vec<EnvVar>>,"],
            Value::Null,
        ),
        field(
            "well_known_pod_template_spec",
            "PodTemplateSpec",
            &["pub f: Option<PodTemplateSpec>,"],
            Value::Null,
        ),
        whole(
            "crd_settings",
            "version: v1\nkind: Case\nplural: caseloads\nsingular: caseload\nscope: Cluster\nshortNames: [cl]\ncategories: [all, tests]\ndescription: A case.\nserved: false\ndeprecated: true\ndeprecationWarning: use v2\nspec:\n  properties:\n    f: string\n",
            &[
                "#[kube(kind = \"Case\", plural = \"caseloads\")]",
                "#[kube(singular = \"caseload\")]",
                "#[kube(shortname = \"cl\")]",
                "#[kube(category = \"all\", category = \"tests\")]",
                "#[kube(served = false)]",
                "#[kube(deprecated = \"use v2\")]",
                "#[kube(doc = \"A case.\")]",
            ],
            VERSION,
            json!({"name": "v1", "served": false, "storage": true, "deprecated": true, "deprecationWarning": "use v2"}),
        ),
        whole(
            "printer_columns_scale_selectable",
            "version: v1\nkind: Case\nadditionalPrinterColumns:\n  - name: Replicas\n    type: integer\n    jsonPath: .spec.replicas\n  - name: Ready\n    type: string\n    jsonPath: .status.conditions[?(@.type==\"Ready\")].status\n    description: Whether it is ready.\n    priority: 1\n  - name: Age\n    type: date\n    jsonPath: .metadata.creationTimestamp\nsubresources:\n  status: {}\n  scale:\n    specReplicasPath: .spec.replicas\n    statusReplicasPath: .status.replicas\n    labelSelectorPath: .status.selector\nselectableFields:\n  - jsonPath: .spec.mode\nspec:\n  properties:\n    replicas: int32\n    mode: string\nstatus:\n  properties:\n    replicas: int32\n    selector: string\n    conditions:\n      type: array\n      items: Condition\n",
            &[
                "#[kube(scale(",
                "#[kube(selectable = \".spec.mode\")]",
                "#[kube(status = \"CaseStatus\")]",
            ],
            VERSION,
            json!({"name": "v1", "served": true, "storage": true,
                "additionalPrinterColumns": [
                    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                    {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "description": "Whether it is ready.", "priority": 1},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
                ],
                "selectableFields": [{"jsonPath": ".spec.mode"}],
                "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}}}),
        ),
        whole(
            "spec_level_rules_and_title",
            "version: v1\nkind: Case\nspec:\n  title: Spec\n  description: The spec.\n  minProperties: 1\n  x-kubernetes-validations:\n    - rule: has(self.f)\n  properties:\n    f: string\n",
            &["/// The spec.\n", "#[x_kube(validation = \"has(self.f)\")]"],
            SPEC,
            json!({"type": "object", "title": "Spec", "description": "The spec.", "minProperties": 1, "x-kubernetes-validations": [{"rule": "has(self.f)"}], "properties": {"f": {"type": "string"}}}),
        ),
        whole(
            "status_title_and_rules",
            "version: v1\nkind: Case\nspec:\n  properties:\n    f: string\nstatus:\n  title: Status\n  x-kubernetes-validations:\n    - rule: self.ready || !self.ready\n  required: [ready]\n  properties:\n    ready: boolean\n",
            &["#[schemars(title = \"Status\")]", "pub ready: bool,"],
            "/spec/versions/0/schema/openAPIV3Schema/properties/status",
            json!({"type": "object", "nullable": true, "title": "Status", "required": ["ready"], "properties": {"ready": {"type": "boolean"}}, "x-kubernetes-validations": [{"rule": "self.ready || !self.ready"}]}),
        ),
        whole(
            "spec_keeps_unknown_fields",
            "version: v1\nkind: Case\nspec:\n  x-kubernetes-preserve-unknown-fields: true\n  x-kubernetes-map-type: atomic\n  example: {f: x}\n  properties:\n    f: string\n",
            &["#[serde(flatten)]"],
            SPEC,
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-map-type": "atomic", "example": {"f": "x"}, "properties": {"f": {"type": "string"}}}),
        ),
        whole(
            "required_time_and_duration",
            "version: v1\nkind: Case\nspec:\n  required: [at, every]\n  properties:\n    at: Time\n    every: Duration\n    micro: {type: MicroTime, required: true}\n",
            &[
                "at: Time(Default::default()),",
                "every: std::time::Duration::ZERO.into(),",
                "impl Default for CaseSpec {",
            ],
            SPEC,
            Value::Null,
        ),
        whole(
            "status_only_subresource",
            "version: v1\nkind: Case\nsubresources:\n  status: {}\nspec:\n  properties:\n    f: string\n",
            &["pub struct CaseStatus {}"],
            "/spec/versions/0/schema/openAPIV3Schema/properties/status",
            json!({"type": "object", "nullable": true}),
        ),
    ]
}

fn wk_description(name: &str) -> String {
    let canonical = match name {
        "Quantity" => "k8s_openapi::apimachinery::pkg::api::resource::Quantity",
        _ => "k8s_openapi::apimachinery::pkg::util::intstr::IntOrString",
    };
    kubeforge::crd::k8s::raw_schema(canonical).unwrap()["description"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A small deterministic PRNG (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "name",
    "image",
    "replicas",
    "podIP",
    "x-ray",
    "type",
    "self",
    "mode",
    "URL",
    "max_surge",
    "enabled",
    "items",
    "labels",
    "value",
    "spec",
    "status",
    "kind",
    "apiVersion",
    "a.b",
    "9lives",
    "ttlSecondsAfterFinished",
    "matchExpressions",
    "default",
    "crate",
    "async",
    "dataFrom",
];

const WORDS: &[&str] = &[
    "alpha",
    "beta",
    "low-latency",
    "high",
    "Auto",
    "OFF",
    "",
    "x y",
    "日本",
];

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| format!("{}{l}\n", " ".repeat(by)))
        .collect()
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A random scalar schema (YAML at column 0) and whether it is a string enum.
fn random_scalar(rng: &mut Rng) -> String {
    let mut out = String::new();
    match rng.below(9) {
        0 => {
            out.push_str("type: string\n");
            if rng.chance(30) {
                out.push_str("minLength: 1\nmaxLength: 40\n");
            }
            if rng.chance(20) {
                out.push_str("format: date-time\n");
            } else {
                if rng.chance(25) {
                    out.push_str("pattern: '^[a-z][a-z0-9-]*$'\n");
                }
                if rng.chance(20) {
                    out.push_str("default: hello\n");
                }
            }
        }
        1 => {
            let n = 1 + rng.below(4) as usize;
            let mut vals: Vec<&str> = Vec::new();
            while vals.len() < n {
                let w = *rng.pick(WORDS);
                if !vals.contains(&w) {
                    vals.push(w);
                }
            }
            out.push_str("type: string\nenum: [");
            out.push_str(&vals.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", "));
            out.push_str("]\n");
            if rng.chance(40) {
                out.push_str(&format!("default: {}\n", quote(vals[0])));
            }
        }
        2 => {
            out.push_str(*rng.pick(&[
                "type: integer\nformat: int32\n",
                "type: integer\nformat: int64\n",
                "type: integer\n",
            ]));
            if rng.chance(40) {
                out.push_str("minimum: 1\nmaximum: 100\n");
            }
            if rng.chance(20) {
                out.push_str("multipleOf: 2\n");
            }
            if rng.chance(30) {
                out.push_str("default: 4\n");
            }
        }
        3 => {
            out.push_str(*rng.pick(&["type: number\n", "type: number\nformat: double\n"]));
            if rng.chance(40) {
                out.push_str("minimum: 0\nexclusiveMinimum: true\n");
            }
            if rng.chance(30) {
                out.push_str("default: 1.5\n");
            }
        }
        4 => {
            out.push_str("type: boolean\n");
            if rng.chance(40) {
                out.push_str(*rng.pick(&["default: true\n", "default: false\n"]));
            }
        }
        5 => out.push_str("x-kubernetes-int-or-string: true\n"),
        6 => out.push_str(&format!(
            "type: {}\n",
            *rng.pick(&[
                "Quantity",
                "Time",
                "IntOrString",
                "LocalObjectReference",
                "Duration"
            ])
        )),
        7 => out.push_str("type: integer\nformat: int32\nenum: [1, 2, 3]\n"),
        _ => out.push_str("type: object\nx-kubernetes-preserve-unknown-fields: true\n"),
    }
    if rng.chance(30) {
        out.push_str("description: A field.\n");
    }
    if rng.chance(10) {
        out.push_str("nullable: true\n");
    }
    if rng.chance(10) {
        out.push_str("x-kubernetes-validations:\n  - rule: self == self\n    message: always\n");
    }
    out
}

fn random_node(rng: &mut Rng, depth: usize) -> String {
    let choice = if depth >= 3 { 0 } else { rng.below(10) };
    match choice {
        0..=4 => random_scalar(rng),
        5 | 6 => {
            let mut out = String::from("type: object\n");
            if rng.chance(20) {
                out.push_str("description: An object.\n");
            }
            if rng.chance(15) {
                out.push_str("x-kubernetes-map-type: atomic\n");
            }
            out.push_str(&random_properties(rng, depth + 1));
            out
        }
        7 => {
            let mut out = String::from("type: array\n");
            if rng.chance(30) {
                out.push_str("maxItems: 5\n");
            }
            if rng.chance(20) {
                out.push_str("x-kubernetes-list-type: atomic\n");
            }
            out.push_str("items:\n");
            out.push_str(&indent(&random_node(rng, depth + 1), 2));
            out
        }
        8 => {
            let mut out = String::from("type: object\n");
            if rng.chance(30) {
                out.push_str("maxProperties: 8\n");
            }
            out.push_str("additionalProperties:\n");
            out.push_str(&indent(&random_node(rng, depth + 1), 2));
            out
        }
        _ => {
            let mut out = String::from(
                "type: array\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [key]\nitems:\n  type: object\n  properties:\n    key:\n      type: string\n      required: true\n",
            );
            out.push_str("    other:\n");
            out.push_str(&indent(&random_scalar(rng), 6));
            out
        }
    }
}

fn random_properties(rng: &mut Rng, depth: usize) -> String {
    let n = 1 + rng.below(4);
    let mut used: Vec<String> = Vec::new();
    let mut out = String::from("properties:\n");
    for _ in 0..n {
        let name = rng.pick(NAMES).to_string();
        let ident = name.to_lowercase().replace(['-', '.', '_'], "");
        if used.contains(&ident) {
            continue;
        }
        used.push(ident);
        out.push_str(&format!("  {}:\n", quote(&name)));
        let mut node = random_node(rng, depth);
        if rng.chance(30) && !node.contains("default:") && !node.contains("nullable") {
            node.push_str("required: true\n");
        }
        out.push_str(&indent(&node, 4));
    }
    out
}

/// A random valid description.
pub fn random_description(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = format!("version: v1\nkind: Random{seed}\n");
    out.push_str("spec:\n");
    if rng.chance(20) {
        out.push_str("  description: A random spec.\n");
    }
    out.push_str(&indent(&random_properties(&mut rng, 0), 2));
    if rng.chance(50) {
        out.push_str("status:\n");
        out.push_str(&indent(&random_properties(&mut rng, 1), 2));
    }
    out
}

/// The shared CRDs directory, if present.
pub fn shared_crds_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/crds");
    dir.is_dir().then_some(dir)
}

/// One version of a real-world CRD as a description: (name, description text, spec schema,
/// status schema).
pub struct SharedCase {
    pub name: String,
    pub yaml: String,
    pub spec: Value,
    pub status: Option<Value>,
}

pub fn shared_cases(dir: &Path) -> Vec<SharedCase> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let docs = kubeforge::yaml::values_from_str(&f, &text).unwrap();
        for crd in docs {
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_string();
            let stem = f.file_stem().unwrap().to_string_lossy().to_string();
            for v in crd["spec"]["versions"].as_array().unwrap() {
                let root = &v["schema"]["openAPIV3Schema"];
                let spec = root["properties"]["spec"].clone();
                let status = root["properties"].get("status").cloned();
                let mut d = serde_json::Map::new();
                d.insert("version".into(), v["name"].clone());
                d.insert("kind".into(), json!(kind));
                d.insert("spec".into(), spec.clone());
                if let Some(s) = &status {
                    d.insert("status".into(), s.clone());
                }
                let yaml = kubeforge::yaml::to_string(&Value::Object(d)).unwrap();
                out.push(SharedCase {
                    name: format!("{}_{}", stem.replace('-', "_"), v["name"].as_str().unwrap()),
                    yaml,
                    spec,
                    status,
                });
            }
        }
    }
    out
}
