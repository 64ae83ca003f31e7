//! Claude's `control_request`s of the user (`can_use_tool`: approvals, AskUserQuestion,
//! ExitPlanMode), their answers, and what happens to the ones still open when a turn or the
//! process ends. An answer is an [`Effect::Reply`] whose `id` is the control request's
//! `request_id` and whose result is the `response` body ([`control_response_line`]).

use crate::orchestration::model::ApprovalDecision;

use super::*;

/// What ExitPlanMode is told: the plan is shown to the user as a proposed plan and the turn
/// ends, as a codex plan-mode turn does; implementing it is the user's next turn.
pub const PLAN_RECEIVED: &str = "The plan has been shown to the user for review. Stop here: \
if they approve it, they will ask you to implement it in their next message.";

/// The approval kind of a tool that asks permission: (requestKind, requestType, summary).
fn approval_kind(tool: &str) -> (&'static str, &'static str, &'static str) {
    match tool {
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => (
            "file-change",
            "file_change_approval",
            "File-change approval requested",
        ),
        "Read" | "Glob" | "Grep" | "LS" | "NotebookRead" => (
            "file-read",
            "file_read_approval",
            "File-read approval requested",
        ),
        // Bash, and any other tool (web fetches, MCP tools): a command to allow or not.
        _ => (
            "command",
            "command_execution_approval",
            "Command approval requested",
        ),
    }
}

impl ClaudeTranslator {
    /// Claude asks something of us.
    pub(super) fn control_request(&mut self, line: &Value, now: &str) -> Vec<Effect> {
        let control_id = line["request_id"].clone();
        let request = &line["request"];
        let turn_id = self.active_turn.clone();
        if request["subtype"] != "can_use_tool" {
            let subtype = request["subtype"].as_str().unwrap_or("?").to_string();
            let warning = self.activity(
                ActivityTone::Info,
                "runtime.warning",
                "Runtime warning",
                json!({ "message": format!("Claude Code asked for {subtype}, which t3rs does not support; it was told so") }),
                turn_id,
                now,
            );
            return vec![
                Effect::Reply {
                    id: control_id,
                    result: Err((
                        crate::provider::jsonrpc::METHOD_NOT_FOUND,
                        format!("t3rs does not support the control request {subtype}"),
                    )),
                },
                warning,
            ];
        }
        let tool = request["tool_name"].as_str().unwrap_or_default();
        let input = request["input"].clone();
        let pending = |kind| PendingRequest {
            control_id: control_id.clone(),
            kind,
            tool_use_id: request["tool_use_id"].as_str().map(str::to_string),
            input: input.clone(),
            suggestions: request["permission_suggestions"].clone(),
            turn_id: turn_id.clone(),
        };
        let request_id = (self.new_id)();
        match tool {
            "ExitPlanMode" => {
                let mut out = Vec::new();
                if let Some(plan) = text_of(input["plan"].as_str()) {
                    out.push(self.proposed_plan(plan.to_string(), now));
                }
                out.push(Effect::Reply {
                    id: control_id,
                    result: Ok(json!({ "behavior": "deny", "message": PLAN_RECEIVED })),
                });
                out
            }
            "AskUserQuestion" => {
                let questions = input["questions"].as_array().cloned().unwrap_or_default();
                self.pending.insert(
                    request_id.clone(),
                    pending(PendingKind::UserInput {
                        questions: questions.clone(),
                    }),
                );
                // Claude keys answers by the question's text, so that is its id here.
                let shown: Vec<Value> = questions
                    .iter()
                    .map(|q| {
                        json!({ "id": q["question"], "header": q["header"], "question": q["question"],
                                "options": q["options"], "multiSelect": q["multiSelect"] })
                    })
                    .collect();
                let payload = json!({ "requestId": request_id, "questions": shown });
                vec![self.activity(
                    ActivityTone::Info,
                    "user-input.requested",
                    "User input requested",
                    payload,
                    turn_id,
                    now,
                )]
            }
            _ => {
                let (kind, kind_type, summary) = approval_kind(tool);
                self.pending.insert(
                    request_id.clone(),
                    pending(PendingKind::Approval { kind, kind_type }),
                );
                let detail = ["command", "file_path", "notebook_path", "path", "url"]
                    .into_iter()
                    .find_map(|k| text_of(input[k].as_str()))
                    .or_else(|| text_of(request["description"].as_str()))
                    .map(truncate);
                let mut payload = json!({ "requestId": request_id, "requestKind": kind,
                                          "requestType": kind_type, "toolName": tool });
                if let Some(detail) = detail {
                    payload["detail"] = detail.into();
                }
                vec![self.activity(
                    ActivityTone::Approval,
                    "approval.requested",
                    summary,
                    payload,
                    turn_id,
                    now,
                )]
            }
        }
    }

