//! One ACP agent process as an actor, on top of `ChildProcess` (its own process group, the
//! environment scrubbed by [`crate::spawn::env_scrub`], the instance's `env` set on top):
//! stdout lines told to the owner in order (a read-ahead window, as for Claude Code), JSON
//! lines written to stdin, the exit reported last.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use t3rs_actors::child_process::{ChildProcess, ChildSpec, ExitReport, ProcessEvent, WriteLine};
use t3rs_actors::process_runner::ProcessSpec;
use t3rs_actors::Shutdown;

use crate::runtime::agent_stdio::Window;
pub use crate::runtime::agent_stdio::{ProcessLink, Ticket, WriteJson};

/// How one agent process is started (a declared `acpInstances` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct AcpCommand {
    pub bin: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: Vec<(OsString, OsString)>,
}

#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct FromAcp {
    pub generation: u64,
    pub serial: u64,
    pub event: AcpEvent,
    pub ticket: Ticket,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AcpEvent {
    /// A stdout line (not yet parsed).
    Line(String),
    SpawnFailed {
        message: String,
    },
    Exited(ExitReport),
}

/// Starts a process for the driver (the real one: [`spawn_acp`]).
pub type Spawner =
    Arc<dyn Fn(AcpCommand, u64, u64, Recipient<FromAcp>) -> ProcessLink + Send + Sync>;

pub fn spawn_acp(
    command: AcpCommand,
    generation: u64,
    serial: u64,
    owner: Recipient<FromAcp>,
) -> ProcessLink {
    let addr = AcpProcess {
        command,
        generation,
        serial,
        owner,
        process: None,
        window: Window::default(),
    }
    .start();
    ProcessLink {
        write: addr.clone().recipient(),
        stop: addr.recipient(),
    }
}

pub struct AcpProcess {
    command: AcpCommand,
    generation: u64,
    serial: u64,
    owner: Recipient<FromAcp>,
    process: Option<Addr<ChildProcess>>,
    window: Window,
}

impl AcpProcess {
    fn tell(&self, event: AcpEvent) {
        let ticket = self.window.ticket();
        self.owner.do_send(FromAcp {
            generation: self.generation,
            serial: self.serial,
            event,
            ticket,
        });
    }

    fn on_process_event(&mut self, event: ProcessEvent, ctx: &mut Context<Self>) {
        match event {
            ProcessEvent::Stdout(line) if line.trim().is_empty() => {}
            ProcessEvent::Stdout(line) => self.tell(AcpEvent::Line(line)),
            ProcessEvent::Stderr(line) => log::debug!("acp agent stderr: {line}"),
            ProcessEvent::LineTooLong { limit } => {
                log::warn!("an ACP agent wrote a line longer than {limit} bytes; skipped")
            }
            ProcessEvent::Exited(report) => {
                self.process = None;
                self.tell(AcpEvent::Exited(report));
                ctx.stop();
            }
        }
    }
}

impl Actor for AcpProcess {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let mut spec = ProcessSpec::new(self.command.bin.as_os_str(), crate::spawn::env_scrub())
            .args(self.command.args.clone())
            .cwd(self.command.cwd.clone());
        spec.env = self.command.env.clone();
        let mut child = ChildSpec::new(spec);
        child.kill_grace = Duration::from_secs(1);
        match ChildProcess::spawn(child, ctx.address().recipient()) {
            Ok((process, _pid)) => self.process = Some(process),
            Err(err) => {
                let message = crate::spawn::start_failure(
                    "The ACP agent",
                    "the ACP agent",
                    &self.command.bin,
                    &err,
                );
                self.tell(AcpEvent::SpawnFailed { message });
                ctx.stop();
            }
        }
    }
}

impl Handler<ProcessEvent> for AcpProcess {
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

impl Handler<WriteJson> for AcpProcess {
    type Result = ();

    fn handle(&mut self, WriteJson(line): WriteJson, _ctx: &mut Self::Context) {
        match &self.process {
            Some(process) => process.do_send(WriteLine(line.to_string())),
            None => log::debug!("the ACP agent is gone; a stdin line was dropped"),
        }
    }
}

impl Handler<Shutdown> for AcpProcess {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        match &self.process {
            Some(process) => process.do_send(Shutdown),
            None => ctx.stop(),
        }
    }
}
