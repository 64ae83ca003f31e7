//! `git.readWorkingTreeDiff` (DP Code, dpcode.md §4; its GitCore.ts `read*Patch`): the patch
//! of one of four scopes. Untracked files are part of the working tree's and the unstaged
//! patch, each as an added file, as DP Code synthesises them.

use std::path::Path;

use serde::Serialize;

use super::{run, run_ok, GitError};
use crate::protocol::git_extras::DiffScope;

/// git's empty tree: the base of a repository without commits.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/// A patch larger than this is refused rather than cut (a cut patch would not apply).
pub const PATCH_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkingTreeDiff {
    pub patch: String,
}

const PATCH: [&str; 3] = ["--patch", "--no-color", "--no-ext-diff"];

/// A diff command's patch; exit 1 ("there are differences") is success for `--no-index`.
fn patch_of(cwd: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = run(cwd, args)?;
    if out.code == Some(0) || out.code == Some(1) && !out.stdout.is_empty() {
        return Ok(out.stdout);
    }
    Err(GitError::Failed {
        args: args.join(" "),
        message: out.message(),
    })
}

/// Joins patches so each ends with a newline (DP Code's `joinPatchSegments`).
fn join(segments: &[String]) -> String {
    let mut combined = String::new();
    for segment in segments.iter().filter(|s| !s.is_empty()) {
        if !combined.is_empty() && !combined.ends_with('\n') {
            combined.push('\n');
        }
        combined.push_str(segment);
        if !combined.ends_with('\n') {
            combined.push('\n');
        }
    }
    combined
}

fn too_big(bytes: usize) -> GitError {
    GitError::Refused(format!(
        "The diff is larger than {} MB ({bytes} bytes so far); not sent.",
        PATCH_MAX_BYTES / (1024 * 1024)
    ))
}

/// Each untracked (not ignored) file as an added-file patch.
fn untracked_patches(cwd: &Path, mut budget: usize) -> Result<Vec<String>, GitError> {
    let listed = run_ok(cwd, ["ls-files", "--others", "--exclude-standard", "-z"])?;
    let mut patches = Vec::new();
    for file in listed.split('\0').filter(|f| !f.is_empty()) {
        let mut args = vec!["diff", "--no-index"];
        args.extend(PATCH);
        args.extend([
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--",
            "/dev/null",
            file,
        ]);
        let patch = patch_of(cwd, &args)?;
        budget = budget
            .checked_sub(patch.len())
            .ok_or_else(|| too_big(PATCH_MAX_BYTES))?;
        patches.push(patch);
    }
    Ok(patches)
}

fn head_exists(cwd: &Path) -> Result<bool, GitError> {
    Ok(run(cwd, ["rev-parse", "--verify", "-q", "HEAD"])?.code == Some(0))
}

/// The branch's base for the `branch` scope: its upstream, else its merge base candidate
/// (`gh-merge-base`, the origin default, main/master), as `git.status` measures `aheadCount`.
fn branch_base(cwd: &Path) -> Result<String, GitError> {
    if let Some(upstream) = super::status::upstream_of_head(cwd)? {
        return Ok(upstream);
    }
    let branch = run(cwd, ["symbolic-ref", "-q", "--short", "HEAD"])?;
    let branch = branch.stdout.trim();
    if branch.is_empty() {
        return Err(GitError::Refused(
            "Cannot resolve a base branch: HEAD is detached.".into(),
        ));
    }
    super::status::base_branch_for_no_upstream(cwd, branch).ok_or_else(|| {
        GitError::Refused("Cannot resolve a base branch for the current branch diff.".into())
    })
}

/// `git.readWorkingTreeDiff`.
pub fn read_working_tree_diff(cwd: &Path, scope: DiffScope) -> Result<WorkingTreeDiff, GitError> {
    let mut args: Vec<&str> = vec!["diff"];
    args.extend(PATCH);
    let base;
    let with_untracked = match scope {
        DiffScope::WorkingTree => {
            args.push(if head_exists(cwd)? {
                "HEAD"
            } else {
                EMPTY_TREE
            });
            true
        }
        DiffScope::Unstaged => true,
        DiffScope::Staged => {
            args.push("--cached");
            false
        }
        DiffScope::Branch => {
            base = format!("{}...HEAD", branch_base(cwd)?);
            args.extend(["--minimal", base.as_str()]);
            false
        }
    };
    // The revisions end here: nothing after is read as one.
    args.push("--");
    let tracked = patch_of(cwd, &args)?;
    let budget = PATCH_MAX_BYTES
        .checked_sub(tracked.len())
        .ok_or_else(|| too_big(tracked.len()))?;
    let mut segments = vec![tracked];
    if with_untracked {
        segments.extend(untracked_patches(cwd, budget)?);
    }
    Ok(WorkingTreeDiff {
        patch: join(&segments),
    })
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn segments_are_joined_each_ending_in_a_newline() {
        let parts = ["a\n".to_string(), String::new(), "b".to_string()];
        assert_eq!(join(&parts), "a\nb\n");
        assert_eq!(join(&[]), "");
    }
}
