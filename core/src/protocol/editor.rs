//! The editors a client may ask to open a workspace in (`shell.openInEditor`'s `editor`, the
//! welcome's `availableEditors`). Which are installed, and launching one, is
//! `t3rs::workspace::editors`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EditorId {
    Cursor,
    Vscode,
    Zed,
    FileManager,
}

impl EditorId {
    /// The order the client lists editors in, matching the reference's `EDITORS` table.
    pub const ALL: [EditorId; 4] = [
        EditorId::Cursor,
        EditorId::Vscode,
        EditorId::Zed,
        EditorId::FileManager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EditorId::Cursor => "cursor",
            EditorId::Vscode => "vscode",
            EditorId::Zed => "zed",
            EditorId::FileManager => "file-manager",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EditorId::Cursor => "Cursor",
            EditorId::Vscode => "VS Code",
            EditorId::Zed => "Zed",
            EditorId::FileManager => "File Manager",
        }
    }
}
