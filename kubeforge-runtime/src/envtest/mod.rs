//! A real Kubernetes control plane for tests, as controller-runtime's envtest runs one: etcd and
//! kube-apiserver from the directory named by `KUBEBUILDER_ASSETS` (`make setup-envtest` fetches
//! them), on free loopback ports, with a throwaway certificate authority, RBAC authorization and
//! service-account tokens.
//!
//! [`ControlPlane::start`] returns `None`, after printing why, when `KUBEBUILDER_ASSETS` is unset,
//! so that `cargo test` passes on a machine without the binaries. Dropping the control plane stops
//! both processes and removes their data; when the test failed, their logs are printed first.
//!
//! The API server aggregates: it trusts a front-proxy authority and proxies to the API services
//! registered with [`ControlPlane::aggregate`], which run in a [`NetNs`] (the API server refuses
//! loopback endpoints).
//!
//! [`reconciles`] checks a controller end to end on it: finalizer, `Ready`, an Event, cleanup.
//! [`deploys`] checks a controller that runs an image in a Deployment owned by each object.
//!
//! # Example
//!
//! ```no_run
//! use kubeforge_runtime::envtest::ControlPlane;
//!
//! #[tokio::test]
//! async fn installs_the_crds() {
//!     let Some(control_plane) = ControlPlane::start().await else {
//!         return; // KUBEBUILDER_ASSETS is unset
//!     };
//!     let crds = control_plane.install_crds("config/crd/bases").await;
//!     assert!(!crds.is_empty());
//! }
//! ```

