//! A sample custom resource built from a CRD schema: required fields, and the fields that have
//! an example or a default, with values taken from examples, defaults and enums, or made up to
//! satisfy the field's type, format, bounds and pattern.

use serde_json::{Map, Value, json};

/// Why no value could be built, and where (segments of the schema path: property names, `[]`
/// for items, `{}` for map values).
#[derive(Debug)]
pub struct Failure {
    pub path: Vec<String>,
    pub message: String,
}

/// Strings tried against a pattern, in order.
const CANDIDATES: &[&str] = &[
    "example",
    "example-1",
    "a",
    "abc",
    "x1",
    "1",
    "0",
    "10",
    "100m",
    "1Gi",
    "50%",
    "1h",
    "30s",
    "5m",
    "v1",
    "true",
    "A",
    "Example",
    "EXAMPLE",
    "example.com",
    "http://example.com",
    "https://example.com",
    "example@example.com",
    "10.0.0.1",
    "10.0.0.0/8",
    "1.0.0",
    "*/5 * * * *",
    "0 0 * * *",
    "* * * * *",
    "2024-01-01T00:00:00Z",
    "2024-01-01",
    "a_b",
    "a.b",
    "a/b",
    "example:1",
    "ZXhhbXBsZQ==",
    "",
];

const MAX_DEPTH: usize = 64;

/// Well-known types by their place in the schema (`["spec", "timeout"]` → `Duration`), whose
/// values need a form their schema does not say.
pub type Known = std::collections::BTreeMap<Vec<String>, &'static str>;

/// Builds a value for `schema`.
pub fn build(schema: &Value, path: &mut Vec<String>, known: &Known) -> Result<Value, Failure> {
    node(schema, path, 0, known)
}

fn fail(path: &[String], message: impl Into<String>) -> Failure {
    Failure {
        path: path.to_vec(),
        message: message.into(),
    }
}

