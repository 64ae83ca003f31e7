//! Commands: the 14 a client may dispatch, the 7 the server makes itself, and the boundary
//! decoder that turns a client's JSON into a validated [`ClientCommand`].

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::events::AggregateKind;
use super::model::{
    double_option, Activity, ApprovalDecision, AssistantDeliveryMode, ChatAttachment,
    CheckpointFile, CheckpointStatus, ImageAttachment, InteractionMode, ProjectScript,
    ProposedPlan, ProviderKind, ProviderModelOptions, RuntimeMode, ServiceTier, Session,
};
use crate::field_error::json_kind;
use crate::field_error::FieldError;

pub const MAX_TURN_TEXT_CHARS: usize = 120_000;
pub const MAX_TURN_ATTACHMENTS: usize = 8;
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_IMAGE_DATA_URL_CHARS: usize = 14_000_000;
pub const MAX_ATTACHMENT_ID_CHARS: usize = 128;
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 255;
pub const MAX_ATTACHMENT_MIME_CHARS: usize = 100;

// ---------------------------------------------------------------------------------------------
// Client commands

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
    pub model: String,
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
}

// ---------------------------------------------------------------------------------------------
// Internal commands

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSessionSetCommand {
    pub command_id: String,
    pub thread_id: String,
    pub session: Session,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AssistantDeltaCommand {
    pub command_id: String,
    pub thread_id: String,
    pub message_id: String,
    pub delta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AssistantCompleteCommand {
    pub command_id: String,
    pub thread_id: String,
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProposedPlanUpsertCommand {
    pub command_id: String,
    pub thread_id: String,
    pub proposed_plan: ProposedPlan,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TurnDiffCompleteCommand {
    pub command_id: String,
    pub thread_id: String,
    pub turn_id: String,
    pub completed_at: String,
    pub checkpoint_ref: String,
    pub status: CheckpointStatus,
    pub files: Vec<CheckpointFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_message_id: Option<String>,
    pub checkpoint_turn_count: u64,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ActivityAppendCommand {
    pub command_id: String,
    pub thread_id: String,
    pub activity: Activity,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RevertCompleteCommand {
    pub command_id: String,
    pub thread_id: String,
    pub turn_count: u64,
    pub created_at: String,
}

/// Commands the server makes from provider and checkpoint activity; never accepted from clients.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type")]
pub enum InternalCommand {
    #[serde(rename = "thread.session.set")]
    ThreadSessionSet(ThreadSessionSetCommand),
    #[serde(rename = "thread.message.assistant.delta")]
    ThreadMessageAssistantDelta(AssistantDeltaCommand),
    #[serde(rename = "thread.message.assistant.complete")]
    ThreadMessageAssistantComplete(AssistantCompleteCommand),
    #[serde(rename = "thread.proposed-plan.upsert")]
    ThreadProposedPlanUpsert(ProposedPlanUpsertCommand),
    #[serde(rename = "thread.turn.diff.complete")]
    ThreadTurnDiffComplete(TurnDiffCompleteCommand),
    #[serde(rename = "thread.activity.append")]
    ThreadActivityAppend(ActivityAppendCommand),
    #[serde(rename = "thread.revert.complete")]
    ThreadRevertComplete(RevertCompleteCommand),
}

/// Anything the decider accepts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Command {
    Client(ClientCommand),
    Internal(InternalCommand),
}

impl From<ClientCommand> for Command {
    fn from(command: ClientCommand) -> Self {
        Command::Client(command)
    }
}

impl From<InternalCommand> for Command {
    fn from(command: InternalCommand) -> Self {
        Command::Internal(command)
    }
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
        }
    }
}

impl InternalCommand {
    pub fn command_id(&self) -> &str {
        use InternalCommand as I;
        match self {
            I::ThreadSessionSet(c) => &c.command_id,
            I::ThreadMessageAssistantDelta(c) => &c.command_id,
            I::ThreadMessageAssistantComplete(c) => &c.command_id,
            I::ThreadProposedPlanUpsert(c) => &c.command_id,
            I::ThreadTurnDiffComplete(c) => &c.command_id,
            I::ThreadActivityAppend(c) => &c.command_id,
            I::ThreadRevertComplete(c) => &c.command_id,
        }
    }

    pub fn type_name(&self) -> &'static str {
        use InternalCommand as I;
        match self {
            I::ThreadSessionSet(_) => "thread.session.set",
            I::ThreadMessageAssistantDelta(_) => "thread.message.assistant.delta",
            I::ThreadMessageAssistantComplete(_) => "thread.message.assistant.complete",
            I::ThreadProposedPlanUpsert(_) => "thread.proposed-plan.upsert",
            I::ThreadTurnDiffComplete(_) => "thread.turn.diff.complete",
            I::ThreadActivityAppend(_) => "thread.activity.append",
            I::ThreadRevertComplete(_) => "thread.revert.complete",
        }
    }

    pub fn created_at(&self) -> &str {
        use InternalCommand as I;
        match self {
            I::ThreadSessionSet(c) => &c.created_at,
            I::ThreadMessageAssistantDelta(c) => &c.created_at,
            I::ThreadMessageAssistantComplete(c) => &c.created_at,
            I::ThreadProposedPlanUpsert(c) => &c.created_at,
            I::ThreadTurnDiffComplete(c) => &c.created_at,
            I::ThreadActivityAppend(c) => &c.created_at,
            I::ThreadRevertComplete(c) => &c.created_at,
        }
    }

    /// Every internal command addresses a thread.
    pub fn thread_id(&self) -> &str {
        use InternalCommand as I;
        match self {
            I::ThreadSessionSet(c) => &c.thread_id,
            I::ThreadMessageAssistantDelta(c) => &c.thread_id,
            I::ThreadMessageAssistantComplete(c) => &c.thread_id,
            I::ThreadProposedPlanUpsert(c) => &c.thread_id,
            I::ThreadTurnDiffComplete(c) => &c.thread_id,
            I::ThreadActivityAppend(c) => &c.thread_id,
            I::ThreadRevertComplete(c) => &c.thread_id,
        }
    }

    pub fn aggregate(&self) -> (AggregateKind, &str) {
        (AggregateKind::Thread, self.thread_id())
    }
}

impl Command {
    pub fn command_id(&self) -> &str {
        match self {
            Command::Client(c) => c.command_id(),
            Command::Internal(c) => c.command_id(),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Command::Client(c) => c.type_name(),
            Command::Internal(c) => c.type_name(),
        }
    }

    pub fn aggregate(&self) -> (AggregateKind, &str) {
        match self {
            Command::Client(c) => c.aggregate(),
            Command::Internal(c) => c.aggregate(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Boundary decoding

/// Decodes and validates a client command. Error fields are paths relative to the command
/// (`threadId`, `message.attachments[0].name`); the caller prefixes its own location. Ids and
/// other non-empty strings come back trimmed, as the reference's `Schema.Trim` does.
pub fn decode_client_command(value: Value) -> Result<ClientCommand, FieldError> {
    let type_name = match &value {
        Value::Object(map) => match map.get("type") {
            Some(Value::String(name)) => name.clone(),
            Some(other) => {
                return Err(FieldError::new(
                    "type",
                    format!("expected a string, got {}", json_kind(other)),
                ))
            }
            None => return Err(FieldError::new("type", "missing")),
        },
        other => {
            return Err(FieldError::new(
                "",
                format!("expected an object, got {}", json_kind(other)),
            ))
        }
    };
    use ClientCommand as C;
    // Each variant is decoded on its own: serde loses field paths inside tagged enums.
    let mut command = match type_name.as_str() {
        "project.create" => C::ProjectCreate(typed(value)?),
        "project.meta.update" => C::ProjectMetaUpdate(typed(value)?),
        "project.delete" => C::ProjectDelete(typed(value)?),
        "thread.create" => C::ThreadCreate(typed(value)?),
        "thread.delete" => C::ThreadDelete(typed(value)?),
        "thread.meta.update" => C::ThreadMetaUpdate(typed(value)?),
        "thread.runtime-mode.set" => C::ThreadRuntimeModeSet(typed(value)?),
        "thread.interaction-mode.set" => C::ThreadInteractionModeSet(typed(value)?),
        "thread.turn.start" => C::ThreadTurnStart(typed(value)?),
        "thread.turn.interrupt" => C::ThreadTurnInterrupt(typed(value)?),
        "thread.approval.respond" => C::ThreadApprovalRespond(typed(value)?),
        "thread.user-input.respond" => C::ThreadUserInputRespond(typed(value)?),
        "thread.checkpoint.revert" => C::ThreadCheckpointRevert(typed(value)?),
        "thread.session.stop" => C::ThreadSessionStop(typed(value)?),
        other => {
            return Err(FieldError::new(
                "type",
                format!("Unknown command type: {other}"),
            ))
        }
    };
    validate(&mut command)?;
    Ok(command)
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = err.into_inner().to_string();
        // serde reports a missing field at its container; name the field itself instead.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            return FieldError::new(join(&path, name), "missing");
        }
        FieldError::new(path, message)
    })
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Accepts any JSON number that is a whole number ≥ 0 (`3.0` included, as JavaScript does).
fn non_negative_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct NonNegativeInt;
    const MESSAGE: &str = "must be an integer greater than or equal to 0";
    impl Visitor<'_> for NonNegativeInt {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an integer greater than or equal to 0")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{MESSAGE}, got {v}")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("{MESSAGE}, got {v}")))
            }
        }
    }
    deserializer.deserialize_any(NonNegativeInt)
}

