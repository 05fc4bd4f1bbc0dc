//! PROJECT follows kubebuilder's PROJECT v3 schema, and the PROJECT of an earlier kubeforge is
//! migrated by the first command that reads it.

use std::path::Path;

use serde_json::Value;

use crate::common::{SCENARIOS, build_scenario, kubeforge, ok, read, repo, tree};

/// The `webhooks` scenario (init, create api, create webhook with a conversion spoke, and a
/// webhook on core/v1 Pods) built in `parent`.
fn webhooks(parent: &Path) -> std::path::PathBuf {
    let scenario = SCENARIOS.iter().find(|s| s.name == "webhooks").unwrap();
    build_scenario(scenario, parent)
}

/// The PROJECT of the `webhooks` scenario as earlier kubeforge versions wrote it, naming this
/// kubeforge's version.
fn legacy_project() -> String {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/project/webhooks-legacy.PROJECT"))
            .unwrap();
    assert!(text.contains("layout: kubeforge.io/v1\n") && text.contains("spokes:"));
    text.replace(
        "cliVersion: \"0.1.0\"",
        &format!("cliVersion: \"{}\"", env!("CARGO_PKG_VERSION")),
    )
}

#[test]
fn project_has_kubebuilders_v3_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = webhooks(tmp.path());
    let text = read(&dir, "PROJECT");
    let values = kubeforge::yaml::values_from_str(Path::new("PROJECT"), &text).unwrap();
    let project = &values[0];
    assert_eq!(project["version"], "3", "{text}");
    let layout = project["layout"].as_array().expect("layout is a list");
    assert!(layout.contains(&Value::from("kubeforge.io/v1")), "{text}");
    assert_eq!(project["repo"], "webhook_operator");
    let options = &project["plugins"]["kubeforge.io/v1"];
    assert_eq!(options["k8sVersion"], "1.33", "{text}");
    assert_eq!(options["license"], "apache2", "{text}");
    let resources = project["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 3, "{text}");
    for own in &resources[..2] {
        assert_eq!(own["api"]["crdVersion"], "v1", "{text}");
        assert_eq!(own["domain"], "example.com", "{text}");
        assert_eq!(own["group"], "webapp", "{text}");
        assert!(own.get("core").is_none(), "{text}");
    }
    assert_eq!(resources[0]["path"], "webhook_operator::api::v1");
    let hub = &resources[0]["webhooks"];
    assert_eq!(hub["spoke"], serde_json::json!(["v2"]), "{text}");
    assert_eq!(hub["webhookVersion"], "v1", "{text}");
    let pod = &resources[2];
    assert_eq!(pod["core"], true, "{text}");
    assert_eq!(pod["kind"], "Pod", "{text}");
    assert!(
        pod.get("domain").is_none() && pod.get("api").is_none(),
        "{text}"
    );
    assert_eq!(pod["path"], "k8s_openapi::api::core::v1", "{text}");
    assert_eq!(pod["webhooks"]["webhookVersion"], "v1", "{text}");
    // No key of kubeforge's outside `plugins` and `api.storage`.
    let keys: Vec<&str> = project
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "cliVersion",
            "domain",
            "layout",
            "plugins",
            "projectName",
            "repo",
            "resources",
            "version"
        ]
    );
}

const NOTE: &str = "migrate   PROJECT to the kubebuilder v3 layout (version \"3\")\n";

#[test]
fn generate_migrates_the_earlier_format() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = webhooks(tmp.path());
    let current = read(&dir, "PROJECT");
    std::fs::write(dir.join("PROJECT"), legacy_project()).unwrap();

    // A check reports the old format as stale, with the note, and writes nothing.
    let before = tree(&dir);
    let out = kubeforge(&dir, &["generate", "--check"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(NOTE), "{stdout}");
    assert!(stdout.contains("+version: \"3\""), "{stdout}");
    assert!(
        stderr.contains("1 generated file(s) are stale: PROJECT\n"),
        "{stderr}"
    );
    assert!(tree(&dir) == before, "generate --check wrote a file");

    let out = ok(&dir, &["generate"]);
    assert!(
        out.contains("update    PROJECT\n") && out.contains(NOTE),
        "{out}"
    );
    assert_eq!(read(&dir, "PROJECT"), current);
    let out = ok(&dir, &["generate", "--check"]);
    assert!(!out.contains("migrate"), "{out}");
}

#[test]
fn every_command_that_reads_project_migrates_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = webhooks(tmp.path());
    let base = tree(&dir);
    let commands: &[&[&str]] = &[
        &["edit", "--namespaced=false"],
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
        ],
        &[
            "create",
            "webhook",
            "--group",
            "core",
            "--version",
            "v1",
            "--kind",
            "Pod",
            "--defaulting",
        ],
    ];
    for args in commands {
        let copy = tempfile::tempdir().unwrap();
        crate::common::write_tree(&base, copy.path());
        std::fs::write(copy.path().join("PROJECT"), legacy_project()).unwrap();
        let out = ok(copy.path(), args);
        assert!(out.contains(NOTE), "{args:?}: {out}");
        assert_eq!(
            read(copy.path(), "PROJECT"),
            read(&dir, "PROJECT"),
            "{args:?}"
        );
    }
}
