//! Event → the full read model (every list in memory), as T3 Code v0.0.4 projects it: the
//! reference the store-backed projector ([`super::super::projector`]) is tested against, and what
//! an older store's snapshots are read with when they are moved into the store. Total: an event about a missing row changes only the model's sequence
//! and time, never fails, so replaying any log prefix always works.

use std::cmp::Ordering;
use std::sync::Arc;

use super::super::events::{
    Event, EventBody, ThreadMessageSentPayload, ThreadTurnDiffCompletedPayload,
};
use super::super::model::*;
use super::{FullModel, FullThread};

/// Caps the reference applies so one chatty thread cannot grow the snapshot without bound.
pub const MAX_THREAD_MESSAGES: usize = 2_000;
pub const MAX_THREAD_CHECKPOINTS: usize = 500;
pub const MAX_THREAD_PROPOSED_PLANS: usize = 200;
pub const MAX_THREAD_ACTIVITIES: usize = 500;

pub fn project_full(model: &mut FullModel, event: &Event) {
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
            model
                .projects
                .insert(p.project_id.clone(), Arc::new(project));
        }
        EventBody::ProjectMetaUpdated(p) => {
            if let Some(project) = model.project_mut(&p.project_id) {
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
            if let Some(project) = model.project_mut(&p.project_id) {
                project.deleted_at = Some(p.deleted_at.clone());
                project.updated_at.clone_from(&p.deleted_at);
            }
        }
        EventBody::ThreadCreated(p) => {
            let thread = FullThread {
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
                model_selection: p.model_selection.clone(),
                archived_at: None,
            };
            model.threads.insert(p.thread_id.clone(), Arc::new(thread));
        }
        EventBody::ThreadDeleted(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.deleted_at = Some(p.deleted_at.clone());
                thread.updated_at.clone_from(&p.deleted_at);
            }
        }
        EventBody::ThreadArchived(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.archived_at = Some(p.archived_at.clone());
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadUnarchived(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.archived_at = None;
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadMetaUpdated(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
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
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.runtime_mode = p.runtime_mode;
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadInteractionModeSet(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.interaction_mode = p.interaction_mode;
                thread.updated_at.clone_from(&p.updated_at);
            }
        }
        EventBody::ThreadMessageSent(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                apply_message(thread, p);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadSessionSet(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
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
            if let Some(thread) = model.thread_mut(&p.thread_id) {
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
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                apply_turn_diff(thread, p);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadReverted(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                apply_revert(thread, p.turn_count);
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadActivityAppended(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
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
        EventBody::ThreadTurnStartRequested(p) => {
            if let Some(selection) = &p.model_selection {
                if let Some(thread) = model.thread_mut(&p.thread_id) {
                    thread.model_selection = Some(selection.clone());
                }
            }
        }
        EventBody::ThreadTurnInterruptRequested(_)
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

/// A message-sent for a message the list has: a delta appends, a final text replaces.
pub(crate) fn update_message(existing: &mut Message, p: &ThreadMessageSentPayload) {
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
    if existing.answered_by.is_none() {
        existing.answered_by.clone_from(&p.answered_by);
    }
}

/// The message a message-sent starts.
pub(crate) fn new_message(p: &ThreadMessageSentPayload) -> Message {
    Message {
        id: p.message_id.clone(),
        role: p.role,
        text: p.text.clone(),
        attachments: p.attachments.clone(),
        turn_id: p.turn_id.clone(),
        streaming: p.streaming,
        created_at: p.created_at.clone(),
        updated_at: p.updated_at.clone(),
        answered_by: p.answered_by.clone(),
    }
}

fn apply_message(thread: &mut FullThread, p: &ThreadMessageSentPayload) {
    // Deltas land on the newest message; scanning from the end finds it at once.
    match thread
        .messages
        .iter_mut()
        .rev()
        .find(|m| m.id == p.message_id)
    {
        Some(existing) => update_message(existing, p),
        None => thread.messages.push(new_message(p)),
    }
    keep_last(&mut thread.messages, MAX_THREAD_MESSAGES);
}

pub(crate) fn checkpoint_state(status: CheckpointStatus) -> LatestTurnState {
    match status {
        CheckpointStatus::Error => LatestTurnState::Error,
        CheckpointStatus::Missing => LatestTurnState::Interrupted,
        CheckpointStatus::Ready => LatestTurnState::Completed,
    }
}

fn apply_turn_diff(thread: &mut FullThread, p: &ThreadTurnDiffCompletedPayload) {
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

fn apply_revert(thread: &mut FullThread, turn_count: u64) {
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
pub(crate) fn retained_messages(
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

pub(crate) fn compare_activities(left: &Activity, right: &Activity) -> Ordering {
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
