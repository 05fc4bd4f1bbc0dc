//! The file format of a resource description: the Rust structs that parse it (serde, through
//! `crate::yaml`) and that describe it (schemars, for `kubeforge schema`).
//!
//! Every value that an error may point at is wrapped in [`At`], which keeps its line and column.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A value with the place (1-based line and column) where the description wrote it.
#[derive(Debug, Clone)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

impl<T> At<T> {
    pub fn new(value: T, line: usize, column: usize) -> Self {
        At {
            value,
            line,
            column,
        }
    }

    /// The place of this value, for errors.
    pub fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(At {
            value: s.value,
            line: s.referenced.line() as usize,
            column: s.referenced.column() as usize,
        })
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A boolean written `true` or `false`. A string such as `'no'` or `"false"` is refused: YAML
/// readers disagree on what it means, and kubeforge does not guess.
#[derive(Debug, Clone, Copy)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag(b))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Flag, E> {
                Err(E::custom(format!(
                    "`{s}` is a string, not a boolean: write true or false, without quotes"
                )))
            }
        }
        d.deserialize_any(FlagVisitor)
    }
}

/// An optional boolean, strictly (see [`Flag`]).
pub fn strict_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<At<bool>>, D::Error> {
    let flag = Option::<At<Flag>>::deserialize(d)?;
    Ok(flag.map(|f| At::new(f.value.0, f.line, f.column)))
}

/// A place in the description file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// A resource description: the kind's names, CRD settings and the schemas of `spec` and `status`.
///
/// The schemas use the keywords of a CRD's `openAPIV3Schema` (a fragment copied from a CRD is
/// accepted as it is), plus conveniences: `required: true` on a property, shorthand scalars
/// (`image: string`, `replicas: int32`) and well-known Kubernetes types by name
/// (`type: Quantity`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "kubeforge resource description")]
pub struct DescriptionFile {
    /// The API group: the short group given to `--group` (`batch`) or the full group
    /// (`batch.example.com`). Optional when `--group` is given.
    pub group: Option<At<String>>,
    /// The API version, e.g. `v1`. Optional when `--version` is given.
    pub version: Option<At<String>>,
    /// The kind, in UpperCamelCase. Optional when `--kind` is given.
    #[schemars(with = "Option<String>")]
    pub kind: Option<At<Value>>,
    /// The plural name (lowercase). Defaults to the plural kubebuilder gives the kind.
    pub plural: Option<At<String>>,
    /// The singular name (lowercase). Defaults to the lowercased kind.
    pub singular: Option<At<String>>,
    /// `Namespaced` (the default) or `Cluster`.
    pub scope: Option<At<Scope>>,
    /// Short names for kubectl, e.g. `[cj]`.
    pub short_names: Option<Vec<At<String>>>,
    /// Categories for kubectl, e.g. `[all]`.
    pub categories: Option<Vec<At<String>>>,
    /// The description of the whole object (the root schema's `description`).
    pub description: Option<At<String>>,
    /// Columns `kubectl get` prints.
    pub additional_printer_columns: Option<Vec<At<PrinterColumn>>>,
    /// The status and scale subresources.
    pub subresources: Option<At<Subresources>>,
    /// Fields usable in field selectors (Kubernetes 1.30 and later).
    pub selectable_fields: Option<Vec<At<SelectableField>>>,
    /// Whether this version is served (default true).
    #[serde(default, deserialize_with = "strict_bool")]
    pub served: Option<At<bool>>,
    /// Whether this version is the storage version (default: the first version of the kind).
    #[serde(default, deserialize_with = "strict_bool")]
    pub storage: Option<At<bool>>,
    /// Whether this version is deprecated.
    #[serde(default, deserialize_with = "strict_bool")]
    pub deprecated: Option<At<bool>>,
    /// The warning clients get when they use this deprecated version.
    pub deprecation_warning: Option<At<String>>,
    /// The desired state: an object schema.
    pub spec: Option<At<Node>>,
    /// The fields of `spec` sit at the root of the object, beside `status` (kube's `no_spec`),
    /// as in CRDs whose objects have no `spec` or have other root fields beside it.
    #[serde(default, deserialize_with = "strict_bool")]
    pub no_spec: Option<At<bool>>,
    /// The observed state: an object schema. A kind with a status gets the status subresource.
    pub status: Option<At<Node>>,

