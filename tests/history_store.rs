//! The threads' lists live in the store (issue 18). A store an earlier t3rs wrote (events only:
//! its lists lived in memory) has its lists moved into the store at start-up, and what a client
//! reads — `getSnapshot`, `subscribeThread` windows, `getThreadHistory` pages — is what v0.0.4's
//! in-memory projector makes of the same events: before the change, after it, and after a
//! restart from a snapshot of the rows.

mod common;

use common::{connected, ok, Server, ServerBuilder};
use serde_json::{json, Value};
use t3rs::orchestration::full_model::projector::project_full;
use t3rs::orchestration::history::{self, HistoryCursor};
use t3rs::orchestration::thread_lists::ThreadLists;
use t3rs::orchestration::{decide, project, Command, DecideContext, Event, FullModel, ReadModel};

const THREADS: usize = 5;

fn at(i: usize) -> String {
    format!(
        "2026-01-01T{:02}:{:02}:{:02}.000Z",
        i / 3600 % 24,
        i / 60 % 60,
        i % 60
    )
}

fn client(v: Value) -> Command {
    Command::Client(serde_json::from_value(v).expect("client command"))
}

fn internal(v: Value) -> Command {
    Command::Internal(serde_json::from_value(v).expect("internal command"))
}

/// Threads of different lengths with every kind of list item: user turns, streamed answers,
/// tool and approval activities (some resolved), plans, checkpoints, and one revert.
fn commands() -> Vec<Command> {
    let mut out = vec![client(json!({"type": "project.create", "commandId": "p",
        "projectId": "p1", "title": "P", "workspaceRoot": "/tmp", "createdAt": at(0)}))];
    let mut step = 1;
    for t in 0..THREADS {
        let thread = format!("t{t}");
        out.push(client(
            json!({"type": "thread.create", "commandId": format!("{thread}-c"),
            "threadId": thread, "projectId": "p1", "title": format!("Thread {t}"),
            "model": "gpt-5.4", "runtimeMode": "full-access", "branch": null,
            "worktreePath": null, "createdAt": at(step)}),
        ));
        for turn in 0..(2 + 3 * t) {
            step += 1;
            let turn_id = format!("{thread}-turn-{turn}");
            out.push(client(json!({"type": "thread.turn.start",
                "commandId": format!("{turn_id}-s"), "threadId": thread,
                "message": {"messageId": format!("{turn_id}-u"), "role": "user",
                    "text": format!("step {turn} of {thread}"), "attachments": []},
                "runtimeMode": "full-access", "interactionMode": "default",
                "createdAt": at(step)})));
            for d in 0..3 {
                out.push(internal(json!({"type": "thread.message.assistant.delta",
                    "commandId": format!("{turn_id}-d{d}"), "threadId": thread,
                    "messageId": format!("{turn_id}-a"), "delta": format!("part {d} "),
                    "turnId": turn_id, "createdAt": at(step)})));
            }
            out.push(internal(
                json!({"type": "thread.message.assistant.complete",
                "commandId": format!("{turn_id}-done"), "threadId": thread,
                "messageId": format!("{turn_id}-a"), "turnId": turn_id, "createdAt": at(step)}),
            ));
            let kind = ["tool.completed", "approval.requested", "approval.resolved"][turn % 3];
            out.push(internal(json!({"type": "thread.activity.append",
                "commandId": format!("{turn_id}-act"), "threadId": thread, "activity": {
                    "id": format!("{turn_id}-act"), "tone": "tool", "kind": kind,
                    "summary": "S", "payload": {"requestId": format!("r{}", turn / 3)},
                    "turnId": turn_id, "createdAt": at(step)}, "createdAt": at(step)})));
            if turn % 2 == 0 {
                out.push(internal(json!({"type": "thread.proposed-plan.upsert",
                    "commandId": format!("{turn_id}-plan"), "threadId": thread,
                    "proposedPlan": {"id": format!("{thread}-plan-{}", turn / 4),
                        "turnId": turn_id, "planMarkdown": format!("# plan {turn}"),
                        "createdAt": at(step), "updatedAt": at(step)}, "createdAt": at(step)})));
            }
            out.push(internal(json!({"type": "thread.turn.diff.complete",
                "commandId": format!("{turn_id}-diff"), "threadId": thread, "turnId": turn_id,
                "completedAt": at(step), "checkpointRef": format!("ref-{turn_id}"),
                "status": "ready", "files": [{"path": "f.rs", "kind": "modified",
                    "additions": turn, "deletions": 1}],
                "assistantMessageId": format!("{turn_id}-a"),
                "checkpointTurnCount": turn + 1, "createdAt": at(step)})));
            // The session ran the turn and is ready again: no turn waits for a session.
            out.push(internal(json!({"type": "thread.session.set",
                "commandId": format!("{turn_id}-ready"), "threadId": thread, "session": {
                    "threadId": thread, "status": "ready", "providerName": "codex",
                    "activeTurnId": null, "lastError": null, "updatedAt": at(step)},
                "createdAt": at(step)})));
        }
    }
    out.push(internal(
        json!({"type": "thread.revert.complete", "commandId": "revert",
        "threadId": "t3", "turnCount": 4, "createdAt": at(step + 1)}),
    ));
    out
}