/// String length as JavaScript counts it (UTF-16 units), which is what the limits were set in.
fn js_len(value: &str) -> usize {
    value.encode_utf16().count()
}

fn non_empty(field: &str, value: &mut String) -> Result<(), FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must be a non-empty string"));
    }
    if trimmed.len() != value.len() {
        *value = trimmed.to_string();
    }
    Ok(())
}

fn opt_non_empty(field: &str, value: &mut Option<String>) -> Result<(), FieldError> {
    match value {
        Some(inner) => non_empty(field, inner),
        None => Ok(()),
    }
}

fn max_len(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    // Byte length bounds the UTF-16 length, so short strings skip the count.
    if value.len() > max && js_len(value) > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn timestamp(field: &str, value: &str) -> Result<(), FieldError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|_| ())
        .map_err(|_| FieldError::new(field, "must be an ISO-8601 date-time"))
}

fn validate_scripts(scripts: &mut [ProjectScript]) -> Result<(), FieldError> {
    for (index, script) in scripts.iter_mut().enumerate() {
        let at = |name: &str| format!("scripts[{index}].{name}");
        non_empty(&at("id"), &mut script.id)?;
        non_empty(&at("name"), &mut script.name)?;
        non_empty(&at("command"), &mut script.command)?;
    }
    Ok(())
}

