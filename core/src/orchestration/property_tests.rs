//! Replaying accepted events rebuilds the model exactly, including across a snapshot.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::projector::{
    MAX_THREAD_ACTIVITIES, MAX_THREAD_CHECKPOINTS, MAX_THREAD_MESSAGES, MAX_THREAD_PROPOSED_PLANS,
};
use super::test_support::*;
use super::*;

/// One step over small id pools, so commands collide with each other and with invariants.
#[derive(Debug, Clone)]
enum Op {
    CreateProject(u8),
    CreateThread(u8, u8),
    TurnStart(u8, u8),
    Delta(u8, u8, u8),
    Complete(u8, u8),
    /// thread, id, turn, provider sequence, kind (an index into `ACTIVITY_KINDS`).
    Activity(u8, u8, Option<u8>, Option<u8>, u8),
    ThreadMeta(u8, Option<u8>, bool),
    ProjectMeta(u8, u8),
    Session(u8, bool, u8),
    Diff(u8, u8, u8),
    Plan(u8, u8, u8),
    Revert(u8, u8),
    DeleteThread(u8),
    DeleteProject(u8),
    /// Archive (true) or unarchive (false): refused when already so, or on a deleted thread.
    Archive(u8, bool),
}

fn op() -> impl Strategy<Value = Op> {
    // Thread 0 and project 0 exist from the start (see `PRELUDE`); id 2 never does unless
    // created, so some commands hit the invariants.
    let id = || 0u8..3;
    prop_oneof![
        1 => id().prop_map(Op::CreateProject),
        2 => (id(), id()).prop_map(|(t, p)| Op::CreateThread(t, p)),
        4 => (id(), 0u8..6).prop_map(|(t, m)| Op::TurnStart(t, m)),
        6 => (id(), 0u8..4, 0u8..4).prop_map(|(t, m, x)| Op::Delta(t, m, x)),
        3 => (id(), 0u8..4).prop_map(|(t, m)| Op::Complete(t, m)),
        4 => (id(), 0u8..5, proptest::option::of(0u8..4), proptest::option::of(0u8..3), 0u8..8)
            .prop_map(|(t, a, turn, seq, kind)| Op::Activity(t, a, turn, seq, kind)),
        2 => (id(), proptest::option::of(0u8..3), any::<bool>())
            .prop_map(|(t, b, title)| Op::ThreadMeta(t, b, title)),
        1 => (id(), 0u8..3).prop_map(|(p, s)| Op::ProjectMeta(p, s)),
        3 => (id(), any::<bool>(), 0u8..4).prop_map(|(t, r, turn)| Op::Session(t, r, turn)),
        3 => (id(), 0u8..4, 0u8..3).prop_map(|(t, turn, s)| Op::Diff(t, turn, s)),
        2 => (id(), 0u8..3, 0u8..4).prop_map(|(t, p, turn)| Op::Plan(t, p, turn)),
        2 => (id(), 0u8..5).prop_map(|(t, n)| Op::Revert(t, n)),
        1 => id().prop_map(Op::DeleteThread),
        1 => id().prop_map(Op::DeleteProject),
        2 => (id(), any::<bool>()).prop_map(|(t, on)| Op::Archive(t, on)),
    ]
}

/// Ordinary activities and those a row keeps for its open requests and queued messages.
const ACTIVITY_KINDS: [&str; 8] = [
    "tool.started",
    "approval.requested",
    "approval.resolved",
    "user-input.requested",
    "user-input.resolved",
    "turn.queued",
    "turn.dequeued",
    "turn.queue.cleared",
];

fn at(step: usize) -> String {
    format!("2026-01-01T00:{:02}:{:02}.000Z", step / 60 % 60, step % 60)
}

fn turn(n: u8) -> Value {
    json!(format!("turn-{n}"))
}

