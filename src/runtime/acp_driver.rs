//! An ACP (Agent Client Protocol) agent behind the [`ProviderDriver`] trait: one actor per
//! thread session owning the instance's process (one at a time, tagged with the session's
//! generation and its own serial), JSON-RPC 2.0 on stdio ([`crate::provider::jsonrpc`]) and
//! an [`AcpTranslator`]. `open`: initialize → session/load of a stored id when the agent
//! advertises loadSession (else, or when it fails, session/new, said in `fell_back`); a turn
//! is session/prompt (its answer's stopReason ends it); interrupt is session/cancel. After a
//! prompt that did not end normally (cancelled, failed), an agent that can load sessions is
//! stopped and the session retired, so the next turn loads it in a new process
//! (claude-agent-acp answers the next prompt in the same process empty); what a load replays
//! is not shown again. Before a prompt the session is switched (session/set_mode) to the
//! agent's mode for the turn's runtime and interaction modes, when it advertises one
//! ([`AgentModes`]). t3rs serves the agent's fs/* requests inside the thread's cwd ([`fs`]);
//! it advertises no terminal capability and refuses those requests.
//!
//! Submodules: [`handshake`] (open's initialize → load/new), [`handle`] (the session's
//! [`ProviderDriver`] side), [`turn`] (a prompt, with its mode switch), [`fs`]
//! (fs/read_text_file, fs/write_text_file), [`process`] (the agent's process).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::Shutdown;
use tokio::sync::oneshot;

use crate::orchestration::model::AgentKind;
use crate::provider::acp_events::{
    fs_request, notification, request, response, AcpTranslator, AgentModels, AgentModes,
};
use crate::provider::driver::{
    Answer, Capabilities, DriverContext, DriverEvent, DriverEventBody, DriverFactory, DriverInfo,
    Effect, ExitInfo, ProviderDriver, ProviderError,
};
use crate::provider::jsonrpc::{parse_line, Incoming, Pending, RpcError};
use crate::runtime::driver_messages::{Close, Connect, Disconnect, Interrupt, Respond, Stop};
use crate::runtime::mailbox_driver::MailboxDriver;
use crate::runtime::now_iso;

mod fs;
mod handle;
mod handshake;
pub mod process;
mod turn;

pub use process::{spawn_acp, AcpCommand, AcpEvent, FromAcp, ProcessLink, Spawner, WriteJson};

const CALL_TIMEOUT: Duration = Duration::from_secs(120);
const PROMPT_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

/// A declared ACP instance's driver factory.
#[derive(Clone)]
pub struct AcpDriverFactory {
    /// `acp` for a declared instance, else the kind whose CLI speaks ACP (e.g. gemini).
    kind: AgentKind,
    instance: String,
    command: AcpCommand,
    spawner: Spawner,
    /// What the agent said it can do, the last time one answered initialize.
    capabilities: Arc<Mutex<Capabilities>>,
    /// Where the models it offers are told (for `provider.listModels`).
    offered: Option<crate::runtime::settings::OfferedModels>,
}

fn info_of(kind: AgentKind, instance: &str, capabilities: Capabilities) -> DriverInfo {
    let (name, title) = match kind {
        AgentKind::Acp => ("acp".to_string(), format!("ACP agent '{instance}'")),
        kind => (kind.as_str().to_string(), kind.title().to_string()),
    };
    DriverInfo {
        name,
        title,
        capabilities,
    }
}

impl AcpDriverFactory {
    pub fn new(instance: &crate::protocol::settings::AcpInstance) -> Self {
        AcpDriverFactory {
            kind: AgentKind::Acp,
            instance: instance.instance_id.clone(),
            command: AcpCommand {
                bin: instance.command.clone().into(),
                args: instance.args.clone(),
                cwd: ".".into(),
                env: instance
                    .env
                    .iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            },
            spawner: Arc::new(spawn_acp),
            // Until an agent answers: resumable (open falls back visibly if not), taking images
            // and with a plan mode (a prompt refuses either once the agent says it has none),
            // so the first turn of a fresh server is not refused on a guess.
            capabilities: Arc::new(Mutex::new(Capabilities {
                resume: true,
                images: true,
                plan_mode: true,
                ..Capabilities::default()
            })),
            offered: None,
        }
    }

    /// The driver of a provider kind whose CLI speaks ACP, run as `instance` says.
    pub fn for_kind(kind: AgentKind, instance: &crate::protocol::settings::AcpInstance) -> Self {
        AcpDriverFactory {
            kind,
            ..AcpDriverFactory::new(instance)
        }
    }

    /// Tells `offered` the models the agent offers whenever a session opens.
    pub fn offering_to(mut self, offered: crate::runtime::settings::OfferedModels) -> Self {
        self.offered = Some(offered);
        self
    }

