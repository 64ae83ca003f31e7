//! The method table: every `_tag` the protocol defines, and the typed calls decoded so far.

use super::keybindings::KeybindingRule;

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
    ServerGetConfig,
    ServerUpsertKeybinding(KeybindingRule),
    /// A method of the protocol whose implementation has not landed; answered with an error
    /// so clients never wait for a reply that will not come.
    NotYetAvailable(&'static str),
}

/// Push channels.
pub mod channels {
    pub const SERVER_WELCOME: &str = "server.welcome";
    pub const SERVER_CONFIG_UPDATED: &str = "server.configUpdated";
    pub const ORCHESTRATION_DOMAIN_EVENT: &str = "orchestration.domainEvent";
    pub const TERMINAL_EVENT: &str = "terminal.event";
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
