//! Runs one of DP Code's non-GitHub git calls ([`GitExtraCall`], dpcode.md §4) on the
//! repository's ProjectActor, like [`super::git_calls`], and serialises its answer ("" for the
//! methods that answer null).

use std::path::Path;

use crate::git::{detached_worktree, index_ops, stash, working_diff};
use crate::protocol::git_extras::GitExtraCall;
use crate::protocol::reply_error::ReplyError;

use super::git_calls::{json, message, GitEnv};

const OK: &str = r#"{"ok":true}"#;

pub fn run(root: &Path, env: &GitEnv, call: GitExtraCall) -> Result<String, ReplyError> {
    match call {
        GitExtraCall::StashAndCheckout { branch } => {
            stash::stash_and_checkout(root, &branch).map_err(message)?;
            Ok(String::new())
        }
        GitExtraCall::StashDrop => {
            stash::stash_drop(root).map_err(message)?;
            Ok(String::new())
        }
        GitExtraCall::StashInfo => {
            json(&stash::stash_info(root, env.request_cwd).map_err(message)?)
        }
        GitExtraCall::StageFiles { paths } => {
            index_ops::stage_files(root, &paths).map_err(message)?;
            Ok(OK.to_string())
        }
        GitExtraCall::UnstageFiles { paths } => {
            index_ops::unstage_files(root, &paths).map_err(message)?;
            Ok(OK.to_string())
        }
        GitExtraCall::ReadWorkingTreeDiff { scope } => {
            json(&working_diff::read_working_tree_diff(root, scope).map_err(message)?)
        }
        GitExtraCall::CreateDetachedWorktree { reference, path } => {
            let worktree = detached_worktree::create_detached_worktree(
                root,
                &reference,
                path.as_deref(),
                env.worktrees_root,
            )
            .map_err(message)?;
            json(&serde_json::json!({ "worktree": worktree }))
        }
        GitExtraCall::RemoveIndexLock => {
            index_ops::remove_index_lock(root).map_err(message)?;
            Ok(String::new())
        }
    }
}
