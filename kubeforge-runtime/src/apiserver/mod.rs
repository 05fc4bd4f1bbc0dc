//! An extension API server behind an APIService (Kubernetes API aggregation), like the servers
//! built on k8s.io/apiserver: kube-apiserver proxies the requests of a group-version to it.
//!
//! - [`Storage`] keeps the objects of one kind; [`MemoryStorage`] keeps them in memory.
//! - Authentication is delegated ([`authn`]): the front proxy's client certificate and its
//!   `X-Remote-*` headers, client certificates of the client CA, or bearer tokens by
//!   TokenReview, as the ConfigMap `kube-system/extension-apiserver-authentication` says. The
//!   ConfigMap is read at start and again every [`AUTHENTICATION_RELOAD`]; new connections
//!   use the new CAs.
//! - Authorization is delegated ([`authz`]): a SubjectAccessReview for each request, cached for
//!   a few seconds. `/healthz`, `/readyz` and `/livez` are always allowed.
//! - Discovery (`/apis`, `/apis/<group>`, `/apis/<group>/<version>`), OpenAPI (`/openapi/v2`,
//!   `/openapi/v3`), the REST endpoints of each kind with watches, and `/metrics`.
//!
//! The server's ServiceAccount needs the ClusterRole `system:auth-delegator` and the Role
//! `extension-apiserver-authentication-reader` in `kube-system`.
//!
//! What a client gets:
//!
//! - Discovery lists the group-versions in the order of the [`ApiServer::resource`] calls; the
//!   first version of a group is its preferred one. Every resource has the verbs `create`,
//!   `delete`, `get`, `list`, `patch`, `update` and `watch`.
//! - Lists honour `labelSelector` (`a=b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`) and
//!   `fieldSelector` on `metadata.name` and `metadata.namespace`; everything comes in one page.
//! - Watches (`?watch=true`) stream one event per line from `resourceVersion` until
//!   `timeoutSeconds` (30 minutes by default, an hour at most); a version that is gone gets an
//!   `ERROR` event with a 410 `Expired` Status, on which kube-rs's watcher lists again. With
//!   selectors, an object that stops matching is `DELETED` and one that starts is `ADDED`.
//!   `sendInitialEvents=true` (a streaming list) sends the objects, then a `BOOKMARK` with the
//!   annotation `k8s.io/initial-events-end`, then the changes; other bookmarks are not sent.
//! - `kubectl get` gets a `meta.k8s.io/v1` Table (name and creation time) when it asks for one,
//!   and the garbage collector and the namespace controller get `PartialObjectMetadata`.
//! - Patches are JSON merge patches and JSON patches; strategic merge patches and server-side
//!   apply are refused with 415, as for custom resources.
//! - A kind with a `status` field has the `status` subresource (`get`, `update`, `patch`), as
//!   custom resources do: a create drops the status, an update of the object keeps the stored
//!   status, and an update of the status keeps the rest.
//! - `dryRun=All` checks a create, update, patch or delete, answers it, and stores nothing.
//! - Errors are `metav1.Status` objects with Kubernetes' reasons and messages.
//!
//! Not served: other subresources (`/scale`), `deletecollection`, `fieldValidation`
//! (unknown fields are dropped by the kinds' serde), pagination (`limit` and `continue`),
//! and aggregated discovery (the aggregator falls back to the documents above).
//! A delete honours the `preconditions` of its DeleteOptions and ignores the rest.
//!
//! # Example
//!
//! ```no_run
//! use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
//! use kubeforge_runtime::apiserver::{ApiServer, MemoryStorage, Options};
//! use kubeforge_runtime::manager::CertSource;
//!
//! #[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
//! struct Flunder {
//!     metadata: ObjectMeta,
//!     spec: FlunderSpec,
//! }
//!
//! #[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
//! struct FlunderSpec {
//!     reference: Option<String>,
//! }
//!
//! impl kube::Resource for Flunder {
//!     type DynamicType = ();
//!     type Scope = kube::core::NamespaceResourceScope;
//!     fn kind(_: &()) -> std::borrow::Cow<'_, str> { "Flunder".into() }
//!     fn group(_: &()) -> std::borrow::Cow<'_, str> { "wardle.example.com".into() }
//!     fn version(_: &()) -> std::borrow::Cow<'_, str> { "v1alpha1".into() }
//!     fn plural(_: &()) -> std::borrow::Cow<'_, str> { "flunders".into() }
//!     fn meta(&self) -> &ObjectMeta { &self.metadata }
//!     fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
//! }
//!
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! let server = ApiServer::new(kube::Client::try_default().await?)
//!     .resource::<Flunder, _>(MemoryStorage::new());
//! let options = Options {
//!     address: "0.0.0.0:8443".parse()?,
//!     cert: CertSource::Dir("/apiserver.local.config/certificates".into()),
//!     http2: false,
//! };
//! server.run(options).await
//! # }
//! ```

pub mod authn;
pub mod authz;
mod delete;
mod discovery;
mod handler;
pub mod memory;
mod metrics;
pub mod openapi;
mod patch;
mod request;
mod resource;
mod rest;
mod select;
mod serve;
mod server;
pub mod status;
pub mod storage;
mod trust;
mod views;
pub mod watch;

pub use authn::{AuthenticationConfig, UserInfo};
pub use authz::{Attributes, Decision, Delegate, KubeDelegate};
pub use memory::MemoryStorage;
pub use server::{AUTHENTICATION_RELOAD, ApiServer, Options};
pub use storage::{Storage, StorageError, WatchEvent};

/// What a served kind is: a Kubernetes object with a static type, (de)serializable, with a
/// JSON schema for the OpenAPI documents.
pub trait ApiObject:
    kube::Resource<DynamicType = ()>
    + Clone
    + serde::Serialize
    + serde::de::DeserializeOwned
    + schemars::JsonSchema
    + Send
    + Sync
    + 'static
{
}

impl<T> ApiObject for T where
    T: kube::Resource<DynamicType = ()>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + schemars::JsonSchema
        + Send
        + Sync
        + 'static
{
}
