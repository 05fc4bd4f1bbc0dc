//! Patches, and the `status` subresource: what a request may change of an object with a status.

use hyper::{Response, StatusCode, header::CONTENT_TYPE};
use serde_json::Value;

use super::{
    rest::{Call, metadata},
    status::{ApiError, Body, json_reply},
};

/// The patch types served.
const PATCH_TYPES: [&str; 2] = [
    "application/merge-patch+json",
    "application/json-patch+json",
];

/// The patch of the request, checked against the patch types served.
fn read(call: &Call<'_>) -> Result<(bool, Value), ApiError> {
    let content_type = call
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !PATCH_TYPES.contains(&media_type.as_str()) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: {}",
                PATCH_TYPES.join(", ")
            ),
        ));
    }
    let patch = serde_json::from_slice(&call.body)
        .map_err(|error| ApiError::bad_request(format!("the patch is not JSON: {error}")))?;
    Ok((media_type == PATCH_TYPES[0], patch))
}

/// Applies a merge patch or a JSON patch to `object`.
fn apply(call: &Call<'_>, merge: bool, patch: Value, object: &mut Value) -> Result<(), ApiError> {
    if merge {
        json_patch::merge(object, &patch);
        return Ok(());
    }
    let patch: json_patch::Patch = serde_json::from_value(patch)
        .map_err(|error| ApiError::bad_request(format!("the JSON patch is not valid: {error}")))?;
    json_patch::patch(object, &patch).map_err(|error| {
        let error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid",
            format!("the JSON patch cannot be applied: {error}"),
        );
        error.with_details(call.info().details(call.target.name.as_deref()))
    })
}

/// What is stored of `changed`, given the `current` object: on the `status` subresource, the
/// current object with the status of `changed`; on the object itself, `changed` with the current
/// status. The resourceVersion is that of `changed`, for the conflict check.
pub(crate) fn split_status(call: &Call<'_>, current: Value, changed: Value) -> Value {
    let (mut kept, from) = if call.target.subresource.is_some() {
        (current, changed)
    } else {
        (changed, current)
    };
    let version = |object: &Value| object["metadata"]["resourceVersion"].clone();
    let resource_version = if call.target.subresource.is_some() {
        version(&from)
    } else {
        version(&kept)
    };
    if let Value::Object(fields) = &mut kept {
        match from.get("status") {
            Some(status) => fields.insert("status".into(), status.clone()),
            None => fields.remove("status"),
        };
    }
    if let Ok(meta) = metadata(&mut kept) {
        match resource_version {
            Value::Null => meta.remove("resourceVersion"),
            version => meta.insert("resourceVersion".into(), version),
        };
    }
    kept
}

/// PATCH of an object or of its status.
pub(crate) async fn patch(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let (merge, patch) = read(&call)?;
    let current = call.current().await?;
    let mut object = current.clone();
    apply(&call, merge, patch, &mut object)?;
    call.check_kind(&object)?;
    call.name_object(&mut object)?;
    call.place(&mut object)?;
    let object = if call.info().has_status {
        split_status(&call, current, object)
    } else {
        object
    };
    let updated = call.store_update(object).await?;
    Ok(json_reply(StatusCode::OK, &updated))
}

/// PUT of the status of an object.
pub(crate) async fn update_status(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    let mut object = call.object()?;
    call.name_object(&mut object)?;
    call.place(&mut object)?;
    let current = call.current().await?;
    let updated = call
        .store_update(split_status(&call, current, object))
        .await?;
    Ok(json_reply(StatusCode::OK, &updated))
}
