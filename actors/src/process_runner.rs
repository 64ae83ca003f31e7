//! The one place that starts child processes. Every child gets:
//!
//! - an environment scrubbed of the variables the caller names (exact names and prefixes); this
//!   crate knows nothing of which ones are secret, the caller passes an [`EnvScrub`];
//! - its own process group, so everything it starts can be killed with it.
//!
//! Three ways to start one: [`ProcessSpec::run`] runs a command to completion under a deadline
//! that kills the whole group, with stdout and stderr each bounded; [`ProcessSpec::spawn_detached`]
//! starts one that outlives the call (an editor, a browser) and reaps it when it exits; and
//! [`tokio_command`] / [`pty_command`] build the commands that [`crate::child_process`] and
//! [`crate::pty`] run as long-lived actors.
//!
//! Why run-to-completion is not `Command::output()`: a child that exits while a grandchild still
//! holds its stdout (`sh -c 'npm run dev &'`) makes `output()` wait for that grandchild for ever,
//! and killing only the direct child on a timeout leaves the rest running. Here the pipes are
//! polled, the group is killed as soon as its leader exits (or at the deadline), and reading
//! stops after a short grace even if something outside the group still holds a pipe.

// This module is the runner: the only code allowed to create commands directly.
#![allow(clippy::disallowed_methods)]

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{killpg, Signal};
use nix::sys::wait::{waitid, Id, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

/// Which variables of this process's environment a child must not inherit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvScrub {
    exact: Vec<OsString>,
    prefixes: Vec<OsString>,
}

impl EnvScrub {
    /// Removes every variable named in `exact` and every one whose name starts with one of
    /// `prefixes`.
    pub fn new<I, S, J, T>(exact: I, prefixes: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
        J: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        Self {
            exact: exact.into_iter().map(Into::into).collect(),
            prefixes: prefixes.into_iter().map(Into::into).collect(),
        }
    }

    /// True when a child must not see the variable `name`.
    pub fn removes(&self, name: &OsStr) -> bool {
        self.exact.iter().any(|e| e == name)
            || self
                .prefixes
                .iter()
                .any(|p| name.as_bytes().starts_with(p.as_bytes()))
    }

    /// The child's environment, as changes to this process's: the scrubbed names that are set
    /// here and `remove` are removed, then `set` is set (what the caller sets explicitly is
    /// kept). Applied with `env_remove`/`env` rather than `env_clear`, so std can keep spawning
    /// with posix_spawn (an explicit PATH in a cleared environment makes it fork the whole
    /// server instead, which costs a server with a large heap milliseconds).
    pub fn child_env(&self, remove: &[OsString], set: &[(OsString, OsString)]) -> ChildEnv {
        let mut names: Vec<OsString> = std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| self.removes(name))
            .collect();
        names.extend(remove.iter().cloned());
        ChildEnv {
            remove: names,
            set: set.to_vec(),
        }
    }
}

/// How a child's environment differs from this process's: names removed, then values set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildEnv {
    pub remove: Vec<OsString>,
    pub set: Vec<(OsString, OsString)>,
}

/// A command to run: program, arguments, directory and environment.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    /// Set on top of the scrubbed environment.
    pub env: Vec<(OsString, OsString)>,
    /// Removed besides what the scrub removes.
    pub env_remove: Vec<OsString>,
    pub scrub: EnvScrub,
    /// How errors name the command (default: the program as given).
    pub label: Option<String>,
    /// What `run` writes to the command's stdin before closing it (default: /dev/null).
    pub stdin: Option<Vec<u8>>,
    /// `run` is over (the group killed, the output so far answered) once stdout holds a
    /// complete line containing this: for a probe of a program that does not end by itself.
    pub done_at_line_with: Option<Vec<u8>>,
}

