//! Kinds are also the names of Rust types: a kind named like something the generated code uses
//! (`Api`, `Context`, `Serialize`, `Condition`) still gives code that builds, and a name that
//! cannot work (`Self`, or a prelude type the kind's own types use) is refused up front, naming
//! the flag or the description's line. The snapshot scenario `names` builds such kinds in the
//! compile gate.

use std::path::Path;

use crate::common::{fails, ok, read, repo, tree};
use kubeforge::model::names::{check_kind_type, kind_import};

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("names");
    std::fs::create_dir(&dir).unwrap();
    ok(&dir, &["init", "--domain", "example.com"]);
    (tmp, dir)
}

fn create_api<'a>(kind: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "create",
        "api",
        "--group",
        "app",
        "--version",
        "v1",
        "--kind",
        kind,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn kinds_that_cannot_name_a_rust_type_are_refused_naming_the_flag() {
    let (_tmp, dir) = project();
    let before = tree(&dir);
    for (kind, reason) in [
        ("Self", "is a Rust keyword"),
        ("String", "would hide Rust's `String`"),
        ("Option", "would hide Rust's `Option`"),
        ("Vec", "would hide Rust's `Vec`"),
        ("Default", "would hide Rust's `Default`"),
    ] {
        for extra in [&[][..], &["--controller=false"][..]] {
            let args = create_api(kind, extra);
            let err = fails(&dir, &args, 2);
            assert!(
                err.contains(&format!("--kind `{kind}` {reason}")),
                "{args:?}: {err}"
            );
            assert!(err.contains("hint:"), "{err}");
            assert!(!err.contains("does not parse"), "{err}");
            assert_eq!(tree(&dir), before, "{args:?} wrote something");
        }
    }
    let webhook = [
        "create",
        "webhook",
        "--group",
        "app",
        "--version",
        "v1",
        "--kind",
        "Self",
        "--defaulting",
    ];
    let err = fails(&dir, &webhook, 2);
    assert!(err.contains("--kind `Self` is a Rust keyword"), "{err}");
}

#[test]
fn a_description_of_a_kind_that_cannot_name_a_rust_type_is_refused_at_its_line() {
    let (tmp, dir) = project();
    let before = tree(&dir);
    let file = tmp.path().join("self.yaml");
    std::fs::write(
        &file,
        "version: v1\nkind: Self\nspec:\n  properties:\n    size: integer\n",
    )
    .unwrap();
    let from = file.to_str().unwrap();
    for extra in [&[][..], &["--controller=false"][..]] {
        let mut args = vec!["create", "api", "--group", "app", "--from", from];
        args.extend_from_slice(extra);
        let err = fails(&dir, &args, 2);
        assert!(err.contains("self.yaml:2:7"), "{args:?}: {err}");
        assert!(
            err.contains("kind `Self` is a Rust keyword"),
            "{args:?}: {err}"
        );
        assert_eq!(tree(&dir), before, "{args:?} wrote something");
    }
}

