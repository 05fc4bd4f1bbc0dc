//! A parsed and validated description: what its top-level keys say, its checked `spec` and
//! `status` schemas, and where each part was written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::errors::errs;
use super::format::{At, Pos, Scope};
use super::ir::Ir;
use super::sample::Known;
use crate::error::Error;
use crate::model::names as model_names;

/// A printer column with the places of its parts.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub type_: String,
    pub json_path: At<String>,
    pub description: Option<String>,
    pub format: Option<String>,
    pub priority: Option<i32>,
}

/// A parsed and validated description (the YAML file given to `create api --from`).
#[derive(Debug, Clone)]
pub struct Description {
    pub(crate) file: PathBuf,
    pub(crate) group: Option<At<String>>,
    pub(crate) version: Option<At<String>>,
    pub(crate) kind: Option<At<String>>,
    pub(crate) plural: Option<At<String>>,
    pub(crate) singular: Option<At<String>>,
    pub(crate) scope: Option<At<Scope>>,
    pub(crate) short_names: Vec<String>,
    pub(crate) categories: Vec<String>,
    pub(crate) doc: Option<String>,
    pub(crate) columns: Vec<Column>,
    pub(crate) scale: Option<(String, String, Option<String>)>,
    pub(crate) selectable: Vec<String>,
    pub(crate) served: Option<At<bool>>,
    pub(crate) storage: Option<At<bool>>,
    pub(crate) deprecated: Option<Option<String>>,
    pub(crate) spec: Ir,
    /// The fields of `spec` sit at the root of the object.
    pub(crate) no_spec: bool,
    pub(crate) status: Option<Ir>,
    /// Where each schema node was written (`["spec", "jobTemplate", "[]"]`).
    pub(crate) places: BTreeMap<Vec<String>, Pos>,
    /// Where well-known types are used.
    pub(crate) known: Known,
    /// Values the caller resolved from flags and the project.
    pub(crate) resolved: Option<Resolved>,
    /// The CRD manifest this was read from (one of its versions), as parsed values; shared by
    /// the descriptions of its versions.
    pub(crate) crd: Option<Arc<Value>>,
}

/// The names and scope the generated types are made with.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub kind: String,
    pub version: String,
    pub plural: String,
    pub namespaced: bool,
}

impl Description {
    /// The file the description was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }
    /// `group` as written (short or full), if the description gives it.
    pub fn group(&self) -> Option<&str> {
        self.group.as_ref().map(|g| g.value.as_str())
    }
    /// `version` as written.
    pub fn version(&self) -> Option<&str> {
        self.version.as_ref().map(|g| g.value.as_str())
    }
    /// `kind` as written.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_ref().map(|g| g.value.as_str())
    }
    /// `plural` as written.
    pub fn plural(&self) -> Option<&str> {
        self.plural.as_ref().map(|g| g.value.as_str())
    }
    /// `singular` as written.
    pub fn singular(&self) -> Option<&str> {
        self.singular.as_ref().map(|g| g.value.as_str())
    }
    /// `Some(true)` for `scope: Namespaced`, `Some(false)` for `Cluster`.
    pub fn namespaced(&self) -> Option<bool> {
        self.scope.as_ref().map(|s| s.value == Scope::Namespaced)
    }
    /// `storage` as written.
    pub fn storage(&self) -> Option<bool> {
        self.storage.as_ref().map(|s| s.value)
    }
    /// `served` as written.
    pub fn served(&self) -> Option<bool> {
        self.served.as_ref().map(|s| s.value)
    }
    /// The CRD manifest this was read from, as parsed values.
    pub fn crd(&self) -> Option<&Arc<Value>> {
        self.crd.as_ref()
    }
    /// Whether the kind has a status (and so the status subresource).
    pub fn has_status(&self) -> bool {
        self.status.is_some()
    }
    /// The line and column of a top-level key (`group`, `version`, `kind`, `plural`,
    /// `singular`, `scope`, `storage`, `served`), for errors about it.
    pub fn location(&self, key: &str) -> Option<(usize, usize)> {
        let at = |line: usize, column: usize| Some((line, column));
        match key {
            "group" => self.group.as_ref().and_then(|a| at(a.line, a.column)),
            "version" => self.version.as_ref().and_then(|a| at(a.line, a.column)),
            "kind" => self.kind.as_ref().and_then(|a| at(a.line, a.column)),
            "plural" => self.plural.as_ref().and_then(|a| at(a.line, a.column)),
            "singular" => self.singular.as_ref().and_then(|a| at(a.line, a.column)),
            "scope" => self.scope.as_ref().and_then(|a| at(a.line, a.column)),
            "storage" => self.storage.as_ref().and_then(|a| at(a.line, a.column)),
            "served" => self.served.as_ref().and_then(|a| at(a.line, a.column)),
            _ => None,
        }
    }

    /// An error at a top-level key of the description (e.g. when it disagrees with a flag).
    pub fn error_at(
        &self,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Error {
        let (line, column) = self.location(key).unwrap_or((1, 1));
        errs(&self.file).at(Pos { line, column }, message, hint)
    }

    /// Sets the names the caller settled (from flags, the description and the project); the
    /// caller has checked that they agree with what the description says.
    pub fn resolve(&mut self, kind: &str, version: &str, plural: &str, namespaced: bool) {
        self.resolved = Some(Resolved {
            kind: kind.to_string(),
            version: version.to_string(),
            plural: plural.to_string(),
            namespaced,
        });
    }

    /// The names and scope to generate with: those the caller resolved, else the description's own.
    pub(crate) fn identity(&self) -> Result<Resolved, Error> {
        if let Some(r) = &self.resolved {
            return Ok(r.clone());
        }
        let missing = |what: &str| {
            errs(&self.file).at(
                Pos { line: 1, column: 1 },
                format!("the description gives no `{what}`"),
                format!("add `{what}:` to the description, or pass --{what}"),
            )
        };
        let kind = self.kind().ok_or_else(|| missing("kind"))?.to_string();
        let version = self
            .version()
            .ok_or_else(|| missing("version"))?
            .to_string();
        let plural = self
            .plural()
            .map(str::to_string)
            .unwrap_or_else(|| model_names::default_plural(&kind));
        Ok(Resolved {
            kind,
            version,
            plural,
            namespaced: self.namespaced().unwrap_or(true),
        })
    }
}
