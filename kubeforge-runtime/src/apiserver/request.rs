//! What a request asks for: the route of its path, its verb and its query, and the attributes
//! that authorization checks.

use std::collections::HashMap;

use hyper::Method;
use k8s_openapi::api::authorization::v1::{NonResourceAttributes, ResourceAttributes};

use super::{authz::Attributes, resource::Endpoint};

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/healthz`, `/readyz`, `/livez`: always answered.
    Health,
    /// `/metrics`.
    Metrics,
    /// `/apis`.
    Groups,
    /// `/apis/<group>`.
    Group(String),
    /// `/apis/<group>/<version>`.
    Resources(String, String),
    /// `/openapi/v2`.
    OpenApiV2,
    /// `/openapi/v3`.
    OpenApiV3,
    /// `/openapi/v3/apis/<group>/<version>`.
    OpenApiV3GroupVersion(String, String),
    /// The objects of a served kind.
    Objects(Target),
    /// Nothing served there.
    Unknown,
}

/// The objects of a served kind that a request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The index of the kind's endpoint.
    pub endpoint: usize,
    /// The namespace of the path, if any.
    pub namespace: Option<String>,
    /// The name of the object, if the path names one.
    pub name: Option<String>,
    /// A subresource: `status` is served for kinds with a status.
    pub subresource: Option<String>,
}

impl Route {
    /// The route of `path` among `endpoints`.
    pub fn of(path: &str, endpoints: &[Box<dyn Endpoint>]) -> Route {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        match segments.as_slice() {
            ["healthz" | "readyz" | "livez", ..] => Route::Health,
            ["metrics"] => Route::Metrics,
            ["apis"] => Route::Groups,
            ["apis", group] => Route::Group(group.to_string()),
            ["apis", group, version] => Route::Resources(group.to_string(), version.to_string()),
            ["openapi", "v2"] => Route::OpenApiV2,
            ["openapi", "v3"] => Route::OpenApiV3,
            ["openapi", "v3", "apis", group, version] => {
                Route::OpenApiV3GroupVersion(group.to_string(), version.to_string())
            }
            ["apis", group, version, rest @ ..] => objects(group, version, rest, endpoints),
            _ => Route::Unknown,
        }
    }
}

fn objects(group: &str, version: &str, rest: &[&str], endpoints: &[Box<dyn Endpoint>]) -> Route {
    let find = |plural: &str, namespaced: bool| {
        endpoints.iter().position(|endpoint| {
            let info = endpoint.info();
            info.group == group
                && info.version == version
                && info.plural == plural
                && (info.namespaced || !namespaced)
        })
    };
    let target = |endpoint, namespace: Option<&str>, rest: &[&str]| {
        let (name, subresource) = match rest {
            [] => (None, None),
            [name] => (Some(name.to_string()), None),
            [name, subresource] => (Some(name.to_string()), Some(subresource.to_string())),
            _ => return Route::Unknown,
        };
        if name.as_deref() == Some("") {
            return Route::Unknown;
        }
        Route::Objects(Target {
            endpoint,
            namespace: namespace.map(str::to_string),
            name,
            subresource,
        })
    };
    match rest {
        ["namespaces", namespace, plural, rest @ ..] if !namespace.is_empty() => {
            match find(plural, true) {
                Some(endpoint) => target(endpoint, Some(namespace), rest),
                None => Route::Unknown,
            }
        }
        [plural, rest @ ..] => match find(plural, false) {
            // A namespaced kind lists and watches every namespace at its bare path.
            Some(endpoint) if endpoints[endpoint].info().namespaced && !rest.is_empty() => {
                Route::Unknown
            }
            Some(endpoint) => target(endpoint, None, rest),
            None => Route::Unknown,
        },
        [] => Route::Unknown,
    }
}

/// The query parameters, percent-decoded; the last value of a key wins.
pub(crate) fn query(uri: &hyper::Uri) -> HashMap<String, String> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Whether a query parameter is `true` (or `1`).
pub(crate) fn flag(query: &HashMap<String, String>, key: &str) -> bool {
    matches!(query.get(key).map(String::as_str), Some("true" | "1"))
}

/// The Kubernetes verb of a request on objects, or `None` when the method does not apply.
pub(crate) fn verb(method: &Method, target: &Target, watch: bool) -> Option<&'static str> {
    let named = target.name.is_some();
    if target.subresource.is_some() {
        return Some(match *method {
            Method::GET => "get",
            Method::PUT => "update",
            Method::PATCH => "patch",
            _ => return None,
        });
    }
    Some(match *method {
        Method::GET if named && watch => "watch",
        Method::GET if named => "get",
        Method::GET if watch => "watch",
        Method::GET => "list",
        Method::POST if !named => "create",
        Method::PUT if named => "update",
        Method::PATCH if named => "patch",
        Method::DELETE if named => "delete",
        _ => return None,
    })
}

/// The verb of a request on another path, as Kubernetes names it: the method, lowercased.
pub(crate) fn non_resource_verb(method: &Method) -> String {
    method.as_str().to_ascii_lowercase()
}

/// The attributes of a request on objects.
pub(crate) fn resource_attributes(
    endpoint: &dyn Endpoint,
    target: &Target,
    verb: &str,
) -> Attributes {
    let info = endpoint.info();
    Attributes::Resource(Box::new(ResourceAttributes {
        group: Some(info.group.clone()),
        version: Some(info.version.clone()),
        resource: Some(info.plural.clone()),
        subresource: target.subresource.clone(),
        namespace: target.namespace.clone(),
        name: target.name.clone(),
        verb: Some(verb.into()),
        ..ResourceAttributes::default()
    }))
}

/// The attributes of a request on another path.
pub(crate) fn non_resource_attributes(method: &Method, path: &str) -> Attributes {
    Attributes::NonResource(NonResourceAttributes {
        path: Some(path.into()),
        verb: Some(non_resource_verb(method)),
    })
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
