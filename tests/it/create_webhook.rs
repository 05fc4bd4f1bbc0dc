//! `kubeforge create webhook` end to end: refusals, webhooks added one at a time without losing
//! the user's code, and what PROJECT records.

use std::path::{Path, PathBuf};

use crate::common::{fails, ok, read, tree};

fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("guestbook");
    std::fs::create_dir(&dir).unwrap();
    ok(&dir, &["init", "--domain", "example.com"]);
    for version in ["v1", "v2"] {
        ok(
            &dir,
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
    (tmp, dir)
}

fn webhook(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "create",
        "webhook",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
    ];
    args.extend_from_slice(extra);
    args
}

/// A refusal: exit 2, one message naming the flag, a hint, and nothing written.
fn refused(dir: &Path, args: &[&str], message: &str, hint: &str) {
    let before = tree(dir);
    let err = fails(dir, args, 2);
    assert!(err.contains(message), "{args:?}: {err}");
    assert!(err.contains(hint), "{args:?}: {err}");
    assert_eq!(before, tree(dir), "{args:?} wrote something");
}

#[test]
fn bad_requests_are_refused_with_the_flag_and_a_fix() {
    let (_tmp, dir) = project();
    refused(
        &dir,
        &webhook(&[]),
        "no webhook asked for",
        "pass --defaulting",
    );
    refused(
        &dir,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Memcached",
            "--defaulting",
        ],
        "--kind `Memcached`: webapp/v1 Memcached is not a kind of this project",
        "kubeforge create api --group webapp --version v1 --kind Memcached",
    );
    refused(
        &dir,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook",
            "--conversion",
            "--spoke",
            "v1",
        ],
        "--version v2: the hub of a conversion is the storage version of Guestbook, which is v1",
        "pass --version v1",
    );
    refused(
        &dir,
        &webhook(&["--conversion", "--spoke", "v3"]),
        "--spoke v3: Guestbook has no version v3",
        "kubeforge create api --group webapp --version v3 --kind Guestbook",
    );
    refused(
        &dir,
        &webhook(&["--conversion", "--spoke", "v1"]),
        "--spoke v1 is the hub",
        "list the other versions",
    );
    refused(
        &dir,
        &webhook(&["--conversion", "--spoke", "V2"]),
        "--spoke `V2`",
        "use e.g. --spoke v2",
    );
    refused(
        &dir,
        &[
            "create",
            "webhook",
            "--group",
            "core",
            "--version",
            "v1",
            "--kind",
            "Pod",
            "--conversion",
            "--spoke",
            "v2",
        ],
        "--conversion: Pod is a kind of Kubernetes",
        "leave out --conversion",
    );
    refused(
        &dir,
        &[
            "create",
            "webhook",
            "--group",
            "apps",
            "--version",
            "v9",
            "--kind",
            "Deployment",
            "--defaulting",
        ],
        "apps/v9 Deployment is not a built-in kind kubeforge knows",
        "v1/Deployment",
    );
    // clap: --conversion needs --spoke.
    let err = fails(&dir, &webhook(&["--conversion"]), 2);
    assert!(err.contains("--spoke"), "{err}");
}

#[test]
fn webhooks_added_one_at_a_time_keep_the_users_code() {
    let (_tmp, dir) = project();
    let hooks = "src/webhooks/v1/guestbook.rs";
    ok(&dir, &webhook(&["--defaulting"]));
    let first = read(&dir, hooks);
    assert!(first.contains("mutating=true"), "{first}");
    assert!(!first.contains("mutating=false"), "{first}");
    assert!(read(&dir, "PROJECT").contains("webhooks:\n    defaulting: true\n"));
    let manifests = read(&dir, "config/webhook/manifests.yaml");
    assert!(
        manifests.contains("kind: MutatingWebhookConfiguration"),
        "{manifests}"
    );
    assert!(
        manifests.contains("path: /mutate-webapp-example-com-v1-guestbook"),
        "{manifests}"
    );

    // The user writes code in the defaulting hook, then adds validation: no --force, nothing
    // lost, nothing duplicated.
    let edited = format!("{first}\n// A line the user wrote.\n");
    std::fs::write(dir.join(hooks), &edited).unwrap();
    let out = ok(&dir, &webhook(&["--programmatic-validation"]));
    assert!(!out.contains(".orig"), "{out}");
    let second = read(&dir, hooks);
    assert!(second.contains("// A line the user wrote.\n"), "{second}");
    assert!(second.contains("mutating=false"), "{second}");
    assert_eq!(second.matches("mutating=true").count(), 1, "{second}");
    let manifests = read(&dir, "config/webhook/manifests.yaml");
    assert!(
        manifests.contains("kind: ValidatingWebhookConfiguration"),
        "{manifests}"
    );

    // Asking again for what exists changes nothing.
    let before = tree(&dir);
    let out = ok(
        &dir,
        &webhook(&["--defaulting", "--programmatic-validation"]),
    );
    assert!(out.contains("nothing to do"), "{out}");
    assert_eq!(before, tree(&dir));

    // Conversion later: the admission hooks stay as they are.
    ok(&dir, &webhook(&["--conversion", "--spoke", "v2"]));
    assert_eq!(read(&dir, hooks), second);
    let conversion = read(&dir, "src/webhooks/v1/guestbook_conversion.rs");
    assert!(
        conversion.contains("crate::api::v2::Guestbook"),
        "{conversion}"
    );
    let project = read(&dir, "PROJECT");
    assert!(
        project.contains(
            "webhooks:\n    conversion: true\n    defaulting: true\n    spoke:\n    - v2\n    validation: true\n    webhookVersion: v1\n"
        ),
        "{project}"
    );
    let crd_kustomization = read(&dir, "config/crd/kustomization.yaml");
    assert!(
        crd_kustomization.contains("- path: patches/webhook_in_guestbooks.yaml\n"),
        "{crd_kustomization}"
    );
    let patch = read(&dir, "config/crd/patches/webhook_in_guestbooks.yaml");
    assert!(patch.contains("strategy: Webhook"), "{patch}");
    assert!(patch.contains("path: /convert"), "{patch}");
    let default = read(&dir, "config/default/kustomization.yaml");
    assert_eq!(default.matches("- ../webhook\n").count(), 1, "{default}");
    assert_eq!(default.matches("replacements:\n").count(), 1, "{default}");

    // The manifests stay derived from the source.
    let check = ok(&dir, &["generate", "--check"]);
    assert!(check.contains("up to date"), "{check}");
}

