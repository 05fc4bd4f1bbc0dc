//! Name rules: what Kubernetes accepts for groups, versions, kinds and plurals, what Rust accepts
//! for module names, and the plural forms kubebuilder and kube-derive give a kind.

use heck::ToSnakeCase;

/// Kubernetes versions k8s-openapi 0.29 supports, oldest first.
pub const K8S_VERSIONS: &[&str] = &["1.33", "1.34", "1.35", "1.36", "1.37"];

/// The manifest template of a generated project: its dependencies are the crates it uses.
const PROJECT_MANIFEST: &str = include_str!("../../templates/init/Cargo.toml.tera");

/// The manifest of the runtime that every generated project depends on (and vendors): its
/// dependencies are in the project's build too.
const RUNTIME_MANIFEST: &str = include_str!("../../kubeforge-runtime/Cargo.toml");

/// Names a project cannot take besides the dependencies the manifests list, in crate-name form:
/// the crates of Rust's own extern prelude (`std`, `core`, `alloc`, `test`, `proc_macro`); the
/// crates behind `kube`, which its derive macros and re-exports name; the `crdgen` binary that
/// every project has; and the runtime itself, a package of every project's workspace.
const RESERVED_BESIDES_DEPENDENCIES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "kube_core",
    "kube_derive",
    "kube_runtime",
    "kube_client",
    "crdgen",
    "kubeforge_runtime",
];

/// The names of the dependencies that a Cargo manifest lists in its `[dependencies]`,
/// `[dev-dependencies]` and `[build-dependencies]` tables (target-specific ones included), as
/// written there. Lines that are not `key = value` (comments, template tags) are skipped.
fn dependency_names(manifest: &str) -> Vec<&str> {
    const TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let is_table = |header: &str| {
        TABLES
            .iter()
            .any(|t| header == *t || header.ends_with(&format!(".{t}")))
    };
    let mut names = Vec::new();
    let mut in_table = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            let header = header.trim();
            in_table = is_table(header);
            // `[dependencies.serde]`: a dependency written as its own table.
            if let Some((table, name)) = header.rsplit_once('.')
                && is_table(table)
            {
                names.push(name.trim());
            }
            continue;
        }
        if !in_table {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                names.push(key);
            }
        }
    }
    names
}

/// Whether `name` is the name of a crate a generated project depends on, or another name
/// reserved to it. `-` and `_` are the same in crate names.
fn is_reserved_project_name(name: &str) -> bool {
    let crate_name = |n: &str| n.replace('-', "_");
    let name = crate_name(name);
    RESERVED_BESIDES_DEPENDENCIES.contains(&name.as_str())
        || dependency_names(PROJECT_MANIFEST)
            .into_iter()
            .chain(dependency_names(RUNTIME_MANIFEST))
            .any(|dependency| crate_name(dependency) == name)
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Why a name was refused; the caller names the flag.
pub type NameResult = Result<(), String>;

/// A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63.
pub fn check_dns1123_label(s: &str) -> NameResult {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 63 {
        return Err(format!("must be at most 63 characters, not {}", s.len()));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("may contain only lowercase letters, digits and '-'".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("must start and end with a letter or digit".into());
    }
    Ok(())
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter.
pub fn check_dns1035_label(s: &str) -> NameResult {
    check_dns1123_label(s)?;
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter".into());
    }
    Ok(())
}

/// A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
pub fn check_dns1123_subdomain(s: &str) -> NameResult {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 253 {
        return Err(format!("must be at most 253 characters, not {}", s.len()));
    }
    for label in s.split('.') {
        check_dns1123_label(label).map_err(|e| format!("each dot-separated part {e}"))?;
    }
    Ok(())
}

/// `v1`, `v1alpha1`, `v2beta3`: Kubernetes' version convention.
pub fn check_version(s: &str) -> NameResult {
    if s.len() > 63 {
        return Err(format!(
            "must be at most 63 characters (a DNS-1035 label), not {}",
            s.len()
        ));
    }
    let rest = s
        .strip_prefix('v')
        .ok_or("must start with 'v' (e.g. v1, v1alpha1, v2beta3)")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (major, tail) = rest.split_at(digits);
    if major.is_empty() || major.starts_with('0') {
        return Err("needs a major version from 1 up (e.g. v1, v1alpha1, v2beta3)".into());
    }
    let stage = ["alpha", "beta"]
        .into_iter()
        .find_map(|p| tail.strip_prefix(p));
    match stage {
        None if tail.is_empty() => Ok(()),
        Some(n)
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') =>
        {
            Ok(())
        }
        _ => Err("must look like v1, v1alpha1 or v2beta3".into()),
    }
}

/// A kind: UpperCamelCase ASCII, starting with an uppercase letter, at most 63 characters.
pub fn check_kind(s: &str) -> NameResult {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 63 {
        return Err("must be at most 63 characters".into());
    }
    if !s.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err("must start with an uppercase letter (UpperCamelCase, e.g. Guestbook)".into());
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(
            "may contain only ASCII letters and digits (UpperCamelCase, e.g. Guestbook)".into(),
        );
    }
    Ok(())
}

/// The characters that reorder text for display, which rustc refuses in comments.
const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// Whether `c` cannot stand on one line of a generated file: a control character (line breaks
/// among them), a line or paragraph separator, or a character that reorders text for display.
fn breaks_a_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || BIDI_CONTROLS.contains(&c)
}

