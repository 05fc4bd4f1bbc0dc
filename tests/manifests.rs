//! The manifests and scripts of every snapshot project: YAML parses, `kubectl kustomize` renders
//! config/default, the rendered objects pass `kubernetes-validate --strict`, and shell scripts pass
//! `bash -n` and shellcheck. Tools that are missing are reported and their checks skipped
//! (.ci/run installs them).

mod common;

use std::path::Path;
use std::process::Command;

use common::{SCENARIOS, repo, tree};

/// The Kubernetes version whose schemas the rendered objects are checked against.
const K8S_SCHEMA_VERSION: &str = "1.33.0";

fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(tool)
            .arg("version")
            .arg("--client")
            .output()
            .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("{tool} not found: its checks are skipped");
    }
    found
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn snapshot_manifests_and_scripts_are_valid() {
    let (kubectl, validate, shellcheck) = (
        have("kubectl"),
        have("kubernetes-validate"),
        have("shellcheck"),
    );
    let mut problems = Vec::new();
    for s in SCENARIOS {
        let dir = repo().join("snapshots").join(s.name);
        for (path, bytes) in tree(&dir) {
            let text = String::from_utf8_lossy(&bytes);
            if (path.ends_with(".yaml") || path.ends_with(".yml"))
                && let Err(e) = kubeforge::yaml::values_from_str(Path::new(&path), &text)
            {
                problems.push(format!("{}: {e}", s.name));
            }
            if path.ends_with(".sh") {
                if let Err(e) = run(&dir, "bash", &["-n", &path]) {
                    problems.push(format!("{}/{path}: bash -n: {e}", s.name));
                }
                if shellcheck && let Err(e) = run(&dir, "shellcheck", &[&path]) {
                    problems.push(format!("{}/{path}: shellcheck:\n{e}", s.name));
                }
            }
        }
        if !kubectl {
            continue;
        }
        for overlay in ["config/default", "config/crd", "config/samples"] {
            if !dir.join(overlay).join("kustomization.yaml").exists() {
                continue;
            }
            match run(&dir, "kubectl", &["kustomize", overlay]) {
                Err(e) => problems.push(format!("{}: kubectl kustomize {overlay}:\n{e}", s.name)),
                Ok(rendered) if validate && overlay != "config/samples" => {
                    let out = tempfile::NamedTempFile::new().unwrap();
                    std::fs::write(out.path(), rendered).unwrap();
                    let file = out.path().to_str().unwrap();
                    if let Err(e) = run(
                        &dir,
                        "kubernetes-validate",
                        &["--strict", "--quiet", "-k", K8S_SCHEMA_VERSION, file],
                    ) {
                        problems.push(format!(
                            "{}: kubernetes-validate --strict on {overlay}:\n{e}",
                            s.name
                        ));
                    }
                }
                Ok(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
