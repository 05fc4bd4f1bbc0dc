//! The storage of one kind, as the REST handlers use it: [`Storage`], its events and errors.

use std::future::Future;

use futures::stream::BoxStream;

use super::ApiObject;

/// One change of an object, as a watch reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent<K> {
    /// The object was created (or existed when a watch started from no version).
    Added(K),
    /// The object was updated.
    Modified(K),
    /// The object was deleted; this is its last state.
    Deleted(K),
}

impl<K> WatchEvent<K> {
    /// The object of the event.
    pub fn object(&self) -> &K {
        match self {
            WatchEvent::Added(object)
            | WatchEvent::Modified(object)
            | WatchEvent::Deleted(object) => object,
        }
    }

    /// `ADDED`, `MODIFIED` or `DELETED`, as in the watch stream.
    pub fn type_name(&self) -> &'static str {
        match self {
            WatchEvent::Added(_) => "ADDED",
            WatchEvent::Modified(_) => "MODIFIED",
            WatchEvent::Deleted(_) => "DELETED",
        }
    }
}

/// Why the storage could not do what was asked; each becomes a Kubernetes `Status`.
#[derive(thiserror::Error, Debug)]
pub enum StorageError {
    /// No object of that name: 404.
    #[error("not found")]
    NotFound,
    /// An object of that name exists already: 409.
    #[error("already exists")]
    AlreadyExists,
    /// The object changed since the version given: 409.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The resourceVersion asked for is no longer kept: 410, so that the watcher lists again.
    #[error("gone: {0}")]
    Gone(String),
    /// The object is not valid: 422.
    #[error("invalid: {0}")]
    Invalid(String),
    /// Anything else: 500.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

/// The storage of one kind; the generated project starts with
/// [`MemoryStorage`](super::MemoryStorage) and the user replaces it.
///
/// `namespace` is `None` for a cluster-scoped kind, and for a list or watch across every
/// namespace.
///
/// # Example
///
/// A storage that refuses flunders without a reference, and keeps the others in memory:
///
/// ```
/// use futures::stream::BoxStream;
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
/// use kubeforge_runtime::apiserver::{MemoryStorage, Storage, StorageError, WatchEvent};
///
/// #[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
/// struct Flunder {
///     metadata: ObjectMeta,
///     reference: Option<String>,
/// }
/// # impl kube::Resource for Flunder {
/// #     type DynamicType = ();
/// #     type Scope = kube::core::NamespaceResourceScope;
/// #     fn kind(_: &()) -> std::borrow::Cow<'_, str> { "Flunder".into() }
/// #     fn group(_: &()) -> std::borrow::Cow<'_, str> { "wardle.example.com".into() }
/// #     fn version(_: &()) -> std::borrow::Cow<'_, str> { "v1alpha1".into() }
/// #     fn plural(_: &()) -> std::borrow::Cow<'_, str> { "flunders".into() }
/// #     fn meta(&self) -> &ObjectMeta { &self.metadata }
/// #     fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// # }
///
/// struct Checked(MemoryStorage<Flunder>);
///
/// fn check(flunder: &Flunder) -> Result<(), StorageError> {
///     match flunder.reference {
///         Some(_) => Ok(()),
///         None => Err(StorageError::Invalid("reference: Required value".into())),
///     }
/// }
///
/// impl Storage<Flunder> for Checked {
///     async fn get(&self, namespace: Option<&str>, name: &str) -> Result<Flunder, StorageError> {
///         self.0.get(namespace, name).await
///     }
///     async fn list(&self, namespace: Option<&str>) -> Result<(Vec<Flunder>, String), StorageError> {
///         self.0.list(namespace).await
///     }
///     async fn create(&self, object: Flunder) -> Result<Flunder, StorageError> {
///         check(&object)?;
///         self.0.create(object).await
///     }
///     async fn update(&self, object: Flunder) -> Result<Flunder, StorageError> {
///         check(&object)?;
///         self.0.update(object).await
///     }
///     async fn delete(&self, namespace: Option<&str>, name: &str) -> Result<Flunder, StorageError> {
///         self.0.delete(namespace, name).await
///     }
///     async fn watch(
///         &self,
///         namespace: Option<&str>,
///         resource_version: Option<&str>,
///     ) -> Result<BoxStream<'static, WatchEvent<Flunder>>, StorageError> {
///         self.0.watch(namespace, resource_version).await
///     }
/// }
/// ```
pub trait Storage<K: ApiObject>: Send + Sync + 'static {
    /// The object `name` (in `namespace`).
    fn get(
        &self,
        namespace: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<K, StorageError>> + Send;

    /// The objects (of one namespace, or all) and the resourceVersion of the list.
    fn list(
        &self,
        namespace: Option<&str>,
    ) -> impl Future<Output = Result<(Vec<K>, String), StorageError>> + Send;

    /// Sets uid, creationTimestamp, resourceVersion (and generation 1); AlreadyExists when
    /// taken.
    fn create(&self, object: K) -> impl Future<Output = Result<K, StorageError>> + Send;

    /// Conflict when object's resourceVersion is set and is not the current one; NotFound.
    fn update(&self, object: K) -> impl Future<Output = Result<K, StorageError>> + Send;

    /// Removes the object `name` (in `namespace`) and returns its last state.
    fn delete(
        &self,
        namespace: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<K, StorageError>> + Send;

    /// Events after `resource_version` (None or "0": ADDED for every current object first, as
    /// the API server does); Gone when that version is no longer kept.
    fn watch(
        &self,
        namespace: Option<&str>,
        resource_version: Option<&str>,
    ) -> impl Future<Output = Result<BoxStream<'static, WatchEvent<K>>, StorageError>> + Send;
}
