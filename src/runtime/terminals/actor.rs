//! One terminal: a shell on a pty, its history and its `terminal.event` pushes.

use std::collections::BTreeMap;
use std::time::Duration;

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::pty::{Gate, PtyEvent, PtyProcess, PtyResize, PtyWake, PtyWrite};
use t3rs_actors::push_relay::Publish;
use t3rs_actors::{ChildGuard, Shutdown};

use super::environment::{check_cwd, has_running_child, shell_candidates, shell_spec};
use super::flow::SharedFlow;
use super::history::cap_history;
use super::{
    ConnectionClosed, Key, TerminalAckOutput, TerminalClear, TerminalDeps, TerminalOpen,
    TerminalResize, TerminalRestart, TerminalWrite, DEFAULT_COLS, DEFAULT_ROWS,
};
use crate::protocol::methods::channels;
use crate::protocol::terminal::TerminalOpenParams;
use crate::runtime::now_iso;
use crate::runtime::push_bus::Push;

/// How often a changing history is handed to the history store's writer (and always on exit
/// and close).
const PERSIST_EVERY: Duration = Duration::from_millis(500);
/// How often a running shell is checked for a running child (the `activity` event).
const ACTIVITY_EVERY: Duration = Duration::from_secs(1);

/// Internal: a pty event, tagged with the shell it came from so a replaced shell's late events
/// are ignored.
#[derive(Message)]
#[rtype(result = "()")]
struct FromPty {
    generation: u64,
    event: PtyEvent,
}

#[derive(Message)]
#[rtype(result = "()")]
struct PersistHistory;

/// Internal: stop the shell and keep or drop the history; answers when the shell is gone.
#[derive(Message)]
#[rtype(result = "()")]
pub(super) struct CloseTerminal {
    pub(super) delete_history: bool,
}

struct PtyForward {
    generation: u64,
    to: Recipient<FromPty>,
}

impl Actor for PtyForward {
    type Context = Context<Self>;
}

impl Handler<PtyEvent> for PtyForward {
    type Result = ();

    fn handle(&mut self, event: PtyEvent, _ctx: &mut Self::Context) {
        self.to.do_send(FromPty {
            generation: self.generation,
            event,
        });
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Starting,
    Running,
    Exited,
    Error,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Starting => "starting",
            Status::Running => "running",
            Status::Exited => "exited",
            Status::Error => "error",
        }
    }
}

pub struct TerminalActor {
    guard: ChildGuard,
    deps: TerminalDeps,
    key: Key,
    cwd: String,
    cols: u16,
    rows: u16,
    env: BTreeMap<String, String>,
    status: Status,
    pid: Option<u32>,
    exit_code: Option<i32>,
    exit_signal: Option<i32>,
    history: String,
    updated_at: String,
    pty: Option<Addr<PtyProcess>>,
    generation: u64,
    dirty: bool,
    persist_scheduled: bool,
    /// Replies waiting for the current shell to be gone (close).
    on_exit: Vec<tokio::sync::oneshot::Sender<()>>,
    has_running_subprocess: bool,
    /// `terminal.ackOutput` flow control: who is behind (shared with the pty's reader, which
    /// holds its reads while someone is), and whether it held them when last looked at.
    flow: SharedFlow,
    reads_paused: bool,
    flow_watchdog: bool,
}

impl TerminalActor {
    pub(super) fn new(guard: ChildGuard, deps: TerminalDeps, open: &TerminalOpenParams) -> Self {
        let key = (open.thread_id.clone(), open.terminal_id.clone());
        let history = deps.history.load(&key);
        TerminalActor {
            guard,
            deps,
            key,
            cwd: open.cwd.clone(),
            cols: open.cols.unwrap_or(DEFAULT_COLS),
            rows: open.rows.unwrap_or(DEFAULT_ROWS),
            env: open.env.clone().unwrap_or_default(),
            status: Status::Starting,
            pid: None,
            exit_code: None,
            exit_signal: None,
            history,
            updated_at: now_iso(),
            pty: None,
            generation: 0,
            dirty: false,
            persist_scheduled: false,
            on_exit: Vec::new(),
            has_running_subprocess: false,
            flow: SharedFlow::new(super::flow::resume_after()),
            reads_paused: false,
            flow_watchdog: false,
        }
    }

    fn snapshot(&self) -> Value {
        json!({
            "threadId": self.key.0,
            "terminalId": self.key.1,
            "cwd": self.cwd,
            "status": self.status.as_str(),
            "pid": self.pid,
            "history": self.history,
            "exitCode": self.exit_code,
            "exitSignal": self.exit_signal,
            "updatedAt": self.updated_at,
        })
    }

    fn emit(&self, kind: &str, extra: Value) {
        let mut event = json!({
            "threadId": self.key.0,
            "terminalId": self.key.1,
            "createdAt": now_iso(),
            "type": kind,
        });
        if let (Some(event), Value::Object(extra)) = (event.as_object_mut(), extra) {
            event.extend(extra);
        }
        match Push::new(channels::TERMINAL_EVENT, &event) {
            Ok(push) => self.deps.bus.do_send(Publish(push)),
            Err(err) => log::error!("terminal event not encoded: {err}"),
        }
    }

