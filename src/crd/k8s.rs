//! Well-known external types (k8s-openapi, kube-core) whose raw schemas were captured once from
//! the crates themselves and ship as data (`k8s_schemas.json`, re-checked by
//! `tests/crd_k8s_schemas.rs`, rewritten with `UPDATE_K8S_SCHEMAS=1`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::Value;

/// Canonical paths of the well-known types, as the capture test spells them.
pub const WELL_KNOWN: &[&str] = &[
    "k8s_openapi::apimachinery::pkg::util::intstr::IntOrString",
    "k8s_openapi::apimachinery::pkg::api::resource::Quantity",
    "k8s_openapi::apimachinery::pkg::apis::meta::v1::Time",
    "k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime",
    "k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition",
    "k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector",
    "k8s_openapi::api::core::v1::ObjectReference",
    "k8s_openapi::api::core::v1::LocalObjectReference",
    "k8s_openapi::api::core::v1::SecretKeySelector",
    "k8s_openapi::api::core::v1::ConfigMapKeySelector",
    "k8s_openapi::api::core::v1::ResourceRequirements",
    "k8s_openapi::api::core::v1::Toleration",
    "k8s_openapi::api::core::v1::EnvVar",
    "k8s_openapi::api::core::v1::PodTemplateSpec",
    "kube::core::Duration",
];

/// Other spellings of the same types.
const ALIASES: &[(&str, &str)] = &[
    ("kube_core::Duration", "kube::core::Duration"),
    ("kube::core::duration::Duration", "kube::core::Duration"),
    ("kube_core::duration::Duration", "kube::core::Duration"),
    ("kube::api::Duration", "kube::core::Duration"),
];

static SCHEMAS: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("k8s_schemas.json")).expect("k8s_schemas.json is valid JSON")
});

/// The canonical path of a well-known type, if `path` names one.
pub fn canonical(path: &[String]) -> Option<&'static str> {
    let mut segs: Vec<&str> = path.iter().map(String::as_str).collect();
    if segs.first() == Some(&"") {
        segs.remove(0);
    }
    let joined = segs.join("::");
    if let Some(c) = WELL_KNOWN.iter().find(|c| **c == joined) {
        return Some(c);
    }
    ALIASES.iter().find(|(a, _)| *a == joined).map(|(_, c)| *c)
}

/// Whether a glob import can bring `path` into scope (used for `use k8s_openapi::...::*;`).
pub fn is_known_extern(path: &[String]) -> bool {
    canonical(path).is_some()
}

/// The raw (untransformed) schema of a well-known type.
pub fn raw_schema(canonical: &str) -> Option<Value> {
    SCHEMAS.get(canonical).cloned()
}

/// Whether `path` is in a crate whose types kubeforge knows by name only (k8s-openapi, kube).
pub fn is_k8s_crate(path: &[String]) -> bool {
    matches!(
        path.first().map(String::as_str),
        Some("k8s_openapi" | "kube" | "kube_core")
    )
}
