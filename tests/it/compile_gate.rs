//! The compile gate: every snapshot project (and the fidelity fixture) goes into one temporary
//! cargo workspace, built from the lockfile committed at tests/compile-gate/Cargo.lock, and must
//! pass `cargo build`, `cargo test`, `cargo clippy -D warnings` and `cargo fmt --check`.
//! The CRDs each project's `crdgen` prints from its compiled types must equal the CRDs kubeforge
//! derived from the source.
//!
//! A member `edited-spec` is a project whose user changed a kind's spec after kubeforge made its
//! webhooks: the generated tests must still build and pass.
//!
//! One more member, `descriptions`, holds the types generated from resource descriptions (every
//! keyword case and fixture, random descriptions, and the shared CRDs when present; see
//! tests/description_support/scratch.rs), checked the same way: its binary prints each module's
//! `crd()`, which must equal what kubeforge derives from that module's source.
//!
//! The runtime crate (`kubeforge-runtime/`) is a member once, and every project's dependency on
//! its vendored copy points there (each copy must equal the crate). The projects adopted from
//! the CRDs of ../shared, when present, are built, tested, linted and formatted in a second
//! workspace, resolved offline from the same lockfile.
//!
//! Dependencies stay compiled in target/compile-gate between runs. After changing the
//! dependencies of generated projects, refresh the lockfile with
//! `KUBEFORGE_UPDATE_LOCKFILE=1 cargo test --test it compile_gate::`.

use crate::common;
use crate::description_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{SCENARIOS, repo};
use crate::description_support::scratch;

const LOCKFILE: &str = "tests/compile-gate/Cargo.lock";

fn copy_tree(from: &Path, to: &Path) {
    common::write_tree(&common::tree(from), to);
}

fn cargo(ws: &Path, args: &[&str]) -> String {
    cargo_output(ws, args).0
}

