//! The command line end to end, in temporary directories.

use std::path::Path;

use crate::common::{fails, kubeforge, ok, read, tree};

fn init(dir: &Path) {
    ok(dir, &["init", "--domain", "example.com"]);
}

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("guestbook");
    std::fs::create_dir(&dir).unwrap();
    init(&dir);
    (tmp, dir)
}

const GUESTBOOK: &[&str] = &[
    "create",
    "api",
    "--group",
    "webapp",
    "--version",
    "v1",
    "--kind",
    "Guestbook",
];

#[test]
fn init_writes_a_project_named_after_the_directory() {
    let (_tmp, dir) = project();
    let files = tree(&dir);
    for f in [
        "Cargo.toml",
        "PROJECT",
        "README.md",
        ".gitignore",
        "LICENSE",
        "src/main.rs",
        "src/lib.rs",
        "src/bin/crdgen.rs",
        "config/rbac/role.yaml",
    ] {
        assert!(files.contains_key(f), "{f} missing; got {:?}", files.keys());
    }
    assert!(!files.contains_key("Cargo.lock"));
    let project = read(&dir, "PROJECT");
    assert!(project.contains("projectName: guestbook\n"), "{project}");
    assert!(project.contains("domain: example.com\n"), "{project}");
    assert!(
        project.contains("k8sVersion: '1.33'\n") || project.contains("k8sVersion: \"1.33\"\n"),
        "{project}"
    );
    assert!(read(&dir, "Cargo.toml").contains("name = \"guestbook\""));
    assert!(read(&dir, "src/main.rs").starts_with("// Copyright The guestbook Authors.\n"));
    // Every text file ends with exactly one newline and has no CR.
    for (path, bytes) in files {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n"),
            "{path} must end with one newline"
        );
        assert!(!text.contains('\r'), "{path} has CR");
    }
}

/// kubeforge's journal and temporary files, at the root and beside any file it writes, stay out
/// of git; the template overrides under .kubeforge/ do not.
#[test]
fn gitignore_keeps_out_the_files_kubeforge_writes_through() {
    let (_tmp, dir) = project();
    let gitignore = read(&dir, ".gitignore");
    assert!(
        gitignore.lines().any(|l| l == ".kubeforge-*"),
        "{gitignore}"
    );
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
    };
    if git(&["init", "-q"]).is_err() {
        eprintln!("git not found: the check with git check-ignore is skipped");
        return;
    }
    for (path, ignored) in [
        (".kubeforge-journal", true),
        (".kubeforge-PROJECT", true),
        (
            "config/crd/bases/.kubeforge-webapp.example.com_guestbooks.yaml",
            true,
        ),
        ("src/api/v1/.kubeforge-guestbook.rs", true),
        (".kubeforge/templates/init/README.md.tera", false),
        ("src/main.rs", false),
    ] {
        let out = git(&["check-ignore", "-q", path]).unwrap();
        assert_eq!(out.status.success(), ignored, "{path}");
    }
}

#[test]
fn init_without_license_has_no_header() {
    let tmp = tempfile::tempdir().unwrap();
    ok(
        tmp.path(),
        &["init", "--project-name", "plain", "--license", "none"],
    );
    assert!(!tmp.path().join("LICENSE").exists());
    assert!(!read(tmp.path(), "src/main.rs").contains("Copyright"));
    assert!(read(tmp.path(), "PROJECT").contains("domain: my.domain\n"));
}

