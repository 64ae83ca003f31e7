//! End-to-end tests of the codex provider and per-turn checkpoints: the real binary, the real
//! codex CLI (installed by the Makefile) talking to the scripted model server from
//! ../shared/tools/fake-model, real git repositories in temp dirs.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{codex_server_command, Client, FakeModel, Server};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A workspace with one commit (a git repository unless `repo` is false).
fn workspace(dir: &Path, repo: bool) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("README.md"), "hello\n").unwrap();
    if repo {
        git(&work, &["init", "-q"]);
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-qm", "init"]);
    }
    work
}

struct Rig {
    _dir: tempfile::TempDir,
    model: FakeModel,
    server: Option<Server>,
    client: Client,
    work: PathBuf,
    home: PathBuf,
    state: PathBuf,
    /// Every domain event seen, in order.
    events: Vec<Value>,
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

impl Rig {
    async fn start(steps: Value, repo: bool, runtime_mode: &str) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let work = workspace(dir.path(), repo);
        let model = FakeModel::start(dir.path(), steps);
        let home = model.codex_home(dir.path());
        let state = dir.path().join("state");
        let server = Server::start_command(codex_server_command(&state, &home));
        let mut client = Client::connect(&server.url("/ws")).await;
        client.welcome().await;
        let mut rig = Rig {
            _dir: dir,
            model,
            server: Some(server),
            client,
            work,
            home,
            state,
            events: Vec::new(),
        };
        let root = rig.work.to_string_lossy().into_owned();
        rig.ok(
            json!({"type": "project.create", "commandId": "c-p", "projectId": "p1",
                      "title": "p1", "workspaceRoot": root, "createdAt": NOW}),
        )
        .await;
        rig.ok(
            json!({"type": "thread.create", "commandId": "c-t", "threadId": "t1",
                      "projectId": "p1", "title": "T", "model": "gpt-5.4",
                      "runtimeMode": runtime_mode, "interactionMode": "default",
                      "branch": null, "worktreePath": null, "createdAt": NOW}),
        )
        .await;
        rig
    }

    async fn ok(&mut self, command: Value) -> u64 {
        let v = self.client.request(dispatch(command)).await;
        v["result"]["sequence"]
            .as_u64()
            .unwrap_or_else(|| panic!("dispatch failed: {v}"))
    }

    /// A turn with `text`; `extra` adds command fields, and its `attachments` go into the
    /// message.
    async fn turn(&mut self, n: u32, text: &str, mut extra: Value) {
        let attachments = extra
            .as_object_mut()
            .and_then(|e| e.remove("attachments"))
            .unwrap_or(json!([]));
        let mut command = json!({"type": "thread.turn.start", "commandId": format!("turn-{n}"),
            "threadId": "t1",
            "message": {"messageId": format!("m{n}"), "role": "user", "text": text,
                        "attachments": attachments},
            "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW});
        if let (Value::Object(c), Value::Object(e)) = (&mut command, extra) {
            c.extend(e);
        }
        self.ok(command).await;
    }

    /// Domain events until one satisfies `want`; returns it.
    async fn until(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "no {what}; events so far: {:#?}",
                self.events
                    .iter()
                    .map(|e| (&e["type"], &e["payload"]))
                    .collect::<Vec<_>>()
            );
            let push = self.client.next_json().await;
            if push["channel"] != "orchestration.domainEvent" {
                continue;
            }
            let event = push["data"].clone();
            if std::env::var_os("T3RS_TEST_TRACE").is_some() {
                eprintln!("event {} {}", event["type"], event["payload"]);
            }
            self.events.push(event.clone());
            if want(&event) {
                return event;
            }
        }
    }

    async fn turn_done(&mut self) -> Value {
        self.until("turn end", |e| e["type"] == "thread.turn-diff-completed")
            .await
    }

    async fn activity(&mut self, kind: &str) -> Value {
        let kind = kind.to_string();
        self.until(&format!("activity {kind}"), |e| {
            e["type"] == "thread.activity-appended" && e["payload"]["activity"]["kind"] == kind
        })
        .await["payload"]["activity"]
            .clone()
    }

