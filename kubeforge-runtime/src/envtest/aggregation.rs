//! API aggregation on the control plane: a network namespace for an extension API server, and
//! the objects that register it with the aggregator.
//!
//! The API server refuses to proxy to a loopback (or link-local) endpoint, so an extension API
//! server under test listens in its own network namespace ([`NetNs`]), joined to the host by a
//! veth pair. From there it reaches the API server (which listens on 127.0.0.1 only) through a
//! forwarder on the host end of the pair ([`ControlPlane::kubeconfig_in`]), and the aggregator
//! reaches it at the namespace's end ([`ControlPlane::aggregate`]).

use std::{
    ffi::OsStr,
    io,
    net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use k8s_openapi::{
    ByteString,
    api::{
        core::v1::{Namespace, Service},
        discovery::v1::EndpointSlice,
        rbac::v1::{ClusterRoleBinding, RoleBinding},
    },
    apimachinery::pkg::apis::meta::v1::{APIGroupList, APIResourceList},
    kube_aggregator::pkg::apis::apiregistration::v1::APIService,
};
use kube::{
    Api, Client, Resource,
    api::{Patch, PatchParams},
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{ControlPlane, kubeconfig_yaml};

/// How long an API service gets to become available and to be served in discovery.
pub const AGGREGATION_WAIT: Duration = Duration::from_secs(60);

/// The name of the port of the Service and of its EndpointSlice: the aggregator matches them by
/// name.
const PORT_NAME: &str = "https";

/// The name the API server's certificate is checked against when it is reached through the
/// forwarder of a [`NetNs`].
const API_SERVER_NAME: &str = "kubernetes.default.svc";

/// The network namespaces made by this process so far, to name and address the next one.
static CREATED: AtomicU32 = AtomicU32::new(0);

/// A network namespace joined to the host by a veth pair, for a server that the API server must
/// reach at an address other than loopback; deleted on drop, with its veth pair, after the
/// processes started by [`NetNs::spawn`] are killed.
///
/// The pair's addresses are a /30 of `10.128.0.0/9` chosen from the process id and a counter:
/// `10.<128 + pid / 256 % 128>.<pid % 256>.<4 n + 1 and 2>` for the `n`-th namespace (modulo 64)
/// of the process, so that tests running in parallel on one machine do not clash (process ids
/// below 32768 never do).
///
/// Only the processes started by [`NetNs::spawn`] are killed: a process they started in the
/// namespace lives on. A test process killed outright (`SIGKILL`) leaves its namespace behind:
/// `ip netns del kubeforge-<pid>-<n>` deletes it, and its veth pair with it.
///
/// # Example
///
/// ```no_run
/// use kubeforge_runtime::envtest::NetNs;
///
/// let Some(netns) = NetNs::create() else {
///     return; // not root, or no `ip`
/// };
/// let status = netns.command("ip").args(["addr", "show"]).status().unwrap();
/// assert!(status.success());
/// println!("the host is {} and the namespace {}", netns.host_ip(), netns.ns_ip());
/// ```
pub struct NetNs {
    name: String,
    host_link: String,
    ns_link: String,
    host_ip: Ipv4Addr,
    ns_ip: Ipv4Addr,
    children: Mutex<Vec<Child>>,
    forwarders: Mutex<Vec<Forwarder>>,
}

impl NetNs {
    /// Makes a network namespace and its veth pair, both links up (and `lo` up inside); `None`,
    /// after printing why, when the process is not root, `ip` (iproute2) is missing, or a step
    /// fails.
    pub fn create() -> Option<NetNs> {
        match NetNs::try_create() {
            Ok(netns) => Some(netns),
            Err(why) => {
                eprintln!("skipped: cannot make a network namespace: {why}");
                None
            }
        }
    }

    fn try_create() -> Result<NetNs, String> {
        if !is_root() {
            return Err("not root".into());
        }
        let (pid, n) = (std::process::id(), CREATED.fetch_add(1, Ordering::Relaxed));
        let (host_ip, ns_ip) = addresses(pid, n);
        let name = format!("kubeforge-{pid}-{n}");
        ip(&["netns", "add", &name])?;
        // From here on, dropping `netns` undoes what was made.
        let netns = NetNs {
            name,
            host_link: format!("kf{pid}x{n}h"),
            ns_link: format!("kf{pid}x{n}n"),
            host_ip,
            ns_ip,
            children: Mutex::default(),
            forwarders: Mutex::default(),
        };
        netns.link()?;
        Ok(netns)
    }

    /// Makes the veth pair, moves one end into the namespace, addresses both and sets them up.
    fn link(&self) -> Result<(), String> {
        let (host, inside) = (&self.host_link, &self.ns_link);
        ip(&["link", "add", host, "type", "veth", "peer", "name", inside])?;
        ip(&["link", "set", inside, "netns", &self.name])?;
        ip(&["addr", "add", &format!("{}/30", self.host_ip), "dev", host])?;
        ip(&["link", "set", host, "up"])?;
        let exec = ["netns", "exec", &self.name, "ip"];
        let ns_address = format!("{}/30", self.ns_ip);
        ip(&[&exec[..], &["addr", "add", &ns_address, "dev", inside]].concat())?;
        ip(&[&exec[..], &["link", "set", inside, "up"]].concat())?;
        ip(&[&exec[..], &["link", "set", "lo", "up"]].concat())
    }

    /// The name of the namespace, as `ip netns` knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address of the host's end of the veth pair.
    pub fn host_ip(&self) -> IpAddr {
        self.host_ip.into()
    }

    /// The address of the namespace's end of the veth pair, where a server in the namespace
    /// listens for the API server.
    pub fn ns_ip(&self) -> IpAddr {
        self.ns_ip.into()
    }

    /// A command that runs `program` inside the namespace (`ip netns exec <name> <program>`).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name]).arg(program);
        command
    }

    /// Starts `command` (typically made by [`NetNs::command`]) and kills it when the namespace is
    /// dropped; returns its process id.
    pub fn spawn(&self, command: &mut Command) -> io::Result<u32> {
        let child = command.spawn()?;
        let id = child.id();
        lock(&self.children).push(child);
        Ok(id)
    }

    /// Forwards the connections made to a new port of the host's end of the veth pair to
    /// `target` (typically on the host's loopback), until the namespace is dropped; returns the
    /// address to connect to from inside the namespace.
    pub fn forward(&self, target: SocketAddr) -> io::Result<SocketAddr> {
        let forwarder = Forwarder::start(self.host_ip.into(), target)?;
        let address = forwarder.address;
        lock(&self.forwarders).push(forwarder);
        Ok(address)
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        for child in lock(&self.children).iter_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        lock(&self.forwarders).clear();
        // Deleting one end of the pair deletes both; the link may not have been made.
        let _ = ip(&["link", "del", &self.host_link]);
        if let Err(why) = ip(&["netns", "del", &self.name]) {
            eprintln!("cannot delete network namespace {}: {why}", self.name);
        }
    }
}

/// The guarded value, even when a thread panicked while holding the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The host's and the namespace's addresses of the `n`-th namespace of process `pid`.
fn addresses(pid: u32, n: u32) -> (Ipv4Addr, Ipv4Addr) {
    let second = 128 + (pid >> 8) % 128;
    let third = pid % 256;
    let fourth = 4 * (n % 64);
    let address = |last: u32| Ipv4Addr::new(10, second as u8, third as u8, (fourth + last) as u8);
    (address(1), address(2))
}

/// Whether the effective user is root, from `/proc/self/status`.
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// Runs `ip` with `args`; the reason when it cannot run or fails.
fn ip(args: &[&str]) -> Result<(), String> {
    let output = Command::new("ip").args(args).output().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            "`ip` (iproute2) is missing".to_string()
        } else {
            format!("cannot run `ip`: {e}")
        }
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!("`ip {}` failed: {}", args.join(" "), stderr.trim()))
}

