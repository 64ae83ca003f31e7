//! Confined, atomic writes into a project directory (`projects.writeFile`, an ACP agent's
//! `fs/write_text_file`) and confined reads out of one (`fs/read_text_file`).
//!
//! The client names a path relative to the project root; nothing it sends may
//! make the server write outside that root, neither lexically (`..`, absolute
//! paths) nor through symlinks inside the project, including ones swapped in
//! while the write is under way (every step is relative to an open directory).

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Everything that can go wrong while indexing or writing inside a project.
///
/// The two path-policy variants carry the exact wording the reference server
/// sends, because clients show these messages verbatim.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("Workspace file path must be relative to the project root.")]
    PathNotRelative,
    #[error("Workspace file path must stay within the project root.")]
    PathEscapesRoot,
    #[error("Workspace file path {path:?} is invalid: {reason}.")]
    InvalidPath { path: String, reason: &'static str },
    #[error("Workspace file {path:?} is larger than {limit} bytes.")]
    TooLarge { path: String, limit: u64 },
    #[error("Project root '{}' does not exist.", root.display())]
    RootMissing { root: PathBuf },
    #[error("Project root '{}' is not a directory.", root.display())]
    RootNotDirectory { root: PathBuf },
    #[error("Unable to {action} '{}': {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl WorkspaceError {
    /// As an error reply: an I/O failure wraps its OS error (`cause`); the path-policy errors
    /// are the server's own and carry none.
    pub fn into_reply(self) -> crate::protocol::reply_error::ReplyError {
        match &self {
            WorkspaceError::Io { source, .. } => {
                let cause = source.to_string();
                crate::protocol::reply_error::ReplyError::wrapped(self.to_string(), cause)
            }
            _ => crate::protocol::reply_error::ReplyError::new(self.to_string()),
        }
    }

    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        WorkspaceError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Canonicalises a project root, turning the usual failures into errors that
/// name the root instead of a bare `ENOENT`.
pub(crate) fn canonical_root(root: &Path) -> Result<PathBuf, WorkspaceError> {
    let canonical = match fs::canonicalize(root) {
        Ok(path) => path,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(WorkspaceError::RootMissing {
                root: root.to_path_buf(),
            })
        }
        Err(err) => return Err(WorkspaceError::io("resolve project root", root, err)),
    };
    let metadata = fs::metadata(&canonical)
        .map_err(|err| WorkspaceError::io("read project root", root, err))?;
    if !metadata.is_dir() {
        return Err(WorkspaceError::RootNotDirectory {
            root: root.to_path_buf(),
        });
    }
    Ok(canonical)
}

/// Splits a client path into plain file-name components, applying the
/// lexical policy: no absolute paths, no `..` anywhere (even `a/../b`, which
/// the reference tolerates, is refused because it never needs to be sent).
fn lexical_components(relative: &str) -> Result<Vec<&str>, WorkspaceError> {
    let trimmed = relative.trim();
    if trimmed.contains('\0') {
        return Err(WorkspaceError::InvalidPath {
            path: trimmed.to_string(),
            reason: "it contains a NUL byte",
        });
    }
    let path = Path::new(trimmed);
    if path.is_absolute() || path.has_root() {
        return Err(WorkspaceError::PathNotRelative);
    }
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => match part.to_str() {
                Some(part) => parts.push(part),
                None => {
                    return Err(WorkspaceError::InvalidPath {
                        path: trimmed.to_string(),
                        reason: "it is not valid UTF-8",
                    })
                }
            },
            Component::CurDir => {}
            Component::ParentDir => return Err(WorkspaceError::PathEscapesRoot),
            Component::RootDir | Component::Prefix(_) => {
                return Err(WorkspaceError::PathNotRelative)
            }
        }
    }
    if parts.is_empty() {
        // The reference reports "" and "." as escaping the root, since they
        // name the root itself rather than a file inside it.
        return Err(WorkspaceError::PathEscapesRoot);
    }
    Ok(parts)
}

