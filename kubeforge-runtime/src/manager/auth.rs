//! Authentication and authorization of the callers of the secure metrics server, as the
//! Kubernetes API server does them: the bearer token must pass a TokenReview, then its user a
//! SubjectAccessReview for the non-resource URL asked for (`get /metrics`). Decisions are
//! cached for a short time, so that each scrape does not cost two API requests.
//!
//! The manager's ServiceAccount needs `create` on `tokenreviews` and `subjectaccessreviews`
//! (the ClusterRole `metrics-auth-role`), and the scraper `get` on the URL `/metrics` (the
//! ClusterRole `metrics-reader`).
//!
//! # Example
//!
//! What [`Manager::run`](super::Manager::run) serves when
//! [`Options::metrics_tls`](super::Options::metrics_tls) is set:
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use kubeforge_runtime::manager::auth::{Authorizer, Protected};
//! use kubeforge_runtime::manager::{Metrics, http, metrics};
//!
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! # let shutdown = tokio_util::sync::CancellationToken::new();
//! # let tls = kubeforge_runtime::manager::TlsOptions {
//! #     cert: kubeforge_runtime::manager::CertSource::SelfSigned,
//! #     http2: false,
//! # };
//! let client = kube::Client::try_default().await?;
//! let metrics = Arc::new(Metrics::new());
//! let routes = http::Routes(move |path: &str| metrics::route(&metrics, path));
//! // 401 without a token that passes the TokenReview, 403 unless its user may `get /metrics`.
//! let protected = Protected { authorizer: Authorizer::new(client), inner: routes };
//! let listener = http::bind("0.0.0.0:8443".parse()?, "secure metrics").await?;
//! tokio::spawn(http::serve(listener, Some(tls.acceptor(&shutdown)?), protected));
//! # Ok(())
//! # }
//! ```

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use hyper::{StatusCode, header::AUTHORIZATION};
use k8s_openapi::api::{
    authentication::v1::{TokenReview, TokenReviewSpec},
    authorization::v1::{NonResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec},
};
use kube::{Api, Client, api::PostParams};

use super::http::{Handler, Reply, Request};

/// How long an allowed caller stays allowed without asking the API server again.
const ALLOWED_TTL: Duration = Duration::from_secs(60);
/// How long a refused caller stays refused without asking the API server again.
const REFUSED_TTL: Duration = Duration::from_secs(10);
/// The most decisions cached; past it, the cache starts over.
const MAX_CACHED: usize = 1024;

/// What the API server decided about a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The caller may do what it asks.
    Allowed,
    /// No bearer token, or one that the API server does not accept: 401.
    Unauthenticated,
    /// A valid token whose user may not do what it asks: 403.
    Forbidden,
}

/// What a decision is about: a token, a verb and a path.
type Key = (String, String, String);

/// Recent decisions, with when they were made.
type Cache = Mutex<HashMap<Key, (Decision, Instant)>>;

/// Asks the API server who the callers are and what they may do.
#[derive(Clone)]
pub struct Authorizer {
    client: Client,
    cache: Arc<Cache>,
}

impl Authorizer {
    /// An authorizer that sends its reviews with `client`.
    pub fn new(client: Client) -> Authorizer {
        Authorizer {
            client,
            cache: Arc::default(),
        }
    }

    /// Whether the caller with the `Authorization` header `authorization` may `verb` the URL
    /// `path`. Fails when the API server cannot be asked.
    pub async fn check(
        &self,
        authorization: Option<&str>,
        verb: &str,
        path: &str,
    ) -> Result<Decision, kube::Error> {
        let Some(token) = authorization.and_then(bearer_token) else {
            return Ok(Decision::Unauthenticated);
        };
        let key = (token.to_string(), verb.to_string(), path.to_string());
        if let Some(decision) = self.cached(&key) {
            return Ok(decision);
        }
        let decision = self.review(token, verb, path).await?;
        self.remember(key, decision);
        Ok(decision)
    }

    /// Asks the API server: a TokenReview, then a SubjectAccessReview.
    async fn review(&self, token: &str, verb: &str, path: &str) -> Result<Decision, kube::Error> {
        let review = TokenReview {
            spec: TokenReviewSpec {
                token: Some(token.into()),
                ..TokenReviewSpec::default()
            },
            ..TokenReview::default()
        };
        let reviewed = Api::<TokenReview>::all(self.client.clone())
            .create(&PostParams::default(), &review)
            .await?;
        let Some(status) = reviewed
            .status
            .filter(|status| status.authenticated == Some(true))
        else {
            return Ok(Decision::Unauthenticated);
        };
        let user = status.user.unwrap_or_default();
        let access = SubjectAccessReview {
            spec: SubjectAccessReviewSpec {
                user: user.username,
                uid: user.uid,
                groups: user.groups,
                extra: user.extra,
                non_resource_attributes: Some(NonResourceAttributes {
                    path: Some(path.into()),
                    verb: Some(verb.into()),
                }),
                ..SubjectAccessReviewSpec::default()
            },
            ..SubjectAccessReview::default()
        };
        let reviewed = Api::<SubjectAccessReview>::all(self.client.clone())
            .create(&PostParams::default(), &access)
            .await?;
        Ok(match reviewed.status {
            Some(status) if status.allowed => Decision::Allowed,
            _ => Decision::Forbidden,
        })
    }

