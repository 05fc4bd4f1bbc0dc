//! Generated Rust is laid out as rustfmt lays it out whatever the length of the names in it: a
//! project and kinds with long names get the same `cargo fmt --check`-clean code as short ones.

use std::path::Path;
use std::process::Command;

use crate::common::ok;

/// Whether rustfmt leaves `file` as it is; `None` when there is no rustfmt.
fn rustfmt_clean(file: &Path) -> Option<Result<(), String>> {
    let out = Command::new("rustfmt")
        .args(["--edition", "2024", "--check", "--color", "never"])
        .arg(file)
        .output()
        .ok()?;
    if !out.status.success() && out.stdout.is_empty() && !out.stderr.is_empty() {
        // rustfmt itself is missing from the toolchain (the rustup proxy reports it).
        return None;
    }
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stdout).into_owned())
    })
}

/// Checks every Rust file of the project in `dir` (the vendored runtime aside).
fn check_layout(dir: &Path) {
    let files: Vec<String> = crate::common::own_files(dir)
        .into_keys()
        .filter(|f| f.ends_with(".rs"))
        .collect();
    assert!(files.len() > 5, "{files:?}");
    for file in &files {
        match rustfmt_clean(&dir.join(file)) {
            None => {
                eprintln!("rustfmt not found: the layout of {file} is not checked");
                return;
            }
            Some(Err(diff)) => panic!("{file} is not as rustfmt lays it out:\n{diff}"),
            Some(Ok(())) => {}
        }
    }
}

#[test]
fn long_names_are_laid_out_as_rustfmt_does() {
    // Paths that overflow a line but fit once rustfmt wraps them, and paths too long for any
    // line (which rustfmt leaves as they are).
    type Kinds<'a> = &'a [(&'a str, &'a str)];
    let projects: [(&str, &[&str], Kinds); 2] = [
        (
            "shared-controller-tools-versionedresource",
            &[],
            &[("tools", "VersionedResource"), ("tools", "Guestbook")],
        ),
        (
            "shared-controller-tools-versionedresource-operator",
            &["--multigroup"],
            &[
                ("webapp", "Guestbook"),
                (
                    "configuration-management",
                    "VersionedResourceWithAVeryLongName",
                ),
            ],
        ),
    ];
    for (name, init, kinds) in projects {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        let mut args = vec!["init", "--domain", "example.com"];
        args.extend(init);
        ok(&dir, &args);
        for (group, kind) in kinds {
            let args = [
                "create",
                "api",
                "--group",
                group,
                "--version",
                "v1",
                "--kind",
                kind,
            ];
            ok(&dir, &args);
        }
        ok(
            &dir,
            &[
                "create",
                "webhook",
                "--group",
                kinds[0].0,
                "--version",
                "v1",
                "--kind",
                kinds[0].1,
                "--defaulting",
            ],
        );
        check_layout(&dir);
    }
}
