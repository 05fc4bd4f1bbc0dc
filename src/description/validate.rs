//! A validator of JSON values against CRD schemas (as JSON), for the subset of OpenAPI v3 that
//! CRDs use: types, formats kubeforge writes, enums, bounds, lengths, patterns, items,
//! properties, maps, list types, nullable, int-or-string, preserve-unknown-fields and embedded
//! resources, and the value validations `anyOf`, `oneOf`, `allOf` and `not`. CEL rules are not
//! evaluated here.

use serde_json::{Map, Value};

/// One reason a value is invalid: the path in the value and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

/// Validates `value` against `schema`; `path` names the value in messages.
pub fn validate(schema: &Value, value: &Value, path: &str) -> Vec<Invalid> {
    let mut out = Vec::new();
    check(schema, value, path, &mut out);
    out
}

fn bad(out: &mut Vec<Invalid>, path: &str, message: impl Into<String>) {
    out.push(Invalid {
        path: path.to_string(),
        message: message.into(),
    });
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

fn num(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// Whether `s` is an RFC 3339 date-time (`2024-01-02T03:04:05Z`, with optional fraction and
/// offset).
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !is_date(&s[..10]) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(d(11) && d(12) && b[13] == b':' && d(14) && d(15) && b[16] == b':' && d(17) && d(18)) {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while d(i) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && d(i + 1) && d(i + 2) && b[i + 3] == b':' && d(i + 4) && d(i + 5)
        }
        _ => false,
    }
}

/// Whether `s` is a full date (`2024-01-02`).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `multipleOf` as the API server checks it: an integral value (written without a fraction,
/// as kubectl sends every integral number) is compared with the factor cut to an integer, so
/// that a factor below 1 refuses it outright.
fn check_multiple_of(n: &serde_json::Number, factor: f64, path: &str, out: &mut Vec<Invalid>) {
    if let Some(int) = n.as_i64() {
        let cut = factor.trunc() as i64;
        if cut <= 0 {
            bad(
                out,
                path,
                format!(
                    "{int} is an integer, which the API server checks against the factor {factor} cut to {cut}, and refuses (write the value with a fraction, e.g. {int}.0, from a client that keeps it)"
                ),
            );
        } else if int % cut != 0 {
            bad(out, path, format!("{int} is not a multiple of {cut}"));
        }
        return;
    }
    if factor > 0.0 {
        let q = n.as_f64().unwrap_or(0.0) / factor;
        if (q - q.round()).abs() > 1e-9 {
            bad(out, path, format!("{n} is not a multiple of {factor}"));
        }
    }
}

fn check_format(schema: &Value, value: &Value, path: &str, out: &mut Vec<Invalid>) {
    let Some(format) = schema.get("format").and_then(Value::as_str) else {
        return;
    };
    match (format, value) {
        ("date-time", Value::String(s)) if !is_date_time(s) => bad(
            out,
            path,
            format!("\"{s}\" is not a date-time (RFC 3339, e.g. 2024-01-01T00:00:00Z)"),
        ),
        ("date", Value::String(s)) if !is_date(s) => bad(
            out,
            path,
            format!("\"{s}\" is not a date (e.g. 2024-01-01)"),
        ),
        ("int32", v) if is_integer(v) => {
            let f = v.as_f64().unwrap_or(0.0);
            if f < i32::MIN as f64 || f > i32::MAX as f64 {
                bad(out, path, format!("{v} does not fit in an int32"));
            }
        }
        _ => {}
    }
}

/// Checks a value against a schema, adding what is invalid to `out`.
fn check(schema: &Value, value: &Value, path: &str, out: &mut Vec<Invalid>) {
    if value.is_null() {
        if !flag(schema, "nullable") {
            bad(
                out,
                path,
                "null is not allowed here (the schema is not nullable)",
            );
        }
        return;
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.iter().any(|a| json_eq(a, value))
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        bad(
            out,
            path,
            format!("{value} is not one of {}", list.join(", ")),
        );
    }
    if !check_type(schema, value, path, out) {
        return;
    }
    check_format(schema, value, path, out);
    match value {
        Value::String(s) => check_string(schema, s, path, out),
        Value::Number(n) => check_number(schema, value, n, path, out),
        Value::Array(items) => check_array(schema, items, path, out),
        Value::Object(map) => check_object(schema, map, path, out),
        _ => {}
    }
    check_junctors(schema, value, path, out);
}

