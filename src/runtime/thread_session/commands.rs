//! What a thread session tells the Engine: the internal commands it builds (session state,
//! activities, assistant text, plans) and the pump that sends them through the [`Outbox`] one
//! at a time.
//!
//! [`Outbox`]: super::outbox::Outbox

use std::time::Instant;

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::Ask;

use super::outbox::Next;
use super::ThreadSession;
use crate::orchestration::commands::{
    ActivityAppendCommand, AssistantCompleteCommand, ProposedPlanUpsertCommand,
    ThreadSessionSetCommand,
};
use crate::orchestration::model::{Activity, ActivityTone, ModelSelection, Session, SessionStatus};
use crate::orchestration::{Command, InternalCommand};
use crate::provider::driver::Effect;
use crate::runtime::engine::{Dispatch, DispatchError};
use crate::runtime::{new_id, now_iso};

/// The pause before retry `attempt + 1` of an internal command: from 50 ms, doubling, at most
/// 2 s.
pub(super) fn retry_delay(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_millis(50u64 << attempt.min(6)).min(std::time::Duration::from_secs(2))
}

impl ThreadSession {
    // -- the outbox ----------------------------------------------------------------------------

    pub(super) fn push_command(&mut self, command: InternalCommand, ctx: &mut Context<Self>) {
        self.outbox.lock().push_command(command);
        self.pump(ctx);
    }

    fn push_text(
        &mut self,
        message_id: String,
        turn_id: Option<String>,
        text: String,
        ctx: &mut Context<Self>,
    ) {
        let answered_by = self.turn.as_ref().map(|t| &t.agent);
        self.outbox
            .lock()
            .push_text(message_id, turn_id, answered_by, text);
        // A no-op when the text merged: its entry is already in flight or waiting.
        self.pump(ctx);
    }

    pub(super) fn pump(&mut self, ctx: &mut Context<Self>) {
        let mut outbox = self.outbox.lock();
        let item = match outbox.next(Instant::now()) {
            Next::Idle => return,
            Next::Wait(wait) => {
                drop(outbox);
                ctx.run_later(wait, |act, ctx| {
                    act.outbox.lock().waited();
                    act.pump(ctx);
                });
                return;
            }
            Next::Send(item) => item,
        };
        let command = item.into_command(&self.thread_id);
        outbox.sending(command.clone());
        drop(outbox);
        self.send_internal(command, 0, ctx);
    }

    /// Takes over the line a previous incarnation left: sends again what it had sent without
    /// an answer (same commandId, so the Engine's receipt answers a repeat), then the rest.
    pub(super) fn resume_outbox(&mut self, ctx: &mut Context<Self>) {
        let unanswered = self.outbox.lock().resume();
        match unanswered {
            Some(command) => self.send_internal(command, 0, ctx),
            None => self.pump(ctx),
        }
    }

    /// Sends one internal command to the Engine until it is accepted or rejected. A store
    /// failure or an Engine that is down is retried under the same commandId (the Engine's
    /// receipt makes a repeat return the first outcome), after a growing pause; the outbox
    /// holds its place meanwhile, so nothing overtakes it. The mailbox stays open.
    fn send_internal(&mut self, command: InternalCommand, attempt: u32, ctx: &mut Context<Self>) {
        let kind = command.type_name();
        let request = self
            .deps
            .engine
            .send(Ask(Dispatch(Command::Internal(command.clone()))));
        ctx.spawn(
            async move {
                match request.await {
                    Ok(Ok(Ok(_))) => None,
                    Ok(Ok(Err(DispatchError::Rejected(err)))) => {
                        log::warn!("{kind} was rejected: {err}");
                        None
                    }
                    Ok(Ok(Err(err))) => Some(err.to_string()),
                    Ok(Err(unavailable)) => Some(unavailable.to_string()),
                    Err(err) => Some(err.to_string()),
                }
            }
            .into_actor(self)
            .map(move |failed, act, ctx| match failed {
                None => {
                    act.outbox.lock().sent();
                    act.pump(ctx);
                }
                Some(err) => {
                    let delay = retry_delay(attempt);
                    log::warn!("{kind} not recorded yet ({err}); retrying in {delay:?}");
                    ctx.run_later(delay, move |act, ctx| {
                        act.send_internal(command, attempt + 1, ctx)
                    });
                }
            }),
        );
    }

    // -- building commands ---------------------------------------------------------------------

    pub(super) fn set_session(
        &mut self,
        status: SessionStatus,
        active_turn_id: Option<String>,
        last_error: Option<String>,
        ctx: &mut Context<Self>,
    ) {
        let now = now_iso();
        let session = Session {
            thread_id: self.thread_id.clone(),
            status,
            provider_name: Some(self.info.name.clone()),
            runtime_mode: self.runtime_mode,
            active_turn_id,
            last_error,
            updated_at: now.clone(),
        };
        self.push_command(
            InternalCommand::ThreadSessionSet(ThreadSessionSetCommand {
                command_id: new_id(),
                thread_id: self.thread_id.clone(),
                session,
                created_at: now,
            }),
            ctx,
        );
    }

