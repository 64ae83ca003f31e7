//! Command → events. Pure: the clock and the id source come in through [`DecideContext`], so a
//! replay of the same inputs gives the same events.

use serde_json::Value;

use super::commands::{ClientCommand, Command, InternalCommand};
use super::events::*;
use super::model::{AssistantDeliveryMode, MessageRole, ModelSelection, ReadModel, Thread};

/// The reference's default when a turn does not say how the assistant's text is delivered.
const DEFAULT_ASSISTANT_DELIVERY_MODE: AssistantDeliveryMode = AssistantDeliveryMode::Buffered;

pub struct DecideContext<'a> {
    /// Used where the reference stamps an event with the current time instead of the command's.
    pub now: String,
    /// A fresh event id per call.
    pub next_id: &'a mut dyn FnMut() -> String,
}

/// A command that breaks an invariant. Display is the reference's detail text, which clients
/// show as the dispatch error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvariantError {
    pub command_type: String,
    pub message: String,
}

impl InvariantError {
    fn new(command_type: &str, message: String) -> Self {
        InvariantError {
            command_type: command_type.to_string(),
            message,
        }
    }
}

// Deleted rows still count as existing, as in the reference: a deleted project can still get
// threads and a deleted id can never be created again.
fn require_project(model: &ReadModel, kind: &str, id: &str) -> Result<(), InvariantError> {
    if model.projects.contains_key(id) {
        return Ok(());
    }
    Err(InvariantError::new(
        kind,
        format!("Project '{id}' does not exist for command '{kind}'."),
    ))
}

fn require_project_absent(model: &ReadModel, kind: &str, id: &str) -> Result<(), InvariantError> {
    if !model.projects.contains_key(id) {
        return Ok(());
    }
    Err(InvariantError::new(
        kind,
        format!("Project '{id}' already exists and cannot be created twice."),
    ))
}

fn require_thread(model: &ReadModel, kind: &str, id: &str) -> Result<(), InvariantError> {
    if model.threads.contains_key(id) {
        return Ok(());
    }
    Err(InvariantError::new(
        kind,
        format!("Thread '{id}' does not exist for command '{kind}'."),
    ))
}

fn require_thread_absent(model: &ReadModel, kind: &str, id: &str) -> Result<(), InvariantError> {
    if !model.threads.contains_key(id) {
        return Ok(());
    }
    Err(InvariantError::new(
        kind,
        format!("Thread '{id}' already exists and cannot be created twice."),
    ))
}

/// Archiving (DP Code's `requireThreadNotArchived` / `requireThreadArchived`) needs a live
/// thread: a deleted one is refused here, unlike the v0.0.4 commands.
fn require_archivable(
    model: &ReadModel,
    kind: &str,
    id: &str,
    want_archived: bool,
) -> Result<(), InvariantError> {
    require_thread(model, kind, id)?;
    let Some(thread) = model.threads.get(id) else {
        return Ok(());
    };
    let refuse = |message: String| Err(InvariantError::new(kind, message));
    if thread.deleted_at.is_some() {
        return refuse(format!(
            "Thread '{id}' is deleted and cannot handle command '{kind}'."
        ));
    }
    match (thread.is_archived(), want_archived) {
        (true, false) => refuse(format!(
            "Thread '{id}' is already archived and cannot handle command '{kind}'."
        )),
        (false, true) => refuse(format!(
            "Thread '{id}' is not archived for command '{kind}'."
        )),
        _ => Ok(()),
    }
}

/// The envelope every event of a command shares: correlation is the command id by design.
fn draft(
    ctx: &mut DecideContext,
    command_id: &str,
    kind: AggregateKind,
    aggregate_id: &str,
    occurred_at: &str,
    body: EventBody,
) -> EventDraft {
    EventDraft {
        event_id: (ctx.next_id)(),
        aggregate_kind: kind,
        aggregate_id: aggregate_id.to_string(),
        occurred_at: occurred_at.to_string(),
        command_id: Some(command_id.to_string()),
        causation_event_id: None,
        correlation_id: Some(command_id.to_string()),
        metadata: EventMetadata::default(),
        body,
    }
}

/// The one event of a command about one thread, stamped with the command's id and time.
fn thread_event(
    ctx: &mut DecideContext,
    command_id: &str,
    thread_id: &str,
    created_at: &str,
    body: EventBody,
) -> EventDraft {
    draft(
        ctx,
        command_id,
        AggregateKind::Thread,
        thread_id,
        created_at,
        body,
    )
}

