//! The webhook server: admission webhooks (defaulting and validation) at the paths of their
//! markers, and CRD conversion at `/convert`, over HTTPS on every replica, leader or not.
//!
//! - [`admission`]: the hooks to implement, [`Defaulter`] and [`Validator`].
//! - [`conversion`]: conversions between the versions of a kind, through its hub version.
//!
//! The project lists its webhooks in `crate::webhooks::all`, one [`Webhook`] each, and the
//! manager serves them through [`WebhookServer`](super::WebhookServer). Only `POST` is answered.
//!
//! # Example
//!
//! ```
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kubeforge_runtime::manager::webhook::{Defaulter, Verdict, Webhook, Webhooks};
//!
//! /// Labels every ConfigMap with its team, `core` unless set.
//! struct Team;
//!
//! impl Defaulter<ConfigMap> for Team {
//!     async fn default(&self, obj: &mut ConfigMap) -> Verdict {
//!         let labels = obj.metadata.labels.get_or_insert_default();
//!         labels.entry("team".into()).or_insert_with(|| "core".into());
//!         Ok(Vec::new())
//!     }
//! }
//!
//! fn all() -> Vec<Webhook> {
//!     vec![Webhook::defaulting(Team)]
//! }
//!
//! let webhooks = Webhooks::new(all())?;
//! assert_eq!(webhooks.paths(), ["/mutate--v1-configmap"]);
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod admission;
pub mod conversion;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::{collections::HashMap, sync::Arc};

use futures::future::BoxFuture;
use hyper::{Method, StatusCode};
use kube::{
    Resource,
    core::{
        DynamicObject,
        admission::{AdmissionRequest, AdmissionResponse},
    },
};
use serde::{Serialize, de::DeserializeOwned};

use super::http::{Handler, Reply, Request};
pub use admission::{Defaulter, Denied, Validator, Verdict, Warnings};
pub use conversion::ConversionError;
use conversion::{Conversions, Spoke};

/// Where the API server sends ConversionReviews.
pub const CONVERT_PATH: &str = "/convert";

/// Answers the AdmissionReviews of one path.
type Review = Arc<
    dyn Fn(AdmissionRequest<DynamicObject>) -> BoxFuture<'static, AdmissionResponse> + Send + Sync,
>;

/// One webhook of the project, as listed in `crate::webhooks::all`.
#[derive(Clone)]
pub struct Webhook(Route);

#[derive(Clone)]
enum Route {
    Admission { path: String, review: Review },
    Conversion(Spoke),
}

impl Webhook {
    /// The mutating webhook of `defaulter`, at [`Defaulter::path`].
    pub fn defaulting<K, D>(defaulter: D) -> Webhook
    where
        K: Resource<DynamicType = ()> + Serialize + DeserializeOwned + Send + 'static,
        D: Defaulter<K>,
    {
        let path = defaulter.path();
        let defaulter = Arc::new(defaulter);
        let review: Review = Arc::new(move |request| {
            let defaulter = defaulter.clone();
            Box::pin(async move { admission::default(defaulter.as_ref(), &request).await })
        });
        Webhook(Route::Admission { path, review })
    }

    /// The validating webhook of `validator`, at [`Validator::path`].
    pub fn validating<K, V>(validator: V) -> Webhook
    where
        K: Resource<DynamicType = ()> + DeserializeOwned + Send + Sync + 'static,
        V: Validator<K>,
    {
        let path = validator.path();
        let validator = Arc::new(validator);
        let review: Review = Arc::new(move |request| {
            let validator = validator.clone();
            Box::pin(async move { admission::validate(validator.as_ref(), &request).await })
        });
        Webhook(Route::Admission { path, review })
    }

    /// The conversions between `Hub`, the storage version of a kind, and its version `S`, in
    /// both directions, through their `TryFrom` impls. Served at [`CONVERT_PATH`].
    pub fn conversion<Hub, S>() -> Webhook
    where
        Hub: conversion::Versioned + TryFrom<S> + 'static,
        S: conversion::Versioned + TryFrom<Hub> + 'static,
        <Hub as TryFrom<S>>::Error: std::fmt::Display,
        <S as TryFrom<Hub>>::Error: std::fmt::Display,
    {
        Webhook(Route::Conversion(Spoke::new::<Hub, S>()))
    }
}

/// Every webhook of the project, by path: what the webhook server answers.
#[derive(Clone)]
pub struct Webhooks {
    admission: Arc<HashMap<String, Review>>,
    conversions: Arc<Conversions>,
}

impl Webhooks {
    /// Routes the requests to `webhooks`; fails when two of them share a path or a version.
    pub fn new(webhooks: Vec<Webhook>) -> anyhow::Result<Webhooks> {
        let mut admission = HashMap::new();
        let mut conversions = Conversions::default();
        for Webhook(route) in webhooks {
            match route {
                Route::Admission { path, review } => {
                    anyhow::ensure!(path != CONVERT_PATH, "the webhook path {path} is reserved");
                    anyhow::ensure!(
                        !admission.contains_key(&path),
                        "two webhooks have the path {path}"
                    );
                    admission.insert(path, review);
                }
                Route::Conversion(spoke) => conversions.add(spoke)?,
            }
        }
        Ok(Webhooks {
            admission: Arc::new(admission),
            conversions: Arc::new(conversions),
        })
    }

    /// The paths served, for the logs.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<_> = self.admission.keys().cloned().collect();
        if !self.conversions.is_empty() {
            paths.push(CONVERT_PATH.into());
        }
        paths.sort_unstable();
        paths
    }

    /// The answer to the review `body` sent to `path`.
    pub async fn answer(&self, path: &str, body: &[u8]) -> Reply {
        if path == CONVERT_PATH && !self.conversions.is_empty() {
            let review = self.conversions.review(body);
            return Reply::json(StatusCode::OK, to_json(&review));
        }
        let Some(review) = self.admission.get(path) else {
            return Reply::not_found();
        };
        let response = match admission::read_review(body) {
            Ok(request) => review(request).await,
            Err(message) => AdmissionResponse::invalid(message),
        };
        Reply::json(StatusCode::OK, to_json(&response.into_review()))
    }
}

impl Handler for Webhooks {
    async fn handle(&self, request: Request) -> Reply {
        if request.method() != Method::POST {
            return Reply::text(StatusCode::METHOD_NOT_ALLOWED, "only POST is allowed\n");
        }
        self.answer(request.uri().path(), request.body()).await
    }
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("reviews serialize to JSON")
}

#[cfg(test)]
mod tests {
    use hyper::body::Bytes;

    use super::*;

    fn post(path: &str, body: &str) -> Request {
        hyper::Request::post(path)
            .body(Bytes::from(body.to_string()))
            .unwrap()
    }

    #[tokio::test]
    async fn answers_only_posts_to_known_paths() {
        let webhooks = Webhooks::new(Vec::new()).unwrap();
        assert!(webhooks.paths().is_empty());
        let reply = webhooks.handle(post("/mutate-x", "{}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        let reply = webhooks.handle(post(CONVERT_PATH, "{}")).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "no conversions: no /convert"
        );

        let get = hyper::Request::get("/mutate-x").body(Bytes::new()).unwrap();
        let reply = webhooks.handle(get).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    }
}
