//! The GitHub CLI (`gh`), for the stacked actions and the status's PR lookup: one way to run
//! it, and one typed reading of `gh pr list`.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use t3rs_actors::process_runner::ProcessSpec;

use super::GitError;
use crate::spawn;

/// A GitHub CLI command that can never prompt, page, colour its output or stop to announce an
/// update; both the stacked actions and the status's PR lookup run `gh` through it.
pub fn gh_command(program: &Path, cwd: &Path, args: &[&str]) -> ProcessSpec {
    let label = match args.first() {
        Some(sub) => format!("gh {sub}"),
        None => "gh".to_string(),
    };
    spawn::command(program)
        .args(args)
        .cwd(cwd)
        .env("GH_PROMPT_DISABLED", "1")
        .env("GH_NO_UPDATE_NOTIFIER", "1")
        .env("GH_PAGER", "cat")
        .env("NO_COLOR", "1")
        .label(label)
}

/// Runs `gh` and returns its stdout. `gh` talks to GitHub; a network that hangs must not hold
/// the repository's actor forever, so it runs under `deadline`.
pub(super) fn run(
    cwd: &Path,
    program: &Path,
    args: &[&str],
    deadline: Duration,
) -> Result<String, GitError> {
    let command = gh_command(program, cwd, args);
    let out = command.run(&spawn::limits(deadline)).map_err(|e| {
        if e.is_not_found() {
            GitError::Refused("GitHub CLI (`gh`) is required but not available on PATH.".into())
        } else if e.is_timeout() {
            GitError::Refused(e.to_string())
        } else {
            GitError::Spawn(e.to_string())
        }
    })?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        return Ok(stdout);
    }
    let message = super::failure_message(&stdout, &String::from_utf8_lossy(&out.stderr));
    let lower = message.to_lowercase();
    let hint = if [
        "authentication failed",
        "not logged in",
        "gh auth login",
        "no oauth token",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
    {
        " (GitHub CLI is not authenticated: run `gh auth login` and retry)"
    } else {
        ""
    };
    Err(GitError::Refused(format!(
        "gh {} {} failed: {message}{hint}",
        args.first().unwrap_or(&""),
        args.get(1).unwrap_or(&"")
    )))
}

/// A pull request as `gh pr list --json` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GhPr {
    pub(super) number: u64,
    pub(super) title: String,
    pub(super) url: String,
    pub(super) base_ref_name: String,
    pub(super) head_ref_name: String,
    /// `OPEN`, `CLOSED` or `MERGED`.
    #[serde(default)]
    pub(super) state: Option<String>,
    #[serde(default)]
    pub(super) merged_at: Option<String>,
    /// ISO-8601 UTC, so it sorts as a string.
    #[serde(default)]
    pub(super) updated_at: Option<String>,
}

/// Which of a branch's pull requests to list.
#[derive(Debug, Clone, Copy)]
pub(super) enum PrStates {
    Open,
    All,
}

/// Up to `limit` pull requests whose head is `branch`.
pub(super) fn list_prs(
    cwd: &Path,
    program: &Path,
    branch: &str,
    states: PrStates,
    limit: u32,
    deadline: Duration,
) -> Result<Vec<GhPr>, GitError> {
    let state = match states {
        PrStates::Open => "open",
        PrStates::All => "all",
    };
    let limit = limit.to_string();
    let out = run(
        cwd,
        program,
        &[
            "pr",
            "list",
            "--head",
            branch,
            "--state",
            state,
            "--limit",
            &limit,
            "--json",
            "number,title,url,baseRefName,headRefName,state,mergedAt,updatedAt",
        ],
        deadline,
    )?;
    parse_pr_list(&out)
}

/// `gh pr list --json …`'s output; nothing at all is an empty list.
pub(super) fn parse_pr_list(stdout: &str) -> Result<Vec<GhPr>, GitError> {
    let out = stdout.trim();
    if out.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(out)
        .map_err(|e| GitError::Refused(format!("GitHub CLI returned invalid PR list JSON: {e}")))
}
