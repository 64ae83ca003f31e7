use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::json;

use super::*;
use crate::orchestration::model::*;
use crate::orchestration::thread_lists::ThreadLists;
use crate::orchestration::{FullModel, FullThread};

fn project(id: &str, deleted: bool, scripts: usize) -> Project {
    Project {
        id: id.to_string(),
        title: format!("Project {id} \"quoted\" ü"),
        workspace_root: format!("/work/{id}"),
        default_model: (scripts % 2 == 0).then(|| "gpt-5-codex".to_string()),
        scripts: (0..scripts)
            .map(|s| ProjectScript {
                id: format!("s{s}"),
                name: format!("script {s}"),
                command: "cargo test\n--all".to_string(),
                icon: [ScriptIcon::Play, ScriptIcon::Test, ScriptIcon::Build][s % 3],
                run_on_worktree_create: s % 2 == 1,
            })
            .collect(),
        created_at: "2026-01-01T00:00:00.000Z".to_string(),
        updated_at: "2026-01-01T00:00:01.000Z".to_string(),
        deleted_at: deleted.then(|| "2026-01-02T00:00:00.000Z".to_string()),
    }
}

/// Thread `n` of project `project_id`; `n` picks which optional parts it has, so a run of
/// consecutive `n` covers every combination the wire distinguishes.
fn thread(n: usize, project_id: &str) -> FullThread {
    let id = format!("thread-{n}");
    let turn = |t: usize| format!("turn-{n}-{t}");
    let messages = (0..n % 4)
        .map(|m| Message {
            id: format!("msg-{n}-{m}"),
            role: [
                MessageRole::User,
                MessageRole::Assistant,
                MessageRole::System,
            ][m % 3],
            text: format!("line one\nline \"two\" \u{1F600} \\ {n}/{m}\t\u{0001}"),
            attachments: match (n + m) % 3 {
                0 => None,
                1 => Some(Vec::new()),
                _ => Some(vec![ChatAttachment::Image(ImageAttachment {
                    id: format!("img-{n}-{m}"),
                    name: "screen shot.png".to_string(),
                    mime_type: "image/png".to_string(),
                    size_bytes: 1234 + m as u64,
                })]),
            },
            turn_id: (m % 2 == 1).then(|| turn(m)),
            streaming: m == 2,
            created_at: format!("2026-01-01T00:00:0{m}.000Z"),
            updated_at: format!("2026-01-01T00:00:0{m}.500Z"),
            answered_by: (m == 1).then(|| ModelSelection::codex("gpt-5.4")),
        })
        .collect();
    let proposed_plans = (0..n % 3)
        .map(|p| ProposedPlan {
            id: format!("plan-{n}-{p}"),
            turn_id: (p == 0).then(|| turn(p)),
            plan_markdown: "# Plan\n- step".to_string(),
            created_at: "2026-01-01T00:01:00.000Z".to_string(),
            updated_at: "2026-01-01T00:01:01.000Z".to_string(),
        })
        .collect();
    let activities = (0..n % 5)
        .map(|a| Activity {
            id: format!("act-{n}-{a}"),
            tone: [
                ActivityTone::Info,
                ActivityTone::Tool,
                ActivityTone::Approval,
                ActivityTone::Error,
            ][a % 4],
            kind: "tool.completed".to_string(),
            summary: format!("ran {a}"),
            payload: match a % 3 {
                0 => serde_json::Value::Null,
                1 => json!({"command": ["ls", "-la"], "exit": 0, "ratio": 0.5}),
                _ => json!("text"),
            },
            turn_id: (a % 2 == 0).then(|| turn(a)),
            sequence: (a % 2 == 1).then_some(a as u64 * 7),
            created_at: "2026-01-01T00:02:00.000Z".to_string(),
        })
        .collect();
    let checkpoints = (0..n % 3)
        .map(|c| CheckpointSummary {
            turn_id: turn(c),
            checkpoint_turn_count: c as u64 + 1,
            checkpoint_ref: format!("refs/t3/checkpoints/{id}/turn/{}", c + 1),
            status: [
                CheckpointStatus::Ready,
                CheckpointStatus::Missing,
                CheckpointStatus::Error,
            ][c % 3],
            files: (0..c + 1)
                .map(|f| CheckpointFile {
                    path: format!("src/file{f}.rs"),
                    kind: "modified".to_string(),
                    additions: f as u64,
                    deletions: 2,
                })
                .collect(),
            assistant_message_id: (c == 1).then(|| format!("msg-{n}-1")),
            completed_at: "2026-01-01T00:03:00.000Z".to_string(),
        })
        .collect();
    FullThread {
        id: id.clone(),
        project_id: project_id.to_string(),
        title: format!("Thread {n}"),
        model: "gpt-5-codex".to_string(),
        runtime_mode: if n % 2 == 0 {
            RuntimeMode::FullAccess
        } else {
            RuntimeMode::ApprovalRequired
        },
        interaction_mode: if n % 3 == 0 {
            InteractionMode::Plan
        } else {
            InteractionMode::Default
        },
        branch: (n % 2 == 1).then(|| format!("feature/{n}")),
        worktree_path: (n % 4 == 1).then(|| format!("/work/wt-{n}")),
        latest_turn: (n % 3 != 2).then(|| LatestTurn {
            turn_id: turn(0),
            state: [
                LatestTurnState::Running,
                LatestTurnState::Interrupted,
                LatestTurnState::Completed,
                LatestTurnState::Error,
            ][n % 4],
            requested_at: "2026-01-01T00:00:00.000Z".to_string(),
            started_at: (n % 2 == 0).then(|| "2026-01-01T00:00:01.000Z".to_string()),
            completed_at: None,
            assistant_message_id: (n % 2 == 1).then(|| format!("msg-{n}-1")),
        }),
        created_at: "2026-01-01T00:00:00.000Z".to_string(),
        updated_at: "2026-01-01T00:05:00.000Z".to_string(),
        deleted_at: (n % 5 == 3).then(|| "2026-01-02T00:00:00.000Z".to_string()),
        messages,
        proposed_plans,
        activities,
        checkpoints,
        session: (n % 3 != 1).then(|| Session {
            thread_id: id.clone(),
            status: [
                SessionStatus::Idle,
                SessionStatus::Starting,
                SessionStatus::Running,
                SessionStatus::Ready,
                SessionStatus::Interrupted,
                SessionStatus::Stopped,
                SessionStatus::Error,
            ][n % 7],
            provider_name: (n % 2 == 0).then(|| "codex".to_string()),
            runtime_mode: RuntimeMode::FullAccess,
            active_turn_id: (n % 2 == 1).then(|| turn(0)),
            last_error: (n % 7 == 6).then(|| "boom \"quoted\"".to_string()),
            updated_at: "2026-01-01T00:04:00.000Z".to_string(),
        }),
        model_selection: match n % 3 {
            0 => None,
            1 => Some(ModelSelection::codex("gpt-5")),
            _ => Some(ModelSelection {
                provider: AgentKind::Acp,
                model: "agent-model".to_string(),
                options: Some(
                    json!({"effort": "high", "n": 2})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                ),
                instance_id: Some("my-agent".to_string()),
            }),
        },
        archived_at: (n % 4 == 2).then(|| "2026-01-03T00:00:00.000Z".to_string()),
    }
}

