//! The lowering of a description's schema nodes into their checked form: every node typed, its
//! properties, items and map values lowered in turn and its other keywords checked (by the
//! `keywords` module), refusals reported at the description's line and column.

use super::errors::{Errs, did_you_mean};
use super::format::{AdditionalProperties, At, Node, Pos, Required, SchemaNode, TYPE_NAMES};
use super::ir::{Ir, Kind, Path2, Prop, well_known};
use super::keywords::{self, kind_is, kind_word, wrong};
use crate::error::Error;

/// Deepest nesting of schemas a description may have.
pub const MAX_DEPTH: usize = 24;

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

    /// Lowers a full schema node, keyword by keyword, in a fixed order of checks.
    fn full(&self, s: &SchemaNode, pos: Pos, path: &Path2, depth: usize) -> Result<Ir, Error> {
        keywords::refuse_forbidden(self.errs, s)?;
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
        keywords::numbers(self.errs, s, &mut ir, &k, path)?;
        keywords::exclusive_bounds(self.errs, s, &mut ir, &k, path)?;
        keywords::bounds_in_order(self.errs, s, &ir)?;
        keywords::counts(self.errs, s, &mut ir, &k, path)?;
        if let Some(u) = &s.unique_items
            && !kind_is(&k, &["array"])
        {
            return Err(wrong(self.errs, path, u.pos(), "uniqueItems", &k, "arrays"));
        }
        keywords::pattern(self.errs, s, &mut ir, &k, path)?;
        keywords::enum_values(self.errs, s, &mut ir, &k, path)?;
        keywords::list_type(self.errs, s, &mut ir, &k, path)?;
        keywords::map_type(self.errs, s, &mut ir, &k, path)?;
        keywords::embedding(self.errs, s, &ir, &k, path, preserve)?;
        keywords::refuse_beside_well_known(self.errs, s, &k, pos)?;
        if let Some(rules) = &s.x_kubernetes_validations {
            for r in &rules.value {
                ir.validations.push(keywords::cel(self.errs, r, &ir)?);
            }
        }
        keywords::external_docs(self.errs, s, &mut ir)?;
        keywords::junctor_keywords(self.errs, s, &mut ir, int_string_any_of)?;
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
                return Err(wrong(
                    self.errs,
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
                return Err(wrong(
                    self.errs,
                    path,
                    p.pos(),
                    "properties",
                    kind,
                    "objects",
                ));
            }
            if let Some(p) = &s.additional_properties {
                return Err(wrong(
                    self.errs,
                    path,
                    p.pos(),
                    "additionalProperties",
                    kind,
                    "objects",
                ));
            }
            if let Some(r) = &s.required
                && let Required::List(_) = r.value
            {
                return Err(wrong(
                    self.errs,
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
            return Err(wrong(self.errs, path, i.pos(), "items", kind, "arrays"));
        }
        Ok(())
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
