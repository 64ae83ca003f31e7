//! A child process as an actor. The process runs in its own process group so that stopping the
//! actor (or dropping every address to it) takes down everything it spawned, not just the leader.
//! stdout is framed into lines and delivered in order to one recipient, followed by exactly one
//! [`ProcessEvent::Exited`] after the last line.
//!
//! Delivery has backpressure: each stream's lines go to the recipient one at a time, the next
//! only once its handler has taken the previous one, with at most `max_lines_ahead` lines read
//! ahead of it. While the owner is busy, the child's output waits in the pipe (and the child
//! blocks on its writes), not in memory. Both streams' lines are capped in length.

use std::fmt;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;

use actix::prelude::*;
use actix::WeakAddr;
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout};
use tokio::sync::{mpsc, oneshot};

use crate::process_runner::{tokio_command, ProcessSpec};
use crate::supervision::Shutdown;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// What to run, in which directory, with which environment (scrub included).
    pub command: ProcessSpec,
    /// Longest stdout line accepted; longer ones are skipped and reported.
    pub max_line_bytes: usize,
    /// Longest stderr line kept; longer ones are cut to this, with a note saying so.
    pub max_stderr_line_bytes: usize,
    /// Lines read from each stream ahead of the one the recipient is handling; past it,
    /// reading stops until the recipient catches up.
    pub max_lines_ahead: usize,
    /// How many trailing stderr lines the exit report carries.
    pub stderr_tail_lines: usize,
    /// Between SIGTERM and SIGKILL when the actor is stopped. Zero kills at once.
    pub kill_grace: Duration,
}

impl ChildSpec {
    pub fn new(command: ProcessSpec) -> Self {
        Self {
            command,
            max_line_bytes: 64 * 1024 * 1024,
            max_stderr_line_bytes: 16 * 1024,
            max_lines_ahead: 64,
            stderr_tail_lines: 20,
            kill_grace: Duration::from_secs(1),
        }
    }
}

/// How the process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitReport {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// The last stderr lines, oldest first.
    pub stderr_tail: Vec<String>,
}

impl ExitReport {
    pub fn last_stderr_line(&self) -> Option<&str> {
        self.stderr_tail
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
    }
}

impl fmt::Display for ExitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.signal) {
            (Some(code), _) => write!(f, "exited with code {code}")?,
            (None, Some(sig)) => {
                let name = Signal::try_from(sig)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|_| sig.to_string());
                write!(f, "killed by signal {name}")?
            }
            (None, None) => write!(f, "exited")?,
        }
        if let Some(line) = self.last_stderr_line() {
            write!(f, "; last stderr: {line}")?;
        }
        Ok(())
    }
}

/// Everything the process says, in order per stream; `Exited` is always last.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub enum ProcessEvent {
    Stdout(String),
    Stderr(String),
    /// A stdout line longer than the limit was skipped.
    LineTooLong {
        limit: usize,
    },
    Exited(ExitReport),
}

/// Writes the text, newline-terminated, to the process's stdin.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<(), StdinClosed>")]
pub struct WriteLine(pub String);

/// Closes stdin (the process sees end of input).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct CloseStdin;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the process's stdin is closed")]
pub struct StdinClosed;

#[derive(Message)]
#[rtype(result = "()")]
struct ChildGone;

pub struct ChildProcess {
    pid: u32,
    stdin: Option<mpsc::UnboundedSender<Vec<u8>>>,
    kill: Option<oneshot::Sender<()>>,
}

impl ChildProcess {
    /// Spawns the process and its actor. Must run inside an actix system. Spawn errors
    /// (program missing, cwd missing) come back here, before any actor exists.
    /// Returns the actor and the process's pid (which is also its process group).
    pub fn spawn(
        spec: ChildSpec,
        events: Recipient<ProcessEvent>,
    ) -> std::io::Result<(Addr<ChildProcess>, u32)> {
        let command = &spec.command;
        let env = command.scrub.child_env(&command.env_remove, &command.env);
        let mut cmd = tokio_command(&command.program, &command.args, command.cwd.as_deref(), env);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let pid = child.id().ok_or_else(|| {
            std::io::Error::other("the process exited before its pid could be read")
        })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let (stdin_tx, stdin_rx) = mpsc::unbounded_channel();
        let (kill_tx, kill_rx) = oneshot::channel();
        let addr = ChildProcess::create(move |ctx| {
            if let Some(stdin) = stdin {
                actix_rt::spawn(write_stdin(stdin, stdin_rx));
            }
            actix_rt::spawn(watch(
                child,
                stdout,
                stderr,
                events,
                kill_rx,
                spec,
                pid,
                ctx.address().downgrade(),
            ));
            ChildProcess {
                pid,
                stdin: Some(stdin_tx),
                kill: Some(kill_tx),
            }
        });
        Ok((addr, pid))
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }
}

