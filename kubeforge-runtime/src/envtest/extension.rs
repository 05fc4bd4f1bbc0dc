//! A project's extension API server on the control plane: started in a network namespace as its
//! Deployment would run it, registered with the aggregator, and checked through the API server
//! as a client of its kinds sees them.

use std::{
    fmt::Debug,
    fs::File,
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use futures::{StreamExt as _, TryStreamExt as _};
use kube::{
    Api, Client, Resource,
    api::{
        ApiResource, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
        WatchParams,
    },
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::json;

use super::{AGGREGATION_WAIT, ControlPlane, NetNs, WAIT, client_from, kubeconfig_yaml};

/// The port the extension API server listens on, in its network namespace.
pub const SECURE_PORT: u16 = 8443;

/// The name of the object that [`ExtensionServer::serves`] creates, changes and deletes.
const OBJECT: &str = "envtest";

/// An extension API server running in a network namespace of its own, as the Service `service`
/// of `namespace`, with a serving certificate for `<service>.<namespace>.svc` and a kubeconfig
/// of the user `system:serviceaccount:<namespace>:<service>`, allowed to delegate authentication
/// and authorization. Stopped when dropped; its log is printed first when the test failed.
pub struct ExtensionServer<'a> {
    control_plane: &'a ControlPlane,
    // Dropped before the log is read: the server stops with its namespace.
    netns: Option<NetNs>,
    namespace: String,
    service: String,
    log: PathBuf,
}

impl<'a> ExtensionServer<'a> {
    /// Starts `binary` (a project's `env!("CARGO_BIN_EXE_apiserver")`) with `--secure-port` and
    /// `--cert-dir`; `None`, after printing why, when no network namespace can be made (the
    /// test needs root).
    pub async fn start(
        control_plane: &'a ControlPlane,
        binary: &str,
        namespace: &str,
        service: &str,
    ) -> Option<ExtensionServer<'a>> {
        let netns = NetNs::create()?;
        let certs = control_plane.path(&format!("{service}-serving-certs"));
        std::fs::create_dir_all(&certs).expect("make the certificate directory");
        let (cert, key) = control_plane.issue_service_certificate(namespace, service);
        std::fs::write(certs.join("tls.crt"), cert).expect("write tls.crt");
        std::fs::write(certs.join("tls.key"), key).expect("write tls.key");
        let user = format!("system:serviceaccount:{namespace}:{service}");
        control_plane.allow_delegation(&user).await;
        let kubeconfig = control_plane.kubeconfig_in(&netns, &user, &["system:serviceaccounts"]);
        let log = control_plane.path(&format!("{service}.log"));
        let out = File::create(&log).expect("make the server's log");
        let mut command = netns.command(binary);
        command
            .arg(format!("--secure-port={SECURE_PORT}"))
            .arg(format!("--cert-dir={}", certs.display()))
            .env("KUBECONFIG", &kubeconfig)
            .env("RUST_LOG", "info,kubeforge_runtime=debug")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("share the log"))
            .stderr(out);
        netns
            .spawn(&mut command)
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        Some(ExtensionServer {
            control_plane,
            netns: Some(netns),
            namespace: namespace.into(),
            service: service.into(),
            log,
        })
    }

    /// Registers the APIService of `K`'s group-version and checks, through the API server, what
    /// a client does with `K` (in namespace `default` when `K` is namespaced): create, get (the
    /// object read back as a `K`), list, watch from the list's resourceVersion, update, a stale
    /// update refused with 409, a merge patch, a user without RBAC refused with 403 by the
    /// delegated check, discovery and OpenAPI as kubectl reads them (`api-resources`, `explain`,
    /// when kubectl is on the PATH), and delete.
    pub async fn serves<K>(&self)
    where
        K: Resource<DynamicType = ()> + Debug + Default + Serialize + DeserializeOwned,
    {
        let (group, version) = (K::group(&()), K::version(&()));
        let netns = self.netns.as_ref().expect("the server runs");
        let ca = self.control_plane.ca_pem();
        self.control_plane
            .aggregate(
                &group,
                &version,
                &self.namespace,
                &self.service,
                netns.ns_ip(),
                SECURE_PORT,
                &ca,
            )
            .await;
        let resource = ApiResource::erase::<K>(&());
        let api = |client: Client| match is_namespaced::<K>() {
            true => Api::<DynamicObject>::namespaced_with(client, "default", &resource),
            false => Api::<DynamicObject>::all_with(client, &resource),
        };
        let admin = api(self.control_plane.client().await);
        let mut object = serde_json::to_value(K::default()).expect("a K is JSON");
        object["apiVersion"] = json!(resource.api_version);
        object["kind"] = json!(resource.kind);
        object["metadata"] = json!({ "name": OBJECT });
        let object: DynamicObject = serde_json::from_value(object).expect("an object");
        let created = admin
            .create(&PostParams::default(), &object)
            .await
            .expect("create");
        let meta = &created.metadata;
        assert!(meta.uid.is_some(), "no uid: {created:?}");
        assert!(meta.resource_version.is_some(), "no resourceVersion");
        let got = admin.get(OBJECT).await.expect("get");
        assert_eq!(got.metadata.uid, meta.uid);
        let typed: K = serde_json::from_value(serde_json::to_value(&got).expect("JSON"))
            .unwrap_or_else(|e| panic!("the object read back is no {}: {e}", resource.kind));
        assert_eq!(typed.meta().name.as_deref(), Some(OBJECT));
        let list = admin.list(&ListParams::default()).await.expect("list");
        assert!(
            list.items
                .iter()
                .any(|o| o.metadata.name.as_deref() == Some(OBJECT)),
            "list lacks {OBJECT}"
        );
        let since = list.metadata.resource_version.clone().unwrap_or_default();
        let mut events = admin
            .watch(&WatchParams::default().timeout(30), &since)
            .await
            .expect("watch")
            .boxed();
        let mut changed = got.clone();
        changed.metadata.labels = Some([("envtest".to_string(), "updated".to_string())].into());
        let updated = admin
            .replace(OBJECT, &PostParams::default(), &changed)
            .await
            .expect("update");
        assert_ne!(updated.metadata.resource_version, meta.resource_version);
        let modified = tokio::time::timeout(WAIT, async {
            while let Some(event) = events.try_next().await.expect("a watch event") {
                if let WatchEvent::Modified(o) = event {
                    return o;
                }
            }
            panic!("the watch ended before the update");
        })
        .await
        .expect("the update is watched");
        assert_eq!(
            modified.metadata.resource_version,
            updated.metadata.resource_version
        );
        expect_code(
            admin
                .replace(OBJECT, &PostParams::default(), &changed)
                .await,
            409,
            "an update with a stale resourceVersion",
        );
        let patch = json!({ "metadata": { "labels": { "patched": "yes" } } });
        let patched = admin
            .patch(OBJECT, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect("merge patch");
        let labels = patched.metadata.labels.clone().unwrap_or_default();
        assert_eq!(labels.get("patched").map(String::as_str), Some("yes"));
        assert_eq!(labels.get("envtest").map(String::as_str), Some("updated"));
        let nobody = api(client_from(&self.kubeconfig_of("nobody")).await);
        expect_code(nobody.get(OBJECT).await, 403, "a user without RBAC");
        kubectl_discovers::<K>(&self.control_plane.kubeconfig);
        admin
            .delete(OBJECT, &Default::default())
            .await
            .expect("delete");
        expect_code(admin.get(OBJECT).await, 404, "a deleted object");
    }

    /// A kubeconfig file of `user` (a client certificate), on the host.
    fn kubeconfig_of(&self, user: &str) -> PathBuf {
        let plane = self.control_plane;
        let (cert, key) = plane.issue(user, &[], &[]);
        let (cert_file, key_file) = (
            plane.path(&format!("{user}.crt")),
            plane.path(&format!("{user}.key")),
        );
        std::fs::write(&cert_file, cert).expect("write a client certificate");
        std::fs::write(&key_file, key).expect("write a client key");
        let credentials = format!(
            "client-certificate: {}\n    client-key: {}",
            cert_file.display(),
            key_file.display()
        );
        let yaml = kubeconfig_yaml(&plane.url, &plane.path("ca.crt"), None, &credentials);
        let file = plane.path(&format!("{user}.kubeconfig"));
        std::fs::write(&file, yaml).expect("write a kubeconfig");
        file
    }
}

