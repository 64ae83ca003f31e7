//! Restarts end to end, with the real binary and the real codex CLI against the scripted model
//! server: a thread session that panics mid-turn (a failpoint, in a build with the
//! `failpoints` feature, as `make test` builds it), and a server that died with a request
//! nobody had acted on, or with a session running and a question open.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{codex_server_command, git, Client, FakeModel, Server};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const DEADLINE: Duration = Duration::from_secs(60);

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

/// A git repository with one commit.
fn workspace(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("README.md"), "hello\n").unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "init"]);
    work
}

fn project_create(root: &Path) -> Value {
    json!({"type": "project.create", "commandId": "c-p", "projectId": "p1", "title": "p1",
           "workspaceRoot": root.to_string_lossy(), "createdAt": NOW})
}

fn thread_create(thread_id: &str) -> Value {
    json!({"type": "thread.create", "commandId": format!("c-{thread_id}"), "threadId": thread_id,
           "projectId": "p1", "title": "T", "model": "gpt-5.4", "runtimeMode": "full-access",
           "interactionMode": "default", "branch": null, "worktreePath": null, "createdAt": NOW})
}

fn turn_start(thread_id: &str, n: u32) -> Value {
    json!({"type": "thread.turn.start", "commandId": format!("turn-{thread_id}-{n}"),
           "threadId": thread_id,
           "message": {"messageId": format!("m-{thread_id}-{n}"), "role": "user", "text": "say hello",
                       "attachments": []},
           "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW})
}

async fn ok(client: &mut Client, command: Value) -> u64 {
    let v = client.request(dispatch(command)).await;
    v["result"]["sequence"]
        .as_u64()
        .unwrap_or_else(|| panic!("dispatch failed: {v}"))
}

/// Domain events until one satisfies `want` (all kept in `seen`); returns it.
async fn until(
    client: &mut Client,
    seen: &mut Vec<Value>,
    what: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + DEADLINE;
    loop {
        assert!(
            Instant::now() < deadline,
            "no {what}; events so far: {:#?}",
            seen.iter()
                .map(|e| (&e["type"], &e["payload"]))
                .collect::<Vec<_>>()
        );
        let push = tokio::time::timeout(Duration::from_secs(1), client.next_json()).await;
        let Ok(push) = push else { continue };
        if push["channel"] != "orchestration.domainEvent" {
            continue;
        }
        let event = push["data"].clone();
        seen.push(event.clone());
        if want(&event) {
            return event;
        }
    }
}

fn is_activity(event: &Value, kind: &str) -> bool {
    event["type"] == "thread.activity-appended" && event["payload"]["activity"]["kind"] == kind
}

fn session_status(event: &Value) -> Option<&str> {
    (event["type"] == "thread.session-set")
        .then(|| event["payload"]["session"]["status"].as_str())
        .flatten()
}

async fn snapshot_thread(client: &mut Client, thread_id: &str) -> Value {
    let v = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    v["result"]["threads"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == thread_id))
        .cloned()
        .unwrap_or_else(|| panic!("no thread {thread_id} in {v}"))
}

/// The Show item of "lossless reactions": a ThreadSession panic injected mid-turn (the
/// `thread-session-mid-turn` failpoint) ends that turn visibly (an activity, session
/// `error`); a turn start sent while the session restarts (the `thread-session-restarted`
/// failpoint holds the restart for 1.5 s) is acted on, and that next turn runs to its end.
#[tokio::test]
async fn a_session_panic_mid_turn_ends_the_turn_and_a_turn_sent_during_the_restart_runs() {
    if !cfg!(feature = "failpoints") {
        eprintln!(
            "skipped: the binary was built without the `failpoints` feature \
             (`make test` builds with it; or cargo test --features failpoints)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = workspace(dir.path());
    let model = FakeModel::start(dir.path(), json!([{"text": "hello there", "chunks": 3}]));
    let home = model.codex_home(dir.path());
    let state = dir.path().join("state");
    let mut command = codex_server_command(&state, &home);
    command.env(
        "FAILPOINTS",
        "thread-session-mid-turn=1*panic(injected mid-turn);\
         thread-session-restarted=1*sleep(1500)",
    );
    let server = Server::start_command(command);
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let mut seen = Vec::new();
    ok(&mut client, project_create(&work)).await;
    ok(&mut client, thread_create("t1")).await;
    ok(&mut client, turn_start("t1", 1)).await;

    // The failpoint fires on the first event codex sends once the turn has its id.
    let deadline = Instant::now() + DEADLINE;
    while !server.stderr().contains("injected mid-turn") {
        assert!(
            Instant::now() < deadline,
            "the failpoint did not fire; stderr:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The session is down (restarting, held by the second failpoint): this request reaches
    // nobody when it is recorded, and is taken up from the log by the next incarnation.
    ok(&mut client, turn_start("t1", 2)).await;

    until(&mut client, &mut seen, "the restart's activity", |e| {
        is_activity(e, "provider.session.restarted")
    })
    .await;
    let after = until(&mut client, &mut seen, "a session change", |e| {
        session_status(e).is_some()
    })
    .await;
    assert_eq!(session_status(&after), Some("error"), "{after}");
    until(&mut client, &mut seen, "the second turn's end", |e| {
        e["type"] == "thread.turn-diff-completed"
    })
    .await;
    let thread = snapshot_thread(&mut client, "t1").await;
    assert_eq!(thread["session"]["status"], "ready", "{thread}");
    let answers: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .collect();
    assert!(
        answers.iter().any(|m| m["text"] == "hello there"),
        "{answers:#?}"
    );
    // The second turn was started once.
    let statuses: Vec<&str> = seen.iter().filter_map(session_status).collect();
    let from = statuses.iter().position(|s| *s == "error").unwrap();
    assert_eq!(
        statuses[from..].iter().filter(|s| **s == "running").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&"ready"), "{statuses:?}");
    drop(client);
    assert!(server.stop().success());
}

/// Writes client and internal commands into a store as the Engine did before the threads'
/// lists moved into the store (decide, project, append, flush): the state an older server
/// leaves when it is killed right after recording them. Start-up moves the lists in first.
fn seed_store(state: &Path, commands: Vec<t3rs::orchestration::Command>) {
    use t3rs::orchestration::{decide, project, DecideContext, ReadModel};
    use t3rs::store::event_log::{CommandWrite, EventLog, Receipt};
    let store = t3rs::store::Store::open(state).unwrap();
    let log = EventLog::open(&store).unwrap();
    let mut model = ReadModel::default();
    let mut lists = t3rs::orchestration::history_kv::MemoryKv::default();
    let mut sequence = 0;
    let mut counter = 0;
    for command in commands {
        let mut ids = || {
            counter += 1;
            format!("seed-{counter}")
        };
        let mut ctx = DecideContext {
            now: NOW.into(),
            next_id: &mut ids,
        };
        let mut events = Vec::new();
        for draft in decide(&command, &model, &mut ctx).unwrap() {
            sequence += 1;
            let event = draft.into_event(sequence);
            project(&mut model, &mut lists, &event).unwrap();
            events.push((sequence, serde_json::to_vec(&event).unwrap()));
        }
        log.write_batch(&[CommandWrite {
            command_id: command.command_id().to_string(),
            receipt: Receipt::Accepted { sequence },
            events,
        }])
        .unwrap();
    }
    log.flush().unwrap();
}

fn client_command(v: Value) -> t3rs::orchestration::Command {
    t3rs::orchestration::Command::Client(serde_json::from_value(v).unwrap())
}

fn internal_command(v: Value) -> t3rs::orchestration::Command {
    t3rs::orchestration::Command::Internal(serde_json::from_value(v).unwrap())
}

/// The server died right after recording two things: a turn start in thread `lost` that no
/// session had taken up yet, and, in thread `busy`, a running turn waiting on an approval.
/// After the restart the turn start is acted on (codex runs it to its end); the running turn
/// is settled (stopped, its question closed), and no codex is started for it.
#[tokio::test]
async fn after_a_server_restart_a_lost_turn_start_runs_and_a_dead_turns_question_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let work = workspace(dir.path());
    let model = FakeModel::start(dir.path(), json!([{"text": "hello there", "chunks": 3}]));
    let home = model.codex_home(dir.path());
    let state = dir.path().join("state");
    let session = |status: &str, turn: Value| {
        json!({"threadId": "busy", "status": status, "providerName": "codex",
               "runtimeMode": "full-access", "activeTurnId": turn, "lastError": null,
               "updatedAt": NOW})
    };
    seed_store(
        &state,
        vec![
            client_command(project_create(&work)),
            client_command(thread_create("lost")),
            client_command(thread_create("busy")),
            client_command(turn_start("busy", 1)),
            internal_command(json!({"type": "thread.session.set", "commandId": "s1",
                "threadId": "busy", "session": session("running", json!("turn-b")),
                "createdAt": NOW})),
            internal_command(json!({"type": "thread.activity.append", "commandId": "a1",
                "threadId": "busy", "activity": {"id": "act-1", "tone": "approval",
                "kind": "approval.requested", "summary": "Command approval requested",
                "payload": {"requestId": "r-1", "requestKind": "command",
                            "requestType": "command_execution_approval"},
                "turnId": "turn-b", "createdAt": NOW}, "createdAt": NOW})),
            client_command(turn_start("lost", 1)),
        ],
    );
    let server = Server::start_command(codex_server_command(&state, &home));
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let mut seen = Vec::new();
    // The live stream starts after the start-up's own events; the turn's end comes later.
    until(&mut client, &mut seen, "the lost turn's end", |e| {
        e["type"] == "thread.turn-diff-completed" && e["payload"]["threadId"] == "lost"
    })
    .await;
    let lost = snapshot_thread(&mut client, "lost").await;
    assert_eq!(lost["session"]["status"], "ready", "{lost}");
    assert!(
        lost["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "assistant" && m["text"] == "hello there"),
        "{lost}"
    );

    let busy = snapshot_thread(&mut client, "busy").await;
    assert_eq!(busy["session"]["status"], "stopped", "{busy}");
    let activities = busy["activities"].as_array().unwrap();
    let closed = activities
        .iter()
        .find(|a| a["kind"] == "approval.resolved")
        .unwrap_or_else(|| panic!("the open question was not closed: {busy}"));
    assert_eq!(closed["payload"]["requestId"], "r-1");
    assert_eq!(closed["payload"]["decision"], "cancel");
    assert_eq!(closed["turnId"], "turn-b");
    // No session was started for the settled turn: nothing after the start-up's stop.
    assert!(
        !seen.iter().any(|e| e["payload"]["threadId"] == "busy"),
        "{seen:#?}"
    );
    drop(client);
    assert!(server.stop().success());
}