#[test]
fn a_kind_named_like_what_its_code_uses_is_named_through_its_module() {
    let (_tmp, dir) = project();
    for kind in ["Api", "Serialize", "Condition", "Guestbook"] {
        ok(&dir, &create_api(kind, &[]));
        let hooks = ["--defaulting", "--programmatic-validation"];
        let mut webhook = create_api(kind, &hooks);
        webhook[1] = "webhook";
        ok(&dir, &webhook);
    }
    // kube's `Api`: the controller and the webhooks import the kind's module.
    for file in ["src/controllers/api.rs", "src/webhooks/v1/api.rs"] {
        let text = read(&dir, file);
        assert!(text.contains("\nuse crate::api::v1;\n"), "{file}:\n{text}");
        assert!(
            !text.contains("use crate::api::v1::Api;"),
            "{file}:\n{text}"
        );
    }
    let controller = read(&dir, "src/controllers/api.rs");
    assert!(controller.contains("let api: Api<v1::Api> = mgr.api();"));
    assert!(controller.contains("\nimpl v1::Api {\n"), "{controller}");
    // serde's `Serialize` in the kind's own types: the derive goes by its path.
    let types = read(&dir, "src/api/v1/serialize.rs");
    assert!(types.contains("\nuse serde::Deserialize;\n"), "{types}");
    assert!(types.contains("serde::Serialize, Clone"), "{types}");
    // The status `Condition`, by its path.
    let types = read(&dir, "src/api/v1/condition.rs");
    assert!(!types.contains("use k8s_openapi"), "{types}");
    assert!(
        types.contains("Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>"),
        "{types}"
    );
    // Any other kind is imported and named as one would by hand.
    let controller = read(&dir, "src/controllers/guestbook.rs");
    assert!(controller.contains("\nuse crate::api::v1::Guestbook;\n"));
    assert!(controller.contains("\nimpl Guestbook {\n"));
    let types = read(&dir, "src/api/v1/guestbook.rs");
    assert!(
        types.contains("\nuse serde::{Deserialize, Serialize};\n"),
        "{types}"
    );
    assert!(types.contains("pub conditions: Vec<Condition>,"), "{types}");
}

/// The capitalized names that the templates of a kind's controller and webhooks import, define
/// or use without a path (those after `::` are paths, but for the last name of a `use`).
fn names_used_by(template: &str) -> Vec<String> {
    let tera = regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").unwrap();
    let literal = regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).unwrap();
    let comment = regex::Regex::new(r"//.*").unwrap();
    let code = tera.replace_all(template, "_");
    let code = literal.replace_all(&code, "\"\"");
    let code = comment.replace_all(&code, "");
    let unqualified = regex::Regex::new(r"(?:^|[^\w:])([A-Z]\w*)").unwrap();
    let uses = regex::Regex::new(r"(?s)\buse\s+([^;]*);").unwrap();
    let last = regex::Regex::new(r"(\w+)\s*(?:[,}]|$|\bas\b)").unwrap();
    let mut names: Vec<String> = unqualified
        .captures_iter(&code)
        .map(|c| c[1].to_string())
        .collect();
    for statement in uses.captures_iter(&code) {
        names.extend(last.captures_iter(&statement[1]).map(|c| c[1].to_string()));
    }
    names.retain(|n| n.chars().any(|c| c.is_ascii_lowercase()));
    names.sort();
    names.dedup();
    names
}

/// The templates that name a kind beside the code of a controller or of webhooks.
fn templates_beside_a_kind() -> Vec<(String, String)> {
    let root = repo().join("templates");
    let mut out = Vec::new();
    for (path, bytes) in tree(&root) {
        let beside = path.starts_with("controller")
            || path.starts_with("webhook/")
            || path == "fragments/webhook-hooks.tera";
        if beside {
            out.push((path, String::from_utf8(bytes).unwrap()));
        }
    }
    assert!(out.len() >= 5, "{out:?}");
    out
}

#[test]
fn every_name_the_code_beside_a_kind_uses_is_known() {
    let mut unknown = Vec::new();
    for (path, text) in templates_beside_a_kind() {
        for name in names_used_by(&text) {
            if check_kind_type(&name).is_err() {
                continue;
            }
            let rust_type = format!("crate::api::v1::{name}");
            let (import, named) = kind_import(&name, &rust_type);
            if (import.as_str(), named.as_str()) != ("crate::api::v1", &format!("v1::{name}")) {
                unknown.push(format!("{path}: {name}"));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "a kind of one of these names would clash with the generated code; add them to the names of src/model/names.rs that kinds are kept from:\n{}",
        unknown.join("\n")
    );
    // Sanity: the scan finds what the controller template imports.
    let controller = Path::new("controller/{controller_dir}/{module}.rs.tera");
    let text = std::fs::read_to_string(repo().join("templates").join(controller)).unwrap();
    let names = names_used_by(&text);
    for name in [
        "Api",
        "Arc",
        "Context",
        "Action",
        "Event",
        "Box",
        "StreamExt",
    ] {
        assert!(names.contains(&name.to_string()), "{name}: {names:?}");
    }
}
