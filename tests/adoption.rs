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

/// The CRD file `path` of a project, parsed.
fn crd(dir: &Path, path: &str) -> serde_json::Value {
    let text = read(dir, path);
    kubeforge::yaml::values_from_str(Path::new(path), &text).unwrap()[0].clone()
}

/// The differences kube-derive imposes on an adopted CRD: a root description and title, a
/// nullable status, and k8s-openapi's descriptions of metav1.Condition.
fn forced_by_kube_derive(line: &str) -> bool {
    let path = line
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no path in {line}"));
    path.ends_with("openAPIV3Schema.description")
        || path.ends_with("openAPIV3Schema.title")
        || path.ends_with("properties.status.nullable")
        || (path.contains(".conditions.items.properties.") && path.ends_with(".description"))
}

#[test]
fn a_crd_manifest_is_adopted_whole_and_every_difference_is_said() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", "example.com", "--project-name", "shop"],
    );
    let input = fixture("crd-widget.yaml");
    let out = ok(dir.path(), &["create", "api", "--from", &input]);

    let differences: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("warning   the CRD differs from the input:"))
        .collect();
    assert!(!differences.is_empty(), "{out}");
    for line in &differences {
        assert!(
            forced_by_kube_derive(line),
            "an unexpected difference: {line}"
        );
    }

    let adopted = crd(dir.path(), "config/crd/bases/shop.example.com_widgets.yaml");
    let text = std::fs::read_to_string(&input).unwrap();
    let given = &kubeforge::yaml::values_from_str(Path::new(&input), &text).unwrap()[0];
    // Apart from the differences said above, the CRD is the input.
    for (key, path) in [
        ("names", &["spec", "names"][..]),
        ("scope", &["spec", "scope"][..]),
        ("group", &["spec", "group"][..]),
    ] {
        let at = |v: &serde_json::Value| path.iter().fold(v.clone(), |v, k| v[k].clone());
        let mut want = at(given);
        if key == "names" {
            want.as_object_mut().unwrap().remove("listKind");
        }
        assert_eq!(at(&adopted), want, "{key}");
    }
    let version = |crd: &serde_json::Value, name: &str| {
        crd["spec"]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .cloned()
            .unwrap()
    };
    for name in ["v1", "v1beta1"] {
        let (a, g) = (version(&adopted, name), version(given, name));
        for key in [
            "served",
            "storage",
            "deprecated",
            "deprecationWarning",
            "additionalPrinterColumns",
            "selectableFields",
            "subresources",
        ] {
            assert_eq!(a[key], g[key], "{name}: {key}");
        }
        let spec =
            |v: &serde_json::Value| v["schema"]["openAPIV3Schema"]["properties"]["spec"].clone();
        assert_eq!(
            numbers_as_floats(spec(&a)),
            numbers_as_floats(spec(&g)),
            "{name}: the spec schema"
        );
    }
    for key in ["annotations", "labels"] {
        assert_eq!(adopted["metadata"][key], given["metadata"][key], "{key}");
    }
    let project = read(dir.path(), "PROJECT");
    assert!(project.contains("version: v1beta1"), "{project}");
}

#[test]
fn a_file_of_several_crds_needs_the_kind() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", "example.com", "--project-name", "shop"],
    );
    let one = std::fs::read_to_string(fixture("crd-widget.yaml")).unwrap();
    let two = one
        .replace("widgets.shop.example.com", "gadgets.shop.example.com")
        .replace("Widget", "Gadget")
        .replace("widget", "gadget");
    let file = description(dir.path(), "both.yaml", &format!("{one}---\n{two}"));
    let before = tree(dir.path());
    let err = fails(dir.path(), &["create", "api", "--from", &file], 2);
    assert!(
        err.contains("widgets.shop.example.com (Widget)")
            && err.contains("gadgets.shop.example.com (Gadget)")
            && err.contains("--kind"),
        "{err}"
    );
    assert_eq!(tree(dir.path()), before, "nothing written");
    ok(
        dir.path(),
        &["create", "api", "--from", &file, "--kind", "Gadget"],
    );
    assert!(
        dir.path()
            .join("config/crd/bases/shop.example.com_gadgets.yaml")
            .is_file()
    );
}

#[test]
fn a_crd_of_another_domain_says_which_project_takes_it() {
    let dir = project();
    let file = description(
        dir.path(),
        "other.yaml",
        &std::fs::read_to_string(fixture("crd-widget.yaml"))
            .unwrap()
            .replace("shop.example.com", "shop.example.org"),
    );
    let err = fails(dir.path(), &["create", "api", "--from", &file], 2);
    assert!(
        err.contains("not of the project's domain `example.com`")
            && err.contains("kubeforge init --domain example.org"),
        "{err}"
    );
}

/// `value` with every number a float, so that `0` and `0.0` compare equal.
fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}