#[test]
fn init_refuses_existing_projects_and_bad_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("op");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
    let err = fails(&dir, &["init"], 2);
    assert!(err.contains("already holds a Cargo.toml"), "{err}");
    assert_eq!(tree(&dir).len(), 1, "nothing written");

    let bad = tmp.path().join("Bad_Name");
    std::fs::create_dir(&bad).unwrap();
    let err = fails(&bad, &["init"], 2);
    assert!(err.contains("--project-name"), "{err}");
    assert!(tree(&bad).is_empty());

    for (args, flag) in [
        (
            &["init", "--project-name", "kube"][..],
            "--project-name `kube`",
        ),
        (
            &["init", "--project-name", "ok", "--domain", "Example.COM"][..],
            "--domain",
        ),
        (
            &["init", "--project-name", "ok", "--k8s-version", "1.20"][..],
            "--k8s-version",
        ),
        // The owner goes on one line of every license header.
        (
            &["init", "--project-name", "ok", "--owner", "The\nAuthors"][..],
            "--owner `The\\nAuthors` contains the control character U+000A",
        ),
        (
            &[
                "init",
                "--project-name",
                "ok",
                "--owner",
                "The\u{202e}Authors",
            ][..],
            "--owner `The\\u{202e}Authors` contains the control character U+202E",
        ),
    ] {
        let err = fails(&bad, args, 2);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(err.contains("hint:"), "{err}");
        assert!(tree(&bad).is_empty());
    }
}

#[test]
fn create_api_refuses_bad_flags_and_writes_nothing() {
    let (_tmp, dir) = project();
    let before = tree(&dir);
    // 101 characters: a version is a DNS-1035 label, at most 63.
    let long_version = format!("v{}", "1".repeat(100));
    for (args, flag) in [
        (
            vec![
                "--group",
                "Web_App",
                "--version",
                "v1",
                "--kind",
                "Guestbook",
            ],
            "--group",
        ),
        (
            vec!["--group", "webapp", "--version", "1", "--kind", "Guestbook"],
            "--version",
        ),
        (
            vec![
                "--group",
                "webapp",
                "--version",
                &long_version,
                "--kind",
                "Guestbook",
            ],
            "--version",
        ),
        (
            vec![
                "--group",
                "webapp",
                "--version",
                "v1alpha",
                "--kind",
                "Guestbook",
            ],
            "--version",
        ),
        (
            vec![
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                "guestbook",
            ],
            "--kind",
        ),
        (
            vec![
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                "Guest-book",
            ],
            "--kind",
        ),
        (
            vec![
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                "Guestbook",
                "--plural",
                "1books",
            ],
            "--plural",
        ),
    ] {
        let mut full = vec!["create", "api"];
        full.extend(args);
        let err = fails(&dir, &full, 2);
        assert!(err.contains(flag), "{full:?}: {err}");
        assert_eq!(
            err.lines().filter(|l| l.contains("hint:")).count(),
            1,
            "{err}"
        );
        assert_eq!(tree(&dir), before, "{full:?} wrote something");
    }
    let err = fails(tempfile::tempdir().unwrap().path(), GUESTBOOK, 2);
    assert!(err.contains("kubeforge init"), "{err}");
    // A PROJECT that is not UTF-8 text, or a directory.
    for broken in ["bytes", "directory"] {
        let (_tmp, dir) = project();
        let project_file = dir.join("PROJECT");
        if broken == "bytes" {
            std::fs::write(&project_file, b"domain: \xff\xfe\n").unwrap();
        } else {
            std::fs::remove_file(&project_file).unwrap();
            std::fs::create_dir(&project_file).unwrap();
        }
        let before = tree(&dir);
        let err = fails(&dir, GUESTBOOK, 2);
        assert!(err.contains("PROJECT"), "{broken}: {err}");
        assert_eq!(tree(&dir), before, "{broken}");
    }
    // -C naming a file, not a directory.
    let file = dir.join("PROJECT");
    let mut args = vec!["-C", file.to_str().unwrap()];
    args.extend(GUESTBOOK);
    let err = fails(&dir, &args, 2);
    assert!(
        err.contains("-C") && err.contains("not a directory"),
        "{err}"
    );
    assert_eq!(tree(&dir), before);
}

