//! One command at a time per project: a command holds an exclusive lock on the project directory
//! from reading PROJECT to its last rename. A second command waits, and says so.

use std::fs::{File, TryLockError};
use std::path::Path;

use anyhow::Context as _;

use crate::error::Result;

/// The lock, held until dropped.
pub struct ProjectLock {
    _dir: File,
}

/// Locks the project directory, waiting for another command that holds it. `None` when the
/// directory does not exist yet (`init` creates it; nothing else can hold it).
pub fn acquire(root: &Path) -> Result<Option<ProjectLock>> {
    let dir = match File::open(root) {
        Ok(dir) => dir,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context(format!("cannot open {} to lock it", root.display()))
                .into());
        }
    };
    match dir.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another kubeforge command in {} to finish (it holds the lock on the project directory)",
                root.display()
            );
            dir.lock()
                .with_context(|| format!("cannot lock {}", root.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(anyhow::Error::new(e)
                .context(format!("cannot lock {}", root.display()))
                .into());
        }
    }
    Ok(Some(ProjectLock { _dir: dir }))
}
