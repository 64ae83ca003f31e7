//! Domain events: what the decider emits, the log stores, clients replay and the projector folds.
//! On the wire an event is `{sequence, eventId, …, metadata, type, payload}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::model::{
    double_option, Activity, ApprovalDecision, AssistantDeliveryMode, ChatAttachment,
    CheckpointFile, CheckpointStatus, InteractionMode, MessageRole, ModelSelection, ProjectScript,
    ProposedPlan, ProviderKind, ProviderModelOptions, RuntimeMode, ServiceTier, Session,
};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum AggregateKind {
    Project,
    Thread,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct EventMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_turn_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_item_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingested_at: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub sequence: u64,
    pub event_id: String,
    pub aggregate_kind: AggregateKind,
    pub aggregate_id: String,
    pub occurred_at: String,
    pub command_id: Option<String>,
    pub causation_event_id: Option<String>,
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub metadata: EventMetadata,
    #[serde(flatten)]
    pub body: EventBody,
}

/// An event before the engine has given it its place in the log.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventDraft {
    pub event_id: String,
    pub aggregate_kind: AggregateKind,
    pub aggregate_id: String,
    pub occurred_at: String,
    pub command_id: Option<String>,
    pub causation_event_id: Option<String>,
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub metadata: EventMetadata,
    #[serde(flatten)]
    pub body: EventBody,
}

impl EventDraft {
    pub fn into_event(self, sequence: u64) -> Event {
        Event {
            sequence,
            event_id: self.event_id,
            aggregate_kind: self.aggregate_kind,
            aggregate_id: self.aggregate_id,
            occurred_at: self.occurred_at,
            command_id: self.command_id,
            causation_event_id: self.causation_event_id,
            correlation_id: self.correlation_id,
            metadata: self.metadata,
            body: self.body,
        }
    }
}

