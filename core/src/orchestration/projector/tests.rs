use serde_json::json;

use super::*;
use crate::orchestration::test_support::*;
use crate::orchestration::Command;

fn delta(message: &str, text: &str, turn: Option<&str>) -> Command {
    internal(json!({"type": "thread.message.assistant.delta",
        "commandId": format!("d-{message}-{text}"), "threadId": "t1", "messageId": message,
        "delta": text, "turnId": turn, "createdAt": T0}))
}

fn complete(message: &str) -> Command {
    internal(json!({"type": "thread.message.assistant.complete",
        "commandId": format!("c-{message}"), "threadId": "t1", "messageId": message,
        "createdAt": T0}))
}

fn diff(turn: &str, count: u64, status: &str) -> Command {
    internal(
        json!({"type": "thread.turn.diff.complete", "commandId": format!("x-{turn}"),
        "threadId": "t1", "turnId": turn, "completedAt": format!("2026-01-0{count}T00:00:00Z"),
        "checkpointRef": format!("ref-{count}"), "status": status, "files": [],
        "assistantMessageId": format!("a-{turn}"), "checkpointTurnCount": count,
        "createdAt": T0}),
    )
}

fn activity(id: &str, turn: Option<&str>, sequence: Option<u64>, at: &str) -> Command {
    let mut activity = json!({"id": id, "tone": "info", "kind": "task.progress",
        "summary": "Working", "payload": {}, "turnId": turn, "createdAt": at});
    if let Some(sequence) = sequence {
        activity["sequence"] = json!(sequence);
    }
    internal(
        json!({"type": "thread.activity.append", "commandId": format!("act-{id}"),
        "threadId": "t1", "activity": activity, "createdAt": T0}),
    )
}

fn session(status: &str, turn: Option<&str>, at: &str) -> Command {
    internal(
        json!({"type": "thread.session.set", "commandId": format!("s-{status}-{at}"),
        "threadId": "t1", "session": {"threadId": "t1", "status": status,
        "providerName": "codex", "runtimeMode": "full-access", "activeTurnId": turn,
        "lastError": null, "updatedAt": at}, "createdAt": at}),
    )
}

#[test]
fn deltas_append_and_completion_keeps_text() {
    let mut h = Harness::with_thread();
    h.ok(delta("a1", "Hel", Some("turn-1")));
    h.ok(delta("a1", "lo", Some("turn-1")));
    let message = &h.thread("t1").messages[0];
    assert_eq!((message.text.as_str(), message.streaming), ("Hello", true));
    h.ok(complete("a1"));
    let message = &h.thread("t1").messages[0];
    assert_eq!((message.text.as_str(), message.streaming), ("Hello", false));
    // Completion without a turn id clears it, as the reference's overwrite does.
    assert_eq!(message.turn_id, None);
    assert_eq!(h.thread("t1").messages.len(), 1);
}

#[test]
fn non_empty_final_text_replaces() {
    let mut h = Harness::with_thread();
    h.ok(delta("a1", "draft", None));
    let mut event = h.ok(complete("a1")).remove(0);
    if let EventBody::ThreadMessageSent(payload) = &mut event.body {
        payload.text = "final".into();
    }
    event.sequence += 1;
    project(&mut h.model, &mut h.kv, &event).unwrap();
    assert_eq!(h.thread("t1").messages[0].text, "final");
}

#[test]
fn model_tracks_sequence_and_time_even_for_unknown_rows() {
    let mut h = Harness::with_thread();
    let mut event = h.ok(delta("a1", "x", None)).remove(0);
    event.sequence = 99;
    event.occurred_at = "2030-01-01T00:00:00Z".into();
    if let EventBody::ThreadMessageSent(payload) = &mut event.body {
        payload.thread_id = "ghost".into();
    }
    let before = h.thread("t1").clone();
    project(&mut h.model, &mut h.kv, &event).unwrap();
    assert_eq!(h.model.snapshot_sequence, 99);
    assert_eq!(h.model.updated_at, "2030-01-01T00:00:00Z");
    assert_eq!(h.thread("t1"), before);
    assert!(!h.model.threads.contains_key("ghost"));
}

#[test]
fn deleted_rows_keep_their_place_with_deleted_at() {
    let mut h = Harness::with_thread();
    h.ok(client(
        json!({"type": "thread.delete", "commandId": "d", "threadId": "t1"}),
    ));
    h.ok(client(
        json!({"type": "project.delete", "commandId": "e", "projectId": "p1"}),
    ));
    assert_eq!(h.thread("t1").deleted_at.as_deref(), Some(NOW));
    assert_eq!(h.thread("t1").updated_at, NOW);
    assert_eq!(h.model.projects["p1"].deleted_at.as_deref(), Some(NOW));
    assert_eq!(h.model.threads.len(), 1);
}

