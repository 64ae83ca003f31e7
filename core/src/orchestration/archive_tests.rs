//! `thread.archive` / `thread.unarchive`: the decider's rules and what the projector keeps.

use serde_json::json;

use super::test_support::*;
use super::*;

fn archive(id: &str) -> Command {
    client(json!({"type": "thread.archive", "commandId": format!("a-{id}"), "threadId": id}))
}

fn unarchive(id: &str, command_id: &str) -> Command {
    client(json!({"type": "thread.unarchive", "commandId": command_id, "threadId": id}))
}

#[test]
fn archive_then_unarchive_sets_and_clears_archived_at() {
    let mut h = Harness::with_thread();
    assert!(!h.thread("t1").is_archived());
    let events = h.ok(archive("t1"));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].type_name(), "thread.archived");
    assert_eq!(events[0].aggregate_id, "t1");
    assert_eq!(events[0].command_id.as_deref(), Some("a-t1"));
    let thread = h.thread("t1");
    assert_eq!(thread.archived_at.as_deref(), Some(NOW));
    assert_eq!(thread.updated_at, NOW);
    assert!(thread.is_archived());
    // Nothing else changes: the thread is still in the model with its fields.
    assert_eq!(thread.title, "Thread");
    assert!(thread.deleted_at.is_none());

    let events = h.ok(unarchive("t1", "u1"));
    assert_eq!(events[0].type_name(), "thread.unarchived");
    assert!(!h.thread("t1").is_archived());
    // The model serialises `archivedAt: null` for a thread that is not archived.
    let value = serde_json::to_value(&h.model).unwrap();
    assert_eq!(value["threads"][0]["archivedAt"], serde_json::Value::Null);
}

#[test]
fn archive_refuses_unknown_deleted_and_already_archived_threads() {
    let mut h = Harness::with_thread();
    let err = h.run(archive("nope")).unwrap_err();
    assert_eq!(
        err.message,
        "Thread 'nope' does not exist for command 'thread.archive'."
    );
    let err = h.run(unarchive("t1", "u0")).unwrap_err();
    assert_eq!(
        err.message,
        "Thread 't1' is not archived for command 'thread.unarchive'."
    );
    h.ok(archive("t1"));
    let err = h
        .run(client(
            json!({"type": "thread.archive", "commandId": "again",
        "threadId": "t1"}),
        ))
        .unwrap_err();
    assert_eq!(
        err.message,
        "Thread 't1' is already archived and cannot handle command 'thread.archive'."
    );
    h.ok(client(
        json!({"type": "thread.delete", "commandId": "d", "threadId": "t1"}),
    ));
    let err = h.run(unarchive("t1", "u2")).unwrap_err();
    assert_eq!(
        err.message,
        "Thread 't1' is deleted and cannot handle command 'thread.unarchive'."
    );
}

#[test]
fn archive_commands_decode_and_name_their_fields() {
    let err =
        decode_client_command(json!({"type": "thread.archive", "commandId": "c"})).unwrap_err();
    assert_eq!(
        (err.field.as_str(), err.message.as_str()),
        ("threadId", "missing")
    );
    let err = decode_client_command(
        json!({"type": "thread.unarchive", "commandId": "c", "threadId": "  "}),
    )
    .unwrap_err();
    assert_eq!(err.field, "threadId");
    let err =
        decode_client_command(json!({"type": "thread.archive", "commandId": "", "threadId": "t"}))
            .unwrap_err();
    assert_eq!(err.field, "commandId");
    let err =
        decode_client_command(json!({"type": "thread.archive", "commandId": "c", "threadId": 3}))
            .unwrap_err();
    assert_eq!(err.field, "threadId");
}

#[test]
fn an_archived_thread_still_takes_turns_and_events_round_trip() {
    let mut h = Harness::with_thread();
    let mut events = h.ok(archive("t1"));
    // DP Code does not refuse a turn on an archived thread; it stays archived.
    events.extend(h.ok(client(turn_start("t1", "m1", "hi"))));
    assert!(h.thread("t1").is_archived());
    events.extend(h.ok(unarchive("t1", "u1")));
    for event in events {
        let text = serde_json::to_string(&event).unwrap();
        let back: Event = serde_json::from_str(&text).unwrap();
        assert_eq!(back, event, "{text}");
    }
}
