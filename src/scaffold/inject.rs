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
    // A lone `mod` line joins the `mod` lines above the marker in the order rustfmt keeps them,
    // so that `cargo fmt --check` passes whatever order the modules were added in.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(marker_at) = lines.iter().position(|l| l.trim() == marker) else {
        return Injected::MarkerMissing;
    };
    let mut at = marker_at;
    if let Some(name) = lone_mod(fragment) {
        let mut first = marker_at;
        while first > 0 && mod_name(lines[first - 1]).is_some() {
            first -= 1;
        }
        at = (first..marker_at)
            .find(|&i| mod_name(lines[i]).is_some_and(|other| version_cmp(other, name).is_gt()))
            .unwrap_or(marker_at);
    }
    let marker_line = lines[marker_at];
    let indent = &marker_line[..marker_line.len() - marker_line.trim_start().len()];
    let mut out = String::with_capacity(text.len() + fragment.len() + 16);
    for (i, line) in lines.iter().enumerate() {
        if i == at {
            for frag_line in fragment.lines() {
                if !frag_line.trim().is_empty() {
                    out.push_str(indent);
                    out.push_str(frag_line);
                }
                out.push('\n');
            }
        }
        out.push_str(line);
    }
    Injected::Inserted(out)
}

/// The module a fragment declares, when it is one `mod` line.
fn lone_mod(fragment: &str) -> Option<&str> {
    let mut lines = fragment.lines().filter(|l| !l.trim().is_empty());
    let name = mod_name(lines.next()?)?;
    lines.next().is_none().then_some(name)
}

/// `guestbook` of `pub mod guestbook;` (or `mod guestbook;`).
fn mod_name(line: &str) -> Option<&str> {
    let line = line.trim();
    let rest = line.strip_prefix("pub ").unwrap_or(line);
    rest.strip_prefix("mod ")?.strip_suffix(';')
}

/// Names compared as rustfmt sorts them: runs of digits by value (`v2` before `v10`).
fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in s.char_indices().skip(1) {
            let prev = s[..i].chars().next_back().unwrap_or(c);
            if prev.is_ascii_digit() != c.is_ascii_digit() {
                out.push((
                    s[start..i].starts_with(|c: char| c.is_ascii_digit()),
                    &s[start..i],
                ));
                start = i;
            }
        }
        if !s.is_empty() {
            out.push((
                s[start..].starts_with(|c: char| c.is_ascii_digit()),
                &s[start..],
            ));
        }
        out
    }
    let (a, b) = (chunks(a), chunks(b));
    for (&x, &y) in a.iter().zip(&b) {
        let order = match (x, y) {
            ((true, x), (true, y)) => x
                .parse::<u128>()
                .unwrap_or(u128::MAX)
                .cmp(&y.parse::<u128>().unwrap_or(u128::MAX))
                .then(x.len().cmp(&y.len())),
            ((_, x), (_, y)) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// The inverse of [`inject`]: `text` without the block of `fragment` (found as `inject` finds it,
/// line by line with surrounding whitespace ignored), and without the blank lines the fragment
/// brought before and after it; `None` when the block is not there.
pub fn remove(text: &str, fragment: &str) -> Option<String> {
    let frag: Vec<&str> = fragment.lines().collect();
    let needle: Vec<&str> = frag
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if needle.is_empty() {
        return None;
    }
    let blank_before = frag.iter().take_while(|l| l.trim().is_empty()).count();
    let blank_after = frag
        .iter()
        .rev()
        .take_while(|l| l.trim().is_empty())
        .count();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The non-blank lines of the text, with their indices.
    let hay: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let at = hay
        .windows(needle.len())
        .position(|w| w.iter().map(|(_, l)| *l).eq(needle.iter().copied()))?;
    let mut first = hay[at].0;
    let mut last = hay[at + needle.len() - 1].0;
    for _ in 0..blank_before {
        if first > 0 && lines[first - 1].trim().is_empty() {
            first -= 1;
        }
    }
    for _ in 0..blank_after {
        if last + 1 < lines.len() && lines[last + 1].trim().is_empty() {
            last += 1;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if i < first || i > last {
            out.push_str(line);
        }
    }
    Some(out)
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
    fn a_mod_line_joins_the_mod_lines_above_in_order() {
        let text = "//! Doc.\n\npub mod guestbook;\npub mod v10;\n// +kubeforge:scaffold:m\n";
        let at = |name: &str| match inject(
            text,
            "// +kubeforge:scaffold:m",
            &format!("pub mod {name};\n"),
        ) {
            Injected::Inserted(out) => out,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            at("cache"),
            "//! Doc.\n\npub mod cache;\npub mod guestbook;\npub mod v10;\n// +kubeforge:scaffold:m\n"
        );
        assert_eq!(
            at("guestbook_conversion"),
            "//! Doc.\n\npub mod guestbook;\npub mod guestbook_conversion;\npub mod v10;\n// +kubeforge:scaffold:m\n"
        );
        assert_eq!(
            at("v2"),
            "//! Doc.\n\npub mod guestbook;\npub mod v2;\npub mod v10;\n// +kubeforge:scaffold:m\n"
        );
        assert_eq!(
            at("zebra"),
            "//! Doc.\n\npub mod guestbook;\npub mod v10;\npub mod zebra;\n// +kubeforge:scaffold:m\n"
        );
        // Not a lone mod line: right above the marker.
        let Injected::Inserted(out) = inject(
            text,
            "// +kubeforge:scaffold:m",
            "pub mod a;\npub use a::*;\n",
        ) else {
            panic!()
        };
        assert!(
            out.ends_with("pub mod v10;\npub mod a;\npub use a::*;\n// +kubeforge:scaffold:m\n")
        );
    }

    #[test]
    fn removal_undoes_an_injection() {
        let marker = "// +kubeforge:scaffold:kinds";
        let text = "//! Doc.\n\nmod a;\npub use a::*;\n\n// +kubeforge:scaffold:kinds\n";
        let fragment = "mod b;\npub use b::*;\n\n";
        let Injected::Inserted(once) = inject(text, marker, fragment) else {
            panic!()
        };
        assert_eq!(remove(&once, fragment).as_deref(), Some(text));
        let first = "mod a;\npub use a::*;\n\n";
        assert_eq!(
            remove(&once, first).as_deref(),
            Some("//! Doc.\n\nmod b;\npub use b::*;\n\n// +kubeforge:scaffold:kinds\n")
        );
        // Re-indented by the user: still found; a partial block is not.
        let edited = once.replace("mod b;", "   mod b;  ");
        assert_eq!(remove(&edited, fragment).as_deref(), Some(text));
        assert_eq!(remove(text, "mod a;\npub use c::*;\n"), None);
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