/// Resolves the existing part of `path` through any symlinks and checks the
/// result is still inside `root` (which must already be canonical).
///
/// Components below the deepest existing ancestor do not exist yet, so they
/// will be created as real directories and cannot redirect the write.
fn check_confined(root: &Path, path: &Path) -> Result<(), WorkspaceError> {
    for ancestor in path.ancestors() {
        match fs::symlink_metadata(ancestor) {
            Ok(_) => {
                let resolved = match fs::canonicalize(ancestor) {
                    Ok(resolved) => resolved,
                    // A dangling symlink: its destination cannot be vetted,
                    // and creating directories through it could land anywhere.
                    Err(err) if err.kind() == io::ErrorKind::NotFound => {
                        return Err(WorkspaceError::PathEscapesRoot)
                    }
                    Err(err) => return Err(WorkspaceError::io("resolve", ancestor, err)),
                };
                return if resolved.starts_with(root) {
                    Ok(())
                } else {
                    Err(WorkspaceError::PathEscapesRoot)
                };
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            // ENOTDIR and friends: let the later create/write report it with
            // the real path rather than guessing here.
            Err(_) => continue,
        }
    }
    Err(WorkspaceError::PathEscapesRoot)
}

/// Validates a client-supplied relative path and returns the absolute
/// location (under the canonical root) that a write would touch.
///
/// Refuses absolute paths, `..` components, empty paths, NUL bytes, and any
/// path whose existing part resolves (through symlinks) outside the root —
/// including a target that is itself a symlink pointing outside.
pub fn resolve_write_path(root: &Path, relative: &str) -> Result<PathBuf, WorkspaceError> {
    let parts = lexical_components(relative)?;
    let root = canonical_root(root)?;
    let mut target = root.clone();
    target.extend(&parts);
    check_confined(&root, &target)?;
    Ok(target)
}

/// How many symlinks a final component may go through before the write is refused (Linux's own
/// limit for a path walk).
const MAX_LINK_HOPS: usize = 40;

/// Where a write lands: the directory (open, so nothing can redirect it afterwards) and the
/// name inside it, plus the root-relative path for messages.
struct Destination {
    dir: cap_std::fs::Dir,
    name: std::ffi::OsString,
    relative: PathBuf,
}

/// cap-std refuses a walk that would leave its directory with a `PermissionDenied` error of its
/// own (no OS error number: with `openat2(RESOLVE_BENEATH)` the kernel's EXDEV is mapped to it,
/// and the manual `O_NOFOLLOW` walk raises it itself); a real EACCES carries its errno.
fn is_escape(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::PermissionDenied && err.raw_os_error().is_none()
}

fn walk_error(
    action: &'static str,
    root: &Path,
    relative: &Path,
    err: io::Error,
) -> WorkspaceError {
    if is_escape(&err) {
        WorkspaceError::PathEscapesRoot
    } else {
        WorkspaceError::io(action, &root.join(relative), err)
    }
}

/// Opens `relative` (a directory below the root, possibly empty) relative to the root's fd;
/// symlinks on the way are followed only while they stay beneath the root.
fn open_beneath(
    root_dir: &cap_std::fs::Dir,
    root: &Path,
    relative: &Path,
) -> Result<cap_std::fs::Dir, WorkspaceError> {
    if relative.as_os_str().is_empty() {
        root_dir.try_clone()
    } else {
        root_dir.open_dir(relative)
    }
    .map_err(|err| walk_error("open directory", root, relative, err))
}

/// Creates the missing directories of `parents`, each step walked from the root's fd, so a
/// symlink on the way is followed only while it stays beneath the root (cap-std's own
/// `create_dir_all` reports such a link as "File exists" instead of following it).
fn create_parents(
    root_dir: &cap_std::fs::Dir,
    root: &Path,
    parents: &[&str],
) -> Result<(), WorkspaceError> {
    let mut walked = PathBuf::new();
    for part in parents {
        walked.push(part);
        match root_dir.open_dir(&walked) {
            Ok(_) => continue,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(walk_error("create directory", root, &walked, err)),
        }
        match root_dir.create_dir(&walked) {
            Ok(()) => {}
            // Made by someone else meanwhile: the next step opens it (or refuses it).
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err(err) => return Err(walk_error("create directory", root, &walked, err)),
        }
    }
    Ok(())
}

/// Follows a final component that is a symlink to where it points, as long as that stays
/// beneath the root: the write then replaces the link's target and keeps the link. A link that
/// points outside, or nowhere (its destination cannot be vetted), is refused.
fn follow_final_links(
    root_dir: &cap_std::fs::Dir,
    root: &Path,
    mut at: Destination,
) -> Result<Destination, WorkspaceError> {
    for _ in 0..MAX_LINK_HOPS {
        let meta = match at.dir.symlink_metadata(&at.name) {
            Ok(meta) => meta,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(at),
            Err(err) => return Err(WorkspaceError::io("inspect", &root.join(&at.relative), err)),
        };
        if !meta.file_type().is_symlink() {
            return Ok(at);
        }
        let target = at
            .dir
            .read_link_contents(&at.name)
            .map_err(|err| WorkspaceError::io("resolve", &root.join(&at.relative), err))?;
        let beneath = if target.is_absolute() {
            match target.strip_prefix(root) {
                Ok(inside) => inside.to_path_buf(),
                Err(_) => return Err(WorkspaceError::PathEscapesRoot),
            }
        } else {
            at.relative.parent().unwrap_or(Path::new("")).join(&target)
        };
        let (Some(parent), Some(name)) = (beneath.parent(), beneath.file_name()) else {
            // Ends in `..` or names the root: a directory, never a file to replace.
            return Err(WorkspaceError::PathEscapesRoot);
        };
        let dir = open_beneath(root_dir, root, parent).map_err(|err| match err {
            WorkspaceError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                WorkspaceError::PathEscapesRoot
            }
            other => other,
        })?;
        match dir.symlink_metadata(name) {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(WorkspaceError::PathEscapesRoot)
            }
            Err(err) => return Err(WorkspaceError::io("inspect", &root.join(&beneath), err)),
        }
        at = Destination {
            dir,
            name: name.to_os_string(),
            relative: beneath,
        };
    }
    Err(WorkspaceError::io(
        "resolve",
        &root.join(&at.relative),
        io::Error::other("too many levels of symbolic links"),
    ))
}