impl Actor for ChildProcess {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(kill) = self.kill.take() {
            // The watcher may already be done (process exited); then nothing is left to kill.
            let _ = kill.send(());
        }
    }
}

impl Handler<WriteLine> for ChildProcess {
    type Result = Result<(), StdinClosed>;

    fn handle(&mut self, msg: WriteLine, _ctx: &mut Self::Context) -> Self::Result {
        let mut bytes = msg.0.into_bytes();
        if bytes.last() != Some(&b'\n') {
            bytes.push(b'\n');
        }
        match &self.stdin {
            Some(tx) => tx.send(bytes).map_err(|_| StdinClosed),
            None => Err(StdinClosed),
        }
    }
}

impl Handler<CloseStdin> for ChildProcess {
    type Result = ();

    fn handle(&mut self, _msg: CloseStdin, _ctx: &mut Self::Context) {
        self.stdin = None;
    }
}

impl Handler<Shutdown> for ChildProcess {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

impl Handler<ChildGone> for ChildProcess {
    type Result = ();

    fn handle(&mut self, _msg: ChildGone, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

async fn write_stdin(mut stdin: ChildStdin, mut rx: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(bytes) = rx.recv().await {
        if let Err(err) = stdin.write_all(&bytes).await {
            log::debug!("child stdin closed: {err}");
            return;
        }
        if let Err(err) = stdin.flush().await {
            log::debug!("child stdin closed: {err}");
            return;
        }
    }
}

fn signal_group(pid: u32, signal: Signal) {
    let Ok(raw) = i32::try_from(pid) else {
        return;
    };
    // ESRCH just means the group is already gone.
    let _ = killpg(Pid::from_raw(raw), signal);
}

/// Reads stderr, lines cut to `max` bytes, and keeps its last `keep` lines for the exit report.
async fn read_stderr(
    stderr: Option<ChildStderr>,
    events: Recipient<ProcessEvent>,
    keep: usize,
    max: usize,
    ahead: usize,
) -> Vec<String> {
    let mut tail = std::collections::VecDeque::with_capacity(keep);
    let Some(stderr) = stderr else {
        return Vec::new();
    };
    let (tx, rx) = mpsc::channel(ahead.max(1));
    let forward = actix_rt::spawn(forward(rx, events));
    let mut reader = LineReader::new(stderr, max);
    while let Some(Ok(next)) = reader.next_line().await {
        let line = match next {
            Line::Text(line) => line,
            Line::TooLong => format!(
                "{} [t3rs: line longer than {max} bytes cut]",
                reader.take_text()
            ),
        };
        if keep > 0 {
            if tail.len() == keep {
                tail.pop_front();
            }
            tail.push_back(line.clone());
        }
        if tx.send(ProcessEvent::Stderr(line)).await.is_err() {
            break;
        }
    }
    drop(tx);
    let _ = forward.await;
    tail.into()
}

/// Reads stdout into lines for [`forward`], at most `ahead` of the one being delivered.
async fn read_stdout(
    stdout: ChildStdout,
    events: Recipient<ProcessEvent>,
    max: usize,
    ahead: usize,
) {
    let (tx, rx) = mpsc::channel(ahead.max(1));
    let forward = actix_rt::spawn(forward(rx, events));
    let mut lines = LineReader::new(stdout, max);
    loop {
        let event = match lines.next_line().await {
            Some(Ok(Line::Text(line))) => ProcessEvent::Stdout(line),
            Some(Ok(Line::TooLong)) => {
                lines.buf.clear();
                ProcessEvent::LineTooLong { limit: max }
            }
            Some(Err(err)) => {
                log::debug!("child stdout failed: {err}");
                break;
            }
            None => break,
        };
        if tx.send(event).await.is_err() {
            break;
        }
    }
    drop(tx);
    let _ = forward.await;
}

/// Hands lines to the recipient one at a time, each once the previous one was handled, so a
/// busy recipient holds up reading instead of collecting an unbounded mailbox. Once the
/// recipient is gone the rest is dropped.
async fn forward(mut rx: mpsc::Receiver<ProcessEvent>, events: Recipient<ProcessEvent>) {
    let mut gone = false;
    while let Some(event) = rx.recv().await {
        if !gone && events.send(event).await.is_err() {
            gone = true;
        }
    }
}

enum Line {
    Text(String),
    TooLong,
}

/// Splits a byte stream into lines with a length cap. Unlike a codec, an overlong line is skipped
/// and reading goes on with the next one (tokio-util's `LinesCodec` ends the stream instead).
struct LineReader<R> {
    reader: BufReader<R>,
    max: usize,
    buf: Vec<u8>,
}

impl<R: tokio::io::AsyncRead + Unpin> LineReader<R> {
    fn new(inner: R, max: usize) -> Self {
        Self {
            reader: BufReader::with_capacity(64 * 1024, inner),
            max,
            buf: Vec::new(),
        }
    }

    /// The next line without its terminator; `None` at end of stream (a final unterminated
    /// line is still returned first).
    async fn next_line(&mut self) -> Option<std::io::Result<Line>> {
        let mut too_long = false;
        loop {
            let chunk = match self.reader.fill_buf().await {
                Ok(chunk) => chunk,
                Err(err) => return Some(Err(err)),
            };
            if chunk.is_empty() {
                if too_long {
                    return Some(Ok(Line::TooLong));
                }
                if self.buf.is_empty() {
                    return None;
                }
                return Some(Ok(Line::Text(self.take_text())));
            }
            let (used, complete) = match chunk.iter().position(|b| *b == b'\n') {
                Some(at) => (at + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                let piece = if complete { &chunk[..used - 1] } else { chunk };
                if self.buf.len() + piece.len() > self.max {
                    too_long = true;
                    // The head is kept (a stderr line is cut, not dropped).
                    let room = self.max - self.buf.len();
                    self.buf.extend_from_slice(&piece[..room]);
                    cut_to_char_start(&mut self.buf);
                } else {
                    self.buf.extend_from_slice(piece);
                }
            }
            self.reader.consume(used);
            if complete {
                if too_long {
                    return Some(Ok(Line::TooLong));
                }
                return Some(Ok(Line::Text(self.take_text())));
            }
        }
    }

    /// The line read so far (for an overlong one, its head of at most `max` bytes).
    fn take_text(&mut self) -> String {
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let bytes = std::mem::take(&mut self.buf);
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Drops a partial UTF-8 character at the end of `bytes` (a cut inside one), so the text
/// ends cleanly instead of in a replacement character.
fn cut_to_char_start(bytes: &mut Vec<u8>) {
    let Some(lead) = bytes.iter().rposition(|b| (b & 0xC0) != 0x80) else {
        return;
    };
    let width = match bytes[lead] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => 1,
    };
    if bytes.len() - lead < width {
        bytes.truncate(lead);
    }
}

/// Owns the process: forwards stdout, reaps it, enforces stop requests, reports the exit.
#[allow(clippy::too_many_arguments)]
async fn watch(
    mut child: Child,
    stdout: Option<ChildStdout>,
    stderr: Option<ChildStderr>,
    events: Recipient<ProcessEvent>,
    kill_rx: oneshot::Receiver<()>,
    spec: ChildSpec,
    pid: u32,
    me: WeakAddr<ChildProcess>,
) {
    let stderr_task = actix_rt::spawn(read_stderr(
        stderr,
        events.clone(),
        spec.stderr_tail_lines,
        spec.max_stderr_line_bytes,
        spec.max_lines_ahead,
    ));
    let mut lines = stdout.map(|out| {
        actix_rt::spawn(read_stdout(
            out,
            events.clone(),
            spec.max_line_bytes,
            spec.max_lines_ahead,
        ))
    });
    let mut kill_rx = Some(kill_rx);
    let mut grace: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    let mut status = None;

    while lines.is_some() || status.is_none() {
        tokio::select! {
            _ = async { lines.as_mut()?.await.ok() }, if lines.is_some() => lines = None,
            exited = child.wait(), if status.is_none() => {
                status = Some(exited);
                // Members of the group that outlive the leader would hold stdout open forever.
                signal_group(pid, Signal::SIGKILL);
            },
            _ = async { kill_rx.as_mut()?.await.ok() }, if kill_rx.is_some() => {
                kill_rx = None;
                if spec.kill_grace.is_zero() {
                    signal_group(pid, Signal::SIGKILL);
                } else {
                    signal_group(pid, Signal::SIGTERM);
                    grace = Some(Box::pin(tokio::time::sleep(spec.kill_grace)));
                }
            },
            _ = async { grace.as_mut()?.await; Some(()) }, if grace.is_some() => {
                grace = None;
                signal_group(pid, Signal::SIGKILL);
            },
        }
    }

    let stderr_tail = stderr_task.await.unwrap_or_default();
    let report = match status {
        Some(Ok(status)) => ExitReport {
            code: status.code(),
            signal: status.signal(),
            stderr_tail,
        },
        Some(Err(err)) => ExitReport {
            code: None,
            signal: None,
            stderr_tail: {
                let mut tail = stderr_tail;
                tail.push(format!("t3rs: waiting for the process failed: {err}"));
                tail
            },
        },
        None => ExitReport {
            code: None,
            signal: None,
            stderr_tail,
        },
    };
    events.do_send(ProcessEvent::Exited(report));
    if let Some(addr) = me.upgrade() {
        addr.do_send(ChildGone);
    }
}

#[cfg(test)]
mod tests;
