//! One thread's provider session: reacts to the thread's durable requests (turn start,
//! interrupt, approvals, answers, stop, revert, deletion), drives that thread's agent through
//! its [`ProviderDriver`] (codex's by default), and turns the driver's normalized events into
//! internal commands through the Engine, never around it. It also takes the thread's per-turn
//! checkpoints. It reads the driver's capabilities, never its name.
//!
//! Commands leave through a one-at-a-time outbox: while one dispatch waits for the Engine's
//! flush, streamed assistant text arriving meanwhile is merged into the next one, and text is
//! sent at most every [`TEXT_INTERVAL`]. A 10,000-delta answer becomes a few dozen log entries,
//! not 10,000, and every other command keeps its place in line.
//!
//! The actor is here, with its driver and its handlers; `outbox` is the line itself,
//! `commands` what goes into it, `turns` a turn's life, `revert` a revert, and `checkpoints`
//! the git side of both.

mod checkpoints;
mod commands;
mod conversation;
mod driver_events;
mod outbox;
mod queue;
mod revert;
mod turns;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use serde_json::json;
use t3rs_actors::{Ask, ChildGuard, Shutdown};

use crate::orchestration::events::{EventBody, ThreadTurnStartRequestedPayload};
use crate::orchestration::model::{ActivityTone, ModelSelection, RuntimeMode, SessionStatus};
use crate::orchestration::Event;
use crate::provider::driver::{Answer, DriverContext, DriverFactory, DriverInfo, ProviderDriver};
pub use crate::runtime::codex_driver::codex_policy;
#[cfg(test)]
use crate::runtime::codex_driver::strip_ansi;
use crate::runtime::codex_driver::CodexDriverFactory;
use crate::runtime::driver_catalog::{AgentKey, DriverCatalog};
use crate::runtime::engine::{PendingRequests, ThreadContext, ThreadInfo, ThreadPendingRequests};
use crate::runtime::now_iso;
use crate::runtime::providers::ProviderSettings;
use checkpoints::blocking;
pub use outbox::{SharedOutbox, TEXT_INTERVAL};

/// What every thread session shares.
pub struct ProviderDeps {
    pub engine: crate::runtime::engine::EngineHandle,
    pub settings: ProviderSettings,
}

/// A durable domain event about this thread.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct React(pub Arc<Event>);

/// Takes up the next request in the inbox (sent to itself, so it waits for whatever the
/// previous request started).
#[derive(Message)]
#[rtype(result = "()")]
struct Drain;

/// Test-only: panics the session, as a bug in a handler would.
#[cfg(test)]
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct InjectPanic;

/// The running agent (the driver's connection); it is always of the session's current
/// generation and runtime mode.
struct Live {
    cwd: String,
    provider_thread: Option<String>,
}

struct ActiveTurn {
    turn_id: Option<String>,
    /// The agent and model running it (options left out: they say how, not who): what its
    /// text is credited to, whatever a message queued behind it selects meanwhile.
    agent: ModelSelection,
    cwd: String,
    base_count: u64,
    assistant_message: Option<String>,
    /// The answer being written, until the agent says it is done. One the agent leaves open
    /// (codex drops its model request on a steer; an interrupt ends the turn mid-answer) is
    /// completed by the session, so it does not look as if it were still being written.
    open_answer: Option<String>,
    /// A steer went into the turn: an answer left open after it was cut short by it.
    steered: bool,
}

/// How a turn's end reports the session, when it is not simply the turn's outcome.
#[derive(Clone)]
struct SessionAfter {
    status: SessionStatus,
    last_error: Option<String>,
}

/// Where a session finds the driver catalog in effect.
pub type DriverSource = Arc<dyn Fn() -> DriverCatalog + Send + Sync>;

