//! A process on a pseudo-terminal, as an actor. The child is a session leader (its pid is its
//! process group), so stopping the actor, or dropping every address to it, takes down the shell
//! and everything started from it. Output is read in chunks and coalesced (flushed after
//! `coalesce` or at `max_chunk` bytes, whichever first), decoded as UTF-8 without ever splitting a
//! character across chunks, and delivered in order; `Exited` comes after the last output.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::time::Duration;

use actix::prelude::*;
use actix::WeakAddr;
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use crate::process_runner::{pty_command, EnvScrub};
use crate::supervision::Shutdown;

#[derive(Debug, Clone)]
pub struct PtySpec {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub cwd: PathBuf,
    pub env: Vec<(OsString, OsString)>,
    pub env_remove: Vec<OsString>,
    /// Variables of this process's environment the shell must not inherit.
    pub scrub: EnvScrub,
    pub cols: u16,
    pub rows: u16,
    /// How long output may wait for more before it is sent.
    pub coalesce: Duration,
    /// Largest chunk delivered at once.
    pub max_chunk: usize,
    /// Between SIGTERM (after SIGHUP) and SIGKILL when the actor stops.
    pub kill_grace: Duration,
    /// Flow control at the source: told of every chunk as it is sent on, and asked before
    /// every read (see [`ReadGate`]).
    pub gate: Option<Gate>,
}

/// Flow control consulted by the reader itself, so output is counted where it is read, not
/// after the events' mailbox: once [`ReadGate::holds`] says so, not one more byte is read
/// until it stops holding and the actor is told [`PtyWake`].
pub trait ReadGate: Send + Sync + 'static {
    /// `bytes` of output (UTF-8) were just sent on as one [`PtyEvent::Output`].
    fn sent(&self, bytes: usize);
    /// Whether reading must wait now.
    fn holds(&self) -> bool;
}

/// A shared [`ReadGate`].
#[derive(Clone)]
pub struct Gate(pub std::sync::Arc<dyn ReadGate>);

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gate")
    }
}

impl PtySpec {
    pub fn new(program: impl Into<OsString>, cwd: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            cwd: cwd.into(),
            env: Vec::new(),
            env_remove: Vec::new(),
            scrub: EnvScrub::default(),
            cols: 120,
            rows: 30,
            coalesce: Duration::from_millis(16),
            max_chunk: 64 * 1024,
            kill_grace: Duration::from_secs(1),
            gate: None,
        }
    }
}

#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub enum PtyEvent {
    Output(String),
    Exited {
        code: Option<i32>,
        signal: Option<i32>,
    },
}

/// Text typed into the terminal, as is (no newline added).
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<(), PtyClosed>")]
pub struct PtyWrite(pub String);

#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "Result<(), PtyClosed>")]
pub struct PtyResize {
    pub cols: u16,
    pub rows: u16,
}

/// Stops (true) or resumes (false) reading the pty: flow control for a client that acknowledges
/// output (`terminal.ackOutput`). While reads are paused the kernel's pty buffer fills and the
/// process blocks on its next write, so nothing piles up in the server. Stopping the actor
/// always resumes, so a paused pty still drains to its exit.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct PtyPause(pub bool);

/// The [`ReadGate`] may have stopped holding: the reader asks it again.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct PtyWake;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the terminal's process is gone")]
pub struct PtyClosed;

#[derive(Message)]
#[rtype(result = "()")]
struct ProcessGone;

pub struct PtyProcess {
    pid: u32,
    input: Option<mpsc::UnboundedSender<Input>>,
    kill: Option<oneshot::Sender<()>>,
    pause: tokio::sync::watch::Sender<bool>,
}

