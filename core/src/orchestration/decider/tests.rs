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
               "turnId": "turn-1", "streaming": true, "createdAt": T0, "updatedAt": T0,
               "answeredBy": {"provider": "codex", "model": "gpt-5.4"}})
    );
}

#[test]
fn each_assistant_message_names_the_agent_of_its_turn() {
    let mut h = Harness::with_thread();
    let delta = |message: &str| {
        internal(
            json!({"type": "thread.message.assistant.delta", "commandId": format!("c-{message}"),
            "threadId": "t1", "messageId": message, "delta": "x", "turnId": null, "createdAt": T0}),
        )
    };
    h.ok(delta("a1"));
    let mut claude = turn_start("t1", "m2", "now you");
    claude["modelSelection"] =
        json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6", "options": {"x": 1}});
    h.ok(client(claude));
    h.ok(delta("a2"));
    // A later delta of the first message does not relabel it.
    h.ok(delta("a1"));
    let thread = h.thread("t1");
    let by = |id: &str| answered_by(&thread, id);
    assert_eq!(by("a1"), json!({"provider": "codex", "model": "gpt-5.4"}));
    // Options say how the agent ran, not who it is: they are left out.
    assert_eq!(
        by("a2"),
        json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6"})
    );
    let user = thread
        .messages
        .iter()
        .find(|m| m.id == "m2")
        .expect("user message");
    assert!(user.answered_by.is_none());
}

#[test]
fn the_agent_a_session_names_wins_over_the_threads_selection() {
    let mut h = Harness::with_thread();
    // A message queued for claude has taken the thread's selection; the running codex turn's
    // session still writes, and says so.
    let mut claude = turn_start("t1", "m2", "next, you");
    claude["modelSelection"] = json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6"});
    h.ok(client(claude));
    let codex = json!({"provider": "codex", "model": "gpt-5.4"});
    h.ok(internal(
        json!({"type": "thread.message.assistant.delta", "commandId": "c1",
        "threadId": "t1", "messageId": "a1", "delta": "x", "turnId": "turn-1",
        "answeredBy": codex, "createdAt": T0}),
    ));
    h.ok(internal(
        json!({"type": "thread.message.assistant.complete", "commandId": "c2",
        "threadId": "t1", "messageId": "a0", "turnId": "turn-1", "answeredBy": codex,
        "createdAt": T0}),
    ));
    let thread = h.thread("t1");
    assert_eq!(answered_by(&thread, "a1"), codex);
    assert_eq!(answered_by(&thread, "a0"), codex);
}

/// Who a thread's message `id` is credited to, as JSON.
fn answered_by(thread: &FullThread, id: &str) -> Value {
    let m = thread
        .messages
        .iter()
        .find(|m| m.id == id)
        .expect("message");
    serde_json::to_value(&m.answered_by).expect("json")
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

#[test]
fn a_dp_code_selection_names_the_agent_and_the_thread_records_it() {
    let mut h = Harness::new();
    h.ok(client(create_project("p1")));
    let mut create = create_thread("t1", "p1");
    create.as_object_mut().unwrap().remove("model");
    create["modelSelection"] = json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6"});
    let created = single(&mut h, client(create));
    assert_eq!(created["payload"]["model"], "claude-sonnet-4-6");
    assert_eq!(
        created["payload"]["modelSelection"]["provider"],
        "claudeAgent"
    );

    // A turn without a selection keeps the thread's agent, and has no v0.0.4 provider value
    // (v0.0.4's enum knows only codex).
    let events = h.ok(client(turn_start("t1", "m1", "hello")));
    let request = as_json(&events[1]);
    assert_eq!(
        request["payload"]["modelSelection"]["provider"],
        "claudeAgent"
    );
    assert!(request["payload"].get("provider").is_none(), "{request}");

    // v0.0.4's `model` means codex with that model; the thread records the switch.
    let mut v004 = turn_start("t1", "m2", "again");
    v004["model"] = json!("gpt-5.4");
    let events = h.ok(client(v004));
    let request = as_json(&events[1]);
    assert_eq!(
        request["payload"]["modelSelection"],
        json!({"provider": "codex", "model": "gpt-5.4"})
    );
    assert_eq!(request["payload"]["provider"], "codex");
    let thread = h.thread("t1");
    let selection = thread.model_selection.as_ref().expect("recorded");
    assert_eq!(selection.model, "gpt-5.4");
}

#[test]
fn turn_start_request_carries_a_steer_and_leaves_queue_out() {
    let mut h = Harness::with_thread();
    let events = h.ok(client(turn_start("t1", "m1", "hello")));
    let request = as_json(&events[1]);
    assert!(
        request["payload"].get("dispatchMode").is_none(),
        "{request}"
    );
    let mut command = turn_start("t1", "m2", "now");
    command["dispatchMode"] = json!("steer");
    let events = h.ok(client(command));
    assert_eq!(as_json(&events[1])["payload"]["dispatchMode"], "steer");
}