impl ProcessSpec {
    pub fn new(program: impl Into<OsString>, scrub: EnvScrub) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            env_remove: Vec::new(),
            scrub,
            label: None,
            stdin: None,
            done_at_line_with: None,
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// `run` feeds the command `input` on stdin, then closes it (a probe that asks one
    /// question of a program that ends at end of input).
    pub fn stdin(mut self, input: Vec<u8>) -> Self {
        self.stdin = Some(input);
        self
    }

    /// See [`ProcessSpec::done_at_line_with`].
    pub fn done_at_line_with(mut self, needle: impl Into<Vec<u8>>) -> Self {
        self.done_at_line_with = Some(needle.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// How errors name this command.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.program.to_string_lossy().into_owned())
    }

    fn std_command(&self) -> std::process::Command {
        let env = self.scrub.child_env(&self.env_remove, &self.env);
        let mut command = std::process::Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::null())
            .process_group(0);
        for name in &env.remove {
            command.env_remove(name);
        }
        command.envs(env.set);
        if let Some(cwd) = &self.cwd {
            command.current_dir(cwd);
        }
        command
    }

    fn spawn_error(&self, err: std::io::Error) -> RunError {
        let program = self.program.to_string_lossy().into_owned();
        if err.kind() == std::io::ErrorKind::NotFound {
            // A missing working directory is reported as NotFound too; say which it was.
            if let Some(cwd) = self.cwd.as_deref().filter(|d| !d.is_dir()) {
                return RunError::Spawn {
                    program,
                    message: format!("directory {} does not exist", cwd.display()),
                };
            }
            return RunError::NotFound { program };
        }
        RunError::Spawn {
            program,
            message: err.to_string(),
        }
    }

    /// Starts the command and returns without waiting for it (stdio on /dev/null). A thread
    /// reaps it when it exits, so it never lingers as a zombie. Returns its pid, which is
    /// also its process group.
    pub fn spawn_detached(&self) -> Result<u32, RunError> {
        let mut child = self
            .std_command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| self.spawn_error(e))?;
        let pid = child.id();
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(pid)
    }

    /// Runs the command to completion (stdin is /dev/null). See [`RunLimits`] for the bounds.
    /// When the deadline passes, the whole process group is killed and the error names the
    /// command and the deadline. When the command exits, its group is killed too (anything it
    /// left in the background goes with it) and output still buffered is read for at most
    /// `exit_grace`.
    pub fn run(&self, limits: &RunLimits) -> Result<RunOutput, RunError> {
        self.run_observed(limits, &mut |_, _| {})
    }

    /// [`ProcessSpec::run`], also handing `on_output` every chunk as it is read (before the
    /// output bound applies, so an observer sees what the answer drops): for progress that must
    /// reach a user while the command runs, such as a commit's hook output.
    pub fn run_observed(
        &self,
        limits: &RunLimits,
        on_output: &mut dyn FnMut(OutputStream, &[u8]),
    ) -> Result<RunOutput, RunError> {
        let started = Instant::now();
        let mut command = self.std_command();
        if self.stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.spawn_error(e))?;
        if let (Some(input), Some(mut pipe)) = (self.stdin.clone(), child.stdin.take()) {
            // A thread, so a child that never reads cannot block the deadline; the pipe
            // closes when it is done (or the child is gone).
            std::thread::spawn(move || {
                use std::io::Write;
                let _ = pipe.write_all(&input);
            });
        }
        let pid = Pid::from_raw(child.id() as i32);
        let mut out = Capture::new(child.stdout.take().map(OwnedFd::from), limits.stdout_bytes);
        let mut err = Capture::new(child.stderr.take().map(OwnedFd::from), limits.stderr_bytes);
        let deadline = started + limits.deadline;
        let mut exited: Option<(ExitStatus, Instant)> = None;
        let mut idle_wait = Duration::from_micros(50);
        loop {
            let now = Instant::now();
            if exited.is_none() && self.answered(&out.bytes) {
                kill_group(pid);
                let status = child.wait().map_err(|e| RunError::Wait {
                    program: self.name(),
                    message: e.to_string(),
                })?;
                return Ok(RunOutput {
                    status,
                    stdout: out.bytes,
                    stderr: err.bytes,
                    stdout_dropped: out.dropped,
                    stderr_dropped: err.dropped,
                    elapsed: started.elapsed(),
                });
            }
            if exited.is_none() && leader_has_exited(pid) {
                // Not yet reaped, so the group id cannot have been reused: kill what it left.
                kill_group(pid);
                let status = child.wait().map_err(|e| RunError::Wait {
                    program: self.name(),
                    message: e.to_string(),
                })?;
                exited = Some((status, now));
            }
            match exited {
                Some((status, at))
                    if (out.is_closed() && err.is_closed()) || now >= at + limits.exit_grace =>
                {
                    return Ok(RunOutput {
                        status,
                        stdout: out.bytes,
                        stderr: err.bytes,
                        stdout_dropped: out.dropped,
                        stderr_dropped: err.dropped,
                        elapsed: started.elapsed(),
                    });
                }
                Some(_) => {}
                None if now >= deadline => {
                    kill_group(pid);
                    let _ = child.wait();
                    return Err(RunError::TimedOut {
                        program: self.name(),
                        deadline: limits.deadline,
                    });
                }
                None => {}
            }
            // Wait for output, but wake often enough to notice the leader's exit.
            let limit = match exited {
                Some((_, at)) => (at + limits.exit_grace).saturating_duration_since(now),
                None => deadline.saturating_duration_since(now),
            };
            if out.is_closed() && err.is_closed() {
                // Pipes done, process not reaped yet: it is exiting; back off gently.
                std::thread::sleep(idle_wait.min(limit));
                idle_wait = (idle_wait * 2).min(Duration::from_millis(20));
                continue;
            }
            let wake = limit.min(Duration::from_millis(10));
            poll_and_read(&mut out, &mut err, wake, on_output);
        }
    }
}

