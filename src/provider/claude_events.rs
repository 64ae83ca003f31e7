//! What Claude Code's stream-json stdout means for a thread: a pure state machine from the lines
//! of `claude -p --output-format stream-json --verbose --include-partial-messages
//! --permission-prompt-tool stdio` to the same [`Effect`]s codex's traffic becomes (assistant
//! text, tool activities, approval and user-input requests, proposed plans, token usage, a
//! turn's end). The Claude driver writes the lines the effects ask for (see
//! [`control_response_line`]); tested line by line against tests/fixtures/claude.
//!
//! Claude Code has no turn ids: the driver names the turn when it sends the user line
//! ([`ClaudeTranslator::begin_turn`]) and the `result` line ends it. Each content block of an
//! assistant message arrives as `stream_event`s (partial messages) and then as one `assistant`
//! line, so text is taken from the deltas when they came and from the `assistant` line otherwise.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::orchestration::model::{
    Activity, ActivityTone, AssistantDeliveryMode, ProposedPlan, SessionStatus,
};
use crate::provider::effects::{Effect, TurnOutcome};

/// In buffered delivery, text beyond this many bytes is sent early (as for codex).
pub const BUFFER_SPILL_BYTES: usize = 24_000;
/// Activity details are cut to this many characters, as for codex.
const DETAIL_MAX_CHARS: usize = 180;

/// The stdin line answering Claude Code's control request `request_id` with an effect's result:
/// `Ok(body)` is a `success` whose `response` is `body` (for can_use_tool, `{behavior, ...}`),
/// `Err` an `error`.
pub fn control_response_line(request_id: &Value, result: &Result<Value, (i64, String)>) -> Value {
    match result {
        Ok(body) => json!({"type": "control_response", "response": {
            "subtype": "success", "request_id": request_id, "response": body}}),
        Err((_, message)) => json!({"type": "control_response", "response": {
            "subtype": "error", "request_id": request_id, "error": message}}),
    }
}

