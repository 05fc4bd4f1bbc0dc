//! The status that a scaffolded controller reports: `conditions` (a list of metav1.Condition,
//! a list-map on `type`, always present) and `observedGeneration`. A description whose status
//! lacks them gets them, and each addition is said in a warning; a list whose items have the
//! shape of metav1.Condition is taken for one. A status that has either field in a shape of
//! its own (or is a map) is kept as it is, and the controller is scaffolded without reporting.

use std::path::Path;

use super::format::Pos;
use super::ir::{Ir, Kind, Prop};
use super::parsed::Description;
use super::read::parse;
use crate::error::Error;

/// The two fields as a description writes them.
const REPORTED: &str = "\
kind: Reported
spec: {type: object}
status:
  properties:
    observedGeneration:
      type: integer
      format: int64
      description: The `.metadata.generation` that the controller last reconciled.
    conditions:
      type: array
      items: Condition
      default: []
      x-kubernetes-list-type: map
      x-kubernetes-list-map-keys: [type]
      description: 'The latest observations of the object''s state: `Ready`, `Progressing` and `Degraded`, one of each type.'
";

/// The properties of a metav1.Condition, as a CRD written by hand or by controller-gen lists
/// them.
const CONDITION_FIELDS: [&str; 6] = [
    "lastTransitionTime",
    "message",
    "observedGeneration",
    "reason",
    "status",
    "type",
];

/// What the scaffolded controller may report in the status of a description.
#[derive(Debug)]
pub struct Reported {
    /// The controller reports `conditions` and `observedGeneration`; false when the status has
    /// its own fields of those names.
    pub conditions: bool,
    /// One warning for each change to the CRD, or for the choice of controller.
    pub warnings: Vec<String>,
}

impl Description {
    /// Gives the status the fields the scaffolded controller reports, where they are missing,
    /// with a warning for each change to the CRD; or, when the status has a `conditions` or
    /// `observedGeneration` of another shape (or is a map), leaves it as it is and says that
    /// the controller will not report in it.
    pub fn add_reported_status(&mut self) -> Result<Reported, Error> {
        let template = parse(Path::new("<kubeforge>"), REPORTED)?;
        let wanted = match template.status.map(|s| s.kind) {
            Some(Kind::Object { props, .. }) => props,
            _ => unreachable!("the template has a status with properties"),
        };
        if let Some((pos, reason)) = self.status.as_ref().and_then(own_shape) {
            let file = self.file.display();
            return Ok(Reported {
                conditions: false,
                warnings: vec![format!(
                    "{file}:{}:{}: {reason}, not what the scaffolded controller reports: the status is kept as given, and the controller reports nothing in it (fill in its `report`)",
                    pos.line, pos.column
                )],
            });
        }
        let mut warnings = Vec::new();
        let status = match &mut self.status {
            Some(status) => status,
            None => {
                warnings.push(
                    "the description has no status: kubeforge adds one with `conditions` and `observedGeneration` (and the status subresource), which the scaffolded controller reports; pass --controller=false to keep the CRD as described".to_string(),
                );
                self.status = Some(Ir::object(Default::default()));
                self.status.as_mut().expect("just set")
            }
        };
        let Kind::Object {
            props,
            additional: None,
        } = &mut status.kind
        else {
            unreachable!("own_shape takes statuses that are not objects with properties");
        };
        let added_status = !warnings.is_empty();
        for field in wanted {
            match props.iter_mut().find(|p| p.name == field.name) {
                None => {
                    if !added_status {
                        warnings.push(format!(
                            "the status has no `{}`: kubeforge adds it ({}), as the scaffolded controller reports it; pass --controller=false to keep the CRD as described",
                            field.name,
                            if field.name == "conditions" {
                                "a list of metav1.Condition, a list-map on `type`"
                            } else {
                                "an int64"
                            }
                        ));
                    }
                    props.push(field);
                }
                Some(found) => warnings.extend(adopt(found, field)),
            }
        }
        Ok(Reported {
            conditions: true,
            warnings,
        })
    }
}

/// Why the scaffolded controller cannot report in `status`: it is a map, or it has a
/// `conditions` or `observedGeneration` of another shape (with the line of the field).
fn own_shape(status: &Ir) -> Option<(Pos, String)> {
    let Kind::Object {
        props,
        additional: None,
    } = &status.kind
    else {
        return Some((status.pos, "the status is a map".into()));
    };
    for p in props {
        let fits = match p.name.as_str() {
            "observedGeneration" => matches!(p.schema.kind, Kind::Integer),
            "conditions" => match &p.schema.kind {
                Kind::Array(items) => match &items.kind {
                    Kind::WellKnown(w) => w.name == "Condition",
                    Kind::Object {
                        props,
                        additional: None,
                    } => has_condition_shape(props),
                    _ => false,
                },
                _ => false,
            },
            _ => true,
        };
        if !fits {
            return Some((p.pos, format!("`status.{}` has a shape of its own", p.name)));
        }
    }
    None
}

/// Makes an existing `conditions` or `observedGeneration` (of the right shape) fit the
/// controller; a warning when that changes the CRD.
fn adopt(found: &mut Prop, wanted: Prop) -> Option<String> {
    let name = wanted.name.clone();
    if name == "observedGeneration" {
        if !found.required {
            return None;
        }
        found.required = false;
        return Some(format!(
            "`status.{name}` is required in the description; kubeforge makes it optional, as the controller sets it only once it has reconciled"
        ));
    }
    let Kind::Array(items) = &mut found.schema.kind else {
        unreachable!("own_shape takes conditions that are not lists");
    };
    let Kind::Array(condition) = wanted.schema.kind.clone() else {
        unreachable!("the template's conditions are a list");
    };
    let mut warning = None;
    match &items.kind {
        Kind::WellKnown(w) if w.name == "Condition" => {}
        Kind::Object {
            props,
            additional: None,
        } if has_condition_shape(props) => {
            **items = *condition;
            warning = Some(format!(
                "the items of `status.{name}` have the shape of metav1.Condition: kubeforge uses k8s-openapi's Condition for them, whose schema has other descriptions and fewer validations than the input's"
            ));
        }
        _ => unreachable!("own_shape takes conditions of another shape"),
    }
    if !found.required && found.schema.default.is_none() {
        found.schema.default = wanted.schema.default;
        let also = warning.map(|w| format!("{w}; and")).unwrap_or_default();
        warning = Some(format!(
            "{also} `status.{name}` gets `default: []`, so that the controller always finds the list"
        ));
    }
    warning
}

/// Whether `props` are exactly the fields of a metav1.Condition.
fn has_condition_shape(props: &[Prop]) -> bool {
    let mut names: Vec<&str> = props.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names == CONDITION_FIELDS
}
