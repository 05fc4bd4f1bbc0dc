//! Input nested without bound is refused with exit 2 at the place where it goes too deep, never
//! a stack overflow: Rust types (generics, type aliases, structs, expressions; 128 levels), YAML
//! descriptions and project files (64 levels of mappings and sequences). Nothing is written.

use std::path::Path;

use crate::common::{kubeforge, ok, tree};

const TYPES: &str = "src/api/v1/guestbook.rs";

/// A project with the kind Guestbook, whose spec is in [`TYPES`].
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["init", "--domain", "example.com", "--project-name", "deep"],
    );
    ok(
        dir.path(),
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
    );
    dir
}

/// Adds `field` (a line of Rust) to the Guestbook spec and `items` at the end of [`TYPES`]; the
/// line of the field.
fn add_to_types(dir: &Path, field: &str, items: &str) -> usize {
    let path = dir.join(TYPES);
    let text = std::fs::read_to_string(&path).unwrap();
    let anchor = "pub struct GuestbookSpec {\n";
    let at = text.find(anchor).expect("the spec") + anchor.len();
    let line = text[..at].lines().count() + 1;
    let text = format!("{}    {field}\n{}\n{items}", &text[..at], &text[at..]);
    std::fs::write(&path, text).unwrap();
    line
}

/// `n` types nested in one another: `Option<Option<..String..>>`.
fn nested_options(n: usize) -> String {
    format!("{}String{}", "Option<".repeat(n), ">".repeat(n))
}

/// Runs kubeforge and requires exit 2 without a crash and without a change to the project;
/// returns stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let before = tree(dir);
    let out = kubeforge(dir, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "kubeforge {args:?}:\n{err}");
    assert!(
        !err.contains("overflow") && !err.contains("panicked"),
        "{err}"
    );
    assert!(
        tree(dir) == before,
        "kubeforge {args:?} changed the project"
    );
    err
}

#[test]
fn a_field_of_1200_nested_options_is_refused_at_its_place() {
    let dir = project();
    let line = add_to_types(
        dir.path(),
        &format!("pub deep: {},", nested_options(1200)),
        "",
    );
    for args in [
        &["generate"][..],
        &["generate", "--check"],
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Other",
        ],
    ] {
        let err = refused(dir.path(), args);
        assert!(
            err.contains(&format!("{TYPES}:{line}:"))
                && err.contains("nested more than 128 levels deep")
                && err.contains("hint: kubeforge reads types nested at most 128 levels deep"),
            "kubeforge {args:?}:\n{err}"
        );
    }
}

#[test]
fn types_nested_through_aliases_and_structs_are_refused_at_their_place() {
    // Each item is flat, so only the walk through the types can tell how deep they nest.
    let aliases: String = (0..200)
        .map(|i| format!("pub type A{i} = Option<A{}>;\n", i + 1))
        .collect::<String>()
        + "pub type A200 = String;\n";
    let structs: String = (0..200)
        .map(|i| {
            format!(
                "#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]\n\
                 pub struct S{i} {{ pub a: Option<S{}> }}\n",
                i + 1
            )
        })
        .collect::<String>()
        + "#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]\n\
           pub struct S200 { pub a: String }\n";
    let looping = "pub type Loop = Option<Loop>;\n".to_string();
    for (field, items, refers) in [
        ("pub deep: A0,", aliases, "pub type A"),
        ("pub deep: S0,", structs, "pub struct S"),
        ("pub deep: Loop,", looping, "pub type Loop"),
    ] {
        let dir = project();
        add_to_types(dir.path(), field, &items);
        let text = std::fs::read_to_string(dir.path().join(TYPES)).unwrap();
        let err = refused(dir.path(), &["generate"]);
        let line: usize = err
            .strip_prefix(&format!("error: {TYPES}:"))
            .and_then(|rest| rest.split(':').next())
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("{field}: no {TYPES}:<line> in\n{err}"));
        let written = text.lines().nth(line - 1).unwrap_or_default();
        assert!(
            written.contains(refers) && err.contains("nested more than 128 levels deep"),
            "{field}: line {line} is `{written}`:\n{err}"
        );
    }
}

#[test]
fn deep_nesting_in_attribute_strings_is_refused() {
    let dir = project();
    let line = add_to_types(
        dir.path(),
        &format!(
            "#[schemars(with = \"{}\")] pub deep: String,",
            nested_options(5000)
        ),
        "",
    );
    let err = refused(dir.path(), &["generate"]);
    assert!(
        err.contains(&format!("{TYPES}:{line}:")) && err.contains("nested more than 128 levels"),
        "{err}"
    );
}

/// A description whose spec holds `x` nested `n` levels deep in flow style: `{a: {a: ..}}` or
/// `[[..]]`.
fn deep_description(open: &str, close: &str, n: usize) -> String {
    format!(
        "kind: Deep\nversion: v1\nspec:\n  properties:\n    x: {}1{}\n",
        open.repeat(n),
        close.repeat(n)
    )
}

/// A description nested `n` levels deep in block style, one space of indentation a level.
fn deep_block_description(n: usize) -> String {
    let mut text = String::from("kind: Deep\nversion: v1\nspec:\n");
    for level in 1..=n {
        text.push_str(&format!("{}a:\n", " ".repeat(level)));
    }
    text.push_str(&format!("{}b: 1\n", " ".repeat(n + 1)));
    text
}

#[test]
fn deeply_nested_yaml_descriptions_are_refused() {
    let dir = project();
    let inputs = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("mappings", deep_description("{a: ", "}", 5000)),
        ("sequences", deep_description("[", "]", 5000)),
        ("blocks", deep_block_description(1000)),
    ] {
        let file = inputs.path().join(format!("{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let from = file.to_str().unwrap();
        let err = refused(
            dir.path(),
            &["create", "api", "--group", "webapp", "--from", from],
        );
        let place = err
            .strip_prefix(&format!("error: {from}:"))
            .unwrap_or_else(|| panic!("{name}: {err}"));
        assert!(
            place.starts_with(|c: char| c.is_ascii_digit()),
            "{name}: {err}"
        );
        assert!(
            err.contains("nested too deeply: more than 64 levels")
                && err.contains("hint: kubeforge reads YAML nested at most 64 levels deep"),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_deeply_nested_project_file_is_refused() {
    let dir = project();
    let path = dir.path().join("PROJECT");
    let text = std::fs::read_to_string(&path).unwrap();
    let n = 5000;
    let entry = format!("resources:\n- {}1{}\n", "[".repeat(n), "]".repeat(n));
    std::fs::write(&path, text.replacen("resources:\n", &entry, 1)).unwrap();
    let err = refused(dir.path(), &["generate"]);
    assert!(
        err.starts_with("error: PROJECT:") && err.contains("nested too deeply"),
        "{err}"
    );
}
