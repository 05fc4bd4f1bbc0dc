//! The committed projects under snapshots/ are exactly what kubeforge generates today, but for
//! the copy of the runtime crate each project holds: that one must equal `kubeforge-runtime/`.
//!
//! Regenerate them with `KUBEFORGE_UPDATE_SNAPSHOTS=1 cargo test --test it snapshots::`, then review
//! `git diff snapshots/` line by line before committing.

use crate::common::{
    SCENARIOS, build_scenario, own_files, repo, tree, vendored_runtime_is_the_crate,
};

#[test]
fn snapshots_match_generated_projects() {
    let update = std::env::var_os("KUBEFORGE_UPDATE_SNAPSHOTS").is_some();
    let snapshots = repo().join("snapshots");
    let mut problems = Vec::new();
    for scenario in SCENARIOS {
        let tmp = tempfile::tempdir().unwrap();
        let generated = build_scenario(scenario, tmp.path());
        let expected_dir = snapshots.join(scenario.name);
        vendored_runtime_is_the_crate(&generated);
        if update {
            let _ = std::fs::remove_dir_all(&expected_dir);
            for (path, bytes) in own_files(&generated) {
                let dest = expected_dir.join(&path);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::write(dest, bytes).unwrap();
            }
            continue;
        }
        let got = own_files(&generated);
        let want = tree(&expected_dir);
        for path in want.keys().filter(|p| !got.contains_key(*p)) {
            problems.push(format!(
                "{}: {path} is in snapshots/ but no longer generated",
                scenario.name
            ));
        }
        for (path, bytes) in &got {
            match want.get(path) {
                None => problems.push(format!(
                    "{}: {path} is generated but missing from snapshots/",
                    scenario.name
                )),
                Some(w) if w != bytes => {
                    let (old, new) = (String::from_utf8_lossy(w), String::from_utf8_lossy(bytes));
                    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
                        .unified_diff()
                        .header(&format!("snapshots/{}/{path}", scenario.name), "generated")
                        .to_string();
                    problems.push(format!("{}: {path} differs:\n{diff}", scenario.name));
                }
                Some(_) => {}
            }
        }
    }
    // Directories without a scenario are leftovers.
    if let Ok(entries) = std::fs::read_dir(&snapshots) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && !SCENARIOS.iter().any(|s| s.name == name) {
                problems.push(format!("snapshots/{name} belongs to no scenario"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nIf the change is intended, run `KUBEFORGE_UPDATE_SNAPSHOTS=1 cargo test --test it snapshots::` and review the diff.",
        problems.join("\n")
    );
}