impl PtyProcess {
    /// Starts the process on a new pty. Must run inside an actix system. Errors (program or cwd
    /// missing, no ptys left) come back here, before any actor exists.
    pub fn spawn(
        spec: PtySpec,
        events: Recipient<PtyEvent>,
    ) -> std::io::Result<(Addr<PtyProcess>, u32)> {
        let to_io = |e: pty_process::Error| std::io::Error::other(e.to_string());
        let (pty, pts) = pty_process::open().map_err(to_io)?;
        pty.resize(pty_process::Size::new(spec.rows, spec.cols))
            .map_err(to_io)?;
        let env = spec.scrub.child_env(&spec.env_remove, &spec.env);
        let cmd = pty_command(&spec.program, &spec.args, &spec.cwd, env);
        let child = cmd.spawn(pts).map_err(|e| match e {
            pty_process::Error::Io(io) => io,
            other => to_io(other),
        })?;
        let pid = child
            .id()
            .ok_or_else(|| std::io::Error::other("the process exited before its pid was read"))?;
        let (reader, writer) = pty.into_split();
        let (input_tx, input_rx) = mpsc::unbounded_channel();
        let (kill_tx, kill_rx) = oneshot::channel();
        let (pause_tx, pause_rx) = tokio::sync::watch::channel(false);
        let addr = PtyProcess::create(|ctx| {
            actix_rt::spawn(write_input(writer, input_rx));
            actix_rt::spawn(watch(
                child,
                reader,
                events,
                Control {
                    kill: kill_rx,
                    pause: pause_rx,
                },
                spec,
                pid,
                ctx.address().downgrade(),
            ));
            PtyProcess {
                pid,
                input: Some(input_tx),
                kill: Some(kill_tx),
                pause: pause_tx,
            }
        });
        Ok((addr, pid))
    }
}

impl Actor for PtyProcess {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
    }
}

impl Handler<PtyWrite> for PtyProcess {
    type Result = Result<(), PtyClosed>;

    fn handle(&mut self, msg: PtyWrite, _ctx: &mut Self::Context) -> Self::Result {
        match &self.input {
            Some(tx) => tx
                .send(Input::Bytes(msg.0.into_bytes()))
                .map_err(|_| PtyClosed),
            None => Err(PtyClosed),
        }
    }
}

impl Handler<PtyResize> for PtyProcess {
    type Result = ResponseFuture<Result<(), PtyClosed>>;

    fn handle(&mut self, msg: PtyResize, _ctx: &mut Self::Context) -> Self::Result {
        let (done_tx, done_rx) = oneshot::channel();
        let size = pty_process::Size::new(msg.rows, msg.cols);
        let sent = self
            .input
            .as_ref()
            .map(|tx| tx.send(Input::Resize(size, done_tx)).is_ok())
            .unwrap_or(false);
        Box::pin(async move {
            match (sent, done_rx.await) {
                (true, Ok(true)) => Ok(()),
                _ => Err(PtyClosed),
            }
        })
    }
}

impl Handler<PtyPause> for PtyProcess {
    type Result = ();

    fn handle(&mut self, msg: PtyPause, _ctx: &mut Self::Context) {
        self.pause
            .send_if_modified(|paused| std::mem::replace(paused, msg.0) != msg.0);
    }
}

impl Handler<PtyWake> for PtyProcess {
    type Result = ();

    fn handle(&mut self, _msg: PtyWake, _ctx: &mut Self::Context) {
        // Unchanged, but every receiver is woken: the reader re-evaluates its gate.
        self.pause.send_modify(|_| {});
    }
}

impl Handler<Shutdown> for PtyProcess {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

impl Handler<ProcessGone> for PtyProcess {
    type Result = ();

