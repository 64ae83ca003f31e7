//! The Engine: the single writer of the event log. Decide → project → append; once per mailbox
//! drain the batch is written in one transaction and flushed (group commit), and only then are
//! the commands acknowledged and their events published on `orchestration.domainEvent`, in
//! sequence order. Nothing is acknowledged or pushed that a crash could take back.
//!
//! It runs on its own arbiter because flushing blocks. If the store fails, the incarnation is
//! poisoned: it answers nothing more from its model (which holds the lost batch), writes no
//! snapshot, and stops with the reason; its supervisor starts a fresh incarnation that reloads
//! the truth from disk. Reads are answered only once the open batch is flushed, so they never
//! show what a crash could take back.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use tokio::sync::oneshot;

use t3rs_actors::ChildGuard;

use crate::orchestration::events::{AggregateKind, EventBody};
use crate::orchestration::v004::v004_event_json;
use crate::orchestration::{decide, Command, DecideContext, Event, ReadModel};
use crate::protocol::methods::channels;
use crate::runtime::cwd_policy::{changes_roots, RootsView};
use crate::runtime::push_bus::{Audience, Push, PushBus};
use crate::runtime::thread_search::{ThreadSearch, Touch};
use crate::runtime::{new_id, now_iso};
use crate::store::event_log::{CommandWrite, EventLog, Receipt};
use crate::store::history::BatchLists;
use crate::store::history_as_of::Captures;
use crate::store::snapshot_writer::SnapshotWriter;

mod flush;
mod handlers;
mod pending;
mod queries;
pub mod snapshot_job;
mod state;
pub mod streams;
#[cfg(test)]
mod tests;
mod write_gate;

/// At most this many commands share one group-commit batch: the batch is flushed when it is
/// reached, so one long mailbox drain neither delays its first replies without bound nor builds
/// one huge transaction.
pub const BATCH_CAP: usize = 1_000;

/// How long a checkpoint waits for the snapshot writer (inside app.rs's 1.5 s stop timeout);
/// past it, dropping the writer still finishes the write.
const SNAPSHOT_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// How callers reach the Engine: straight to the running incarnation, kept current by its
/// supervisor (no second mailbox trip); while it is down, `ChildUnavailable` at once.
pub type EngineHandle = t3rs_actors::ChildHandle<Engine>;

pub use pending::{PendingRequests, ThreadPendingRequests};
pub use queries::{
    ActiveSessions, BootstrapLookup, FindBootstrap, GetSnapshot, ProjectScripts, ThreadContext,
    ThreadInfo,
};
pub use state::{load_state, EngineState, EventReader, LoadError, Watermark};
pub use write_gate::WriteGate;

/// Why a dispatch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispatchError {
    /// The command broke an invariant (or did before, under the same commandId).
    #[error("{0}")]
    Rejected(String),
    #[error("the event store failed; nothing was recorded: {0}")]
    Storage(String),
    /// The store takes no writes now (a full disk, or damage found); the reason says which
    /// and what to do. Nothing was recorded, so a retry later is applied.
    #[error("{0}")]
    ReadOnly(String),
}

/// `orchestration.dispatchCommand`: the result is the sequence of the command's last event.
#[derive(Message)]
#[rtype(result = "Result<u64, DispatchError>")]
pub struct Dispatch(pub Command);

/// [`Dispatch`], answered with whether the command's events are published by the same flush
/// that answers it: a client's connection holds the reply until it has written those pushes.
#[derive(Message)]
#[rtype(result = "Result<Dispatched, DispatchError>")]
pub struct DispatchPublished(pub Command);

/// An accepted dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatched {
    /// The sequence of the command's last event (a repeat: the first outcome's).
    pub sequence: u64,
    /// The events up to `sequence` are published to the bus just before this answer is sent,
    /// so every connection subscribed before the dispatch will be delivered them. False for a
    /// repeat whose events were flushed (and published) by an earlier batch.
    pub published_now: bool,
}

/// Flushes anything pending and snapshots the read model (clean shutdown).
#[derive(Message)]
#[rtype(result = "u64")]
pub struct Checkpoint;

#[derive(Message)]
#[rtype(result = "()")]
struct FlushBatch;

/// A durable event the provider side acts on (turn requests, approvals, stops, reverts,
/// deletions), sent once it is flushed, in sequence order.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct DomainEvent(pub Arc<Event>);

fn is_provider_event(event: &Event) -> bool {
    matches!(
        event.body,
        EventBody::ThreadTurnStartRequested(_)
            | EventBody::ThreadTurnInterruptRequested(_)
            | EventBody::ThreadApprovalResponseRequested(_)
            | EventBody::ThreadUserInputResponseRequested(_)
            | EventBody::ThreadCheckpointRevertRequested(_)
            | EventBody::ThreadSessionStopRequested(_)
            | EventBody::ThreadDeleted(_)
    )
}

