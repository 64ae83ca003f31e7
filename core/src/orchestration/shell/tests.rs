use serde_json::{json, Value};

use super::*;
use crate::orchestration::test_support::{client, create_project, create_thread, Harness};

#[test]
fn a_shell_lists_live_rows_without_history_and_with_what_a_sidebar_shows() {
    let mut h = Harness::with_thread();
    h.ok(client(create_thread("t2", "p1")));
    h.ok(client(
        json!({"type": "thread.delete", "commandId": "d2", "threadId": "t2"}),
    ));
    h.ok(client(create_project("p2")));
    h.ok(client(
        json!({"type": "project.delete", "commandId": "dp2", "projectId": "p2"}),
    ));
    let shell = serde_json::to_value(ShellSnapshot::of(&h.model, false)).unwrap();
    assert_eq!(shell["snapshotSequence"], h.model.snapshot_sequence);
    let projects = shell["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0]["id"], "p1");
    let threads = shell["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 1);
    let t1 = &threads[0];
    assert_eq!(t1["id"], "t1");
    assert_eq!(
        t1["modelSelection"],
        json!({"provider": "codex", "model": "gpt-5.4"})
    );
    assert_eq!(t1["hasPendingApprovals"], false);
    for history in ["messages", "activities", "checkpoints", "proposedPlans"] {
        assert!(t1.get(history).is_none(), "{history} in a shell");
    }
}

#[test]
fn open_requests_are_those_no_later_resolution_names() {
    let mut t = Harness::with_thread().thread("t1").clone();
    let activity = |id: &str, kind: &str, request: &str| crate::orchestration::model::Activity {
        id: id.into(),
        tone: crate::orchestration::model::ActivityTone::Approval,
        kind: kind.into(),
        summary: String::new(),
        payload: json!({"requestId": request}),
        turn_id: None,
        sequence: None,
        created_at: "2026-01-01T00:00:00.000Z".into(),
    };
    t.activities.push(activity("1", "approval.requested", "r1"));
    t.activities
        .push(activity("2", "user-input.requested", "r2"));
    assert_eq!(
        OpenRequests::of(t.activities.iter()),
        OpenRequests {
            approvals: true,
            user_input: true
        }
    );
    t.activities.push(activity("3", "approval.resolved", "r1"));
    t.activities
        .push(activity("4", "user-input.resolved", "r2"));
    assert_eq!(
        OpenRequests::of(t.activities.iter()),
        OpenRequests::default()
    );
}

#[test]
fn each_event_becomes_the_row_it_changed_or_its_removal() {
    let mut h = Harness::with_thread();
    let events = h.ok(client(
        json!({"type": "thread.meta.update", "commandId": "m1", "threadId": "t1", "title": "Renamed"}),
    ));
    let item: Value = serde_json::to_value(shell_item(&h.model, &events[0], false)).unwrap();
    assert_eq!(item["kind"], "thread-upserted");
    assert_eq!(item["sequence"], events[0].sequence);
    assert_eq!(item["thread"]["title"], "Renamed");
    let events = h.ok(client(
        json!({"type": "thread.delete", "commandId": "d1", "threadId": "t1"}),
    ));
    let item: Value = serde_json::to_value(shell_item(&h.model, &events[0], false)).unwrap();
    assert_eq!(
        item,
        json!({"kind": "thread-removed", "sequence": events[0].sequence, "threadId": "t1"})
    );
    let events = h.ok(client(
        json!({"type": "project.delete", "commandId": "dp", "projectId": "p1"}),
    ));
    let item: Value = serde_json::to_value(shell_item(&h.model, &events[0], false)).unwrap();
    assert_eq!(item["kind"], "project-removed");
    assert_eq!(item["projectId"], "p1");
}

#[test]
fn an_archived_thread_leaves_the_shell_unless_archives_are_asked_for() {
    let mut h = Harness::with_thread();
    let events = h.ok(client(
        json!({"type": "thread.archive", "commandId": "a1", "threadId": "t1"}),
    ));
    let archived = events.last().expect("an event");
    let plain: Value = serde_json::to_value(shell_item(&h.model, archived, false)).unwrap();
    assert_eq!(
        plain,
        json!({"kind": "thread-removed", "sequence": archived.sequence, "threadId": "t1"})
    );
    let with: Value = serde_json::to_value(shell_item(&h.model, archived, true)).unwrap();
    assert_eq!(with["kind"], "thread-upserted");
    assert!(with["thread"]["archivedAt"].is_string());
    assert_eq!(ShellSnapshot::of(&h.model, false).threads.len(), 0);
    assert_eq!(ShellSnapshot::of(&h.model, true).threads.len(), 1);
    // Later events of an archived thread are not shown without archives.
    let renamed = h.ok(client(
        json!({"type": "thread.meta.update", "commandId": "m1", "threadId": "t1", "title": "New"}),
    ));
    assert!(shell_item(&h.model, &renamed[0], false).is_none());
    let back = h.ok(client(
        json!({"type": "thread.unarchive", "commandId": "u1", "threadId": "t1"}),
    ));
    let item: Value = serde_json::to_value(shell_item(&h.model, &back[0], false)).unwrap();
    assert_eq!(item["kind"], "thread-upserted");
    assert!(item["thread"]["archivedAt"].is_null());
}
