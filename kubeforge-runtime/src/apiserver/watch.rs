//! Watches: one JSON event per line, `{"type": "ADDED", "object": {...}}`, until
//! `timeoutSeconds`, the client leaves, or the server stops.

use std::{collections::HashMap, convert::Infallible, time::Duration};

use futures::{StreamExt, stream::BoxStream};
use http_body_util::{BodyExt, StreamBody};
use hyper::{
    Response, StatusCode,
    body::{Bytes, Frame},
    header::{CACHE_CONTROL, CONTENT_TYPE},
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::{
    request::Target,
    resource::Endpoint,
    rest::selectors,
    status::{ApiError, Body},
    table,
};

/// How long a watch lasts without `timeoutSeconds`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The longest a watch lasts.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// One line of the stream.
fn line(kind: &str, object: &Value) -> Bytes {
    let mut line = json!({"type": kind, "object": object}).to_string();
    line.push('\n');
    Bytes::from(line)
}

fn timeout(query: &HashMap<String, String>) -> Duration {
    query
        .get("timeoutSeconds")
        .and_then(|seconds| seconds.parse::<u64>().ok())
        .filter(|seconds| *seconds > 0)
        .map_or(DEFAULT_TIMEOUT, |seconds| {
            Duration::from_secs(seconds).min(MAX_TIMEOUT)
        })
}

fn streaming(lines: BoxStream<'static, Bytes>) -> Response<Body> {
    let frames = lines.map(|line| Ok::<_, Infallible>(Frame::data(line)));
    let mut response = Response::new(StreamBody::new(frames).boxed_unsync());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-cache, private"),
    );
    response
}

/// The watch of `target`, from the query's `resourceVersion`.
pub(crate) async fn watch(
    endpoint: &dyn Endpoint,
    target: &Target,
    query: &HashMap<String, String>,
    as_table: bool,
    shutdown: &CancellationToken,
) -> Result<Response<Body>, ApiError> {
    let (labels, fields) = selectors(query)?;
    // A watch of one object, as `kubectl get NAME --watch` asks for it.
    let fields = match &target.name {
        Some(name) => {
            let by_name = super::select::Selector::parse(&format!("metadata.name={name}"))
                .map_err(ApiError::bad_request)?;
            (fields, Some(by_name))
        }
        None => (fields, None),
    };
    let version = query.get("resourceVersion").cloned();
    let events = match endpoint.watch(target.namespace.clone(), version).await {
        Ok(events) => events,
        // What kube-rs's watcher expects to list again.
        Err(error) if error.code == StatusCode::GONE => {
            let event = line("ERROR", &error.to_status());
            return Ok(streaming(futures::stream::iter([event]).boxed()));
        }
        Err(error) => return Err(error),
    };
    let lines = events.filter_map(move |(kind, object)| {
        let keep = labels.matches_labels(&object)
            && fields.0.matches_fields(&object)
            && fields
                .1
                .as_ref()
                .is_none_or(|by_name| by_name.matches_fields(&object));
        // `kubectl get --watch` asks for a Table of one row per event.
        let object = if as_table {
            table::table(std::slice::from_ref(&object), None)
        } else {
            object
        };
        futures::future::ready(keep.then(|| line(kind, &object)))
    });
    let ends = tokio::time::sleep(timeout(query));
    let stopped = shutdown.clone().cancelled_owned();
    let lines = lines.take_until(async move {
        tokio::select! {
            _ = ends => {}
            _ = stopped => {}
        }
    });
    Ok(streaming(lines.boxed()))
}