#[test]
fn create_api_is_idempotent_and_refuses_conflicting_options() {
    let (_tmp, dir) = project();
    let out = ok(&dir, GUESTBOOK);
    assert!(out.contains("create    src/api/v1/guestbook.rs"), "{out}");
    assert!(
        out.contains("create    config/crd/bases/webapp.example.com_guestbooks.yaml"),
        "{out}"
    );
    let after_first = tree(&dir);
    let out = ok(&dir, GUESTBOOK);
    assert!(out.contains("nothing to do"), "{out}");
    assert_eq!(tree(&dir), after_first);
    // `generate` on a fresh project changes nothing either.
    let out = ok(&dir, &["generate"]);
    assert!(!out.contains("update"), "{out}");
    assert_eq!(tree(&dir), after_first);

    let mut cluster = GUESTBOOK.to_vec();
    cluster.push("--namespaced=false");
    let err = fails(&dir, &cluster, 2);
    assert!(err.contains("--namespaced=false"), "{err}");
    let mut plural = GUESTBOOK.to_vec();
    plural.extend(["--plural", "books"]);
    let err = fails(&dir, &plural, 2);
    assert!(err.contains("--plural"), "{err}");
    let err = fails(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "other",
            "--version",
            "v1",
            "--kind",
            "Thing",
        ],
        2,
    );
    assert!(err.contains("single-group"), "{err}");
    assert_eq!(tree(&dir), after_first);
}

#[test]
fn plurals_kube_derive_would_get_wrong_are_explicit() {
    let (_tmp, dir) = project();
    ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "net",
            "--version",
            "v1",
            "--kind",
            "Endpoints",
        ],
    );
    ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "net",
            "--version",
            "v1",
            "--kind",
            "Policy",
        ],
    );
    let endpoints = read(&dir, "src/api/v1/endpoints.rs");
    assert!(endpoints.contains("plural = \"endpoints\""), "{endpoints}");
    assert!(!read(&dir, "src/api/v1/policy.rs").contains("plural ="));
    assert!(
        dir.join("config/crd/bases/net.example.com_endpoints.yaml")
            .exists()
    );
    assert!(
        dir.join("config/crd/bases/net.example.com_policies.yaml")
            .exists()
    );
}

#[test]
fn dry_run_shows_the_plan_and_diffs_and_writes_nothing() {
    let (_tmp, dir) = project();
    let before = tree(&dir);
    let mut args = vec!["--dry-run"];
    args.extend(GUESTBOOK);
    let out = ok(&dir, &args);
    assert!(
        out.contains("create    src/controllers/guestbook.rs"),
        "{out}"
    );
    assert!(
        out.contains("update    src/main.rs (at controllers)"),
        "{out}"
    );
    assert!(out.contains("+++ b/src/api/v1/guestbook.rs"), "{out}");
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert_eq!(tree(&dir), before);

    let tmp = tempfile::tempdir().unwrap();
    let out = ok(tmp.path(), &["init", "--project-name", "x", "--dry-run"]);
    assert!(out.contains("create    Cargo.toml"), "{out}");
    assert!(tree(tmp.path()).is_empty());
}

#[test]
fn force_rerenders_and_keeps_edits_as_orig() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    let types = dir.join("src/api/v1/guestbook.rs");
    let pristine = std::fs::read_to_string(&types).unwrap();
    let edited = pristine.replace(
        "pub struct GuestbookSpec {",
        "pub struct GuestbookSpec {\n    pub size: i32,",
    );
    assert_ne!(edited, pristine);
    std::fs::write(&types, &edited).unwrap();

    // Without --force the edit stays.
    ok(&dir, GUESTBOOK);
    assert_eq!(std::fs::read_to_string(&types).unwrap(), edited);

    let mut forced = GUESTBOOK.to_vec();
    forced.push("--force");
    let out = ok(&dir, &forced);
    assert!(out.contains("overwrite src/api/v1/guestbook.rs (previous content kept as src/api/v1/guestbook.rs.orig)"), "{out}");
    assert_eq!(std::fs::read_to_string(&types).unwrap(), pristine);
    assert_eq!(read(&dir, "src/api/v1/guestbook.rs.orig"), edited);
    // Injected files are not duplicated by --force.
    assert_eq!(
        read(&dir, "src/main.rs").matches("guestbook::run").count(),
        1
    );
}

