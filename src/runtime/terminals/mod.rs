//! Integrated terminals: one supervised `TerminalActor` per (threadId, terminalId), each owning a
//! shell on a pty, a bounded history (persisted in files of its own under
//! `<state dir>/terminal-history/`, apart from the event log, so a reopen, even after a server
//! restart, shows what was on screen) and its `terminal.event` pushes. The `TerminalRegistry`
//! routes requests, enforces the per-thread limit, and closes a thread's terminals when the
//! thread is deleted (it listens to the event stream like any subscriber).
//!
//! Here are the shared messages and dependencies; `actor` is one terminal, `registry` the
//! router, `environment` the shell a terminal runs and what it inherits, `history` the store of
//! what was on screen.

mod actor;
mod environment;
pub mod flow;
mod history;
mod registry;

use actix::prelude::*;

use crate::protocol::terminal::{
    TerminalClearParams, TerminalCloseParams, TerminalOpenParams, TerminalResizeParams,
    TerminalRestartParams, TerminalWriteParams,
};
use crate::runtime::push_bus::PushBus;

pub use actor::TerminalActor;
pub use history::{open_history, HistoryStore};
pub use registry::TerminalRegistry;

pub const DEFAULT_COLS: u16 = 120;
pub const DEFAULT_ROWS: u16 = 30;
/// Terminals one thread may have open at once.
pub const MAX_TERMINALS_PER_THREAD: usize = 16;

/// What every terminal needs.
#[derive(Clone)]
pub struct TerminalDeps {
    pub bus: Addr<PushBus>,
    pub history: HistoryStore,
    pub history_bytes: usize,
}

/// (threadId, terminalId).
type Key = (String, String);

// ---------------------------------------------------------------------------------------------
// Messages (answers are serialised JSON results; "" for methods that return nothing)

/// The `terminal.*` requests as messages: each wraps its decoded parameters.
macro_rules! terminal_message {
    ($($name:ident($params:ty)),* $(,)?) => {$(
        #[derive(Message, Clone, Debug)]
        #[rtype(result = "Result<String, String>")]
        pub struct $name(pub $params);
    )*};
}

terminal_message!(
    TerminalOpen(TerminalOpenParams),
    TerminalWrite(TerminalWriteParams),
    TerminalResize(TerminalResizeParams),
    TerminalClear(TerminalClearParams),
    TerminalRestart(TerminalRestartParams),
    TerminalClose(TerminalCloseParams),
);

/// `terminal.ackOutput` from one connection (see [`flow`]).
#[derive(Message, Clone, Debug)]
#[rtype(result = "Result<String, String>")]
pub struct TerminalAckOutput {
    pub connection: flow::ConnectionId,
    pub params: crate::protocol::server_fs::TerminalAckParams,
}

/// A connection closed: it stops counting in every terminal's flow control.
#[derive(Message, Clone, Copy, Debug)]
#[rtype(result = "()")]
pub struct ConnectionClosed(pub flow::ConnectionId);

/// Closes every terminal (server shutdown); answers once their shells are gone.
#[derive(Message, Clone, Debug)]
#[rtype(result = "usize")]
pub struct CloseAllTerminals;

/// A thread was deleted (from the Engine's reactor): its terminals and their history go.
#[derive(Message, Clone, Debug)]
#[rtype(result = "()")]
pub struct ThreadDeleted {
    pub thread_id: String,
}

#[cfg(test)]
mod tests;
