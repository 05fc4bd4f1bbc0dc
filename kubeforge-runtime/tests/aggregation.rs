//! API aggregation on a real control plane (etcd and kube-apiserver from `KUBEBUILDER_ASSETS`):
//! a stand-in extension API server runs in a network namespace (this test binary, run again
//! there with [`STAND_IN`] set), is registered with `ControlPlane::aggregate`, and its resource
//! shows in `kubectl api-resources`. The stand-in accepts only clients with a certificate of the
//! front-proxy authority, as an extension API server does, and records the user the API server
//! proxied for. Skipped, with a message, when `KUBEBUILDER_ASSETS` is unset
//! or the network namespace cannot be made (not root).

#![cfg(feature = "testing")]

use std::{
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Arc,
    time::Instant,
};

use k8s_openapi::api::{authorization::v1::SubjectAccessReview, core::v1::ConfigMap};
use kube::{Api, api::PostParams};
use kubeforge_runtime::{
    envtest::{self, ControlPlane, NetNs},
    manager::{
        http::{Handler, Reply, Request},
        tls::{self, CertFiles, CertResolver},
    },
};
use rustls::{
    RootCertStore, ServerConfig,
    pki_types::{CertificateDer, pem::PemObject},
    server::WebPkiClientVerifier,
};
use serde_json::json;
use tokio_rustls::TlsAcceptor;

/// The API group of the stand-in.
const GROUP: &str = "stand-in.kubeforge.dev";
/// Its version.
const VERSION: &str = "v1alpha1";
/// Where its Service is.
const NAMESPACE: &str = "stand-in-system";
/// Its Service.
const SERVICE: &str = "stand-in";
/// The user it is, toward the API server.
const USER: &str = "stand-in";
/// The port it listens on, in its network namespace.
const PORT: u16 = 8443;

/// Set to `<address>` in the environment of the stand-in, with [`CERT_DIR`] and `KUBECONFIG`.
const STAND_IN: &str = "KUBEFORGE_STAND_IN";
/// The directory of the stand-in's serving certificate (`tls.crt`, `tls.key`), and of the file
/// where it records each request (`requests`: the `X-Remote-User` and the path, a line each).
const CERT_DIR: &str = "KUBEFORGE_STAND_IN_CERTS";

/// The API server starts with the aggregation flags: it publishes the front-proxy authority and
/// the header names for extension API servers.
#[tokio::test]
async fn publishes_the_front_proxy_authority() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let client = control_plane.client().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(client, "kube-system");
    let authentication = envtest::eventually("extension-apiserver-authentication", || async {
        config_maps
            .get_opt("extension-apiserver-authentication")
            .await
            .ok()?
    })
    .await;
    let data = authentication.data.unwrap_or_default();
    assert_eq!(
        data.get("requestheader-client-ca-file"),
        Some(&control_plane.front_proxy_ca_pem())
    );
    assert_eq!(
        data.get("requestheader-allowed-names").map(String::as_str),
        Some(r#"["front-proxy-client"]"#)
    );
    assert_eq!(
        data.get("requestheader-username-headers")
            .map(String::as_str),
        Some(r#"["X-Remote-User"]"#)
    );
}

/// A stand-in extension API server in a network namespace becomes an available API service,
/// and kubectl lists its resource.
#[tokio::test]
async fn aggregates_a_stand_in_extension_server() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let Some(netns) = NetNs::create() else {
        return;
    };
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = control_plane.issue_service_certificate(NAMESPACE, SERVICE);
    std::fs::write(certs.path().join("tls.crt"), cert).unwrap();
    std::fs::write(certs.path().join("tls.key"), key).unwrap();
    control_plane.allow_delegation(USER).await;
    let kubeconfig = control_plane.kubeconfig_in(&netns, USER, &[]);

    let mut stand_in = netns.command(std::env::current_exe().unwrap());
    stand_in
        .args(["stand_in_server", "--exact", "--nocapture"])
        .env(STAND_IN, SocketAddr::new(netns.ns_ip(), PORT).to_string())
        .env(CERT_DIR, certs.path())
        .env("KUBECONFIG", &kubeconfig)
        .stdin(Stdio::null());
    netns.spawn(&mut stand_in).expect("the stand-in starts");

    let began = Instant::now();
    let ca = control_plane.ca_pem();
    let (ip, port) = (netns.ns_ip(), PORT);
    let api_service = control_plane
        .aggregate(GROUP, VERSION, NAMESPACE, SERVICE, ip, port, &ca)
        .await;
    eprintln!(
        "{} available and discovered in {:.1} s",
        api_service.metadata.name.unwrap_or_default(),
        began.elapsed().as_secs_f64()
    );
    kubectl_lists_widgets(&control_plane);
    // `aggregate` read `/apis/<group>/<version>` as the administrator, through the API server.
    let requests = std::fs::read_to_string(certs.path().join("requests")).unwrap_or_default();
    eprintln!("the stand-in received (user, path):\n{requests}");
    let proxied = format!("admin /apis/{GROUP}/{VERSION}");
    assert!(
        requests.lines().any(|line| line == proxied),
        "the API server proxied no request of user admin; the stand-in received:\n{requests}"
    );
}

