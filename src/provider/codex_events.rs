//! What codex's notifications and requests mean for a thread: a pure state machine from the
//! app-server's JSON-RPC traffic to [`Effect`]s (assistant text, activities, plans, session
//! changes, replies). The thread's session actor carries the effects out; keeping the mapping
//! here lets it be tested line by line against recorded conversations.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::provider::codex_protocol::{self as wire, method, parse, ThreadItem};

use crate::orchestration::model::{
    Activity, ActivityTone, ApprovalDecision, AssistantDeliveryMode, ProposedPlan, SessionStatus,
};
// The normalized effects live beside every driver; the old paths still name them.
pub use crate::provider::effects::{Effect, TurnOutcome};

/// In buffered delivery, text beyond this many bytes is sent early so one huge answer cannot
/// sit in memory unseen (the reference spilled at 24,000 characters).
pub const BUFFER_SPILL_BYTES: usize = 24_000;
/// Activity details are cut to this many characters, as in the reference.
const DETAIL_MAX_CHARS: usize = 180;

#[derive(Debug, Clone, PartialEq)]
enum PendingKind {
    Approval {
        kind: &'static str,
        kind_type: &'static str,
    },
    UserInput,
}

#[derive(Debug, Clone)]
struct PendingRequest {
    rpc_id: Value,
    kind: PendingKind,
    turn_id: Option<String>,
}

#[derive(Debug, Clone)]
struct OpenMessage {
    message_id: String,
    turn_id: Option<String>,
    buffer: String,
    sent_any: bool,
}

impl OpenMessage {
    /// The message for codex item `item_id`; its id is the reference's `assistant:<item>`.
    fn new(item_id: &str, turn_id: Option<String>) -> Self {
        OpenMessage {
            message_id: format!("assistant:{item_id}"),
            turn_id,
            buffer: String::new(),
            sent_any: false,
        }
    }
}

#[derive(Debug, Clone)]
struct OpenPlan {
    turn_id: String,
    text: String,
    created_at: String,
}

/// One thread's view of its codex conversation.
pub struct CodexTranslator {
    thread_id: String,
    delivery: AssistantDeliveryMode,
    active_turn: Option<String>,
    messages: IndexMap<String, OpenMessage>,
    plan: Option<OpenPlan>,
    pending: HashMap<String, PendingRequest>,
    token_usage: Option<Value>,
    new_id: Box<dyn FnMut() -> String + Send>,
}

impl CodexTranslator {
    pub fn new(thread_id: impl Into<String>) -> Self {
        Self::with_ids(thread_id, || uuid::Uuid::new_v4().to_string())
    }

    /// With a deterministic id source, for tests.
    pub fn with_ids(
        thread_id: impl Into<String>,
        new_id: impl FnMut() -> String + Send + 'static,
    ) -> Self {
        CodexTranslator {
            thread_id: thread_id.into(),
            delivery: AssistantDeliveryMode::Buffered,
            active_turn: None,
            messages: IndexMap::new(),
            plan: None,
            pending: HashMap::new(),
            token_usage: None,
            new_id: Box::new(new_id),
        }
    }

    pub fn set_delivery(&mut self, delivery: AssistantDeliveryMode) {
        self.delivery = delivery;
    }

    pub fn active_turn(&self) -> Option<&str> {
        self.active_turn.as_deref()
    }

    pub fn has_pending(&self, request_id: &str) -> bool {
        self.pending.contains_key(request_id)
    }

    fn activity(
        &mut self,
        tone: ActivityTone,
        kind: &str,
        summary: impl Into<String>,
        payload: Value,
        turn_id: Option<String>,
        now: &str,
    ) -> Effect {
        Effect::Activity(Activity {
            id: (self.new_id)(),
            tone,
            kind: kind.to_string(),
            summary: summary.into(),
            payload,
            turn_id,
            sequence: None,
            created_at: now.to_string(),
        })
    }

    /// The turn a message names, else the active one.
    fn turn_of(&self, turn_id: Option<&str>) -> Option<String> {
        turn_id
            .map(str::to_string)
            .or_else(|| self.active_turn.clone())
    }

