//! What an ACP (Agent Client Protocol) agent's traffic means for a thread: `session/update`
//! notifications (`agent_message_chunk` → assistant text, `tool_call` / `tool_call_update` →
//! tool activities, `plan` → a plan activity), `session/request_permission` → an approval
//! request (its answer picks one of the options the agent offered: accept → `allow_once`,
//! acceptForSession → `allow_always`, decline → `reject_once`, cancel → the `cancelled`
//! outcome), and the `session/prompt` answer's `stopReason` → the turn's end. Pure: the driver
//! (`crate::runtime::acp_driver`) does the I/O and writes the [`Effect::Reply`]s. The fs/*
//! methods t3rs serves are in [`fs`]; `terminal/*` is refused.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::orchestration::model::{
    Activity, ActivityTone, ApprovalDecision, AssistantDeliveryMode, ProposedPlan, SessionStatus,
};
use crate::provider::effects::{Effect, TurnOutcome};
use crate::provider::jsonrpc::RpcError;
use crate::provider::tool_output;

mod fs;
mod models;
mod modes;

pub use fs::{fs_request, lines_of, FsDone, FsRequest};
pub use models::{AgentModels, ModelChoice};
pub use modes::AgentModes;

/// Text longer than this is cut in activity details.
const DETAIL_MAX_CHARS: usize = 400;

/// A JSON-RPC 2.0 request line (ACP agents want the `jsonrpc` member).
pub fn request(id: u64, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

pub fn notification(method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "method": method, "params": params })
}

/// The answer to the agent's request `id`.
pub fn response(id: &Value, result: &Result<Value, (i64, String)>) -> Value {
    match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => {
            json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
        }
    }
}

struct OpenMessage {
    message_id: String,
    turn_id: Option<String>,
    buffer: String,
}

struct OpenTool {
    title: String,
    kind: String,
    turn_id: Option<String>,
}

struct PendingPermission {
    rpc_id: Value,
    /// The agent's options: (optionId, kind).
    options: Vec<(String, String)>,
    tool_call_id: Option<String>,
    turn_id: Option<String>,
}

/// One ACP session's translation state.
pub struct AcpTranslator {
    delivery: AssistantDeliveryMode,
    active_turn: Option<String>,
    message: Option<OpenMessage>,
    messages_in_turn: u64,
    tools: HashMap<String, OpenTool>,
    pending: HashMap<String, PendingPermission>,
    new_id: Box<dyn FnMut() -> String + Send>,
}

fn truncate(text: &str) -> String {
    t3rs_core::text::ellipsize_chars(text, DETAIL_MAX_CHARS)
}

fn text_of(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|s| !s.is_empty())
}

/// The (requestKind, requestType, summary) of a tool kind.
fn approval_kind(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "edit" | "delete" | "move" => (
            "file-change",
            "file_change_approval",
            "File-change approval requested",
        ),
        "read" | "search" => (
            "file-read",
            "file_read_approval",
            "File-read approval requested",
        ),
        _ => (
            "command",
            "command_execution_approval",
            "Command approval requested",
        ),
    }
}

/// The t3rs item type of an ACP tool kind.
fn item_type(kind: &str) -> &'static str {
    match kind {
        "execute" => "command_execution",
        "edit" | "delete" | "move" => "file_change",
        "fetch" => "web_search",
        _ => "dynamic_tool_call",
    }
}

impl Default for AcpTranslator {
    fn default() -> Self {
        Self::new()
    }
}

impl AcpTranslator {
    pub fn new() -> Self {
        Self::with_ids(|| uuid::Uuid::new_v4().to_string())
    }

