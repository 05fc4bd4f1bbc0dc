//! `kubeforge create api --plugins deploy-image`: refusals, what the flags put in the generated
//! files, RBAC, and replay by `alpha generate`.

use crate::common::{fails, ok, own_files, read, tree};

/// The Memcached command line of kubebuilder's tutorial, with `extra` flags.
fn memcached(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "create",
        "api",
        "--group",
        "cache",
        "--version",
        "v1alpha1",
        "--kind",
        "Memcached",
    ];
    args.extend(extra);
    args
}

const FLAGS: &[&str] = &[
    "--image",
    "memcached:1.6.26-alpine",
    "--image-container-command",
    "memcached,--memory-limit=64,-o,modern,-v",
    "--image-container-port",
    "11211",
    "--run-as-user",
    "1001",
    "--plugins",
    "deploy-image",
];

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", "example.com", "--project-name", "cache"],
    );
    dir
}

#[test]
fn bad_flags_are_refused_and_nothing_is_written() {
    let dir = project();
    let before = tree(dir.path());
    let refusals: &[(&[&str], &str)] = &[
        (
            &["--plugins", "go/v4", "--image", "x:1"],
            "--plugins `go/v4`",
        ),
        (&["--plugins", "deploy-image"], "needs --image"),
        (&["--image", "memcached:1"], "--image needs --plugins"),
        (&["--plugins", "deploy-image", "--image", " "], "--image"),
        (
            &[
                "--plugins",
                "deploy-image",
                "--image",
                "m:1",
                "--image-container-port",
                "0",
            ],
            "--image-container-port 0",
        ),
        (
            &[
                "--plugins",
                "deploy-image",
                "--image",
                "m:1",
                "--image-container-port",
                "65536",
            ],
            "--image-container-port 65536",
        ),
        (
            &[
                "--plugins",
                "deploy-image",
                "--image",
                "m:1",
                "--resource=false",
            ],
            "--resource=false",
        ),
        (
            &[
                "--plugins",
                "deploy-image",
                "--image",
                "m:1",
                "--from",
                "x.yaml",
            ],
            "--from",
        ),
        (
            &[
                "--plugins",
                "deploy-image",
                "--image",
                "m:1",
                "--image-container-command",
                "a,,b",
            ],
            "--image-container-command",
        ),
    ];
    for (extra, says) in refusals {
        let err = fails(dir.path(), &memcached(extra), 2);
        assert!(err.contains(says), "{extra:?}: {err}");
        assert_eq!(tree(dir.path()), before, "{extra:?} wrote something");
    }
    let err = fails(
        dir.path(),
        &memcached(&["--plugins", "helm", "--image", "m:1"]),
        2,
    );
    assert!(err.contains("deploy-image, deploy-image/v1-alpha"), "{err}");
}

#[test]
fn the_generated_files_hold_what_the_flags_say() {
    let dir = project();
    ok(dir.path(), &memcached(FLAGS));
    let d = dir.path();
    let controller = read(d, "src/controllers/memcached.rs");
    for expected in [
        "pub const DEFAULT_IMAGE: &str = \"memcached:1.6.26-alpine\";",
        "pub const COMMAND: &[&str] = &[\"memcached\", \"--memory-limit=64\", \"-o\", \"modern\", \"-v\"];",
        "pub const IMAGE_ENV: &str = \"MEMCACHED_IMAGE\";",
        "run_as_user: Some(1001),",
        "container_port: self.spec.container_port,",
        ".owns(mgr.api::<apps::Deployment>(), config)",
    ] {
        assert!(controller.contains(expected), "{expected}\n{controller}");
    }
    let types = read(d, "src/api/v1alpha1/memcached.rs");
    assert!(types.contains("#[schemars(range(min = 1, max = 3))]\n    pub size: i32,"));
    assert!(types.contains("pub container_port: i32,"));
    let crd = read(d, "config/crd/bases/cache.example.com_memcacheds.yaml");
    assert!(crd.contains("maximum: 3"), "{crd}");
    assert!(crd.contains("minimum: 1"), "{crd}");
    let sample = read(d, "config/samples/cache_v1alpha1_memcached.yaml");
    assert!(sample.contains("size: 1\n"), "{sample}");
    assert!(sample.contains("containerPort: 11211\n"), "{sample}");
    let manager = read(d, "config/manager/manager.yaml");
    assert!(
        manager.contains("- name: MEMCACHED_IMAGE\n          value: \"memcached:1.6.26-alpine\"\n"),
        "{manager}"
    );
    let envtest = read(d, "tests/envtest/main.rs");
    assert!(envtest.contains("envtest::deploys::<cache::api::v1alpha1::Memcached, _, _>("));
    assert!(envtest.contains("\"runAsUser\": 1001,"), "{envtest}");
    let project = read(d, "PROJECT");
    for expected in [
        "deploy-image.kubeforge.io/v1-alpha:",
        "image: memcached:1.6.26-alpine",
        "containerPort: 11211",
        "runAsUser: 1001",
    ] {
        assert!(project.contains(expected), "{expected}\n{project}");
    }
    ok(d, &["generate", "--check"]);
}

#[test]
fn the_role_may_manage_deployments() {
    let dir = project();
    ok(dir.path(), &memcached(FLAGS));
    let role = read(dir.path(), "config/rbac/role.yaml");
    let rule = "- apiGroups:\n  - apps\n  resources:\n  - deployments\n  verbs:\n  - create\n  - delete\n  - get\n  - list\n  - patch\n  - update\n  - watch\n";
    assert!(role.contains(rule), "{role}");
    assert!(role.contains("  - pods\n"), "{role}");
}

#[test]
fn a_project_without_the_env_marker_is_told_what_to_add() {
    let dir = project();
    let manager = dir.path().join("config/manager/manager.yaml");
    let text = std::fs::read_to_string(&manager).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.contains("+kubeforge:scaffold:managerenv"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manager, &without).unwrap();
    let out = ok(dir.path(), &memcached(FLAGS));
    assert!(out.contains("MEMCACHED_IMAGE"), "{out}");
    assert_eq!(std::fs::read_to_string(&manager).unwrap(), without);
}

#[test]
fn alpha_generate_gives_the_same_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    std::fs::create_dir(&input).unwrap();
    ok(
        &input,
        &["init", "--domain", "example.com", "--project-name", "cache"],
    );
    ok(&input, &memcached(FLAGS));
    let report = ok(&input, &["alpha", "generate", "--output-dir", "../fresh"]);
    assert!(report.contains("--plugins deploy-image"), "{report}");
    let before = own_files(&input);
    let fresh = own_files(&tmp.path().join("fresh"));
    let differs: Vec<&String> = before
        .keys()
        .chain(fresh.keys())
        .filter(|p| before.get(*p) != fresh.get(*p))
        .collect();
    assert!(differs.is_empty(), "{differs:?}");
}
