//! Integrated terminals: one supervised `TerminalActor` per (threadId, terminalId), each owning a
//! shell on a pty, a bounded history (persisted in sled, so a reopen, even after a server
//! restart, shows what was on screen) and its `terminal.event` pushes. The `TerminalRegistry`
//! routes requests, enforces the per-thread limit, and closes a thread's terminals when the
//! thread is deleted (it listens to the event stream like any subscriber).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::pty::{PtyEvent, PtyProcess, PtyResize, PtySpec, PtyWrite};
use t3rs_actors::push_relay::{Ack, Delivery, Evicted, Publish, Subscribe, SubscriberId};
use t3rs_actors::{Ask, ChildGuard, RestartPolicy, Shutdown, Supervisor};

use crate::protocol::methods::channels;
use crate::protocol::terminal::{
    TerminalClearParams, TerminalCloseParams, TerminalOpenParams, TerminalResizeParams,
    TerminalRestartParams, TerminalWriteParams,
};
use crate::runtime::now_iso;
use crate::runtime::push_bus::{Push, PushBus};

pub const DEFAULT_COLS: u16 = 120;
pub const DEFAULT_ROWS: u16 = 30;
/// Terminals one thread may have open at once.
pub const MAX_TERMINALS_PER_THREAD: usize = 16;
/// How often a changing history is written to the store (and always on exit and close).
const PERSIST_EVERY: Duration = Duration::from_millis(500);
/// How often a running shell is checked for a running child (the `activity` event).
const ACTIVITY_EVERY: Duration = Duration::from_secs(1);
/// Variables a shell must not inherit besides what no child inherits (`crate::spawn`): the
/// ones that describe a desktop wrapper's own process, not the user's shell.
const HIDDEN_ENV: &[&str] = &["PORT", "ELECTRON_RENDERER_PORT", "ELECTRON_RUN_AS_NODE"];

/// What every terminal needs.
#[derive(Clone)]
pub struct TerminalDeps {
    pub bus: Addr<PushBus>,
    pub history: sled::Tree,
    pub history_bytes: usize,
}

type Key = (String, String);

fn history_key(key: &Key) -> Vec<u8> {
    let mut out = key.0.as_bytes().to_vec();
    out.push(0);
    out.extend_from_slice(key.1.as_bytes());
    out
}

/// Keeps the last `limit` bytes, cut at a line start when one is near, else at a char boundary.
fn cap_history(history: &mut String, limit: usize) {
    if history.len() <= limit {
        return;
    }
    let mut cut = history.len() - limit;
    while !history.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(newline) = history[cut..].find('\n').filter(|n| *n < 4096) {
        cut += newline + 1;
    }
    history.drain(..cut);
}

/// The user's shell: `$SHELL`, then bash, then sh.
fn shell_candidates() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(shell) = std::env::var("SHELL") {
        if !shell.trim().is_empty() {
            out.push(shell);
        }
    }
    for fallback in ["/bin/bash", "/bin/sh"] {
        if !out.iter().any(|s| s == fallback) {
            out.push(fallback.to_string());
        }
    }
    out
}

/// Whether the shell has a child process right now (a command is running in it). Linux lists a
/// task's children in /proc; elsewhere this reports false.
fn has_running_child(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|children| !children.trim().is_empty())
        .unwrap_or(false)
}