type Reply = oneshot::Sender<Result<Dispatched, DispatchError>>;

pub struct Engine {
    guard: ChildGuard,
    log: EventLog,
    bus: Addr<PushBus>,
    watermark: Watermark,
    model: ReadModel,
    next_sequence: u64,
    snapshot_every: u64,
    events_since_snapshot: u64,
    /// Commands decided since the last flush, with their replies.
    batch: Vec<CommandWrite>,
    replies: Vec<(Reply, Result<Dispatched, DispatchError>)>,
    pushes: Vec<Push>,
    /// Receipts of the unflushed batch, so a duplicate inside one batch is caught too.
    batch_receipts: HashMap<String, Receipt>,
    flush_scheduled: bool,
    /// Set when this incarnation could not load the store; it stops at once with the reason.
    broken: Option<String>,
    /// Set when a flush failed: the model holds events that are not on disk, so nothing more is
    /// answered from it or snapshotted; the incarnation is stopping.
    poisoned: Option<String>,
    #[cfg(test)]
    fail_writes: bool,
    /// The number of commands in each flushed batch.
    #[cfg(test)]
    flushed: Vec<usize>,
    reactor: Option<Recipient<DomainEvent>>,
    /// Events of the open batch for the reactor, sent after the flush.
    reactions: Vec<Arc<Event>>,
    /// Where the model's project roots and worktrees are published for the `cwd` check.
    roots: Option<RootsView>,
    /// The open batch changed the roots: publish them again after its flush.
    roots_changed: bool,
    /// `orchestration.searchThreads`'s index, and what the open batch changes in it.
    search: Option<ThreadSearch>,
    search_touches: Vec<Touch>,
    gate: WriteGate,
    /// Encodes and writes snapshots on a thread of its own, from a clone of the model that
    /// shares its rows: a large snapshot does not stall dispatch.
    snapshots: SnapshotWriter,
    /// Whether anyone subscribed to the shell or a thread (DP Code's streams).
    watch: streams::StreamWatch,
    /// The open batch's writes to the threads' lists.
    lists: BatchLists,
    /// Snapshot readers reading the lists off the Engine's thread, as of their sequence.
    captures: Captures,
}

impl Engine {
    /// An incarnation that could not load its state: it fails on start, so the supervisor backs
    /// off and eventually gives up, saying why.
    pub fn broken(
        guard: ChildGuard,
        log: EventLog,
        bus: Addr<PushBus>,
        watermark: Watermark,
        reason: String,
    ) -> Engine {
        let current = watermark.get();
        let mut engine = Engine::new(
            guard,
            log,
            bus,
            watermark,
            EngineState {
                model: ReadModel::default(),
                last_sequence: current,
            },
            u64::MAX,
        );
        engine.broken = Some(reason);
        engine
    }

    pub fn new(
        guard: ChildGuard,
        log: EventLog,
        bus: Addr<PushBus>,
        watermark: Watermark,
        state: EngineState,
        snapshot_every: u64,
    ) -> Engine {
        watermark.set(state.last_sequence);
        let snapshots = SnapshotWriter::new(log.clone());
        Engine {
            guard,
            log,
            bus,
            watermark,
            model: state.model,
            next_sequence: state.last_sequence + 1,
            snapshot_every: snapshot_every.max(1),
            events_since_snapshot: 0,
            batch: Vec::new(),
            replies: Vec::new(),
            pushes: Vec::new(),
            batch_receipts: HashMap::new(),
            flush_scheduled: false,
            broken: None,
            poisoned: None,
            #[cfg(test)]
            fail_writes: false,
            #[cfg(test)]
            flushed: Vec::new(),
            reactor: None,
            reactions: Vec::new(),
            roots: None,
            roots_changed: false,
            search: None,
            search_touches: Vec::new(),
            gate: WriteGate::default(),
            snapshots,
            watch: streams::StreamWatch::default(),
            lists: BatchLists::default(),
            captures: Captures::default(),
        }
    }

    /// Builds DP Code's stream items while `watch` says someone subscribed.
    pub fn with_stream_watch(mut self, watch: streams::StreamWatch) -> Self {
        self.watch = watch;
        self
    }

    /// Refuses writes while the store's health says so, and exits the process when a write
    /// fails (see [`WriteGate`]).
    pub fn with_write_gate(mut self, gate: WriteGate) -> Self {
        self.gate = gate;
        self
    }

