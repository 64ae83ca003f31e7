//! Claude Code behind the [`ProviderDriver`] trait: one actor per thread session owning that
//! session's `claude -p` process ([`ClaudeProcess`], one at a time, tagged with the session's
//! generation and its own serial) and its [`ClaudeTranslator`]. Claude's control requests are
//! answered here (`control_response` lines); the session gets normalized [`Effect`]s.
//!
//! Choices (Claude Code 2.1.197, see tests/fixtures/claude/README.md):
//! - **The conversation id is chosen by t3rs.** Claude Code writes `system/init` (its
//!   `session_id`) only after the first user line, so a new conversation is started with
//!   `--session-id <uuid>` and `open` answers that uuid at once, without a process: the first
//!   turn starts one with the turn's permission mode and model.
//! - **`open` with a stored id** starts `--resume <id>` and waits for the answer to the
//!   `initialize` control request. An unknown id makes Claude write an immediate `result`
//!   (`error_during_execution`, `num_turns` 0) and exit 1 ("No conversation found" on stderr):
//!   then a new conversation is opened instead and [`Opened::fell_back`] says why.
//! - **Permission mode and model are command-line flags**, so a turn whose mode (runtime mode
//!   `full-access` → `bypassPermissions`, `approval-required` → `default`, plan interaction →
//!   `plan`) or model differs from the running process's restarts it (`--resume` of the
//!   conversation, or `--session-id` again while it has had no turn).
//! - **Rollback with `--resume-session-at`**: each turn's id carries the uuid of the last
//!   assistant entry before it (`<id>@<uuid>`); rolling back to before a turn restarts Claude
//!   with `--resume <conversation> --resume-session-at <uuid>`. A turn whose predecessor the
//!   driver did not see (the first after a server restart) cannot be rolled back to: the
//!   driver declines and the session starts the conversation over, saying so.
//! - As root, Claude Code refuses `bypassPermissions` unless `IS_SANDBOX=1`; t3rs passes the
//!   user's `IS_SANDBOX` through, never sets it, and says so in the exit's reason.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::Shutdown;

use crate::orchestration::model::{Activity, ActivityTone, InteractionMode, RuntimeMode};
use crate::provider::claude_events::{
    control_response_line, interrupt_line, user_line, ClaudeTranslator,
};
use crate::provider::driver::{
    Answer, Capabilities, DriverContext, DriverEvent, DriverEventBody, DriverFactory, DriverInfo,
    Effect, ExitInfo, ImageInput, OpenConversation, Opened, ProviderDriver, ProviderError,
};
use crate::runtime::driver_messages::{
    Close, Connect, Disconnect, Interrupt, Open, Respond, RollBack, StartTurn, Stop,
};
use crate::runtime::mailbox_driver::MailboxDriver;
use crate::runtime::{new_id, now_iso};
use conversation::{top_level_assistant_uuid, Opening};

mod conversation;
pub mod process;

pub use process::{
    spawn_claude, ClaudeCommand, ClaudeEvent, ClaudeProcess, FromClaude, ProcessLink, Spawner,
    WriteJson,
};

/// What Claude Code can do through this driver.
pub fn claude_info() -> DriverInfo {
    DriverInfo {
        name: "claudeAgent".into(),
        title: "Claude Code".into(),
        capabilities: Capabilities {
            resume: true,
            rollback: true,
            steer: false,
            plan_mode: true,
            user_input: true,
            images: true,
            // t3rs offers a list of Claude's models (provider.listModels); the CLI lists none.
            model_list: true,
        },
    }
}

/// `--permission-mode` for a turn.
pub fn permission_mode(runtime: RuntimeMode, interaction: InteractionMode) -> &'static str {
    match (interaction, runtime) {
        (InteractionMode::Plan, _) => "plan",
        (InteractionMode::Default, RuntimeMode::FullAccess) => "bypassPermissions",
        (InteractionMode::Default, RuntimeMode::ApprovalRequired) => "default",
    }
}

/// How every Claude Code of the server is started.
#[derive(Clone)]
pub struct ClaudeDriverFactory {
    bin: PathBuf,
    env: Vec<(OsString, OsString)>,
    env_remove: Vec<OsString>,
    spawner: Spawner,
}