pub struct ThreadSession {
    guard: ChildGuard,
    thread_id: String,
    deps: Arc<ProviderDeps>,
    factory: Arc<dyn DriverFactory>,
    /// Who the driver is and what it can do (the factory's word, known before it starts).
    info: DriverInfo,
    /// Made when the actor starts (it needs the session's address).
    driver: Option<Arc<dyn ProviderDriver>>,
    /// The agent the driver runs; a turn naming another switches drivers first.
    agent: AgentKey,
    /// Where another agent's driver comes from; without one (a session given its driver
    /// factory, as in tests) the session keeps its one agent.
    drivers: Option<DriverSource>,
    /// The agent was switched after earlier turns: its first turn is given the transcript.
    seed_transcript: bool,
    /// Every `runtime.warning` this incarnation recorded: an identical one is recorded once.
    warnings: HashSet<String>,
    live: Option<Live>,
    generation: u64,
    runtime_mode: RuntimeMode,
    turn: Option<ActiveTurn>,
    crashes: u32,
    outbox: SharedOutbox,
    last_used: Instant,
    /// A later incarnation: it asks the Engine for the requests its predecessor left.
    restarted: bool,
    /// Requests up to this sequence were taken up (or left on purpose) by this incarnation.
    handled_up_to: u64,
    /// Requests in sequence order, taken up one at a time.
    inbox: VecDeque<Arc<Event>>,
    draining: bool,
    /// A turn waiting out the crash backoff: the launch scheduled for its end. The mailbox
    /// stays open meanwhile, so an interrupt or a stop cancels it.
    backoff: Option<SpawnHandle>,
    /// A turn being launched in codex (checkpoint, conversation, `turn/start`): a spawned
    /// future, not a wait, so codex's events, an interrupt and a stop are read meanwhile.
    launching: Option<SpawnHandle>,
    /// An interrupt that came during the launch, sent once the turn has its id.
    interrupt_after_launch: bool,
    /// Turn starts that came while a turn ran, in the order they start (see `queue`).
    queue: VecDeque<ThreadTurnStartRequestedPayload>,
    /// The messages queued and not yet started (by this incarnation or, as its pending
    /// requests said, a failed one).
    queued_ids: HashSet<String>,
}

/// The crash backoff before starting codex again: none for the first crash, then doubling
/// from half a second up to half a minute.
fn restart_delay(crashes: u32) -> Duration {
    if crashes < 2 {
        return Duration::ZERO;
    }
    let factor = 1u64 << (crashes - 2).min(6);
    Duration::from_millis(500 * factor).min(Duration::from_secs(30))
}

impl ThreadSession {
    pub fn new(guard: ChildGuard, thread_id: String, deps: Arc<ProviderDeps>) -> Self {
        let factory: Arc<dyn DriverFactory> = Arc::new(CodexDriverFactory::new(&deps.settings));
        ThreadSession {
            guard,
            thread_id,
            deps,
            info: factory.info(),
            factory,
            driver: None,
            agent: AgentKey::codex(),
            drivers: None,
            seed_transcript: false,
            warnings: HashSet::new(),
            live: None,
            generation: 0,
            runtime_mode: RuntimeMode::default(),
            turn: None,
            crashes: 0,
            outbox: SharedOutbox::default(),
            last_used: Instant::now(),
            restarted: false,
            handled_up_to: 0,
            inbox: VecDeque::new(),
            draining: false,
            backoff: None,
            launching: None,
            interrupt_after_launch: false,
            queue: VecDeque::new(),
            queued_ids: HashSet::new(),
        }
    }

    /// Runs each turn on the driver its `modelSelection` names, from `drivers`.
    pub fn with_drivers(self, drivers: DriverCatalog) -> Self {
        self.with_drivers_from(Arc::new(move || drivers.clone()))
    }

    /// Like [`ThreadSession::with_drivers`], asking `source` each time a turn names another
    /// agent, so settings changed since the session started (a newly declared ACP instance, a
    /// new `binaryPath`) count.
    pub fn with_drivers_from(mut self, source: DriverSource) -> Self {
        self.drivers = Some(source);
        self
    }

    /// Makes the session run on `agent`'s driver, if it does not already: the running agent
    /// stops, and its conversation stays stored under its own name for a later switch back.
    /// `had_turns`: the thread has turns the new agent never saw, which an activity says.
    pub(super) fn use_agent(
        &mut self,
        agent: AgentKey,
        had_turns: bool,
        ctx: &mut Context<Self>,
    ) -> Result<(), String> {
        if agent == self.agent {
            return Ok(());
        }
        let Some(drivers) = &self.drivers else {
            return Ok(());
        };
        let factory = drivers().factory(&agent)?;
        let previous = self.info.title.clone();
        self.retire();
        self.close_driver();
        self.info = factory.info();
        self.driver = Some(factory.start(DriverContext {
            thread_id: self.thread_id.clone(),
            events: ctx.address().recipient(),
        }));
        self.factory = factory;
        self.agent = agent;
        if had_turns {
            self.seed_transcript = true;
            let message = format!(
                "This turn runs on {}, in a new conversation: it is given this thread's earlier \
                 messages with {previous} as a transcript (the newest, up to 32 KB).",
                self.info.title
            );
            self.note(
                ActivityTone::Info,
                "provider.switched",
                "Provider switched",
                json!({ "message": message, "provider": self.info.name }),
                None,
                ctx,
            );
        }
        Ok(())
    }

    /// Drives the agent through drivers of `factory` instead of codex's.
    pub fn with_driver_factory(mut self, factory: Arc<dyn DriverFactory>) -> Self {
        self.info = factory.info();
        self.factory = factory;
        self
    }