    fn handle(&mut self, _msg: ProcessGone, ctx: &mut Self::Context) {
        self.input = None;
        ctx.stop();
    }
}

impl PtyProcess {
    pub fn pid(&self) -> u32 {
        self.pid
    }
}

enum Input {
    Bytes(Vec<u8>),
    Resize(pty_process::Size, oneshot::Sender<bool>),
}

/// Owns the write half: typed input and resizes go through here in the order they were sent.
async fn write_input(
    mut writer: pty_process::OwnedWritePty,
    mut rx: mpsc::UnboundedReceiver<Input>,
) {
    while let Some(input) = rx.recv().await {
        match input {
            Input::Bytes(bytes) => {
                if writer.write_all(&bytes).await.is_err() || writer.flush().await.is_err() {
                    return;
                }
            }
            Input::Resize(size, done) => {
                // TIOCSWINSZ also sends SIGWINCH to the foreground process group.
                let _ = done.send(writer.resize(size).is_ok());
            }
        }
    }
}

fn signal_group(pid: u32, signal: Signal) {
    if let Ok(raw) = i32::try_from(pid) {
        let _ = killpg(Pid::from_raw(raw), signal);
    }
}

/// Splits off the longest valid UTF-8 prefix, keeping an incomplete trailing character for the
/// next chunk; bytes that can never be valid are replaced.
fn take_utf8(pending: &mut Vec<u8>) -> String {
    match std::str::from_utf8(pending) {
        Ok(text) => {
            let out = text.to_string();
            pending.clear();
            out
        }
        Err(err) if err.error_len().is_none() => {
            let valid = err.valid_up_to();
            let rest = pending.split_off(valid);
            let out = String::from_utf8_lossy(pending).into_owned();
            *pending = rest;
            out
        }
        Err(_) => {
            let out = String::from_utf8_lossy(pending).into_owned();
            pending.clear();
            out
        }
    }
}

/// What the actor tells the watcher: stop the process, pause reading.
struct Control {
    kill: oneshot::Receiver<()>,
    pause: tokio::sync::watch::Receiver<bool>,
}

/// Owns the process: reads and coalesces output, reaps it, enforces stop, reports the exit.
async fn watch(
    mut child: tokio::process::Child,
    mut reader: pty_process::OwnedReadPty,
    events: Recipient<PtyEvent>,
    control: Control,
    spec: PtySpec,
    pid: u32,
    me: WeakAddr<PtyProcess>,
) {
    let mut buf = vec![0u8; spec.max_chunk.max(4096)];
    let mut pending: Vec<u8> = Vec::with_capacity(spec.max_chunk);
    let mut deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    let Control {
        kill: kill_rx,
        pause: mut pause_rx,
    } = control;
    let mut kill_rx = Some(kill_rx);
    // Paused by flow control; never once the process is being stopped (or the actor is gone).
    let mut paused = false;
    let mut pause_open = true;
    let mut grace: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    let mut reading = true;
    let mut status = None;
    // When output is sparse (keystroke echo) it goes out at once; only output that follows
    // other output within `coalesce` waits to be batched.
    let mut last_flush = tokio::time::Instant::now() - spec.coalesce;
    let gate = spec.gate.clone();
    let flush = |pending: &mut Vec<u8>| {
        let text = take_utf8(pending);
        if !text.is_empty() {
            if let Some(gate) = &gate {
                gate.0.sent(text.len());
            }
            events.do_send(PtyEvent::Output(text));
        }
    };

    while reading || status.is_none() {
        // Asked afresh each turn; a process being stopped is never held.
        let held = kill_rx.is_some() && gate.as_ref().is_some_and(|g| g.0.holds());
        tokio::select! {
            changed = pause_rx.changed(), if pause_open => match changed {
                Ok(()) => paused = *pause_rx.borrow_and_update() && kill_rx.is_some(),
                Err(_) => {
                    pause_open = false;
                    paused = false;
                }
            },
            read = reader.read(&mut buf), if reading && !paused && !held => match read {
                // EIO is how a pty says the other side is closed.
                Ok(0) | Err(_) => reading = false,
                Ok(n) => {
                    pending.extend_from_slice(&buf[..n]);
                    let quiet = deadline.is_none() && last_flush.elapsed() >= spec.coalesce;
                    if pending.len() >= spec.max_chunk || quiet {
                        flush(&mut pending);
                        last_flush = tokio::time::Instant::now();
                        deadline = None;
                    } else if deadline.is_none() {
                        deadline = Some(Box::pin(tokio::time::sleep_until(last_flush + spec.coalesce)));
                    }
                }
            },
            _ = async { deadline.as_mut()?.await; Some(()) }, if deadline.is_some() => {
                deadline = None;
                flush(&mut pending);
                last_flush = tokio::time::Instant::now();
            },
            exited = child.wait(), if status.is_none() => {
                status = Some(exited);
                // Background jobs of the shell would otherwise keep the pty open.
                signal_group(pid, Signal::SIGKILL);
            },
            _ = async { kill_rx.as_mut()?.await.ok() }, if kill_rx.is_some() => {
                kill_rx = None;
                paused = false;
                // Like closing a terminal window: hang up, then ask, then insist.
                signal_group(pid, Signal::SIGHUP);
                signal_group(pid, Signal::SIGTERM);
                grace = Some(Box::pin(tokio::time::sleep(spec.kill_grace)));
            },
            _ = async { grace.as_mut()?.await; Some(()) }, if grace.is_some() => {
                grace = None;
                signal_group(pid, Signal::SIGKILL);
            },
        }
    }
    if !pending.is_empty() {
        let text = String::from_utf8_lossy(&pending).into_owned();
        if let Some(gate) = &gate {
            gate.0.sent(text.len());
        }
        events.do_send(PtyEvent::Output(text));
    }
    let (code, signal) = match status {
        Some(Ok(status)) => (status.code(), status.signal()),
        _ => (None, None),
    };
    events.do_send(PtyEvent::Exited { code, signal });
    if let Some(addr) = me.upgrade() {
        addr.do_send(ProcessGone);
    }
}

#[cfg(test)]
mod tests;
