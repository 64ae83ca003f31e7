//! The pure orchestration domain: the read model, commands, events, the decider (command →
//! events, checking invariants) and the projector (event → read model).
//!
//! This module never does I/O and never reads the clock: the engine (`runtime::engine`) passes
//! the time and an id source in, assigns sequences, stores events and publishes them. That keeps
//! every rule here testable by plain function calls and makes a replay reproduce the model
//! exactly. Names, payloads and error texts follow T3 Code v0.0.4
//! (`apps/server/src/orchestration/{decider,projector,commandInvariants}.ts`).

pub mod commands;
pub mod decider;
pub mod events;
pub mod full_model;
pub mod history;
pub mod history_kv;
pub mod history_pages;
pub mod list_projector;
pub mod model;
pub mod projector;
pub mod retention;
pub mod shell;
pub mod snapshot_writer;
pub mod tail_replay;
pub mod thread_lists;
pub mod v004;

pub use commands::{decode_client_command, ClientCommand, Command, InternalCommand};
pub use decider::{decide, DecideContext, InvariantError};
pub use events::{AggregateKind, Event, EventBody, EventDraft, EventMetadata};
pub use full_model::{FullModel, FullThread};
pub use model::*;
pub use projector::{project, project_head};

#[cfg(test)]
mod archive_tests;
#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod test_support;
