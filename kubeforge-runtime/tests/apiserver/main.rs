//! The extension API server: its memory storage, and its HTTP layer in-process on loopback
//! with a request-header CA, a front proxy's client certificate and an injected authorizer.
#![cfg(all(feature = "apiserver", feature = "testing"))]

use std::{borrow::Cow, net::SocketAddr, sync::Arc, time::Duration};

use futures::{FutureExt, StreamExt, future::BoxFuture};
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode, body::Bytes};
use hyper_util::rt::TokioIo;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::{Resource, core::NamespaceResourceScope};
use kubeforge_runtime::{
    apiserver::{
        ApiServer, Attributes, AuthenticationConfig, Decision, Delegate, MemoryStorage, Options,
        Storage, StorageError, UserInfo, WatchEvent,
    },
    manager::CertSource,
    reconcile::testing,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::{
    ClientConfig, RootCertStore,
    pki_types::{CertificateDer, PrivateKeyDer, ServerName},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;
use tokio_util::sync::CancellationToken;

/// The test kind: a namespaced `Flunder` of `wardle.example.com/v1alpha1`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Flunder {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default)]
    spec: FlunderSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<FlunderStatus>,
}

/// What became of a flunder.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct FlunderStatus {
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<String>,
}

/// What a flunder refers to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct FlunderSpec {
    /// The name of another flunder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

impl Resource for Flunder {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "Flunder".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "wardle.example.com".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1alpha1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "flunders".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// A cluster-scoped kind of another version of the group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Fischer {
    #[serde(default)]
    metadata: ObjectMeta,
    /// The flunders it refuses.
    #[serde(default)]
    disallowed_flunders: Vec<String>,
}

impl Resource for Fischer {
    type DynamicType = ();
    type Scope = kube::core::ClusterResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "Fischer".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "wardle.example.com".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1beta1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "fischers".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

fn flunder(namespace: &str, name: &str) -> Flunder {
    Flunder {
        metadata: ObjectMeta {
            namespace: Some(namespace.into()),
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: FlunderSpec::default(),
        status: None,
    }
}

fn version(object: &Flunder) -> String {
    object.metadata.resource_version.clone().unwrap()
}

#[tokio::test]
async fn memory_storage_creates_gets_lists_updates_and_deletes() {
    let storage = MemoryStorage::<Flunder>::new();
    let created = storage.create(flunder("ns", "a")).await.unwrap();
    assert!(created.metadata.uid.is_some());
    assert!(created.metadata.creation_timestamp.is_some());
    assert_eq!(created.metadata.generation, Some(1));
    assert!(matches!(
        storage.create(flunder("ns", "a")).await,
        Err(StorageError::AlreadyExists)
    ));
    storage.create(flunder("other", "b")).await.unwrap();

    assert_eq!(storage.get(Some("ns"), "a").await.unwrap(), created);
    assert!(matches!(
        storage.get(Some("other"), "a").await,
        Err(StorageError::NotFound)
    ));
    let (items, list_version) = storage.list(Some("ns")).await.unwrap();
    assert_eq!(items, vec![created.clone()]);
    assert_eq!(storage.list(None).await.unwrap().0.len(), 2);
    assert!(list_version.parse::<u64>().unwrap() >= version(&created).parse().unwrap());

    let mut changed = created.clone();
    changed.spec.reference = Some("b".into());
    let updated = storage.update(changed.clone()).await.unwrap();
    assert_eq!(updated.metadata.generation, Some(2));
    assert_eq!(updated.metadata.uid, created.metadata.uid);
    assert!(version(&updated).parse::<u64>().unwrap() > version(&created).parse().unwrap());
    // Stale: the version of `created`.
    assert!(matches!(
        storage.update(changed).await,
        Err(StorageError::Conflict(_))
    ));
    assert!(matches!(
        storage.update(flunder("ns", "absent")).await,
        Err(StorageError::NotFound)
    ));

    let deleted = storage.delete(Some("ns"), "a").await.unwrap();
    assert_eq!(deleted.spec.reference.as_deref(), Some("b"));
    assert!(matches!(
        storage.delete(Some("ns"), "a").await,
        Err(StorageError::NotFound)
    ));
}

fn name_of(event: &WatchEvent<Flunder>) -> (&'static str, String) {
    (
        event.type_name(),
        event.object().metadata.name.clone().unwrap_or_default(),
    )
}

#[tokio::test]
async fn memory_storage_watches_from_a_version() {
    let storage = MemoryStorage::<Flunder>::with_history(3);
    let a = storage.create(flunder("ns", "a")).await.unwrap();
    storage.create(flunder("other", "b")).await.unwrap();

    // From no version: the current objects first, then the changes.
    let mut all = storage.watch(Some("ns"), None).await.unwrap();
    assert_eq!(name_of(&all.next().await.unwrap()), ("ADDED", "a".into()));
    storage.update(a.clone()).await.unwrap();
    assert_eq!(
        name_of(&all.next().await.unwrap()),
        ("MODIFIED", "a".into())
    );

    // From the version of `a`: what happened after it, in every namespace.
    let mut after = storage.watch(None, Some(&version(&a))).await.unwrap();
    assert_eq!(name_of(&after.next().await.unwrap()), ("ADDED", "b".into()));
    assert_eq!(
        name_of(&after.next().await.unwrap()),
        ("MODIFIED", "a".into())
    );
    storage.delete(Some("ns"), "a").await.unwrap();
    assert_eq!(
        name_of(&after.next().await.unwrap()),
        ("DELETED", "a".into())
    );
    assert_eq!(name_of(&all.next().await.unwrap()), ("DELETED", "a".into()));

    // Four events since, three kept: the version of `a` is gone.
    storage.create(flunder("ns", "c")).await.unwrap();
    assert!(matches!(
        storage.watch(None, Some(&version(&a))).await,
        Err(StorageError::Gone(_))
    ));
    assert!(matches!(
        storage.watch(None, Some("x")).await,
        Err(StorageError::Invalid(_))
    ));
}

/// Allows everyone but `mallory`; the token `good-token` is `token-user`.
struct TestDelegate;

impl Delegate for TestDelegate {
    fn authenticate_token<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<UserInfo>>> {
        let user = (token == "good-token").then(|| UserInfo {
            name: "token-user".into(),
            ..UserInfo::default()
        });
        async move { Ok(user) }.boxed()
    }

    fn authorize<'a>(
        &'a self,
        user: &'a UserInfo,
        _attributes: &'a Attributes,
    ) -> BoxFuture<'a, anyhow::Result<Decision>> {
        let decision = if user.name == "mallory" {
            Decision::Denied(String::new())
        } else {
            Decision::Allowed
        };
        async move { Ok(decision) }.boxed()
    }
}

