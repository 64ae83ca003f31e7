//! One `claude -p` process in stream-json mode as an actor, on top of `ChildProcess` (its own
//! process group, no deadline, the environment scrubbed by [`crate::spawn::env_scrub`]): stdout
//! lines parsed as JSON and told to the owner in order, JSON lines written to stdin, the exit
//! reported last. What the lines mean is the owner's business (the [`ClaudeDriver`]).
//!
//! [`ClaudeDriver`]: super::ClaudeDriver

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use serde_json::Value;
use t3rs_actors::child_process::{ChildProcess, ChildSpec, ExitReport, ProcessEvent, WriteLine};
use t3rs_actors::process_runner::ProcessSpec;
use t3rs_actors::Shutdown;

use crate::runtime::agent_stdio::Window;
pub use crate::runtime::agent_stdio::{ProcessLink, Ticket, WriteJson, OWNER_WINDOW};

/// How one Claude Code process is started.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaudeCommand {
    pub bin: PathBuf,
    pub cwd: PathBuf,
    /// `--permission-mode`: `default`, `plan`, `bypassPermissions`, …
    pub permission_mode: String,
    /// `--resume <id>`: continue a stored conversation.
    pub resume: Option<String>,
    /// `--session-id <uuid>`: a new conversation with an id chosen by t3rs.
    pub session_id: Option<String>,
    /// `--resume-session-at <uuid>` with `resume`: the conversation only up to and including
    /// that assistant entry (a rollback).
    pub resume_at: Option<String>,
    /// `--model <model>`.
    pub model: Option<String>,
    /// Set on top of the scrubbed environment (tests point Claude Code at the fake model).
    pub env: Vec<(OsString, OsString)>,
    /// Removed besides what the scrub removes.
    pub env_remove: Vec<OsString>,
}

impl ClaudeCommand {
    /// The arguments after the program.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "-p",
            "--input-format",
            "stream-json",
            "--output-format",
            "stream-json",
            "--verbose",
            "--permission-prompt-tool",
            "stdio",
            "--include-partial-messages",
            "--permission-mode",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(self.permission_mode.clone());
        if let Some(id) = &self.resume {
            args.extend(["--resume".to_string(), id.clone()]);
            if let Some(at) = &self.resume_at {
                args.extend(["--resume-session-at".to_string(), at.clone()]);
            }
        } else if let Some(id) = &self.session_id {
            args.extend(["--session-id".to_string(), id.clone()]);
        }
        if let Some(model) = &self.model {
            args.extend(["--model".to_string(), model.clone()]);
        }
        args
    }
}

/// What Claude Code process `serial` of session generation `generation` said.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct FromClaude {
    pub generation: u64,
    /// Which of the driver's processes (a restart makes a new one).
    pub serial: u64,
    pub event: ClaudeEvent,
    pub ticket: Ticket,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClaudeEvent {
    /// A stdout line, parsed.
    Line(Value),
    /// A stdout line that is not JSON (never fatal).
    Unreadable { line: String, error: String },
    /// The process could not be started at all.
    SpawnFailed { message: String },
    /// The process ended; nothing more follows.
    Exited(ExitReport),
}

/// Starts a process for the driver (the real one: [`spawn_claude`]).
pub type Spawner =
    Arc<dyn Fn(ClaudeCommand, u64, u64, Recipient<FromClaude>) -> ProcessLink + Send + Sync>;

/// The real spawner: a [`ClaudeProcess`] actor.
pub fn spawn_claude(
    command: ClaudeCommand,
    generation: u64,
    serial: u64,
    owner: Recipient<FromClaude>,
) -> ProcessLink {
    let addr = ClaudeProcess::new(command, generation, serial, owner).start();
    ProcessLink {
        write: addr.clone().recipient(),
        stop: addr.recipient(),
    }
}

pub struct ClaudeProcess {
    command: ClaudeCommand,
    generation: u64,
    serial: u64,
    owner: Recipient<FromClaude>,
    process: Option<Addr<ChildProcess>>,
    window: Window,
}

impl ClaudeProcess {
    pub fn new(
        command: ClaudeCommand,
        generation: u64,
        serial: u64,
        owner: Recipient<FromClaude>,
    ) -> Self {
        ClaudeProcess {
            command,
            generation,
            serial,
            owner,
            process: None,
            window: Window::default(),
        }
    }

    fn tell(&self, event: ClaudeEvent) {
        let ticket = self.window.ticket();
        self.owner.do_send(FromClaude {
            generation: self.generation,
            serial: self.serial,
            event,
            ticket,
        });
    }

    fn on_process_event(&mut self, event: ProcessEvent, ctx: &mut Context<Self>) {
        match event {
            ProcessEvent::Stdout(line) => {
                if line.trim().is_empty() {
                    return;
                }
                match serde_json::from_str::<Value>(&line) {
                    Ok(value) if value.is_object() => self.tell(ClaudeEvent::Line(value)),
                    Ok(_) => self.unreadable(line, "not a JSON object".into()),
                    Err(err) => self.unreadable(line, err.to_string()),
                }
            }
            ProcessEvent::Stderr(line) => log::debug!("claude stderr: {line}"),
            ProcessEvent::LineTooLong { limit } => self.tell(ClaudeEvent::Unreadable {
                line: String::new(),
                error: format!("a line longer than {limit} bytes was skipped"),
            }),
            ProcessEvent::Exited(report) => {
                self.process = None;
                self.tell(ClaudeEvent::Exited(report));
                ctx.stop();
            }
        }
    }

    fn unreadable(&self, mut line: String, error: String) {
        log::warn!("claude wrote an unreadable line: {error}");
        t3rs_core::text::truncate_within(&mut line, 2_000);
        self.tell(ClaudeEvent::Unreadable { line, error });
    }
}

impl Actor for ClaudeProcess {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // Claude Code runs model-chosen commands: none of them may see the server's secrets.
        // IS_SANDBOX is not scrubbed (the user's passes through) and never set here.
        let mut spec = ProcessSpec::new(self.command.bin.as_os_str(), crate::spawn::env_scrub())
            .args(self.command.args())
            .cwd(self.command.cwd.clone());
        spec.env = self.command.env.clone();
        spec.env_remove = self.command.env_remove.clone();
        let mut child = ChildSpec::new(spec);
        // Claude Code writes its session file as it goes; a short grace lets it finish a write.
        child.kill_grace = Duration::from_secs(1);
        match ChildProcess::spawn(child, ctx.address().recipient()) {
            Ok((process, _pid)) => self.process = Some(process),
            Err(err) => {
                let message = crate::spawn::start_failure(
                    "Claude Code CLI",
                    "Claude Code",
                    &self.command.bin,
                    &err,
                );
                self.tell(ClaudeEvent::SpawnFailed { message });
                ctx.stop();
            }
        }
    }
}

impl Handler<ProcessEvent> for ClaudeProcess {
    /// Answered once handled, which waits while the owner's window is full.
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

impl Handler<WriteJson> for ClaudeProcess {
    type Result = ();

    fn handle(&mut self, WriteJson(line): WriteJson, _ctx: &mut Self::Context) {
        match &self.process {
            Some(process) => process.do_send(WriteLine(line.to_string())),
            None => log::debug!("claude is gone; a stdin line was dropped"),
        }
    }
}

impl Handler<Shutdown> for ClaudeProcess {
    type Result = ();

    /// Stops the process group; the actor stops when the exit is reported.
    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        match &self.process {
            Some(process) => process.do_send(Shutdown),
            None => ctx.stop(),
        }
    }
}
