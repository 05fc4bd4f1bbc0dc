//! The fuzz suite: mutated resource descriptions, Rust sources, PROJECT files and flags, fed to
//! the kubeforge binary. Whatever the input, kubeforge exits 0 or 2 (never a panic, a crash or a
//! hang), writes nothing outside the project, and writes nothing at all when it exits 2.
//!
//! Each group runs `KUBEFORGE_FUZZ_CASES` cases (64 by default) from a fixed seed, so a run is
//! reproducible; `KUBEFORGE_FUZZ_SEED` picks another seed. A failing case is shrunk to a minimal
//! list of edits and reported with it.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use crate::common::{ok, tree};

/// How long one command may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(20);

type Tree = BTreeMap<String, Vec<u8>>;

/// One edit of a text, applied line-wise; indices wrap around the text's size.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Inserts a token at a line and a character offset within it.
    Insert(usize, usize, &'static str),
    /// Replaces the value after the first `: ` or `= ` of a line with a token.
    ReplaceValue(usize, &'static str),
    /// Cuts the text at a fraction (in thousandths) of its length.
    Truncate(u16),
    /// Nests a line `depth` times (in brackets for YAML, `Option<..>` for Rust).
    Nest(usize, u16),
}

fn edit(tokens: &'static [&'static str]) -> impl Strategy<Value = Edit> {
    let token = proptest::sample::select(tokens);
    // Mostly small edits that keep the input close to valid, so that the later stages run too.
    prop_oneof![
        3 => (any::<usize>(), token.clone()).prop_map(|(l, t)| Edit::ReplaceValue(l, t)),
        3 => (any::<usize>(), any::<usize>(), token).prop_map(|(l, c, t)| Edit::Insert(l, c, t)),
        2 => any::<usize>().prop_map(Edit::DeleteLine),
        2 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => (0u16..1000).prop_map(Edit::Truncate),
        1 => (any::<usize>(), 1u16..2000).prop_map(|(l, d)| Edit::Nest(l, d)),
    ]
}

fn edits(tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(tokens), 1..4)
}