/// Writes the commands' events as the server did before the lists moved into the store: the
/// event log and receipts only. Returns the events.
fn seed_older_store(state: &std::path::Path) -> Vec<Event> {
    use t3rs::store::event_log::{CommandWrite, EventLog, Receipt};
    let store = t3rs::store::Store::open(state).expect("store");
    let log = EventLog::open(&store).expect("log");
    let mut model = ReadModel::default();
    let mut scratch = t3rs::orchestration::history_kv::MemoryKv::default();
    let (mut sequence, mut counter) = (0u64, 0u64);
    let mut all = Vec::new();
    for command in commands() {
        let mut ids = || {
            counter += 1;
            format!("seed-{counter}")
        };
        let mut ctx = DecideContext {
            now: at(0),
            next_id: &mut ids,
        };
        let mut events = Vec::new();
        for draft in decide(&command, &model, &mut ctx).expect("accepted") {
            sequence += 1;
            let event = draft.into_event(sequence);
            project(&mut model, &mut scratch, &event).expect("memory");
            events.push((sequence, serde_json::to_vec(&event).expect("encode")));
            all.push(event);
        }
        log.write_batch(&[CommandWrite {
            command_id: command.command_id().to_string(),
            receipt: Receipt::Accepted { sequence },
            events,
        }])
        .expect("write");
    }
    log.flush().expect("flush");
    all
}

fn reference(events: &[Event]) -> FullModel {
    let mut model = FullModel::default();
    for event in events {
        project_full(&mut model, event);
    }
    model
}

fn lists_of(thread: &t3rs::orchestration::FullThread) -> ThreadLists {
    ThreadLists {
        messages: thread.messages.clone(),
        proposed_plans: thread.proposed_plans.clone(),
        activities: thread.activities.clone(),
        checkpoints: thread.checkpoints.clone(),
    }
}

fn reversed<T: serde::Serialize>(items: &[T]) -> Value {
    json!(items.iter().rev().collect::<Vec<_>>())
}

/// Every answer a client reads about the threads equals the reference's.
async fn answers_match(server: &Server, expected: &FullModel) {
    let mut client = connected(server).await;
    let snapshot = ok(&mut client, json!({"_tag": "orchestration.getSnapshot"})).await;
    assert_eq!(snapshot, serde_json::to_value(expected).unwrap());
    for (id, thread) in &expected.threads {
        let lists = lists_of(thread);
        for limit in [1usize, 3, 1000] {
            let got = ok(
                &mut client,
                json!({"_tag": "orchestration.subscribeThread", "threadId": id, "limit": limit}),
            )
            .await;
            let (window, cursor) = history::window(&thread.head(), &lists, limit);
            let got = &got["snapshot"];
            assert_eq!(
                got["thread"],
                serde_json::to_value(&window).unwrap(),
                "{id} {limit}"
            );
            assert_eq!(
                got["historyCursor"],
                json!(cursor.as_ref().map(HistoryCursor::encode))
            );
            // Paging back hands out what the reference's pages hold, to the end.
            let mut cursor = cursor;
            let mut pages = 0;
            while let Some(at) = cursor {
                let page = ok(
                    &mut client,
                    json!({"_tag": "orchestration.getThreadHistory", "threadId": id,
                           "before": at.encode(), "limit": 2}),
                )
                .await;
                let want = history::page(&lists, &at, 2);
                assert_eq!(
                    page["messages"],
                    reversed(&want.messages),
                    "{id} page {pages}"
                );
                assert_eq!(page["activities"], reversed(&want.activities));
                assert_eq!(page["proposedPlans"], reversed(&want.proposed_plans));
                assert_eq!(page["checkpoints"], reversed(&want.checkpoints));
                assert_eq!(
                    page["historyCursor"],
                    json!(want.cursor.as_ref().map(HistoryCursor::encode))
                );
                cursor = want.cursor;
                pages += 1;
            }
        }
        ok(
            &mut client,
            json!({"_tag": "orchestration.unsubscribeThread", "threadId": id}),
        )
        .await;
    }
}

#[tokio::test]
async fn an_older_store_reads_the_same_after_its_lists_move_into_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let events = seed_older_store(&state);
    let expected = reference(&events);
    // The generator reaches every list, past one page of each.
    let t4 = &expected.threads["t4"];
    assert!(t4.messages.len() > 20 && t4.checkpoints.len() > 10 && !t4.proposed_plans.is_empty());
    assert!(
        expected.threads["t3"].checkpoints.len() == 4,
        "the revert dropped checkpoints"
    );

    let server = ServerBuilder::new(&state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start();
    answers_match(&server, &expected).await;
    assert!(server.stop().success());

    // A restart starts from the snapshot of the rows the stop wrote, and reads the same.
    let snapshots: Vec<_> = std::fs::read_dir(state.join("snapshots"))
        .unwrap()
        .flatten()
        .collect();
    assert!(!snapshots.is_empty(), "the stop wrote a snapshot");
    let server = ServerBuilder::new(&state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start();
    answers_match(&server, &expected).await;
    assert!(server.stop().success());
}