impl ClaudeDriverFactory {
    pub fn new(bin: impl Into<PathBuf>) -> Self {
        ClaudeDriverFactory {
            bin: bin.into(),
            env: Vec::new(),
            env_remove: Vec::new(),
            spawner: Arc::new(spawn_claude),
        }
    }

    /// Variables set and removed on top of the scrubbed environment (tests).
    pub fn with_env(mut self, set: Vec<(OsString, OsString)>, remove: Vec<OsString>) -> Self {
        self.env = set;
        self.env_remove = remove;
        self
    }

    /// Processes started by `spawner` instead (the mailbox-harness tests).
    pub fn with_spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = spawner;
        self
    }

    /// The driver actor itself, for tests that drive it by messages.
    pub fn start_actor(&self, context: DriverContext) -> Addr<ClaudeDriver> {
        ClaudeDriver {
            factory: self.clone(),
            events: context.events,
            translator: ClaudeTranslator::new(context.thread_id),
            generation: 0,
            cwd: None,
            serial: 0,
            live: None,
            opening: None,
            runtime_mode: RuntimeMode::FullAccess,
            conversation: None,
            conversation_stored: false,
            last_assistant: None,
            resume_at: None,
            last_model: None,
            requests: 0,
        }
        .start()
    }
}

impl DriverFactory for ClaudeDriverFactory {
    fn info(&self) -> DriverInfo {
        claude_info()
    }

    fn start(&self, context: DriverContext) -> Arc<dyn ProviderDriver> {
        Arc::new(MailboxDriver::new(
            self.start_actor(context),
            Arc::new(claude_info),
            "the Claude Code session ended",
            "Claude Code's running turns take no more input here",
        ))
    }
}

/// What a process was started with that a turn may need changed.
#[derive(Debug, Clone, PartialEq)]
struct ProcessConfig {
    permission_mode: String,
    model: Option<String>,
}

struct LiveClaude {
    serial: u64,
    link: ProcessLink,
    config: ProcessConfig,
}

/// The actor: the session's Claude Code and what its lines mean.
pub struct ClaudeDriver {
    factory: ClaudeDriverFactory,
    events: Recipient<DriverEvent>,
    translator: ClaudeTranslator,
    generation: u64,
    cwd: Option<String>,
    serial: u64,
    live: Option<LiveClaude>,
    opening: Option<Opening>,
    runtime_mode: RuntimeMode,
    conversation: Option<String>,
    /// Whether Claude Code has the conversation on disk (resumed, or had a turn): a restart
    /// then uses `--resume`, else `--session-id` again.
    conversation_stored: bool,
    /// The uuid of the last top-level assistant entry of the conversation, when seen (a turn
    /// can be rolled back to it); `None` when unknown (resumed from before this driver).
    last_assistant: Option<String>,
    /// `--resume-session-at` for the next process (a rollback).
    resume_at: Option<String>,
    last_model: Option<String>,
    requests: u64,
}

impl ClaudeDriver {
    /// `id` is the conversation from now on; what was known of another one is forgotten.
    fn adopt(&mut self, id: String) {
        if self.conversation.as_deref() != Some(id.as_str()) {
            self.last_assistant = None;
            self.resume_at = None;
        }
        self.conversation = Some(id);
    }

    fn retire(&mut self) {
        if let Some(live) = self.live.take() {
            live.link.stop.do_send(Shutdown);
        }
        if let Some(opening) = self.opening.take() {
            let _ = opening.waiter.send(Err(ProviderError::gone(
                "the Claude Code process was stopped",
            )));
        }
    }

    fn spawn(&mut self, ctx: &mut Context<Self>, config: ProcessConfig, resume: bool) -> u64 {
        self.retire();
        self.serial += 1;
        let conversation = self.conversation.clone();
        let command = ClaudeCommand {
            bin: self.factory.bin.clone(),
            cwd: PathBuf::from(self.cwd.clone().unwrap_or_else(|| ".".into())),
            permission_mode: config.permission_mode.clone(),
            resume: conversation.clone().filter(|_| resume),
            session_id: conversation.filter(|_| !resume),
            resume_at: self.resume_at.take().filter(|_| resume),
            model: config.model.clone(),
            env: self.factory.env.clone(),
            env_remove: self.factory.env_remove.clone(),
        };
        let link = (self.factory.spawner)(
            command,
            self.generation,
            self.serial,
            ctx.address().recipient(),
        );
        // The optional handshake: its answer tells an open that the process is up.
        let init = json!({"type": "control_request", "request_id": format!("init-{}", self.serial),
                          "request": {"subtype": "initialize"}});
        link.write.do_send(WriteJson(init));
        self.live = Some(LiveClaude {
            serial: self.serial,
            link,
            config,
        });
        self.serial
    }

