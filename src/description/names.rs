//! Rust names for JSON names: fields (snake_case, raw identifiers for keywords), types
//! (UpperCamelCase by path) and enum variants, with serde's rename rules to keep the JSON names.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::crd::rename::RenameRule;

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate"];

fn ascii_word(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// The Rust field for a JSON property name: snake_case, ASCII, a raw identifier for keywords.
pub fn field_ident(name: &str) -> String {
    let snake = name.to_snake_case();
    let cleaned = ascii_word(&snake, |c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let mut s = cleaned.trim_matches('_').to_string();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("field_{s}");
    }
    if RAW_KEYWORDS.contains(&s.as_str()) {
        return format!("r#{s}");
    }
    if NON_RAW_KEYWORDS.contains(&s.as_str()) {
        return format!("{s}_");
    }
    s
}

/// The Rust fields of an object's properties, in their order: each property's [`field_ident`],
/// except where two collide (`mirror_percent` and `mirrorPercent`): the property spelt like the
/// field keeps it, the others take the first free `<field>_2`, `<field>_3`, ... (serde renames
/// each to its own JSON name).
pub fn field_idents<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.into_iter().collect();
    let bases: Vec<String> = names.iter().map(|n| field_ident(n)).collect();
    let mut out: Vec<Option<String>> = vec![None; names.len()];
    let mut taken = std::collections::BTreeSet::new();
    for (i, (name, base)) in names.iter().zip(&bases).enumerate() {
        if unraw(base) == *name && taken.insert(base.clone()) {
            out[i] = Some(base.clone());
        }
    }
    for (i, base) in bases.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let mut ident = base.clone();
        let mut n = 2;
        while !taken.insert(ident.clone()) {
            ident = format!("{}_{n}", unraw(base));
            n += 1;
        }
        out[i] = Some(ident);
    }
    out.into_iter().flatten().collect()
}

/// The field name without `r#`, as serde sees it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// UpperCamelCase of a JSON name, ASCII only (may be empty).
pub fn pascal(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    camel.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The Rust variant for an enum value.
pub fn variant_ident(value: &str) -> String {
    let p = pascal(value);
    let p = if p.is_empty() {
        if value.is_empty() {
            "Empty".to_string()
        } else {
            "Value".to_string()
        }
    } else if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{p}")
    } else {
        p
    };
    if p == "Self" { "SelfValue".into() } else { p }
}

/// The rename rules the generated Rust chooses among, preferred first.
pub const RULES: &[RenameRule] = &[
    RenameRule::Camel,
    RenameRule::Lower,
    RenameRule::Upper,
    RenameRule::Snake,
    RenameRule::ScreamingSnake,
    RenameRule::Kebab,
    RenameRule::ScreamingKebab,
];

/// The rename rule that leaves the fewest explicit renames (ties: no rule), and how each name
/// is then spelled: `(ident, json)` pairs in, the rule and the renames needed out.
pub fn best_rule<F: Fn(RenameRule, &str) -> String>(
    pairs: &[(String, String)],
    apply: F,
    candidates: &[RenameRule],
) -> Option<RenameRule> {
    let renames = |rule: Option<RenameRule>| {
        pairs
            .iter()
            .filter(|(ident, json)| {
                let ident = unraw(ident);
                match rule {
                    Some(r) => apply(r, ident) != *json,
                    None => ident != json,
                }
            })
            .count()
    };
    let mut best = (renames(None), None);
    for r in candidates {
        let n = renames(Some(*r));
        if n < best.0 {
            best = (n, Some(*r));
        }
    }
    best.1
}
