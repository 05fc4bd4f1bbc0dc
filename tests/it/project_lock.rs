//! One command at a time per project: commands run at once in the same project take turns, so
//! none of their changes is lost.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{ok, read, tree};

const PAIRS: usize = 50;

fn create_api(dir: &Path, kind: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kubeforge"))
        .args([
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            kind,
        ])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubeforge runs")
}

#[test]
fn concurrent_create_api_runs_lose_no_kind() {
    let fresh = tempfile::tempdir().unwrap();
    ok(
        fresh.path(),
        &["init", "--domain", "example.com", "--project-name", "shop"],
    );
    let pristine = tree(fresh.path());
    let mut waited = 0;
    for pair in 0..PAIRS {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(&pristine, dir.path());
        let (a, b) = (
            create_api(dir.path(), "Guestbook"),
            create_api(dir.path(), "Memcached"),
        );
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "pair {pair}: {stderr}");
            waited += usize::from(stderr.contains("waiting for another kubeforge command"));
        }
        let project = read(dir.path(), "PROJECT");
        for kind in ["Guestbook", "Memcached"] {
            assert!(
                project.contains(&format!("kind: {kind}")),
                "pair {pair}: {project}"
            );
        }
        let role = read(dir.path(), "config/rbac/role.yaml");
        assert!(
            role.contains("guestbooks") && role.contains("memcacheds"),
            "pair {pair}"
        );
        let main = read(dir.path(), "src/main.rs");
        assert!(
            main.contains("guestbook") && main.contains("memcached"),
            "pair {pair}"
        );
        ok(dir.path(), &["generate", "--check"]);
    }
    eprintln!("{waited} of {PAIRS} pairs had one command wait for the other");
}
