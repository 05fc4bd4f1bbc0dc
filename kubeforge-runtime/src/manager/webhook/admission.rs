//! Admission webhooks: the typed hooks that the project implements ([`Defaulter`],
//! [`Validator`]) and how an `AdmissionReview` from the API server reaches them.
//!
//! A defaulter changes the object it gets; the API server receives the difference as a JSON
//! patch. A validator allows or denies creates, updates and deletes. Both may return warnings,
//! which `kubectl` shows to the user.
//!
//! # Example
//!
//! ```
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kubeforge_runtime::manager::webhook::{Denied, Validator, Verdict, Warnings, Webhook};
//!
//! /// Keeps the data of a ConfigMap as it was created; creates and deletes pass.
//! struct Immutable;
//!
//! impl Validator<ConfigMap> for Immutable {
//!     async fn validate_update(&self, old: &ConfigMap, new: &ConfigMap) -> Verdict {
//!         if old.data != new.data {
//!             return Err(Denied::new("data is immutable"));
//!         }
//!         Ok(Warnings::new())
//!     }
//! }
//!
//! assert_eq!(Immutable.path(), "/validate--v1-configmap");
//! let webhook = Webhook::validating(Immutable);
//! ```

use std::future::Future;

use kube::{
    Resource,
    core::{
        DynamicObject, Status,
        admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation},
    },
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// Messages for the user about an accepted request, such as a deprecated field in use.
pub type Warnings = Vec<String>;

/// What a hook returns: warnings when it accepts the request.
pub type Verdict = Result<Warnings, Denied>;

/// A refused request, with the message that the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// Why the request is refused.
    pub message: String,
    /// The HTTP status of the refusal: 403 (Forbidden) unless set otherwise.
    pub code: u16,
}

impl Denied {
    /// Refuses the request with `message`, as `403 Forbidden`.
    pub fn new(message: impl Into<String>) -> Denied {
        Denied {
            message: message.into(),
            code: 403,
        }
    }

    /// Refuses the request with `message`, as `400 Bad Request`: the object cannot be read.
    pub fn bad_request(message: impl Into<String>) -> Denied {
        Denied {
            message: message.into(),
            code: 400,
        }
    }

    fn reason(&self) -> &'static str {
        match self.code {
            400 => "BadRequest",
            422 => "Invalid",
            500 => "InternalError",
            _ => "Forbidden",
        }
    }
}

/// Sets defaults on objects of kind `K` as they are created or updated (a mutating webhook).
pub trait Defaulter<K: Resource<DynamicType = ()>>: Send + Sync + 'static {
    /// The path where the API server sends the objects, the `path` of the webhook marker:
    /// `/mutate-<group>-<version>-<kind>` (see [`path`]) unless overridden.
    fn path(&self) -> String {
        path::<K>("mutate")
    }

    /// Sets the defaults on `obj`, or refuses it.
    fn default(&self, obj: &mut K) -> impl Future<Output = Verdict> + Send;
}

/// Accepts or refuses creates, updates and deletes of objects of kind `K` (a validating
/// webhook). Each check accepts everything unless implemented.
pub trait Validator<K: Resource<DynamicType = ()> + Sync>: Send + Sync + 'static {
    /// The path where the API server sends the objects, the `path` of the webhook marker:
    /// `/validate-<group>-<version>-<kind>` (see [`path`]) unless overridden.
    fn path(&self) -> String {
        path::<K>("validate")
    }

    /// Checks an object about to be created.
    fn validate_create(&self, obj: &K) -> impl Future<Output = Verdict> + Send {
        let _ = obj;
        async { Ok(Warnings::new()) }
    }

    /// Checks an update from `old` to `new`.
    fn validate_update(&self, old: &K, new: &K) -> impl Future<Output = Verdict> + Send {
        let _ = (old, new);
        async { Ok(Warnings::new()) }
    }

    /// Checks an object about to be deleted.
    fn validate_delete(&self, obj: &K) -> impl Future<Output = Verdict> + Send {
        let _ = obj;
        async { Ok(Warnings::new()) }
    }
}

/// The path of a webhook of kind `K`, as `kubeforge create webhook` names it in the marker:
/// `/<prefix>-<group, dots as dashes>-<version>-<kind in lowercase>`, such as
/// `/mutate-webapp-example-com-v1-guestbook`, or `/mutate--v1-pod` for the core group.
pub fn path<K: Resource<DynamicType = ()>>(prefix: &str) -> String {
    format!(
        "/{prefix}-{}-{}-{}",
        K::group(&()).replace('.', "-"),
        K::version(&()),
        K::kind(&()).to_ascii_lowercase()
    )
}

