//! Every CRD that kubeforge generated is the API server's to judge: each file of
//! `config/crd/bases` of every snapshot project, and of every project made by `create api --from`
//! (the description fixtures, and the shared CRDs when present), is accepted by server-side apply
//! and becomes Established (structural schema, CEL compilation and cost limits are checked
//! there), and every sample of `config/samples` is accepted (the CRDs that a project keeps of
//! external kinds, in `config/crd/external`, installed as well).

use std::{path::PathBuf, time::Instant};

use control_plane_e2e::{ControlPlane, kubectl, report, workspace};

/// The projects to check: the snapshots, then those made from descriptions.
fn projects() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [workspace(), workspace().join("e2e-projects")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("PROJECT").is_file())
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

#[tokio::test]
async fn crds_are_established_and_samples_accepted() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let projects = projects();
    assert!(
        projects
            .iter()
            .any(|p| p.starts_with(workspace().join("e2e-projects"))),
        "the compile gate made no projects from descriptions"
    );
    let (mut crds, mut samples) = (0, 0);
    for dir in &projects {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut installed = control_plane
            .install_crds(dir.join("config/crd/bases"))
            .await;
        // The CRDs of external kinds, which other projects install, as the envtest suites do.
        installed.extend(
            control_plane
                .install_crds(dir.join("config/crd/external"))
                .await,
        );
        crds += installed.len();
        let sample_dir = dir.join("config/samples");
        if sample_dir.join("kustomization.yaml").is_file() {
            let applied = kubectl(
                &control_plane,
                &[
                    "apply",
                    "--server-side",
                    "-n",
                    "default",
                    "-k",
                    sample_dir.to_str().unwrap(),
                ],
                "",
            );
            samples += applied.lines().count();
        }
        // The next project may define CRDs of the same names differently.
        let names: Vec<String> = installed
            .iter()
            .map(|crd| crd.metadata.name.clone().unwrap())
            .collect();
        if !names.is_empty() {
            let mut args = vec!["delete", "crd", "--wait=true"];
            args.extend(names.iter().map(String::as_str));
            kubectl(&control_plane, &args, "");
        }
        eprintln!("{name}: {} CRDs established", installed.len());
    }
    assert!(crds > 0 && samples > 0, "nothing was checked");
    eprintln!(
        "{} projects: {crds} CRDs established, {samples} samples accepted",
        projects.len()
    );
    report("CRDs and samples", began.elapsed());
}