    async fn snapshot_thread(&mut self) -> Value {
        let v = self
            .client
            .request(json!({"_tag": "orchestration.getSnapshot"}))
            .await;
        v["result"]["threads"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["id"] == "t1"))
            .cloned()
            .unwrap_or_else(|| panic!("no thread in {v}"))
    }

    fn statuses(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["type"] == "thread.session-set")
            .map(|e| {
                e["payload"]["session"]["status"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    async fn restart(&mut self, args: &[&str]) {
        let server = self.server.take().unwrap();
        assert!(server.stop().success());
        let mut command = codex_server_command(&self.state, &self.home);
        command.args(args);
        let server = Server::start_command(command);
        self.client = Client::connect(&server.url("/ws")).await;
        self.client.welcome().await;
        self.server = Some(server);
    }

    fn codex_pids(&self) -> Vec<u32> {
        let server = self.server.as_ref().unwrap().pid().to_string();
        let out = Command::new("pgrep")
            .args(["-P", &server])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    fn codex_pid(&self) -> u32 {
        *self
            .codex_pids()
            .first()
            .expect("a codex child of the server")
    }

    /// Waits (with a deadline) until the server has no codex process left.
    fn until_no_codex(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.codex_pids().is_empty() {
            assert!(std::time::Instant::now() < deadline, "codex still running");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

#[tokio::test]
async fn a_streamed_turn_arrives_in_order_and_its_checkpoint_has_the_file() {
    let chunks = 40;
    let text: String = (0..chunks).map(|i| format!("w{i} ")).collect();
    let mut rig = Rig::start(
        json!([
            [{"text": "Writing it.", "chunks": 2}, {"shell": "printf 'a\\nb\\n' > note.txt"}],
            {"text": text, "chunks": chunks}
        ]),
        true,
        "full-access",
    )
    .await;
    let index_before = git(&rig.work, &["ls-files", "--stage"]);
    let head_before = git(&rig.work, &["rev-parse", "HEAD"]);
    // A real 1×1 PNG: codex reads the stored file and sends it to the model.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let image = json!({"type": "image", "name": "dot.png", "mimeType": "image/png",
                       "sizeBytes": 70, "dataUrl": format!("data:image/png;base64,{png}")});
    rig.turn(
        1,
        "write a note",
        json!({"assistantDeliveryMode": "streaming", "attachments": [image]}),
    )
    .await;
    let done = rig.turn_done().await;

    let sequences: Vec<u64> = rig
        .events
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    // Streamed text, in order, nothing lost, nothing doubled.
    let mut by_message: std::collections::BTreeMap<String, String> = Default::default();
    for e in &rig.events {
        if e["type"] == "thread.message-sent" && e["payload"]["role"] == "assistant" {
            by_message
                .entry(e["payload"]["messageId"].as_str().unwrap().to_string())
                .or_default()
                .push_str(e["payload"]["text"].as_str().unwrap());
        }
    }
    let texts: Vec<&String> = by_message.values().collect();
    assert!(texts.contains(&&text), "{texts:?}");
    assert!(texts.contains(&&"Writing it.".to_string()), "{texts:?}");
    let statuses = rig.statuses();
    assert_eq!(
        statuses.first().map(String::as_str),
        Some("starting"),
        "{statuses:?}"
    );
    assert!(statuses.contains(&"running".to_string()), "{statuses:?}");
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("ready"),
        "{statuses:?}"
    );
    assert!(rig
        .events
        .iter()
        .any(|e| e["payload"]["activity"]["kind"] == "tool.completed"));

    // The checkpoint: the file with its stats, and the user's index and HEAD untouched.
    assert_eq!(done["payload"]["status"], "ready", "{done}");
    assert_eq!(done["payload"]["checkpointTurnCount"], 1);
    assert_eq!(
        done["payload"]["files"],
        json!([{"path": "note.txt", "kind": "added", "additions": 2, "deletions": 0}])
    );
    assert_eq!(git(&rig.work, &["ls-files", "--stage"]), index_before);
    assert_eq!(git(&rig.work, &["rev-parse", "HEAD"]), head_before);
    let first = rig.model.requests().first().unwrap().to_string();
    assert!(
        first.contains("input_image") && first.contains("iVBORw0KGgo"),
        "{first}"
    );
    let thread = rig.snapshot_thread().await;
    assert_eq!(thread["latestTurn"]["state"], "completed");
    assert_eq!(thread["session"]["status"], "ready");
    let assistant: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .collect();
    assert!(
        assistant.iter().all(|m| m["streaming"] == false),
        "{assistant:?}"
    );

    let diff = rig
        .client
        .request(
            json!({"_tag": "orchestration.getTurnDiff", "threadId": "t1",
                        "fromTurnCount": 0, "toTurnCount": 1}),
        )
        .await;
    let patch = diff["result"]["diff"]
        .as_str()
        .unwrap_or_else(|| panic!("{diff}"));
    assert!(
        patch.contains("+++ b/note.txt") && patch.contains("+a\n+b\n"),
        "{patch}"
    );
    let beyond = rig
        .client
        .request(
            json!({"_tag": "orchestration.getTurnDiff", "threadId": "t1",
                        "fromTurnCount": 0, "toTurnCount": 5}),
        )
        .await;
    assert_eq!(
        beyond["error"]["message"],
        "Turn diff range exceeds current turn count: requested 5, current 1."
    );
    let backwards = rig
        .client
        .request(
            json!({"_tag": "orchestration.getTurnDiff", "threadId": "t1",
                        "fromTurnCount": 1, "toTurnCount": 0}),
        )
        .await;
    let message = backwards["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("fromTurnCount must be less than or equal to toTurnCount"),
        "{message}"
    );
}

#[tokio::test]
async fn approvals_accepted_declined_and_for_file_changes() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("hello.txt");
    let patch = format!(
        "*** Begin Patch\n*** Add File: {}\n+hello\n*** End Patch",
        target.display()
    );
    let mut rig = Rig::start(
        json!([
            {"shell": "echo yes > accepted.txt", "escalate": "needs it"},
            {"text": "ran it"},
            {"shell": "echo no > declined.txt", "escalate": "needs it"},
            {"text": "did not run it"},
            {"patch": patch},
            {"text": "patched"},
            {"shell": "echo x > never.txt", "escalate": "needs it"}
        ]),
        true,
        "approval-required",
    )
    .await;

    rig.turn(1, "run a command", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    assert_eq!(asked["tone"], "approval");
    assert_eq!(asked["summary"], "Command approval requested");
    assert_eq!(asked["payload"]["requestKind"], "command");
    let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
    rig.ok(
        json!({"type": "thread.approval.respond", "commandId": "a1", "threadId": "t1",
                  "requestId": request, "decision": "accept", "createdAt": NOW}),
    )
    .await;
    rig.activity("approval.resolved").await;
    rig.turn_done().await;
    assert_eq!(
        std::fs::read_to_string(rig.work.join("accepted.txt")).unwrap(),
        "yes\n"
    );

    // Answering the same request again is a clear error, and nothing else happens.
    rig.ok(
        json!({"type": "thread.approval.respond", "commandId": "a1-again", "threadId": "t1",
                  "requestId": request, "decision": "accept", "createdAt": NOW}),
    )
    .await;
    let failed = rig.activity("provider.approval.respond.failed").await;
    assert!(
        failed["payload"]["detail"]
            .as_str()
            .unwrap()
            .contains("already answered"),
        "{failed}"
    );

    rig.turn(2, "run another", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
    rig.ok(
        json!({"type": "thread.approval.respond", "commandId": "a2", "threadId": "t1",
                  "requestId": request, "decision": "decline", "createdAt": NOW}),
    )
    .await;
    rig.turn_done().await;
    assert!(!rig.work.join("declined.txt").exists());

    rig.turn(3, "patch outside", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    assert_eq!(asked["summary"], "File-change approval requested");
    let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
    rig.ok(
        json!({"type": "thread.approval.respond", "commandId": "a3", "threadId": "t1",
                  "requestId": request, "decision": "accept", "createdAt": NOW}),
    )
    .await;
    rig.turn_done().await;
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "hello\n");

    // Stopping the session with a question open: the question is void, codex is gone.
    rig.turn(4, "one more", json!({})).await;
    rig.activity("approval.requested").await;
    rig.ok(
        json!({"type": "thread.session.stop", "commandId": "stop", "threadId": "t1",
                  "createdAt": NOW}),
    )
    .await;
    let cancelled = rig.activity("approval.resolved").await;
    assert_eq!(cancelled["payload"]["decision"], "cancel", "{cancelled}");
    rig.turn_done().await;
    assert_eq!(rig.statuses().last().map(String::as_str), Some("stopped"));
    rig.until_no_codex();
    assert!(!rig.work.join("never.txt").exists());
}

#[tokio::test]
async fn plan_mode_question_answered_and_plan_recorded() {
    let mut rig = Rig::start(
        json!([
            {"ask": [{"id": "color", "question": "Which colour?", "options": ["Red", "Blue"]}]},
            {"plan": "<proposed_plan>\n1. Paint it blue\n2. Dry it\n</proposed_plan>", "chunks": 3}
        ]),
        false,
        "full-access",
    )
    .await;
    rig.ok(
        json!({"type": "thread.interaction-mode.set", "commandId": "mode", "threadId": "t1",
                  "interactionMode": "plan", "createdAt": NOW}),
    )
    .await;
    rig.turn(1, "plan the paint job", json!({"interactionMode": "plan"}))
        .await;
    let asked = rig.activity("user-input.requested").await;
    assert_eq!(asked["payload"]["questions"][0]["id"], "color");
    let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
    rig.ok(
        json!({"type": "thread.user-input.respond", "commandId": "u1", "threadId": "t1",
                  "requestId": request, "answers": {"color": "Blue"}, "createdAt": NOW}),
    )
    .await;
    rig.until("proposed plan", |e| {
        e["type"] == "thread.proposed-plan-upserted"
    })
    .await;
    let done = rig.turn_done().await;
    // Not a git repository: the checkpoint is missing, and an activity says why.
    assert_eq!(done["payload"]["status"], "missing");
    assert!(rig
        .events
        .iter()
        .any(|e| e["payload"]["activity"]["kind"] == "checkpoint.unavailable"));
    let thread = rig.snapshot_thread().await;
    let plan = &thread["proposedPlans"][0];
    assert_eq!(plan["planMarkdown"], "1. Paint it blue\n2. Dry it");
    assert_eq!(plan["turnId"], done["payload"]["turnId"]);
    // codex was asked for plan mode and received the answer as given.
    let requests = rig.model.requests();
    let answer_seen = requests.iter().any(|r| r.to_string().contains("Blue"));
    assert!(answer_seen, "the model never saw the answer");
}

#[tokio::test]
async fn interrupt_model_error_and_a_killed_codex_all_recover() {
    let mut rig = Rig::start(
        // A long command keeps a turn busy (the model server's "hang" step still completes
        // the response, so codex would end the turn at once).
        json!([
            {"shell": "sleep 60"},
            {"status": 500, "message": "model melted"},
            {"shell": "sleep 60"},
            {"text": "back again", "chunks": 2}
        ]),
        true,
        "full-access",
    )
    .await;

    // 1. A hanging turn, interrupted.
    rig.turn(1, "hang", json!({})).await;
    rig.activity("tool.started").await;
    rig.ok(
        json!({"type": "thread.turn.interrupt", "commandId": "i1", "threadId": "t1",
                  "createdAt": NOW}),
    )
    .await;
    rig.activity("turn.interrupted").await;
    rig.turn_done().await;
    assert_eq!(rig.statuses().last().map(String::as_str), Some("ready"));

    // 2. The model answers HTTP 500: an error activity and an error session.
    rig.turn(2, "fail", json!({})).await;
    let error = rig.activity("runtime.error").await;
    assert_eq!(error["tone"], "error");
    rig.turn_done().await;
    let thread = rig.snapshot_thread().await;
    assert_eq!(
        thread["session"]["status"], "error",
        "{}",
        thread["session"]
    );
    assert!(thread["session"]["lastError"].as_str().is_some());

    // 3. codex killed mid-turn: a session error naming the signal.
    rig.turn(3, "hang again", json!({})).await;
    rig.activity("tool.started").await;
    let pid = rig.codex_pid();
    assert!(Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap()
        .success());
    let exited = rig.activity("provider.session.exited").await;
    assert!(
        exited["payload"]["detail"]
            .as_str()
            .unwrap()
            .contains("SIGKILL"),
        "{exited}"
    );
    rig.turn_done().await;
    let thread = rig.snapshot_thread().await;
    assert_eq!(thread["session"]["status"], "error");
    assert!(thread["session"]["lastError"]
        .as_str()
        .unwrap()
        .contains("SIGKILL"));

    // 4. The next turn starts a fresh codex and works.
    rig.turn(4, "again", json!({})).await;
    let done = rig.turn_done().await;
    assert_eq!(done["payload"]["status"], "ready");
    let thread = rig.snapshot_thread().await;
    assert_eq!(thread["session"]["status"], "ready");
    let last = thread["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["text"], "back again");
}

#[tokio::test]
async fn a_server_restart_between_turns_resumes_the_same_codex_conversation() {
    let mut rig = Rig::start(
        json!([{"text": "first answer", "chunks": 3}, {"text": "second answer", "chunks": 3}]),
        true,
        "full-access",
    )
    .await;
    rig.turn(1, "remember the word pelican", json!({})).await;
    rig.turn_done().await;
    // Buffered delivery (the default): one piece of text for the whole message.
    let pieces = rig
        .events
        .iter()
        .filter(|e| e["type"] == "thread.message-sent" && e["payload"]["role"] == "assistant")
        .filter(|e| !e["payload"]["text"].as_str().unwrap_or("").is_empty())
        .count();
    assert_eq!(pieces, 1);

    rig.restart(&["--provider-idle-secs", "1"]).await;
    rig.events.clear();
    rig.turn(2, "what was the word?", json!({})).await;
    rig.turn_done().await;
    let resumed_fresh = |rig: &Rig| {
        rig.events
            .iter()
            .any(|e| e["payload"]["activity"]["kind"] == "provider.thread.resume-failed")
    };
    assert!(!resumed_fresh(&rig), "resume fell back");
    // The model's second request carries the first turn: the same conversation, resumed.
    let requests = rig.model.requests();
    let last = requests.last().expect("requests logged").to_string();
    assert!(
        last.contains("pelican") && last.contains("first answer"),
        "{last}"
    );

    // Idle for a second, codex is stopped; the next turn resumes the conversation again.
    rig.until_no_codex();
    rig.turn(3, "and again?", json!({})).await;
    rig.turn_done().await;
    assert!(!resumed_fresh(&rig), "resume after the idle stop fell back");
    let last = rig.model.requests().last().unwrap().to_string();
    assert!(
        last.contains("pelican") && last.contains("what was the word"),
        "{last}"
    );

    // A conversation codex no longer has: the next turn starts a new one, and says so.
    rig.until_no_codex();
    std::fs::remove_dir_all(rig.home.join("sessions")).expect("codex keeps sessions here");
    rig.turn(4, "start over", json!({})).await;
    let fell_back = rig.activity("provider.thread.resume-failed").await;
    let detail = fell_back["payload"]["detail"].as_str().unwrap();
    assert!(detail.contains("could not be resumed"), "{detail}");
    rig.turn_done().await;
    let last = rig.model.requests().last().unwrap().to_string();
    assert!(!last.contains("pelican"), "{last}");
}

#[tokio::test]
async fn three_turns_diff_in_full_and_revert_to_the_first_restores_files() {
    let mut rig = Rig::start(
        json!([
            {"shell": "echo one > one.txt"}, {"text": "1"},
            {"shell": "echo two > two.txt && echo changed > README.md"}, {"text": "2"},
            {"shell": "rm one.txt && echo three > three.txt"}, {"text": "3"}
        ]),
        true,
        "full-access",
    )
    .await;
    for n in 1..=3 {
        rig.turn(n, &format!("turn {n}"), json!({})).await;
        let done = rig.turn_done().await;
        assert_eq!(done["payload"]["checkpointTurnCount"], n, "{done}");
    }
    let full = rig
        .client
        .request(
            json!({"_tag": "orchestration.getFullThreadDiff", "threadId": "t1", "toTurnCount": 3}),
        )
        .await;
    let patch = full["result"]["diff"]
        .as_str()
        .unwrap_or_else(|| panic!("{full}"));
    assert_eq!(full["result"]["fromTurnCount"], 0);
    for needle in ["+++ b/two.txt", "+++ b/three.txt", "+changed", "-hello"] {
        assert!(patch.contains(needle), "{needle} not in {patch}");
    }
    assert!(
        !patch.contains("one.txt"),
        "created and deleted within the range: {patch}"
    );

    let index_before = git(&rig.work, &["ls-files", "--stage"]);
    rig.ok(
        json!({"type": "thread.checkpoint.revert", "commandId": "r1", "threadId": "t1",
                  "turnCount": 1, "createdAt": NOW}),
    )
    .await;
    rig.until("reverted", |e| e["type"] == "thread.reverted")
        .await;
    assert_eq!(
        std::fs::read_to_string(rig.work.join("one.txt")).unwrap(),
        "one\n"
    );
    assert_eq!(
        std::fs::read_to_string(rig.work.join("README.md")).unwrap(),
        "hello\n"
    );
    assert!(!rig.work.join("two.txt").exists());
    assert!(!rig.work.join("three.txt").exists());
    assert_eq!(git(&rig.work, &["ls-files", "--stage"]), index_before);
    let thread = rig.snapshot_thread().await;
    assert_eq!(thread["checkpoints"].as_array().unwrap().len(), 1);
    let users: Vec<&Value> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .collect();
    assert_eq!(users.len(), 1, "{users:?}");
    let refs = git(
        &rig.work,
        &[
            "for-each-ref",
            "--format=%(refname)",
            "refs/t3/checkpoints/",
        ],
    );
    assert_eq!(refs.lines().count(), 2, "{refs}"); // turn 0 and turn 1

    // Reverting beyond the current turn count is refused, visibly.
    rig.ok(
        json!({"type": "thread.checkpoint.revert", "commandId": "r2", "threadId": "t1",
                  "turnCount": 7, "createdAt": NOW}),
    )
    .await;
    let failed = rig.activity("checkpoint.revert.failed").await;
    assert!(
        failed["payload"]["detail"]
            .as_str()
            .unwrap()
            .contains("exceeds"),
        "{failed}"
    );

    // A fourth turn continues from the reverted conversation and counts on from 1.
    rig.turn(4, "turn after revert", json!({})).await;
    let done = rig.turn_done().await;
    assert_eq!(done["payload"]["checkpointTurnCount"], 2);
    // codex's conversation was rolled back too: the model sees turn 1, not turns 2 and 3.
    let asked = rig.model.requests().last().unwrap().to_string();
    assert!(
        asked.contains("\"turn 1\"") && asked.contains("\"turn after revert\""),
        "{asked}"
    );
    assert!(
        !asked.contains("\"turn 2\"") && !asked.contains("\"turn 3\""),
        "{asked}"
    );

    // Deleting the thread removes its checkpoint refs.
    rig.ok(json!({"type": "thread.delete", "commandId": "del", "threadId": "t1"}))
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let refs = git(
            &rig.work,
            &[
                "for-each-ref",
                "--format=%(refname)",
                "refs/t3/checkpoints/",
            ],
        );
        if refs.trim().is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "refs left: {refs}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_stacked_commit_without_a_message_gets_one_from_codex() {
    let mut rig = Rig::start(
        json!([{"text": "Add the greeting file\n\nThe demo prints it on start."}]),
        true,
        "full-access",
    )
    .await;
    std::fs::write(rig.work.join("greeting.txt"), "hi\n").unwrap();
    // The settings name the model commit messages are written with.
    let set = rig
        .client
        .request(json!({"_tag": "server.updateSettings",
            "textGenerationModelSelection": {"provider": "codex", "model": "fake-text-model"}}))
        .await;
    assert!(set["result"].is_object(), "{set}");
    let cwd = rig.work.to_string_lossy().into_owned();
    let v = rig
        .client
        .request(json!({"_tag": "git.runStackedAction", "cwd": cwd, "action": "commit"}))
        .await;
    assert_eq!(
        v["result"]["commit"]["subject"], "Add the greeting file",
        "{v}"
    );
    let logged = git(&rig.work, &["log", "-1", "--format=%s%n%b"]);
    assert_eq!(
        logged.trim(),
        "Add the greeting file\nThe demo prints it on start."
    );
    // codex saw the staged diff, and was asked with the settings' model.
    let asked = rig.model.requests().last().unwrap().clone();
    assert!(asked.to_string().contains("greeting.txt"), "{asked}");
    assert_eq!(asked["body"]["model"], "fake-text-model", "{asked}");
}
