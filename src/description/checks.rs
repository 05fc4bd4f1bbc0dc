//! Checks that catch at generation time what `kubectl apply` (or a controller) would catch later:
//! patterns that compile, CEL rules that parse, paths that point to fields of the right type,
//! list-map keys that are always present.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

use super::errors::Errs;
use super::format::{At, ListType, MapType, Pos};
use super::ir::{Ir, Kind, Path2, WellKnown, well_known_type};
use crate::error::Error;

/// The pattern compiles. The API server uses Go's RE2 syntax; Rust's `regex` crate accepts the
/// same syntax apart from a few rarely used escapes, so what compiles here compiles there.
pub fn pattern(e: Errs<'_>, p: &At<String>) -> Result<(), Error> {
    match regex::RegexBuilder::new(&p.value)
        .size_limit(1 << 20)
        .build()
    {
        Ok(_) => Ok(()),
        Err(err) => {
            let detail = err.to_string();
            let detail = detail.lines().last().unwrap_or("invalid pattern").trim();
            Err(e.at(
                p.pos(),
                format!("the pattern `{}` does not compile: {detail}", p.value),
                "write a regular expression in RE2 syntax (the one the API server uses); in YAML, quote the pattern with single quotes so backslashes stay as written",
            ))
        }
    }
}

/// Deepest bracket nesting a CEL expression may have (the parser recurses on it).
const MAX_CEL_NESTING: usize = 64;

/// The CEL expression parses (with Kubernetes' optional syntax).
pub fn cel(e: Errs<'_>, expr: &At<String>, what: &str) -> Result<(), Error> {
    let text = &expr.value;
    if text.trim().is_empty() {
        return Err(e.at(
            expr.pos(),
            format!("the CEL {what} is empty"),
            "write a CEL expression, e.g. `self.replicas <= 10`",
        ));
    }
    let mut depth = 0usize;
    let mut max = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > MAX_CEL_NESTING {
        return Err(e.at(
            expr.pos(),
            format!("the CEL {what} nests brackets more than {MAX_CEL_NESTING} deep"),
            "split the expression into several rules",
        ));
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        kube_cel::cel::parser::Parser::new()
            .enable_optional_syntax(true)
            .parse(text)
            .map(|_| ())
            .map_err(|errs| {
                errs.errors
                    .iter()
                    .map(|err| {
                        format!(
                            "{} (line {}, column {} of the {what})",
                            err.msg,
                            err.pos.0,
                            err.pos.1 + 1
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
    }));
    match parsed {
        Ok(Ok(())) => Ok(()),
        Ok(Err(msg)) => Err(e.at(
            expr.pos(),
            format!("the CEL {what} `{text}` does not parse: {msg}"),
            "fix the expression; `self` is the value of this node, `oldSelf` its previous value",
        )),
        Err(_) => Err(e.at(
            expr.pos(),
            format!("the CEL {what} `{text}` cannot be parsed"),
            "simplify the expression",
        )),
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    /// `[N]`, `[*]` or a filter `[?(@.a.b == "x")]` with the filtered path.
    Item(Option<Vec<String>>),
}

fn parse_path(path: &str, allow_items: bool) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = path.chars().collect();
    if chars.first() != Some(&'.') && chars.first() != Some(&'[') {
        return Err("a path starts with `.` (e.g. `.spec.replicas`)".into());
    }
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    return Err("recursive descent (`..`) is not supported".into());
                }
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '.' && chars[j] != '[' {
                    j += 1;
                }
                if j == start {
                    return Err("an empty field name".into());
                }
                steps.push(Step::Field(chars[start..j].iter().collect()));
                i = j;
            }
            '[' => {
                let Some(close) = find_close(&chars, i) else {
                    return Err("a `[` without its `]`".into());
                };
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                if (inner.starts_with('\'') && inner.ends_with('\'') && inner.len() >= 2)
                    || (inner.starts_with('"') && inner.ends_with('"') && inner.len() >= 2)
                {
                    steps.push(Step::Field(inner[1..inner.len() - 1].to_string()));
                } else if !allow_items {
                    return Err("array items cannot be addressed here".into());
                } else if inner == "*"
                    || (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '-'))
                {
                    steps.push(Step::Item(None));
                } else if let Some(filter) =
                    inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')'))
                {
                    let lhs = filter
                        .split(['=', '!', '<', '>'])
                        .next()
                        .unwrap_or("")
                        .trim();
                    let Some(rest) = lhs.strip_prefix("@.") else {
                        return Err(format!("the filter `{filter}` does not start with `@.`"));
                    };
                    let sub: Vec<String> = rest.split('.').map(str::to_string).collect();
                    if sub.iter().any(String::is_empty) {
                        return Err(format!("the filter `{filter}` has an empty field name"));
                    }
                    steps.push(Step::Item(Some(sub)));
                } else {
                    return Err(format!(
                        "`[{inner}]` is not supported (use `[N]`, `[*]`, `['name']` or `[?(@.field==\"value\")]`)"
                    ));
                }
                i = close + 1;
            }
            c => return Err(format!("unexpected `{c}`")),
        }
    }
    Ok(steps)
}

