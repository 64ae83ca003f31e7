//! Reverting a thread to an earlier turn's checkpoint: the files restored, the agent's
//! conversation rolled back to before the first undone turn (where the driver can), and the
//! later checkpoint refs removed.

use actix::prelude::*;
use serde_json::json;

use super::checkpoints::{self, blocking};
use super::ThreadSession;
use crate::git;
use crate::orchestration::commands::RevertCompleteCommand;
use crate::orchestration::model::ActivityTone;
use crate::orchestration::InternalCommand;
use crate::provider::driver::{OpenConversation, ProviderError};
use crate::runtime::driver_catalog::AgentKey;
use crate::runtime::engine::ThreadInfo;
use crate::runtime::{new_id, now_iso};

impl ThreadSession {
    pub(super) fn on_revert(&mut self, turn_count: u64, ctx: &mut Context<Self>) {
        let query = self.query(None);
        ctx.wait(query.into_actor(self).map(move |info, act, ctx| {
            if let Err(detail) = act.start_revert(turn_count, info, ctx) {
                act.revert_failed(turn_count, detail, ctx);
            }
        }));
    }

    fn start_revert(
        &mut self,
        turn_count: u64,
        info: Option<ThreadInfo>,
        ctx: &mut Context<Self>,
    ) -> Result<(), String> {
        let info = info.ok_or("Thread was not found in read model.")?;
        if self.turn.is_some() || info.turn_running {
            return Err(
                "A turn is running; interrupt it or wait for it to finish before reverting.".into(),
            );
        }
        let cwd = info
            .cwd
            .clone()
            .filter(|c| git::is_repo(std::path::Path::new(c)))
            .ok_or("Checkpoints are unavailable because this project is not a git repository.")?;
        let current = info.turn_count();
        if turn_count > current {
            return Err(format!(
                "Checkpoint turn count {turn_count} exceeds current turn count {current}."
            ));
        }
        let target = info
            .checkpoint_ref(&self.thread_id, turn_count)
            .ok_or_else(|| {
                format!("Checkpoint ref for turn {turn_count} is unavailable in read model.")
            })?;
        // The agent forgets every turn from the first one being undone.
        let first_undone = info
            .checkpoints
            .iter()
            .find(|c| c.0 == turn_count + 1)
            .map(|c| c.1.clone());
        // The agent of the thread's latest turn holds the conversation to roll back (after a
        // restart this session has not run a turn yet and starts on codex).
        let agent = info
            .model_selection
            .as_ref()
            .map(AgentKey::of)
            .unwrap_or_else(AgentKey::codex);
        self.use_agent(agent, false, ctx)?;
        let has_conversation = self.stored_provider_thread().is_some();
        let rollback = match first_undone {
            Some(turn) if has_conversation && self.info.capabilities.rollback => {
                let open = self.ensure_live(&cwd, info.runtime_mode, ctx);
                let known = self.live.as_ref().and_then(|l| l.provider_thread.clone());
                Some((open, known, turn))
            }
            Some(_) if has_conversation => {
                self.start_over(turn_count, None, ctx);
                None
            }
            _ => None,
        };
        let generation = self.generation;
        let driver = self.driver();
        let name = self.info.name.clone();
        let thread_id = self.thread_id.clone();
        let mode = info.runtime_mode;
        let flow = async move {
            let restore_cwd = cwd.clone();
            blocking(move || checkpoints::restore(&restore_cwd, &target, turn_count)).await??;
            let mut opened = None;
            let mut declined = None;
            if let Some((open, known, before_turn)) = rollback {
                let provider_thread = match open {
                    Some(resume) => {
                        let request = OpenConversation {
                            resume,
                            cwd: cwd.clone(),
                            runtime_mode: mode,
                        };
                        let o = driver
                            .open(generation, request)
                            .await
                            .map_err(|e| e.to_string())?;
                        let id = o.conversation.clone();
                        opened = Some(o);
                        Some(id)
                    }
                    None => known,
                };
                if let Some(id) = provider_thread {
                    match driver.rollback(generation, id, before_turn).await {
                        Ok(()) => {}
                        // This rollback the agent cannot do (e.g. Claude Code, to a point it
                        // does not know): the conversation starts over instead.
                        Err(ProviderError::Unsupported(why)) => declined = Some(why),
                        Err(e) => return Err(format!("Files were restored, but {name}'s conversation could not be rolled back: {e}")),
                    }
                }
            }
            let refs_cwd = cwd.clone();
            blocking(move || checkpoints::delete_refs(&refs_cwd, &thread_id, Some(turn_count)))
                .await??;
            Ok::<_, String>((opened, declined))
        };
        ctx.wait(
            flow.into_actor(self)
                .map(move |result, act, ctx| match result {
                    Ok((opened, declined)) => {
                        if let Some(opened) = opened {
                            act.opened(generation, opened, ctx);
                        }
                        if let Some(why) = declined {
                            act.start_over(turn_count, Some(why), ctx);
                        }
                        act.push_command(
                            InternalCommand::ThreadRevertComplete(RevertCompleteCommand {
                                command_id: new_id(),
                                thread_id: act.thread_id.clone(),
                                turn_count,
                                created_at: now_iso(),
                            }),
                            ctx,
                        );
                    }
                    Err(detail) => act.revert_failed(turn_count, detail, ctx),
                }),
        );
        Ok(())
    }

    /// The agent cannot forget the undone turns, so its conversation is dropped: the next
    /// turn starts a new one, given what the thread still holds; an activity says so.
    fn start_over(&mut self, turn_count: u64, why: Option<String>, ctx: &mut Context<Self>) {
        self.forget_conversation();
        self.seed_transcript = true;
        let title = self.info.title.clone();
        let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
        self.note(
            ActivityTone::Info,
            "provider.rollback.unsupported",
            "Conversation not rolled back",
            json!({ "turnCount": turn_count, "detail": format!("{title} cannot roll its conversation back{why}. The files are restored; {title}'s memory of the undone turns is not, so the next turn starts a new {title} conversation, given this thread's remaining messages as a transcript.") }),
            None,
            ctx,
        );
    }

    fn revert_failed(&mut self, turn_count: u64, detail: String, ctx: &mut Context<Self>) {
        self.note(
            ActivityTone::Error,
            "checkpoint.revert.failed",
            "Checkpoint revert failed",
            json!({ "turnCount": turn_count, "detail": detail }),
            None,
            ctx,
        );
    }
}
