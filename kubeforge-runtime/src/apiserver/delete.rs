//! DELETE of an object, with the preconditions of its DeleteOptions.

use hyper::{Response, StatusCode};
use serde_json::Value;

use super::{
    rest::Call,
    status::{ApiError, Body, json_reply},
    storage::StorageError,
};

/// Refuses a delete whose `preconditions` (uid, resourceVersion) the object does not meet.
async fn check_preconditions(call: &Call<'_>) -> Result<(), ApiError> {
    if call.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let options: Value = serde_json::from_slice(&call.body).map_err(|error| {
        ApiError::bad_request(format!("the DeleteOptions are not JSON: {error}"))
    })?;
    let preconditions = &options["preconditions"];
    let fields = [("UID", "uid"), ("ResourceVersion", "resourceVersion")];
    if fields
        .iter()
        .all(|(_, field)| preconditions[field].is_null())
    {
        return Ok(());
    }
    let current = call.current().await?;
    for (what, field) in fields {
        let given = preconditions[field].as_str();
        let stored = current["metadata"][field].as_str().unwrap_or_default();
        if let Some(given) = given.filter(|given| *given != stored) {
            let why = format!(
                "Precondition failed: {what} in precondition: {given}, {what} in object meta: {stored}"
            );
            let name = call.target.name.as_deref();
            return Err(call.info().error(name, StorageError::Conflict(why)));
        }
    }
    Ok(())
}

pub(crate) async fn delete(call: Call<'_>) -> Result<Response<Body>, ApiError> {
    check_preconditions(&call).await?;
    let deleted = if call.dry_run()? {
        call.current().await?
    } else {
        let name = call.name()?;
        call.endpoint
            .delete(call.target.namespace.clone(), name)
            .await?
    };
    Ok(json_reply(StatusCode::OK, &deleted))
}