use std::{
    fmt::Debug,
    fs::File,
    future::Future,
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use k8s_openapi::{
    api::{apps::v1::Deployment, events::v1::Event},
    apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
};
use kube::{
    Api, Client, Config, CustomResourceExt, Resource, ResourceExt,
    api::{ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams},
    config::{KubeConfigOptions, Kubeconfig},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::manager::Manager;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};

mod aggregation;
mod extension;
pub use aggregation::{AGGREGATION_WAIT, NetNs};
pub use extension::{ExtensionServer, SECURE_PORT};

/// How long etcd and kube-apiserver get to become ready.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a condition awaited by [`eventually`] gets to become true.
pub const WAIT: Duration = Duration::from_secs(30);

/// etcd and kube-apiserver, running until dropped.
pub struct ControlPlane {
    // Dropped in this order: the API server, then its storage, then their files.
    apiserver: Process,
    etcd: Process,
    /// Certificates, keys, kubeconfig files, etcd's data and the logs; removed on drop.
    dir: tempfile::TempDir,
    /// The certificate authority that signed the server's certificate and trusts client
    /// certificates: [`ControlPlane::issue`] signs more.
    ca: CertifiedIssuer<'static, KeyPair>,
    /// The port of the API server on 127.0.0.1.
    port: u16,
    /// The URL of the API server, `https://127.0.0.1:<port>`.
    pub url: String,
    /// A kubeconfig file of a cluster administrator (`system:masters`).
    pub kubeconfig: PathBuf,
    /// How long the control plane took to become ready.
    pub startup: Duration,
}

impl ControlPlane {
    /// Starts etcd and kube-apiserver from `KUBEBUILDER_ASSETS` and waits until the API server
    /// is ready; `None`, with a message, when that variable is unset.
    ///
    /// Panics, with the processes' logs, when they do not start.
    pub async fn start() -> Option<ControlPlane> {
        let Some(assets) = std::env::var_os("KUBEBUILDER_ASSETS") else {
            eprintln!(
                "skipped: KUBEBUILDER_ASSETS is unset; `make setup-envtest` fetches etcd and \
                 kube-apiserver and prints the directory to set it to"
            );
            return None;
        };
        let assets = PathBuf::from(assets);
        for binary in ["etcd", "kube-apiserver"] {
            assert!(
                assets.join(binary).is_file(),
                "KUBEBUILDER_ASSETS={} holds no {binary}",
                assets.display()
            );
        }
        let began = Instant::now();
        let dir = tempfile::Builder::new()
            .prefix("control-plane-")
            .tempdir()
            .expect("a temporary directory for the control plane");
        let path = |name: &str| dir.path().join(name);

        let ca = certificate_authority("control-plane-ca");
        std::fs::write(path("ca.crt"), ca.pem()).expect("write ca.crt");
        let (cert, key) = issue(&ca, "kube-apiserver", &[], &SERVING_NAMES, false);
        std::fs::write(path("apiserver.crt"), cert).expect("write apiserver.crt");
        std::fs::write(path("apiserver.key"), key).expect("write apiserver.key");
        let (cert, key) = issue(&ca, "admin", &["system:masters"], &[], true);
        std::fs::write(path("admin.crt"), cert).expect("write admin.crt");
        std::fs::write(path("admin.key"), key).expect("write admin.key");
        write_front_proxy(dir.path());
        let signing_key = KeyPair::generate().expect("a service-account signing key");
        std::fs::write(path("service-accounts.key"), signing_key.serialize_pem())
            .expect("write service-accounts.key");
        std::fs::write(path("service-accounts.pub"), signing_key.public_key_pem())
            .expect("write service-accounts.pub");

        let (client_port, peer_port, secure_port) = (free_port(), free_port(), free_port());
        let etcd_url = format!("http://127.0.0.1:{client_port}");
        let peer_url = format!("http://127.0.0.1:{peer_port}");
        let etcd = Process::spawn(
            "etcd",
            &assets.join("etcd"),
            &[
                "--name=control-plane".into(),
                format!("--data-dir={}", path("etcd").display()),
                format!("--listen-client-urls={etcd_url}"),
                format!("--advertise-client-urls={etcd_url}"),
                format!("--listen-peer-urls={peer_url}"),
                format!("--initial-advertise-peer-urls={peer_url}"),
                format!("--initial-cluster=control-plane={peer_url}"),
                "--unsafe-no-fsync=true".into(),
                "--log-level=warn".into(),
            ],
            &path("etcd.log"),
        );
        let file = |name: &str| path(name).display().to_string();
        let apiserver = Process::spawn(
            "kube-apiserver",
            &assets.join("kube-apiserver"),
            &[
                format!("--etcd-servers={etcd_url}"),
                "--bind-address=127.0.0.1".into(),
                "--advertise-address=127.0.0.1".into(),
                format!("--secure-port={secure_port}"),
                format!("--cert-dir={}", file("apiserver-certs")),
                format!("--tls-cert-file={}", file("apiserver.crt")),
                format!("--tls-private-key-file={}", file("apiserver.key")),
                format!("--client-ca-file={}", file("ca.crt")),
                "--authorization-mode=RBAC".into(),
                "--service-cluster-ip-range=10.0.0.0/24".into(),
                "--service-account-issuer=https://kubernetes.default.svc".into(),
                format!(
                    "--service-account-key-file={}",
                    file("service-accounts.pub")
                ),
                format!(
                    "--service-account-signing-key-file={}",
                    file("service-accounts.key")
                ),
                // No kubelet and no controller manager run: pods get no default service account,
                // and the endpoints of the `kubernetes` Service (a loopback address) are not kept.
                "--disable-admission-plugins=ServiceAccount".into(),
                "--endpoint-reconciler-type=none".into(),
                "--allow-privileged=true".into(),
                // Aggregation: the API server authenticates to the API services it proxies to
                // with the front-proxy client certificate, and tells them the user in headers.
                format!(
                    "--requestheader-client-ca-file={}",
                    file("front-proxy-ca.crt")
                ),
                format!("--requestheader-allowed-names={FRONT_PROXY_CLIENT}"),
                "--requestheader-username-headers=X-Remote-User".into(),
                "--requestheader-group-headers=X-Remote-Group".into(),
                "--requestheader-extra-headers-prefix=X-Remote-Extra-".into(),
                format!(
                    "--proxy-client-cert-file={}",
                    file("front-proxy-client.crt")
                ),
                format!("--proxy-client-key-file={}", file("front-proxy-client.key")),
                // To the endpoint of the API service's EndpointSlice, not to its cluster IP,
                // which nothing routes here.
                "--enable-aggregator-routing=true".into(),
            ],
            &path("kube-apiserver.log"),
        );

        let url = format!("https://127.0.0.1:{secure_port}");
        let kubeconfig = path("admin.kubeconfig");
        std::fs::write(
            &kubeconfig,
            kubeconfig_yaml(
                &url,
                &path("ca.crt"),
                None,
                &format!(
                    "client-certificate: {}\n    client-key: {}",
                    file("admin.crt"),
                    file("admin.key")
                ),
            ),
        )
        .expect("write admin.kubeconfig");

        let mut control_plane = ControlPlane {
            apiserver,
            etcd,
            dir,
            ca,
            port: secure_port,
            url,
            kubeconfig,
            startup: Duration::ZERO,
        };
        control_plane.wait_until_ready().await;
        control_plane.startup = began.elapsed();
        eprintln!(
            "control plane ready at {} in {:.1} s",
            control_plane.url,
            control_plane.startup.as_secs_f64()
        );
        Some(control_plane)
    }

    /// Waits for `/readyz` and for the `default` namespace, which the API server creates itself.
    async fn wait_until_ready(&mut self) {
        let client = self.client().await;
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            for process in [&mut self.etcd, &mut self.apiserver] {
                if let Some(status) = process.exited() {
                    panic!("{} exited with {status} while starting", process.name);
                }
            }
            let readyz = http::Request::get("/readyz").body(Vec::new()).unwrap();
            let ready = client
                .request_text(readyz)
                .await
                .is_ok_and(|body| body == "ok");
            let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
            if ready
                && namespaces
                    .get_opt("default")
                    .await
                    .is_ok_and(|ns| ns.is_some())
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the control plane was not ready within {STARTUP_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A client of a cluster administrator. Each test runtime needs its own: a client serves
    /// only the runtime it was made on.
    pub async fn client(&self) -> Client {
        client_from(&self.kubeconfig).await
    }

    /// A kubeconfig file that authenticates with the bearer `token`, for example a service
    /// account's token from the TokenRequest API.
    pub fn kubeconfig_with_token(&self, name: &str, token: &str) -> PathBuf {
        let file = self.dir.path().join(format!("{name}.kubeconfig"));
        let user = format!("token: {token}");
        std::fs::write(
            &file,
            kubeconfig_yaml(&self.url, &self.path("ca.crt"), None, &user),
        )
        .expect("write a kubeconfig");
        file
    }

    /// The PEM certificate of the certificate authority that the API server trusts and that
    /// signed its serving certificate.
    pub fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    /// A certificate and its key (both PEM) signed by the control plane's authority: a server
    /// certificate for `names` (DNS names or IP addresses), or a client certificate of user
    /// `name` in `groups`.
    pub fn issue(&self, name: &str, groups: &[&str], names: &[&str]) -> (String, String) {
        issue(&self.ca, name, groups, names, names.is_empty())
    }

    /// Where the control plane keeps its files.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Applies every CRD in `dir` (one per YAML file) by server-side apply and waits until each
    /// is established. A project without CRDs has no such directory: nothing to install then.
    pub async fn install_crds(&self, dir: impl AsRef<Path>) -> Vec<CustomResourceDefinition> {
        let client = self.client().await;
        let dir = dir.as_ref();
        if !dir.exists() {
            return Vec::new();
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        let mut installed = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let crd: CustomResourceDefinition =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            installed.push(install_crd(&client, &crd).await);
        }
        installed
    }
}

/// Applies `crd` by server-side apply and waits until the API server has established it.
pub async fn install_crd(
    client: &Client,
    crd: &CustomResourceDefinition,
) -> CustomResourceDefinition {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let name = crd.name_any();
    let params = PatchParams::apply("control-plane-test").force();
    api.patch(&name, &params, &Patch::Apply(crd))
        .await
        .unwrap_or_else(|e| panic!("the API server refused CRD {name}: {e}"));
    eventually(&format!("CRD {name} established"), || async {
        let crd = api.get(&name).await.ok()?;
        let conditions = crd.status.as_ref()?.conditions.as_ref()?;
        let established = conditions
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True");
        established.then_some(crd)
    })
    .await
}

/// Polls `check` until it returns `Some`, for at most [`WAIT`]; panics naming `what` then.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A client configured by the kubeconfig file `path`.
pub async fn client_from(path: &Path) -> Client {
    let kubeconfig = Kubeconfig::read_from(path).expect("a readable kubeconfig");
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("a usable kubeconfig");
    Client::try_from(config).expect("a client")
}

/// The names the API server's certificate is valid for.
const SERVING_NAMES: [&str; 4] = [
    "127.0.0.1",
    "localhost",
    "kubernetes",
    "kubernetes.default.svc",
];

/// The common name of the client certificate with which the API server proxies to API services.
const FRONT_PROXY_CLIENT: &str = "front-proxy-client";

/// Writes, in `dir`, the front-proxy authority (`front-proxy-ca.crt`) and the client certificate
/// it signed, with which the API server proxies (`front-proxy-client.crt` and `.key`).
fn write_front_proxy(dir: &Path) {
    let ca = certificate_authority("front-proxy-ca");
    let (cert, key) = issue(&ca, FRONT_PROXY_CLIENT, &[], &[], true);
    for (name, contents) in [
        ("front-proxy-ca.crt", ca.pem()),
        ("front-proxy-client.crt", cert),
        ("front-proxy-client.key", key),
    ] {
        std::fs::write(dir.join(name), contents).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }
}

fn certificate_authority(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().expect("a CA key");
    CertifiedIssuer::self_signed(params, key).expect("a CA certificate")
}

fn issue(
    ca: &CertifiedIssuer<'static, KeyPair>,
    common_name: &str,
    organizations: &[&str],
    names: &[&str],
    client: bool,
) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("valid certificate names");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    for organization in organizations {
        params
            .distinguished_name
            .push(DnType::OrganizationName, *organization);
    }
    params.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    let key = KeyPair::generate().expect("a key");
    let cert = params.signed_by(&key, &**ca).expect("a signed certificate");
    (cert.pem(), key.serialize_pem())
}

/// A kubeconfig of one cluster at `url`, whose certificate is checked against `ca` and, when
/// given, `server_name` (rather than the host of `url`), and one user (`user`: the YAML fields
/// under `user:`, indented by four spaces).
fn kubeconfig_yaml(url: &str, ca: &Path, server_name: Option<&str>, user: &str) -> String {
    let server_name = server_name
        .map(|name| format!("\n    tls-server-name: {name}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: control-plane
  cluster:
    server: {url}
    certificate-authority: {ca}{server_name}
users:
- name: user
  user:
    {user}
contexts:
- name: control-plane
  context:
    cluster: control-plane
    user: user
    namespace: default
current-context: control-plane
",
        ca = ca.display()
    )
}

/// A loopback port that nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

/// A child process whose output goes to a log file; killed on drop.
struct Process {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, binary: &Path, args: &[String], log: &Path) -> Process {
        let out = File::create(log).expect("a log file");
        let child = Command::new(binary)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        Process {
            name,
            child,
            log: log.into(),
        }
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            print_tail(self.name, &self.log);
        }
    }
}

/// Prints the last lines of a process's log, to explain a failed test.
fn print_tail(name: &str, log: &Path) {
    const LINES: usize = 60;
    let Ok(file) = File::open(log) else { return };
    let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
    let start = lines.len().saturating_sub(LINES);
    eprintln!(
        "--- the last {} lines of {name}'s log ---",
        lines.len() - start
    );
    for line in &lines[start..] {
        eprintln!("{line}");
    }
}

/// Runs the controller `run` of kind `K`, creates `sample` (in namespace `default` if `K` is
/// namespaced), and checks that the controller puts its `finalizer` on it, reports `Ready` for
/// its generation (if `reports_ready`), publishes an Event about it, and lets it go once it is
/// deleted. Panics when one of them does not happen in time.
pub async fn reconciles<K, F, Fut>(
    control_plane: &ControlPlane,
    run: F,
    finalizer: &str,
    sample: &str,
    reports_ready: bool,
) where
    K: Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Clone + Debug,
    F: FnOnce(Manager) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let client = control_plane.client().await;
    let manager = Manager::new(client.clone(), None);
    let controller = tokio::spawn(run(manager.clone()));

    let resource = ApiResource::erase::<K>(&());
    let api: Api<DynamicObject> = if K::crd().spec.scope == "Namespaced" {
        Api::namespaced_with(client.clone(), "default", &resource)
    } else {
        Api::all_with(client.clone(), &resource)
    };
    let sample: DynamicObject = serde_saphyr::from_str(sample).expect("the sample parses");
    let name = sample.name_any();
    let created = api.create(&PostParams::default(), &sample).await.unwrap();
    let generation = created.metadata.generation;

    let ready = eventually(&format!("{} {name} Ready", K::kind(&())), || async {
        let obj = api.get(&name).await.ok()?;
        let has_finalizer = obj.finalizers().iter().any(|f| f == finalizer);
        if !reports_ready {
            return has_finalizer.then_some(obj);
        }
        let status = obj.data.get("status")?;
        let observed = status["observedGeneration"].as_i64() == generation;
        (has_finalizer && observed && condition(status, "Ready") == Some("True")).then_some(obj)
    })
    .await;
    // What the API server stored (with its defaults and the controller's status) must still
    // decode as `K`, or the controller's watch fails on the object.
    let _: K = serde_json::from_value(serde_json::to_value(&ready).unwrap())
        .expect("the object decodes as its Rust type");

    let events: Api<Event> = Api::all(client.clone());
    eventually(&format!("an Event about {name}"), || async {
        let list = events.list(&ListParams::default()).await.ok()?;
        list.items
            .iter()
            .any(|e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(&name))
            .then_some(())
    })
    .await;

    api.delete(&name, &DeleteParams::default()).await.unwrap();
    eventually(&format!("{name} deleted after its cleanup"), || async {
        matches!(api.get_opt(&name).await, Ok(None)).then_some(())
    })
    .await;

    manager.shutdown.cancel();
    controller
        .await
        .expect("the controller did not panic")
        .expect("the controller stopped cleanly");
}

