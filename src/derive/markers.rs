//! Marker comments in Rust source, `// +kubeforge:<what>:<body>`, which `kubeforge generate`
//! turns into manifests (RBAC rules, webhook configurations).

/// One marker comment.
pub struct Found<'a> {
    /// 1-based line number.
    pub line: usize,
    /// The whole line.
    pub text: &'a str,
    /// Byte offset of the `//` in the line.
    pub comment_at: usize,
    /// What follows the prefix, untrimmed at the end.
    pub body: &'a str,
}

/// Every comment line of `text` whose content starts with `prefix` (e.g. `+kubeforge:rbac:`).
pub fn find<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = Found<'a>> {
    text.lines().enumerate().filter_map(move |(n, line)| {
        let trimmed = line.trim_start();
        let body = trimmed
            .strip_prefix("//")?
            .trim_start()
            .strip_prefix(prefix)?;
        Some(Found {
            line: n + 1,
            text: line,
            comment_at: line.len() - trimmed.len(),
            body,
        })
    })
}
