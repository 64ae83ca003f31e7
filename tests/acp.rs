//! An ACP agent through the whole server: an instance declared with `server.updateSettings`
//! (`acpInstances`) runs a thread whose `modelSelection` names it — the real codex-acp (pinned by
//! `make agents`) against the scripted model server — and after a server restart the thread's
//! ACP session is loaded again (session/load), so the model is sent turn 1 with turn 2. A
//! scripted agent (tests/fixtures/acp/fs_peer.py) exercises fs/* confinement end to end.
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

fn selection() -> Value {
    json!({"provider": "acp", "model": "default", "instanceId": "codex-acp"})
}

fn turn(message_id: &str, text: &str) -> Value {
    json!({"type": "thread.turn.start", "commandId": format!("c-{message_id}"), "threadId": "t1",
           "message": {"messageId": message_id, "role": "user", "text": text, "attachments": []},
           "modelSelection": selection(),
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

fn server(dir: &Path) -> Server {
    ServerBuilder::new(&dir.join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declared_codex_acp_instance_runs_a_thread_and_loads_it_after_a_restart() {
    if !t3rs::testkit::codex_acp_path().exists() {
        eprintln!("skipped: the pinned codex-acp is not installed (make agents)");
        return;
    }
    let codex_acp = t3rs::testkit::real_codex_acp();
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let model = FakeModel::start(
        dir.path(),
        json!([{"text": "hello from codex-acp", "chunks": 3}, {"text": "second answer"}]),
    );
    let agent_env: serde_json::Map<String, Value> = model
        .codex_acp_env(dir.path())
        .set
        .iter()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                Value::String(v.to_string_lossy().into_owned()),
            )
        })
        .collect();

    let running = server(dir.path());
    let mut client = Client::connect(&running.url("/ws")).await;
    client.welcome().await;
    let settings = client
        .request(json!({"_tag": "server.updateSettings",
            "acpInstances": [{"instanceId": "codex-acp", "command": codex_acp, "env": agent_env}]}))
        .await;
    assert!(settings["result"].is_object(), "{settings}");
    ok(
        &mut client,
        json!({"type": "project.create", "commandId": "c-p1", "projectId": "p1", "title": "p1",
               "workspaceRoot": work, "createdAt": NOW}),
    )
    .await;
    ok(
        &mut client,
        json!({"type": "thread.create", "commandId": "c-t1", "threadId": "t1", "projectId": "p1",
               "title": "t1", "modelSelection": selection(),
               "runtimeMode": "approval-required", "interactionMode": "default",
               "branch": null, "worktreePath": null, "createdAt": NOW}),
    )
    .await;
    ok(&mut client, turn("m1", "say hello")).await;
    let t = until(&mut client, "t1", "the first answer", |t| {
        assistant_texts(t)
            .iter()
            .any(|m| m.ends_with("hello from codex-acp"))
            && t["session"]["status"] == "ready"
    })
    .await;
    assert_eq!(t["session"]["providerName"], "acp", "{t}");
    drop(client);
    assert!(running.stop().success());

    let running = server(dir.path());
    let mut client = Client::connect(&running.url("/ws")).await;
    client.welcome().await;
    ok(&mut client, turn("m2", "and again")).await;
    until(&mut client, "t1", "the second answer", |t| {
        assistant_texts(t)
            .iter()
            .any(|m| m.ends_with("second answer"))
            && t["session"]["status"] == "ready"
    })
    .await;
    let last = model
        .requests()
        .last()
        .cloned()
        .expect("a request to the model");
    assert!(
        last.to_string().contains("say hello"),
        "the loaded session carries turn 1: {last}"
    );
    assert!(running.stop().success());
}

/// A scripted ACP agent (tests/fixtures/acp/fs_peer.py) declared as an instance writes and reads
/// through fs/* inside the project, is refused every way out, and the write shows in the thread.
#[tokio::test(flavor = "multi_thread")]
async fn an_acp_agents_file_writes_land_in_the_project_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&work).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret\n").unwrap();
    std::os::unix::fs::symlink(&outside, work.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), work.join("secret-link")).unwrap();
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/acp/fs_peer.py");
    let selection = json!({"provider": "acp", "model": "default", "instanceId": "fs-peer"});

    let running = server(dir.path());
    let mut client = Client::connect(&running.url("/ws")).await;
    client.welcome().await;
    let settings = client
        .request(json!({"_tag": "server.updateSettings",
            "acpInstances": [{"instanceId": "fs-peer", "command": "python3", "args": [peer]}]}))
        .await;
    assert!(settings["result"].is_object(), "{settings}");
    ok(
        &mut client,
        json!({"type": "project.create", "commandId": "c-p1", "projectId": "p1", "title": "p1",
               "workspaceRoot": work, "createdAt": NOW}),
    )
    .await;
    ok(
        &mut client,
        json!({"type": "thread.create", "commandId": "c-t1", "threadId": "t1", "projectId": "p1",
               "title": "t1", "modelSelection": selection,
               "runtimeMode": "approval-required", "interactionMode": "default",
               "branch": null, "worktreePath": null, "createdAt": NOW}),
    )
    .await;
    let mut start = turn("m1", "go");
    start["modelSelection"] = selection;
    ok(&mut client, start).await;
    let t = until(&mut client, "t1", "the peer's report", |t| {
        assistant_texts(t)
            .iter()
            .any(|m| m.contains("symlink-read: "))
            && t["session"]["status"] == "ready"
    })
    .await;
    let said = assistant_texts(&t).join("");
    assert!(said.contains("write: ok null"), "{said}");
    assert!(
        said.contains(r#"read: ok {"content": "one\ntwo\nthree\n"}"#),
        "{said}"
    );
    for refused in [
        "dotdot: error",
        "relative-dotdot: error",
        "absolute: error",
        "symlink-dir: error",
        "symlink-file: error",
        "symlink-read: error",
    ] {
        assert!(said.contains(refused), "{refused}: {said}");
    }
    assert_eq!(
        std::fs::read_to_string(work.join("notes/hello.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    for escaped in ["outside.txt", "outside-abs.txt", "outside/escaped.txt"] {
        assert!(!dir.path().join(escaped).exists(), "{escaped} was written");
    }
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret\n"
    );
    let activities = t["activities"].as_array().cloned().unwrap_or_default();
    assert!(
        activities
            .iter()
            .any(|a| a["kind"] == "tool.completed" && a["summary"] == "Wrote notes/hello.txt"),
        "{activities:?}"
    );
    assert!(running.stop().success());
}