/// Reads the `AdmissionReview` in `body`: its request, or why it cannot.
pub fn read_review(body: &[u8]) -> Result<AdmissionRequest<DynamicObject>, String> {
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_slice(body).map_err(|error| format!("not an AdmissionReview: {error}"))?;
    review
        .try_into()
        .map_err(|_| "the AdmissionReview holds no request".to_string())
}

/// Answers `request` with `defaulter`: the JSON patch from the object received to the
/// defaulted one.
pub async fn default<K, D>(
    defaulter: &D,
    request: &AdmissionRequest<DynamicObject>,
) -> AdmissionResponse
where
    K: Resource<DynamicType = ()> + Serialize + DeserializeOwned + Send,
    D: Defaulter<K>,
{
    let response = AdmissionResponse::from(request);
    if !matches!(request.operation, Operation::Create | Operation::Update) {
        return response;
    }
    let result = async {
        let received = to_value(request.object.as_ref())?;
        let mut obj: K = from_value(&received)?;
        let before = serde_json::to_value(&obj).map_err(not_serializable)?;
        let warnings = defaulter.default(&mut obj).await?;
        let after = serde_json::to_value(&obj).map_err(not_serializable)?;
        Ok((patch(&received, &before, &after), warnings))
    };
    match result.await {
        Ok((patch, warnings)) => {
            let response = with_warnings(response, warnings);
            if patch.0.is_empty() {
                return response;
            }
            response.with_patch(patch).unwrap_or_else(|error| {
                deny(AdmissionResponse::from(request), &not_serializable(error))
            })
        }
        Err(denied) => deny(response, &denied),
    }
}

/// Answers `request` with `validator`, by operation: create, update or delete.
pub async fn validate<K, V>(
    validator: &V,
    request: &AdmissionRequest<DynamicObject>,
) -> AdmissionResponse
where
    K: Resource<DynamicType = ()> + DeserializeOwned + Send + Sync,
    V: Validator<K>,
{
    let response = AdmissionResponse::from(request);
    let result = async {
        match request.operation {
            Operation::Create => {
                let obj: K = from_value(&to_value(request.object.as_ref())?)?;
                validator.validate_create(&obj).await
            }
            Operation::Update => {
                let new: K = from_value(&to_value(request.object.as_ref())?)?;
                let old: K = from_value(&to_value(request.old_object.as_ref())?)?;
                validator.validate_update(&old, &new).await
            }
            Operation::Delete => {
                let obj: K = from_value(&to_value(request.old_object.as_ref())?)?;
                validator.validate_delete(&obj).await
            }
            Operation::Connect => Ok(Warnings::new()),
        }
    };
    match result.await {
        Ok(warnings) => with_warnings(response, warnings),
        Err(denied) => deny(response, &denied),
    }
}

/// The patch from `received` to `after`. The difference between the object before and after
/// the defaulter holds only what the defaulter changed; the rare time it cannot apply to the
/// object received (a field that the type adds when serialized, such as an empty list), the
/// difference from the object received is used instead.
fn patch(received: &Value, before: &Value, after: &Value) -> json_patch::Patch {
    let patch = json_patch::diff(before, after);
    let mut probe = received.clone();
    if json_patch::patch(&mut probe, &patch.0).is_ok() {
        patch
    } else {
        json_patch::diff(received, after)
    }
}

fn to_value(obj: Option<&DynamicObject>) -> Result<Value, Denied> {
    let obj = obj.ok_or_else(|| Denied::bad_request("the request holds no object"))?;
    serde_json::to_value(obj).map_err(not_serializable)
}

fn from_value<K: DeserializeOwned>(value: &Value) -> Result<K, Denied> {
    K::deserialize(value)
        .map_err(|error| Denied::bad_request(format!("cannot read the object: {error}")))
}

fn not_serializable(error: impl std::fmt::Display) -> Denied {
    Denied {
        message: format!("cannot serialize the object: {error}"),
        code: 500,
    }
}

fn with_warnings(mut response: AdmissionResponse, warnings: Warnings) -> AdmissionResponse {
    if !warnings.is_empty() {
        response.warnings = Some(warnings);
    }
    response
}

