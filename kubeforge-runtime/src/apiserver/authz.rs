//! Delegated checks: bearer tokens by TokenReview and every request by SubjectAccessReview,
//! behind the [`Delegate`] trait (tests put their own in its place), with short caches.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::{FutureExt, future::BoxFuture};
use k8s_openapi::api::{
    authentication::v1::{TokenReview, TokenReviewSpec},
    authorization::v1::{
        NonResourceAttributes, ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
    },
};
use kube::{Api, Client, api::PostParams};

use super::authn::UserInfo;

/// How long an allowed request stays allowed, and a token valid, without asking again.
const ALLOWED_TTL: Duration = Duration::from_secs(10);
/// How long a denied request stays denied, and a token invalid, without asking again.
const DENIED_TTL: Duration = Duration::from_secs(5);
/// The most answers cached; past it, the cache starts over.
const MAX_CACHED: usize = 4096;

/// What a request does, as a SubjectAccessReview asks about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Attributes {
    /// A request on a resource: group, version, resource, namespace, name and verb.
    Resource(Box<ResourceAttributes>),
    /// A request on another path: its path and verb.
    NonResource(NonResourceAttributes),
}

/// What the API server decided about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The user may do it.
    Allowed,
    /// The user may not; the reason, if the authorizer gave one.
    Denied(String),
}

/// The checks that an extension API server delegates to the Kubernetes API server.
pub trait Delegate: Send + Sync + 'static {
    /// The user of a bearer token, `None` when the token is not valid (TokenReview).
    fn authenticate_token<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<UserInfo>>>;

    /// Whether `user` may do what `attributes` say (SubjectAccessReview).
    fn authorize<'a>(
        &'a self,
        user: &'a UserInfo,
        attributes: &'a Attributes,
    ) -> BoxFuture<'a, anyhow::Result<Decision>>;
}

/// The [`Delegate`] that asks the Kubernetes API server.
#[derive(Clone)]
pub struct KubeDelegate {
    client: Client,
}

impl KubeDelegate {
    /// Sends its reviews with `client`, whose ServiceAccount needs the ClusterRole
    /// `system:auth-delegator`.
    pub fn new(client: Client) -> KubeDelegate {
        KubeDelegate { client }
    }
}

impl Delegate for KubeDelegate {
    fn authenticate_token<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<UserInfo>>> {
        async move {
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
                return Ok(None);
            };
            let user = status.user.unwrap_or_default();
            Ok(Some(UserInfo {
                name: user.username.unwrap_or_default(),
                uid: user.uid,
                groups: user.groups.unwrap_or_default(),
                extra: user.extra.unwrap_or_default().into_iter().collect(),
            }))
        }
        .boxed()
    }

    fn authorize<'a>(
        &'a self,
        user: &'a UserInfo,
        attributes: &'a Attributes,
    ) -> BoxFuture<'a, anyhow::Result<Decision>> {
        async move {
            let (resource_attributes, non_resource_attributes) = match attributes {
                Attributes::Resource(resource) => (Some(resource.as_ref().clone()), None),
                Attributes::NonResource(path) => (None, Some(path.clone())),
            };
            let review = SubjectAccessReview {
                spec: SubjectAccessReviewSpec {
                    user: Some(user.name.clone()),
                    uid: user.uid.clone(),
                    groups: Some(user.groups.clone()),
                    extra: Some(user.extra.clone().into_iter().collect()),
                    resource_attributes,
                    non_resource_attributes,
                },
                ..SubjectAccessReview::default()
            };
            let reviewed = Api::<SubjectAccessReview>::all(self.client.clone())
                .create(&PostParams::default(), &review)
                .await?;
            Ok(match reviewed.status {
                Some(status) if status.allowed => Decision::Allowed,
                Some(status) => Decision::Denied(status.reason.unwrap_or_default()),
                None => Decision::Denied(String::new()),
            })
        }
        .boxed()
    }
}

/// Answers kept for a short time, by key.
struct Cache<V>(Mutex<HashMap<String, (V, Instant, Duration)>>);

impl<V: Clone> Cache<V> {
    fn new() -> Self {
        Cache(Mutex::new(HashMap::new()))
    }

    fn get(&self, key: &str) -> Option<V> {
        let cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (value, at, ttl) = cache.get(key)?;
        (at.elapsed() < *ttl).then(|| value.clone())
    }

    fn put(&self, key: String, value: V, ttl: Duration) {
        let mut cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, (_, at, ttl)| at.elapsed() < *ttl);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        cache.insert(key, (value, Instant::now(), ttl));
    }
}

/// A [`Delegate`] with caches of its answers.
pub(crate) struct Checks {
    delegate: Arc<dyn Delegate>,
    tokens: Cache<Option<UserInfo>>,
    decisions: Cache<Decision>,
}

impl Checks {
    pub fn new(delegate: Arc<dyn Delegate>) -> Checks {
        Checks {
            delegate,
            tokens: Cache::new(),
            decisions: Cache::new(),
        }
    }

    pub async fn authenticate_token(&self, token: &str) -> anyhow::Result<Option<UserInfo>> {
        if let Some(user) = self.tokens.get(token) {
            return Ok(user);
        }
        let user = self.delegate.authenticate_token(token).await?;
        let ttl = if user.is_some() {
            ALLOWED_TTL
        } else {
            DENIED_TTL
        };
        self.tokens.put(token.to_string(), user.clone(), ttl);
        Ok(user)
    }

    pub async fn authorize(
        &self,
        user: &UserInfo,
        attributes: &Attributes,
    ) -> anyhow::Result<Decision> {
        let key = format!("{user:?}\u{0}{attributes:?}");
        if let Some(decision) = self.decisions.get(&key) {
            return Ok(decision);
        }
        let decision = self.delegate.authorize(user, attributes).await?;
        let ttl = match decision {
            Decision::Allowed => ALLOWED_TTL,
            Decision::Denied(_) => DENIED_TTL,
        };
        self.decisions.put(key, decision.clone(), ttl);
        Ok(decision)
    }
}