    /// Publishes the model's roots into `view` now and after every flush that changes them.
    pub fn with_roots_view(mut self, view: RootsView) -> Self {
        view.publish(&self.model);
        self.roots = Some(view);
        self
    }

    /// Starts `search` from the model (its signatures build on a thread of their own) and
    /// keeps it current after every flush.
    pub fn with_search(mut self, search: ThreadSearch) -> Self {
        search.start(&self.model);
        self.search = Some(search);
        self
    }

    /// Where provider-relevant events go once durable.
    pub fn with_reactor(mut self, reactor: Recipient<DomainEvent>) -> Self {
        self.reactor = Some(reactor);
        self
    }

    fn schedule_flush(&mut self, ctx: &mut Context<Self>) {
        if !self.flush_scheduled {
            self.flush_scheduled = true;
            // Runs after the current mailbox drain: everything queued now shares one flush.
            ctx.notify(FlushBatch);
        }
    }

    /// Decides and projects one command into the open batch; returns its outcome.
    fn apply(&mut self, command: &Command) -> Result<u64, DispatchError> {
        let mut ids = new_id;
        let mut decide_ctx = DecideContext {
            now: now_iso(),
            next_id: &mut ids,
        };
        let drafts = match decide(command, &self.model, &mut decide_ctx) {
            Ok(drafts) => drafts,
            Err(err) => return Err(DispatchError::Rejected(err.to_string())),
        };
        let mut events = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let sequence = self.next_sequence;
            let event = draft.into_event(sequence);
            let json = serde_json::to_string(&event)
                .map_err(|e| DispatchError::Storage(format!("event encoding: {e}")))?;
            self.next_sequence += 1;
            if let Err(err) = self
                .lists
                .project(&mut self.model, self.log.history(), &event)
            {
                // The row may hold half of the event: nothing more is answered from it.
                let reason = format!("the threads' history cannot be read: {err}");
                log::error!("{reason}");
                self.poisoned = Some(reason.clone());
                self.guard.fail(reason.clone());
                return Err(DispatchError::Storage(reason));
            }
            self.stream_pushes(&event, &json);
            // The log keeps the real event; v0.0.4's channel gets what its clients know.
            self.pushes.push(Push {
                channel: channels::ORCHESTRATION_DOMAIN_EVENT,
                data_json: v004_event_json(&event).unwrap_or_else(|| json.clone()),
                event_sequence: Some(sequence),
                audience: Audience::Unsubscribed,
            });
            events.push((sequence, json.into_bytes()));
            self.roots_changed |= self.roots.is_some() && changes_roots(&event.body);
            if let (Some(_), Some(touch)) = (&self.search, Touch::of(&event)) {
                // The index reads the row back at the flush: a streamed message's run of
                // deltas needs it read once, not once per delta.
                if self.search_touches.last() != Some(&touch) {
                    self.search_touches.push(touch);
                }
            }
            if self.reactor.is_some() && is_provider_event(&event) {
                self.reactions.push(Arc::new(event));
            }
        }
        let last = events
            .last()
            .map(|(s, _)| *s)
            .unwrap_or(self.model.snapshot_sequence);
        self.batch.push(CommandWrite {
            command_id: command.command_id().to_string(),
            receipt: Receipt::Accepted { sequence: last },
            events,
        });
        Ok(last)
    }

    fn known_outcome(&self, command_id: &str) -> Result<Option<Receipt>, DispatchError> {
        if let Some(receipt) = self.batch_receipts.get(command_id) {
            return Ok(Some(receipt.clone()));
        }
        self.log
            .receipt(command_id)
            .map_err(|e| DispatchError::Storage(e.to_string()))
    }

    /// Anything decided but not flushed, or replies waiting for a flush.
    fn pending(&self) -> bool {
        !self.batch.is_empty() || !self.replies.is_empty()
    }

    /// Makes the model durable before a read answers from it: flushes the open batch if there
    /// is one. Err when the model cannot be trusted (the flush failed; the engine is stopping).
    fn settle(&mut self, ctx: &mut Context<Self>) -> Result<(), String> {
        if self.pending() && !self.flush_now() {
            ctx.stop();
        }
        match &self.poisoned {
            Some(reason) => Err(reason.clone()),
            None => Ok(()),
        }
    }

    fn snapshot(&mut self) {
        if let Some(reason) = &self.poisoned {
            log::warn!("no snapshot: the model holds events that were not stored ({reason})");
            return;
        }
        if let Some(reason) = self.gate.snapshot_block() {
            log::warn!("no snapshot now: {reason}");
            return;
        }
        self.snapshots.save(self.model.clone());
        self.events_since_snapshot = 0;
    }

    fn wait_for_snapshot(&self) {
        if !self.snapshots.wait_idle(SNAPSHOT_WAIT) {
            log::warn!("the snapshot is still being written after {SNAPSHOT_WAIT:?}");
        }
    }
}

