//! `create api --from` reads regular files only, and no more of them than it takes: a FIFO, a
//! device or a directory is refused at once (exit 2, nothing written), and so is a file larger
//! than the limit, without reading it whole.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{ok, tree};

/// Runs `kubeforge -C dir args`, killing it after 20 s; its exit code and stderr.
fn run_bounded(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeforge"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("kubeforge {args:?} still ran after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "bounded",
        ],
    );
    dir
}

/// `create api --from source` fails with exit 2, a message naming the flag, and no change.
fn refused(source: &Path, message: &str) {
    let dir = project();
    let before = tree(dir.path());
    let from = source.to_str().unwrap();
    let (code, err) = run_bounded(
        dir.path(),
        &["create", "api", "--group", "app", "--from", from],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&format!("--from {from}: {message}")), "{err}");
    assert_eq!(tree(dir.path()), before, "nothing written");
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let outside = tempfile::tempdir().unwrap();
    let fifo = outside.path().join("description.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    refused(&fifo, "not a regular file");
}

#[test]
fn a_device_and_a_directory_are_refused() {
    refused(Path::new("/dev/zero"), "not a regular file");
    let outside = tempfile::tempdir().unwrap();
    refused(outside.path(), "not a regular file");
}

#[test]
fn a_file_over_the_limit_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let big = outside.path().join("big.yaml");
    let line = "# padding\n".repeat(1 << 10);
    let text = line.repeat(kubeforge::description::MAX_CRD_BYTES / line.len() + 1);
    std::fs::write(&big, text).unwrap();
    refused(
        &big,
        "more than the 4194304 bytes kubeforge reads of a file",
    );
}