/// Whether a value has the schema's type (an integer or a string for int-or-string); when it
/// has not, says so.
fn check_type(schema: &Value, value: &Value, path: &str, out: &mut Vec<Invalid>) -> bool {
    if flag(schema, "x-kubernetes-int-or-string") {
        if !(is_integer(value) || value.is_string()) {
            bad(
                out,
                path,
                format!(
                    "expected an integer or a string, found {}",
                    type_name(value)
                ),
            );
            return false;
        }
        return true;
    }
    let expected = match schema.get("type").and_then(Value::as_str) {
        Some("string") if !value.is_string() => "a string",
        Some("integer") if !is_integer(value) => "an integer",
        Some("number") if !value.is_number() => "a number",
        Some("boolean") if !value.is_boolean() => "a boolean",
        Some("object") if !value.is_object() => "an object",
        Some("array") if !value.is_array() => "an array",
        _ => return true,
    };
    bad(
        out,
        path,
        format!("expected {expected}, found {}", type_name(value)),
    );
    false
}

/// A string's length and pattern.
fn check_string(schema: &Value, s: &str, path: &str, out: &mut Vec<Invalid>) {
    let len = s.chars().count() as f64;
    if let Some(min) = num(schema, "minLength")
        && len < min
    {
        bad(
            out,
            path,
            format!("\"{s}\" is shorter than {min} characters"),
        );
    }
    if let Some(max) = num(schema, "maxLength")
        && len > max
    {
        bad(
            out,
            path,
            format!("\"{s}\" is longer than {max} characters"),
        );
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str)
        && let Ok(re) = regex::Regex::new(p)
        && !re.is_match(s)
    {
        bad(
            out,
            path,
            format!("\"{s}\" does not match the pattern `{p}`"),
        );
    }
}

/// A number's bounds and factor; `value` is the number `n` as JSON.
fn check_number(
    schema: &Value,
    value: &Value,
    n: &serde_json::Number,
    path: &str,
    out: &mut Vec<Invalid>,
) {
    let x = n.as_f64().unwrap_or(0.0);
    if let Some(min) = num(schema, "minimum") {
        let excl = flag(schema, "exclusiveMinimum");
        if x < min || (excl && x == min) {
            bad(
                out,
                path,
                format!(
                    "{value} is below the minimum {min}{}",
                    if excl { " (exclusive)" } else { "" }
                ),
            );
        }
    }
    if let Some(max) = num(schema, "maximum") {
        let excl = flag(schema, "exclusiveMaximum");
        if x > max || (excl && x == max) {
            bad(
                out,
                path,
                format!(
                    "{value} is above the maximum {max}{}",
                    if excl { " (exclusive)" } else { "" }
                ),
            );
        }
    }
    if let Some(m) = num(schema, "multipleOf") {
        check_multiple_of(n, m, path, out);
    }
}

/// A schema inside `anyOf`/`oneOf`/`allOf`/`not`, checked without reporting fields it does not
/// list (the node it sits on lists them).
fn lenient(schema: &Value) -> Value {
    let mut s = schema.clone();
    fn walk(s: &mut Value) {
        let Value::Object(m) = s else { return };
        m.insert(
            "x-kubernetes-preserve-unknown-fields".into(),
            Value::Bool(true),
        );
        for (k, v) in m.iter_mut() {
            match k.as_str() {
                "properties" => {
                    if let Value::Object(p) = v {
                        p.values_mut().for_each(walk);
                    }
                }
                "anyOf" | "oneOf" | "allOf" => {
                    if let Value::Array(a) = v {
                        a.iter_mut().for_each(walk);
                    }
                }
                "items" | "not" => walk(v),
                _ => {}
            }
        }
    }
    walk(&mut s);
    s
}

fn passes(schema: &Value, value: &Value) -> bool {
    let mut out = Vec::new();
    check(&lenient(schema), value, "", &mut out);
    out.is_empty()
}

