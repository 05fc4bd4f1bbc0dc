//! Well-known external types (k8s-openapi, kube-core) whose raw schemas were captured once from
//! the crates themselves and ship as data (`k8s_schemas.json`, re-checked by
//! `tests/crd_k8s_schemas.rs`, rewritten with `UPDATE_K8S_SCHEMAS=1`).

use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

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

const SCHEMAS_JSON: &str = include_str!("k8s_schemas.json");

/// Each captured schema as its JSON text, parsed on first use: most projects use a few small
/// types, and PodTemplateSpec alone is most of the file.
static SCHEMAS: LazyLock<BTreeMap<String, (&'static str, OnceLock<Value>)>> = LazyLock::new(|| {
    split_object(SCHEMAS_JSON).unwrap_or_else(|| {
        // Not the compact object the capture test writes: parse it whole (a broken file leaves
        // every type without a schema, which is reported where one is used).
        let all: BTreeMap<String, Value> = serde_json::from_str(SCHEMAS_JSON).unwrap_or_default();
        all.into_iter()
            .map(|(k, v)| (k, ("", OnceLock::from(v))))
            .collect()
    })
});

/// The members of a JSON object, each value as its text. `None` unless `text` is one object
/// whose keys need no unescaping.
pub(crate) fn split_object(
    text: &'static str,
) -> Option<BTreeMap<String, (&'static str, OnceLock<Value>)>> {
    let bytes = text.as_bytes();
    let mut out = BTreeMap::new();
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = skip_ws(0);
    (bytes.get(i) == Some(&b'{')).then_some(())?;
    i = skip_ws(i + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        // "key"
        (bytes.get(i) == Some(&b'"')).then_some(())?;
        let key_end = i + 1 + text[i + 1..].find('"')?;
        let key = &text[i + 1..key_end];
        (!key.contains('\\')).then_some(())?;
        i = skip_ws(key_end + 1);
        (bytes.get(i) == Some(&b':')).then_some(())?;
        i = skip_ws(i + 1);
        // The value: up to the end of its outermost brackets, strings skipped.
        let start = i;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        loop {
            let b = *bytes.get(i)?;
            i += 1;
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        out.insert(key.to_string(), (&text[start..i], OnceLock::new()));
        i = skip_ws(i);
        match bytes.get(i)? {
            b',' => i = skip_ws(i + 1),
            b'}' => return (skip_ws(i + 1) == bytes.len()).then_some(out),
            _ => return None,
        }
    }
}

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
    let (text, parsed) = SCHEMAS.get(canonical)?;
    let schema = parsed.get_or_init(|| serde_json::from_str(text).unwrap_or(Value::Null));
    (!schema.is_null()).then(|| schema.clone())
}

/// Whether `path` is in a crate whose types kubeforge knows by name only (k8s-openapi, kube).
pub fn is_k8s_crate(path: &[String]) -> bool {
    matches!(
        path.first().map(String::as_str),
        Some("k8s_openapi" | "kube" | "kube_core")
    )
}
