//! The generated Makefile has the targets a kubebuilder user types, each with a recipe that
//! `make` accepts, and lists them in `make help`.

use std::process::Command;

use crate::common::guestbook_project;

/// The targets of a kubebuilder project's Makefile, and kubeforge's own.
const TARGETS: &[&str] = &[
    "all",
    "help",
    "build",
    "run",
    "test",
    "setup-envtest",
    "fmt",
    "lint",
    "lint-fix",
    "manifests",
    "check-manifests",
    "test-e2e",
    "docker-build",
    "docker-push",
    "docker-buildx",
    "build-installer",
    "install",
    "uninstall",
    "deploy",
    "undeploy",
    "kubeforge",
];

#[test]
fn makefile_has_the_kubebuilder_targets() {
    let project = guestbook_project(&[]);
    let dir = project.path();
    // `make -n` prints each recipe without running it: the target exists and parses. The tools'
    // variables point at `true` so that no prerequisite tries to install anything.
    let tools = [
        "KUBEBUILDER_ASSETS=/nonexistent",
        "ENVTEST=true",
        "KUBEFORGE=true",
        "CARGO=true",
    ];
    for target in TARGETS {
        let out = Command::new("make")
            .args(["-n", target])
            .args(tools)
            .current_dir(dir)
            .output()
            .expect("make runs");
        assert!(
            out.status.success(),
            "make -n {target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let help = Command::new("make")
        .arg("help")
        .current_dir(dir)
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for target in TARGETS.iter().filter(|t| **t != "all") {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{target} "))),
            "`make help` does not list {target}:\n{help}"
        );
    }
    for workflow in ["lint.yml", "test.yml", "test-e2e.yml"] {
        assert!(
            dir.join(".github/workflows").join(workflow).is_file(),
            "{workflow}"
        );
    }
}
