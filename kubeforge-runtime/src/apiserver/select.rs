//! `labelSelector` and `fieldSelector` of lists and watches.

use serde_json::Value;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A label or field selector: every requirement must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector(Vec<Requirement>);

/// Splits at the commas that are not in parentheses.
fn split(selector: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&selector[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&selector[start..]);
    parts
}

fn set(values: &str) -> Option<Vec<String>> {
    let inner = values.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|value| value.trim().to_string())
            .collect(),
    )
}

fn requirement(part: &str) -> Result<Requirement, String> {
    let invalid = || format!("unable to parse requirement: {part:?}");
    let part = part.trim();
    if let Some((key, value)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(
            key.trim().into(),
            value.trim().into(),
        ));
    }
    if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key.trim().into(), value.trim().into()));
    }
    if let Some((key, values)) = part.split_once(" notin ") {
        return Ok(Requirement::NotIn(
            key.trim().into(),
            set(values).ok_or_else(invalid)?,
        ));
    }
    if let Some((key, values)) = part.split_once(" in ") {
        return Ok(Requirement::In(
            key.trim().into(),
            set(values).ok_or_else(invalid)?,
        ));
    }
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::NotExists(key.trim().into()));
    }
    let valid = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    if part.is_empty() || !part.chars().all(valid) {
        return Err(invalid());
    }
    Ok(Requirement::Exists(part.into()))
}

impl Selector {
    /// Parses `a=b,c!=d,e,!f,g in (x,y),h notin (z)`; empty: everything.
    pub fn parse(selector: &str) -> Result<Selector, String> {
        if selector.trim().is_empty() {
            return Ok(Selector::default());
        }
        split(selector)
            .into_iter()
            .map(requirement)
            .collect::<Result<_, _>>()
            .map(Selector)
    }

    /// Whether it selects everything.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every requirement holds for `lookup`, which gives the value of a key.
    pub fn matches<'a>(&self, lookup: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.0.iter().all(|requirement| match requirement {
            Requirement::Equals(key, value) => lookup(key) == Some(value.as_str()),
            Requirement::NotEquals(key, value) => lookup(key) != Some(value.as_str()),
            Requirement::In(key, values) => {
                lookup(key).is_some_and(|found| values.iter().any(|v| v == found))
            }
            Requirement::NotIn(key, values) => {
                !lookup(key).is_some_and(|found| values.iter().any(|v| v == found))
            }
            Requirement::Exists(key) => lookup(key).is_some(),
            Requirement::NotExists(key) => lookup(key).is_none(),
        })
    }

    /// Whether the labels of `object` match.
    pub fn matches_labels(&self, object: &Value) -> bool {
        let labels = &object["metadata"]["labels"];
        self.matches(|key| labels.get(key).and_then(Value::as_str))
    }

    /// Whether the fields of `object` match: `metadata.name` and `metadata.namespace` only.
    pub fn matches_fields(&self, object: &Value) -> bool {
        self.matches(|key| match key {
            "metadata.name" => object["metadata"]["name"].as_str(),
            "metadata.namespace" => {
                Some(object["metadata"]["namespace"].as_str().unwrap_or_default())
            }
            _ => None,
        })
    }

    /// Whether only `metadata.name` and `metadata.namespace` are asked for.
    pub fn only_fields(&self, fields: &[&str]) -> bool {
        self.0.iter().all(|requirement| {
            let key = match requirement {
                Requirement::Equals(key, _)
                | Requirement::NotEquals(key, _)
                | Requirement::In(key, _)
                | Requirement::NotIn(key, _)
                | Requirement::Exists(key)
                | Requirement::NotExists(key) => key,
            };
            fields.contains(&key.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn selects_by_labels() {
        let object = json!({"metadata": {"name": "a", "labels": {"app": "web", "tier": "front"}}});
        let matches = |selector: &str| Selector::parse(selector).unwrap().matches_labels(&object);
        assert!(matches(""));
        assert!(matches("app=web"));
        assert!(matches("app==web,tier!=back"));
        assert!(!matches("app=db"));
        assert!(matches("tier"));
        assert!(!matches("!tier"));
        assert!(matches("!absent"));
        assert!(matches("app in (db,web),tier notin (back)"));
        assert!(!matches("app notin (web)"));
        assert!(Selector::parse("a b").is_err());
        assert!(Selector::parse("a in b").is_err());
    }

    #[test]
    fn selects_by_fields() {
        let object = json!({"metadata": {"name": "a", "namespace": "ns"}});
        let selector = Selector::parse("metadata.name=a,metadata.namespace!=other").unwrap();
        assert!(selector.only_fields(&["metadata.name", "metadata.namespace"]));
        assert!(selector.matches_fields(&object));
        assert!(
            !Selector::parse("metadata.name=b")
                .unwrap()
                .matches_fields(&object)
        );
        assert!(
            !Selector::parse("spec.x=b")
                .unwrap()
                .only_fields(&["metadata.name"])
        );
    }
}