fn find_close(chars: &[char], open: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// What a path leads to.
#[derive(Debug, Clone)]
pub enum Found<'a> {
    Ir(&'a Ir),
    /// A node inside a well-known type's schema.
    Raw(Value),
    /// A field of the object's metadata, with its type.
    Meta(&'static str),
    /// A value of an object that keeps unknown fields: anything.
    Any,
}

impl Found<'_> {
    /// The JSON type: `string`, `integer`, `number`, `boolean`, `object`, `array`,
    /// `int-or-string`, `any`; with `date` for date-time strings.
    pub fn type_word(&self) -> &'static str {
        match self {
            Found::Ir(ir) => match &ir.kind {
                Kind::String
                    if ir.format.as_deref() == Some("date-time")
                        || ir.format.as_deref() == Some("date") =>
                {
                    "date"
                }
                Kind::String => "string",
                Kind::Integer => "integer",
                Kind::Number => "number",
                Kind::Boolean => "boolean",
                Kind::Object { .. } => "object",
                Kind::Array(_) => "array",
                Kind::IntOrString => "int-or-string",
                Kind::WellKnown(w) => {
                    raw_type_word(&crate::crd::k8s::raw_schema(w.canonical).unwrap_or(Value::Null))
                }
            },
            Found::Raw(v) => raw_type_word(v),
            Found::Meta(t) => t,
            Found::Any => "any",
        }
    }
}

fn raw_type_word(v: &Value) -> &'static str {
    if v.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return "int-or-string";
    }
    match v.get("type").and_then(Value::as_str) {
        Some("string") if v.get("format").and_then(Value::as_str) == Some("date-time") => "date",
        Some("string") => "string",
        Some("integer") => "integer",
        Some("number") => "number",
        Some("boolean") => "boolean",
        Some("object") => "object",
        Some("array") => "array",
        _ => "any",
    }
}

fn step_raw(v: &Value, step: &Step) -> Option<Value> {
    match step {
        Step::Field(name) => {
            if let Some(p) = v.get("properties").and_then(|p| p.get(name)) {
                return Some(p.clone());
            }
            v.get("additionalProperties")
                .filter(|a| a.is_object())
                .cloned()
        }
        Step::Item(filter) => {
            let items = v.get("items")?.clone();
            if let Some(f) = filter {
                let mut cur = items.clone();
                for s in f {
                    cur = step_raw(&cur, &Step::Field(s.clone()))?;
                }
            }
            Some(items)
        }
    }
}

fn step<'a>(found: Found<'a>, s: &Step) -> Option<Found<'a>> {
    match found {
        Found::Any => Some(Found::Any),
        Found::Meta(t) => match (t, s) {
            ("map", Step::Field(_)) => Some(Found::Meta("string")),
            _ => None,
        },
        Found::Raw(v) => step_raw(&v, s).map(Found::Raw),
        Found::Ir(ir) => match (&ir.kind, s) {
            (Kind::Object { props, additional }, Step::Field(name)) => {
                if let Some(a) = additional {
                    return Some(Found::Ir(a));
                }
                if let Some(p) = props.iter().find(|p| &p.name == name) {
                    return Some(Found::Ir(&p.schema));
                }
                if ir.preserve_unknown_fields == Some(true) {
                    return Some(Found::Any);
                }
                None
            }
            (Kind::Array(items), Step::Item(filter)) => {
                if let Some(f) = filter {
                    let mut cur = Found::Ir(items);
                    for seg in f {
                        cur = step(cur, &Step::Field(seg.clone()))?;
                    }
                }
                Some(Found::Ir(items))
            }
            (Kind::WellKnown(w), _) => {
                let raw = crate::crd::k8s::raw_schema(w.canonical)?;
                step_raw(&raw, s).map(Found::Raw)
            }
            _ => None,
        },
    }
}

