//! The REST endpoints of a served kind: get, list, create, update, patch and delete.

use std::collections::HashMap;

use hyper::{HeaderMap, Response, StatusCode, body::Bytes};
use serde_json::{Value, json};

use super::{
    request::Target,
    resource::{Endpoint, KindInfo},
    select::Selector,
    status::{ApiError, Body, json_reply},
    views::View,
};

/// A request on objects, its body read.
pub(crate) struct Call<'a> {
    pub endpoint: &'a dyn Endpoint,
    pub target: &'a Target,
    pub query: &'a HashMap<String, String>,
    pub headers: &'a HeaderMap,
    pub body: Bytes,
}

impl Call<'_> {
    pub(crate) fn info(&self) -> &KindInfo {
        self.endpoint.info()
    }

    pub(crate) fn name(&self) -> Result<String, ApiError> {
        self.target.name.clone().ok_or_else(ApiError::no_route)
    }

    /// The body as a JSON object of this kind.
    pub(crate) fn object(&self) -> Result<Value, ApiError> {
        let object: Value = serde_json::from_slice(&self.body)
            .map_err(|error| ApiError::bad_request(format!("the body is not JSON: {error}")))?;
        if !object.is_object() {
            return Err(ApiError::bad_request("the body is not a JSON object"));
        }
        self.check_kind(&object)?;
        Ok(object)
    }

    /// Refuses another apiVersion or kind; absent ones are this kind's (the types of kube-rs
    /// clients may not serialize them).
    pub(crate) fn check_kind(&self, object: &Value) -> Result<(), ApiError> {
        let info = self.info();
        let given = |key: &str| object[key].as_str().filter(|value| !value.is_empty());
        let api_version = given("apiVersion")
            .unwrap_or(&info.api_version())
            .to_string();
        let kind = given("kind").unwrap_or(&info.kind).to_string();
        if api_version != info.api_version() || kind != info.kind {
            return Err(ApiError::bad_request(format!(
                "the object's apiVersion and kind are {api_version:?} and {kind:?}, not {:?} and {:?}",
                info.api_version(),
                info.kind
            )));
        }
        Ok(())
    }

    /// Whether the request is a dry run (`dryRun=All`): checked, answered, not stored.
    pub(crate) fn dry_run(&self) -> Result<bool, ApiError> {
        match self.query.get("dryRun").map(String::as_str) {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "dryRun: Unsupported value: {other:?}: supported values: \"All\""
            ))),
        }
    }

    /// Stores `object` over the current one, or, in a dry run, checks it against the current
    /// version and returns it.
    pub(crate) async fn store_update(&self, object: Value) -> Result<Value, ApiError> {
        if !self.dry_run()? {
            return self.endpoint.update(object).await;
        }
        let current = self.current().await?;
        let version = |object: &Value| object["metadata"]["resourceVersion"].clone();
        let given = version(&object);
        if !given.is_null() && given != version(&current) {
            let why = "the object has been modified; please apply your changes to the latest \
                       version and try again";
            let name = self.target.name.as_deref();
            return Err(self
                .info()
                .error(name, super::storage::StorageError::Conflict(why.into())));
        }
        self.endpoint.validate(object)
    }

    /// The object of the path, as stored now.
    pub(crate) async fn current(&self) -> Result<Value, ApiError> {
        let name = self.name()?;
        self.endpoint.get(self.target.namespace.clone(), name).await
    }

    /// Puts the namespace of the path into `object`, or refuses a different one.
    pub(crate) fn place(&self, object: &mut Value) -> Result<(), ApiError> {
        let meta = metadata(object)?;
        if !self.info().namespaced {
            meta.remove("namespace");
            return Ok(());
        }
        let Some(namespace) = &self.target.namespace else {
            return Err(ApiError::no_route());
        };
        match meta.get("namespace").and_then(Value::as_str) {
            None | Some("") => {
                meta.insert("namespace".into(), json!(namespace));
                Ok(())
            }
            Some(given) if given == namespace => Ok(()),
            Some(_) => Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            )),
        }
    }

    /// Puts the name of the path into `object`, or refuses a different one.
    pub(crate) fn name_object(&self, object: &mut Value) -> Result<String, ApiError> {
        let name = self.name()?;
        let meta = metadata(object)?;
        match meta.get("name").and_then(Value::as_str) {
            None | Some("") => {
                meta.insert("name".into(), json!(name));
            }
            Some(given) if given == name => {}
            Some(_) => {
                return Err(ApiError::bad_request(
                    "the name of the object does not match the name on the URL",
                ));
            }
        }
        Ok(name)
    }
}