fn check_cwd(cwd: &str) -> Result<(), String> {
    match std::fs::metadata(cwd) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!("Terminal cwd is not a directory: {cwd}")),
        Err(_) => Err(format!("Terminal cwd does not exist: {cwd}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Messages (answers are serialised JSON results; "" for methods that return nothing)

/// The `terminal.*` requests as messages: each wraps its decoded parameters.
macro_rules! terminal_message {
    ($($name:ident($params:ty)),* $(,)?) => {$(
        #[derive(Message, Clone, Debug)]
        #[rtype(result = "Result<String, String>")]
        pub struct $name(pub $params);
    )*};
}

terminal_message!(
    TerminalOpen(TerminalOpenParams),
    TerminalWrite(TerminalWriteParams),
    TerminalResize(TerminalResizeParams),
    TerminalClear(TerminalClearParams),
    TerminalRestart(TerminalRestartParams),
    TerminalClose(TerminalCloseParams),
);

/// Closes every terminal (server shutdown); answers once their shells are gone.
#[derive(Message, Clone, Debug)]
#[rtype(result = "usize")]
pub struct CloseAllTerminals;

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
struct CloseTerminal {
    delete_history: bool,
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

// ---------------------------------------------------------------------------------------------
// TerminalActor

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
}

impl TerminalActor {
    fn new(guard: ChildGuard, deps: TerminalDeps, open: &TerminalOpenParams) -> Self {
        let key = (open.thread_id.clone(), open.terminal_id.clone());
        let history = match deps.history.get(history_key(&key)) {
            Ok(Some(raw)) => String::from_utf8_lossy(&raw).into_owned(),
            Ok(None) => String::new(),
            Err(err) => {
                log::warn!("terminal history unreadable: {err}");
                String::new()
            }
        };
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
        if let Err(err) = self
            .deps
            .history
            .insert(history_key(&self.key), self.history.as_bytes())
        {
            log::warn!("terminal history not saved: {err}");
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
            let mut spec = PtySpec::new(&shell, &self.cwd);
            if shell.ends_with("zsh") {
                spec.args = vec!["-o".into(), "nopromptsp".into()];
            }
            spec.cols = self.cols;
            spec.rows = self.rows;
            spec.scrub = crate::spawn::env_scrub();
            spec.env_remove = HIDDEN_ENV.iter().map(Into::into).collect();
            spec.env.push(("TERM".into(), "xterm-256color".into()));
            spec.env.push(("COLORTERM".into(), "truecolor".into()));
            spec.env
                .extend(self.env.iter().map(|(k, v)| (k.into(), v.into())));
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
                self.emit("output", json!({ "data": text }));
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
            if let Err(err) = self.deps.history.remove(history_key(&self.key)) {
                log::warn!("terminal history not deleted: {err}");
            }
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

// ---------------------------------------------------------------------------------------------
// TerminalRegistry

pub struct TerminalRegistry {
    deps: TerminalDeps,
    live: HashMap<Key, Addr<Supervisor<TerminalActor>>>,
    subscriber: Option<SubscriberId>,
}

impl TerminalRegistry {
    pub fn new(deps: TerminalDeps) -> Self {
        Self {
            deps,
            live: HashMap::new(),
            subscriber: None,
        }
    }

    fn terminal(
        &self,
        thread_id: &str,
        terminal_id: &str,
    ) -> Result<Addr<Supervisor<TerminalActor>>, String> {
        self.live
            .get(&(thread_id.to_string(), terminal_id.to_string()))
            .cloned()
            .ok_or_else(|| format!("Unknown terminal thread: {thread_id}, terminal: {terminal_id}"))
    }

    fn close_keys(
        &mut self,
        keys: Vec<Key>,
        delete_history: bool,
    ) -> ResponseFuture<Result<String, String>> {
        let closing: Vec<_> = keys.iter().filter_map(|k| self.live.remove(k)).collect();
        let history = self.deps.history.clone();
        let orphans: Vec<Key> = if delete_history { keys } else { Vec::new() };
        Box::pin(async move {
            for terminal in closing {
                let _ = terminal.send(Ask(CloseTerminal { delete_history })).await;
            }
            // History of terminals that were not live (e.g. after a restart) goes too.
            for key in orphans {
                let _ = history.remove(history_key(&key));
            }
            Ok(String::new())
        })
    }

    fn thread_keys(&self, thread_id: &str) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .live
            .keys()
            .filter(|(t, _)| t == thread_id)
            .cloned()
            .collect();
        // Persisted histories of terminals not open right now belong to the thread as well.
        let mut prefix = thread_id.as_bytes().to_vec();
        prefix.push(0);
        for (raw, _) in self.deps.history.scan_prefix(&prefix).flatten() {
            let terminal = String::from_utf8_lossy(&raw[prefix.len()..]).into_owned();
            let key = (thread_id.to_string(), terminal);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }
}

fn forward<M>(
    terminal: Result<Addr<Supervisor<TerminalActor>>, String>,
    msg: M,
) -> ResponseFuture<Result<String, String>>
where
    M: Message<Result = Result<String, String>> + Send + 'static,
    TerminalActor: Handler<M>,
{
    Box::pin(async move {
        match terminal?.send(Ask(msg)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(unavailable)) => Err(unavailable.to_string()),
            Err(_) => Err("the terminal stopped".to_string()),
        }
    })
}

impl Actor for TerminalRegistry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let subscribe = Subscribe {
            deliveries: ctx.address().recipient(),
            evicted: ctx.address().recipient(),
            initial: Vec::new(),
            // Only domain events: terminal output (its own actors' floods among it) must
            // neither reach this actor nor be able to evict it.
            filter: Some(Box::new(|push: &Push| {
                push.channel == channels::ORCHESTRATION_DOMAIN_EVENT
            })),
        };
        self.deps
            .bus
            .send(subscribe)
            .into_actor(self)
            .map(|id, act, _ctx| act.subscriber = id.ok())
            .wait(ctx);
    }
}

impl Handler<TerminalOpen> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalOpen, _ctx: &mut Self::Context) -> Self::Result {
        let params = &msg.0;
        if let Err(err) = check_cwd(&params.cwd) {
            return Box::pin(async move { Err(err) });
        }
        let key = (params.thread_id.clone(), params.terminal_id.clone());
        if let Some(existing) = self.live.get(&key) {
            return forward(Ok(existing.clone()), msg);
        }
        let open = self
            .live
            .keys()
            .filter(|(t, _)| *t == params.thread_id)
            .count();
        if open >= MAX_TERMINALS_PER_THREAD {
            let thread = params.thread_id.clone();
            return Box::pin(async move {
                Err(format!(
                    "Thread {thread} already has {open} terminals open (the limit is {MAX_TERMINALS_PER_THREAD}); close one first."
                ))
            });
        }
        let deps = self.deps.clone();
        let first = params.clone();
        let name = format!("terminal {}/{}", key.0, key.1);
        let supervisor = Supervisor::new(name, RestartPolicy::default(), move |guard| {
            TerminalActor::new(guard, deps.clone(), &first)
        })
        .start();
        self.live.insert(key, supervisor.clone());
        // The new actor already started its shell; opening it again returns the snapshot.
        forward(Ok(supervisor), msg)
    }
}

