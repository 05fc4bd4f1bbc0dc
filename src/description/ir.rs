//! The checked form of a description's schemas: typed nodes with the keywords that apply to
//! them, CEL rules with their places, and the well-known Kubernetes types a description names.

use serde_json::Value;

use super::format::{At, ListType, MapType, Pos, Reason};

/// A well-known Kubernetes type, by the name a description uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WellKnown {
    pub name: &'static str,
    /// The path the generated code imports it from.
    pub rust_path: &'static str,
    /// The canonical path of `crate::crd::k8s`.
    pub canonical: &'static str,
}

pub const WELL_KNOWN: &[WellKnown] = &[
    WellKnown {
        name: "IntOrString",
        rust_path: "k8s_openapi::apimachinery::pkg::util::intstr::IntOrString",
        canonical: "k8s_openapi::apimachinery::pkg::util::intstr::IntOrString",
    },
    WellKnown {
        name: "Quantity",
        rust_path: "k8s_openapi::apimachinery::pkg::api::resource::Quantity",
        canonical: "k8s_openapi::apimachinery::pkg::api::resource::Quantity",
    },
    WellKnown {
        name: "Time",
        rust_path: "k8s_openapi::apimachinery::pkg::apis::meta::v1::Time",
        canonical: "k8s_openapi::apimachinery::pkg::apis::meta::v1::Time",
    },
    WellKnown {
        name: "MicroTime",
        rust_path: "k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime",
        canonical: "k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime",
    },
    WellKnown {
        name: "Condition",
        rust_path: "k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition",
        canonical: "k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition",
    },
    WellKnown {
        name: "LabelSelector",
        rust_path: "k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector",
        canonical: "k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector",
    },
    WellKnown {
        name: "ObjectReference",
        rust_path: "k8s_openapi::api::core::v1::ObjectReference",
        canonical: "k8s_openapi::api::core::v1::ObjectReference",
    },
    WellKnown {
        name: "LocalObjectReference",
        rust_path: "k8s_openapi::api::core::v1::LocalObjectReference",
        canonical: "k8s_openapi::api::core::v1::LocalObjectReference",
    },
    WellKnown {
        name: "SecretKeySelector",
        rust_path: "k8s_openapi::api::core::v1::SecretKeySelector",
        canonical: "k8s_openapi::api::core::v1::SecretKeySelector",
    },
    WellKnown {
        name: "ConfigMapKeySelector",
        rust_path: "k8s_openapi::api::core::v1::ConfigMapKeySelector",
        canonical: "k8s_openapi::api::core::v1::ConfigMapKeySelector",
    },
    WellKnown {
        name: "ResourceRequirements",
        rust_path: "k8s_openapi::api::core::v1::ResourceRequirements",
        canonical: "k8s_openapi::api::core::v1::ResourceRequirements",
    },
    WellKnown {
        name: "Toleration",
        rust_path: "k8s_openapi::api::core::v1::Toleration",
        canonical: "k8s_openapi::api::core::v1::Toleration",
    },
    WellKnown {
        name: "EnvVar",
        rust_path: "k8s_openapi::api::core::v1::EnvVar",
        canonical: "k8s_openapi::api::core::v1::EnvVar",
    },
    WellKnown {
        name: "PodTemplateSpec",
        rust_path: "k8s_openapi::api::core::v1::PodTemplateSpec",
        canonical: "k8s_openapi::api::core::v1::PodTemplateSpec",
    },
    WellKnown {
        name: "Duration",
        rust_path: "kube::core::Duration",
        canonical: "kube::core::Duration",
    },
];

/// The well-known type of a name.
pub fn well_known(name: &str) -> Option<&'static WellKnown> {
    WELL_KNOWN.iter().find(|w| w.name == name)
}

/// What a node is.
#[derive(Debug, Clone)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// An object: named properties (a struct), or a map (`additionalProperties`), or neither.
    Object {
        props: Vec<Prop>,
        additional: Option<Box<Ir>>,
    },
    Array(Box<Ir>),
    /// `x-kubernetes-int-or-string: true` (without a type).
    IntOrString,
    /// A well-known Kubernetes type given by name.
    WellKnown(&'static WellKnown),
}

/// A property of an object.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub pos: Pos,
    pub required: bool,
    pub schema: Ir,
}

/// A CEL rule with the places of its parts.
#[derive(Debug, Clone)]
pub struct Cel {
    pub rule: At<String>,
    pub message: Option<String>,
    pub message_expression: Option<At<String>>,
    pub reason: Option<Reason>,
    pub field_path: Option<At<String>>,
    pub optional_old_self: Option<bool>,
}

