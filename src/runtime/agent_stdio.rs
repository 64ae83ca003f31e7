//! What an agent's process actor (codex's, Claude Code's, an ACP agent's) and its owning
//! driver share: the read-ahead window that keeps an owner that waits (a checkpoint, a backoff)
//! from collecting the agent's output in its mailbox, the ticket each told event holds a place
//! of it with, and the link a driver writes stdin lines through and stops the process by.

use std::sync::Arc;

use actix::prelude::*;
use serde_json::Value;
use t3rs_actors::Shutdown;
use tokio::sync::Semaphore;

/// Events told to the owner and not yet handled (dropped) by it. Past this many, the agent's
/// output is no longer read (the `ChildProcess` holds it in the pipe) until the owner catches
/// up. An owner waiting for an answer behind more than this many events gets it when its
/// request times out.
pub const OWNER_WINDOW: usize = 256;

/// One place in the owner's window, given back when the event carrying it is dropped. A clone
/// holds none.
#[derive(Debug, Default)]
pub struct Ticket {
    _place: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Clone for Ticket {
    fn clone(&self) -> Self {
        Ticket { _place: None }
    }
}

impl PartialEq for Ticket {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// [`OWNER_WINDOW`] places for events told to one owner.
#[derive(Clone, Debug)]
pub struct Window(Arc<Semaphore>);

impl Default for Window {
    fn default() -> Self {
        Window(Arc::new(Semaphore::new(OWNER_WINDOW)))
    }
}

impl Window {
    /// A place for the next event; past the window (several events from one line) the event
    /// goes without one.
    pub fn ticket(&self) -> Ticket {
        Ticket {
            _place: self.0.clone().try_acquire_owned().ok(),
        }
    }

    pub fn has_room(&self) -> bool {
        self.0.available_permits() > 0
    }

    /// Resolves once a place is free.
    pub async fn room(self) {
        // Closed never: the semaphore lives as long as the window.
        let _ = self.0.acquire().await;
    }
}

/// A JSON line for the agent's stdin.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct WriteJson(pub Value);

/// What a driver holds of a running process: where its stdin lines go and how it is stopped.
/// The mailbox-harness tests put a recorder here.
#[derive(Clone)]
pub struct ProcessLink {
    pub write: Recipient<WriteJson>,
    pub stop: Recipient<Shutdown>,
}
