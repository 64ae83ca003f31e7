//! `git.runStackedAction`: the one-click "commit → push → open PR" chain, with an optional
//! feature branch first, and DP Code's `push` and `create_pr` (dpcode.md §4). Progress is DP
//! Code's `git.actionProgress` stream (S/git/Layers/GitManager.ts:2608-2785): the phases to
//! come, each phase as it starts, the commit's hooks and their output, then the result or the
//! failure. The first failing phase stops the chain and its error names the phase.
//!
//! The chain is here; `steps` holds each step, `hooks` the commit that reports its hooks,
//! `message` the commit message, `branch_name` a new branch's name, `types` the wire types.

mod branch_name;
mod hooks;
mod message;
mod steps;
mod types;

use std::path::{Path, PathBuf};

use super::{is_repo, run_ok, GitError};
use message::parse_custom_message;
use steps::{
    branch_status, commit_step, committed_feature_branch_step, feature_branch_step, pr_step,
    push_step,
};

/// The action is a wire type; this module runs it.
pub use t3rs_core::protocol::git::StackedAction;
pub use types::{
    BranchStep, BranchStepStatus, CommitStep, CommitStepStatus, MessageWriter, OutputStreamName,
    PrStep, PrStepStatus, ProgressEvent, PushStep, PushStepStatus, StackedActionInput,
    StackedActionResult, StackedProgress, StackedStep,
};

/// Longest commit message the contract accepts.
const MAX_COMMIT_MESSAGE_CHARS: usize = 10_000;

/// Sends one action's events, each with its id and action, and remembers the phase running.
pub(super) struct Progress<'a> {
    action_id: String,
    action: StackedAction,
    sink: &'a mut dyn FnMut(StackedProgress),
    phase: Option<StackedStep>,
}

impl Progress<'_> {
    pub(super) fn emit(&mut self, event: ProgressEvent) {
        (self.sink)(StackedProgress {
            action_id: self.action_id.clone(),
            action: self.action,
            event,
        });
    }

    pub(super) fn phase(&mut self, phase: StackedStep, label: &str) {
        self.phase = Some(phase);
        self.emit(ProgressEvent::PhaseStarted {
            phase,
            label: label.to_string(),
        });
    }
}

/// Runs `input.action` in `cwd` (the caller's resolved directory; it takes precedence over
/// `input.cwd`). Every run ends its progress with `action_finished` or `action_failed`.
pub fn run_stacked_action(
    cwd: &Path,
    input: &StackedActionInput,
    progress: &mut dyn FnMut(StackedProgress),
) -> Result<StackedActionResult, GitError> {
    let action_id = match input.action_id.trim() {
        "" => uuid::Uuid::new_v4().to_string(),
        id => id.to_string(),
    };
    let mut progress = Progress {
        action_id,
        action: input.action,
        sink: progress,
        phase: None,
    };
    match run_chain(cwd, input, &mut progress) {
        Ok(result) => {
            progress.emit(ProgressEvent::ActionFinished {
                result: Box::new(result.clone()),
            });
            Ok(result)
        }
        Err(err) => {
            let err = match progress.phase {
                Some(phase) => step_error(phase, err),
                None => err,
            };
            log::warn!("stacked git action: {err}");
            let phase = progress.phase;
            progress.emit(ProgressEvent::ActionFailed {
                phase,
                message: err.to_string(),
            });
            Err(err)
        }
    }
}

/// Uncommitted work (untracked files included): `push` and `create_pr` refuse it, as DP Code
/// does, since what the user sees would not be what is pushed.
fn has_working_tree_changes(cwd: &Path) -> Result<bool, GitError> {
    let out = run_ok(cwd, ["status", "--porcelain", "--untracked-files=normal"])?;
    Ok(out.lines().any(|l| !l.trim().is_empty()))
}

fn run_chain(
    cwd: &Path,
    input: &StackedActionInput,
    progress: &mut Progress,
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
    let wants_commit = action.wants_commit();
    let gh_program = input
        .gh_program
        .clone()
        .unwrap_or_else(|| PathBuf::from("gh"));

    let initial = branch_status(cwd)?;
    // `create_pr` pushes only what GitHub does not have yet.
    let wants_push = action.wants_push()
        || (action == StackedAction::CreatePr
            && (feature || initial.upstream.is_none() || initial.ahead != Some(0)));
    let wants_pr = action.wants_pr();
    let phases: Vec<StackedStep> = [
        (feature, StackedStep::Branch),
        (wants_commit, StackedStep::Commit),
        (wants_push, StackedStep::Push),
        (wants_pr, StackedStep::Pr),
    ]
    .into_iter()
    .filter_map(|(wanted, step)| wanted.then_some(step))
    .collect();
    progress.emit(ProgressEvent::ActionStarted { phases });

    if !wants_commit && has_working_tree_changes(cwd)? {
        return Err(GitError::Refused(
            if action == StackedAction::Push {
                "Commit or stash local changes before pushing."
            } else {
                "Commit local changes before creating a PR."
            }
            .into(),
        ));
    }
    // Checked up front so nothing is committed when the chain could not finish anyway; a new
    // feature branch leaves detached HEAD, so it is exempt.
    if !feature && initial.head.is_none() {
        if wants_push {
            return Err(GitError::Refused("Cannot push from detached HEAD.".into()));
        }
        if wants_pr {
            return Err(GitError::Refused(
                "Cannot create a pull request from detached HEAD.".into(),
            ));
        }
    }

    let (branch, prepared) = if feature {
        progress.phase(StackedStep::Branch, "Preparing feature branch...");
        if wants_commit {
            feature_branch_step(cwd, custom.as_ref(), input.message_writer.as_ref())?
        } else {
            let original = initial.head.as_deref();
            let upstream = initial.upstream.as_deref();
            (
                committed_feature_branch_step(cwd, original, upstream)?,
                None,
            )
        }
    } else {
        (
            BranchStep {
                status: BranchStepStatus::SkippedNotRequested,
                name: None,
            },
            None,
        )
    };
    let current_branch = branch.name.clone().or(initial.head);

    let commit = if wants_commit {
        let message = prepared.or(custom);
        commit_step(
            cwd,
            message.as_ref(),
            input.message_writer.as_ref(),
            progress,
        )?
    } else {
        CommitStep {
            status: CommitStepStatus::SkippedNotRequested,
            commit_sha: None,
            subject: None,
        }
    };

    let push = if wants_push {
        progress.phase(StackedStep::Push, "Pushing...");
        push_step(cwd, current_branch.as_deref())?
    } else {
        PushStep {
            status: PushStepStatus::SkippedNotRequested,
            branch: None,
            upstream_branch: None,
            set_upstream: None,
        }
    };

    let pr = if wants_pr {
        progress.phase(StackedStep::Pr, "Creating PR...");
        pr_step(cwd, &gh_program, current_branch.as_deref())?
    } else {
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

/// Prefixes the step so the user knows how far the chain got, keeping git's/gh's own words.
fn step_error(step: StackedStep, err: GitError) -> GitError {
    let detail = match err {
        GitError::Failed { args, message } => format!("{message} (git {args})"),
        GitError::Refused(message) => message,
        other => other.to_string(),
    };
    GitError::Refused(format!("{} failed: {detail}", step.as_str()))
}

#[cfg(test)]
mod tests;
