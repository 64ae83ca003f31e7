//! A reply never overtakes its own events: on the connection that dispatched a command, the
//! pushes of the command's events are written before its reply. Against the real binary.
#![allow(clippy::disallowed_methods)] // test code starts its helpers directly

mod common;

use std::collections::{HashMap, HashSet};

use common::{Client, ServerBuilder, DEADLINE};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const NOW: &str = "2026-01-01T00:00:00.000Z";
const THREADS: usize = 1_000;

fn dispatch(id: &str, command: Value) -> String {
    json!({"id": id, "body": {"_tag": "orchestration.dispatchCommand", "command": command}})
        .to_string()
}

fn thread_create(i: usize) -> Value {
    json!({"type": "thread.create", "commandId": format!("create-{i}"), "threadId": format!("t{i}"),
           "projectId": "p1", "title": "A thread", "model": "gpt-5.4",
           "runtimeMode": "full-access", "interactionMode": "default",
           "branch": null, "worktreePath": null, "createdAt": NOW})
}

fn meta_update(i: usize) -> Value {
    json!({"type": "thread.meta.update", "commandId": format!("update-{i}"),
           "threadId": format!("t{i}"), "title": format!("title {i}")})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_thread_create_reply_comes_after_its_thread_created_push() {
    let dir = tempfile::tempdir().unwrap();
    // All 2,000 commands are sent before any reply is read.
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .arg(format!("--max-requests-in-flight={}", 2 * THREADS + 16))
        .start();
    let mut setup = Client::connect(&server.url("/ws")).await;
    setup.welcome().await;
    let v = setup
        .request(json!({"_tag": "orchestration.dispatchCommand", "command":
            {"type": "project.create", "commandId": "p", "projectId": "p1", "title": "p1",
             "workspaceRoot": "/tmp", "createdAt": NOW}}))
        .await;
    assert!(v["result"]["sequence"].is_u64(), "{v}");

    let (ws, _) = tokio_tungstenite::connect_async(server.url("/ws"))
        .await
        .unwrap();
    let (mut tx, mut rx) = ws.split();
    // Every create is followed at once, without awaiting its reply, by a command on its thread.
    let sender = tokio::spawn(async move {
        for i in 0..THREADS {
            tx.send(Message::Text(dispatch(&format!("c{i}"), thread_create(i))))
                .await
                .unwrap();
            tx.send(Message::Text(dispatch(&format!("u{i}"), meta_update(i))))
                .await
                .unwrap();
        }
        tx
    });

    let mut created: HashSet<String> = HashSet::new();
    let mut replies: HashMap<String, Value> = HashMap::new();
    let mut overtaken = Vec::new();
    let deadline = tokio::time::Instant::now() + DEADLINE * 3;
    while replies.len() < 2 * THREADS {
        let msg = tokio::time::timeout_at(deadline, rx.next())
            .await
            .expect("every reply before the deadline")
            .expect("socket open")
            .expect("no socket error");
        let Message::Text(text) = msg else { continue };
        let v: Value = serde_json::from_str(&text).unwrap();
        if v["type"] == "push" {
            if v["channel"] == "orchestration.domainEvent" && v["data"]["type"] == "thread.created"
            {
                created.insert(v["data"]["payload"]["threadId"].as_str().unwrap().into());
            }
            continue;
        }
        let id = v["id"].as_str().unwrap().to_string();
        if let Some(i) = id.strip_prefix('c') {
            if !created.contains(&format!("t{i}")) {
                overtaken.push(id.clone());
            }
        }
        replies.insert(id, v);
    }
    let _tx = sender.await.unwrap();
    // Every create is accepted, and every update after it: one connection's commands reach
    // the Engine in the order sent.
    for i in 0..THREADS {
        let reply = &replies[&format!("c{i}")];
        assert!(reply["result"]["sequence"].is_u64(), "c{i}: {reply}");
    }
    let refused: Vec<String> = (0..THREADS)
        .filter(|i| !replies[&format!("u{i}")]["result"]["sequence"].is_u64())
        .map(|i| format!("u{i}: {}", replies[&format!("u{i}")]))
        .collect();
    assert!(
        refused.is_empty(),
        "{} updates overtook their create: {:?}",
        refused.len(),
        &refused[..refused.len().min(3)]
    );
    let refused: Vec<String> = (0..THREADS)
        .filter(|i| !replies[&format!("u{i}")]["result"]["sequence"].is_u64())
        .map(|i| format!("u{i}: {}", replies[&format!("u{i}")]))
        .collect();
    assert!(
        refused.is_empty(),
        "{} updates refused: {:?}",
        refused.len(),
        &refused[..refused.len().min(3)]
    );
    assert!(
        overtaken.is_empty(),
        "{} of {THREADS} create replies came before their thread.created push: {:?}",
        overtaken.len(),
        &overtaken[..overtaken.len().min(10)]
    );
    assert_eq!(created.len(), THREADS);
}

/// A repeat of a command whose events were published before this connection existed is
/// answered at once (its pushes will never come here); a rejection too.
#[tokio::test]
async fn a_repeat_of_an_old_command_and_a_rejection_are_answered_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start();
    let create = json!({"_tag": "orchestration.dispatchCommand", "command":
        {"type": "project.create", "commandId": "p", "projectId": "p1", "title": "p1",
         "workspaceRoot": "/tmp", "createdAt": NOW}});
    let mut first = Client::connect(&server.url("/ws")).await;
    first.welcome().await;
    let original = first.request(create.clone()).await;

    let mut later = Client::connect(&server.url("/ws")).await;
    later.welcome().await;
    let again = later.request(create).await;
    assert_eq!(again["result"], original["result"]);
    let rejected = later
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": meta_update(7)}))
        .await;
    assert!(rejected["error"]["message"].is_string(), "{rejected}");
}