    /// With a deterministic id source, for tests.
    pub fn with_ids(new_id: impl FnMut() -> String + Send + 'static) -> Self {
        AcpTranslator {
            delivery: AssistantDeliveryMode::Buffered,
            active_turn: None,
            message: None,
            messages_in_turn: 0,
            tools: HashMap::new(),
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

    pub fn has_pending(&self, request_id: &str) -> bool {
        self.pending.contains_key(request_id)
    }

    /// The driver sent `session/prompt` for turn `turn_id`.
    pub fn begin_turn(&mut self, turn_id: &str) -> Vec<Effect> {
        self.active_turn = Some(turn_id.to_string());
        self.messages_in_turn = 0;
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

    fn finish_message(&mut self, out: &mut Vec<Effect>) {
        let Some(message) = self.message.take() else {
            return;
        };
        if !message.buffer.is_empty() {
            out.push(Effect::AssistantText {
                message_id: message.message_id.clone(),
                turn_id: message.turn_id.clone(),
                text: message.buffer,
            });
        }
        out.push(Effect::AssistantDone {
            message_id: message.message_id,
            turn_id: message.turn_id,
        });
    }

    /// A notification from the agent.
    pub fn notification(&mut self, method: &str, params: &Value, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        if method == "session/update" {
            self.update(&params["update"], now, &mut out);
        }
        out
    }

    fn update(&mut self, update: &Value, now: &str, out: &mut Vec<Effect>) {
        match update["sessionUpdate"].as_str().unwrap_or_default() {
            "agent_message_chunk" => {
                let Some(text) = update["content"]["text"].as_str().filter(|t| !t.is_empty())
                else {
                    return;
                };
                if self.message.is_none() {
                    self.messages_in_turn += 1;
                    let turn = self.active_turn.clone();
                    self.message = Some(OpenMessage {
                        message_id: format!(
                            "assistant:{}:{}",
                            turn.as_deref().unwrap_or("none"),
                            self.messages_in_turn
                        ),
                        turn_id: turn,
                        buffer: String::new(),
                    });
                }
                let streaming = self.delivery == AssistantDeliveryMode::Streaming;
                let Some(message) = self.message.as_mut() else {
                    return;
                };
                if streaming {
                    out.push(Effect::AssistantText {
                        message_id: message.message_id.clone(),
                        turn_id: message.turn_id.clone(),
                        text: text.to_string(),
                    });
                } else {
                    message.buffer.push_str(text);
                }
            }
            "tool_call" => {
                self.finish_message(out);
                let Some(id) = update["toolCallId"].as_str() else {
                    return;
                };
                let kind = update["kind"].as_str().unwrap_or("other").to_string();
                let title = text_of(update["title"].as_str())
                    .unwrap_or("Tool")
                    .to_string();
                let turn_id = self.active_turn.clone();
                let payload = json!({ "itemType": item_type(&kind), "itemId": id,
                                      "toolName": kind, "detail": truncate(&title) });
                let started = self.activity(
                    ActivityTone::Tool,
                    "tool.started",
                    format!("{title} started"),
                    payload,
                    turn_id.clone(),
                    now,
                );
                out.push(started);
                self.tools.insert(
                    id.to_string(),
                    OpenTool {
                        title,
                        kind,
                        turn_id,
                    },
                );
                self.tool_status(id, update, now, out);
            }
            "tool_call_update" => {
                if let Some(id) = update["toolCallId"].as_str() {
                    if let (Some(tool), Some(title)) =
                        (self.tools.get_mut(id), text_of(update["title"].as_str()))
                    {
                        tool.title = title.to_string();
                    }
                    self.tool_status(id, update, now, out);
                }
            }
            "plan" => {
                let steps: Vec<Value> = update["entries"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        let status = match e["status"].as_str().unwrap_or("pending") {
                            "in_progress" => "inProgress",
                            other => other,
                        };
                        json!({ "step": e["content"], "status": status })
                    })
                    .collect();
                let turn_id = self.active_turn.clone();
                let plan = self.activity(
                    ActivityTone::Info,
                    "turn.plan.updated",
                    "Plan updated",
                    json!({ "plan": steps }),
                    turn_id,
                    now,
                );
                out.push(plan);
            }
            // usage_update, available_commands_update, current_mode_update, thoughts, the
            // user's own message chunks (a session/load replays them): nothing to show.
            _ => {}
        }
    }

    fn tool_status(&mut self, id: &str, update: &Value, now: &str, out: &mut Vec<Effect>) {
        let status = match update["status"].as_str() {
            Some(s @ ("completed" | "failed")) => s,
            _ => return,
        };
        let Some(tool) = self.tools.remove(id) else {
            return;
        };
        let mut payload = json!({ "itemType": item_type(&tool.kind), "itemId": id,
                                  "status": status, "detail": truncate(&tool.title) });
        // The agent's raw output where it is text (claude-agent-acp: a string; codex-acp: an
        // object whose `aggregated_output` is what the command printed), else its text content
        // blocks (which may wrap the same text in a Markdown fence).
        let raw = &update["rawOutput"];
        let output = raw
            .as_str()
            .or_else(|| {
                ["aggregated_output", "formatted_output", "output", "stdout"]
                    .into_iter()
                    .find_map(|k| raw[k].as_str())
            })
            .map_or_else(
                || tool_output::text_of_blocks(&update["content"]),
                str::to_string,
            );
        tool_output::attach(&mut payload, &output);
        let (tone, summary) = if status == "completed" {
            (ActivityTone::Tool, format!("{} complete", tool.title))
        } else {
            let reason = update["content"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|c| text_of(c["content"]["text"].as_str()));
            if let Some(reason) = reason {
                payload["error"] = truncate(reason).into();
            }
            (ActivityTone::Error, format!("{} failed", tool.title))
        };
        out.push(self.activity(tone, "tool.completed", summary, payload, tool.turn_id, now));
    }

    /// A request from the agent: permissions become approval requests; anything else (the
    /// `terminal/*` methods t3rs did not advertise) is refused. The driver serves fs/* itself
    /// ([`fs_request`], [`AcpTranslator::fs_answer`]) before it gets here.
    pub fn request(&mut self, id: Value, method: &str, params: &Value, now: &str) -> Vec<Effect> {
        let turn_id = self.active_turn.clone();
        if method != "session/request_permission" {
            let warning = self.activity(
                ActivityTone::Info,
                "runtime.warning",
                "Runtime warning",
                json!({ "message": format!("The agent asked for {method}, which t3rs does not serve; it was told so") }),
                turn_id,
                now,
            );
            return vec![
                Effect::Reply {
                    id,
                    result: Err((
                        crate::provider::jsonrpc::METHOD_NOT_FOUND,
                        format!("t3rs does not serve {method}"),
                    )),
                },
                warning,
            ];
        }
        let tool = &params["toolCall"];
        let tool_call_id = tool["toolCallId"].as_str().map(str::to_string);
        let kind = tool["kind"]
            .as_str()
            .or_else(|| {
                tool_call_id
                    .as_deref()
                    .and_then(|t| self.tools.get(t))
                    .map(|t| t.kind.as_str())
            })
            .unwrap_or("other")
            .to_string();
        let options: Vec<(String, String)> = params["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| {
                Some((
                    o["optionId"].as_str()?.to_string(),
                    o["kind"].as_str()?.to_string(),
                ))
            })
            .collect();
        // claude-agent-acp's ExitPlanMode: the plan is shown as a proposed plan and the agent
        // stays in plan mode ("keep planning"), as a plan turn on codex or Claude Code ends;
        // implementing it is the user's next turn.
        if kind == "switch_mode" {
            if let Some(plan) = text_of(tool["rawInput"]["plan"].as_str()) {
                return self.plan_proposed(id, plan, &options, turn_id, now);
            }
        }
        let (request_kind, request_type, summary) = approval_kind(&kind);
        let request_id = (self.new_id)();
        let mut payload = json!({ "requestId": request_id, "requestKind": request_kind,
                                  "requestType": request_type, "toolName": kind });
        let detail = text_of(tool["rawInput"]["command"].as_str())
            .or_else(|| text_of(tool["title"].as_str()));
        if let Some(detail) = detail {
            payload["detail"] = truncate(detail).into();
        }
        self.pending.insert(
            request_id,
            PendingPermission {
                rpc_id: id,
                options,
                tool_call_id,
                turn_id: turn_id.clone(),
            },
        );
        vec![self.activity(
            ActivityTone::Approval,
            "approval.requested",
            summary,
            payload,
            turn_id,
            now,
        )]
    }

    fn plan_proposed(
        &mut self,
        id: Value,
        plan: &str,
        options: &[(String, String)],
        turn_id: Option<String>,
        now: &str,
    ) -> Vec<Effect> {
        let plan_id = match &turn_id {
            Some(turn) => format!("plan:acp:turn:{turn}"),
            None => format!("plan:acp:{}", (self.new_id)()),
        };
        let keep_planning = options
            .iter()
            .find(|(_, kind)| kind == "reject_once" || kind == "reject_always")
            .map(|(option, _)| json!({ "outcome": { "outcome": "selected", "optionId": option } }))
            .unwrap_or_else(|| json!({ "outcome": { "outcome": "cancelled" } }));
        vec![
            Effect::Plan(ProposedPlan {
                id: plan_id,
                turn_id,
                plan_markdown: plan.to_string(),
                created_at: now.to_string(),
                updated_at: now.to_string(),
            }),
            Effect::Reply {
                id,
                result: Ok(keep_planning),
            },
        ]
    }

    /// The user's decision on a pending approval, as the agent's option of that kind.
    pub fn answer_approval(
        &mut self,
        request_id: &str,
        decision: ApprovalDecision,
        now: &str,
    ) -> Result<Vec<Effect>, String> {
        let Some(pending) = self.pending.remove(request_id) else {
            return Err(format!(
                "Unknown pending approval request: {request_id} (never asked, or already answered)."
            ));
        };
        let wanted: &[&str] = match decision {
            ApprovalDecision::Accept => &["allow_once", "allow_always"],
            ApprovalDecision::AcceptForSession => &["allow_always", "allow_once"],
            ApprovalDecision::Decline => &["reject_once", "reject_always"],
            ApprovalDecision::Cancel => &[],
        };
        let chosen = wanted.iter().find_map(|kind| {
            pending
                .options
                .iter()
                .find(|(_, k)| k == kind)
                .map(|(id, _)| id.clone())
        });
        let outcome = match chosen {
            Some(option) => json!({ "outcome": { "outcome": "selected", "optionId": option } }),
            None => json!({ "outcome": { "outcome": "cancelled" } }),
        };
        let wire = serde_json::to_value(decision).unwrap_or(Value::Null);
        let resolved = self.activity(
            ActivityTone::Approval,
            "approval.resolved",
            "Approval resolved",
            json!({ "requestId": request_id, "decision": wire,
                    "toolCallId": pending.tool_call_id }),
            pending.turn_id,
            now,
        );
        Ok(vec![
            Effect::Reply {
                id: pending.rpc_id,
                result: Ok(outcome),
            },
            resolved,
        ])
    }

    /// Every pending permission answered `cancelled` (ACP: a client cancelling a prompt
    /// must), each resolved with `reason`.
    pub fn cancel_pending(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut pending: Vec<(String, PendingPermission)> = self.pending.drain().collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for (request_id, request) in pending {
            out.push(Effect::Reply {
                id: request.rpc_id,
                result: Ok(json!({ "outcome": { "outcome": "cancelled" } })),
            });
            let resolved = self.activity(
                ActivityTone::Approval,
                "approval.resolved",
                "Approval cancelled",
                json!({ "requestId": request_id, "decision": "cancel", "reason": reason }),
                request.turn_id,
                now,
            );
            out.push(resolved);
        }
        out
    }

    /// The answer to the turn's `session/prompt`: its `stopReason` ends the turn.
    pub fn prompt_result(
        &mut self,
        turn_id: &str,
        result: &Result<Value, RpcError>,
        now: &str,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        self.finish_message(&mut out);
        out.extend(
            self.cancel_pending("the turn ended", now)
                .into_iter()
                .filter(|e| !matches!(e, Effect::Reply { .. })),
        );
        self.tools.clear();
        let turn = Some(turn_id.to_string());
        let outcome = match result {
            Ok(value) => match value["stopReason"].as_str().unwrap_or("end_turn") {
                "cancelled" => TurnOutcome::Interrupted,
                "refusal" => TurnOutcome::Failed("The agent refused to continue".into()),
                _ => TurnOutcome::Completed,
            },
            Err(error) => TurnOutcome::Failed(error.message.clone()),
        };
        match &outcome {
            TurnOutcome::Failed(message) => {
                let error = self.activity(
                    ActivityTone::Error,
                    "runtime.error",
                    "Runtime error",
                    json!({ "message": truncate(message) }),
                    turn.clone(),
                    now,
                );
                out.push(error);
            }
            TurnOutcome::Interrupted => {
                let interrupted = self.activity(
                    ActivityTone::Info,
                    "turn.interrupted",
                    "Turn interrupted",
                    json!({ "detail": "The agent stopped before finishing this turn" }),
                    turn.clone(),
                    now,
                );
                out.push(interrupted);
            }
            TurnOutcome::Completed => {}
        }
        if self.active_turn.as_deref() == Some(turn_id) {
            self.active_turn = None;
        }
        out.push(Effect::TurnEnded {
            turn_id: turn_id.to_string(),
            outcome,
        });
        out
    }

    /// The agent's process is gone: the open message closes, questions are void.
    pub fn process_gone(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        self.finish_message(&mut out);
        out.extend(
            self.cancel_pending(reason, now)
                .into_iter()
                .filter(|e| !matches!(e, Effect::Reply { .. })),
        );
        self.tools.clear();
        self.active_turn = None;
        out
    }
}

#[cfg(test)]
pub(crate) mod tests;
