//! One `codex app-server` process as an actor, on top of `ChildProcess`: the JSON-RPC dialogue
//! (`initialize` → `initialized`, then requests with timeouts), with everything codex says that
//! is not an answer (notifications, its own requests such as approvals, unreadable lines, its
//! exit) passed to the owner in order. The owner (a thread's session) decides what it means.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use actix::prelude::*;
use serde_json::Value;
use t3rs_actors::child_process::{ChildProcess, ChildSpec, ExitReport, ProcessEvent, WriteLine};
use t3rs_actors::process_runner::ProcessSpec;
use t3rs_actors::Shutdown;
use tokio::sync::oneshot;

use crate::provider::codex_protocol::{
    method, ClientInfo, InitializeCapabilities, InitializeParams,
};
use crate::provider::jsonrpc::{
    error_line, notification_line, parse_line, request_line, response_line, Incoming, Pending,
    METHOD_NOT_FOUND,
};

/// How to start codex.
#[derive(Debug, Clone)]
pub struct CodexSpec {
    pub bin: PathBuf,
    pub cwd: PathBuf,
    /// `-c key=value` configuration overrides, in order.
    pub config: Vec<String>,
    pub env: Vec<(OsString, OsString)>,
    pub request_timeout: Duration,
    /// Tags every event of this process, so its owner can tell a replaced process's late
    /// events from the current one's.
    pub generation: u64,
}

impl CodexSpec {
    pub fn new(bin: impl Into<PathBuf>, cwd: impl Into<PathBuf>) -> Self {
        Self {
            bin: bin.into(),
            cwd: cwd.into(),
            config: Vec::new(),
            env: Vec::new(),
            request_timeout: Duration::from_secs(60),
            generation: 0,
        }
    }
}

/// What one codex process (`generation`) said.
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "()")]
pub struct FromCodex {
    pub generation: u64,
    pub event: CodexEvent,
    /// Counts the event against the owner's window until the owner drops it.
    pub ticket: Ticket,
}

pub use crate::runtime::agent_stdio::{Ticket, OWNER_WINDOW};

