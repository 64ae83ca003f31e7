//! t3rs: a local server that drives coding agents from the browser, speaking the T3 Code
//! WebSocket protocol.
//!
//! Module map (README.md, "Architecture", has the whole picture):
//! - [`protocol`], [`orchestration`], [`keybindings`]: the `t3rs-core` crate, re-exported:
//!   wire types and boundary decoding, the pure domain (read model, commands, events, decider,
//!   projector), keybinding rules and parsers. No I/O, no actors; the compiler keeps it so.
//! - [`provider`]: coding-agent CLIs (codex): the health check, the JSON-RPC codec, and what
//!   codex's app-server traffic means for a thread.
//! - [`git`]: the user's git: status, branches, worktrees, stacked actions, checkpoints.
//! - [`workspace`]: things done in the user's project directories: editors, the file-search
//!   index, confined writes.
//! - [`store`]: the sled database in the state directory.
//! - [`runtime`]: the application's actors, joining the pure parts to `t3rs-actors`.
//! - [`auth`]: who may drive the server: Host and Origin allowlists, pairing, sessions.
//! - [`server`]: the actix-web edge: routes, the auth endpoints, the WebSocket session.
//! - [`spawn`]: what every child process is started with: the scrubbed environment, deadlines.
//! - [`settings`] and [`state_dir`]: configuration and the one-server-per-state-dir lock.
//! - [`app`]: start-up and shutdown, in the order readiness requires.

pub mod app;
pub mod auth;
pub mod control_client;
pub mod doctor;
pub mod git;
pub mod provider;
pub mod runtime;
pub mod server;
pub mod settings;
pub mod spawn;
pub mod state_dir;
pub mod store;
#[doc(hidden)]
pub mod testkit;
pub mod workspace;

pub use t3rs_core::{keybindings, orchestration, protocol};
