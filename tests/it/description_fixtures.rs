//! The descriptions under tests/fixtures/descriptions/ generate types and samples; with
//! `KUBEFORGE_DESCRIPTION_DUMP=DIR` the outputs are written to DIR for inspection.

use std::path::Path;

fn generate(name: &str) -> kubeforge::description::Generated {
    let file = Path::new("tests/fixtures/descriptions").join(name);
    let text = std::fs::read_to_string(&file).unwrap();
    let desc = kubeforge::description::parse(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let out = kubeforge::description::generate(&desc, "batch.example.com", "cronjob-sample", true)
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(dir) = std::env::var_os("KUBEFORGE_DESCRIPTION_DUMP") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let stem = name.trim_end_matches(".yaml");
        std::fs::write(dir.join(format!("{stem}.rs")), &out.types_rs).unwrap();
        std::fs::write(dir.join(format!("{stem}.sample.yaml")), &out.sample_yaml).unwrap();
    }
    out
}

#[test]
fn cronjob_generates() {
    let out = generate("cronjob.yaml");
    assert!(out.types_rs.contains("pub struct CronJobSpec"));
}

#[test]
fn the_json_schema_describes_the_format() {
    let schema = kubeforge::description::json_schema();
    assert_eq!(schema["title"], "kubeforge resource description");
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "group",
        "version",
        "kind",
        "plural",
        "singular",
        "scope",
        "shortNames",
        "categories",
        "additionalPrinterColumns",
        "subresources",
        "selectableFields",
        "served",
        "storage",
        "deprecated",
        "deprecationWarning",
        "spec",
        "status",
    ] {
        assert!(props.contains_key(key), "{key} is missing");
    }
    for hidden in ["apiVersion", "metadata", "properties", "versions"] {
        assert!(!props.contains_key(hidden), "{hidden} is shown");
    }
    assert_eq!(schema["additionalProperties"], false);
    let defs = schema["$defs"].as_object().unwrap();
    let node = &defs["SchemaNode"];
    assert_eq!(node["additionalProperties"], false);
    for key in [
        "type",
        "x-kubernetes-validations",
        "x-kubernetes-list-map-keys",
        "exclusiveMinimum",
        "required",
    ] {
        assert!(
            node["properties"].get(key).is_some(),
            "SchemaNode lacks {key}"
        );
    }
    assert!(
        defs["TypeName"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "Quantity")
    );
    // Deterministic.
    assert_eq!(schema, kubeforge::description::json_schema());
}

#[test]
fn names_come_from_the_caller_when_resolved() {
    let text = "spec:\n  properties:\n    size: int32\n";
    let file = Path::new("d.yaml");
    let mut desc = kubeforge::description::parse(file, text).unwrap();
    assert_eq!(desc.kind(), None);
    let err = kubeforge::description::generate(&desc, "x.example.com", "s", true).unwrap_err();
    assert!(err.to_string().contains("gives no `kind`"), "{err}");
    desc.resolve("Widget", "v1beta1", "widgetries", false);
    let out =
        kubeforge::description::generate(&desc, "x.example.com", "widget-sample", false).unwrap();
    for line in [
        "#[kube(group = \"x.example.com\", version = \"v1beta1\")]\n#[kube(storage = false)]\n",
        "#[kube(kind = \"Widget\", plural = \"widgetries\")]\n",
        "pub struct WidgetSpec {",
    ] {
        assert!(out.types_rs.contains(line), "{line}\n{}", out.types_rs);
    }
    assert!(
        out.sample_yaml.contains(
            "apiVersion: x.example.com/v1beta1\nkind: Widget\nmetadata:\n  name: widget-sample\n"
        ),
        "{}",
        out.sample_yaml
    );
}

#[test]
fn description_accessors_report_what_the_file_says() {
    let text = "group: batch\nversion: v2\nkind: Job2\nplural: jobtwos\nscope: Cluster\nstorage: false\nserved: true\nspec:\n  properties:\n    a: string\n";
    let desc = kubeforge::description::parse(Path::new("d.yaml"), text).unwrap();
    assert_eq!(desc.group(), Some("batch"));
    assert_eq!(desc.version(), Some("v2"));
    assert_eq!(desc.kind(), Some("Job2"));
    assert_eq!(desc.plural(), Some("jobtwos"));
    assert_eq!(desc.namespaced(), Some(false));
    assert_eq!(desc.storage(), Some(false));
    assert_eq!(desc.served(), Some(true));
    assert!(!desc.has_status());
    assert_eq!(desc.location("plural"), Some((4, 9)));
    let err = desc.error_at(
        "group",
        "--group `web` disagrees with the description's `batch`",
        "drop one",
    );
    assert_eq!(
        err.to_string(),
        "d.yaml:1:8: --group `web` disagrees with the description's `batch`\n  hint: drop one"
    );
}
