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
mod discovery;
mod handler;
pub mod memory;
mod metrics;
pub mod openapi;
mod request;
mod resource;
mod rest;
mod select;
mod serve;
mod server;
pub mod status;
pub mod storage;
mod table;
mod trust;
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
