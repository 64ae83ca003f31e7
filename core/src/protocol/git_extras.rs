//! DP Code's git methods that need no GitHub (dpcode.md §4; DP Code's `contracts/src/git.ts`):
//! stash, stage/unstage, working-tree diffs, detached worktrees and the index lock. Decoded
//! here, at the boundary; every field is validated and named in errors (`body.paths[2]`).

use serde::Deserialize;

use super::git::GitCall;
use super::methods::Method;
use super::params::{bounded_text, decode_fields};
use crate::field_error::FieldError;

/// At most this many paths per `git.stageFiles` / `git.unstageFiles` (git reads them from
/// stdin, so the command line never limits them).
pub const STAGE_PATHS_MAX: usize = 10_000;
/// A path, a ref or a branch is at most this many characters.
pub const GIT_PATH_MAX_CHARS: usize = 4096;
pub const GIT_REF_MAX_CHARS: usize = 1024;

/// `git.readWorkingTreeDiff`'s `scope`: HEAD against the working tree (untracked files as
/// added), the index against the working tree (likewise), HEAD against the index, or the
/// branch against its base (`<base>...HEAD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffScope {
    #[default]
    WorkingTree,
    Unstaged,
    Staged,
    Branch,
}

/// The calls of this module, carried by [`GitCall::Extra`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitExtraCall {
    /// Stash everything (untracked included), switch, re-apply, drop; a conflicting re-apply
    /// is undone and the stash kept.
    StashAndCheckout {
        branch: String,
    },
    StashDrop,
    StashInfo,
    /// Paths relative to `cwd`, each confined to it (no absolute path, no `..`).
    StageFiles {
        paths: Vec<String>,
    },
    UnstageFiles {
        paths: Vec<String>,
    },
    ReadWorkingTreeDiff {
        scope: DiffScope,
    },
    /// `path` null: a fresh directory under the server's worktrees directory.
    CreateDetachedWorktree {
        reference: String,
        path: Option<String>,
    },
    RemoveIndexLock,
}

