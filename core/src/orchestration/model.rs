//! The read model clients receive from `orchestration.getSnapshot`, and every shape inside it.
//! Field names and enum spellings are the wire names of T3 Code v0.0.4; clients match on them.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::history_kv::ListSummary;

/// The `updatedAt` of a model that has seen no event yet. A fixed value keeps the model a pure
/// function of its events (the reference used the start-up time).
pub const EMPTY_MODEL_UPDATED_AT: &str = "1970-01-01T00:00:00.000Z";

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeMode {
    ApprovalRequired,
    #[default]
    FullAccess,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "lowercase")]
pub enum InteractionMode {
    #[default]
    Default,
    Plan,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Codex,
}

/// Which agent runs a thread's turns: DP Code's provider kinds (`C/orchestration.ts`), plus
/// `acp` for an ACP agent the user declared (named by `instanceId`). v0.0.4's [`ProviderKind`]
/// knows only codex, so only a codex selection has a v0.0.4 `provider` value on the wire.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "camelCase")]
pub enum AgentKind {
    Codex,
    ClaudeAgent,
    Cursor,
    Gemini,
    Grok,
    Kilo,
    Opencode,
    Pi,
    Acp,
}

impl AgentKind {
    /// DP Code's `ProviderKind`s (C/orchestration.ts:51-60), in its order: every kind with
    /// `providers.<kind>` settings. `acp` is not one: each declared ACP instance is its own.
    pub const ALL: [AgentKind; 8] = [
        AgentKind::Codex,
        AgentKind::ClaudeAgent,
        AgentKind::Cursor,
        AgentKind::Gemini,
        AgentKind::Grok,
        AgentKind::Kilo,
        AgentKind::Opencode,
        AgentKind::Pi,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Codex => "codex",
            AgentKind::ClaudeAgent => "claudeAgent",
            AgentKind::Cursor => "cursor",
            AgentKind::Gemini => "gemini",
            AgentKind::Grok => "grok",
            AgentKind::Kilo => "kilo",
            AgentKind::Opencode => "opencode",
            AgentKind::Pi => "pi",
            AgentKind::Acp => "acp",
        }
    }

    /// One of [`AgentKind::ALL`] by its wire name.
    pub fn parse(raw: &str) -> Option<AgentKind> {
        AgentKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// How a person names the agent in a sentence.
    pub fn title(self) -> &'static str {
        match self {
            AgentKind::Codex => "Codex",
            AgentKind::ClaudeAgent => "Claude Code",
            AgentKind::Cursor => "Cursor",
            AgentKind::Gemini => "Gemini CLI",
            AgentKind::Grok => "Grok",
            AgentKind::Kilo => "Kilo Code",
            AgentKind::Opencode => "OpenCode",
            AgentKind::Pi => "Pi",
            AgentKind::Acp => "ACP agent",
        }
    }

    /// The arguments that make a kind's CLI speak ACP on stdio, for the kinds t3rs drives
    /// through its ACP driver; `None` for the native drivers and for kinds with no known
    /// ACP command (reported "not supported yet").
    pub fn acp_args(self) -> Option<&'static [&'static str]> {
        match self {
            AgentKind::Gemini => Some(&["--acp"]),
            AgentKind::Opencode => Some(&["acp"]),
            _ => None,
        }
    }

    /// The CLI a provider runs when its `binaryPath` is not set (dpcode.md §3); an ACP
    /// instance names its own command.
    pub fn default_binary(self) -> &'static str {
        match self {
            AgentKind::Codex => "codex",
            AgentKind::ClaudeAgent => "claude",
            AgentKind::Cursor => "cursor-agent",
            AgentKind::Gemini => "gemini",
            AgentKind::Grok => "grok",
            AgentKind::Kilo => "kilo",
            AgentKind::Opencode => "opencode",
            AgentKind::Pi => "pi",
            AgentKind::Acp => "",
        }
    }
}

/// DP Code's `ModelSelection {provider, model, options?}`, with `instanceId` for `acp`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ModelSelection {
    pub provider: AgentKind,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

impl ModelSelection {
    /// What v0.0.4's `provider`/`model` pair means.
    pub fn codex(model: impl Into<String>) -> ModelSelection {
        ModelSelection {
            provider: AgentKind::Codex,
            model: model.into(),
            options: None,
            instance_id: None,
        }
    }

    /// The v0.0.4 `provider` value for this selection, where v0.0.4 has one.
    pub fn v004_provider(&self) -> Option<ProviderKind> {
        match self.provider {
            AgentKind::Codex => Some(ProviderKind::Codex),
            _ => None,
        }
    }