impl Event {
    pub fn type_name(&self) -> &'static str {
        self.body.type_name()
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", content = "payload")]
pub enum EventBody {
    #[serde(rename = "project.created")]
    ProjectCreated(ProjectCreatedPayload),
    #[serde(rename = "project.meta-updated")]
    ProjectMetaUpdated(ProjectMetaUpdatedPayload),
    #[serde(rename = "project.deleted")]
    ProjectDeleted(ProjectDeletedPayload),
    #[serde(rename = "thread.created")]
    ThreadCreated(ThreadCreatedPayload),
    #[serde(rename = "thread.deleted")]
    ThreadDeleted(ThreadDeletedPayload),
    #[serde(rename = "thread.meta-updated")]
    ThreadMetaUpdated(ThreadMetaUpdatedPayload),
    #[serde(rename = "thread.runtime-mode-set")]
    ThreadRuntimeModeSet(ThreadRuntimeModeSetPayload),
    #[serde(rename = "thread.interaction-mode-set")]
    ThreadInteractionModeSet(ThreadInteractionModeSetPayload),
    #[serde(rename = "thread.message-sent")]
    ThreadMessageSent(ThreadMessageSentPayload),
    #[serde(rename = "thread.turn-start-requested")]
    ThreadTurnStartRequested(ThreadTurnStartRequestedPayload),
    #[serde(rename = "thread.turn-interrupt-requested")]
    ThreadTurnInterruptRequested(ThreadTurnInterruptRequestedPayload),
    #[serde(rename = "thread.approval-response-requested")]
    ThreadApprovalResponseRequested(ThreadApprovalResponseRequestedPayload),
    #[serde(rename = "thread.user-input-response-requested")]
    ThreadUserInputResponseRequested(ThreadUserInputResponseRequestedPayload),
    #[serde(rename = "thread.checkpoint-revert-requested")]
    ThreadCheckpointRevertRequested(ThreadCheckpointRevertRequestedPayload),
    #[serde(rename = "thread.reverted")]
    ThreadReverted(ThreadRevertedPayload),
    #[serde(rename = "thread.session-stop-requested")]
    ThreadSessionStopRequested(ThreadSessionStopRequestedPayload),
    #[serde(rename = "thread.session-set")]
    ThreadSessionSet(ThreadSessionSetPayload),
    #[serde(rename = "thread.proposed-plan-upserted")]
    ThreadProposedPlanUpserted(ThreadProposedPlanUpsertedPayload),
    #[serde(rename = "thread.turn-diff-completed")]
    ThreadTurnDiffCompleted(ThreadTurnDiffCompletedPayload),
    #[serde(rename = "thread.activity-appended")]
    ThreadActivityAppended(ThreadActivityAppendedPayload),
    /// DP Code's; v0.0.4 clients see it as a `thread.meta-updated` (see [`super::v004`]).
    #[serde(rename = "thread.archived")]
    ThreadArchived(ThreadArchivedPayload),
    #[serde(rename = "thread.unarchived")]
    ThreadUnarchived(ThreadUnarchivedPayload),
}

impl EventBody {
    pub fn type_name(&self) -> &'static str {
        use EventBody as B;
        match self {
            B::ProjectCreated(_) => "project.created",
            B::ProjectMetaUpdated(_) => "project.meta-updated",
            B::ProjectDeleted(_) => "project.deleted",
            B::ThreadCreated(_) => "thread.created",
            B::ThreadDeleted(_) => "thread.deleted",
            B::ThreadMetaUpdated(_) => "thread.meta-updated",
            B::ThreadRuntimeModeSet(_) => "thread.runtime-mode-set",
            B::ThreadInteractionModeSet(_) => "thread.interaction-mode-set",
            B::ThreadMessageSent(_) => "thread.message-sent",
            B::ThreadTurnStartRequested(_) => "thread.turn-start-requested",
            B::ThreadTurnInterruptRequested(_) => "thread.turn-interrupt-requested",
            B::ThreadApprovalResponseRequested(_) => "thread.approval-response-requested",
            B::ThreadUserInputResponseRequested(_) => "thread.user-input-response-requested",
            B::ThreadCheckpointRevertRequested(_) => "thread.checkpoint-revert-requested",
            B::ThreadReverted(_) => "thread.reverted",
            B::ThreadSessionStopRequested(_) => "thread.session-stop-requested",
            B::ThreadSessionSet(_) => "thread.session-set",
            B::ThreadProposedPlanUpserted(_) => "thread.proposed-plan-upserted",
            B::ThreadTurnDiffCompleted(_) => "thread.turn-diff-completed",
            B::ThreadActivityAppended(_) => "thread.activity-appended",
            B::ThreadArchived(_) => "thread.archived",
            B::ThreadUnarchived(_) => "thread.unarchived",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectCreatedPayload {
    pub project_id: String,
    pub title: String,
    pub workspace_root: String,
    pub default_model: Option<String>,
    pub scripts: Vec<ProjectScript>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectMetaUpdatedPayload {
    pub project_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_root: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_model: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scripts: Option<Vec<ProjectScript>>,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDeletedPayload {
    pub project_id: String,
    pub deleted_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadCreatedPayload {
    pub thread_id: String,
    pub project_id: String,
    pub title: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_selection: Option<ModelSelection>,
    #[serde(default)]
    pub runtime_mode: RuntimeMode,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub branch: Option<String>,
    pub worktree_path: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadDeletedPayload {
    pub thread_id: String,
    pub deleted_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMetaUpdatedPayload {
    pub thread_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
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
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRuntimeModeSetPayload {
    pub thread_id: String,
    pub runtime_mode: RuntimeMode,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadInteractionModeSetPayload {
    pub thread_id: String,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMessageSentPayload {
    pub thread_id: String,
    pub message_id: String,
    pub role: MessageRole,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<ChatAttachment>>,
    pub turn_id: Option<String>,
    pub streaming: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The agent writing an assistant message (see `Message::answered_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<ModelSelection>,
}

/// What a `thread.turn.start` on a running thread does (DP Code's `dispatchMode`): wait for
/// the running turn to end (`queue`, the default, so v0.0.4 clients, which send none, queue),
/// or go to the running turn now (`steer`; a driver without steering interrupts the turn and
/// starts the new one after it).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "lowercase")]
pub enum DispatchMode {
    #[default]
    Queue,
    Steer,
}

impl DispatchMode {
    /// The default, left out of payloads so v0.0.4's stay as they were.
    pub fn is_queue(&self) -> bool {
        *self == DispatchMode::Queue
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnStartRequestedPayload {
    pub thread_id: String,
    pub message_id: String,
    /// The agent for this turn (an extra field for v0.0.4 clients, whose `provider` is set only
    /// for codex).
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
    /// DP Code's `dispatchMode` (an extra field, left out when `queue`, so v0.0.4's payloads
    /// are unchanged).
    #[serde(default, skip_serializing_if = "DispatchMode::is_queue")]
    pub dispatch_mode: DispatchMode,
    #[serde(default)]
    pub runtime_mode: RuntimeMode,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnInterruptRequestedPayload {
    pub thread_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadApprovalResponseRequestedPayload {
    pub thread_id: String,
    pub request_id: String,
    pub decision: ApprovalDecision,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadUserInputResponseRequestedPayload {
    pub thread_id: String,
    pub request_id: String,
    pub answers: Map<String, Value>,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadCheckpointRevertRequestedPayload {
    pub thread_id: String,
    pub turn_count: u64,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRevertedPayload {
    pub thread_id: String,
    pub turn_count: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSessionStopRequestedPayload {
    pub thread_id: String,
    pub created_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSessionSetPayload {
    pub thread_id: String,
    pub session: Session,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadProposedPlanUpsertedPayload {
    pub thread_id: String,
    pub proposed_plan: ProposedPlan,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnDiffCompletedPayload {
    pub thread_id: String,
    pub turn_id: String,
    pub checkpoint_turn_count: u64,
    pub checkpoint_ref: String,
    pub status: CheckpointStatus,
    pub files: Vec<CheckpointFile>,
    pub assistant_message_id: Option<String>,
    pub completed_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadActivityAppendedPayload {
    pub thread_id: String,
    pub activity: Activity,
}

/// DP Code's `ThreadArchivedPayload` (C/orchestration.ts:1428): both times are the decision's.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadArchivedPayload {
    pub thread_id: String,
    pub archived_at: String,
    pub updated_at: String,
}

/// DP Code's `ThreadUnarchivedPayload` (C/orchestration.ts:1435).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadUnarchivedPayload {
    pub thread_id: String,
    pub updated_at: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::orchestration::test_support::*;

    #[test]
    fn event_serialises_with_wire_names_and_round_trips() {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        let event = h.ok(client(create_thread("t1", "p1"))).remove(0);
        let value = serde_json::to_value(&event).expect("serialises");
        assert_eq!(
            value,
            json!({
                "sequence": 2, "eventId": "evt-2", "aggregateKind": "thread",
                "aggregateId": "t1", "occurredAt": T0, "commandId": "cmd-create-t1",
                "causationEventId": null, "correlationId": "cmd-create-t1", "metadata": {},
                "type": "thread.created",
                "payload": {"threadId": "t1", "projectId": "p1", "title": "Thread",
                    "model": "gpt-5.4", "runtimeMode": "full-access",
                    "interactionMode": "default", "branch": null, "worktreePath": null,
                    "createdAt": T0, "updatedAt": T0}
            })
        );
        let text = serde_json::to_string(&event).expect("serialises");
        assert!(text.starts_with("{\"sequence\":2,\"eventId\""), "{text}");
        assert!(
            text.contains("\"type\":\"thread.created\",\"payload\":{"),
            "{text}"
        );
        let back: Event = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back, event);
        assert_eq!(back.type_name(), "thread.created");
    }

    #[test]
    fn every_event_type_round_trips() {
        let mut h = Harness::with_thread();
        let mut events = Vec::new();
        let mut push = |h: &mut Harness, command| events.extend(h.ok(command));
        push(
            &mut h,
            client(json!({"type": "project.meta.update", "commandId": "a",
            "projectId": "p1", "defaultModel": "gpt-5.2"})),
        );
        push(
            &mut h,
            client(json!({"type": "thread.meta.update", "commandId": "b",
            "threadId": "t1", "worktreePath": null})),
        );
        push(&mut h, client(turn_start("t1", "m1", "hi")));
        push(
            &mut h,
            client(
                json!({"type": "thread.user-input.respond", "commandId": "c",
            "threadId": "t1", "requestId": "r", "answers": {"k": [1, 2]}, "createdAt": T0}),
            ),
        );
        push(
            &mut h,
            internal(json!({"type": "thread.activity.append", "commandId": "d",
            "threadId": "t1", "activity": {"id": "x", "tone": "tool", "kind": "tool.started",
            "summary": "Run", "payload": {"n": 1.5}, "turnId": "turn-1", "sequence": 4,
            "createdAt": T0}, "createdAt": T0})),
        );
        push(
            &mut h,
            client(json!({"type": "thread.delete", "commandId": "e",
            "threadId": "t1"})),
        );
        for event in events {
            let text = serde_json::to_string(&event).expect("serialises");
            let back: Event = serde_json::from_str(&text).expect("deserialises");
            assert_eq!(back, event, "{text}");
        }
    }

    #[test]
    fn metadata_omits_absent_fields_and_reads_missing_as_empty() {
        let metadata = EventMetadata {
            ingested_at: Some(T0.into()),
            ..EventMetadata::default()
        };
        assert_eq!(
            serde_json::to_value(&metadata).expect("serialises"),
            json!({"ingestedAt": T0})
        );
        let mut value = serde_json::to_value(h_event()).expect("serialises");
        value.as_object_mut().expect("object").remove("metadata");
        let event: Event = serde_json::from_value(value).expect("deserialises");
        assert_eq!(event.metadata, EventMetadata::default());
    }

    fn h_event() -> Event {
        Harness::new().ok(client(create_project("p1"))).remove(0)
    }
}
