//! The wire types of `git.runStackedAction`: its input, each step's result, the whole result,
//! and the progress reports (DP Code's `git.actionProgress` events, C/git.ts:474-540).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::StackedAction;

/// `git.runStackedAction` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackedActionInput {
    /// Echoed in every progress event, so a client tells its actions apart.
    #[serde(default)]
    pub action_id: String,
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
    /// Who writes a missing commit message; without one (or when it fails) the message is a
    /// deterministic summary of the changed files.
    #[serde(skip)]
    pub message_writer: Option<MessageWriter>,
}

/// The codex CLI that writes commit messages, and the model it writes them with (settings'
/// `textGenerationModelSelection`; codex's own default when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageWriter {
    pub codex: PathBuf,
    pub model: Option<String>,
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
    /// DP Code's: `push` and `create_pr` commit nothing (v0.0.4's actions never report it).
    SkippedNotRequested,
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

/// Which pipe a hook's line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputStreamName {
    Stdout,
    Stderr,
}

/// One `git.actionProgress` event, DP Code's shape: `action_started` (the phases to come),
/// `phase_started` per phase, `hook_started`/`hook_output`/`hook_finished` while git runs a
/// hook, then exactly one of `action_finished {result}` or `action_failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ProgressEvent {
    ActionStarted {
        phases: Vec<StackedStep>,
    },
    PhaseStarted {
        phase: StackedStep,
        label: String,
    },
    HookStarted {
        hook_name: String,
    },
    HookOutput {
        /// None for git's own lines, outside any hook.
        hook_name: Option<String>,
        stream: OutputStreamName,
        text: String,
    },
    HookFinished {
        hook_name: String,
        exit_code: Option<i32>,
        duration_ms: Option<u64>,
    },
    ActionFinished {
        result: Box<StackedActionResult>,
    },
    ActionFailed {
        /// The phase that failed; None when the action failed before its first phase.
        phase: Option<StackedStep>,
        message: String,
    },
}

/// A progress event with the action it belongs to (the server adds the request's `cwd`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackedProgress {
    pub action_id: String,
    pub action: StackedAction,
    #[serde(flatten)]
    pub event: ProgressEvent,
}
