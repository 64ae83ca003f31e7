//! One thread's provider session: reacts to the thread's durable requests (turn start,
//! interrupt, approvals, answers, stop, revert, deletion), drives that thread's `codex
//! app-server` process, and turns what codex says into internal commands through the Engine,
//! never around it. It also takes the thread's per-turn checkpoints.
//!
//! Commands leave through a one-at-a-time outbox: while one dispatch waits for the Engine's
//! flush, streamed assistant text arriving meanwhile is merged into the next one, and text is
//! sent at most every [`TEXT_INTERVAL`]. A 10,000-delta answer becomes a few dozen log entries,
//! not 10,000, and every other command keeps its place in line.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::{Ask, ChildGuard, Shutdown, Supervisor};

use crate::git;
use crate::git::checkpoints;
use crate::orchestration::commands::{
    ActivityAppendCommand, AssistantCompleteCommand, AssistantDeltaCommand,
    ProposedPlanUpsertCommand, RevertCompleteCommand, ThreadSessionSetCommand,
    TurnDiffCompleteCommand,
};
use crate::orchestration::events::{EventBody, ThreadTurnStartRequestedPayload};
use crate::orchestration::model::{
    Activity, ActivityTone, AssistantDeliveryMode, ChatAttachment, CheckpointFile,
    CheckpointStatus, InteractionMode, RuntimeMode, Session, SessionStatus,
};
use crate::orchestration::{Command, Event, InternalCommand};
use crate::provider::codex_events::{CodexTranslator, Effect, TurnOutcome};
use crate::runtime::codex::{
    CodexAppServer, CodexError, CodexEvent, CodexRequest, CodexRespond, CodexSpec, FromCodex,
};
use crate::runtime::engine::{Dispatch, Engine, ThreadContext, ThreadInfo};
use crate::runtime::providers::ProviderSettings;
use crate::runtime::{new_id, now_iso};

/// Streamed text goes to the Engine at most this often per thread (about 60 updates a second).
pub const TEXT_INTERVAL: Duration = Duration::from_millis(16);
const PROVIDER_NAME: &str = "codex";

/// What every thread session shares.
pub struct ProviderDeps {
    pub engine: Addr<Supervisor<Engine>>,
    pub settings: ProviderSettings,
}

/// A durable domain event about this thread.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct React(pub Arc<Event>);

/// The running codex; it is always of the session's current generation and runtime mode.
struct Live {
    addr: Addr<CodexAppServer>,
    cwd: String,
    provider_thread: Option<String>,
}

struct ActiveTurn {
    turn_id: Option<String>,
    cwd: String,
    base_count: u64,
    assistant_message: Option<String>,
}

enum Outgoing {
    Text {
        message_id: String,
        turn_id: Option<String>,
        text: String,
    },
    Command(InternalCommand),
}

/// How a turn's end reports the session, when it is not simply the turn's outcome.
#[derive(Clone)]
struct SessionAfter {
    status: SessionStatus,
    last_error: Option<String>,
}

pub struct ThreadSession {
    guard: ChildGuard,
    thread_id: String,
    deps: Arc<ProviderDeps>,
    translator: CodexTranslator,
    live: Option<Live>,
    generation: u64,
    runtime_mode: RuntimeMode,
    turn: Option<ActiveTurn>,
    crashes: u32,
    outbox: VecDeque<Outgoing>,
    in_flight: bool,
    last_text_at: Option<Instant>,
    pump_scheduled: bool,
    last_used: Instant,
}

/// approvalPolicy and sandbox for a runtime mode.
pub fn codex_policy(mode: RuntimeMode) -> (&'static str, &'static str) {
    match mode {
        RuntimeMode::FullAccess => ("never", "danger-full-access"),
        RuntimeMode::ApprovalRequired => ("on-request", "workspace-write"),
    }
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

struct Opened {
    provider_thread: String,
    /// Set when resuming failed and a new conversation was started instead.
    fell_back: Option<String>,
}

/// Why a request to codex failed: the process is gone (its exit is reported on its own), or
/// codex refused or did not answer.
#[derive(Debug, Clone)]
enum RpcFailure {
    Gone(String),
    Failed(String),
}

impl From<RpcFailure> for String {
    fn from(failure: RpcFailure) -> String {
        failure.to_string()
    }
}

impl std::fmt::Display for RpcFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RpcFailure::Gone(m) | RpcFailure::Failed(m) => f.write_str(m),
        }
    }
}

async fn request(
    addr: &Addr<CodexAppServer>,
    method: &str,
    params: Value,
) -> Result<Value, RpcFailure> {
    match addr
        .send(CodexRequest {
            method: method.to_string(),
            params,
        })
        .await
    {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(err @ CodexError::Gone(_))) => Err(RpcFailure::Gone(err.to_string())),
        Ok(Err(err)) => Err(RpcFailure::Failed(err.to_string())),
        Err(_) => Err(RpcFailure::Gone("the codex session ended".into())),
    }
}

fn thread_id_of(result: &Value) -> Option<String> {
    result["thread"]["id"]
        .as_str()
        .or_else(|| result["threadId"].as_str())
        .map(str::to_string)
}

/// `thread/resume` of the stored conversation, else `thread/start`.
async fn open_thread(
    addr: Addr<CodexAppServer>,
    resume: Option<String>,
    cwd: String,
    mode: RuntimeMode,
) -> Result<Opened, RpcFailure> {
    let (approval, sandbox) = codex_policy(mode);
    let mut fell_back = None;
    if let Some(id) = resume {
        // History is not needed here (the read model has it); asking for it is deprecated.
        let params = json!({ "threadId": id, "cwd": cwd, "approvalPolicy": approval,
                             "sandbox": sandbox, "excludeTurns": true });
        match request(&addr, "thread/resume", params).await {
            Ok(result) => {
                return Ok(Opened {
                    provider_thread: thread_id_of(&result).unwrap_or(id),
                    fell_back: None,
                })
            }
            // A dead process cannot start anything either; its exit says why.
            Err(gone @ RpcFailure::Gone(_)) => return Err(gone),
            Err(RpcFailure::Failed(err)) => fell_back = Some(err),
        }
    }
    let params = json!({ "cwd": cwd, "approvalPolicy": approval, "sandbox": sandbox });
    let result = request(&addr, "thread/start", params).await?;
    let provider_thread = thread_id_of(&result)
        .ok_or_else(|| RpcFailure::Failed("codex's thread/start answer had no thread id".into()))?;
    Ok(Opened {
        provider_thread,
        fell_back,
    })
}

fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> impl std::future::Future<Output = Result<T, String>> {
    let handle = tokio::task::spawn_blocking(work);
    async move {
        handle
            .await
            .map_err(|e| format!("background task failed: {e}"))
    }
}

/// The end-of-turn checkpoint and what it shows.
struct TurnCheckpoint {
    reference: String,
    status: CheckpointStatus,
    files: Vec<CheckpointFile>,
    /// (kind, tone, summary, detail) of an activity to append, when something needs saying.
    note: Option<(&'static str, ActivityTone, &'static str, String)>,
}

impl TurnCheckpoint {
    fn failed(reference: String, detail: String) -> Self {
        TurnCheckpoint {
            reference,
            status: CheckpointStatus::Error,
            files: Vec::new(),
            note: Some((
                "checkpoint.capture.failed",
                ActivityTone::Error,
                "Checkpoint capture failed",
                detail,
            )),
        }
    }
}

fn capture_baseline(cwd: &str, thread_id: &str, count: u64) -> Result<(), String> {
    let dir = std::path::Path::new(cwd);
    let reference = checkpoints::checkpoint_ref(thread_id, count);
    // Usually the previous turn's end already took it: one git call finds out.
    if checkpoints::resolve_commit(dir, &reference).is_some() || !git::is_repo(dir) {
        return Ok(());
    }
    checkpoints::capture(dir, &reference)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn capture_turn_end(cwd: &str, thread_id: &str, base: u64) -> TurnCheckpoint {
    let dir = std::path::Path::new(cwd);
    let reference = checkpoints::checkpoint_ref(thread_id, base + 1);
    if !git::is_repo(dir) {
        return TurnCheckpoint {
            reference,
            status: CheckpointStatus::Missing,
            files: Vec::new(),
            note: Some((
                "checkpoint.unavailable",
                ActivityTone::Info,
                "Checkpoint unavailable",
                format!("{cwd} is not a git repository, so this turn has no checkpoint to diff or revert to."),
            )),
        };
    }
    if let Err(err) = checkpoints::capture(dir, &reference) {
        return TurnCheckpoint::failed(reference, err.to_string());
    }
    let from = checkpoints::checkpoint_ref(thread_id, base);
    match checkpoints::changed_files(dir, &from, &reference) {
        Ok(files) => TurnCheckpoint {
            reference,
            status: CheckpointStatus::Ready,
            files,
            note: None,
        },
        Err(err) => TurnCheckpoint {
            reference,
            status: CheckpointStatus::Ready,
            files: Vec::new(),
            note: Some((
                "checkpoint.capture.failed",
                ActivityTone::Error,
                "Checkpoint capture failed",
                format!("Checkpoint captured, but turn diff summary is unavailable: {err}"),
            )),
        },
    }
}

impl ThreadSession {
    pub fn new(guard: ChildGuard, thread_id: String, deps: Arc<ProviderDeps>) -> Self {
        ThreadSession {
            guard,
            translator: CodexTranslator::new(thread_id.clone()),
            thread_id,
            deps,
            live: None,
            generation: 0,
            runtime_mode: RuntimeMode::default(),
            turn: None,
            crashes: 0,
            outbox: VecDeque::new(),
            in_flight: false,
            last_text_at: None,
            pump_scheduled: false,
            last_used: Instant::now(),
        }
    }

    // -- the outbox ----------------------------------------------------------------------------

    fn push_command(&mut self, command: InternalCommand, ctx: &mut Context<Self>) {
        self.outbox.push_back(Outgoing::Command(command));
        self.pump(ctx);
    }

    fn push_text(
        &mut self,
        message_id: String,
        turn_id: Option<String>,
        text: String,
        ctx: &mut Context<Self>,
    ) {
        if let Some(Outgoing::Text {
            message_id: last_id,
            text: last_text,
            ..
        }) = self.outbox.back_mut()
        {
            if *last_id == message_id {
                last_text.push_str(&text);
                return;
            }
        }
        self.outbox.push_back(Outgoing::Text {
            message_id,
            turn_id,
            text,
        });
        self.pump(ctx);
    }

    fn pump(&mut self, ctx: &mut Context<Self>) {
        if self.in_flight || self.pump_scheduled {
            return;
        }
        let Some(front) = self.outbox.front() else {
            return;
        };
        // Text waits for more text only while nothing else queues behind it: the end of a
        // message (or any other news) sends what has gathered at once.
        let alone = self.outbox.len() == 1;
        if let (Outgoing::Text { .. }, Some(at), true) = (front, self.last_text_at, alone) {
            let since = at.elapsed();
            if since < TEXT_INTERVAL {
                // Let more text gather; whatever queues behind it waits the same few ms.
                self.pump_scheduled = true;
                ctx.run_later(TEXT_INTERVAL - since, |act, ctx| {
                    act.pump_scheduled = false;
                    act.pump(ctx);
                });
                return;
            }
        }
        let Some(item) = self.outbox.pop_front() else {
            return;
        };
        let command = match item {
            Outgoing::Text {
                message_id,
                turn_id,
                text,
            } => {
                self.last_text_at = Some(Instant::now());
                let now = now_iso();
                InternalCommand::ThreadMessageAssistantDelta(AssistantDeltaCommand {
                    command_id: new_id(),
                    thread_id: self.thread_id.clone(),
                    message_id,
                    delta: text,
                    turn_id,
                    created_at: now,
                })
            }
            Outgoing::Command(command) => command,
        };
        self.in_flight = true;
        let kind = command.type_name();
        let request = self
            .deps
            .engine
            .send(Ask(Dispatch(Command::Internal(command))));
        ctx.spawn(
            async move {
                match request.await {
                    Ok(Ok(Ok(_))) => {}
                    Ok(Ok(Err(err))) => log::warn!("{kind} was not recorded: {err}"),
                    Ok(Err(unavailable)) => log::warn!("{kind} was not recorded: {unavailable}"),
                    Err(err) => log::warn!("{kind} was not recorded: {err}"),
                }
            }
            .into_actor(self)
            .map(|(), act, ctx| {
                act.in_flight = false;
                act.pump(ctx);
            }),
        );
    }

    // -- building commands ---------------------------------------------------------------------

    fn set_session(
        &mut self,
        status: SessionStatus,
        active_turn_id: Option<String>,
        last_error: Option<String>,
        ctx: &mut Context<Self>,
    ) {
        let now = now_iso();
        let session = Session {
            thread_id: self.thread_id.clone(),
            status,
            provider_name: Some(PROVIDER_NAME.to_string()),
            runtime_mode: self.runtime_mode,
            active_turn_id,
            last_error,
            updated_at: now.clone(),
        };
        self.push_command(
            InternalCommand::ThreadSessionSet(ThreadSessionSetCommand {
                command_id: new_id(),
                thread_id: self.thread_id.clone(),
                session,
                created_at: now,
            }),
            ctx,
        );
    }

    fn append_activity(&mut self, activity: Activity, ctx: &mut Context<Self>) {
        let created_at = activity.created_at.clone();
        self.push_command(
            InternalCommand::ThreadActivityAppend(ActivityAppendCommand {
                command_id: new_id(),
                thread_id: self.thread_id.clone(),
                activity,
                created_at,
            }),
            ctx,
        );
    }

    fn note(
        &mut self,
        tone: ActivityTone,
        kind: &str,
        summary: &str,
        payload: Value,
        turn_id: Option<String>,
        ctx: &mut Context<Self>,
    ) {
        let activity = Activity {
            id: new_id(),
            tone,
            kind: kind.to_string(),
            summary: summary.to_string(),
            payload,
            turn_id,
            sequence: None,
            created_at: now_iso(),
        };
        self.append_activity(activity, ctx);
    }

    fn fail(&mut self, kind: &str, summary: &str, detail: String, ctx: &mut Context<Self>) {
        log::warn!("thread {}: {summary}: {detail}", self.thread_id);
        self.note(
            ActivityTone::Error,
            kind,
            summary,
            json!({ "detail": detail }),
            None,
            ctx,
        );
    }

    fn apply(&mut self, effects: Vec<Effect>, ctx: &mut Context<Self>) {
        for effect in effects {
            match effect {
                Effect::AssistantText {
                    message_id,
                    turn_id,
                    text,
                } => {
                    self.remember_assistant_message(&message_id);
                    self.push_text(message_id, turn_id, text, ctx);
                }
                Effect::AssistantDone {
                    message_id,
                    turn_id,
                } => {
                    self.remember_assistant_message(&message_id);
                    self.push_command(
                        InternalCommand::ThreadMessageAssistantComplete(AssistantCompleteCommand {
                            command_id: new_id(),
                            thread_id: self.thread_id.clone(),
                            message_id,
                            turn_id,
                            created_at: now_iso(),
                        }),
                        ctx,
                    );
                }
                Effect::Activity(activity) => self.append_activity(activity, ctx),
                Effect::Plan(plan) => self.push_command(
                    InternalCommand::ThreadProposedPlanUpsert(ProposedPlanUpsertCommand {
                        command_id: new_id(),
                        thread_id: self.thread_id.clone(),
                        proposed_plan: plan,
                        created_at: now_iso(),
                    }),
                    ctx,
                ),
                Effect::Session {
                    status,
                    active_turn_id,
                    last_error,
                } => {
                    if let (Some(turn), Some(id)) = (&mut self.turn, &active_turn_id) {
                        turn.turn_id = Some(id.clone());
                    }
                    self.set_session(status, active_turn_id, last_error, ctx);
                }
                Effect::TurnEnded { turn_id, outcome } => {
                    self.finish_turn(Some(turn_id), outcome, None, ctx)
                }
                Effect::Reply { id, result } => match &self.live {
                    Some(live) => live.addr.do_send(CodexRespond { id, result }),
                    None => log::debug!("no codex to answer request {id}"),
                },
            }
        }
    }

    // -- codex process -------------------------------------------------------------------------

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
        if let Some(live) = self.live.take() {
            live.addr.do_send(Shutdown);
        }
    }

    /// A codex for `cwd` in `mode`, started if none fits; returns it and, when its
    /// conversation still has to be opened, the stored conversation to resume.
    fn ensure_live(
        &mut self,
        cwd: &str,
        mode: RuntimeMode,
        ctx: &mut Context<Self>,
    ) -> (Addr<CodexAppServer>, Option<Option<String>>) {
        if let Some(live) = &self.live {
            if self.runtime_mode == mode && live.cwd == cwd {
                let open = match &live.provider_thread {
                    Some(_) => None,
                    None => Some(self.stored_provider_thread()),
                };
                return (live.addr.clone(), open);
            }
            // A new runtime mode or place needs a new process; the conversation carries over.
            self.retire();
        }
        self.runtime_mode = mode;
        self.set_session(SessionStatus::Starting, None, None, ctx);
        self.generation += 1;
        let mut spec = CodexSpec::new(&self.deps.settings.codex_bin, cwd);
        spec.env = self.deps.settings.codex_env.clone();
        spec.request_timeout = self.deps.settings.request_timeout;
        spec.generation = self.generation;
        let addr = CodexAppServer::new(spec, ctx.address().recipient()).start();
        self.live = Some(Live {
            addr: addr.clone(),
            cwd: cwd.to_string(),
            provider_thread: None,
        });
        (addr, Some(self.stored_provider_thread()))
    }

    fn stored_provider_thread(&self) -> Option<String> {
        match self
            .deps
            .settings
            .provider_threads
            .get(self.thread_id.as_bytes())
        {
            Ok(Some(bytes)) => String::from_utf8(bytes.to_vec()).ok(),
            Ok(None) => None,
            Err(err) => {
                log::warn!("provider thread id of {} unreadable: {err}", self.thread_id);
                None
            }
        }
    }

    fn opened(&mut self, generation: u64, opened: Opened, ctx: &mut Context<Self>) {
        if let Err(err) = self
            .deps
            .settings
            .provider_threads
            .insert(self.thread_id.as_bytes(), opened.provider_thread.as_bytes())
        {
            log::warn!("provider thread id of {} not stored: {err}", self.thread_id);
        }
        if let Some(live) = self.live.as_mut().filter(|_| generation == self.generation) {
            live.provider_thread = Some(opened.provider_thread.clone());
        }
        if let Some(reason) = opened.fell_back {
            self.note(
                ActivityTone::Info,
                "provider.thread.resume-failed",
                "Started a new codex conversation",
                json!({ "detail": format!("The previous codex conversation could not be resumed ({reason}); this turn starts a new one without its history.") }),
                None,
                ctx,
            );
        }
        self.set_session(SessionStatus::Ready, None, None, ctx);
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

    fn on_turn_start(&mut self, request: ThreadTurnStartRequestedPayload, ctx: &mut Context<Self>) {
        self.last_used = Instant::now();
        if self.turn.is_some() {
            self.fail(
                "provider.turn.start.failed",
                "Provider turn start failed",
                "A turn is already running in this thread; interrupt it or wait for it to finish."
                    .into(),
                ctx,
            );
            return;
        }
        let query = self.query(Some(request.message_id.clone()));
        ctx.wait(query.into_actor(self).map(move |info, act, ctx| {
            act.launch_turn(request, info, ctx);
        }));
    }

    fn launch_turn(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        info: Option<ThreadInfo>,
        ctx: &mut Context<Self>,
    ) {
        let Some(info) = info.filter(|i| !i.deleted) else {
            return;
        };
        let Some(cwd) = info.cwd.clone() else {
            self.fail(
                "provider.turn.start.failed",
                "Provider turn start failed",
                "The thread has no workspace: neither a worktree nor a project root.".into(),
                ctx,
            );
            return;
        };
        let Some(message) = info.message.clone() else {
            self.fail(
                "provider.turn.start.failed",
                "Provider turn start failed",
                format!(
                    "User message '{}' was not found for turn start request.",
                    request.message_id
                ),
                ctx,
            );
            return;
        };
        let mut input = Vec::new();
        if !message.text.trim().is_empty() {
            input.push(json!({ "type": "text", "text": message.text, "text_elements": [] }));
        }
        for attachment in message.attachments.iter().flatten() {
            let ChatAttachment::Image(image) = attachment;
            match crate::store::attachments::find(&self.deps.settings.state_dir, &image.id) {
                Some(path) => input.push(json!({ "type": "localImage", "path": path })),
                None => {
                    self.fail(
                        "provider.turn.start.failed",
                        "Provider turn start failed",
                        format!("Image '{}' is no longer stored.", image.name),
                        ctx,
                    );
                    return;
                }
            }
        }
        if input.is_empty() {
            self.fail(
                "provider.turn.start.failed",
                "Provider turn start failed",
                "Turn input must include text or attachments.".into(),
                ctx,
            );
            return;
        }
        self.translator.set_delivery(
            request
                .assistant_delivery_mode
                .unwrap_or(AssistantDeliveryMode::Buffered),
        );
        self.turn = Some(ActiveTurn {
            turn_id: None,
            cwd: cwd.clone(),
            base_count: info.turn_count(),
            assistant_message: None,
        });
        let delay = if self.live.is_none() {
            restart_delay(self.crashes)
        } else {
            Duration::ZERO
        };
        let (addr, open) = self.ensure_live(&cwd, info.runtime_mode, ctx);
        let generation = self.generation;
        let model = request.model.clone().unwrap_or(info.model.clone());
        let mut turn_params = json!({ "input": input, "model": model });
        let effort = request
            .model_options
            .as_ref()
            .and_then(|o| o.codex.as_ref())
            .and_then(|c| c.reasoning_effort);
        if let Some(effort) = effort {
            turn_params["effort"] = serde_json::to_value(effort).unwrap_or(Value::Null);
        }
        let mode = match request.interaction_mode {
            InteractionMode::Plan => "plan",
            InteractionMode::Default => "default",
        };
        turn_params["collaborationMode"] = json!({ "mode": mode, "settings": { "model": model } });
        let known_thread = self.live.as_ref().and_then(|l| l.provider_thread.clone());
        let (thread_id, base) = (self.thread_id.clone(), info.turn_count());
        let baseline_cwd = cwd.clone();
        let mode_now = info.runtime_mode;
        let flow = async move {
            if !delay.is_zero() {
                actix::clock::sleep(delay).await;
            }
            let baseline = blocking(move || capture_baseline(&baseline_cwd, &thread_id, base))
                .await
                .and_then(|r| r);
            let opened = match open {
                Some(resume) => Some(open_thread(addr.clone(), resume, cwd, mode_now).await),
                None => None,
            };
            let provider_thread = match &opened {
                Some(Ok(o)) => Some(o.provider_thread.clone()),
                Some(Err(_)) => None,
                None => known_thread,
            };
            let started = match (&opened, provider_thread) {
                (Some(Err(err)), _) => Err(err.clone()),
                (_, None) => Err(RpcFailure::Failed(
                    "no codex conversation to start the turn in".into(),
                )),
                (_, Some(id)) => {
                    turn_params["threadId"] = Value::String(id);
                    request_turn(&addr, turn_params).await
                }
            };
            (baseline, opened, started)
        };
        ctx.wait(
            flow.into_actor(self)
                .map(move |(baseline, opened, started), act, ctx| {
                    if let Err(err) = baseline {
                        act.fail(
                            "checkpoint.capture.failed",
                            "Checkpoint capture failed",
                            format!("The pre-turn checkpoint was not taken: {err}"),
                            ctx,
                        );
                    }
                    if let Some(Ok(opened)) = opened {
                        act.opened(generation, opened, ctx);
                    }
                    match started {
                        Ok(turn_id) => {
                            if let Some(turn) = &mut act.turn {
                                turn.turn_id.get_or_insert(turn_id);
                            }
                        }
                        // The process died: its exit (or failed start) is reported when
                        // that event is handled, right after this.
                        Err(RpcFailure::Gone(_)) => {}
                        Err(RpcFailure::Failed(err)) => {
                            act.turn = None;
                            act.fail(
                                "provider.turn.start.failed",
                                "Provider turn start failed",
                                err.clone(),
                                ctx,
                            );
                            act.set_session(SessionStatus::Error, None, Some(err), ctx);
                        }
                    }
                }),
        );
    }

    /// A turn is over (or cut off): checkpoint it, then say so. `after` overrides what the
    /// session becomes (stopped, or an error that is not the turn's).
    fn finish_turn(
        &mut self,
        turn_id: Option<String>,
        outcome: TurnOutcome,
        after: Option<SessionAfter>,
        ctx: &mut Context<Self>,
    ) {
        let (status, last_error) = match (&after, &outcome) {
            (Some(after), _) => (after.status, after.last_error.clone()),
            (None, TurnOutcome::Failed(message)) => (SessionStatus::Error, Some(message.clone())),
            (None, _) => (SessionStatus::Ready, None),
        };
        let Some(turn) = self.turn.take() else {
            self.set_session(status, None, last_error, ctx);
            return;
        };
        if outcome == TurnOutcome::Completed && after.is_none() {
            self.crashes = 0;
        }
        let Some(turn_id) = turn_id.or(turn.turn_id) else {
            self.set_session(status, None, last_error, ctx);
            return;
        };
        let (cwd, thread_id, base) = (turn.cwd.clone(), self.thread_id.clone(), turn.base_count);
        let assistant_message = turn.assistant_message;
        ctx.wait(
            blocking(move || capture_turn_end(&cwd, &thread_id, base))
                .into_actor(self)
                .map(move |checkpoint, act, ctx| {
                    act.set_session(status, None, last_error, ctx);
                    let now = now_iso();
                    let checkpoint = checkpoint.unwrap_or_else(|err| {
                        let reference = checkpoints::checkpoint_ref(&act.thread_id, base + 1);
                        TurnCheckpoint::failed(reference, err)
                    });
                    if let Some((kind, tone, summary, detail)) = checkpoint.note {
                        act.note(
                            tone,
                            kind,
                            summary,
                            json!({ "detail": detail, "turnCount": base + 1 }),
                            Some(turn_id.clone()),
                            ctx,
                        );
                    }
                    act.push_command(
                        InternalCommand::ThreadTurnDiffComplete(TurnDiffCompleteCommand {
                            command_id: new_id(),
                            thread_id: act.thread_id.clone(),
                            turn_id,
                            completed_at: now.clone(),
                            checkpoint_ref: checkpoint.reference,
                            status: checkpoint.status,
                            files: checkpoint.files,
                            assistant_message_id: assistant_message,
                            checkpoint_turn_count: base + 1,
                            created_at: now,
                        }),
                        ctx,
                    );
                }),
        );
    }

    fn on_codex(&mut self, msg: FromCodex, ctx: &mut Context<Self>) {
        if self.live.is_none() || msg.generation != self.generation {
            return; // a process already replaced or stopped on purpose
        }
        let now = now_iso();
        match msg.event {
            CodexEvent::Ready { .. } => {}
            CodexEvent::Notification { method, params } => {
                self.last_used = Instant::now();
                let effects = self.translator.notification(&method, &params, &now);
                self.apply(effects, ctx);
            }
            CodexEvent::ServerRequest { id, method, params } => {
                self.last_used = Instant::now();
                let effects = self.translator.server_request(id, &method, &params, &now);
                self.apply(effects, ctx);
            }
            CodexEvent::Unreadable { line, error } => {
                let mut line = line;
                line.truncate(180);
                self.note(
                    ActivityTone::Info,
                    "runtime.warning",
                    "Runtime warning",
                    json!({ "message": format!("codex wrote a line that is not JSON-RPC ({error})"), "detail": line }),
                    self.translator.active_turn().map(str::to_string),
                    ctx,
                );
            }
            CodexEvent::SpawnFailed { message } => {
                self.live = None;
                self.fail(
                    "provider.session.start.failed",
                    "Codex could not be started",
                    message.clone(),
                    ctx,
                );
                self.turn = None;
                self.set_session(SessionStatus::Error, None, Some(message), ctx);
            }
            CodexEvent::Exited(report) => {
                self.live = None;
                self.crashes += 1;
                let reason = strip_ansi(&format!("codex app-server {report}"));
                let effects = self.translator.process_gone(&reason, &now);
                self.apply(effects, ctx);
                self.note(
                    ActivityTone::Error,
                    "provider.session.exited",
                    "Codex exited unexpectedly",
                    json!({ "detail": reason, "exitCode": report.code, "signal": report.signal,
                            "stderr": report.last_stderr_line().map(strip_ansi) }),
                    self.turn.as_ref().and_then(|t| t.turn_id.clone()),
                    ctx,
                );
                let after = SessionAfter {
                    status: SessionStatus::Error,
                    last_error: Some(reason.clone()),
                };
                self.finish_turn(None, TurnOutcome::Failed(reason), Some(after), ctx);
            }
        }
    }

    fn on_interrupt(&mut self, ctx: &mut Context<Self>) {
        let target = match (&self.live, &self.turn) {
            (Some(live), Some(turn)) => live
                .provider_thread
                .clone()
                .zip(turn.turn_id.clone())
                .map(|ids| (live.addr.clone(), ids)),
            _ => None,
        };
        let Some((addr, (thread, turn))) = target else {
            self.fail(
                "provider.turn.interrupt.failed",
                "Provider turn interrupt failed",
                "No turn is running in this thread.".into(),
                ctx,
            );
            return;
        };
        let params = json!({ "threadId": thread, "turnId": turn });
        ctx.spawn(
            async move { request(&addr, "turn/interrupt", params).await }
                .into_actor(self)
                .map(|result, act, ctx| {
                    if let Err(err) = result {
                        act.fail(
                            "provider.turn.interrupt.failed",
                            "Provider turn interrupt failed",
                            err.to_string(),
                            ctx,
                        );
                    }
                }),
        );
    }

    fn on_stop(&mut self, ctx: &mut Context<Self>) {
        self.retire();
        let effects = self
            .translator
            .process_gone("the session was stopped", &now_iso());
        self.apply(effects, ctx);
        let after = SessionAfter {
            status: SessionStatus::Stopped,
            last_error: None,
        };
        self.finish_turn(None, TurnOutcome::Interrupted, Some(after), ctx);
    }

    fn on_revert(&mut self, turn_count: u64, ctx: &mut Context<Self>) {
        let query = self.query(None);
        ctx.wait(query.into_actor(self).map(move |info, act, ctx| {
            if let Err(detail) = act.start_revert(turn_count, info, ctx) {
                act.note(
                    ActivityTone::Error,
                    "checkpoint.revert.failed",
                    "Checkpoint revert failed",
                    json!({ "turnCount": turn_count, "detail": detail }),
                    None,
                    ctx,
                );
            }
        }));
    }

    fn start_revert(
        &mut self,
        turn_count: u64,
        info: Option<ThreadInfo>,
        ctx: &mut Context<Self>,
    ) -> Result<(), String> {
        let info = info.ok_or("Thread was not found in read model.")?;
        if self.turn.is_some() || info.turn_running {
            return Err(
                "A turn is running; interrupt it or wait for it to finish before reverting.".into(),
            );
        }
        let cwd = info
            .cwd
            .clone()
            .filter(|c| git::is_repo(std::path::Path::new(c)))
            .ok_or("Checkpoints are unavailable because this project is not a git repository.")?;
        let current = info.turn_count();
        if turn_count > current {
            return Err(format!(
                "Checkpoint turn count {turn_count} exceeds current turn count {current}."
            ));
        }
        let target = info
            .checkpoint_ref(&self.thread_id, turn_count)
            .ok_or_else(|| {
                format!("Checkpoint ref for turn {turn_count} is unavailable in read model.")
            })?;
        // codex forgets every turn from the first one being undone.
        let first_undone = info
            .checkpoints
            .iter()
            .find(|c| c.0 == turn_count + 1)
            .map(|c| c.1.clone());
        let rollback = match first_undone {
            Some(turn) if self.stored_provider_thread().is_some() => {
                let (addr, open) = self.ensure_live(&cwd, info.runtime_mode, ctx);
                let known = self.live.as_ref().and_then(|l| l.provider_thread.clone());
                Some((addr, open, known, turn))
            }
            _ => None,
        };
        let generation = self.generation;
        let thread_id = self.thread_id.clone();
        let mode = info.runtime_mode;
        let flow = async move {
            let restore_cwd = cwd.clone();
            blocking(move || {
                let dir = std::path::Path::new(&restore_cwd);
                let commit = checkpoints::resolve_commit(dir, &target).ok_or_else(|| {
                    format!("Filesystem checkpoint is unavailable for turn {turn_count}.")
                })?;
                checkpoints::restore(dir, &commit).map_err(|e| e.to_string())?;
                Ok::<(), String>(())
            })
            .await??;
            let mut opened = None;
            if let Some((addr, open, known, before_turn)) = rollback {
                let provider_thread = match open {
                    Some(resume) => {
                        let o = open_thread(addr.clone(), resume, cwd.clone(), mode).await?;
                        let id = o.provider_thread.clone();
                        opened = Some(o);
                        Some(id)
                    }
                    None => known,
                };
                if let Some(id) = provider_thread {
                    let params = json!({ "threadId": id, "beforeTurnId": before_turn });
                    request(&addr, "thread/revert", params)
                        .await
                        .map_err(|e| format!("Files were restored, but codex's conversation could not be rolled back: {e}"))?;
                }
            }
            let refs_cwd = cwd.clone();
            blocking(move || {
                checkpoints::delete_refs(
                    std::path::Path::new(&refs_cwd),
                    &thread_id,
                    Some(turn_count),
                )
                .map_err(|e| e.to_string())
            })
            .await??;
            Ok::<Option<Opened>, String>(opened)
        };
        ctx.wait(
            flow.into_actor(self)
                .map(move |result, act, ctx| match result {
                    Ok(opened) => {
                        if let Some(opened) = opened {
                            act.opened(generation, opened, ctx);
                        }
                        act.push_command(
                            InternalCommand::ThreadRevertComplete(RevertCompleteCommand {
                                command_id: new_id(),
                                thread_id: act.thread_id.clone(),
                                turn_count,
                                created_at: now_iso(),
                            }),
                            ctx,
                        );
                    }
                    Err(detail) => act.note(
                        ActivityTone::Error,
                        "checkpoint.revert.failed",
                        "Checkpoint revert failed",
                        json!({ "turnCount": turn_count, "detail": detail }),
                        None,
                        ctx,
                    ),
                }),
        );
        Ok(())
    }

    fn on_deleted(&mut self, ctx: &mut Context<Self>) {
        self.retire();
        self.turn = None;
        let _ = self
            .deps
            .settings
            .provider_threads
            .remove(self.thread_id.as_bytes());
        let query = self.query(None);
        let thread_id = self.thread_id.clone();
        ctx.wait(
            async move {
                if let Some(cwd) = query.await.and_then(|i| i.cwd) {
                    let removed = blocking(move || {
                        let dir = std::path::Path::new(&cwd);
                        if git::is_repo(dir) {
                            checkpoints::delete_refs(dir, &thread_id, None)
                                .map_err(|e| e.to_string())
                        } else {
                            Ok(0)
                        }
                    })
                    .await;
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

/// codex colours its log lines; an error message shown to a person should not carry escapes.
fn strip_ansi(text: &str) -> String {
    strip_ansi_escapes::strip_str(text)
}

async fn request_turn(addr: &Addr<CodexAppServer>, params: Value) -> Result<String, RpcFailure> {
    let result = request(addr, "turn/start", params).await?;
    result["turn"]["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| RpcFailure::Failed("codex's turn/start answer had no turn id".into()))
}

impl Actor for ThreadSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let every = (self.deps.settings.idle_timeout / 4)
            .clamp(Duration::from_millis(250), Duration::from_secs(60));
        ctx.run_interval(every, |act, _ctx| {
            let idle = act.turn.is_none()
                && act.live.is_some()
                && act.last_used.elapsed() >= act.deps.settings.idle_timeout;
            if idle {
                log::info!(
                    "thread {}: codex idle for {:?}; stopping it until the next turn",
                    act.thread_id,
                    act.deps.settings.idle_timeout
                );
                act.retire();
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<React> for ThreadSession {
    type Result = ();

    fn handle(&mut self, React(event): React, ctx: &mut Self::Context) {
        match &event.body {
            EventBody::ThreadTurnStartRequested(p) => self.on_turn_start(p.clone(), ctx),
            EventBody::ThreadTurnInterruptRequested(_) => self.on_interrupt(ctx),
            EventBody::ThreadApprovalResponseRequested(p) => {
                let answered =
                    self.translator
                        .answer_approval(&p.request_id, p.decision, &now_iso());
                self.answered(answered, "approval", &p.request_id, ctx);
            }
            EventBody::ThreadUserInputResponseRequested(p) => {
                let answered =
                    self.translator
                        .answer_user_input(&p.request_id, &p.answers, &now_iso());
                self.answered(answered, "user-input", &p.request_id, ctx);
            }
            EventBody::ThreadSessionStopRequested(_) => self.on_stop(ctx),
            EventBody::ThreadCheckpointRevertRequested(p) => self.on_revert(p.turn_count, ctx),
            EventBody::ThreadDeleted(_) => self.on_deleted(ctx),
            _ => {}
        }
    }
}

impl ThreadSession {
    /// Carries out an answer to one of codex's questions, or says why it could not be given
    /// (`what`: "approval" or "user-input").
    fn answered(
        &mut self,
        answered: Result<Vec<Effect>, String>,
        what: &str,
        request_id: &str,
        ctx: &mut Context<Self>,
    ) {
        match answered {
            Ok(effects) => self.apply(effects, ctx),
            Err(detail) => {
                let (kind, summary) = match what {
                    "approval" => (
                        "provider.approval.respond.failed",
                        "Provider approval response failed",
                    ),
                    _ => (
                        "provider.user-input.respond.failed",
                        "Provider user input response failed",
                    ),
                };
                self.note(
                    ActivityTone::Error,
                    kind,
                    summary,
                    json!({ "detail": detail, "requestId": request_id }),
                    None,
                    ctx,
                );
            }
        }
    }
}

impl Handler<FromCodex> for ThreadSession {
    type Result = ();

    fn handle(&mut self, msg: FromCodex, ctx: &mut Self::Context) {
        self.on_codex(msg, ctx);
    }
}

impl Handler<Shutdown> for ThreadSession {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.retire();
        self.guard.complete();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orchestration::commands::{
        ProjectCreateCommand, ThreadApprovalRespondCommand, ThreadCreateCommand,
        ThreadTurnStartCommand, TurnStartMessage, UserRole,
    };
    use crate::orchestration::model::ApprovalDecision;
    use crate::orchestration::ClientCommand;
    use crate::runtime::engine::{load_state, Watermark};
    use crate::runtime::push_bus::{Push, PushBus};
    use crate::store::{event_log::EventLog, Store};
    use std::path::PathBuf;
    use t3rs_actors::harness::{subscribe_probe, ProbeRx};
    use t3rs_actors::push_relay::{Ack, Delivery};
    use t3rs_actors::RestartPolicy;

    const DEADLINE: Duration = Duration::from_secs(20);
    const AT: &str = "2026-01-01T00:00:00.000Z";

    struct Rig {
        _dir: tempfile::TempDir,
        engine: Addr<Supervisor<Engine>>,
        bus: Addr<PushBus>,
        subscriber: t3rs_actors::push_relay::SubscriberId,
        events: ProbeRx<Delivery<Push>>,
        seen: Vec<Event>,
        log: PathBuf,
    }

    impl Rig {
        /// A real Engine on a temp store, the bus watched by a probe, one project and thread,
        /// and a thread session whose "codex" plays back `recording`.
        async fn start(recording: &str) -> (Rig, Addr<ThreadSession>) {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("state")).unwrap();
            let log = EventLog::open(&store).unwrap();
            let bus = PushBus::new(100_000).start();
            let (subscriber, events) = subscribe_probe(&bus).await;
            let engine_bus = bus.clone();
            let engine = Supervisor::new("engine", RestartPolicy::default(), move |guard| {
                let state = load_state(&log).unwrap();
                Engine::new(
                    guard,
                    log.clone(),
                    engine_bus.clone(),
                    Watermark::default(),
                    state,
                    1000,
                )
            })
            .start();
            let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codex");
            let replay_log = dir.path().join("codex-heard.jsonl");
            let deps = Arc::new(ProviderDeps {
                engine: engine.clone(),
                settings: ProviderSettings {
                    codex_bin: fixtures.join("replay.py"),
                    codex_env: vec![
                        ("REPLAY_FILE".into(), fixtures.join(recording).into()),
                        ("REPLAY_LOG".into(), replay_log.clone().into()),
                    ],
                    request_timeout: DEADLINE,
                    idle_timeout: Duration::from_secs(3600),
                    provider_threads: store.db().open_tree("provider_threads").unwrap(),
                    state_dir: dir.path().join("state"),
                },
            });
            let work = dir.path().join("work");
            std::fs::create_dir_all(&work).unwrap();
            let mut rig = Rig {
                _dir: dir,
                engine,
                bus,
                subscriber,
                events,
                seen: Vec::new(),
                log: replay_log,
            };
            rig.client(ClientCommand::ProjectCreate(ProjectCreateCommand {
                command_id: "p".into(),
                project_id: "p".into(),
                title: "p".into(),
                workspace_root: work.to_string_lossy().into_owned(),
                default_model: None,
                created_at: AT.into(),
            }))
            .await;
            rig.client(ClientCommand::ThreadCreate(ThreadCreateCommand {
                command_id: "t".into(),
                thread_id: "t1".into(),
                project_id: "p".into(),
                title: "t".into(),
                model: "fake-model".into(),
                runtime_mode: RuntimeMode::ApprovalRequired,
                interaction_mode: InteractionMode::Default,
                branch: None,
                worktree_path: None,
                created_at: AT.into(),
            }))
            .await;
            let session = ThreadSession::new(ChildGuard::detached(), "t1".into(), deps).start();
            (rig, session)
        }

        async fn client(&mut self, command: ClientCommand) {
            let sent = self
                .engine
                .send(Ask(Dispatch(Command::Client(command))))
                .await;
            assert!(matches!(sent, Ok(Ok(Ok(_)))), "{sent:?}");
        }

        /// Domain events until one satisfies `want` (all of them are kept in `seen`).
        /// Plays the reactor for one event: waits for it in the log and hands it to `session`.
        async fn relay(&mut self, session: &Addr<ThreadSession>, want: impl Fn(&Event) -> bool) {
            let event = self.until(want).await;
            session.do_send(React(Arc::new(event)));
        }

        async fn until(&mut self, want: impl Fn(&Event) -> bool) -> Event {
            loop {
                let delivery = self.events.next(DEADLINE).await.unwrap();
                self.bus.do_send(Ack {
                    subscriber: self.subscriber,
                    sequence: delivery.sequence,
                });
                let event: Event = serde_json::from_str(&delivery.item.data_json).unwrap();
                self.seen.push(event.clone());
                if want(&event) {
                    return event;
                }
            }
        }
    }

    fn kind(event: &Event) -> String {
        match &event.body {
            EventBody::ThreadActivityAppended(p) => format!("activity:{}", p.activity.kind),
            EventBody::ThreadSessionSet(p) => format!("session:{:?}", p.session.status),
            EventBody::ThreadMessageSent(p) => format!("{:?}:{}", p.role, p.text),
            other => serde_json::to_value(other).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string(),
        }
    }

    #[actix::test]
    async fn a_recorded_approval_turn_played_through_the_actor() {
        let (mut rig, session) = Rig::start("approval.jsonrpc").await;
        rig.client(ClientCommand::ThreadTurnStart(ThreadTurnStartCommand {
            command_id: "turn".into(),
            thread_id: "t1".into(),
            message: TurnStartMessage {
                message_id: "m1".into(),
                role: UserRole::User,
                text: "go".into(),
                attachments: vec![],
            },
            provider: None,
            model: None,
            service_tier: None,
            model_options: None,
            assistant_delivery_mode: Some(AssistantDeliveryMode::Streaming),
            runtime_mode: RuntimeMode::ApprovalRequired,
            interaction_mode: InteractionMode::Default,
            created_at: AT.into(),
        }))
        .await;
        // The mailbox harness plays the reactor: the durable request goes to the actor.
        rig.relay(&session, |e| {
            matches!(e.body, EventBody::ThreadTurnStartRequested(_))
        })
        .await;
        let asked = rig
            .until(|e| kind(e) == "activity:approval.requested")
            .await;
        let EventBody::ThreadActivityAppended(asked) = &asked.body else {
            unreachable!()
        };
        let request_id = asked.activity.payload["requestId"]
            .as_str()
            .unwrap()
            .to_string();
        rig.client(ClientCommand::ThreadApprovalRespond(
            ThreadApprovalRespondCommand {
                command_id: "yes".into(),
                thread_id: "t1".into(),
                request_id,
                decision: ApprovalDecision::Accept,
                created_at: AT.into(),
            },
        ))
        .await;
        rig.relay(&session, |e| {
            matches!(e.body, EventBody::ThreadApprovalResponseRequested(_))
        })
        .await;
        rig.until(|e| matches!(e.body, EventBody::ThreadTurnDiffCompleted(_)))
            .await;

        let kinds: Vec<String> = rig.seen.iter().map(kind).collect();
        let expected = [
            "session:Starting",
            "session:Ready",
            "activity:runtime.warning",
            "activity:runtime.warning",
            "session:Running",
            "activity:tool.started",
            "activity:approval.requested",
            "thread.approval-response-requested",
            "activity:approval.resolved",
            "activity:tool.completed",
            "Assistant:done",
            "Assistant:",
            "activity:turn.token-usage",
            "session:Ready",
            "activity:checkpoint.unavailable",
            "thread.turn-diff-completed",
        ];
        let from = kinds.iter().position(|k| k == "session:Starting").unwrap();
        // Streamed text may arrive in one or several pieces; join them for the comparison.
        let mut tail: Vec<String> = Vec::new();
        for k in &kinds[from..] {
            match (tail.last_mut(), k.strip_prefix("Assistant:")) {
                (Some(last), Some(piece))
                    if !piece.is_empty()
                        && last.len() > "Assistant:".len()
                        && last.starts_with("Assistant:") =>
                {
                    last.push_str(piece)
                }
                _ => tail.push(k.clone()),
            }
        }
        assert_eq!(tail, expected, "{kinds:#?}");
        // codex heard the decision in JSON-RPC, under the id it asked with.
        let heard = std::fs::read_to_string(&rig.log).unwrap();
        assert!(
            heard.contains(r#"{"id":0,"result":{"decision":"accept"}}"#),
            "{heard}"
        );
    }

    #[test]
    fn runtime_modes_map_to_codex_policies() {
        assert_eq!(
            codex_policy(RuntimeMode::FullAccess),
            ("never", "danger-full-access")
        );
        assert_eq!(
            codex_policy(RuntimeMode::ApprovalRequired),
            ("on-request", "workspace-write")
        );
    }

    #[test]
    fn ansi_colours_are_removed_from_error_text() {
        assert_eq!(
            strip_ansi("\u{1b}[2m2026\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m done"),
            "2026  INFO done"
        );
    }

    #[test]
    fn crash_backoff_grows_and_is_capped() {
        assert_eq!(restart_delay(0), Duration::ZERO);
        assert_eq!(restart_delay(1), Duration::ZERO);
        assert_eq!(restart_delay(2), Duration::from_millis(500));
        assert_eq!(restart_delay(3), Duration::from_secs(1));
        assert_eq!(restart_delay(40), Duration::from_secs(30));
    }
}
