//! Reading literal values out of Rust syntax: literals, `json!`-style token trees (for
//! `#[schemars(extend(...))]`), CEL rules and merge strategies of `#[x_kube]`/`#[kube]`.

use std::path::Path;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use serde_json::{Map, Number, Value};
use syn::{Expr, Lit};

use super::error::{CrdError, Result};

/// A string literal expression (also through parentheses / a group).
pub(crate) fn expr_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Group(g) => expr_str(&g.expr),
        Expr::Paren(p) => expr_str(&p.expr),
        _ => None,
    }
}

/// An integer literal as serde_json serializes it (signedness kept).
fn int_value(lit: &syn::LitInt, negative: bool) -> Option<Value> {
    let suffix = lit.suffix();
    if suffix.starts_with('f') {
        let v: f64 = lit.base10_digits().parse().ok()?;
        return float_value(if negative { -v } else { v }, suffix);
    }
    // syn reads `-5` in an attribute (`range(min = -5)`) as one literal whose digits carry the
    // sign.
    let (negative, digits) = match lit.base10_digits().strip_prefix('-') {
        Some(d) => (!negative, d),
        None => (negative, lit.base10_digits()),
    };
    let digits: u128 = digits.parse().ok()?;
    if negative {
        let v = -(i128::try_from(digits).ok()?);
        Some(Value::Number(Number::from(i64::try_from(v).ok()?)))
    } else {
        Some(Value::Number(Number::from(u64::try_from(digits).ok()?)))
    }
}

fn float_value(v: f64, suffix: &str) -> Option<Value> {
    let v = if suffix == "f32" {
        (v as f32) as f64
    } else {
        v
    };
    Number::from_f64(v).map(Value::Number)
}

/// The JSON value of a literal expression: numbers, strings, chars, bools, `-n`, `&x`, arrays,
/// `vec![..]`. `None` when the expression is anything else.
pub(crate) fn eval_literal(expr: &Expr) -> Option<Value> {
    match expr {
        Expr::Lit(l) => lit_value(&l.lit, false),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => lit_value(&l.lit, true),
            _ => None,
        },
        Expr::Reference(r) => eval_literal(&r.expr),
        Expr::Paren(p) => eval_literal(&p.expr),
        Expr::Group(g) => eval_literal(&g.expr),
        Expr::Array(a) => a
            .elems
            .iter()
            .map(eval_literal)
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let elems = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            elems
                .iter()
                .map(eval_literal)
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)
        }
        _ => None,
    }
}

fn lit_value(lit: &Lit, negative: bool) -> Option<Value> {
    match lit {
        Lit::Int(i) => int_value(i, negative),
        Lit::Float(f) => {
            let v: f64 = f.base10_digits().parse().ok()?;
            float_value(if negative { -v } else { v }, f.suffix())
        }
        Lit::Str(s) if !negative => Some(Value::String(s.value())),
        Lit::Char(c) if !negative => Some(Value::String(c.value().to_string())),
        Lit::Bool(b) if !negative => Some(Value::Bool(b.value)),
        _ => None,
    }
}

/// Splits a token list at top-level commas.
fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(Vec::new()),
            _ => out.last_mut().expect("non-empty").push(t),
        }
    }
    if out.last().is_some_and(Vec::is_empty) {
        out.pop();
    }
    out
}

/// A `serde_json::json!` argument made only of literals, arrays and objects.
pub(crate) fn json_tokens(tokens: &[TokenTree]) -> Option<Value> {
    match tokens {
        [TokenTree::Ident(i)] if i == "null" => Some(Value::Null),
        [TokenTree::Ident(i)] if i == "true" => Some(Value::Bool(true)),
        [TokenTree::Ident(i)] if i == "false" => Some(Value::Bool(false)),
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => split_commas(g.stream())
            .iter()
            .map(|e| json_tokens(e))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace => {
            let mut map = Map::new();
            for entry in split_commas(g.stream()) {
                let colon = entry
                    .iter()
                    .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':'))?;
                let key = match &entry[..colon] {
                    [TokenTree::Literal(l)] => match Lit::new(l.clone()) {
                        Lit::Str(s) => s.value(),
                        _ => return None,
                    },
                    _ => return None,
                };
                map.insert(key, json_tokens(&entry[colon + 1..])?);
            }
            Some(Value::Object(map))
        }
        [TokenTree::Group(g)]
            if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::None) =>
        {
            json_tokens(&g.stream().into_iter().collect::<Vec<_>>())
        }
        _ => {
            let ts: TokenStream = tokens.iter().cloned().collect();
            let expr: Expr = syn::parse2(ts).ok()?;
            eval_literal(&expr)
        }
    }
}