/// The roots a path of the whole object can start from.
pub struct Roots<'a> {
    pub spec: &'a Ir,
    pub status: Option<&'a Ir>,
    /// The fields of `spec` sit at the root of the object (`noSpec`).
    pub no_spec: bool,
}

const METADATA: &[(&str, &str)] = &[
    ("name", "string"),
    ("namespace", "string"),
    ("generateName", "string"),
    ("uid", "string"),
    ("resourceVersion", "string"),
    ("generation", "integer"),
    ("creationTimestamp", "date"),
    ("deletionTimestamp", "date"),
    ("labels", "map"),
    ("annotations", "map"),
];

/// Resolves a path of the whole object (`.spec.x`, `.status.y`, `.metadata.name`).
fn resolve<'a>(roots: &Roots<'a>, steps: &[Step]) -> Result<Found<'a>, String> {
    let Some(Step::Field(first)) = steps.first() else {
        return Err("the path must start with `.spec`, `.status` or `.metadata`".into());
    };
    let mut cur = match first.as_str() {
        "spec" if !roots.no_spec => Found::Ir(roots.spec),
        "status" => match roots.status {
            Some(s) => Found::Ir(s),
            None => return Err("the kind has no status".into()),
        },
        "metadata" => {
            let Some(Step::Field(f)) = steps.get(1) else {
                return Err(
                    "name a field of `.metadata`, e.g. `.metadata.creationTimestamp`".into(),
                );
            };
            let Some((_, t)) = METADATA.iter().find(|(n, _)| n == f) else {
                return Err(format!(
                    "`.metadata.{f}` is not a field of the object's metadata"
                ));
            };
            let mut cur = Found::Meta(t);
            for (i, s) in steps.iter().enumerate().skip(2) {
                cur = step(cur, s)
                    .ok_or_else(|| format!("`{}` does not exist", show(&steps[..=i])))?;
            }
            return Ok(cur);
        }
        "apiVersion" | "kind" => Found::Meta("string"),
        _ if roots.no_spec => {
            let mut cur = Found::Ir(roots.spec);
            for (i, s) in steps.iter().enumerate() {
                cur = step(cur, s).ok_or_else(|| {
                    format!("`{}` does not exist in the schema", show(&steps[..=i]))
                })?;
            }
            return Ok(cur);
        }
        other => {
            return Err(format!(
                "`.{other}` is not a field of the object (use `.spec`, `.status` or `.metadata`)"
            ));
        }
    };
    for (i, s) in steps.iter().enumerate().skip(1) {
        cur = step(cur, s)
            .ok_or_else(|| format!("`{}` does not exist in the schema", show(&steps[..=i])))?;
    }
    Ok(cur)
}

fn show(steps: &[Step]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Field(f) if f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                out.push('.');
                out.push_str(f);
            }
            Step::Field(f) => out.push_str(&format!("['{f}']")),
            Step::Item(_) => out.push_str("[*]"),
        }
    }
    out
}

/// A printer column's JSONPath points to an existing field of the column's type.
pub fn printer_column(
    e: Errs<'_>,
    roots: &Roots<'_>,
    path: &At<String>,
    column_type: &str,
) -> Result<(), Error> {
    let steps = parse_path(&path.value, true).map_err(|m| {
        e.at(path.pos(), format!("the JSONPath `{}` cannot be read: {m}", path.value), "write a path such as `.spec.replicas` or `.status.conditions[?(@.type==\"Ready\")].status`")
    })?;
    let found = resolve(roots, &steps).map_err(|m| {
        e.at(
            path.pos(),
            format!("the JSONPath `{}` points nowhere: {m}", path.value),
            "point the column at a field of the spec or status",
        )
    })?;
    let t = found.type_word();
    let ok = match column_type {
        "integer" => matches!(t, "integer" | "any"),
        "number" => matches!(t, "integer" | "number" | "any"),
        "boolean" => matches!(t, "boolean" | "any"),
        "date" => matches!(t, "date" | "string" | "any"),
        _ => true,
    };
    if !ok {
        return Err(e.at(
            path.pos(),
            format!(
                "the column has type `{column_type}` but `{}` is {}",
                path.value, t
            ),
            format!(
                "give the column the field's type (`{}`), or point it at a {column_type} field",
                column_for(t)
            ),
        ));
    }
    Ok(())
}

