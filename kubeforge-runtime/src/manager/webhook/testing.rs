//! Helpers for webhook tests: no cluster needed. [`admit`] and [`convert`] send a review to a
//! [`Webhook`] as the API server does (JSON in, JSON out) and return what the API server would
//! read; [`patched`] applies the patch of a defaulter.
//!
//! # Example
//!
//! ```
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kube::core::admission::Operation;
//! use kubeforge_runtime::manager::webhook::{Defaulter, Verdict, Webhook, testing};
//!
//! # struct Team;
//! # impl Defaulter<ConfigMap> for Team {
//! #     async fn default(&self, obj: &mut ConfigMap) -> Verdict {
//! #         let labels = obj.metadata.labels.get_or_insert_default();
//! #         labels.entry("team".into()).or_insert_with(|| "core".into());
//! #         Ok(Vec::new())
//! #     }
//! # }
//! # #[tokio::main]
//! # async fn main() {
//! // `Team` labels every ConfigMap with `team: core`.
//! let webhook = Webhook::defaulting(Team);
//! let mut obj = ConfigMap::default();
//! obj.metadata.name = Some("settings".into());
//! let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
//! assert!(response.allowed);
//! let defaulted = testing::patched(&obj, &response);
//! assert_eq!(defaulted.metadata.labels.unwrap()["team"], "core");
//! # }
//! ```

use kube::{
    Resource,
    core::{
        admission::{AdmissionResponse, AdmissionReview, Operation},
        conversion::ConversionReview,
    },
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{CONVERT_PATH, Route, Webhook, Webhooks};

/// Sends an AdmissionReview of `operation` on `object` (the new object; `None` for a delete)
/// and `old` (the object before an update or a delete) to `webhook`; returns its response.
pub async fn admit<K>(
    webhook: &Webhook,
    operation: Operation,
    object: Option<&K>,
    old: Option<&K>,
) -> AdmissionResponse
where
    K: Resource<DynamicType = ()> + Serialize,
{
    let Route::Admission { path, .. } = &webhook.0 else {
        panic!("not an admission webhook");
    };
    let path = path.clone();
    let metadata = object
        .or(old)
        .map(|obj| obj.meta().clone())
        .unwrap_or_default();
    let review = json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind": {"group": K::group(&()), "version": K::version(&()), "kind": K::kind(&())},
            "resource": {
                "group": K::group(&()),
                "version": K::version(&()),
                "resource": K::plural(&()),
            },
            "name": metadata.name,
            "namespace": metadata.namespace,
            "operation": operation,
            "userInfo": {"username": "admin", "groups": ["system:masters"]},
            "object": object,
            "oldObject": old,
            "dryRun": false,
        },
    });
    let reply = send(webhook, &path, &review).await;
    let review: AdmissionReview<kube::core::DynamicObject> =
        serde_json::from_str(&reply).expect("the webhook answers an AdmissionReview");
    let response = review
        .response
        .expect("the AdmissionReview holds a response");
    assert_eq!(response.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
    response
}

/// `obj` with the JSON patch of `response` applied, as the API server would store it.
pub fn patched<K: Serialize + DeserializeOwned>(obj: &K, response: &AdmissionResponse) -> K {
    let mut value = serde_json::to_value(obj).unwrap();
    if let Some(patch) = &response.patch {
        let patch: json_patch::Patch = serde_json::from_slice(patch).expect("a JSON patch");
        json_patch::patch(&mut value, &patch.0).expect("the patch applies to the object");
    }
    serde_json::from_value(value).expect("the patched object reads back")
}

/// Sends a ConversionReview of `object` to `desired` (an `apiVersion`) to `webhook`; returns
/// the converted object, or the message of the failed review.
pub async fn convert(
    webhook: &Webhook,
    object: &impl Serialize,
    desired: &str,
) -> Result<Value, String> {
    let review = json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "ConversionReview",
        "request": {
            "uid": "0000-1111",
            "desiredAPIVersion": desired,
            "objects": [object],
        },
    });
    let reply = send(webhook, CONVERT_PATH, &review).await;
    let review: ConversionReview =
        serde_json::from_str(&reply).expect("the webhook answers a ConversionReview");
    let mut response = review
        .response
        .expect("the ConversionReview holds a response");
    assert_eq!(response.uid, "0000-1111");
    if response.result.is_failure() {
        return Err(response.result.message);
    }
    assert_eq!(response.converted_objects.len(), 1);
    Ok(response.converted_objects.remove(0))
}

/// Posts `review` to `path` of a server of `webhook` alone; returns the body of the answer.
async fn send(webhook: &Webhook, path: &str, review: &Value) -> String {
    let webhooks = Webhooks::new(vec![webhook.clone()]).expect("a valid webhook");
    let body = serde_json::to_vec(review).unwrap();
    let reply = webhooks.answer(path, &body).await;
    assert_eq!(reply.status, hyper::StatusCode::OK, "{}", reply.body);
    reply.body
}