impl ProcessSpec {
    /// Whether `stdout` has the complete line [`ProcessSpec::done_at_line_with`] waits for.
    fn answered(&self, stdout: &[u8]) -> bool {
        let Some(needle) = self.done_at_line_with.as_deref() else {
            return false;
        };
        let complete = match stdout.iter().rposition(|b| *b == b'\n') {
            Some(end) => &stdout[..end],
            None => return false,
        };
        !needle.is_empty()
            && complete
                .split(|b| *b == b'\n')
                .any(|line| line.windows(needle.len()).any(|w| w == needle))
    }
}

/// Kills every process of the group; one already gone is not an error.
fn kill_group(pgid: Pid) {
    let _ = killpg(pgid, Signal::SIGKILL);
}

/// True once the leader has exited, without reaping it.
fn leader_has_exited(pid: Pid) -> bool {
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    match waitid(Id::Pid(pid), flags) {
        Ok(WaitStatus::StillAlive) => false,
        Ok(_) => true,
        Err(nix::errno::Errno::EINTR) => false,
        // ECHILD: nothing left to wait for; `wait` will say how it ended.
        Err(_) => true,
    }
}

fn poll_and_read(
    out: &mut Capture,
    err: &mut Capture,
    wake: Duration,
    on_output: &mut dyn FnMut(OutputStream, &[u8]),
) {
    let timeout = PollTimeout::try_from(wake).unwrap_or(PollTimeout::MAX);
    // stderr first, here and below: when both pipes have data, an observer sees what a child
    // wrote to stderr before what it then wrote to stdout (a commit hook's output, then git's
    // summary), not the other way round.
    let ready = {
        let mut fds = Vec::with_capacity(2);
        for capture in [&*err, &*out] {
            if let Some(file) = &capture.file {
                fds.push(PollFd::new(file.as_fd(), PollFlags::POLLIN));
            }
        }
        match poll(&mut fds, timeout) {
            Ok(0) | Err(_) => return,
            Ok(_) => fds
                .iter()
                .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
                .collect::<Vec<_>>(),
        }
    };
    let mut ready = ready.into_iter();
    for (stream, capture) in [(OutputStream::Stderr, err), (OutputStream::Stdout, out)] {
        if capture.file.is_some() && ready.next() == Some(true) {
            capture.read_some(&mut |chunk| on_output(stream, chunk));
        }
    }
}