/// `kubectl api-resources` lists the stand-in's resource; skipped when kubectl is missing.
fn kubectl_lists_widgets(control_plane: &ControlPlane) {
    let output = Command::new("kubectl")
        .args(["api-resources", "--api-group", GROUP, "--kubeconfig"])
        .arg(&control_plane.kubeconfig)
        .output();
    let output = match output {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return eprintln!("kubectl is missing: `kubectl api-resources` not checked");
        }
        result => result.expect("kubectl runs"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "kubectl failed: {stderr}");
    let listed = stdout.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.first() == Some(&"widgets") && fields.contains(&"stand-in.kubeforge.dev/v1alpha1")
    });
    assert!(
        listed,
        "kubectl api-resources does not list widgets:\n{stdout}{stderr}"
    );
}

/// The stand-in extension API server, when [`STAND_IN`] is set (a no-op otherwise): reads the
/// front-proxy authority from the API server through its kubeconfig (and checks that it may
/// review access), then serves discovery over
/// TLS, to clients with a certificate of that authority only, until killed.
#[tokio::test]
async fn stand_in_server() {
    let Ok(address) = std::env::var(STAND_IN) else {
        return;
    };
    let address: SocketAddr = address.parse().expect("an address");
    let front_proxy_ca = front_proxy_authority().await;
    let dir = PathBuf::from(std::env::var(CERT_DIR).expect(CERT_DIR));
    let acceptor = acceptor(&dir, &front_proxy_ca);
    let listener = kubeforge_runtime::manager::http::bind(address, "stand-in")
        .await
        .expect("the stand-in listens");
    eprintln!("stand-in: serving {GROUP}/{VERSION} on {address}");
    let handler = StandIn(dir.join("requests"));
    kubeforge_runtime::manager::http::serve(listener, Some(acceptor), handler).await;
}

/// A TLS acceptor that presents the certificate in `dir` and requires a client certificate
/// signed by `client_ca` (PEM).
fn acceptor(dir: &Path, client_ca: &str) -> TlsAcceptor {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(client_ca.as_bytes()) {
        roots
            .add(cert.expect("a PEM certificate"))
            .expect("a CA certificate");
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), tls::provider())
        .build()
        .expect("a client certificate verifier");
    let resolver = CertResolver::load(CertFiles::new(dir)).expect("the serving certificate");
    let mut config = ServerConfig::builder_with_provider(tls::provider())
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

/// Answers with [`discovery`], after recording the user and the path in the file it holds.
#[derive(Clone)]
struct StandIn(PathBuf);

impl Handler for StandIn {
    async fn handle(&self, request: Request) -> Reply {
        let user = request.headers().get("X-Remote-User");
        let user = user.and_then(|u| u.to_str().ok()).unwrap_or("-");
        let path = request.uri().path();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0);
        if let Ok(file) = &mut file {
            let _ = writeln!(file, "{user} {path}");
        }
        discovery(path)
    }
}

/// The front-proxy authority (PEM), from ConfigMap `kube-system/extension-apiserver-authentication`
/// as an extension API server reads it at start, with the kubeconfig of `KUBECONFIG`; panics when
/// it cannot.
async fn front_proxy_authority() -> String {
    let kubeconfig = std::env::var("KUBECONFIG").expect("KUBECONFIG");
    let client = envtest::client_from(kubeconfig.as_ref()).await;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "kube-system");
    let authentication = config_maps
        .get("extension-apiserver-authentication")
        .await
        .expect("the stand-in reads the front-proxy authority");
    may_review_access(client).await;
    let mut data = authentication.data.unwrap_or_default();
    let ca = data.remove("requestheader-client-ca-file");
    eprintln!("stand-in: read the front-proxy authority from the API server");
    ca.expect("the front-proxy authority")
}

/// Asks the API server whether user `admin` may list widgets, as an extension API server
/// authorizes a request; panics when the stand-in may not ask.
async fn may_review_access(client: kube::Client) {
    let (resource, verb) = ("widgets", "list");
    let attributes =
        json!({ "group": GROUP, "version": VERSION, "resource": resource, "verb": verb });
    let spec = json!({ "user": "admin", "resourceAttributes": attributes });
    let review: SubjectAccessReview = serde_json::from_value(json!({ "spec": spec })).unwrap();
    let reviews: Api<SubjectAccessReview> = Api::all(client);
    let reviewed = reviews.create(&PostParams::default(), &review).await;
    reviewed.expect("the stand-in may create SubjectAccessReviews");
}

/// The discovery documents of the stand-in: one resource, `widgets`.
fn discovery(path: &str) -> Reply {
    let group_version = format!("{GROUP}/{VERSION}");
    let version = json!({ "groupVersion": group_version, "version": VERSION });
    let group = json!({
        "kind": "APIGroup", "apiVersion": "v1", "name": GROUP,
        "versions": [version], "preferredVersion": version,
    });
    let body = match path.trim_end_matches('/') {
        "/apis" => json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": [group] }),
        p if p == format!("/apis/{GROUP}") => group,
        p if p == format!("/apis/{group_version}") => json!({
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": [{
                "name": "widgets", "singularName": "widget", "namespaced": true,
                "kind": "Widget", "verbs": ["get", "list"],
            }],
        }),
        _ => return Reply::not_found(),
    };
    Reply::json(http::StatusCode::OK, body.to_string())
}