/// The stdin line of a user turn.
pub fn user_line(text: &str, images: &[(&str, String)]) -> Value {
    let mut content = Vec::new();
    if !text.trim().is_empty() || images.is_empty() {
        content.push(json!({"type": "text", "text": text}));
    }
    for (media_type, data) in images {
        content.push(json!({"type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data}}));
    }
    json!({"type": "user", "message": {"role": "user", "content": content},
           "parent_tool_use_id": null, "session_id": ""})
}

/// The stdin line that interrupts the running turn (answered by a `control_response` success,
/// then the turn's `result` with `terminal_reason: aborted_*`).
pub fn interrupt_line(request_id: &str) -> Value {
    json!({"type": "control_request", "request_id": request_id, "request": {"subtype": "interrupt"}})
}

#[derive(Debug, Clone, PartialEq)]
enum PendingKind {
    Approval {
        kind: &'static str,
        kind_type: &'static str,
    },
    /// AskUserQuestion: the questions as Claude wrote them.
    UserInput { questions: Vec<Value> },
}

#[derive(Debug, Clone)]
struct PendingRequest {
    /// The control request's `request_id`.
    control_id: Value,
    kind: PendingKind,
    tool_use_id: Option<String>,
    input: Value,
    suggestions: Value,
    turn_id: Option<String>,
}

#[derive(Debug, Clone)]
struct OpenMessage {
    message_id: String,
    turn_id: Option<String>,
    buffer: String,
    sent_any: bool,
}

/// A tool_use the translator reported as started.
#[derive(Debug, Clone)]
struct OpenTool {
    item_type: &'static str,
    title: &'static str,
    detail: Option<String>,
    turn_id: Option<String>,
}

/// One thread's view of its Claude Code conversation.
pub struct ClaudeTranslator {
    thread_id: String,
    delivery: AssistantDeliveryMode,
    active_turn: Option<String>,
    session_id: Option<String>,
    permission_mode: Option<String>,
    /// The message the stream events are about (the last `message_start`).
    current_message: Option<String>,
    /// Text blocks streaming now, by (message id, block index).
    messages: IndexMap<(String, u64), OpenMessage>,
    /// How many `assistant` lines (one per content block) each message has had.
    blocks_seen: HashMap<String, u64>,
    tools: HashMap<String, OpenTool>,
    /// tool_use ids whose approval the user declined.
    declined: Vec<String>,
    pending: HashMap<String, PendingRequest>,
    new_id: Box<dyn FnMut() -> String + Send>,
}

impl ClaudeTranslator {
    pub fn new(thread_id: impl Into<String>) -> Self {
        Self::with_ids(thread_id, || uuid::Uuid::new_v4().to_string())
    }

    /// With a deterministic id source, for tests.
    pub fn with_ids(
        thread_id: impl Into<String>,
        new_id: impl FnMut() -> String + Send + 'static,
    ) -> Self {
        ClaudeTranslator {
            thread_id: thread_id.into(),
            delivery: AssistantDeliveryMode::Buffered,
            active_turn: None,
            session_id: None,
            permission_mode: None,
            current_message: None,
            messages: IndexMap::new(),
            blocks_seen: HashMap::new(),
            tools: HashMap::new(),
            declined: Vec::new(),
            pending: HashMap::new(),
            new_id: Box::new(new_id),
        }
    }

    pub fn set_delivery(&mut self, delivery: AssistantDeliveryMode) {
        self.delivery = delivery;
    }

    pub fn active_turn(&self) -> Option<&str> {
        self.active_turn.as_deref()
    }

    /// The conversation's id (from `system/init`), what `--resume` takes.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The permission mode Claude last reported (`plan` until ExitPlanMode is allowed).
    pub fn permission_mode(&self) -> Option<&str> {
        self.permission_mode.as_deref()
    }

    pub fn has_pending(&self, request_id: &str) -> bool {
        self.pending.contains_key(request_id)
    }

    /// The driver sent the user line of turn `turn_id`.
    pub fn begin_turn(&mut self, turn_id: &str) -> Vec<Effect> {
        self.active_turn = Some(turn_id.to_string());
        vec![Effect::Session {
            status: SessionStatus::Running,
            active_turn_id: Some(turn_id.to_string()),
            last_error: None,
        }]
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

    /// One line of Claude Code's stdout, parsed.
    pub fn line(&mut self, line: &Value, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        // A subagent's (Task tool) traffic: only its permission requests concern the user.
        let nested = !line["parent_tool_use_id"].is_null();
        match line["type"].as_str().unwrap_or_default() {
            "system" => self.system(line),
            "stream_event" if !nested => self.stream_event(&line["event"], &mut out),
            "assistant" if !nested => self.assistant(&line["message"], now, &mut out),
            "user" if !nested => self.user(line, now, &mut out),
            "control_request" => out.extend(self.control_request(line, now)),
            "control_cancel_request" => {
                let id = &line["request_id"];
                out.extend(self.cancel_control_request(id, now));
            }
            "result" => self.result(line, now, &mut out),
            // control_response answers our own requests (initialize, interrupt).
            _ => {}
        }
        out
    }

    fn system(&mut self, line: &Value) {
        if let Some(session) = line["session_id"].as_str().filter(|s| !s.is_empty()) {
            self.session_id = Some(session.to_string());
        }
        if let Some(mode) = line["permissionMode"].as_str() {
            self.permission_mode = Some(mode.to_string());
        }
    }

    fn stream_event(&mut self, event: &Value, out: &mut Vec<Effect>) {
        let Some(message_id) = self.streaming_message_id(event) else {
            return;
        };
        let index = event["index"].as_u64().unwrap_or(0);
        match event["type"].as_str().unwrap_or_default() {
            "content_block_start" if event["content_block"]["type"] == "text" => {
                let key = (message_id.clone(), index);
                let turn_id = self.active_turn.clone();
                self.messages.entry(key).or_insert_with(|| OpenMessage {
                    message_id: format!("assistant:{message_id}:{index}"),
                    turn_id,
                    buffer: String::new(),
                    sent_any: false,
                });
            }
            "content_block_delta" if event["delta"]["type"] == "text_delta" => {
                let Some(text) = event["delta"]["text"].as_str() else {
                    return;
                };
                let delivery = self.delivery;
                let Some(message) = self.messages.get_mut(&(message_id, index)) else {
                    return;
                };
                match delivery {
                    AssistantDeliveryMode::Streaming => {
                        message.sent_any = true;
                        out.push(Effect::AssistantText {
                            message_id: message.message_id.clone(),
                            turn_id: message.turn_id.clone(),
                            text: text.to_string(),
                        });
                    }
                    AssistantDeliveryMode::Buffered => {
                        message.buffer.push_str(text);
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
            _ => {}
        }
    }

    /// The id of the message a stream event belongs to: `message_start` names it, the events
    /// after it belong to the newest one.
    fn streaming_message_id(&mut self, event: &Value) -> Option<String> {
        if event["type"] == "message_start" {
            let id = event["message"]["id"].as_str()?.to_string();
            self.blocks_seen.entry(id.clone()).or_insert(0);
            self.current_message = Some(id);
        }
        self.current_message.clone()
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