/// `anyOf`, `oneOf`, `allOf` and `not` (the int-or-string `anyOf` of types is not a constraint).
fn check_junctors(schema: &Value, value: &Value, path: &str, out: &mut Vec<Invalid>) {
    if let Some(Value::Array(list)) = schema.get("anyOf")
        && !flag(schema, "x-kubernetes-int-or-string")
        && !list.iter().any(|s| passes(s, value))
    {
        bad(
            out,
            path,
            format!("{value} matches none of the `anyOf` schemas"),
        );
    }
    if let Some(Value::Array(list)) = schema.get("oneOf") {
        let n = list.iter().filter(|s| passes(s, value)).count();
        if n != 1 {
            bad(
                out,
                path,
                format!("{value} matches {n} of the `oneOf` schemas (exactly one must match)"),
            );
        }
    }
    if let Some(Value::Array(list)) = schema.get("allOf") {
        for s in list {
            check(&lenient(s), value, path, out);
        }
    }
    if let Some(s) = schema.get("not")
        && passes(s, value)
    {
        bad(out, path, format!("{value} matches the `not` schema"));
    }
}

fn check_array(schema: &Value, items: &[Value], path: &str, out: &mut Vec<Invalid>) {
    let n = items.len() as f64;
    if let Some(min) = num(schema, "minItems")
        && n < min
    {
        bad(out, path, format!("has {n} items, fewer than {min}"));
    }
    if let Some(max) = num(schema, "maxItems")
        && n > max
    {
        bad(out, path, format!("has {n} items, more than {max}"));
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, v) in items.iter().enumerate() {
            check(item_schema, v, &format!("{path}[{i}]"), out);
        }
    }
    match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("set") => {
            for (i, v) in items.iter().enumerate() {
                if items[..i].iter().any(|w| json_eq(v, w)) {
                    bad(
                        out,
                        &format!("{path}[{i}]"),
                        format!("{v} is a duplicate in a set"),
                    );
                }
            }
        }
        Some("map") => {
            let keys: Vec<&str> = schema
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let key_of = |v: &Value| -> Vec<Value> {
                keys.iter()
                    .map(|k| v.get(k).cloned().unwrap_or(Value::Null))
                    .collect()
            };
            for (i, v) in items.iter().enumerate() {
                let k = key_of(v);
                if items[..i].iter().any(|w| key_of(w) == k) {
                    bad(
                        out,
                        &format!("{path}[{i}]"),
                        "an item with the same keys comes earlier in a map list",
                    );
                }
            }
        }
        _ => {}
    }
}

fn check_object(schema: &Value, map: &Map<String, Value>, path: &str, out: &mut Vec<Invalid>) {
    let n = map.len() as f64;
    if let Some(min) = num(schema, "minProperties")
        && n < min
    {
        bad(out, path, format!("has {n} properties, fewer than {min}"));
    }
    if let Some(max) = num(schema, "maxProperties")
        && n > max
    {
        bad(out, path, format!("has {n} properties, more than {max}"));
    }
    let props = schema.get("properties").and_then(Value::as_object);
    if let Some(Value::Array(req)) = schema.get("required") {
        for r in req.iter().filter_map(Value::as_str) {
            if !map.contains_key(r) {
                bad(out, path, format!("the required property `{r}` is missing"));
            }
        }
    }
    if flag(schema, "x-kubernetes-embedded-resource") {
        for k in ["apiVersion", "kind"] {
            if !map.get(k).is_some_and(Value::is_string) {
                bad(out, path, format!("an embedded resource needs `{k}`"));
            }
        }
    }
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    let embedded = flag(schema, "x-kubernetes-embedded-resource");
    for (k, v) in map {
        let child = format!("{path}.{k}");
        if let Some(s) = props.and_then(|p| p.get(k)) {
            check(s, v, &child, out);
        } else if let Some(a) = additional {
            check(a, v, &child, out);
        } else if !(preserve
            || embedded && matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
        {
            bad(
                out,
                &child,
                "is not a field of the schema (the API server would drop it)",
            );
        }
    }
}

/// Applies the defaults of `schema` to `value` the way the API server does before validating:
/// a `null` where the schema is not nullable is dropped, then missing properties that have a
/// default get it, recursively.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, s) in props {
                    if map.get(k).is_some_and(Value::is_null) && !flag(s, "nullable") {
                        map.remove(k);
                    }
                    if !map.contains_key(k)
                        && let Some(d) = s.get("default")
                    {
                        map.insert(k.clone(), d.clone());
                    }
                    if let Some(v) = map.get_mut(k) {
                        apply_defaults(s, v);
                    }
                }
            }
            if let Some(a) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                if !flag(a, "nullable") {
                    map.retain(|_, v| !v.is_null());
                }
                for v in map.values_mut() {
                    apply_defaults(a, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for v in items {
                    apply_defaults(s, v);
                }
            }
        }
        _ => {}
    }
}
