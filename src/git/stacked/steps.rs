//! The four steps of the chain and the git and `gh` facts they read: the feature branch, the
//! commit, the push, and the pull request.

use std::path::Path;

use super::branch_name::{sanitize_feature_branch_name, unique_branch_name};
use super::hooks::run_with_hooks;
use super::message::{codex_message, summarize, CommitMessage};
use super::types::StackedStep;
use super::types::{
    BranchStep, BranchStepStatus, CommitStep, CommitStepStatus, MessageWriter, PrStep,
    PrStepStatus, PushStep, PushStepStatus,
};
use super::Progress;
use crate::git::gh::{self, GhPr, PrStates};
use crate::git::{run, run_ok, GitError};

/// `featureBranch` with `push` or `create_pr` (DP Code's `allowCommittedHead`): the branch's
/// commits move to a new `feature/<last subject>` branch at HEAD, and the original branch goes
/// back to its upstream, so the work leaves it instead of living on both. The tree is clean
/// (those actions refuse uncommitted work), so nothing but refs move.
pub(super) fn committed_feature_branch_step(
    cwd: &Path,
    original: Option<&str>,
    upstream: Option<&str>,
) -> Result<BranchStep, GitError> {
    let restore = match original {
        None => None,
        Some(branch) => Some(restore_ref(cwd, branch, upstream)?),
    };
    let subject = run_ok(cwd, ["log", "-1", "--format=%s"])?;
    let base = match subject.trim() {
        "" => format!("{}-update", original.unwrap_or("work")),
        subject => subject.to_string(),
    };
    let existing = run_ok(
        cwd,
        ["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    )?;
    let existing: Vec<&str> = existing.lines().map(str::trim).collect();
    let name = unique_branch_name(&existing, &sanitize_feature_branch_name(&base));
    run_ok(cwd, ["checkout", "-b", name.as_str()])?;
    if let (Some(branch), Some(restore)) = (original, restore) {
        run_ok(cwd, ["branch", "--force", "--", branch, restore.as_str()])?;
    }
    Ok(BranchStep {
        status: BranchStepStatus::Created,
        name: Some(name),
    })
}

/// Where `branch` goes back to: its upstream, else `<remote>/<branch>` of the first remote
/// that has it (origin first).
fn restore_ref(cwd: &Path, branch: &str, upstream: Option<&str>) -> Result<String, GitError> {
    if let Some(upstream) = upstream {
        return Ok(upstream.to_string());
    }
    let remotes = run_ok(cwd, ["remote"])?;
    let mut remotes: Vec<&str> = remotes
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    remotes.sort_by_key(|r| *r != "origin");
    for remote in remotes {
        let candidate = format!("refs/remotes/{remote}/{branch}");
        let found = run(
            cwd,
            ["rev-parse", "--verify", "--quiet", candidate.as_str()],
        )?;
        if found.code == Some(0) {
            return Ok(format!("{remote}/{branch}"));
        }
    }
    Err(GitError::Refused(format!(
        "Cannot move committed work to a feature branch because '{branch}' has no upstream or matching remote branch to restore."
    )))
}

pub(super) fn feature_branch_step(
    cwd: &Path,
    custom: Option<&CommitMessage>,
    writer: Option<&MessageWriter>,
) -> Result<(BranchStep, Option<CommitMessage>), GitError> {
    let changes = stage_all(cwd)?;
    if changes.is_empty() {
        return Err(GitError::Refused(
            "Cannot create a feature branch because there are no changes to commit.".into(),
        ));
    }
    // The branch is named after the commit's subject, so the message is settled here.
    let message = match custom {
        Some(custom) => custom.clone(),
        None => codex_message(cwd, writer).unwrap_or_else(|| summarize(&changes)),
    };
    let existing = run_ok(
        cwd,
        ["for-each-ref", "--format=%(refname:short)", "refs/heads"],
    )?;
    let existing: Vec<&str> = existing.lines().map(str::trim).collect();
    let name = unique_branch_name(&existing, &sanitize_feature_branch_name(&message.subject));
    // The staged changes move along to the new branch.
    run_ok(cwd, ["checkout", "-b", name.as_str()])?;
    Ok((
        BranchStep {
            status: BranchStepStatus::Created,
            name: Some(name.clone()),
        },
        Some(message),
    ))
}

/// The commit phase: stages everything, writes the message when none was given, and commits,
/// reporting the commit's hooks as they run.
pub(super) fn commit_step(
    cwd: &Path,
    message: Option<&CommitMessage>,
    writer: Option<&MessageWriter>,
    progress: &mut Progress,
) -> Result<CommitStep, GitError> {
    if message.is_none() {
        progress.phase(StackedStep::Commit, "Generating commit message...");
    } else {
        progress.phase(StackedStep::Commit, "Committing...");
    }
    let changes = stage_all(cwd)?;
    if changes.is_empty() {
        return Ok(CommitStep {
            status: CommitStepStatus::SkippedNoChanges,
            commit_sha: None,
            subject: None,
        });
    }
    let message = match message {
        Some(message) => message.clone(),
        None => {
            let written = codex_message(cwd, writer).unwrap_or_else(|| summarize(&changes));
            progress.phase(StackedStep::Commit, "Committing...");
            written
        }
    };
    let mut args = vec!["commit", "-m", message.subject.as_str()];
    if !message.body.is_empty() {
        args.extend(["-m", message.body.as_str()]);
    }
    let out = run_with_hooks(cwd, &args, &mut |event| progress.emit(event))?;
    if out.code != Some(0) {
        return Err(GitError::Failed {
            args: "commit".into(),
            message: out.message(),
        });
    }
    let sha = run_ok(cwd, ["rev-parse", "HEAD"])?.trim().to_string();
    Ok(CommitStep {
        status: CommitStepStatus::Created,
        commit_sha: Some(sha),
        subject: Some(message.subject.clone()),
    })
}

pub(super) fn push_step(cwd: &Path, fallback_branch: Option<&str>) -> Result<PushStep, GitError> {
    let status = branch_status(cwd)?;
    let branch = status
        .head
        .or_else(|| fallback_branch.map(str::to_string))
        .ok_or_else(|| GitError::Refused("Cannot push from detached HEAD.".into()))?;

    if let Some(upstream) = status.upstream {
        // Without an ahead/behind line the upstream branch is gone from the remote; pushing
        // recreates it.
        if status.ahead == Some(0) {
            return Ok(PushStep {
                status: PushStepStatus::SkippedUpToDate,
                branch: Some(branch),
                upstream_branch: Some(upstream.clone()),
                set_upstream: None,
            });
        }
        // Plain `git push`, so the user's push.default / pushRemote settings decide.
        run_ok(cwd, ["push"])?;
        return Ok(PushStep {
            status: PushStepStatus::Pushed,
            branch: Some(branch),
            upstream_branch: Some(upstream.clone()),
            set_upstream: Some(false),
        });
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
        return Ok(PushStep {
            status: PushStepStatus::SkippedUpToDate,
            branch: Some(branch.clone()),
            upstream_branch: None,
            set_upstream: None,
        });
    }
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    run_ok(cwd, ["push", "-u", remote.as_str(), refspec.as_str()])?;
    let upstream = format!("{remote}/{branch}");
    Ok(PushStep {
        status: PushStepStatus::Pushed,
        branch: Some(branch),
        upstream_branch: Some(upstream.clone()),
        set_upstream: Some(true),
    })
}

pub(super) fn pr_step(
    cwd: &Path,
    gh_program: &Path,
    fallback_branch: Option<&str>,
) -> Result<PrStep, GitError> {
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
        return Ok(pr_step_from(existing, PrStepStatus::OpenedExisting));
    }

    let base = resolve_base_branch(cwd, gh_program, &branch, &upstream);
    let title = run_ok(cwd, ["log", "-1", "--format=%s"])?
        .trim()
        .to_string();
    let body = pr_body(cwd, &base, &upstream);
    // `--flag=value`: a title or body that starts with '-' stays a value.
    let created = gh(
        cwd,
        gh_program,
        &[
            "pr",
            "create",
            &format!("--base={base}"),
            &format!("--head={branch}"),
            &format!("--title={title}"),
            &format!("--body={body}"),
        ],
    )?;

    let step = match find_open_pr(cwd, gh_program, &branch)? {
        Some(pr) => pr_step_from(pr, PrStepStatus::Created),
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
    Ok(step)
}

/// The header lines of `git status --porcelain=2 --branch`.
#[derive(Debug, Default)]
pub(super) struct BranchStatus {
    /// `None` on detached HEAD.
    pub(super) head: Option<String>,
    pub(super) upstream: Option<String>,
    /// `None` when there is no upstream, or it no longer exists.
    pub(super) ahead: Option<u64>,
}

pub(super) fn branch_status(cwd: &Path) -> Result<BranchStatus, GitError> {
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
        if let Some(value) = crate::git::config_get(cwd, &key)? {
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

/// The PR's target: the user's `gh-merge-base` setting, else a differently named upstream
/// branch, else the repository's default branch per `gh`, else `main`.
fn resolve_base_branch(cwd: &Path, gh_program: &Path, branch: &str, upstream: &str) -> String {
    if let Ok(Some(configured)) =
        crate::git::config_get(cwd, &format!("branch.{branch}.gh-merge-base"))
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

/// The pull request's step result.
fn pr_step_from(pr: GhPr, status: PrStepStatus) -> PrStep {
    PrStep {
        status,
        url: Some(pr.url),
        number: Some(pr.number),
        base_branch: Some(pr.base_ref_name),
        head_branch: Some(pr.head_ref_name),
        title: Some(pr.title),
    }
}

fn find_open_pr(cwd: &Path, gh_program: &Path, branch: &str) -> Result<Option<GhPr>, GitError> {
    let deadline = crate::spawn::deadlines().gh;
    let prs = gh::list_prs(cwd, gh_program, branch, PrStates::Open, 1, deadline)?;
    Ok(prs.into_iter().find(|pr| pr.number > 0))
}

/// `gh` under the gh deadline (`process_deadlines.gh_secs`).
fn gh(cwd: &Path, program: &Path, args: &[&str]) -> Result<String, GitError> {
    gh::run(cwd, program, args, crate::spawn::deadlines().gh)
}