/// `"key" = value, ...` of `extend(...)`: keys, JSON values and the key's span.
pub(crate) fn parse_extend(tokens: TokenStream, file: &Path) -> Result<Vec<(String, Value, Span)>> {
    let mut out = Vec::new();
    for entry in split_commas(tokens) {
        let (key, span) = match entry.first() {
            Some(TokenTree::Literal(l)) => match Lit::new(l.clone()) {
                Lit::Str(s) => (s.value(), l.span()),
                _ => return Err(CrdError::at(file, l.span(), "expected `\"key\" = value`")),
            },
            Some(t) => return Err(CrdError::at(file, t.span(), "expected `\"key\" = value`")),
            None => continue,
        };
        if !matches!(entry.get(1), Some(TokenTree::Punct(p)) if p.as_char() == '=')
            || entry.len() < 3
        {
            return Err(CrdError::at(file, span, "expected `\"key\" = value`"));
        }
        let value = json_tokens(&entry[2..]).ok_or_else(|| {
            CrdError::at(file, entry[2].span(), format!("the value of `{key}` is not a literal JSON value"))
                .hint("write literals, arrays and objects only, e.g. `extend(\"x-kubernetes-list-map-keys\" = [\"name\"])`")
        })?;
        out.push((key, value, span));
    }
    Ok(out)
}

fn call_args(expr: &Expr) -> Option<(&syn::Path, Vec<&Expr>)> {
    if let Expr::Call(c) = expr
        && let Expr::Path(p) = &*c.func
    {
        return Some((&p.path, c.args.iter().collect()));
    }
    None
}

fn last_segments(path: &syn::Path, n: usize) -> Vec<String> {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs[segs.len().saturating_sub(n)..].to_vec()
}

/// A string given as `"x"`, `"x".into()`, `"x".to_string()`, `"x".to_owned()` or `String::from("x")`.
pub(crate) fn string_like(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(_) | Expr::Group(_) | Expr::Paren(_) => expr_str(expr),
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "into" | "to_string" | "to_owned"
                ) =>
        {
            expr_str(&m.receiver)
        }
        Expr::Call(_) => {
            let (path, args) = call_args(expr)?;
            let tail = last_segments(path, 2);
            if tail == ["String", "from"] && args.len() == 1 {
                expr_str(args[0])
            } else {
                None
            }
        }
        _ => None,
    }
}

fn rule_error(file: &Path, expr: &dyn quote::ToTokens) -> CrdError {
    CrdError::spanned(file, expr, "this validation rule cannot be read without compiling").hint(
        "write `\"rule\"`, `(\"rule\", \"message\")` or `Rule::new(\"rule\")` with `.message(..)`, `.reason(Reason::..)`, \
         `.field_path(\"..\")`, `.optional_old_self(true)` and literal arguments",
    )
}

/// A CEL rule as kube-core's `Rule` serializes it.
pub(crate) fn eval_rule(expr: &Expr, file: &Path) -> Result<Value> {
    if let Some(rule) = literal_rule(expr) {
        return Ok(Value::Object(rule));
    }
    let mut rule = Map::new();
    // Rule::new("..").message(..).reason(..)...
    let mut calls = Vec::new();
    let mut cur = expr;
    while let Expr::MethodCall(m) = cur {
        calls.push(m);
        cur = &m.receiver;
    }
    let Some((path, args)) = call_args(cur) else {
        return Err(rule_error(file, expr));
    };
    if last_segments(path, 2) != ["Rule", "new"] || args.len() != 1 {
        return Err(rule_error(file, expr));
    }
    let text = string_like(args[0]).ok_or_else(|| rule_error(file, args[0]))?;
    rule.insert("rule".into(), Value::String(text));
    let mut parts = RuleParts::default();
    for m in calls.iter().rev() {
        parts.read(m, file)?;
    }
    parts.insert_into(&mut rule);
    Ok(Value::Object(rule))
}

/// A rule written as `"rule"` or `("rule", "message")`.
fn literal_rule(expr: &Expr) -> Option<Map<String, Value>> {
    let mut rule = Map::new();
    if let Some(s) = expr_str(expr) {
        rule.insert("rule".into(), Value::String(s));
        return Some(rule);
    }
    if let Expr::Tuple(t) = expr
        && t.elems.len() == 2
        && let (Some(r), Some(m)) = (expr_str(&t.elems[0]), expr_str(&t.elems[1]))
    {
        rule.insert("rule".into(), Value::String(r));
        rule.insert("message".into(), Value::String(m));
        return Some(rule);
    }
    None
}