    /// A codex notification.
    pub fn notification(&mut self, method: &str, params: &Value, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        match method {
            method::TURN_STARTED => {
                let started = parse::<wire::TurnStartedNotification>(params).unwrap_or_default();
                if let Some(turn_id) = started.turn.and_then(|t| t.id).as_deref() {
                    self.active_turn = Some(turn_id.to_string());
                    self.token_usage = None;
                    out.push(Effect::Session {
                        status: SessionStatus::Running,
                        active_turn_id: Some(turn_id.to_string()),
                        last_error: None,
                    });
                }
            }
            method::TURN_COMPLETED => self.turn_completed(params, now, &mut out),
            method::ITEM_STARTED => self.item_started(params, now, &mut out),
            method::ITEM_COMPLETED => self.item_completed(params, now, &mut out),
            method::ITEM_AGENT_MESSAGE_DELTA => {
                let msg = parse::<wire::AgentMessageDeltaNotification>(params).unwrap_or_default();
                let (Some(item_id), Some(delta)) = (msg.item_id.as_deref(), msg.delta.as_deref())
                else {
                    return out;
                };
                let turn_id = self.turn_of(msg.turn_id.as_deref());
                let delivery = self.delivery;
                let message = self.open_message(item_id, turn_id);
                match delivery {
                    AssistantDeliveryMode::Streaming => {
                        message.sent_any = true;
                        out.push(Effect::AssistantText {
                            message_id: message.message_id.clone(),
                            turn_id: message.turn_id.clone(),
                            text: delta.to_string(),
                        });
                    }
                    AssistantDeliveryMode::Buffered => {
                        message.buffer.push_str(delta);
                        if message.buffer.len() >= BUFFER_SPILL_BYTES {
                            message.sent_any = true;
                            out.push(Effect::AssistantText {
                                message_id: message.message_id.clone(),
                                turn_id: message.turn_id.clone(),
                                text: std::mem::take(&mut message.buffer),
                            });
                        }
                    }
                }
            }
            method::ITEM_PLAN_DELTA => {
                let msg = parse::<wire::PlanDeltaNotification>(params).unwrap_or_default();
                if let Some(delta) = msg.delta.as_deref() {
                    let turn_id = self.turn_of(msg.turn_id.as_deref()).unwrap_or_default();
                    let plan = self.plan.get_or_insert_with(|| OpenPlan {
                        turn_id,
                        text: String::new(),
                        created_at: now.to_string(),
                    });
                    plan.text.push_str(delta);
                }
            }
            method::TURN_PLAN_UPDATED => {
                let msg = parse::<wire::TurnPlanUpdatedNotification>(params).unwrap_or_default();
                let mut payload = Map::new();
                // The steps reach the client as codex wrote them.
                payload.insert(
                    "plan".into(),
                    params.get("plan").cloned().unwrap_or(Value::Null),
                );
                if let Some(explanation) = msg.explanation {
                    payload.insert("explanation".into(), explanation.into());
                }
                let turn = self.turn_of(msg.turn_id.as_deref());
                out.push(self.activity(
                    ActivityTone::Info,
                    "turn.plan.updated",
                    "Plan updated",
                    Value::Object(payload),
                    turn,
                    now,
                ));
            }
            method::THREAD_TOKEN_USAGE_UPDATED => {
                // Kept, and reported once when the turn ends: one activity per update would
                // crowd out everything else in the thread's capped activity list. The usage
                // reaches the client as codex wrote it.
                self.token_usage = Some(params.get("tokenUsage").cloned().unwrap_or(Value::Null));
            }
            method::ERROR => {
                let msg = parse::<wire::ErrorNotification>(params).unwrap_or_default();
                let message = msg
                    .error
                    .and_then(|e| e.message)
                    .unwrap_or_else(|| "Provider runtime error".into());
                let turn = self.turn_of(msg.turn_id.as_deref());
                // A retried error is news, not a failure; the turn's own end says if it failed.
                let effect = if msg.will_retry == Some(true) {
                    self.activity(
                        ActivityTone::Info,
                        "runtime.warning",
                        "Runtime warning",
                        json!({ "message": truncate(&message) }),
                        turn,
                        now,
                    )
                } else {
                    self.activity(
                        ActivityTone::Error,
                        "runtime.error",
                        "Runtime error",
                        json!({ "message": truncate(&message) }),
                        turn,
                        now,
                    )
                };
                out.push(effect);
            }
            method::WARNING | method::CONFIG_WARNING | method::DEPRECATION_NOTICE => {
                let (message, details, thread_id) = match method {
                    method::WARNING => {
                        let w = parse::<wire::WarningNotification>(params).unwrap_or_default();
                        (w.message, None, w.thread_id)
                    }
                    method::CONFIG_WARNING => {
                        let w =
                            parse::<wire::ConfigWarningNotification>(params).unwrap_or_default();
                        (w.summary, w.details, None)
                    }
                    _ => {
                        let w = parse::<wire::DeprecationNoticeNotification>(params)
                            .unwrap_or_default();
                        (w.summary, w.details, None)
                    }
                };
                let message = text_of(message.as_deref()).unwrap_or("Warning from codex");
                let mut payload = json!({ "message": truncate(message) });
                if let Some(details) = text_of(details.as_deref()) {
                    payload["detail"] = truncate(details).into();
                }
                // Only a warning about a thread belongs to its turn (none of these name a turn).
                let turn = thread_id.and_then(|_| self.turn_of(None));
                out.push(self.activity(
                    ActivityTone::Info,
                    "runtime.warning",
                    "Runtime warning",
                    payload,
                    turn,
                    now,
                ));
            }
            _ => {}
        }
        out
    }

