//! Generated Rust laid out as rustfmt lays it out, for the lines whose length depends on the
//! project's names: so that `cargo fmt --check` passes on a generated project whatever it and its
//! kinds are called.

/// The widest line rustfmt leaves as it is.
pub const MAX_WIDTH: usize = 100;

/// The indentation of the `controllers` marker in `src/main.rs`.
pub const CONTROLLERS_INDENT: usize = 8;

/// The indentation of the `envtest` marker in `tests/envtest/main.rs`.
pub const ENVTEST_INDENT: usize = 4;

/// The arguments of a top-level `#[derive(..)]`: on its line when it fits, else on a line of
/// their own.
pub fn derive_args(args: &str) -> String {
    if "#[derive()]".len() + args.len() <= MAX_WIDTH {
        args.to_string()
    } else {
        format!("\n    {args},\n")
    }
}

/// A call of one argument at `indent`, `<open><arg><close>` (`mgr.controller(`, `path::run`,
/// `),`): on one line when it fits, else with the argument on a line of its own.
pub fn call(indent: usize, open: &str, arg: &str, close: &str) -> String {
    if indent + open.len() + arg.len() + close.len() <= MAX_WIDTH {
        format!("{open}{arg}{close}")
    } else {
        format!("{open}\n    {arg},\n{close}")
    }
}

/// The head of a call with generic arguments at `indent`, `<path>::<args>(`: on one line when it
/// fits, else with each generic argument on a line of its own.
pub fn generic_call_head(indent: usize, path: &str, args: &[&str]) -> String {
    let line = format!("{path}::<{}>(", args.join(", "));
    if indent + line.len() <= MAX_WIDTH {
        line
    } else {
        let args: String = args.iter().map(|a| format!("    {a},\n")).collect();
        format!("{path}::<\n{args}>(")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::templates::{EMBEDDED, embedded_files};

    /// The indentations above are those of the markers in the templates.
    #[test]
    fn indents_are_those_of_the_markers() {
        let mut embedded = Vec::new();
        embedded_files(&EMBEDDED, &mut embedded);
        let indent_of = |template: &str, marker: &str| {
            let (_, body) = embedded.iter().find(|(n, _)| n == template).unwrap();
            let line = body.lines().find(|l| l.trim() == marker).unwrap();
            line.len() - line.trim_start().len()
        };
        assert_eq!(
            indent_of(
                "init/src/main.rs.tera",
                "// +kubeforge:scaffold:controllers"
            ),
            CONTROLLERS_INDENT
        );
        assert_eq!(
            indent_of(
                "init/tests/envtest/main.rs.tera",
                "// +kubeforge:scaffold:envtest"
            ),
            ENVTEST_INDENT
        );
    }

    #[test]
    fn calls_wrap_as_rustfmt_wraps_them() {
        assert_eq!(call(8, "f(", "a::b", "),"), "f(a::b),");
        let long = "x".repeat(80);
        assert_eq!(
            call(8, "mgr.controller(", &long, "),"),
            format!("mgr.controller(\n    {long},\n),")
        );
        assert_eq!(generic_call_head(4, "f", &["T", "_"]), "f::<T, _>(");
        let longer = "x".repeat(95);
        assert_eq!(
            generic_call_head(4, "f", &[&longer, "_"]),
            format!("f::<\n    {longer},\n    _,\n>(")
        );
    }
}