/// Forwards the TCP connections accepted on `address` to a target, on threads of its own (so
/// that it serves even while the test blocks); stops, and closes the connections, on drop.
struct Forwarder {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<JoinHandle<()>>,
}

impl Forwarder {
    fn start(host: IpAddr, target: SocketAddr) -> io::Result<Forwarder> {
        let listener = TcpListener::bind((host, 0))?;
        let address = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (stopped, open) = (stop.clone(), connections.clone());
        let thread = std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(client) = client {
                    let _ = connect(client, target, &open);
                }
            }
        });
        Ok(Forwarder {
            address,
            stop,
            connections,
            thread: Some(thread),
        })
    }
}

/// Connects `client` to `target`, one thread copying each way.
fn connect(client: TcpStream, target: SocketAddr, open: &Mutex<Vec<TcpStream>>) -> io::Result<()> {
    let server = TcpStream::connect(target)?;
    let (client_in, server_in) = (client.try_clone()?, server.try_clone()?);
    lock(open).extend([client.try_clone()?, server.try_clone()?]);
    std::thread::spawn(move || pipe(client_in, server));
    std::thread::spawn(move || pipe(server_in, client));
    Ok(())
}

/// Copies `from` to `to` until `from` ends, then ends `to`.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let _ = io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread up, to see that it must stop.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        for connection in lock(&self.connections).iter() {
            let _ = connection.shutdown(Shutdown::Both);
        }
    }
}

