//! The one way a whole file is replaced on disk: a temporary file beside it, written and
//! fsynced, then renamed over the target, so a reader (or a crash) sees the old file or the new
//! one and never half of either. Snapshots, stored attachments and the keybindings file all
//! write through it.
//!
//! Not here: `workspace::files` writes inside a project through a cap-std directory handle
//! (every step relative to that handle, so a symlink swapped in meanwhile cannot redirect it),
//! which a path-based write cannot offer.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use tempfile::NamedTempFile;

/// An atomic replacement of the file at a path. The temporary file is created owner-only, as
/// `tempfile` makes it.
#[derive(Debug, Clone, Copy)]
pub struct AtomicWrite<'a> {
    path: &'a Path,
    keep_permissions: bool,
    sync_dir: bool,
}

impl<'a> AtomicWrite<'a> {
    pub fn to(path: &'a Path) -> Self {
        AtomicWrite {
            path,
            keep_permissions: false,
            sync_dir: false,
        }
    }

    /// Gives the new file the permissions of the one it replaces, when there is one (a failure
    /// to do so is logged, not returned).
    pub fn keeping_permissions(self) -> Self {
        AtomicWrite {
            keep_permissions: true,
            ..self
        }
    }

    /// Also fsyncs the directory after the rename, which makes the rename itself durable. Best
    /// effort: some filesystems (and Windows) refuse to open or sync a directory, and the data
    /// is already written, so that is not worth failing over.
    pub fn syncing_dir(self) -> Self {
        AtomicWrite {
            sync_dir: true,
            ..self
        }
    }

    /// Replaces the file with `bytes`. The directory must exist.
    pub fn write(self, bytes: &[u8]) -> io::Result<()> {
        let dir = match self.path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut temp = NamedTempFile::new_in(dir)?;
        temp.write_all(bytes)?;
        if self.keep_permissions {
            if let Ok(metadata) = fs::metadata(self.path) {
                if let Err(e) = fs::set_permissions(temp.path(), metadata.permissions()) {
                    log::warn!("could not keep permissions of {}: {e}", self.path.display());
                }
            }
        }
        temp.as_file().sync_all()?;
        temp.persist(self.path).map_err(|e| e.error)?;
        if self.sync_dir {
            if let Ok(dir_handle) = File::open(dir) {
                let _ = dir_handle.sync_all();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
