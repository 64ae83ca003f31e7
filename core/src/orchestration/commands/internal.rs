//! The 7 commands the server makes itself from provider and checkpoint activity; never
//! accepted from clients.

use serde::{Deserialize, Serialize};

use crate::orchestration::events::AggregateKind;
use crate::orchestration::model::{
    Activity, CheckpointFile, CheckpointStatus, ModelSelection, ProposedPlan, Session,
};

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
    /// The agent writing it, as the session running its turn knows it. Without, the thread's
    /// selection is taken, which a message queued behind the turn has already changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<ModelSelection>,
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
    /// As [`AssistantDeltaCommand::answered_by`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<ModelSelection>,
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