fn num(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn node(
    schema: &Value,
    path: &mut Vec<String>,
    depth: usize,
    known: &Known,
) -> Result<Value, Failure> {
    if depth > MAX_DEPTH {
        return Err(fail(
            path,
            "the schema is nested too deeply to build a sample",
        ));
    }
    if let Some(e) = schema.get("example") {
        return Ok(e.clone());
    }
    if let Some(d) = schema.get("default") {
        return Ok(d.clone());
    }
    match known.get(path.as_slice()).copied() {
        Some("Duration") => return Ok(json!("1h")),
        Some("Quantity") => return Ok(json!("1")),
        Some("MicroTime") => return Ok(json!("2024-01-01T00:00:00.000000Z")),
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(v) = values.iter().find(|v| !v.is_null())
    {
        return Ok(v.clone());
    }
    if schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        if schema.get("pattern").is_some() || schema.get("minLength").is_some() {
            return string(schema, path);
        }
        return Ok(json!(1));
    }
    let junctors = ["anyOf", "oneOf", "allOf", "not"];
    if junctors.iter().any(|k| schema.get(*k).is_some())
        && schema.get("x-kubernetes-int-or-string") != Some(&Value::Bool(true))
    {
        return with_junctors(schema, path, depth, known);
    }
    typed(schema, path, depth, known)
}

/// A value for a node with `anyOf`/`oneOf`/`allOf`/`not`: the plain value if it satisfies them,
/// or the value built with the keywords of one `anyOf`/`oneOf` entry (and of every `allOf`
/// entry) merged into the node.
fn with_junctors(
    schema: &Value,
    path: &mut Vec<String>,
    depth: usize,
    known: &Known,
) -> Result<Value, Failure> {
    let ok = |v: &Value| super::validate::validate(schema, v, "").is_empty();
    let mut base = schema.clone();
    if let Value::Object(m) = &mut base {
        for k in ["anyOf", "oneOf", "allOf", "not"] {
            m.remove(k);
        }
    }
    let merge = |into: &mut Value, from: &Value| {
        if let (Value::Object(m), Value::Object(f)) = (into, from) {
            for (k, v) in f {
                match (k.as_str(), m.get_mut(k)) {
                    ("required", Some(Value::Array(r))) => {
                        for x in v.as_array().into_iter().flatten() {
                            if !r.contains(x) {
                                r.push(x.clone());
                            }
                        }
                    }
                    ("properties", Some(Value::Object(p))) => {
                        for (name, sub) in v.as_object().into_iter().flatten() {
                            if let Some(Value::Object(target)) = p.get_mut(name)
                                && let Value::Object(sub) = sub
                            {
                                for (sk, sv) in sub {
                                    target.insert(sk.clone(), sv.clone());
                                }
                            }
                        }
                    }
                    _ => {
                        m.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    };
    for s in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        merge(&mut base, s);
    }
    let mut candidates = vec![base.clone()];
    for k in ["anyOf", "oneOf"] {
        for s in schema
            .get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut c = base.clone();
            merge(&mut c, s);
            candidates.push(c);
        }
    }
    for c in &candidates {
        if let Ok(v) = typed(c, path, depth, known)
            && ok(&v)
        {
            return Ok(v);
        }
    }
    Err(fail(
        path,
        "kubeforge cannot make up a value that satisfies its `anyOf`/`oneOf`/`allOf`/`not`",
    ))
}

fn typed(
    schema: &Value,
    path: &mut Vec<String>,
    depth: usize,
    known: &Known,
) -> Result<Value, Failure> {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string(schema, path),
        Some("integer") => integer(schema, path),
        Some("number") => number(schema, path),
        Some("boolean") => Ok(json!(false)),
        Some("array") => array(schema, path, depth, known),
        Some("object") | None => object(schema, path, depth, known),
        Some(other) => Err(fail(path, format!("unknown type `{other}`"))),
    }
}

fn fits(schema: &Value, s: &str) -> bool {
    let len = s.chars().count() as f64;
    if num(schema, "minLength").is_some_and(|m| len < m)
        || num(schema, "maxLength").is_some_and(|m| len > m)
    {
        return false;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") if !super::validate::is_date_time(s) => return false,
        Some("date") if !super::validate::is_date(s) => return false,
        _ => {}
    }
    match schema.get("pattern").and_then(Value::as_str) {
        Some(p) => regex::Regex::new(p).is_ok_and(|re| re.is_match(s)),
        None => true,
    }
}

fn string(schema: &Value, path: &[String]) -> Result<Value, Failure> {
    let by_format = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => Some("2024-01-01T00:00:00Z"),
        Some("date") => Some("2024-01-01"),
        Some("byte") => Some("ZXhhbXBsZQ=="),
        Some("uri") => Some("https://example.com"),
        Some("email") => Some("example@example.com"),
        Some("hostname") => Some("example.com"),
        Some("ipv4") => Some("10.0.0.1"),
        Some("uuid") => Some("00000000-0000-0000-0000-000000000001"),
        Some("duration") => Some("1h"),
        _ => None,
    };
    let mut tried: Vec<String> = by_format.into_iter().map(str::to_string).collect();
    tried.extend(CANDIDATES.iter().map(|s| s.to_string()));
    if let Some(min) = num(schema, "minLength") {
        tried.push("x".repeat(min as usize));
        tried.push(format!(
            "example{}",
            "x".repeat((min as usize).saturating_sub(7))
        ));
    }
    if let Some(max) = num(schema, "maxLength") {
        tried.push("example".chars().take(max as usize).collect());
    }
    for t in &tried {
        if fits(schema, t) {
            return Ok(json!(t));
        }
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        return Err(fail(
            path,
            format!("kubeforge cannot make up a value that matches the pattern `{p}`"),
        ));
    }
    Err(fail(
        path,
        "kubeforge cannot make up a string of the allowed length",
    ))
}

fn integer(schema: &Value, path: &[String]) -> Result<Value, Failure> {
    let lo = num(schema, "minimum").map(|m| {
        if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
            m.floor() + 1.0
        } else {
            m.ceil()
        }
    });
    let hi = num(schema, "maximum").map(|m| {
        if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
            m.ceil() - 1.0
        } else {
            m.floor()
        }
    });
    let step = num(schema, "multipleOf").filter(|m| *m > 0.0);
    let mut v: f64 = 1.0;
    if let Some(l) = lo
        && v < l
    {
        v = l;
    }
    if let Some(h) = hi
        && v > h
    {
        v = h;
    }
    if let Some(m) = step {
        let up = (v / m).ceil() * m;
        v = if hi.is_none_or(|h| up <= h) {
            up
        } else {
            (v / m).floor() * m
        };
        if v.fract() != 0.0 {
            return Err(fail(path, format!("no integer is a multiple of {m}")));
        }
    }
    if hi.is_some_and(|h| v > h) || lo.is_some_and(|l| v < l) {
        return Err(fail(path, "no integer satisfies the bounds"));
    }
    Ok(json!(v as i64))
}