/// Which of a command's output pipes a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// One output pipe: the first `limit` bytes are kept, the rest read and dropped.
struct Capture {
    file: Option<std::fs::File>,
    bytes: Vec<u8>,
    limit: usize,
    dropped: u64,
}

impl Capture {
    fn new(fd: Option<OwnedFd>, limit: usize) -> Self {
        Self {
            file: fd.map(std::fs::File::from),
            bytes: Vec::new(),
            limit,
            dropped: 0,
        }
    }

    fn is_closed(&self) -> bool {
        self.file.is_none()
    }

    /// Reads what one `read` returns (poll said it would not block), showing it to `observe`.
    fn read_some(&mut self, observe: &mut dyn FnMut(&[u8])) {
        let Some(file) = &mut self.file else { return };
        let mut chunk = [0u8; 64 * 1024];
        match file.read(&mut chunk) {
            Ok(0) => self.file = None,
            Ok(n) => {
                observe(&chunk[..n]);
                let keep = n.min(self.limit.saturating_sub(self.bytes.len()));
                self.bytes.extend_from_slice(&chunk[..keep]);
                self.dropped += (n - keep) as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => self.file = None,
        }
    }
}

/// Bounds of one run-to-completion command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLimits {
    /// After this the whole process group is killed and the run fails.
    pub deadline: Duration,
    /// stdout kept; the rest is read and dropped (counted in [`RunOutput::stdout_dropped`]).
    pub stdout_bytes: usize,
    pub stderr_bytes: usize,
    /// How long output still in the pipes is read after the command exits.
    pub exit_grace: Duration,
}

impl RunLimits {
    /// The given deadline, 64 MiB of stdout, 1 MiB of stderr, 200 ms of exit grace.
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            stdout_bytes: 64 * 1024 * 1024,
            stderr_bytes: 1024 * 1024,
            exit_grace: Duration::from_millis(200),
        }
    }
}

/// What a finished command printed, within the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Bytes read past the limit and dropped.
    pub stdout_dropped: u64,
    pub stderr_dropped: u64,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("{program} is not installed or not on PATH")]
    NotFound { program: String },
    #[error("cannot run {program}: {message}")]
    Spawn { program: String, message: String },
    #[error("{program} did not finish within {}", Secs(*deadline))]
    TimedOut { program: String, deadline: Duration },
    #[error("waiting for {program}: {message}")]
    Wait { program: String, message: String },
}

impl RunError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, RunError::NotFound { .. })
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, RunError::TimedOut { .. })
    }
}

/// A deadline as a person writes it: `30s`, `1.5s`, `100ms`.
struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A `tokio::process::Command` for a long-lived child: scrubbed environment, own process group,
/// not killed on drop (its owner kills the group).
pub fn tokio_command(
    program: &OsStr,
    args: &[OsString],
    cwd: Option<&Path>,
    env: ChildEnv,
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command.args(args).process_group(0).kill_on_drop(false);
    for name in &env.remove {
        command.env_remove(name);
    }
    command.envs(env.set);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    command
}

/// A `pty_process::Command` with a scrubbed environment. pty-process makes the child a session
/// leader (`setsid`), so it is its own process group.
pub fn pty_command(
    program: &OsStr,
    args: &[OsString],
    cwd: &Path,
    env: ChildEnv,
) -> pty_process::Command {
    let mut command = pty_process::Command::new(program)
        .args(args)
        .current_dir(cwd);
    for name in &env.remove {
        command = command.env_remove(name);
    }
    command.envs(env.set)
}

#[cfg(test)]
mod tests;
