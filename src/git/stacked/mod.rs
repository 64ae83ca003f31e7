//! `git.runStackedAction`: the one-click "commit → push → open PR" chain, with an optional
//! feature branch first. Each step reports progress as it starts and ends; the first failing
//! step stops the chain and its error names the step.
//!
//! The chain is here; `steps` holds each step, `message` the commit message, `branch_name` a
//! new branch's name, `types` what goes over the wire.

mod branch_name;
mod message;
mod steps;
mod types;

use std::path::{Path, PathBuf};

use super::{is_repo, GitError};
use message::parse_custom_message;
use steps::{branch_status, commit_step, feature_branch_step, pr_step, push_step};

/// The action is a wire type; this module runs it.
pub use t3rs_core::protocol::git::StackedAction;
pub use types::{
    BranchStep, BranchStepStatus, CommitStep, CommitStepStatus, MessageWriter, PrStep,
    PrStepStatus, PushStep, PushStepStatus, StackedActionInput, StackedActionResult,
    StackedProgress, StackedStep, StepStatus,
};

/// Longest commit message the contract accepts.
const MAX_COMMIT_MESSAGE_CHARS: usize = 10_000;

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
            feature_branch_step(cwd, custom.as_ref(), input.message_writer.as_ref())
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
        commit_step(cwd, message.as_ref(), input.message_writer.as_ref())
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

#[cfg(test)]
mod tests;