/// Runs cargo in the workspace and requires success; its stdout and stderr.
fn cargo_output(ws: &Path, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", repo().join("target/compile-gate"))
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed in the compile gate\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Where kubeforge's end-to-end suite against a real control plane lives.
const E2E_CRATE: &str = "tests/control-plane/e2e";

/// The domain of the projects made from descriptions.
const E2E_DOMAIN: &str = "e2e.example.com";

/// One project per description fixture (and per shared CRD, when present), made as a user would,
/// with default flags: `kubeforge init`, then `create api --from` the description. Returns the
/// projects of the fixtures of this repository, which join the workspace, made in `dir`; and
/// those of ../shared, made in `shared_dir`, which go to a workspace of their own (the main one
/// and its lockfile must not depend on ../shared).
fn description_projects(dir: &Path, shared_dir: &Path) -> Projects {
    let mut descriptions: Vec<(String, String, bool)> = Vec::new();
    for fixtures in ["tests/fixtures/descriptions", "tests/fixtures/adoption"] {
        for (path, bytes) in common::tree(&repo().join(fixtures)) {
            let name = path.trim_end_matches(".yaml").replace('_', "-");
            descriptions.push((name, String::from_utf8(bytes).unwrap(), true));
        }
    }
    if let Some(shared) = description_support::shared_crds_dir() {
        for (path, bytes) in common::tree(&shared) {
            if let Some(stem) = path.strip_suffix(".yaml") {
                // Named by the file's last word (`cert-manager-certificate` makes
                // `shared-certificate`), or by the whole stem when another project has that name.
                // Long project names are laid out as rustfmt does (tests/it/long_names.rs).
                let short = format!("shared-{}", stem.rsplit('-').next().unwrap_or(stem));
                let taken = descriptions.iter().any(|(n, _, _)| *n == short);
                let name = if taken {
                    format!("shared-{stem}")
                } else {
                    short
                };
                descriptions.push((name, String::from_utf8(bytes).unwrap(), false));
            }
        }
    }
    let (mut members, mut shared) = (Vec::new(), Vec::new());
    for (name, yaml, member) in descriptions {
        let project = if member { dir } else { shared_dir }.join(&name);
        std::fs::create_dir_all(&project).unwrap();
        let file = project.with_extension("yaml");
        std::fs::write(&file, &yaml).unwrap();
        // A CRD manifest goes into a project of its group's domain, and names its group itself.
        let doc = &kubeforge::yaml::values_from_str(&file, &yaml).unwrap()[0];
        let crd_domain = (doc["kind"] == "CustomResourceDefinition").then(|| {
            let group = doc["spec"]["group"].as_str().unwrap();
            group.split_once('.').unwrap().1.to_string()
        });
        let domain = crd_domain.as_deref().unwrap_or(E2E_DOMAIN);
        common::ok(
            &project,
            &["init", "--domain", domain, "--project-name", &name],
        );
        let mut args = vec!["create", "api", "--from", file.to_str().unwrap()];
        if crd_domain.is_none() && !yaml.lines().any(|l| l.starts_with("group:")) {
            args.extend(["--group", "e2e"]);
        }
        common::ok(&project, &args);
        if member {
            members.push((format!("e2e-projects/{name}"), project));
        } else {
            shared.push((name, project));
        }
    }
    (members, shared)
}

/// Workspace members: name (the folder, relative to the workspace) and directory.
type Members = Vec<(String, PathBuf)>;

/// The projects that join the main workspace, and those that get one of their own.
type Projects = (Members, Members);

/// The runtime crate's folder, in the repository and in the workspace.
const RUNTIME: &str = "kubeforge-runtime";

/// Copies the runtime crate into the workspace as a member of its own (so its tests run once)
/// and points every member's dependency on it there. A project made here holds a copy of it,
/// which must equal the crate and is then removed: one package per name in a workspace.
fn copy_runtime(ws: &Path, members: &[(String, PathBuf)]) {
    let crate_dir = repo().join(RUNTIME);
    std::fs::create_dir_all(ws.join(RUNTIME)).unwrap();
    // Its tests too: with the features the projects turn on (`testing`, `apiserver`), they run
    // with theirs.
    for part in ["Cargo.toml", "README.md", "src", "tests"] {
        let from = crate_dir.join(part);
        if from.is_dir() {
            copy_tree(&from, &ws.join(RUNTIME).join(part));
        } else {
            std::fs::copy(&from, ws.join(RUNTIME).join(part)).unwrap();
        }
    }
    let runtime = ws.join(RUNTIME);
    for (_, dir) in members {
        if dir.join(common::VENDORED).exists() {
            common::vendored_runtime_is_the_crate(dir);
            std::fs::remove_dir_all(dir.join(common::VENDORED)).unwrap();
        }
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            match line.split_once("path = \"") {
                Some((head, rest)) if line.starts_with("kubeforge-runtime = ") => {
                    let tail = &rest[rest.find('"').unwrap()..];
                    out.push_str(&format!("{head}path = \"{}{tail}", runtime.display()));
                }
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        std::fs::write(&manifest, out).unwrap();
    }
}

/// Replaces the first `from` in the file `path` of `project` with `to`.
fn edit(project: &Path, path: &str, from: &str, to: &str) {
    let text = common::read(project, path);
    assert!(text.contains(from), "{path} has no `{from}`:\n{text}");
    std::fs::write(project.join(path), text.replacen(from, to, 1)).unwrap();
}

/// A project whose user gave a kind's spec a required field after its webhooks were made: the
/// tests kubeforge generated build and pass as they are.
fn edited_spec_project(dir: &Path) -> (String, PathBuf) {
    let name = "edited-spec";
    let project = dir.join(name);
    std::fs::create_dir_all(&project).unwrap();
    let kind = "--group webapp --version v1 --kind Guestbook";
    for command in [
        format!("init --domain example.com --project-name {name}"),
        format!("create api {kind}"),
        format!("create webhook {kind} --defaulting --programmatic-validation"),
    ] {
        let args: Vec<&str> = command.split(' ').collect();
        common::ok(&project, &args);
    }
    let field = "    pub foo: Option<String>,\n";
    let required = "\n    /// How many replicas to run.\n    pub replicas: i32,\n";
    edit(
        &project,
        "src/api/v1/guestbook.rs",
        field,
        &format!("{field}{required}"),
    );
    edit(
        &project,
        "config/samples/webapp_v1_guestbook.yaml",
        "  foo: bar\n",
        "  foo: bar\n  replicas: 1\n",
    );
    common::ok(&project, &["generate"]);
    (name.to_string(), project)
}

/// The custom resources of the differential validation (tests/fixtures/control-plane/
/// cronjob-objects.yaml) with kubeforge's verdict on each under the CRD of the CronJob
/// description, written to `e2e-differential.json` for the end-to-end suite, which asks the API
/// server. Each verdict must first match what the case file says the schema demands.
fn differential_cases(ws: &Path) {
    let file = repo().join("tests/fixtures/control-plane/cronjob-objects.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let fixture = &kubeforge::yaml::values_from_str(&file, &text).unwrap()[0];
    let crds = "e2e-projects/cronjob/config/crd/bases";
    let (_, crd) = common::tree(&ws.join(crds)).into_iter().next().unwrap();
    let crd =
        &kubeforge::yaml::values_from_str(Path::new(crds), std::str::from_utf8(&crd).unwrap())
            .unwrap()[0];
    let version = &crd["spec"]["versions"][0];
    let root = &version["schema"]["openAPIV3Schema"];
    let api_version = format!(
        "{}/{}",
        crd["spec"]["group"].as_str().unwrap(),
        version["name"].as_str().unwrap()
    );
    let object = |name: &Value, overlay: &Value| {
        let mut spec = fixture["base"].as_object().unwrap().clone();
        for (key, value) in overlay.as_object().unwrap() {
            if value == "~remove" {
                spec.remove(key);
            } else {
                spec.insert(key.clone(), value.clone());
            }
        }
        serde_json::json!({
            "apiVersion": api_version,
            "kind": crd["spec"]["names"]["kind"],
            "metadata": { "name": name, "namespace": "default" },
            "spec": spec,
        })
    };
    let mut cases = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let name = &case["name"];
        let new = object(name, &case["spec"]);
        let old = case.get("old").map(|old| object(name, old));
        let verdict = kubeforge::description::check_object(root, &new, old.as_ref());
        let demanded = case["accept"] == true;
        // Rules kube-cel cannot evaluate as the API server does are the server's to decide: the
        // case file's answer stands for kubeforge's then.
        let decided = verdict.undecided.is_empty();
        assert!(
            !decided || verdict.accepted() == demanded,
            "{name}: kubeforge's verdict differs from what the schema demands: {:?}",
            verdict.problems
        );
        if let Some(message) = case["message"].as_str().filter(|_| decided) {
            assert!(
                verdict.problems.iter().any(|p| p.contains(message)),
                "{name}: kubeforge does not say `{message}`: {:?}",
                verdict.problems
            );
        }
        cases.push(serde_json::json!({
            "name": name,
            "object": new,
            "old": old,
            "accepted": if decided { verdict.accepted() } else { demanded },
            "undecided": verdict.undecided,
            "problems": verdict.problems,
            "defaulted": verdict.defaulted,
            "message": case["message"],
        }));
    }
    let data = serde_json::json!({ "crds": crds, "cases": cases });
    std::fs::write(ws.join("e2e-differential.json"), data.to_string()).unwrap();
}

/// With `KUBEBUILDER_ASSETS` set, every control-plane test ran (none skipped): the envtest suite
/// of each snapshot project and kubeforge's own end-to-end suite. Prints their timings.
fn check_control_plane_ran(tests: &(String, String), ws: &Path) {
    let (stdout, stderr) = tests;
    if std::env::var_os("KUBEBUILDER_ASSETS").is_none() {
        eprintln!("KUBEBUILDER_ASSETS is unset: the control-plane tests were skipped");
        return;
    }
    assert!(
        !stderr.contains("skipped: KUBEBUILDER_ASSETS"),
        "a control-plane test was skipped although KUBEBUILDER_ASSETS is set:\n{stderr}"
    );
    // As root, the tests of extension API servers make their network namespaces and run.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert!(
            !stderr.contains("skipped: cannot make a network namespace"),
            "an aggregation test was skipped although it runs as root:\n{stderr}"
        );
    }
    let started = stderr.matches("control plane ready at").count();
    let snapshots = SCENARIOS.len();
    assert!(
        started > snapshots,
        "{started} control planes started, expected one per snapshot project ({snapshots}) and more for the e2e suite:\n{stdout}\n{stderr}"
    );
    for line in stderr.lines() {
        if line.starts_with("control plane ready at") {
            eprintln!("{line}");
        }
    }
    let report = std::fs::read_to_string(ws.join("e2e-report.txt")).unwrap_or_default();
    eprintln!("end-to-end suite against the control plane:\n{report}");
}

