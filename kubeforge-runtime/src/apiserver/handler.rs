//! One request: authenticated, authorized, routed and answered, counted and logged.

use std::time::Instant;

use hyper::{HeaderMap, Method, Request, Response, StatusCode, body::Bytes};
use tokio_util::sync::CancellationToken;

use super::{
    authn::{UserInfo, bearer_token},
    authz::{Attributes, Checks, Decision},
    discovery,
    metrics::{self, Metrics},
    openapi,
    request::{self, Route, Target},
    resource::Endpoint,
    rest::{self, Call},
    status::{ApiError, Body, json_reply, reply},
    trust::{Peer, SharedTrust},
    watch,
};

/// What every request of a server shares.
pub(crate) struct Shared {
    pub endpoints: Vec<Box<dyn Endpoint>>,
    pub trust: SharedTrust,
    pub checks: Checks,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
}

/// Answers `request` from a client whose certificate says `peer`.
pub(crate) async fn handle(
    shared: &Shared,
    peer: &Peer,
    request: Request<Bytes>,
) -> Response<Body> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let route = Route::of(&path, &shared.endpoints);
    let (verb, resource, user, result) = answer(shared, peer, request, &route).await;
    let response = result.unwrap_or_else(ApiError::into_response);
    let code = response.status().as_u16();
    // Any method is a verb: the label keeps the known ones only, so that clients cannot grow it.
    const KNOWN: [&str; 11] = [
        "get", "list", "watch", "create", "update", "patch", "delete", "post", "put", "head",
        "options",
    ];
    let label = if KNOWN.contains(&verb.as_str()) {
        verb.as_str()
    } else {
        "other"
    };
    shared
        .metrics
        .observe(label, &resource, code, started.elapsed());
    tracing::debug!(%method, path, verb, resource, user, code, elapsed = ?started.elapsed(), "request");
    response
}

/// The verb, resource and user of a request for the metrics and the log, and the answer.
async fn answer(
    shared: &Shared,
    peer: &Peer,
    request: Request<Bytes>,
    route: &Route,
) -> (String, String, String, Result<Response<Body>, ApiError>) {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request::query(request.uri());
    let watching = request::flag(&query, "watch");
    // The verb and attributes of the request.
    let (verb, resource, attributes) = match route {
        Route::Objects(target) => {
            let endpoint = shared.endpoints[target.endpoint].as_ref();
            let resource = endpoint.info().plural.clone();
            let Some(verb) = request::verb(&method, target, watching) else {
                let error = ApiError::method_not_allowed(method.as_str());
                let verb = method.as_str().to_ascii_lowercase();
                return (verb, resource, String::new(), Err(error));
            };
            let attributes = request::resource_attributes(endpoint, target, verb);
            (verb.to_string(), resource, attributes)
        }
        _ => {
            let attributes = request::non_resource_attributes(&method, &path);
            (
                request::non_resource_verb(&method),
                String::new(),
                attributes,
            )
        }
    };
    if *route == Route::Health {
        let result = Ok(reply(StatusCode::OK, "text/plain; charset=utf-8", "ok"));
        return (verb, resource, String::new(), result);
    }
    let user = match authenticate(shared, peer, request.headers()).await {
        Ok(Some(user)) => user,
        Ok(None) => return (verb, resource, String::new(), Err(ApiError::unauthorized())),
        Err(error) => return (verb, resource, String::new(), Err(error)),
    };
    let name = user.name.clone();
    if let Err(error) = authorize(shared, &user, &attributes).await {
        return (verb, resource, name, Err(error));
    }
    let result = dispatch(shared, route, &verb, request, &query).await;
    (verb, resource, name, result)
}

/// Who sent the request; `None`: anonymous.
async fn authenticate(
    shared: &Shared,
    peer: &Peer,
    headers: &HeaderMap,
) -> Result<Option<UserInfo>, ApiError> {
    // As Kubernetes' API servers do, every authenticated user is in `system:authenticated`,
    // which RBAC's discovery roles are bound to (the aggregator's own requests name no group).
    Ok(identify(shared, peer, headers).await?.map(|mut user| {
        if !user.groups.iter().any(|g| g == AUTHENTICATED) {
            user.groups.push(AUTHENTICATED.into());
        }
        user
    }))
}

/// The group of every authenticated user.
const AUTHENTICATED: &str = "system:authenticated";

/// Who the request comes from, as the front proxy, a client certificate or a token says.
async fn identify(
    shared: &Shared,
    peer: &Peer,
    headers: &HeaderMap,
) -> Result<Option<UserInfo>, ApiError> {
    match peer {
        Peer::FrontProxy => {
            if let Some(user) = shared.trust.current().config.user_from_headers(headers) {
                return Ok(Some(user));
            }
        }
        Peer::User(user) => return Ok(Some(user.clone())),
        Peer::Unknown => {}
    }
    let Some(token) = bearer_token(headers) else {
        return Ok(None);
    };
    shared
        .checks
        .authenticate_token(token)
        .await
        .map_err(|error| {
            tracing::warn!(error = format!("{error:#}"), "cannot review a token");
            ApiError::internal("cannot authenticate the request")
        })
}

