//! End-to-end tests of the orchestration engine and project methods over a real socket, against
//! the real binary with a real sled store in a temp dir.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{base_command, http_get, Client, Server, ServerBuilder};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn project_create(command_id: &str, project_id: &str, root: &str) -> Value {
    json!({"type": "project.create", "commandId": command_id, "projectId": project_id,
           "title": project_id, "workspaceRoot": root, "createdAt": NOW})
}

fn thread_create(command_id: &str, thread_id: &str, project_id: &str) -> Value {
    json!({"type": "thread.create", "commandId": command_id, "threadId": thread_id,
           "projectId": project_id, "title": "A thread", "model": "gpt-5.4",
           "runtimeMode": "full-access", "interactionMode": "default",
           "branch": null, "worktreePath": null, "createdAt": NOW})
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

/// Dispatches and returns the acknowledged sequence, failing on an error.
async fn ok_sequence(client: &mut Client, command: Value) -> u64 {
    let v = client.request(dispatch(command)).await;
    v["result"]["sequence"]
        .as_u64()
        .unwrap_or_else(|| panic!("dispatch failed: {v}"))
}

async fn error_message(client: &mut Client, body: Value) -> String {
    let v = client.request(body).await;
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {v}"))
        .to_string()
}

/// Every event in the log, paging through replayEvents.
async fn replay_all(client: &mut Client) -> Vec<Value> {
    let mut all = Vec::new();
    let mut from = 0u64;
    loop {
        let v = client
            .request(json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": from}))
            .await;
        let page = v["result"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .clone();
        if page.is_empty() {
            return all;
        }
        from = page.last().unwrap()["sequence"].as_u64().unwrap();
        all.extend(page);
    }
}

async fn connected(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

fn no_bootstrap(dir: &std::path::Path) -> ServerBuilder {
    ServerBuilder::new(&dir.join("state")).arg("--auto-bootstrap-project-from-cwd=false")
}

#[tokio::test]
async fn a_turn_start_arrives_as_ordered_pushes_and_the_snapshot_matches() {
    let dir = temp();
    let server = no_bootstrap(dir.path()).start();
    let mut actor = connected(&server).await;
    let mut watcher = connected(&server).await;

    ok_sequence(&mut actor, project_create("c1", "p1", "/tmp")).await;
    ok_sequence(&mut actor, thread_create("c2", "t1", "p1")).await;
    let last = ok_sequence(
        &mut actor,
        json!({"type": "thread.turn.start", "commandId": "c3", "threadId": "t1",
               "message": {"messageId": "m1", "role": "user", "text": "hello there", "attachments": []},
               "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW}),
    )
    .await;
    assert_eq!(last, 4);

    let mut types = Vec::new();
    let mut push_sequences = Vec::new();
    for _ in 0..4 {
        let push = watcher.next_json().await;
        assert_eq!(push["channel"], "orchestration.domainEvent", "{push}");
        push_sequences.push(push["sequence"].as_u64().unwrap());
        assert_eq!(push["data"]["sequence"], json!(types.len() + 1));
        types.push(push["data"]["type"].as_str().unwrap().to_string());
    }
    assert_eq!(push_sequences, vec![2, 3, 4, 5]);
    assert_eq!(
        types,
        [
            "project.created",
            "thread.created",
            "thread.message-sent",
            "thread.turn-start-requested"
        ]
    );

    // The provider side reacts: this server's codex does not exist, which the thread says.
    let mut reaction = Vec::new();
    for _ in 0..3 {
        let push = watcher.next_json().await;
        reaction.push(push["data"].clone());
    }
    assert_eq!(reaction[0]["payload"]["session"]["status"], "starting");
    let activity = &reaction[1]["payload"]["activity"];
    assert_eq!(
        activity["kind"], "provider.session.start.failed",
        "{activity}"
    );
    let detail = activity["payload"]["detail"].as_str().unwrap();
    assert!(detail.contains("not installed"), "{detail}");
    assert_eq!(reaction[2]["payload"]["session"]["status"], "error");

    let snapshot = actor
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    assert_eq!(snapshot["snapshotSequence"], 7);
    assert_eq!(
        snapshot["threads"][0]["session"]["lastError"],
        json!(detail)
    );
    assert_eq!(snapshot["projects"][0]["id"], "p1");
    let thread = &snapshot["threads"][0];
    assert_eq!(thread["id"], "t1");
    assert_eq!(thread["messages"][0]["text"], "hello there");
    assert_eq!(thread["messages"][0]["role"], "user");
}

#[tokio::test]
async fn every_invalid_command_class_gets_its_error() {
    let dir = temp();
    let server = no_bootstrap(dir.path()).start();
    let mut client = connected(&server).await;
    ok_sequence(&mut client, project_create("c1", "p1", "/tmp")).await;

    let cases: Vec<(Value, &str)> = vec![
        (
            project_create("c2", "p1", "/tmp"),
            "Project 'p1' already exists and cannot be created twice.",
        ),
        (
            project_create("c2b", "p2", "/definitely/not/here"),
            "workspaceRoot: `/definitely/not/here` does not exist",
        ),
        (
            project_create("c2c", "p2", "relative/dir"),
            "workspaceRoot: `relative/dir` is not an absolute path",
        ),
        (
            thread_create("c3", "t1", "nope"),
            "Project 'nope' does not exist for command 'thread.create'.",
        ),
        (
            json!({"type": "thread.meta.update", "commandId": "c4", "threadId": "ghost", "title": "x"}),
            "Thread 'ghost' does not exist for command 'thread.meta.update'.",
        ),
        (
            json!({"type": "project.delete", "projectId": "p1"}),
            "body.command.commandId",
        ),
        (
            json!({"type": "project.delete", "commandId": "c5", "projectId": "  "}),
            "body.command.projectId",
        ),
        (
            json!({"type": "launch.rockets", "commandId": "c6"}),
            "launch.rockets",
        ),
        (
            {
                let mut c = thread_create("c7", "t2", "p1");
                c["runtimeMode"] = json!("yolo");
                c
            },
            "body.command.runtimeMode",
        ),
        (
            {
                let mut c = thread_create("c8", "t3", "p1");
                c["createdAt"] = json!("yesterday");
                c
            },
            "body.command.createdAt",
        ),
        (
            json!({"type": "thread.checkpoint.revert", "commandId": "c9", "threadId": "t1", "turnCount": -1, "createdAt": NOW}),
            "turnCount",
        ),
    ];
    for (command, expected) in cases {
        let message = error_message(&mut client, dispatch(command.clone())).await;
        assert!(
            message.contains(expected),
            "{command}: '{message}' lacks '{expected}'"
        );
    }

    ok_sequence(&mut client, thread_create("c10", "t1", "p1")).await;
    let long = "x".repeat(120_001);
    let too_long = json!({"type": "thread.turn.start", "commandId": "c11", "threadId": "t1",
        "message": {"messageId": "m1", "role": "user", "text": long, "attachments": []},
        "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW});
    let message = error_message(&mut client, dispatch(too_long)).await;
    assert!(message.contains("body.command.message.text"), "{message}");
    let image = json!({"type": "image", "name": "a.png", "mimeType": "image/png", "sizeBytes": 10, "dataUrl": "data:image/png;base64,AAAA"});
    let nine = json!({"type": "thread.turn.start", "commandId": "c12", "threadId": "t1",
        "message": {"messageId": "m2", "role": "user", "text": "hi", "attachments": vec![image; 9]},
        "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW});
    let message = error_message(&mut client, dispatch(nine)).await;
    assert!(
        message.contains("body.command.message.attachments"),
        "{message}"
    );

    // Nothing was half-written: the log holds exactly the two accepted commands.
    let events = replay_all(&mut client).await;
    assert_eq!(events.len(), 2, "{events:?}");
}

#[tokio::test]
async fn a_repeated_command_id_returns_the_first_outcome_and_appends_nothing() {
    let dir = temp();
    let server = no_bootstrap(dir.path()).start();
    let mut client = connected(&server).await;
    let first = ok_sequence(&mut client, project_create("same", "p1", "/tmp")).await;
    let again = ok_sequence(&mut client, project_create("same", "p1", "/tmp")).await;
    assert_eq!(first, again);

    // A rejection is remembered too, even once the command would now succeed.
    let rejected = error_message(&mut client, dispatch(thread_create("early", "t1", "p2"))).await;
    ok_sequence(&mut client, project_create("c2", "p2", "/tmp")).await;
    let still = error_message(&mut client, dispatch(thread_create("early", "t1", "p2"))).await;
    assert_eq!(rejected, still);

    let events = replay_all(&mut client).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["commandId"], "same");
}

#[tokio::test]
async fn replay_events_pages_in_order() {
    let dir = temp();
    // The renames below are pipelined without waiting: lift the in-flight cap past them.
    let server = no_bootstrap(dir.path())
        .arg("--max-requests-in-flight")
        .arg("10000")
        .start();
    let mut client = connected(&server).await;
    ok_sequence(&mut client, project_create("c0", "p1", "/tmp")).await;
    ok_sequence(&mut client, thread_create("c1", "t1", "p1")).await;
    // Pipeline 2,498 renames so there are 2,500 events.
    let (mut sink, mut stream) = client.ws.split();
    let total = 2_498;
    let send = async {
        for i in 0..total {
            let command = json!({"type": "thread.meta.update", "commandId": format!("r{i}"), "threadId": "t1", "title": format!("title {i}")});
            let text = json!({"id": format!("q{i}"), "body": dispatch(command)}).to_string();
            sink.send(Message::Text(text)).await.unwrap();
        }
    };
    let receive = async {
        let mut answered = 0;
        while answered < total {
            let msg = stream.next().await.unwrap().unwrap();
            if let Message::Text(text) = msg {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v.get("type").is_none() {
                    assert!(v["result"]["sequence"].is_u64(), "{v}");
                    answered += 1;
                }
            }
        }
    };
    tokio::join!(send, receive);
    let mut client = connected(&server).await;

    let page =
        |from: u64| json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": from});
    let first = client.request(page(0)).await["result"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(first.len(), 1000);
    assert_eq!(first[0]["sequence"], 1);
    assert_eq!(first[999]["sequence"], 1000);
    let third = client.request(page(2000)).await["result"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(third.len(), 500);
    assert_eq!(third[499]["sequence"], 2500);
    assert_eq!(third[499]["payload"]["title"], "title 2497");
    let none = client.request(page(2500)).await;
    assert_eq!(none["result"], json!([]));
    let all = replay_all(&mut client).await;
    assert!(all
        .iter()
        .enumerate()
        .all(|(i, e)| e["sequence"] == json!(i + 1)));
}

#[tokio::test]
async fn write_file_is_confined_to_the_workspace_root() {
    let dir = temp();
    let root = dir.path().join("ws");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    let server = no_bootstrap(dir.path())
        .arg("--cwd")
        .arg(root.to_string_lossy())
        .start();
    let mut client = connected(&server).await;
    let cwd = root.to_string_lossy().to_string();
    let write = |path: &str| json!({"_tag": "projects.writeFile", "cwd": cwd, "relativePath": path, "contents": "hi\n"});

    let v = client.request(write("src/new/file.txt")).await;
    assert_eq!(v["result"]["relativePath"], "src/new/file.txt", "{v}");
    assert_eq!(
        std::fs::read_to_string(root.join("src/new/file.txt")).unwrap(),
        "hi\n"
    );

    for (path, expected) in [
        ("../x", "must stay within the project root"),
        ("a/../../x", "must stay within the project root"),
        ("/etc/passwd", "must be relative to the project root"),
        ("escape/x.txt", "within the project root"),
    ] {
        let message = error_message(&mut client, write(path)).await;
        assert!(message.contains(expected), "{path}: {message}");
    }
    assert!(!outside.join("x.txt").exists());
    assert!(!dir.path().join("x").exists());
}

#[tokio::test]
async fn search_entries_honours_gitignore() {
    let dir = temp();
    let root = dir.path().join("repo");
    for path in [
        "src/main.rs",
        "src/lib.rs",
        "target/debug/main",
        "notes/main-ideas.md",
    ] {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, "x").unwrap();
    }
    std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
    let status = std::process::Command::new("git")
        .arg("init")
        .arg("-q")
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let server = no_bootstrap(dir.path())
        .arg("--cwd")
        .arg(root.to_string_lossy())
        .start();
    let mut client = connected(&server).await;
    let v = client
        .request(json!({"_tag": "projects.searchEntries", "cwd": root.to_string_lossy(), "query": "main", "limit": 50}))
        .await;
    let entries = v["result"]["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"));
    let paths: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"src/main.rs"), "{paths:?}");
    assert!(paths.contains(&"notes/main-ideas.md"), "{paths:?}");
    assert!(paths.iter().all(|p| !p.starts_with("target")), "{paths:?}");
    let main = entries.iter().find(|e| e["path"] == "src/main.rs").unwrap();
    assert_eq!(main["kind"], "file");
    assert_eq!(main["parentPath"], "src");
    assert_eq!(v["result"]["truncated"], false);
}

#[tokio::test]
async fn bootstrap_names_the_project_and_thread_in_the_welcome_and_is_stable() {
    let dir = temp();
    let project = dir.path().join("app");
    std::fs::create_dir(&project).unwrap();
    let state = dir.path().join("state");
    let start = || {
        ServerBuilder::new(&state)
            .arg("--cwd")
            .arg(project.to_string_lossy())
            .start()
    };
    let server = start();
    let mut client = Client::connect(&server.url("/ws")).await;
    let welcome = client.welcome().await;
    let project_id = welcome["bootstrapProjectId"].as_str().unwrap().to_string();
    let thread_id = welcome["bootstrapThreadId"].as_str().unwrap().to_string();
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    assert_eq!(snapshot["projects"][0]["id"], json!(project_id));
    assert_eq!(snapshot["projects"][0]["title"], "app");
    assert_eq!(snapshot["threads"][0]["id"], json!(thread_id));
    assert_eq!(snapshot["threads"][0]["title"], "New thread");
    assert!(server.stop().success());

    let server = start();
    let mut client = Client::connect(&server.url("/ws")).await;
    let welcome = client.welcome().await;
    assert_eq!(welcome["bootstrapProjectId"], json!(project_id));
    assert_eq!(welcome["bootstrapThreadId"], json!(thread_id));
    assert_eq!(replay_all(&mut client).await.len(), 2);
}

/// A small deterministic generator, seeded from the clock and printed, so a failure can be
/// replayed with T3RS_CRASH_SEED.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_command() {
    let seed = std::env::var("T3RS_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64 | 1)
                .unwrap_or(7)
        });
    eprintln!("crash test seed {seed} (set T3RS_CRASH_SEED to replay)");
    let mut rng = Rng(seed);
    let kill_after = Duration::from_millis(300 + rng.next() % 900);

    let dir = temp();
    let state = dir.path().join("state");
    let server = no_bootstrap(dir.path())
        .arg("--snapshot-every")
        .arg("250")
        .start();
    let url = server.url("/ws");

    // Eight connections, each pipelining up to 16 commands, recording what was acknowledged.
    let mut tasks = Vec::new();
    for conn in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked: HashMap<String, u64> = HashMap::new();
            let Ok((ws, _)) = tokio_tungstenite::connect_async(&url).await else {
                return acked;
            };
            let (mut sink, mut stream) = ws.split();
            let mut in_flight: HashMap<String, String> = HashMap::new();
            let mut n = 0u64;
            let project = format!("p{conn}");
            let mut commands = vec![project_create(&format!("{project}-c"), &project, "/tmp")];
            loop {
                while in_flight.len() < 16 {
                    let command = commands.pop().unwrap_or_else(|| {
                        n += 1;
                        let thread = format!("{project}-t{n}");
                        if n % 3 == 0 {
                            json!({"type": "thread.meta.update", "commandId": format!("{thread}-u"),
                                   "threadId": format!("{project}-t{}", n - 1), "title": format!("renamed {n}")})
                        } else {
                            thread_create(&format!("{thread}-c"), &thread, &project)
                        }
                    });
                    let id = format!("{conn}-{n}-{}", in_flight.len());
                    let command_id = command["commandId"].as_str().unwrap().to_string();
                    let text = json!({"id": id, "body": dispatch(command)}).to_string();
                    if sink.send(Message::Text(text)).await.is_err() {
                        return acked;
                    }
                    in_flight.insert(id, command_id);
                }
                match stream.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let v: Value = serde_json::from_str(&text).unwrap();
                        if let Some(id) = v["id"].as_str() {
                            if let Some(command_id) = in_flight.remove(id) {
                                if let Some(sequence) = v["result"]["sequence"].as_u64() {
                                    acked.insert(command_id, sequence);
                                }
                            }
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => return acked,
                }
            }
        }));
    }
    tokio::time::sleep(kill_after).await;
    server.signal(9);
    let mut acked: HashMap<String, u64> = HashMap::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    drop(server);
    assert!(
        acked.len() > 100,
        "too little load before the kill: {}",
        acked.len()
    );

    let mut cmd = base_command(&state);
    cmd.arg("--auto-bootstrap-project-from-cwd=false");
    let server = Server::start_command(cmd);
    let mut client = connected(&server).await;
    let events = replay_all(&mut client).await;
    for (i, event) in events.iter().enumerate() {
        assert_eq!(
            event["sequence"],
            json!(i + 1),
            "gap or duplicate at index {i}"
        );
    }
    let by_sequence: HashMap<u64, &Value> = events
        .iter()
        .map(|e| (e["sequence"].as_u64().unwrap(), e))
        .collect();
    for (command_id, sequence) in &acked {
        let event = by_sequence
            .get(sequence)
            .unwrap_or_else(|| panic!("acknowledged {command_id} at {sequence} is missing"));
        assert_eq!(event["commandId"], json!(command_id), "sequence {sequence}");
    }

    // The snapshot the restarted server serves equals a from-scratch replay of its log.
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    // v0.0.4's projector, every list in memory: the oracle the store-backed model must equal.
    let mut model = t3rs::orchestration::FullModel::default();
    for event in &events {
        let event: t3rs::orchestration::Event = serde_json::from_value(event.clone()).unwrap();
        t3rs::orchestration::full_model::projector::project_full(&mut model, &event);
    }
    assert_eq!(serde_json::to_value(&model).unwrap(), snapshot);
    eprintln!(
        "crash test: killed after {kill_after:?}, {} acknowledged, {} events in the log",
        acked.len(),
        events.len()
    );
}

/// Writes commands into a store the way the engine did before the threads' lists moved into
/// the store (decide, project, append, flush); start-up moves the lists in.
fn seed_store(state: &std::path::Path, commands: Vec<t3rs::orchestration::Command>) {
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

#[tokio::test]
async fn a_session_running_when_the_server_died_is_shown_stopped_after_restart() {
    use t3rs::orchestration::commands::ThreadSessionSetCommand;
    use t3rs::orchestration::{ClientCommand, Command, InternalCommand, Session, SessionStatus};
    let dir = temp();
    let state = dir.path().join("state");
    let client_command =
        |v: Value| Command::Client(serde_json::from_value::<ClientCommand>(v).unwrap());
    seed_store(
        &state,
        vec![
            client_command(project_create("c1", "p1", "/tmp")),
            client_command(thread_create("c2", "t1", "p1")),
            Command::Internal(InternalCommand::ThreadSessionSet(ThreadSessionSetCommand {
                command_id: "c3".into(),
                thread_id: "t1".into(),
                session: Session {
                    thread_id: "t1".into(),
                    status: SessionStatus::Running,
                    provider_name: Some("codex".into()),
                    runtime_mode: Default::default(),
                    active_turn_id: Some("turn-1".into()),
                    last_error: None,
                    updated_at: NOW.into(),
                },
                created_at: NOW.into(),
            })),
        ],
    );
    let server = no_bootstrap(dir.path()).start();
    let mut client = connected(&server).await;
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    let thread = &snapshot["threads"][0];
    assert_eq!(thread["session"]["status"], "stopped", "{thread}");
    assert_eq!(thread["session"]["activeTurnId"], Value::Null);
    assert!(thread["session"]["lastError"]
        .as_str()
        .unwrap()
        .contains("restarted"));
    let activity = thread["activities"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(activity["kind"], "session.restart-interrupted");
    assert_eq!(activity["tone"], "error");
    assert_eq!(activity["turnId"], "turn-1");
    drop(client);
    assert!(server.stop().success());

    // Settled once: a second restart adds nothing.
    let server = no_bootstrap(dir.path()).start();
    let mut client = connected(&server).await;
    assert_eq!(replay_all(&mut client).await.len(), 5);
}

#[tokio::test]
async fn image_uploads_are_stored_recorded_by_id_and_served() {
    let dir = temp();
    let server = no_bootstrap(dir.path()).start();
    let mut client = connected(&server).await;
    ok_sequence(&mut client, project_create("c1", "p1", "/tmp")).await;
    ok_sequence(&mut client, thread_create("c2", "t1", "p1")).await;
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 1, 2, 3];
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&png)
    };
    let turn = |command_id: &str, data_url: String| {
        json!({"type": "thread.turn.start", "commandId": command_id, "threadId": "t1",
        "message": {"messageId": format!("m-{command_id}"), "role": "user", "text": "look", "attachments": [
            {"type": "image", "name": "shot.png", "mimeType": "image/png", "sizeBytes": png.len(), "dataUrl": data_url}]},
        "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW})
    };

    let bad = error_message(
        &mut client,
        dispatch(turn("c3", "data:image/png;base64,@@@".into())),
    )
    .await;
    assert!(
        bad.contains("Invalid image attachment payload for 'shot.png'"),
        "{bad}"
    );
    ok_sequence(
        &mut client,
        turn("c4", format!("data:image/png;base64,{b64}")),
    )
    .await;

    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    let messages = snapshot["threads"][0]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "the refused turn left nothing behind");
    let attachment = &messages[0]["attachments"][0];
    assert_eq!(attachment["name"], "shot.png");
    assert_eq!(attachment["mimeType"], "image/png");
    assert_eq!(attachment["sizeBytes"], png.len());
    assert!(attachment.get("dataUrl").is_none(), "{attachment}");
    let id = attachment["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("t1-"), "{id}");

    let (status, body) = http_get(server.port, &format!("/attachments/{id}"));
    assert_eq!(status, 200);
    assert_eq!(body, png);
    assert_eq!(
        http_get(server.port, "/attachments/..%2Fkeybindings.json").0,
        404
    );
    assert_eq!(http_get(server.port, "/attachments/t1-nope").0, 404);
}

#[tokio::test]
async fn log_lines_about_a_command_carry_its_command_id_and_thread_id() {
    let dir = temp();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .env("RUST_LOG", "t3rs=debug");
    let server = Server::start_command(cmd);
    let mut client = connected(&server).await;
    let root = project.to_string_lossy();
    ok_sequence(&mut client, project_create("c-log-p", "p1", &root)).await;
    ok_sequence(&mut client, thread_create("c-log-t", "t-log", "p1")).await;
    // The same thread again is refused: the failure is logged at warn with both ids.
    let refused = error_message(
        &mut client,
        dispatch(thread_create("c-log-x", "t-log", "p1")),
    )
    .await;
    assert!(!refused.is_empty());
    let log = server.stderr();
    let lines = |id: &str| -> Vec<&str> { log.lines().filter(|l| l.contains(id)).collect() };
    let created = lines("command_id=c-log-t");
    assert!(
        created
            .iter()
            .any(|l| l.contains("DEBUG") && l.contains("thread_id=t-log")),
        "{log}"
    );
    assert!(
        lines("command_id=c-log-p")
            .iter()
            .any(|l| l.contains("project_id=p1")),
        "{log}"
    );
    assert!(
        lines("command_id=c-log-x")
            .iter()
            .any(|l| l.contains("WARN") && l.contains("thread_id=t-log") && l.contains("refused")),
        "{log}"
    );
}
