//! `kubeforge alpha update`: a project scaffolded by an older kubeforge, whose files the user
//! changed, is brought to this kubeforge's templates by a three-way merge per file.
//!
//! The older kubeforge is played by template overrides (`.kubeforge/templates/`) in place while
//! the project is made: every command records in `.kubeforge/base/` what it scaffolded with them.
//! Removing the overrides then stands for the upgrade, and PROJECT's `cliVersion` is set back to
//! an older version, as that kubeforge would have written it.

use std::path::Path;

use crate::common::{fails, ok, read, repo, tree};

const COMMANDS: &[&str] = &[
    "init --domain example.com --project-name shop",
    "create api --group webapp --version v1 --kind Guestbook",
    "create webhook --group webapp --version v1 --kind Guestbook --defaulting",
];

const CONTROLLER_TEMPLATE: &str = "controller/{controller_dir}/{module}.rs.tera";
const CONTROLLER: &str = "src/controllers/guestbook.rs";

/// How the older kubeforge's templates differ: (template, text of this kubeforge's, text of the
/// older one).
const OLDER: &[(&str, &str, &str)] = &[
    (
        "init/Dockerfile.tera",
        "ARG RUST_VERSION=1.95",
        "ARG RUST_VERSION=1.90",
    ),
    (
        "init/Makefile.tera",
        "## Build the manager (",
        "## Build the manager binary (",
    ),
    (
        CONTROLLER_TEMPLATE,
        "//! The controller of `",
        "//! The reconciler of `",
    ),
    (
        "init/README.md.tera",
        "Licensed under the Apache License, Version 2.0",
        "Licensed under the Apache License 2.0",
    ),
];

/// The project made by `COMMANDS` in a new directory, with the templates of the older kubeforge
/// when `older`.
fn project(older: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if older {
        for (template, now, before) in OLDER {
            let text = std::fs::read_to_string(repo().join("templates").join(template)).unwrap();
            assert!(text.contains(now), "{template} no longer holds `{now}`");
            let path = dir.path().join(".kubeforge/templates").join(template);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text.replacen(now, before, 1)).unwrap();
        }
    }
    for command in COMMANDS {
        let args: Vec<&str> = command.split_whitespace().collect();
        ok(dir.path(), &args);
    }
    if older {
        std::fs::remove_dir_all(dir.path().join(".kubeforge/templates")).unwrap();
        edit(dir.path(), "PROJECT", |t| {
            t.replace(
                &format!("cliVersion: \"{}\"", env!("CARGO_PKG_VERSION")),
                "cliVersion: \"0.0.9\"",
            )
        });
    }
    dir
}

fn edit(dir: &Path, path: &str, change: impl Fn(&str) -> String) {
    let before = read(dir, path);
    let after = change(&before);
    assert_ne!(before, after, "the edit of {path} changes nothing");
    std::fs::write(dir.join(path), after).unwrap();
}

/// The user's changes: a target of their own at the end of the Makefile, and a constant in the
/// controller, far from the lines the newer templates change.
fn users_changes(dir: &Path) {
    edit(dir, "Makefile", |t| {
        format!("{t}\n.PHONY: mine\nmine: ## A target of my own.\n\t@echo mine\n")
    });
    edit(dir, CONTROLLER, |t| {
        t.replacen(
            "use serde_json::json;\n",
            "use serde_json::json;\n\n/// How many replicas a guestbook gets.\nconst REPLICAS: i32 = 3;\n",
            1,
        )
    });
}

#[test]
fn template_changes_reach_the_files_and_the_users_changes_stay() {
    let old = project(true);
    users_changes(old.path());
    // Before the update, the older templates show in the files.
    assert!(read(old.path(), "Dockerfile").contains("RUST_VERSION=1.90"));
    assert!(read(old.path(), CONTROLLER).contains("//! The reconciler of"));

    let out = ok(old.path(), &["alpha", "update"]);
    for line in [
        "merge     Dockerfile",
        "merge     Makefile",
        &format!("merge     {CONTROLLER}"),
        "merge     README.md",
        "update    PROJECT",
    ] {
        assert!(out.contains(line), "no `{line}` in:\n{out}");
    }

    // The project is now what this kubeforge makes, with the user's changes.
    let new = project(false);
    users_changes(new.path());
    let (got, want) = (tree(old.path()), tree(new.path()));
    let differ: Vec<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|p| got.get(*p) != want.get(*p))
        .collect();
    assert!(differ.is_empty(), "these files differ: {differ:?}");
    assert!(read(old.path(), CONTROLLER).contains("const REPLICAS: i32 = 3;"));
    assert!(read(old.path(), "Makefile").ends_with("\t@echo mine\n"));
    ok(old.path(), &["generate", "--check"]);
    let again = ok(old.path(), &["alpha", "update"]);
    assert!(again.contains("the project is up to date"), "{again}");
}

