//! The lowering of a description's schema nodes into their checked form: every node typed,
//! every keyword on a node where it means something, refusals reported at the description's
//! line and column.

use serde_json::Value;

use super::errors::{Errs, did_you_mean};
use super::format::{
    AdditionalProperties, At, CelRule, ListType, Node, Pos, Required, SchemaNode, TYPE_NAMES,
};
use super::ir::{Cel, Ir, Kind, Path2, Prop, well_known, well_known_type};
use super::{checks, junctors};
use crate::error::Error;

/// Deepest nesting of schemas a description may have.
pub const MAX_DEPTH: usize = 24;

/// The kinds that numeric keywords apply to.
const NUMERIC: [&str; 3] = ["integer", "number", "int-or-string"];

/// The kinds that string keywords apply to.
const STRINGS: [&str; 2] = ["string", "int-or-string"];

/// `externalDocs`: an object with string `url` and `description`.
pub fn external_docs(v: &Value) -> Result<(), String> {
    match v {
        Value::Object(m)
            if m.iter()
                .all(|(k, x)| matches!(k.as_str(), "url" | "description") && x.is_string()) =>
        {
            Ok(())
        }
        _ => Err("must be an object with the strings `url` and `description`".into()),
    }
}

/// Lowers schema nodes, with errors at places of one description file.
pub struct Lower<'a> {
    pub errs: Errs<'a>,
}

/// The kind a type name gives, and the format it implies (`int32`: an integer of that format).
fn type_of_name(name: &str) -> Option<(Kind, Option<&'static str>)> {
    Some(match name {
        "string" => (Kind::String, None),
        "integer" => (Kind::Integer, None),
        "number" => (Kind::Number, None),
        "boolean" => (Kind::Boolean, None),
        "object" => (
            Kind::Object {
                props: Vec::new(),
                additional: None,
            },
            None,
        ),
        "array" => (
            Kind::Array(Box::new(Ir::new(Pos::default(), Kind::String))),
            None,
        ),
        "int32" => (Kind::Integer, Some("int32")),
        "int64" => (Kind::Integer, Some("int64")),
        "float" => (Kind::Number, Some("float")),
        "double" => (Kind::Number, Some("double")),
        other => (Kind::WellKnown(well_known(other)?), None),
    })
}

/// A keyword's value, if it is a boolean.
fn bool_value(v: &At<Value>) -> Option<bool> {
    v.value.as_bool()
}

impl<'a> Lower<'a> {
    /// Lowers the schema of `spec` or `status`.
    pub fn root(&self, node: &At<Node>, name: &str) -> Result<Ir, Error> {
        let path = Path2::root(name);
        if let Node::Full(s) = &node.value
            && let Some(r) = &s.required
            && matches!(r.value, Required::Flag(_))
        {
            return Err(self.errs.at(
                r.pos(),
                format!("`required: true|false` has no meaning on `{name}` itself"),
                format!("mark the properties of `{name}` with `required: true`, or list them in `required: [..]`"),
            ));
        }
        let ir = self.node(&node.value, node.pos(), &path, 0)?;
        match &ir.kind {
            Kind::Object {
                additional: None, ..
            } if !ir.is_free_object() => {}
            _ => {
                return Err(self.errs.at(
                    node.pos(),
                    format!(
                        "`{name}` must be an object with properties, not {}",
                        article(&ir)
                    ),
                    format!("write `{name}:` with `properties:` under it (its type is `object`)"),
                ));
            }
        }
        if name == "status"
            && let Some((key, _)) = ir.junctors.first()
        {
            return Err(self.errs.at(
                node.pos(),
                format!("`{key}` on `status` itself is not supported"),
                "kube makes `status` an `Option`, whose schema kube's rewriter merges with the `anyOf`/`oneOf`/`allOf`/`not` of the type; put it on the properties of `status`, or use a CEL rule in `x-kubernetes-validations`",
            ));
        }
        for (what, set) in [
            ("nullable", ir.nullable.is_some()),
            ("default", ir.default.is_some()),
            (
                "x-kubernetes-embedded-resource",
                ir.embedded_resource.is_some(),
            ),
        ] {
            if set {
                return Err(self.errs.at(
                    node.pos(),
                    format!("`{what}` on `{name}` itself is not supported"),
                    format!("kube-derive generates the `{name}` property of the root object; put `{what}` on the properties of `{name}` instead"),
                ));
            }
        }
        Ok(ir)
    }

