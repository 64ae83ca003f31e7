//! The driver's side of a thread session: the driver's events (normalized runtime events, a
//! failed start, an unexpected exit) carried out, the answers to the agent's questions given
//! through it, and its end with the session.

use std::time::Instant;

use actix::prelude::*;
use serde_json::json;

use super::{SessionAfter, ThreadSession};
use crate::orchestration::model::{ActivityTone, SessionStatus};
use crate::provider::driver::{
    Answer, DriverEvent, DriverEventBody, Effect, ProviderError, TurnOutcome,
};

impl ThreadSession {
    fn on_driver(&mut self, msg: DriverEvent, ctx: &mut Context<Self>) {
        if self.live.is_none() || msg.generation != self.generation {
            return; // a process already replaced or stopped on purpose
        }
        match msg.body {
            DriverEventBody::Runtime(effects) => {
                // Fault injection (tests/restarts.rs): a panic here, mid-turn, is a bug in the
                // session's turn handling.
                #[cfg(feature = "failpoints")]
                if self.turn.as_ref().is_some_and(|t| t.turn_id.is_some()) {
                    fail::fail_point!("thread-session-mid-turn");
                }
                self.last_used = Instant::now();
                self.apply(effects, ctx);
            }
            DriverEventBody::StartFailed { message, effects } => {
                self.live = None;
                self.fail(
                    "provider.session.start.failed",
                    &format!("{} could not be started", self.info.title),
                    message.clone(),
                    ctx,
                );
                // A turn the agent had taken ends, failed, rather than stay "running".
                self.apply(effects, ctx);
                if self.turn.is_some() {
                    let after = SessionAfter {
                        status: SessionStatus::Error,
                        last_error: Some(message.clone()),
                    };
                    self.finish_turn(None, TurnOutcome::Failed(message), Some(after), ctx);
                } else {
                    self.set_session(SessionStatus::Error, None, Some(message), ctx);
                }
            }
            DriverEventBody::Retired { effects, reason } => {
                self.last_used = Instant::now();
                self.apply(effects, ctx);
                // What the turn's end started (a queued turn) waits for the Engine first, so
                // it finds no live agent and starts a new one.
                log::info!("thread {}: {reason}", self.thread_id);
                self.live = None;
            }
            DriverEventBody::Exited {
                effects,
                reason,
                exit,
            } => {
                self.live = None;
                self.crashes += 1;
                self.apply(effects, ctx);
                self.note(
                    ActivityTone::Error,
                    "provider.session.exited",
                    &format!("{} exited unexpectedly", self.info.title),
                    json!({ "detail": reason, "exitCode": exit.code, "signal": exit.signal,
                            "stderr": exit.stderr }),
                    self.turn.as_ref().and_then(|t| t.turn_id.clone()),
                    ctx,
                );
                let after = SessionAfter {
                    status: SessionStatus::Error,
                    last_error: Some(reason.clone()),
                };
                self.finish_turn(None, TurnOutcome::Failed(reason), Some(after), ctx);
            }
        }
        drop(msg.hold);
    }

    /// Stops the agent and the driver with it (the session is over). The handle stays: a
    /// closed driver refuses what is still asked of it (its mailbox is gone).
    pub(super) fn close_driver(&mut self) {
        self.live = None;
        if let Some(driver) = &self.driver {
            driver.close();
        }
    }

    /// Gives the agent an answer to one of its questions; the mailbox waits for the driver's
    /// word, so the answer's resolution is recorded before anything that follows.
    pub(super) fn answer(&mut self, request_id: String, answer: Answer, ctx: &mut Context<Self>) {
        let what = match answer {
            Answer::Approval(_) => "approval",
            Answer::UserInput(_) => "user-input",
        };
        let answered = self.driver().answer(request_id.clone(), answer);
        ctx.wait(answered.into_actor(self).map(move |answered, act, ctx| {
            act.answered(answered, what, &request_id, ctx);
        }));
    }

    /// Carries out an answer to one of the agent's questions, or says why it could not be
    /// given (`what`: "approval" or "user-input").
    fn answered(
        &mut self,
        answered: Result<Vec<Effect>, ProviderError>,
        what: &str,
        request_id: &str,
        ctx: &mut Context<Self>,
    ) {
        match answered {
            Ok(effects) => self.apply(effects, ctx),
            Err(err) => {
                let detail = err.to_string();
                let (kind, summary) = match what {
                    "approval" => (
                        "provider.approval.respond.failed",
                        "Provider approval response failed",
                    ),
                    _ => (
                        "provider.user-input.respond.failed",
                        "Provider user input response failed",
                    ),
                };
                self.note(
                    ActivityTone::Error,
                    kind,
                    summary,
                    json!({ "detail": detail, "requestId": request_id }),
                    None,
                    ctx,
                );
            }
        }
    }
}

impl Handler<DriverEvent> for ThreadSession {
    type Result = ();

    fn handle(&mut self, msg: DriverEvent, ctx: &mut Self::Context) {
        self.on_driver(msg, ctx);
    }
}