/// The `metadata` of `object`, made when missing.
pub(crate) fn metadata(
    object: &mut Value,
) -> Result<&mut serde_json::Map<String, Value>, ApiError> {
    let Value::Object(fields) = object else {
        return Err(ApiError::bad_request("the object is not a JSON object"));
    };
    let meta = fields.entry("metadata").or_insert_with(|| json!({}));
    if meta.is_null() {
        *meta = json!({});
    }
    meta.as_object_mut()
        .ok_or_else(|| ApiError::bad_request("metadata is not an object"))
}

/// A name from `metadata.generateName`: the prefix and five random characters.
fn generate_name(prefix: &str) -> String {
    use std::hash::{BuildHasher, RandomState};
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut random = RandomState::new().hash_one(prefix);
    let mut name = prefix.to_string();
    for _ in 0..5 {
        name.push(char::from(
            ALPHABET[(random % ALPHABET.len() as u64) as usize],
        ));
        random /= ALPHABET.len() as u64;
    }
    name
}

pub(crate) async fn get(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let object = call
        .endpoint
        .get(call.target.namespace.clone(), call.name()?)
        .await?;
    Ok(json_reply(
        StatusCode::OK,
        &View::of(call.headers).object(object),
    ))
}

/// The label and field selectors of the query.
pub(crate) fn selectors(query: &HashMap<String, String>) -> Result<(Selector, Selector), ApiError> {
    let parse = |key: &str| {
        Selector::parse(query.get(key).map(String::as_str).unwrap_or_default())
            .map_err(|error| ApiError::bad_request(format!("invalid {key}: {error}")))
    };
    let (labels, fields) = (parse("labelSelector")?, parse("fieldSelector")?);
    if !fields.only_fields(&["metadata.name", "metadata.namespace"]) {
        return Err(ApiError::bad_request(
            "fieldSelector: only metadata.name and metadata.namespace are supported",
        ));
    }
    Ok((labels, fields))
}

pub(crate) async fn list(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let (labels, fields) = selectors(call.query)?;
    let (objects, version) = call.endpoint.list(call.target.namespace.clone()).await?;
    let items: Vec<Value> = objects
        .into_iter()
        .filter(|object| labels.matches_labels(object) && fields.matches_fields(object))
        .collect();
    let info = call.info();
    let list = View::of(call.headers).list(items, &version, |items| {
        json!({
            "kind": format!("{}List", info.kind),
            "apiVersion": info.api_version(),
            "metadata": {"resourceVersion": version},
            "items": items,
        })
    });
    Ok(json_reply(StatusCode::OK, &list))
}

pub(crate) async fn create(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let mut object = call.object()?;
    call.place(&mut object)?;
    let meta = metadata(&mut object)?;
    meta.remove("resourceVersion");
    let named = meta
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|name| !name.is_empty());
    if !named {
        let Some(prefix) = meta.get("generateName").and_then(Value::as_str) else {
            let error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid",
                "metadata.name: Required value: name or generateName is required",
            );
            return Err(error.with_details(call.info().details(None)));
        };
        let name = generate_name(prefix);
        meta.insert("name".into(), json!(name));
    }
    if call.info().has_status {
        // As for custom resources with a status subresource: set through it only.
        metadata(&mut object)?;
        if let Value::Object(fields) = &mut object {
            fields.remove("status");
        }
    }
    if call.dry_run()? {
        let checked = call.endpoint.validate(object)?;
        return Ok(json_reply(StatusCode::CREATED, &checked));
    }
    let created = call.endpoint.create(object).await?;
    Ok(json_reply(StatusCode::CREATED, &created))
}

pub(crate) async fn update(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let mut object = call.object()?;
    call.name_object(&mut object)?;
    call.place(&mut object)?;
    let object = if call.info().has_status {
        let current = call.current().await?;
        super::patch::split_status(&call, current, object)
    } else {
        object
    };
    let updated = call.store_update(object).await?;
    Ok(json_reply(StatusCode::OK, &updated))
}