#[test]
fn missing_marker_is_an_error_that_prints_the_fragment() {
    let (_tmp, dir) = project();
    let main = read(&dir, "src/main.rs");
    let without: String = main
        .lines()
        .filter(|l| !l.contains("+kubeforge:scaffold:controllers"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("src/main.rs"), without).unwrap();
    let before = tree(&dir);
    let err = fails(&dir, GUESTBOOK, 2);
    assert!(
        err.contains("src/main.rs: marker `// +kubeforge:scaffold:controllers` not found"),
        "{err}"
    );
    assert!(
        err.contains("guestbook"),
        "the fragment to paste is shown: {err}"
    );
    assert_eq!(tree(&dir), before, "nothing written");
}

#[test]
fn broken_template_override_writes_nothing() {
    let (_tmp, dir) = project();
    let override_dir = dir.join(".kubeforge/templates/api/{api_dir}");
    std::fs::create_dir_all(&override_dir).unwrap();
    std::fs::write(
        override_dir.join("{module}.rs.tera"),
        "pub struct {{ resource.kind }}Spec {\n",
    )
    .unwrap();
    let before = tree(&dir);
    let err = fails(&dir, GUESTBOOK, 2);
    assert!(err.contains("src/api/v1/guestbook.rs"), "{err}");
    assert!(err.contains("does not parse"), "{err}");
    assert_eq!(tree(&dir), before, "nothing written");
}

#[test]
fn generate_check_reports_stale_files() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    let out = ok(&dir, &["generate", "--check"]);
    assert!(out.contains("up to date"), "{out}");

    let types = dir.join("src/api/v1/guestbook.rs");
    let text = std::fs::read_to_string(&types).unwrap();
    std::fs::write(
        &types,
        text.replace(
            "pub struct GuestbookSpec {",
            "pub struct GuestbookSpec {\n    pub size: i32,",
        ),
    )
    .unwrap();
    let before = tree(&dir);
    let out = kubeforge(&dir, &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("+              size:") || stdout.contains("+            size:"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("config/crd/bases/webapp.example.com_guestbooks.yaml")
    );
    assert_eq!(tree(&dir), before, "--check writes nothing");

    let out = ok(&dir, &["generate"]);
    assert!(
        out.contains("update    config/crd/bases/webapp.example.com_guestbooks.yaml"),
        "{out}"
    );
    ok(&dir, &["generate", "--check"]);
}

#[test]
fn rbac_markers_drive_role_yaml() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    let role = read(&dir, "config/rbac/role.yaml");
    assert!(
        role.starts_with("# Code generated by kubeforge. DO NOT EDIT.\n"),
        "{role}"
    );
    assert!(role.contains("- guestbooks/finalizers"), "{role}");
    let ctrl = dir.join("src/controllers/guestbook.rs");
    let text = std::fs::read_to_string(&ctrl).unwrap();
    std::fs::write(
        &ctrl,
        format!("// +kubeforge:rbac:groups=apps,resources=deployments,verbs=get;list\n{text}"),
    )
    .unwrap();
    ok(&dir, &["generate"]);
    assert!(read(&dir, "config/rbac/role.yaml").contains("- deployments"));
}

#[test]
fn template_overrides_replace_the_embedded_template() {
    let (_tmp, dir) = project();
    let override_dir = dir.join(".kubeforge/templates/api/config/samples");
    std::fs::create_dir_all(&override_dir).unwrap();
    std::fs::write(
        override_dir.join("{group}_{version}_{module}.yaml.tera"),
        "apiVersion: {{ resource.full_group }}/{{ resource.version }}\nkind: {{ resource.kind }}\nmetadata:\n  name: mine\nspec: {}\n",
    )
    .unwrap();
    ok(&dir, GUESTBOOK);
    assert!(read(&dir, "config/samples/webapp_v1_guestbook.yaml").contains("name: mine"));
}

