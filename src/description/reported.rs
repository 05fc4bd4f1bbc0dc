//! The status that a scaffolded controller reports: `conditions` (a list of metav1.Condition,
//! a list-map on `type`, always present) and `observedGeneration`. A description whose status
//! lacks them gets them, and each addition is said in a warning; a list whose items have the
//! shape of metav1.Condition is taken for one.

use std::path::Path;

use super::Description;
use super::ir::{Ir, Kind, Prop};
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

impl Description {
    /// Gives the status the fields the scaffolded controller reports, where they are missing;
    /// returns a warning for each change to the CRD. Refuses a `conditions` or
    /// `observedGeneration` of another shape.
    pub fn add_reported_status(&mut self) -> Result<Vec<String>, Error> {
        let template = super::parse(Path::new("<kubeforge>"), REPORTED)?;
        let wanted = match template.status.map(|s| s.kind) {
            Some(Kind::Object { props, .. }) => props,
            _ => unreachable!("the template has a status with properties"),
        };
        let file = self.file.clone();
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
            return Err(self.error_at(
                "kind",
                "the status is a map, but the scaffolded controller reports `conditions` and `observedGeneration` in it",
                "give the status named `properties`, or pass --controller=false",
            ));
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
                Some(found) => {
                    if let Some(warning) = adopt(&file, found, field)? {
                        warnings.push(warning);
                    }
                }
            }
        }
        Ok(warnings)
    }
}

/// Makes an existing `conditions` or `observedGeneration` fit the controller, or refuses it.
fn adopt(file: &Path, found: &mut Prop, wanted: Prop) -> Result<Option<String>, Error> {
    let name = wanted.name.clone();
    if name == "observedGeneration" {
        if !matches!(found.schema.kind, Kind::Integer) {
            return Err(refusal(file, found, "an integer"));
        }
        if !found.required {
            return Ok(None);
        }
        found.required = false;
        return Ok(Some(format!(
            "`status.{name}` is required in the description; kubeforge makes it optional, as the controller sets it only once it has reconciled"
        )));
    }
    let Kind::Array(items) = &mut found.schema.kind else {
        return Err(refusal(file, found, "a list"));
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
        _ => return Err(refusal(file, found, "a list of metav1.Condition")),
    }
    if !found.required && found.schema.default.is_none() {
        found.schema.default = wanted.schema.default;
        let also = warning.map(|w| format!("{w}; and")).unwrap_or_default();
        warning = Some(format!(
            "{also} `status.{name}` gets `default: []`, so that the controller always finds the list"
        ));
    }
    Ok(warning)
}

/// Whether `props` are exactly the fields of a metav1.Condition.
fn has_condition_shape(props: &[Prop]) -> bool {
    let mut names: Vec<&str> = props.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names == CONDITION_FIELDS
}

fn refusal(file: &Path, field: &Prop, shape: &str) -> Error {
    super::errs(file).at(
        field.pos,
        format!(
            "`status.{}` is not {shape}, but the scaffolded controller reports it",
            field.name
        ),
        "rename the field, or pass --controller=false",
    )
}
