//! Runs one decoded `git.*` call in a repository and serialises its answer ("" for methods that
//! return nothing). Called on the repository's own ProjectActor, which serialises git per repo.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::git::{branches, stacked, status, worktrees, GitError};
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
        GitCall::CreateWorktree {
            branch,
            new_branch,
            path,
        } => {
            let created = worktrees::create_worktree(
                root,
                &branch,
                Some(&new_branch),
                path.as_deref().map(Path::new),
                worktrees_root,
            )
            .map_err(message)?;
            json(&serde_json::json!({ "worktree": created }))
        }
        GitCall::RemoveWorktree { path, force } => {
            worktrees::remove_worktree(root, Path::new(&path), force).map_err(message)?;
            Ok(String::new())
        }
        GitCall::RunStackedAction {
            action,
            commit_message,
            feature_branch,
        } => {
            let action = serde_json::from_value(Value::String(action.as_str().to_string()))
                .map_err(|e| format!("unknown stacked action: {e}"))?;
            let input = stacked::StackedActionInput {
                cwd: root.to_string_lossy().into_owned(),
                action,
                commit_message,
                feature_branch: Some(feature_branch),
                gh_program: None,
            };
            let mut report = |step: stacked::StackedProgress| match serde_json::to_value(&step) {
                Ok(value) => progress(value),
                Err(err) => log::warn!("progress not encoded: {err}"),
            };
            json(&stacked::run_stacked_action(root, &input, &mut report).map_err(message)?)
        }
    }
}