/// Parsed CRDs of a multi-document YAML text, keyed by name.
fn crds_by_name(file: &str, text: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    kubeforge::yaml::values_from_str(Path::new(file), text)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .into_iter()
        .map(|d| {
            (
                d["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                d,
            )
        })
        .collect()
}

#[test]
fn generated_projects_build_test_lint_and_format() {
    let ws_dir = tempfile::tempdir().unwrap();
    let ws = ws_dir.path();
    let mut members: Vec<(String, PathBuf)> = Vec::new();
    for s in SCENARIOS {
        copy_tree(&repo().join("snapshots").join(s.name), &ws.join(s.name));
        members.push((s.name.to_string(), ws.join(s.name)));
    }
    let fixture = repo().join("tests/fixtures/fidelity");
    if fixture.join("Cargo.toml").exists() {
        copy_tree(&fixture, &ws.join("fidelity"));
        members.push(("fidelity".into(), ws.join("fidelity")));
    }
    // kubeforge's end-to-end suite against a real control plane (tests/control-plane/e2e), with
    // the projects it checks besides the snapshots: one per description fixture and shared CRD.
    copy_tree(&repo().join(E2E_CRATE), &ws.join("e2e"));
    members.push(("e2e".into(), ws.join("e2e")));
    let shared_dir = tempfile::tempdir().unwrap();
    let (adopted, shared) = description_projects(&ws.join("e2e-projects"), shared_dir.path());
    members.extend(adopted);
    members.push(edited_spec_project(ws));
    differential_cases(ws);
    let descriptions = scratch::modules();
    let project = std::fs::read_to_string(ws.join(SCENARIOS[0].name).join("Cargo.toml")).unwrap();
    scratch::write_crate(&ws.join(scratch::CRATE), &descriptions, &project);
    // The runtime crate, once: every project's dependency on its copy points here.
    copy_runtime(ws, &members);
    let mut list: Vec<String> = members.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    list.push(format!("\"{}\"", scratch::CRATE));
    list.push(format!("\"{RUNTIME}\""));
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();

    let lockfile = repo().join(LOCKFILE);
    if std::env::var_os("KUBEFORGE_UPDATE_LOCKFILE").is_some() {
        if lockfile.exists() {
            std::fs::copy(&lockfile, ws.join("Cargo.lock")).unwrap();
        }
        cargo(ws, &["update", "--workspace"]);
        std::fs::copy(ws.join("Cargo.lock"), &lockfile).unwrap();
    }
    assert!(
        lockfile.exists(),
        "{LOCKFILE} is missing; create it with KUBEFORGE_UPDATE_LOCKFILE=1 cargo test --test it compile_gate::"
    );
    std::fs::copy(&lockfile, ws.join("Cargo.lock")).unwrap();

    cargo(ws, &["build", "--workspace", "--all-targets", "--locked"]);
    let tests = cargo_output(
        ws,
        &["test", "--workspace", "--locked", "--", "--nocapture"],
    );
    check_control_plane_ran(&tests, ws);
    cargo(
        ws,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo(ws, &["fmt", "--all", "--check"]);

    // The compiled types agree with what kubeforge derived from their source.
    crdgen_agrees(ws, &members, "--locked");
    shared_workspace(shared_dir.path(), &shared);

    // The types generated from descriptions: the binary built above (with the workspace's
    // features, so nothing is built again) prints every module's `crd()`.
    let bin = repo().join("target/compile-gate/debug").join(format!(
        "{}{}",
        scratch::BIN,
        std::env::consts::EXE_SUFFIX
    ));
    let out = Command::new(&bin)
        .output()
        .expect("the descriptions binary runs");
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        bin.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let failures = scratch::compare(&String::from_utf8(out.stdout).unwrap(), &descriptions);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each member's `crdgen` prints the CRDs that kubeforge derived from the member's source.
/// `resolution` is `--locked` or `--offline`.
fn crdgen_agrees(ws: &Path, members: &[(String, PathBuf)], resolution: &str) {
    for (name, dir) in members {
        if name == "e2e" {
            continue;
        }
        let manifest = dir.join("Cargo.toml");
        let printed = cargo(
            ws,
            &[
                "run",
                "--quiet",
                resolution,
                "--manifest-path",
                manifest.to_str().unwrap(),
                "--bin",
                "crdgen",
            ],
        );
        let compiled = crds_by_name("crdgen output", &printed);
        let mut derived = std::collections::BTreeMap::new();
        if name == "fidelity" {
            let mut sources = Vec::new();
            for (path, bytes) in common::tree(&dir.join("src")) {
                if !path.starts_with("bin/") {
                    sources.push(kubeforge::crd::SourceFile {
                        path: PathBuf::from("src").join(&path),
                        text: String::from_utf8(bytes).unwrap(),
                    });
                }
            }
            for crd in kubeforge::crd::crds_from_sources(&sources, &Default::default()).unwrap() {
                let value = serde_json::to_value(&crd).unwrap();
                derived.insert(crd.metadata.name.clone().unwrap_or_default(), value);
            }
        } else {
            for (path, bytes) in common::tree(&dir.join("config/crd/bases")) {
                derived.extend(crds_by_name(&path, &String::from_utf8(bytes).unwrap()));
            }
        }
        assert_eq!(
            compiled.keys().collect::<Vec<_>>(),
            derived.keys().collect::<Vec<_>>(),
            "{name}: crdgen and kubeforge disagree on which CRDs exist"
        );
        for (crd, value) in &compiled {
            assert_eq!(
                value,
                &derived[crd],
                "{name}: CRD {crd} differs between crdgen (left) and kubeforge (right):\n{}",
                kubeforge::yaml::to_string(&derived[crd]).unwrap()
            );
        }
    }
}

/// The projects adopted from the CRDs of ../shared: built, tested (their envtest checks too),
/// linted and formatted in a workspace of their own, resolved offline from the gate's lockfile
/// so that they use the very versions the gate downloaded and compiled.
fn shared_workspace(ws: &Path, projects: &[(String, PathBuf)]) {
    if projects.is_empty() {
        return;
    }
    copy_runtime(ws, projects);
    let mut list: Vec<String> = projects.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    list.push(format!("\"{RUNTIME}\""));
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join(LOCKFILE), ws.join("Cargo.lock")).unwrap();
    cargo(ws, &["build", "--workspace", "--all-targets", "--offline"]);
    // The runtime's own tests ran in the main workspace.
    let (_, stderr) = cargo_output(
        ws,
        &[
            "test",
            "--workspace",
            "--exclude",
            RUNTIME,
            "--offline",
            "--",
            "--nocapture",
        ],
    );
    if std::env::var_os("KUBEBUILDER_ASSETS").is_some() {
        // As root, the tests of extension API servers make their network namespaces and run.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            assert!(
                !stderr.contains("skipped: cannot make a network namespace"),
                "an aggregation test was skipped although it runs as root:\n{stderr}"
            );
        }
        let started = stderr.matches("control plane ready at").count();
        assert!(
            started >= projects.len(),
            "{started} control planes for {} adopted projects:\n{stderr}",
            projects.len()
        );
    }
    cargo(
        ws,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--offline",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo(ws, &["fmt", "--all", "--check"]);
    crdgen_agrees(ws, projects, "--offline");
    eprintln!(
        "adopted from ../shared/crds and built, tested and linted: {}",
        projects
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