impl Handler<TerminalWrite> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalWrite, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalResize> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalResize, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalClear> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalClear, _ctx: &mut Self::Context) -> Self::Result {
        forward(self.terminal(&msg.0.thread_id, &msg.0.terminal_id), msg)
    }
}

impl Handler<TerminalRestart> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(&mut self, msg: TerminalRestart, ctx: &mut Self::Context) -> Self::Result {
        let p = &msg.0;
        let key = (p.thread_id.clone(), p.terminal_id.clone());
        if self.live.contains_key(&key) {
            return forward(self.terminal(&key.0, &key.1), msg);
        }
        // Restarting a terminal that is not open opens it fresh.
        let open = TerminalOpen(TerminalOpenParams {
            thread_id: p.thread_id.clone(),
            terminal_id: p.terminal_id.clone(),
            cwd: p.cwd.clone(),
            cols: Some(p.cols),
            rows: Some(p.rows),
            env: p.env.clone(),
        });
        let opened = self.handle(open, ctx);
        let terminal = self.terminal(&key.0, &key.1);
        Box::pin(async move {
            opened.await?;
            forward(terminal, msg).await
        })
    }
}

impl Handler<TerminalClose> for TerminalRegistry {
    type Result = ResponseFuture<Result<String, String>>;

    fn handle(
        &mut self,
        TerminalClose(msg): TerminalClose,
        _ctx: &mut Self::Context,
    ) -> Self::Result {
        let keys = match msg.terminal_id {
            Some(terminal_id) => vec![(msg.thread_id, terminal_id)],
            None => self.thread_keys(&msg.thread_id),
        };
        self.close_keys(keys, msg.delete_history)
    }
}

impl Handler<CloseAllTerminals> for TerminalRegistry {
    type Result = ResponseFuture<usize>;

    fn handle(&mut self, _msg: CloseAllTerminals, _ctx: &mut Self::Context) -> Self::Result {
        let keys: Vec<Key> = self.live.keys().cloned().collect();
        let count = keys.len();
        let closing = self.close_keys(keys, false);
        Box::pin(async move {
            let _ = closing.await;
            count
        })
    }
}

/// Domain events: a deleted thread takes its terminals (and their history) with it.
impl Handler<Delivery<Push>> for TerminalRegistry {
    type Result = ();

    fn handle(&mut self, msg: Delivery<Push>, ctx: &mut Self::Context) {
        if let Some(subscriber) = self.subscriber {
            self.deps.bus.do_send(Ack {
                subscriber,
                sequence: msg.sequence,
            });
        }
        let push = &msg.item;
        // The subscription's filter lets only domain events through.
        if !push.data_json.contains("\"thread.deleted\"") {
            return;
        }
        let Ok(event) = serde_json::from_str::<Value>(&push.data_json) else {
            return;
        };
        if event["type"] != "thread.deleted" {
            return;
        }
        if let Some(thread_id) = event["payload"]["threadId"].as_str() {
            let keys = self.thread_keys(thread_id);
            if !keys.is_empty() {
                log::info!(
                    "thread {thread_id} deleted: closing its {} terminal(s)",
                    keys.len()
                );
                self.close_keys(keys, true)
                    .into_actor(self)
                    .map(|_, _, _| ())
                    .spawn(ctx);
            }
        }
    }
}