#[test]
fn changes_to_the_same_lines_are_marked_listed_and_fail_the_command() {
    let dir = project(true);
    users_changes(dir.path());
    edit(dir.path(), "README.md", |t| {
        t.replacen(
            "Licensed under the Apache License 2.0",
            "Licensed under the Apache License 2.0, like the rest of our operators",
            1,
        )
    });
    let err = fails(dir.path(), &["alpha", "update"], 1);
    assert!(
        err.contains("1 file(s) have conflicts") && err.contains("README.md"),
        "{err}"
    );
    let readme = read(dir.path(), "README.md");
    let conflict = "<<<<<<< ours\n\
        Licensed under the Apache License 2.0, like the rest of our operators: see [LICENSE](LICENSE).\n\
        ||||||| original\n\
        Licensed under the Apache License 2.0: see [LICENSE](LICENSE).\n\
        =======\n\
        Licensed under the Apache License, Version 2.0: see [LICENSE](LICENSE).\n\
        >>>>>>> theirs\n";
    assert!(readme.contains(conflict), "{readme}");
    // The other files merged, the base and PROJECT are this kubeforge's.
    assert!(read(dir.path(), "Dockerfile").contains("RUST_VERSION=1.95"));
    assert!(read(dir.path(), CONTROLLER).contains("const REPLICAS: i32 = 3;"));
    assert!(read(dir.path(), ".kubeforge/base/README.md").contains("Version 2.0"));
    assert!(read(dir.path(), "PROJECT").contains(env!("CARGO_PKG_VERSION")));

    // Resolved by the user, the next update finds nothing to do.
    let resolved = readme.replace(conflict, "Licensed under the Apache License, Version 2.0, like the rest of our operators: see [LICENSE](LICENSE).\n");
    std::fs::write(dir.path().join("README.md"), resolved).unwrap();
    let out = ok(dir.path(), &["alpha", "update"]);
    assert!(out.contains("the project is up to date"), "{out}");
}

#[test]
fn a_dry_run_shows_the_merges_and_writes_nothing() {
    let dir = project(true);
    users_changes(dir.path());
    let before = tree(dir.path());
    let out = ok(dir.path(), &["--dry-run", "alpha", "update"]);
    assert!(out.contains("merge     Dockerfile"), "{out}");
    assert!(out.contains("+ARG RUST_VERSION=1.95"), "{out}");
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn files_no_longer_scaffolded_go_unless_changed_and_deleted_files_stay_deleted() {
    let dir = project(true);
    // The older kubeforge scaffolded two files this one does not; the user changed one of them.
    for (path, text) in [
        ("config/old/a.yaml", "a: 1\n"),
        ("config/old/b.yaml", "b: 1\n"),
    ] {
        for at in [path.to_string(), format!(".kubeforge/base/{path}")] {
            let full = dir.path().join(at);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
    }
    std::fs::write(dir.path().join("config/old/b.yaml"), "b: 2\n").unwrap();
    // And the user deleted a file the newer templates change.
    std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();

    let out = ok(dir.path(), &["alpha", "update"]);
    assert!(out.contains("delete    config/old/a.yaml"), "{out}");
    assert!(out.contains("keep      config/old/b.yaml"), "{out}");
    assert!(
        out.contains("skip      Dockerfile (you deleted it"),
        "{out}"
    );
    assert!(!dir.path().join("config/old/a.yaml").exists());
    assert_eq!(read(dir.path(), "config/old/b.yaml"), "b: 2\n");
    assert!(!dir.path().join("Dockerfile").exists());
    assert!(!dir.path().join(".kubeforge/base/config/old").exists());
    assert!(dir.path().join(".kubeforge/base/Dockerfile").exists());
}

#[test]
fn without_a_base_an_older_project_is_refused_and_nothing_written() {
    let dir = project(true);
    std::fs::remove_dir_all(dir.path().join(".kubeforge/base")).unwrap();
    let before = tree(dir.path());
    let err = fails(dir.path(), &["alpha", "update"], 2);
    assert!(
        err.contains(".kubeforge/base/ is missing")
            && err.contains("kubeforge 0.0.9")
            && err.contains("alpha generate"),
        "{err}"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn without_a_base_a_project_of_this_version_gets_it_back() {
    let dir = project(false);
    let base = tree(&dir.path().join(".kubeforge/base"));
    assert!(base.contains_key("src/main.rs") && base.contains_key(CONTROLLER));
    // Derived files, PROJECT and the vendored runtime are not part of it.
    assert!(!base.keys().any(|p| p.starts_with("config/crd/bases/")
        || p.starts_with("vendor/")
        || p == "PROJECT"
        || p == "config/rbac/role.yaml"));
    std::fs::remove_dir_all(dir.path().join(".kubeforge/base")).unwrap();
    let out = ok(dir.path(), &["alpha", "update"]);
    assert!(out.contains(".kubeforge/base was missing"), "{out}");
    assert_eq!(tree(&dir.path().join(".kubeforge/base")), base);
}

#[test]
fn commands_on_an_older_project_leave_its_base_to_the_update() {
    let dir = project(true);
    let base = tree(&dir.path().join(".kubeforge/base"));
    let out = ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Shelf",
        ],
    );
    assert!(
        out.contains(".kubeforge/base stays what kubeforge 0.0.9 scaffolded"),
        "{out}"
    );
    assert_eq!(tree(&dir.path().join(".kubeforge/base")), base);
    // The update then brings the new kind's files into the base, and changes none of them.
    let out = ok(dir.path(), &["alpha", "update"]);
    assert!(!out.contains("src/controllers/shelf.rs"), "{out}");
    assert!(
        dir.path()
            .join(".kubeforge/base/src/controllers/shelf.rs")
            .exists()
    );
}
