//! A turn's life in a thread session: a start request read against the read model, the turn
//! launched through the driver (baseline checkpoint, conversation opened, the turn started), an
//! interrupt or stop, and the end that checkpoints it and reports the session.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use serde_json::json;

use super::checkpoints::{blocking, capture_baseline, capture_turn_end, TurnCheckpoint};
use super::{restart_delay, ActiveTurn, SessionAfter, ThreadSession};
use crate::git::checkpoints;
use crate::orchestration::commands::TurnDiffCompleteCommand;
use crate::orchestration::events::ThreadTurnStartRequestedPayload;
use crate::orchestration::model::{
    ActivityTone, AssistantDeliveryMode, ChatAttachment, InteractionMode, RuntimeMode,
    SessionStatus,
};
use crate::orchestration::InternalCommand;
use crate::provider::driver::{
    ImageInput, ModelSelection, OpenConversation, Opened, ProviderDriver, ProviderError, TurnInput,
    TurnOutcome,
};
use crate::runtime::driver_catalog::AgentKey;
use crate::runtime::engine::ThreadInfo;
use crate::runtime::{new_id, now_iso};

/// What launching a turn needs once it leaves the actor.
struct Launch {
    /// The crash backoff to sit out first.
    delay: Duration,
    driver: Arc<dyn ProviderDriver>,
    generation: u64,
    /// `Some(resume)` when the conversation has to be opened first.
    open: Option<Option<String>>,
    /// The conversation already open in this agent.
    known_thread: Option<String>,
    thread_id: String,
    cwd: String,
    mode: RuntimeMode,
    base_count: u64,
    input: TurnInput,
}

/// How the launch's first phase went: the baseline checkpoint and the conversation.
struct Prepared {
    baseline: Result<(), String>,
    opened: Option<Result<Opened, ProviderError>>,
    /// The conversation to start the turn in, with the turn.
    next: Option<(String, Arc<dyn ProviderDriver>, TurnInput)>,
}

impl ThreadSession {
    pub(super) fn on_turn_start(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        ctx: &mut Context<Self>,
    ) {
        self.last_used = Instant::now();
        if self.turn.is_some() || self.launching.is_some() || self.backoff.is_some() {
            self.follow_up(request, ctx);
            return;
        }
        self.dequeued(&request.message_id, ctx);
        let query = self.query(Some(request.message_id.clone()));
        ctx.wait(query.into_actor(self).map(move |info, act, ctx| {
            act.launch_turn(request, info, ctx);
        }));
    }

    fn launch_turn(
        &mut self,
        request: ThreadTurnStartRequestedPayload,
        info: Option<ThreadInfo>,
        ctx: &mut Context<Self>,
    ) {
        let Some(info) = info.filter(|i| !i.deleted) else {
            return;
        };
        let selection = turn_model(&request, &info);
        let had_turns = info.turn_count() > 0;
        if let Err(detail) = self.use_agent(AgentKey::of(&selection), had_turns, ctx) {
            self.refuse_turn(detail, ctx);
            return;
        }
        let (cwd, text, images) = match self.turn_input(&request, &info) {
            Ok(ready) => ready,
            Err(detail) => {
                self.refuse_turn(detail, ctx);
                return;
            }
        };
        let text = match std::mem::take(&mut self.seed_transcript) {
            true if !info.transcript.is_empty() => with_transcript(&info.transcript, &text),
            _ => text,
        };
        let agent = ModelSelection {
            options: None,
            ..selection.clone()
        };
        let input = TurnInput {
            text,
            images,
            model_selection: selection,
            model_options: request.model_options.clone(),
            interaction_mode: request.interaction_mode,
            runtime_mode: info.runtime_mode,
            delivery: request
                .assistant_delivery_mode
                .unwrap_or(AssistantDeliveryMode::Buffered),
        };
        self.turn = Some(ActiveTurn {
            turn_id: None,
            agent: agent.clone(),
            cwd: cwd.clone(),
            base_count: info.turn_count(),
            assistant_message: None,
            open_answer: None,
            steered: false,
        });
        let delay = if self.live.is_none() {
            restart_delay(self.crashes)
        } else {
            Duration::ZERO
        };
        let open = self.ensure_live(&cwd, info.runtime_mode, ctx);
        let generation = self.generation;
        let mut launch = Launch {
            delay,
            driver: self.driver(),
            generation,
            open,
            known_thread: self.live.as_ref().and_then(|l| l.provider_thread.clone()),
            thread_id: self.thread_id.clone(),
            cwd,
            mode: info.runtime_mode,
            base_count: info.turn_count(),
            input,
        };
        if launch.delay.is_zero() {
            self.start_launch(launch, generation, ctx);
            return;
        }
        // The backoff is no wait of the mailbox: it is this state, ended by its timer, an
        // interrupt or a stop.
        let delay = std::mem::take(&mut launch.delay);
        self.backoff = Some(ctx.run_later(delay, move |act, ctx| {
            act.backoff = None;
            act.start_launch(launch, generation, ctx);
        }));
    }

