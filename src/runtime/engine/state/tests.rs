//! Start-up on real sled stores: from a snapshot of the rows plus the tail (the lists already
//! in the store), and from a store an earlier build wrote (lists moved in), both equal to what
//! v0.0.4's in-memory projector makes of the same events.

use serde_json::{json, Value};

use super::*;
use crate::orchestration::full_model::projector::project_full;
use crate::orchestration::{decide, Command, DecideContext};
use crate::store::event_log::{CommandWrite, Receipt};
use crate::store::history::{BatchLists, BUILT_KEY};
use crate::store::{reopen_for_test, Store};

fn at(i: usize) -> String {
    format!(
        "2026-01-01T{:02}:{:02}:{:02}.000Z",
        i / 3600 % 24,
        i / 60 % 60,
        i % 60
    )
}

fn internal(v: Value) -> Command {
    Command::Internal(serde_json::from_value(v).expect("internal command"))
}

fn client(v: Value) -> Command {
    Command::Client(serde_json::from_value(v).expect("client command"))
}

/// A fixed, varied run over three threads: every kind of list event, out-of-order activity
/// sequences, approvals opened and resolved, plans rewritten, reverts.
fn commands() -> Vec<Command> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let mut out = vec![client(json!({"type": "project.create", "commandId": "p",
        "projectId": "p1", "title": "P", "workspaceRoot": "/tmp", "createdAt": at(0)}))];
    for t in 0..3 {
        out.push(client(
            json!({"type": "thread.create", "commandId": format!("t{t}"),
            "threadId": format!("t{t}"), "projectId": "p1", "title": "T", "model": "m",
            "runtimeMode": "full-access", "branch": null, "worktreePath": null,
            "createdAt": at(0)}),
        ));
    }
    for i in 1..700 {
        let thread = format!("t{}", next(3));
        let turn = format!("turn-{}", next(6));
        let cid = format!("c{i}");
        out.push(match next(8) {
            0 => internal(
                json!({"type": "thread.message.assistant.delta", "commandId": cid,
                "threadId": thread, "messageId": format!("a{}", next(5)), "delta": "w ",
                "turnId": turn, "createdAt": at(i)}),
            ),
            1 => internal(json!({"type": "thread.message.assistant.complete",
                "commandId": cid, "threadId": thread, "messageId": format!("a{}", next(5)),
                "turnId": turn, "createdAt": at(i)})),
            2 | 3 => {
                let kinds = [
                    "tool.completed",
                    "approval.requested",
                    "approval.resolved",
                    "user-input.requested",
                    "turn.queued",
                    "turn.dequeued",
                ];
                let mut activity = json!({"id": format!("act{}", next(9)), "tone": "tool",
                    "kind": kinds[next(6) as usize], "summary": "S",
                    "payload": {"requestId": format!("r{}", next(3)), "messageId": "u1"},
                    "turnId": if next(4) == 0 { Value::Null } else { json!(turn) },
                    "createdAt": at(i - next(3) as usize)});
                if next(2) == 0 {
                    activity["sequence"] = json!(next(5));
                }
                internal(json!({"type": "thread.activity.append", "commandId": cid,
                    "threadId": thread, "activity": activity, "createdAt": at(i)}))
            }
            4 => internal(
                json!({"type": "thread.proposed-plan.upsert", "commandId": cid,
                "threadId": thread, "proposedPlan": {"id": format!("plan{}", next(3)),
                "turnId": turn, "planMarkdown": "# p", "createdAt": at(i - next(5) as usize),
                "updatedAt": at(i)}, "createdAt": at(i)}),
            ),
            5 | 6 => {
                let count = next(5) + 1;
                internal(
                    json!({"type": "thread.turn.diff.complete", "commandId": cid,
                    "threadId": thread, "turnId": format!("turn-{count}"),
                    "completedAt": at(i), "checkpointRef": format!("ref-{count}"),
                    "status": "ready", "files": [], "assistantMessageId": null,
                    "checkpointTurnCount": count, "createdAt": at(i)}),
                )
            }
            _ if next(4) == 0 => internal(json!({"type": "thread.revert.complete",
                "commandId": cid, "threadId": thread, "turnCount": next(4),
                "createdAt": at(i)})),
            _ => internal(json!({"type": "thread.session.set", "commandId": cid,
                "threadId": thread, "session": {"threadId": thread, "status": "running",
                "providerName": "codex", "activeTurnId": turn, "lastError": null,
                "updatedAt": at(i)}, "createdAt": at(i)})),
        });
    }
    out
}