/// Refuses with 403 what `user` may not do.
async fn authorize(
    shared: &Shared,
    user: &UserInfo,
    attributes: &Attributes,
) -> Result<(), ApiError> {
    let decision = shared
        .checks
        .authorize(user, attributes)
        .await
        .map_err(|error| {
            tracing::warn!(error = format!("{error:#}"), "cannot review an access");
            ApiError::internal("cannot authorize the request")
        })?;
    let Decision::Denied(reason) = decision else {
        return Ok(());
    };
    Err(forbidden(&user.name, attributes, &reason))
}

/// Kubernetes' 403: `<plural>.<group> "<name>" is forbidden: User "<user>" cannot ...`.
fn forbidden(user: &str, attributes: &Attributes, reason: &str) -> ApiError {
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    };
    let (message, details) = match attributes {
        Attributes::Resource(resource) => {
            let group = resource.group.clone().unwrap_or_default();
            let plural = resource.resource.clone().unwrap_or_default();
            let verb = resource.verb.as_deref().unwrap_or_default();
            let object = match &resource.name {
                Some(name) => format!("{plural}.{group} \"{name}\""),
                None => format!("{plural}.{group}"),
            };
            let scope = match &resource.namespace {
                Some(namespace) => format!("in the namespace \"{namespace}\""),
                None => "at the cluster scope".to_string(),
            };
            let message = format!(
                "{object} is forbidden: User \"{user}\" cannot {verb} resource \"{plural}\" in API group \"{group}\" {scope}{reason}"
            );
            let details = super::status::Details {
                name: resource.name.clone(),
                group,
                kind: plural,
            };
            (message, Some(details))
        }
        Attributes::NonResource(path) => {
            let verb = path.verb.as_deref().unwrap_or_default();
            let path = path.path.as_deref().unwrap_or_default();
            (
                format!("forbidden: User \"{user}\" cannot {verb} path \"{path}\"{reason}"),
                None,
            )
        }
    };
    let error = ApiError::new(StatusCode::FORBIDDEN, "Forbidden", message);
    match details {
        Some(details) => error.with_details(details),
        None => error,
    }
}

/// The answer of an authorized request.
async fn dispatch(
    shared: &Shared,
    route: &Route,
    verb: &str,
    request: Request<Bytes>,
    query: &std::collections::HashMap<String, String>,
) -> Result<Response<Body>, ApiError> {
    let get_only = |document: Option<serde_json::Value>| match (request.method(), document) {
        (&Method::GET, Some(document)) => Ok(json_reply(StatusCode::OK, &document)),
        (&Method::GET, None) => Err(ApiError::no_route()),
        (method, _) => Err(ApiError::method_not_allowed(method.as_str())),
    };
    let endpoints = &shared.endpoints;
    match route {
        Route::Health => Ok(reply(StatusCode::OK, "text/plain; charset=utf-8", "ok")),
        Route::Metrics if request.method() == Method::GET => Ok(reply(
            StatusCode::OK,
            metrics::CONTENT_TYPE,
            shared.metrics.encode(),
        )),
        Route::Metrics => Err(ApiError::method_not_allowed(request.method().as_str())),
        Route::Groups => get_only(Some(discovery::group_list(endpoints))),
        Route::Group(group) => get_only(discovery::group(endpoints, group)),
        Route::Resources(group, version) => {
            get_only(discovery::resource_list(endpoints, group, version))
        }
        Route::OpenApiV2 => get_only(Some(openapi::v2(endpoints))),
        Route::OpenApiV3 => get_only(Some(openapi::v3_index(endpoints))),
        Route::OpenApiV3GroupVersion(group, version) => {
            get_only(openapi::v3_group_version(endpoints, group, version))
        }
        Route::Objects(target) => objects(shared, target, verb, request, query).await,
        Route::Unknown => Err(ApiError::no_route()),
    }
}

async fn objects(
    shared: &Shared,
    target: &Target,
    verb: &str,
    request: Request<Bytes>,
    query: &std::collections::HashMap<String, String>,
) -> Result<Response<Body>, ApiError> {
    let endpoint = shared.endpoints[target.endpoint].as_ref();
    let status = match target.subresource.as_deref() {
        None => false,
        Some("status") if endpoint.info().has_status => true,
        Some(_) => return Err(ApiError::no_route()),
    };
    if verb == "watch" {
        let view = super::views::View::of(request.headers());
        return watch::watch(endpoint, target, query, view, &shared.shutdown).await;
    }
    let (parts, body) = request.into_parts();
    let call = Call {
        endpoint,
        target,
        query,
        headers: &parts.headers,
        body,
    };
    match verb {
        "get" => rest::get(call).await,
        "list" => rest::list(call).await,
        "create" => rest::create(call).await,
        "update" if status => super::patch::update_status(call).await,
        "update" => rest::update(call).await,
        "patch" => super::patch::patch(call).await,
        "delete" => super::delete::delete(call).await,
        _ => Err(ApiError::method_not_allowed(parts.method.as_str())),
    }
}