fn column_for(t: &str) -> &str {
    match t {
        "integer" | "number" | "boolean" | "date" => t,
        _ => "string",
    }
}

/// A scale path: a plain dotted path under `.spec` or `.status` to a field of the given type.
pub fn scale_path(
    e: Errs<'_>,
    roots: &Roots<'_>,
    path: &At<String>,
    under: &[&str],
    want: &str,
    key: &str,
) -> Result<(), Error> {
    let bad = |m: String| {
        e.at(
            path.pos(),
            format!("`{key}: {}` {m}", path.value),
            format!(
                "write a path like `.{}.replicas` to an existing {want} field",
                under[0]
            ),
        )
    };
    let steps = parse_path(&path.value, false).map_err(|m| bad(format!("cannot be read: {m}")))?;
    match steps.first() {
        Some(Step::Field(f)) if under.contains(&f.as_str()) => {}
        _ => {
            return Err(bad(format!(
                "must start with {}",
                under
                    .iter()
                    .map(|u| format!("`.{u}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
    }
    if steps.len() < 2 {
        return Err(bad("must name a field".into()));
    }
    let found = resolve(roots, &steps).map_err(|m| bad(format!("points nowhere: {m}")))?;
    let t = found.type_word();
    let ok = match want {
        "integer" => matches!(t, "integer" | "any"),
        _ => matches!(t, "string" | "any"),
    };
    if !ok {
        return Err(bad(format!("points to {t}, not {want}")));
    }
    Ok(())
}

/// A selectable field: a plain path to a string, integer or boolean field.
pub fn selectable(e: Errs<'_>, roots: &Roots<'_>, path: &At<String>) -> Result<(), Error> {
    let bad = |m: String| {
        e.at(
            path.pos(),
            format!("selectable field `{}` {m}", path.value),
            "point it at a string, integer or boolean field, e.g. `.spec.mode`",
        )
    };
    let steps = parse_path(&path.value, false).map_err(|m| bad(format!("cannot be read: {m}")))?;
    if matches!(steps.first(), Some(Step::Field(f)) if f == "metadata") {
        return Err(bad(
            "is under `.metadata`, which Kubernetes selects on itself".into(),
        ));
    }
    let found = resolve(roots, &steps).map_err(|m| bad(format!("points nowhere: {m}")))?;
    let t = found.type_word();
    if !matches!(t, "string" | "integer" | "boolean" | "date") {
        return Err(bad(format!("points to {t}")));
    }
    Ok(())
}

/// A CEL rule's `fieldPath`, relative to the node that has the rule.
pub fn field_path(e: Errs<'_>, fp: &At<String>, node: &Ir) -> Result<(), Error> {
    let bad = |m: String| {
        e.at(
            fp.pos(),
            format!("fieldPath `{}` {m}", fp.value),
            "write a path relative to the node with the rule, e.g. `.replicas` or `['some.key']`",
        )
    };
    let steps = parse_path(&fp.value, false).map_err(|m| bad(format!("cannot be read: {m}")))?;
    let mut cur = Found::Ir(node);
    for (i, s) in steps.iter().enumerate() {
        cur = step(cur, s).ok_or_else(|| {
            bad(format!(
                "points nowhere: `{}` does not exist",
                show(&steps[..=i])
            ))
        })?;
    }
    Ok(())
}

/// Lists with `x-kubernetes-list-type`: `map` lists have object items whose keys are scalar
/// properties that are required or defaulted; `set` lists have scalar items.
pub fn list_types(e: Errs<'_>, ir: &Ir, path: &Path2) -> Result<(), Error> {
    match &ir.kind {
        Kind::Object { props, additional } => {
            for p in props {
                list_types(e, &p.schema, &path.child(p.name.clone()))?;
            }
            if let Some(a) = additional {
                list_types(e, a, &path.child("{}"))?;
            }
        }
        Kind::Array(items) => {
            list_types(e, items, &path.child("[]"))?;
            if let Some(lt) = &ir.list_type {
                match lt.value {
                    ListType::Map => list_map(e, ir, items, path)?,
                    ListType::Set => {
                        let scalar = matches!(
                            items.kind,
                            Kind::String
                                | Kind::Integer
                                | Kind::Number
                                | Kind::Boolean
                                | Kind::IntOrString
                        ) || matches!(&items.kind, Kind::WellKnown(w) if well_known_type(w) != Some("object"))
                            || (matches!(items.kind, Kind::Object { .. })
                                && items.map_type == Some(MapType::Atomic))
                            || (matches!(items.kind, Kind::Array(_))
                                && items
                                    .list_type
                                    .as_ref()
                                    .is_some_and(|l| l.value == ListType::Atomic));
                        if !scalar {
                            return Err(e.at(
                                lt.pos(),
                                format!("`{}` is a set of {} items", path.show(), items.kind_name()),
                                "a set holds scalars (or atomic objects and lists); for objects identified by a key use `x-kubernetes-list-type: map` with `x-kubernetes-list-map-keys`",
                            ));
                        }
                    }
                    ListType::Atomic => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn list_map(e: Errs<'_>, list: &Ir, items: &Ir, path: &Path2) -> Result<(), Error> {
    let keys = list.list_map_keys.as_ref().expect("checked when lowering");
    let lt_pos = list.list_type.as_ref().map(At::pos).unwrap_or(list.pos);
    match &items.kind {
        Kind::Object {
            props,
            additional: None,
        } if !props.is_empty() => {
            for k in &keys.value {
                let Some(p) = props.iter().find(|p| &p.name == k) else {
                    return Err(e.at(
                        keys.pos(),
                        format!(
                            "list-map key `{k}` is not a property of the items of `{}`",
                            path.show()
                        ),
                        "name properties of the items as keys",
                    ));
                };
                if !matches!(
                    p.schema.kind,
                    Kind::String | Kind::Integer | Kind::Number | Kind::Boolean | Kind::IntOrString
                ) {
                    return Err(e.at(
                        p.pos,
                        format!(
                            "list-map key `{k}` is {}, not a scalar",
                            p.schema.kind_name()
                        ),
                        "keys of a map list are strings, integers or booleans",
                    ));
                }
                if !p.required && p.schema.default.is_none() {
                    return Err(e.at(
                        p.pos,
                        format!("list-map key `{k}` of `{}` is neither required nor defaulted", path.show()),
                        "add `required: true` (or a `default`) to the key property: the API server rejects a map list whose keys may be missing",
                    ));
                }
                if p.schema.nullable == Some(true) {
                    return Err(e.at(
                        p.pos,
                        format!("list-map key `{k}` is nullable"),
                        "remove `nullable` from the key property",
                    ));
                }
            }
            Ok(())
        }
        Kind::WellKnown(w) if well_known_type(w) == Some("object") => {
            well_known_keys(e, w, &keys.value, keys.pos(), path)
        }
        _ => Err(e.at(
            lt_pos,
            format!(
                "`{}` is a map list but its items are {}",
                path.show(),
                items.kind_name()
            ),
            "a map list holds objects identified by their key properties",
        )),
    }
}

fn well_known_keys(
    e: Errs<'_>,
    w: &WellKnown,
    keys: &[String],
    pos: Pos,
    path: &Path2,
) -> Result<(), Error> {
    let raw = crate::crd::k8s::raw_schema(w.canonical).unwrap_or(Value::Null);
    let required: Vec<&str> = raw
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for k in keys {
        if raw.get("properties").and_then(|p| p.get(k)).is_none() {
            return Err(e.at(
                pos,
                format!(
                    "list-map key `{k}` is not a property of {} (the items of `{}`)",
                    w.name,
                    path.show()
                ),
                "name properties of the items as keys",
            ));
        }
        if !required.contains(&k.as_str()) {
            return Err(e.at(
                pos,
                format!("list-map key `{k}` of {} is optional", w.name),
                "use keys that the items always have",
            ));
        }
    }
    Ok(())
}
