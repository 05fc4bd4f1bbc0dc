//! What the client asks for in its `Accept` header: the objects, a `meta.k8s.io/v1` Table (what
//! `kubectl get` asks for: the name and age of each object), or their metadata only
//! (`PartialObjectMetadata`, what the garbage collector and the namespace controller ask for).

use hyper::HeaderMap;
use serde_json::{Value, json};

/// The form of the objects in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// The objects themselves.
    Full,
    /// A `meta.k8s.io/v1` Table.
    Table,
    /// `meta.k8s.io/v1` PartialObjectMetadata (and PartialObjectMetadataList).
    Metadata,
}

impl View {
    /// The first form of the `Accept` header that is JSON; the objects by default.
    pub fn of(headers: &HeaderMap) -> View {
        let accepted = headers
            .get_all(hyper::header::ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','));
        for media_type in accepted {
            let mut parameters = media_type.split(';').map(str::trim);
            let essence = parameters.next().unwrap_or_default();
            if !matches!(essence, "application/json" | "application/*" | "*/*") {
                continue;
            }
            let parameters: Vec<&str> = parameters.collect();
            let of_meta = parameters.contains(&"g=meta.k8s.io") && parameters.contains(&"v=v1");
            let kind = parameters
                .iter()
                .find_map(|parameter| parameter.strip_prefix("as="));
            match kind {
                None => return View::Full,
                Some("Table") if of_meta => return View::Table,
                Some("PartialObjectMetadata" | "PartialObjectMetadataList") if of_meta => {
                    return View::Metadata;
                }
                Some(_) => continue,
            }
        }
        View::Full
    }

    /// One object in this form.
    pub fn object(self, object: Value) -> Value {
        match self {
            View::Full => object,
            View::Table => table(std::slice::from_ref(&object), None),
            View::Metadata => partial(&object),
        }
    }

    /// A list in this form; `full` makes the list of the objects themselves.
    pub fn list(
        self,
        items: Vec<Value>,
        version: &str,
        full: impl FnOnce(Vec<Value>) -> Value,
    ) -> Value {
        match self {
            View::Full => full(items),
            View::Table => table(&items, Some(version)),
            View::Metadata => json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": {"resourceVersion": version},
                "items": items.iter().map(partial).collect::<Vec<_>>(),
            }),
        }
    }
}

/// The metadata of `object`, with its kind.
fn partial(object: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": object["metadata"],
    })
}

/// The row of `object`, its metadata as the row's object.
fn row(object: &Value) -> Value {
    let metadata = &object["metadata"];
    json!({
        "cells": [metadata["name"], metadata["creationTimestamp"]],
        "object": partial(object),
    })
}

/// The Table of `objects`.
fn table(objects: &[Value], resource_version: Option<&str>) -> Value {
    let mut metadata = json!({});
    if let Some(version) = resource_version {
        metadata["resourceVersion"] = json!(version);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [
            {
                "name": "Name",
                "type": "string",
                "format": "name",
                "description": "The name of the object.",
                "priority": 0,
            },
            {
                "name": "Created At",
                "type": "date",
                "format": "",
                "description": "When the object was created.",
                "priority": 0,
            },
        ],
        "rows": objects.iter().map(row).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> View {
        let mut headers = HeaderMap::new();
        headers.insert(hyper::header::ACCEPT, value.parse().unwrap());
        View::of(&headers)
    }

    #[test]
    fn reads_the_accept_header() {
        assert_eq!(View::of(&HeaderMap::new()), View::Full);
        assert_eq!(accept("application/json"), View::Full);
        assert_eq!(
            accept("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
            View::Table
        );
        assert_eq!(
            accept(
                "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,\
                 application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
            ),
            View::Metadata
        );
        assert_eq!(
            accept("application/json;as=Other;v=v1;g=x,application/json"),
            View::Full
        );
        assert_eq!(
            accept(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
            ),
            View::Full
        );
    }

    #[test]
    fn shows_metadata_only() {
        let object = json!({"metadata": {"name": "a"}, "spec": {"x": 1}});
        let partial = View::Metadata.object(object.clone());
        assert_eq!(partial["kind"], "PartialObjectMetadata");
        assert!(partial.get("spec").is_none());
        let list = View::Metadata.list(vec![object], "7", |_| unreachable!());
        assert_eq!(list["kind"], "PartialObjectMetadataList");
        assert_eq!(list["metadata"]["resourceVersion"], "7");
        assert_eq!(list["items"][0]["metadata"]["name"], "a");
    }
}
