//! The wire types of `git.runStackedAction`: its input, each step's result, the whole result,
//! and the progress reports.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::StackedAction;

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
