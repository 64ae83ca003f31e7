//! The user's own `git` (and `gh`) CLI, never a reimplementation: their hooks, config and
//! credentials apply. Calls block; they run on the calling project's own arbiter, which also
//! serialises git operations per repository.

pub mod branches;
pub mod checkpoints;
pub mod commit_message;
pub mod stacked;
pub mod status;
pub mod worktrees;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// A git failure, with git's own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("{0}")]
    Refused(String),
    #[error("git {args} failed: {message}")]
    Failed { args: String, message: String },
    #[error("cannot run git: {0}")]
    Spawn(String),
}

/// What a finished command printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl Output {
    /// What to tell the user when the command failed: stderr, or stdout when stderr is empty.
    pub fn message(&self) -> String {
        failure_message(&self.stdout, &self.stderr)
    }
}

/// A failed command's message: its stderr, or its stdout when it wrote nothing to stderr.
pub fn failure_message(stdout: &str, stderr: &str) -> String {
    match stderr.trim() {
        "" => stdout.trim().to_string(),
        stderr => stderr.to_string(),
    }
}

/// Runs `git <args>` in `cwd` with prompts disabled (a server must never wait on a terminal).
pub fn run<I, S>(cwd: &Path, args: I) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_env(cwd, args, &[])
}

/// `run` with extra environment variables (e.g. `GIT_INDEX_FILE`).
pub fn run_with_env<I, S>(cwd: &Path, args: I, env: &[(&str, &OsStr)]) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let mut cmd = Command::new("git");
    cmd.args(&args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().map_err(|e| GitError::Spawn(e.to_string()))?;
    Ok(Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    })
}

/// `run`, failing unless git exits 0; the error carries git's message.
pub fn run_ok<I, S>(cwd: &Path, args: I) -> Result<String, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_ok_with_env(cwd, args, &[])
}

/// `run_ok` with extra environment (a temporary index, an identity).
pub fn run_ok_with_env<I, S>(
    cwd: &Path,
    args: I,
    env: &[(&str, &OsStr)],
) -> Result<String, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let out = run_with_env(cwd, &args, env)?;
    if out.code == Some(0) {
        Ok(out.stdout)
    } else {
        let message = out.message();
        Err(GitError::Failed {
            args: args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            message,
        })
    }
}

/// `git config --get <key>`: the value, or None when it is unset or empty.
pub fn config_get(cwd: &Path, key: &str) -> Result<Option<String>, GitError> {
    let out = run(cwd, ["config", "--get", key])?;
    let value = out.stdout.trim();
    Ok((out.code == Some(0) && !value.is_empty()).then(|| value.to_string()))
}

/// True inside a git work tree.
pub fn is_repo(cwd: &Path) -> bool {
    run(cwd, ["rev-parse", "--is-inside-work-tree"])
        .map(|o| o.code == Some(0) && o.stdout.trim() == "true")
        .unwrap_or(false)
}

/// A GitHub CLI command that can never prompt, page, colour its output or stop to announce an
/// update; both the stacked actions and the status's PR lookup run `gh` through it.
pub fn gh_command(program: &Path, cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env("GH_PROMPT_DISABLED", "1")
        .env("GH_NO_UPDATE_NOTIFIER", "1")
        .env("GH_PAGER", "cat")
        .env("NO_COLOR", "1");
    command
}

/// Runs a prepared command to completion, or kills it after `timeout`. Output is read on
/// helper threads so a chatty child cannot block on a full pipe while we wait.
pub fn output_within(
    mut command: std::process::Command,
    timeout: std::time::Duration,
) -> Result<std::process::Output, String> {
    use std::io::Read;
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("{program} is not installed or not on PATH")
            } else {
                format!("cannot run {program}: {e}")
            }
        })?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{program} did not finish within {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(err) => return Err(format!("waiting for {program}: {err}")),
        }
    };
    Ok(std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The last non-empty line of a command's stderr, for error messages.
pub fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod output_tests {
    use super::*;

    #[test]
    fn a_command_past_its_time_is_killed_and_named() {
        let mut command = std::process::Command::new("sleep");
        command.arg("5");
        let started = std::time::Instant::now();
        let err = output_within(command, std::time::Duration::from_millis(100)).unwrap_err();
        assert!(err.contains("sleep did not finish"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(4));
    }

    #[test]
    fn output_and_the_last_stderr_line_come_back() {
        let mut command = std::process::Command::new("sh");
        command.args(["-c", "echo out; echo first >&2; echo last >&2; exit 2"]);
        let out = output_within(command, std::time::Duration::from_secs(10)).unwrap();
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(last_line(&out.stderr), "last");
    }
}
