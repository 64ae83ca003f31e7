//! `git.createDetachedWorktree` (DP Code, dpcode.md §4; its GitCore.ts
//! `createDetachedWorktree`): a linked worktree at a commit, on no branch.
//!
//! Unlike `git.createWorktree` (which takes any path the client names), the path is confined
//! to the server's worktrees directory (`<state dir>/worktrees`, which the cwd policy admits,
//! so the new worktree can be used at once): null picks `<worktrees>/<4 hex>/t3rs` as DP Code
//! picks `<worktreesDir>/<4 hex>/synara`; an explicit one must resolve inside it.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::{run, run_ok, GitError};

/// `{worktree: {path, ref, branch: null}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetachedWorktree {
    pub path: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub branch: Option<String>,
}

/// The last directory of a generated path (DP Code's `AUTO_DETACHED_WORKTREE_DIRNAME`).
const GENERATED_DIR_NAME: &str = "t3rs";

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..4].to_string()
}

/// `worktrees_root` canonicalised (created when missing): the base every check compares with.
fn canonical_root(worktrees_root: &Path) -> Result<PathBuf, GitError> {
    std::fs::create_dir_all(worktrees_root)
        .and_then(|_| std::fs::canonicalize(worktrees_root))
        .map_err(|e| {
            GitError::Refused(format!(
                "Cannot prepare the worktrees directory {}: {e}",
                worktrees_root.display()
            ))
        })
}

/// A fresh `<root>/<id>/t3rs` whose parent exists and is really inside the root.
fn generated_path(root: &Path) -> Result<PathBuf, GitError> {
    for attempt in 0..8 {
        let id = if attempt < 7 {
            short_id()
        } else {
            uuid::Uuid::new_v4().simple().to_string()
        };
        let parent = root.join(id);
        // `create_dir` (not `_all`) fails on an existing directory: the id is ours alone.
        match std::fs::create_dir(&parent) {
            Ok(()) => return Ok(parent.join(GENERATED_DIR_NAME)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(GitError::Refused(format!(
                    "Cannot create {}: {e}",
                    parent.display()
                )))
            }
        }
    }
    Err(GitError::Refused(
        "Cannot find a free directory for the worktree.".into(),
    ))
}

/// A client's path, inside the root: relative ones are taken against the root; `..` is
/// refused outright, and the existing part of the path must resolve (links followed) inside it.
fn confined_path(root: &Path, raw: &str) -> Result<PathBuf, GitError> {
    let raw = Path::new(raw);
    if raw.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(GitError::Refused(format!(
            "path {}: '..' is not allowed",
            raw.display()
        )));
    }
    let joined = if raw.is_absolute() {
        raw.to_path_buf()
    } else {
        root.join(raw)
    };
    let outside = || {
        GitError::Refused(format!(
            "path {} must be inside the worktrees directory {}",
            raw.display(),
            root.display()
        ))
    };
    // The nearest existing ancestor, canonicalised, must be the root or below it; what does
    // not exist yet is created by git below that ancestor.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name().ok_or_else(outside)?.to_owned());
        existing = existing.parent().ok_or_else(outside)?;
    }
    let mut resolved = std::fs::canonicalize(existing).map_err(|_| outside())?;
    if !resolved.starts_with(root) || resolved == root && rest.is_empty() {
        return Err(outside());
    }
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    Ok(resolved)
}

/// `git.createDetachedWorktree`. `reference` is checked to name a commit first (so a typo is
/// a clear error, and after `--end-of-options` it can never be an option); git refuses a
/// path that already holds files.
pub fn create_detached_worktree(
    cwd: &Path,
    reference: &str,
    path: Option<&str>,
    worktrees_root: &Path,
) -> Result<DetachedWorktree, GitError> {
    let commit = format!("{reference}^{{commit}}");
    let resolved = run(
        cwd,
        ["rev-parse", "--verify", "-q", "--end-of-options", &commit],
    )?;
    if resolved.code != Some(0) {
        return Err(GitError::Refused(format!(
            "'{reference}' does not name a commit in this repository."
        )));
    }
    let root = canonical_root(worktrees_root)?;
    let target = match path {
        Some(raw) => confined_path(&root, raw)?,
        None => generated_path(&root)?,
    };
    // `--` ends the options: the path and the ref are positional whatever they look like.
    let args: [&std::ffi::OsStr; 6] = [
        "worktree".as_ref(),
        "add".as_ref(),
        "--detach".as_ref(),
        "--".as_ref(),
        target.as_os_str(),
        reference.as_ref(),
    ];
    run_ok(cwd, args)?;
    Ok(DetachedWorktree {
        path: target.to_string_lossy().into_owned(),
        reference: reference.to_string(),
        branch: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_paths_stay_in_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical_root(&dir.path().join("worktrees")).unwrap();
        assert_eq!(confined_path(&root, "a/b").unwrap(), root.join("a/b"));
        assert!(confined_path(&root, "../x").is_err());
        assert!(confined_path(&root, "/etc/t3rs").is_err());
        assert!(confined_path(&root, root.to_str().unwrap()).is_err());
        // A link inside the root pointing out of it does not make a way out.
        std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
        assert!(confined_path(&root, "out/wt").is_err());
        let inside = root.join("in");
        assert_eq!(
            confined_path(&root, inside.to_str().unwrap()).unwrap(),
            inside
        );
    }
}
