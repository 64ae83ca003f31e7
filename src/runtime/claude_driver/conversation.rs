//! A Claude Code driver's conversation: `open` (a new conversation with an id t3rs chooses, or
//! a `--resume` process that must answer `initialize`, falling back to a new conversation when
//! Claude does not know the id) and rolling back to before a turn (`--resume-session-at` the
//! assistant entry the turn's id names).

use actix::prelude::*;
use serde_json::Value;
use tokio::sync::oneshot;

use super::*;

/// An `open` waiting for a `--resume` process's answer to `initialize`.
pub(super) struct Opening {
    pub(super) init_id: String,
    pub(super) resume: String,
    /// The immediate `result` of an unknown id, if it came.
    pub(super) failed: Option<String>,
    pub(super) waiter: oneshot::Sender<Result<Opened, ProviderError>>,
}

impl ClaudeDriver {
    /// A `--resume` process answered during `open`; `true` when the line was the open's.
    pub(super) fn opening_line(&mut self, line: &Value) -> bool {
        let Some(opening) = self.opening.as_mut() else {
            return false;
        };
        if line["type"] == "control_response" && line["response"]["request_id"] == *opening.init_id
        {
            let Some(opening) = self.opening.take() else {
                return true;
            };
            self.adopt(opening.resume.clone());
            self.conversation_stored = true;
            let _ = opening.waiter.send(Ok(Opened {
                conversation: opening.resume,
                fell_back: None,
            }));
            return true;
        }
        if line["type"] == "result" && line["num_turns"] == 0 && line["is_error"] == true {
            opening.failed = Some(
                line["errors"]
                    .as_array()
                    .and_then(|e| e.first())
                    .and_then(Value::as_str)
                    .unwrap_or("the resume failed")
                    .to_string(),
            );
            return true;
        }
        false
    }

    /// The `--resume` process of an open ended: an unknown conversation falls back to a new
    /// one; anything else fails the open (and is reported as the exit).
    pub(super) fn opening_exit(&mut self, exit: &ExitInfo, reason: &str) -> bool {
        let Some(opening) = self.opening.take() else {
            return false;
        };
        let stderr = exit.stderr.clone().unwrap_or_default();
        if opening.failed.is_some() || stderr.contains("No conversation found") {
            let why = if stderr.is_empty() {
                opening.failed.unwrap_or_default()
            } else {
                stderr
            };
            let fresh = uuid::Uuid::new_v4().to_string();
            self.adopt(fresh.clone());
            self.conversation_stored = false;
            let _ = opening.waiter.send(Ok(Opened {
                conversation: fresh,
                fell_back: Some(format!(
                    "Claude Code could not resume conversation {}: {why}",
                    opening.resume
                )),
            }));
            return true;
        }
        let _ = opening.waiter.send(Err(ProviderError::Gone {
            message: reason.to_string(),
            exit: Some(exit.clone()),
        }));
        false
    }
}

impl Handler<Open> for ClaudeDriver {
    type Result = ResponseFuture<Result<Opened, ProviderError>>;

    fn handle(&mut self, msg: Open, ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Box::pin(std::future::ready(Err(ProviderError::gone(
                "the Claude Code session ended",
            ))));
        }
        let OpenConversation {
            resume,
            cwd,
            runtime_mode,
        } = msg.request;
        self.retire();
        self.cwd = Some(cwd);
        self.runtime_mode = runtime_mode;
        let Some(id) = resume else {
            let fresh = uuid::Uuid::new_v4().to_string();
            self.adopt(fresh.clone());
            self.conversation_stored = false;
            return Box::pin(std::future::ready(Ok(Opened {
                conversation: fresh,
                fell_back: None,
            })));
        };
        self.adopt(id.clone());
        let config = ProcessConfig {
            permission_mode: permission_mode(runtime_mode, InteractionMode::Default).into(),
            model: self.last_model.clone(),
        };
        let serial = self.spawn(ctx, config, true);
        let (waiter, answer) = oneshot::channel();
        self.opening = Some(Opening {
            init_id: format!("init-{serial}"),
            resume: id,
            failed: None,
            waiter,
        });
        Box::pin(async move {
            answer
                .await
                .unwrap_or_else(|_| Err(ProviderError::gone("the Claude Code session ended")))
        })
    }
}

/// Rolls the conversation back to before a turn (its id says where that was).
impl Handler<RollBack> for ClaudeDriver {
    type Result = Result<(), ProviderError>;

    fn handle(&mut self, msg: RollBack, _ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Err(ProviderError::gone("the Claude Code session ended"));
        }
        match msg.before_turn.split_once('@') {
            Some((_, point)) if !point.is_empty() => {
                self.adopt(msg.conversation);
                self.conversation_stored = true;
                // The next turn's process resumes the conversation at that point.
                self.retire();
                self.resume_at = Some(point.to_string());
                self.last_assistant = Some(point.to_string());
                Ok(())
            }
            Some(_) => Err(ProviderError::Unsupported(
                "every turn of its conversation is undone".into(),
            )),
            None => Err(ProviderError::Unsupported(
                "the undone turn began before this server started, where t3rs did not see \
                 Claude's messages"
                    .into(),
            )),
        }
    }
}

/// The uuid of a top-level (not a subagent's) `assistant` entry: a point
/// `--resume-session-at` can resume a conversation at.
pub(super) fn top_level_assistant_uuid(line: &Value) -> Option<String> {
    (line["type"] == "assistant" && line["parent_tool_use_id"].is_null())
        .then(|| line["uuid"].as_str().map(str::to_string))
        .flatten()
}