    /// Lowers a schema node, shorthand or full, `depth` schemas deep.
    fn node(&self, node: &Node, pos: Pos, path: &Path2, depth: usize) -> Result<Ir, Error> {
        if depth > MAX_DEPTH {
            return Err(self.errs.at(
                pos,
                format!(
                    "`{}` is nested more than {MAX_DEPTH} schemas deep",
                    path.show()
                ),
                "flatten the structure, or use a well-known type by name (`type: PodTemplateSpec`)",
            ));
        }
        match node {
            Node::Short(name) => {
                let (kind, format) = self.type_name(name, pos)?;
                if matches!(kind, Kind::Array(_)) {
                    return Err(self.errs.at(
                        pos,
                        format!("`{}`: an array needs the schema of its items", path.show()),
                        "write `type: array` with `items: <schema>` (e.g. `items: string`)",
                    ));
                }
                let mut ir = Ir::new(pos, kind);
                ir.format = format.map(str::to_string);
                Ok(ir)
            }
            Node::Full(s) => self.full(s, pos, path, depth),
        }
    }

    /// The kind a type name gives, or an error with the names there are.
    fn type_name(&self, name: &str, pos: Pos) -> Result<(Kind, Option<&'static str>), Error> {
        type_of_name(name).ok_or_else(|| {
            let hint = match did_you_mean(name, TYPE_NAMES) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            self.errs.at(
                pos,
                format!("unknown type `{name}`"),
                format!("{hint}a type is one of: {}", TYPE_NAMES.join(", ")),
            )
        })
    }

    /// Refuses the keywords a CRD schema does not allow.
    fn refuse_forbidden(&self, s: &SchemaNode) -> Result<(), Error> {
        let forbidden = [
            (
                &s.ref_,
                "$ref",
                "write the referenced schema inline, or use a well-known type by name (`type: Quantity`)",
            ),
            (&s.schema_, "$schema", "remove it"),
            (&s.id, "id", "remove it"),
            (
                &s.definitions,
                "definitions",
                "write the schemas inline where they are used",
            ),
            (
                &s.dependencies,
                "dependencies",
                "express the dependency with a CEL rule in `x-kubernetes-validations`, e.g. `!has(self.a) || has(self.b)`",
            ),
            (
                &s.additional_items,
                "additionalItems",
                "give `items` one schema",
            ),
            (
                &s.pattern_properties,
                "patternProperties",
                "use `additionalProperties` (a map) and check the keys with a CEL rule, e.g. `self.all(k, k.matches('^[a-z]+$'))`",
            ),
        ];
        for (field, key, hint) in forbidden {
            if let Some(at) = field {
                return Err(self.errs.at(
                    at.pos(),
                    format!("`{key}` is not allowed in a CRD schema (the API server rejects it)"),
                    hint,
                ));
            }
        }
        if let Some(at) = &s.x_kubernetes_struct_type {
            return Err(self.errs.at(
                at.pos(),
                "`x-kubernetes-struct-type` is not part of a CRD schema",
                "use `x-kubernetes-map-type: atomic` or `granular` on the object",
            ));
        }
        if let Some(u) = &s.unique_items
            && u.value
        {
            return Err(self.errs.at(
                u.pos(),
                "`uniqueItems: true` is not allowed in a CRD schema (the API server rejects it)",
                "use `x-kubernetes-list-type: set` for a list of unique scalar items",
            ));
        }
        Ok(())
    }

    /// Lowers a full schema node, keyword by keyword, in a fixed order of checks.
    fn full(&self, s: &SchemaNode, pos: Pos, path: &Path2, depth: usize) -> Result<Ir, Error> {
        self.refuse_forbidden(s)?;
        let int_or_string = s
            .x_kubernetes_int_or_string
            .as_ref()
            .map(|b| (b.value, b.pos()));
        let preserve = s
            .x_kubernetes_preserve_unknown_fields
            .as_ref()
            .map(|b| b.value);
        let (mut kind, shorthand_format) = match &s.type_ {
            Some(t) => self.typed_kind(t, int_or_string)?,
            None => (
                self.untyped_kind(s, pos, path, int_or_string, preserve)?,
                None,
            ),
        };

        // anyOf beside int-or-string: the form kube's IntOrString does not emit is dropped.
        let int_string_any_of = matches!(kind, Kind::IntOrString)
            && s.any_of.as_ref().is_some_and(|a| {
                a.value == serde_json::json!([{"type": "integer"}, {"type": "string"}])
            });

        let format = self.format(s, &kind, shorthand_format, path)?;
        self.children(s, &mut kind, pos, path, depth)?;
        self.refuse_misplaced_children(s, &kind, path)?;

        let mut ir = Ir::new(pos, kind);
        ir.format = format;
        ir.description = s.description.as_ref().map(|d| d.value.clone());
        ir.title = s.title.as_ref().map(|d| d.value.clone());
        ir.nullable = s.nullable.as_ref().map(|b| b.value);
        ir.default = s.default.clone();
        ir.example = s.example.as_ref().map(|v| v.value.clone());
        ir.preserve_unknown_fields = preserve;
        ir.embedded_resource = s.x_kubernetes_embedded_resource.as_ref().map(|b| b.value);
        ir.int_or_string_false = matches!(int_or_string, Some((false, _)));

        let k = shape(&ir.kind);
        self.numbers(s, &mut ir, &k, path)?;
        self.exclusive_bounds(s, &mut ir, &k, path)?;
        self.bounds_in_order(s, &ir)?;
        self.counts(s, &mut ir, &k, path)?;
        if let Some(u) = &s.unique_items
            && !kind_is(&k, &["array"])
        {
            return Err(self.wrong(path, u.pos(), "uniqueItems", &k, "arrays"));
        }
        self.pattern(s, &mut ir, &k, path)?;
        self.enum_values(s, &mut ir, &k, path)?;
        self.list_type(s, &mut ir, &k, path)?;
        self.map_type(s, &mut ir, &k, path)?;
        self.embedding(s, &ir, &k, path, preserve)?;
        self.refuse_beside_well_known(s, &k, pos)?;
        if let Some(rules) = &s.x_kubernetes_validations {
            for r in &rules.value {
                ir.validations.push(self.cel(r, &ir)?);
            }
        }
        self.external_docs(s, &mut ir)?;
        self.junctors(s, &mut ir, int_string_any_of)?;
        Ok(ir)
    }

