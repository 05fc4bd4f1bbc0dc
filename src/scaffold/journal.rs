//! All or nothing on disk. A command's files are first written to temporary files beside their
//! targets and flushed to disk; only then does the journal get its commit mark, and the renames
//! follow. An error before the mark removes every temporary file (nothing changed); a process
//! killed after it leaves the journal behind, and the next command finishes the renames.
//!
//! The journal, `.kubeforge-journal` at the project root, is written before the first temporary
//! file: one JSON line naming the directories the command creates and each temporary file with its
//! target, then a line `commit` once every temporary file is on disk. Temporary files are named
//! `.kubeforge-<file name>` in the target's directory; the generated `.gitignore` covers the
//! prefix.
//!
//! Files the command deletes are listed in the journal too, and deleted after the renames: a
//! command killed before the commit mark deletes nothing, one killed after it has its deletions
//! finished by the next command.
//!
//! Faults can be injected for tests through `KUBEFORGE_FAULT`: `fail-write:N` makes the N-th
//! temporary file (from 1) fail to write, `abort-before-commit` kills the process once every
//! temporary file is written, and `abort-after-rename:N` kills it after N renames.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The journal's file name, at the project root.
pub const JOURNAL: &str = ".kubeforge-journal";
/// The prefix of every file the writer keeps only while it writes.
pub const TEMP_PREFIX: &str = ".kubeforge-";
/// The line that marks a journal as committed.
const COMMIT: &str = "commit";

/// What a command is about to do, as recorded in the journal.
#[derive(Serialize, Deserialize)]
struct Record {
    /// Directories created by the command, parents first (relative to the root).
    dirs: Vec<String>,
    /// Each temporary file and the file it becomes (relative to the root).
    files: Vec<(String, String)>,
    /// Files deleted once every file is renamed (relative to the root).
    #[serde(default)]
    deletions: Vec<String>,
}

/// Writes `files` (relative path, content) under `root` in the order given and deletes
/// `deletions`, all or nothing.
pub fn commit(root: &Path, files: &[(String, &str)], deletions: &[String]) -> Result<()> {
    let fault = Fault::from_env();
    let record = Record {
        dirs: missing_dirs(root, files.iter().map(|(path, _)| path.as_str())),
        files: files
            .iter()
            .map(|(path, _)| (temp_path(path), path.clone()))
            .collect(),
        deletions: deletions.to_vec(),
    };
    let journal = root.join(JOURNAL);
    let mut line = serde_json::to_string(&record).map_err(|e| Error::Other(e.into()))?;
    line.push('\n');
    write_synced(&journal, line.as_bytes(), None)?;
    if let Err(e) = prepare(root, &record, files, fault) {
        roll_back(root, &record);
        let _ = fs::remove_file(&journal);
        return Err(e);
    }
    if fault == Fault::AbortBeforeCommit {
        std::process::abort();
    }
    append_commit(&journal)?;
    for (n, (temp, target)) in record.files.iter().enumerate() {
        if fault == Fault::AbortAfterRename(n) {
            std::process::abort();
        }
        rename(root, temp, target)?;
    }
    if fault == Fault::AbortAfterRename(record.files.len()) {
        std::process::abort();
    }
    delete(root, &record.deletions)?;
    sync_dirs(root, record.paths());
    fs::remove_file(&journal).with_context(|| format!("cannot remove {}", journal.display()))?;
    sync_dir(root);
    Ok(())
}

/// Finishes or undoes what an interrupted command left, and removes stray temporary files.
/// Returns one line per thing done, for the user. With `may_write` false (dry runs, checks), a
/// pending journal is an error instead.
pub fn recover(root: &Path, may_write: bool) -> Result<Vec<String>> {
    let journal = root.join(JOURNAL);
    let text = match fs::read_to_string(&journal) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Error::Other(
                anyhow::Error::new(e).context(format!("cannot read {}", journal.display())),
            ));
        }
    };
    let mut notes = Vec::new();
    if let Some(text) = text {
        if !may_write {
            return Err(Error::Failed(format!(
                "{}: an interrupted kubeforge command left changes pending\n  hint: run any kubeforge command without --dry-run or --check to finish them",
                journal.display()
            )));
        }
        notes.push(replay(root, &text)?);
        fs::remove_file(&journal)
            .with_context(|| format!("cannot remove {}", journal.display()))?;
        sync_dir(root);
    }
    if may_write {
        for stray in strays(root) {
            fs::remove_file(root.join(&stray)).with_context(|| format!("cannot remove {stray}"))?;
            notes.push(format!(
                "remove    {stray} (temporary file of an interrupted command)"
            ));
        }
    }
    Ok(notes)
}