    // Keys of a CRD or an object that a description cannot have; read only to refuse them well.
    #[schemars(skip)]
    pub api_version: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub metadata: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub properties: Option<At<IgnoredAny>>,
    #[serde(rename = "type")]
    #[schemars(skip)]
    pub type_: Option<At<IgnoredAny>>,
    #[serde(rename = "openAPIV3Schema")]
    #[schemars(skip)]
    pub open_api_v3_schema: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub versions: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub names: Option<At<IgnoredAny>>,
}

/// The scope of the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Scope {
    Namespaced,
    Cluster,
}

/// A column of `kubectl get`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrinterColumn {
    /// The column header.
    pub name: At<String>,
    /// `integer`, `number`, `string`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub type_: At<String>,
    /// A JSONPath into the object, e.g. `.spec.replicas` or `.status.conditions[?(@.type=="Ready")].status`.
    pub json_path: At<String>,
    /// What the column shows.
    pub description: Option<At<String>>,
    /// `int32`, `int64`, `float`, `double`, `byte`, `date`, `date-time` or `password`.
    pub format: Option<At<String>>,
    /// 0 shows the column always, higher numbers only with `-o wide`.
    pub priority: Option<At<i32>>,
}

/// The subresources of the kind.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Subresources {
    /// The status subresource: write `status: {}`.
    pub status: Option<At<StatusSubresource>>,
    /// The scale subresource.
    pub scale: Option<At<Scale>>,
}

/// The status subresource has no settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusSubresource {}

/// The scale subresource.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scale {
    /// The path of the desired replicas, under `.spec`, e.g. `.spec.replicas`.
    pub spec_replicas_path: At<String>,
    /// The path of the observed replicas, under `.status`, e.g. `.status.replicas`.
    pub status_replicas_path: At<String>,
    /// The path of the label selector (a string), under `.spec` or `.status`.
    pub label_selector_path: Option<At<String>>,
}

/// A field usable in field selectors.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelectableField {
    /// A path to a string, integer or boolean field, e.g. `.spec.mode`.
    pub json_path: At<String>,
}

/// A schema node: a full schema (a map), or a shorthand name (`string`, `int32`, `Quantity`).
#[derive(Debug, Clone)]
pub enum Node {
    Short(String),
    Full(Box<SchemaNode>),
}

/// The names a shorthand or `type` accepts: OpenAPI types, integer and number formats, and
/// well-known Kubernetes types.
pub const TYPE_NAMES: &[&str] = &[
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "int32",
    "int64",
    "float",
    "double",
    "IntOrString",
    "Quantity",
    "Time",
    "MicroTime",
    "Duration",
    "Condition",
    "LabelSelector",
    "ObjectReference",
    "LocalObjectReference",
    "SecretKeySelector",
    "ConfigMapKeySelector",
    "ResourceRequirements",
    "Toleration",
    "EnvVar",
    "PodTemplateSpec",
];

/// A type name, for the JSON Schema: one of [`TYPE_NAMES`].
struct TypeName;

