//! What codex's notifications and requests mean for a thread: a pure state machine from the
//! app-server's JSON-RPC traffic to [`Effect`]s (assistant text, activities, plans, session
//! changes, replies). The thread's session actor carries the effects out; keeping the mapping
//! here lets it be tested line by line against recorded conversations.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::orchestration::model::{
    Activity, ActivityTone, ApprovalDecision, AssistantDeliveryMode, ProposedPlan, SessionStatus,
};

/// In buffered delivery, text beyond this many bytes is sent early so one huge answer cannot
/// sit in memory unseen (the reference spilled at 24,000 characters).
pub const BUFFER_SPILL_BYTES: usize = 24_000;
/// Activity details are cut to this many characters, as in the reference.
const DETAIL_MAX_CHARS: usize = 180;

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
    /// Answer codex's request `id` with this result or error.
    Reply {
        id: Value,
        result: Result<Value, (i64, String)>,
    },
}

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

fn text_of(value: &Value) -> Option<&str> {
    value.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= DETAIL_MAX_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(DETAIL_MAX_CHARS - 3).collect();
    format!("{cut}...")
}

/// The human title of a tool-like item, or `None` for items that are not tools.
fn tool_title(item_type: &str) -> Option<&'static str> {
    Some(match item_type {
        "commandExecution" => "Command run",
        "fileChange" => "File change",
        "mcpToolCall" => "MCP tool call",
        "dynamicToolCall" => "Tool call",
        "collabAgentToolCall" => "Agent tool call",
        "webSearch" => "Web search",
        "imageView" => "Image view",
        _ => return None,
    })
}

