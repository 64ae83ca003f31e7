//! codex behind the [`ProviderDriver`] trait: one actor per thread session owning that
//! session's `codex app-server` ([`CodexAppServer`], one process at a time, tagged with the
//! session's generation) and its [`CodexTranslator`]. codex's traffic is translated here;
//! the session gets normalized [`Effect`]s, and codex's replies (`Effect::Reply`) go straight
//! back to codex.

use std::sync::Arc;

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::Shutdown;

use crate::orchestration::model::{Activity, ActivityTone, InteractionMode, RuntimeMode};
use crate::provider::codex_events::CodexTranslator;
use crate::provider::codex_protocol::{thread_id_of, turn_id_of};
use crate::provider::driver::{
    Answer, Capabilities, DriverContext, DriverEvent, DriverEventBody, DriverFactory, DriverFuture,
    DriverInfo, Effect, ExitInfo, OpenConversation, Opened, ProviderDriver, ProviderError,
    TurnInput,
};
use crate::runtime::codex::{
    CodexAppServer, CodexError, CodexEvent, CodexRequest, CodexRespond, CodexSpec, FromCodex,
};
use crate::runtime::driver_messages::{Close, Connect, Disconnect, Respond, Stop};
use crate::runtime::providers::ProviderSettings;
use crate::runtime::{new_id, now_iso};

/// approvalPolicy and sandbox for a runtime mode.
pub fn codex_policy(mode: RuntimeMode) -> (&'static str, &'static str) {
    match mode {
        RuntimeMode::FullAccess => ("never", "danger-full-access"),
        RuntimeMode::ApprovalRequired => ("on-request", "workspace-write"),
    }
}

/// codex colours its log lines; an error message shown to a person should not carry escapes.
pub fn strip_ansi(text: &str) -> String {
    strip_ansi_escapes::strip_str(text)
}

/// What codex can do through this driver.
pub fn codex_info() -> DriverInfo {
    DriverInfo {
        name: "codex".into(),
        title: "Codex".into(),
        capabilities: Capabilities {
            resume: true,
            rollback: true,
            steer: true,
            plan_mode: true,
            user_input: true,
            images: true,
            model_list: true,
        },
    }
}

/// How every codex of the server is started.
#[derive(Clone)]
pub struct CodexDriverFactory {
    bin: std::path::PathBuf,
    env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    request_timeout: std::time::Duration,
}

impl CodexDriverFactory {
    pub fn new(settings: &ProviderSettings) -> Self {
        CodexDriverFactory {
            bin: settings.codex_bin.clone(),
            env: settings.codex_env.clone(),
            request_timeout: settings.request_timeout,
        }
    }
}

impl DriverFactory for CodexDriverFactory {
    fn info(&self) -> DriverInfo {
        codex_info()
    }

    fn start(&self, context: DriverContext) -> Arc<dyn ProviderDriver> {
        let addr = CodexDriver {
            factory: self.clone(),
            events: context.events,
            translator: CodexTranslator::new(context.thread_id),
            live: None,
        }
        .start();
        Arc::new(CodexDriverHandle { addr })
    }
}

struct LiveCodex {
    generation: u64,
    addr: Addr<CodexAppServer>,
}

/// The actor: the session's codex and what its traffic means.
pub struct CodexDriver {
    factory: CodexDriverFactory,
    events: Recipient<DriverEvent>,
    translator: CodexTranslator,
    live: Option<LiveCodex>,
}

impl CodexDriver {
    fn retire(&mut self) {
        if let Some(live) = self.live.take() {
            live.addr.do_send(Shutdown);
        }
    }

    /// Sends codex its replies; the rest is for the session.
    fn keep(&self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut out = Vec::with_capacity(effects.len());
        for effect in effects {
            match effect {
                Effect::Reply { id, result } => match &self.live {
                    Some(live) => live.addr.do_send(CodexRespond { id, result }),
                    None => log::debug!("no codex to answer request {id}"),
                },
                other => out.push(other),
            }
        }
        out
    }

