//! One served kind behind a trait object: its names, and its storage on JSON values.

use std::marker::PhantomData;

use futures::{FutureExt, StreamExt, future::BoxFuture, stream::BoxStream};
use serde_json::Value;

use super::{
    ApiObject,
    status::{ApiError, Details},
    storage::{Storage, StorageError},
};

/// The names of a kind, as discovery and the paths use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KindInfo {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    /// Whether the kind has a `status`, served at the `status` subresource.
    pub has_status: bool,
}

impl KindInfo {
    pub fn of<K: ApiObject>() -> KindInfo {
        KindInfo {
            group: K::group(&()).into_owned(),
            version: K::version(&()).into_owned(),
            kind: K::kind(&()).into_owned(),
            plural: K::plural(&()).into_owned(),
            namespaced: is_namespaced::<K>(),
            has_status: schema::<K>()["properties"].get("status").is_some(),
        }
    }

    /// `group/version`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The `details` of an error about the object `name`.
    pub fn details(&self, name: Option<&str>) -> Details {
        Details {
            name: name.map(str::to_string),
            group: self.group.clone(),
            kind: self.plural.clone(),
        }
    }

    /// An error of the storage about the object `name`.
    pub fn error(&self, name: Option<&str>, error: StorageError) -> ApiError {
        ApiError::from_storage(error, self.details(name))
    }
}

/// Whether the scope of `K` is `NamespaceResourceScope`. kube 5 offers no method for it, and the
/// scope has no `'static` bound for a `TypeId`: its type name tells.
pub(crate) fn is_namespaced<K: ApiObject>() -> bool {
    std::any::type_name::<K::Scope>()
        == std::any::type_name::<k8s_openapi::NamespaceResourceScope>()
}

/// The schema of `K` with schemars' OpenAPI 3 settings, subschemas inlined.
fn schema<K: ApiObject>() -> Value {
    let settings = schemars::generate::SchemaSettings::openapi3().with(|settings| {
        settings.inline_subschemas = true;
        settings.meta_schema = None;
    });
    settings
        .into_generator()
        .into_root_schema_for::<K>()
        .to_value()
}