/// Applies a journal found on disk: renames of a committed one, removal of an uncommitted one.
fn replay(root: &Path, text: &str) -> Result<String> {
    let mut lines = text.lines();
    // A journal cut short while it was written predates every temporary file: nothing to undo
    // beyond the strays, which `recover` removes.
    let Some(record) = lines
        .next()
        .and_then(|l| serde_json::from_str::<Record>(l).ok())
    else {
        return Ok(format!(
            "recover   {JOURNAL} (an interrupted command had not started writing; nothing changed)"
        ));
    };
    if lines.any(|l| l == COMMIT) {
        let mut finished = 0;
        for (temp, target) in &record.files {
            if root.join(temp).exists() {
                rename(root, temp, target)?;
                finished += 1;
            }
        }
        let deleted = delete(root, &record.deletions)?;
        sync_dirs(root, record.paths());
        let deletions = if record.deletions.is_empty() {
            String::new()
        } else {
            format!(
                ", {deleted} of {} file(s) deleted now",
                record.deletions.len()
            )
        };
        Ok(format!(
            "recover   {JOURNAL} (finished an interrupted command: {finished} of {} file(s) written now{deletions})",
            record.files.len()
        ))
    } else {
        roll_back(root, &record);
        Ok(format!(
            "recover   {JOURNAL} (rolled back an interrupted command: nothing of it was written)"
        ))
    }
}

impl Record {
    /// Every file the record writes or deletes.
    fn paths(&self) -> impl Iterator<Item = &str> {
        let written = self.files.iter().map(|(_, target)| target.as_str());
        written.chain(self.deletions.iter().map(String::as_str))
    }
}

/// Deletes `paths` under `root`, and the directories they leave empty; a file gone already is
/// fine. Returns how many were there.
fn delete(root: &Path, paths: &[String]) -> Result<usize> {
    let mut deleted = 0;
    for path in paths {
        let full = root.join(path);
        match fs::remove_file(&full) {
            Ok(()) => deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Other(anyhow::Error::new(e).context(format!(
                    "cannot delete {} (the remaining deletions follow with the next kubeforge command)",
                    full.display()
                ))));
            }
        }
    }
    for path in paths {
        // Best effort: a directory that is not empty stays, and so do its parents.
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if fs::remove_dir(root.join(parent)).is_err() {
                break;
            }
            dir = parent;
        }
    }
    Ok(deleted)
}

/// Creates the directories and writes every temporary file, flushed to disk.
fn prepare(root: &Path, record: &Record, files: &[(String, &str)], fault: Fault) -> Result<()> {
    for dir in &record.dirs {
        let full = root.join(dir);
        fs::create_dir(&full).with_context(|| format!("cannot create {}", full.display()))?;
    }
    for (n, ((temp, target), (_, text))) in record.files.iter().zip(files).enumerate() {
        let full = root.join(temp);
        if fault == Fault::FailWrite(n + 1) {
            return Err(Error::Other(anyhow::anyhow!(
                "cannot write {}: injected fault",
                full.display()
            )));
        }
        write_synced(&full, text.as_bytes(), Some(&root.join(target)))?;
    }
    Ok(())
}

/// Removes the temporary files and the directories of an uncommitted record (best effort: each
/// may not exist yet).
fn roll_back(root: &Path, record: &Record) {
    for (temp, _) in &record.files {
        let _ = fs::remove_file(root.join(temp));
    }
    for dir in record.dirs.iter().rev() {
        let _ = fs::remove_dir(root.join(dir));
    }
}

/// Writes `bytes` to `path` (replacing it) and flushes it to disk; the mode is that of `like`
/// when it exists, 0644 otherwise.
fn write_synced(path: &Path, bytes: &[u8], like: Option<&Path>) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let mut file = File::create(path).with_context(context)?;
    file.write_all(bytes).with_context(context)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = like
            .and_then(|p| fs::metadata(p).ok())
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        file.set_permissions(fs::Permissions::from_mode(mode))
            .with_context(context)?;
    }
    #[cfg(not(unix))]
    let _ = like;
    file.sync_all().with_context(context)?;
    Ok(())
}

fn append_commit(journal: &Path) -> Result<()> {
    let context = || format!("cannot write {}", journal.display());
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(journal)
        .with_context(context)?;
    file.write_all(format!("{COMMIT}\n").as_bytes())
        .with_context(context)?;
    file.sync_all().with_context(context)?;
    Ok(())
}

fn rename(root: &Path, temp: &str, target: &str) -> Result<()> {
    fs::rename(root.join(temp), root.join(target)).with_context(|| {
        format!(
            "cannot write {} (the remaining files follow with the next kubeforge command)",
            root.join(target).display()
        )
    })?;
    Ok(())
}

/// `dir/.kubeforge-<name>` for `dir/<name>`.
fn temp_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/{TEMP_PREFIX}{name}"),
        None => format!("{TEMP_PREFIX}{path}"),
    }
}