/// A checked schema node.
#[derive(Debug, Clone)]
pub struct Ir {
    pub pos: Pos,
    pub kind: Kind,
    pub description: Option<String>,
    pub title: Option<String>,
    pub nullable: Option<bool>,
    pub default: Option<At<Value>>,
    pub example: Option<Value>,
    pub enum_: Option<At<Vec<Value>>>,
    /// The format as the CRD will have it (`None`: no format).
    pub format: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<bool>,
    pub exclusive_maximum: Option<bool>,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub pattern: Option<At<String>>,
    pub validations: Vec<Cel>,
    pub list_type: Option<At<ListType>>,
    pub list_map_keys: Option<At<Vec<String>>>,
    pub map_type: Option<MapType>,
    pub embedded_resource: Option<bool>,
    pub preserve_unknown_fields: Option<bool>,
    /// `x-kubernetes-int-or-string: false` written on a typed node.
    pub int_or_string_false: bool,
    /// `anyOf`, `oneOf`, `allOf` and `not` (value validations), in that order, checked, with
    /// the lists of `required` inside sorted and without duplicates (as kube-core writes them).
    pub junctors: Vec<(&'static str, Value)>,
    /// `externalDocs`.
    pub external_docs: Option<Value>,
}

impl Ir {
    /// A node of `kind` without keywords.
    pub fn new(pos: Pos, kind: Kind) -> Ir {
        Ir {
            pos,
            kind,
            description: None,
            title: None,
            nullable: None,
            default: None,
            example: None,
            enum_: None,
            format: None,
            minimum: None,
            maximum: None,
            exclusive_minimum: None,
            exclusive_maximum: None,
            multiple_of: None,
            min_length: None,
            max_length: None,
            min_items: None,
            max_items: None,
            min_properties: None,
            max_properties: None,
            pattern: None,
            validations: Vec::new(),
            list_type: None,
            list_map_keys: None,
            map_type: None,
            embedded_resource: None,
            preserve_unknown_fields: None,
            int_or_string_false: false,
            junctors: Vec::new(),
            external_docs: None,
        }
    }

    /// An object without properties.
    pub fn object(pos: Pos) -> Ir {
        Ir::new(
            pos,
            Kind::Object {
                props: Vec::new(),
                additional: None,
            },
        )
    }

    /// The properties of an object with named properties.
    pub fn props(&self) -> Option<&[Prop]> {
        match &self.kind {
            Kind::Object { props, additional } if additional.is_none() => Some(props),
            _ => None,
        }
    }

    /// Whether the node is a map (`additionalProperties`).
    pub fn is_map(&self) -> bool {
        matches!(
            &self.kind,
            Kind::Object {
                additional: Some(_),
                ..
            }
        )
    }

    /// An object with no properties that keeps every field (`x-kubernetes-preserve-unknown-fields`).
    pub fn is_free_object(&self) -> bool {
        matches!(&self.kind, Kind::Object { props, additional: None } if props.is_empty())
            && self.preserve_unknown_fields == Some(true)
    }

    /// The name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Object { .. } => "object",
            Kind::Array(_) => "array",
            Kind::IntOrString => "int-or-string",
            Kind::WellKnown(w) => w.name,
        }
    }
}

/// Where a node sits, for messages (`spec.jobTemplate.containers[]`).
#[derive(Clone)]
pub struct Path2 {
    pub segments: Vec<String>,
}

impl Path2 {
    /// The path of a root schema (`spec`, `status`).
    pub fn root(name: &str) -> Self {
        Path2 {
            segments: vec![name.to_string()],
        }
    }
    /// The path of a child: a property name, `[]` for items, `{}` for map values.
    pub fn child(&self, seg: impl Into<String>) -> Self {
        let mut s = self.segments.clone();
        s.push(seg.into());
        Path2 { segments: s }
    }
    /// The path as messages show it (`spec.containers[].name`).
    pub fn show(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            if s == "[]" || s == "{}" {
                out.push_str(s);
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(s);
            }
        }
        out
    }
}
/// The JSON type of a well-known type's schema (`object`, `string`; `None` for int-or-string).
pub fn well_known_type(w: &WellKnown) -> Option<&'static str> {
    let raw = crate::crd::k8s::raw_schema(w.canonical)?;
    match raw.get("type").and_then(Value::as_str) {
        Some("object") => Some("object"),
        Some("string") => Some("string"),
        Some("integer") => Some("integer"),
        _ => None,
    }
}
