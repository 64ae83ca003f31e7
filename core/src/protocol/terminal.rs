//! Parameters of the `terminal.*` methods, decoded and validated at the boundary.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOpenParams {
    pub thread_id: String,
    pub terminal_id: String,
    pub cwd: String,
    pub cols: Option<u16>,
    pub rows: Option<u16>,
    pub env: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalWriteParams {
    pub thread_id: String,
    pub terminal_id: String,
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalResizeParams {
    pub thread_id: String,
    pub terminal_id: String,
    pub cols: u16,
    pub rows: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalClearParams {
    pub thread_id: String,
    pub terminal_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalRestartParams {
    pub thread_id: String,
    pub terminal_id: String,
    pub cwd: String,
    pub cols: u16,
    pub rows: u16,
    pub env: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalCloseParams {
    pub thread_id: String,
    pub terminal_id: Option<String>,
    pub delete_history: bool,
}
