//! The application's actors: where the pure parts (`t3rs-core`: `protocol`, `keybindings`,
//! `orchestration`) meet the actor toolkit in `t3rs-actors`, the store, git and the
//! workspace.

pub mod acp_driver;
pub mod agent_stdio;
pub mod claude_driver;
pub mod codex;
pub mod codex_driver;
pub mod cwd_policy;
pub mod driver_catalog;
pub mod driver_messages;
pub mod engine;
pub mod git_calls;
pub mod git_extra_calls;
pub mod keybindings_file;
pub mod mailbox_driver;
pub mod projects;
pub mod providers;
pub mod push_bus;
pub mod retention;
pub mod root;
pub mod server_config;
pub mod server_info;
pub mod settings;
pub mod startup;
pub mod supervised;
pub mod terminals;
pub mod text_generation;
pub mod thread_search;
pub mod thread_session;
pub mod turn_diffs;
pub mod voice_transcription;

/// The current time as the protocol writes it (RFC 3339, milliseconds, `Z`).
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A fresh id for a command, event or activity the server makes itself.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
