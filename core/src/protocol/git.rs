//! Parameters of the `git.*` methods, decoded and validated at the boundary.

use serde::{Deserialize, Serialize};

/// `git.runStackedAction`'s `action` (`commit`, `commit_push`, `commit_push_pr`); the git
/// module runs it under the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackedAction {
    Commit,
    CommitPush,
    CommitPushPr,
}

impl StackedAction {
    /// The wire name (`commit`, `commit_push`, `commit_push_pr`).
    pub fn parse(raw: &str) -> Option<StackedAction> {
        match raw {
            "commit" => Some(StackedAction::Commit),
            "commit_push" => Some(StackedAction::CommitPush),
            "commit_push_pr" => Some(StackedAction::CommitPushPr),
            _ => None,
        }
    }

    /// Whether the chain pushes after committing.
    pub fn wants_push(self) -> bool {
        !matches!(self, StackedAction::Commit)
    }

    /// Whether the chain opens a pull request after pushing.
    pub fn wants_pr(self) -> bool {
        matches!(self, StackedAction::CommitPushPr)
    }
}

/// A git method call; every one names the repository by `cwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitCall {
    Status,
    Pull,
    ListBranches,
    CreateBranch {
        branch: String,
        /// DP Code: push the new branch to origin with upstream (`push -u origin <branch>`).
        publish: bool,
    },
    Checkout {
        branch: String,
    },
    Init,
    CreateWorktree {
        branch: String,
        new_branch: String,
        path: Option<String>,
    },
    RemoveWorktree {
        path: String,
        force: bool,
    },
    RunStackedAction {
        action: StackedAction,
        commit_message: Option<String>,
        feature_branch: bool,
    },
    /// DP Code's stash, stage, diff, detached-worktree and index-lock methods.
    Extra(super::git_extras::GitExtraCall),
}

impl GitCall {
    /// Whether the call can change the files in the work tree (so the project's file-search
    /// index must be rebuilt afterwards); reading the status or the branches cannot.
    pub fn may_change_files(&self) -> bool {
        match self {
            GitCall::Status | GitCall::ListBranches => false,
            GitCall::Extra(extra) => extra.may_change_files(),
            _ => true,
        }
    }
}

pub const COMMIT_MESSAGE_MAX_CHARS: usize = 10_000;
