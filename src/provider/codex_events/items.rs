//! What codex's items mean: assistant messages as they stream, tools as work activities, and
//! proposed plans.

use super::*;
use crate::provider::tool_output;

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
    /// What a command printed (stdout and stderr as codex aggregated them).
    output: Option<&'a str>,
}

fn item_view(item: &ThreadItem) -> Option<ItemView<'_>> {
    fn shown(text: Option<&str>) -> Option<String> {
        text_of(text).map(truncate)
    }
    fn status(s: Option<&impl std::fmt::Display>) -> Option<String> {
        s.map(ToString::to_string)
    }
    let output = match item {
        ThreadItem::CommandExecution {
            aggregated_output, ..
        } => aggregated_output.as_deref(),
        _ => None,
    };
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
        output,
    })
}

impl CodexTranslator {
    pub(super) fn open_message(
        &mut self,
        item_id: &str,
        turn_id: Option<String>,
    ) -> &mut OpenMessage {
        self.messages
            .entry(item_id.to_string())
            .or_insert_with(|| OpenMessage::new(item_id, turn_id))
    }

    pub(super) fn finish_message(
        message: OpenMessage,
        final_text: Option<&str>,
        out: &mut Vec<Effect>,
    ) {
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

    pub(super) fn item_started(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
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

    pub(super) fn item_completed(&mut self, params: &Value, now: &str, out: &mut Vec<Effect>) {
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
                    if let Some(output) = item.output {
                        tool_output::attach(&mut payload, output);
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

    pub(super) fn proposed_plan(
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
}
