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
    let flush = |pending: &mut Vec<u8>| {
        let text = take_utf8(pending);
        if !text.is_empty() {
            events.do_send(PtyEvent::Output(text));
        }
    };

    while reading || status.is_none() {
        tokio::select! {
            changed = pause_rx.changed(), if pause_open => match changed {
                Ok(()) => paused = *pause_rx.borrow_and_update() && kill_rx.is_some(),
                Err(_) => {
                    pause_open = false;
                    paused = false;
                }
            },
            read = reader.read(&mut buf), if reading && !paused => match read {
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
mod tests {
    use super::*;
    use crate::harness::probe;

    const DEADLINE: Duration = Duration::from_secs(10);

    fn bash(script: &str) -> PtySpec {
        let mut spec = PtySpec::new("bash", std::env::temp_dir());
        spec.args = vec![
            "--noprofile".into(),
            "--norc".into(),
            "-c".into(),
            script.into(),
        ];
        spec
    }

    /// Output until `needle` has been seen (output is chunked arbitrarily).
    async fn read_until(rx: &mut crate::harness::ProbeRx<PtyEvent>, needle: &str) -> String {
        let mut seen = String::new();
        while !seen.contains(needle) {
            match rx.next(DEADLINE).await.unwrap() {
                PtyEvent::Output(text) => seen.push_str(&text),
                PtyEvent::Exited { .. } => panic!("exited before {needle:?}; saw {seen:?}"),
            }
        }
        seen
    }

    #[actix::test]
    async fn the_scrub_hides_named_and_prefixed_variables_from_the_shell() {
        std::env::set_var("PTY_SCRUB_EXACT", "pty-hidden-1");
        std::env::set_var("PTY_SCRUBP_ONE", "pty-hidden-2");
        std::env::set_var("PTY_SCRUB_KEPT", "kept");
        let (events, mut rx) = probe::<PtyEvent>();
        let mut spec = bash("env; echo END-OF-ENV");
        spec.scrub = crate::process_runner::EnvScrub::new(["PTY_SCRUB_EXACT"], ["PTY_SCRUBP_"]);
        let (_pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
        let seen = read_until(&mut rx, "END-OF-ENV").await;
        assert!(seen.contains("PTY_SCRUB_KEPT=kept"), "{seen:?}");
        assert!(!seen.contains("pty-hidden"), "{seen:?}");
    }

    #[actix::test]
    async fn echoes_input_resizes_and_reports_exit_code() {
        let (events, mut rx) = probe::<PtyEvent>();
        let mut spec = bash("read line; echo got:$line; stty size; exit 7");
        spec.cols = 100;
        spec.rows = 40;
        let (pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
        pty.send(PtyWrite("hello\r".into())).await.unwrap().unwrap();
        let seen = read_until(&mut rx, "40 100").await;
        assert!(seen.contains("got:hello"), "{seen:?}");
        let (exit, _) = rx
            .next_matching(DEADLINE, |e| matches!(e, PtyEvent::Exited { .. }))
            .await
            .unwrap();
        assert_eq!(
            exit,
            PtyEvent::Exited {
                code: Some(7),
                signal: None
            }
        );
        assert!(pty
            .send(PtyWrite("x".into()))
            .await
            .map(|r| r.is_err())
            .unwrap_or(true));
    }

    #[actix::test]
    async fn resize_reaches_the_process() {
        let (events, mut rx) = probe::<PtyEvent>();
        let (pty, _pid) =
            PtyProcess::spawn(bash("read a; stty size; read b; stty size"), events).unwrap();
        pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
        read_until(&mut rx, "30 120").await;
        pty.send(PtyResize { cols: 80, rows: 24 })
            .await
            .unwrap()
            .unwrap();
        pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
        read_until(&mut rx, "24 80").await;
    }

    #[actix::test]
    async fn multibyte_characters_are_never_split() {
        let (events, mut rx) = probe::<PtyEvent>();
        let mut spec = bash("for i in $(seq 1 3000); do printf 'é€😀'; done; echo; echo END");
        spec.max_chunk = 4097; // an odd size forces splits inside characters
        let (_pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
        let seen = read_until(&mut rx, "END").await;
        assert_eq!(seen.matches("é€😀").count(), 3000);
        assert!(!seen.contains('\u{FFFD}'));
    }

    #[actix::test]
    async fn stop_kills_the_shell_and_its_children() {
        let (events, mut rx) = probe::<PtyEvent>();
        let (pty, pid) =
            PtyProcess::spawn(bash("sleep 300 & echo child:$!; wait"), events).unwrap();
        let seen = read_until(&mut rx, "\n").await;
        let child: i32 = seen
            .trim()
            .trim_start_matches("child:")
            .parse()
            .unwrap_or_else(|_| panic!("{seen:?}"));
        pty.do_send(Shutdown);
        let (exit, _) = rx
            .next_matching(DEADLINE, |e| matches!(e, PtyEvent::Exited { .. }))
            .await
            .unwrap();
        assert!(
            matches!(
                exit,
                PtyEvent::Exited {
                    signal: Some(_),
                    ..
                }
            ),
            "{exit:?}"
        );
        for gone in [pid as i32, child] {
            let deadline = std::time::Instant::now() + DEADLINE;
            while std::fs::read_to_string(format!("/proc/{gone}/stat"))
                .map(|s| {
                    !s.rsplit(')')
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .starts_with('Z')
                })
                .unwrap_or(false)
            {
                assert!(std::time::Instant::now() < deadline, "{gone} survived");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }

    #[actix::test]
    async fn a_paused_pty_is_not_read_until_resumed() {
        let (events, mut rx) = probe::<PtyEvent>();
        let spec = bash("read go; head -c 3000000 /dev/zero | base64; echo FLOOD-END");
        let (pty, _pid) = PtyProcess::spawn(spec, events).unwrap();
        pty.send(PtyPause(true)).await.unwrap();
        pty.send(PtyWrite("\r".into())).await.unwrap().unwrap();
        // Paused: only what was read before the pause arrives, never the 4 MB flood.
        let mut seen = 0;
        let window = tokio::time::Instant::now() + Duration::from_millis(700);
        while let Ok(Some(event)) = tokio::time::timeout_at(window, rx.next(DEADLINE))
            .await
            .map(Result::ok)
        {
            if let PtyEvent::Output(text) = event {
                assert!(!text.contains("FLOOD-END"));
                seen += text.len();
            }
        }
        assert!(seen < 300_000, "{seen} bytes read while paused");
        pty.send(PtyPause(false)).await.unwrap();
        read_until(&mut rx, "FLOOD-END").await;
    }

    #[test]
    fn utf8_carry_keeps_incomplete_characters() {
        let mut pending = "ab€".as_bytes()[..4].to_vec(); // 'a', 'b', first 2 bytes of '€'
        assert_eq!(take_utf8(&mut pending), "ab");
        assert_eq!(pending.len(), 2);
        pending.extend_from_slice(&"€".as_bytes()[2..]);
        assert_eq!(take_utf8(&mut pending), "€");
        let mut junk = vec![0xff, b'x'];
        assert_eq!(take_utf8(&mut junk), "\u{FFFD}x");
    }
}