/// Free text that generated files hold on one line (in a comment, after `Copyright`): none of
/// the characters that break a line (see `breaks_a_line`).
pub fn check_one_line(s: &str) -> NameResult {
    match s.chars().find(|c| breaks_a_line(*c)) {
        Some(c) => Err(format!(
            "contains the control character U+{:04X}: generated files hold it on one line",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// A flag's value as an error message shows it, on one line: the characters that
/// break a line (see `breaks_a_line`) escaped (`\n`, `\u{202e}`), the others as they are.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if breaks_a_line(c) {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Names of Rust's prelude that a kind cannot take, as the name of its Rust type would hide them
/// from the kind's own module: the types its spec and status are made of, and what the code
/// kube-derive generates for the kind names without a path.
const PRELUDE_IN_TYPES: &[&str] = &["Option", "String", "Vec", "Default"];

/// A kind that becomes the name of a Rust type: besides [`check_kind`], neither the keyword
/// `Self` nor a name of Rust's prelude that the kind's types use.
pub fn check_kind_type(s: &str) -> NameResult {
    check_kind(s)?;
    if s == "Self" {
        return Err("is a Rust keyword, and the kind is also the name of its Rust type".into());
    }
    if PRELUDE_IN_TYPES.contains(&s) {
        return Err(format!(
            "would hide Rust's `{s}` from the kind's types, which use it (the kind is also the name of its Rust type)"
        ));
    }
    Ok(())
}

/// The names that the modules kubeforge generates beside a kind (its controller, its webhooks
/// and their tests) import, define or take from Rust's prelude. There, a kind of one of these
/// names is named through its module (`v1::Api`) rather than imported.
const NAMES_BESIDE_A_KIND: &[&str] = &[
    "Action",
    "Api",
    "ApiServer",
    "Arc",
    "BTreeMap",
    "Box",
    "Capabilities",
    "Change",
    "Clone",
    "Container",
    "Context",
    "Controller",
    "Copy",
    "Created",
    "Ctx",
    "CustomResourceExt",
    "Debug",
    "Default",
    "Duration",
    "Err",
    "Error",
    "Event",
    "EventType",
    "HashMap",
    "LabelSelector",
    "ListParams",
    "Manager",
    "Method",
    "Mutex",
    "None",
    "ObjectMeta",
    "Ok",
    "Operation",
    "Option",
    "OwnerReference",
    "PartialEq",
    "Patch",
    "PatchParams",
    "PodSecurityContext",
    "PodSpec",
    "PodTemplateSpec",
    "PoisonError",
    "PostParams",
    "Resource",
    "ResourceExt",
    "Result",
    "Scaled",
    "SeccompProfile",
    "SecurityContext",
    "Seen",
    "Some",
    "StatusCode",
    "StreamExt",
    "String",
    "Time",
    "Timestamp",
    "Unchanged",
    "Value",
    "Webhook",
];

/// How a kind's controller and webhooks import the kind and name it in their code, given the
/// kind and its full Rust path: `(crate::api::v1::Guestbook, Guestbook)`, or for a kind whose
/// name those modules use for something else, its module: `(crate::api::v1, v1::Api)`.
pub fn kind_import(kind: &str, rust_type: &str) -> (String, String) {
    let module = rust_type
        .strip_suffix(kind)
        .and_then(|m| m.strip_suffix("::"))
        .filter(|_| NAMES_BESIDE_A_KIND.contains(&kind));
    match module {
        Some(module) => {
            let last = module.rsplit("::").next().unwrap_or(module);
            (module.to_string(), format!("{last}::{kind}"))
        }
        None => (rust_type.to_string(), kind.to_string()),
    }
}

/// A project name: a DNS-1123 label that does not clash with a crate the project depends on.
pub fn check_project_name(s: &str) -> NameResult {
    check_dns1123_label(s)?;
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter (it is also the crate name)".into());
    }
    if is_reserved_project_name(s) || RUST_KEYWORDS.contains(&s) {
        return Err(format!(
            "clashes with the crate or keyword `{s}` that generated projects use"
        ));
    }
    Ok(())
}

/// A release of kubeforge: `MAJOR.MINOR.PATCH`, then optionally `-pre` and `+build` made of
/// ASCII letters, digits, '.' and '-'.
pub fn check_release(s: &str) -> NameResult {
    let core_len = s.find(['-', '+']).unwrap_or(s.len());
    let (core, suffix) = s.split_at(core_len);
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() != 3
        || numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("must be a release such as 0.1.0 (MAJOR.MINOR.PATCH)".into());
    }
    if !suffix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
    {
        return Err(
            "may have only ASCII letters, digits, '.', '-' and '+' after MAJOR.MINOR.PATCH".into(),
        );
    }
    Ok(())
}

/// The plural kubebuilder gives a kind: the lowercased kind, pluralized with English rules.
pub fn default_plural(kind: &str) -> String {
    let word = kind.to_ascii_lowercase();
    const IRREGULAR: &[(&str, &str)] = &[
        ("person", "people"),
        ("child", "children"),
        ("man", "men"),
        ("woman", "women"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("foot", "feet"),
        ("tooth", "teeth"),
        ("ox", "oxen"),
        ("index", "indices"),
        ("matrix", "matrices"),
        ("vertex", "vertices"),
        ("criterion", "criteria"),
        ("datum", "data"),
        ("medium", "media"),
        ("leaf", "leaves"),
        ("knife", "knives"),
        ("life", "lives"),
        ("wife", "wives"),
        ("half", "halves"),
        ("shelf", "shelves"),
        ("quiz", "quizzes"),
    ];
    const UNCOUNTABLE: &[&str] = &[
        "equipment",
        "information",
        "rice",
        "money",
        "species",
        "series",
        "fish",
        "sheep",
        "deer",
        "news",
        "data",
        "metadata",
        "media",
        "chassis",
        "moose",
        "bison",
        "traffic",
        "feedback",
    ];
    if UNCOUNTABLE.contains(&word.as_str()) {
        return word;
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(singular, _)| *singular == word) {
        return (*plural).to_string();
    }
    if let Some(stem) = word.strip_suffix("sis") {
        return format!("{stem}ses");
    }
    // A word ending in a single 's' after a consonant is already plural (Endpoints, Metrics).
    if word.ends_with('s')
        && !["ss", "us", "is", "as", "os"]
            .iter()
            .any(|e| word.ends_with(e))
    {
        return word;
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        return format!("{word}es");
    }
    if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
        && !stem.is_empty()
    {
        return format!("{stem}ies");
    }
    format!("{word}s")
}

/// The plural kube-derive computes for a kind when `#[kube(plural)]` is absent.
pub fn kube_derive_plural(kind: &str) -> String {
    let word = kind.to_ascii_lowercase();
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        return format!("{word}es");
    }
    if word.len() >= 2
        && word.ends_with('y')
        && !matches!(
            word.as_bytes()[word.len() - 2],
            b'a' | b'e' | b'i' | b'o' | b'u'
        )
    {
        return format!("{}ies", &word[..word.len() - 1]);
    }
    format!("{word}s")
}

/// A Rust module (and file stem) for a Kubernetes name: snake case, '-' and '.' become '_',
/// and a Rust keyword gets a trailing '_'.
pub fn rust_module(name: &str) -> String {
    let snake = name.replace(['-', '.'], "_").to_snake_case();
    if RUST_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_kubebuilder() {
        for (kind, plural) in [
            ("Guestbook", "guestbooks"),
            ("Policy", "policies"),
            ("Ingress", "ingresses"),
            ("Endpoints", "endpoints"),
            ("Gateway", "gateways"),
            ("Box", "boxes"),
            ("Match", "matches"),
            ("Status", "statuses"),
            ("Person", "people"),
            ("Analysis", "analyses"),
            ("Memcached", "memcacheds"),
            ("CronJob", "cronjobs"),
            ("Proxy", "proxies"),
            ("Metadata", "metadata"),
            ("Human", "humans"),
            ("Mailbox", "mailboxes"),
        ] {
            assert_eq!(default_plural(kind), plural, "{kind}");
        }
    }

    #[test]
    fn kube_derive_rule_differs_where_expected() {
        assert_eq!(kube_derive_plural("Policy"), "policies");
        assert_eq!(kube_derive_plural("Endpoints"), "endpointses");
        assert_eq!(kube_derive_plural("Person"), "persons");
        assert_eq!(kube_derive_plural("Gateway"), "gateways");
    }

    #[test]
    fn versions() {
        for ok in ["v1", "v2", "v1alpha1", "v2beta3", "v10", "v1beta10"] {
            assert_eq!(check_version(ok), Ok(()), "{ok}");
        }
        for bad in [
            "1", "v0", "v01", "v1alpha", "v1gamma1", "V1", "v1alpha0", "v1beta01", "v",
        ] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds() {
        assert!(check_kind("Guestbook").is_ok());
        assert!(check_kind("CronJob2").is_ok());
        for bad in ["guestbook", "Guest-book", "Guest_book", "", "Gästebuch"] {
            assert!(check_kind(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_line_text() {
        assert!(check_one_line("The Guestbook Authors").is_ok());
        assert!(check_one_line("Ærøskøbing GmbH & Co. KG").is_ok());
        assert_eq!(one_line("O'Brien\n\u{202e}é"), "O'Brien\\n\\u{202e}é");
        for bad in [
            "a\nb",
            "a\rb",
            "a\tb",
            "a\u{7f}",
            "a\u{2028}b",
            "a\u{202E}b",
        ] {
            assert!(check_one_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kinds_that_name_rust_types() {
        assert!(check_kind_type("Guestbook").is_ok());
        assert!(check_kind_type("Result").is_ok());
        for bad in ["Self", "Option", "String", "Vec", "Default", "guestbook"] {
            assert!(check_kind_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_are_imported_unless_their_name_is_taken() {
        assert_eq!(
            kind_import("Guestbook", "crate::api::v1::Guestbook"),
            ("crate::api::v1::Guestbook".into(), "Guestbook".into())
        );
        assert_eq!(
            kind_import("Api", "crate::api::ship::v1beta1::Api"),
            ("crate::api::ship::v1beta1".into(), "v1beta1::Api".into())
        );
        assert_eq!(
            kind_import("Event", "k8s_openapi::api::core::v1::Event"),
            ("k8s_openapi::api::core::v1".into(), "v1::Event".into())
        );
    }

    #[test]
    fn groups_and_labels() {
        assert!(check_dns1123_subdomain("web-app.example.com").is_ok());
        assert!(check_dns1123_subdomain("Web").is_err());
        assert!(check_dns1123_subdomain("a..b").is_err());
        assert!(check_dns1123_subdomain("-a").is_err());
        assert!(check_dns1035_label("guestbooks").is_ok());
        assert!(check_dns1035_label("1guestbooks").is_err());
        assert!(check_dns1035_label(&"a".repeat(64)).is_err());
    }

    #[test]
    fn project_names() {
        assert!(check_project_name("guestbook").is_ok());
        assert!(check_project_name("my-operator").is_ok());
        for bad in [
            "kube",
            "tokio",
            "serde",
            "Guestbook",
            "my_operator",
            "1op",
            "-op",
            "crate",
        ] {
            assert!(check_project_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dependencies_of_generated_projects_are_refused() {
        for bad in ["rustls", "kube", "tokio", "kubeforge-runtime", "serde-json"] {
            assert!(check_project_name(bad).is_err(), "{bad}");
        }
        for bad in [
            "std",
            "core",
            "alloc",
            "test",
            "proc-macro",
            "kube-core",
            "crdgen",
        ] {
            assert!(check_project_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_dependency_of_the_template_is_refused() {
        let dependencies = dependency_names(PROJECT_MANIFEST);
        for expected in ["anyhow", "kube", "schemars", "kubeforge-runtime", "http"] {
            assert!(
                dependencies.contains(&expected),
                "{expected}: {dependencies:?}"
            );
        }
        let runtime = dependency_names(RUNTIME_MANIFEST);
        for expected in ["rustls", "kube-lease-manager", "tower-test"] {
            assert!(runtime.contains(&expected), "{expected}: {runtime:?}");
        }
        for dependency in dependencies.into_iter().chain(runtime) {
            // Project names are DNS labels: a crate's `_` is a `-` there.
            let name = dependency.replace('_', "-");
            assert!(check_project_name(&name).is_err(), "{name}");
        }
    }

    #[test]
    fn dependency_tables_are_read_from_manifests() {
        let manifest = r#"
[package]
name = "x"
version = "0.1.0"

[dependencies]
# a comment = "1"
anyhow = "1"
kube = { version = "5", features = ["derive"] }
{%- if project.license %}
serde_json = "1"
{%- endif %}

[features]
testing = ["dep:http"]

[target.'cfg(unix)'.dev-dependencies]
libc = "0.2"

[build-dependencies.cc]
version = "1"

[profile.dev]
debug = 0
"#;
        assert_eq!(
            dependency_names(manifest),
            ["anyhow", "kube", "serde_json", "libc", "cc"]
        );
    }

    #[test]
    fn releases() {
        for ok in [
            "0.1.0",
            "1.20.3",
            "0.1.0-rc.1",
            "1.0.0+build.5",
            "1.0.0-alpha+001",
        ] {
            assert_eq!(check_release(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "0.1",
            "0.1.0.1",
            "v0.1.0",
            "0..1",
            "0.1.0; rm -rf /",
            "0.1.0-a b",
        ] {
            assert!(check_release(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn modules() {
        assert_eq!(rust_module("web-app"), "web_app");
        assert_eq!(rust_module("CronJob"), "cron_job");
        assert_eq!(rust_module("Type"), "type_");
        assert_eq!(rust_module("v1alpha1"), "v1alpha1");
    }
}