impl JsonSchema for TypeName {
    fn schema_name() -> Cow<'static, str> {
        "TypeName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An OpenAPI type (string, integer, number, boolean, object, array), a format standing for its type (int32, int64, float, double) or a well-known Kubernetes type.",
            "type": "string",
            "enum": TYPE_NAMES,
        })
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a schema (a map of keywords) or a type name such as `string` or `int32`",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
                Ok(Node::Short(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
                let full =
                    SchemaNode::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Node::Full(Box::new(full)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Node {
    fn schema_name() -> Cow<'static, str> {
        "Node".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let short = generator.subschema_for::<TypeName>();
        let full = generator.subschema_for::<SchemaNode>();
        json_schema!({
            "description": "A schema, or the shorthand of one: a type name.",
            "anyOf": [short, full],
        })
    }
}

/// The properties of an object, in the order the description gives them.
#[derive(Debug, Clone, Default)]
pub struct Properties(pub Vec<(At<String>, At<Node>)>);

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from property names to schemas")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<At<String>>()? {
                    let v = map.next_value::<At<Node>>()?;
                    out.push((k, v));
                }
                Ok(Properties(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl JsonSchema for Properties {
    fn schema_name() -> Cow<'static, str> {
        "Properties".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let node = generator.subschema_for::<Node>();
        json_schema!({
            "description": "The properties of an object, by name.",
            "type": "object",
            "additionalProperties": node,
        })
    }
}

/// `required`: `true`/`false` on a property itself, or the list of required properties of an
/// object (the OpenAPI form).
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum Required {
    Flag(bool),
    List(Vec<At<String>>),
}

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Required;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`true`, `false` or a list of property names")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Required, E> {
                Ok(Required::Flag(b))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Required, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<At<String>>()? {
                    out.push(v);
                }
                Ok(Required::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// `additionalProperties`: a schema of the map's values (a map or a shorthand), or a boolean.
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum AdditionalProperties {
    Bool(bool),
    Schema(Node),
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the schema of the map's values, or a boolean")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<AdditionalProperties, E> {
                Ok(AdditionalProperties::Bool(b))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<AdditionalProperties, E> {
                Ok(AdditionalProperties::Schema(Node::Short(s.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<AdditionalProperties, A::Error> {
                let full =
                    SchemaNode::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(AdditionalProperties::Schema(Node::Full(Box::new(full))))
            }
        }
        d.deserialize_any(V)
    }
}

/// `x-kubernetes-list-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListType {
    Atomic,
    Set,
    Map,
}

/// `x-kubernetes-map-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MapType {
    Atomic,
    Granular,
}

/// The `reason` of a CEL rule (the API server's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[allow(clippy::enum_variant_names)]
pub enum Reason {
    FieldValueInvalid,
    FieldValueForbidden,
    FieldValueRequired,
    FieldValueDuplicate,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::FieldValueInvalid => "FieldValueInvalid",
            Reason::FieldValueForbidden => "FieldValueForbidden",
            Reason::FieldValueRequired => "FieldValueRequired",
            Reason::FieldValueDuplicate => "FieldValueDuplicate",
        }
    }
}

/// A CEL validation rule (`x-kubernetes-validations` entry).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CelRule {
    /// The CEL expression; `self` is the value of this node, `oldSelf` its previous value.
    pub rule: At<String>,
    /// The message shown when the rule fails.
    pub message: Option<At<String>>,
    /// A CEL expression that builds the message.
    pub message_expression: Option<At<String>>,
    /// The reason of the failure.
    pub reason: Option<At<Reason>>,
    /// The path of the field the failure is reported at, relative to this node.
    pub field_path: Option<At<String>>,
    /// Whether the rule also runs when there is no old value (with `oldSelf` optional).
    #[serde(default, deserialize_with = "strict_bool")]
    pub optional_old_self: Option<At<bool>>,
}