fn number(schema: &Value, path: &[String]) -> Result<Value, Failure> {
    let lo = num(schema, "minimum");
    let hi = num(schema, "maximum");
    let excl_lo = schema.get("exclusiveMinimum") == Some(&Value::Bool(true));
    let excl_hi = schema.get("exclusiveMaximum") == Some(&Value::Bool(true));
    let ok = |v: f64| {
        lo.is_none_or(|l| v > l || (!excl_lo && v == l))
            && hi.is_none_or(|h| v < h || (!excl_hi && v == h))
            && num(schema, "multipleOf")
                .is_none_or(|m| m <= 0.0 || ((v / m) - (v / m).round()).abs() < 1e-9)
    };
    let mut candidates = vec![1.0, 0.5, 0.0];
    if let Some(l) = lo {
        candidates.extend([l, l + 1.0, l + 0.5, l + 0.1]);
    }
    if let Some(h) = hi {
        candidates.extend([h, h - 1.0, h - 0.5, h - 0.1]);
    }
    if let (Some(l), Some(h)) = (lo, hi) {
        candidates.push((l + h) / 2.0);
    }
    if let Some(m) = num(schema, "multipleOf").filter(|m| *m > 0.0) {
        let base = lo.unwrap_or(0.0);
        candidates.extend([(base / m).ceil() * m, ((base / m).ceil() + 1.0) * m]);
    }
    candidates
        .into_iter()
        .find(|v| ok(*v))
        .map(|v| json!(v))
        .ok_or_else(|| fail(path, "no number satisfies the bounds"))
}

fn array(
    schema: &Value,
    path: &mut Vec<String>,
    depth: usize,
    known: &Known,
) -> Result<Value, Failure> {
    let n = num(schema, "minItems").unwrap_or(0.0) as usize;
    let mut out = Vec::new();
    if n == 0 {
        return Ok(Value::Array(out));
    }
    let items = schema.get("items").cloned().unwrap_or(json!({}));
    path.push("[]".into());
    let first = node(&items, path, depth + 1, known)?;
    path.pop();
    let keys: Vec<String> = schema
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let unique = matches!(
        schema.get("x-kubernetes-list-type").and_then(Value::as_str),
        Some("set" | "map")
    );
    for i in 0..n {
        let mut v = first.clone();
        if unique && i > 0 {
            let vary = |x: &mut Value| match x {
                Value::String(s) => s.push_str(&format!("-{i}")),
                Value::Number(num) => *x = json!(num.as_f64().unwrap_or(0.0) as i64 + i as i64),
                _ => {}
            };
            if keys.is_empty() {
                vary(&mut v);
            } else if let Value::Object(m) = &mut v
                && let Some(k) = keys.first()
                && let Some(x) = m.get_mut(k)
            {
                vary(x);
            }
        }
        out.push(v);
    }
    Ok(Value::Array(out))
}

