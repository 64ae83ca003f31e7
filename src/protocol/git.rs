//! Parameters of the `git.*` methods, decoded and validated at the boundary.

/// `git.runStackedAction`'s `action`: the git module's own type, named the same on the wire.
pub use crate::git::stacked::StackedAction;

/// A git method call; every one names the repository by `cwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitCall {
    Status,
    Pull,
    ListBranches,
    CreateBranch {
        branch: String,
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
}

impl GitCall {
    /// Whether the call can change the files in the work tree (so the project's file-search
    /// index must be rebuilt afterwards); reading the status or the branches cannot.
    pub fn may_change_files(&self) -> bool {
        !matches!(self, GitCall::Status | GitCall::ListBranches)
    }
}

pub const COMMIT_MESSAGE_MAX_CHARS: usize = 10_000;
