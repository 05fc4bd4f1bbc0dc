//! Printing Rust the way rustfmt (style edition 2024, default settings) leaves it, for the
//! constructs the generated types use: attributes, doc comments, string literals, `use` lines,
//! array literals and function signatures.
//!
//! rustfmt reformats an attribute only when it is a "meta item" (paths, `key = literal`,
//! nested lists); others (with expressions such as `Rule::new(..)` or `"key" = value`) stay
//! exactly as written. Meta items are printed on one line when it fits in 100 columns (and,
//! with several items, when the items take at most 70 columns); otherwise a single nested
//! list item opens on the first line, and other lists go one item per line.

pub const MAX_WIDTH: usize = 100;
/// rustfmt's `attr_fn_like_width`: the widest a list of several items may be on one line.
const FN_LIKE_WIDTH: usize = 70;
/// rustfmt's `array_width`.
const ARRAY_WIDTH: usize = 60;
/// rustfmt's `short_array_element_width_threshold`.
const SHORT_ARRAY_ELEMENT: usize = 10;

/// One item inside an attribute's parentheses.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// `default`
    Path(String),
    /// `key = <literal>` (the literal as Rust source)
    NameValue(String, Lit),
    /// `key(items)`
    List(String, Vec<Meta>),
    /// Anything else, printed as it is (not a meta item for rustfmt).
    Raw(String),
}

/// A literal inside an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A literal rustfmt sees as one (strings, non-negative numbers, booleans).
    Plain(String),
    /// An expression (e.g. a negative number): makes the attribute verbatim for rustfmt.
    Expr(String),
}

impl Meta {
    pub fn path(s: &str) -> Meta {
        Meta::Path(s.to_string())
    }
    pub fn str(key: &str, value: &str) -> Meta {
        Meta::NameValue(key.to_string(), Lit::Plain(str_lit(value)))
    }
    pub fn lit(key: &str, source: String) -> Meta {
        if source.starts_with('-') {
            Meta::NameValue(key.to_string(), Lit::Expr(source))
        } else {
            Meta::NameValue(key.to_string(), Lit::Plain(source))
        }
    }
    pub fn list(key: &str, items: Vec<Meta>) -> Meta {
        Meta::List(key.to_string(), items)
    }

    fn is_meta(&self) -> bool {
        match self {
            Meta::Path(_) => true,
            Meta::NameValue(_, Lit::Plain(_)) => true,
            Meta::NameValue(_, Lit::Expr(_)) => false,
            Meta::List(_, items) => items.iter().all(Meta::is_meta),
            Meta::Raw(_) => false,
        }
    }

    /// The item on one line.
    fn flat(&self) -> String {
        match self {
            Meta::Path(p) => p.clone(),
            Meta::NameValue(k, Lit::Plain(v) | Lit::Expr(v)) => format!("{k} = {v}"),
            Meta::List(k, items) => format!("{k}({})", join_flat(items)),
            Meta::Raw(r) => r.clone(),
        }
    }
}

fn join_flat(items: &[Meta]) -> String {
    items.iter().map(Meta::flat).collect::<Vec<_>>().join(", ")
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// An attribute `#[name(items)]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub name: String,
    pub items: Vec<Meta>,
}

impl Attr {
    pub fn new(name: &str, items: Vec<Meta>) -> Attr {
        Attr {
            name: name.to_string(),
            items,
        }
    }

    /// The attribute at `indent` columns, as rustfmt prints it, ending with a newline.
    pub fn render(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let meta = Meta::List(self.name.clone(), self.items.clone());
        if !meta.is_meta() {
            return format!("{pad}#[{}]\n", meta.flat());
        }
        format!(
            "{pad}#[{}]\n",
            // `#[` plus one column: rustfmt keeps an attribute on one line below 100 columns.
            list(&self.name, &self.items, indent, 3, "]")
        )
    }
}

/// A list `name(items)` starting at column `start` (after `prefix_width` characters already
/// printed at `indent`), followed by `suffix` on its last line.
fn list(name: &str, items: &[Meta], indent: usize, prefix_width: usize, suffix: &str) -> String {
    let flat = format!("{name}({})", join_flat(items));
    let fits = indent + prefix_width + width(&flat) + width(suffix) <= MAX_WIDTH;
    if fits && flat_ok(items) {
        return flat;
    }
    if items.is_empty() {
        return flat;
    }
    // A single nested list opens on the first line.
    if let [Meta::List(inner, inner_items)] = items {
        let rest = list(
            inner,
            inner_items,
            indent,
            prefix_width + width(name) + 1,
            &format!("){suffix}"),
        );
        return format!("{name}({rest})");
    }
    // One item per line.
    let pad = " ".repeat(indent + 4);
    let mut out = format!("{name}(\n");
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        let tail = if last { "" } else { "," };
        let text = match item {
            Meta::List(k, sub) => list(k, sub, indent + 4, 0, tail),
            other => other.flat(),
        };
        out.push_str(&pad);
        out.push_str(&text);
        out.push_str(tail);
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push(')');
    out
}