    pub fn with_spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = spawner;
        self
    }

    fn capabilities(&self) -> Capabilities {
        *self.capabilities.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn start_actor(&self, context: DriverContext) -> Addr<AcpDriver> {
        AcpDriver {
            factory: self.clone(),
            events: context.events,
            translator: AcpTranslator::new(),
            generation: 0,
            cwd: None,
            serial: 0,
            live: None,
            pending: Pending::default(),
            session: None,
            load_session: false,
            loading: false,
            modes: None,
            models: None,
        }
        .start()
    }
}

impl DriverFactory for AcpDriverFactory {
    fn info(&self) -> DriverInfo {
        info_of(self.kind, &self.instance, self.capabilities())
    }

    fn start(&self, context: DriverContext) -> Arc<dyn ProviderDriver> {
        let factory = self.clone();
        Arc::new(MailboxDriver::new(
            self.start_actor(context),
            Arc::new(move || factory.info()),
            "the ACP session ended",
            "ACP agents' running turns take no more input here",
        ))
    }
}

enum Waiter {
    Call(oneshot::Sender<Result<Value, RpcError>>),
    Prompt { turn_id: String },
}

pub struct AcpDriver {
    factory: AcpDriverFactory,
    events: Recipient<DriverEvent>,
    translator: AcpTranslator,
    generation: u64,
    cwd: Option<String>,
    serial: u64,
    live: Option<(u64, ProcessLink)>,
    pending: Pending<Waiter>,
    session: Option<String>,
    load_session: bool,
    /// A session/load is replaying the conversation: its updates are not news.
    loading: bool,
    /// The open session's modes, if the agent has any (switched before each prompt).
    modes: Option<AgentModes>,
    /// The models the open session offers, if the agent says.
    models: Option<AgentModels>,
}

impl AcpDriver {
    fn retire(&mut self) {
        if let Some((_, link)) = self.live.take() {
            link.stop.do_send(Shutdown);
        }
        self.fail_pending("the ACP agent was stopped");
        self.loading = false;
    }

    fn fail_pending(&mut self, why: &str) {
        for (_, _, waiter) in self.pending.drain() {
            if let Waiter::Call(tx) = waiter {
                let _ = tx.send(Err(RpcError {
                    code: 0,
                    message: why.into(),
                    data: None,
                }));
            }
        }
    }

    fn spawn(&mut self, ctx: &mut Context<Self>) {
        self.retire();
        self.serial += 1;
        let mut command = self.factory.command.clone();
        command.cwd = self.cwd.clone().unwrap_or_else(|| ".".into()).into();
        let link = (self.factory.spawner)(
            command,
            self.generation,
            self.serial,
            ctx.address().recipient(),
        );
        self.live = Some((self.serial, link));
    }

    fn write(&self, line: Value) -> Result<(), ProviderError> {
        match &self.live {
            Some((_, link)) => {
                link.write.do_send(WriteJson(line));
                Ok(())
            }
            None => Err(ProviderError::gone("the ACP agent is not running")),
        }
    }

    fn call(&mut self, method: &str, params: Value) -> oneshot::Receiver<Result<Value, RpcError>> {
        let (tx, rx) = oneshot::channel();
        let id = self.pending.add(method, CALL_TIMEOUT, Waiter::Call(tx));
        if method == "session/load" {
            self.loading = true;
        }
        if self.write(request(id, method, params)).is_err() {
            self.pending.take(id);
        }
        rx
    }

