//! `create api --from` with default flags scaffolds a controller, which reports `conditions` and
//! `observedGeneration` in the status: a description without them gets them, each addition
//! printed as a warning; conditions in the shape of metav1.Condition are recognised by that
//! shape; conditions of another shape are refused with their place, and nothing is written.

mod common;

use std::path::Path;

use common::{fails, ok, read, tree};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/adoption")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A new project in a temporary directory.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "adopted",
        ],
    );
    dir
}

/// The status schema of the CRD file `path` of the project.
fn status_schema(dir: &Path, path: &str) -> serde_json::Value {
    let text = read(dir, path);
    let crd = &kubeforge::yaml::values_from_str(Path::new(path), &text).unwrap()[0];
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"].clone()
}

#[test]
fn a_kind_without_status_gets_the_status_its_controller_reports() {
    let dir = project();
    let out = ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "app",
            "--from",
            &fixture("no-status.yaml"),
        ],
    );
    assert!(
        out.contains("warning   the description has no status: kubeforge adds one"),
        "{out}"
    );
    let status = status_schema(dir.path(), "config/crd/bases/app.example.com_plains.yaml");
    assert_eq!(
        status["properties"]["conditions"]["items"]["type"],
        "object"
    );
    assert_eq!(
        status["properties"]["conditions"]["x-kubernetes-list-map-keys"],
        serde_json::json!(["type"])
    );
    assert_eq!(
        status["properties"]["observedGeneration"]["format"],
        "int64"
    );
    let types = read(dir.path(), "src/api/v1/plain.rs");
    assert!(types.contains("pub conditions: Vec<Condition>"), "{types}");
}

#[test]
fn conditions_in_the_shape_of_metav1_condition_are_recognised() {
    let dir = project();
    let out = ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "cache",
            "--from",
            &fixture("condition-shaped.yaml"),
        ],
    );
    assert!(
        out.contains("the items of `status.conditions` have the shape of metav1.Condition"),
        "{out}"
    );
    assert!(
        out.contains("the status has no `observedGeneration`: kubeforge adds it"),
        "{out}"
    );
    let types = read(dir.path(), "src/api/v1alpha1/memcached.rs");
    assert!(types.contains("pub conditions: Vec<Condition>"), "{types}");
    let status = status_schema(
        dir.path(),
        "config/crd/bases/cache.example.com_memcacheds.yaml",
    );
    assert_eq!(
        status["properties"]["conditions"]["default"],
        serde_json::json!([])
    );
}

#[test]
fn without_a_controller_nothing_is_added() {
    let dir = project();
    let out = ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "app",
            "--controller=false",
            "--from",
            &fixture("no-status.yaml"),
        ],
    );
    assert!(!out.contains("warning"), "{out}");
    let status = status_schema(dir.path(), "config/crd/bases/app.example.com_plains.yaml");
    assert!(status.is_null(), "no status: {status}");
}

#[test]
fn conditions_of_another_shape_are_refused_at_their_place() {
    let dir = project();
    let before = tree(dir.path());
    let file = fixture("foreign-conditions.yaml");
    let err = fails(
        dir.path(),
        &["create", "api", "--group", "app", "--from", &file],
        2,
    );
    assert!(
        err.contains(&format!("{file}:9:5")) && err.contains("not a list of metav1.Condition"),
        "{err}"
    );
    assert!(err.contains("--controller=false"), "{err}");
    assert_eq!(tree(dir.path()), before, "nothing written");
}

/// Writes a description into `dir` and returns its path.
fn description(dir: &Path, name: &str, text: &str) -> String {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file.to_string_lossy().into_owned()
}

#[test]
fn a_quoted_boolean_is_an_error_at_its_place() {
    let dir = project();
    let file = description(
        dir.path(),
        "quoted.yaml",
        "version: v1\nkind: Quoted\nserved: 'no'\nspec:\n  properties:\n    size: integer\n",
    );
    let before = tree(dir.path());
    let err = fails(
        dir.path(),
        &["create", "api", "--group", "app", "--from", &file],
        2,
    );
    assert!(
        err.contains(&format!("{file}:3:9")) && err.contains("`no` is a string, not a boolean"),
        "{err}"
    );
    assert_eq!(tree(dir.path()), before, "nothing written");
}

#[test]
fn storage_false_on_the_only_version_is_an_error() {
    let dir = project();
    let file = description(
        dir.path(),
        "unstored.yaml",
        "version: v1\nkind: Unstored\nstorage: false\nspec:\n  properties:\n    size: integer\n",
    );
    let before = tree(dir.path());
    let err = fails(
        dir.path(),
        &["create", "api", "--group", "app", "--from", &file],
        2,
    );
    assert!(
        err.contains(&format!("{file}:3:10")) && err.contains("the only stored version"),
        "{err}"
    );
    assert_eq!(tree(dir.path()), before, "nothing written");
}

#[test]
fn an_explicit_plural_is_honoured_beside_a_singular() {
    let dir = project();
    let file = description(
        dir.path(),
        "named.yaml",
        "version: v1\nkind: CronJob\nplural: cronjobs\nsingular: mycronjob\nspec:\n  properties:\n    size: integer\n",
    );
    ok(
        dir.path(),
        &[
            "create",
            "api",
            "--group",
            "batch",
            "--controller=false",
            "--from",
            &file,
        ],
    );
    let crd = read(
        dir.path(),
        "config/crd/bases/batch.example.com_cronjobs.yaml",
    );
    assert!(
        crd.contains("plural: cronjobs") && crd.contains("singular: mycronjob"),
        "{crd}"
    );
}