    /// The user's decision on a pending approval: allow (for the session: with Claude's own
    /// permission suggestions), or deny (cancel also interrupts the turn).
    pub fn answer_approval(
        &mut self,
        request_id: &str,
        decision: ApprovalDecision,
        now: &str,
    ) -> Result<Vec<Effect>, String> {
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
            None => {
                return Err(format!(
                "Unknown pending approval request: {request_id} (never asked, or already answered)."
            ))
            }
        };
        let Some(pending) = self.pending.remove(request_id) else {
            return Err(format!("Unknown pending approval request: {request_id}"));
        };
        let body = match decision {
            ApprovalDecision::Accept => {
                json!({ "behavior": "allow", "updatedInput": pending.input })
            }
            ApprovalDecision::AcceptForSession => {
                let mut body = json!({ "behavior": "allow", "updatedInput": pending.input });
                if pending
                    .suggestions
                    .as_array()
                    .is_some_and(|s| !s.is_empty())
                {
                    body["updatedPermissions"] = pending.suggestions.clone();
                }
                body
            }
            ApprovalDecision::Decline => {
                json!({ "behavior": "deny", "message": "The user declined this." })
            }
            ApprovalDecision::Cancel => json!({ "behavior": "deny",
                "message": "The user cancelled this and stopped the turn.", "interrupt": true }),
        };
        if matches!(
            decision,
            ApprovalDecision::Decline | ApprovalDecision::Cancel
        ) {
            self.declined.extend(pending.tool_use_id.clone());
        }
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
                id: pending.control_id,
                result: Ok(body),
            },
            resolved,
        ])
    }

    /// The user's answers to a pending AskUserQuestion, by question (its text): a label, a list
    /// of labels, or `{answers: [labels]}`. Claude gets them as `updatedInput.answers`
    /// (several labels joined with ", ").
    pub fn answer_user_input(
        &mut self,
        request_id: &str,
        answers: &Map<String, Value>,
        now: &str,
    ) -> Result<Vec<Effect>, String> {
        let questions = match self.pending.get(request_id) {
            Some(PendingRequest {
                kind: PendingKind::UserInput { questions },
                ..
            }) => questions,
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
        };
        let mut claude_answers = Map::new();
        for (question, answer) in answers {
            if !questions.iter().any(|q| q["question"] == *question) {
                return Err(format!("answers.{question}: no such question"));
            }
            let labels: Vec<&str> = match answer {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    items.iter().filter_map(Value::as_str).collect()
                }
                Value::Object(inner) => match inner.get("answers") {
                    Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                        items.iter().filter_map(Value::as_str).collect()
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
            claude_answers.insert(question.clone(), labels.join(", ").into());
        }
        let Some(pending) = self.pending.remove(request_id) else {
            return Err(format!("Unknown pending user input request: {request_id}"));
        };
        let mut updated = pending.input;
        updated["answers"] = Value::Object(claude_answers);
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
                id: pending.control_id,
                result: Ok(json!({ "behavior": "allow", "updatedInput": updated })),
            },
            resolved,
        ])
    }

    /// Claude withdrew control request `control_id` (`control_cancel_request`).
    pub(super) fn cancel_control_request(&mut self, control_id: &Value, now: &str) -> Vec<Effect> {
        let Some(request_id) = self
            .pending
            .iter()
            .find(|(_, p)| p.control_id == *control_id)
            .map(|(id, _)| id.clone())
        else {
            return Vec::new();
        };
        let Some(request) = self.pending.remove(&request_id) else {
            return Vec::new();
        };
        vec![self.resolution(request_id, request, "Claude Code withdrew the request", now)]
    }

    fn resolution(
        &mut self,
        request_id: String,
        request: PendingRequest,
        reason: &str,
        now: &str,
    ) -> Effect {
        match request.kind {
            PendingKind::Approval { kind, kind_type } => self.activity(
                ActivityTone::Approval,
                "approval.resolved",
                "Approval cancelled",
                json!({ "requestId": request_id, "requestKind": kind, "requestType": kind_type,
                        "decision": "cancel", "reason": reason }),
                request.turn_id,
                now,
            ),
            PendingKind::UserInput { .. } => self.activity(
                ActivityTone::Info,
                "user-input.resolved",
                "User input cancelled",
                json!({ "requestId": request_id, "cancelled": true, "reason": reason }),
                request.turn_id,
                now,
            ),
        }
    }

    /// Everything still waiting for an answer is void (the turn ended, the process stopped or
    /// died): each gets a resolution activity so no client keeps showing a dead question.
    pub fn cancel_pending(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut pending: Vec<(String, PendingRequest)> = self.pending.drain().collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        pending
            .into_iter()
            .map(|(id, request)| self.resolution(id, request, reason, now))
            .collect()
    }

    /// The process is gone: open messages close, questions are void, no turn is active.
    pub fn process_gone(&mut self, reason: &str, now: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        self.finish_open(&mut out);
        out.extend(self.cancel_pending(reason, now));
        self.tools.clear();
        self.declined.clear();
        self.blocks_seen.clear();
        self.current_message = None;
        self.active_turn = None;
        out
    }
}