/// Writes `contents` to `relative` inside `root`, creating parent directories,
/// and returns the normalised relative path ('/'-separated, no `.` parts).
///
/// Confinement holds at every moment, not just at a check: the root is opened as a directory
/// and every step (creating the parents, opening the destination directory, creating the temp
/// file, renaming it) happens relative to an open directory fd, walked beneath the root by
/// cap-std (`openat2(RESOLVE_BENEATH)` where the kernel has it, else an `O_NOFOLLOW` walk). A
/// directory swapped for a symlink mid-write cannot redirect it: the write either lands in the
/// directory that was opened or fails.
///
/// The write is atomic: a temp file in the destination directory is filled,
/// fsynced and renamed over the target, so readers never see a half-written
/// file. When replacing an existing file its permission bits are kept; a new
/// file gets the usual `0666 & !umask`. A symlink inside the project that
/// points at a file inside the project is written through (the link stays),
/// matching what a plain `writeFile` does in the reference.
pub fn write_file(root: &Path, relative: &str, contents: &str) -> Result<String, WorkspaceError> {
    let parts = lexical_components(relative)?;
    let normalised = parts.join("/");
    let (root, root_dir) = open_root(root)?;

    let Some((name, parents)) = parts.split_last() else {
        return Err(WorkspaceError::PathEscapesRoot);
    };
    let parent: PathBuf = parents.iter().collect();
    create_parents(&root_dir, &root, parents)?;
    let dir = open_beneath(&root_dir, &root, &parent)?;
    let destination = follow_final_links(
        &root_dir,
        &root,
        Destination {
            dir,
            name: name.into(),
            relative: parent.join(name),
        },
    )?;

    let shown = root.join(&destination.relative);
    let existing = match destination.dir.symlink_metadata(&destination.name) {
        Ok(meta) if meta.is_dir() => {
            return Err(WorkspaceError::InvalidPath {
                path: normalised,
                reason: "it names an existing directory",
            })
        }
        Ok(meta) => Some(meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(WorkspaceError::io("inspect", &shown, err)),
    };
    write_atomically(&destination, &shown, contents.as_bytes(), existing.as_ref())?;
    Ok(normalised)
}

/// The canonical root, and the root opened as the directory every later step is relative to.
fn open_root(root: &Path) -> Result<(PathBuf, cap_std::fs::Dir), WorkspaceError> {
    let root = canonical_root(root)?;
    let root_dir = cap_std::fs::Dir::open_ambient_dir(&root, cap_std::ambient_authority())
        .map_err(|err| WorkspaceError::io("open project root", &root, err))?;
    Ok((root, root_dir))
}

/// Reads the UTF-8 text file `relative` inside `root`, refused when it is larger than
/// `max_bytes`: the same path policy as [`write_file`] and the same walk (every step relative
/// to the root's open fd, symlinks followed only while they stay beneath it), so what is read
/// is inside the root even if the tree changes meanwhile.
pub fn read_file(root: &Path, relative: &str, max_bytes: u64) -> Result<String, WorkspaceError> {
    use std::io::Read;
    let parts = lexical_components(relative)?;
    let normalised = parts.join("/");
    let (root, root_dir) = open_root(root)?;
    let Some((name, parents)) = parts.split_last() else {
        return Err(WorkspaceError::PathEscapesRoot);
    };
    let parent: PathBuf = parents.iter().collect();
    let dir = open_beneath(&root_dir, &root, &parent)?;
    let source = follow_final_links(
        &root_dir,
        &root,
        Destination {
            dir,
            name: name.into(),
            relative: parent.join(name),
        },
    )?;
    let shown = root.join(&source.relative);
    let not_a_file = || WorkspaceError::InvalidPath {
        path: normalised.clone(),
        reason: "it does not name a regular file",
    };
    // Checked before opening too: opening a FIFO for reading would block until a writer came.
    match source.dir.symlink_metadata(&source.name) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err(not_a_file()),
        Err(err) => return Err(WorkspaceError::io("read", &shown, err)),
    }
    // `open` follows a link swapped in meanwhile only while it stays beneath `source.dir`.
    let file = source
        .dir
        .open(&source.name)
        .map_err(|err| walk_error("read", &root, &source.relative, err))?;
    let meta = file
        .metadata()
        .map_err(|err| WorkspaceError::io("inspect", &shown, err))?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    let too_large = || WorkspaceError::TooLarge {
        path: normalised.clone(),
        limit: max_bytes,
    };
    if meta.len() > max_bytes {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    // One byte over the limit tells a file that grew since the check.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| WorkspaceError::io("read", &shown, err))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| WorkspaceError::InvalidPath {
        path: normalised.clone(),
        reason: "it is not UTF-8 text",
    })
}

