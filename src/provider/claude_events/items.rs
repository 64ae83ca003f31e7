//! What Claude's messages mean: assistant text blocks, tool_use blocks as work activities (and
//! their tool_result as the activity's end), and the `result` line that ends a turn.

use super::*;
use crate::provider::tool_output;

/// How a tool shows in the thread: the codex item type the client knows, its title, and the
/// detail beside it.
fn tool_view(name: &str, input: &Value) -> (&'static str, &'static str, Option<String>) {
    let field = |key: &str| input[key].as_str().and_then(|s| text_of(Some(s)));
    let (item_type, title, detail) = match name {
        "Bash" => ("commandExecution", "Command run", field("command")),
        "Write" | "Edit" | "MultiEdit" => ("fileChange", "File change", field("file_path")),
        "NotebookEdit" => ("fileChange", "File change", field("notebook_path")),
        "WebSearch" => ("webSearch", "Web search", field("query")),
        "Task" | "Agent" => (
            "collabAgentToolCall",
            "Agent tool call",
            field("description"),
        ),
        _ if name.starts_with("mcp__") => ("mcpToolCall", "MCP tool call", Some(name)),
        _ => {
            let target = ["file_path", "path", "pattern", "url", "command"]
                .into_iter()
                .find_map(field);
            let detail = match target {
                Some(target) => format!("{name} {target}"),
                None => name.to_string(),
            };
            return ("dynamicToolCall", "Tool call", Some(truncate(&detail)));
        }
    };
    (item_type, title, detail.map(truncate))
}

/// Tools that are questions to the user, not work: they become requests, not activities.
pub(super) fn is_request_tool(name: &str) -> bool {
    matches!(name, "AskUserQuestion" | "ExitPlanMode")
}

impl ClaudeTranslator {
    /// An `assistant` line: one content block of a message, complete.
    pub(super) fn assistant(&mut self, message: &Value, now: &str, out: &mut Vec<Effect>) {
        // The CLI's own messages (an API error's text): the `result` line reports those.
        if message["model"] == "<synthetic>" {
            return;
        }
        let Some(message_id) = message["id"].as_str() else {
            return;
        };
        let blocks = message["content"].as_array().cloned().unwrap_or_default();
        let seen = self.blocks_seen.entry(message_id.to_string()).or_insert(0);
        let first_index = *seen;
        *seen += blocks.len() as u64;
        let turn_id = self.active_turn.clone();
        for (n, block) in blocks.iter().enumerate() {
            let index = first_index + n as u64;
            match block["type"].as_str().unwrap_or_default() {
                "text" => {
                    let open = self
                        .messages
                        .shift_remove(&(message_id.to_string(), index))
                        .unwrap_or_else(|| OpenMessage {
                            message_id: format!("assistant:{message_id}:{index}"),
                            turn_id: turn_id.clone(),
                            buffer: String::new(),
                            sent_any: false,
                        });
                    Self::finish_message(open, block["text"].as_str(), out);
                }
                "tool_use" => {
                    let (Some(name), Some(id)) = (block["name"].as_str(), block["id"].as_str())
                    else {
                        continue;
                    };
                    if is_request_tool(name) {
                        continue;
                    }
                    let (item_type, title, detail) = tool_view(name, &block["input"]);
                    let mut payload =
                        json!({ "itemType": item_type, "itemId": id, "toolName": name });
                    if let Some(detail) = &detail {
                        payload["detail"] = detail.clone().into();
                    }
                    self.tools.insert(
                        id.to_string(),
                        OpenTool {
                            item_type,
                            title,
                            detail,
                            turn_id: turn_id.clone(),
                        },
                    );
                    out.push(self.activity(
                        ActivityTone::Tool,
                        "tool.started",
                        format!("{title} started"),
                        payload,
                        turn_id.clone(),
                        now,
                    ));
                }
                "thinking" => {
                    let mut payload = json!({ "taskId": format!("{message_id}:{index}"),
                                              "taskType": "reasoning", "status": "completed" });
                    if let Some(detail) = text_of(block["thinking"].as_str()) {
                        payload["detail"] = truncate(detail).into();
                    }
                    out.push(self.activity(
                        ActivityTone::Info,
                        "task.completed",
                        "Reasoning complete",
                        payload,
                        turn_id.clone(),
                        now,
                    ));
                }
                _ => {}
            }
        }
    }

