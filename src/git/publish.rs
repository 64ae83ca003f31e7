//! DP Code's `git.createBranch {publish: true}` (dpcode.md §4): the new branch is pushed to
//! `origin` with upstream. Without an `origin` it is refused before the branch is created.

use std::path::Path;

use super::{run_ok, GitError};

/// Refuses publishing when `remotes` has no `origin`.
pub(super) fn require_origin(branch: &str, remotes: &[String]) -> Result<(), GitError> {
    if remotes.iter().any(|r| r == "origin") {
        return Ok(());
    }
    Err(GitError::Refused(format!(
        "Cannot publish branch {branch}: this repository has no 'origin' remote."
    )))
}

/// `push -u origin refs/heads/<b>:refs/heads/<b>`: the full refspec keeps the name a ref on
/// both sides, whatever it looks like.
pub(super) fn publish(cwd: &Path, branch: &str) -> Result<(), GitError> {
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    run_ok(cwd, ["push", "-u", "origin", refspec.as_str()])
        .map(|_| ())
        .map_err(|e| {
            GitError::Refused(format!(
                "Branch {branch} was created but could not be published to origin: {e}"
            ))
        })
}
