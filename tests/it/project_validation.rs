//! PROJECT is read as the flags that wrote it are checked: a hand-edited value that no command
//! would accept (a kind with a path in it, a project name with a space, an unknown Kubernetes
//! version, ...) is refused by every command with exit 2, naming PROJECT, the line and column of
//! the value, the rule it breaks and the fix, and nothing is written. So is a value kubeforge
//! derives (`repo`, a kind's `path`, `crdVersion`, ...) that disagrees with what it derives.

use crate::common;

use std::path::Path;

use crate::common::{fails, ok, tree};

/// A project with a kind in two versions, a conversion webhook between them (a list of spokes),
/// and a controller for a kind of Kubernetes itself.
fn base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "guestbook",
            "--owner",
            "The Guestbook Authors",
        ],
    );
    for version in ["v1", "v2"] {
        ok(
            d,
            &[
                "create",
                "api",
                "--group",
                "webapp",
                "--version",
                version,
                "--kind",
                "Guestbook",
            ],
        );
    }
    ok(
        d,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
            "--conversion",
            "--spoke",
            "v2",
        ],
    );
    ok(
        d,
        &[
            "create",
            "api",
            "--group",
            "apps",
            "--version",
            "v1",
            "--kind",
            "Deployment",
            "--resource=false",
        ],
    );
    dir
}

/// A hand edit of PROJECT: the first line whose content (after its indentation and a list
/// item's `- `) starts with `find` gets `value` in place of its value.
struct Edit {
    /// `key: ` and the start of the old value, or the start of a list item's value.
    find: &'static str,
    value: String,
    /// What the error says.
    says: &'static str,
}

fn edit(find: &'static str, value: impl Into<String>, says: &'static str) -> Edit {
    Edit {
        find,
        value: value.into(),
        says,
    }
}

/// Applies `e` to PROJECT; the line and column (1-based) of the new value.
fn apply(project: &str, e: &Edit) -> (String, usize, usize) {
    let mut out = String::new();
    let mut at = None;
    for (number, line) in project.lines().enumerate() {
        let content = line.trim_start();
        let content = content.strip_prefix("- ").unwrap_or(content);
        if at.is_none() && content.starts_with(e.find) {
            let key = e.find.split_once(": ").map_or("", |(k, _)| k);
            let head = format!(
                "{}{}",
                &line[..line.len() - content.len()],
                if key.is_empty() {
                    String::new()
                } else {
                    format!("{key}: ")
                }
            );
            at = Some((number + 1, head.chars().count() + 1));
            out.push_str(&format!("{head}{}\n", e.value));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    let (line, column) =
        at.unwrap_or_else(|| panic!("no line `{}` in PROJECT:\n{project}", e.find));
    (out, line, column)
}

/// Every command that reads PROJECT.
const COMMANDS: &[&[&str]] = &[
    &["generate"],
    &["generate", "--check"],
    &[
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Other",
    ],
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
    &["edit", "--namespaced"],
];

fn copy_tree(from: &Path, to: &Path) {
    common::write_tree(&tree(from), to);
}

#[test]
fn every_value_of_project_is_checked_as_its_flag_is() {
    let long_group = [
        "a".repeat(60),
        "b".repeat(60),
        "c".repeat(60),
        "d".repeat(60),
    ]
    .join(".");
    let edits = [
        edit(
            "kubeforge.io/v1",
            "kubeforge.io/v0",
            "layout[0] `kubeforge.io/v0` is not supported",
        ),
        edit(
            "cliVersion: ",
            "\"0.1.0; rm -rf /\"",
            "cliVersion `0.1.0; rm -rf /` must be a release",
        ),
        edit(
            "projectName: ",
            "Bad Name",
            "projectName `Bad Name` may contain only",
        ),
        edit(
            "domain: ",
            "example..com",
            "domain `example..com` each dot-separated part",
        ),
        edit(
            "owner: ",
            "\"The Authors\\npub fn injected() {}\"",
            "owner `The Authors\\npub fn injected() {}` contains the control character",
        ),
        edit(
            "k8sVersion: ",
            "\"0.1\"",
            "k8sVersion `0.1` is not supported",
        ),
        edit(
            "group: webapp",
            "../../etc",
            "resources[0].group `../../etc` ",
        ),
        edit("group: webapp", long_group, "resources[0].group `aaaa"),
        edit(
            "version: v1",
            "v1/../../x",
            "resources[0].version `v1/../../x` must look like",
        ),
        edit(
            "kind: Guestbook",
            "../../X",
            "resources[0].kind `../../X` must start with",
        ),
        edit(
            "plural: guestbooks",
            "guest/books",
            "resources[0].plural `guest/books` may contain",
        ),
        edit(
            "v2",
            "../v2",
            "resources[0].webhooks.spoke[0] `../v2` must start with 'v'",
        ),
        edit(
            "kind: Deployment",
            "Deploymint",
            "resources[2] is `core`, but apps/v1 Deploymint is not a built-in kind",
        ),
        edit(
            "plural: deployments",
            "deploys",
            "resources[2].plural `deploys`: Deployment is served as `deployments`",
        ),
        // Values kubeforge derives must agree with what it derives.
        edit(
            "repo: ",
            "example.com/guestbook",
            "repo `example.com/guestbook` disagrees with `guestbook`: kubeforge derives it",
        ),
        edit(
            "path: guestbook::api::v1",
            "guestbook::api::v3",
            "resources[0].path `guestbook::api::v3` disagrees with `guestbook::api::v1`",
        ),
        edit(
            "webhookVersion: ",
            "v1beta1",
            "resources[0].webhooks.webhookVersion `v1beta1` disagrees with `v1`",
        ),
        edit(
            "crdVersion: ",
            "v1beta1",
            "resources[0].api.crdVersion `v1beta1` disagrees with `v1`",
        ),
    ];
    let base = base();
    let project = std::fs::read_to_string(base.path().join("PROJECT")).unwrap();
    for e in &edits {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(base.path(), dir.path());
        let (text, line, column) = apply(&project, e);
        std::fs::write(dir.path().join("PROJECT"), &text).unwrap();
        let before = tree(dir.path());
        for args in COMMANDS {
            let err = fails(dir.path(), args, 2);
            let place = format!("error: PROJECT:{line}:{column}: ");
            assert!(
                err.starts_with(&place) && err.contains(e.says) && err.contains("\n  hint: "),
                "kubeforge {args:?} with `{}` in PROJECT line {line}: expected `{place}` and `{}`, got:\n{err}",
                e.value,
                e.says
            );
        }
        assert!(tree(dir.path()) == before, "{}: a file changed", e.value);
    }
}

#[test]
fn hints_say_what_the_flag_takes() {
    let base = base();
    let project = std::fs::read_to_string(base.path().join("PROJECT")).unwrap();
    for (e, hint) in [
        (edit("kind: Guestbook", "../../X", ""), "as --kind takes it"),
        (
            edit("projectName: ", "Bad Name", ""),
            "as --project-name takes it",
        ),
        (edit("k8sVersion: ", "\"0.1\"", ""), "as --k8s-version"),
    ] {
        let (text, _, _) = apply(&project, &e);
        std::fs::write(base.path().join("PROJECT"), &text).unwrap();
        let err = fails(base.path(), &["generate"], 2);
        assert!(err.contains(hint), "{err}");
    }
}

#[test]
fn a_project_as_kubeforge_writes_it_is_accepted() {
    let base = base();
    let before = tree(base.path());
    ok(base.path(), &["generate", "--check"]);
    assert!(tree(base.path()) == before);
}