/// What the builder calls after `Rule::new(..)` set: the message (or message expression), field
/// path, reason and `optionalOldSelf`.
#[derive(Default)]
struct RuleParts {
    message: Option<(&'static str, String)>,
    field_path: Option<String>,
    reason: Option<String>,
    old_self: Option<bool>,
}

impl RuleParts {
    /// Reads one builder call: `.message(..)`, `.field_path(..)`, `.reason(..)` or
    /// `.optional_old_self(..)`.
    fn read(&mut self, m: &syn::ExprMethodCall, file: &Path) -> Result<()> {
        let arg = m.args.first().ok_or_else(|| rule_error(file, m))?;
        match m.method.to_string().as_str() {
            "message" => self.message = Some(rule_message(arg, file)?),
            "field_path" => {
                self.field_path = Some(string_like(arg).ok_or_else(|| rule_error(file, arg))?)
            }
            "reason" => self.reason = Some(rule_reason(arg, file)?),
            "optional_old_self" => match eval_literal(arg) {
                Some(Value::Bool(b)) => self.old_self = Some(b),
                _ => return Err(rule_error(file, arg)),
            },
            _ => return Err(rule_error(file, m)),
        }
        Ok(())
    }

    /// Adds the parts that were set to `rule`, in kube-core's order.
    fn insert_into(self, rule: &mut Map<String, Value>) {
        if let Some((k, v)) = self.message {
            rule.insert(k.into(), Value::String(v));
        }
        if let Some(f) = self.field_path {
            rule.insert("fieldPath".into(), Value::String(f));
        }
        if let Some(r) = self.reason {
            rule.insert("reason".into(), Value::String(r));
        }
        if let Some(b) = self.old_self {
            rule.insert("optionalOldSelf".into(), Value::Bool(b));
        }
    }
}

/// The argument of `.message(..)`: a string, `Message::Message(..)` or
/// `Message::Expression(..)`, with the key it is serialized under.
fn rule_message(arg: &Expr, file: &Path) -> Result<(&'static str, String)> {
    if let Some(s) = string_like(arg) {
        return Ok(("message", s));
    }
    if let Some((p, a)) = call_args(arg)
        && a.len() == 1
        && let Some(s) = string_like(a[0])
    {
        return match last_segments(p, 2).as_slice() {
            [_, v] if v == "Expression" => Ok(("messageExpression", s)),
            [_, v] if v == "Message" => Ok(("message", s)),
            _ => Err(rule_error(file, arg)),
        };
    }
    Err(rule_error(file, arg))
}

/// The argument of `.reason(..)`: a `Reason::..` variant's name.
fn rule_reason(arg: &Expr, file: &Path) -> Result<String> {
    let Expr::Path(p) = arg else {
        return Err(rule_error(file, arg));
    };
    let name = last_segments(&p.path, 1).pop().unwrap_or_default();
    if !matches!(
        name.as_str(),
        "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate"
    ) {
        return Err(rule_error(file, arg));
    }
    Ok(name)
}

/// The `x-kubernetes-*` keys of a merge strategy (`ListMerge::..`, `MapMerge::..`).
pub(crate) fn eval_merge_strategy(expr: &Expr, file: &Path) -> Result<Vec<(String, Value)>> {
    let err = || {
        CrdError::spanned(file, expr, "this merge strategy cannot be read").hint(
            "write `ListMerge::Atomic`, `ListMerge::Set`, `ListMerge::Map(vec![\"key\".into()])`, `MapMerge::Atomic` or `MapMerge::Granular`",
        )
    };
    match expr {
        Expr::Path(p) => {
            let tail = last_segments(&p.path, 2);
            let (key, value) = match (tail[0].as_str(), tail.get(1).map(String::as_str)) {
                ("ListMerge", Some("Atomic")) => ("x-kubernetes-list-type", "atomic"),
                ("ListMerge", Some("Set")) => ("x-kubernetes-list-type", "set"),
                ("MapMerge", Some("Atomic")) => ("x-kubernetes-map-type", "atomic"),
                ("MapMerge", Some("Granular")) => ("x-kubernetes-map-type", "granular"),
                ("StructMerge", _) => {
                    return Err(CrdError::spanned(file, expr, "`StructMerge` is not supported")
                        .hint("`x-kubernetes-struct-type` is not part of a CRD schema in k8s-openapi, kube drops it silently; leave it out"));
                }
                _ => return Err(err()),
            };
            Ok(vec![(key.into(), Value::String(value.into()))])
        }
        Expr::Call(_) => {
            let (path, args) = call_args(expr).ok_or_else(err)?;
            if last_segments(path, 2) != ["ListMerge", "Map"] || args.len() != 1 {
                return Err(err());
            }
            let keys: Vec<Value> = match args[0] {
                Expr::Macro(m) if m.mac.path.is_ident("vec") => {
                    let elems = m
                        .mac
                        .parse_body_with(
                            syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                        )
                        .map_err(|_| err())?;
                    elems
                        .iter()
                        .map(|e| string_like(e).map(Value::String))
                        .collect::<Option<_>>()
                        .ok_or_else(err)?
                }
                _ => return Err(err()),
            };
            Ok(vec![
                ("x-kubernetes-list-map-keys".into(), Value::Array(keys)),
                ("x-kubernetes-list-type".into(), Value::String("map".into())),
            ])
        }
        _ => Err(err()),
    }
}