    fn persist(&mut self) {
        self.dirty = false;
        self.deps.history.save(&self.key, &self.history);
    }

    /// Pauses or resumes the pty's reads as the flow says, and keeps a watchdog armed while
    /// they are paused (it forgives a connection that went silent, see `flow`).
    fn sync_flow(&mut self, ctx: &mut Context<Self>) {
        let (pause, deadline) = self.flow.with(|flow| (flow.paused(), flow.next_deadline()));
        if self.reads_paused && !pause {
            // The reader holds itself; it only needs telling that it may go on.
            if let Some(pty) = &self.pty {
                pty.do_send(PtyWake);
            }
        }
        self.reads_paused = pause;
        if let (true, false, Some(deadline)) = (pause, self.flow_watchdog, deadline) {
            self.flow_watchdog = true;
            let wait = deadline.saturating_duration_since(std::time::Instant::now());
            ctx.run_later(wait, |act, ctx| {
                act.flow_watchdog = false;
                act.flow.with(|flow| flow.expire(std::time::Instant::now()));
                act.sync_flow(ctx);
            });
        }
    }

    fn stop_shell(&mut self) {
        self.generation += 1;
        if let Some(pty) = self.pty.take() {
            pty.do_send(Shutdown);
        }
        self.pid = None;
    }

    /// Spawns the shell; `event` is "started" or "restarted".
    fn start_shell(&mut self, event: &str, ctx: &mut Context<Self>) {
        self.generation += 1;
        self.status = Status::Starting;
        self.exit_code = None;
        self.exit_signal = None;
        let forward = PtyForward {
            generation: self.generation,
            to: ctx.address().recipient(),
        }
        .start()
        .recipient();
        let mut last_error = String::new();
        for shell in shell_candidates() {
            let mut spec = shell_spec(&shell, &self.cwd, self.cols, self.rows, &self.env);
            spec.gate = Some(Gate(std::sync::Arc::new(self.flow.clone())));
            match PtyProcess::spawn(spec, forward.clone()) {
                Ok((pty, pid)) => {
                    self.pty = Some(pty);
                    self.pid = Some(pid);
                    self.status = Status::Running;
                    self.updated_at = now_iso();
                    self.emit(event, json!({ "snapshot": self.snapshot() }));
                    return;
                }
                Err(err) => last_error = format!("{shell}: {err}"),
            }
        }
        self.status = Status::Error;
        self.updated_at = now_iso();
        let message = format!("Could not start a shell ({last_error})");
        log::warn!("terminal {}/{}: {message}", self.key.0, self.key.1);
        self.emit("error", json!({ "message": message }));
    }

    fn not_running(&self) -> String {
        match self.status {
            Status::Exited => format!(
                "Terminal has exited{} for thread: {}, terminal: {}; restart it to use it again.",
                match (self.exit_code, self.exit_signal) {
                    (Some(code), _) => format!(" with code {code}"),
                    (None, Some(signal)) => format!(" on signal {signal}"),
                    _ => String::new(),
                },
                self.key.0,
                self.key.1
            ),
            _ => format!(
                "Terminal is not running for thread: {}, terminal: {}",
                self.key.0, self.key.1
            ),
        }
    }
}

impl Actor for TerminalActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.start_shell("started", ctx);
        ctx.run_interval(ACTIVITY_EVERY, |act, _ctx| {
            let busy = act.pid.is_some_and(has_running_child);
            if busy != act.has_running_subprocess {
                act.has_running_subprocess = busy;
                act.emit("activity", json!({ "hasRunningSubprocess": busy }));
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        self.stop_shell();
        if self.dirty {
            self.persist();
        }
    }
}

impl Handler<FromPty> for TerminalActor {
    type Result = ();

    fn handle(&mut self, msg: FromPty, ctx: &mut Self::Context) {
        match msg.event {
            PtyEvent::Output(text) => {
                if msg.generation != self.generation {
                    return;
                }
                self.history.push_str(&text);
                cap_history(&mut self.history, self.deps.history_bytes);
                self.dirty = true;
                if !self.persist_scheduled {
                    self.persist_scheduled = true;
                    ctx.notify_later(PersistHistory, PERSIST_EVERY);
                }
                // `byteLength` (DP Code's): what a client acknowledges for this output.
                self.emit("output", json!({ "data": text, "byteLength": text.len() }));
                // The reader counted it; a pause it began needs the watchdog armed.
                self.sync_flow(ctx);
            }
            PtyEvent::Exited { code, signal } => {
                for waiter in self.on_exit.drain(..) {
                    let _ = waiter.send(());
                }
                if msg.generation != self.generation {
                    return;
                }
                self.pty = None;
                self.pid = None;
                self.status = Status::Exited;
                self.exit_code = code;
                self.exit_signal = signal;
                self.updated_at = now_iso();
                self.persist();
                self.emit("exited", json!({ "exitCode": code, "exitSignal": signal }));
            }
        }
    }
}

impl Handler<TerminalAckOutput> for TerminalActor {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: TerminalAckOutput, ctx: &mut Self::Context) -> Self::Result {
        let now = std::time::Instant::now();
        self.flow
            .with(|flow| flow.ack(msg.connection, msg.params.bytes, now));
        self.sync_flow(ctx);
        Ok(String::new())
    }
}