#[test]
fn meta_updates_patch_only_given_fields() {
    let mut h = Harness::with_thread();
    h.ok(client(
        json!({"type": "thread.meta.update", "commandId": "a", "threadId": "t1",
        "branch": "feature"}),
    ));
    h.ok(client(
        json!({"type": "thread.meta.update", "commandId": "b", "threadId": "t1",
        "title": "New"}),
    ));
    assert_eq!(h.thread("t1").branch.as_deref(), Some("feature"));
    h.ok(client(
        json!({"type": "thread.meta.update", "commandId": "c", "threadId": "t1",
        "branch": null}),
    ));
    let thread = h.thread("t1");
    assert_eq!(
        (thread.title.as_str(), thread.branch.as_deref()),
        ("New", None)
    );
    h.ok(client(
        json!({"type": "project.meta.update", "commandId": "d", "projectId": "p1",
        "scripts": [{"id": "s1", "name": "Test", "command": "cargo test", "icon": "test",
                     "runOnWorktreeCreate": false}]}),
    ));
    assert_eq!(h.model.projects["p1"].scripts[0].icon, ScriptIcon::Test);
    assert_eq!(h.model.projects["p1"].title, "Project");
}

#[test]
fn session_running_opens_latest_turn_and_diff_completes_it() {
    let mut h = Harness::with_thread();
    h.ok(session("running", Some("turn-1"), "2026-01-01T00:00:01Z"));
    let turn = h.thread("t1").latest_turn.clone().expect("turn");
    assert_eq!(turn.state, LatestTurnState::Running);
    assert_eq!(turn.requested_at, "2026-01-01T00:00:01Z");
    h.ok(session("running", Some("turn-1"), "2026-01-01T00:00:05Z"));
    let turn = h.thread("t1").latest_turn.clone().expect("turn");
    assert_eq!(turn.started_at.as_deref(), Some("2026-01-01T00:00:01Z"));
    h.ok(session("ready", None, "2026-01-01T00:00:09Z"));
    assert_eq!(
        h.thread("t1").session.as_ref().map(|s| s.status),
        Some(SessionStatus::Ready)
    );
    assert_eq!(
        h.thread("t1").latest_turn.as_ref().map(|t| t.state),
        Some(LatestTurnState::Running)
    );
    h.ok(diff("turn-1", 1, "ready"));
    let turn = h.thread("t1").latest_turn.clone().expect("turn");
    assert_eq!(turn.state, LatestTurnState::Completed);
    assert_eq!(turn.requested_at, "2026-01-01T00:00:01Z");
    assert_eq!(turn.completed_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(turn.assistant_message_id.as_deref(), Some("a-turn-1"));
    h.ok(diff("turn-2", 2, "missing"));
    let turn = h.thread("t1").latest_turn.clone().expect("turn");
    assert_eq!(turn.state, LatestTurnState::Interrupted);
    assert_eq!(turn.requested_at, "2026-01-02T00:00:00Z");
    h.ok(diff("turn-1", 1, "error"));
    let counts: Vec<u64> = h
        .thread("t1")
        .checkpoints
        .iter()
        .map(|c| c.checkpoint_turn_count)
        .collect();
    assert_eq!(counts, [1, 2]);
    assert_eq!(
        h.thread("t1").checkpoints[0].status,
        CheckpointStatus::Error
    );
}

#[test]
fn activities_sort_by_sequence_then_time_then_id() {
    let mut h = Harness::with_thread();
    h.ok(activity("b", None, None, "2026-01-01T00:00:02Z"));
    h.ok(activity("a", None, None, "2026-01-01T00:00:02Z"));
    h.ok(activity("z", None, Some(1), "2026-01-01T00:00:00Z"));
    h.ok(activity("y", None, Some(0), "2026-01-01T00:00:09Z"));
    h.ok(activity("c", None, None, "2026-01-01T00:00:01Z"));
    let thread = h.thread("t1");
    let ids: Vec<&str> = thread.activities.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b", "y", "z"]);
    h.ok(activity("c", None, Some(5), "2026-01-01T00:00:01Z"));
    assert_eq!(h.thread("t1").activities.len(), 5);
    assert_eq!(
        h.thread("t1").activities.last().map(|a| a.id.as_str()),
        Some("c")
    );
}

#[test]
fn proposed_plans_upsert_by_id() {
    let mut h = Harness::with_thread();
    let plan = |markdown: &str| {
        internal(json!({"type": "thread.proposed-plan.upsert",
            "commandId": format!("p-{markdown}"), "threadId": "t1",
            "proposedPlan": {"id": "plan-1", "turnId": "turn-1", "planMarkdown": markdown,
            "createdAt": T0, "updatedAt": T0}, "createdAt": T0}))
    };
    h.ok(plan("one"));
    h.ok(plan("two"));
    let plans = &h.thread("t1").proposed_plans;
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].plan_markdown, "two");
}