fn validate_attachment(index: usize, item: &mut TurnAttachment) -> Result<(), FieldError> {
    let at = |name: &str| format!("message.attachments[{index}].{name}");
    if let Some(id) = &mut item.id {
        non_empty(&at("id"), id)?;
        max_len(&at("id"), id, MAX_ATTACHMENT_ID_CHARS)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !id.chars().all(allowed) {
            return Err(FieldError::new(
                at("id"),
                "must contain only letters, digits, '_' and '-'",
            ));
        }
    }
    non_empty(&at("name"), &mut item.name)?;
    max_len(&at("name"), &item.name, MAX_ATTACHMENT_NAME_CHARS)?;
    non_empty(&at("mimeType"), &mut item.mime_type)?;
    max_len(&at("mimeType"), &item.mime_type, MAX_ATTACHMENT_MIME_CHARS)?;
    let is_image = item
        .mime_type
        .get(..6)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("image/"));
    if !is_image {
        return Err(FieldError::new(at("mimeType"), "must start with 'image/'"));
    }
    if item.size_bytes > MAX_IMAGE_BYTES {
        return Err(FieldError::new(
            at("sizeBytes"),
            format!("must be at most {MAX_IMAGE_BYTES} bytes"),
        ));
    }
    match &mut item.data_url {
        Some(data_url) => {
            non_empty(&at("dataUrl"), data_url)?;
            max_len(&at("dataUrl"), data_url, MAX_IMAGE_DATA_URL_CHARS)?;
        }
        // An image must carry either its bytes (upload) or the id of stored bytes.
        None if item.id.is_none() => return Err(FieldError::new(at("dataUrl"), "missing")),
        None => {}
    }
    Ok(())
}