#[test]
fn controllers_for_builtin_kinds_have_no_crd() {
    let (_tmp, dir) = project();
    let out = ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "apps",
            "--version",
            "v1",
            "--kind",
            "Deployment",
            "--resource=false",
        ],
    );
    assert!(
        out.contains("update    src/main.rs (at controllers)"),
        "{out}"
    );
    assert!(
        !dir.join("config/crd").exists(),
        "no CRD for a built-in kind"
    );
    let project = read(&dir, "PROJECT");
    assert!(
        project.contains("kind: Deployment") && project.contains("core: true"),
        "{project}"
    );
    // Unknown built-in kinds are refused with the known ones listed.
    let err = fails(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "apps",
            "--version",
            "v1",
            "--kind",
            "Thing",
            "--resource=false",
        ],
        2,
    );
    assert!(err.contains("Deployment"), "known kinds are listed: {err}");
}

#[test]
fn version_and_completion() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(ok(tmp.path(), &["version"]).starts_with("kubeforge "));
    assert!(ok(tmp.path(), &["completion", "bash"]).contains("kubeforge"));
    let out = kubeforge(tmp.path(), &["create", "api", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let help = ok(tmp.path(), &["create", "api", "--help"]);
    assert!(help.contains("Examples:"), "{help}");
}

#[test]
fn max_desc_len_trims_descriptions() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    let crd_file = "config/crd/bases/webapp.example.com_guestbooks.yaml";
    assert!(read(&dir, crd_file).contains("description: An example field of Guestbook."));
    ok(&dir, &["generate", "--max-desc-len", "10"]);
    let crd = read(&dir, crd_file);
    let docs = kubeforge::yaml::values_from_str(Path::new(crd_file), &crd).unwrap();
    fn longest(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| {
                    if k == "description" {
                        v.as_str().map_or(0, str::len)
                    } else {
                        longest(v)
                    }
                })
                .max()
                .unwrap_or(0),
            serde_json::Value::Array(a) => a.iter().map(longest).max().unwrap_or(0),
            _ => 0,
        }
    }
    assert!(longest(&docs[0]) <= 10, "{crd}");
    ok(&dir, &["generate", "--check", "--max-desc-len", "10"]);
    assert_eq!(
        kubeforge(&dir, &["generate", "--check"]).status.code(),
        Some(1)
    );
}

#[test]
fn create_api_from_a_description() {
    let (_tmp, dir) = project();
    let desc = dir.join("widget.yaml");
    std::fs::write(
        &desc,
        "kind: Widget\nversion: v1alpha1\nspec:\n  properties:\n    size:\n      type: integer\n      format: int32\n      minimum: 1\n      required: true\n    image: string\n",
    )
    .unwrap();
    let before = tree(&dir);
    // Flags that disagree with the file name the file's line.
    let err = fails(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "shop",
            "--kind",
            "Gadget",
            "--from",
            "widget.yaml",
        ],
        2,
    );
    assert!(err.contains("widget.yaml:1:"), "{err}");
    assert!(err.contains("--kind Gadget"), "{err}");
    let err = fails(
        &dir,
        &["create", "api", "--group", "shop", "--from", "missing.yaml"],
        2,
    );
    assert!(err.contains("--from missing.yaml"), "{err}");
    assert_eq!(tree(&dir), before, "nothing written");

    ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "shop",
            "--from",
            "widget.yaml",
            "--controller=false",
        ],
    );
    let types = read(&dir, "src/api/v1alpha1/widget.rs");
    assert!(types.contains("pub size: i32"), "{types}");
    let crd = read(&dir, "config/crd/bases/shop.example.com_widgets.yaml");
    assert!(crd.contains("minimum: 1.0"), "{crd}");
    assert!(crd.contains("- size"), "required: {crd}");
    ok(&dir, &["generate", "--check"]);
}

#[test]
fn schema_prints_the_description_format() {
    let tmp = tempfile::tempdir().unwrap();
    let schema: serde_json::Value = serde_json::from_str(&ok(tmp.path(), &["schema"])).unwrap();
    assert!(schema["properties"]["spec"].is_object(), "{schema}");
    assert!(schema["properties"]["kind"].is_object(), "{schema}");
}

