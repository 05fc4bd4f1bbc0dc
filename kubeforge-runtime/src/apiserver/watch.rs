//! Watches: one JSON event per line, `{"type": "ADDED", "object": {...}}`, until
//! `timeoutSeconds`, the client leaves, or the server stops.

use std::{
    collections::{HashMap, HashSet},
    convert::Infallible,
    time::Duration,
};

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
    request::{self, Target},
    resource::Endpoint,
    rest::selectors,
    status::{ApiError, Body},
    views::View,
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

/// What a client that watches with selectors hears, as from the API server: an object that
/// stops matching is `DELETED` for it, one that starts matching is `ADDED`.
struct Filter<F> {
    matches: F,
    /// The objects that the client holds, by namespace and name, as far as this watch knows.
    held: HashSet<(String, String)>,
    /// The objects seen in this watch.
    seen: HashSet<(String, String)>,
    /// Whether the client may hold objects from before the watch: it resumes from a version.
    resumed: bool,
}

impl<F: Fn(&Value) -> bool> Filter<F> {
    fn new(matches: F, resumed: bool) -> Self {
        Filter {
            matches,
            held: HashSet::new(),
            seen: HashSet::new(),
            resumed,
        }
    }

    /// The type of the event to send for `object`, if any.
    fn event(&mut self, kind: &'static str, object: &Value) -> Option<&'static str> {
        let metadata = &object["metadata"];
        let text = |field: &str| metadata[field].as_str().unwrap_or_default().to_string();
        let key = (text("namespace"), text("name"));
        let first = self.seen.insert(key.clone());
        let held = kind != "ADDED" && (self.held.contains(&key) || (first && self.resumed));
        let matches = (self.matches)(object);
        if kind == "DELETED" || !matches {
            self.held.remove(&key);
            return (held || (kind == "DELETED" && matches)).then_some("DELETED");
        }
        self.held.insert(key);
        Some(if held { "MODIFIED" } else { "ADDED" })
    }
}

/// The watch of `target`, from the query's `resourceVersion`.
pub(crate) async fn watch(
    endpoint: &dyn Endpoint,
    target: &Target,
    query: &HashMap<String, String>,
    view: View,
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
    let mut version = query.get("resourceVersion").cloned();
    let resumed = !matches!(version.as_deref(), None | Some("" | "0"));
    // A streaming list: the objects, a bookmark at their version, then the changes since.
    let mut initial = Vec::new();
    if request::flag(query, "sendInitialEvents") && !resumed {
        let (objects, listed) = endpoint.list(target.namespace.clone()).await?;
        initial.extend(objects.into_iter().map(|object| ("ADDED", object)));
        let info = endpoint.info();
        let bookmark = json!({
            "kind": info.kind,
            "apiVersion": info.api_version(),
            "metadata": {
                "resourceVersion": listed,
                "annotations": {"k8s.io/initial-events-end": "true"},
            },
        });
        initial.push(("BOOKMARK", bookmark));
        version = Some(listed);
    }
    let events = match endpoint.watch(target.namespace.clone(), version).await {
        Ok(events) => events,
        // What kube-rs's watcher expects to list again.
        Err(error) if error.code == StatusCode::GONE => {
            let event = line("ERROR", &error.to_status());
            return Ok(streaming(futures::stream::iter([event]).boxed()));
        }
        Err(error) => return Err(error),
    };
    let events = futures::stream::iter(initial).chain(events);
    let selective = !labels.is_empty() || !fields.0.is_empty() || fields.1.is_some();
    let matches = move |object: &Value| {
        labels.matches_labels(object)
            && fields.0.matches_fields(object)
            && fields
                .1
                .as_ref()
                .is_none_or(|by_name| by_name.matches_fields(object))
    };
    let mut filter = Filter::new(matches, resumed);
    let lines = events.filter_map(move |(kind, object)| {
        if kind == "BOOKMARK" {
            return futures::future::ready(Some(line(kind, &object)));
        }
        // Without selectors, every event as it is, and nothing to remember.
        let kind = if selective {
            filter.event(kind, &object)
        } else {
            Some(kind)
        };
        // `kubectl get --watch` asks for a Table of one row per event.
        let object = view.object(object);
        futures::future::ready(kind.map(|kind| line(kind, &object)))
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn flunder(name: &str, app: &str) -> Value {
        json!({"metadata": {"namespace": "ns", "name": name, "labels": {"app": app}}})
    }

    #[test]
    fn tells_a_selective_watch_what_enters_and_leaves_it() {
        let web = |object: &Value| object["metadata"]["labels"]["app"] == "web";
        let mut filter = Filter::new(web, false);
        assert_eq!(filter.event("ADDED", &flunder("a", "db")), None);
        assert_eq!(filter.event("MODIFIED", &flunder("a", "db")), None);
        assert_eq!(
            filter.event("MODIFIED", &flunder("a", "web")),
            Some("ADDED")
        );
        assert_eq!(
            filter.event("MODIFIED", &flunder("a", "web")),
            Some("MODIFIED")
        );
        assert_eq!(
            filter.event("MODIFIED", &flunder("a", "db")),
            Some("DELETED")
        );
        assert_eq!(filter.event("DELETED", &flunder("a", "db")), None);
        assert_eq!(filter.event("ADDED", &flunder("b", "web")), Some("ADDED"));
        assert_eq!(
            filter.event("DELETED", &flunder("b", "web")),
            Some("DELETED")
        );

        // Resumed: the client may hold what it has not seen in this watch yet.
        let mut filter = Filter::new(web, true);
        assert_eq!(
            filter.event("MODIFIED", &flunder("c", "db")),
            Some("DELETED")
        );
        assert_eq!(filter.event("MODIFIED", &flunder("c", "db")), None);
        assert_eq!(
            filter.event("MODIFIED", &flunder("d", "web")),
            Some("MODIFIED")
        );
        assert_eq!(filter.event("ADDED", &flunder("e", "web")), Some("ADDED"));
    }
}