fn validate(command: &mut ClientCommand) -> Result<(), FieldError> {
    use ClientCommand as C;
    non_empty("commandId", command_id_mut(command))?;
    match command {
        C::ProjectCreate(c) => {
            non_empty("projectId", &mut c.project_id)?;
            non_empty("title", &mut c.title)?;
            non_empty("workspaceRoot", &mut c.workspace_root)?;
            opt_non_empty("defaultModel", &mut c.default_model)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ProjectMetaUpdate(c) => {
            non_empty("projectId", &mut c.project_id)?;
            opt_non_empty("title", &mut c.title)?;
            opt_non_empty("workspaceRoot", &mut c.workspace_root)?;
            opt_non_empty("defaultModel", &mut c.default_model)?;
            if let Some(scripts) = &mut c.scripts {
                validate_scripts(scripts)?;
            }
        }
        C::ProjectDelete(c) => non_empty("projectId", &mut c.project_id)?,
        C::ThreadCreate(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("projectId", &mut c.project_id)?;
            non_empty("title", &mut c.title)?;
            non_empty("model", &mut c.model)?;
            opt_non_empty("branch", &mut c.branch)?;
            opt_non_empty("worktreePath", &mut c.worktree_path)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadDelete(c) => non_empty("threadId", &mut c.thread_id)?,
        C::ThreadMetaUpdate(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            opt_non_empty("title", &mut c.title)?;
            opt_non_empty("model", &mut c.model)?;
            if let Some(branch) = &mut c.branch {
                opt_non_empty("branch", branch)?;
            }
            if let Some(path) = &mut c.worktree_path {
                opt_non_empty("worktreePath", path)?;
            }
        }
        C::ThreadRuntimeModeSet(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadInteractionModeSet(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadTurnStart(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("message.messageId", &mut c.message.message_id)?;
            max_len("message.text", &c.message.text, MAX_TURN_TEXT_CHARS)?;
            if c.message.attachments.len() > MAX_TURN_ATTACHMENTS {
                return Err(FieldError::new(
                    "message.attachments",
                    format!("must have at most {MAX_TURN_ATTACHMENTS} items"),
                ));
            }
            for (index, item) in c.message.attachments.iter_mut().enumerate() {
                validate_attachment(index, item)?;
            }
            opt_non_empty("model", &mut c.model)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadTurnInterrupt(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            opt_non_empty("turnId", &mut c.turn_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadApprovalRespond(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("requestId", &mut c.request_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadUserInputRespond(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            non_empty("requestId", &mut c.request_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadCheckpointRevert(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
        C::ThreadSessionStop(c) => {
            non_empty("threadId", &mut c.thread_id)?;
            timestamp("createdAt", &c.created_at)?;
        }
    }
    Ok(())
}

fn command_id_mut(command: &mut ClientCommand) -> &mut String {
    use ClientCommand as C;
    match command {
        C::ProjectCreate(c) => &mut c.command_id,
        C::ProjectMetaUpdate(c) => &mut c.command_id,
        C::ProjectDelete(c) => &mut c.command_id,
        C::ThreadCreate(c) => &mut c.command_id,
        C::ThreadDelete(c) => &mut c.command_id,
        C::ThreadMetaUpdate(c) => &mut c.command_id,
        C::ThreadRuntimeModeSet(c) => &mut c.command_id,
        C::ThreadInteractionModeSet(c) => &mut c.command_id,
        C::ThreadTurnStart(c) => &mut c.command_id,
        C::ThreadTurnInterrupt(c) => &mut c.command_id,
        C::ThreadApprovalRespond(c) => &mut c.command_id,
        C::ThreadUserInputRespond(c) => &mut c.command_id,
        C::ThreadCheckpointRevert(c) => &mut c.command_id,
        C::ThreadSessionStop(c) => &mut c.command_id,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::orchestration::test_support::*;

    fn field_of(value: Value) -> (String, String) {
        let err = decode_client_command(value).expect_err("must fail");
        (err.field, err.message)
    }

    fn image(extra: Value) -> Value {
        let mut base = json!({"type": "image", "name": "a.png", "mimeType": "image/png",
                              "sizeBytes": 10, "dataUrl": "data:image/png;base64,AAA"});
        if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
            base.extend(extra);
        }
        base
    }

    fn with(mut value: Value, pointer: &str, replacement: Value) -> Value {
        match value.pointer_mut(pointer) {
            Some(slot) => *slot = replacement,
            None => {
                let key = pointer.trim_start_matches('/');
                value
                    .as_object_mut()
                    .expect("object")
                    .insert(key.to_string(), replacement);
            }
        }
        value
    }

    fn without(mut value: Value, key: &str) -> Value {
        value.as_object_mut().expect("object").remove(key);
        value
    }

    #[test]
    fn decode_errors_name_the_field() {
        let turn = turn_start("t1", "m1", "hi");
        let cases: Vec<(Value, &str, &str)> = vec![
            (without(turn.clone(), "threadId"), "threadId", "missing"),
            (
                with(turn.clone(), "/threadId", json!("   ")),
                "threadId",
                "must be a non-empty string",
            ),
            (
                with(turn.clone(), "/commandId", json!("")),
                "commandId",
                "must be a non-empty string",
            ),
            (
                with(turn.clone(), "/createdAt", json!("yesterday")),
                "createdAt",
                "must be an ISO-8601 date-time",
            ),
            (
                with(turn.clone(), "/message/text", json!("x".repeat(120_001))),
                "message.text",
                "must be at most 120000 characters",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    Value::Array(vec![image(json!({})); 9]),
                ),
                "message.attachments",
                "must have at most 8 items",
            ),
            (
                with(turn.clone(), "/runtimeMode", json!("yolo")),
                "runtimeMode",
                "unknown variant",
            ),
            (
                with(turn.clone(), "/message/role", json!("assistant")),
                "message.role",
                "unknown variant",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    json!([image(json!({"sizeBytes": 10 * 1024 * 1024 + 1}))]),
                ),
                "message.attachments[0].sizeBytes",
                "must be at most",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    json!([image(json!({"mimeType": "text/plain"}))]),
                ),
                "message.attachments[0].mimeType",
                "must start with 'image/'",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    json!([image(json!({"name": "n".repeat(256)}))]),
                ),
                "message.attachments[0].name",
                "must be at most 255",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    json!([image(json!({"id": "bad id!"}))]),
                ),
                "message.attachments[0].id",
                "must contain only",
            ),
            (
                with(
                    turn.clone(),
                    "/message/attachments",
                    json!([{"type": "image",
                    "name": "a.png", "mimeType": "image/png", "sizeBytes": 1}]),
                ),
                "message.attachments[0].dataUrl",
                "missing",
            ),
            (
                json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
                       "turnCount": -1, "createdAt": T0}),
                "turnCount",
                "must be an integer greater than or equal to 0",
            ),
            (
                json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
                       "turnCount": 1.5, "createdAt": T0}),
                "turnCount",
                "must be an integer greater than or equal to 0",
            ),
            (
                json!({"type": "thread.explode", "commandId": "c"}),
                "type",
                "Unknown command type: thread.explode",
            ),
            (json!({"commandId": "c"}), "type", "missing"),
            (json!([1]), "", "expected an object, got an array"),
            (
                json!({"type": "thread.approval.respond", "commandId": "c", "threadId": "t1",
                       "requestId": "r", "decision": "maybe", "createdAt": T0}),
                "decision",
                "unknown variant",
            ),
            (
                with(
                    create_thread("t1", "p1"),
                    "/interactionMode",
                    json!("chaos"),
                ),
                "interactionMode",
                "unknown variant",
            ),
            (
                json!({"type": "project.meta.update", "commandId": "c", "projectId": "p1",
                       "scripts": [{"id": "s", "name": " ", "command": "x", "icon": "play",
                                    "runOnWorktreeCreate": false}]}),
                "scripts[0].name",
                "must be a non-empty string",
            ),
        ];
        for (value, field, message) in cases {
            let (got_field, got_message) = field_of(value);
            assert_eq!(got_field, field, "field for {message}");
            assert!(
                got_message.contains(message),
                "{field}: expected '{message}' in '{got_message}'"
            );
        }
    }

    #[test]
    fn errors_are_relative_so_callers_can_prefix() {
        let err = decode_client_command(without(turn_start("t1", "m1", "x"), "threadId"))
            .expect_err("fails")
            .under("body.command");
        assert_eq!(err.to_string(), "body.command.threadId: missing");
    }

    #[test]
    fn decode_applies_defaults_and_trims_ids() {
        let mut value = create_thread(" t1 ", "p1");
        value
            .as_object_mut()
            .expect("object")
            .remove("interactionMode");
        let ClientCommand::ThreadCreate(command) = decode_client_command(value).expect("valid")
        else {
            panic!("wrong variant");
        };
        assert_eq!(command.thread_id, "t1");
        assert_eq!(command.interaction_mode, InteractionMode::Default);

        let value = without(
            with(
                turn_start("t1", "m1", "x"),
                "/message",
                json!({"messageId": "m1",
                "role": "user", "text": "x"}),
            ),
            "provider",
        );
        let ClientCommand::ThreadTurnStart(command) = decode_client_command(value).expect("ok")
        else {
            panic!("wrong variant");
        };
        assert!(command.message.attachments.is_empty());
        assert_eq!(command.service_tier, None);
    }

    #[test]
    fn decode_accepts_every_client_command() {
        let samples = [
            create_project("p1"),
            json!({"type": "project.meta.update", "commandId": "c", "projectId": "p1"}),
            json!({"type": "project.delete", "commandId": "c", "projectId": "p1"}),
            create_thread("t1", "p1"),
            json!({"type": "thread.delete", "commandId": "c", "threadId": "t1"}),
            json!({"type": "thread.meta.update", "commandId": "c", "threadId": "t1"}),
            json!({"type": "thread.runtime-mode.set", "commandId": "c", "threadId": "t1",
                   "runtimeMode": "full-access", "createdAt": T0}),
            json!({"type": "thread.interaction-mode.set", "commandId": "c", "threadId": "t1",
                   "interactionMode": "plan", "createdAt": T0}),
            with(
                turn_start("t1", "m1", "x"),
                "/message/attachments",
                json!([image(json!({}))]),
            ),
            json!({"type": "thread.turn.interrupt", "commandId": "c", "threadId": "t1",
                   "createdAt": T0}),
            json!({"type": "thread.approval.respond", "commandId": "c", "threadId": "t1",
                   "requestId": "r", "decision": "accept", "createdAt": T0}),
            json!({"type": "thread.user-input.respond", "commandId": "c", "threadId": "t1",
                   "requestId": "r", "answers": {}, "createdAt": T0}),
            json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
                   "turnCount": 0, "createdAt": T0}),
            json!({"type": "thread.session.stop", "commandId": "c", "threadId": "t1",
                   "createdAt": T0}),
        ];
        for sample in samples {
            let expected = sample["type"].as_str().expect("type").to_string();
            let command = decode_client_command(sample).expect("decodes");
            assert_eq!(command.type_name(), expected);
            // The serde form round-trips and keeps the wire tag.
            let json = serde_json::to_value(&command).expect("serialises");
            assert_eq!(json["type"], expected.as_str());
            let back: ClientCommand = serde_json::from_value(json).expect("deserialises");
            assert_eq!(back, command);
        }
    }

    #[test]
    fn command_accessors() {
        let command = client(turn_start("t1", "m1", "x"));
        assert_eq!(command.command_id(), "cmd-turn-m1");
        assert_eq!(command.type_name(), "thread.turn.start");
        assert_eq!(command.aggregate(), (AggregateKind::Thread, "t1"));
        let command = client(create_project("p9"));
        assert_eq!(command.aggregate(), (AggregateKind::Project, "p9"));
        let command = internal(json!({"type": "thread.revert.complete", "commandId": "k",
            "threadId": "t2", "turnCount": 1, "createdAt": T0}));
        assert_eq!(command.command_id(), "k");
        assert_eq!(command.type_name(), "thread.revert.complete");
        assert_eq!(command.aggregate(), (AggregateKind::Thread, "t2"));
    }
}