/// The example hooks' tests make their objects without listing the fields of the spec, so that
/// fields the user adds to it leave them building (the compile gate builds such a project).
#[test]
fn webhook_tests_leave_the_spec_to_the_user() {
    let (_tmp, dir) = project();
    ok(
        &dir,
        &webhook(&["--defaulting", "--programmatic-validation"]),
    );
    let hooks = read(&dir, "src/webhooks/v1/guestbook.rs");
    assert!(!hooks.contains("GuestbookSpec"), "{hooks}");
    assert_eq!(
        hooks
            .matches("Guestbook::new(\"sample\", Default::default())")
            .count(),
        2,
        "{hooks}"
    );
}

#[test]
fn conversion_patches_of_one_plural_in_two_groups_are_two_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fleet");
    std::fs::create_dir(&dir).unwrap();
    ok(&dir, &["init", "--domain", "example.org", "--multigroup"]);
    for group in ["ship", "sea"] {
        for version in ["v1", "v2"] {
            ok(
                &dir,
                &[
                    "create",
                    "api",
                    "--group",
                    group,
                    "--version",
                    version,
                    "--kind",
                    "Frigate",
                ],
            );
        }
        ok(
            &dir,
            &[
                "create",
                "webhook",
                "--group",
                group,
                "--version",
                "v1",
                "--kind",
                "Frigate",
                "--conversion",
                "--spoke",
                "v2",
            ],
        );
    }
    // As kubebuilder names them in a multigroup project: the group before the plural.
    let crd_kustomization = read(&dir, "config/crd/kustomization.yaml");
    for group in ["ship", "sea"] {
        let patch = format!("patches/webhook_in_{group}_frigates.yaml");
        assert_eq!(
            crd_kustomization
                .matches(&format!("- path: {patch}\n"))
                .count(),
            1,
            "{crd_kustomization}"
        );
        let text = read(&dir, &format!("config/crd/{patch}"));
        assert!(
            text.contains(&format!("name: frigates.{group}.example.org\n")),
            "{text}"
        );
    }
    assert!(
        !dir.join("config/crd/patches/webhook_in_frigates.yaml")
            .exists()
    );
    let check = ok(&dir, &["generate", "--check"]);
    assert!(check.contains("up to date"), "{check}");
}

#[test]
fn a_webhook_on_a_kind_of_kubernetes_needs_no_api() {
    let (_tmp, dir) = project();
    let args = [
        "create",
        "webhook",
        "--group",
        "core",
        "--version",
        "v1",
        "--kind",
        "Pod",
        "--defaulting",
    ];
    ok(&dir, &args);
    let hooks = read(&dir, "src/webhooks/v1/pod.rs");
    assert!(hooks.contains("k8s_openapi::api::core::v1::Pod"), "{hooks}");
    assert!(hooks.contains("groups=\"\""), "{hooks}");
    let manifests = read(&dir, "config/webhook/manifests.yaml");
    assert!(manifests.contains("path: /mutate--v1-pod"), "{manifests}");
    assert!(manifests.contains("- pods"), "{manifests}");
    let project = read(&dir, "PROJECT");
    assert!(
        project.contains("- core: true\n  group: core\n  kind: Pod\n  path: k8s_openapi::api::core::v1\n  plural: pods\n  version: v1\n  webhooks:\n    defaulting: true\n"),
        "{project}"
    );
    // A controller for Pods can come later.
    ok(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "core",
            "--version",
            "v1",
            "--kind",
            "Pod",
            "--resource=false",
        ],
    );
    let project = read(&dir, "PROJECT");
    assert!(
        project.contains("- controller: true\n  core: true\n  group: core\n  kind: Pod\n"),
        "{project}"
    );
    assert!(dir.join("src/controllers/pod.rs").exists());
}

#[test]
fn a_dry_run_writes_nothing() {
    let (_tmp, dir) = project();
    let before = tree(&dir);
    let mut args = vec!["--dry-run"];
    args.extend(webhook(&["--defaulting"]));
    let out = ok(&dir, &args);
    assert!(out.contains("src/webhooks/v1/guestbook.rs"), "{out}");
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert_eq!(before, tree(&dir));
}