impl Handler<Evicted> for TerminalRegistry {
    type Result = ();

    fn handle(&mut self, msg: Evicted, _ctx: &mut Self::Context) {
        // Only a shutdown evicts this subscriber (it acks at once); nothing to follow then.
        log::debug!("terminal registry left the bus: {}", msg.reason);
        self.subscriber = None;
    }
}

/// The history store for terminals.
pub fn history_tree(db: &sled::Db) -> sled::Result<sled::Tree> {
    db.open_tree("terminal_history")
}

#[cfg(test)]
mod tests {
    use super::*;
    use t3rs_actors::harness::{subscribe_probe, ProbeRx};

    const DEADLINE: Duration = Duration::from_secs(10);

    /// Terminal events from the bus until one matches.
    async fn event_where(rx: &mut ProbeRx<Delivery<Push>>, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let delivery = rx.next(DEADLINE).await.unwrap();
            let event: Value = serde_json::from_str(&delivery.item.data_json).unwrap();
            if delivery.item.channel == channels::TERMINAL_EVENT && pred(&event) {
                return event;
            }
        }
    }

    #[actix::test]
    async fn terminal_actor_alone_runs_a_shell_and_keeps_history() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().temporary(true).open().unwrap();
        let bus = PushBus::new(100_000).start();
        let (_subscriber, mut pushes) = subscribe_probe(&bus).await;
        let deps = TerminalDeps {
            bus: bus.clone(),
            history: history_tree(&db).unwrap(),
            history_bytes: 4096,
        };
        let open = TerminalOpenParams {
            thread_id: "t".into(),
            terminal_id: "x".into(),
            cwd: dir.path().to_string_lossy().into_owned(),
            cols: Some(90),
            rows: Some(20),
            env: Some(BTreeMap::from([(
                "GREETING".to_string(),
                "hej".to_string(),
            )])),
        };
        let actor = TerminalActor::new(ChildGuard::detached(), deps.clone(), &open).start();
        let started = event_where(&mut pushes, |e| e["type"] == "started").await;
        assert_eq!(started["snapshot"]["status"], "running");
        actor
            .send(TerminalWrite(TerminalWriteParams {
                thread_id: "t".into(),
                terminal_id: "x".into(),
                data: "echo $GREETING-$TERM; stty size\r".into(),
            }))
            .await
            .unwrap()
            .unwrap();
        let mut seen = String::new();
        while !(seen.contains("hej-xterm-256color") && seen.contains("20 90")) {
            let e = event_where(&mut pushes, |e| e["type"] == "output").await;
            seen.push_str(e["data"].as_str().unwrap());
        }
        // History is bounded and persisted once the shell exits.
        actor
            .send(TerminalWrite(TerminalWriteParams {
                thread_id: "t".into(),
                terminal_id: "x".into(),
                data: "for i in $(seq 1 500); do echo line-$i; done; exit 0\r".into(),
            }))
            .await
            .unwrap()
            .unwrap();
        let exited = event_where(&mut pushes, |e| e["type"] == "exited").await;
        assert_eq!(exited["exitCode"], 0);
        let stored = deps
            .history
            .get(history_key(&("t".into(), "x".into())))
            .unwrap()
            .unwrap();
        assert!(stored.len() <= 4096, "{}", stored.len());
        assert!(String::from_utf8_lossy(&stored).contains("line-500"));
        let err = actor
            .send(TerminalWrite(TerminalWriteParams {
                thread_id: "t".into(),
                terminal_id: "x".into(),
                data: "ls\r".into(),
            }))
            .await
            .unwrap()
            .unwrap_err();
        assert!(err.contains("has exited with code 0"), "{err}");
    }

    #[test]
    fn history_is_capped_at_a_line_start() {
        let mut history = "old line\n".repeat(10);
        cap_history(&mut history, 30);
        assert!(history.len() <= 30);
        assert!(history.starts_with("old line"), "{history:?}");
        let mut wide = "é".repeat(100);
        cap_history(&mut wide, 51);
        assert!(wide.len() <= 51 && wide.chars().all(|c| c == 'é'));
    }

    #[test]
    fn history_keys_separate_thread_and_terminal() {
        assert_ne!(
            history_key(&("a".into(), "bc".into())),
            history_key(&("ab".into(), "c".into()))
        );
    }
}
