//! The method table: every `_tag` the protocol defines, and the typed calls decoded so far.

use super::git::GitCall;
use super::keybindings::KeybindingRule;
use super::terminal::{
    TerminalClearParams, TerminalCloseParams, TerminalOpenParams, TerminalResizeParams,
    TerminalRestartParams, TerminalWriteParams,
};
use crate::orchestration::ClientCommand;

/// Every method of T3 Code v0.0.4's WebSocket API (`projects.list/add/remove` are named in its
/// docs but never routed, so they are unknown here as well).
pub const KNOWN_METHODS: &[&str] = &[
    "orchestration.getSnapshot",
    "orchestration.dispatchCommand",
    "orchestration.getTurnDiff",
    "orchestration.getFullThreadDiff",
    "orchestration.replayEvents",
    "projects.searchEntries",
    "projects.writeFile",
    "shell.openInEditor",
    "git.status",
    "git.pull",
    "git.listBranches",
    "git.createBranch",
    "git.checkout",
    "git.init",
    "git.createWorktree",
    "git.removeWorktree",
    "git.runStackedAction",
    "terminal.open",
    "terminal.write",
    "terminal.resize",
    "terminal.clear",
    "terminal.restart",
    "terminal.close",
    "server.getConfig",
    "server.upsertKeybinding",
];

/// A decoded method call.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    OrchestrationGetSnapshot,
    OrchestrationDispatchCommand(Box<ClientCommand>),
    OrchestrationReplayEvents {
        from_sequence_exclusive: u64,
    },
    /// `getTurnDiff`, or `getFullThreadDiff` (`full`, from 0).
    OrchestrationGetTurnDiff {
        thread_id: String,
        from_turn_count: u64,
        to_turn_count: u64,
        full: bool,
    },
    ProjectsSearchEntries {
        cwd: String,
        query: String,
        limit: usize,
    },
    ProjectsWriteFile {
        cwd: String,
        relative_path: String,
        contents: String,
    },
    /// `git.*`: the repository (`cwd`) and what to do in it.
    Git {
        cwd: String,
        call: GitCall,
    },
    TerminalOpen(TerminalOpenParams),
    TerminalWrite(TerminalWriteParams),
    TerminalResize(TerminalResizeParams),
    TerminalClear(TerminalClearParams),
    TerminalRestart(TerminalRestartParams),
    TerminalClose(TerminalCloseParams),
    ShellOpenInEditor {
        cwd: String,
        editor: super::editor::EditorId,
    },
    ServerGetConfig,
    ServerUpsertKeybinding(KeybindingRule),
    /// A method of the protocol whose implementation has not landed; answered with an error
    /// so clients never wait for a reply that will not come.
    NotYetAvailable(&'static str),
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::OrchestrationGetSnapshot => "orchestration.getSnapshot",
            Method::OrchestrationDispatchCommand(_) => "orchestration.dispatchCommand",
            Method::OrchestrationReplayEvents { .. } => "orchestration.replayEvents",
            Method::OrchestrationGetTurnDiff { full: false, .. } => "orchestration.getTurnDiff",
            Method::OrchestrationGetTurnDiff { full: true, .. } => {
                "orchestration.getFullThreadDiff"
            }
            Method::ProjectsSearchEntries { .. } => "projects.searchEntries",
            Method::ProjectsWriteFile { .. } => "projects.writeFile",
            Method::Git { call, .. } => match call {
                GitCall::Status => "git.status",
                GitCall::Pull => "git.pull",
                GitCall::ListBranches => "git.listBranches",
                GitCall::CreateBranch { .. } => "git.createBranch",
                GitCall::Checkout { .. } => "git.checkout",
                GitCall::Init => "git.init",
                GitCall::CreateWorktree { .. } => "git.createWorktree",
                GitCall::RemoveWorktree { .. } => "git.removeWorktree",
                GitCall::RunStackedAction { .. } => "git.runStackedAction",
            },
            Method::TerminalOpen(_) => "terminal.open",
            Method::TerminalWrite(_) => "terminal.write",
            Method::TerminalResize(_) => "terminal.resize",
            Method::TerminalClear(_) => "terminal.clear",
            Method::TerminalRestart(_) => "terminal.restart",
            Method::TerminalClose(_) => "terminal.close",
            Method::ShellOpenInEditor { .. } => "shell.openInEditor",
            Method::ServerGetConfig => "server.getConfig",
            Method::ServerUpsertKeybinding(_) => "server.upsertKeybinding",
            Method::NotYetAvailable(name) => name,
        }
    }
}

/// Limits of the project methods (T3 Code v0.0.4 `project.ts`).
pub const SEARCH_QUERY_MAX_CHARS: usize = 256;
pub const SEARCH_LIMIT_MAX: usize = 200;
pub const WRITE_FILE_PATH_MAX_CHARS: usize = 512;

/// Limits of the terminal methods (T3 Code v0.0.4 `terminal.ts`).
pub const TERMINAL_ID_MAX_CHARS: usize = 128;
pub const TERMINAL_COLS: (u64, u64) = (20, 400);
pub const TERMINAL_ROWS: (u64, u64) = (5, 200);
pub const TERMINAL_WRITE_MAX_CHARS: usize = 65_536;
pub const TERMINAL_ENV_MAX_KEYS: usize = 128;
pub const TERMINAL_ENV_KEY_MAX_CHARS: usize = 128;
pub const TERMINAL_ENV_VALUE_MAX_CHARS: usize = 8_192;
pub const DEFAULT_TERMINAL_ID: &str = "default";

/// Push channels.
pub mod channels {
    pub const SERVER_WELCOME: &str = "server.welcome";
    pub const SERVER_CONFIG_UPDATED: &str = "server.configUpdated";
    pub const ORCHESTRATION_DOMAIN_EVENT: &str = "orchestration.domainEvent";
    pub const TERMINAL_EVENT: &str = "terminal.event";
    /// DP Code's channel for the steps of `git.runStackedAction`.
    pub const GIT_ACTION_PROGRESS: &str = "git.actionProgress";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_distinct_methods() {
        let mut names = KNOWN_METHODS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 25);
    }
}