fn object(
    schema: &Value,
    path: &mut Vec<String>,
    depth: usize,
    known: &Known,
) -> Result<Value, Failure> {
    let mut out = Map::new();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, s) in props {
            let shown = s.get("example").is_some() || s.get("default").is_some();
            if required.contains(&k.as_str()) || shown {
                path.push(k.clone());
                let v = node(s, path, depth + 1, known)?;
                path.pop();
                out.insert(k.clone(), v);
            }
        }
        // Enough properties for `minProperties`.
        let min = num(schema, "minProperties").unwrap_or(0.0) as usize;
        for (k, s) in props {
            if out.len() >= min {
                break;
            }
            if !out.contains_key(k) {
                path.push(k.clone());
                let v = node(s, path, depth + 1, known)?;
                path.pop();
                out.insert(k.clone(), v);
            }
        }
    }
    if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        let n = num(schema, "minProperties").unwrap_or(0.0) as usize;
        for i in 0..n {
            path.push("{}".into());
            let v = node(a, path, depth + 1, known)?;
            path.pop();
            out.insert(format!("key{}", i + 1), v);
        }
    }
    if schema.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true)) {
        out.entry("apiVersion").or_insert(json!("v1"));
        out.entry("kind").or_insert(json!("ConfigMap"));
        out.entry("metadata").or_insert(json!({"name": "example"}));
    }
    Ok(Value::Object(out))
}

/// How many combinations of values [`repair`] tries at most.
const REPAIR_TRIES: usize = 1024;

/// Makes `object` (a whole sample, `spec` and all) satisfy the CEL rules of `root_schema` that it
/// breaks, by trying values for the fields those rules read (`self.a`, `self.a.b`): the
/// literals of the rules, their neighbours and a few values of each type, or leaving the field
/// out. The first combination the API server should accept (schema and rules) is kept; false
/// when none is found.
pub fn repair(root_schema: &Value, object: &mut Value) -> bool {
    let broken = super::verdict::rule_failures(root_schema, object, None);
    let broken: Vec<_> = broken
        .iter()
        .filter(|e| super::verdict::decidable(e, false))
        .collect();
    if broken.is_empty() {
        return true;
    }
    let read = regex::Regex::new(r"\bself((?:\.[A-Za-z_][A-Za-z0-9_]*)+)").expect("valid");
    let mut slots: Vec<(Vec<Seg>, Vec<Option<Value>>)> = Vec::new();
    for error in &broken {
        let base = segments(&error.field_path);
        for chain in read.captures_iter(&error.rule) {
            let mut keys: Vec<&str> = chain[1].split('.').skip(1).collect();
            // `self.name.startsWith(..)`: the last step is a method.
            let whole = chain.get(0).expect("the whole match");
            if error.rule[whole.end()..].starts_with('(') {
                keys.pop();
            }
            let mut path = base.clone();
            path.extend(keys.into_iter().map(|k| Seg::Key(k.to_string())));
            if slots.iter().any(|(p, _)| *p == path) {
                continue;
            }
            let Some(schema) = schema_at(root_schema, &path) else {
                continue;
            };
            let current = value_at(object, &path).cloned();
            let values = candidates(schema, &error.rule, current);
            if !values.is_empty() {
                slots.push((path, values));
            }
        }
    }
    let total = slots
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()));
    let tries = total.map_or(REPAIR_TRIES, |t| t.min(REPAIR_TRIES));
    for n in 0..tries {
        let mut attempt = object.clone();
        let mut rest = n;
        for (path, values) in &slots {
            set_at(&mut attempt, path, values[rest % values.len()].clone());
            rest /= values.len();
        }
        if super::verdict::check_object(root_schema, &attempt, None).accepted() {
            *object = attempt;
            return true;
        }
    }
    false
}

