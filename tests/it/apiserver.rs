//! `create apiserver`: a kind served by the project's extension API server behind an APIService.
//! The first kind brings the server, its binary and its manifests; each kind adds its types, its
//! storage, its roles and, for a new group-version, its APIService; running it again changes
//! nothing; refusals write nothing; the manifests render with kustomize into what aggregation
//! needs.

use std::path::Path;
use std::process::Command;

use crate::common::{fails, ok, read, tree};

/// A new project with a CRD kind in `shop`, in a temporary directory.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "wardle",
        ],
    );
    ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "shop",
            "--version",
            "v1",
            "--kind",
            "Store",
        ],
    );
    dir
}

fn create(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "create",
        "apiserver",
        "--group",
        "wardle",
        "--version",
        "v1alpha1",
    ];
    args.extend(extra);
    ok(dir, &args)
}

#[test]
fn the_first_kind_brings_the_server_and_each_kind_its_own_files() {
    let dir = project();
    let d = dir.path();
    create(d, &["--kind", "Flunder"]);
    for path in [
        "src/apiserver/mod.rs",
        "src/apiserver/flunder.rs",
        "src/bin/apiserver.rs",
        "src/api/v1alpha1/flunder.rs",
        "Dockerfile.apiserver",
        "config/apiserver/apiservice_wardle_v1alpha1.yaml",
        "config/apiserver/wardle_flunder_roles.yaml",
        "config/apiserver/deployment.yaml",
    ] {
        assert!(d.join(path).is_file(), "{path} is missing");
    }
    assert!(read(d, "src/lib.rs").contains("pub mod apiserver;\n"));
    assert!(read(d, "src/api/mod.rs").contains("pub mod v1alpha1;\n"));
    let types = read(d, "src/api/v1alpha1/flunder.rs");
    assert!(
        types.contains("impl kube::Resource for Flunder {"),
        "{types}"
    );
    assert!(types.contains("\"wardle.example.com\".into()"), "{types}");
    assert!(types.contains("NamespaceResourceScope"), "{types}");
    // No CRD for the aggregated kind: `generate` leaves it alone and stays clean.
    assert!(
        !d.join("config/crd/bases/wardle.example.com_flunders.yaml")
            .exists()
    );
    ok(d, &["generate", "--check"]);

    // A second kind of the same group-version: its own files, no second APIService.
    create(d, &["--kind", "Fischer", "--namespaced=false"]);
    let kustomization = read(d, "config/apiserver/kustomization.yaml");
    assert_eq!(
        kustomization
            .matches("apiservice_wardle_v1alpha1.yaml")
            .count(),
        1
    );
    assert!(kustomization.contains("- wardle_fischer_roles.yaml\n"));
    let server = read(d, "src/apiserver/mod.rs");
    assert!(server.contains("server = server.resource(flunder::storage());\n    server = server.resource(fischer::storage());\n"), "{server}");
    assert!(read(d, "src/api/v1alpha1/fischer.rs").contains("ClusterResourceScope"));
    let project = read(d, "PROJECT");
    assert!(
        project.contains("  apiserver.kubeforge.io/v1-alpha:\n    resources:\n    - group: wardle\n      kind: Flunder\n      namespaced: true\n      plural: flunders\n      version: v1alpha1\n    - group: wardle\n      kind: Fischer\n      plural: fischers\n      version: v1alpha1\n"),
        "{project}"
    );

    // Again: nothing changes.
    let before = tree(d);
    let out = create(d, &["--kind", "Fischer", "--namespaced=false"]);
    assert!(out.contains("is served already; nothing to do"), "{out}");
    assert_eq!(tree(d), before);
}

#[test]
fn refusals_name_the_flag_and_write_nothing() {
    let dir = project();
    let d = dir.path();
    let before = tree(d);
    let cases: &[(&[&str], &str)] = &[
        (
            &["--group", "shop", "--version", "v1", "--kind", "Flunder"],
            "shop.example.com/v1 is served by the CRD of Store",
        ),
        (
            &[
                "--group",
                "shop",
                "--version",
                "v1alpha1",
                "--kind",
                "Store",
            ],
            "the group already has the resource `stores` of kind Store",
        ),
        (
            &["--group", "apps", "--version", "v1", "--kind", "Flunder"],
            "--group `apps` is a group of Kubernetes itself",
        ),
        (
            &["--group", "wardle", "--version", "1", "--kind", "Flunder"],
            "--version",
        ),
        (
            &["--group", "wardle", "--version", "v1", "--kind", "flunder"],
            "--kind `flunder`",
        ),
        (
            &[
                "--group",
                "wardle",
                "--version",
                "v1",
                "--kind",
                "Flunder",
                "--plural",
                "Flunders",
            ],
            "--plural `Flunders`",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["create", "apiserver"];
        all.extend(*args);
        let err = fails(d, &all, 2);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    create(d, &["--kind", "Flunder"]);
    let err = fails(
        d,
        &[
            "create",
            "apiserver",
            "--group",
            "wardle",
            "--version",
            "v1alpha1",
            "--kind",
            "Flunder",
            "--namespaced=false",
        ],
        2,
    );
    assert!(
        err.contains("is served already, with other options"),
        "{err}"
    );
    assert_ne!(tree(d), before);
}

#[test]
fn the_manifests_render_what_aggregation_needs() {
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        eprintln!("kubectl not found: the rendering check is skipped");
        return;
    }
    let dir = project();
    let d = dir.path();
    create(d, &["--kind", "Flunder"]);
    let out = Command::new("kubectl")
        .args(["kustomize", "config/apiserver"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let objects = kubeforge::yaml::values_from_str(Path::new("config/apiserver"), &text).unwrap();
    let find = |kind: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {text}"))
    };
    let api_service = find("APIService");
    assert_eq!(
        api_service["metadata"]["name"],
        "v1alpha1.wardle.example.com"
    );
    assert_eq!(api_service["spec"]["service"]["name"], "wardle-apiserver");
    assert_eq!(api_service["spec"]["service"]["namespace"], "wardle-system");
    assert_eq!(
        api_service["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
        "wardle-system/wardle-apiserver-serving-cert"
    );
    let certificate = find("Certificate");
    assert_eq!(
        certificate["spec"]["dnsNames"][0],
        "wardle-apiserver.wardle-system.svc"
    );
    let reader = find("RoleBinding");
    assert_eq!(reader["metadata"]["namespace"], "kube-system");
    assert_eq!(
        reader["roleRef"]["name"],
        "extension-apiserver-authentication-reader"
    );
    let delegator = find("ClusterRoleBinding");
    assert_eq!(delegator["roleRef"]["name"], "system:auth-delegator");
    let service = find("Service");
    assert_eq!(service["spec"]["ports"][0]["name"], "https");
    let pod = &find("Deployment")["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(pod["serviceAccountName"], "wardle-apiserver");
    let roles: Vec<_> = objects
        .iter()
        .filter(|o| o["kind"] == "ClusterRole")
        .collect();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0]["rules"][0]["resources"][0], "flunders");
}