impl ControlPlane {
    /// The PEM certificate of the front-proxy authority, which signed the client certificate
    /// the API server proxies to API services with (common name `front-proxy-client`). The API
    /// server also publishes it in ConfigMap `kube-system/extension-apiserver-authentication`.
    pub fn front_proxy_ca_pem(&self) -> String {
        std::fs::read_to_string(self.path("front-proxy-ca.crt")).expect("read front-proxy-ca.crt")
    }

    /// A serving certificate and its key (both PEM), signed by [`ControlPlane::ca_pem`], for
    /// the API service behind `service` in `namespace`: valid for `<service>.<namespace>.svc`,
    /// the only name the aggregator checks.
    pub fn issue_service_certificate(&self, namespace: &str, service: &str) -> (String, String) {
        self.issue(service, &[], &[&format!("{service}.{namespace}.svc")])
    }

    /// A kubeconfig file with which a process inside `netns` reaches the API server as `user`
    /// in `groups` (by a client certificate): through a forwarder on the host's end of the
    /// veth pair (`server: https://<host_ip>:<port>`), the API server's certificate checked
    /// against `kubernetes.default.svc` (`tls-server-name`). The API server itself listens on
    /// 127.0.0.1 only.
    pub fn kubeconfig_in(&self, netns: &NetNs, user: &str, groups: &[&str]) -> PathBuf {
        let target = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let address = netns
            .forward(target)
            .unwrap_or_else(|e| panic!("cannot forward {} to {target}: {e}", netns.host_ip));
        let stem = format!("{}-{}", netns.name, file_name(user));
        let (cert, key) = self.issue(user, groups, &[]);
        let (cert_file, key_file) = (
            self.path(&format!("{stem}.crt")),
            self.path(&format!("{stem}.key")),
        );
        std::fs::write(&cert_file, cert).expect("write a client certificate");
        std::fs::write(&key_file, key).expect("write a client key");
        let credentials = format!(
            "client-certificate: {}\n    client-key: {}",
            cert_file.display(),
            key_file.display()
        );
        let url = format!("https://{address}");
        let yaml = kubeconfig_yaml(
            &url,
            &self.path("ca.crt"),
            Some(API_SERVER_NAME),
            &credentials,
        );
        let file = self.path(&format!("{stem}.kubeconfig"));
        std::fs::write(&file, yaml).expect("write a kubeconfig");
        file
    }

    /// Lets `user` do what an extension API server does to delegate authentication and
    /// authorization: bound to ClusterRole `system:auth-delegator` (TokenReviews and
    /// SubjectAccessReviews) and to Role `kube-system/extension-apiserver-authentication-reader`
    /// (the front-proxy authority and header names).
    pub async fn allow_delegation(&self, user: &str) {
        let client = self.client().await;
        let name = format!("{}:auth-delegator", file_name(user));
        let role = ("ClusterRole", "system:auth-delegator");
        let binding = role_binding(&name, None, role, user);
        apply(
            &Api::<ClusterRoleBinding>::all(client.clone()),
            &name,
            binding,
        )
        .await;
        let name = format!("{}:authentication-reader", file_name(user));
        let role = ("Role", "extension-apiserver-authentication-reader");
        let binding = role_binding(&name, Some("kube-system"), role, user);
        apply(
            &Api::<RoleBinding>::namespaced(client, "kube-system"),
            &name,
            binding,
        )
        .await;
    }

