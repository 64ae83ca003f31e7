//! `git.runStackedAction`: the one-click "commit → push → open PR" chain, with an optional
//! feature branch first. Each step reports progress as it starts and ends; the first failing
//! step stops the chain and its error names the step.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{is_repo, run, run_ok, GitError};

/// Longest commit message the contract accepts.
const MAX_COMMIT_MESSAGE_CHARS: usize = 10_000;
/// Git's conventional subject width; longer subjects get cut in most tools.
const MAX_SUBJECT_CHARS: usize = 72;
/// Longest generated feature-branch fragment, so branch names stay readable.
const MAX_BRANCH_FRAGMENT_CHARS: usize = 64;
/// Files listed in a generated commit body; beyond this the list is only noise.
const MAX_BODY_FILES: usize = 50;

/// The action is a wire type; this module runs it.
pub use t3rs_core::protocol::git::StackedAction;

/// `git.runStackedAction` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackedActionInput {
    pub cwd: String,
    pub action: StackedAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_message: Option<String>,
    /// The contract's boolean: true creates a new `feature/<slug>` branch (named from the
    /// commit subject) before committing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_branch: Option<bool>,
    /// The GitHub CLI to run; `gh` from PATH when absent. Not part of the wire format: it
    /// exists so callers (and tests) can pick a binary without touching the process env.
    #[serde(skip)]
    pub gh_program: Option<PathBuf>,
    /// The codex CLI that writes a missing commit message; without it (or when it fails) the
    /// message is a deterministic summary of the changed files.
    #[serde(skip)]
    pub codex_program: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchStepStatus {
    Created,
    SkippedNotRequested,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchStep {
    pub status: BranchStepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitStepStatus {
    Created,
    SkippedNoChanges,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitStep {
    pub status: CommitStepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_sha: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStepStatus {
    Pushed,
    SkippedNotRequested,
    SkippedUpToDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushStep {
    pub status: PushStepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_upstream: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrStepStatus {
    Created,
    OpenedExisting,
    SkippedNotRequested,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrStep {
    pub status: PrStepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `git.runStackedAction` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackedActionResult {
    pub action: StackedAction,
    pub branch: BranchStep,
    pub commit: CommitStep,
    pub push: PushStep,
    pub pr: PrStep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StackedStep {
    Branch,
    Commit,
    Push,
    Pr,
}

impl StackedStep {
    pub fn as_str(self) -> &'static str {
        match self {
            StackedStep::Branch => "branch",
            StackedStep::Commit => "commit",
            StackedStep::Push => "push",
            StackedStep::Pr => "pr",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Started,
    Completed,
    Skipped,
    Failed,
}

/// One progress report. A step not requested reports only `skipped`; a requested step reports
/// `started` and then exactly one of `completed`, `skipped` (nothing to do) or `failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackedProgress {
    pub step: StackedStep,
    pub status: StepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A commit message split the way `git commit -m subject -m body` wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommitMessage {
    subject: String,
    body: String,
}

/// How a step ended when it did not fail.
struct Done<T> {
    value: T,
    skipped: bool,
    message: Option<String>,
}

impl<T> Done<T> {
    fn completed(value: T, message: impl Into<String>) -> Self {
        Done {
            value,
            skipped: false,
            message: Some(message.into()),
        }
    }

    fn skipped(value: T, message: impl Into<String>) -> Self {
        Done {
            value,
            skipped: true,
            message: Some(message.into()),
        }
    }
}

/// Runs `input.action` in `cwd` (the caller's resolved directory; it takes precedence over
/// `input.cwd`).
pub fn run_stacked_action(
    cwd: &Path,
    input: &StackedActionInput,
    progress: &mut dyn FnMut(StackedProgress),
) -> Result<StackedActionResult, GitError> {
    if !is_repo(cwd) {
        return Err(GitError::Refused(format!(
            "{} is not a git repository",
            cwd.display()
        )));
    }
    let custom = match input.commit_message.as_deref() {
        Some(m) if m.chars().count() > MAX_COMMIT_MESSAGE_CHARS => {
            return Err(GitError::Refused(format!(
                "commit message is longer than {MAX_COMMIT_MESSAGE_CHARS} characters"
            )));
        }
        Some(m) => parse_custom_message(m),
        None => None,
    };
    let feature = input.feature_branch.unwrap_or(false);
    let action = input.action;
    let gh_program = input
        .gh_program
        .clone()
        .unwrap_or_else(|| PathBuf::from("gh"));

    let initial = branch_status(cwd)?;
    // Checked up front so nothing is committed when the chain could not finish anyway; a new
    // feature branch leaves detached HEAD, so it is exempt.
    if !feature && initial.head.is_none() {
        if action.wants_push() {
            return Err(GitError::Refused("Cannot push from detached HEAD.".into()));
        }
        if action.wants_pr() {
            return Err(GitError::Refused(
                "Cannot create a pull request from detached HEAD.".into(),
            ));
        }
    }

    let (branch, prepared) = if feature {
        run_step(progress, StackedStep::Branch, || {
            feature_branch_step(cwd, custom.as_ref(), input.codex_program.as_deref())
        })?
    } else {
        skip(progress, StackedStep::Branch);
        (
            BranchStep {
                status: BranchStepStatus::SkippedNotRequested,
                name: None,
            },
            None,
        )
    };
    let current_branch = branch.name.clone().or(initial.head);

    let message = prepared.or(custom);
    let commit = run_step(progress, StackedStep::Commit, || {
        commit_step(cwd, message.as_ref(), input.codex_program.as_deref())
    })?;

    let push = if action.wants_push() {
        run_step(progress, StackedStep::Push, || {
            push_step(cwd, current_branch.as_deref())
        })?
    } else {
        skip(progress, StackedStep::Push);
        PushStep {
            status: PushStepStatus::SkippedNotRequested,
            branch: None,
            upstream_branch: None,
            set_upstream: None,
        }
    };

    let pr = if action.wants_pr() {
        run_step(progress, StackedStep::Pr, || {
            pr_step(cwd, &gh_program, current_branch.as_deref())
        })?
    } else {
        skip(progress, StackedStep::Pr);
        PrStep {
            status: PrStepStatus::SkippedNotRequested,
            url: None,
            number: None,
            base_branch: None,
            head_branch: None,
            title: None,
        }
    };

    Ok(StackedActionResult {
        action,
        branch,
        commit,
        push,
        pr,
    })
}

fn skip(progress: &mut dyn FnMut(StackedProgress), step: StackedStep) {
    progress(StackedProgress {
        step,
        status: StepStatus::Skipped,
        message: Some("not requested".into()),
    });
}

fn run_step<T>(
    progress: &mut dyn FnMut(StackedProgress),
    step: StackedStep,
    body: impl FnOnce() -> Result<Done<T>, GitError>,
) -> Result<T, GitError> {
    progress(StackedProgress {
        step,
        status: StepStatus::Started,
        message: None,
    });
    match body() {
        Ok(done) => {
            progress(StackedProgress {
                step,
                status: if done.skipped {
                    StepStatus::Skipped
                } else {
                    StepStatus::Completed
                },
                message: done.message,
            });
            Ok(done.value)
        }
        Err(err) => {
            let err = step_error(step, err);
            log::warn!("stacked git action: {err}");
            progress(StackedProgress {
                step,
                status: StepStatus::Failed,
                message: Some(err.to_string()),
            });
            Err(err)
        }
    }
}

/// Prefixes the step so the user knows how far the chain got, keeping git's/gh's own words.
fn step_error(step: StackedStep, err: GitError) -> GitError {
    let detail = match err {
        GitError::Failed { args, message } => format!("{message} (git {args})"),
        GitError::Refused(message) => message,
        other => other.to_string(),
    };
    GitError::Refused(format!("{} failed: {detail}", step.as_str()))
}

fn feature_branch_step(
    cwd: &Path,
    custom: Option<&CommitMessage>,
    codex: Option<&Path>,
) -> Result<Done<(BranchStep, Option<CommitMessage>)>, GitError> {
    let changes = stage_all(cwd)?;
    if changes.is_empty() {
        return Err(GitError::Refused(
            "Cannot create a feature branch because there are no changes to commit.".into(),
        ));
    }
    // The branch is named after the commit's subject, so the message is settled here.
    let message = match custom {
        Some(custom) => custom.clone(),
        None => codex_message(cwd, codex).unwrap_or_else(|| summarize(&changes)),
    };
    let existing = run_ok(
        cwd,
        ["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    )?;
    let existing: Vec<&str> = existing.lines().map(str::trim).collect();
    let name = unique_branch_name(&existing, &sanitize_feature_branch_name(&message.subject));
    // The staged changes move along to the new branch.
    run_ok(cwd, ["checkout", "-b", name.as_str()])?;
    Ok(Done::completed(
        (
            BranchStep {
                status: BranchStepStatus::Created,
                name: Some(name.clone()),
            },
            Some(message),
        ),
        format!("created branch {name}"),
    ))
}

/// codex may take `process_deadlines.codex_exec_secs` to write a commit message before the
/// summary is used instead.
fn codex_message(cwd: &Path, codex: Option<&Path>) -> Option<CommitMessage> {
    let codex = codex?;
    let deadline = crate::spawn::deadlines().codex_exec;
    match super::commit_message::generate(codex, cwd, deadline) {
        Ok((subject, body)) => Some(CommitMessage { subject, body }),
        Err(err) => {
            log::info!("commit message from a summary instead of codex: {err}");
            None
        }
    }
}

fn commit_step(
    cwd: &Path,
    message: Option<&CommitMessage>,
    codex: Option<&Path>,
) -> Result<Done<CommitStep>, GitError> {
    let changes = stage_all(cwd)?;
    if changes.is_empty() {
        return Ok(Done::skipped(
            CommitStep {
                status: CommitStepStatus::SkippedNoChanges,
                commit_sha: None,
                subject: None,
            },
            "no changes to commit",
        ));
    }
    let message = match message {
        Some(message) => message.clone(),
        None => codex_message(cwd, codex).unwrap_or_else(|| summarize(&changes)),
    };
    let mut args = vec!["commit", "-m", message.subject.as_str()];
    if !message.body.is_empty() {
        args.extend(["-m", message.body.as_str()]);
    }
    run_ok(cwd, &args)?;
    let sha = run_ok(cwd, ["rev-parse", "HEAD"])?.trim().to_string();
    let short: String = sha.chars().take(7).collect();
    Ok(Done::completed(
        CommitStep {
            status: CommitStepStatus::Created,
            commit_sha: Some(sha),
            subject: Some(message.subject.clone()),
        },
        format!("committed {short}: {}", message.subject),
    ))
}

fn push_step(cwd: &Path, fallback_branch: Option<&str>) -> Result<Done<PushStep>, GitError> {
    let status = branch_status(cwd)?;
    let branch = status
        .head
        .or_else(|| fallback_branch.map(str::to_string))
        .ok_or_else(|| GitError::Refused("Cannot push from detached HEAD.".into()))?;

    if let Some(upstream) = status.upstream {
        // Without an ahead/behind line the upstream branch is gone from the remote; pushing
        // recreates it.
        if status.ahead == Some(0) {
            return Ok(Done::skipped(
                PushStep {
                    status: PushStepStatus::SkippedUpToDate,
                    branch: Some(branch),
                    upstream_branch: Some(upstream.clone()),
                    set_upstream: None,
                },
                format!("{upstream} is up to date"),
            ));
        }
        // Plain `git push`, so the user's push.default / pushRemote settings decide.
        run_ok(cwd, ["push"])?;
        return Ok(Done::completed(
            PushStep {
                status: PushStepStatus::Pushed,
                branch: Some(branch),
                upstream_branch: Some(upstream.clone()),
                set_upstream: Some(false),
            },
            format!("pushed to {upstream}"),
        ));
    }

    let remote = push_remote(cwd, &branch)?.ok_or_else(|| {
        GitError::Refused(format!(
            "no git remote is configured to push {branch} to; add one (e.g. origin) first"
        ))
    })?;
    let remote_ref = format!("refs/remotes/{remote}/{branch}");
    let remote_sha = run(
        cwd,
        ["rev-parse", "--verify", "--quiet", remote_ref.as_str()],
    )?;
    let head_sha = run_ok(cwd, ["rev-parse", "HEAD"])?;
    if remote_sha.code == Some(0) && remote_sha.stdout.trim() == head_sha.trim() {
        return Ok(Done::skipped(
            PushStep {
                status: PushStepStatus::SkippedUpToDate,
                branch: Some(branch.clone()),
                upstream_branch: None,
                set_upstream: None,
            },
            format!("{remote}/{branch} is up to date"),
        ));
    }
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    run_ok(cwd, ["push", "-u", remote.as_str(), refspec.as_str()])?;
    let upstream = format!("{remote}/{branch}");
    Ok(Done::completed(
        PushStep {
            status: PushStepStatus::Pushed,
            branch: Some(branch),
            upstream_branch: Some(upstream.clone()),
            set_upstream: Some(true),
        },
        format!("pushed to {upstream} (upstream set)"),
    ))
}

fn pr_step(
    cwd: &Path,
    gh_program: &Path,
    fallback_branch: Option<&str>,
) -> Result<Done<PrStep>, GitError> {
    let status = branch_status(cwd)?;
    let branch = status
        .head
        .or_else(|| fallback_branch.map(str::to_string))
        .ok_or_else(|| {
            GitError::Refused("Cannot create a pull request from detached HEAD.".into())
        })?;
    let upstream = status.upstream.ok_or_else(|| {
        GitError::Refused("Current branch has not been pushed. Push before creating a PR.".into())
    })?;

    if let Some(existing) = find_open_pr(cwd, gh_program, &branch)? {
        let message = format!("opened existing PR #{}", existing.number);
        return Ok(Done::completed(
            existing.into_step(PrStepStatus::OpenedExisting),
            message,
        ));
    }

    let base = resolve_base_branch(cwd, gh_program, &branch, &upstream);
    let title = run_ok(cwd, ["log", "-1", "--format=%s"])?
        .trim()
        .to_string();
    let body = pr_body(cwd, &base, &upstream);
    let created = gh(
        cwd,
        gh_program,
        &[
            "pr", "create", "--base", &base, "--head", &branch, "--title", &title, "--body", &body,
        ],
    )?;

    let step = match find_open_pr(cwd, gh_program, &branch)? {
        Some(pr) => pr.into_step(PrStepStatus::Created),
        // `gh pr create` prints the new PR's URL; use it if the listing lags behind.
        None => {
            let url = created
                .lines()
                .map(str::trim)
                .rfind(|l| l.starts_with("http"))
                .map(str::to_string);
            let number = url
                .as_deref()
                .and_then(|u| u.rsplit('/').next())
                .and_then(|n| n.parse().ok());
            PrStep {
                status: PrStepStatus::Created,
                url,
                number,
                base_branch: Some(base),
                head_branch: Some(branch),
                title: Some(title),
            }
        }
    };
    let message = match (step.number, step.url.as_deref()) {
        (Some(n), Some(url)) => format!("created PR #{n}: {url}"),
        _ => "created PR".to_string(),
    };
    Ok(Done::completed(step, message))
}

/// The header lines of `git status --porcelain=2 --branch`.
#[derive(Debug, Default)]
struct BranchStatus {
    /// `None` on detached HEAD.
    head: Option<String>,
    upstream: Option<String>,
    /// `None` when there is no upstream, or it no longer exists.
    ahead: Option<u64>,
}

fn branch_status(cwd: &Path) -> Result<BranchStatus, GitError> {
    let out = run_ok(
        cwd,
        [
            "status",
            "--porcelain=2",
            "--branch",
            "--untracked-files=no",
        ],
    )?;
    let mut status = BranchStatus::default();
    for line in out.lines() {
        if let Some(head) = line.strip_prefix("# branch.head ") {
            let head = head.trim();
            if !head.starts_with('(') {
                status.head = Some(head.to_string());
            }
        } else if let Some(upstream) = line.strip_prefix("# branch.upstream ") {
            status.upstream = Some(upstream.trim().to_string());
        } else if let Some(ab) = line.strip_prefix("# branch.ab ") {
            status.ahead = ab
                .split_whitespace()
                .find_map(|part| part.strip_prefix('+'))
                .and_then(|n| n.parse().ok());
        }
    }
    Ok(status)
}

/// The remote a first push goes to: the user's pushRemote settings, else `origin`, else the
/// only remote there is.
fn push_remote(cwd: &Path, branch: &str) -> Result<Option<String>, GitError> {
    for key in [
        format!("branch.{branch}.pushRemote"),
        "remote.pushDefault".into(),
    ] {
        if let Some(value) = super::config_get(cwd, &key)? {
            return Ok(Some(value));
        }
    }
    let remotes = run_ok(cwd, ["remote"])?;
    let remotes: Vec<&str> = remotes
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if remotes.contains(&"origin") {
        return Ok(Some("origin".into()));
    }
    Ok(match remotes.as_slice() {
        [only] => Some((*only).to_string()),
        _ => None,
    })
}

/// Stages everything and lists what is staged as (status letter, path).
fn stage_all(cwd: &Path) -> Result<Vec<(char, String)>, GitError> {
    run_ok(cwd, ["add", "-A"])?;
    let out = run_ok(
        cwd,
        ["diff", "--cached", "--name-status", "--no-renames", "-z"],
    )?;
    let mut fields = out.split('\0');
    let mut changes = Vec::new();
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        if let Some(letter) = status.chars().next() {
            changes.push((letter, path.to_string()));
        }
    }
    Ok(changes)
}

/// A user-written message: first line is the subject, the rest the body.
fn parse_custom_message(raw: &str) -> Option<CommitMessage> {
    let normalized = raw.replace("\r\n", "\n");
    let normalized = normalized.trim();
    let (subject, body) = normalized.split_once('\n').unwrap_or((normalized, ""));
    let subject = subject.trim();
    (!subject.is_empty()).then(|| CommitMessage {
        subject: subject.to_string(),
        body: body.trim().to_string(),
    })
}

/// A deterministic message naming what changed, e.g. "Update 3 files: a.rs, b.rs, c.md",
/// with the full path list in the body.
fn summarize(changes: &[(char, String)]) -> CommitMessage {
    let verb = if changes.iter().all(|(s, _)| *s == 'A') {
        "Add"
    } else if changes.iter().all(|(s, _)| *s == 'D') {
        "Remove"
    } else {
        "Update"
    };
    let base_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let subject = match changes {
        [] => format!("{verb} project files"),
        [(_, path)] => {
            let full = format!("{verb} {path}");
            if full.chars().count() <= MAX_SUBJECT_CHARS {
                full
            } else {
                truncate_chars(&format!("{verb} {}", base_name(path)), MAX_SUBJECT_CHARS)
            }
        }
        _ => {
            let head = format!("{verb} {} files", changes.len());
            let mut names: Vec<String> = Vec::new();
            for (i, (_, path)) in changes.iter().enumerate() {
                let name = base_name(path);
                let remaining = changes.len() - i - 1;
                let tail = if remaining > 0 {
                    format!(" and {remaining} more")
                } else {
                    String::new()
                };
                let mut candidate = names.clone();
                candidate.push(name);
                let line = format!("{head}: {}{tail}", candidate.join(", "));
                if line.chars().count() > MAX_SUBJECT_CHARS {
                    break;
                }
                names = candidate;
            }
            let listed = names.len();
            match listed {
                0 => head,
                n if n == changes.len() => format!("{head}: {}", names.join(", ")),
                n => format!(
                    "{head}: {} and {} more",
                    names.join(", "),
                    changes.len() - n
                ),
            }
        }
    };
    let mut body: Vec<String> = changes
        .iter()
        .take(MAX_BODY_FILES)
        .map(|(status, path)| format!("- {status} {path}"))
        .collect();
    if changes.len() > MAX_BODY_FILES {
        body.push(format!("- … and {} more", changes.len() - MAX_BODY_FILES));
    }
    CommitMessage {
        subject,
        body: if changes.len() > 1 {
            body.join("\n")
        } else {
            String::new()
        },
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// A branch name fragment: lowercase `[a-z0-9/_-]`, dashes collapsed, at most 64 chars.
fn sanitize_branch_fragment(raw: &str) -> String {
    let lowered = raw.trim().to_lowercase().replace(['\'', '"', '`'], "");
    let mut out = String::new();
    for c in lowered.chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '/' | '_' | '-') {
            c
        } else {
            '-'
        };
        let last = out.chars().last();
        if (c == '-' && last == Some('-')) || (c == '/' && last == Some('/')) {
            continue;
        }
        out.push(c);
    }
    let is_edge = |c: char| matches!(c, '.' | '/' | '_' | '-');
    let trimmed: String = out
        .trim_matches(is_edge)
        .chars()
        .take(MAX_BRANCH_FRAGMENT_CHARS)
        .collect();
    let trimmed = trimmed.trim_end_matches(is_edge);
    if trimmed.is_empty() {
        "update".to_string()
    } else {
        trimmed.to_string()
    }
}

fn sanitize_feature_branch_name(raw: &str) -> String {
    let fragment = sanitize_branch_fragment(raw);
    if fragment.starts_with("feature/") {
        fragment
    } else {
        format!("feature/{fragment}")
    }
}

/// `preferred`, or `preferred-2`, `-3`… whichever no local branch has (case-insensitively, as
/// refs collide on case-insensitive filesystems).
fn unique_branch_name(existing: &[&str], preferred: &str) -> String {
    let taken = |name: &str| existing.iter().any(|e| e.eq_ignore_ascii_case(name));
    if !taken(preferred) {
        return preferred.to_string();
    }
    let mut suffix = 2;
    loop {
        let candidate = format!("{preferred}-{suffix}");
        if !taken(&candidate) {
            return candidate;
        }
        suffix += 1;
    }
}

/// The PR's target: the user's `gh-merge-base` setting, else a differently named upstream
/// branch, else the repository's default branch per `gh`, else `main`.
fn resolve_base_branch(cwd: &Path, gh_program: &Path, branch: &str, upstream: &str) -> String {
    if let Ok(Some(configured)) = super::config_get(cwd, &format!("branch.{branch}.gh-merge-base"))
    {
        return configured;
    }
    let upstream_branch = upstream.split_once('/').map_or(upstream, |(_, b)| b);
    if !upstream_branch.is_empty() && upstream_branch != branch {
        return upstream_branch.to_string();
    }
    gh(
        cwd,
        gh_program,
        &[
            "repo",
            "view",
            "--json",
            "defaultBranchRef",
            "--jq",
            ".defaultBranchRef.name",
        ],
    )
    .ok()
    .map(|out| out.trim().to_string())
    .filter(|b| !b.is_empty())
    .unwrap_or_else(|| "main".to_string())
}

/// The commits the PR brings, oldest first, plus the body of a lone commit.
fn pr_body(cwd: &Path, base: &str, upstream: &str) -> String {
    let remote = upstream.split_once('/').map(|(r, _)| r);
    let candidates = remote
        .map(|r| format!("{r}/{base}"))
        .into_iter()
        .chain([base.to_string()]);
    for base_ref in candidates {
        let range = format!("{base_ref}..HEAD");
        let Ok(log) = run_ok(cwd, ["log", "--reverse", "--format=- %s", range.as_str()]) else {
            continue;
        };
        let commits: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        if commits.is_empty() {
            continue;
        }
        let mut body = format!("## Summary\n\n{}", commits.join("\n"));
        if commits.len() == 1 {
            if let Ok(detail) = run_ok(cwd, ["log", "-1", "--format=%b"]) {
                if !detail.trim().is_empty() {
                    body.push_str("\n\n");
                    body.push_str(detail.trim());
                }
            }
        }
        return body;
    }
    run_ok(cwd, ["log", "-1", "--format=%B"])
        .map(|m| m.trim().to_string())
        .unwrap_or_default()
}

/// An open PR as `gh pr list --json` describes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhPr {
    number: u64,
    title: String,
    url: String,
    base_ref_name: String,
    head_ref_name: String,
}

impl GhPr {
    fn into_step(self, status: PrStepStatus) -> PrStep {
        PrStep {
            status,
            url: Some(self.url),
            number: Some(self.number),
            base_branch: Some(self.base_ref_name),
            head_branch: Some(self.head_ref_name),
            title: Some(self.title),
        }
    }
}

fn find_open_pr(cwd: &Path, gh_program: &Path, branch: &str) -> Result<Option<GhPr>, GitError> {
    let out = gh(
        cwd,
        gh_program,
        &[
            "pr",
            "list",
            "--head",
            branch,
            "--state",
            "open",
            "--limit",
            "1",
            "--json",
            "number,title,url,baseRefName,headRefName",
        ],
    )?;
    let out = out.trim();
    if out.is_empty() {
        return Ok(None);
    }
    let prs: Vec<GhPr> = serde_json::from_str(out)
        .map_err(|e| GitError::Refused(format!("GitHub CLI returned invalid PR list JSON: {e}")))?;
    Ok(prs.into_iter().find(|pr| pr.number > 0))
}

/// `gh` talks to GitHub; a network that hangs must not hold the repository's actor forever,
/// so it runs under the gh deadline (`process_deadlines.gh_secs`).
fn gh(cwd: &Path, program: &Path, args: &[&str]) -> Result<String, GitError> {
    let command = super::gh_command(program, cwd, args);
    let deadline = crate::spawn::deadlines().gh;
    let out = command.run(&crate::spawn::limits(deadline)).map_err(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use crate::git::branches::tests::git;

    struct Fixture {
        dir: tempfile::TempDir,
        repo: PathBuf,
        bare: PathBuf,
    }

    /// A repo with one commit on `main` and a bare `origin` (not yet pushed to).
    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let bare = dir.path().join("origin.git");
        fs::create_dir(&repo).unwrap();
        git(
            dir.path(),
            &["init", "-q", "--bare", "-b", "main", "origin.git"],
        );
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.name", "Test"]);
        git(&repo, &["config", "user.email", "test@example.com"]);
        git(&repo, &["remote", "add", "origin", bare.to_str().unwrap()]);
        fs::write(repo.join("README.md"), "hello\n").unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "init"]);
        Fixture { dir, repo, bare }
    }

    /// A fake `gh`: `pr list` prints the PR once `pr create` has recorded one.
    fn fake_gh(dir: &Path) -> PathBuf {
        let script = dir.join("gh");
        let state = dir.join("gh-state");
        let log = dir.join("gh-log");
        let body = format!(
            r#"#!/bin/sh
echo "$@" >> '{log}'
case "$1 $2" in
  "pr list")
    if [ -f '{state}' ]; then cat '{state}'; else echo '[]'; fi ;;
  "pr create")
    while [ $# -gt 0 ]; do
      case "$1" in
        --head) head="$2"; shift ;;
        --base) base="$2"; shift ;;
        --title) title="$2"; shift ;;
      esac
      shift
    done
    printf '[{{"number":42,"title":"%s","url":"https://github.com/o/r/pull/42","baseRefName":"%s","headRefName":"%s"}}]' "$title" "$base" "$head" > '{state}'
    echo "https://github.com/o/r/pull/42" ;;
  "repo view")
    echo main ;;
  *)
    echo "unexpected gh call: $*" >&2; exit 1 ;;
esac
"#,
            log = log.display(),
            state = state.display()
        );
        fs::write(&script, body).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        script
    }

    fn input(action: StackedAction) -> StackedActionInput {
        StackedActionInput {
            cwd: String::new(),
            action,
            commit_message: None,
            feature_branch: None,
            gh_program: None,
            codex_program: None,
        }
    }

    fn run_collect(
        cwd: &Path,
        input: &StackedActionInput,
    ) -> (Result<StackedActionResult, GitError>, Vec<StackedProgress>) {
        let mut events = Vec::new();
        let result = run_stacked_action(cwd, input, &mut |p| events.push(p));
        (result, events)
    }

    fn compact(events: &[StackedProgress]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e.step.as_str(),
                    serde_json::to_value(e.status).unwrap().as_str().unwrap()
                )
            })
            .collect()
    }

    #[test]
    fn commit_only_with_generated_message_and_progress_order() {
        let f = fixture();
        fs::write(f.repo.join("a.rs"), "a").unwrap();
        fs::write(f.repo.join("b.rs"), "b").unwrap();
        fs::write(f.repo.join("README.md"), "changed\n").unwrap();
        let (result, events) = run_collect(&f.repo, &input(StackedAction::Commit));
        let result = result.unwrap();
        assert_eq!(result.commit.status, CommitStepStatus::Created);
        assert_eq!(
            result.commit.subject.as_deref(),
            Some("Update 3 files: README.md, a.rs, b.rs")
        );
        let head = git(&f.repo, &["rev-parse", "HEAD"]);
        assert_eq!(result.commit.commit_sha.as_deref(), Some(head.trim()));
        assert_eq!(git(&f.repo, &["status", "--porcelain"]), "");
        assert_eq!(result.push.status, PushStepStatus::SkippedNotRequested);
        assert_eq!(result.pr.status, PrStepStatus::SkippedNotRequested);
        assert_eq!(
            compact(&events),
            [
                "branch:skipped",
                "commit:started",
                "commit:completed",
                "push:skipped",
                "pr:skipped"
            ]
        );

        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["action"], "commit");
        assert_eq!(
            json["branch"],
            serde_json::json!({"status": "skipped_not_requested"})
        );
        assert_eq!(
            json["push"],
            serde_json::json!({"status": "skipped_not_requested"})
        );
        assert!(json["commit"]["commitSha"].is_string());
        let event = serde_json::to_value(&events[1]).unwrap();
        assert_eq!(
            event,
            serde_json::json!({"step": "commit", "status": "started"})
        );
    }

    #[test]
    fn custom_message_splits_subject_and_body() {
        let f = fixture();
        fs::write(f.repo.join("x.txt"), "x").unwrap();
        let mut inp = input(StackedAction::Commit);
        inp.commit_message = Some("  Fix the thing\n\nBecause reasons.\n".into());
        let (result, _) = run_collect(&f.repo, &inp);
        assert_eq!(
            result.unwrap().commit.subject.as_deref(),
            Some("Fix the thing")
        );
        assert_eq!(
            git(&f.repo, &["log", "-1", "--format=%B"]).trim(),
            "Fix the thing\n\nBecause reasons."
        );
    }

    #[test]
    fn commit_push_sets_upstream_then_skips_when_up_to_date() {
        let f = fixture();
        fs::write(f.repo.join("a.txt"), "a").unwrap();
        let (result, _) = run_collect(&f.repo, &input(StackedAction::CommitPush));
        let result = result.unwrap();
        assert_eq!(result.commit.status, CommitStepStatus::Created);
        assert_eq!(result.push.status, PushStepStatus::Pushed);
        assert_eq!(result.push.set_upstream, Some(true));
        assert_eq!(result.push.upstream_branch.as_deref(), Some("origin/main"));
        assert_eq!(
            git(&f.repo, &["rev-parse", "--abbrev-ref", "@{u}"]).trim(),
            "origin/main"
        );
        assert_eq!(
            git(&f.bare, &["rev-parse", "main"]),
            git(&f.repo, &["rev-parse", "HEAD"])
        );

        let (again, events) = run_collect(&f.repo, &input(StackedAction::CommitPush));
        let again = again.unwrap();
        assert_eq!(again.commit.status, CommitStepStatus::SkippedNoChanges);
        assert_eq!(again.push.status, PushStepStatus::SkippedUpToDate);
        assert_eq!(
            compact(&events),
            [
                "branch:skipped",
                "commit:started",
                "commit:skipped",
                "push:started",
                "push:skipped",
                "pr:skipped"
            ]
        );

        // A later commit goes to the existing upstream without re-setting it.
        fs::write(f.repo.join("b.txt"), "b").unwrap();
        let (third, _) = run_collect(&f.repo, &input(StackedAction::CommitPush));
        let third = third.unwrap();
        assert_eq!(third.push.status, PushStepStatus::Pushed);
        assert_eq!(third.push.set_upstream, Some(false));
        assert_eq!(
            git(&f.bare, &["rev-parse", "main"]),
            git(&f.repo, &["rev-parse", "HEAD"])
        );
    }

    #[test]
    fn commit_push_pr_creates_then_opens_existing() {
        let f = fixture();
        git(&f.repo, &["push", "-q", "-u", "origin", "main"]);
        git(&f.repo, &["checkout", "-q", "-b", "feature/login"]);
        fs::write(f.repo.join("login.rs"), "fn login() {}").unwrap();
        let gh_program = fake_gh(f.dir.path());
        let mut inp = input(StackedAction::CommitPushPr);
        inp.commit_message = Some("Add login".into());
        inp.gh_program = Some(gh_program);

        let (result, events) = run_collect(&f.repo, &inp);
        let result = result.unwrap();
        assert_eq!(result.push.status, PushStepStatus::Pushed);
        assert_eq!(result.pr.status, PrStepStatus::Created);
        assert_eq!(result.pr.number, Some(42));
        assert_eq!(
            result.pr.url.as_deref(),
            Some("https://github.com/o/r/pull/42")
        );
        assert_eq!(result.pr.base_branch.as_deref(), Some("main"));
        assert_eq!(result.pr.head_branch.as_deref(), Some("feature/login"));
        assert_eq!(result.pr.title.as_deref(), Some("Add login"));
        let log = fs::read_to_string(f.dir.path().join("gh-log")).unwrap();
        assert!(
            log.contains("pr create --base main --head feature/login --title Add login"),
            "{log}"
        );
        assert_eq!(
            compact(&events).last().map(String::as_str),
            Some("pr:completed")
        );

        let (again, _) = run_collect(&f.repo, &inp);
        let again = again.unwrap();
        assert_eq!(again.commit.status, CommitStepStatus::SkippedNoChanges);
        assert_eq!(again.pr.status, PrStepStatus::OpenedExisting);
        assert_eq!(again.pr.number, Some(42));
        let log = fs::read_to_string(f.dir.path().join("gh-log")).unwrap();
        assert_eq!(log.matches("pr create").count(), 1, "{log}");
    }

    #[test]
    fn feature_branch_is_created_from_the_subject() {
        let f = fixture();
        git(&f.repo, &["branch", "feature/feat-custom-summary-line"]);
        fs::write(f.repo.join("README.md"), "changed\n").unwrap();
        let mut inp = input(StackedAction::Commit);
        inp.feature_branch = Some(true);
        inp.commit_message = Some("feat: custom summary line\n\n- details".into());
        let (result, events) = run_collect(&f.repo, &inp);
        let result = result.unwrap();
        assert_eq!(result.branch.status, BranchStepStatus::Created);
        // The plain name is taken, so a suffix is added.
        assert_eq!(
            result.branch.name.as_deref(),
            Some("feature/feat-custom-summary-line-2")
        );
        assert_eq!(
            git(&f.repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
            "feature/feat-custom-summary-line-2"
        );
        assert_eq!(
            result.commit.subject.as_deref(),
            Some("feat: custom summary line")
        );
        // main did not move.
        assert_eq!(
            git(&f.repo, &["log", "-1", "--format=%s", "main"]).trim(),
            "init"
        );
        assert_eq!(
            compact(&events)[..2],
            ["branch:started", "branch:completed"]
        );
    }

    #[test]
    fn feature_branch_without_changes_fails_in_branch_step() {
        let f = fixture();
        let mut inp = input(StackedAction::Commit);
        inp.feature_branch = Some(true);
        let (result, events) = run_collect(&f.repo, &inp);
        let err = result.unwrap_err().to_string();
        assert!(err.starts_with("branch failed:"), "{err}");
        assert!(err.contains("no changes to commit"), "{err}");
        assert_eq!(compact(&events), ["branch:started", "branch:failed"]);
    }

    #[test]
    fn push_failure_stops_the_chain() {
        let f = fixture();
        git(&f.repo, &["push", "-q", "-u", "origin", "main"]);
        fs::remove_dir_all(&f.bare).unwrap();
        fs::write(f.repo.join("a.txt"), "a").unwrap();
        let gh_program = fake_gh(f.dir.path());
        let mut inp = input(StackedAction::CommitPushPr);
        inp.gh_program = Some(gh_program);
        let (result, events) = run_collect(&f.repo, &inp);
        let err = result.unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("push failed:"), "{text}");
        // git's own words are kept.
        assert!(text.contains("origin.git"), "{text}");
        assert_eq!(
            compact(&events),
            [
                "branch:skipped",
                "commit:started",
                "commit:completed",
                "push:started",
                "push:failed"
            ]
        );
        assert_eq!(
            events.last().unwrap().message.as_deref(),
            Some(text.as_str())
        );
        assert!(!f.dir.path().join("gh-log").exists());
    }

    #[test]
    fn detached_head_push_is_refused_before_committing() {
        let f = fixture();
        git(&f.repo, &["checkout", "-q", "--detach"]);
        fs::write(f.repo.join("a.txt"), "a").unwrap();
        let (result, events) = run_collect(&f.repo, &input(StackedAction::CommitPush));
        assert!(result.unwrap_err().to_string().contains("detached HEAD"));
        assert!(events.is_empty());
        assert_eq!(git(&f.repo, &["log", "-1", "--format=%s"]).trim(), "init");
    }

    #[test]
    fn input_deserializes_from_the_wire() {
        let inp: StackedActionInput = serde_json::from_value(serde_json::json!({
            "cwd": "/x", "action": "commit_push_pr", "featureBranch": true
        }))
        .unwrap();
        assert_eq!(inp.action, StackedAction::CommitPushPr);
        assert_eq!(inp.feature_branch, Some(true));
        assert_eq!(inp.commit_message, None);
        assert_eq!(inp.gh_program, None);
    }

    #[test]
    fn summary_subjects_fit() {
        let many: Vec<(char, String)> = (0..30)
            .map(|i| ('M', format!("src/some/deep/file_number_{i}.rs")))
            .collect();
        let msg = summarize(&many);
        assert!(
            msg.subject.chars().count() <= MAX_SUBJECT_CHARS,
            "{}",
            msg.subject
        );
        assert!(msg.subject.starts_with("Update 30 files: file_number_0.rs"));
        assert!(msg.subject.ends_with(" more"), "{}", msg.subject);
        assert_eq!(summarize(&[('A', "x.rs".into())]).subject, "Add x.rs");
        let long = format!("{}/y.rs", "d".repeat(100));
        assert_eq!(summarize(&[('D', long)]).subject, "Remove y.rs");
    }

    #[test]
    fn branch_names_sanitise() {
        assert_eq!(
            sanitize_feature_branch_name("feat: custom summary line"),
            "feature/feat-custom-summary-line"
        );
        assert_eq!(
            sanitize_feature_branch_name("feature/Foo Bar"),
            "feature/foo-bar"
        );
        assert_eq!(sanitize_feature_branch_name("!!!"), "feature/update");
        assert_eq!(unique_branch_name(&["a", "a-2"], "a"), "a-3");
    }
}
