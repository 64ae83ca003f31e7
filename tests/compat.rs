//! The compatibility rule: T3 Code's own v0.0.4 client decodes every push on
//! `server.configUpdated` and `orchestration.domainEvent`, and every `getSnapshot`, `getConfig`
//! and `replayEvents` result, with v0.0.4's schemas, and drops what fails. With a Claude thread,
//! an ACP thread, a declared ACP instance and archived threads present, every such value must stay inside
//! `../shared/spec/protocol.md`'s enums (extra fields are fine). The validator below checks
//! those enums, field by field, as the v0.0.4 client's schemas would.
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{Client, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

const EVENT_TYPES: &[&str] = &[
    "project.created",
    "project.meta-updated",
    "project.deleted",
    "thread.created",
    "thread.deleted",
    "thread.meta-updated",
    "thread.runtime-mode-set",
    "thread.interaction-mode-set",
    "thread.message-sent",
    "thread.turn-start-requested",
    "thread.turn-interrupt-requested",
    "thread.approval-response-requested",
    "thread.user-input-response-requested",
    "thread.checkpoint-revert-requested",
    "thread.reverted",
    "thread.session-stop-requested",
    "thread.session-set",
    "thread.proposed-plan-upserted",
    "thread.turn-diff-completed",
    "thread.activity-appended",
];
const SESSION_STATUSES: &[&str] = &[
    "idle",
    "starting",
    "running",
    "ready",
    "interrupted",
    "stopped",
    "error",
];
const RUNTIME_MODES: &[&str] = &["approval-required", "full-access"];
const INTERACTION_MODES: &[&str] = &["default", "plan"];
const ROLES: &[&str] = &["user", "assistant", "system"];
const TONES: &[&str] = &["info", "tool", "approval", "error"];
const TURN_STATES: &[&str] = &["running", "interrupted", "completed", "error"];
const CHECKPOINT_STATUSES: &[&str] = &["ready", "missing", "error"];
const DELIVERY_MODES: &[&str] = &["buffered", "streaming"];
const PROVIDER_STATES: &[&str] = &["ready", "warning", "error"];
const AUTH_STATUSES: &[&str] = &["authenticated", "unauthenticated", "unknown"];
const ISSUE_KINDS: &[&str] = &["keybindings.malformed-config", "keybindings.invalid-entry"];

/// Where a value breaks a v0.0.4 enum: `(path, value)`.
#[derive(Default)]
struct Violations(Vec<String>);

impl Violations {
    fn one_of(&mut self, path: &str, value: &Value, allowed: &[&str]) {
        match value.as_str() {
            Some(text) if allowed.contains(&text) => {}
            _ => self.0.push(format!("{path} = {value}")),
        }
    }

    fn optional_one_of(&mut self, path: &str, value: Option<&Value>, allowed: &[&str]) {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            self.one_of(path, value, allowed);
        }
    }

    fn session(&mut self, path: &str, session: &Value) {
        if session.is_null() {
            return;
        }
        self.one_of(
            &format!("{path}.status"),
            &session["status"],
            SESSION_STATUSES,
        );
        self.one_of(
            &format!("{path}.runtimeMode"),
            &session["runtimeMode"],
            RUNTIME_MODES,
        );
    }

    fn activity(&mut self, path: &str, activity: &Value) {
        self.one_of(&format!("{path}.tone"), &activity["tone"], TONES);
    }

    fn event(&mut self, event: &Value) {
        let kind = event["type"].as_str().unwrap_or_default();
        let path = format!("event {} ({kind})", event["sequence"]);
        self.one_of(&format!("{path}.type"), &event["type"], EVENT_TYPES);
        self.one_of(
            &format!("{path}.aggregateKind"),
            &event["aggregateKind"],
            &["project", "thread"],
        );
        let payload = &event["payload"];
        self.optional_one_of(
            &format!("{path}.provider"),
            payload.get("provider"),
            &["codex"],
        );
        self.optional_one_of(
            &format!("{path}.runtimeMode"),
            payload.get("runtimeMode"),
            RUNTIME_MODES,
        );
        self.optional_one_of(
            &format!("{path}.interactionMode"),
            payload.get("interactionMode"),
            INTERACTION_MODES,
        );
        self.optional_one_of(
            &format!("{path}.assistantDeliveryMode"),
            payload.get("assistantDeliveryMode"),
            DELIVERY_MODES,
        );
        self.optional_one_of(&format!("{path}.role"), payload.get("role"), ROLES);
        if let Some(session) = payload.get("session") {
            self.session(&format!("{path}.session"), session);
        }
        if let Some(activity) = payload.get("activity") {
            self.activity(&format!("{path}.activity"), activity);
        }
        // v0.0.4's ThreadMetaUpdatedPayload needs these two (an archive event rides on it).
        if kind == "thread.meta-updated" {
            for key in ["threadId", "updatedAt"] {
                if !payload[key].is_string() {
                    self.0.push(format!("{path}.{key}: {}", payload[key]));
                }
            }
        }
        if kind == "thread.turn-diff-completed" {
            self.one_of(
                &format!("{path}.status"),
                &payload["status"],
                CHECKPOINT_STATUSES,
            );
        }
    }

    fn read_model(&mut self, model: &Value) {
        for thread in model["threads"].as_array().into_iter().flatten() {
            let path = format!("thread {}", thread["id"]);
            self.one_of(
                &format!("{path}.runtimeMode"),
                &thread["runtimeMode"],
                RUNTIME_MODES,
            );
            self.one_of(
                &format!("{path}.interactionMode"),
                &thread["interactionMode"],
                INTERACTION_MODES,
            );
            self.session(&format!("{path}.session"), &thread["session"]);
            if !thread["latestTurn"].is_null() {
                self.one_of(
                    &format!("{path}.latestTurn.state"),
                    &thread["latestTurn"]["state"],
                    TURN_STATES,
                );
            }
            for message in thread["messages"].as_array().into_iter().flatten() {
                self.one_of(&format!("{path}.message.role"), &message["role"], ROLES);
            }
            for activity in thread["activities"].as_array().into_iter().flatten() {
                self.activity(&format!("{path}.activity"), activity);
            }
            for checkpoint in thread["checkpoints"].as_array().into_iter().flatten() {
                self.one_of(
                    &format!("{path}.checkpoint.status"),
                    &checkpoint["status"],
                    CHECKPOINT_STATUSES,
                );
            }
        }
    }

    fn config(&mut self, path: &str, config: &Value) {
        for provider in config["providers"].as_array().into_iter().flatten() {
            self.one_of(
                &format!("{path}.provider"),
                &provider["provider"],
                &["codex"],
            );
            self.one_of(
                &format!("{path}.status"),
                &provider["status"],
                PROVIDER_STATES,
            );
            self.one_of(
                &format!("{path}.authStatus"),
                &provider["authStatus"],
                AUTH_STATUSES,
            );
        }
        for issue in config["issues"].as_array().into_iter().flatten() {
            self.one_of(&format!("{path}.issue.kind"), &issue["kind"], ISSUE_KINDS);
        }
    }
}

