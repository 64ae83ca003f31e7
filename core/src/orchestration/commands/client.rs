//! The 16 commands a client may dispatch (`orchestration.dispatchCommand`), and their limits.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::decode::non_negative_int;
use crate::orchestration::events::{AggregateKind, DispatchMode};
use crate::orchestration::model::{
    double_option, ApprovalDecision, AssistantDeliveryMode, ChatAttachment, ImageAttachment,
    InteractionMode, ModelSelection, ProjectScript, ProviderKind, ProviderModelOptions,
    RuntimeMode, ServiceTier,
};

pub const MAX_TURN_TEXT_CHARS: usize = 120_000;
pub const MAX_TURN_ATTACHMENTS: usize = 8;
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_IMAGE_DATA_URL_CHARS: usize = 14_000_000;
pub const MAX_ATTACHMENT_ID_CHARS: usize = 128;
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 255;
pub const MAX_ATTACHMENT_MIME_CHARS: usize = 100;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectCreateCommand {
    pub command_id: String,
    pub project_id: String,
    pub title: String,
    pub workspace_root: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_model: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectMetaUpdateCommand {
    pub command_id: String,
    pub project_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_root: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scripts: Option<Vec<ProjectScript>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDeleteCommand {
    pub command_id: String,
    pub project_id: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadCreateCommand {
    pub command_id: String,
    pub thread_id: String,
    pub project_id: String,
    pub title: String,
    /// v0.0.4's model; a DP Code client sends `modelSelection` instead (then this is its model).
    #[serde(default)]
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_selection: Option<ModelSelection>,
    pub runtime_mode: RuntimeMode,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub branch: Option<String>,
    pub worktree_path: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadDeleteCommand {
    pub command_id: String,
    pub thread_id: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMetaUpdateCommand {
    pub command_id: String,
    pub thread_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Absent leaves the branch alone; `null` clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub branch: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub worktree_path: Option<Option<String>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRuntimeModeSetCommand {
    pub command_id: String,
    pub thread_id: String,
    pub runtime_mode: RuntimeMode,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadInteractionModeSetCommand {
    pub command_id: String,
    pub thread_id: String,
    pub interaction_mode: InteractionMode,
    pub created_at: String,
}

/// The only role a client may send a turn as.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UserRole {
    #[default]
    #[serde(rename = "user")]
    User,
}

/// The `"type": "image"` literal.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ImageKind {
    #[default]
    #[serde(rename = "image")]
    Image,
}

/// An image in a `thread.turn.start`. Clients upload it inline (`dataUrl`, no `id`); the server
/// edge writes the bytes to the state directory, sets `id` and drops `dataUrl` before the
/// command reaches the decider, which only accepts stored images.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TurnAttachment {
    #[serde(rename = "type")]
    pub kind: ImageKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub mime_type: String,
    #[serde(deserialize_with = "non_negative_int")]
    pub size_bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_url: Option<String>,
}

impl TurnAttachment {
    /// The persisted form, once the upload has been stored.
    pub fn stored(&self) -> Option<ChatAttachment> {
        match (&self.id, &self.data_url) {
            (Some(id), None) => Some(ChatAttachment::Image(ImageAttachment {
                id: id.clone(),
                name: self.name.clone(),
                mime_type: self.mime_type.clone(),
                size_bytes: self.size_bytes,
            })),
            _ => None,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TurnStartMessage {
    pub message_id: String,
    pub role: UserRole,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<TurnAttachment>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnStartCommand {
    pub command_id: String,
    pub thread_id: String,
    pub message: TurnStartMessage,
    /// DP Code's selection; when absent, v0.0.4's `provider`/`model` (codex) or the thread's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_selection: Option<ModelSelection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_tier: Option<Option<ServiceTier>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_options: Option<ProviderModelOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_delivery_mode: Option<AssistantDeliveryMode>,
    /// DP Code's: on a running thread, queue after the turn (the default) or steer it.
    #[serde(default, skip_serializing_if = "DispatchMode::is_queue")]
    pub dispatch_mode: DispatchMode,
    pub runtime_mode: RuntimeMode,
    pub interaction_mode: InteractionMode,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnInterruptCommand {
    pub command_id: String,
    pub thread_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadApprovalRespondCommand {
    pub command_id: String,
    pub thread_id: String,
    pub request_id: String,
    pub decision: ApprovalDecision,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadUserInputRespondCommand {
    pub command_id: String,
    pub thread_id: String,
    pub request_id: String,
    pub answers: Map<String, Value>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadCheckpointRevertCommand {
    pub command_id: String,
    pub thread_id: String,
    #[serde(deserialize_with = "non_negative_int")]
    pub turn_count: u64,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSessionStopCommand {
    pub command_id: String,
    pub thread_id: String,
    pub created_at: String,
}

/// DP Code's `thread.archive` / `thread.unarchive` (C/orchestration.ts:876-886): the thread
/// leaves (or rejoins) the sidebar; nothing of it is deleted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadArchiveCommand {
    pub command_id: String,
    pub thread_id: String,
}

/// What a client may dispatch with `orchestration.dispatchCommand`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum ClientCommand {
    #[serde(rename = "project.create")]
    ProjectCreate(ProjectCreateCommand),
    #[serde(rename = "project.meta.update")]
    ProjectMetaUpdate(ProjectMetaUpdateCommand),
    #[serde(rename = "project.delete")]
    ProjectDelete(ProjectDeleteCommand),
    #[serde(rename = "thread.create")]
    ThreadCreate(ThreadCreateCommand),
    #[serde(rename = "thread.delete")]
    ThreadDelete(ThreadDeleteCommand),
    #[serde(rename = "thread.meta.update")]
    ThreadMetaUpdate(ThreadMetaUpdateCommand),
    #[serde(rename = "thread.runtime-mode.set")]
    ThreadRuntimeModeSet(ThreadRuntimeModeSetCommand),
    #[serde(rename = "thread.interaction-mode.set")]
    ThreadInteractionModeSet(ThreadInteractionModeSetCommand),
    #[serde(rename = "thread.turn.start")]
    ThreadTurnStart(ThreadTurnStartCommand),
    #[serde(rename = "thread.turn.interrupt")]
    ThreadTurnInterrupt(ThreadTurnInterruptCommand),
    #[serde(rename = "thread.approval.respond")]
    ThreadApprovalRespond(ThreadApprovalRespondCommand),
    #[serde(rename = "thread.user-input.respond")]
    ThreadUserInputRespond(ThreadUserInputRespondCommand),
    #[serde(rename = "thread.checkpoint.revert")]
    ThreadCheckpointRevert(ThreadCheckpointRevertCommand),
    #[serde(rename = "thread.session.stop")]
    ThreadSessionStop(ThreadSessionStopCommand),
    #[serde(rename = "thread.archive")]
    ThreadArchive(ThreadArchiveCommand),
    #[serde(rename = "thread.unarchive")]
    ThreadUnarchive(ThreadArchiveCommand),
}

impl ClientCommand {
    pub fn command_id(&self) -> &str {
        use ClientCommand as C;
        match self {
            C::ProjectCreate(c) => &c.command_id,
            C::ProjectMetaUpdate(c) => &c.command_id,
            C::ProjectDelete(c) => &c.command_id,
            C::ThreadCreate(c) => &c.command_id,
            C::ThreadDelete(c) => &c.command_id,
            C::ThreadMetaUpdate(c) => &c.command_id,
            C::ThreadRuntimeModeSet(c) => &c.command_id,
            C::ThreadInteractionModeSet(c) => &c.command_id,
            C::ThreadTurnStart(c) => &c.command_id,
            C::ThreadTurnInterrupt(c) => &c.command_id,
            C::ThreadApprovalRespond(c) => &c.command_id,
            C::ThreadUserInputRespond(c) => &c.command_id,
            C::ThreadCheckpointRevert(c) => &c.command_id,
            C::ThreadSessionStop(c) => &c.command_id,
            C::ThreadArchive(c) | C::ThreadUnarchive(c) => &c.command_id,
        }
    }

    pub fn type_name(&self) -> &'static str {
        use ClientCommand as C;
        match self {
            C::ProjectCreate(_) => "project.create",
            C::ProjectMetaUpdate(_) => "project.meta.update",
            C::ProjectDelete(_) => "project.delete",
            C::ThreadCreate(_) => "thread.create",
            C::ThreadDelete(_) => "thread.delete",
            C::ThreadMetaUpdate(_) => "thread.meta.update",
            C::ThreadRuntimeModeSet(_) => "thread.runtime-mode.set",
            C::ThreadInteractionModeSet(_) => "thread.interaction-mode.set",
            C::ThreadTurnStart(_) => "thread.turn.start",
            C::ThreadTurnInterrupt(_) => "thread.turn.interrupt",
            C::ThreadApprovalRespond(_) => "thread.approval.respond",
            C::ThreadUserInputRespond(_) => "thread.user-input.respond",
            C::ThreadCheckpointRevert(_) => "thread.checkpoint.revert",
            C::ThreadSessionStop(_) => "thread.session.stop",
            C::ThreadArchive(_) => "thread.archive",
            C::ThreadUnarchive(_) => "thread.unarchive",
        }
    }

    pub fn aggregate(&self) -> (AggregateKind, &str) {
        use ClientCommand as C;
        match self {
            C::ProjectCreate(c) => (AggregateKind::Project, &c.project_id),
            C::ProjectMetaUpdate(c) => (AggregateKind::Project, &c.project_id),
            C::ProjectDelete(c) => (AggregateKind::Project, &c.project_id),
            C::ThreadCreate(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadDelete(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadMetaUpdate(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadRuntimeModeSet(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadInteractionModeSet(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadTurnStart(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadTurnInterrupt(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadApprovalRespond(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadUserInputRespond(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadCheckpointRevert(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadSessionStop(c) => (AggregateKind::Thread, &c.thread_id),
            C::ThreadArchive(c) | C::ThreadUnarchive(c) => (AggregateKind::Thread, &c.thread_id),
        }
    }
}