/// Projects p0 (live), p1 (deleted), p2 (live, no scripts), and threads in an order unrelated
/// to theirs: in the first project, in a later one, in the deleted one, and in a project the
/// model does not hold; 40 of them, so every combination of optional parts occurs.
fn generated_model() -> FullModel {
    let mut projects = IndexMap::new();
    for (id, deleted, scripts) in [("p0", false, 3), ("p1", true, 1), ("p2", false, 0)] {
        projects.insert(id.to_string(), Arc::new(project(id, deleted, scripts)));
    }
    let owners = ["p2", "p0", "p1", "gone", "p0"];
    let mut threads = IndexMap::new();
    for n in 0..40 {
        let row = thread(n, owners[n % owners.len()]);
        threads.insert(row.id.clone(), Arc::new(row));
    }
    FullModel {
        snapshot_sequence: 9_876,
        projects,
        threads,
        updated_at: "2026-01-03T00:00:00.000Z".to_string(),
    }
}

fn written(model: &ReadModel, history: &dyn HistorySource) -> String {
    let mut out = Vec::new();
    write_snapshot(model, history, &mut out).expect("writes");
    String::from_utf8(out).expect("UTF-8")
}

/// The rows, with their lists from a source, written out, are the full model's serialization.
/// (The lists here are in no projector's order, so they are served as they are; the property
/// tests and `tests/history_store.rs` cover lists read back from a store.)
#[test]
fn the_stream_is_byte_identical_to_the_models_serialization() {
    let full = generated_model();
    let (rows, _) = full.split();
    assert_eq!(
        written(&rows, &full),
        serde_json::to_string(&full).expect("serializes")
    );
}

#[test]
fn an_empty_model_is_byte_identical_too() {
    let full = FullModel::default();
    let (rows, lists) = full.split();
    assert_eq!(
        written(&rows, &lists),
        serde_json::to_string(&full).expect("serializes")
    );
}

/// The lists come from the history source alone: with a source that has none, the rows are
/// written with empty lists.
#[test]
fn lists_are_read_from_the_history_source_not_the_rows() {
    let full = generated_model();
    let (rows, _) = full.split();
    let mut heads = full.clone();
    for row in heads.threads.values_mut() {
        let row = Arc::make_mut(row);
        row.messages.clear();
        row.proposed_plans.clear();
        row.activities.clear();
        row.checkpoints.clear();
    }
    struct NoHistory;
    impl HistorySource for NoHistory {
        fn lists(&self, _: &str) -> Result<ThreadLists, HistoryError> {
            Ok(ThreadLists::default())
        }
        fn message(&self, _: &str, _: &str) -> Result<Option<Message>, HistoryError> {
            Ok(None)
        }
    }
    assert_eq!(
        written(&rows, &NoHistory),
        serde_json::to_string(&heads).expect("serializes")
    );
}

#[test]
fn a_failed_history_read_names_the_thread() {
    struct Failing;
    impl HistorySource for Failing {
        fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
            if thread_id == "thread-2" {
                Err(HistoryError("tree `messages` is corrupt".to_string()))
            } else {
                Ok(ThreadLists::default())
            }
        }
        fn message(&self, _: &str, _: &str) -> Result<Option<Message>, HistoryError> {
            Ok(None)
        }
    }
    let mut out = Vec::new();
    let (rows, _) = generated_model().split();
    let err = write_snapshot(&rows, &Failing, &mut out).expect_err("fails");
    let text = err.to_string();
    assert!(
        text.contains("thread-2") && text.contains("corrupt"),
        "{text}"
    );
    assert!(matches!(err, SnapshotWriteError::History { .. }));
}

#[test]
fn a_failed_write_is_reported() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "peer gone",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (rows, lists) = generated_model().split();
    let err = write_snapshot(&rows, &lists, &mut Full).expect_err("fails");
    assert!(matches!(err, SnapshotWriteError::Write(_)), "{err}");
    assert!(err.to_string().contains("peer gone"), "{err}");
}