fn command(op: &Op, step: usize) -> Command {
    let cid = format!("cmd-{step}");
    let now = at(step);
    let thread = |t: &u8| format!("t{t}");
    match op {
        Op::Archive(t, on) => client(json!({"type": if *on { "thread.archive" } else {
            "thread.unarchive" }, "commandId": cid, "threadId": thread(t)})),
        Op::CreateProject(p) => client(json!({"type": "project.create", "commandId": cid,
            "projectId": format!("p{p}"), "title": "P", "workspaceRoot": "/w",
            "createdAt": now})),
        Op::CreateThread(t, p) => client(json!({"type": "thread.create", "commandId": cid,
            "threadId": thread(t), "projectId": format!("p{p}"), "title": "T", "model": "m",
            "runtimeMode": "full-access", "branch": null, "worktreePath": null,
            "createdAt": now})),
        Op::TurnStart(t, m) => client(json!({"type": "thread.turn.start", "commandId": cid,
            "threadId": thread(t), "message": {"messageId": format!("u{m}"), "role": "user",
            "text": "q", "attachments": []}, "runtimeMode": "full-access",
            "interactionMode": "default", "createdAt": now})),
        Op::Delta(t, m, x) => internal(json!({"type": "thread.message.assistant.delta",
            "commandId": cid, "threadId": thread(t), "messageId": format!("a{m}"),
            "delta": format!("d{x} "), "turnId": turn(*m), "createdAt": now})),
        Op::Complete(t, m) => internal(json!({"type": "thread.message.assistant.complete",
            "commandId": cid, "threadId": thread(t), "messageId": format!("a{m}"),
            "turnId": turn(*m), "createdAt": now})),
        Op::Activity(t, a, turn_n, seq, kind) => {
            let kind_name = ACTIVITY_KINDS[usize::from(*kind) % ACTIVITY_KINDS.len()];
            let mut activity = json!({"id": format!("act{a}"), "tone": "tool",
                "kind": kind_name, "summary": "S", "payload": {"n": a, "requestId": "r"},
                "turnId": turn_n.map(turn), "createdAt": now});
            if *kind > 0 {
                activity["payload"]["requestId"] = json!(format!("r{}", a % 2));
                activity["payload"]["messageId"] = json!(format!("u{a}"));
                activity["payload"]["messageIds"] = json!([format!("u{a}")]);
            }
            if let Some(seq) = seq {
                activity["sequence"] = json!(seq);
            }
            internal(json!({"type": "thread.activity.append", "commandId": cid,
                "threadId": thread(t), "activity": activity, "createdAt": now}))
        }
        Op::ThreadMeta(t, branch, title) => {
            let mut value = json!({"type": "thread.meta.update", "commandId": cid,
                "threadId": thread(t)});
            match branch {
                Some(0) => value["branch"] = Value::Null,
                Some(b) => value["branch"] = json!(format!("b{b}")),
                None => {}
            }
            if *title {
                value["title"] = json!(format!("title {step}"));
            }
            client(value)
        }
        Op::ProjectMeta(p, s) => client(json!({"type": "project.meta.update", "commandId": cid,
            "projectId": format!("p{p}"), "defaultModel": format!("model-{s}"),
            "scripts": [{"id": format!("s{s}"), "name": "n", "command": "c", "icon": "build",
                         "runOnWorktreeCreate": s % 2 == 0}]})),
        Op::Session(t, running, turn_n) => internal(json!({"type": "thread.session.set",
            "commandId": cid, "threadId": thread(t), "session": {"threadId": thread(t),
            "status": if *running { "running" } else { "ready" }, "providerName": "codex",
            "activeTurnId": if *running { turn(*turn_n) } else { Value::Null },
            "lastError": null, "updatedAt": now}, "createdAt": now})),
        Op::Diff(t, turn_n, s) => {
            let status = ["ready", "missing", "error"][*s as usize];
            internal(json!({"type": "thread.turn.diff.complete",
            "commandId": cid, "threadId": thread(t), "turnId": turn(*turn_n),
            "completedAt": now, "checkpointRef": format!("ref-{turn_n}"),
            "status": status,
            "files": [{"path": "f", "kind": "modified", "additions": 1, "deletions": 2}],
            "assistantMessageId": format!("a{turn_n}"),
            "checkpointTurnCount": turn_n + 1, "createdAt": now}))
        }
        Op::Plan(t, p, turn_n) => internal(json!({"type": "thread.proposed-plan.upsert",
            "commandId": cid, "threadId": thread(t), "proposedPlan": {"id": format!("plan{p}"),
            "turnId": turn(*turn_n), "planMarkdown": format!("# {step}"), "createdAt": now,
            "updatedAt": now}, "createdAt": now})),
        Op::Revert(t, n) => internal(json!({"type": "thread.revert.complete", "commandId": cid,
            "threadId": thread(t), "turnCount": n, "createdAt": now})),
        Op::DeleteThread(t) => client(json!({"type": "thread.delete", "commandId": cid,
            "threadId": thread(t)})),
        Op::DeleteProject(p) => client(json!({"type": "project.delete", "commandId": cid,
            "projectId": format!("p{p}")})),
    }
}