fn receipt_outcome(receipt: Receipt) -> Result<u64, DispatchError> {
    match receipt {
        Receipt::Accepted { sequence } => Ok(sequence),
        Receipt::Rejected { message } => Err(DispatchError::Rejected(message)),
    }
}

impl Actor for Engine {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // A full mailbox makes actix hold a sender's message and retry it later, which lets
        // one connection's commands overtake each other (an update before its create). So the
        // mailbox is far larger than what can be in flight (`max_requests_in_flight` per
        // connection × `max_connections`, 256 × 512 by default), which is where it is bounded.
        ctx.set_mailbox_capacity(1 << 20);
        // Fault injection (tests/fatal.rs): an Engine that panics whenever it starts.
        #[cfg(feature = "failpoints")]
        fail::fail_point!("engine-started");
        if let Some(reason) = self.broken.take() {
            self.guard.fail(reason);
            ctx.stop();
        }
    }

    fn stopping(&mut self, _ctx: &mut Self::Context) -> Running {
        // Whatever was decided but not yet flushed gets its chance now.
        if self.pending() {
            self.flush_now();
        }
        if self.events_since_snapshot > 0 {
            self.snapshot();
        }
        self.wait_for_snapshot();
        Running::Stop
    }
}

/// A log line about a command, carrying its `command_id` and the id of the thread or project it
/// is about as key-values, so one command's lines can be found together (`RUST_LOG=debug`).
fn log_command(level: log::Level, command: &Command, message: std::fmt::Arguments<'_>) {
    if !log::log_enabled!(level) {
        return;
    }
    let command_id = command.command_id();
    match command.aggregate() {
        (AggregateKind::Thread, thread_id) => {
            log::log!(level, command_id = command_id, thread_id = thread_id; "{message}")
        }
        (AggregateKind::Project, project_id) => {
            log::log!(level, command_id = command_id, project_id = project_id; "{message}")
        }
    }
}

impl Engine {
    /// Decides `command` into the open batch (or finds its earlier outcome) and returns where
    /// its answer will arrive, after the batch's flush.
    fn dispatch(
        &mut self,
        command: &Command,
        ctx: &mut Context<Self>,
    ) -> oneshot::Receiver<Result<Dispatched, DispatchError>> {
        let (tx, rx) = oneshot::channel();
        // Fault injection (tests/fatal.rs): a panic while deciding a command.
        #[cfg(feature = "failpoints")]
        fail::fail_point!("engine-dispatch");
        if let Some(reason) = &self.poisoned {
            let _ = tx.send(Err(DispatchError::Storage(reason.clone())));
            return rx;
        }
        let command_id = command.command_id().to_string();
        log_command(
            log::Level::Debug,
            command,
            format_args!("{}", command.type_name()),
        );
        let outcome = match self.known_outcome(&command_id) {
            Ok(Some(receipt)) => Some(receipt_outcome(receipt)),
            Ok(None) => None,
            Err(err) => Some(Err(err)),
        };
        let outcome = match outcome {
            Some(outcome) => outcome,
            None => {
                let outcome = match self.gate.block() {
                    Some(reason) => Err(DispatchError::ReadOnly(reason)),
                    None => self.apply(command),
                };
                if let Err(err) = &outcome {
                    log_command(
                        log::Level::Warn,
                        command,
                        format_args!("{} refused: {err}", command.type_name()),
                    );
                }
                if let Err(DispatchError::Rejected(message)) = &outcome {
                    self.batch.push(CommandWrite {
                        command_id: command_id.clone(),
                        receipt: Receipt::Rejected {
                            message: message.clone(),
                        },
                        events: Vec::new(),
                    });
                }
                if let Some(write) = self.batch.last() {
                    if write.command_id == command_id {
                        self.batch_receipts
                            .insert(command_id, write.receipt.clone());
                    }
                }
                outcome
            }
        };
        // Events above the watermark are in the open batch: its flush publishes them.
        let flushed = self.watermark.get();
        let outcome = outcome.map(|sequence| Dispatched {
            sequence,
            published_now: sequence > flushed,
        });
        // Even a repeat of an accepted command waits for the flush when the original is still
        // in the open batch: "accepted" must never be said before it is durable.
        self.replies.push((tx, outcome));
        if self.replies.len() >= BATCH_CAP {
            if !self.flush_now() {
                ctx.stop();
            }
        } else {
            self.schedule_flush(ctx);
        }
        rx
    }
}