/// The directories that must be created for `paths`, parents first.
fn missing_dirs<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut missing = BTreeSet::new();
    for path in paths {
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if missing.contains(parent) || root.join(parent).is_dir() {
                break;
            }
            missing.insert(parent.to_string());
            dir = parent;
        }
    }
    // A parent sorts before its children.
    missing.into_iter().collect()
}

/// Flushes the directory entries of the renamed files (best effort: not every file system
/// supports it).
fn sync_dirs<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) {
    let dirs: BTreeSet<PathBuf> = paths
        .filter_map(|p| root.join(p).parent().map(Path::to_path_buf))
        .collect();
    for dir in dirs {
        sync_dir(&dir);
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Temporary files under `root` that no journal accounts for (relative paths, sorted). Build
/// output (`target`) and hidden directories are not searched.
fn strays(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(ty) = entry.file_type() else { continue };
            if ty.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    walk(root, &entry.path(), out);
                }
            } else if ty.is_file() && name.starts_with(TEMP_PREFIX) && name != JOURNAL {
                let path = entry.path();
                let rel = path.strip_prefix(root).expect("walk stays under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// A fault injected for tests (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    FailWrite(usize),
    AbortBeforeCommit,
    AbortAfterRename(usize),
}

impl Fault {
    fn from_env() -> Fault {
        let Ok(spec) = std::env::var("KUBEFORGE_FAULT") else {
            return Fault::None;
        };
        let number = |s: &str| s.parse::<usize>().ok();
        match spec.split_once(':') {
            Some(("fail-write", n)) => number(n).map_or(Fault::None, Fault::FailWrite),
            Some(("abort-after-rename", n)) => {
                number(n).map_or(Fault::None, Fault::AbortAfterRename)
            }
            _ if spec == "abort-before-commit" => Fault::AbortBeforeCommit,
            _ => Fault::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_sit_beside_their_targets() {
        assert_eq!(temp_path("PROJECT"), ".kubeforge-PROJECT");
        assert_eq!(
            temp_path("config/crd/bases/x.yaml"),
            "config/crd/bases/.kubeforge-x.yaml"
        );
    }

    #[test]
    fn missing_directories_come_parents_first() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("src")).unwrap();
        let dirs = missing_dirs(
            root.path(),
            ["src/api/v1/x.rs", "src/main.rs", "config/crd/bases/a.yaml"].into_iter(),
        );
        assert_eq!(
            dirs,
            [
                "config",
                "config/crd",
                "config/crd/bases",
                "src/api",
                "src/api/v1"
            ]
        );
    }

    #[test]
    fn a_committed_journal_is_finished_and_an_uncommitted_one_undone() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        fs::write(r.join("a"), "old a\n").unwrap();
        fs::write(r.join(".kubeforge-a"), "new a\n").unwrap();
        let record = r#"{"dirs":[],"files":[[".kubeforge-a","a"]]}"#;
        fs::write(r.join(JOURNAL), format!("{record}\n")).unwrap();
        let notes = recover(r, true).unwrap();
        assert!(notes[0].contains("rolled back"), "{notes:?}");
        assert_eq!(fs::read_to_string(r.join("a")).unwrap(), "old a\n");
        assert!(!r.join(".kubeforge-a").exists() && !r.join(JOURNAL).exists());

        fs::write(r.join(".kubeforge-a"), "new a\n").unwrap();
        fs::write(r.join(JOURNAL), format!("{record}\ncommit\n")).unwrap();
        let notes = recover(r, true).unwrap();
        assert!(notes[0].contains("finished"), "{notes:?}");
        assert_eq!(fs::read_to_string(r.join("a")).unwrap(), "new a\n");
        assert!(!r.join(JOURNAL).exists());
    }

    #[test]
    fn deletions_of_a_committed_journal_are_finished() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        fs::write(r.join("a"), "a\n").unwrap();
        fs::write(r.join("b"), "b\n").unwrap();
        // `c` was deleted before the command was killed.
        let record = r#"{"dirs":[],"files":[],"deletions":["a","b","c"]}"#;
        fs::write(r.join(JOURNAL), format!("{record}\ncommit\n")).unwrap();
        let notes = recover(r, true).unwrap();
        assert!(notes[0].contains("2 of 3 file(s) deleted now"), "{notes:?}");
        assert!(!r.join("a").exists() && !r.join("b").exists());

        // Uncommitted: nothing is deleted.
        fs::write(r.join("a"), "a\n").unwrap();
        fs::write(r.join(JOURNAL), format!("{record}\n")).unwrap();
        let notes = recover(r, true).unwrap();
        assert!(notes[0].contains("rolled back"), "{notes:?}");
        assert!(r.join("a").exists());
    }
}