/// A CA for client certificates: its certificate in DER and PEM, and its issuer.
fn ca(name: &str) -> (CertificateDer<'static>, String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params.self_signed(&key).unwrap();
    (cert.der().clone(), cert.pem(), Issuer::new(params, key))
}

/// A client certificate for `name` of `groups` that `issuer` signs, and its key.
struct ClientCert {
    der: CertificateDer<'static>,
    pem: String,
    key: KeyPair,
}

impl ClientCert {
    fn new(issuer: &Issuer<'static, KeyPair>, name: &str, groups: &[&str]) -> ClientCert {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        for group in groups {
            params
                .distinguished_name
                .push(DnType::OrganizationName, *group);
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, issuer).unwrap();
        ClientCert {
            der: cert.der().clone(),
            pem: cert.pem(),
            key,
        }
    }

    fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(self.key.serialize_der().into())
    }
}

/// A running server and what its clients need.
struct Server {
    address: SocketAddr,
    serving: CertificateDer<'static>,
    /// The front proxy's certificate.
    proxy: ClientCert,
    /// A certificate of the request-header CA whose name is not allowed.
    not_proxy: ClientCert,
    /// `mallory` of the client CA.
    mallory: ClientCert,
    /// `alice` of the client CA, in the groups `devs`.
    alice: ClientCert,
    shutdown: CancellationToken,
    /// The server, until a test waits for its end.
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start() -> Server {
    start_with(MemoryStorage::new()).await
}

async fn start_with(storage: MemoryStorage<Flunder>) -> Server {
    start_on(storage, false).await
}

async fn start_on(storage: MemoryStorage<Flunder>, http2: bool) -> Server {
    launch(storage, http2, false).await.0
}

/// Starts a server; with `delegated`, it reads the authentication ConfigMap and reviews through
/// the returned fake API server, which the test must answer.
async fn launch(
    storage: MemoryStorage<Flunder>,
    http2: bool,
    delegated: bool,
) -> (Server, testing::ApiServer, [String; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let serving = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(dir.path().join("tls.crt"), serving.cert.pem()).unwrap();
    std::fs::write(
        dir.path().join("tls.key"),
        serving.signing_key.serialize_pem(),
    )
    .unwrap();
    let (requestheader_ca, requestheader_pem, requestheader) = ca("request-header-ca");
    let (client_ca, client_pem, clients) = ca("client-ca");
    let mut authentication = AuthenticationConfig::front_proxy(vec![requestheader_ca]);
    authentication.requestheader_allowed_names = vec!["front-proxy-client".into()];
    authentication.client_ca = vec![client_ca];

    let (mgr, api) = testing::manager();
    let mut server = ApiServer::new(mgr.client)
        .resource::<Flunder, _>(storage)
        .resource::<Fischer, _>(MemoryStorage::new());
    if !delegated {
        server = server.authentication(authentication).delegate(TestDelegate);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let options = Options {
        address,
        cert: CertSource::Dir(dir.path().to_owned()),
        http2,
    };
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server.serve(listener, options, shutdown.clone()));
    let server = Server {
        address,
        serving: serving.cert.der().clone(),
        proxy: ClientCert::new(&requestheader, "front-proxy-client", &[]),
        not_proxy: ClientCert::new(&requestheader, "someone-else", &[]),
        mallory: ClientCert::new(&clients, "mallory", &[]),
        alice: ClientCert::new(&clients, "alice", &["devs"]),
        shutdown,
        task: Some(task),
        dir,
    };
    (server, api, [requestheader_pem, client_pem])
}

/// How a request identifies itself.
enum As<'a> {
    /// The front proxy, for this user (and groups).
    Proxy(&'a str),
    /// The front proxy's headers for this user, and this certificate that is not the proxy's.
    Cert(&'a ClientCert, &'a str),
    /// The front proxy, for this user, with this `Accept` header.
    Accept(&'a str, &'a str),
    /// No certificate, but the front proxy's headers for this user.
    Headers(&'a str),
    /// A bearer token.
    Token(&'a str),
}

impl Server {
    async fn connect(&self, who: &As<'_>) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
        let mut roots = RootCertStore::empty();
        roots.add(self.serving.clone()).unwrap();
        let builder =
            ClientConfig::builder_with_provider(kubeforge_runtime::manager::tls::provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots);
        let config = match who {
            As::Proxy(_) | As::Accept(..) => builder
                .with_client_auth_cert(vec![self.proxy.der.clone()], self.proxy.private_key())
                .unwrap(),
            As::Cert(cert, _) => builder
                .with_client_auth_cert(vec![cert.der.clone()], cert.private_key())
                .unwrap(),
            _ => builder.with_no_client_auth(),
        };
        let tcp = TcpStream::connect(self.address).await.unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(connection);
        sender
    }

    fn request(
        who: &As<'_>,
        method: Method,
        path: &str,
        content_type: &str,
        body: Option<Value>,
    ) -> hyper::Request<Full<Bytes>> {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost")
            .header("content-type", content_type);
        match who {
            As::Proxy(user) | As::Headers(user) | As::Cert(_, user) => {
                request = request
                    .header("X-Remote-User", *user)
                    .header("X-Remote-Group", "system:authenticated")
                    .header("X-Remote-Group", "devs");
            }
            As::Accept(user, accept) => {
                request = request
                    .header("X-Remote-User", *user)
                    .header("accept", *accept);
            }
            As::Token(token) => {
                request = request.header("authorization", format!("Bearer {token}"));
            }
        }
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        request.body(Full::new(Bytes::from(body))).unwrap()
    }

    /// Sends one request; returns the status, the content type and the JSON body (or the text
    /// as a JSON string).
    async fn send(
        &self,
        who: As<'_>,
        method: Method,
        path: &str,
        content_type: &str,
        body: Option<Value>,
    ) -> (StatusCode, String, Value) {
        let mut sender = self.connect(&who).await;
        let request = Self::request(&who, method, path, content_type, body);
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let content = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        (status, content, body)
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, _, body) = self
            .send(As::Proxy("alice"), method, path, "application/json", body)
            .await;
        (status, body)
    }
}

mod delegation;
mod http;
mod kube_client;
mod lifecycle;
mod scopes;
mod subresource;
