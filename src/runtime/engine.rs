//! The Engine: the single writer of the event log. Decide → project → append; once per mailbox
//! drain the batch is written in one transaction and flushed (group commit), and only then are
//! the commands acknowledged and their events published on `orchestration.domainEvent`, in
//! sequence order. Nothing is acknowledged or pushed that a crash could take back.
//!
//! It runs on its own arbiter because flushing blocks. If the store fails, the engine stops with
//! the reason; its supervisor starts a fresh incarnation that reloads the truth from disk.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use actix::prelude::*;
use tokio::sync::oneshot;

use t3rs_actors::push_relay::Publish;
use t3rs_actors::{ChildGuard, Shutdown};

use crate::orchestration::events::{AggregateKind, EventBody};
use crate::orchestration::model::{LatestTurnState, Message, ProjectScript, RuntimeMode};
use crate::orchestration::{
    decide, project, Command, DecideContext, Event, ReadModel, Session, SessionStatus,
};
use crate::protocol::methods::channels;
use crate::runtime::cwd_policy::{changes_roots, RootsView};
use crate::runtime::push_bus::{Push, PushBus};
use crate::runtime::{new_id, now_iso};
use crate::store::event_log::{CommandWrite, EventLog, Receipt};
use crate::store::StoreError;

/// Why a dispatch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispatchError {
    /// The command broke an invariant (or did before, under the same commandId).
    #[error("{0}")]
    Rejected(String),
    #[error("the event store failed; nothing was recorded: {0}")]
    Storage(String),
}

/// `orchestration.dispatchCommand`: the result is the sequence of the command's last event.
#[derive(Message)]
#[rtype(result = "Result<u64, DispatchError>")]
pub struct Dispatch(pub Command);

/// `orchestration.getSnapshot`: the read model as JSON.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct GetSnapshot;

/// Flushes anything pending and snapshots the read model (clean shutdown).
#[derive(Message)]
#[rtype(result = "u64")]
pub struct Checkpoint;

/// Threads whose session is starting or running, with that session (start-up honesty). Asking
/// for just this instead of a copy of the model keeps start-up fast on large models.
#[derive(Message)]
#[rtype(result = "Vec<(String, Session)>")]
pub struct ActiveSessions;

/// The live project whose workspace root is `cwd` (its id and default model), and the first
/// live thread in it, for the auto-bootstrap.
#[derive(Message)]
#[rtype(result = "BootstrapLookup")]
pub struct FindBootstrap {
    pub cwd: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapLookup {
    pub project: Option<(String, Option<String>)>,
    pub thread_id: Option<String>,
}

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

/// What a thread's session needs to know to act: where it works and what it has done.
#[derive(Message)]
#[rtype(result = "Option<ThreadInfo>")]
pub struct ThreadContext {
    pub thread_id: String,
    /// A message whose text and images are wanted (the user message of a turn request).
    pub message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadInfo {
    /// The thread's worktree, else its project's workspace root.
    pub cwd: Option<String>,
    pub model: String,
    pub runtime_mode: RuntimeMode,
    pub deleted: bool,
    /// `(checkpointTurnCount, turnId, checkpointRef)`, in count order.
    pub checkpoints: Vec<(u64, String, String)>,
    pub turn_running: bool,
    pub message: Option<Message>,
}

impl ThreadInfo {
    pub fn turn_count(&self) -> u64 {
        self.checkpoints.last().map_or(0, |c| c.0)
    }

