//! Command → events. Pure: the clock and the id source come in through [`DecideContext`], so a
//! replay of the same inputs gives the same events.

use serde_json::Value;

use super::commands::{ClientCommand, Command, InternalCommand};
use super::events::*;
use super::model::{AssistantDeliveryMode, MessageRole, ReadModel};

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
            let request_body =
                EventBody::ThreadTurnStartRequested(ThreadTurnStartRequestedPayload {
                    thread_id: c.thread_id.clone(),
                    message_id: c.message.message_id.clone(),
                    provider: c.provider,
                    model: c.model.clone(),
                    service_tier: c.service_tier,
                    model_options: c.model_options.clone(),
                    assistant_delivery_mode: Some(
                        c.assistant_delivery_mode
                            .unwrap_or(DEFAULT_ASSISTANT_DELIVERY_MODE),
                    ),
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
    };
    Ok(vec![event])
}

fn assistant_message(
    thread_id: &str,
    message_id: &str,
    turn_id: &Option<String>,
    at: &str,
    text: String,
    streaming: bool,
) -> EventBody {
    EventBody::ThreadMessageSent(ThreadMessageSentPayload {
        thread_id: thread_id.to_string(),
        message_id: message_id.to_string(),
        role: MessageRole::Assistant,
        text,
        attachments: None,
        turn_id: turn_id.clone(),
        streaming,
        created_at: at.to_string(),
        updated_at: at.to_string(),
    })
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
            &c.thread_id,
            &c.message_id,
            &c.turn_id,
            &c.created_at,
            c.delta.clone(),
            true,
        ),
        // Completion is a non-streaming message-sent with no text: the projector marks the
        // message complete without touching what the deltas built.
        I::ThreadMessageAssistantComplete(c) => assistant_message(
            &c.thread_id,
            &c.message_id,
            &c.turn_id,
            &c.created_at,
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
mod tests {
    use serde_json::{json, Value};

    use super::super::test_support::*;
    use super::super::*;

    fn as_json(event: &Event) -> Value {
        serde_json::to_value(event).expect("serialises")
    }

    fn single(h: &mut Harness, command: Command) -> Value {
        let events = h.ok(command);
        assert_eq!(events.len(), 1, "one event per command");
        as_json(&events[0])
    }

    fn rejected(h: &mut Harness, command: Command) -> String {
        h.run(command).expect_err("rejected").to_string()
    }

    #[test]
    fn project_create_emits_project_created() {
        let mut h = Harness::new();
        let e = single(&mut h, client(create_project("p1")));
        assert_eq!(e["type"], "project.created");
        assert_eq!(e["aggregateKind"], "project");
        assert_eq!(e["aggregateId"], "p1");
        assert_eq!(e["occurredAt"], T0);
        assert_eq!(e["commandId"], "cmd-create-p1");
        assert_eq!(e["correlationId"], "cmd-create-p1");
        assert_eq!(e["causationEventId"], Value::Null);
        assert_eq!(
            e["payload"],
            json!({"projectId": "p1", "title": "Project", "workspaceRoot": "/work",
                   "defaultModel": null, "scripts": [], "createdAt": T0, "updatedAt": T0})
        );
    }

    #[test]
    fn project_meta_update_emits_only_given_fields_stamped_now() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "project.meta.update", "commandId": "c", "projectId": "p1",
                          "title": "Renamed", "defaultModel": "gpt-5.2"}),
            ),
        );
        assert_eq!(e["type"], "project.meta-updated");
        assert_eq!(e["occurredAt"], NOW);
        assert_eq!(
            e["payload"],
            json!({"projectId": "p1", "title": "Renamed", "defaultModel": "gpt-5.2",
                   "updatedAt": NOW})
        );
        assert_eq!(h.model.projects["p1"].title, "Renamed");
    }

    #[test]
    fn project_delete_emits_project_deleted() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(json!({"type": "project.delete", "commandId": "c", "projectId": "p1"})),
        );
        assert_eq!(e["type"], "project.deleted");
        assert_eq!(e["payload"], json!({"projectId": "p1", "deletedAt": NOW}));
    }

    #[test]
    fn thread_create_emits_thread_created() {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        let e = single(&mut h, client(create_thread("t1", "p1")));
        assert_eq!(e["type"], "thread.created");
        assert_eq!(e["aggregateKind"], "thread");
        assert_eq!(e["payload"]["interactionMode"], "default");
        assert_eq!(e["payload"]["runtimeMode"], "full-access");
        assert_eq!(e["payload"]["branch"], Value::Null);
        assert_eq!(e["payload"]["updatedAt"], T0);
    }

    #[test]
    fn thread_delete_emits_thread_deleted() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(json!({"type": "thread.delete", "commandId": "c", "threadId": "t1"})),
        );
        assert_eq!(e["type"], "thread.deleted");
        assert_eq!(e["payload"], json!({"threadId": "t1", "deletedAt": NOW}));
    }

    #[test]
    fn thread_meta_update_keeps_null_distinct_from_absent() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.meta.update", "commandId": "c", "threadId": "t1",
                          "branch": null, "title": "T"}),
            ),
        );
        assert_eq!(e["type"], "thread.meta-updated");
        assert_eq!(
            e["payload"],
            json!({"threadId": "t1", "title": "T", "branch": null, "updatedAt": NOW})
        );
    }

    #[test]
    fn runtime_mode_set_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.runtime-mode.set", "commandId": "c", "threadId": "t1",
                          "runtimeMode": "approval-required", "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.runtime-mode-set");
        assert_eq!(e["payload"]["runtimeMode"], "approval-required");
        assert_eq!(e["payload"]["updatedAt"], NOW);
    }

    #[test]
    fn interaction_mode_set_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.interaction-mode.set", "commandId": "c",
                          "threadId": "t1", "interactionMode": "plan", "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.interaction-mode-set");
        assert_eq!(e["payload"]["interactionMode"], "plan");
    }

    #[test]
    fn turn_start_emits_message_then_request_caused_by_it() {
        let mut h = Harness::with_thread();
        let mut command = turn_start("t1", "m1", "hello");
        command["runtimeMode"] = json!("approval-required");
        command["model"] = json!("gpt-5.2");
        let events = h.ok(client(command));
        assert_eq!(events.len(), 2);
        let (first, second) = (as_json(&events[0]), as_json(&events[1]));
        assert_eq!(first["type"], "thread.message-sent");
        assert_eq!(
            first["payload"],
            json!({"threadId": "t1", "messageId": "m1", "role": "user", "text": "hello",
                   "attachments": [], "turnId": null, "streaming": false,
                   "createdAt": T0, "updatedAt": T0})
        );
        assert_eq!(second["type"], "thread.turn-start-requested");
        assert_eq!(second["causationEventId"], first["eventId"]);
        assert_eq!(second["correlationId"], "cmd-turn-m1");
        assert_eq!(second["payload"]["assistantDeliveryMode"], "buffered");
        assert_eq!(second["payload"]["model"], "gpt-5.2");
        // The thread's mode wins over the command's.
        assert_eq!(second["payload"]["runtimeMode"], "full-access");
        assert_eq!(h.thread("t1").messages[0].text, "hello");
    }

    #[test]
    fn turn_start_with_stored_image_carries_it() {
        let mut h = Harness::with_thread();
        let mut command = turn_start("t1", "m1", "see");
        command["message"]["attachments"] = json!([{"type": "image", "id": "t1-abc",
            "name": "a.png", "mimeType": "image/png", "sizeBytes": 3}]);
        let events = h.ok(client(command));
        assert_eq!(
            as_json(&events[0])["payload"]["attachments"],
            json!([{"type": "image", "id": "t1-abc", "name": "a.png", "mimeType": "image/png",
                    "sizeBytes": 3}])
        );
    }

    #[test]
    fn turn_start_with_unstored_upload_is_rejected() {
        let mut h = Harness::with_thread();
        let mut command = turn_start("t1", "m1", "see");
        command["message"]["attachments"] = json!([{"type": "image", "name": "a.png",
            "mimeType": "image/png", "sizeBytes": 3, "dataUrl": "data:image/png;base64,AAA"}]);
        let message = rejected(&mut h, client(command));
        assert_eq!(
            message,
            "Attachment 'a.png' must be stored before command 'thread.turn.start' is decided."
        );
        assert!(h.thread("t1").messages.is_empty());
    }

    #[test]
    fn turn_interrupt_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.turn.interrupt", "commandId": "c", "threadId": "t1",
                          "turnId": "turn-1", "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.turn-interrupt-requested");
        assert_eq!(
            e["payload"],
            json!({"threadId": "t1", "turnId": "turn-1", "createdAt": T0})
        );
    }

    #[test]
    fn approval_respond_emits_event_with_request_metadata() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.approval.respond", "commandId": "c", "threadId": "t1",
                          "requestId": "r1", "decision": "acceptForSession", "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.approval-response-requested");
        assert_eq!(e["payload"]["decision"], "acceptForSession");
        assert_eq!(e["metadata"], json!({"requestId": "r1"}));
    }

    #[test]
    fn user_input_respond_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.user-input.respond", "commandId": "c",
                          "threadId": "t1", "requestId": "r1",
                          "answers": {"q": {"answers": ["yes"]}}, "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.user-input-response-requested");
        assert_eq!(e["payload"]["answers"], json!({"q": {"answers": ["yes"]}}));
        assert_eq!(e["metadata"]["requestId"], "r1");
    }

    #[test]
    fn checkpoint_revert_emits_request() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(json!({"type": "thread.checkpoint.revert", "commandId": "c",
                          "threadId": "t1", "turnCount": 2, "createdAt": T0})),
        );
        assert_eq!(e["type"], "thread.checkpoint-revert-requested");
        assert_eq!(e["payload"]["turnCount"], 2);
    }

    #[test]
    fn session_stop_emits_request() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            client(
                json!({"type": "thread.session.stop", "commandId": "c", "threadId": "t1",
                          "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.session-stop-requested");
        assert_eq!(e["payload"], json!({"threadId": "t1", "createdAt": T0}));
    }

    #[test]
    fn session_set_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(
                json!({"type": "thread.session.set", "commandId": "c", "threadId": "t1",
                "session": {"threadId": "t1", "status": "running", "providerName": "codex",
                            "activeTurnId": "turn-1", "lastError": null, "updatedAt": T0},
                "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.session-set");
        assert_eq!(e["payload"]["session"]["runtimeMode"], "full-access");
        assert_eq!(e["metadata"], json!({}));
    }

    #[test]
    fn assistant_delta_is_a_streaming_message() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(
                json!({"type": "thread.message.assistant.delta", "commandId": "c",
                "threadId": "t1", "messageId": "a1", "delta": "Hel", "turnId": "turn-1",
                "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.message-sent");
        assert_eq!(
            e["payload"],
            json!({"threadId": "t1", "messageId": "a1", "role": "assistant", "text": "Hel",
                   "turnId": "turn-1", "streaming": true, "createdAt": T0, "updatedAt": T0})
        );
    }

    #[test]
    fn assistant_complete_is_an_empty_final_message() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(
                json!({"type": "thread.message.assistant.complete", "commandId": "c",
                "threadId": "t1", "messageId": "a1", "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.message-sent");
        assert_eq!(e["payload"]["text"], "");
        assert_eq!(e["payload"]["streaming"], false);
        assert_eq!(e["payload"]["turnId"], Value::Null);
    }

    #[test]
    fn proposed_plan_upsert_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(
                json!({"type": "thread.proposed-plan.upsert", "commandId": "c",
                "threadId": "t1", "proposedPlan": {"id": "plan-1", "turnId": null,
                "planMarkdown": "# Plan", "createdAt": T0, "updatedAt": T0}, "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.proposed-plan-upserted");
        assert_eq!(e["payload"]["proposedPlan"]["planMarkdown"], "# Plan");
    }

    #[test]
    fn turn_diff_complete_emits_event() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(
                json!({"type": "thread.turn.diff.complete", "commandId": "c",
                "threadId": "t1", "turnId": "turn-1", "completedAt": T0,
                "checkpointRef": "refs/t3/x", "status": "ready",
                "files": [{"path": "a.rs", "kind": "modified", "additions": 1, "deletions": 0}],
                "checkpointTurnCount": 1, "createdAt": T0}),
            ),
        );
        assert_eq!(e["type"], "thread.turn-diff-completed");
        assert_eq!(e["payload"]["assistantMessageId"], Value::Null);
        assert_eq!(e["payload"]["checkpointTurnCount"], 1);
        assert_eq!(e["payload"]["files"][0]["path"], "a.rs");
    }

    #[test]
    fn activity_append_emits_event_with_request_id_from_payload() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(json!({"type": "thread.activity.append", "commandId": "c",
                "threadId": "t1", "activity": {"id": "act-1", "tone": "approval",
                "kind": "approval.requested", "summary": "Command approval requested",
                "payload": {"requestId": "r9", "requestKind": "command"}, "turnId": null,
                "createdAt": T0}, "createdAt": T0})),
        );
        assert_eq!(e["type"], "thread.activity-appended");
        assert_eq!(e["payload"]["activity"]["kind"], "approval.requested");
        assert_eq!(e["metadata"], json!({"requestId": "r9"}));
    }

    #[test]
    fn revert_complete_emits_reverted() {
        let mut h = Harness::with_thread();
        let e = single(
            &mut h,
            internal(json!({"type": "thread.revert.complete", "commandId": "c",
                "threadId": "t1", "turnCount": 0, "createdAt": T0})),
        );
        assert_eq!(e["type"], "thread.reverted");
        assert_eq!(e["payload"], json!({"threadId": "t1", "turnCount": 0}));
    }

    #[test]
    fn missing_project_is_rejected() {
        let mut h = Harness::new();
        let message = rejected(
            &mut h,
            client(json!({"type": "project.delete", "commandId": "c", "projectId": "nope"})),
        );
        assert_eq!(
            message,
            "Project 'nope' does not exist for command 'project.delete'."
        );
    }

    #[test]
    fn thread_create_needs_its_project() {
        let mut h = Harness::new();
        let message = rejected(&mut h, client(create_thread("t1", "nope")));
        assert_eq!(
            message,
            "Project 'nope' does not exist for command 'thread.create'."
        );
    }

    #[test]
    fn project_created_twice_is_rejected() {
        let mut h = Harness::new();
        h.ok(client(create_project("p1")));
        let message = rejected(&mut h, client(create_project("p1")));
        assert_eq!(
            message,
            "Project 'p1' already exists and cannot be created twice."
        );
    }

    #[test]
    fn missing_thread_is_rejected_for_client_and_internal_commands() {
        let mut h = Harness::new();
        let message = rejected(&mut h, client(turn_start("nope", "m1", "hi")));
        assert_eq!(
            message,
            "Thread 'nope' does not exist for command 'thread.turn.start'."
        );
        let message = rejected(
            &mut h,
            internal(
                json!({"type": "thread.message.assistant.delta", "commandId": "c",
                "threadId": "nope", "messageId": "a1", "delta": "x", "createdAt": T0}),
            ),
        );
        assert_eq!(
            message,
            "Thread 'nope' does not exist for command 'thread.message.assistant.delta'."
        );
    }

    #[test]
    fn thread_created_twice_is_rejected() {
        let mut h = Harness::with_thread();
        let message = rejected(&mut h, client(create_thread("t1", "p1")));
        assert_eq!(
            message,
            "Thread 't1' already exists and cannot be created twice."
        );
    }

    #[test]
    fn deleted_rows_still_exist_for_invariants() {
        let mut h = Harness::with_thread();
        h.ok(client(
            json!({"type": "thread.delete", "commandId": "d1", "threadId": "t1"}),
        ));
        h.ok(client(
            json!({"type": "project.delete", "commandId": "d2", "projectId": "p1"}),
        ));
        assert_eq!(
            rejected(&mut h, client(create_thread("t1", "p1"))),
            "Thread 't1' already exists and cannot be created twice."
        );
        assert_eq!(
            rejected(&mut h, client(create_project("p1"))),
            "Project 'p1' already exists and cannot be created twice."
        );
        // As in the reference, a deleted thread still takes commands.
        h.ok(client(turn_start("t1", "m1", "still here")));
    }

    #[test]
    fn invariant_error_keeps_command_type() {
        let mut h = Harness::new();
        let err = h
            .run(client(create_thread("t1", "nope")))
            .expect_err("rejected");
        assert_eq!(err.command_type, "thread.create");
    }
}