    /// Lowers the properties or map values of an object, or the items of an array.
    fn children(
        &self,
        s: &SchemaNode,
        kind: &mut Kind,
        pos: Pos,
        path: &Path2,
        depth: usize,
    ) -> Result<(), Error> {
        match kind {
            Kind::Object { props, additional } => {
                self.object_children(s, props, additional, path, depth)?;
            }
            Kind::Array(items) => {
                let Some(it) = &s.items else {
                    return Err(self.errs.at(
                    pos,
                    format!("`{}` is an array without `items`", path.show()),
                    "add `items: <schema>` (e.g. `items: string`); a CRD schema needs the items' schema",
                ));
                };
                **items = self.node(&it.value, it.pos(), &path.child("[]"), depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// `pattern`: on strings only, and a regular expression that compiles.
    fn pattern(&self, s: &SchemaNode, ir: &mut Ir, k: &Kind, path: &Path2) -> Result<(), Error> {
        if let Some(p) = &s.pattern {
            if !kind_is(k, &STRINGS) {
                return Err(self.wrong(path, p.pos(), "pattern", k, "strings"));
            }
            checks::pattern(self.errs, p)?;
            ir.pattern = Some(p.clone());
        }
        Ok(())
    }

    /// The error for `key` on a node of a kind it does not apply to.
    fn wrong(&self, path: &Path2, at: Pos, key: &str, k: &Kind, allowed: &str) -> Error {
        self.errs.at(
            at,
            format!(
                "`{key}` does not apply to {} `{}`",
                kind_article(k),
                path.show()
            ),
            format!("`{key}` applies to {allowed}; remove it or fix the type"),
        )
    }

    /// The kind `type` names, and the format it implies; int-or-string goes without a type.
    fn typed_kind(
        &self,
        t: &At<String>,
        int_or_string: Option<(bool, Pos)>,
    ) -> Result<(Kind, Option<&'static str>), Error> {
        let (kind, f) = self.type_name(&t.value, t.pos())?;
        if let Some((true, ipos)) = int_or_string
            && !matches!(&kind, Kind::WellKnown(w) if w.name == "IntOrString")
        {
            return Err(self.errs.at(
                ipos,
                format!(
                    "`x-kubernetes-int-or-string: true` with `type: {}`",
                    t.value
                ),
                "an int-or-string node has no type: remove `type` (or use `type: IntOrString`)",
            ));
        }
        Ok((kind, f))
    }

    /// The kind of a node without `type`, from the keywords it has.
    fn untyped_kind(
        &self,
        s: &SchemaNode,
        pos: Pos,
        path: &Path2,
        int_or_string: Option<(bool, Pos)>,
        preserve: Option<bool>,
    ) -> Result<Kind, Error> {
        if let Some((true, _)) = int_or_string {
            Ok(Kind::IntOrString)
        } else if s.properties.is_some() || s.additional_properties.is_some() {
            Ok(Kind::Object {
                props: Vec::new(),
                additional: None,
            })
        } else if s.items.is_some() {
            Ok(Kind::Array(Box::new(Ir::new(pos, Kind::String))))
        } else if preserve == Some(true) {
            Err(self.errs.at(
                pos,
                format!("`{}` keeps any value (`x-kubernetes-preserve-unknown-fields` without a type), which the generated Rust types cannot express", path.show()),
                "add `type: object` if the value is always an object",
            ))
        } else {
            Err(self.errs.at(
                pos,
                format!("`{}` has no type", path.show()),
                "add `type:` (string, integer, number, boolean, object, array or a well-known type); every node of a CRD schema needs one",
            ))
        }
    }

    /// The format of a node: `format`, on scalars only and agreeing with the type's own.
    fn format(
        &self,
        s: &SchemaNode,
        kind: &Kind,
        shorthand_format: Option<&'static str>,
        path: &Path2,
    ) -> Result<Option<String>, Error> {
        let mut format = shorthand_format.map(str::to_string);
        if let Some(f) = &s.format {
            if !kind_is(kind, &["string", "integer", "number", "boolean"]) {
                return Err(self.wrong(
                    path,
                    f.pos(),
                    "format",
                    kind,
                    "strings, integers, numbers and booleans",
                ));
            }
            if let Some(sf) = shorthand_format
                && sf != f.value
            {
                return Err(self.errs.at(
                    f.pos(),
                    format!("`format: {}` contradicts the type `{sf}`", f.value),
                    format!(
                        "write `type: {}` with `format: {}`, or drop `format`",
                        kind_word(kind),
                        f.value
                    ),
                ));
            }
            format = Some(f.value.clone());
        }
        Ok(format)
    }

    /// Lowers the properties or the map values of an object, with what `required` lists.
    fn object_children(
        &self,
        s: &SchemaNode,
        props: &mut Vec<Prop>,
        additional: &mut Option<Box<Ir>>,
        path: &Path2,
        depth: usize,
    ) -> Result<(), Error> {
        let e = self.errs;
        if let Some(p) = &s.properties
            && s.additional_properties.is_some()
        {
            return Err(e.at(
                p.pos(),
                format!(
                    "`{}` has both `properties` and `additionalProperties`",
                    path.show()
                ),
                "a CRD schema allows one of them: named properties (a struct) or a map",
            ));
        }
        if let Some(ap) = &s.additional_properties {
            *additional = Some(self.map_values(ap, path, depth)?);
        }
        let required_list: Vec<&At<String>> = match &s.required {
            Some(At {
                value: Required::List(l),
                ..
            }) => l.iter().collect(),
            _ => Vec::new(),
        };
        if let Some(p) = &s.properties {
            for (name, child) in &p.value.0 {
                props.push(self.property(name, child, &required_list, path, depth)?);
            }
        }
        for r in &required_list {
            if !props.iter().any(|p| p.name == r.value) {
                return Err(e.at(
                    r.pos(),
                    format!(
                        "`{}` requires `{}`, which is not one of its properties",
                        path.show(),
                        r.value
                    ),
                    format!(
                        "add `{}` under `properties`, or remove it from `required`",
                        r.value
                    ),
                ));
            }
        }
        if let Some(r) = &s.required
            && let Required::List(_) = r.value
            && additional.is_some()
        {
            return Err(e.at(
                r.pos(),
                "a map (`additionalProperties`) has no required properties",
                "remove `required`",
            ));
        }
        Ok(())
    }

    /// The schema of a map's values: `additionalProperties` as a schema, never a boolean.
    fn map_values(
        &self,
        ap: &At<AdditionalProperties>,
        path: &Path2,
        depth: usize,
    ) -> Result<Box<Ir>, Error> {
        match &ap.value {
            AdditionalProperties::Bool(true) => Err(self.errs.at(
                ap.pos(),
                "`additionalProperties: true` is not a structural schema",
                "use `x-kubernetes-preserve-unknown-fields: true` to keep unknown fields, or give the values a schema (`additionalProperties: string`)",
            )),
            AdditionalProperties::Bool(false) => Err(self.errs.at(
                ap.pos(),
                "`additionalProperties: false` is not allowed in a CRD schema",
                "remove it: a CRD drops unknown fields unless `x-kubernetes-preserve-unknown-fields` is set",
            )),
            AdditionalProperties::Schema(n) => Ok(Box::new(self.node(
                n,
                ap.pos(),
                &path.child("{}"),
                depth + 1,
            )?)),
        }
    }

    /// Lowers one property of an object; `required_list` is the object's `required: [..]`.
    fn property(
        &self,
        name: &At<String>,
        child: &At<Node>,
        required_list: &[&At<String>],
        path: &Path2,
        depth: usize,
    ) -> Result<Prop, Error> {
        if name.value.is_empty() {
            return Err(self.errs.at(
                name.pos(),
                "a property has an empty name",
                "give the property a name",
            ));
        }
        let cpath = path.child(name.value.clone());
        let mut ir = self.node(&child.value, child.pos(), &cpath, depth + 1)?;
        let listed = required_list.iter().any(|r| r.value == name.value);
        let own = own_required(&child.value);
        if let Some((false, at)) = own
            && listed
        {
            return Err(self.errs.at(
                at,
                format!(
                    "`{}` says `required: false` but `{}` lists it as required",
                    cpath.show(),
                    path.show()
                ),
                "keep one of the two",
            ));
        }
        let required = listed || own.is_some_and(|(b, _)| b);
        ir.pos = child.pos();
        Ok(Prop {
            name: name.value.clone(),
            pos: name.pos(),
            required,
            schema: ir,
        })
    }

    /// Refuses `properties`, `additionalProperties` and `required: [..]` beside a kind other
    /// than an object, and `items` beside one other than an array.
    fn refuse_misplaced_children(
        &self,
        s: &SchemaNode,
        kind: &Kind,
        path: &Path2,
    ) -> Result<(), Error> {
        if !matches!(kind, Kind::Object { .. }) {
            if let Some(p) = &s.properties {
                return Err(self.wrong(path, p.pos(), "properties", kind, "objects"));
            }
            if let Some(p) = &s.additional_properties {
                return Err(self.wrong(path, p.pos(), "additionalProperties", kind, "objects"));
            }
            if let Some(r) = &s.required
                && let Required::List(_) = r.value
            {
                return Err(self.wrong(
                    path,
                    r.pos(),
                    "required: [..]",
                    kind,
                    "objects (on a property, write `required: true`)",
                ));
            }
        }
        if !matches!(kind, Kind::Array(_))
            && let Some(i) = &s.items
        {
            return Err(self.wrong(path, i.pos(), "items", kind, "arrays"));
        }
        Ok(())
    }

    /// `minimum`, `maximum` and `multipleOf`: on numbers only, finite, a positive factor.
    fn numbers(&self, s: &SchemaNode, ir: &mut Ir, k: &Kind, path: &Path2) -> Result<(), Error> {
        let e = self.errs;
        let num = |v: &Option<At<f64>>, key: &str| -> Result<Option<f64>, Error> {
            match v {
                None => Ok(None),
                Some(at) if !kind_is(k, &NUMERIC) => {
                    Err(self.wrong(path, at.pos(), key, k, "integers and numbers"))
                }
                Some(at) if !at.value.is_finite() => Err(e.at(
                    at.pos(),
                    format!("`{key}` must be a finite number"),
                    "write a number",
                )),
                Some(at) => Ok(Some(at.value)),
            }
        };
        ir.minimum = num(&s.minimum, "minimum")?;
        ir.maximum = num(&s.maximum, "maximum")?;
        ir.multiple_of = num(&s.multiple_of, "multipleOf")?;
        if let Some(m) = ir.multiple_of
            && m <= 0.0
        {
            return Err(e.at(
                s.multiple_of.as_ref().expect("set").pos(),
                "`multipleOf` must be greater than 0",
                "write a positive number",
            ));
        }
        Ok(())
    }

    /// `exclusiveMinimum` and `exclusiveMaximum`: booleans (OpenAPI v3.0), on numbers only.
    fn exclusive_bounds(
        &self,
        s: &SchemaNode,
        ir: &mut Ir,
        k: &Kind,
        path: &Path2,
    ) -> Result<(), Error> {
        for (v, key, bound, target) in [
            (
                &s.exclusive_minimum,
                "exclusiveMinimum",
                "minimum",
                &mut ir.exclusive_minimum,
            ),
            (
                &s.exclusive_maximum,
                "exclusiveMaximum",
                "maximum",
                &mut ir.exclusive_maximum,
            ),
        ] {
            if let Some(at) = v {
                let Some(b) = bool_value(at) else {
                    return Err(self.errs.at(
                        at.pos(),
                        format!(
                            "`{key}` must be a boolean in a CRD schema (OpenAPI v3.0), not {}",
                            at.value
                        ),
                        format!("write `{bound}: {}` and `{key}: true`", at.value),
                    ));
                };
                if !kind_is(k, &NUMERIC) {
                    return Err(self.wrong(path, at.pos(), key, k, "integers and numbers"));
                }
                *target = Some(b);
            }
        }
        Ok(())
    }

    /// Exclusive bounds come with their bound, and `minimum` is not above `maximum`.
    fn bounds_in_order(&self, s: &SchemaNode, ir: &Ir) -> Result<(), Error> {
        let e = self.errs;
        if ir.exclusive_minimum == Some(true) && ir.minimum.is_none() {
            return Err(e.at(
                s.exclusive_minimum.as_ref().expect("set").pos(),
                "`exclusiveMinimum: true` without `minimum`",
                "add `minimum: N`",
            ));
        }
        if ir.exclusive_maximum == Some(true) && ir.maximum.is_none() {
            return Err(e.at(
                s.exclusive_maximum.as_ref().expect("set").pos(),
                "`exclusiveMaximum: true` without `maximum`",
                "add `maximum: N`",
            ));
        }
        if let (Some(lo), Some(hi)) = (ir.minimum, ir.maximum)
            && lo > hi
        {
            return Err(e.at(
                s.maximum.as_ref().expect("set").pos(),
                format!("`maximum: {hi}` is below `minimum: {lo}`"),
                "swap or fix the bounds",
            ));
        }
        Ok(())
    }

    /// The length, item and property counts: on the kinds they apply to, in `i64`, in order.
    fn counts(&self, s: &SchemaNode, ir: &mut Ir, k: &Kind, path: &Path2) -> Result<(), Error> {
        let e = self.errs;
        let count = |v: &Option<At<u64>>,
                     key: &str,
                     kinds: &[&str],
                     allowed: &str|
         -> Result<Option<u64>, Error> {
            match v {
                None => Ok(None),
                Some(at) if !kind_is(k, kinds) => Err(self.wrong(path, at.pos(), key, k, allowed)),
                Some(at) if at.value > i64::MAX as u64 => Err(e.at(
                    at.pos(),
                    format!("`{key}` is too large"),
                    "write a smaller number",
                )),
                Some(at) => Ok(Some(at.value)),
            }
        };
        ir.min_length = count(&s.min_length, "minLength", &STRINGS, "strings")?;
        ir.max_length = count(&s.max_length, "maxLength", &STRINGS, "strings")?;
        ir.min_items = count(&s.min_items, "minItems", &["array"], "arrays")?;
        ir.max_items = count(&s.max_items, "maxItems", &["array"], "arrays")?;
        ir.min_properties = count(&s.min_properties, "minProperties", &["object"], "objects")?;
        ir.max_properties = count(&s.max_properties, "maxProperties", &["object"], "objects")?;
        for (lo, hi, a, b, at) in [
            (
                ir.min_length,
                ir.max_length,
                "minLength",
                "maxLength",
                &s.max_length,
            ),
            (
                ir.min_items,
                ir.max_items,
                "minItems",
                "maxItems",
                &s.max_items,
            ),
            (
                ir.min_properties,
                ir.max_properties,
                "minProperties",
                "maxProperties",
                &s.max_properties,
            ),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi)
                && lo > hi
            {
                return Err(e.at(
                    at.as_ref().expect("set").pos(),
                    format!("`{b}: {hi}` is below `{a}: {lo}`"),
                    "fix the bounds",
                ));
            }
        }
        Ok(())
    }

    /// `enum`: on scalars only, not empty, without duplicates.
    fn enum_values(
        &self,
        s: &SchemaNode,
        ir: &mut Ir,
        k: &Kind,
        path: &Path2,
    ) -> Result<(), Error> {
        let e = self.errs;
        if let Some(en) = &s.enum_ {
            if !kind_is(
                k,
                &["string", "integer", "number", "boolean", "int-or-string"],
            ) {
                return Err(self.wrong(
                    path,
                    en.pos(),
                    "enum",
                    k,
                    "strings, integers, numbers and booleans",
                ));
            }
            if en.value.is_empty() {
                return Err(e.at(
                    en.pos(),
                    "`enum` is empty, so no value would be valid",
                    "list the allowed values",
                ));
            }
            for (i, v) in en.value.iter().enumerate() {
                if en.value[..i].contains(v) {
                    return Err(e.at(
                        en.pos(),
                        format!("`enum` lists {v} twice"),
                        "remove the duplicate",
                    ));
                }
            }
            ir.enum_ = Some(en.clone());
        }
        Ok(())
    }

    /// `x-kubernetes-list-type` on arrays, and the keys a list-map needs.
    fn list_type(&self, s: &SchemaNode, ir: &mut Ir, k: &Kind, path: &Path2) -> Result<(), Error> {
        let e = self.errs;
        if let Some(lt) = &s.x_kubernetes_list_type {
            if !kind_is(k, &["array"]) {
                return Err(self.wrong(path, lt.pos(), "x-kubernetes-list-type", k, "arrays"));
            }
            ir.list_type = Some(lt.clone());
        }
        if let Some(keys) = &s.x_kubernetes_list_map_keys {
            if ir.list_type.as_ref().map(|l| l.value) != Some(ListType::Map) {
                return Err(e.at(
                    keys.pos(),
                    "`x-kubernetes-list-map-keys` without `x-kubernetes-list-type: map`",
                    "add `x-kubernetes-list-type: map`",
                ));
            }
            if keys.value.is_empty() {
                return Err(e.at(
                    keys.pos(),
                    "`x-kubernetes-list-map-keys` is empty",
                    "list the properties that identify an item, e.g. `[name]`",
                ));
            }
            ir.list_map_keys = Some(At::new(
                keys.value.iter().map(|k| k.value.clone()).collect(),
                keys.line,
                keys.column,
            ));
        }
        if let Some(lt) = &ir.list_type
            && lt.value == ListType::Map
            && ir.list_map_keys.is_none()
        {
            return Err(e.at(lt.pos(), "`x-kubernetes-list-type: map` needs `x-kubernetes-list-map-keys`", "add `x-kubernetes-list-map-keys: [name]` with the properties that identify an item"));
        }
        Ok(())
    }

    /// `x-kubernetes-map-type`: on objects, maps and well-known object types.
    fn map_type(&self, s: &SchemaNode, ir: &mut Ir, k: &Kind, path: &Path2) -> Result<(), Error> {
        if let Some(mt) = &s.x_kubernetes_map_type {
            let object_like = match k {
                Kind::Object { .. } => true,
                Kind::WellKnown(w) => well_known_type(w) == Some("object"),
                _ => false,
            };
            if !object_like {
                return Err(self.wrong(
                    path,
                    mt.pos(),
                    "x-kubernetes-map-type",
                    k,
                    "objects and maps",
                ));
            }
            ir.map_type = Some(mt.value);
        }
        Ok(())
    }

    /// `x-kubernetes-preserve-unknown-fields` on objects, and `x-kubernetes-embedded-resource`
    /// on objects with properties (or that keep unknown fields), with a `metadata` it allows.
    fn embedding(
        &self,
        s: &SchemaNode,
        ir: &Ir,
        k: &Kind,
        path: &Path2,
        preserve: Option<bool>,
    ) -> Result<(), Error> {
        if let Some(p) = &s.x_kubernetes_preserve_unknown_fields
            && !matches!(k, Kind::Object { .. })
        {
            return Err(self.wrong(
                path,
                p.pos(),
                "x-kubernetes-preserve-unknown-fields",
                k,
                "objects",
            ));
        }
        if let Some(er) = &s.x_kubernetes_embedded_resource {
            if !matches!(k, Kind::Object { .. }) || ir.is_map() {
                return Err(self.wrong(
                    path,
                    er.pos(),
                    "x-kubernetes-embedded-resource",
                    k,
                    "objects with properties",
                ));
            }
            if er.value {
                let props = ir.props().unwrap_or(&[]);
                if props.is_empty() && preserve != Some(true) {
                    return Err(self.errs.at(er.pos(), "an embedded resource needs `properties` or `x-kubernetes-preserve-unknown-fields: true`", "add `x-kubernetes-preserve-unknown-fields: true` to keep the object as it is"));
                }
                if let Some(meta) = props.iter().find(|p| p.name == "metadata") {
                    self.check_embedded_metadata(meta)?;
                }
            }
        }
        Ok(())
    }

    /// Refuses `properties` and `items` beside a well-known type, which brings its own schema.
    fn refuse_beside_well_known(&self, s: &SchemaNode, k: &Kind, pos: Pos) -> Result<(), Error> {
        if matches!(k, Kind::WellKnown(_)) {
            for (key, set) in [
                ("properties", s.properties.is_some()),
                ("items", s.items.is_some()),
            ] {
                if set {
                    return Err(self.errs.at(
                        pos,
                        format!("`{key}` beside a well-known type"),
                        "the well-known type brings its own schema; remove the keyword",
                    ));
                }
            }
        }
        Ok(())
    }

    /// `externalDocs`, checked.
    fn external_docs(&self, s: &SchemaNode, ir: &mut Ir) -> Result<(), Error> {
        if let Some(d) = &s.external_docs {
            if let Err(what) = external_docs(&d.value) {
                return Err(self.errs.at(
                    d.pos(),
                    format!("`externalDocs` {what}"),
                    "write `externalDocs: {url: https://.., description: ..}`",
                ));
            }
            ir.external_docs = Some(d.value.clone());
        }
        Ok(())
    }

    /// `anyOf`, `oneOf`, `allOf` and `not`, checked against the node and kept in the form kube
    /// writes them; `int_string_any_of` drops the `anyOf` that int-or-string implies.
    fn junctors(&self, s: &SchemaNode, ir: &mut Ir, int_string_any_of: bool) -> Result<(), Error> {
        let e = self.errs;
        for (key, field) in [
            ("anyOf", &s.any_of),
            ("oneOf", &s.one_of),
            ("allOf", &s.all_of),
            ("not", &s.not),
        ] {
            let Some(at) = field else { continue };
            if key == "anyOf" && int_string_any_of {
                continue;
            }
            if matches!(ir.kind, Kind::WellKnown(_)) {
                return Err(e.at(
                    at.pos(),
                    format!("`{key}` beside a well-known type"),
                    "the well-known type brings its own schema; express the constraint as a CEL rule in `x-kubernetes-validations`",
                ));
            }
            let mut v = at.value.clone();
            junctors::shelter(key, &mut v);
            let checked = if key == "not" {
                junctors::check(&v, key, ir, None)
            } else {
                junctors::check_list(&v, key, ir)
            };
            if let Err((message, hint)) = checked {
                return Err(e.at(at.pos(), message, hint));
            }
            junctors::sort_required(&mut v);
            ir.junctors.push((key, v));
        }
        Ok(())
    }

    /// The `metadata` of an embedded resource constrains `name` and `generateName` only.
    fn check_embedded_metadata(&self, meta: &Prop) -> Result<(), Error> {
        let ok_kind = matches!(
            &meta.schema.kind,
            Kind::Object {
                additional: None,
                ..
            }
        );
        let extra = meta
            .schema
            .props()
            .unwrap_or(&[])
            .iter()
            .find(|p| p.name != "name" && p.name != "generateName");
        if !ok_kind
            || meta.schema.preserve_unknown_fields.is_some()
            || !meta.schema.validations.is_empty()
        {
            return Err(self.errs.at(
                meta.pos,
                "the `metadata` of an embedded resource may only constrain `name` and `generateName`",
                "write `metadata: {type: object}`, optionally with `properties` `name` and `generateName`",
            ));
        }
        if let Some(p) = extra {
            return Err(self.errs.at(
                p.pos,
                format!("the `metadata` of an embedded resource may only constrain `name` and `generateName`, not `{}`", p.name),
                "remove this property; Kubernetes validates the rest of the metadata itself",
            ));
        }
        Ok(())
    }

    /// A CEL rule of `node`, with its parts checked.
    fn cel(&self, r: &At<CelRule>, node: &Ir) -> Result<Cel, Error> {
        let e = self.errs;
        let c = &r.value;
        checks::cel(e, &c.rule, "rule")?;
        if let Some(m) = &c.message_expression {
            checks::cel(e, m, "messageExpression")?;
        }
        if let Some(m) = &c.message
            && m.value.trim().is_empty()
        {
            return Err(e.at(
                m.pos(),
                "the message of a CEL rule is empty",
                "write a message, or remove `message`",
            ));
        }
        if let (Some(m), Some(_)) = (&c.message_expression, &c.message) {
            return Err(e.at(
                m.pos(),
                "a CEL rule with both `message` and `messageExpression`",
                "keep one: kube-derive's `Rule` carries a message or a message expression, not both",
            ));
        }
        if let Some(o) = &c.optional_old_self
            && o.value
            && !c.rule.value.contains("oldSelf")
        {
            return Err(e.at(
                o.pos(),
                "`optionalOldSelf: true` on a rule that does not use `oldSelf`",
                "remove `optionalOldSelf`, or write a transition rule that uses `oldSelf`",
            ));
        }
        if let Some(fp) = &c.field_path {
            checks::field_path(e, fp, node)?;
        }
        Ok(Cel {
            rule: c.rule.clone(),
            message: c.message.as_ref().map(|m| m.value.clone()),
            message_expression: c.message_expression.clone(),
            reason: c.reason.as_ref().map(|r| r.value),
            field_path: c.field_path.clone(),
            optional_old_self: c.optional_old_self.as_ref().map(|b| b.value),
        })
    }
}
/// What a kind is, without its children: all that the checks of a node's own keywords look at
/// (cloning the kind itself would copy the whole subtree below the node).
fn shape(k: &Kind) -> Kind {
    match k {
        Kind::Object { .. } => Kind::Object {
            props: Vec::new(),
            additional: None,
        },
        Kind::Array(items) => Kind::Array(Box::new(Ir::new(items.pos, Kind::String))),
        Kind::String => Kind::String,
        Kind::Integer => Kind::Integer,
        Kind::Number => Kind::Number,
        Kind::Boolean => Kind::Boolean,
        Kind::IntOrString => Kind::IntOrString,
        Kind::WellKnown(w) => Kind::WellKnown(w),
    }
}

/// The word the checks use for a kind; well-known types by the JSON type they stand for.
fn kind_word(k: &Kind) -> &'static str {
    match k {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Number => "number",
        Kind::Boolean => "boolean",
        Kind::Object { .. } => "object",
        Kind::Array(_) => "array",
        Kind::IntOrString => "int-or-string",
        Kind::WellKnown(w) => match w.name {
            "IntOrString" | "Quantity" => "int-or-string",
            _ => match well_known_type(w) {
                Some("string") => "string",
                _ => "well-known",
            },
        },
    }
}

/// A kind as messages name it (`the string`, `the Quantity`).
fn kind_article(k: &Kind) -> String {
    match k {
        Kind::WellKnown(w) => format!("the {}", w.name),
        _ => format!("the {}", kind_word(k)),
    }
}

/// A node's kind with its indefinite article (`a map`, `an integer`).
fn article(ir: &Ir) -> String {
    match &ir.kind {
        Kind::Object {
            additional: Some(_),
            ..
        } => "a map".into(),
        Kind::Object { .. } => "an object that keeps unknown fields".into(),
        Kind::Array(_) => "an array".into(),
        Kind::Integer | Kind::IntOrString => format!("an {}", ir.kind_name()),
        _ => format!("a {}", ir.kind_name()),
    }
}

/// Whether a kind is one of `what`, by the word the checks use for it.
fn kind_is(k: &Kind, what: &[&str]) -> bool {
    what.contains(&kind_word(k))
}

/// `required: true|false` written on a property itself, with its place.
fn own_required(node: &Node) -> Option<(bool, Pos)> {
    match node {
        Node::Full(cs) => match &cs.required {
            Some(At {
                value: Required::Flag(b),
                line,
                column,
            }) => Some((
                *b,
                Pos {
                    line: *line,
                    column: *column,
                },
            )),
            _ => None,
        },
        Node::Short(_) => None,
    }
}