    /// A `user` line: tool results (text lines, such as "[Request interrupted by user]", are
    /// the CLI's own record; the `result` line says how the turn ended).
    pub(super) fn user(&mut self, line: &Value, now: &str, out: &mut Vec<Effect>) {
        let Some(blocks) = line["message"]["content"].as_array() else {
            return;
        };
        for block in blocks.iter().filter(|b| b["type"] == "tool_result") {
            let Some(id) = block["tool_use_id"].as_str() else {
                continue;
            };
            let Some(tool) = self.tools.remove(id) else {
                continue; // a question's answer, or a tool we never saw start
            };
            let declined = self.declined.iter().any(|d| d == id);
            self.declined.retain(|d| d != id);
            let status = match (block["is_error"].as_bool() == Some(true), declined) {
                (_, true) => "declined",
                (true, false) => "failed",
                (false, false) => "completed",
            };
            let mut payload = json!({ "itemType": tool.item_type, "itemId": id, "status": status });
            if let Some(detail) = tool.detail {
                payload["detail"] = detail.into();
            }
            tool_output::attach(
                &mut payload,
                &tool_output::text_of_blocks(&block["content"]),
            );
            let (tone, summary) = if status == "completed" {
                (ActivityTone::Tool, format!("{} complete", tool.title))
            } else {
                (ActivityTone::Error, format!("{} {status}", tool.title))
            };
            out.push(self.activity(tone, "tool.completed", summary, payload, tool.turn_id, now));
        }
    }

    /// The `result` line: the turn is over. Token usage and cost, an error, then its end.
    pub(super) fn result(&mut self, line: &Value, now: &str, out: &mut Vec<Effect>) {
        if let Some(session) = line["session_id"].as_str().filter(|s| !s.is_empty()) {
            self.session_id = Some(session.to_string());
        }
        self.finish_open(out);
        let turn_id = self.active_turn.clone();
        out.extend(self.cancel_pending("the turn ended", now));
        self.tools.clear();
        self.declined.clear();
        self.blocks_seen.clear();
        self.current_message = None;

        let usage = &line["usage"];
        let total: u64 = [
            "input_tokens",
            "output_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
        ]
        .iter()
        .filter_map(|k| usage[*k].as_u64())
        .sum();
        let cost = line["total_cost_usd"].as_f64().unwrap_or(0.0);
        if total > 0 || cost > 0.0 {
            // The usage reaches the client as Claude wrote it, with the turn's cost.
            let payload = json!({ "usage": usage, "totalCostUsd": line["total_cost_usd"],
                                  "numTurns": line["num_turns"] });
            out.push(self.activity(
                ActivityTone::Info,
                "turn.token-usage",
                format!("{total} tokens used"),
                payload,
                turn_id.clone(),
                now,
            ));
        }

        let aborted = line["terminal_reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("aborted"));
        let failed = line["is_error"].as_bool() == Some(true) || line["subtype"] != "success";
        let outcome = if aborted {
            TurnOutcome::Interrupted
        } else if failed {
            let message = text_of(line["result"].as_str())
                .map(str::to_string)
                .or_else(|| {
                    let errors: Vec<&str> = line["errors"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    (!errors.is_empty()).then(|| errors.join("; "))
                })
                .unwrap_or_else(|| "Claude Code turn failed".to_string());
            let mut payload = json!({ "message": truncate(&message) });
            if let Some(status) = line["api_error_status"].as_i64() {
                payload["apiErrorStatus"] = status.into();
            }
            out.push(self.activity(
                ActivityTone::Error,
                "runtime.error",
                "Runtime error",
                payload,
                turn_id.clone(),
                now,
            ));
            TurnOutcome::Failed(message)
        } else {
            TurnOutcome::Completed
        };
        let Some(turn_id) = turn_id else {
            return; // a result for no turn of ours
        };
        if outcome == TurnOutcome::Interrupted {
            out.push(self.activity(
                ActivityTone::Info,
                "turn.interrupted",
                "Turn interrupted",
                json!({ "detail": "Claude Code stopped before finishing this turn" }),
                Some(turn_id.clone()),
                now,
            ));
        }
        self.active_turn = None;
        out.push(Effect::TurnEnded { turn_id, outcome });
    }

    pub(super) fn finish_message(
        message: OpenMessage,
        final_text: Option<&str>,
        out: &mut Vec<Effect>,
    ) {
        let text = if !message.buffer.is_empty() {
            Some(message.buffer)
        } else if !message.sent_any {
            // Nothing was streamed (or buffered): the assistant line carries the text.
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

    /// Closes every open assistant message (a turn ended, or the process went away).
    pub fn finish_open(&mut self, out: &mut Vec<Effect>) {
        for (_, message) in std::mem::take(&mut self.messages) {
            Self::finish_message(message, None, out);
        }
    }

    pub(super) fn proposed_plan(&mut self, markdown: String, now: &str) -> Effect {
        let turn_id = self.active_turn.clone();
        let id = match &turn_id {
            Some(turn) => format!("plan:{}:turn:{turn}", self.thread_id),
            None => format!("plan:{}:{}", self.thread_id, (self.new_id)()),
        };
        Effect::Plan(ProposedPlan {
            id,
            turn_id,
            plan_markdown: markdown,
            created_at: now.to_string(),
            updated_at: now.to_string(),
        })
    }
}