    fn turn_completed(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
        let completed = parse::<wire::TurnCompletedNotification>(params).unwrap_or_default();
        let turn = completed.turn.unwrap_or_default();
        let Some(turn_id) = turn.id.clone() else {
            return;
        };
        // A completion for some other turn (codex's own side turns) is not ours to end.
        if self
            .active_turn
            .as_deref()
            .is_some_and(|active| active != turn_id)
        {
            return;
        }
        self.finish_open(out);
        if let Some(plan) = self.plan.take() {
            let markdown = plan.text.trim().to_string();
            if !markdown.is_empty() {
                out.push(self.proposed_plan(Some(turn_id.clone()), markdown, plan.created_at, now));
            }
        }
        if let Some(usage) = self.token_usage.take() {
            let total = parse::<wire::ThreadTokenUsage>(&usage)
                .and_then(|u| u.total)
                .and_then(|t| t.total_tokens)
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0);
            out.push(self.activity(
                ActivityTone::Info,
                "turn.token-usage",
                format!("{total} tokens used"),
                usage,
                Some(turn_id.clone()),
                now,
            ));
        }
        self.active_turn = None;
        let outcome = match turn.status {
            Some(wire::TurnStatus::Failed) => TurnOutcome::Failed(
                text_of(turn.error.as_ref().and_then(|e| e.message.as_deref()))
                    .unwrap_or("Turn failed")
                    .to_string(),
            ),
            Some(wire::TurnStatus::Interrupted) => TurnOutcome::Interrupted,
            _ => TurnOutcome::Completed,
        };
        // The turn's checkpoint reads "completed" either way (as in the reference); this says
        // in the thread that it was cut short.
        if outcome == TurnOutcome::Interrupted {
            out.push(self.activity(
                ActivityTone::Info,
                "turn.interrupted",
                "Turn interrupted",
                json!({ "detail": "codex stopped before finishing this turn" }),
                Some(turn_id.clone()),
                now,
            ));
        }
        out.push(Effect::TurnEnded { turn_id, outcome });
    }

    /// Closes every open assistant message (a turn ended, or the process went away).
    pub fn finish_open(&mut self, out: &mut Vec<Effect>) {
        for (_, message) in std::mem::take(&mut self.messages) {
            Self::finish_message(message, None, out);
        }
    }
}

fn text_of(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|s| !s.is_empty())
}

fn truncate(text: &str) -> String {
    t3rs_core::text::ellipsize_chars(text, DETAIL_MAX_CHARS)
}

mod items;
mod requests;

#[cfg(test)]
mod tests;
