//! The compile gate: every snapshot project (and the fidelity fixture) goes into one temporary
//! cargo workspace, built from the lockfile committed at tests/compile-gate/Cargo.lock, and must
//! pass `cargo build`, `cargo test`, `cargo clippy -D warnings` and `cargo fmt --check`.
//! The CRDs each project's `crdgen` prints from its compiled types must equal the CRDs kubeforge
//! derived from the source.
//!
//! One more member, `descriptions`, holds the types generated from resource descriptions (every
//! keyword case and fixture, random descriptions, and the shared CRDs when present; see
//! tests/description_support/scratch.rs), checked the same way: its binary prints each module's
//! `crd()`, which must equal what kubeforge derives from that module's source.
//!
//! Dependencies stay compiled in target/compile-gate between runs. After changing the
//! dependencies of generated projects, refresh the lockfile with
//! `KUBEFORGE_UPDATE_LOCKFILE=1 cargo test --test compile_gate`.

mod common;
mod description_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{SCENARIOS, repo};
use description_support::scratch;

const LOCKFILE: &str = "tests/compile-gate/Cargo.lock";

fn copy_tree(from: &Path, to: &Path) {
    for (path, bytes) in common::tree(from) {
        let dest = to.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

fn cargo(ws: &Path, args: &[&str]) -> String {
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
    String::from_utf8(out.stdout).unwrap()
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
    let descriptions = scratch::modules();
    let project = std::fs::read_to_string(ws.join(SCENARIOS[0].name).join("Cargo.toml")).unwrap();
    scratch::write_crate(&ws.join(scratch::CRATE), &descriptions, &project);
    let mut list: Vec<String> = members.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    list.push(format!("\"{}\"", scratch::CRATE));
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
        "{LOCKFILE} is missing; create it with KUBEFORGE_UPDATE_LOCKFILE=1 cargo test --test compile_gate"
    );
    std::fs::copy(&lockfile, ws.join("Cargo.lock")).unwrap();

    cargo(ws, &["build", "--workspace", "--all-targets", "--locked"]);
    cargo(ws, &["test", "--workspace", "--locked"]);
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
    for (name, dir) in &members {
        let manifest = dir.join("Cargo.toml");
        let printed = cargo(
            ws,
            &[
                "run",
                "--quiet",
                "--locked",
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
