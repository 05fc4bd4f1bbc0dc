//! Markers: code is added to existing files only above `+kubeforge:scaffold:<name>` comment lines,
//! with the marker's indentation, and only when it is not there yet (compared line by line with
//! surrounding whitespace ignored), so running a command twice adds nothing the second time.

/// The comment token that starts a marker in a file of this name.
pub fn comment_token(path: &str) -> &'static str {
    if path.ends_with(".rs") { "//" } else { "#" }
}

/// The full marker line (without indentation) for a file.
pub fn marker(path: &str, name: &str) -> String {
    format!("{} +kubeforge:scaffold:{name}", comment_token(path))
}

/// The outcome of an injection.
#[derive(Debug, PartialEq, Eq)]
pub enum Injected {
    /// The fragment was inserted; here is the new text.
    Inserted(String),
    /// The fragment was already present.
    AlreadyPresent,
    /// The marker is not in the file.
    MarkerMissing,
}

/// Inserts `fragment` (one or more lines, without indentation) above the first line that holds
/// `marker`, indented like it.
pub fn inject(text: &str, marker: &str, fragment: &str) -> Injected {
    if contains_block(text, fragment) {
        return Injected::AlreadyPresent;
    }
    let mut out = String::with_capacity(text.len() + fragment.len() + 16);
    let mut done = false;
    for line in text.split_inclusive('\n') {
        if !done && line.trim() == marker {
            let indent = &line[..line.len() - line.trim_start().len()];
            for frag_line in fragment.lines() {
                if !frag_line.trim().is_empty() {
                    out.push_str(indent);
                    out.push_str(frag_line);
                }
                out.push('\n');
            }
            done = true;
        }
        out.push_str(line);
    }
    if done {
        Injected::Inserted(out)
    } else {
        Injected::MarkerMissing
    }
}

/// Whether the non-blank lines of `fragment`, trimmed, appear consecutively among the non-blank
/// trimmed lines of `text`.
fn contains_block(text: &str, fragment: &str) -> bool {
    let needle: Vec<&str> = fragment
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if needle.is_empty() {
        return true;
    }
    let hay: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str =
        "fn main() {\n    let v = vec![\n        // +kubeforge:scaffold:controllers\n    ];\n}\n";

    #[test]
    fn inserts_above_marker_with_its_indentation() {
        let Injected::Inserted(out) =
            inject(MAIN, "// +kubeforge:scaffold:controllers", "a(),\nb(),\n")
        else {
            panic!("not inserted")
        };
        assert_eq!(
            out,
            "fn main() {\n    let v = vec![\n        a(),\n        b(),\n        // +kubeforge:scaffold:controllers\n    ];\n}\n"
        );
    }

    #[test]
    fn second_injection_adds_nothing() {
        let Injected::Inserted(once) = inject(MAIN, "// +kubeforge:scaffold:controllers", "a(),\n")
        else {
            panic!()
        };
        assert_eq!(
            inject(&once, "// +kubeforge:scaffold:controllers", "a(),\n"),
            Injected::AlreadyPresent
        );
        // Re-indented by the user: still recognised.
        let edited = once.replace("        a(),", "  a(),   ");
        assert_eq!(
            inject(&edited, "// +kubeforge:scaffold:controllers", "a(),\n"),
            Injected::AlreadyPresent
        );
    }

    #[test]
    fn partial_fragment_is_not_mistaken_for_present() {
        let text = "mod guestbook;\n// +kubeforge:scaffold:kinds\n";
        let got = inject(
            text,
            "// +kubeforge:scaffold:kinds",
            "mod guestbook;\npub use guestbook::*;\n",
        );
        assert!(matches!(got, Injected::Inserted(_)));
    }

    #[test]
    fn missing_marker_is_reported() {
        assert_eq!(
            inject(
                "fn main() {}\n",
                "// +kubeforge:scaffold:controllers",
                "a(),\n"
            ),
            Injected::MarkerMissing
        );
    }

    #[test]
    fn yaml_markers_use_hash() {
        assert_eq!(
            marker("config/crd/kustomization.yaml", "crd"),
            "# +kubeforge:scaffold:crd"
        );
        assert_eq!(
            marker("src/main.rs", "controllers"),
            "// +kubeforge:scaffold:controllers"
        );
        let text = "resources:\n# +kubeforge:scaffold:crd\n";
        assert_eq!(
            inject(text, &marker("k.yaml", "crd"), "- bases/a.yaml\n"),
            Injected::Inserted("resources:\n- bases/a.yaml\n# +kubeforge:scaffold:crd\n".into())
        );
    }
}