/// Writes `commands` as the Engine does (rows in memory, lists through the batch, one
/// transaction each), snapshotting the rows after command `snapshot_after`; or, with
/// `older`, as an earlier build did: events only, a full-model snapshot.
fn write(log: &EventLog, snapshot_after: usize, older: bool) -> Vec<Event> {
    let mut model = ReadModel::default();
    let mut full = FullModel::default();
    let mut lists = BatchLists::default();
    let (mut sequence, mut ids) = (0u64, 0u64);
    let mut all = Vec::new();
    for (n, command) in commands().into_iter().enumerate() {
        let mut next_id = || {
            ids += 1;
            format!("e{ids}")
        };
        let mut ctx = DecideContext {
            now: at(0),
            next_id: &mut next_id,
        };
        let Ok(drafts) = decide(&command, &model, &mut ctx) else {
            continue;
        };
        let mut events = Vec::new();
        for draft in drafts {
            sequence += 1;
            let event = draft.into_event(sequence);
            lists.project(&mut model, log.history(), &event).unwrap();
            project_full(&mut full, &event);
            events.push((sequence, serde_json::to_vec(&event).unwrap()));
            all.push(event);
        }
        let writes = [CommandWrite {
            command_id: command.command_id().to_string(),
            receipt: Receipt::Accepted { sequence },
            events,
        }];
        let history = lists.finish(&model, log.history(), None).unwrap();
        if older {
            log.write_batch(&writes).unwrap();
        } else {
            log.write_batch_with_history(&writes, &history).unwrap();
        }
        if n == snapshot_after {
            let body = if older {
                serde_json::to_vec(&full).unwrap()
            } else {
                crate::store::snapshot_body::encode_rows(&model).unwrap()
            };
            log.save_snapshot(model.snapshot_sequence, &body).unwrap();
        }
    }
    log.flush().unwrap();
    all
}

fn reference(events: &[Event]) -> FullModel {
    let mut model = FullModel::default();
    for event in events {
        project_full(&mut model, event);
    }
    model
}

/// Starts on `dir`'s store and checks the rows and lists against the reference.
fn starts_as_the_reference(dir: &std::path::Path, events: &[Event]) -> EventLog {
    let log = EventLog::open(&reopen_for_test(dir)).unwrap();
    let state = load_state(&log).unwrap();
    let expected = reference(events);
    assert_eq!(state.last_sequence, events.len() as u64);
    let full = FullModel::assemble(&state.model, log.history()).unwrap();
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        serde_json::to_value(&expected).unwrap()
    );
    // Each row's summary is what its lists say.
    assert_eq!(state.model, expected.split().0);
    log
}

#[test]
fn start_up_from_a_snapshot_of_the_rows_projects_the_tail_onto_them() {
    for snapshot_after in [0, 150, 400, 699] {
        let dir = tempfile::tempdir().unwrap();
        let events = {
            let log = EventLog::open(&Store::open(dir.path()).unwrap()).unwrap();
            log.history().tree().insert(BUILT_KEY, &b"1"[..]).unwrap();
            write(&log, snapshot_after, false)
        };
        assert!(events.len() > 600, "{}", events.len());
        starts_as_the_reference(dir.path(), &events);
    }
}

#[test]
fn an_older_store_has_its_lists_moved_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let events = {
        let log = EventLog::open(&Store::open(dir.path()).unwrap()).unwrap();
        write(&log, 300, true)
    };
    let log = starts_as_the_reference(dir.path(), &events);
    assert!(log.history().is_built().unwrap());
    // It left a snapshot of the rows at the log's end: the next start replays nothing.
    let newest = log.snapshots_newest_first().next().unwrap().unwrap();
    assert_eq!(newest.0, events.len() as u64);
    assert!(matches!(
        crate::store::snapshot_body::decode(&newest.1),
        Ok(crate::store::snapshot_body::SnapshotBody::Rows(_))
    ));
    drop(log);
    starts_as_the_reference(dir.path(), &events);
}