fn apply(text: &str, edits: &[Edit], rust: bool) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match e {
            Edit::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Edit::DuplicateLine(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
            Edit::Insert(i, c, token) => {
                let line = &mut lines[i % n];
                let mut at = c % (line.len() + 1);
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                line.insert_str(at, token);
            }
            Edit::ReplaceValue(i, token) => {
                let line = &mut lines[i % n];
                if let Some(at) = line.find(": ").or_else(|| line.find("= ")) {
                    line.replace_range(at + 2.., token);
                }
            }
            Edit::Truncate(per_mille) => {
                let mut joined = lines.join("\n");
                let mut at = joined.len() * usize::from(*per_mille) / 1000;
                while !joined.is_char_boundary(at) {
                    at -= 1;
                }
                joined.truncate(at);
                lines = joined.lines().map(str::to_string).collect();
            }
            Edit::Nest(i, depth) => {
                let line = &mut lines[i % n];
                let d = usize::from(*depth);
                *line = if rust {
                    match line.split_once(": ") {
                        Some((name, ty)) => {
                            let ty = ty.trim_end_matches(',');
                            format!("{name}: {}{ty}{},", "Option<".repeat(d), ">".repeat(d))
                        }
                        None => line.clone(),
                    }
                } else {
                    format!("{}{line}{}", "[".repeat(d), "]".repeat(d))
                };
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Tokens for YAML inputs: syntax, keywords of descriptions and CRDs, and hostile values.
const YAML_TOKENS: &[&str] = &[
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "null",
    "true",
    "'no'",
    "0x1F",
    "1e309",
    "-1",
    "\"\"",
    "\t",
    "#",
    "|",
    ">",
    "---\n",
    "...",
    "? ",
    "type: object",
    "type: array",
    "type: integer",
    "type: string",
    "x-kubernetes-preserve-unknown-fields: true",
    "x-kubernetes-int-or-string: true",
    "format: int64",
    "format: date-time",
    "enum: []",
    "pattern: \"(\"",
    "maxLength: -1",
    "minimum: 1.5",
    "rule: \"self.x >\"",
    "items: {}",
    "properties: {}",
    "required: [nope]",
    "additionalProperties: false",
    "allOf: [{}]",
    "oneOf: [{required: [a]}]",
    "storage: false",
    "served: false",
    "scope: Cluster",
    "kind: Self",
    "kind: ../../X",
    "plural: a/b",
    "version: V1",
    "group: x/../../y",
    "apiVersion: apiextensions.k8s.io/v1",
    "é",
    "\u{202e}",
    "💥",
    "\\u0000",
    "Self",
    "0",
    "1",
    "-5",
    "x",
    "[]",
    "{}",
    "integer",
    "string",
    "object",
    "int32",
    "a very long value that keeps going and going and going",
];

/// Tokens for Rust sources: syntax, attributes kube and serde read, and hostile names.
const RUST_TOKENS: &[&str] = &[
    "Option<",
    ">",
    "Vec<",
    "{",
    "}",
    ";",
    ",",
    "(",
    ")",
    "::",
    "'",
    "\"",
    "#",
    "//",
    "/*",
    "pub ",
    "struct ",
    "enum ",
    "mod x;",
    "i128",
    "f32",
    "u64",
    "Box<Self>",
    "HashMap<String, ",
    "serde_json::Value",
    "BTreeMap<String, String>",
    "r#type",
    "#[kube(group = \"x/../../y\", version = \"v1\", kind = \"X\")]",
    "#[kube(plural = \"a/b\")]",
    "#[kube(kind = \"Self\")]",
    "#[kube(namespaced)]",
    "#[kube(status = \"Nope\")]",
    "#[kube(scale(spec_replicas_path = \".spec.x\"))]",
    "#[serde(flatten)]",
    "#[serde(rename = \"\")]",
    "#[serde(default)]",
    "#[serde(untagged)]",
    "#[schemars(length(min = 5, max = 1))]",
    "#[schemars(range(min = \"a\"))]",
    "#[derive(CustomResource)]",
    "#[derive(JsonSchema)]",
    "/// doc ",
    "#[x_kube(validation = \"self.x\")]",
    "é",
    "💥",
    "\u{202e}",
];

/// Tokens for PROJECT files.
const PROJECT_TOKENS: &[&str] = &[
    "kind: ../../X",
    "../../X",
    "Bad Name",
    "\"0.1\"",
    "x/../y",
    "V1",
    "projectName: Bad Name",
    "k8sVersion: \"0.1\"",
    "domain: Bad_Domain",
    "group: x/../y",
    "version: v0",
    "version: V1",
    "plural: a/b",
    "multigroup: true",
    "namespaced: maybe",
    "controller: false",
    "resources: []",
    "- ",
    "layout: nope",
    "webhooks:",
    "  defaulting: true",
    "  conversion: true",
    "  spokes: [v9]",
    "  spoke: [v9]",
    "core: true",
    "version: \"3\"",
    "repo: x",
    "crdVersion: v2",
    "path: /etc",
    "cliVersion: 99",
    "~",
    "null",
    "\"\"",
    "{",
    "[",
    ": ",
    "é",
    "💥",
    "Self",
    "Api",
    "String",
];

/// Hostile values for flags.
const FLAG_VALUES: &[&str] = &[
    "",
    " ",
    "-",
    "--",
    "..",
    "../x",
    "/",
    "a/b",
    "x\ny",
    "x\ty",
    "Self",
    "Api",
    "Result",
    "String",
    "Option",
    "Vec",
    "self",
    "crate",
    "Guestbook",
    "guestbook",
    "GUESTBOOK",
    "G",
    "v1",
    "v1beta1",
    "V1",
    "v0",
    "1",
    "-1",
    "true",
    "é",
    "💥",
    "\u{202e}",
    "webapp",
    "apps",
    "core",
    "a.b.c",
    "example.com",
    "x..y",
    "x.",
    ".x",
    "a-very-long-value-that-goes-on-and-on-and-on-and-on-past-sixty-three-characters-x",
];

/// The commands whose flags are fuzzed, each with flag names taking values.
const FLAG_COMMANDS: &[(&[&str], &[&str])] = &[
    (
        &["create", "api"],
        &["--group", "--version", "--kind", "--plural"],
    ),
    (
        &["create", "webhook"],
        &["--group", "--version", "--kind", "--spoke"],
    ),
    (&["edit"], &["--multigroup", "--namespaced"]),
    (
        &["init"],
        &["--domain", "--project-name", "--owner", "--k8s-version"],
    ),
];

/// A project every case starts from: two kinds, a webhook, a description to adopt.
struct Base {
    _dir: tempfile::TempDir,
    project: Tree,
}

fn base() -> Base {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    ok(
        p,
        &["init", "--domain", "example.com", "--project-name", "shop"],
    );
    for kind in ["Guestbook", "Memcached"] {
        ok(
            p,
            &[
                "create",
                "api",
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                kind,
            ],
        );
    }
    ok(
        p,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook",
            "--defaulting",
            "--programmatic-validation",
        ],
    );
    let project = tree(p);
    Base { _dir: dir, project }
}

/// A case's directory: the project, a sibling that must stay untouched, and the input files.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(project: &Tree) -> Case {
        let dir = tempfile::tempdir().unwrap();
        common::write_tree(project, &dir.path().join("project"));
        std::fs::create_dir(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside/keep.txt"), "keep\n").unwrap();
        Case { dir }
    }

    fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    /// Everything in the case's directory except the project.
    fn around(&self) -> Tree {
        tree(self.dir.path())
            .into_iter()
            .filter(|(p, _)| !p.starts_with("project/"))
            .collect()
    }
}

/// The exit code of one run, or a description of what went wrong.
fn run(dir: &Path, args: &[String]) -> Result<i32, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeforge"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let mut stderr = String::new();
            use std::io::Read as _;
            let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
            return match status.code() {
                Some(code @ (0 | 2)) => Ok(code),
                Some(code) => Err(format!("exit {code}: {stderr}")),
                None => Err(format!("killed by a signal ({status}): {stderr}")),
            };
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            return Err(format!("still running after {HANG:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs one case's commands in order, each checked; stops at the first exit 2.
fn check_commands(case: &Case, commands: &[Vec<String>]) -> Result<i32, TestCaseError> {
    let around = case.around();
    let mut code = 0;
    for args in commands {
        let before = tree(&case.project());
        code = run(&case.project(), args)
            .map_err(|e| TestCaseError::fail(format!("kubeforge {args:?}: {e}")))?;
        if case.around() != around {
            return Err(TestCaseError::fail(format!(
                "kubeforge {args:?} wrote outside the project"
            )));
        }
        if code == 2 {
            if tree(&case.project()) != before {
                return Err(TestCaseError::fail(format!(
                    "kubeforge {args:?} exited 2 and changed the project"
                )));
            }
            break;
        }
    }
    Ok(code)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn cases() -> u32 {
    std::env::var("KUBEFORGE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner() -> TestRunner {
    let seed: u64 = std::env::var("KUBEFORGE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_203);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: cases(),
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Runs a group of cases and reports the outcomes; panics with the minimal failing case.
fn fuzz<S: Strategy>(
    group: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<i32, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let codes = std::cell::RefCell::new(BTreeMap::<i32, u32>::new());
    let result = runner().run(&strategy, |value| {
        let code = test(value)?;
        *codes.borrow_mut().entry(code).or_default() += 1;
        Ok(())
    });
    let codes = codes.into_inner();
    println!(
        "{group}: {} cases, exit 0: {}, exit 2: {} (runs while shrinking included)",
        codes.values().sum::<u32>(),
        codes.get(&0).unwrap_or(&0),
        codes.get(&2).unwrap_or(&0),
    );
    if let Err(e) = result {
        panic!("{group}: {e}");
    }
}

#[test]
fn mutated_descriptions() {
    let base = base();
    let description =
        std::fs::read_to_string(common::repo().join("tests/fixtures/descriptions/cronjob.yaml"))
            .unwrap();
    fuzz("descriptions", edits(YAML_TOKENS), |edits| {
        let case = Case::new(&base.project);
        let input = case.dir.path().join("input.yaml");
        std::fs::write(&input, apply(&description, &edits, false)).unwrap();
        let create = strings(&["create", "api", "--group", "webapp", "--from"]);
        let mut create = create;
        create.push(input.display().to_string());
        check_commands(&case, &[create, strings(&["generate"])])
    });
}

#[test]
fn mutated_rust_sources() {
    let base = base();
    let file = "src/api/v1/guestbook.rs";
    let source = String::from_utf8(base.project[file].clone()).unwrap();
    fuzz("rust sources", edits(RUST_TOKENS), |edits| {
        let case = Case::new(&base.project);
        std::fs::write(case.project().join(file), apply(&source, &edits, true)).unwrap();
        check_commands(
            &case,
            &[
                strings(&["generate"]),
                strings(&[
                    "create",
                    "api",
                    "--group",
                    "webapp",
                    "--version",
                    "v2",
                    "--kind",
                    "Guestbook",
                ]),
            ],
        )
    });
}

#[test]
fn mutated_project_files() {
    let base = base();
    let project = String::from_utf8(base.project["PROJECT"].clone()).unwrap();
    fuzz("PROJECT files", edits(PROJECT_TOKENS), |edits| {
        let case = Case::new(&base.project);
        std::fs::write(
            case.project().join("PROJECT"),
            apply(&project, &edits, false),
        )
        .unwrap();
        check_commands(
            &case,
            &[
                strings(&[
                    "create",
                    "api",
                    "--group",
                    "webapp",
                    "--version",
                    "v1",
                    "--kind",
                    "Redis",
                ]),
                strings(&["generate"]),
                strings(&[
                    "create",
                    "webhook",
                    "--group",
                    "webapp",
                    "--version",
                    "v1",
                    "--kind",
                    "Memcached",
                    "--defaulting",
                ]),
            ],
        )
    });
}

#[test]
fn hostile_flags() {
    let base = base();
    let flags = (
        0..FLAG_COMMANDS.len(),
        proptest::collection::vec(
            (any::<usize>(), proptest::sample::select(FLAG_VALUES)),
            1..4,
        ),
        any::<bool>(),
    );
    fuzz("flags", flags, |(command, values, fresh)| {
        let (words, names) = FLAG_COMMANDS[command];
        let mut args = strings(words);
        for (name, value) in &values {
            args.push(format!("{}={value}", names[name % names.len()]));
        }
        // init runs in an empty directory; the other commands in the project.
        let empty = Tree::new();
        let case = Case::new(if words == ["init"] || fresh {
            &empty
        } else {
            &base.project
        });
        std::fs::create_dir_all(case.project()).unwrap();
        check_commands(&case, &[args])
    });
}
