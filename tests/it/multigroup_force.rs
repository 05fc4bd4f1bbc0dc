//! A project switched to the multigroup layout by `kubeforge edit --multigroup` keeps its kinds
//! where they are: `create api` on such a kind (`--force` re-rendering it, a new version of it
//! taking over storage) works on its files in the single-group layout, while a new kind of the
//! same group takes the multigroup layout.

use std::path::{Path, PathBuf};

use crate::common::{ok, read, tree};

const GUESTBOOK: &[&str] = &[
    "create",
    "api",
    "--group",
    "webapp",
    "--version",
    "v1",
    "--kind",
    "Guestbook",
];

/// A project with Guestbook made in the single-group layout, then switched to multigroup.
fn switched_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("guestbook");
    std::fs::create_dir(&dir).unwrap();
    ok(&dir, &["init", "--domain", "example.com"]);
    ok(&dir, GUESTBOOK);
    ok(&dir, &["edit", "--multigroup"]);
    (tmp, dir)
}

/// `args` with `extra` after them.
fn with(args: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    args.iter().chain(extra).copied().collect()
}

/// Files under `prefix`.
fn files_under(dir: &Path, prefix: &str) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.starts_with(prefix))
        .collect()
}

#[test]
fn force_rerenders_a_kind_where_it_lives() {
    let (_tmp, dir) = switched_project();
    let before = tree(&dir);
    let kind_files = ["src/api/v1/guestbook.rs", "src/controllers/guestbook.rs"];
    for path in kind_files {
        let edited = format!("{}// edited\n", read(&dir, path));
        std::fs::write(dir.join(path), edited).unwrap();
    }
    let out = ok(&dir, &with(GUESTBOOK, &["--force"]));
    for path in kind_files {
        assert!(
            out.contains(&format!(
                "overwrite {path} (previous content kept as {path}.orig)"
            )),
            "{path} is re-rendered where it is:\n{out}"
        );
        assert!(read(&dir, &format!("{path}.orig")).ends_with("// edited\n"));
    }
    // The kind's files are as they were made, and no second copy of the kind appears.
    let mut after = tree(&dir);
    after.retain(|path, _| !path.ends_with(".orig"));
    assert_eq!(before, after);
    let out = ok(&dir, &["generate", "--check"]);
    assert!(out.contains("up to date"), "{out}");
}

#[test]
fn a_new_kind_of_the_group_takes_the_multigroup_layout() {
    let (_tmp, dir) = switched_project();
    let cronjob = [
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "CronJob",
    ];
    ok(&dir, &cronjob);
    assert_eq!(
        files_under(&dir, "src/api/webapp/"),
        [
            "src/api/webapp/mod.rs",
            "src/api/webapp/v1/cron_job.rs",
            "src/api/webapp/v1/mod.rs"
        ]
    );
    assert_eq!(
        files_under(&dir, "src/controllers/webapp/"),
        [
            "src/controllers/webapp/cron_job.rs",
            "src/controllers/webapp/mod.rs"
        ]
    );
    // Both kinds can be re-rendered, each where it lives.
    ok(&dir, &with(&cronjob, &["--force"]));
    ok(&dir, &with(GUESTBOOK, &["--force"]));
    assert!(!dir.join("src/api/webapp/v1/guestbook.rs").exists());
    assert!(!dir.join("src/controllers/webapp/guestbook.rs").exists());
    let out = ok(&dir, &["generate", "--check"]);
    assert!(out.contains("up to date"), "{out}");
}

#[test]
fn a_new_storage_version_demotes_the_version_where_it_lives() {
    let (_tmp, dir) = switched_project();
    ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook",
            "--storage",
        ],
    );
    assert!(read(&dir, "src/api/v1/guestbook.rs").contains("#[kube(storage = false)]"));
    assert!(dir.join("src/api/webapp/v2/guestbook.rs").exists());
    let crd = read(&dir, "config/crd/bases/webapp.example.com_guestbooks.yaml");
    assert!(
        crd.contains("name: v1") && crd.contains("name: v2"),
        "{crd}"
    );
    let out = ok(&dir, &["generate", "--check"]);
    assert!(out.contains("up to date"), "{out}");
}

#[test]
fn force_rerenders_a_controller_of_a_kubernetes_kind_where_it_lives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("deployer");
    std::fs::create_dir(&dir).unwrap();
    ok(&dir, &["init", "--domain", "example.com"]);
    let deployment = [
        "create",
        "api",
        "--group",
        "apps",
        "--version",
        "v1",
        "--kind",
        "Deployment",
        "--resource=false",
    ];
    ok(&dir, &deployment);
    ok(&dir, &["edit", "--multigroup"]);
    let before = tree(&dir);
    ok(&dir, &with(&deployment, &["--force"]));
    assert_eq!(before, tree(&dir), "one controller, where it was");
}

#[test]
fn a_webhook_of_a_kind_made_before_the_switch_uses_the_kind_where_it_is() {
    let (_tmp, dir) = switched_project();
    ok(
        &dir,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
            "--defaulting",
        ],
    );
    let webhook = read(&dir, "src/webhooks/v1/guestbook.rs");
    assert!(
        webhook.contains("use crate::api::v1::Guestbook;"),
        "{webhook}"
    );
    assert!(files_under(&dir, "src/webhooks/webapp").is_empty());
    assert!(read(&dir, "src/webhooks/mod.rs").contains("pub mod v1;"));
    ok(&dir, &["generate", "--check"]);
}
