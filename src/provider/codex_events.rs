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

fn text_of(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|s| !s.is_empty())
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

/// What the translator reads of a codex item: its wire type, id, completion status (as codex
/// spells it), the detail shown beside it, and an exit code. `None` for items it ignores.
struct ItemView<'a> {
    kind: &'static str,
    id: &'a str,
    status: Option<String>,
    detail: Option<String>,
    exit_code: Option<i64>,
}

fn item_view(item: &ThreadItem) -> Option<ItemView<'_>> {
    fn shown(text: Option<&str>) -> Option<String> {
        text_of(text).map(truncate)
    }
    fn status(s: Option<&impl std::fmt::Display>) -> Option<String> {
        s.map(ToString::to_string)
    }
    let (kind, id, status, detail, exit_code) = match item {
        ThreadItem::AgentMessage { id, .. } => ("agentMessage", id, None, None, None),
        ThreadItem::Plan { id, .. } => ("plan", id, None, None, None),
        ThreadItem::Reasoning { id, .. } => ("reasoning", id, None, None, None),
        ThreadItem::CommandExecution {
            id,
            command,
            status: s,
            exit_code,
            ..
        } => (
            "commandExecution",
            id,
            status(s.as_ref()),
            shown(command.as_deref()),
            exit_code.map(i64::from),
        ),
        ThreadItem::FileChange {
            id,
            changes,
            status: s,
            ..
        } => {
            let paths: Vec<&str> = changes.iter().filter_map(|c| c.path.as_deref()).collect();
            let detail = (!paths.is_empty()).then(|| truncate(&paths.join(", ")));
            ("fileChange", id, status(s.as_ref()), detail, None)
        }
        ThreadItem::McpToolCall {
            id,
            tool,
            status: s,
            ..
        } => (
            "mcpToolCall",
            id,
            status(s.as_ref()),
            shown(tool.as_deref()),
            None,
        ),
        ThreadItem::DynamicToolCall {
            id,
            tool,
            status: s,
            ..
        } => (
            "dynamicToolCall",
            id,
            status(s.as_ref()),
            shown(tool.as_deref()),
            None,
        ),
        ThreadItem::CollabAgentToolCall {
            id,
            tool,
            status: s,
            ..
        } => (
            "collabAgentToolCall",
            id,
            status(s.as_ref()),
            tool.as_ref().map(|t| truncate(&t.to_string())),
            None,
        ),
        ThreadItem::WebSearch { id, query, .. } => {
            ("webSearch", id, None, shown(query.as_deref()), None)
        }
        ThreadItem::ImageView { id, path, .. } => (
            "imageView",
            id,
            None,
            shown(path.as_ref().map(|p| p.as_str())),
            None,
        ),
        _ => return None,
    };
    Some(ItemView {
        kind,
        id: id.as_deref()?,
        status,
        detail,
        exit_code,
    })
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
        let started = parse::<wire::ItemStartedNotification>(params).unwrap_or_default();
        let Some(item) = started.item.as_ref().and_then(item_view) else {
            return;
        };
        let (item_type, item_id) = (item.kind, item.id);
        let turn_id = self.turn_of(started.turn_id.as_deref());
        if item_type == "agentMessage" {
            self.open_message(item_id, turn_id);
        } else if let Some(title) = tool_title(item_type) {
            let mut payload = json!({ "itemType": item_type, "itemId": item_id });
            if let Some(detail) = item.detail {
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
        let completed = parse::<wire::ItemCompletedNotification>(params).unwrap_or_default();
        let Some(raw) = completed.item.as_ref() else {
            return;
        };
        let Some(item) = item_view(raw) else {
            return;
        };
        let (item_type, item_id) = (item.kind, item.id);
        let turn_id = self.turn_of(completed.turn_id.as_deref());
        let text = match raw {
            ThreadItem::AgentMessage { text, .. } | ThreadItem::Plan { text, .. } => {
                text.as_deref()
            }
            _ => None,
        };
        match item_type {
            "agentMessage" => {
                let message = self
                    .messages
                    .shift_remove(item_id)
                    .unwrap_or_else(|| OpenMessage::new(item_id, turn_id));
                Self::finish_message(message, text, out);
            }
            "plan" => {
                let plan = self.plan.take();
                let markdown = plan
                    .as_ref()
                    .map(|p| p.text.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .or_else(|| text_of(text).map(str::to_string));
                if let Some(markdown) = markdown {
                    let turn = turn_id.or(plan.as_ref().map(|p| p.turn_id.clone()));
                    let created_at = plan.map_or_else(|| now.to_string(), |p| p.created_at);
                    out.push(self.proposed_plan(turn, markdown, created_at, now));
                }
            }
            "reasoning" => {
                let summary = match raw {
                    ThreadItem::Reasoning { summary, .. } => summary.join("\n"),
                    _ => String::new(),
                };
                let mut payload = json!({ "taskId": item_id, "status": "completed" });
                if let Some(detail) = text_of(Some(&summary)) {
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
                    let status = item.status.as_deref().unwrap_or("completed");
                    let failed = matches!(status, "failed" | "declined");
                    let mut payload =
                        json!({ "itemType": other, "itemId": item_id, "status": status });
                    if let Some(detail) = item.detail {
                        payload["detail"] = detail.into();
                    }
                    if let Some(code) = item.exit_code {
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

    /// codex asks something of us.
    pub fn server_request(
        &mut self,
        id: Value,
        method: &str,
        params: &Value,
        now: &str,
    ) -> Vec<Effect> {
        // (turn, command, reason) as the request's own type has them.
        let (turn_id, command, reason) = match method {
            method::ITEM_COMMAND_EXECUTION_REQUEST_APPROVAL => {
                let p = parse::<wire::CommandExecutionRequestApprovalParams>(params)
                    .unwrap_or_default();
                (p.turn_id, p.command, p.reason)
            }
            method::ITEM_FILE_CHANGE_REQUEST_APPROVAL => {
                let p = parse::<wire::FileChangeRequestApprovalParams>(params).unwrap_or_default();
                (p.turn_id, None, p.reason)
            }
            method::ITEM_TOOL_REQUEST_USER_INPUT => {
                let p = parse::<wire::ToolRequestUserInputParams>(params).unwrap_or_default();
                (p.turn_id, None, None)
            }
            _ => {
                let p = parse::<wire::UndeclaredRequest>(params).unwrap_or_default();
                (p.turn_id(), p.command, p.reason)
            }
        };
        let turn_id = self.turn_of(turn_id.as_deref());
        let approval = match method {
            method::ITEM_COMMAND_EXECUTION_REQUEST_APPROVAL => Some((
                "command",
                "command_execution_approval",
                "Command approval requested",
            )),
            method::ITEM_FILE_CHANGE_REQUEST_APPROVAL => Some((
                "file-change",
                "file_change_approval",
                "File-change approval requested",
            )),
            // Not in the pinned codex's schema; older codexes asked it.
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
            let detail = text_of(command.as_deref()).or_else(|| text_of(reason.as_deref()));
            if let Some(detail) = detail {
                payload["detail"] = truncate(detail).into();
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
        if method == method::ITEM_TOOL_REQUEST_USER_INPUT {
            self.pending.insert(
                request_id.clone(),
                PendingRequest {
                    rpc_id: id,
                    kind: PendingKind::UserInput,
                    turn_id: turn_id.clone(),
                },
            );
            // The questions reach the client as codex wrote them.
            let questions = params.get("questions").cloned().unwrap_or(Value::Null);
            let payload = json!({ "requestId": request_id, "questions": questions });
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
