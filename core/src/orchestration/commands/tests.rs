use serde_json::{json, Value};

use super::*;
use crate::orchestration::events::DispatchMode;
use crate::orchestration::model::InteractionMode;
use crate::orchestration::test_support::*;

fn field_of(value: Value) -> (String, String) {
    let err = decode_client_command(value).expect_err("must fail");
    (err.field, err.message)
}

fn image(extra: Value) -> Value {
    let mut base = json!({"type": "image", "name": "a.png", "mimeType": "image/png",
                          "sizeBytes": 10, "dataUrl": "data:image/png;base64,AAA"});
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        base.extend(extra);
    }
    base
}

fn with(mut value: Value, pointer: &str, replacement: Value) -> Value {
    match value.pointer_mut(pointer) {
        Some(slot) => *slot = replacement,
        None => {
            let key = pointer.trim_start_matches('/');
            value
                .as_object_mut()
                .expect("object")
                .insert(key.to_string(), replacement);
        }
    }
    value
}

fn without(mut value: Value, key: &str) -> Value {
    value.as_object_mut().expect("object").remove(key);
    value
}

#[test]
fn decode_errors_name_the_field() {
    let turn = turn_start("t1", "m1", "hi");
    let cases: Vec<(Value, &str, &str)> = vec![
        (without(turn.clone(), "threadId"), "threadId", "missing"),
        (
            with(turn.clone(), "/threadId", json!("   ")),
            "threadId",
            "must be a non-empty string",
        ),
        (
            with(turn.clone(), "/commandId", json!("")),
            "commandId",
            "must be a non-empty string",
        ),
        (
            with(turn.clone(), "/createdAt", json!("yesterday")),
            "createdAt",
            "must be an ISO-8601 date-time",
        ),
        (
            with(turn.clone(), "/message/text", json!("x".repeat(120_001))),
            "message.text",
            "must be at most 120000 characters",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                Value::Array(vec![image(json!({})); 9]),
            ),
            "message.attachments",
            "must have at most 8 items",
        ),
        (
            with(turn.clone(), "/runtimeMode", json!("yolo")),
            "runtimeMode",
            "unknown variant",
        ),
        (
            with(turn.clone(), "/message/role", json!("assistant")),
            "message.role",
            "unknown variant",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                json!([image(json!({"sizeBytes": 10 * 1024 * 1024 + 1}))]),
            ),
            "message.attachments[0].sizeBytes",
            "must be at most",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                json!([image(json!({"mimeType": "text/plain"}))]),
            ),
            "message.attachments[0].mimeType",
            "must start with 'image/'",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                json!([image(json!({"name": "n".repeat(256)}))]),
            ),
            "message.attachments[0].name",
            "must be at most 255",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                json!([image(json!({"id": "bad id!"}))]),
            ),
            "message.attachments[0].id",
            "must contain only",
        ),
        (
            with(
                turn.clone(),
                "/message/attachments",
                json!([{"type": "image",
                "name": "a.png", "mimeType": "image/png", "sizeBytes": 1}]),
            ),
            "message.attachments[0].dataUrl",
            "missing",
        ),
        (
            json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
                   "turnCount": -1, "createdAt": T0}),
            "turnCount",
            "must be an integer greater than or equal to 0",
        ),
        (
            json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
                   "turnCount": 1.5, "createdAt": T0}),
            "turnCount",
            "must be an integer greater than or equal to 0",
        ),
        (
            json!({"type": "thread.explode", "commandId": "c"}),
            "type",
            "Unknown command type: thread.explode",
        ),
        (json!({"commandId": "c"}), "type", "missing"),
        (json!([1]), "", "expected an object, got an array"),
        (
            json!({"type": "thread.approval.respond", "commandId": "c", "threadId": "t1",
                   "requestId": "r", "decision": "maybe", "createdAt": T0}),
            "decision",
            "unknown variant",
        ),
        (
            with(
                create_thread("t1", "p1"),
                "/interactionMode",
                json!("chaos"),
            ),
            "interactionMode",
            "unknown variant",
        ),
        (
            json!({"type": "project.meta.update", "commandId": "c", "projectId": "p1",
                   "scripts": [{"id": "s", "name": " ", "command": "x", "icon": "play",
                                "runOnWorktreeCreate": false}]}),
            "scripts[0].name",
            "must be a non-empty string",
        ),
    ];
    for (value, field, message) in cases {
        let (got_field, got_message) = field_of(value);
        assert_eq!(got_field, field, "field for {message}");
        assert!(
            got_message.contains(message),
            "{field}: expected '{message}' in '{got_message}'"
        );
    }
}

#[test]
fn errors_are_relative_so_callers_can_prefix() {
    let err = decode_client_command(without(turn_start("t1", "m1", "x"), "threadId"))
        .expect_err("fails")
        .under("body.command");
    assert_eq!(err.to_string(), "body.command.threadId: missing");
}

#[test]
fn decode_applies_defaults_and_trims_ids() {
    let mut value = create_thread(" t1 ", "p1");
    value
        .as_object_mut()
        .expect("object")
        .remove("interactionMode");
    let ClientCommand::ThreadCreate(command) = decode_client_command(value).expect("valid") else {
        panic!("wrong variant");
    };
    assert_eq!(command.thread_id, "t1");
    assert_eq!(command.interaction_mode, InteractionMode::Default);

    let value = without(
        with(
            turn_start("t1", "m1", "x"),
            "/message",
            json!({"messageId": "m1",
            "role": "user", "text": "x"}),
        ),
        "provider",
    );
    let ClientCommand::ThreadTurnStart(command) = decode_client_command(value).expect("ok") else {
        panic!("wrong variant");
    };
    assert!(command.message.attachments.is_empty());
    assert_eq!(command.service_tier, None);
}

