//! Writes stay inside the project: a directory of the project that is a symbolic link to
//! somewhere outside it is refused (exit 2, naming the link), and nothing is written anywhere.

use crate::common;

use std::path::Path;

use crate::common::{fails, ok, read, tree};

fn project() -> tempfile::TempDir {
    common::guestbook_project(&[])
}

/// Moves `dir` of the project to `elsewhere` and leaves a symbolic link in its place.
fn link_out(project: &Path, dir: &str, elsewhere: &Path) {
    let target = elsewhere.join(dir.replace('/', "-"));
    std::fs::rename(project.join(dir), &target).unwrap();
    std::os::unix::fs::symlink(&target, project.join(dir)).unwrap();
}

#[test]
fn a_linked_directory_leading_outside_is_refused_and_nothing_is_written() {
    for dir in [
        "config/samples",
        "src",
        "src/api",
        "config/rbac",
        "config/crd/bases",
    ] {
        let project = project();
        let outside = tempfile::tempdir().unwrap();
        link_out(project.path(), dir, outside.path());
        let (before, before_outside) = (tree(project.path()), tree(outside.path()));
        let stderr = fails(
            project.path(),
            &[
                "create",
                "api",
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                "Memcached",
            ],
            2,
        );
        assert!(
            stderr.contains(&format!(
                "{}: a symbolic link to ",
                project.path().join(dir).display()
            )) && stderr.contains("outside the project"),
            "{dir}: {stderr}"
        );
        assert!(tree(project.path()) == before, "{dir}: the project changed");
        assert!(
            tree(outside.path()) == before_outside,
            "{dir}: outside changed"
        );
    }
}

#[test]
fn generate_through_a_linked_directory_is_refused() {
    let project = project();
    let outside = tempfile::tempdir().unwrap();
    link_out(project.path(), "config/crd/bases", outside.path());
    std::fs::remove_file(
        outside
            .path()
            .join("config-crd-bases/webapp.example.com_guestbooks.yaml"),
    )
    .unwrap();
    let before_outside = tree(outside.path());
    let stderr = fails(project.path(), &["generate"], 2);
    assert!(
        stderr.contains("config/crd/bases: a symbolic link to"),
        "{stderr}"
    );
    assert!(tree(outside.path()) == before_outside);
}

#[test]
fn a_linked_directory_inside_the_project_is_written_through() {
    let project = project();
    let p = project.path();
    std::fs::rename(p.join("config/samples"), p.join("docs-samples")).unwrap();
    std::os::unix::fs::symlink("../docs-samples", p.join("config/samples")).unwrap();
    ok(
        p,
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Memcached",
        ],
    );
    assert!(p.join("docs-samples/webapp_v1_memcached.yaml").is_file());
    assert!(p.join("config/samples").is_symlink());
}

#[test]
fn a_dangling_link_is_refused() {
    let project = project();
    let p = project.path();
    std::fs::remove_dir_all(p.join("config/samples")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/samples", p.join("config/samples")).unwrap();
    let before = read(p, "PROJECT");
    let stderr = fails(
        p,
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Memcached",
        ],
        2,
    );
    assert!(
        stderr.contains("a symbolic link that leads nowhere"),
        "{stderr}"
    );
    assert_eq!(read(p, "PROJECT"), before);
    assert!(!p.join("src/api/v1/memcached.rs").exists());
}