    pub(super) fn append_activity(&mut self, activity: Activity, ctx: &mut Context<Self>) {
        if !first_of_its_kind(&mut self.warnings, &activity) {
            return;
        }
        let created_at = activity.created_at.clone();
        self.push_command(
            InternalCommand::ThreadActivityAppend(ActivityAppendCommand {
                command_id: new_id(),
                thread_id: self.thread_id.clone(),
                activity,
                created_at,
            }),
            ctx,
        );
    }

    /// Says the message is complete (no more text), credited to `agent`.
    pub(super) fn complete_answer(
        &mut self,
        message_id: String,
        turn_id: Option<String>,
        agent: Option<ModelSelection>,
        ctx: &mut Context<Self>,
    ) {
        self.push_command(
            InternalCommand::ThreadMessageAssistantComplete(AssistantCompleteCommand {
                command_id: new_id(),
                thread_id: self.thread_id.clone(),
                message_id,
                turn_id,
                answered_by: agent,
                created_at: now_iso(),
            }),
            ctx,
        );
    }

    /// Text for `message_id`: the turn's open answer from now on. An answer the agent left open
    /// for a new one is completed, and said to be cut short when a steer came in (codex drops
    /// the answer it was streaming when it takes a steer).
    fn open_answer(&mut self, message_id: &str, ctx: &mut Context<Self>) {
        let Some(turn) = &mut self.turn else {
            return;
        };
        if turn.open_answer.as_deref() == Some(message_id) {
            return;
        }
        let Some(left) = turn.open_answer.replace(message_id.to_string()) else {
            return;
        };
        let (steered, turn_id, agent) = (turn.steered, turn.turn_id.clone(), turn.agent.clone());
        self.complete_answer(left.clone(), turn_id.clone(), Some(agent), ctx);
        if steered {
            self.note(
                ActivityTone::Info,
                "assistant.cut-short",
                "Answer cut short by the steer",
                json!({ "messageId": left }),
                turn_id,
                ctx,
            );
        }
    }

    pub(super) fn note(
        &mut self,
        tone: ActivityTone,
        kind: &str,
        summary: &str,
        payload: Value,
        turn_id: Option<String>,
        ctx: &mut Context<Self>,
    ) {
        let activity = Activity {
            id: new_id(),
            tone,
            kind: kind.to_string(),
            summary: summary.to_string(),
            payload,
            turn_id,
            sequence: None,
            created_at: now_iso(),
        };
        self.append_activity(activity, ctx);
    }

    pub(super) fn fail(
        &mut self,
        kind: &str,
        summary: &str,
        detail: String,
        ctx: &mut Context<Self>,
    ) {
        log::warn!("thread {}: {summary}: {detail}", self.thread_id);
        self.note(
            ActivityTone::Error,
            kind,
            summary,
            json!({ "detail": detail }),
            None,
            ctx,
        );
    }

    pub(super) fn apply(&mut self, effects: Vec<Effect>, ctx: &mut Context<Self>) {
        for effect in effects {
            match effect {
                Effect::AssistantText {
                    message_id,
                    turn_id,
                    text,
                } => {
                    self.remember_assistant_message(&message_id);
                    self.open_answer(&message_id, ctx);
                    self.push_text(message_id, turn_id, text, ctx);
                }
                Effect::AssistantDone {
                    message_id,
                    turn_id,
                } => {
                    self.remember_assistant_message(&message_id);
                    let agent = self.turn.as_mut().map(|turn| {
                        if turn.open_answer.as_deref() == Some(message_id.as_str()) {
                            turn.open_answer = None;
                        }
                        turn.agent.clone()
                    });
                    self.complete_answer(message_id, turn_id, agent, ctx);
                }
                Effect::Activity(activity) => self.append_activity(activity, ctx),
                Effect::Plan(plan) => self.push_command(
                    InternalCommand::ThreadProposedPlanUpsert(ProposedPlanUpsertCommand {
                        command_id: new_id(),
                        thread_id: self.thread_id.clone(),
                        proposed_plan: plan,
                        created_at: now_iso(),
                    }),
                    ctx,
                ),
                Effect::Session {
                    status,
                    active_turn_id,
                    last_error,
                } => {
                    if let (Some(turn), Some(id)) = (&mut self.turn, &active_turn_id) {
                        turn.turn_id = Some(id.clone());
                    }
                    self.set_session(status, active_turn_id, last_error, ctx);
                }
                Effect::TurnEnded { turn_id, outcome } => {
                    self.finish_turn(Some(turn_id), outcome, None, ctx)
                }
                // A driver answers its agent itself; one that leaks a reply loses nothing here.
                Effect::Reply { id, .. } => {
                    log::debug!("a driver's reply to request {id} reached the session; dropped")
                }
            }
        }
    }
}

/// Whether `activity` is to be recorded: every activity but a `runtime.warning` identical (same
/// summary and payload) to one already recorded in `seen` (this incarnation's). An agent
/// repeats its start-up warnings on every turn; the thread shows them once.
pub(super) fn first_of_its_kind(
    seen: &mut std::collections::HashSet<String>,
    activity: &Activity,
) -> bool {
    if activity.kind != "runtime.warning" {
        return true;
    }
    seen.insert(format!("{}\n{}", activity.summary, activity.payload))
}