impl Drop for ExtensionServer<'_> {
    fn drop(&mut self) {
        drop(self.netns.take());
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("--- the extension API server's log ---\n{log}");
        }
    }
}

/// Whether `K` lives in namespaces. kube has no method for it: its scope type says.
fn is_namespaced<K: Resource>() -> bool {
    std::any::type_name::<K::Scope>()
        == std::any::type_name::<k8s_openapi::NamespaceResourceScope>()
}

/// Checks that `result` is the API's refusal with `code`.
fn expect_code<T: Debug>(result: kube::Result<T>, code: u16, what: &str) {
    match result {
        Err(kube::Error::Api(status)) if status.code == code => {}
        other => panic!("{what}: expected {code}, got {other:?}"),
    }
}

/// `kubectl api-resources` lists `K`'s resource and `kubectl explain` describes it, from the
/// discovery and OpenAPI that the API server aggregates; skipped when kubectl is missing.
fn kubectl_discovers<K: Resource<DynamicType = ()>>(kubeconfig: &std::path::Path) {
    let (group, plural) = (K::group(&()), K::plural(&()));
    let kubectl = |args: &[&str]| {
        Command::new("kubectl")
            .args(args)
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .output()
    };
    let output = match kubectl(&["api-resources", "--api-group", &group]) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return eprintln!("kubectl is missing: discovery and OpenAPI are not checked");
        }
        result => result.expect("kubectl runs"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.split_whitespace().next() == Some(&*plural)),
        "kubectl api-resources does not list {plural}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The aggregator fetches a new API service's OpenAPI in the background.
    let api_version = K::api_version(&());
    let deadline = Instant::now() + AGGREGATION_WAIT;
    loop {
        let output =
            kubectl(&["explain", &plural, "--api-version", &api_version]).expect("kubectl runs");
        let text = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && text.contains(&*K::kind(&())) && text.contains("spec") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "kubectl explain {plural} does not describe the kind: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
