//! The plan: every file a command writes, computed in memory against the project on disk.
//! Later steps of a command see the files planned by earlier ones. Nothing touches the disk
//! until `writer::commit`.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::inject::{self, Injected};
use crate::error::{Error, Result};

/// How a planned file came to be; shown in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    /// Re-rendered by `--force`; the previous content, when different, is kept in `orig`.
    Overwrite {
        orig: Option<String>,
    },
    /// Regenerated from the project's source (owned files).
    Regenerate,
    /// Code added above markers.
    Inject(Vec<String>),
    /// A targeted edit, described for the user.
    Edit(String),
    /// Deleted: the command leaves no such file.
    Delete,
    /// Merged three ways (`alpha update`); with conflicts, the file holds conflict markers and is
    /// written unchecked, for the user to resolve.
    Merge {
        conflicts: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Planned {
    /// Content on disk before the command, if the file exists.
    pub before: Option<String>,
    pub after: String,
    pub action: Action,
    /// `after` passed `writer::check`; reset whenever `after` changes.
    pub(super) checked: Cell<bool>,
}

impl Planned {
    /// Whether the file is deleted by the plan.
    pub fn deleted(&self) -> bool {
        self.action == Action::Delete
    }

    /// Whether the plan changes the file on disk.
    pub fn changes_disk(&self) -> bool {
        if self.deleted() {
            return self.before.is_some();
        }
        self.before.as_deref() != Some(self.after.as_str())
    }
}

/// The project directory and the changes planned for it.
pub struct Plan {
    root: PathBuf,
    /// The project's files when the plan works on a tree held in memory rather than on disk
    /// (see [`Plan::in_memory`]).
    memory: Option<BTreeMap<String, String>>,
    files: BTreeMap<String, Planned>,
    /// Paths in the order they were first planned.
    order: Vec<String>,
    /// Messages for the user (skipped files, warnings).
    pub notes: Vec<String>,
}

/// What to do when a scaffolded file exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Keep it (a file other commands inject into: re-rendering would drop their code).
    Keep,
    /// Keep it, unless `--force` is given: then re-render and keep the old one as `.orig`.
    KeepUnlessForced,
}

