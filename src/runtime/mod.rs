//! The application's actors: where the pure parts (`protocol`, `keybindings`, later
//! `orchestration`) meet the actor toolkit in `t3rs-actors`.

pub mod codex;
pub mod engine;
pub mod git_calls;
pub mod projects;
pub mod providers;
pub mod push_bus;
pub mod root;
pub mod server_config;
pub mod startup;
pub mod terminals;
pub mod thread_session;
pub mod turn_diffs;