/// Whether a list may stay on one line as far as rustfmt's `attr_fn_like_width` goes: lists of
/// several items take at most 70 columns, at every level.
fn flat_ok(items: &[Meta]) -> bool {
    (items.len() <= 1 || width(&join_flat(items)) <= FN_LIKE_WIDTH)
        && items.iter().all(|m| match m {
            Meta::List(_, sub) => flat_ok(sub),
            _ => true,
        })
}

/// A Rust string literal for `s`: a raw string when it has backslashes (patterns), otherwise a
/// plain one; non-ASCII and control characters escaped.
pub fn str_lit(s: &str) -> String {
    let printable = s.chars().all(|c| (' '..='~').contains(&c));
    if printable && s.contains('\\') {
        let mut hashes = String::new();
        while s.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        return format!("r{hashes}\"{s}\"{hashes}");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Whether a description can be written as `///` lines without changing its text in the schema
/// or tripping rustdoc, doctests or clippy's doc lints. Otherwise it goes into
/// `#[schemars(description = "..")]`.
pub fn doc_safe(text: &str) -> bool {
    if text.is_empty() || text != text.trim() || text.contains("```") || text.contains("~~~") {
        return false;
    }
    for line in text.split('\n') {
        if line
            .chars()
            .any(|c| c.is_control() || !(c.is_ascii_graphic() || c == ' '))
        {
            return false;
        }
        if line != line.trim_end() || line.starts_with(' ') {
            return false;
        }
        let first = line.split(' ').next().unwrap_or("");
        let list_like = matches!(first, "-" | "*" | "+" | ">" | "|")
            || first.starts_with('#')
            || first.starts_with('=')
            || first.starts_with("--")
            || first.starts_with("<")
            || (first.len() > 1
                && first[..first.len() - 1].chars().all(|c| c.is_ascii_digit())
                && (first.ends_with('.') || first.ends_with(')')));
        if list_like {
            return false;
        }
        if line.starts_with('[') {
            return false;
        }
    }
    true
}

/// `///` lines for a doc-safe text.
pub fn doc_lines(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for line in text.split('\n') {
        if line.is_empty() {
            out.push_str(&format!("{pad}///\n"));
        } else {
            out.push_str(&format!("{pad}/// {line}\n"));
        }
    }
    out
}

/// `fn name() -> ty {` as rustfmt breaks it when too long.
pub fn fn_head(name: &str, ty: &str) -> String {
    let one = format!("fn {name}() -> {ty} {{");
    let head = format!("fn {name}() -> {ty}");
    if width(&one) <= MAX_WIDTH {
        one
    } else if width(&head) <= MAX_WIDTH {
        format!("{head}\n{{")
    } else {
        format!("fn {name}()\n-> {ty} {{")
    }
}

/// `vec![..]` of `items` at `indent` (the body of a function), as rustfmt lays it out.
/// `simple`: the items are short literals (rustfmt then fills lines).
pub fn vec_lit(items: &[String], indent: usize) -> String {
    let flat = format!("vec![{}]", items.join(", "));
    let content = width(&items.join(", "));
    if items.is_empty() || (content <= ARRAY_WIDTH && indent + width(&flat) <= MAX_WIDTH) {
        return flat;
    }
    let simple = items.iter().all(|i| {
        width(i) <= SHORT_ARRAY_ELEMENT
            && i.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | 'e' | 'E'))
            || i == "true"
            || i == "false"
    });
    let pad = " ".repeat(indent + 4);
    let mut out = String::from("vec![\n");
    if simple {
        let mut line = String::new();
        for item in items {
            let piece = format!("{item},");
            let candidate = if line.is_empty() {
                piece.clone()
            } else {
                format!("{line} {piece}")
            };
            if !line.is_empty() && indent + 4 + width(&candidate) > MAX_WIDTH {
                out.push_str(&format!("{pad}{line}\n"));
                line = piece;
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            out.push_str(&format!("{pad}{line}\n"));
        }
    } else {
        for item in items {
            out.push_str(&format!("{pad}{item},\n"));
        }
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
    out
}

/// A JSON value as the argument of schemars' `extend("key" = ..)` (json! syntax).
pub fn json_arg(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => str_lit(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(json_arg).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", str_lit(k), json_arg(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// A JSON number as a Rust literal: integers as integers, others as floats.
pub fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return int_lit(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return int_lit(i128::from(u));
    }
    float(n.as_f64().unwrap_or(0.0))
}

/// An integer literal for an untyped place (`extend(..)`, `range(..)`, where Rust infers `i32`):
/// with an `i64` (or `u64`) suffix when it does not fit an `i32`, so that it compiles.
pub fn int_lit(i: i128) -> String {
    if i32::try_from(i).is_ok() {
        i.to_string()
    } else if i64::try_from(i).is_ok() {
        format!("{i}i64")
    } else {
        format!("{i}u64")
    }
}

/// An `f64` as a Rust float literal (`1.0`, `0.5`, `1e300`).
pub fn float(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// A bound (`range(min = ..)`): integral values as integers.
pub fn bound(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        int_lit(i128::from(f as i64))
    } else {
        float(f)
    }
}
