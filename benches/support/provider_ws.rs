//! The provider bench's client side: dispatching commands over a t3rs WebSocket and reading a
//! turn's assistant text back, plus the workspace and script files it needs.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::support::{pct, Ws};

const NOW: &str = "2026-01-01T00:00:00.000Z";

pub async fn request(ws: &mut Ws, id: &str, body: Value) -> Value {
    ws.send(Message::Text(json!({"id": id, "body": body}).to_string()))
        .await
        .expect("send");
    loop {
        if let Message::Text(text) = ws.next().await.expect("open").expect("frame") {
            let v: Value = serde_json::from_str(&text).expect("json");
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{v}");
                return v;
            }
        }
    }
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

/// What a thread runs on: its modelSelection and runtime mode.
#[derive(Clone)]
pub struct ThreadKind {
    pub selection: Value,
    pub runtime_mode: &'static str,
}

pub async fn create(ws: &mut Ws, root: &Path, threads: &[String], kind: &ThreadKind) {
    request(
        ws,
        "p",
        dispatch(
            json!({"type": "project.create", "commandId": "p", "projectId": "p",
            "title": "p", "workspaceRoot": root.to_string_lossy(), "createdAt": NOW}),
        ),
    )
    .await;
    for t in threads {
        request(
            ws,
            &format!("c-{t}"),
            dispatch(
                json!({"type": "thread.create", "commandId": format!("c-{t}"),
                "threadId": t, "projectId": "p", "title": t, "modelSelection": kind.selection,
                "runtimeMode": kind.runtime_mode, "interactionMode": "default", "branch": null,
                "worktreePath": null, "createdAt": NOW}),
            ),
        )
        .await;
    }
}

pub async fn start_turn(ws: &mut Ws, thread: &str, n: usize, kind: &ThreadKind) {
    request(
        ws,
        &format!("turn-{thread}-{n}"),
        dispatch(json!({"type": "thread.turn.start", "commandId": format!("turn-{thread}-{n}"),
            "threadId": thread, "assistantDeliveryMode": "streaming",
            "message": {"messageId": format!("m-{thread}-{n}"), "role": "user", "text": "go", "attachments": []},
            "modelSelection": kind.selection,
            "runtimeMode": kind.runtime_mode, "interactionMode": "default", "createdAt": NOW})),
    )
    .await;
}

/// Reads domain events until `thread`'s turn `count` has its checkpoint; returns the assistant
/// text it saw for that turn, when the first piece containing `marker` arrived, and when the
/// last piece did.
pub async fn read_turn(
    ws: &mut Ws,
    thread: &str,
    count: u64,
    marker: &str,
) -> (String, Option<Instant>, Option<Instant>) {
    let mut text = String::new();
    let mut last = None;
    let mut first = None;
    loop {
        let Message::Text(raw) = ws.next().await.expect("open").expect("frame") else {
            continue;
        };
        let v: Value = serde_json::from_str(&raw).expect("json");
        let event = &v["data"];
        if v["channel"] != "orchestration.domainEvent" || event["payload"]["threadId"] != thread {
            continue;
        }
        let p = &event["payload"];
        match event["type"].as_str() {
            Some("thread.message-sent") if p["role"] == "assistant" => {
                let piece = p["text"].as_str().unwrap_or("");
                if !piece.is_empty() {
                    if piece.contains(marker) {
                        first.get_or_insert_with(Instant::now);
                    }
                    text.push_str(piece);
                    last = Some(Instant::now());
                }
            }
            Some("thread.turn-diff-completed") if p["checkpointTurnCount"] == count => {
                return (text, first, last)
            }
            _ => {}
        }
    }
}

pub fn git_repo(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("README.md"), "bench\n").unwrap();
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@b",
            "commit",
            "-qm",
            "init",
        ],
    ] {
        assert!(Command::new("git")
            .args(args)
            .current_dir(&work)
            .status()
            .unwrap()
            .success());
    }
    work
}

/// benches/support/`name`, copied into `dir` and made executable.
pub fn script(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("benches/support")
            .join(name),
        &path,
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    path
}

/// The median (callers leave out the warm-up turn).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    pct(samples, 0.5)
}