fn deny(response: AdmissionResponse, denied: &Denied) -> AdmissionResponse {
    let mut response = response.deny(&denied.message);
    response.result = Status::failure(&denied.message, denied.reason()).with_code(denied.code);
    response
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::api::ObjectMeta;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// Sets `data.color` to `blue` when unset; refuses `data.color: red`.
    struct Colors;

    impl Defaulter<ConfigMap> for Colors {
        async fn default(&self, obj: &mut ConfigMap) -> Verdict {
            let data = obj.data.get_or_insert_default();
            if data.get("color").is_some_and(|color| color == "red") {
                return Err(Denied::new("red is not allowed"));
            }
            data.entry("color".into()).or_insert_with(|| "blue".into());
            Ok(vec!["colors are deprecated".into()])
        }
    }

    impl Validator<ConfigMap> for Colors {
        async fn validate_update(&self, old: &ConfigMap, new: &ConfigMap) -> Verdict {
            if old.data != new.data {
                return Err(Denied::new("data is immutable"));
            }
            Ok(Warnings::new())
        }
    }

    fn config_map(data: &[(&str, &str)]) -> ConfigMap {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some("colors".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            data: (!data.is_empty()).then(|| {
                data.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            ..ConfigMap::default()
        }
    }

    #[tokio::test]
    async fn a_defaulter_patches_the_object() {
        let webhook = Webhook::defaulting(Colors);
        let obj = config_map(&[]);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        assert_eq!(
            response.warnings,
            Some(vec!["colors are deprecated".to_string()])
        );
        assert_eq!(
            testing::patched(&obj, &response),
            config_map(&[("color", "blue")])
        );
    }

    #[tokio::test]
    async fn a_defaulter_that_changes_nothing_sends_no_patch() {
        let webhook = Webhook::defaulting(Colors);
        let obj = config_map(&[("color", "green")]);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }

    #[tokio::test]
    async fn a_defaulter_may_refuse() {
        let webhook = Webhook::defaulting(Colors);
        let obj = config_map(&[("color", "red")]);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(!response.allowed);
        assert_eq!(response.result.message, "red is not allowed");
        assert_eq!(response.result.code, 403);
    }

    #[tokio::test]
    async fn a_validator_checks_updates_and_accepts_the_rest() {
        let webhook = Webhook::validating(Colors);
        let old = config_map(&[("color", "green")]);
        let new = config_map(&[("color", "blue")]);
        let response = testing::admit(&webhook, Operation::Update, Some(&new), Some(&old)).await;
        assert!(!response.allowed);
        assert_eq!(response.result.message, "data is immutable");

        let response = testing::admit(&webhook, Operation::Update, Some(&old), Some(&old)).await;
        assert!(response.allowed);
        let response = testing::admit(&webhook, Operation::Create, Some(&new), None).await;
        assert!(response.allowed);
        assert_eq!(response.warnings, None);
        let response = testing::admit(&webhook, Operation::Delete, None, Some(&old)).await;
        assert!(response.allowed);
    }

    #[tokio::test]
    async fn refuses_a_malformed_review() {
        let webhooks =
            crate::manager::webhook::Webhooks::new(vec![Webhook::defaulting(Colors)]).unwrap();
        let reply = webhooks.answer("/mutate--v1-configmap", b"{}").await;
        let review: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(review["response"]["allowed"], false);
    }

    #[test]
    fn paths_follow_the_names_of_the_markers() {
        use k8s_openapi::api::{apps::v1::Deployment, core::v1::Pod};
        assert_eq!(path::<Pod>("mutate"), "/mutate--v1-pod");
        assert_eq!(
            path::<Deployment>("validate"),
            "/validate-apps-v1-deployment"
        );
        assert_eq!(
            Defaulter::<ConfigMap>::path(&Colors),
            "/mutate--v1-configmap"
        );
    }

    #[test]
    fn a_patch_from_the_typed_object_applies_to_the_object_received() {
        let received = serde_json::json!({"metadata": {"name": "a"}, "extra": 1});
        let before = serde_json::json!({"metadata": {"name": "a"}});
        let after = serde_json::json!({"metadata": {"name": "a", "labels": {"x": "y"}}});
        let mut patched = received.clone();
        json_patch::patch(&mut patched, &patch(&received, &before, &after).0).unwrap();
        assert_eq!(patched["extra"], 1, "fields unknown to the type stay");
        assert_eq!(patched["metadata"]["labels"]["x"], "y");

        // `before` has a field that the object received lacks: diff from the received one.
        let before = serde_json::json!({"metadata": {"name": "a"}, "spec": {}});
        let after = serde_json::json!({"metadata": {"name": "a"}, "spec": {"x": 1}});
        let mut patched = received.clone();
        json_patch::patch(&mut patched, &patch(&received, &before, &after).0).unwrap();
        assert_eq!(patched["spec"]["x"], 1);
    }
}
