//! `meta.k8s.io/v1` Tables, which `kubectl get` asks for in its `Accept` header
//! (`application/json;as=Table;v=v1;g=meta.k8s.io`): the name and age of each object.

use hyper::HeaderMap;
use serde_json::{Value, json};

/// Whether the client asks for a Table.
pub(crate) fn wanted(headers: &HeaderMap) -> bool {
    headers
        .get_all(hyper::header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|media_type| {
            let parameters: Vec<&str> = media_type.split(';').map(str::trim).collect();
            parameters.contains(&"as=Table")
                && parameters.contains(&"g=meta.k8s.io")
                && parameters.contains(&"v=v1")
        })
}

/// The row of `object`, its metadata as the row's object.
fn row(object: &Value) -> Value {
    let metadata = &object["metadata"];
    json!({
        "cells": [metadata["name"], metadata["creationTimestamp"]],
        "object": {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata,
        },
    })
}

/// The Table of `objects`.
pub(crate) fn table(objects: &[Value], resource_version: Option<&str>) -> Value {
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