    fn tell(
        &self,
        generation: u64,
        body: DriverEventBody,
        hold: Option<Box<dyn std::any::Any + Send>>,
    ) {
        self.events.do_send(DriverEvent {
            generation,
            body,
            hold,
        });
    }
}

impl Actor for CodexDriver {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.retire();
    }
}

#[derive(Message)]
#[rtype(result = "Result<Value, ProviderError>")]
struct Call {
    generation: u64,
    method: &'static str,
    params: Value,
}

#[derive(Message)]
#[rtype(result = "()")]
struct SetDelivery(crate::orchestration::model::AssistantDeliveryMode);

impl Handler<Connect> for CodexDriver {
    type Result = ();

    fn handle(&mut self, msg: Connect, ctx: &mut Self::Context) {
        self.retire();
        let mut spec = CodexSpec::new(&self.factory.bin, &msg.cwd);
        spec.env = self.factory.env.clone();
        spec.request_timeout = self.factory.request_timeout;
        spec.generation = msg.generation;
        let addr = CodexAppServer::new(spec, ctx.address().recipient()).start();
        self.live = Some(LiveCodex {
            generation: msg.generation,
            addr,
        });
    }
}

impl Handler<Disconnect> for CodexDriver {
    type Result = ();

    fn handle(&mut self, _msg: Disconnect, _ctx: &mut Self::Context) {
        self.retire();
    }
}

impl Handler<Close> for CodexDriver {
    type Result = ();

    fn handle(&mut self, _msg: Close, ctx: &mut Self::Context) {
        self.retire();
        ctx.stop();
    }
}

impl Handler<Call> for CodexDriver {
    type Result = ResponseFuture<Result<Value, ProviderError>>;

    fn handle(&mut self, msg: Call, _ctx: &mut Self::Context) -> Self::Result {
        let Some(live) = self
            .live
            .as_ref()
            .filter(|l| l.generation == msg.generation)
        else {
            return Box::pin(std::future::ready(Err(ProviderError::gone(
                "the codex session ended",
            ))));
        };
        let request = live.addr.send(CodexRequest {
            method: msg.method.to_string(),
            params: msg.params,
        });
        Box::pin(async move {
            match request.await {
                Ok(Ok(result)) => Ok(result),
                Ok(Err(err @ CodexError::Gone(_))) => Err(ProviderError::gone(err.to_string())),
                Ok(Err(err)) => Err(ProviderError::Refused(err.to_string())),
                Err(_) => Err(ProviderError::gone("the codex session ended")),
            }
        })
    }
}

impl Handler<SetDelivery> for CodexDriver {
    type Result = ();

    fn handle(&mut self, SetDelivery(delivery): SetDelivery, _ctx: &mut Self::Context) {
        self.translator.set_delivery(delivery);
    }
}

impl Handler<Respond> for CodexDriver {
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

impl Handler<Stop> for CodexDriver {
    type Result = Result<Vec<Effect>, ProviderError>;

    fn handle(&mut self, msg: Stop, _ctx: &mut Self::Context) -> Self::Result {
        self.retire();
        let effects = self.translator.process_gone(&msg.reason, &now_iso());
        Ok(self.keep(effects))
    }
}

impl Handler<FromCodex> for CodexDriver {
    type Result = ();