/// Equality that also sees row order (IndexMap's `==` ignores it).
fn same(a: &FullModel, b: &FullModel) -> bool {
    a == b
        && a.projects.keys().eq(b.projects.keys())
        && a.threads.keys().eq(b.threads.keys())
        && serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

fn same_rows(a: &ReadModel, b: &ReadModel) -> bool {
    a == b && a.projects.keys().eq(b.projects.keys()) && a.threads.keys().eq(b.threads.keys())
}

/// The reference: v0.0.4's projector with every list in memory.
fn reference(events: &[Event]) -> FullModel {
    let mut model = FullModel::default();
    for event in events {
        full_model::projector::project_full(&mut model, event);
    }
    model
}

/// Events through the store-backed projector, meta written per event as a flush would.
fn stored(events: &[Event]) -> (ReadModel, history_kv::MemoryKv) {
    let mut model = ReadModel::default();
    let mut kv = history_kv::MemoryKv::default();
    for event in events {
        project(&mut model, &mut kv, event).expect("memory store");
        tail_replay::write_meta(&model, &mut kv, tail_replay::event_thread(event));
    }
    (model, kv)
}

fn accepted_events(ops: &[Op]) -> (Harness, Vec<Event>) {
    let mut h = Harness::new();
    let mut events = Vec::new();
    let prelude = [
        Op::CreateProject(0),
        Op::CreateThread(0, 0),
        Op::CreateThread(1, 0),
    ];
    for (step, op) in prelude.iter().chain(ops).enumerate() {
        // Commands that break an invariant are simply rejected and leave no trace.
        if let Ok(accepted) = h.run(command(op, step)) {
            events.extend(accepted);
        }
    }
    (h, events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Step by step (the harness), from scratch, and from a snapshot of the rows plus the tail,
    /// the store-backed model is what v0.0.4's projector makes of the same events.
    #[test]
    fn replay_and_snapshot_rebuild_the_same_model(
        ops in proptest::collection::vec(op(), 1..60),
        split in 0.0f64..=1.0,
    ) {
        let (h, events) = accepted_events(&ops);
        let expected = reference(&events);
        prop_assert!(same(&h.full(), &expected), "step by step differs from the reference");
        // Each row's summary of its lists is what the lists themselves say.
        prop_assert!(same_rows(&h.model, &expected.split().0), "a row's list summary is off");

        // Windows and pages read from the store are those of the whole lists.
        for (id, thread) in &expected.threads {
            let lists = thread_lists::ThreadLists {
                messages: thread.messages.clone(),
                proposed_plans: thread.proposed_plans.clone(),
                activities: thread.activities.clone(),
                checkpoints: thread.checkpoints.clone(),
            };
            for limit in [1, 2, 5] {
                let (window, mut cursor) = history::window(&thread.head(), &lists, limit);
                let stored = history_pages::window_from(&h.kv, &h.model.threads[id], limit)
                    .expect("memory store");
                prop_assert_eq!(&stored, &(window, cursor.clone()));
                while let Some(at) = cursor {
                    let page = history::page(&lists, &at, limit);
                    let from_store = history_pages::page_from(&h.kv, id, &at, limit)
                        .expect("memory store");
                    prop_assert_eq!(&from_store, &page);
                    cursor = page.cursor;
                }
            }
        }

        let (replayed, kv) = stored(&events);
        prop_assert!(same_rows(&replayed, &h.model), "replayed rows differ");
        let full = FullModel::assemble(&replayed, &kv).expect("memory store");
        prop_assert!(same(&full, &expected), "replay differs from the reference");

        // A snapshot of the rows at `cut`; the store holds every event's lists.
        let cut = ((events.len() as f64) * split) as usize;
        let (prefix, _) = stored(&events[..cut]);
        let snapshot = serde_json::to_string(&prefix).expect("serialises");
        let mut restored: ReadModel = serde_json::from_str(&snapshot).expect("deserialises");
        prop_assert!(same_rows(&restored, &prefix), "snapshot round trip differs");
        let tail = events[cut..].iter().map(|event| {
            let text = serde_json::to_string(event).expect("serialises");
            Ok::<_, thread_lists::HistoryError>(serde_json::from_str::<Event>(&text).expect("deserialises"))
        });
        tail_replay::replay_tail(&mut restored, &h.kv, tail).expect("memory store");
        prop_assert!(same_rows(&restored, &h.model), "snapshot + tail differs");

        // An older store's full snapshot, taken apart, goes on the same way.
        let (rows, mut moved) = reference(&events[..cut]).split();
        let mut rows = rows;
        for event in &events[cut..] {
            project(&mut rows, &mut moved, event).expect("memory store");
        }
        let full = FullModel::assemble(&rows, &moved).expect("memory store");
        prop_assert!(same(&full, &expected), "split snapshot + tail differs");
    }
}

/// A fixed, varied op sequence (every kind of event, a thread deleted at the end), the same on
/// every run.
fn fixed_ops(count: usize) -> Vec<Op> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |below: u8| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(below)) as u8
    };
    let mut ops: Vec<Op> = (0..count)
        .map(|_| {
            let id = next(3);
            match next(12) {
                0 => Op::CreateProject(id),
                1 => Op::CreateThread(id, next(3)),
                2 => Op::TurnStart(id, next(6)),
                3 => Op::Delta(id, next(4), next(4)),
                4 => Op::Complete(id, next(4)),
                5 => Op::Activity(id, next(5), Some(next(4)), Some(next(3)), 0),
                6 => Op::ThreadMeta(id, Some(next(3)), next(2) == 0),
                7 => Op::ProjectMeta(id, next(3)),
                8 => Op::Session(id, next(2) == 0, next(4)),
                9 => Op::Diff(id, next(4), next(3)),
                10 => Op::Plan(id, next(3), next(4)),
                _ => Op::Revert(id, next(5)),
            }
        })
        .collect();
    ops.extend([Op::DeleteThread(2), Op::DeleteProject(2)]);
    ops
}

