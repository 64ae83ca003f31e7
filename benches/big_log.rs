//! The orchestration bench's store builder: a log written the way the engine would write it
//! (decide, project, one transaction per batch, a snapshot of the rows every 10k events), with
//! no server running. `benches/orchestration.rs` builds its million events with it, and
//! `examples/seed_store.rs` a state directory for the browser tests and `make bench`.
//!
//! Thread `t{n}` (project `bench`) gets `turns[n]` turns: a user message "Please do step {k} of
//! the plan." and an assistant answer of `deltas` streamed deltas, each, and then a session
//! that is ready (idle after its last turn).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use t3rs::orchestration::commands::{
    AssistantCompleteCommand, AssistantDeltaCommand, ProjectCreateCommand, ThreadCreateCommand,
    ThreadSessionSetCommand, ThreadTurnStartCommand,
};
use t3rs::orchestration::model::{InteractionMode, RuntimeMode, Session, SessionStatus};
use t3rs::orchestration::{
    decide, ClientCommand, Command, DecideContext, InternalCommand, ReadModel,
};
use t3rs::store::event_log::{CommandWrite, EventLog, Receipt};
use t3rs::store::history::BatchLists;
use t3rs::store::Store;

const NOW: &str = "2026-01-01T00:00:00.000Z";

/// Writes the log the way the engine would: decide, project (rows in memory, lists through
/// the batch's overlay), one transaction per batch, a snapshot of the rows every 10k.
pub fn build(
    state: &Path,
    workspace_root: &str,
    turns: &[usize],
    deltas: usize,
) -> (u64, Duration) {
    let started = Instant::now();
    let store = Store::open(state).expect("store");
    let log = EventLog::open(&store).expect("log");
    // A new store: its (empty) lists are built.
    log.history()
        .tree()
        .insert(t3rs::store::history::BUILT_KEY, &b"1"[..])
        .expect("mark");
    let lists = std::cell::RefCell::new(BatchLists::default());
    let mut model = ReadModel::default();
    let mut sequence = 0u64;
    let mut batch: Vec<CommandWrite> = Vec::new();
    let mut since_snapshot = 0u64;
    let mut counter = 0u64;
    let mut apply = |command: Command, model: &mut ReadModel, batch: &mut Vec<CommandWrite>| {
        let mut ids = || {
            counter += 1;
            format!("e{counter}")
        };
        let mut ctx = DecideContext {
            now: NOW.to_string(),
            next_id: &mut ids,
        };
        let drafts = decide(&command, model, &mut ctx).expect("valid command");
        let mut events = Vec::new();
        for draft in drafts {
            sequence += 1;
            let event = draft.into_event(sequence);
            lists
                .borrow_mut()
                .project(model, log.history(), &event)
                .expect("lists");
            events.push((sequence, serde_json::to_vec(&event).expect("encode")));
        }
        batch.push(CommandWrite {
            command_id: command.command_id().to_string(),
            receipt: Receipt::Accepted { sequence },
            events,
        });
    };
    apply(
        Command::Client(ClientCommand::ProjectCreate(ProjectCreateCommand {
            command_id: "bench-p".into(),
            project_id: "bench".into(),
            title: "bench".into(),
            workspace_root: workspace_root.into(),
            default_model: None,
            created_at: NOW.into(),
        })),
        &mut model,
        &mut batch,
    );
    let flush = |model: &ReadModel, batch: &mut Vec<CommandWrite>, since: &mut u64, force: bool| {
        let n: u64 = batch.iter().map(|w| w.events.len() as u64).sum();
        let history = lists
            .borrow_mut()
            .finish(model, log.history(), None)
            .expect("lists");
        log.write_batch_with_history(batch, &history)
            .expect("write");
        batch.clear();
        *since += n;
        if *since >= 10_000 || force {
            log.flush().expect("flush");
            log.save_snapshot(
                model.snapshot_sequence,
                &t3rs::store::snapshot_body::encode_rows(model).expect("snap"),
            )
            .expect("snapshot");
            *since = 0;
        }
    };
    for (t, &turns) in turns.iter().enumerate() {
        let thread = format!("t{t}");
        apply(
            Command::Client(ClientCommand::ThreadCreate(ThreadCreateCommand {
                model_selection: None,
                command_id: format!("{thread}-c"),
                thread_id: thread.clone(),
                project_id: "bench".into(),
                title: thread.clone(),
                model: "gpt-5.4".into(),
                runtime_mode: RuntimeMode::FullAccess,
                interaction_mode: InteractionMode::Default,
                branch: None,
                worktree_path: None,
                created_at: NOW.into(),
            })),
            &mut model,
            &mut batch,
        );
        for turn in 0..turns {
            let start = json!({"type": "thread.turn.start", "commandId": format!("{thread}-{turn}-s"), "threadId": thread,
                "message": {"messageId": format!("{thread}-{turn}-u"), "role": "user", "text": format!("Please do step {turn} of the plan."), "attachments": []},
                "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW});
            let start: ThreadTurnStartCommand = serde_json::from_value(start).expect("turn start");
            apply(
                Command::Client(ClientCommand::ThreadTurnStart(start)),
                &mut model,
                &mut batch,
            );
            let message_id = format!("{thread}-{turn}-a");
            for d in 0..deltas {
                apply(
                    Command::Internal(InternalCommand::ThreadMessageAssistantDelta(
                        AssistantDeltaCommand {
                            command_id: format!("{message_id}-{d}"),
                            thread_id: thread.clone(),
                            message_id: message_id.clone(),
                            delta: "Some streamed words. ".into(),
                            turn_id: None,
                            answered_by: None,
                            created_at: NOW.into(),
                        },
                    )),
                    &mut model,
                    &mut batch,
                );
            }
            apply(
                Command::Internal(InternalCommand::ThreadMessageAssistantComplete(
                    AssistantCompleteCommand {
                        command_id: format!("{message_id}-done"),
                        thread_id: thread.clone(),
                        message_id,
                        turn_id: None,
                        answered_by: None,
                        created_at: NOW.into(),
                    },
                )),
                &mut model,
                &mut batch,
            );
            if batch.len() >= 2_000 {
                flush(&model, &mut batch, &mut since_snapshot, false);
            }
        }
        // The session went idle after the last turn, as a finished conversation leaves the
        // log: without it a server started on this store takes every turn start above as
        // never picked up and works through them.
        apply(
            Command::Internal(InternalCommand::ThreadSessionSet(ThreadSessionSetCommand {
                command_id: format!("{thread}-ready"),
                thread_id: thread.clone(),
                session: Session {
                    thread_id: thread.clone(),
                    status: SessionStatus::Ready,
                    provider_name: Some("codex".into()),
                    runtime_mode: RuntimeMode::FullAccess,
                    active_turn_id: None,
                    last_error: None,
                    updated_at: NOW.into(),
                },
                created_at: NOW.into(),
            })),
            &mut model,
            &mut batch,
        );
    }
    flush(&model, &mut batch, &mut since_snapshot, true);
    let t = Instant::now();
    let json = serde_json::to_string(&model).expect("encode");
    let encode = t.elapsed();
    let t = Instant::now();
    let back: ReadModel = serde_json::from_str(&json).expect("decode");
    let decode = t.elapsed();
    drop(back);
    eprintln!(
        "in-process: rows to JSON {encode:?}, JSON to rows {decode:?} ({} MB)",
        json.len() / 1_000_000
    );
    (model.snapshot_sequence, started.elapsed())
}
