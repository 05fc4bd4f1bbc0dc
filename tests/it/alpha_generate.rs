//! `kubeforge alpha generate` scaffolds a project afresh from its PROJECT file: for every
//! snapshot made with flags alone, the result is the snapshot, byte for byte.

use crate::common::{
    SCENARIOS, fails, ok, own_files, repo, tree, vendored_runtime_is_the_crate, write_tree,
};

/// Whether a scenario's project is made of flags alone: a kind made from a resource description
/// has types that PROJECT does not record. An external kind comes back from the CRD the project
/// keeps.
fn made_of_flags(commands: &[&[&str]]) -> bool {
    commands
        .iter()
        .all(|c| !c.contains(&"--from") || c.contains(&"--external"))
}

#[test]
fn every_snapshot_made_of_flags_comes_back_from_its_project_file() {
    let mut replayed = Vec::new();
    for scenario in SCENARIOS.iter().filter(|s| made_of_flags(s.commands)) {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("input");
        let snapshot = tree(&repo().join("snapshots").join(scenario.name));
        write_tree(&snapshot, &input);
        let report = ok(&input, &["alpha", "generate", "--output-dir", "../fresh"]);
        assert!(report.contains("run       kubeforge init"), "{report}");
        let fresh = tmp.path().join("fresh");
        let got = own_files(&fresh);
        let differs: Vec<&String> = snapshot
            .keys()
            .chain(got.keys())
            .filter(|p| snapshot.get(*p) != got.get(*p))
            .collect();
        assert!(differs.is_empty(), "{}: {differs:?}", scenario.name);
        vendored_runtime_is_the_crate(&fresh);
        // Nothing but the output is left beside it.
        let beside: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside.len(), 2, "{beside:?}");
        replayed.push(scenario.name);
    }
    assert_eq!(
        replayed,
        [
            "empty",
            "guestbook",
            "fleet",
            "solo",
            "webhooks",
            "deleted",
            "memcached",
            "chart",
            "external",
            "aggregated"
        ]
    );
}

#[test]
fn the_output_must_be_new_and_a_failed_replay_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    write_tree(&tree(&repo().join("snapshots/guestbook")), &input);
    // An output that holds something is refused, and left as it was.
    let taken = tmp.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    let err = fails(
        &input,
        &["alpha", "generate", "--output-dir", "../taken"],
        2,
    );
    assert!(
        err.contains("--output-dir ../taken: not an empty directory"),
        "{err}"
    );
    assert_eq!(tree(&taken).len(), 1);
    // A dry run lists the commands and writes nothing.
    let out = ok(
        &input,
        &["--dry-run", "alpha", "generate", "--output-dir", "../fresh"],
    );
    assert!(out.contains("run       kubeforge create api --group webapp --version v2 --kind Guestbook --controller=false --plural guestbooks --namespaced=true --storage"), "{out}");
    assert!(!tmp.path().join("fresh").exists());
    // A resource that no command can make again (a controller for a kind that is neither the
    // project's nor Kubernetes'): the replay stops there, with the error, and leaves nothing.
    let project = std::fs::read_to_string(input.join("PROJECT")).unwrap();
    let orphan =
        "- controller: true\n  group: webapp\n  kind: Orphan\n  plural: orphans\n  version: v1\n";
    assert!(project.ends_with("version: \"3\"\n"), "{project}");
    let project = project.replace("\nversion: \"3\"\n", &format!("\n{orphan}version: \"3\"\n"));
    std::fs::write(input.join("PROJECT"), project).unwrap();
    let out = crate::common::kubeforge(&input, &["alpha", "generate", "--output-dir", "../fresh"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .trim_end()
            .ends_with("--kind Orphan --controller=true --resource=false"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("webapp/v1/Orphan is not an API of this project"),
        "{stderr}"
    );
    let mut left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["input", "taken"]);
}
