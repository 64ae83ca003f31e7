//! The user's own `git` (and `gh`) CLI, never a reimplementation: their hooks, config and
//! credentials apply. Calls block; they run on the calling project's own arbiter, which also
//! serialises git operations per repository.

pub mod branches;
pub mod checkpoints;
pub mod commit_message;
pub mod detached_worktree;
pub mod gh;
pub mod index_ops;
mod publish;
pub mod pull_requests;
pub mod remotes;
pub mod stacked;
pub mod stash;
pub mod status;
pub mod working_diff;
pub mod worktrees;

pub use gh::gh_command;

use std::ffi::OsStr;
use std::path::Path;

pub use t3rs_actors::process_runner::OutputStream;
use t3rs_actors::process_runner::RunError;

use crate::spawn;

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

fn os_args<I, S>(args: I) -> Vec<std::ffi::OsString>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    args.into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect()
}

/// `run` with extra environment variables (e.g. `GIT_INDEX_FILE`). Runs through the process
/// runner: scrubbed environment, own process group, and the git deadline (the network one for
/// push, pull, fetch and other commands that contact a remote), which kills git and everything
/// it started (hooks, ssh, credential helpers) when it passes.
pub fn run_with_env<I, S>(cwd: &Path, args: I, env: &[(&str, &OsStr)]) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_input(cwd, args, env, None)
}

/// `run_with_env` that feeds git `input` on stdin (e.g. `--pathspec-from-file=-`, so a list
/// of paths is never bounded by the command line nor read as options).
pub fn run_with_input<I, S>(
    cwd: &Path,
    args: I,
    env: &[(&str, &OsStr)],
    input: Option<Vec<u8>>,
) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_observed(cwd, args, env, input, &mut |_, _| {})
}

/// `run_with_input`, showing `on_output` each chunk of output as git writes it (a commit's
/// hook output, streamed to the user while the hook runs).
pub fn run_observed<I, S>(
    cwd: &Path,
    args: I,
    env: &[(&str, &OsStr)],
    input: Option<Vec<u8>>,
    on_output: &mut dyn FnMut(OutputStream, &[u8]),
) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args = os_args(args);
    let deadline = spawn::git_deadline(&args);
    let label = match spawn::git_subcommand(&args) {
        Some(sub) => format!("git {sub}"),
        None => "git".to_string(),
    };
    let mut command = spawn::command("git")
        .args(&args)
        .cwd(cwd)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .label(label);
    for (key, value) in env {
        command = command.env(key, value);
    }
    if let Some(input) = input {
        command = command.stdin(input);
    }
    let out = command
        .run_observed(&spawn::limits(deadline), on_output)
        .map_err(|err| match err {
            RunError::TimedOut { .. } => GitError::Refused(err.to_string()),
            other => GitError::Spawn(other.to_string()),
        })?;
    if out.stdout_dropped > 0 || out.stderr_dropped > 0 {
        log::warn!(
            "git {}: output past the runner's bound was dropped ({} bytes of stdout, {} of stderr)",
            spawn::git_subcommand(&args).unwrap_or(""),
            out.stdout_dropped,
            out.stderr_dropped
        );
    }
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
    let args = os_args(args);
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
    fn the_last_stderr_line_is_the_message() {
        assert_eq!(last_line(b"first\nlast\n\n"), "last");
        assert_eq!(last_line(b""), "");
    }

    #[test]
    fn a_git_that_cannot_start_is_an_error_not_a_panic() {
        let err = run(Path::new("/nonexistent/dir"), ["status"]).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
