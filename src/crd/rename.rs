//! serde's `rename_all` rules: how serde renames fields and variants, which both the derivation
//! of CRDs and the Rust generated from descriptions follow.

/// A serde rename rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

/// Each rule with its name in `#[serde(rename_all = "..")]`.
const NAMES: &[(RenameRule, &str)] = &[
    (RenameRule::Lower, "lowercase"),
    (RenameRule::Upper, "UPPERCASE"),
    (RenameRule::Pascal, "PascalCase"),
    (RenameRule::Camel, "camelCase"),
    (RenameRule::Snake, "snake_case"),
    (RenameRule::ScreamingSnake, "SCREAMING_SNAKE_CASE"),
    (RenameRule::Kebab, "kebab-case"),
    (RenameRule::ScreamingKebab, "SCREAMING-KEBAB-CASE"),
];

impl RenameRule {
    /// The rule `#[serde(rename_all = "<name>")]` names.
    pub fn parse(name: &str) -> Option<Self> {
        NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(rule, _)| *rule)
    }

    /// The rule's name in `#[serde(rename_all = "..")]`.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(rule, _)| *rule == self)
            .map_or("", |(_, name)| name)
    }

    /// Renames a field written in snake_case.
    pub fn field(self, name: &str) -> String {
        fn pascal(name: &str) -> String {
            let mut out = String::new();
            let mut upper_next = true;
            for ch in name.chars() {
                if ch == '_' {
                    upper_next = true;
                } else if upper_next {
                    out.push(ch.to_ascii_uppercase());
                    upper_next = false;
                } else {
                    out.push(ch);
                }
            }
            out
        }
        match self {
            Self::Lower | Self::Snake => name.to_string(),
            Self::Upper | Self::ScreamingSnake => name.to_ascii_uppercase(),
            Self::Pascal => pascal(name),
            Self::Camel => {
                let p = pascal(name);
                let mut chars = p.chars();
                match chars.next() {
                    Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => p,
                }
            }
            Self::Kebab => name.replace('_', "-"),
            Self::ScreamingKebab => name.to_ascii_uppercase().replace('_', "-"),
        }
    }

    /// Renames an enum variant written in PascalCase.
    pub fn variant(self, name: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, ch) in name.char_indices() {
                if i > 0 && ch.is_uppercase() {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            }
            out
        };
        match self {
            Self::Pascal => name.to_string(),
            Self::Lower => name.to_ascii_lowercase(),
            Self::Upper => name.to_ascii_uppercase(),
            Self::Camel => {
                let mut chars = name.chars();
                match chars.next() {
                    Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            }
            Self::Snake => snake(),
            Self::ScreamingSnake => snake().to_ascii_uppercase(),
            Self::Kebab => snake().replace('_', "-"),
            Self::ScreamingKebab => snake().to_ascii_uppercase().replace('_', "-"),
        }
    }
}
