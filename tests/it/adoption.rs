//! `create api --from` with default flags scaffolds a controller, which reports `conditions` and
//! `observedGeneration` in the status: a description without them gets them, each addition
//! printed as a warning; conditions in the shape of metav1.Condition are recognised by that
//! shape; conditions of another shape are kept, with a controller that leaves the status alone.
//! CRD manifests are adopted whole, with every difference said and its reason given.

use crate::description_support;

use std::path::Path;

use crate::common::{fails, ok, read, tree};

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
fn conditions_of_another_shape_get_a_controller_that_leaves_the_status_alone() {
    let dir = project();
    let file = fixture("foreign-conditions.yaml");
    let out = ok(
        dir.path(),
        &["create", "api", "--group", "app", "--from", &file],
    );
    assert!(
        out.contains(&format!(
            "warning   {file}:9:5: `status.conditions` has a shape of its own"
        )) && out.contains("the controller reports nothing in it"),
        "{out}"
    );
    // The status is the description's: no observedGeneration, the items as they were.
    let status = status_schema(dir.path(), "config/crd/bases/app.example.com_scalers.yaml");
    assert!(
        status["properties"]["observedGeneration"].is_null(),
        "{status}"
    );
    let items = &status["properties"]["conditions"]["items"];
    assert_eq!(
        items["required"],
        serde_json::json!(["status", "type"]),
        "{status}"
    );
    // The controller keeps its finalizer and Events, and writes no status.
    let controller = read(dir.path(), "src/controllers/scaler.rs");
    assert!(controller.contains("pub const FINALIZER"), "{controller}");
    assert!(!controller.contains("patch_status("), "{controller}");
    // Its envtest check waits for the finalizer, not for a Ready condition.
    let envtest = read(dir.path(), "tests/envtest/main.rs");
    assert!(
        envtest.contains("controllers::scaler::FINALIZER,\n        include_str!(\"../../config/samples/app_v1alpha1_scaler.yaml\"),\n        false,"),
        "{envtest}"
    );
}

#[test]
fn shapes_kube_derive_cannot_write_as_they_are_are_adopted() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "shapes",
        ],
    );
    let input = fixture("crd-shapes.yaml");
    let out = ok(dir.path(), &["create", "api", "--from", &input]);
    let adopted = crd(
        dir.path(),
        "config/crd/bases/shapes.example.com_gadgets.yaml",
    );
    let v1 = adopted["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1")
        .unwrap()
        .clone();
    let spec = &v1["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    // `properties` and `enum` of `oneOf` entries, inside an `allOf` of the entry.
    assert_eq!(
        spec["target"]["oneOf"],
        serde_json::json!([
            {"allOf": [{"properties": {"kind": {"enum": ["Service"]}}}], "required": ["ref"]},
            {"required": ["kind"]},
        ])
    );
    assert_eq!(
        spec["mode"]["oneOf"],
        serde_json::json!([{"allOf": [{"enum": ["fast"]}]}, {"allOf": [{"enum": ["slow"]}]}])
    );
    for line in [
        "oneOf[0].allOf` is added",
        "oneOf[0].properties` is dropped",
    ] {
        assert!(
            out.contains(line) && out.contains("same meaning"),
            "{line}: {out}"
        );
    }
    // Two JSON names of one Rust field: both kept, the second field numbered.
    assert!(spec["mirror_percent"].is_object() && spec["mirrorPercent"].is_object());
    let types = read(dir.path(), "src/api/v1/gadget.rs");
    assert!(
        types.contains("#[serde(rename = \"mirrorPercent\")]")
            || types.contains("#[serde(rename = \"mirror_percent\")]"),
        "{types}"
    );
    assert!(types.contains("mirror_percent_2"), "{types}");
    // Two printer columns of one name, as the API server takes them.
    let columns = v1["additionalPrinterColumns"].as_array().unwrap();
    assert_eq!(columns.len(), 2);
    assert!(columns.iter().all(|c| c["name"] == "Size"));
    // A default in the status.
    let status = &v1["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"];
    assert_eq!(status["phase"]["default"], "Pending");
    // The status subresource that kube-derive serves, said with its reason.
    assert!(
        out.contains("subresources.status` is added: {} (kube-derive serves the status"),
        "{out}"
    );
    // The sample satisfies the CEL rule and the multipleOf, and the API server should take it.
    let sample_text = read(dir.path(), "config/samples/shapes_v1_gadget.yaml");
    let sample = &kubeforge::yaml::values_from_str(Path::new("sample"), &sample_text).unwrap()[0];
    let size = sample["spec"]["size"].as_i64().unwrap();
    assert!(size > 10 && size % 7 == 0, "{sample_text}");
    assert!(
        sample["spec"]["name"].as_str().unwrap().starts_with('g'),
        "{sample_text}"
    );
    let root = &v1["schema"]["openAPIV3Schema"];
    let verdict = kubeforge::description::check_object(root, sample, None);
    assert!(verdict.accepted(), "{verdict:?}");
    // No sample for the version that is not served.
    assert!(
        !dir.path()
            .join("config/samples/shapes_v1alpha1_gadget.yaml")
            .exists()
    );
    let samples = read(dir.path(), "config/samples/kustomization.yaml");
    assert!(!samples.contains("v1alpha1"), "{samples}");
}