#[test]
fn edit_namespaced_rerenders_untouched_files_and_keeps_edited_ones() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    fails(&dir, &["edit"], 2);
    assert!(read(&dir, "config/rbac/role.yaml").contains("kind: ClusterRole\n"));
    // The user changed the manager's Deployment; the role binding is as init wrote it.
    let manager = format!("{}# edited\n", read(&dir, "config/manager/manager.yaml"));
    std::fs::write(dir.join("config/manager/manager.yaml"), &manager).unwrap();
    let binding_before = read(&dir, "config/rbac/role_binding.yaml");

    let out = ok(&dir, &["edit", "--namespaced"]);
    assert!(
        out.contains("keep      config/manager/manager.yaml"),
        "{out}"
    );
    assert!(
        out.contains("update    config/rbac/role_binding.yaml"),
        "{out}"
    );
    assert_eq!(
        read(&dir, "config/manager/manager.yaml"),
        manager,
        "the user's edit is kept"
    );
    assert_ne!(read(&dir, "config/rbac/role_binding.yaml"), binding_before);
    assert!(read(&dir, "config/rbac/role_binding.yaml").contains("kind: RoleBinding"));
    assert!(read(&dir, "config/rbac/role.yaml").contains("kind: Role\n"));
    assert!(read(&dir, "PROJECT").contains("namespaced: true"));

    // Back again: the binding follows, a second run changes nothing.
    ok(&dir, &["edit", "--namespaced=false"]);
    assert_eq!(read(&dir, "config/rbac/role_binding.yaml"), binding_before);
    let settled = tree(&dir);
    ok(&dir, &["edit", "--namespaced=false"]);
    assert_eq!(tree(&dir), settled);
}

#[test]
fn generate_names_the_crd_of_a_kind_that_left_the_source() {
    let (_tmp, dir) = project();
    ok(&dir, GUESTBOOK);
    let mut memcached = GUESTBOOK.to_vec();
    memcached[7] = "Memcached";
    ok(&dir, &memcached);
    std::fs::remove_file(dir.join("src/api/v1/memcached.rs")).unwrap();
    let out = ok(&dir, &["generate"]);
    assert!(
        out.contains(
            "warning   no kind in src/api/ makes config/crd/bases/webapp.example.com_memcacheds.yaml any more"
        ),
        "{out}"
    );
    // Kept: deleting a CRD from a cluster deletes its objects, so that is the user's call.
    assert!(
        dir.join("config/crd/bases/webapp.example.com_memcacheds.yaml")
            .exists()
    );
    let out = ok(&dir, &["generate"]);
    assert!(!out.contains("guestbooks.yaml any more"), "{out}");
}

#[test]
fn storage_moves_between_versions_and_back() {
    let (_tmp, dir) = project();
    let api = |version: &str, storage: bool| {
        let mut args = vec!["create", "api", "--group", "webapp", "--version", version];
        args.extend(["--kind", "Guestbook", "--controller=false"]);
        if storage {
            args.push("--storage");
        }
        ok(&dir, &args);
    };
    let marked = |version: &str| {
        read(&dir, &format!("src/api/{version}/guestbook.rs"))
            .lines()
            .filter(|l| l.trim() == "#[kube(storage = false)]")
            .count()
    };
    api("v1", false);
    api("v2", true);
    assert_eq!((marked("v1"), marked("v2")), (1, 0));
    api("v1", true);
    assert_eq!((marked("v1"), marked("v2")), (0, 1));
    let types = read(&dir, "src/api/v2/guestbook.rs");
    let under = types
        .lines()
        .skip_while(|l| !l.starts_with("#[kube(group = \"webapp.example.com\", version = \"v2\")]"))
        .nth(1);
    assert_eq!(under, Some("#[kube(storage = false)]"));
    assert!(ok(&dir, &["generate", "--check"]).contains("up to date"));
}