    /// Launches the turn off the mailbox: the session keeps reading the driver's events
    /// (codex may send hundreds before it answers `turn/start`), interrupts and stops.
    fn start_launch(&mut self, launch: Launch, generation: u64, ctx: &mut Context<Self>) {
        let handle = ctx.spawn(prepare_in_agent(launch).into_actor(self).map(
            move |prepared, act, ctx| {
                act.launching = None;
                act.prepared(generation, prepared, ctx);
            },
        ));
        self.launching = Some(handle);
    }

    /// A stop or a deletion ends a launch in progress; its answers are not wanted.
    pub(super) fn cancel_launch(&mut self, ctx: &mut Context<Self>) {
        if let Some(launch) = self.launching.take() {
            ctx.cancel_future(launch);
        }
        self.interrupt_after_launch = false;
    }

    /// The turn's workspace, text and images, or why the turn cannot start (here, or with
    /// this driver).
    pub(super) fn turn_input(
        &self,
        request: &ThreadTurnStartRequestedPayload,
        info: &ThreadInfo,
    ) -> Result<(String, String, Vec<ImageInput>), String> {
        let cwd = info.cwd.clone().ok_or_else(|| {
            "The thread has no workspace: neither a worktree nor a project root.".to_string()
        })?;
        let message = info.message.as_ref().ok_or_else(|| {
            format!(
                "User message '{}' was not found for turn start request.",
                request.message_id
            )
        })?;
        let mut images = Vec::new();
        for attachment in message.attachments.iter().flatten() {
            let ChatAttachment::Image(image) = attachment;
            match crate::store::attachments::find(&self.deps.settings.state_dir, &image.id) {
                Some(path) => images.push(ImageInput {
                    name: image.name.clone(),
                    path,
                }),
                None => return Err(format!("Image '{}' is no longer stored.", image.name)),
            }
        }
        if message.text.trim().is_empty() && images.is_empty() {
            return Err("Turn input must include text or attachments.".into());
        }
        let capabilities = self.info.capabilities;
        let title = &self.info.title;
        if !images.is_empty() && !capabilities.images {
            return Err(format!("{title} does not take images."));
        }
        if request.interaction_mode == InteractionMode::Plan && !capabilities.plan_mode {
            return Err(format!("{title} has no plan mode."));
        }
        Ok((cwd, message.text.clone(), images))
    }

    /// Whether a launch's answer still belongs to the turn at hand: its codex is the current
    /// one (else its exit was reported) and the turn has not ended meanwhile.
    fn launch_current(&self, generation: u64) -> bool {
        generation == self.generation && self.live.is_some() && self.turn.is_some()
    }

    /// The first phase is back: reports a failed checkpoint, records the conversation, then
    /// starts the turn in it (codex speaks of the turn only after this).
    fn prepared(&mut self, generation: u64, prepared: Prepared, ctx: &mut Context<Self>) {
        if !self.launch_current(generation) {
            self.interrupt_after_launch = false;
            return;
        }
        let Prepared {
            baseline,
            opened,
            next,
        } = prepared;
        if let Err(err) = baseline {
            self.fail(
                "checkpoint.capture.failed",
                "Checkpoint capture failed",
                format!("The pre-turn checkpoint was not taken: {err}"),
                ctx,
            );
        }
        let opened = match opened {
            Some(Ok(opened)) => {
                self.opened(generation, opened, ctx);
                Ok(())
            }
            Some(Err(err)) => Err(err),
            None => Ok(()),
        };
        let started = match (opened, next) {
            (Err(err), _) => Err(err),
            (Ok(()), None) => Err(ProviderError::Refused(format!(
                "no {} conversation to start the turn in",
                self.info.name
            ))),
            (Ok(()), Some((provider_thread, driver, input))) => {
                let handle = ctx.spawn(
                    driver
                        .start_turn(generation, provider_thread, input)
                        .into_actor(self)
                        .map(move |started, act, ctx| {
                            act.launching = None;
                            act.started(generation, started, ctx);
                        }),
                );
                self.launching = Some(handle);
                return;
            }
        };
        self.started(generation, started, ctx);
    }