#[test]
fn a_sample_kubeforge_cannot_make_valid_is_a_warning_not_a_refusal() {
    let dir = project();
    let file = description(
        dir.path(),
        "coded.yaml",
        "version: v1\nkind: Coded\nspec:\n  properties:\n    code:\n      type: string\n      required: true\n      pattern: '^[0-9]{3}-[A-Z]{2}$'\n",
    );
    let out = ok(
        dir.path(),
        &["create", "api", "--group", "app", "--from", &file],
    );
    assert!(
        out.contains(&format!(
            "warning   {file}:6:7: cannot build the sample's `spec.code`"
        )) && out.contains("envtest check is left out"),
        "{out}"
    );
    let sample = read(dir.path(), "config/samples/app_v1_coded.yaml");
    assert!(
        sample.starts_with(
            "# kubeforge could not make this sample valid; edit it before applying it:\n"
        ),
        "{sample}"
    );
    let envtest = read(dir.path(), "tests/envtest/main.rs");
    assert!(!envtest.contains("coded"), "{envtest}");
    assert!(dir.path().join("src/controllers/coded.rs").is_file());
}

/// Adopts the CRD manifest `file` with default flags into a new project of its group's domain;
/// the difference lines printed.
fn adopt(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let doc = &kubeforge::yaml::values_from_str(file, &text).unwrap()[0];
    let group = doc["spec"]["group"].as_str().unwrap();
    let domain = group.split_once('.').unwrap().1;
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", domain, "--project-name", "adopted"],
    );
    let out = ok(
        dir.path(),
        &["create", "api", "--from", file.to_str().unwrap()],
    );
    out.lines()
        .filter(|l| l.starts_with("warning   the CRD differs from the input:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_crd_fixture_is_adopted_with_each_difference_given_its_reason() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("crd-"))
        .collect();
    if let Some(shared) = description_support::shared_crds_dir() {
        files.extend(
            std::fs::read_dir(shared)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
        );
    }
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    for file in &files {
        for line in adopt(file) {
            assert!(
                has_known_reason(&line),
                "{}: a difference without a known reason: {line}",
                file.display()
            );
        }
    }
    // The README lists every reason.
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (_, _, why) in kubeforge::description::KNOWN_DIFFERENCES {
        assert!(readme.contains(why), "the README does not list: {why}");
    }
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

/// Whether a difference line ends with one of the known reasons.
fn has_known_reason(line: &str) -> bool {
    kubeforge::description::KNOWN_DIFFERENCES
        .iter()
        .any(|(_, _, why)| line.ends_with(&format!("({why})")))
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
        assert!(has_known_reason(line), "an unexpected difference: {line}");
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

#[test]
fn root_fields_beside_spec_and_versions_without_spec_are_adopted_with_no_spec() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "fields",
        ],
    );
    let input = fixture("crd-root-fields.yaml");
    let out = ok(dir.path(), &["create", "api", "--from", &input]);
    assert!(
        out.contains("becomes [\"spec\"] (kube-derive cannot require `metadata`"),
        "{out}"
    );
    let adopted = crd(
        dir.path(),
        "config/crd/bases/fields.example.com_rollouts.yaml",
    );
    let text = std::fs::read_to_string(&input).unwrap();
    let given = &kubeforge::yaml::values_from_str(Path::new(&input), &text).unwrap()[0];
    let root = |crd: &serde_json::Value, version: &str| {
        let versions = crd["spec"]["versions"].as_array().unwrap();
        let v = versions.iter().find(|v| v["name"] == version).unwrap();
        v["schema"]["openAPIV3Schema"].clone()
    };
    // The root fields are the input's, as values.
    for field in ["operation", "spec"] {
        assert_eq!(
            numbers_as_floats(root(&adopted, "v1")["properties"][field].clone()),
            numbers_as_floats(root(given, "v1")["properties"][field].clone()),
            "{field}"
        );
    }
    let types = read(dir.path(), "src/api/v1/rollout.rs");
    assert!(
        types.contains("no_spec") && types.contains("pub struct RolloutFields"),
        "{types}"
    );
    // Objects without spec: the fields at the root, the sample too.
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", "example.com", "--project-name", "store"],
    );
    ok(
        dir.path(),
        &["create", "api", "--from", &fixture("crd-no-spec.yaml")],
    );
    let adopted = crd(
        dir.path(),
        "config/crd/bases/store.example.com_buckets.yaml",
    );
    let schema = root(&adopted, "v1");
    assert_eq!(
        schema["required"],
        serde_json::json!(["region"]),
        "{schema}"
    );
    assert_eq!(schema["properties"]["region"]["minLength"], 1, "{schema}");
    assert!(schema["properties"]["spec"].is_null(), "{schema}");
    let sample = read(dir.path(), "config/samples/store_v1_bucket.yaml");
    assert!(
        sample.contains("\nregion: ") && !sample.contains("spec:"),
        "{sample}"
    );
}
