//! What goes back: JSON bodies, and every error as a Kubernetes `Status` (`metav1.Status`).

use std::convert::Infallible;

use http_body_util::{BodyExt, Full, combinators::UnsyncBoxBody};
use hyper::{Response, StatusCode, body::Bytes, header::CONTENT_TYPE};
use serde_json::{Value, json};

use super::storage::StorageError;

/// The body of every answer: whole or streamed (a watch).
pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// A whole body.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed_unsync()
}

/// An answer with `content_type` and a whole body.
pub(crate) fn reply(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// A JSON answer.
pub(crate) fn json_reply(status: StatusCode, body: &Value) -> Response<Body> {
    reply(status, "application/json", body.to_string())
}

/// The object that an error is about, for the `details` of its `Status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// The name of the object, when there is one.
    pub name: Option<String>,
    /// The API group of the kind.
    pub group: String,
    /// The plural of the kind (Kubernetes puts the resource there).
    pub kind: String,
}

/// An error answer: a `Status` with `status: Failure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status, also the `code` of the `Status`.
    pub code: StatusCode,
    /// The `reason`, e.g. `NotFound`.
    pub reason: &'static str,
    /// The `message`, for humans.
    pub message: String,
    /// What object it is about.
    pub details: Option<Details>,
}

impl ApiError {
    /// An error without details.
    pub fn new(code: StatusCode, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 404 NotFound for a path that serves nothing.
    pub fn no_route() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed(method: &str) -> ApiError {
        let message =
            format!("the server does not allow this method on the requested resource: {method}");
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", message)
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> ApiError {
        let message = format!("Internal error occurred: {}", message.into());
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", message)
    }

    /// 401 Unauthorized.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized")
    }

    /// 410 Expired: the resourceVersion of a watch is too old.
    pub fn expired(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::GONE, "Expired", message)
    }

    /// With the object it is about.
    pub fn with_details(mut self, details: Details) -> ApiError {
        self.details = Some(details);
        self
    }

    /// The error of the storage about the object `name` of the resource `plural.group`, with
    /// Kubernetes' messages.
    pub fn from_storage(error: StorageError, details: Details) -> ApiError {
        let qualified = if details.group.is_empty() {
            details.kind.clone()
        } else {
            format!("{}.{}", details.kind, details.group)
        };
        let name = details.name.clone().unwrap_or_default();
        let error = match error {
            StorageError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("{qualified} \"{name}\" not found"),
            ),
            StorageError::AlreadyExists => ApiError::new(
                StatusCode::CONFLICT,
                "AlreadyExists",
                format!("{qualified} \"{name}\" already exists"),
            ),
            StorageError::Conflict(why) => ApiError::new(
                StatusCode::CONFLICT,
                "Conflict",
                format!("Operation cannot be fulfilled on {qualified} \"{name}\": {why}"),
            ),
            StorageError::Gone(why) => ApiError::expired(why),
            StorageError::Invalid(why) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid",
                format!("{qualified} \"{name}\" is invalid: {why}"),
            ),
            StorageError::Internal(error) => {
                tracing::warn!(error = format!("{error:#}"), "storage failed");
                ApiError::internal(format!("{error:#}"))
            }
        };
        error.with_details(details)
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code.as_u16(),
        });
        if let Some(details) = &self.details {
            let mut object = json!({"group": details.group, "kind": details.kind});
            if let Some(name) = &details.name {
                object["name"] = json!(name);
            }
            status["details"] = object;
        }
        status
    }

    /// The answer.
    pub fn into_response(self) -> Response<Body> {
        json_reply(self.code, &self.to_status())
    }
}
