//! What the end-to-end tests share: the envtest harness of generated projects (the runtime
//! crate's), the projects and binaries of the compile gate's workspace, kubectl, and managers run
//! as processes with the RBAC their project generates.

pub use kubeforge_runtime::envtest as control_plane;

use std::{
    fs::File,
    io::{Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use kube::{Client, Config};
use serde_json::Value;

pub use control_plane::{ControlPlane, eventually, free_port};

/// The compile gate's workspace: the snapshot projects sit beside this crate.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A project of the workspace (a snapshot) or of `e2e-projects/` (made from descriptions).
pub fn project(name: &str) -> PathBuf {
    workspace().join(name)
}

/// A binary the workspace built: a project's manager.
pub fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let path = target.join("debug").join(name);
    assert!(path.is_file(), "{} is not built", path.display());
    path
}

/// Parameters of a create that the API server checks (admission, validation, defaulting) but
/// does not store.
pub fn dry_run() -> kube::api::PostParams {
    kube::api::PostParams {
        dry_run: true,
        ..Default::default()
    }
}

/// Records how long a group of checks took, in `e2e-report.txt` of the workspace and on stderr.
pub fn report(group: &str, took: Duration) {
    let line = format!("{group}: {:.1} s\n", took.as_secs_f64());
    eprint!("{line}");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(workspace().join("e2e-report.txt"))
        .unwrap();
    file.write_all(line.as_bytes()).unwrap();
}

/// Runs kubectl as the cluster administrator with `stdin`; its stdout. Panics on failure.
pub fn kubectl(control_plane: &ControlPlane, args: &[&str], stdin: &str) -> String {
    run_kubectl(control_plane, args, stdin).0
}

/// Runs kubectl like [`kubectl`]; its stderr, where it prints the API server's warnings.
pub fn kubectl_stderr(control_plane: &ControlPlane, args: &[&str], stdin: &str) -> String {
    run_kubectl(control_plane, args, stdin).1
}

fn run_kubectl(control_plane: &ControlPlane, args: &[&str], stdin: &str) -> (String, String) {
    let mut child = Command::new("kubectl")
        .arg(format!(
            "--kubeconfig={}",
            control_plane.kubeconfig.display()
        ))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs (it is installed with the machine)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "kubectl {args:?} failed:\n{stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// The documents of a multi-document YAML stream, parsed; those holding only comments are
/// left out.
pub fn documents(yaml: &str) -> Vec<Value> {
    yaml.split("\n---\n")
        .map(|doc| doc.trim_start_matches("---\n"))
        .map(|doc| serde_saphyr::from_str(doc).unwrap_or_else(|e| panic!("{e}:\n{doc}")))
        .filter(|doc: &Value| !doc.is_null())
        .collect()
}

/// What `kubectl kustomize config/default` of a project deploys, as objects.
pub fn deployment_manifests(control_plane: &ControlPlane, project: &Path) -> Vec<Value> {
    let dir = project.join("config/default");
    documents(&kubectl(
        control_plane,
        &["kustomize", dir.to_str().unwrap()],
        "",
    ))
}

/// The manager's identity in a cluster, as `config/default` deploys it: its namespace and its
/// ServiceAccount with the roles bound to it.
pub struct Identity {
    /// The namespace of the manager (`<project>-system`).
    pub namespace: String,
    /// The name of its ServiceAccount.
    pub service_account: String,
    /// A kubeconfig file holding a token of that ServiceAccount.
    pub kubeconfig: PathBuf,
}

/// Installs the Namespace, ServiceAccount and RBAC objects of a project's `config/default`
/// (nothing else of it), and returns a kubeconfig of the manager's ServiceAccount.
pub fn deploy_identity(control_plane: &ControlPlane, project: &Path) -> Identity {
    const KINDS: [&str; 6] = [
        "Namespace",
        "ServiceAccount",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
    ];
    let objects: Vec<Value> = deployment_manifests(control_plane, project)
        .into_iter()
        .filter(|o| KINDS.contains(&o["kind"].as_str().unwrap_or_default()))
        .collect();
    let namespace = objects
        .iter()
        .find(|o| o["kind"] == "Namespace")
        .and_then(|o| o["metadata"]["name"].as_str())
        .expect("config/default has a Namespace")
        .to_string();
    let service_account = objects
        .iter()
        .find(|o| o["kind"] == "ServiceAccount")
        .and_then(|o| o["metadata"]["name"].as_str())
        .expect("config/default has a ServiceAccount")
        .to_string();
    let list = serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": objects });
    kubectl(
        control_plane,
        &["apply", "--server-side", "-f", "-"],
        &list.to_string(),
    );
    let token = kubectl(
        control_plane,
        &[
            "create",
            "token",
            &service_account,
            "-n",
            &namespace,
            "--duration=2h",
        ],
        "",
    );
    let kubeconfig = control_plane.kubeconfig_with_token(&service_account, token.trim());
    Identity {
        namespace,
        service_account,
        kubeconfig,
    }
}

/// A ServiceAccount `name` in namespace `default`, bound to `cluster_role` when given; a
/// kubeconfig file with its token.
pub fn service_account(
    control_plane: &ControlPlane,
    name: &str,
    cluster_role: Option<&str>,
) -> String {
    kubectl(
        control_plane,
        &["create", "serviceaccount", name, "-n", "default"],
        "",
    );
    if let Some(role) = cluster_role {
        kubectl(
            control_plane,
            &[
                "create",
                "clusterrolebinding",
                name,
                &format!("--clusterrole={role}"),
                &format!("--serviceaccount=default:{name}"),
            ],
            "",
        );
    }
    kubectl(
        control_plane,
        &["create", "token", name, "-n", "default"],
        "",
    )
    .trim()
    .to_string()
}

/// A manager process, killed on drop; its log is printed when the test failed.
pub struct Manager {
    pub name: String,
    child: Child,
    log: PathBuf,
    /// Where it serves `/healthz` and `/readyz`.
    pub health_port: u16,
    /// Where it serves `/metrics`.
    pub metrics_port: u16,
}

impl Manager {
    /// Starts `binary` with `kubeconfig` and `args` beside the flags of its ports (health and
    /// metrics on free loopback ports; webhooks off unless `args` turn them on).
    pub fn start(
        control_plane: &ControlPlane,
        name: &str,
        binary: &Path,
        kubeconfig: &Path,
        args: &[String],
    ) -> Manager {
        let (health_port, metrics_port) = (free_port(), free_port());
        let log = control_plane.path(&format!("{name}.log"));
        let out = File::create(&log).unwrap();
        let mut all = vec![
            format!("--health-probe-bind-address=127.0.0.1:{health_port}"),
            format!("--metrics-bind-address=127.0.0.1:{metrics_port}"),
        ];
        if !args.iter().any(|a| a.starts_with("--enable-webhooks")) {
            all.push("--enable-webhooks=false".into());
        }
        all.extend_from_slice(args);
        let child = Command::new(binary)
            .args(&all)
            .env("KUBECONFIG", kubeconfig)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        Manager {
            name: name.into(),
            child,
            log,
            health_port,
            metrics_port,
        }
    }

    /// Everything it has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The status code of `GET /readyz`, `None` when nothing answers.
    pub fn readyz(&self) -> Option<u16> {
        http_get(self.health_port, "/readyz")
    }

    /// Waits until `/readyz` answers 200.
    pub async fn wait_ready(&mut self) {
        let name = self.name.clone();
        let deadline = Instant::now() + control_plane::WAIT;
        while self.readyz() != Some(200) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{name} exited with {status}:\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "{name} did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails when the manager was ever refused by the API server: its RBAC falls short. (Every
    /// 403 of the API server says "forbidden", in its reason and in its message.)
    pub fn assert_never_forbidden(&self) {
        let log = self.log();
        let refused: Vec<&str> = log
            .lines()
            .filter(|l| l.to_lowercase().contains("forbidden"))
            .collect();
        assert!(
            refused.is_empty(),
            "{} was refused by the API server; its generated RBAC is not enough:\n{}",
            self.name,
            refused.join("\n")
        );
    }

    /// Sends `signal` (`TERM` or `KILL`) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit; its exit code.
    pub async fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + control_plane::WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "{} did not exit", self.name);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- log of {} ---\n{}", self.name, self.log());
        }
    }
}

/// The status code of a plain HTTP `GET` on a loopback port; `None` when nothing answers.
pub fn http_get(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

/// A client of an HTTPS server on a loopback port that does not check its certificate,
/// sending `token` as bearer token when given: for the manager's own servers.
pub fn https_client(port: u16, token: Option<&str>) -> Client {
    let mut config = Config::new(format!("https://127.0.0.1:{port}").parse().unwrap());
    config.accept_invalid_certs = true;
    if let Some(token) = token {
        config.auth_info.token = Some(token.to_string().into());
    }
    Client::try_from(config).unwrap()
}

/// `GET path` through `client`: the status code and the body.
pub async fn get(client: &Client, path: &str) -> (u16, String) {
    let request = http::Request::get(path).body(Vec::new()).unwrap();
    match client.request_text(request).await {
        Ok(body) => (200, body),
        Err(kube::Error::Api(status)) => (status.code, status.message),
        Err(other) => panic!("GET {path}: {other}"),
    }
}