    /// The git ref of checkpoint `count`: the recorded one, or for 0 the baseline taken before
    /// the first turn (which no turn records).
    pub fn checkpoint_ref(&self, thread_id: &str, count: u64) -> Option<String> {
        if count == 0 {
            return Some(crate::git::checkpoints::checkpoint_ref(thread_id, 0));
        }
        self.checkpoints
            .iter()
            .find(|c| c.0 == count)
            .map(|c| c.2.clone())
    }
}

/// The highest sequence that is durable and published; replay readers never read past it.
#[derive(Clone, Default)]
pub struct Watermark(Arc<AtomicU64>);

impl Watermark {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn set(&self, value: u64) {
        self.0.store(value, Ordering::Release);
    }
}

/// Read access to the durable part of the event log, for replay without the Engine.
#[derive(Clone)]
pub struct EventReader {
    pub log: EventLog,
    pub watermark: Watermark,
}

/// What an engine incarnation starts from.
pub struct EngineState {
    pub model: ReadModel,
    pub last_sequence: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event {sequence} in the log cannot be read ({message}); the store is damaged")]
    BadEvent { sequence: u64, message: String },
}

/// Rebuilds the read model: the newest readable snapshot, then every later event.
pub fn load_state(log: &EventLog) -> Result<EngineState, LoadError> {
    let mut model = ReadModel::default();
    let durable = log.last_sequence()?;
    for snapshot in log.snapshots_newest_first() {
        let (sequence, bytes) = snapshot?;
        if sequence > durable {
            log::warn!("snapshot {sequence} is ahead of the log ({durable}); trying an older one");
            continue;
        }
        match serde_json::from_slice::<ReadModel>(&bytes) {
            Ok(snapshot) if snapshot.snapshot_sequence == sequence => {
                model = snapshot;
                break;
            }
            Ok(_) => log::warn!("snapshot {sequence} is inconsistent; trying an older one"),
            Err(err) => log::warn!("snapshot {sequence} unreadable ({err}); trying an older one"),
        }
    }
    let from = model.snapshot_sequence;
    let mut replayed = 0u64;
    for item in log.iter_after(from) {
        let (sequence, bytes) = item?;
        let event: Event = serde_json::from_slice(&bytes).map_err(|e| LoadError::BadEvent {
            sequence,
            message: e.to_string(),
        })?;
        project(&mut model, &event);
        replayed += 1;
    }
    log::info!(
        "read model at sequence {} (snapshot {from} + {replayed} events)",
        model.snapshot_sequence
    );
    Ok(EngineState {
        last_sequence: durable.max(model.snapshot_sequence),
        model,
    })
}

type Reply = oneshot::Sender<Result<u64, DispatchError>>;

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
    replies: Vec<(Reply, Result<u64, DispatchError>)>,
    pushes: Vec<Push>,
    /// Receipts of the unflushed batch, so a duplicate inside one batch is caught too.
    batch_receipts: HashMap<String, Receipt>,
    flush_scheduled: bool,
    /// Set when this incarnation could not load the store; it stops at once with the reason.
    broken: Option<String>,
    reactor: Option<Recipient<DomainEvent>>,
    /// Events of the open batch for the reactor, sent after the flush.
    reactions: Vec<Arc<Event>>,
    /// Where the model's project roots and worktrees are published for the `cwd` check.
    roots: Option<RootsView>,
    /// The open batch changed the roots: publish them again after its flush.
    roots_changed: bool,
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
            reactor: None,
            reactions: Vec::new(),
            roots: None,
            roots_changed: false,
        }
    }

    /// Publishes the model's roots into `view` now and after every flush that changes them.
    pub fn with_roots_view(mut self, view: RootsView) -> Self {
        view.publish(&self.model);
        self.roots = Some(view);
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
            project(&mut self.model, &event);
            self.pushes.push(Push {
                channel: channels::ORCHESTRATION_DOMAIN_EVENT,
                data_json: json.clone(),
            });
            events.push((sequence, json.into_bytes()));
            self.roots_changed |= self.roots.is_some() && changes_roots(&event.body);
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

    fn snapshot(&mut self) {
        match serde_json::to_vec(&self.model) {
            Ok(json) => match self.log.save_snapshot(self.model.snapshot_sequence, &json) {
                Ok(()) => self.events_since_snapshot = 0,
                Err(err) => log::warn!("snapshot not saved: {err}"),
            },
            Err(err) => log::warn!("snapshot not encoded: {err}"),
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
        if let Some(reason) = self.broken.take() {
            self.guard.fail(reason);
            ctx.stop();
        }
    }

    fn stopping(&mut self, _ctx: &mut Self::Context) -> Running {
        // Whatever was decided but not yet flushed gets its chance now.
        if !self.batch.is_empty() || !self.replies.is_empty() {
            self.flush_now();
        }
        if self.events_since_snapshot > 0 {
            self.snapshot();
        }
        Running::Stop
    }
}

impl Engine {
    fn flush_now(&mut self) -> bool {
        self.flush_scheduled = false;
        let batch = std::mem::take(&mut self.batch);
        let replies = std::mem::take(&mut self.replies);
        let pushes = std::mem::take(&mut self.pushes);
        self.batch_receipts.clear();
        let written = self.log.write_batch(&batch).and_then(|()| self.log.flush());
        match written {
            Ok(()) => {
                let appended: u64 = batch.iter().map(|w| w.events.len() as u64).sum();
                self.watermark.set(self.next_sequence - 1);
                // Before any reply: a client told its project exists may use it at once.
                if std::mem::take(&mut self.roots_changed) {
                    if let Some(view) = &self.roots {
                        view.publish(&self.model);
                    }
                }
                for push in pushes {
                    self.bus.do_send(Publish(push));
                }
                if let Some(reactor) = &self.reactor {
                    for event in std::mem::take(&mut self.reactions) {
                        reactor.do_send(DomainEvent(event));
                    }
                }
                for (reply, outcome) in replies {
                    let _ = reply.send(outcome);
                }
                self.events_since_snapshot += appended;
                if self.events_since_snapshot >= self.snapshot_every {
                    self.snapshot();
                }
                true
            }
            Err(err) => {
                self.reactions.clear();
                self.roots_changed = false;
                log::error!("event store write failed: {err}");
                for (reply, _) in replies {
                    let _ = reply.send(Err(DispatchError::Storage(err.to_string())));
                }
                self.guard.fail(format!("event store write failed: {err}"));
                false
            }
        }
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

impl Handler<Dispatch> for Engine {
    type Result = ResponseFuture<Result<u64, DispatchError>>;

    fn handle(&mut self, msg: Dispatch, ctx: &mut Self::Context) -> Self::Result {
        let (tx, rx) = oneshot::channel();
        let command_id = msg.0.command_id().to_string();
        log_command(
            log::Level::Debug,
            &msg.0,
            format_args!("{}", msg.0.type_name()),
        );
        let outcome = match self.known_outcome(&command_id) {
            Ok(Some(receipt)) => Some(receipt_outcome(receipt)),
            Ok(None) => None,
            Err(err) => Some(Err(err)),
        };
        let outcome = match outcome {
            Some(outcome) => outcome,
            None => {
                let outcome = self.apply(&msg.0);
                if let Err(err) = &outcome {
                    log_command(
                        log::Level::Warn,
                        &msg.0,
                        format_args!("{} refused: {err}", msg.0.type_name()),
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
        // Even a repeat of an accepted command waits for the flush when the original is still
        // in the open batch: "accepted" must never be said before it is durable.
        self.replies.push((tx, outcome));
        self.schedule_flush(ctx);
        Box::pin(async move {
            rx.await
                .unwrap_or_else(|_| Err(DispatchError::Storage("the engine stopped".into())))
        })
    }
}

impl Handler<FlushBatch> for Engine {
    type Result = ();

    fn handle(&mut self, _msg: FlushBatch, ctx: &mut Self::Context) {
        if !self.flush_now() {
            ctx.stop();
        }
    }
}

impl Handler<GetSnapshot> for Engine {
    type Result = Result<String, String>;

    fn handle(&mut self, _msg: GetSnapshot, _ctx: &mut Self::Context) -> Self::Result {
        serde_json::to_string(&self.model).map_err(|e| format!("snapshot encoding failed: {e}"))
    }
}

impl Handler<ActiveSessions> for Engine {
    type Result = MessageResult<ActiveSessions>;

    fn handle(&mut self, _msg: ActiveSessions, _ctx: &mut Self::Context) -> Self::Result {
        MessageResult(
            self.model
                .threads
                .values()
                .filter(|t| t.deleted_at.is_none())
                .filter_map(|t| {
                    let session = t.session.as_ref()?;
                    matches!(
                        session.status,
                        SessionStatus::Starting | SessionStatus::Running
                    )
                    .then(|| (t.id.clone(), session.clone()))
                })
                .collect(),
        )
    }
}

impl Handler<ThreadContext> for Engine {
    type Result = MessageResult<ThreadContext>;

    fn handle(&mut self, msg: ThreadContext, _ctx: &mut Self::Context) -> Self::Result {
        let Some(thread) = self.model.threads.get(&msg.thread_id) else {
            return MessageResult(None);
        };
        let cwd = thread.worktree_path.clone().or_else(|| {
            self.model
                .projects
                .get(&thread.project_id)
                .map(|p| p.workspace_root.clone())
        });
        let message = msg
            .message_id
            .as_ref()
            .and_then(|id| thread.messages.iter().rev().find(|m| &m.id == id).cloned());
        MessageResult(Some(ThreadInfo {
            cwd,
            model: thread.model.clone(),
            runtime_mode: thread.runtime_mode,
            deleted: thread.deleted_at.is_some(),
            checkpoints: thread
                .checkpoints
                .iter()
                .map(|c| {
                    (
                        c.checkpoint_turn_count,
                        c.turn_id.clone(),
                        c.checkpoint_ref.clone(),
                    )
                })
                .collect(),
            turn_running: thread
                .latest_turn
                .as_ref()
                .is_some_and(|t| t.state == LatestTurnState::Running),
            message,
        }))
    }
}

/// The scripts of the live project whose workspace root is `cwd` (none when there is no such
/// project).
#[derive(Message)]
#[rtype(result = "Vec<ProjectScript>")]
pub struct ProjectScripts {
    pub cwd: String,
}

impl Handler<ProjectScripts> for Engine {
    type Result = MessageResult<ProjectScripts>;

    fn handle(&mut self, msg: ProjectScripts, _ctx: &mut Self::Context) -> Self::Result {
        let wanted = msg.cwd.trim_end_matches('/');
        MessageResult(
            self.model
                .projects
                .values()
                .find(|p| {
                    p.deleted_at.is_none() && p.workspace_root.trim_end_matches('/') == wanted
                })
                .map(|p| p.scripts.clone())
                .unwrap_or_default(),
        )
    }
}

impl Handler<FindBootstrap> for Engine {
    type Result = MessageResult<FindBootstrap>;

    fn handle(&mut self, msg: FindBootstrap, _ctx: &mut Self::Context) -> Self::Result {
        let project = self
            .model
            .projects
            .values()
            .find(|p| p.workspace_root == msg.cwd && p.deleted_at.is_none());
        let thread_id = project.and_then(|p| {
            self.model
                .threads
                .values()
                .find(|t| t.project_id == p.id && t.deleted_at.is_none())
                .map(|t| t.id.clone())
        });
        MessageResult(BootstrapLookup {
            project: project.map(|p| (p.id.clone(), p.default_model.clone())),
            thread_id,
        })
    }
}

impl Handler<Checkpoint> for Engine {
    type Result = u64;

    fn handle(&mut self, _msg: Checkpoint, ctx: &mut Self::Context) -> u64 {
        if (!self.batch.is_empty() || !self.replies.is_empty()) && !self.flush_now() {
            ctx.stop();
        }
        if self.events_since_snapshot > 0 {
            self.snapshot();
        }
        self.model.snapshot_sequence
    }
}

impl Handler<Shutdown> for Engine {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}