    fn cached(&self, key: &Key) -> Option<Decision> {
        let cache = self.cache.lock().expect("authorization cache lock");
        let (decision, at) = cache.get(key)?;
        let ttl = match decision {
            Decision::Allowed => ALLOWED_TTL,
            _ => REFUSED_TTL,
        };
        (at.elapsed() < ttl).then_some(*decision)
    }

    fn remember(&self, key: Key, decision: Decision) {
        let mut cache = self.cache.lock().expect("authorization cache lock");
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(key, (decision, Instant::now()));
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A [`Handler`] that answers only the callers that the [`Authorizer`] allows.
#[derive(Clone)]
pub struct Protected<H> {
    /// Decides who may call.
    pub authorizer: Authorizer,
    /// Answers the allowed callers.
    pub inner: H,
}

impl<H: Handler> Handler for Protected<H> {
    async fn handle(&self, request: Request) -> Reply {
        let authorization = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        let verb = request.method().as_str().to_ascii_lowercase();
        let decision = self
            .authorizer
            .check(authorization, &verb, request.uri().path())
            .await;
        match decision {
            Ok(Decision::Allowed) => self.inner.handle(request).await,
            Ok(Decision::Unauthenticated) => {
                Reply::text(StatusCode::UNAUTHORIZED, "Unauthorized\n")
            }
            Ok(Decision::Forbidden) => Reply::text(StatusCode::FORBIDDEN, "Forbidden\n"),
            Err(error) => {
                tracing::warn!(%error, "cannot authorize a caller");
                Reply::text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "cannot authorize the request\n",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use http::Method;
    use hyper::body::Bytes;
    use serde_json::json;

    use super::*;
    use crate::{
        manager::http::Routes,
        reconcile::testing::{self, ApiServer},
    };

    const TOKEN_REVIEWS: &str = "/apis/authentication.k8s.io/v1/tokenreviews";
    const ACCESS_REVIEWS: &str = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    /// A handler that answers `metrics` to the callers allowed.
    type Metrics = Protected<Routes<fn(&str) -> Reply>>;

    fn protected() -> (Metrics, ApiServer) {
        let (mgr, server) = testing::manager();
        let metrics: fn(&str) -> Reply = |_| Reply::text(StatusCode::OK, "metrics\n");
        let handler = Protected {
            authorizer: Authorizer::new(mgr.client),
            inner: Routes(metrics),
        };
        (handler, server)
    }

    fn get(token: Option<&str>) -> Request {
        let mut request = hyper::Request::get("/metrics");
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(Bytes::new()).unwrap()
    }

    fn token_review(authenticated: bool) -> serde_json::Value {
        json!({
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {},
            "status": {
                "authenticated": authenticated,
                "user": {"username": "system:serviceaccount:monitoring:prometheus"},
            },
        })
    }

    fn access_review(allowed: bool) -> serde_json::Value {
        json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {},
            "status": {"allowed": allowed},
        })
    }

    #[tokio::test]
    async fn refuses_a_caller_without_a_token() {
        let (handler, _server) = protected();
        let reply = testing::timeout(handler.handle(get(None))).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn refuses_a_token_that_the_api_server_rejects() {
        let (handler, mut server) = protected();
        let api = async {
            let received = server
                .expect(Method::POST, TOKEN_REVIEWS, &token_review(false))
                .await;
            assert_eq!(received.body["spec"]["token"], "stolen");
        };
        let (reply, ()) =
            testing::timeout(async { tokio::join!(handler.handle(get(Some("stolen"))), api) })
                .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn refuses_a_user_without_access_then_remembers_it() {
        let (handler, mut server) = protected();
        let api = async {
            server
                .expect(Method::POST, TOKEN_REVIEWS, &token_review(true))
                .await;
            let received = server
                .expect(Method::POST, ACCESS_REVIEWS, &access_review(false))
                .await;
            let spec = &received.body["spec"];
            assert_eq!(spec["user"], "system:serviceaccount:monitoring:prometheus");
            assert_eq!(
                spec["nonResourceAttributes"],
                json!({"path": "/metrics", "verb": "get"})
            );
        };
        let (reply, ()) =
            testing::timeout(async { tokio::join!(handler.handle(get(Some("t"))), api) }).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        // Cached: the API server is not asked again.
        let reply = testing::timeout(handler.handle(get(Some("t")))).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn answers_an_allowed_caller() {
        let (handler, mut server) = protected();
        let api = async {
            server
                .expect(Method::POST, TOKEN_REVIEWS, &token_review(true))
                .await;
            server
                .expect(Method::POST, ACCESS_REVIEWS, &access_review(true))
                .await;
        };
        let (reply, ()) =
            testing::timeout(async { tokio::join!(handler.handle(get(Some("t"))), api) }).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, "metrics\n");
    }

    #[tokio::test]
    async fn an_unreachable_api_server_is_an_error() {
        let (handler, mut server) = protected();
        let api = server.fail(
            Method::POST,
            TOKEN_REVIEWS,
            http::StatusCode::SERVICE_UNAVAILABLE,
        );
        let (reply, _) =
            testing::timeout(async { tokio::join!(handler.handle(get(Some("t"))), api) }).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn reads_bearer_tokens() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }
}