pub fn decide(
    command: &Command,
    model: &ReadModel,
    ctx: &mut DecideContext,
) -> Result<Vec<EventDraft>, InvariantError> {
    match command {
        Command::Client(command) => decide_client(command, model, ctx),
        Command::Internal(command) => decide_internal(command, model, ctx),
    }
}

fn decide_client(
    command: &ClientCommand,
    model: &ReadModel,
    ctx: &mut DecideContext,
) -> Result<Vec<EventDraft>, InvariantError> {
    use AggregateKind::{Project, Thread};
    use ClientCommand as C;
    let kind = command.type_name();
    let now = ctx.now.clone();
    let event = match command {
        C::ProjectCreate(c) => {
            require_project_absent(model, kind, &c.project_id)?;
            let body = EventBody::ProjectCreated(ProjectCreatedPayload {
                project_id: c.project_id.clone(),
                title: c.title.clone(),
                workspace_root: c.workspace_root.clone(),
                default_model: c.default_model.clone(),
                scripts: Vec::new(),
                created_at: c.created_at.clone(),
                updated_at: c.created_at.clone(),
            });
            draft(
                ctx,
                &c.command_id,
                Project,
                &c.project_id,
                &c.created_at,
                body,
            )
        }
        C::ProjectMetaUpdate(c) => {
            require_project(model, kind, &c.project_id)?;
            let body = EventBody::ProjectMetaUpdated(ProjectMetaUpdatedPayload {
                project_id: c.project_id.clone(),
                title: c.title.clone(),
                workspace_root: c.workspace_root.clone(),
                default_model: c.default_model.clone().map(Some),
                scripts: c.scripts.clone(),
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Project, &c.project_id, &now, body)
        }
        C::ProjectDelete(c) => {
            require_project(model, kind, &c.project_id)?;
            let body = EventBody::ProjectDeleted(ProjectDeletedPayload {
                project_id: c.project_id.clone(),
                deleted_at: now.clone(),
            });
            draft(ctx, &c.command_id, Project, &c.project_id, &now, body)
        }
        C::ThreadCreate(c) => {
            require_project(model, kind, &c.project_id)?;
            require_thread_absent(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadCreated(ThreadCreatedPayload {
                thread_id: c.thread_id.clone(),
                project_id: c.project_id.clone(),
                title: c.title.clone(),
                model: c.model.clone(),
                model_selection: c.model_selection.clone(),
                runtime_mode: c.runtime_mode,
                interaction_mode: c.interaction_mode,
                branch: c.branch.clone(),
                worktree_path: c.worktree_path.clone(),
                created_at: c.created_at.clone(),
                updated_at: c.created_at.clone(),
            });
            thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body)
        }
        C::ThreadDelete(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadDeleted(ThreadDeletedPayload {
                thread_id: c.thread_id.clone(),
                deleted_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
        C::ThreadMetaUpdate(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadMetaUpdated(ThreadMetaUpdatedPayload {
                thread_id: c.thread_id.clone(),
                title: c.title.clone(),
                model: c.model.clone(),
                branch: c.branch.clone(),
                worktree_path: c.worktree_path.clone(),
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
        C::ThreadRuntimeModeSet(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadRuntimeModeSet(ThreadRuntimeModeSetPayload {
                thread_id: c.thread_id.clone(),
                runtime_mode: c.runtime_mode,
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
        C::ThreadInteractionModeSet(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadInteractionModeSet(ThreadInteractionModeSetPayload {
                thread_id: c.thread_id.clone(),
                interaction_mode: c.interaction_mode,
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
        C::ThreadTurnStart(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let mut attachments = Vec::with_capacity(c.message.attachments.len());
            for item in &c.message.attachments {
                match item.stored() {
                    Some(stored) => attachments.push(stored),
                    None => {
                        return Err(InvariantError::new(
                            kind,
                            format!(
                            "Attachment '{}' must be stored before command '{kind}' is decided.",
                            item.name
                        ),
                        ))
                    }
                }
            }
            let message_body = EventBody::ThreadMessageSent(ThreadMessageSentPayload {
                thread_id: c.thread_id.clone(),
                message_id: c.message.message_id.clone(),
                role: MessageRole::User,
                text: c.message.text.clone(),
                attachments: Some(attachments),
                turn_id: None,
                streaming: false,
                created_at: c.created_at.clone(),
                updated_at: c.created_at.clone(),
                answered_by: None,
            });
            let message_event = thread_event(
                ctx,
                &c.command_id,
                &c.thread_id,
                &c.created_at,
                message_body,
            );
            // The thread's own modes win over the command's, as in the reference.
            let thread = model.threads.get(&c.thread_id);
            // DP Code's selection; else v0.0.4's model (codex); else the thread's own.
            let selection = c.model_selection.clone().or_else(|| {
                c.model
                    .clone()
                    .map(ModelSelection::codex)
                    .or_else(|| thread.and_then(|t| t.model_selection.clone()))
            });
            let provider = match &selection {
                Some(selection) => selection.v004_provider(),
                None => c.provider,
            };
            let turn_model = match &c.model_selection {
                Some(selection) => Some(selection.model.clone()),
                None => c.model.clone(),
            };
            let request_body =
                EventBody::ThreadTurnStartRequested(ThreadTurnStartRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    message_id: c.message.message_id.clone(),
                    model_selection: selection,
                    provider,
                    model: turn_model,
                    service_tier: c.service_tier,
                    model_options: c.model_options.clone(),
                    assistant_delivery_mode: Some(
                        c.assistant_delivery_mode
                            .unwrap_or(DEFAULT_ASSISTANT_DELIVERY_MODE),
                    ),
                    dispatch_mode: c.dispatch_mode,
                    runtime_mode: thread.map_or(c.runtime_mode, |t| t.runtime_mode),
                    interaction_mode: thread.map_or(c.interaction_mode, |t| t.interaction_mode),
                    created_at: c.created_at.clone(),
                });
            let mut request_event = thread_event(
                ctx,
                &c.command_id,
                &c.thread_id,
                &c.created_at,
                request_body,
            );
            request_event.causation_event_id = Some(message_event.event_id.clone());
            return Ok(vec![message_event, request_event]);
        }
        C::ThreadTurnInterrupt(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body =
                EventBody::ThreadTurnInterruptRequested(ThreadTurnInterruptRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    turn_id: c.turn_id.clone(),
                    created_at: c.created_at.clone(),
                });
            thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body)
        }
        C::ThreadApprovalRespond(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadApprovalResponseRequested(
                ThreadApprovalResponseRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    request_id: c.request_id.clone(),
                    decision: c.decision,
                    created_at: c.created_at.clone(),
                },
            );
            let mut event = thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body);
            event.metadata.request_id = Some(c.request_id.clone());
            event
        }
        C::ThreadUserInputRespond(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadUserInputResponseRequested(
                ThreadUserInputResponseRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    request_id: c.request_id.clone(),
                    answers: c.answers.clone(),
                    created_at: c.created_at.clone(),
                },
            );
            let mut event = thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body);
            event.metadata.request_id = Some(c.request_id.clone());
            event
        }
        C::ThreadCheckpointRevert(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadCheckpointRevertRequested(
                ThreadCheckpointRevertRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    turn_count: c.turn_count,
                    created_at: c.created_at.clone(),
                },
            );
            thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body)
        }
        C::ThreadSessionStop(c) => {
            require_thread(model, kind, &c.thread_id)?;
            let body = EventBody::ThreadSessionStopRequested(ThreadSessionStopRequestedPayload {
                thread_id: c.thread_id.clone(),
                created_at: c.created_at.clone(),
            });
            thread_event(ctx, &c.command_id, &c.thread_id, &c.created_at, body)
        }
        // DP Code stamps both with the decision's time (S/orchestration/decider.ts:657-700). A
        // running turn is no reason to refuse: archiving only hides the thread; the retention
        // sweep is what leaves busy threads alone.
        C::ThreadArchive(c) => {
            require_archivable(model, kind, &c.thread_id, false)?;
            let body = EventBody::ThreadArchived(ThreadArchivedPayload {
                thread_id: c.thread_id.clone(),
                archived_at: now.clone(),
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
        C::ThreadUnarchive(c) => {
            require_archivable(model, kind, &c.thread_id, true)?;
            let body = EventBody::ThreadUnarchived(ThreadUnarchivedPayload {
                thread_id: c.thread_id.clone(),
                updated_at: now.clone(),
            });
            draft(ctx, &c.command_id, Thread, &c.thread_id, &now, body)
        }
    };
    Ok(vec![event])
}

/// Which assistant message a delta or completion is for, and who is writing it.
struct AssistantText<'a> {
    thread_id: &'a str,
    message_id: &'a str,
    turn_id: &'a Option<String>,
    answered_by: &'a Option<ModelSelection>,
    at: &'a str,
}

fn assistant_message(
    model: &ReadModel,
    of: AssistantText<'_>,
    text: String,
    streaming: bool,
) -> EventBody {
    EventBody::ThreadMessageSent(ThreadMessageSentPayload {
        thread_id: of.thread_id.to_string(),
        message_id: of.message_id.to_string(),
        role: MessageRole::Assistant,
        text,
        attachments: None,
        turn_id: of.turn_id.clone(),
        streaming,
        created_at: of.at.to_string(),
        updated_at: of.at.to_string(),
        answered_by: of
            .answered_by
            .clone()
            .or_else(|| model.threads.get(of.thread_id).map(|t| answering_agent(t))),
    })
}

/// The agent a thread's turns go to now, for text whose session did not say who wrote it: its
/// selection (the latest turn's), else v0.0.4's codex with the thread's model. Options are left
/// out: they say how, not who.
fn answering_agent(thread: &Thread) -> ModelSelection {
    match &thread.model_selection {
        Some(selection) => ModelSelection {
            options: None,
            ..selection.clone()
        },
        None => ModelSelection::codex(thread.model.clone()),
    }
}

fn decide_internal(
    command: &InternalCommand,
    model: &ReadModel,
    ctx: &mut DecideContext,
) -> Result<Vec<EventDraft>, InvariantError> {
    use AggregateKind::Thread;
    use InternalCommand as I;
    require_thread(model, command.type_name(), command.thread_id())?;
    // Every internal command is about one thread: the arms only say what happened.
    let mut request_id = None;
    let body = match command {
        I::ThreadSessionSet(c) => EventBody::ThreadSessionSet(ThreadSessionSetPayload {
            thread_id: c.thread_id.clone(),
            session: c.session.clone(),
        }),
        I::ThreadMessageAssistantDelta(c) => assistant_message(
            model,
            AssistantText {
                thread_id: &c.thread_id,
                message_id: &c.message_id,
                turn_id: &c.turn_id,
                answered_by: &c.answered_by,
                at: &c.created_at,
            },
            c.delta.clone(),
            true,
        ),
        // Completion is a non-streaming message-sent with no text: the projector marks the
        // message complete without touching what the deltas built.
        I::ThreadMessageAssistantComplete(c) => assistant_message(
            model,
            AssistantText {
                thread_id: &c.thread_id,
                message_id: &c.message_id,
                turn_id: &c.turn_id,
                answered_by: &c.answered_by,
                at: &c.created_at,
            },
            String::new(),
            false,
        ),
        I::ThreadProposedPlanUpsert(c) => {
            EventBody::ThreadProposedPlanUpserted(ThreadProposedPlanUpsertedPayload {
                thread_id: c.thread_id.clone(),
                proposed_plan: c.proposed_plan.clone(),
            })
        }
        I::ThreadTurnDiffComplete(c) => {
            EventBody::ThreadTurnDiffCompleted(ThreadTurnDiffCompletedPayload {
                thread_id: c.thread_id.clone(),
                turn_id: c.turn_id.clone(),
                checkpoint_turn_count: c.checkpoint_turn_count,
                checkpoint_ref: c.checkpoint_ref.clone(),
                status: c.status,
                files: c.files.clone(),
                assistant_message_id: c.assistant_message_id.clone(),
                completed_at: c.completed_at.clone(),
            })
        }
        I::ThreadRevertComplete(c) => EventBody::ThreadReverted(ThreadRevertedPayload {
            thread_id: c.thread_id.clone(),
            turn_count: c.turn_count,
        }),
        I::ThreadActivityAppend(c) => {
            // Approval activities carry the provider request they are about, for lookups.
            request_id = match &c.activity.payload {
                Value::Object(payload) => match payload.get("requestId") {
                    Some(Value::String(id)) => Some(id.clone()),
                    _ => None,
                },
                _ => None,
            };
            EventBody::ThreadActivityAppended(ThreadActivityAppendedPayload {
                thread_id: c.thread_id.clone(),
                activity: c.activity.clone(),
            })
        }
    };
    let mut event = draft(
        ctx,
        command.command_id(),
        Thread,
        command.thread_id(),
        command.created_at(),
        body,
    );
    event.metadata.request_id = request_id;
    Ok(vec![event])
}

#[cfg(test)]
mod tests;