#[test]
fn revert_drops_later_turns() {
    let mut h = Harness::with_thread();
    for n in 1..=3u64 {
        let turn = format!("turn-{n}");
        h.ok(client(turn_start("t1", &format!("u{n}"), "ask")));
        h.ok(delta(&format!("a{n}"), "answer", Some(&turn)));
        h.ok(complete(&format!("a{n}")));
        h.ok(activity(&format!("act{n}"), Some(&turn), None, T0));
        h.ok(diff(&turn, n, "ready"));
    }
    h.ok(activity("global", None, None, T0));
    assert_eq!(h.thread("t1").messages.len(), 6);
    h.ok(internal(
        json!({"type": "thread.revert.complete", "commandId": "r",
        "threadId": "t1", "turnCount": 1, "createdAt": T0}),
    ));
    let thread = h.thread("t1");
    let messages: Vec<&str> = thread.messages.iter().map(|m| m.id.as_str()).collect();
    // User messages carry no turn id; the oldest one stands in for the kept turn. The
    // assistant message lost its turn id on completion, so the oldest one is kept likewise.
    assert_eq!(messages, ["u1", "a1"]);
    let activities: Vec<&str> = thread.activities.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(activities, ["act1", "global"]);
    assert_eq!(thread.checkpoints.len(), 1);
    let turn = thread.latest_turn.as_ref().expect("turn");
    assert_eq!(turn.turn_id, "turn-1");
    assert_eq!(turn.state, LatestTurnState::Completed);

    h.ok(internal(
        json!({"type": "thread.revert.complete", "commandId": "r0",
        "threadId": "t1", "turnCount": 0, "createdAt": T0}),
    ));
    let thread = h.thread("t1");
    assert!(thread.messages.is_empty());
    assert!(thread.checkpoints.is_empty());
    assert_eq!(thread.latest_turn, None);
    assert_eq!(thread.activities.len(), 1);
}

#[test]
fn revert_keeps_messages_of_kept_turns_and_system_messages() {
    let mut h = Harness::with_thread();
    h.ok(delta("a1", "one", Some("turn-1")));
    h.ok(delta("a2", "two", Some("turn-2")));
    h.ok(diff("turn-1", 1, "ready"));
    h.ok(diff("turn-2", 2, "ready"));
    let mut system = h.ok(delta("s1", "note", None)).remove(0);
    if let EventBody::ThreadMessageSent(payload) = &mut system.body {
        payload.message_id = "sys".into();
        payload.role = MessageRole::System;
    }
    system.sequence = h.sequence + 1;
    h.sequence += 1;
    project(&mut h.model, &mut h.kv, &system).unwrap();
    h.ok(internal(
        json!({"type": "thread.revert.complete", "commandId": "r",
        "threadId": "t1", "turnCount": 1, "createdAt": T0}),
    ));
    let thread = h.thread("t1");
    let ids: Vec<&str> = thread.messages.iter().map(|m| m.id.as_str()).collect();
    // s1 is a turn-less assistant message beyond the kept count, so it goes.
    assert_eq!(ids, ["a1", "sys"]);
}

#[test]
fn message_cap_drops_the_oldest() {
    let mut h = Harness::with_thread();
    for n in 0..(MAX_THREAD_MESSAGES + 3) {
        h.ok(delta(&format!("m{n}"), "x", None));
    }
    let messages = &h.thread("t1").messages;
    assert_eq!(messages.len(), MAX_THREAD_MESSAGES);
    assert_eq!(messages[0].id, "m3");
}

#[test]
fn recreating_a_project_resets_it_in_place() {
    let mut h = Harness::new();
    let first = h.ok(client(create_project("p1"))).remove(0);
    h.ok(client(create_project("p2")));
    h.ok(client(
        json!({"type": "project.delete", "commandId": "d", "projectId": "p1"}),
    ));
    project(&mut h.model, &mut h.kv, &first).unwrap();
    let ids: Vec<&String> = h.model.projects.keys().collect();
    assert_eq!(ids, ["p1", "p2"]);
    assert_eq!(h.model.projects["p1"].deleted_at, None);
}

#[test]
fn a_clone_of_the_model_shares_rows_and_keeps_its_own_state() {
    let mut h = Harness::with_thread();
    h.ok(client(create_thread("t2", "p1")));
    h.ok(client(turn_start("t1", "m1", "hi")));
    let held = h.model.clone();
    assert!(std::sync::Arc::ptr_eq(
        &held.threads["t1"],
        &h.model.threads["t1"]
    ));

    h.ok(delta("a1", "streamed", None));
    // The changed thread was copied; the other rows are still shared.
    assert!(!std::sync::Arc::ptr_eq(
        &held.threads["t1"],
        &h.model.threads["t1"]
    ));
    assert!(std::sync::Arc::ptr_eq(
        &held.threads["t2"],
        &h.model.threads["t2"]
    ));
    assert!(std::sync::Arc::ptr_eq(
        &held.projects["p1"],
        &h.model.projects["p1"]
    ));
    assert_eq!(held.threads["t1"].history.messages, 1);
    assert_eq!(h.thread("t1").messages.len(), 2);
    assert!(held.snapshot_sequence < h.model.snapshot_sequence);
}