impl Plan {
    pub fn new(root: impl Into<PathBuf>) -> Plan {
        Plan {
            root: root.into(),
            memory: None,
            files: BTreeMap::new(),
            order: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A plan on the tree `files` (path, content) held in memory, standing for the project's
    /// files on disk. Template overrides are still read from `root`.
    pub fn in_memory(root: impl Into<PathBuf>, files: BTreeMap<String, String>) -> Plan {
        Plan {
            memory: Some(files),
            ..Plan::new(root)
        }
    }

    /// The tree of an in-memory plan with its changes made (see [`Plan::in_memory`]); for a plan
    /// on disk, the planned files alone.
    pub fn into_tree(self) -> BTreeMap<String, String> {
        let mut tree = self.memory.unwrap_or_default();
        for (path, planned) in self.files {
            if planned.deleted() {
                tree.remove(&path);
            } else {
                tree.insert(path, planned.after);
            }
        }
        tree
    }

    /// Whether the plan works on a tree held in memory (see [`Plan::in_memory`]).
    pub fn is_in_memory(&self) -> bool {
        self.memory.is_some()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file as it is on disk.
    pub fn read_disk(&self, path: &str) -> Result<Option<String>> {
        if let Some(memory) = &self.memory {
            return Ok(memory.get(path).cloned());
        }
        let full = self.root.join(path);
        if full.is_dir() {
            return Err(Error::usage(
                format!(
                    "{} is a directory, where kubeforge keeps a file",
                    full.display()
                ),
                "move the directory out of the way",
            ));
        }
        match std::fs::read(&full) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| Error::InvalidFile {
                    file: full.clone(),
                    line: None,
                    column: None,
                    message: "not UTF-8 text".into(),
                    hint: Some("save the file as UTF-8".into()),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Other(
                anyhow::Error::new(e).context(format!("cannot read {}", full.display())),
            )),
        }
    }

    /// The file as the command will leave it: planned content, or else what is on disk.
    pub fn read(&self, path: &str) -> Result<Option<String>> {
        match self.files.get(path) {
            Some(p) if p.deleted() => Ok(None),
            Some(p) => Ok(Some(p.after.clone())),
            None => self.read_disk(path),
        }
    }

    pub fn exists(&self, path: &str) -> Result<bool> {
        match self.files.get(path) {
            Some(p) => Ok(!p.deleted()),
            None if self.memory.is_some() => Ok(self.read_disk(path)?.is_some()),
            None => Ok(self.root.join(path).exists()),
        }
    }

    /// Every file under `dir` (relative, '/'-separated) whose name ends with `suffix`, on disk or
    /// planned, sorted.
    pub fn list(&self, dir: &str, suffix: &str) -> Result<Vec<String>> {
        let mut found = self.list_disk(dir, suffix)?;
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        found.extend(
            self.files
                .keys()
                .filter(|p| p.starts_with(&prefix) && p.ends_with(suffix))
                .cloned(),
        );
        found.sort();
        found.dedup();
        found.retain(|p| self.files.get(p).is_none_or(|planned| !planned.deleted()));
        Ok(found)
    }

    /// Every file under `dir` whose name ends with `suffix` as it is on disk, before this plan,
    /// sorted.
    pub fn list_disk(&self, dir: &str, suffix: &str) -> Result<Vec<String>> {
        let mut found: Vec<String> = Vec::new();
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        match &self.memory {
            Some(memory) => found.extend(
                memory
                    .keys()
                    .filter(|p| p.starts_with(&prefix) && p.ends_with(suffix))
                    .cloned(),
            ),
            None => walk(&self.root, &self.root.join(dir), suffix, &mut found)?,
        }
        found.sort();
        Ok(found)
    }

    /// A file scaffolded once.
    pub fn scaffold(
        &mut self,
        path: &str,
        content: String,
        if_exists: IfExists,
        force: bool,
    ) -> Result<()> {
        match self.read(path)? {
            None => self.set(path, content, Action::Create),
            Some(existing) => {
                if if_exists == IfExists::KeepUnlessForced && force {
                    let orig = (existing != content).then_some(existing);
                    self.set(path, content, Action::Overwrite { orig })
                } else {
                    // Files other commands inject into are kept silently: that is their purpose.
                    if if_exists == IfExists::KeepUnlessForced && !self.files.contains_key(path) {
                        self.notes
                            .push(format!("keep      {path} (exists; --force re-renders it)"));
                    }
                    Ok(())
                }
            }
        }
    }

    /// A file regenerated from the project every time (CRDs, RBAC, PROJECT).
    pub fn regenerate(&mut self, path: &str, content: String) -> Result<()> {
        self.set(path, content, Action::Regenerate)
    }

    /// [`Plan::regenerate`], unless the file already holds `content`: an unchanged file is neither
    /// rewritten nor checked again.
    pub fn regenerate_if_changed(&mut self, path: &str, content: String) -> Result<()> {
        if self.read(path)?.as_deref() == Some(content.as_str()) {
            return Ok(());
        }
        self.regenerate(path, content)
    }

    /// A targeted edit of an existing file, computed by the caller.
    pub fn rewrite(&mut self, path: &str, content: String, what: &str) -> Result<()> {
        self.set(path, content, Action::Edit(what.into()))
    }

    /// Adds `fragment` above the marker `name` of `path`.
    pub fn inject(&mut self, path: &str, name: &str, fragment: &str) -> Result<()> {
        let marker = inject::marker(path, name);
        let Some(text) = self.read(path)? else {
            return Err(Error::MarkerMissing {
                file: path.into(),
                marker,
                fragment: fragment.to_string(),
            });
        };
        match inject::inject(&text, &marker, fragment) {
            Injected::AlreadyPresent => Ok(()),
            Injected::MarkerMissing => Err(Error::MarkerMissing {
                file: path.into(),
                marker,
                fragment: fragment.to_string(),
            }),
            Injected::Inserted(after) => {
                let action = match self.files.get(path).map(|p| p.action.clone()) {
                    Some(Action::Inject(mut markers)) => {
                        if !markers.contains(&name.to_string()) {
                            markers.push(name.to_string());
                        }
                        Action::Inject(markers)
                    }
                    Some(other) => other,
                    None => Action::Inject(vec![name.to_string()]),
                };
                self.set(path, after, action)
            }
        }
    }

    /// Removes the block of `fragment` that was injected at the marker `name` of `path` (see
    /// [`inject::remove`]); whether it was there.
    pub fn remove_injected(&mut self, path: &str, name: &str, fragment: &str) -> Result<bool> {
        let Some(text) = self.read(path)? else {
            return Ok(false);
        };
        let Some(after) = inject::remove(&text, fragment) else {
            return Ok(false);
        };
        let what = match self.files.get(path).map(|p| &p.action) {
            Some(Action::Edit(what)) if what.starts_with("removed at ") => {
                if what
                    .split(", ")
                    .any(|m| m.trim_start_matches("removed at ") == name)
                {
                    what.clone()
                } else {
                    format!("{what}, {name}")
                }
            }
            _ => format!("removed at {name}"),
        };
        self.set(path, after, Action::Edit(what))?;
        Ok(true)
    }

    /// The file merged three ways by `alpha update`, with conflict markers when `conflicts`.
    pub fn merge(&mut self, path: &str, content: String, conflicts: bool) -> Result<()> {
        self.set(path, content, Action::Merge { conflicts })
    }

    /// Deletes a file of the project; a file that neither exists nor is planned is left alone.
    pub fn delete(&mut self, path: &str) -> Result<()> {
        if !self.exists(path)? {
            return Ok(());
        }
        self.set(path, String::new(), Action::Delete)
    }

    fn set(&mut self, path: &str, after: String, action: Action) -> Result<()> {
        debug_assert!(!path.starts_with('/') && !path.contains('\\'));
        match self.files.get_mut(path) {
            Some(p) => {
                p.after = after;
                p.checked.set(false);
                // A file created in this run stays "created" whatever is added to it later; a
                // deleted file written again is written.
                if action == Action::Delete
                    || p.deleted()
                    || !matches!(p.action, Action::Create | Action::Overwrite { .. })
                {
                    p.action = action;
                }
            }
            None => {
                let before = self.read_disk(path)?;
                self.order.push(path.to_string());
                self.files.insert(
                    path.to_string(),
                    Planned {
                        before,
                        after,
                        action,
                        checked: Cell::new(false),
                    },
                );
            }
        }
        Ok(())
    }

    /// The planned files in planning order, with the project file last.
    pub fn changes(&self) -> Vec<(&str, &Planned)> {
        let mut out: Vec<(&str, &Planned)> = self
            .order
            .iter()
            .map(|p| (p.as_str(), &self.files[p]))
            .collect();
        out.sort_by_key(|(p, _)| *p == crate::model::project::PROJECT_FILE);
        out
    }
}

fn walk(root: &Path, dir: &Path, suffix: &str, out: &mut Vec<String>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::Other(
                anyhow::Error::new(e).context(format!("cannot list {}", dir.display())),
            ));
        }
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let path = entry.path();
        let ty = entry
            .file_type()
            .with_context(|| format!("cannot stat {}", path.display()))?;
        if ty.is_dir() {
            walk(root, &path, suffix, out)?;
        } else if path.to_string_lossy().ends_with(suffix) {
            let rel = path.strip_prefix(root).expect("walk stays under root");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planned_deletion_is_gone_for_later_steps() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("src/api")).unwrap();
        std::fs::write(root.path().join("src/api/a.rs"), "a\n").unwrap();
        std::fs::write(root.path().join("src/api/b.rs"), "b\n").unwrap();
        let mut plan = Plan::new(root.path());
        plan.delete("src/api/a.rs").unwrap();
        assert_eq!(plan.read("src/api/a.rs").unwrap(), None);
        assert!(!plan.exists("src/api/a.rs").unwrap());
        assert_eq!(plan.list("src/api", ".rs").unwrap(), ["src/api/b.rs"]);
        let (_, planned) = plan.changes()[0];
        assert!(planned.deleted() && planned.changes_disk());

        // Written again by a later step, it is written.
        plan.regenerate("src/api/a.rs", "new a\n".into()).unwrap();
        assert_eq!(
            plan.read("src/api/a.rs").unwrap().as_deref(),
            Some("new a\n")
        );
        assert_eq!(plan.list("src/api", ".rs").unwrap().len(), 2);

        // A file that is not there is not planned.
        plan.delete("src/api/none.rs").unwrap();
        assert_eq!(plan.changes().len(), 1);
    }
}