/// The snapshot file and `getSnapshot` answer are this encoding: the bytes of a model built
/// from fixed events must not change with the model's in-memory layout (shared rows). The
/// fixture was written by the model before rows were shared (`Arc`); a deliberate change of
/// the wire shape replaces it.
#[test]
fn the_read_model_encoding_is_unchanged() {
    let mut h = Harness::new();
    let prelude = [
        Op::CreateProject(0),
        Op::CreateThread(0, 0),
        Op::CreateThread(1, 0),
    ];
    for (step, op) in prelude.iter().chain(&fixed_ops(300)).enumerate() {
        let _ = h.run(command(op, step));
    }
    let encoded = serde_json::to_string(&h.full()).expect("serialises");
    let expected = include_str!("testdata/read_model.json");
    assert_eq!(encoded, expected.trim_end());
    let back: FullModel = serde_json::from_str(expected).expect("deserialises");
    assert!(same(&back, &h.full()));
    assert_eq!(
        serde_json::to_vec(&back).expect("serialises"),
        expected.trim_end().as_bytes()
    );
}

/// Past every list's cap, the store drops the same oldest items the reference does, and a
/// revert afterwards keeps the same ones.
#[test]
fn caps_and_a_revert_past_them_match_the_reference() {
    let mut h = Harness::new();
    let mut events = Vec::new();
    fn run(h: &mut Harness, events: &mut Vec<Event>, command: Command) {
        events.extend(h.run(command).expect("accepted"));
    }
    let at = |i: usize| {
        format!(
            "2026-01-01T{:02}:{:02}:{:02}.000Z",
            i / 3600,
            i / 60 % 60,
            i % 60
        )
    };
    run(&mut h, &mut events, client(create_project("p1")));
    run(&mut h, &mut events, client(create_thread("t1", "p1")));
    // An approval early on, which the activities' cap later drops.
    run(
        &mut h,
        &mut events,
        internal(json!({"type": "thread.activity.append", "commandId": "req",
        "threadId": "t1", "activity": {"id": "req", "tone": "approval",
        "kind": "approval.requested", "summary": "S", "payload": {"requestId": "r0"},
        "turnId": null, "createdAt": at(0)}, "createdAt": at(0)})),
    );
    for i in 0..(MAX_THREAD_MESSAGES + 5) {
        let role_turn = format!("turn-{}", i % 600);
        run(
            &mut h,
            &mut events,
            internal(json!({"type": "thread.message.assistant.delta",
            "commandId": format!("d{i}"), "threadId": "t1", "messageId": format!("a{i}"),
            "delta": "x", "turnId": role_turn, "createdAt": at(i)})),
        );
    }
    for i in 0..(MAX_THREAD_ACTIVITIES + 5) {
        run(
            &mut h,
            &mut events,
            internal(json!({"type": "thread.activity.append",
            "commandId": format!("act{i}"), "threadId": "t1", "activity": {"id": format!("act{i}"),
            "tone": "tool", "kind": "tool.started", "summary": "S", "payload": {},
            "turnId": format!("turn-{}", i % 600), "createdAt": at(i + 1)},
            "createdAt": at(i + 1)})),
        );
    }
    for i in 0..(MAX_THREAD_PROPOSED_PLANS + 5) {
        run(
            &mut h,
            &mut events,
            internal(json!({"type": "thread.proposed-plan.upsert",
            "commandId": format!("plan{i}"), "threadId": "t1", "proposedPlan": {
            "id": format!("plan{i}"), "turnId": format!("turn-{}", i % 600),
            "planMarkdown": "# p", "createdAt": at(i), "updatedAt": at(i)},
            "createdAt": at(i)})),
        );
    }
    for i in 0..(MAX_THREAD_CHECKPOINTS + 5) {
        run(
            &mut h,
            &mut events,
            internal(json!({"type": "thread.turn.diff.complete",
            "commandId": format!("diff{i}"), "threadId": "t1", "turnId": format!("turn-{i}"),
            "completedAt": at(i), "checkpointRef": format!("ref-{i}"), "status": "ready",
            "files": [], "assistantMessageId": null, "checkpointTurnCount": i + 1,
            "createdAt": at(i)})),
        );
    }
    let expected = reference(&events);
    assert!(same(&h.full(), &expected));
    assert!(same_rows(&h.model, &expected.split().0));
    assert_eq!(h.model.threads["t1"].history.requests.len(), 0);
    run(
        &mut h,
        &mut events,
        internal(json!({"type": "thread.revert.complete", "commandId": "rev",
        "threadId": "t1", "turnCount": 300, "createdAt": at(1)})),
    );
    let expected = reference(&events);
    let thread = h.thread("t1");
    assert!(
        thread.messages.len() < MAX_THREAD_MESSAGES,
        "the revert removed messages"
    );
    assert!(same(&h.full(), &expected));
    assert!(same_rows(&h.model, &expected.split().0));
}