    fn handle(&mut self, msg: FromCodex, _ctx: &mut Self::Context) {
        let generation = msg.generation;
        if self.live.as_ref().map(|l| l.generation) != Some(generation) {
            return; // a process already replaced or stopped on purpose
        }
        let now = now_iso();
        let hold: Option<Box<dyn std::any::Any + Send>> = Some(Box::new(msg.ticket));
        let body = match msg.event {
            CodexEvent::Ready { .. } => return,
            CodexEvent::Notification { method, params } => {
                let effects = self.translator.notification(&method, &params, &now);
                DriverEventBody::Runtime(self.keep(effects))
            }
            CodexEvent::ServerRequest { id, method, params } => {
                let effects = self.translator.server_request(id, &method, &params, &now);
                DriverEventBody::Runtime(self.keep(effects))
            }
            CodexEvent::Unreadable { line, error } => {
                let mut line = line;
                t3rs_core::text::truncate_within(&mut line, 180);
                DriverEventBody::Runtime(vec![Effect::Activity(Activity {
                    id: new_id(),
                    tone: ActivityTone::Info,
                    kind: "runtime.warning".into(),
                    summary: "Runtime warning".into(),
                    payload: json!({ "message": format!("codex wrote a line that is not JSON-RPC ({error})"), "detail": line }),
                    turn_id: self.translator.active_turn().map(str::to_string),
                    sequence: None,
                    created_at: now,
                })])
            }
            CodexEvent::SpawnFailed { message } => {
                self.live = None;
                DriverEventBody::StartFailed {
                    message,
                    effects: Vec::new(),
                }
            }
            CodexEvent::Exited(report) => {
                self.live = None;
                let reason = strip_ansi(&format!("codex app-server {report}"));
                let effects = self.translator.process_gone(&reason, &now);
                DriverEventBody::Exited {
                    effects: self.keep(effects),
                    reason,
                    exit: ExitInfo {
                        code: report.code,
                        signal: report.signal,
                        stderr: report.last_stderr_line().map(strip_ansi),
                    },
                }
            }
        };
        self.tell(generation, body, hold);
    }
}

/// The session's side of the driver.
struct CodexDriverHandle {
    addr: Addr<CodexDriver>,
}

impl CodexDriverHandle {
    fn call(&self, generation: u64, method: &'static str, params: Value) -> DriverFuture<Value> {
        let request = self.addr.send(Call {
            generation,
            method,
            params,
        });
        Box::pin(async move {
            request
                .await
                .unwrap_or_else(|_| Err(ProviderError::gone("the codex session ended")))
        })
    }
}

impl ProviderDriver for CodexDriverHandle {
    fn info(&self) -> DriverInfo {
        codex_info()
    }

    fn connect(&self, generation: u64, cwd: &str) {
        self.addr.do_send(Connect {
            generation,
            cwd: cwd.to_string(),
        });
    }

    fn disconnect(&self) {
        self.addr.do_send(Disconnect);
    }

    /// `thread/resume` of the stored conversation, else `thread/start`.
    fn open(&self, generation: u64, request: OpenConversation) -> DriverFuture<Opened> {
        let addr = self.addr.clone();
        let handle = CodexDriverHandle { addr };
        Box::pin(async move {
            let OpenConversation {
                resume,
                cwd,
                runtime_mode,
            } = request;
            let (approval, sandbox) = codex_policy(runtime_mode);
            let mut fell_back = None;
            if let Some(id) = resume {
                // History is not needed here (the read model has it); asking for it is
                // deprecated.
                let params = json!({ "threadId": id, "cwd": cwd, "approvalPolicy": approval,
                                     "sandbox": sandbox, "excludeTurns": true });
                match handle.call(generation, "thread/resume", params).await {
                    Ok(result) => {
                        return Ok(Opened {
                            conversation: thread_id_of(&result).unwrap_or(id),
                            fell_back: None,
                        })
                    }
                    // A dead process cannot start anything either; its exit says why.
                    Err(gone @ ProviderError::Gone { .. }) => return Err(gone),
                    Err(err) => fell_back = Some(err.to_string()),
                }
            }
            let params = json!({ "cwd": cwd, "approvalPolicy": approval, "sandbox": sandbox });
            let result = handle.call(generation, "thread/start", params).await?;
            let conversation = thread_id_of(&result).ok_or_else(|| {
                ProviderError::Refused("codex's thread/start answer had no thread id".into())
            })?;
            Ok(Opened {
                conversation,
                fell_back,
            })
        })
    }