fn accepted(reply: &Value) {
    assert!(
        reply["result"]["sequence"].is_u64(),
        "not accepted: {reply}"
    );
}

async fn dispatch(client: &mut Client, command: Value) {
    accepted(
        &client
            .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
            .await,
    );
}

fn thread_create(thread_id: &str, selection: Value) -> Value {
    json!({"type": "thread.create", "commandId": format!("c-{thread_id}"), "threadId": thread_id,
           "projectId": "p1", "title": thread_id, "modelSelection": selection,
           "runtimeMode": "approval-required", "interactionMode": "default", "branch": null,
           "worktreePath": null, "createdAt": NOW})
}

fn turn_start(thread_id: &str, selection: Option<Value>) -> Value {
    numbered_turn(thread_id, 0, selection)
}

fn numbered_turn(thread_id: &str, n: usize, selection: Option<Value>) -> Value {
    let mut command = json!({"type": "thread.turn.start",
        "commandId": format!("turn-{thread_id}-{n}"), "threadId": thread_id,
        "message": {"messageId": format!("m-{thread_id}-{n}"), "role": "user", "text": "hello",
                    "attachments": []},
        "runtimeMode": "approval-required", "interactionMode": "default", "createdAt": NOW});
    if let Some(selection) = selection {
        command["modelSelection"] = selection;
    }
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn claude_and_acp_threads_keep_every_v004_channel_inside_v004_enums() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let server: Server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start();
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;

    let settings = client
        .request(json!({"_tag": "server.updateSettings",
            "providers": {"claudeAgent": {"enabled": true}},
            "acpInstances": [{"instanceId": "codex-acp", "command": "/nonexistent/codex-acp"}]}))
        .await;
    assert!(settings["result"].is_object(), "{settings}");
    dispatch(
        &mut client,
        json!({"type": "project.create", "commandId": "c-p1", "projectId": "p1",
               "title": "p1", "workspaceRoot": work, "createdAt": NOW}),
    )
    .await;
    dispatch(
        &mut client,
        thread_create(
            "t-claude",
            json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6"}),
        ),
    )
    .await;
    dispatch(
        &mut client,
        thread_create(
            "t-acp",
            json!({"provider": "acp", "model": "default", "instanceId": "codex-acp"}),
        ),
    )
    .await;
    dispatch(&mut client, turn_start("t-claude", None)).await;
    // Follow-ups while the first turn is still under way: DP Code's queue (`turn.queued`).
    for n in 1..=2 {
        dispatch(&mut client, numbered_turn("t-claude", n, None)).await;
    }
    dispatch(
        &mut client,
        turn_start(
            "t-acp",
            Some(json!({"provider": "acp", "model": "default", "instanceId": "codex-acp"})),
        ),
    )
    .await;

    // DP Code's archive events reach v0.0.4 clients as `thread.meta-updated`.
    for (kind, thread, id) in [
        ("thread.archive", "t-claude", "a1"),
        ("thread.archive", "t-acp", "a2"),
        ("thread.unarchive", "t-acp", "u2"),
    ] {
        dispatch(
            &mut client,
            json!({"type": kind, "commandId": id, "threadId": thread}),
        )
        .await;
    }

    // The sessions react: an agent that is not installed here (Claude Code may be, the
    // declared ACP command is not) ends in a session `error`. Wait until both threads show their outcome,
    // then read everything a v0.0.4 client would.
    let deadline = Instant::now() + Duration::from_secs(30);
    let snapshot = loop {
        let snapshot = client
            .request(json!({"_tag": "orchestration.getSnapshot"}))
            .await["result"]
            .clone();
        let settled = snapshot["threads"].as_array().map_or(0, |threads| {
            threads
                .iter()
                .filter(|t| {
                    if t["id"] == "t-acp" {
                        return t["session"]["status"] == "error";
                    }
                    !t["session"].is_null()
                        || t["activities"].as_array().is_some_and(|a| !a.is_empty())
                })
                .count()
        });
        if settled == 2 {
            break snapshot;
        }
        assert!(Instant::now() < deadline, "not settled: {snapshot}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let config = client.request(json!({"_tag": "server.getConfig"})).await["result"].clone();
    let replay = client
        .request(json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": 0}))
        .await["result"]
        .clone();

    let mut violations = Violations::default();
    violations.read_model(&snapshot);
    violations.config("getConfig", &config);
    let events = replay.as_array().expect("replayEvents is an array");
    assert!(events.len() >= 7, "{replay}");
    assert!(
        events
            .iter()
            .any(|e| e["payload"]["activity"]["kind"] == "turn.queued"),
        "no queued turn among the events: {replay}"
    );
    for event in events {
        violations.event(event);
    }
    // Every push received so far on the two v0.0.4 channels.
    let mut pushes = 0;
    while let Ok(push) = tokio::time::timeout(Duration::from_millis(200), client.next_json()).await
    {
        match push["channel"].as_str() {
            Some("orchestration.domainEvent") => violations.event(&push["data"]),
            Some("server.configUpdated") => violations.config("configUpdated", &push["data"]),
            _ => continue,
        }
        pushes += 1;
    }
    assert!(
        pushes >= events.len(),
        "{pushes} pushes for {} events",
        events.len()
    );
    assert!(
        violations.0.is_empty(),
        "values a v0.0.4 client would drop:\n{}",
        violations.0.join("\n")
    );
    // Archiving is a meta update carrying `archivedAt`, in the replay and on the channel.
    let archive_updates: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "thread.meta-updated")
        .filter_map(|e| e["payload"].get("archivedAt"))
        .collect();
    assert_eq!(archive_updates.len(), 3, "{replay}");
    assert!(archive_updates[0].is_string() && archive_updates[1].is_string());
    assert!(archive_updates[2].is_null(), "{replay}");
    assert!(!events
        .iter()
        .any(|e| e["type"].as_str().is_some_and(|t| t.contains("archived"))));
    // The selections travel as extra fields, and the threads record them.
    let claude = snapshot["threads"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "t-claude"))
        .cloned()
        .expect("the Claude thread");
    assert_eq!(claude["modelSelection"]["provider"], "claudeAgent");
    assert_eq!(claude["model"], "claude-sonnet-4-6");
    // getSnapshot keeps archived threads, with their `archivedAt`.
    assert!(claude["archivedAt"].is_string(), "{claude}");
    // The declared ACP instance has a driver now: its missing command ends the session in an
    // error naming it (never run by codex instead).
    let acp = snapshot["threads"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "t-acp"))
        .cloned()
        .expect("the ACP thread");
    assert_eq!(acp["session"]["providerName"], "acp", "{acp}");
    assert_eq!(acp["session"]["status"], "error", "{acp}");
    let error = acp["session"]["lastError"].as_str().unwrap_or_default();
    assert!(error.contains("/nonexistent/codex-acp"), "{acp}");
}