/// Runs the controller `run` of kind `K` and creates `sample` in namespace `default`; checks that
/// the controller creates a Deployment of the sample's name there, holding all that `expected`
/// holds (objects compared key by key, arrays item by item) and owned by the sample (a
/// controller reference that blocks the owner's deletion), and that it publishes an Event about
/// the sample. Then patches the sample's `spec.size` (to 2, or to 1 when the Deployment has more
/// replicas) and checks that the Deployment's replicas follow, deletes the sample and waits
/// until the controller's cleanup let it go. Panics when one of them does not happen in time.
///
/// The control plane runs no garbage collector (no kube-controller-manager): the Deployment is
/// deleted here, where a cluster's garbage collector would follow the owner reference.
///
/// # Example
///
/// ```no_run
/// # async fn run(_: kubeforge_runtime::manager::Manager) -> anyhow::Result<()> { Ok(()) }
/// # #[derive(kube::CustomResource, serde::Deserialize, serde::Serialize, Clone, Debug, schemars::JsonSchema)]
/// # #[kube(group = "cache.example.com", version = "v1alpha1", kind = "Memcached", namespaced)]
/// # struct MemcachedSpec { size: i32 }
/// use kubeforge_runtime::envtest::{self, ControlPlane};
///
/// #[tokio::test]
/// async fn deploys_the_image() {
///     let Some(control_plane) = ControlPlane::start().await else {
///         return; // KUBEBUILDER_ASSETS is unset
///     };
///     control_plane.install_crds("config/crd/bases").await;
///     let sample = "apiVersion: cache.example.com/v1alpha1\nkind: Memcached\n\
///                   metadata: {name: sample}\nspec: {size: 1}\n";
///     let expected = serde_json::json!({ "spec": { "replicas": 1 } });
///     envtest::deploys::<Memcached, _, _>(&control_plane, run, sample, expected).await;
/// }
/// ```
pub async fn deploys<K, F, Fut>(control_plane: &ControlPlane, run: F, sample: &str, expected: Value)
where
    K: Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Clone + Debug,
    F: FnOnce(Manager) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let client = control_plane.client().await;
    let manager = Manager::new(client.clone(), None);
    let controller = tokio::spawn(run(manager.clone()));
    let resource = ApiResource::erase::<K>(&());
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &resource);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let sample: DynamicObject = serde_saphyr::from_str(sample).expect("the sample parses");
    let name = sample.name_any();
    let created = api.create(&PostParams::default(), &sample).await.unwrap();

    let what = format!("the Deployment of {} {name}", K::kind(&()));
    let deployment = eventually(&what, || async { deployments.get_opt(&name).await.ok()? }).await;
    let actual = serde_json::to_value(&deployment).unwrap();
    assert!(
        holds(&actual, &expected),
        "{what} does not hold {expected:#}: {actual:#}"
    );
    let owner = deployment
        .owner_references()
        .iter()
        .find(|o| o.uid == created.uid().unwrap());
    let owner = owner.unwrap_or_else(|| panic!("{what} is not owned by it: {actual:#}"));
    assert_eq!(owner.kind, K::kind(&()));
    assert_eq!(owner.controller, Some(true), "the owner is the controller");
    assert_eq!(owner.block_owner_deletion, Some(true));
    has_event(&client, &name).await;

    let replicas = deployment.spec.and_then(|s| s.replicas).unwrap_or(1);
    let size = if replicas > 1 { 1 } else { 2 };
    let patch = serde_json::json!({ "spec": { "size": size } });
    api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    eventually(&format!("{what} scaled to {size}"), || async {
        let d = deployments.get(&name).await.ok()?;
        (d.spec?.replicas == Some(size)).then_some(())
    })
    .await;

    api.delete(&name, &DeleteParams::default()).await.unwrap();
    eventually(&format!("{name} deleted after its cleanup"), || async {
        matches!(api.get_opt(&name).await, Ok(None)).then_some(())
    })
    .await;
    manager.shutdown.cancel();
    controller
        .await
        .expect("the controller did not panic")
        .expect("the controller stopped cleanly");
    // What the garbage collector does in a cluster.
    deployments
        .delete(&name, &DeleteParams::default())
        .await
        .unwrap();
}

/// Waits for an Event about the object `name`.
async fn has_event(client: &Client, name: &str) {
    let events: Api<Event> = Api::all(client.clone());
    eventually(&format!("an Event about {name}"), || async {
        let list = events.list(&ListParams::default()).await.ok()?;
        list.items
            .iter()
            .any(|e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name))
            .then_some(())
    })
    .await;
}

/// Whether `actual` holds all of `expected`: the keys of an object, the items of an array at the
/// same places, and equal values otherwise.
fn holds(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            e.iter().all(|(k, v)| a.get(k).is_some_and(|a| holds(a, v)))
        }
        (Value::Array(a), Value::Array(e)) => {
            e.len() <= a.len() && a.iter().zip(e).all(|(a, e)| holds(a, e))
        }
        _ => actual == expected,
    }
}

/// The `status` of the condition `type_` in `status.conditions`.
fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a str> {
    let conditions = status["conditions"].as_array()?;
    let found = conditions.iter().find(|c| c["type"] == type_)?;
    found["status"].as_str()
}