    /// Registers the API service `<version>.<group>`, served at `ip`:`port` by a server whose
    /// certificate `ca_pem` signed (for `<service>.<namespace>.svc`, see
    /// [`ControlPlane::issue_service_certificate`]): the namespace (if missing), a Service
    /// without selector (port `https`, 443, to `port`), its EndpointSlice (`ip`, port `https`),
    /// and the APIService. Then waits for the APIService to be `Available` and for the
    /// group-version to be served in the API server's discovery, and returns it.
    ///
    /// `ip` must not be a loopback or link-local address, which the API server refuses: the
    /// [`NetNs::ns_ip`] of a namespace where the server runs. Panics, with the APIService's
    /// conditions, when it does not become available within [`AGGREGATION_WAIT`].
    ///
    /// # Example
    ///
    /// An extension API server (here the binary `my-apiserver`, whose flags are its own) in a
    /// network namespace, serving `widgets.example.com/v1alpha1`:
    ///
    /// ```no_run
    /// use kubeforge_runtime::envtest::{ControlPlane, NetNs};
    ///
    /// #[tokio::test]
    /// async fn aggregates() {
    ///     let Some(control_plane) = ControlPlane::start().await else {
    ///         return; // KUBEBUILDER_ASSETS is unset
    ///     };
    ///     let Some(netns) = NetNs::create() else {
    ///         return; // not root
    ///     };
    ///     let (cert, key) = control_plane.issue_service_certificate("widgets", "apiserver");
    ///     std::fs::write(control_plane.path("widgets.crt"), cert).unwrap();
    ///     std::fs::write(control_plane.path("widgets.key"), key).unwrap();
    ///     control_plane.allow_delegation("widgets-apiserver").await;
    ///     let kubeconfig = control_plane.kubeconfig_in(&netns, "widgets-apiserver", &[]);
    ///     let mut server = netns.command("my-apiserver");
    ///     server
    ///         .arg(format!("--kubeconfig={}", kubeconfig.display()))
    ///         .arg(format!("--bind-address={}:8443", netns.ns_ip()))
    ///         .arg(format!("--tls-cert-file={}", control_plane.path("widgets.crt").display()))
    ///         .arg(format!("--tls-private-key-file={}", control_plane.path("widgets.key").display()));
    ///     netns.spawn(&mut server).unwrap();
    ///     let (ip, ca) = (netns.ns_ip(), control_plane.ca_pem());
    ///     control_plane
    ///         .aggregate("widgets.example.com", "v1alpha1", "widgets", "apiserver", ip, 8443, &ca)
    ///         .await;
    /// }
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub async fn aggregate(
        &self,
        group: &str,
        version: &str,
        namespace: &str,
        service: &str,
        ip: IpAddr,
        port: u16,
        ca_pem: &str,
    ) -> APIService {
        let client = self.client().await;
        let namespace_object =
            json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": namespace } });
        apply(
            &Api::<Namespace>::all(client.clone()),
            namespace,
            namespace_object,
        )
        .await;
        let services = Api::<Service>::namespaced(client.clone(), namespace);
        apply(&services, service, service_object(namespace, service, port)).await;
        let slices = Api::<EndpointSlice>::namespaced(client.clone(), namespace);
        apply(
            &slices,
            service,
            endpoint_slice(namespace, service, ip, port),
        )
        .await;
        let name = format!("{version}.{group}");
        let api_service = api_service_object(&name, group, version, namespace, service, ca_pem);
        let api_services = Api::<APIService>::all(client.clone());
        apply(&api_services, &name, api_service).await;
        let available = wait_available(&api_services, &name).await;
        wait_discovered(&client, group, version).await;
        available
    }
}

/// The RoleBinding `name` in `namespace` (a ClusterRoleBinding without namespace) of `role`
/// (its kind and name) to `user`.
fn role_binding(name: &str, namespace: Option<&str>, role: (&str, &str), user: &str) -> Value {
    let group = "rbac.authorization.k8s.io";
    let (kind, metadata) = match namespace {
        Some(namespace) => (
            "RoleBinding",
            json!({ "name": name, "namespace": namespace }),
        ),
        None => ("ClusterRoleBinding", json!({ "name": name })),
    };
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata,
        "roleRef": { "apiGroup": group, "kind": role.0, "name": role.1 },
        "subjects": [{ "apiGroup": group, "kind": "User", "name": user }],
    })
}