    fn start_turn(
        &self,
        generation: u64,
        conversation: String,
        input: TurnInput,
    ) -> DriverFuture<String> {
        self.addr.do_send(SetDelivery(input.delivery));
        let mut params = turn_params(&input);
        params["threadId"] = Value::String(conversation);
        let request = self.call(generation, "turn/start", params);
        Box::pin(async move {
            let result = request.await?;
            turn_id_of(&result).ok_or_else(|| {
                ProviderError::Refused("codex's turn/start answer had no turn id".into())
            })
        })
    }

    fn interrupt(
        &self,
        generation: u64,
        conversation: String,
        turn_id: String,
    ) -> DriverFuture<()> {
        let params = json!({ "threadId": conversation, "turnId": turn_id });
        let request = self.call(generation, "turn/interrupt", params);
        Box::pin(async move { request.await.map(|_| ()) })
    }

    fn steer(
        &self,
        generation: u64,
        conversation: String,
        turn_id: String,
        input: TurnInput,
    ) -> DriverFuture<()> {
        let params = steer_params(&conversation, &turn_id, &input);
        let request = self.call(generation, "turn/steer", params);
        Box::pin(async move { request.await.map(|_| ()) })
    }

    fn rollback(
        &self,
        generation: u64,
        conversation: String,
        before_turn: String,
    ) -> DriverFuture<()> {
        let params = json!({ "threadId": conversation, "beforeTurnId": before_turn });
        let request = self.call(generation, "thread/revert", params);
        Box::pin(async move { request.await.map(|_| ()) })
    }

    fn answer(&self, request_id: String, answer: Answer) -> DriverFuture<Vec<Effect>> {
        let request = self.addr.send(Respond { request_id, answer });
        Box::pin(async move {
            request
                .await
                .unwrap_or_else(|_| Err(ProviderError::gone("the codex session ended")))
        })
    }

    fn stop(&self, reason: String) -> DriverFuture<Vec<Effect>> {
        let request = self.addr.send(Stop { reason });
        Box::pin(async move { request.await.unwrap_or_else(|_| Ok(Vec::new())) })
    }

    fn close(&self) {
        self.addr.do_send(Close);
    }
}

/// `turn/start`'s parameters but the conversation's id: the input (text, then the images as
/// `localImage`), the model, its reasoning effort, and the collaboration mode.
pub fn turn_params(input: &TurnInput) -> Value {
    let items = input_items(input);
    let model = &input.model_selection.model;
    let mut turn_params = json!({ "input": items, "model": model });
    let effort = input
        .model_options
        .as_ref()
        .and_then(|o| o.codex.as_ref())
        .and_then(|c| c.reasoning_effort);
    if let Some(effort) = effort {
        turn_params["effort"] = serde_json::to_value(effort).unwrap_or(Value::Null);
    }
    let mode = match input.interaction_mode {
        InteractionMode::Plan => "plan",
        InteractionMode::Default => "default",
    };
    turn_params["collaborationMode"] = json!({ "mode": mode, "settings": { "model": model } });
    turn_params
}

/// `turn/steer`'s parameters. `expectedTurnId` makes codex refuse a steer that arrives after
/// the turn ended, so the message is never folded into a later turn by accident.
pub fn steer_params(conversation: &str, turn_id: &str, input: &TurnInput) -> Value {
    json!({
        "threadId": conversation,
        "expectedTurnId": turn_id,
        "input": input_items(input),
    })
}

/// A user message as codex's input items: the text, then the images as `localImage`.
fn input_items(input: &TurnInput) -> Vec<Value> {
    let mut items = Vec::new();
    if !input.text.trim().is_empty() {
        items.push(json!({ "type": "text", "text": input.text, "text_elements": [] }));
    }
    for image in &input.images {
        items.push(json!({ "type": "localImage", "path": image.path }));
    }
    items
}

#[cfg(test)]
mod tests;