impl Handler<ConnectionClosed> for TerminalActor {
    type Result = ();

    fn handle(&mut self, msg: ConnectionClosed, ctx: &mut Self::Context) {
        self.flow.with(|flow| flow.closed(msg.0));
        self.sync_flow(ctx);
    }
}

impl Handler<PersistHistory> for TerminalActor {
    type Result = ();

    fn handle(&mut self, _msg: PersistHistory, _ctx: &mut Self::Context) {
        self.persist_scheduled = false;
        if self.dirty {
            self.persist();
        }
    }
}

impl Handler<TerminalOpen> for TerminalActor {
    type Result = Result<String, String>;

    fn handle(&mut self, TerminalOpen(msg): TerminalOpen, ctx: &mut Self::Context) -> Self::Result {
        check_cwd(&msg.cwd)?;
        let env = msg.env.clone().unwrap_or_default();
        let cols = msg.cols.unwrap_or(self.cols);
        let rows = msg.rows.unwrap_or(self.rows);
        // A different directory or environment is a different terminal; an exited one starts
        // afresh. Either way the old screen no longer applies.
        let fresh = msg.cwd != self.cwd
            || env != self.env
            || matches!(self.status, Status::Exited | Status::Error);
        if fresh {
            self.stop_shell();
            self.cwd = msg.cwd;
            self.env = env;
            self.history.clear();
            self.persist();
        }
        self.cols = cols;
        self.rows = rows;
        if self.pty.is_none() {
            self.start_shell("started", ctx);
        } else if let Some(pty) = &self.pty {
            pty.do_send(PtyResize { cols, rows });
            self.updated_at = now_iso();
        }
        Ok(self.snapshot().to_string())
    }
}

impl Handler<TerminalWrite> for TerminalActor {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(
        &mut self,
        TerminalWrite(msg): TerminalWrite,
        _ctx: &mut Self::Context,
    ) -> Self::Result {
        let not_running = self.not_running();
        match (&self.pty, self.status) {
            (Some(pty), Status::Running) => {
                let sent = pty.send(PtyWrite(msg.data));
                Box::pin(async move {
                    match sent.await {
                        Ok(Ok(())) => Ok(String::new()),
                        _ => Err(not_running),
                    }
                })
            }
            _ => Box::pin(async move { Err(not_running) }),
        }
    }
}

impl Handler<TerminalResize> for TerminalActor {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(
        &mut self,
        TerminalResize(msg): TerminalResize,
        _ctx: &mut Self::Context,
    ) -> Self::Result {
        let not_running = self.not_running();
        match (&self.pty, self.status) {
            (Some(pty), Status::Running) => {
                self.cols = msg.cols;
                self.rows = msg.rows;
                self.updated_at = now_iso();
                let sent = pty.send(PtyResize {
                    cols: msg.cols,
                    rows: msg.rows,
                });
                Box::pin(async move {
                    match sent.await {
                        Ok(Ok(())) => Ok(String::new()),
                        _ => Err(not_running),
                    }
                })
            }
            _ => Box::pin(async move { Err(not_running) }),
        }
    }
}

impl Handler<TerminalClear> for TerminalActor {
    type Result = Result<String, String>;

    fn handle(&mut self, _msg: TerminalClear, _ctx: &mut Self::Context) -> Self::Result {
        self.history.clear();
        self.updated_at = now_iso();
        self.persist();
        self.emit("cleared", json!({}));
        Ok(String::new())
    }
}

impl Handler<TerminalRestart> for TerminalActor {
    type Result = Result<String, String>;

    fn handle(
        &mut self,
        TerminalRestart(msg): TerminalRestart,
        ctx: &mut Self::Context,
    ) -> Self::Result {
        check_cwd(&msg.cwd)?;
        self.stop_shell();
        self.cwd = msg.cwd;
        self.env = msg.env.unwrap_or_default();
        self.cols = msg.cols;
        self.rows = msg.rows;
        self.history.clear();
        self.persist();
        self.start_shell("restarted", ctx);
        Ok(self.snapshot().to_string())
    }
}

impl Handler<CloseTerminal> for TerminalActor {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: CloseTerminal, ctx: &mut Self::Context) -> Self::Result {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let running = self.pty.is_some();
        if running {
            self.on_exit.push(tx);
        }
        // Keep the current generation so the exit still reaches the waiter above.
        if let Some(pty) = self.pty.take() {
            pty.do_send(Shutdown);
        }
        if msg.delete_history {
            self.history.clear();
            self.dirty = false;
            self.deps.history.delete(&self.key);
        } else {
            self.persist();
        }
        self.guard.complete();
        let addr = ctx.address();
        Box::pin(async move {
            if running {
                let _ = tokio::time::timeout(Duration::from_secs(3), rx).await;
            }
            addr.do_send(Shutdown);
        })
    }
}

impl Handler<Shutdown> for TerminalActor {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}
