//! No input makes the derivation panic (an internal panic would surface as "internal error"):
//! every fixture file cut short at many places, and with lines removed, gives a result or a
//! positioned error.

use std::path::{Path, PathBuf};

use kubeforge::crd::{CrdOptions, SourceFile, crds_from_sources};

fn fixture() -> Vec<SourceFile> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(SourceFile {
                    path: p.strip_prefix(root).unwrap().to_path_buf(),
                    text: std::fs::read_to_string(&p).unwrap(),
                });
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fidelity");
    let mut out = Vec::new();
    walk(&root.join("src/api"), &root, &mut out);
    out
}

fn no_internal_error(files: &[SourceFile], what: &str) {
    if let Err(e) = crds_from_sources(files, &CrdOptions::default()) {
        assert!(!e.message.contains("internal error"), "{what}: {e}");
        assert!(e.line >= 1 && e.column >= 1, "{what}: {e}");
    }
}

#[test]
fn mutilated_sources_never_panic() {
    // Each file on its own (the others would only add unchanged work): cut short, and with one
    // line removed.
    for f in fixture() {
        let with = |text: String| {
            vec![SourceFile {
                path: f.path.clone(),
                text,
            }]
        };
        let step = (f.text.len() / 30).max(1);
        for cut in (0..f.text.len()).step_by(step) {
            if f.text.is_char_boundary(cut) {
                no_internal_error(
                    &with(f.text[..cut].to_string()),
                    &format!("{} cut at {cut}", f.path.display()),
                );
            }
        }
        let lines: Vec<&str> = f.text.lines().collect();
        for skip in (0..lines.len()).step_by(2) {
            let text = lines
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != skip)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n");
            no_internal_error(
                &with(text),
                &format!("{} without line {}", f.path.display(), skip + 1),
            );
        }
    }
}