/// Everything codex says that is not the answer to a request, in the order it said it.
#[derive(Debug, Clone, PartialEq)]
pub enum CodexEvent {
    /// `initialize` succeeded; `info` is its result.
    Ready {
        info: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// codex waits for [`CodexRespond`] with this id.
    ServerRequest {
        id: Value,
        method: String,
        params: Value,
    },
    /// A line that is not JSON-RPC (logged, never fatal).
    Unreadable {
        line: String,
        error: String,
    },
    /// The process could not be started at all.
    SpawnFailed {
        message: String,
    },
    /// The process ended; nothing more follows.
    Exited(ExitReport),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodexError {
    #[error("codex answered {method} with error {code}: {message}")]
    Rpc {
        method: String,
        code: i64,
        message: String,
    },
    #[error("codex did not answer {method} within {after:?}")]
    Timeout { method: String, after: Duration },
    #[error("codex is not running ({0})")]
    Gone(String),
}

/// A request to codex; the answer is its `result`.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<Value, CodexError>")]
pub struct CodexRequest {
    pub method: String,
    pub params: Value,
}

/// Our answer to one of codex's requests: a result, or an error (code, message).
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<(), CodexError>")]
pub struct CodexRespond {
    pub id: Value,
    pub result: Result<Value, (i64, String)>,
}

type Waiter = oneshot::Sender<Result<Value, CodexError>>;

pub struct CodexAppServer {
    spec: CodexSpec,
    owner: Recipient<FromCodex>,
    process: Option<Addr<ChildProcess>>,
    pending: Pending<Waiter>,
    /// Requests made before `initialize` was answered, sent once it is.
    queued: VecDeque<(CodexRequest, Waiter)>,
    ready: bool,
    pid: Option<u32>,
    /// The id of our `initialize`, whose answer is handled in line order (see `on_line`).
    init_id: Option<u64>,
    gone: Option<String>,
    /// [`OWNER_WINDOW`] places for events told to the owner.
    window: crate::runtime::agent_stdio::Window,
}

impl CodexAppServer {
    pub fn new(spec: CodexSpec, owner: Recipient<FromCodex>) -> Self {
        Self {
            spec,
            owner,
            process: None,
            pending: Pending::default(),
            queued: VecDeque::new(),
            ready: false,
            init_id: None,
            pid: None,
            gone: None,
            window: Default::default(),
        }
    }

    fn tell(&self, event: CodexEvent) {
        let ticket = self.window.ticket();
        self.owner.do_send(FromCodex {
            generation: self.spec.generation,
            event,
            ticket,
        });
    }

    fn send_line(&self, line: String) -> Result<(), CodexError> {
        match &self.process {
            Some(process) => {
                process.do_send(WriteLine(line));
                Ok(())
            }
            None => Err(CodexError::Gone(
                self.gone.clone().unwrap_or_else(|| "not started".into()),
            )),
        }
    }

    fn send_request(&mut self, request: CodexRequest, waiter: Waiter) {
        let id = self
            .pending
            .add(&request.method, self.spec.request_timeout, waiter);
        if let Err(err) = self.send_line(request_line(id, &request.method, &request.params)) {
            if let Some((_, waiter)) = self.pending.take(id) {
                let _ = waiter.send(Err(err));
            }
        }
    }

    /// `initialize` answered: say `initialized`, tell the owner, send what was queued. Done here,
    /// not in a future, so `Ready` precedes every notification codex wrote after the answer.
    fn on_initialized(
        &mut self,
        outcome: Result<Value, crate::provider::jsonrpc::RpcError>,
        ctx: &mut Context<Self>,
    ) {
        match outcome {
            Ok(info) => {
                self.ready = true;
                let _ = self.send_line(notification_line(method::INITIALIZED, None));
                self.tell(CodexEvent::Ready { info });
                while let Some((request, waiter)) = self.queued.pop_front() {
                    self.send_request(request, waiter);
                }
            }
            Err(err) => {
                log::warn!("codex initialize failed: {}", err.message);
                self.gone = Some(format!("initialize failed: {}", err.message));
                ctx.stop();
            }
        }
    }

    fn on_line(&mut self, line: String, ctx: &mut Context<Self>) {
        match parse_line(&line) {
            Ok(Incoming::Response { id, outcome }) if Some(id) == self.init_id => {
                self.init_id = None;
                self.pending.take(id);
                self.on_initialized(outcome, ctx);
            }
            Ok(Incoming::Response { id, outcome }) => {
                let Some((method, waiter)) = self.pending.take(id) else {
                    log::debug!("codex answered unknown request {id}");
                    return;
                };
                let answer = outcome.map_err(|e| CodexError::Rpc {
                    method: method.clone(),
                    code: e.code,
                    message: e.message,
                });
                let _ = waiter.send(answer);
            }
            Ok(Incoming::Notification { method, params }) => {
                self.tell(CodexEvent::Notification { method, params })
            }
            Ok(Incoming::Request { id, method, params }) => {
                self.tell(CodexEvent::ServerRequest { id, method, params })
            }
            Err(err) => {
                log::warn!("codex wrote an unreadable line: {err}");
                let mut line = line;
                t3rs_core::text::truncate_within(&mut line, 2_000);
                self.tell(CodexEvent::Unreadable {
                    line,
                    error: err.to_string(),
                });
            }
        }
    }

    fn fail_all(&mut self, reason: &str) {
        for (_, _, waiter) in self.pending.drain() {
            let _ = waiter.send(Err(CodexError::Gone(reason.to_string())));
        }
        for (_, waiter) in self.queued.drain(..) {
            let _ = waiter.send(Err(CodexError::Gone(reason.to_string())));
        }
    }
}

impl Actor for CodexAppServer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // codex runs model-chosen commands: none of them may see the server's secrets.
        let mut command = ProcessSpec::new(self.spec.bin.as_os_str(), crate::spawn::env_scrub())
            .arg("app-server")
            .cwd(self.spec.cwd.clone());
        for entry in &self.spec.config {
            command = command.arg("-c").arg(entry);
        }
        command.env = self.spec.env.clone();
        let mut child = ChildSpec::new(command);
        // codex needs a moment to flush its rollout on SIGTERM before it is killed.
        child.kill_grace = Duration::from_secs(2);
        match ChildProcess::spawn(child, ctx.address().recipient()) {
            Ok((process, pid)) => {
                self.process = Some(process);
                self.pid = Some(pid);
            }
            Err(err) => {
                let message =
                    crate::spawn::start_failure("Codex CLI", "codex", &self.spec.bin, &err);
                self.gone = Some(message.clone());
                self.tell(CodexEvent::SpawnFailed { message });
                ctx.stop();
                return;
            }
        }
        // The waiter is unused: the answer is handled in `on_line`, in order.
        let (tx, _rx) = oneshot::channel();
        let params = InitializeParams {
            client_info: Some(ClientInfo {
                name: Some("t3rs".into()),
                version: Some(env!("CARGO_PKG_VERSION").into()),
                title: None,
            }),
            capabilities: Some(InitializeCapabilities {
                experimental_api: true,
                ..Default::default()
            }),
        };
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        let id = self
            .pending
            .add(method::INITIALIZE, self.spec.request_timeout, tx);
        self.init_id = Some(id);
        if let Err(err) = self.send_line(request_line(id, method::INITIALIZE, &params)) {
            self.gone = Some(err.to_string());
            ctx.stop();
            return;
        }
        ctx.run_interval(Duration::from_millis(500), |act, ctx| {
            for (id, method, waiter) in act.pending.expired(Instant::now()) {
                if Some(id) == act.init_id {
                    act.gone = Some(format!(
                        "codex did not answer initialize within {:?}",
                        act.spec.request_timeout
                    ));
                    ctx.stop();
                }
                let _ = waiter.send(Err(CodexError::Timeout {
                    method,
                    after: act.spec.request_timeout,
                }));
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        let reason = self.gone.clone().unwrap_or_else(|| "stopped".into());
        self.fail_all(&reason);
        // Dropping the process's address makes it kill codex's process group.
        self.process = None;
    }
}

impl Handler<ProcessEvent> for CodexAppServer {
    /// Answered once the event is handled, which waits while the owner's window is full: the
    /// `ChildProcess` sends the next line only then.
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, event: ProcessEvent, ctx: &mut Self::Context) -> Self::Result {
        if self.window.has_room() {
            self.on_process_event(event, ctx);
            return Box::pin(actix::fut::ready(()));
        }
        Box::pin(
            self.window
                .clone()
                .room()
                .into_actor(self)
                .map(move |(), act, ctx| act.on_process_event(event, ctx)),
        )
    }
}

impl CodexAppServer {
    fn on_process_event(&mut self, event: ProcessEvent, ctx: &mut Context<Self>) {
        match event {
            ProcessEvent::Stdout(line) => self.on_line(line, ctx),
            ProcessEvent::Stderr(line) => log::debug!("codex stderr: {line}"),
            ProcessEvent::LineTooLong { limit } => self.tell(CodexEvent::Unreadable {
                line: String::new(),
                error: format!("a line longer than {limit} bytes was skipped"),
            }),
            ProcessEvent::Exited(report) => {
                let reason = format!("codex {report}");
                self.gone = Some(reason.clone());
                self.process = None;
                self.fail_all(&reason);
                self.tell(CodexEvent::Exited(report));
                ctx.stop();
            }
        }
    }
}

impl Handler<CodexRequest> for CodexAppServer {
    type Result = ResponseFuture<Result<Value, CodexError>>;

    fn handle(&mut self, request: CodexRequest, _ctx: &mut Self::Context) -> Self::Result {
        let (tx, rx) = oneshot::channel();
        if self.ready {
            self.send_request(request, tx);
        } else {
            self.queued.push_back((request, tx));
        }
        Box::pin(async move {
            rx.await
                .unwrap_or_else(|_| Err(CodexError::Gone("the session stopped".into())))
        })
    }
}

impl Handler<CodexRespond> for CodexAppServer {
    type Result = Result<(), CodexError>;

    fn handle(&mut self, msg: CodexRespond, _ctx: &mut Self::Context) -> Self::Result {
        let line = match &msg.result {
            Ok(result) => response_line(&msg.id, result),
            Err((code, message)) => error_line(&msg.id, *code, message),
        };
        self.send_line(line)
    }
}

impl Handler<Shutdown> for CodexAppServer {
    type Result = ();

    /// Stops codex's process group; the actor itself stops when the exit is reported, so the
    /// owner's `Exited` means the process is really gone.
    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.gone = Some("stopped on request".into());
        self.fail_all("stopped on request");
        match &self.process {
            Some(process) => process.do_send(Shutdown),
            None => ctx.stop(),
        }
    }
}

/// The codex process id while it runs (it is also its process group).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "Option<u32>")]
pub struct CodexPid;

impl Handler<CodexPid> for CodexAppServer {
    type Result = Option<u32>;

    fn handle(&mut self, _msg: CodexPid, _ctx: &mut Self::Context) -> Option<u32> {
        self.process.as_ref().and(self.pid)
    }
}

/// The answer to a server request t3rs does not handle: "method not found", naming it.
pub fn unsupported(id: Value, method: &str) -> CodexRespond {
    CodexRespond {
        id,
        result: Err((
            METHOD_NOT_FOUND,
            format!("t3rs does not support the server request {method}"),
        )),
    }
}

#[cfg(test)]
mod tests;
