//! Runs one decoded `git.*` call in a repository and serialises its answer ("" for methods that
//! return nothing). Called on the repository's own ProjectActor, which serialises git per repo.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::git::{branches, status, GitError};
use crate::protocol::git::GitCall;

fn json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("encoding the answer failed: {e}"))
}

fn message(err: GitError) -> String {
    err.to_string()
}

/// `progress` receives each step of a stacked action as it starts and ends.
pub fn run(
    root: &Path,
    worktrees_root: &Path,
    call: GitCall,
    mut progress: impl FnMut(Value),
) -> Result<String, String> {
    match call {
        GitCall::Status => json(&status::status(root).map_err(message)?),
        GitCall::Pull => json(&status::pull(root).map_err(message)?),
        GitCall::ListBranches => json(&branches::list_branches(root).map_err(message)?),
        GitCall::CreateBranch { branch } => {
            branches::create_branch(root, &branch).map_err(message)?;
            Ok(String::new())
        }
        GitCall::Checkout { branch } => {
            branches::checkout(root, &branch).map_err(message)?;
            Ok(String::new())
        }
        GitCall::Init => {
            branches::init(root).map_err(message)?;
            Ok(String::new())
        }
        GitCall::CreateWorktree { .. } => Err("git.createWorktree is not available yet".into()),
        GitCall::RemoveWorktree { .. } => Err("git.removeWorktree is not available yet".into()),
        GitCall::RunStackedAction { .. } => {
            let _ = &mut progress;
            let _ = worktrees_root;
            Err("git.runStackedAction is not available yet".into())
        }
    }
}