    /// The session's driver, made when the actor started (before any message).
    fn driver(&self) -> Arc<dyn ProviderDriver> {
        match &self.driver {
            Some(driver) => driver.clone(),
            None => unreachable!("a thread session's driver is made when it starts"),
        }
    }

    /// The thread's outbox, kept across incarnations by the session's factory: what a failed
    /// incarnation left unsent or unanswered is sent by this one.
    pub fn with_outbox(mut self, outbox: SharedOutbox) -> Self {
        self.outbox = outbox;
        self
    }

    /// This incarnation follows one that failed: before anything else it acts on the
    /// thread's pending requests (see [`ThreadPendingRequests`]).
    pub fn restarted(mut self) -> Self {
        self.restarted = true;
        self
    }

    /// Takes the Engine's answer: closes the questions codex asked that nobody answered (no
    /// codex could take their answers now), ends the turn the failed incarnation left running
    /// (session `error` and an activity), then queues the requests it left, oldest first.
    /// Answers to codex's questions and interrupts are dropped with that turn: the codex they
    /// were for is gone.
    fn resume(&mut self, pending: PendingRequests, ctx: &mut Context<Self>) {
        self.handled_up_to = self.handled_up_to.max(pending.as_of);
        self.queued_ids.extend(pending.queued.iter().cloned());
        let stale = pending
            .session
            .as_ref()
            .filter(|s| matches!(s.status, SessionStatus::Starting | SessionStatus::Running));
        let ended = stale.is_some();
        let reason =
            "The thread's session restarted after a failure; the turn in progress was ended.";
        let now = now_iso();
        for question in &pending.open_questions {
            let activity = question.cancelled(reason, crate::runtime::new_id(), &now);
            self.append_activity(activity, ctx);
        }
        if let Some(session) = stale {
            self.runtime_mode = session.runtime_mode;
            self.note(
                ActivityTone::Error,
                "provider.session.restarted",
                "Session restarted",
                json!({ "detail": reason }),
                session.active_turn_id.clone(),
                ctx,
            );
            self.set_session(SessionStatus::Error, None, Some(reason.to_string()), ctx);
        }
        for event in pending.requests {
            let moot = ended
                && matches!(
                    event.body,
                    EventBody::ThreadTurnInterruptRequested(_)
                        | EventBody::ThreadApprovalResponseRequested(_)
                        | EventBody::ThreadUserInputResponseRequested(_)
                );
            if !moot {
                self.inbox.push_back(event);
            }
        }
        self.drain(ctx);
    }

    /// Takes up the oldest queued request; the next one follows through the mailbox, after
    /// every wait the first one started.
    fn drain(&mut self, ctx: &mut Context<Self>) {
        if self.draining {
            return;
        }
        let Some(event) = self.inbox.pop_front() else {
            return;
        };
        self.react(&event, ctx);
        if !self.inbox.is_empty() {
            self.draining = true;
            ctx.address().do_send(Drain);
        }
    }

    /// The turn's answer, for its checkpoint; called per delta, so it copies the id only when it
    /// changes.
    fn remember_assistant_message(&mut self, message_id: &str) {
        if let Some(turn) = &mut self.turn {
            if turn.assistant_message.as_deref() != Some(message_id) {
                turn.assistant_message = Some(message_id.to_string());
            }
        }
    }

    fn retire(&mut self) {
        if self.live.take().is_some() {
            if let Some(driver) = &self.driver {
                driver.disconnect();
            }
        }
    }

    /// An agent for `cwd` in `mode` (the driver's connection of the current generation),
    /// started if none fits; returns, when its conversation still has to be opened, the
    /// stored conversation to resume.
    fn ensure_live(
        &mut self,
        cwd: &str,
        mode: RuntimeMode,
        ctx: &mut Context<Self>,
    ) -> Option<Option<String>> {
        if let Some(live) = &self.live {
            if self.runtime_mode == mode && live.cwd == cwd {
                return match &live.provider_thread {
                    Some(_) => None,
                    None => Some(self.resumable_provider_thread()),
                };
            }
            // A new runtime mode or place needs a new process; the conversation carries over.
            self.retire();
        }
        self.runtime_mode = mode;
        self.set_session(SessionStatus::Starting, None, None, ctx);
        self.generation += 1;
        self.driver().connect(self.generation, cwd);
        self.live = Some(Live {
            cwd: cwd.to_string(),
            provider_thread: None,
        });
        Some(self.resumable_provider_thread())
    }

    // -- reactions -----------------------------------------------------------------------------

    fn query(
        &self,
        message_id: Option<String>,
    ) -> impl std::future::Future<Output = Option<ThreadInfo>> {
        let request = self.deps.engine.send(Ask(ThreadContext {
            thread_id: self.thread_id.clone(),
            message_id,
        }));
        async move {
            match request.await {
                Ok(Ok(info)) => info,
                _ => None,
            }
        }
    }

