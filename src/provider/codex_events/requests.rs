//! codex's requests of the user (approvals, questions), their answers, and what happens to
//! the ones still open when a turn or the process ends.

use super::*;

impl CodexTranslator {
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