/// A change as the watch stream sends it: its type and the object.
pub(crate) type Event = (&'static str, Value);

/// A served kind, on JSON values.
pub(crate) trait Endpoint: Send + Sync + 'static {
    fn info(&self) -> &KindInfo;
    fn get(
        &self,
        namespace: Option<String>,
        name: String,
    ) -> BoxFuture<'_, Result<Value, ApiError>>;
    fn list(
        &self,
        namespace: Option<String>,
    ) -> BoxFuture<'_, Result<(Vec<Value>, String), ApiError>>;
    fn create(&self, object: Value) -> BoxFuture<'_, Result<Value, ApiError>>;
    fn update(&self, object: Value) -> BoxFuture<'_, Result<Value, ApiError>>;
    fn delete(
        &self,
        namespace: Option<String>,
        name: String,
    ) -> BoxFuture<'_, Result<Value, ApiError>>;
    fn watch(
        &self,
        namespace: Option<String>,
        version: Option<String>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Event>, ApiError>>;
    /// The schema of `K` with schemars' OpenAPI 3 settings, subschemas inlined, as JSON.
    fn schema(&self) -> Value;
    /// `object` read as a `K` and written again: what would be stored, for a dry run.
    fn validate(&self, object: Value) -> Result<Value, ApiError>;
}

/// The [`Endpoint`] of the kind `K` stored in `S`.
pub(crate) struct Served<K, S> {
    info: KindInfo,
    storage: S,
    kind: PhantomData<fn() -> K>,
}

impl<K: ApiObject, S: Storage<K>> Served<K, S> {
    pub fn new(storage: S) -> Self {
        Served {
            info: KindInfo::of::<K>(),
            storage,
            kind: PhantomData,
        }
    }

    fn encode(&self, object: &K) -> Result<Value, ApiError> {
        let mut value = serde_json::to_value(object)
            .map_err(|error| ApiError::internal(format!("cannot encode the object: {error}")))?;
        // The types' own serialization may leave them out; the API always has them.
        if let Value::Object(fields) = &mut value {
            fields.insert("apiVersion".into(), Value::String(self.info.api_version()));
            fields.insert("kind".into(), Value::String(self.info.kind.clone()));
        }
        Ok(value)
    }

    fn decode(&self, object: Value) -> Result<K, ApiError> {
        serde_json::from_value(object).map_err(|error| {
            let message = format!("the object is not a valid {}: {error}", self.info.kind);
            ApiError::bad_request(message)
        })
    }
}

fn name_of(object: &Value) -> Option<String> {
    object["metadata"]["name"].as_str().map(str::to_string)
}

impl<K: ApiObject, S: Storage<K>> Endpoint for Served<K, S> {
    fn info(&self) -> &KindInfo {
        &self.info
    }

    fn get(
        &self,
        namespace: Option<String>,
        name: String,
    ) -> BoxFuture<'_, Result<Value, ApiError>> {
        async move {
            let result = self.storage.get(namespace.as_deref(), &name).await;
            self.encode(&result.map_err(|error| self.info.error(Some(&name), error))?)
        }
        .boxed()
    }

    fn list(
        &self,
        namespace: Option<String>,
    ) -> BoxFuture<'_, Result<(Vec<Value>, String), ApiError>> {
        async move {
            let result = self.storage.list(namespace.as_deref()).await;
            let (objects, version) = result.map_err(|error| self.info.error(None, error))?;
            let objects = objects.iter().map(|object| self.encode(object));
            Ok((objects.collect::<Result<_, _>>()?, version))
        }
        .boxed()
    }

    fn create(&self, object: Value) -> BoxFuture<'_, Result<Value, ApiError>> {
        async move {
            let name = name_of(&object);
            let result = self.storage.create(self.decode(object)?).await;
            self.encode(&result.map_err(|error| self.info.error(name.as_deref(), error))?)
        }
        .boxed()
    }

    fn update(&self, object: Value) -> BoxFuture<'_, Result<Value, ApiError>> {
        async move {
            let name = name_of(&object);
            let result = self.storage.update(self.decode(object)?).await;
            self.encode(&result.map_err(|error| self.info.error(name.as_deref(), error))?)
        }
        .boxed()
    }

    fn delete(
        &self,
        namespace: Option<String>,
        name: String,
    ) -> BoxFuture<'_, Result<Value, ApiError>> {
        async move {
            let result = self.storage.delete(namespace.as_deref(), &name).await;
            self.encode(&result.map_err(|error| self.info.error(Some(&name), error))?)
        }
        .boxed()
    }

    fn watch(
        &self,
        namespace: Option<String>,
        version: Option<String>,
    ) -> BoxFuture<'_, Result<BoxStream<'static, Event>, ApiError>> {
        async move {
            let result = self
                .storage
                .watch(namespace.as_deref(), version.as_deref())
                .await;
            let events = result.map_err(|error| self.info.error(None, error))?;
            let info = self.info.clone();
            let events = events.filter_map(move |event| {
                let encoded = serde_json::to_value(event.object()).ok().map(|mut value| {
                    if let Value::Object(fields) = &mut value {
                        fields.insert("apiVersion".into(), Value::String(info.api_version()));
                        fields.insert("kind".into(), Value::String(info.kind.clone()));
                    }
                    (event.type_name(), value)
                });
                futures::future::ready(encoded)
            });
            Ok(events.boxed())
        }
        .boxed()
    }

    fn schema(&self) -> Value {
        schema::<K>()
    }

    fn validate(&self, object: Value) -> Result<Value, ApiError> {
        self.encode(&self.decode(object)?)
    }
}