/// A schema: the keywords of an `openAPIV3Schema` node, plus `required: true` on a property.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SchemaNode {
    /// The type: an OpenAPI type, a format standing for its type (`int32`, `int64`, `float`,
    /// `double`) or a well-known Kubernetes type (`Quantity`, `Condition`, ...).
    #[serde(rename = "type")]
    #[schemars(with = "Option<TypeName>")]
    pub type_: Option<At<String>>,
    pub format: Option<At<String>>,
    pub title: Option<At<String>>,
    pub description: Option<At<String>>,
    /// On a property: whether it is required. On an object: the list of required properties.
    pub required: Option<At<Required>>,
    pub properties: Option<At<Properties>>,
    pub additional_properties: Option<At<AdditionalProperties>>,
    #[schemars(with = "Option<Node>")]
    pub items: Option<At<Box<Node>>>,
    #[serde(rename = "enum")]
    #[schemars(with = "Option<Vec<Value>>")]
    pub enum_: Option<At<Vec<Value>>>,
    #[schemars(with = "Option<Value>")]
    pub default: Option<At<Value>>,
    #[schemars(with = "Option<Value>")]
    pub example: Option<At<Value>>,
    #[serde(default, deserialize_with = "strict_bool")]
    pub nullable: Option<At<bool>>,
    pub minimum: Option<At<f64>>,
    pub maximum: Option<At<f64>>,
    /// The boolean form CRDs use: the bound in `minimum` is excluded.
    #[schemars(with = "Option<bool>")]
    pub exclusive_minimum: Option<At<Value>>,
    /// The boolean form CRDs use: the bound in `maximum` is excluded.
    #[schemars(with = "Option<bool>")]
    pub exclusive_maximum: Option<At<Value>>,
    pub multiple_of: Option<At<f64>>,
    pub min_length: Option<At<u64>>,
    pub max_length: Option<At<u64>>,
    pub pattern: Option<At<String>>,
    pub min_items: Option<At<u64>>,
    pub max_items: Option<At<u64>>,
    /// Refused when `true`: the API server forbids it; use `x-kubernetes-list-type: set`.
    #[serde(default, deserialize_with = "strict_bool")]
    pub unique_items: Option<At<bool>>,
    pub min_properties: Option<At<u64>>,
    pub max_properties: Option<At<u64>>,
    /// Value validations (no `type`, `description`, `default`, ... inside); beside
    /// `x-kubernetes-int-or-string`, `[{type: integer}, {type: string}]` is accepted too.
    #[schemars(with = "Option<Vec<Value>>")]
    pub any_of: Option<At<Value>>,
    #[schemars(with = "Option<Vec<Value>>")]
    pub one_of: Option<At<Value>>,
    #[schemars(with = "Option<Vec<Value>>")]
    pub all_of: Option<At<Value>>,
    #[schemars(with = "Option<Value>")]
    pub not: Option<At<Value>>,
    #[schemars(with = "Option<Value>")]
    pub external_docs: Option<At<Value>>,
    #[serde(rename = "x-kubernetes-int-or-string")]
    #[serde(default, deserialize_with = "strict_bool")]
    pub x_kubernetes_int_or_string: Option<At<bool>>,
    #[serde(rename = "x-kubernetes-preserve-unknown-fields")]
    #[serde(default, deserialize_with = "strict_bool")]
    pub x_kubernetes_preserve_unknown_fields: Option<At<bool>>,
    #[serde(rename = "x-kubernetes-embedded-resource")]
    #[serde(default, deserialize_with = "strict_bool")]
    pub x_kubernetes_embedded_resource: Option<At<bool>>,
    #[serde(rename = "x-kubernetes-list-type")]
    pub x_kubernetes_list_type: Option<At<ListType>>,
    #[serde(rename = "x-kubernetes-list-map-keys")]
    pub x_kubernetes_list_map_keys: Option<At<Vec<At<String>>>>,
    #[serde(rename = "x-kubernetes-map-type")]
    pub x_kubernetes_map_type: Option<At<MapType>>,
    #[serde(rename = "x-kubernetes-validations")]
    pub x_kubernetes_validations: Option<At<Vec<At<CelRule>>>>,

    // Keywords a CRD schema cannot have; read only to refuse them with the reason.
    #[serde(rename = "$ref")]
    #[schemars(skip)]
    pub ref_: Option<At<IgnoredAny>>,
    #[serde(rename = "$schema")]
    #[schemars(skip)]
    pub schema_: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub id: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub definitions: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub dependencies: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub additional_items: Option<At<IgnoredAny>>,
    #[schemars(skip)]
    pub pattern_properties: Option<At<IgnoredAny>>,
    #[serde(rename = "x-kubernetes-struct-type")]
    #[schemars(skip)]
    pub x_kubernetes_struct_type: Option<At<IgnoredAny>>,
}