/// Not `store::atomic_file`: that one works by path, and here every step (create, write, rename,
/// directory fsync) must stay relative to the confined cap-std directory handle, so a symlink
/// swapped into the path meanwhile cannot send the write outside the workspace.
fn write_atomically(
    destination: &Destination,
    shown: &Path,
    bytes: &[u8],
    existing: Option<&cap_std::fs::Metadata>,
) -> Result<(), WorkspaceError> {
    let dir = &destination.dir;
    let temp_name = format!(".t3rs-write-{}.tmp", uuid::Uuid::new_v4().simple());
    let mut options = cap_std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use cap_std::fs::OpenOptionsExt;
        // Passed as the open(2) mode, so the process umask still applies,
        // exactly as for a freshly created file.
        options.mode(0o666);
    }
    let shown_dir = shown.parent().unwrap_or(shown);
    let mut temp = dir
        .open_with(&temp_name, &options)
        .map_err(|err| WorkspaceError::io("create temporary file in", shown_dir, err))?;
    let written = (|| {
        temp.write_all(bytes)
            .map_err(|err| WorkspaceError::io("write temporary file for", shown, err))?;
        if let Some(meta) = existing {
            temp.set_permissions(meta.permissions())
                .map_err(|err| WorkspaceError::io("set permissions for", shown, err))?;
        }
        temp.sync_all()
            .map_err(|err| WorkspaceError::io("sync", shown, err))?;
        dir.rename(&temp_name, dir, &destination.name)
            .map_err(|err| WorkspaceError::io("replace", shown, err))
    })();
    if let Err(err) = written {
        let _ = dir.remove_file(&temp_name);
        return Err(err);
    }
    sync_dir(dir, shown_dir);
    Ok(())
}

/// Makes the rename itself durable. Best effort: the data is already safe in
/// the file, and some filesystems refuse fsync on directories.
fn sync_dir(dir: &cap_std::fs::Dir, shown: &Path) {
    #[cfg(unix)]
    if let Err(err) = dir.try_clone().and_then(|d| d.into_std_file().sync_all()) {
        log::debug!("fsync of directory {} failed: {err}", shown.display());
    }
    #[cfg(not(unix))]
    let _ = (dir, shown);
}

#[cfg(test)]
mod tests;
