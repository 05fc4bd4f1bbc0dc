//! Helpers shared by the integration tests: running the kubeforge binary, reading whole trees,
//! and the snapshot scenarios.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs kubeforge in `dir`.
pub fn kubeforge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeforge"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .output()
        .expect("kubeforge runs")
}

/// Runs kubeforge and requires success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = kubeforge(dir, args);
    assert!(
        out.status.success(),
        "kubeforge {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs kubeforge, requires exit code `code`; returns stderr.
pub fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let out = kubeforge(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "kubeforge {args:?}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// Every file under `dir` with its bytes, keyed by '/'-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Where a project keeps its copy of the runtime crate. Snapshots leave it out: it is the
/// repository's `kubeforge-runtime/`, which `vendored_runtime_is_the_crate` checks.
pub const VENDORED: &str = "vendor/kubeforge-runtime/";

/// A project's files without its copy of the runtime crate.
pub fn own_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(dir);
    files.retain(|path, _| !path.starts_with(VENDORED));
    files
}

/// Panics unless the project's copy of the runtime is the repository's crate, file for file.
pub fn vendored_runtime_is_the_crate(project: &Path) {
    let crate_dir = repo().join("kubeforge-runtime");
    let mut want = tree(&crate_dir.join("src"))
        .into_iter()
        .map(|(p, b)| (format!("src/{p}"), b))
        .collect::<BTreeMap<_, _>>();
    for file in ["Cargo.toml", "README.md"] {
        want.insert(file.into(), std::fs::read(crate_dir.join(file)).unwrap());
    }
    let got = tree(&project.join(VENDORED));
    assert!(
        got == want,
        "{} is not kubeforge-runtime/: {:?}",
        project.join(VENDORED).display(),
        want.keys()
            .chain(got.keys())
            .filter(|p| want.get(*p) != got.get(*p))
            .collect::<Vec<_>>()
    );
}

/// Writes `files` (as [`tree`] reads them) under `to`.
pub fn write_tree(files: &BTreeMap<String, Vec<u8>>, to: &Path) {
    for (path, bytes) in files {
        let dest = to.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// A project `shop` of domain example.com (made with `extra` init flags) with the kind
/// webapp/v1 Guestbook.
pub fn guestbook_project(extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut init = vec!["init", "--domain", "example.com", "--project-name", "shop"];
    init.extend(extra);
    ok(dir.path(), &init);
    ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
        ],
    );
    dir
}

pub fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A snapshot scenario: a project name and the kubeforge command lines that build it.
pub struct Scenario {
    pub name: &'static str,
    pub commands: &'static [&'static [&'static str]],
}

/// Every scenario under snapshots/. Each directory is a complete generated project.
#[rustfmt::skip]
pub const SCENARIOS: &[Scenario] = &[
    // `init` alone: the project builds and deploys before it has any kind.
    Scenario {
        name: "empty",
        commands: &[&["init", "--domain", "example.com", "--project-name", "empty-operator"]],
    },
    // Two kinds in one group; a second version of Guestbook becomes the storage version.
    Scenario {
        name: "guestbook",
        commands: &[
            &["init", "--domain", "example.com", "--owner", "The Guestbook Authors"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Memcached"],
            &["create", "api", "--group", "webapp", "--version", "v2", "--kind", "Guestbook", "--storage"],
        ],
    },
    // The multigroup layout, a group with a hyphen, a cluster-scoped kind, and a controller for a
    // kind of Kubernetes itself.
    Scenario {
        name: "fleet",
        commands: &[
            &["init", "--domain", "example.org", "--multigroup", "--license", "none"],
            &["create", "api", "--group", "ship", "--version", "v1beta1", "--kind", "Frigate"],
            &["create", "api", "--group", "sea-ops", "--version", "v1", "--kind", "Admiral", "--namespaced=false"],
            &["create", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--resource=false"],
            &["create", "webhook", "--group", "ship", "--version", "v1beta1", "--kind", "Frigate", "--programmatic-validation"],
            &["create", "webhook", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--defaulting"],
        ],
    },
    // A namespaced manager (a Role, its own namespace) with a cluster-scoped kind, whose rules go
    // to a ClusterRole.
    Scenario {
        name: "solo",
        commands: &[
            &["init", "--domain", "example.net", "--namespaced"],
            &["create", "api", "--group", "cache", "--version", "v1alpha1", "--kind", "RedisCluster"],
            &["create", "api", "--group", "cache", "--version", "v1alpha1", "--kind", "Shard", "--namespaced=false"],
        ],
    },
    // Webhooks added one at a time: defaulting, then validation, then conversion between the
    // storage version v1 (the hub) and v2; and a defaulting webhook on core/v1 Pods.
    Scenario {
        name: "webhooks",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "webhook-operator"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"],
            &["create", "api", "--group", "webapp", "--version", "v2", "--kind", "Guestbook"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--defaulting"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--programmatic-validation"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--conversion", "--spoke", "v2"],
            &["create", "webhook", "--group", "core", "--version", "v1", "--kind", "Pod", "--defaulting"],
        ],
    },
    // Kinds and versions deleted again: a kind with its webhooks, a spoke of a conversion that
    // keeps another, and a controller for a kind of Kubernetes.
    Scenario {
        name: "deleted",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "deleted-operator"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"],
            &["create", "api", "--group", "webapp", "--version", "v2", "--kind", "Guestbook"],
            &["create", "api", "--group", "webapp", "--version", "v3", "--kind", "Guestbook"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--defaulting"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Guestbook", "--conversion", "--spoke", "v2,v3"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Memcached"],
            &["create", "webhook", "--group", "webapp", "--version", "v1", "--kind", "Memcached", "--programmatic-validation"],
            &["create", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--resource=false"],
            &["delete", "api", "--group", "webapp", "--kind", "Memcached"],
            &["delete", "api", "--group", "webapp", "--version", "v3", "--kind", "Guestbook"],
            &["delete", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment"],
        ],
    },
    // A kind generated from a resource description that uses every keyword, with webhooks whose
    // examples and tests work from labels and the kind's sample.
    Scenario {
        name: "cronjob",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "cronjob-operator"],
            &["create", "api", "--group", "batch", "--from", "{fixtures}/descriptions/cronjob.yaml"],
            &["create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation"],
        ],
    },
    // Kinds named like what the code generated for them uses (kube's `Api`, serde's `Serialize`,
    // the status `Condition`, `Context` and `Result` of the controllers, `Webhook`, Rust's `Box`):
    // each builds, with its controller and webhooks, the kind named through its module where
    // its name is taken. `Event` comes from a resource description.
    Scenario {
        name: "names",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "names-operator"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Api"],
            &["create", "api", "--group", "app", "--version", "v2", "--kind", "Api"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Resource"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Result"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Error"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Context"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Duration"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Arc"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Condition"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "JsonSchema"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Serialize"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Deserialize"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Webhook"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Operation"],
            &["create", "api", "--group", "app", "--version", "v1", "--kind", "Box"],
            &["create", "api", "--group", "app", "--from", "{fixtures}/kinds/event.yaml"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Api", "--defaulting", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Api", "--conversion", "--spoke", "v2"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Result", "--defaulting", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Condition", "--defaulting", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Serialize", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Webhook", "--defaulting", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Operation", "--defaulting", "--programmatic-validation"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Box", "--defaulting"],
            &["create", "webhook", "--group", "app", "--version", "v1", "--kind", "Event", "--defaulting", "--programmatic-validation"],
        ],
    },
    // kubebuilder's deploy-image plugin: Memcached with every option, Busybox with the image
    // alone; each object runs its image in a Deployment it owns.
    Scenario {
        name: "memcached",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "memcached-operator"],
            &["create", "api", "--group", "cache", "--version", "v1alpha1", "--kind", "Memcached", "--image", "memcached:1.6.26-alpine", "--image-container-command", "memcached,--memory-limit=64,-o,modern,-v", "--image-container-port", "11211", "--run-as-user", "1001", "--plugins", "deploy-image"],
            &["create", "api", "--group", "cache", "--version", "v1alpha1", "--kind", "Busybox", "--image", "busybox:1.36.1", "--plugins", "deploy-image/v1-alpha"],
        ],
    },
    // kubebuilder's helm plugin: a namespaced kind with defaulting and validation webhooks, the
    // chart in dist/chart/, then a second kind that the chart follows.
    Scenario {
        name: "chart",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "chart-operator"],
            &["create", "api", "--group", "shop", "--version", "v1", "--kind", "Store"],
            &["create", "webhook", "--group", "shop", "--version", "v1", "--kind", "Store", "--defaulting", "--programmatic-validation"],
            &["edit", "--plugins", "helm"],
            &["create", "api", "--group", "shop", "--version", "v1", "--kind", "Clerk"],
        ],
    },
    // A kind of another project (its CRD in tests/fixtures/external, which that project would
    // install) beside a kind of this one: its types, controller and webhooks, no CRD of ours; the
    // envtest suite installs the CRD kept under config/crd/external.
    Scenario {
        name: "external",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "external-operator"],
            &["create", "api", "--group", "webapp", "--version", "v1", "--kind", "Guestbook"],
            &["create", "api", "--from", "{fixtures}/external/certificate-crd.yaml", "--external"],
            &["create", "webhook", "--group", "certs", "--version", "v1", "--kind", "Certificate", "--defaulting", "--programmatic-validation"],
        ],
    },
    // API aggregation: an extension API server with a namespaced and a cluster-scoped kind,
    // beside a kind of a CRD; its test runs the server behind an APIService on the control plane.
    Scenario {
        name: "aggregated",
        commands: &[
            &["init", "--domain", "example.com", "--project-name", "wardle"],
            &["create", "api", "--group", "shop", "--version", "v1", "--kind", "Store"],
            &["create", "apiserver", "--group", "wardle", "--version", "v1alpha1", "--kind", "Flunder"],
            &["create", "apiserver", "--group", "wardle", "--version", "v1alpha1", "--kind", "Fischer", "--namespaced=false"],
        ],
    },
];

/// Builds a scenario into `parent/<name>` by running its commands.
pub fn build_scenario(scenario: &Scenario, parent: &Path) -> PathBuf {
    let dir = parent.join(scenario.name);
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = repo().join("tests/fixtures");
    for args in scenario.commands {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{fixtures}", fixtures.to_str().unwrap()))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&dir, &args);
    }
    dir
}
