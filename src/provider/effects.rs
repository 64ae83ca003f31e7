//! What a provider's traffic means for a thread, whichever agent it comes from: the normalized
//! runtime events a driver's translator produces (assistant text, activities for tools,
//! reasoning, plans, warnings, errors, token usage, approval and user-input requests; proposed
//! plans; session changes; a turn's end) and the thread session carries out.

use serde_json::Value;

use crate::orchestration::model::{Activity, ProposedPlan, SessionStatus};

#[derive(Debug, Clone, PartialEq)]
pub enum TurnOutcome {
    Completed,
    Interrupted,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// More text of an assistant message (a streamed piece, or the whole buffered text).
    AssistantText {
        message_id: String,
        turn_id: Option<String>,
        text: String,
    },
    AssistantDone {
        message_id: String,
        turn_id: Option<String>,
    },
    Activity(Activity),
    Plan(ProposedPlan),
    Session {
        status: SessionStatus,
        active_turn_id: Option<String>,
        last_error: Option<String>,
    },
    TurnEnded {
        turn_id: String,
        outcome: TurnOutcome,
    },
    /// Answer the agent's request `id` with this result or error. Driver-internal: a driver
    /// sends it to its agent, and it never reaches the thread session.
    Reply {
        id: Value,
        result: Result<Value, (i64, String)>,
    },
}