impl GitExtraCall {
    /// Whether the call can change files in the work tree (the file-search index is rebuilt).
    pub fn may_change_files(&self) -> bool {
        !matches!(
            self,
            GitExtraCall::StashInfo | GitExtraCall::ReadWorkingTreeDiff { .. }
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtraParams {
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    paths: Option<Vec<String>>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default, rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    path: Option<String>,
}

/// A decoder for the method table: the repository (`cwd`), then `call`'s own fields.
pub fn git_extra(
    call: fn(&serde_json::Value) -> Result<GitCall, FieldError>,
) -> impl FnOnce(serde_json::Value) -> Result<Method, FieldError> {
    #[derive(Deserialize)]
    struct Cwd {
        #[serde(default)]
        cwd: Option<String>,
    }
    move |body| {
        let p: Cwd = decode_fields(body.clone())?;
        let cwd = required(p.cwd, "body.cwd", GIT_PATH_MAX_CHARS)?;
        let call = call(&body)?;
        Ok(Method::Git { cwd, call })
    }
}

fn params(body: &serde_json::Value) -> Result<ExtraParams, FieldError> {
    decode_fields(body.clone())
}

fn required(value: Option<String>, field: &str, max: usize) -> Result<String, FieldError> {
    match value {
        Some(v) => bounded_text(field, &v, max),
        None => Err(FieldError::new(field, "missing")),
    }
}

/// A git argument that must never be read as an option or span lines.
fn plain_arg(field: &str, value: &str) -> Result<(), FieldError> {
    if value.starts_with('-') {
        return Err(FieldError::new(field, "must not start with '-'"));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A path relative to the repository directory that cannot leave it: not absolute, no `..`
/// (and no `.git` component: git's own files are not the client's to stage).
pub fn confined_relative_path(field: &str, raw: &str) -> Result<String, FieldError> {
    let path = bounded_text(field, raw, GIT_PATH_MAX_CHARS)?;
    if path.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL"));
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(FieldError::new(
            field,
            "must be relative to cwd, not absolute",
        ));
    }
    for part in path.split(['/', '\\']) {
        if part == ".." {
            return Err(FieldError::new(
                field,
                "must stay inside the repository ('..' is not allowed)",
            ));
        }
        if part.eq_ignore_ascii_case(".git") {
            return Err(FieldError::new(field, "must not name git's own directory"));
        }
    }
    Ok(path)
}

fn paths(value: Option<Vec<String>>) -> Result<Vec<String>, FieldError> {
    let paths = value.ok_or_else(|| FieldError::new("body.paths", "missing"))?;
    if paths.is_empty() {
        return Err(FieldError::new("body.paths", "must name at least one path"));
    }
    if paths.len() > STAGE_PATHS_MAX {
        return Err(FieldError::new(
            "body.paths",
            format!("at most {STAGE_PATHS_MAX} paths, got {}", paths.len()),
        ));
    }
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| confined_relative_path(&format!("body.paths[{i}]"), p))
        .collect()
}

pub fn stash_and_checkout(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    let branch = required(params(body)?.branch, "body.branch", GIT_REF_MAX_CHARS)?;
    plain_arg("body.branch", &branch)?;
    Ok(GitCall::Extra(GitExtraCall::StashAndCheckout { branch }))
}

pub fn stash_drop(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    params(body)?;
    Ok(GitCall::Extra(GitExtraCall::StashDrop))
}

pub fn stash_info(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    params(body)?;
    Ok(GitCall::Extra(GitExtraCall::StashInfo))
}

pub fn stage_files(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    let paths = paths(params(body)?.paths)?;
    Ok(GitCall::Extra(GitExtraCall::StageFiles { paths }))
}

pub fn unstage_files(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    let paths = paths(params(body)?.paths)?;
    Ok(GitCall::Extra(GitExtraCall::UnstageFiles { paths }))
}

pub fn read_working_tree_diff(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    let scope = match params(body)?.scope.as_deref() {
        None | Some("workingTree") => DiffScope::WorkingTree,
        Some("unstaged") => DiffScope::Unstaged,
        Some("staged") => DiffScope::Staged,
        Some("branch") => DiffScope::Branch,
        Some(other) => {
            return Err(FieldError::new(
                "body.scope",
                format!(
                    "unknown scope '{other}'; expected workingTree, unstaged, staged or branch"
                ),
            ))
        }
    };
    Ok(GitCall::Extra(GitExtraCall::ReadWorkingTreeDiff { scope }))
}

pub fn create_detached_worktree(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    let p = params(body)?;
    let reference = required(p.reference, "body.ref", GIT_REF_MAX_CHARS)?;
    plain_arg("body.ref", &reference)?;
    if reference.chars().any(char::is_whitespace) {
        return Err(FieldError::new("body.ref", "must not contain whitespace"));
    }
    let path = match p.path {
        Some(path) => {
            let path = bounded_text("body.path", &path, GIT_PATH_MAX_CHARS)?;
            plain_arg("body.path", &path)?;
            Some(path)
        }
        None => None,
    };
    Ok(GitCall::Extra(GitExtraCall::CreateDetachedWorktree {
        reference,
        path,
    }))
}

pub fn remove_index_lock(body: &serde_json::Value) -> Result<GitCall, FieldError> {
    params(body)?;
    Ok(GitCall::Extra(GitExtraCall::RemoveIndexLock))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_are_confined_and_named_by_index() {
        let e = stage_files(&json!({"paths": ["ok.txt", "sub/x", "../up"]})).unwrap_err();
        assert_eq!(e.field, "body.paths[2]");
        let e = stage_files(&json!({"paths": ["/etc/passwd"]})).unwrap_err();
        assert_eq!(e.field, "body.paths[0]");
        let e = unstage_files(&json!({"paths": ["a", "b/../../c"]})).unwrap_err();
        assert_eq!(e.field, "body.paths[1]");
        let e = stage_files(&json!({"paths": ["a", ".git/config"]})).unwrap_err();
        assert_eq!(e.field, "body.paths[1]");
        let e = stage_files(&json!({"paths": ["a", "  "]})).unwrap_err();
        assert_eq!(e.field, "body.paths[1]");
        let e = stage_files(&json!({"paths": []})).unwrap_err();
        assert_eq!(e.field, "body.paths");
        let e = stage_files(&json!({})).unwrap_err();
        assert_eq!(e.field, "body.paths");
        let e = stage_files(&json!({"paths": ["a", 3]})).unwrap_err();
        assert_eq!(e.field, "body.paths[1]");
        // A leading '-' is fine in a path: it goes to git on stdin, never as an argument.
        assert_eq!(
            stage_files(&json!({"paths": ["-n", "a b.txt"]})).unwrap(),
            GitCall::Extra(GitExtraCall::StageFiles {
                paths: vec!["-n".into(), "a b.txt".into()]
            })
        );
    }

    #[test]
    fn scope_ref_and_branch_are_validated() {
        assert_eq!(
            read_working_tree_diff(&json!({})).unwrap(),
            GitCall::Extra(GitExtraCall::ReadWorkingTreeDiff {
                scope: DiffScope::WorkingTree
            })
        );
        let e = read_working_tree_diff(&json!({"scope": "everything"})).unwrap_err();
        assert_eq!(e.field, "body.scope");
        let e = read_working_tree_diff(&json!({"scope": 1})).unwrap_err();
        assert_eq!(e.field, "body.scope");
        let e = create_detached_worktree(&json!({"ref": "--orphan", "path": null})).unwrap_err();
        assert_eq!(e.field, "body.ref");
        let e = create_detached_worktree(&json!({"path": null})).unwrap_err();
        assert_eq!(e.field, "body.ref");
        let e = create_detached_worktree(&json!({"ref": "a b"})).unwrap_err();
        assert_eq!(e.field, "body.ref");
        let e = create_detached_worktree(&json!({"ref": "main", "path": "-x"})).unwrap_err();
        assert_eq!(e.field, "body.path");
        let e = stash_and_checkout(&json!({"branch": "-f"})).unwrap_err();
        assert_eq!(e.field, "body.branch");
        let e = stash_and_checkout(&json!({})).unwrap_err();
        assert_eq!(e.field, "body.branch");
    }
}