#[test]
fn decode_accepts_every_client_command() {
    let samples = [
        create_project("p1"),
        json!({"type": "project.meta.update", "commandId": "c", "projectId": "p1"}),
        json!({"type": "project.delete", "commandId": "c", "projectId": "p1"}),
        create_thread("t1", "p1"),
        json!({"type": "thread.delete", "commandId": "c", "threadId": "t1"}),
        json!({"type": "thread.meta.update", "commandId": "c", "threadId": "t1"}),
        json!({"type": "thread.runtime-mode.set", "commandId": "c", "threadId": "t1",
               "runtimeMode": "full-access", "createdAt": T0}),
        json!({"type": "thread.interaction-mode.set", "commandId": "c", "threadId": "t1",
               "interactionMode": "plan", "createdAt": T0}),
        with(
            turn_start("t1", "m1", "x"),
            "/message/attachments",
            json!([image(json!({}))]),
        ),
        json!({"type": "thread.turn.interrupt", "commandId": "c", "threadId": "t1",
               "createdAt": T0}),
        json!({"type": "thread.approval.respond", "commandId": "c", "threadId": "t1",
               "requestId": "r", "decision": "accept", "createdAt": T0}),
        json!({"type": "thread.user-input.respond", "commandId": "c", "threadId": "t1",
               "requestId": "r", "answers": {}, "createdAt": T0}),
        json!({"type": "thread.checkpoint.revert", "commandId": "c", "threadId": "t1",
               "turnCount": 0, "createdAt": T0}),
        json!({"type": "thread.session.stop", "commandId": "c", "threadId": "t1",
               "createdAt": T0}),
    ];
    for sample in samples {
        let expected = sample["type"].as_str().expect("type").to_string();
        let command = decode_client_command(sample).expect("decodes");
        assert_eq!(command.type_name(), expected);
        // The serde form round-trips and keeps the wire tag.
        let json = serde_json::to_value(&command).expect("serialises");
        assert_eq!(json["type"], expected.as_str());
        let back: ClientCommand = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, command);
    }
}

#[test]
fn command_accessors() {
    let command = client(turn_start("t1", "m1", "x"));
    assert_eq!(command.command_id(), "cmd-turn-m1");
    assert_eq!(command.type_name(), "thread.turn.start");
    assert_eq!(command.aggregate(), (AggregateKind::Thread, "t1"));
    let command = client(create_project("p9"));
    assert_eq!(command.aggregate(), (AggregateKind::Project, "p9"));
    let command = internal(json!({"type": "thread.revert.complete", "commandId": "k",
        "threadId": "t2", "turnCount": 1, "createdAt": T0}));
    assert_eq!(command.command_id(), "k");
    assert_eq!(command.type_name(), "thread.revert.complete");
    assert_eq!(command.aggregate(), (AggregateKind::Thread, "t2"));
}

#[test]
fn a_model_selection_is_checked_field_by_field() {
    let mut create = create_thread("t1", "p1");
    create.as_object_mut().unwrap().remove("model");
    assert_eq!(
        field_of(create.clone()).0,
        "model",
        "neither model nor selection"
    );
    create["modelSelection"] = json!({"provider": "acp", "model": "default"});
    assert_eq!(field_of(create.clone()).0, "modelSelection.instanceId");
    create["modelSelection"] = json!({"provider": "nobody", "model": "m"});
    assert_eq!(field_of(create.clone()).0, "modelSelection.provider");
    create["modelSelection"] = json!({"provider": "claudeAgent", "model": "  "});
    assert_eq!(field_of(create.clone()).0, "modelSelection.model");
    create["modelSelection"] =
        json!({"provider": "acp", "model": "default", "instanceId": "codex-acp"});
    assert!(decode_client_command(create).is_ok());

    let mut turn = turn_start("t1", "m1", "hi");
    turn["modelSelection"] = json!({"provider": "gemini"});
    assert_eq!(field_of(turn).0, "modelSelection.model");
}

#[test]
fn turn_start_dispatch_mode_is_queue_unless_steer_and_a_bad_one_is_named() {
    let decoded = |mode: Option<&str>| {
        let mut command = turn_start("t1", "m1", "x");
        if let Some(mode) = mode {
            command["dispatchMode"] = json!(mode);
        }
        decode_client_command(command)
    };
    let mode = |command: ClientCommand| match command {
        ClientCommand::ThreadTurnStart(c) => c.dispatch_mode,
        other => panic!("{other:?}"),
    };
    assert_eq!(mode(decoded(None).unwrap()), DispatchMode::Queue);
    assert_eq!(mode(decoded(Some("queue")).unwrap()), DispatchMode::Queue);
    assert_eq!(mode(decoded(Some("steer")).unwrap()), DispatchMode::Steer);
    let err = decoded(Some("later")).unwrap_err();
    assert_eq!(err.field, "dispatchMode", "{err:?}");
    assert!(err.message.contains("unknown variant"), "{err:?}");
    // The default stays off the wire, so a v0.0.4 command reads as it was sent.
    let json = serde_json::to_value(decoded(None).unwrap()).unwrap();
    assert!(json.get("dispatchMode").is_none(), "{json}");
}
