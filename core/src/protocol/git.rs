//! Parameters of the `git.*` methods, decoded and validated at the boundary.

use serde::{Deserialize, Serialize};

pub use super::git_github::{PullRequestReference, PullRequestThreadMode};

/// `git.runStackedAction`'s `action`: v0.0.4's `commit`, `commit_push`, `commit_push_pr`, and
/// DP Code's `push` and `create_pr` (C/git.ts GitStackedAction); the git module runs it under
/// the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackedAction {
    Commit,
    Push,
    CreatePr,
    CommitPush,
    CommitPushPr,
}

impl StackedAction {
    /// The wire name (`commit`, `push`, `create_pr`, `commit_push`, `commit_push_pr`).
    pub fn parse(raw: &str) -> Option<StackedAction> {
        match raw {
            "commit" => Some(StackedAction::Commit),
            "push" => Some(StackedAction::Push),
            "create_pr" => Some(StackedAction::CreatePr),
            "commit_push" => Some(StackedAction::CommitPush),
            "commit_push_pr" => Some(StackedAction::CommitPushPr),
            _ => None,
        }
    }

    /// Whether the chain commits first (every action but `push` and `create_pr`).
    pub fn wants_commit(self) -> bool {
        !matches!(self, StackedAction::Push | StackedAction::CreatePr)
    }

    /// Whether the chain always pushes (`create_pr` pushes only when the branch needs it).
    pub fn wants_push(self) -> bool {
        !matches!(self, StackedAction::Commit | StackedAction::CreatePr)
    }

    /// Whether the chain opens a pull request at the end.
    pub fn wants_pr(self) -> bool {
        matches!(self, StackedAction::CommitPushPr | StackedAction::CreatePr)
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
        /// DP Code's client-chosen id, echoed in every `git.actionProgress` push; one is made
        /// up when a (v0.0.4) client sends none.
        action_id: Option<String>,
        action: StackedAction,
        commit_message: Option<String>,
        feature_branch: bool,
    },
    /// DP Code's `git.resolvePullRequest` (dpcode.md §4).
    ResolvePullRequest {
        reference: PullRequestReference,
    },
    /// DP Code's `git.preparePullRequestThread` (dpcode.md §4).
    PreparePullRequestThread {
        reference: PullRequestReference,
        mode: PullRequestThreadMode,
    },
    /// DP Code's `git.githubRepository` (dpcode.md §4).
    GithubRepository,
    /// DP Code's stash, stage, diff, detached-worktree and index-lock methods.
    Extra(super::git_extras::GitExtraCall),
}

impl GitCall {
    /// Whether the call can change the files in the work tree (so the project's file-search
    /// index must be rebuilt afterwards); reading the status or the branches cannot.
    pub fn may_change_files(&self) -> bool {
        match self {
            GitCall::Status
            | GitCall::ListBranches
            | GitCall::ResolvePullRequest { .. }
            | GitCall::GithubRepository => false,
            GitCall::Extra(extra) => extra.may_change_files(),
            _ => true,
        }
    }
}

pub const COMMIT_MESSAGE_MAX_CHARS: usize = 10_000;