    fn keep(&self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut out = Vec::with_capacity(effects.len());
        for effect in effects {
            match effect {
                Effect::Reply { id, result } => {
                    let _ = self.write(response(&id, &result));
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
}

async fn answer(rx: oneshot::Receiver<Result<Value, RpcError>>) -> Result<Value, RpcError> {
    rx.await.unwrap_or_else(|_| {
        Err(RpcError {
            code: 0,
            message: "the ACP agent is gone".into(),
            data: None,
        })
    })
}

impl Actor for AcpDriver {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(Duration::from_secs(1), |act, _ctx| {
            for (_, method, waiter) in act.pending.expired(Instant::now()) {
                if let Waiter::Call(tx) = waiter {
                    let _ = tx.send(Err(RpcError {
                        code: 0,
                        message: format!("the ACP agent did not answer {method} in time"),
                        data: None,
                    }));
                }
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<Connect> for AcpDriver {
    type Result = ();

    /// The process starts at `open`.
    fn handle(&mut self, msg: Connect, _ctx: &mut Self::Context) {
        self.retire();
        self.generation = msg.generation;
        self.cwd = Some(msg.cwd);
    }
}

impl Handler<Disconnect> for AcpDriver {
    type Result = ();
    fn handle(&mut self, _msg: Disconnect, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<Close> for AcpDriver {
    type Result = ();
    fn handle(&mut self, _msg: Close, ctx: &mut Self::Context) {
        self.retire();
        ctx.stop();
    }
}

impl Handler<Interrupt> for AcpDriver {
    type Result = Result<(), ProviderError>;

    fn handle(&mut self, msg: Interrupt, _ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Err(ProviderError::gone("the ACP session ended"));
        }
        let session = self
            .session
            .clone()
            .ok_or_else(|| ProviderError::gone("no ACP session"))?;
        let cancelled = self
            .translator
            .cancel_pending("the turn was interrupted", &now_iso());
        let effects = self.keep(cancelled);
        self.write(notification(
            "session/cancel",
            json!({ "sessionId": session }),
        ))?;
        self.tell(DriverEventBody::Runtime(effects), None);
        Ok(())
    }
}

impl Handler<Respond> for AcpDriver {
    type Result = Result<Vec<Effect>, ProviderError>;

    fn handle(&mut self, msg: Respond, _ctx: &mut Self::Context) -> Self::Result {
        match msg.answer {
            Answer::Approval(decision) => self
                .translator
                .answer_approval(&msg.request_id, decision, &now_iso())
                .map(|effects| self.keep(effects))
                .map_err(ProviderError::Refused),
            Answer::UserInput(_) => Err(ProviderError::Unsupported(
                "ACP agents ask no user-input questions here".into(),
            )),
        }
    }
}

impl Handler<Stop> for AcpDriver {
    type Result = Result<Vec<Effect>, ProviderError>;

    fn handle(&mut self, msg: Stop, _ctx: &mut Self::Context) -> Self::Result {
        self.retire();
        Ok(self.translator.process_gone(&msg.reason, &now_iso()))
    }
}

impl Handler<FromAcp> for AcpDriver {
    type Result = ();

    fn handle(&mut self, msg: FromAcp, ctx: &mut Self::Context) {
        let current = self
            .live
            .as_ref()
            .is_some_and(|(serial, _)| *serial == msg.serial && msg.generation == self.generation);
        if !current {
            return;
        }
        let now = now_iso();
        let hold: Option<Box<dyn std::any::Any + Send>> = Some(Box::new(msg.ticket));
        let mut retire = false;
        let body = match msg.event {
            AcpEvent::Line(line) => match parse_line(&line) {
                Ok(Incoming::Response { id, outcome }) => match self.pending.take(id) {
                    Some((method, Waiter::Call(tx))) => {
                        if method == "session/load" {
                            self.loading = false;
                        }
                        let _ = tx.send(outcome);
                        return;
                    }
                    Some((_, Waiter::Prompt { turn_id })) => {
                        // claude-agent-acp answers the prompt after a cancelled or failed
                        // one at once with an empty end_turn (even after an in-process
                        // session/load); a new process that loads the session answers properly.
                        retire = self.load_session
                            && !outcome
                                .as_ref()
                                .is_ok_and(|v| v["stopReason"] == "end_turn");
                        let effects = self.translator.prompt_result(&turn_id, &outcome, &now);
                        let effects = self.keep(effects);
                        match retire {
                            true => DriverEventBody::Retired {
                                effects,
                                reason: "the ACP agent's turn did not end normally: its process \
                                         is stopped, and the next turn loads the session in a \
                                         new one"
                                    .to_string(),
                            },
                            false => DriverEventBody::Runtime(effects),
                        }
                    }
                    None => return,
                },
                Ok(Incoming::Notification { .. }) if self.loading => return,
                Ok(Incoming::Notification { method, params }) => {
                    if let Some(modes) = self.modes.as_mut() {
                        modes.note_update(&params);
                    }
                    DriverEventBody::Runtime(self.translator.notification(&method, &params, &now))
                }
                Ok(Incoming::Request { id, method, params }) => {
                    if let Some(request) = fs_request(&method, &params) {
                        self.serve_fs(id, method, request, ctx);
                        return;
                    }
                    let effects = self.translator.request(id, &method, &params, &now);
                    DriverEventBody::Runtime(self.keep(effects))
                }
                Err(e) => {
                    log::warn!("an ACP agent wrote a line that is not JSON-RPC: {e}");
                    return;
                }
            },
            AcpEvent::SpawnFailed { message } => {
                self.live = None;
                self.fail_pending(&message);
                DriverEventBody::StartFailed {
                    message,
                    effects: Vec::new(),
                }
            }
            AcpEvent::Exited(report) => {
                self.live = None;
                let reason =
                    crate::runtime::codex_driver::strip_ansi(&format!("The ACP agent {report}"));
                self.fail_pending(&reason);
                let exit = ExitInfo {
                    code: report.code,
                    signal: report.signal,
                    stderr: report
                        .last_stderr_line()
                        .map(crate::runtime::codex_driver::strip_ansi),
                };
                let effects = self.translator.process_gone(&reason, &now);
                DriverEventBody::Exited {
                    effects,
                    reason,
                    exit,
                }
            }
        };
        self.tell(body, hold);
        if retire {
            self.retire();
        }
    }
}

#[cfg(test)]
mod tests;