    /// The agent's answer to the turn's start (or why there was none): the turn's id, or its
    /// failure.
    fn started(
        &mut self,
        generation: u64,
        started: Result<String, ProviderError>,
        ctx: &mut Context<Self>,
    ) {
        let interrupt = std::mem::take(&mut self.interrupt_after_launch);
        if !self.launch_current(generation) {
            return;
        }
        match started {
            Ok(turn_id) => {
                if let Some(turn) = &mut self.turn {
                    turn.turn_id.get_or_insert(turn_id);
                }
                if interrupt {
                    self.on_interrupt(ctx);
                }
            }
            // The process died: its exit (or failed start) is reported when that event is
            // handled.
            Err(ProviderError::Gone { .. }) => {}
            Err(err) => {
                let err = err.to_string();
                self.turn = None;
                self.fail(
                    "provider.turn.start.failed",
                    "Provider turn start failed",
                    err.clone(),
                    ctx,
                );
                self.set_session(SessionStatus::Error, None, Some(err), ctx);
                self.start_queued(ctx);
            }
        }
    }

    /// A turn is over (or cut off): checkpoint it, then say so. `after` overrides what the
    /// session becomes (stopped, or an error that is not the turn's).
    pub(super) fn finish_turn(
        &mut self,
        turn_id: Option<String>,
        outcome: TurnOutcome,
        after: Option<SessionAfter>,
        ctx: &mut Context<Self>,
    ) {
        let (status, last_error) = match (&after, &outcome) {
            (Some(after), _) => (after.status, after.last_error.clone()),
            (None, TurnOutcome::Failed(message)) => (SessionStatus::Error, Some(message.clone())),
            (None, _) => (SessionStatus::Ready, None),
        };
        let Some(turn) = self.turn.take() else {
            self.set_session(status, None, last_error, ctx);
            self.start_queued(ctx);
            return;
        };
        if let Some(open) = turn.open_answer.clone() {
            let agent = Some(turn.agent.clone());
            self.complete_answer(open, turn_id.clone().or(turn.turn_id.clone()), agent, ctx);
        }
        if outcome == TurnOutcome::Completed && after.is_none() {
            self.crashes = 0;
        }
        let Some(turn_id) = turn_id.or(turn.turn_id) else {
            self.set_session(status, None, last_error, ctx);
            self.start_queued(ctx);
            return;
        };
        let (cwd, thread_id, base) = (turn.cwd.clone(), self.thread_id.clone(), turn.base_count);
        let assistant_message = turn.assistant_message;
        ctx.wait(
            blocking(move || capture_turn_end(&cwd, &thread_id, base))
                .into_actor(self)
                .map(move |checkpoint, act, ctx| {
                    act.set_session(status, None, last_error, ctx);
                    let now = now_iso();
                    let checkpoint = checkpoint.unwrap_or_else(|err| {
                        let reference = checkpoints::checkpoint_ref(&act.thread_id, base + 1);
                        TurnCheckpoint::failed(reference, err)
                    });
                    if let Some((kind, tone, summary, detail)) = checkpoint.note {
                        act.note(
                            tone,
                            kind,
                            summary,
                            json!({ "detail": detail, "turnCount": base + 1 }),
                            Some(turn_id.clone()),
                            ctx,
                        );
                    }
                    act.push_command(
                        InternalCommand::ThreadTurnDiffComplete(TurnDiffCompleteCommand {
                            command_id: new_id(),
                            thread_id: act.thread_id.clone(),
                            turn_id,
                            completed_at: now.clone(),
                            checkpoint_ref: checkpoint.reference,
                            status: checkpoint.status,
                            files: checkpoint.files,
                            assistant_message_id: assistant_message,
                            checkpoint_turn_count: base + 1,
                            created_at: now,
                        }),
                        ctx,
                    );
                    // Only now, after the turn's checkpoint, does a queued follow-up start.
                    act.start_queued(ctx);
                }),
        );
    }

