//! Follow-ups to a running turn (DP Code's `dispatchMode`): a queued one waits in line and
//! starts when the running turn is over (after its checkpoint); a steer goes to the running
//! turn where the driver can steer, else it interrupts the turn and starts after it. The line
//! is in memory; the thread's activities say what is in it (`turn.queued`, `turn.dequeued`,
//! `turn.queue.cleared`), so a restarted session's pending requests still hold a follow-up
//! that was queued and never started.

use actix::prelude::*;
use serde_json::json;

use super::ThreadSession;
use crate::orchestration::events::{DispatchMode, ThreadTurnStartRequestedPayload};
use crate::orchestration::model::{ActivityTone, AssistantDeliveryMode};
use crate::provider::driver::TurnInput;

impl ThreadSession {
    /// A turn start while a turn runs: queued, or steered into the running turn.
    pub(super) fn follow_up(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        ctx: &mut Context<Self>,
    ) {
        let target = match (&self.live, &self.turn) {
            (Some(live), Some(turn)) => live.provider_thread.clone().zip(turn.turn_id.clone()),
            _ => None,
        };
        match (request.dispatch_mode, target) {
            (DispatchMode::Steer, Some(target)) if self.info.capabilities.steer => {
                self.steer(request, target, ctx)
            }
            (DispatchMode::Steer, Some(_)) => {
                // No steering in this agent: the running turn ends and this one follows it.
                self.enqueue(request, true, ctx);
                self.on_interrupt(ctx);
            }
            // Queued, or a steer before the running turn has its id in the agent.
            _ => self.enqueue(request, false, ctx),
        }
    }

    fn enqueue(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        first: bool,
        ctx: &mut Context<Self>,
    ) {
        let detail = if first {
            format!(
                "{} cannot steer a running turn: it is interrupted, and this message starts \
                 the next turn.",
                self.info.title
            )
        } else {
            "The message starts a turn when the running turn ends.".to_string()
        };
        let turn_id = self.turn.as_ref().and_then(|t| t.turn_id.clone());
        self.note(
            ActivityTone::Info,
            "turn.queued",
            "Follow-up queued",
            json!({ "messageId": request.message_id, "detail": detail }),
            turn_id,
            ctx,
        );
        self.queued_ids.insert(request.message_id.clone());
        if first {
            self.queue.push_front(request);
        } else {
            self.queue.push_back(request);
        }
    }

    /// Hands the message to the running turn.
    fn steer(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        (conversation, turn_id): (String, String),
        ctx: &mut Context<Self>,
    ) {
        let query = self.query(Some(request.message_id.clone()));
        ctx.wait(query.into_actor(self).map(move |info, act, ctx| {
            let Some(info) = info.filter(|i| !i.deleted) else {
                return;
            };
            let input = act
                .turn_input(&request, &info)
                .map(|(_, text, images)| TurnInput {
                    text,
                    images,
                    model_selection: super::turns::turn_model(&request, &info),
                    model_options: request.model_options.clone(),
                    interaction_mode: request.interaction_mode,
                    runtime_mode: info.runtime_mode,
                    delivery: request
                        .assistant_delivery_mode
                        .unwrap_or(AssistantDeliveryMode::Buffered),
                });
            let input = match input {
                Ok(input) => input,
                Err(detail) => {
                    act.fail(
                        "provider.turn.steer.failed",
                        "Provider turn steer failed",
                        detail,
                        ctx,
                    );
                    return;
                }
            };
            if let Some(turn) = &mut act.turn {
                turn.steered = true;
            }
            let steered = act
                .driver()
                .steer(act.generation, conversation, turn_id, input);
            ctx.spawn(steered.into_actor(act).map(|result, act, ctx| {
                if let Err(err) = result {
                    act.fail(
                        "provider.turn.steer.failed",
                        "Provider turn steer failed",
                        err.to_string(),
                        ctx,
                    );
                }
            }));
        }));
    }

    /// The running turn is over (or never started): the next queued follow-up starts.
    pub(super) fn start_queued(&mut self, ctx: &mut Context<Self>) {
        if self.turn.is_some() || self.launching.is_some() || self.backoff.is_some() {
            return;
        }
        if let Some(request) = self.queue.pop_front() {
            self.on_turn_start(request, ctx);
        }
    }

    /// A queued follow-up is taken up: the thread says so, so a restart does not start it
    /// again.
    pub(super) fn dequeued(&mut self, message_id: &str, ctx: &mut Context<Self>) {
        if !self.queued_ids.remove(message_id) {
            return;
        }
        self.note(
            ActivityTone::Info,
            "turn.dequeued",
            "Queued follow-up started",
            json!({ "messageId": message_id }),
            None,
            ctx,
        );
    }

    /// A stop empties the line (the thread says which messages will not run); a deletion
    /// empties it silently.
    pub(super) fn clear_queue(&mut self, say: bool, ctx: &mut Context<Self>) {
        let messages: Vec<String> = self.queue.drain(..).map(|r| r.message_id).collect();
        self.queued_ids.clear();
        if messages.is_empty() || !say {
            return;
        }
        self.note(
            ActivityTone::Info,
            "turn.queue.cleared",
            "Queued follow-ups dropped",
            json!({
                "messageIds": messages,
                "detail": "The session was stopped; the queued messages were not sent.",
            }),
            None,
            ctx,
        );
    }
}
