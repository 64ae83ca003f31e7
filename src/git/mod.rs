//! The user's own `git` (and `gh`) CLI, never a reimplementation: their hooks, config and
//! credentials apply. Calls block; they run on the calling project's own arbiter, which also
//! serialises git operations per repository.

pub mod branches;
pub mod checkpoints;
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
    let args: Vec<_> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let out = run(cwd, &args)?;
    if out.code == Some(0) {
        Ok(out.stdout)
    } else {
        let message = match out.stderr.trim() {
            "" => out.stdout.trim().to_string(),
            stderr => stderr.to_string(),
        };
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

/// True inside a git work tree.
pub fn is_repo(cwd: &Path) -> bool {
    run(cwd, ["rev-parse", "--is-inside-work-tree"])
        .map(|o| o.code == Some(0) && o.stdout.trim() == "true")
        .unwrap_or(false)
}