fn item_detail(item: &Value) -> Option<String> {
    if let Some(changes) = item["changes"].as_array() {
        let paths: Vec<&str> = changes.iter().filter_map(|c| c["path"].as_str()).collect();
        if !paths.is_empty() {
            return Some(truncate(&paths.join(", ")));
        }
    }
    ["command", "title", "query", "path", "tool", "text"]
        .iter()
        .find_map(|key| text_of(&item[*key]))
        .map(truncate)
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

    fn turn_of(&self, params: &Value) -> Option<String> {
        params["turnId"]
            .as_str()
            .or_else(|| params["turn"]["id"].as_str())
            .map(str::to_string)
            .or_else(|| self.active_turn.clone())
    }

    /// A codex notification.
    pub fn notification(&mut self, method: &str, params: &Value, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        match method {
            "turn/started" => {
                if let Some(turn_id) = params["turn"]["id"].as_str() {
                    self.active_turn = Some(turn_id.to_string());
                    self.token_usage = None;
                    out.push(Effect::Session {
                        status: SessionStatus::Running,
                        active_turn_id: Some(turn_id.to_string()),
                        last_error: None,
                    });
                }
            }
            "turn/completed" => self.turn_completed(params, now, &mut out),
            "item/started" => self.item_started(params, now, &mut out),
            "item/completed" => self.item_completed(params, now, &mut out),
            "item/agentMessage/delta" => {
                let (Some(item_id), Some(delta)) =
                    (params["itemId"].as_str(), params["delta"].as_str())
                else {
                    return out;
                };
                let turn_id = self.turn_of(params);
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
            "item/plan/delta" => {
                if let Some(delta) = params["delta"].as_str() {
                    let turn_id = self.turn_of(params).unwrap_or_default();
                    let plan = self.plan.get_or_insert_with(|| OpenPlan {
                        turn_id,
                        text: String::new(),
                        created_at: now.to_string(),
                    });
                    plan.text.push_str(delta);
                }
            }
            "turn/plan/updated" => {
                let mut payload = Map::new();
                payload.insert("plan".into(), params["plan"].clone());
                if let Some(explanation) = params["explanation"].as_str() {
                    payload.insert("explanation".into(), explanation.into());
                }
                let turn = self.turn_of(params);
                out.push(self.activity(
                    ActivityTone::Info,
                    "turn.plan.updated",
                    "Plan updated",
                    Value::Object(payload),
                    turn,
                    now,
                ));
            }
            "thread/tokenUsage/updated" => {
                // Kept, and reported once when the turn ends: one activity per update would
                // crowd out everything else in the thread's capped activity list.
                self.token_usage = Some(params["tokenUsage"].clone());
            }
            "error" => {
                let message = params["error"]["message"]
                    .as_str()
                    .unwrap_or("Provider runtime error");
                let turn = self.turn_of(params);
                // A retried error is news, not a failure; the turn's own end says if it failed.
                let effect = if params["willRetry"].as_bool() == Some(true) {
                    self.activity(
                        ActivityTone::Info,
                        "runtime.warning",
                        "Runtime warning",
                        json!({ "message": truncate(message) }),
                        turn,
                        now,
                    )
                } else {
                    self.activity(
                        ActivityTone::Error,
                        "runtime.error",
                        "Runtime error",
                        json!({ "message": truncate(message) }),
                        turn,
                        now,
                    )
                };
                out.push(effect);
            }
            "warning" | "configWarning" | "deprecationNotice" => {
                let message = text_of(&params["message"])
                    .or_else(|| text_of(&params["summary"]))
                    .unwrap_or("Warning from codex");
                let mut payload = json!({ "message": truncate(message) });
                if let Some(details) = text_of(&params["details"]) {
                    payload["detail"] = truncate(details).into();
                }
                let turn = params["threadId"]
                    .as_str()
                    .and_then(|_| self.turn_of(params));
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

    fn open_message(&mut self, item_id: &str, turn_id: Option<String>) -> &mut OpenMessage {
        self.messages
            .entry(item_id.to_string())
            .or_insert_with(|| OpenMessage::new(item_id, turn_id))
    }

    fn finish_message(message: OpenMessage, final_text: Option<&str>, out: &mut Vec<Effect>) {
        let text = if !message.buffer.is_empty() {
            Some(message.buffer)
        } else if !message.sent_any {
            // Nothing was streamed (or buffered): the completed item carries the text.
            final_text.map(str::to_string)
        } else {
            None
        };
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            out.push(Effect::AssistantText {
                message_id: message.message_id.clone(),
                turn_id: message.turn_id.clone(),
                text,
            });
        }
        out.push(Effect::AssistantDone {
            message_id: message.message_id,
            turn_id: message.turn_id,
        });
    }

    fn item_started(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
        let item = &params["item"];
        let (Some(item_type), Some(item_id)) = (item["type"].as_str(), item["id"].as_str()) else {
            return;
        };
        let turn_id = self.turn_of(params);
        if item_type == "agentMessage" {
            self.open_message(item_id, turn_id);
        } else if let Some(title) = tool_title(item_type) {
            let mut payload = json!({ "itemType": item_type, "itemId": item_id });
            if let Some(detail) = item_detail(item) {
                payload["detail"] = detail.into();
            }
            out.push(self.activity(
                ActivityTone::Tool,
                "tool.started",
                format!("{title} started"),
                payload,
                turn_id,
                now,
            ));
        } else if item_type == "reasoning" {
            out.push(self.activity(
                ActivityTone::Info,
                "task.started",
                "Reasoning started",
                json!({ "taskId": item_id, "taskType": "reasoning" }),
                turn_id,
                now,
            ));
        }
    }

    fn item_completed(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
        let item = &params["item"];
        let (Some(item_type), Some(item_id)) = (item["type"].as_str(), item["id"].as_str()) else {
            return;
        };
        let turn_id = self.turn_of(params);
        match item_type {
            "agentMessage" => {
                let message = self
                    .messages
                    .shift_remove(item_id)
                    .unwrap_or_else(|| OpenMessage::new(item_id, turn_id));
                Self::finish_message(message, item["text"].as_str(), out);
            }
            "plan" => {
                let plan = self.plan.take();
                let markdown = plan
                    .as_ref()
                    .map(|p| p.text.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .or_else(|| text_of(&item["text"]).map(str::to_string));
                if let Some(markdown) = markdown {
                    let turn = turn_id.or(plan.as_ref().map(|p| p.turn_id.clone()));
                    let created_at = plan.map_or_else(|| now.to_string(), |p| p.created_at);
                    out.push(self.proposed_plan(turn, markdown, created_at, now));
                }
            }
            "reasoning" => {
                let summary = item["summary"]
                    .as_array()
                    .map(|parts| {
                        parts
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default();
                let mut payload = json!({ "taskId": item_id, "status": "completed" });
                if let Some(detail) = text_of(&Value::String(summary)) {
                    payload["detail"] = truncate(detail).into();
                }
                out.push(self.activity(
                    ActivityTone::Info,
                    "task.completed",
                    "Reasoning complete",
                    payload,
                    turn_id,
                    now,
                ));
            }
            other => {
                if let Some(title) = tool_title(other) {
                    let status = item["status"].as_str().unwrap_or("completed");
                    let failed = matches!(status, "failed" | "declined");
                    let mut payload =
                        json!({ "itemType": other, "itemId": item_id, "status": status });
                    if let Some(detail) = item_detail(item) {
                        payload["detail"] = detail.into();
                    }
                    if let Some(code) = item["exitCode"].as_i64() {
                        payload["exitCode"] = code.into();
                    }
                    let tone = if failed {
                        ActivityTone::Error
                    } else {
                        ActivityTone::Tool
                    };
                    let summary = if failed {
                        format!("{title} {status}")
                    } else {
                        format!("{title} complete")
                    };
                    out.push(self.activity(tone, "tool.completed", summary, payload, turn_id, now));
                }
            }
        }
    }

    fn proposed_plan(
        &mut self,
        turn_id: Option<String>,
        markdown: String,
        created_at: String,
        now: &str,
    ) -> Effect {
        let id = match &turn_id {
            Some(turn) => format!("plan:{}:turn:{turn}", self.thread_id),
            None => format!("plan:{}:{}", self.thread_id, (self.new_id)()),
        };
        Effect::Plan(ProposedPlan {
            id,
            turn_id,
            plan_markdown: markdown,
            created_at,
            updated_at: now.to_string(),
        })
    }

    fn turn_completed(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
        let Some(turn_id) = params["turn"]["id"].as_str().map(str::to_string) else {
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
            let total = usage["total"]["totalTokens"].as_u64().unwrap_or(0);
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
        let turn = &params["turn"];
        let outcome = match turn["status"].as_str() {
            Some("failed") => TurnOutcome::Failed(
                text_of(&turn["error"]["message"])
                    .unwrap_or("Turn failed")
                    .to_string(),
            ),
            Some("interrupted") | Some("cancelled") => TurnOutcome::Interrupted,
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

    /// codex asks something of us.
    pub fn server_request(
        &mut self,
        id: Value,
        method: &str,
        params: &Value,
        now: &str,
    ) -> Vec<Effect> {
        let turn_id = self.turn_of(params);
        let approval = match method {
            "item/commandExecution/requestApproval" => Some((
                "command",
                "command_execution_approval",
                "Command approval requested",
            )),
            "item/fileChange/requestApproval" => Some((
                "file-change",
                "file_change_approval",
                "File-change approval requested",
            )),
            "item/fileRead/requestApproval" => Some((
                "file-read",
                "file_read_approval",
                "File-read approval requested",
            )),
            _ => None,
        };
        let request_id = (self.new_id)();
        if let Some((kind, kind_type, summary)) = approval {
            self.pending.insert(
                request_id.clone(),
                PendingRequest {
                    rpc_id: id,
                    kind: PendingKind::Approval { kind, kind_type },
                    turn_id: turn_id.clone(),
                },
            );
            let mut payload =
                json!({ "requestId": request_id, "requestKind": kind, "requestType": kind_type });
            let detail = text_of(&params["command"])
                .map(str::to_string)
                .or_else(|| text_of(&params["reason"]).map(str::to_string))
                .or_else(|| {
                    params["changes"].as_array().map(|c| {
                        c.iter()
                            .filter_map(|x| x["path"].as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                });
            if let Some(detail) = detail.filter(|d| !d.is_empty()) {
                payload["detail"] = truncate(&detail).into();
            }
            return vec![self.activity(
                ActivityTone::Approval,
                "approval.requested",
                summary,
                payload,
                turn_id,
                now,
            )];
        }
        if method == "item/tool/requestUserInput" {
            self.pending.insert(
                request_id.clone(),
                PendingRequest {
                    rpc_id: id,
                    kind: PendingKind::UserInput,
                    turn_id: turn_id.clone(),
                },
            );
            let payload = json!({ "requestId": request_id, "questions": params["questions"] });
            return vec![self.activity(
                ActivityTone::Info,
                "user-input.requested",
                "User input requested",
                payload,
                turn_id,
                now,
            )];
        }
        let warning = self.activity(
            ActivityTone::Info,
            "runtime.warning",
            "Runtime warning",
            json!({ "message": format!("codex asked for {method}, which t3rs does not support; it was told so") }),
            turn_id,
            now,
        );
        vec![
            Effect::Reply {
                id,
                result: Err((
                    crate::provider::jsonrpc::METHOD_NOT_FOUND,
                    format!("t3rs does not support the server request {method}"),
                )),
            },
            warning,
        ]
    }

    /// The user's decision on a pending approval.
    pub fn answer_approval(
        &mut self,
        request_id: &str,
        decision: ApprovalDecision,
        now: &str,
    ) -> Result<Vec<Effect>, String> {
        let unknown = || {
            format!(
                "Unknown pending approval request: {request_id} (never asked, or already answered)."
            )
        };
        let (kind, kind_type) = match self.pending.get(request_id) {
            Some(PendingRequest {
                kind: PendingKind::Approval { kind, kind_type },
                ..
            }) => (*kind, *kind_type),
            Some(_) => {
                return Err(format!(
                    "Request '{request_id}' asks for user input, not an approval."
                ))
            }
            None => return Err(unknown()),
        };
        let pending = self.pending.remove(request_id).ok_or_else(unknown)?;
        let wire = serde_json::to_value(decision).unwrap_or(Value::Null);
        let resolved = self.activity(
            ActivityTone::Approval,
            "approval.resolved",
            "Approval resolved",
            json!({ "requestId": request_id, "requestKind": kind, "requestType": kind_type, "decision": wire }),
            pending.turn_id,
            now,
        );
        Ok(vec![
            Effect::Reply {
                id: pending.rpc_id,
                result: Ok(json!({ "decision": wire })),
            },
            resolved,
        ])
    }

    /// The user's answers to a pending question.
    pub fn answer_user_input(
        &mut self,
        request_id: &str,
        answers: &Map<String, Value>,
        now: &str,
    ) -> Result<Vec<Effect>, String> {
        match self.pending.get(request_id) {
            Some(PendingRequest {
                kind: PendingKind::UserInput,
                ..
            }) => {}
            Some(_) => {
                return Err(format!(
                    "Request '{request_id}' is an approval, not a question."
                ))
            }
            None => {
                return Err(format!(
                "Unknown pending user input request: {request_id} (never asked, or already answered)."
            ))
            }
        }
        let mut codex_answers = Map::new();
        for (question, answer) in answers {
            let list: Vec<Value> = match answer {
                Value::String(s) => vec![s.clone().into()],
                Value::Array(items) if items.iter().all(Value::is_string) => items.clone(),
                Value::Object(inner) => match inner.get("answers") {
                    Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                        items.clone()
                    }
                    _ => {
                        return Err(format!(
                            "answers.{question}: must be a string or a list of strings"
                        ))
                    }
                },
                _ => {
                    return Err(format!(
                        "answers.{question}: must be a string or a list of strings"
                    ))
                }
            };
            codex_answers.insert(question.clone(), json!({ "answers": list }));
        }
        let Some(pending) = self.pending.remove(request_id) else {
            return Err(format!("Unknown pending user input request: {request_id}"));
        };
        let resolved = self.activity(
            ActivityTone::Info,
            "user-input.resolved",
            "User input submitted",
            json!({ "requestId": request_id, "answers": Value::Object(answers.clone()) }),
            pending.turn_id,
            now,
        );
        Ok(vec![
            Effect::Reply {
                id: pending.rpc_id,
                result: Ok(json!({ "answers": codex_answers })),
            },
            resolved,
        ])
    }

    /// Everything still waiting for an answer is void (the process stopped or died): each gets a
    /// resolution activity so no client keeps showing a question nobody can answer.
    pub fn cancel_pending(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut pending: Vec<(String, PendingRequest)> = self.pending.drain().collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for (request_id, request) in pending {
            let effect = match request.kind {
                PendingKind::Approval { kind, kind_type } => self.activity(
                    ActivityTone::Approval,
                    "approval.resolved",
                    "Approval cancelled",
                    json!({ "requestId": request_id, "requestKind": kind, "requestType": kind_type,
                            "decision": "cancel", "reason": reason }),
                    request.turn_id,
                    now,
                ),
                PendingKind::UserInput => self.activity(
                    ActivityTone::Info,
                    "user-input.resolved",
                    "User input cancelled",
                    json!({ "requestId": request_id, "cancelled": true, "reason": reason }),
                    request.turn_id,
                    now,
                ),
            };
            out.push(effect);
        }
        out
    }

    /// The process is gone: open messages close, questions are void, no turn is active.
    pub fn process_gone(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        self.finish_open(&mut out);
        self.plan = None;
        out.extend(self.cancel_pending(reason, now));
        self.active_turn = None;
        out
    }
}

#[cfg(test)]
mod tests;