    pub(super) fn on_interrupt(&mut self, ctx: &mut Context<Self>) {
        if self.launching.is_some() {
            // The agent has not yet said which turn it started: interrupt it once it has.
            self.interrupt_after_launch = true;
            return;
        }
        if let Some(backoff) = self.backoff.take() {
            // Not yet in the agent: the turn ends here.
            ctx.cancel_future(backoff);
            self.turn = None;
            self.note(
                ActivityTone::Info,
                "turn.interrupted",
                "Turn interrupted",
                json!({ "detail": "The turn was interrupted before it started, during the crash backoff." }),
                None,
                ctx,
            );
            self.set_session(SessionStatus::Ready, None, None, ctx);
            self.start_queued(ctx);
            return;
        }
        let target = match (&self.live, &self.turn) {
            (Some(live), Some(turn)) => live.provider_thread.clone().zip(turn.turn_id.clone()),
            _ => None,
        };
        let Some((thread, turn)) = target else {
            self.fail(
                "provider.turn.interrupt.failed",
                "Provider turn interrupt failed",
                "No turn is running in this thread.".into(),
                ctx,
            );
            return;
        };
        ctx.spawn(
            self.driver()
                .interrupt(self.generation, thread, turn)
                .into_actor(self)
                .map(|result, act, ctx| {
                    if let Err(err) = result {
                        act.fail(
                            "provider.turn.interrupt.failed",
                            "Provider turn interrupt failed",
                            err.to_string(),
                            ctx,
                        );
                    }
                }),
        );
    }

    pub(super) fn on_stop(&mut self, ctx: &mut Context<Self>) {
        if let Some(backoff) = self.backoff.take() {
            ctx.cancel_future(backoff);
        }
        self.cancel_launch(ctx);
        self.clear_queue(true, ctx);
        // The driver stops its agent whether or not one runs; the mailbox waits for what the
        // agent left open, so its closing comes before the session's stop.
        self.live = None;
        let stopped = self.driver().stop("the session was stopped".into());
        ctx.wait(stopped.into_actor(self).map(|stopped, act, ctx| {
            match stopped {
                Ok(effects) => act.apply(effects, ctx),
                Err(err) => log::warn!("thread {}: stopping the agent: {err}", act.thread_id),
            }
            let after = SessionAfter {
                status: SessionStatus::Stopped,
                last_error: None,
            };
            act.finish_turn(None, TurnOutcome::Interrupted, Some(after), ctx);
        }));
    }
}

impl ThreadSession {
    /// A turn that cannot start (no driver for its agent, an input the agent does not take):
    /// said in an activity and in the session's error, so the thread does not look as if the
    /// turn were still coming; the next queued turn gets its chance.
    fn refuse_turn(&mut self, detail: String, ctx: &mut Context<Self>) {
        self.fail(
            "provider.turn.start.failed",
            "Provider turn start failed",
            detail.clone(),
            ctx,
        );
        self.set_session(SessionStatus::Error, None, Some(detail), ctx);
        self.start_queued(ctx);
    }
}

/// A first turn on a newly chosen agent: the thread's earlier conversation, then the message.
fn with_transcript(transcript: &str, text: &str) -> String {
    format!(
        "This conversation continues one held with another agent. Its transcript so far:\n\n\
         {transcript}\n\nThe user's new message:\n\n{text}"
    )
}

/// The turn's agent and model: the request's selection (else codex), with the request's model,
/// else the thread's.
pub(super) fn turn_model(
    request: &ThreadTurnStartRequestedPayload,
    info: &ThreadInfo,
) -> ModelSelection {
    let model = request.model.clone().unwrap_or(info.model.clone());
    let mut selection = request
        .model_selection
        .clone()
        .unwrap_or_else(|| ModelSelection::codex(model.clone()));
    selection.model = model;
    selection
}

/// Off the actor, the launch's first phase: takes the baseline checkpoint and opens the
/// conversation when it has to be.
async fn prepare_in_agent(launch: Launch) -> Prepared {
    let Launch {
        delay: _,
        driver,
        generation,
        open,
        known_thread,
        thread_id,
        cwd,
        mode,
        base_count,
        input,
    } = launch;
    let baseline_cwd = cwd.clone();
    let baseline = blocking(move || capture_baseline(&baseline_cwd, &thread_id, base_count))
        .await
        .and_then(|r| r);
    let opened = match open {
        Some(resume) => {
            let request = OpenConversation {
                resume,
                cwd,
                runtime_mode: mode,
            };
            Some(driver.open(generation, request).await)
        }
        None => None,
    };
    let provider_thread = match &opened {
        Some(Ok(o)) => Some(o.conversation.clone()),
        Some(Err(_)) => None,
        None => known_thread,
    };
    Prepared {
        baseline,
        opened,
        next: provider_thread.map(|id| (id, driver, input)),
    }
}