/// `name` with every character but ASCII letters, digits, `-` and `.` replaced by `-`.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Applies `object` (server-side apply, forced) as `name` through `api`; panics when refused.
async fn apply<K>(api: &Api<K>, name: &str, object: Value)
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let params = PatchParams::apply("kubeforge-envtest").force();
    if let Err(e) = api.patch(name, &params, &Patch::Apply(&object)).await {
        panic!("the API server refused {} {name}: {e}", object["kind"]);
    }
}

/// A Service without selector whose port `https` (443) leads to `port` of its endpoints.
fn service_object(namespace: &str, service: &str, port: u16) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": { "name": service, "namespace": namespace },
        "spec": { "ports": [{ "name": PORT_NAME, "port": 443, "protocol": "TCP", "targetPort": port }] },
    })
}

/// The EndpointSlice of `service`: one ready endpoint at `ip`, port `https` = `port`.
fn endpoint_slice(namespace: &str, service: &str, ip: IpAddr, port: u16) -> Value {
    let address_type = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
    json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {
            "name": service, "namespace": namespace,
            "labels": { "kubernetes.io/service-name": service },
        },
        "addressType": address_type,
        "endpoints": [{ "addresses": [ip.to_string()], "conditions": { "ready": true } }],
        "ports": [{ "name": PORT_NAME, "port": port, "protocol": "TCP" }],
    })
}

/// The APIService `name` of `group`/`version`, behind `namespace`/`service` port 443.
fn api_service_object(
    name: &str,
    group: &str,
    version: &str,
    namespace: &str,
    service: &str,
    ca_pem: &str,
) -> Value {
    json!({
        "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
        "metadata": { "name": name },
        "spec": {
            "group": group, "version": version,
            "service": { "namespace": namespace, "name": service, "port": 443 },
            "caBundle": ByteString(ca_pem.as_bytes().to_vec()),
            "groupPriorityMinimum": 1000, "versionPriority": 15,
        },
    })
}

/// Waits for the APIService `name` to be `Available`; panics with its conditions otherwise.
async fn wait_available(api: &Api<APIService>, name: &str) -> APIService {
    let deadline = Instant::now() + AGGREGATION_WAIT;
    loop {
        let last = api.get(name).await;
        if let Ok(api_service) = &last
            && is_available(api_service)
        {
            return api_service.clone();
        }
        if Instant::now() >= deadline {
            let conditions = match &last {
                Ok(found) => found.status.as_ref().map(|s| json!(s.conditions)),
                Err(e) => Some(json!(e.to_string())),
            };
            panic!(
                "APIService {name} not Available within {AGGREGATION_WAIT:?}; its conditions: {:#}",
                conditions.unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether the condition `Available` of `api_service` is `True`.
fn is_available(api_service: &APIService) -> bool {
    let conditions = api_service
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref());
    conditions
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Available" && c.status == "True")
}

/// Waits until the API server lists `group` with `version` in `/apis` and serves resources at
/// `/apis/<group>/<version>`: discovery may lag behind `Available`.
async fn wait_discovered(client: &Client, group: &str, version: &str) {
    let deadline = Instant::now() + AGGREGATION_WAIT;
    loop {
        let why = match discovered(client, group, version).await {
            Ok(()) => return,
            Err(why) => why,
        };
        assert!(
            Instant::now() < deadline,
            "{group}/{version} not in discovery within {AGGREGATION_WAIT:?}: {why}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether `group`/`version` is served in discovery; why not otherwise.
async fn discovered(client: &Client, group: &str, version: &str) -> Result<(), String> {
    let request = |path: String| {
        http::Request::get(path)
            .body(Vec::new())
            .expect("a request")
    };
    let groups: APIGroupList = client
        .request(request("/apis".into()))
        .await
        .map_err(|e| format!("/apis: {e}"))?;
    let listed = groups
        .groups
        .iter()
        .any(|g| g.name == group && g.versions.iter().any(|v| v.version == version));
    if !listed {
        return Err(format!("/apis does not list {group}/{version}"));
    }
    let path = format!("/apis/{group}/{version}");
    let resources: APIResourceList = client
        .request(request(path.clone()))
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    match resources.resources.is_empty() {
        true => Err(format!("{path} lists no resources")),
        false => Ok(()),
    }
}