    fn write(&self, line: Value) -> Result<(), ProviderError> {
        match &self.live {
            Some(live) => {
                live.link.write.do_send(WriteJson(line));
                Ok(())
            }
            None => Err(ProviderError::gone("Claude Code is not running")),
        }
    }

    /// Writes Claude its control responses; the rest is for the session.
    fn keep(&self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut out = Vec::with_capacity(effects.len());
        for effect in effects {
            match effect {
                Effect::Reply { id, result } => {
                    if self.write(control_response_line(&id, &result)).is_err() {
                        log::debug!("no Claude Code to answer control request {id}");
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    fn tell(&self, body: DriverEventBody, hold: Option<Box<dyn std::any::Any + Send>>) {
        self.events.do_send(DriverEvent {
            generation: self.generation,
            body,
            hold,
        });
    }

    fn warning(&self, message: String, detail: String, now: String) -> Effect {
        Effect::Activity(Activity {
            id: new_id(),
            tone: ActivityTone::Info,
            kind: "runtime.warning".into(),
            summary: "Runtime warning".into(),
            payload: json!({ "message": message, "detail": detail }),
            turn_id: self.translator.active_turn().map(str::to_string),
            sequence: None,
            created_at: now,
        })
    }
}

/// Why a Claude Code process ended, in a sentence for the session error.
pub fn exit_reason(report: &t3rs_actors::child_process::ExitReport) -> String {
    let reason = crate::runtime::codex_driver::strip_ansi(&format!("Claude Code {report}"));
    let refused_root = report
        .stderr_tail
        .iter()
        .any(|l| l.contains("cannot be used with root/sudo"));
    if refused_root {
        format!(
            "{reason}. As root, Claude Code runs full-access (bypassPermissions) only when \
             IS_SANDBOX=1 is set; t3rs passes the server's IS_SANDBOX through and never sets it: \
             start t3rs with IS_SANDBOX=1, or use approval-required mode."
        )
    } else {
        reason
    }
}

impl Actor for ClaudeDriver {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<Connect> for ClaudeDriver {
    type Result = ();

    /// Claude Code's command line depends on the conversation, so the process starts at
    /// `open` (a resume) or at the first turn.
    fn handle(&mut self, msg: Connect, _ctx: &mut Self::Context) {
        self.retire();
        self.generation = msg.generation;
        self.cwd = Some(msg.cwd);
    }
}

impl Handler<Disconnect> for ClaudeDriver {
    type Result = ();

    fn handle(&mut self, _msg: Disconnect, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<Close> for ClaudeDriver {
    type Result = ();

    fn handle(&mut self, _msg: Close, ctx: &mut Self::Context) {
        self.retire();
        ctx.stop();
    }
}

impl Handler<StartTurn> for ClaudeDriver {
    type Result = Result<String, ProviderError>;

    fn handle(&mut self, msg: StartTurn, ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Err(ProviderError::gone("the Claude Code session ended"));
        }
        let input = msg.input;
        let images = input
            .images
            .iter()
            .map(ImageInput::inline)
            .collect::<Result<Vec<_>, _>>()?;
        if self.opening.is_some() {
            return Err(ProviderError::Refused(
                "the Claude Code conversation is still being opened".into(),
            ));
        }
        if self.conversation.as_deref() != Some(msg.conversation.as_str()) {
            // A conversation opened elsewhere (an earlier incarnation): Claude has it stored.
            self.adopt(msg.conversation.clone());
            self.conversation_stored = true;
            self.retire();
        }
        let model = Some(input.model_selection.model.trim().to_string()).filter(|m| !m.is_empty());
        let config = ProcessConfig {
            permission_mode: permission_mode(input.runtime_mode, input.interaction_mode).into(),
            model: model.clone(),
        };
        self.last_model = model;
        self.runtime_mode = input.runtime_mode;
        if self.live.as_ref().map(|l| &l.config) != Some(&config) {
            let stored = self.conversation_stored;
            self.spawn(ctx, config, stored);
        }
        self.translator.set_delivery(input.delivery);
        // Where the conversation stood before this turn: the point a rollback returns to.
        let before = match (&self.last_assistant, self.conversation_stored) {
            (Some(uuid), _) => Some(uuid.clone()),
            (None, false) => Some(String::new()), // a new conversation: its start
            (None, true) => None,                 // resumed from before this driver: unknown
        };
        let turn_id = match before {
            Some(point) => format!("{}@{point}", new_id()),
            None => new_id(),
        };
        let effects = self.translator.begin_turn(&turn_id);
        self.write(user_line(&input.text, &images))?;
        self.conversation_stored = true;
        self.tell(DriverEventBody::Runtime(effects), None);
        Ok(turn_id)
    }
}

impl Handler<Interrupt> for ClaudeDriver {
    type Result = Result<(), ProviderError>;

    fn handle(&mut self, msg: Interrupt, _ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Err(ProviderError::gone("the Claude Code session ended"));
        }
        self.requests += 1;
        self.write(interrupt_line(&format!("int-{}", self.requests)))
    }
}

impl Handler<Respond> for ClaudeDriver {
    type Result = Result<Vec<Effect>, ProviderError>;

    fn handle(&mut self, msg: Respond, _ctx: &mut Self::Context) -> Self::Result {
        let now = now_iso();
        let answered = match &msg.answer {
            Answer::Approval(decision) => {
                self.translator
                    .answer_approval(&msg.request_id, *decision, &now)
            }
            Answer::UserInput(answers) => {
                self.translator
                    .answer_user_input(&msg.request_id, answers, &now)
            }
        };
        answered
            .map(|effects| self.keep(effects))
            .map_err(ProviderError::Refused)
    }
}

impl Handler<Stop> for ClaudeDriver {
    type Result = Result<Vec<Effect>, ProviderError>;

    fn handle(&mut self, msg: Stop, _ctx: &mut Self::Context) -> Self::Result {
        self.retire();
        Ok(self.translator.process_gone(&msg.reason, &now_iso()))
    }
}

impl Handler<FromClaude> for ClaudeDriver {
    type Result = ();

    fn handle(&mut self, msg: FromClaude, _ctx: &mut Self::Context) {
        let current = self
            .live
            .as_ref()
            .is_some_and(|l| l.serial == msg.serial && msg.generation == self.generation);
        if !current {
            return; // a process already replaced or stopped on purpose
        }
        let now = now_iso();
        let hold: Option<Box<dyn std::any::Any + Send>> = Some(Box::new(msg.ticket));
        let body = match msg.event {
            ClaudeEvent::Line(line) => {
                if self.opening_line(&line) {
                    return;
                }
                if let Some(uuid) = top_level_assistant_uuid(&line) {
                    self.last_assistant = Some(uuid);
                }
                let effects = self.translator.line(&line, &now);
                DriverEventBody::Runtime(self.keep(effects))
            }
            ClaudeEvent::Unreadable { line, error } => {
                let mut line = line;
                t3rs_core::text::truncate_within(&mut line, 180);
                let message = format!("Claude Code wrote a line that is not JSON ({error})");
                DriverEventBody::Runtime(vec![self.warning(message, line, now)])
            }
            ClaudeEvent::SpawnFailed { message } => {
                self.live = None;
                if let Some(opening) = self.opening.take() {
                    let _ = opening
                        .waiter
                        .send(Err(ProviderError::gone(message.clone())));
                }
                // Claude Code starts its process with a turn: that turn ends with it.
                let effects = self.translator.process_gone(&message, &now);
                DriverEventBody::StartFailed { message, effects }
            }
            ClaudeEvent::Exited(report) => {
                self.live = None;
                let reason = exit_reason(&report);
                let exit = ExitInfo {
                    code: report.code,
                    signal: report.signal,
                    stderr: report
                        .last_stderr_line()
                        .map(crate::runtime::codex_driver::strip_ansi),
                };
                if self.opening_exit(&exit, &reason) {
                    return; // a failed resume, fallen back from
                }
                let effects = self.translator.process_gone(&reason, &now);
                DriverEventBody::Exited {
                    effects,
                    reason,
                    exit,
                }
            }
        };
        self.tell(body, hold);
    }
}

#[cfg(test)]
mod tests;