/// A step of a path into an object.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.items[2].name` as steps.
fn segments(field_path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in field_path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Seg::Key(key.to_string()));
        }
        for index in pieces {
            match index.trim_end_matches(']').parse() {
                Ok(i) => out.push(Seg::Index(i)),
                Err(_) => out.push(Seg::Key(index.trim_end_matches(']').to_string())),
            }
        }
    }
    out
}

fn schema_at<'a>(root: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(root, |s, seg| match seg {
        Seg::Key(k) => s["properties"]
            .get(k)
            .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
        Seg::Index(_) => s.get("items"),
    })
}

fn value_at<'a>(object: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(object, |v, seg| match seg {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

/// Sets (or, with `None`, removes) the value at `path`, making the objects on the way.
fn set_at(object: &mut Value, path: &[Seg], value: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut here = object;
    for seg in parents {
        here = match seg {
            Seg::Key(k) => {
                if !here.is_object() {
                    *here = json!({});
                }
                here.as_object_mut()
                    .expect("an object")
                    .entry(k.clone())
                    .or_insert(json!({}))
            }
            Seg::Index(i) => match here.get_mut(*i) {
                Some(item) => item,
                None => return,
            },
        };
    }
    match (last, value) {
        (Seg::Key(k), Some(v)) => {
            if let Some(map) = here.as_object_mut() {
                map.insert(k.clone(), v);
            }
        }
        (Seg::Key(k), None) => {
            if let Some(map) = here.as_object_mut() {
                map.remove(k);
            }
        }
        (Seg::Index(i), Some(v)) => {
            if let Some(item) = here.get_mut(*i) {
                *item = v;
            }
        }
        (Seg::Index(_), None) => {}
    }
}

/// Values to try for a scalar field of `schema` read by `rule`: the current one first, then
/// the rule's literals (and their neighbours), the schema's `enum`, a few of the type, and
/// leaving the field out.
fn candidates(schema: &Value, rule: &str, current: Option<Value>) -> Vec<Option<Value>> {
    let numbers: Vec<f64> = regex::Regex::new(r"-?\b\d+(?:\.\d+)?\b")
        .expect("valid")
        .find_iter(rule)
        .filter_map(|m| m.as_str().parse().ok())
        .collect();
    let strings: Vec<String> = regex::Regex::new(r#"'([^'\\]*)'|"([^"\\]*)""#)
        .expect("valid")
        .captures_iter(rule)
        .filter_map(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
        .collect();
    let mut out: Vec<Option<Value>> = vec![current];
    match schema["type"].as_str() {
        Some("integer") => {
            let mut ints = vec![0.0, 1.0];
            for n in &numbers {
                ints.extend([n.trunc() - 1.0, n.trunc(), n.trunc() + 1.0]);
            }
            if let Some(m) = num(schema, "multipleOf").filter(|m| *m >= 1.0) {
                let multiples: Vec<f64> = ints
                    .iter()
                    .flat_map(|v| [(v / m).floor() * m, (v / m).ceil() * m])
                    .collect();
                ints.extend(multiples);
            }
            out.extend(ints.into_iter().map(|v| Some(json!(v as i64))));
        }
        Some("number") => {
            let mut nums = vec![0.0, 1.0, 0.5];
            for n in &numbers {
                nums.extend([n - 1.0, *n, n + 1.0, n + 0.5]);
            }
            out.extend(nums.into_iter().map(|v| Some(json!(v))));
        }
        Some("string") => {
            for s in &strings {
                out.extend([
                    Some(json!(s)),
                    Some(json!(format!("{s}-sample"))),
                    Some(json!(format!("sample-{s}"))),
                ]);
            }
            out.push(Some(json!("sample")));
        }
        Some("boolean") => out.extend([Some(json!(true)), Some(json!(false))]),
        _ => return Vec::new(),
    }
    if let Some(values) = schema["enum"].as_array() {
        out.extend(values.iter().cloned().map(Some));
    }
    out.push(None);
    let mut unique = Vec::new();
    for v in out {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    unique
}
