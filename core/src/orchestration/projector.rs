//! Event → read model. Total: an event about a missing row changes only the model's sequence
//! and time, never fails, so replaying any log prefix always works.

use std::cmp::Ordering;

use super::events::{Event, EventBody, ThreadMessageSentPayload, ThreadTurnDiffCompletedPayload};
use super::model::*;

/// Caps the reference applies so one chatty thread cannot grow the snapshot without bound.
pub const MAX_THREAD_MESSAGES: usize = 2_000;
pub const MAX_THREAD_CHECKPOINTS: usize = 500;
pub const MAX_THREAD_PROPOSED_PLANS: usize = 200;
pub const MAX_THREAD_ACTIVITIES: usize = 500;

pub fn project(model: &mut ReadModel, event: &Event) {
    model.snapshot_sequence = event.sequence;
    model.updated_at.clone_from(&event.occurred_at);
    let at = &event.occurred_at;
    match &event.body {
        EventBody::ProjectCreated(p) => {
            let project = Project {
                id: p.project_id.clone(),
                title: p.title.clone(),
                workspace_root: p.workspace_root.clone(),
                default_model: p.default_model.clone(),
                scripts: p.scripts.clone(),
                created_at: p.created_at.clone(),
                updated_at: p.updated_at.clone(),
                deleted_at: None,
            };
            // Re-creating keeps the row's position, as the reference's in-place replace does.
            model.projects.insert(p.project_id.clone(), project);
        }
        EventBody::ProjectMetaUpdated(p) => {
            if let Some(project) = model.projects.get_mut(&p.project_id) {
                if let Some(title) = &p.title {
                    project.title.clone_from(title);
                }
                if let Some(root) = &p.workspace_root {
                    project.workspace_root.clone_from(root);
                }
                if let Some(default_model) = &p.default_model {
                    project.default_model.clone_from(default_model);
                }
                if let Some(scripts) = &p.scripts {
                    project.scripts.clone_from(scripts);
                }
                project.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ProjectDeleted(p) => {
            if let Some(project) = model.projects.get_mut(&p.project_id) {
                project.deleted_at = Some(p.deleted_at.clone());
                project.updated_at.clone_from(&p.deleted_at);
            }
        }
        EventBody::ThreadCreated(p) => {
            let thread = Thread {
                id: p.thread_id.clone(),
                project_id: p.project_id.clone(),
                title: p.title.clone(),
                model: p.model.clone(),
                runtime_mode: p.runtime_mode,
                interaction_mode: p.interaction_mode,
                branch: p.branch.clone(),
                worktree_path: p.worktree_path.clone(),
                latest_turn: None,
                created_at: p.created_at.clone(),
                updated_at: p.updated_at.clone(),
                deleted_at: None,
                messages: Vec::new(),
                proposed_plans: Vec::new(),
                activities: Vec::new(),
                checkpoints: Vec::new(),
                session: None,
            };
            model.threads.insert(p.thread_id.clone(), thread);
        }
        EventBody::ThreadDeleted(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                thread.deleted_at = Some(p.deleted_at.clone());
                thread.updated_at.clone_from(&p.deleted_at);
            }
        }
        EventBody::ThreadMetaUpdated(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                if let Some(title) = &p.title {
                    thread.title.clone_from(title);
                }
                if let Some(value) = &p.model {
                    thread.model.clone_from(value);
                }
                if let Some(branch) = &p.branch {
                    thread.branch.clone_from(branch);
                }
                if let Some(path) = &p.worktree_path {
                    thread.worktree_path.clone_from(path);
                }
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadRuntimeModeSet(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                thread.runtime_mode = p.runtime_mode;
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadInteractionModeSet(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                thread.interaction_mode = p.interaction_mode;
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadMessageSent(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                apply_message(thread, p);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadSessionSet(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                let session = &p.session;
                if let (SessionStatus::Running, Some(turn_id)) =
                    (session.status, &session.active_turn_id)
                {
                    let previous = thread
                        .latest_turn
                        .take()
                        .filter(|turn| &turn.turn_id == turn_id);
                    thread.latest_turn = Some(match previous {
                        Some(turn) => LatestTurn {
                            state: LatestTurnState::Running,
                            started_at: turn
                                .started_at
                                .or_else(|| Some(session.updated_at.clone())),
                            completed_at: None,
                            ..turn
                        },
                        None => LatestTurn {
                            turn_id: turn_id.clone(),
                            state: LatestTurnState::Running,
                            requested_at: session.updated_at.clone(),
                            started_at: Some(session.updated_at.clone()),
                            completed_at: None,
                            assistant_message_id: None,
                        },
                    });
                }
                thread.session = Some(session.clone());
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadProposedPlanUpserted(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                let plan = &p.proposed_plan;
                thread.proposed_plans.retain(|entry| entry.id != plan.id);
                thread.proposed_plans.push(plan.clone());
                thread.proposed_plans.sort_by(|a, b| {
                    a.created_at
                        .cmp(&b.created_at)
                        .then_with(|| a.id.cmp(&b.id))
                });
                keep_last(&mut thread.proposed_plans, MAX_THREAD_PROPOSED_PLANS);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadTurnDiffCompleted(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                apply_turn_diff(thread, p);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadReverted(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                apply_revert(thread, p.turn_count);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadActivityAppended(p) => {
            if let Some(thread) = model.threads.get_mut(&p.thread_id) {
                let activity = &p.activity;
                thread.activities.retain(|entry| entry.id != activity.id);
                thread.activities.push(activity.clone());
                // Stable, so of two equal activities the newer stays last, as in the reference.
                thread.activities.sort_by(compare_activities);
                keep_last(&mut thread.activities, MAX_THREAD_ACTIVITIES);
                thread.updated_at.clone_from(at);
            }
        }
        // Requests for the provider side; they change nothing visible.
        EventBody::ThreadTurnStartRequested(_)
        | EventBody::ThreadTurnInterruptRequested(_)
        | EventBody::ThreadApprovalResponseRequested(_)
        | EventBody::ThreadUserInputResponseRequested(_)
        | EventBody::ThreadCheckpointRevertRequested(_)
        | EventBody::ThreadSessionStopRequested(_) => {}
    }
}

fn keep_last<T>(items: &mut Vec<T>, max: usize) {
    if items.len() > max {
        let excess = items.len() - max;
        items.drain(..excess);
    }
}

fn apply_message(thread: &mut Thread, p: &ThreadMessageSentPayload) {
    // Deltas land on the newest message; scanning from the end finds it at once.
    match thread
        .messages
        .iter_mut()
        .rev()
        .find(|m| m.id == p.message_id)
    {
        Some(existing) => {
            if p.streaming {
                existing.text.push_str(&p.text);
            } else if !p.text.is_empty() {
                existing.text.clone_from(&p.text);
            }
            existing.streaming = p.streaming;
            existing.updated_at.clone_from(&p.updated_at);
            existing.turn_id.clone_from(&p.turn_id);
            if let Some(attachments) = &p.attachments {
                existing.attachments = Some(attachments.clone());
            }
        }
        None => {
            thread.messages.push(Message {
                id: p.message_id.clone(),
                role: p.role,
                text: p.text.clone(),
                attachments: p.attachments.clone(),
                turn_id: p.turn_id.clone(),
                streaming: p.streaming,
                created_at: p.created_at.clone(),
                updated_at: p.updated_at.clone(),
            });
        }
    }
    keep_last(&mut thread.messages, MAX_THREAD_MESSAGES);
}

fn checkpoint_state(status: CheckpointStatus) -> LatestTurnState {
    match status {
        CheckpointStatus::Error => LatestTurnState::Error,
        CheckpointStatus::Missing => LatestTurnState::Interrupted,
        CheckpointStatus::Ready => LatestTurnState::Completed,
    }
}

fn apply_turn_diff(thread: &mut Thread, p: &ThreadTurnDiffCompletedPayload) {
    thread
        .checkpoints
        .retain(|entry| entry.turn_id != p.turn_id);
    thread.checkpoints.push(CheckpointSummary {
        turn_id: p.turn_id.clone(),
        checkpoint_turn_count: p.checkpoint_turn_count,
        checkpoint_ref: p.checkpoint_ref.clone(),
        status: p.status,
        files: p.files.clone(),
        assistant_message_id: p.assistant_message_id.clone(),
        completed_at: p.completed_at.clone(),
    });
    thread
        .checkpoints
        .sort_by_key(|entry| entry.checkpoint_turn_count);
    keep_last(&mut thread.checkpoints, MAX_THREAD_CHECKPOINTS);

    let previous = thread
        .latest_turn
        .take()
        .filter(|turn| turn.turn_id == p.turn_id);
    let (requested_at, started_at) = match previous {
        Some(turn) => (
            turn.requested_at,
            turn.started_at.unwrap_or_else(|| p.completed_at.clone()),
        ),
        None => (p.completed_at.clone(), p.completed_at.clone()),
    };
    thread.latest_turn = Some(LatestTurn {
        turn_id: p.turn_id.clone(),
        state: checkpoint_state(p.status),
        requested_at,
        started_at: Some(started_at),
        completed_at: Some(p.completed_at.clone()),
        assistant_message_id: p.assistant_message_id.clone(),
    });
}

fn apply_revert(thread: &mut Thread, turn_count: u64) {
    thread
        .checkpoints
        .retain(|entry| entry.checkpoint_turn_count <= turn_count);
    thread
        .checkpoints
        .sort_by_key(|entry| entry.checkpoint_turn_count);
    keep_last(&mut thread.checkpoints, MAX_THREAD_CHECKPOINTS);
    let retained_turns: std::collections::HashSet<&str> = thread
        .checkpoints
        .iter()
        .map(|entry| entry.turn_id.as_str())
        .collect();
    let keeps_turn = |turn_id: &Option<String>| match turn_id {
        None => true,
        Some(id) => retained_turns.contains(id.as_str()),
    };

    let keep = retained_messages(&thread.messages, &retained_turns, turn_count);
    let mut index = 0;
    thread.messages.retain(|_| {
        let kept = keep[index];
        index += 1;
        kept
    });
    keep_last(&mut thread.messages, MAX_THREAD_MESSAGES);
    thread
        .proposed_plans
        .retain(|plan| keeps_turn(&plan.turn_id));
    keep_last(&mut thread.proposed_plans, MAX_THREAD_PROPOSED_PLANS);
    thread
        .activities
        .retain(|activity| keeps_turn(&activity.turn_id));

    thread.latest_turn = thread.checkpoints.last().map(|checkpoint| LatestTurn {
        turn_id: checkpoint.turn_id.clone(),
        state: checkpoint_state(checkpoint.status),
        requested_at: checkpoint.completed_at.clone(),
        started_at: Some(checkpoint.completed_at.clone()),
        completed_at: Some(checkpoint.completed_at.clone()),
        assistant_message_id: checkpoint.assistant_message_id.clone(),
    });
}

/// Which messages survive a revert to `turn_count`: system messages, messages of kept turns,
/// and, while fewer than `turn_count` user (assistant) messages are kept, the oldest turn-less
/// ones of that role — messages sent before their turn id was known.
fn retained_messages(
    messages: &[Message],
    retained_turns: &std::collections::HashSet<&str>,
    turn_count: u64,
) -> Vec<bool> {
    let mut keep: Vec<bool> = messages
        .iter()
        .map(|message| {
            message.role == MessageRole::System
                || message
                    .turn_id
                    .as_deref()
                    .is_some_and(|turn| retained_turns.contains(turn))
        })
        .collect();
    for role in [MessageRole::User, MessageRole::Assistant] {
        let kept = messages
            .iter()
            .zip(&keep)
            .filter(|(message, kept)| message.role == role && **kept)
            .count() as u64;
        let missing = turn_count.saturating_sub(kept);
        if missing == 0 {
            continue;
        }
        let mut candidates: Vec<usize> = (0..messages.len())
            .filter(|&i| {
                let message = &messages[i];
                message.role == role
                    && !keep[i]
                    && match message.turn_id.as_deref() {
                        None => true,
                        Some(turn) => retained_turns.contains(turn),
                    }
            })
            .collect();
        candidates.sort_by(|&a, &b| {
            let (a, b) = (&messages[a], &messages[b]);
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        for i in candidates
            .into_iter()
            .take(usize::try_from(missing).unwrap_or(usize::MAX))
        {
            keep[i] = true;
        }
    }
    keep
}

fn compare_activities(left: &Activity, right: &Activity) -> Ordering {
    match (left.sequence, right.sequence) {
        (Some(a), Some(b)) if a != b => return a.cmp(&b),
        (Some(_), None) => return Ordering::Greater,
        (None, Some(_)) => return Ordering::Less,
        _ => {}
    }
    left.created_at
        .cmp(&right.created_at)
        .then_with(|| left.id.cmp(&right.id))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::orchestration::test_support::*;
    use crate::orchestration::Command;

    fn delta(message: &str, text: &str, turn: Option<&str>) -> Command {
        internal(json!({"type": "thread.message.assistant.delta",
            "commandId": format!("d-{message}-{text}"), "threadId": "t1", "messageId": message,
            "delta": text, "turnId": turn, "createdAt": T0}))
    }

    fn complete(message: &str) -> Command {
        internal(json!({"type": "thread.message.assistant.complete",
            "commandId": format!("c-{message}"), "threadId": "t1", "messageId": message,
            "createdAt": T0}))
    }

    fn diff(turn: &str, count: u64, status: &str) -> Command {
        internal(
            json!({"type": "thread.turn.diff.complete", "commandId": format!("x-{turn}"),
            "threadId": "t1", "turnId": turn, "completedAt": format!("2026-01-0{count}T00:00:00Z"),
            "checkpointRef": format!("ref-{count}"), "status": status, "files": [],
            "assistantMessageId": format!("a-{turn}"), "checkpointTurnCount": count,
            "createdAt": T0}),
        )
    }

    fn activity(id: &str, turn: Option<&str>, sequence: Option<u64>, at: &str) -> Command {
        let mut activity = json!({"id": id, "tone": "info", "kind": "task.progress",
            "summary": "Working", "payload": {}, "turnId": turn, "createdAt": at});
        if let Some(sequence) = sequence {
            activity["sequence"] = json!(sequence);
        }
        internal(
            json!({"type": "thread.activity.append", "commandId": format!("act-{id}"),
            "threadId": "t1", "activity": activity, "createdAt": T0}),
        )
    }

    fn session(status: &str, turn: Option<&str>, at: &str) -> Command {
        internal(
            json!({"type": "thread.session.set", "commandId": format!("s-{status}-{at}"),
            "threadId": "t1", "session": {"threadId": "t1", "status": status,
            "providerName": "codex", "runtimeMode": "full-access", "activeTurnId": turn,
            "lastError": null, "updatedAt": at}, "createdAt": at}),
        )
    }

    #[test]
    fn deltas_append_and_completion_keeps_text() {
        let mut h = Harness::with_thread();
        h.ok(delta("a1", "Hel", Some("turn-1")));
        h.ok(delta("a1", "lo", Some("turn-1")));
        let message = &h.thread("t1").messages[0];
        assert_eq!((message.text.as_str(), message.streaming), ("Hello", true));
        h.ok(complete("a1"));
        let message = &h.thread("t1").messages[0];
        assert_eq!((message.text.as_str(), message.streaming), ("Hello", false));
        // Completion without a turn id clears it, as the reference's overwrite does.
        assert_eq!(message.turn_id, None);
        assert_eq!(h.thread("t1").messages.len(), 1);
    }

    #[test]
    fn non_empty_final_text_replaces() {
        let mut h = Harness::with_thread();
        h.ok(delta("a1", "draft", None));
        let mut event = h.ok(complete("a1")).remove(0);
        if let EventBody::ThreadMessageSent(payload) = &mut event.body {
            payload.text = "final".into();
        }
        event.sequence += 1;
        project(&mut h.model, &event);
        assert_eq!(h.thread("t1").messages[0].text, "final");
    }

    #[test]
    fn model_tracks_sequence_and_time_even_for_unknown_rows() {
        let mut h = Harness::with_thread();
        let mut event = h.ok(delta("a1", "x", None)).remove(0);
        event.sequence = 99;
        event.occurred_at = "2030-01-01T00:00:00Z".into();
        if let EventBody::ThreadMessageSent(payload) = &mut event.body {
            payload.thread_id = "ghost".into();
        }
        let before = h.thread("t1").clone();
        project(&mut h.model, &event);
        assert_eq!(h.model.snapshot_sequence, 99);
        assert_eq!(h.model.updated_at, "2030-01-01T00:00:00Z");
        assert_eq!(h.thread("t1"), &before);
        assert!(!h.model.threads.contains_key("ghost"));
    }

    #[test]
    fn deleted_rows_keep_their_place_with_deleted_at() {
        let mut h = Harness::with_thread();
        h.ok(client(
            json!({"type": "thread.delete", "commandId": "d", "threadId": "t1"}),
        ));
        h.ok(client(
            json!({"type": "project.delete", "commandId": "e", "projectId": "p1"}),
        ));
        assert_eq!(h.thread("t1").deleted_at.as_deref(), Some(NOW));
        assert_eq!(h.thread("t1").updated_at, NOW);
        assert_eq!(h.model.projects["p1"].deleted_at.as_deref(), Some(NOW));
        assert_eq!(h.model.threads.len(), 1);
    }

    #[test]
    fn meta_updates_patch_only_given_fields() {
        let mut h = Harness::with_thread();
        h.ok(client(
            json!({"type": "thread.meta.update", "commandId": "a", "threadId": "t1",
            "branch": "feature"}),
        ));
        h.ok(client(
            json!({"type": "thread.meta.update", "commandId": "b", "threadId": "t1",
            "title": "New"}),
        ));
        assert_eq!(h.thread("t1").branch.as_deref(), Some("feature"));
        h.ok(client(
            json!({"type": "thread.meta.update", "commandId": "c", "threadId": "t1",
            "branch": null}),
        ));
        let thread = h.thread("t1");
        assert_eq!(
            (thread.title.as_str(), thread.branch.as_deref()),
            ("New", None)
        );
        h.ok(client(
            json!({"type": "project.meta.update", "commandId": "d", "projectId": "p1",
            "scripts": [{"id": "s1", "name": "Test", "command": "cargo test", "icon": "test",
                         "runOnWorktreeCreate": false}]}),
        ));
        assert_eq!(h.model.projects["p1"].scripts[0].icon, ScriptIcon::Test);
        assert_eq!(h.model.projects["p1"].title, "Project");
    }

    #[test]
    fn session_running_opens_latest_turn_and_diff_completes_it() {
        let mut h = Harness::with_thread();
        h.ok(session("running", Some("turn-1"), "2026-01-01T00:00:01Z"));
        let turn = h.thread("t1").latest_turn.clone().expect("turn");
        assert_eq!(turn.state, LatestTurnState::Running);
        assert_eq!(turn.requested_at, "2026-01-01T00:00:01Z");
        h.ok(session("running", Some("turn-1"), "2026-01-01T00:00:05Z"));
        let turn = h.thread("t1").latest_turn.clone().expect("turn");
        assert_eq!(turn.started_at.as_deref(), Some("2026-01-01T00:00:01Z"));
        h.ok(session("ready", None, "2026-01-01T00:00:09Z"));
        assert_eq!(
            h.thread("t1").session.as_ref().map(|s| s.status),
            Some(SessionStatus::Ready)
        );
        assert_eq!(
            h.thread("t1").latest_turn.as_ref().map(|t| t.state),
            Some(LatestTurnState::Running)
        );
        h.ok(diff("turn-1", 1, "ready"));
        let turn = h.thread("t1").latest_turn.clone().expect("turn");
        assert_eq!(turn.state, LatestTurnState::Completed);
        assert_eq!(turn.requested_at, "2026-01-01T00:00:01Z");
        assert_eq!(turn.completed_at.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(turn.assistant_message_id.as_deref(), Some("a-turn-1"));
        h.ok(diff("turn-2", 2, "missing"));
        let turn = h.thread("t1").latest_turn.clone().expect("turn");
        assert_eq!(turn.state, LatestTurnState::Interrupted);
        assert_eq!(turn.requested_at, "2026-01-02T00:00:00Z");
        h.ok(diff("turn-1", 1, "error"));
        let counts: Vec<u64> = h
            .thread("t1")
            .checkpoints
            .iter()
            .map(|c| c.checkpoint_turn_count)
            .collect();
        assert_eq!(counts, [1, 2]);
        assert_eq!(
            h.thread("t1").checkpoints[0].status,
            CheckpointStatus::Error
        );
    }

    #[test]
    fn activities_sort_by_sequence_then_time_then_id() {
        let mut h = Harness::with_thread();
        h.ok(activity("b", None, None, "2026-01-01T00:00:02Z"));
        h.ok(activity("a", None, None, "2026-01-01T00:00:02Z"));
        h.ok(activity("z", None, Some(1), "2026-01-01T00:00:00Z"));
        h.ok(activity("y", None, Some(0), "2026-01-01T00:00:09Z"));
        h.ok(activity("c", None, None, "2026-01-01T00:00:01Z"));
        let ids: Vec<&str> = h
            .thread("t1")
            .activities
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["c", "a", "b", "y", "z"]);
        h.ok(activity("c", None, Some(5), "2026-01-01T00:00:01Z"));
        assert_eq!(h.thread("t1").activities.len(), 5);
        assert_eq!(
            h.thread("t1").activities.last().map(|a| a.id.as_str()),
            Some("c")
        );
    }

    #[test]
    fn proposed_plans_upsert_by_id() {
        let mut h = Harness::with_thread();
        let plan = |markdown: &str| {
            internal(json!({"type": "thread.proposed-plan.upsert",
                "commandId": format!("p-{markdown}"), "threadId": "t1",
                "proposedPlan": {"id": "plan-1", "turnId": "turn-1", "planMarkdown": markdown,
                "createdAt": T0, "updatedAt": T0}, "createdAt": T0}))
        };
        h.ok(plan("one"));
        h.ok(plan("two"));
        let plans = &h.thread("t1").proposed_plans;
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].plan_markdown, "two");
    }

    #[test]
    fn revert_drops_later_turns() {
        let mut h = Harness::with_thread();
        for n in 1..=3u64 {
            let turn = format!("turn-{n}");
            h.ok(client(turn_start("t1", &format!("u{n}"), "ask")));
            h.ok(delta(&format!("a{n}"), "answer", Some(&turn)));
            h.ok(complete(&format!("a{n}")));
            h.ok(activity(&format!("act{n}"), Some(&turn), None, T0));
            h.ok(diff(&turn, n, "ready"));
        }
        h.ok(activity("global", None, None, T0));
        assert_eq!(h.thread("t1").messages.len(), 6);
        h.ok(internal(
            json!({"type": "thread.revert.complete", "commandId": "r",
            "threadId": "t1", "turnCount": 1, "createdAt": T0}),
        ));
        let thread = h.thread("t1");
        let messages: Vec<&str> = thread.messages.iter().map(|m| m.id.as_str()).collect();
        // User messages carry no turn id; the oldest one stands in for the kept turn. The
        // assistant message lost its turn id on completion, so the oldest one is kept likewise.
        assert_eq!(messages, ["u1", "a1"]);
        let activities: Vec<&str> = thread.activities.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(activities, ["act1", "global"]);
        assert_eq!(thread.checkpoints.len(), 1);
        let turn = thread.latest_turn.as_ref().expect("turn");
        assert_eq!(turn.turn_id, "turn-1");
        assert_eq!(turn.state, LatestTurnState::Completed);

        h.ok(internal(
            json!({"type": "thread.revert.complete", "commandId": "r0",
            "threadId": "t1", "turnCount": 0, "createdAt": T0}),
        ));
        let thread = h.thread("t1");
        assert!(thread.messages.is_empty());
        assert!(thread.checkpoints.is_empty());
        assert_eq!(thread.latest_turn, None);
        assert_eq!(thread.activities.len(), 1);
    }

    #[test]
    fn revert_keeps_messages_of_kept_turns_and_system_messages() {
        let mut h = Harness::with_thread();
        h.ok(delta("a1", "one", Some("turn-1")));
        h.ok(delta("a2", "two", Some("turn-2")));
        h.ok(diff("turn-1", 1, "ready"));
        h.ok(diff("turn-2", 2, "ready"));
        let mut system = h.ok(delta("s1", "note", None)).remove(0);
        if let EventBody::ThreadMessageSent(payload) = &mut system.body {
            payload.message_id = "sys".into();
            payload.role = MessageRole::System;
        }
        system.sequence = h.sequence + 1;
        h.sequence += 1;
        project(&mut h.model, &system);
        h.ok(internal(
            json!({"type": "thread.revert.complete", "commandId": "r",
            "threadId": "t1", "turnCount": 1, "createdAt": T0}),
        ));
        let ids: Vec<&str> = h
            .thread("t1")
            .messages
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        // s1 is a turn-less assistant message beyond the kept count, so it goes.
        assert_eq!(ids, ["a1", "sys"]);
    }

    #[test]
    fn message_cap_drops_the_oldest() {
        let mut h = Harness::with_thread();
        for n in 0..(MAX_THREAD_MESSAGES + 3) {
            h.ok(delta(&format!("m{n}"), "x", None));
        }
        let messages = &h.thread("t1").messages;
        assert_eq!(messages.len(), MAX_THREAD_MESSAGES);
        assert_eq!(messages[0].id, "m3");
    }

    #[test]
    fn recreating_a_project_resets_it_in_place() {
        let mut h = Harness::new();
        let first = h.ok(client(create_project("p1"))).remove(0);
        h.ok(client(create_project("p2")));
        h.ok(client(
            json!({"type": "project.delete", "commandId": "d", "projectId": "p1"}),
        ));
        project(&mut h.model, &first);
        let ids: Vec<&String> = h.model.projects.keys().collect();
        assert_eq!(ids, ["p1", "p2"]);
        assert_eq!(h.model.projects["p1"].deleted_at, None);
    }
}