    fn on_deleted(&mut self, ctx: &mut Context<Self>) {
        self.cancel_launch(ctx);
        self.clear_queue(false, ctx);
        self.retire();
        self.turn = None;
        let _ = self
            .deps
            .settings
            .provider_threads
            .remove(self.thread_id.as_bytes());
        let _ = self
            .deps
            .settings
            .provider_threads
            .remove(&self.conversation_key());
        let query = self.query(None);
        let thread_id = self.thread_id.clone();
        ctx.wait(
            async move {
                if let Some(cwd) = query.await.and_then(|i| i.cwd) {
                    let removed =
                        blocking(move || checkpoints::forget_thread(&cwd, &thread_id)).await;
                    if let Err(err) = removed.and_then(|r| r) {
                        log::warn!("checkpoint refs of a deleted thread were kept: {err}");
                    }
                }
            }
            .into_actor(self)
            .map(|(), act, ctx| {
                act.guard.complete();
                ctx.stop();
            }),
        );
    }
}

impl Actor for ThreadSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.driver = Some(self.factory.start(DriverContext {
            thread_id: self.thread_id.clone(),
            events: ctx.address().recipient(),
        }));
        self.resume_outbox(ctx);
        if self.restarted {
            // Fault injection (tests/restarts.rs): a slow restart, so a request can arrive
            // while no session reads it.
            #[cfg(feature = "failpoints")]
            fail::fail_point!("thread-session-restarted");
            let request = self.deps.engine.send(Ask(ThreadPendingRequests {
                thread_id: self.thread_id.clone(),
            }));
            let thread_id = self.thread_id.clone();
            // The mailbox waits for the answer (one Engine read), so no request overtakes it.
            ctx.wait(
                async move {
                    match request.await {
                        Ok(Ok(Ok(pending))) => pending,
                        other => {
                            log::warn!("thread {thread_id}: pending requests unknown: {other:?}");
                            PendingRequests::default()
                        }
                    }
                }
                .into_actor(self)
                .map(|pending, act, ctx| act.resume(pending, ctx)),
            );
        }
        let every = (self.deps.settings.idle_timeout / 4)
            .clamp(Duration::from_millis(250), Duration::from_secs(60));
        ctx.run_interval(every, |act, _ctx| {
            let idle = act.turn.is_none()
                && act.live.is_some()
                && act.last_used.elapsed() >= act.deps.settings.idle_timeout;
            if idle {
                log::info!(
                    "thread {}: {} idle for {:?}; stopping it until the next turn",
                    act.thread_id,
                    act.info.name,
                    act.deps.settings.idle_timeout
                );
                act.retire();
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.close_driver();
    }
}

impl Handler<React> for ThreadSession {
    type Result = ();

    fn handle(&mut self, React(event): React, ctx: &mut Self::Context) {
        if event.sequence <= self.handled_up_to {
            return; // already among the pending requests this incarnation took up
        }
        self.inbox.push_back(event);
        self.drain(ctx);
    }
}

impl Handler<Drain> for ThreadSession {
    type Result = ();

    fn handle(&mut self, _msg: Drain, ctx: &mut Self::Context) {
        self.draining = false;
        self.drain(ctx);
    }
}

#[cfg(test)]
impl Handler<InjectPanic> for ThreadSession {
    type Result = ();

    fn handle(&mut self, _msg: InjectPanic, _ctx: &mut Self::Context) {
        panic!("injected thread session panic");
    }
}

/// A session that ends without stopping (a panic) still stops its agent.
impl Drop for ThreadSession {
    fn drop(&mut self) {
        self.close_driver();
    }
}

impl ThreadSession {
    fn react(&mut self, event: &Event, ctx: &mut Context<Self>) {
        match &event.body {
            EventBody::ThreadTurnStartRequested(p) => self.on_turn_start(p.clone(), ctx),
            EventBody::ThreadTurnInterruptRequested(_) => self.on_interrupt(ctx),
            EventBody::ThreadApprovalResponseRequested(p) => {
                let answer = Answer::Approval(p.decision);
                self.answer(p.request_id.clone(), answer, ctx);
            }
            EventBody::ThreadUserInputResponseRequested(p) => {
                let answer = Answer::UserInput(p.answers.clone());
                self.answer(p.request_id.clone(), answer, ctx);
            }
            EventBody::ThreadSessionStopRequested(_) => self.on_stop(ctx),
            EventBody::ThreadCheckpointRevertRequested(p) => self.on_revert(p.turn_count, ctx),
            EventBody::ThreadDeleted(_) => self.on_deleted(ctx),
            _ => {}
        }
    }
}

impl Handler<Shutdown> for ThreadSession {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.close_driver();
        self.guard.complete();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests;
