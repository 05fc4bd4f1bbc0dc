//! The raw schemas of the well-known Kubernetes types that kubeforge ships in
//! `src/crd/k8s_schemas.json` must equal what k8s-openapi (v1_33, schemars feature) and kube-core
//! give with kube's generator settings. `UPDATE_K8S_SCHEMAS=1` rewrites the file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::Value;

fn raw<T: JsonSchema>() -> Value {
    let mut generator = schemars::generate::SchemaSettings::openapi3()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    generator.subschema_for::<T>().to_value()
}

fn captured() -> BTreeMap<String, Value> {
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let list: Vec<(&str, Value)> = vec![
        (
            "k8s_openapi::apimachinery::pkg::util::intstr::IntOrString",
            raw::<IntOrString>(),
        ),
        (
            "k8s_openapi::apimachinery::pkg::api::resource::Quantity",
            raw::<Quantity>(),
        ),
        (
            "k8s_openapi::apimachinery::pkg::apis::meta::v1::Time",
            raw::<meta::Time>(),
        ),
        (
            "k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime",
            raw::<meta::MicroTime>(),
        ),
        (
            "k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition",
            raw::<meta::Condition>(),
        ),
        (
            "k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector",
            raw::<meta::LabelSelector>(),
        ),
        (
            "k8s_openapi::api::core::v1::ObjectReference",
            raw::<core::ObjectReference>(),
        ),
        (
            "k8s_openapi::api::core::v1::LocalObjectReference",
            raw::<core::LocalObjectReference>(),
        ),
        (
            "k8s_openapi::api::core::v1::SecretKeySelector",
            raw::<core::SecretKeySelector>(),
        ),
        (
            "k8s_openapi::api::core::v1::ConfigMapKeySelector",
            raw::<core::ConfigMapKeySelector>(),
        ),
        (
            "k8s_openapi::api::core::v1::ResourceRequirements",
            raw::<core::ResourceRequirements>(),
        ),
        (
            "k8s_openapi::api::core::v1::Toleration",
            raw::<core::Toleration>(),
        ),
        ("k8s_openapi::api::core::v1::EnvVar", raw::<core::EnvVar>()),
        (
            "k8s_openapi::api::core::v1::PodTemplateSpec",
            raw::<core::PodTemplateSpec>(),
        ),
        ("kube::core::Duration", raw::<kube_core::Duration>()),
    ];
    list.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[test]
fn shipped_k8s_schemas_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/crd/k8s_schemas.json");
    let fresh = captured();
    let names: Vec<&str> = fresh.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = kubeforge::crd::k8s::WELL_KNOWN.to_vec();
    expected.sort();
    assert_eq!(
        names, expected,
        "the capture list and k8s::WELL_KNOWN differ"
    );
    if std::env::var_os("UPDATE_K8S_SCHEMAS").is_some() {
        let text = serde_json::to_string(&fresh).expect("serializes") + "\n";
        std::fs::write(&path, text).expect("writable");
        return;
    }
    let shipped: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
            .expect("valid JSON");
    assert!(
        shipped == fresh,
        "src/crd/k8s_schemas.json is stale: run UPDATE_K8S_SCHEMAS=1 cargo test --test it crd_k8s_schemas::"
    );
}
