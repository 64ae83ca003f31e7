//! The read model's wire encoding.
use serde_json::json;

use super::*;
use crate::orchestration::test_support::*;
use crate::orchestration::{FullModel, FullThread};

#[test]
fn read_model_serialises_rows_as_arrays_in_creation_order() {
    let mut h = Harness::new();
    h.ok(client(create_project("pb")));
    h.ok(client(create_project("pa")));
    h.ok(client(create_thread("t1", "pa")));
    h.ok(client(turn_start("t1", "m1", "hi")));
    let value = serde_json::to_value(h.full()).expect("serialises");
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["projects", "snapshotSequence", "threads", "updatedAt"]
    );
    assert_eq!(value["snapshotSequence"], 5);
    assert_eq!(value["projects"][0]["id"], "pb");
    assert_eq!(value["projects"][1]["id"], "pa");
    assert_eq!(value["projects"][0]["deletedAt"], serde_json::Value::Null);
    let thread = &value["threads"][0];
    for key in [
        "id",
        "projectId",
        "title",
        "model",
        "runtimeMode",
        "interactionMode",
        "branch",
        "worktreePath",
        "latestTurn",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "messages",
        "proposedPlans",
        "activities",
        "checkpoints",
        "session",
    ] {
        assert!(thread.get(key).is_some(), "thread lacks {key}");
    }
    assert_eq!(
        thread["messages"][0],
        json!({"id": "m1", "role": "user", "text": "hi", "attachments": [],
               "turnId": null, "streaming": false, "createdAt": T0, "updatedAt": T0})
    );
    let back: FullModel = serde_json::from_value(value).expect("deserialises");
    assert_eq!(back, h.full());
    let order: Vec<&String> = back.projects.keys().collect();
    assert_eq!(order, ["pb", "pa"]);
    // The rows alone (a snapshot file) keep their order too.
    let rows: ReadModel =
        serde_json::from_value(serde_json::to_value(&h.model).expect("serialises"))
            .expect("deserialises");
    assert_eq!(rows, h.model);
    assert!(rows.projects.keys().eq(h.model.projects.keys()));
}

#[test]
fn thread_defaults_apply_when_reading_older_snapshots() {
    let thread = json!({"id": "t", "projectId": "p", "title": "T", "model": "m",
        "branch": null, "worktreePath": null, "latestTurn": null, "createdAt": T0,
        "updatedAt": T0, "deletedAt": null, "messages": [], "activities": [],
        "checkpoints": [], "session": null});
    let thread: FullThread = serde_json::from_value(thread).expect("decodes");
    assert_eq!(thread.interaction_mode, InteractionMode::Default);
    assert_eq!(thread.runtime_mode, RuntimeMode::FullAccess);
    assert!(thread.proposed_plans.is_empty());
}

#[test]
fn default_model_is_empty() {
    let model = ReadModel::default();
    assert_eq!(
        serde_json::to_value(&model).expect("serialises"),
        json!({"snapshotSequence": 0, "projects": [], "threads": [],
               "updatedAt": EMPTY_MODEL_UPDATED_AT})
    );
}