    /// Whether two selections name the same agent (the model may differ).
    pub fn same_agent(&self, other: &ModelSelection) -> bool {
        self.provider == other.provider && self.instance_id == other.instance_id
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalDecision {
    Accept,
    AcceptForSession,
    Decline,
    Cancel,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum AssistantDeliveryMode {
    Buffered,
    Streaming,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ServiceTier {
    Fast,
    Flex,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    Xhigh,
    High,
    Medium,
    Low,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct CodexModelOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fast_mode: Option<bool>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProviderModelOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codex: Option<CodexModelOptions>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ScriptIcon {
    Play,
    Test,
    Lint,
    Configure,
    Build,
    Debug,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectScript {
    pub id: String,
    pub name: String,
    pub command: String,
    pub icon: ScriptIcon,
    pub run_on_worktree_create: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub title: String,
    pub workspace_root: String,
    pub default_model: Option<String>,
    pub scripts: Vec<ProjectScript>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum MessageRole {
    User,
    Assistant,
    System,
}

/// A stored image (the upload's bytes already live in the state directory under `id`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImageAttachment {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub size_bytes: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ChatAttachment {
    Image(ImageAttachment),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub role: MessageRole,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<ChatAttachment>>,
    pub turn_id: Option<String>,
    pub streaming: bool,
    pub created_at: String,
    pub updated_at: String,
    /// On assistant messages: the agent and model that wrote it. A thread may change agent
    /// between turns, so the thread's own selection cannot say who answered an older turn.
    /// An extra field, so v0.0.4 clients decode the message as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<ModelSelection>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProposedPlan {
    pub id: String,
    pub turn_id: Option<String>,
    pub plan_markdown: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Idle,
    Starting,
    Running,
    Ready,
    Interrupted,
    Stopped,
    Error,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub thread_id: String,
    pub status: SessionStatus,
    pub provider_name: Option<String>,
    #[serde(default)]
    pub runtime_mode: RuntimeMode,
    pub active_turn_id: Option<String>,
    pub last_error: Option<String>,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum CheckpointStatus {
    Ready,
    Missing,
    Error,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointFile {
    pub path: String,
    pub kind: String,
    pub additions: u64,
    pub deletions: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointSummary {
    pub turn_id: String,
    pub checkpoint_turn_count: u64,
    pub checkpoint_ref: String,
    pub status: CheckpointStatus,
    pub files: Vec<CheckpointFile>,
    pub assistant_message_id: Option<String>,
    pub completed_at: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ActivityTone {
    Info,
    Tool,
    Approval,
    Error,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub id: String,
    pub tone: ActivityTone,
    pub kind: String,
    pub summary: String,
    /// Free-form (the reference types it `unknown`); absent reads as null.
    #[serde(default)]
    pub payload: Value,
    pub turn_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum LatestTurnState {
    Running,
    Interrupted,
    Completed,
    Error,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LatestTurn {
    pub turn_id: String,
    pub state: LatestTurnState,
    pub requested_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub assistant_message_id: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub model: String,
    #[serde(default)]
    pub runtime_mode: RuntimeMode,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub branch: Option<String>,
    pub worktree_path: Option<String>,
    pub latest_turn: Option<LatestTurn>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub session: Option<Session>,
    /// The agent and model of the thread's latest turn (or its creation); absent on threads
    /// created by a v0.0.4 client before their first turn, which means codex with `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_selection: Option<ModelSelection>,
    /// DP Code's `archivedAt`: when the thread was archived, `null` when it is not (an extra
    /// field for v0.0.4 clients; snapshots written before it read as not archived).
    #[serde(default)]
    pub archived_at: Option<String>,
    /// What the row knows of its lists, which live in the store
    /// ([`super::history_kv`]); not a wire field.
    #[serde(default)]
    pub history: ListSummary,
}

impl Thread {
    /// Archived threads stay in the model (and in `getSnapshot`), but leave DP Code's shell
    /// and search unless asked for.
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// The whole projected state. `projects` and `threads` are JSON arrays in creation order on the
/// wire; in memory they are keyed by id so that a streaming delta finds its thread in O(1).
/// Rows are shared (`Arc`), so a clone costs one reference count per row and can be encoded
/// on another thread (snapshots); a change copies only its row while a clone still holds it
/// ([`ReadModel::thread_mut`], [`ReadModel::project_mut`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReadModel {
    pub snapshot_sequence: u64,
    #[serde(with = "id_map")]
    pub projects: IndexMap<String, Arc<Project>>,
    #[serde(with = "id_map")]
    pub threads: IndexMap<String, Arc<Thread>>,
    pub updated_at: String,
}

impl Default for ReadModel {
    fn default() -> Self {
        ReadModel::empty(EMPTY_MODEL_UPDATED_AT)
    }
}

impl ReadModel {
    pub fn empty(updated_at: impl Into<String>) -> Self {
        ReadModel {
            snapshot_sequence: 0,
            projects: IndexMap::new(),
            threads: IndexMap::new(),
            updated_at: updated_at.into(),
        }
    }

    /// The thread to change, copied first if a clone of the model still shares it.
    pub fn thread_mut(&mut self, id: &str) -> Option<&mut Thread> {
        self.threads.get_mut(id).map(Arc::make_mut)
    }

    /// The project to change, copied first if a clone of the model still shares it.
    pub fn project_mut(&mut self, id: &str) -> Option<&mut Project> {
        self.projects.get_mut(id).map(Arc::make_mut)
    }
}

/// Rows stored in an id-keyed map but written as a plain array.
pub trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Project {
    fn key(&self) -> &str {
        &self.id
    }
}

impl Keyed for Thread {
    fn key(&self) -> &str {
        &self.id
    }
}

/// `IndexMap<id, Arc<row>>` as a JSON array of rows, in insertion order (the `Arc` leaves no
/// trace on the wire).
pub mod id_map {
    use super::*;
    use serde::Serializer;

    pub fn serialize<S, T>(map: &IndexMap<String, Arc<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        serializer.collect_seq(map.values().map(|row| &**row))
    }

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<IndexMap<String, Arc<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Keyed,
    {
        let rows = Vec::<T>::deserialize(deserializer)?;
        let mut map = IndexMap::with_capacity(rows.len());
        for row in rows {
            // A repeated id keeps its first position and its last value, as re-creating a row
            // does in the projector.
            map.insert(row.key().to_string(), Arc::new(row));
        }
        Ok(map)
    }
}

/// For `field?: T | null`: absent is `None`, `null` is `Some(None)`.
pub(crate) fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests;
