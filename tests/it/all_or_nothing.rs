//! A command changes every file it plans or none: an I/O error before the renames leaves the
//! project as it was, and a process killed at any point is finished or undone by the next
//! command, which says so. Faults are injected through `KUBEFORGE_FAULT` (see the writer's
//! journal).

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{ok, tree};

type Tree = BTreeMap<String, Vec<u8>>;

/// A project with one kind; the command under test adds a second.
fn project() -> tempfile::TempDir {
    common::guestbook_project(&[])
}

const ADD_KIND: &[&str] = &[
    "create",
    "api",
    "--group",
    "webapp",
    "--version",
    "v1",
    "--kind",
    "Memcached",
];

fn with_fault(dir: &Path, fault: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeforge"))
        .args(args)
        .current_dir(dir)
        .env("KUBEFORGE_FAULT", fault)
        .output()
        .expect("kubeforge runs")
}

/// The project before the command, after it, and how many files the command writes.
fn before_and_after() -> (Tree, Tree, usize) {
    let dir = project();
    let before = tree(dir.path());
    ok(dir.path(), ADD_KIND);
    let after = tree(dir.path());
    let written = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .count();
    assert!(written > 10, "the command writes many files: {written}");
    (before, after, written)
}

fn leftovers(t: &Tree) -> Vec<&String> {
    t.keys()
        .filter(|p| p.rsplit('/').next().unwrap().starts_with(".kubeforge-"))
        .collect()
}

#[test]
fn an_error_while_writing_any_file_changes_nothing() {
    let (before, _, written) = before_and_after();
    for n in 1..=written {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(&before, dir.path());
        let out = with_fault(dir.path(), &format!("fail-write:{n}"), ADD_KIND);
        assert_eq!(out.status.code(), Some(1), "fault at file {n}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("injected fault"), "{stderr}");
        let now = tree(dir.path());
        assert!(
            now == before,
            "file {n}: the project changed: {:?}",
            changed(&before, &now)
        );
        assert!(!dir.path().join("src/api/v1/memcached.rs").exists());
    }
}

#[test]
fn a_kill_before_the_commit_mark_is_rolled_back_by_the_next_command() {
    let (before, _, _) = before_and_after();
    let dir = tempfile::tempdir().unwrap();
    common::write_tree(&before, dir.path());
    let out = with_fault(dir.path(), "abort-before-commit", ADD_KIND);
    assert!(!out.status.success());
    let killed = tree(dir.path());
    assert!(killed.contains_key(".kubeforge-journal"));
    assert!(
        !leftovers(&killed).is_empty(),
        "temporary files are on disk"
    );
    // Every file of the project is as it was: only temporary files were written.
    for (path, bytes) in &before {
        assert_eq!(killed.get(path), Some(bytes), "{path} changed");
    }

    // A dry run refuses to work on a half-written project.
    let out = with_fault(dir.path(), "", &["--dry-run", "generate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left changes pending"));

    let stdout = ok(dir.path(), &["generate"]);
    assert!(
        stdout.contains("rolled back an interrupted command"),
        "{stdout}"
    );
    let now = tree(dir.path());
    assert!(now == before, "{:?}", changed(&before, &now));
}

#[test]
fn a_kill_after_any_rename_is_finished_by_the_next_command() {
    let (before, after, written) = before_and_after();
    for n in 0..=written {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(&before, dir.path());
        let out = with_fault(dir.path(), &format!("abort-after-rename:{n}"), ADD_KIND);
        assert!(!out.status.success(), "the process dies after {n} renames");
        let killed = tree(dir.path());
        assert!(
            killed.contains_key(".kubeforge-journal"),
            "after {n} renames"
        );

        let stdout = ok(dir.path(), &["generate"]);
        assert!(
            stdout.contains(&format!(
                "finished an interrupted command: {} of {written} file(s) written now",
                written - n
            )),
            "after {n} renames: {stdout}"
        );
        let now = tree(dir.path());
        assert!(
            now == after,
            "after {n} renames: {:?}",
            changed(&after, &now)
        );
        assert!(leftovers(&now).is_empty());
    }
}

#[test]
fn stray_temporary_files_are_removed_and_reported() {
    let dir = project();
    let before = tree(dir.path());
    std::fs::write(dir.path().join("src/.kubeforge-Xq3kLm"), "half a file").unwrap();
    std::fs::write(dir.path().join("config/rbac/.kubeforge-role.yaml"), "x").unwrap();
    let stdout = ok(dir.path(), &["generate"]);
    assert!(
        stdout.contains(
            "remove    config/rbac/.kubeforge-role.yaml (temporary file of an interrupted command)"
        ) && stdout.contains("remove    src/.kubeforge-Xq3kLm"),
        "{stdout}"
    );
    assert!(tree(dir.path()) == before);
}

const DELETE_KIND: &[&str] = &["delete", "api", "--group", "webapp", "--kind", "Memcached"];

/// A project with two kinds, before and after the second is deleted, and how many files the
/// deletion writes and deletes.
fn before_and_after_delete() -> (Tree, Tree, usize, usize) {
    let dir = project();
    ok(dir.path(), ADD_KIND);
    let before = tree(dir.path());
    ok(dir.path(), DELETE_KIND);
    let after = tree(dir.path());
    let written = after
        .iter()
        .filter(|(path, bytes)| before.get(*path).is_some_and(|b| b != *bytes))
        .count();
    let deleted = before.keys().filter(|p| !after.contains_key(*p)).count();
    assert!(
        written > 5 && deleted > 5,
        "{written} written, {deleted} deleted"
    );
    (before, after, written, deleted)
}

#[test]
fn an_error_while_writing_any_file_of_a_deletion_deletes_nothing() {
    let (before, _, written, _) = before_and_after_delete();
    for n in 1..=written {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(&before, dir.path());
        let out = with_fault(dir.path(), &format!("fail-write:{n}"), DELETE_KIND);
        assert_eq!(out.status.code(), Some(1), "fault at file {n}");
        let now = tree(dir.path());
        assert!(
            now == before,
            "file {n}: the project changed: {:?}",
            changed(&before, &now)
        );
    }
}

#[test]
fn a_deletion_killed_after_the_commit_mark_is_finished_by_the_next_command() {
    let (before, after, written, deleted) = before_and_after_delete();
    // Killed before the first rename, and after the last one (before the deletions).
    for n in [0, written] {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(&before, dir.path());
        let out = with_fault(dir.path(), &format!("abort-after-rename:{n}"), DELETE_KIND);
        assert!(!out.status.success(), "the process dies after {n} renames");
        let killed = tree(dir.path());
        assert!(killed.contains_key(".kubeforge-journal"));
        assert!(
            killed.contains_key("src/api/v1/memcached.rs"),
            "not deleted yet"
        );

        let stdout = ok(dir.path(), &["generate"]);
        assert!(
            stdout.contains(&format!(
                "finished an interrupted command: {} of {written} file(s) written now, {deleted} of {deleted} file(s) deleted now",
                written - n
            )),
            "after {n} renames: {stdout}"
        );
        let now = tree(dir.path());
        assert!(
            now == after,
            "after {n} renames: {:?}",
            changed(&after, &now)
        );
        assert!(!dir.path().join("src/api/v1/memcached.rs").exists());
    }
}

fn changed<'a>(want: &'a Tree, got: &'a Tree) -> Vec<&'a String> {
    want.keys()
        .chain(got.keys())
        .filter(|p| want.get(*p) != got.get(*p))
        .collect()
}
