//! Claude Code through the whole server: a thread whose `modelSelection` names `claudeAgent`
//! runs its turns on the real `claude` CLI (pinned by `make agents`) against the scripted model
//! server, and the same thread view comes out as for codex.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Client, FakeModel, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

async fn ok(client: &mut Client, command: Value) {
    let v = client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await;
    assert!(v["result"]["sequence"].is_u64(), "{v}");
}

async fn thread(client: &mut Client, id: &str) -> Value {
    let v = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    v["result"]["threads"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no thread {id}: {v}"))
}

/// Polls the thread until `done` holds (a liveness bound, not a timing).
async fn until(client: &mut Client, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let t = thread(client, id).await;
        if done(&t) {
            return t;
        }
        assert!(Instant::now() < deadline, "{what} never happened: {t}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn turn(message_id: &str, text: &str) -> Value {
    json!({"type": "thread.turn.start", "commandId": format!("c-{message_id}"), "threadId": "t1",
           "message": {"messageId": message_id, "role": "user", "text": text, "attachments": []},
           "runtimeMode": "approval-required", "interactionMode": "default", "createdAt": NOW})
}

fn assistant_texts(thread: &Value) -> Vec<String> {
    thread["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["role"] == "assistant" && m["streaming"] == false)
        .filter_map(|m| m["text"].as_str().map(str::to_string))
        .collect()
}

fn server(dir: &Path, model: &FakeModel) -> Server {
    let claude = t3rs::testkit::real_claude();
    let mut builder = ServerBuilder::new(&dir.join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--claude-bin")
        .arg(claude.to_string_lossy().into_owned());
    let env = model.claude_env(dir);
    builder = builder.env_from(move |cmd| env.apply(cmd));
    builder.start()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claude_thread_streams_its_answer_and_resumes_after_a_restart() {
    if !t3rs::testkit::real_claude().exists() {
        eprintln!("skipped: the pinned Claude Code is not installed (make agents)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let model = FakeModel::start(
        dir.path(),
        json!([{"text": "hello from claude", "chunks": 3}, {"text": "second answer"}]),
    );
    let running = server(dir.path(), &model);
    let mut client = Client::connect(&running.url("/ws")).await;
    client.welcome().await;
    ok(
        &mut client,
        json!({"type": "project.create", "commandId": "c-p1", "projectId": "p1", "title": "p1",
               "workspaceRoot": work, "createdAt": NOW}),
    )
    .await;
    ok(
        &mut client,
        json!({"type": "thread.create", "commandId": "c-t1", "threadId": "t1", "projectId": "p1",
               "title": "t1",
               "modelSelection": {"provider": "claudeAgent", "model": "claude-sonnet-4-6"},
               "runtimeMode": "approval-required", "interactionMode": "default",
               "branch": null, "worktreePath": null, "createdAt": NOW}),
    )
    .await;
    ok(&mut client, turn("m1", "say hello")).await;
    let t = until(&mut client, "t1", "the first answer", |t| {
        assistant_texts(t).iter().any(|m| m == "hello from claude")
            && t["session"]["status"] == "ready"
    })
    .await;
    assert_eq!(t["session"]["providerName"], "claudeAgent", "{t}");
    drop(client);
    assert!(running.stop().success());

    // After a restart the thread's Claude conversation is resumed: the model is sent turn 1.
    let running = server(dir.path(), &model);
    let mut client = Client::connect(&running.url("/ws")).await;
    client.welcome().await;
    ok(&mut client, turn("m2", "and again")).await;
    until(&mut client, "t1", "the second answer", |t| {
        assistant_texts(t).iter().any(|m| m == "second answer") && t["session"]["status"] == "ready"
    })
    .await;
    let last = model
        .requests()
        .last()
        .cloned()
        .expect("a request to the model");
    assert!(
        last.to_string().contains("say hello"),
        "the resumed conversation carries turn 1: {last}"
    );
    assert!(running.stop().success());
}
