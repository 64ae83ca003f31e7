//! Event → read model: the rows in memory ([`project_head`]) and the threads' lists in the
//! store ([`super::list_projector`]). Total on the model: an event about a missing row changes
//! only the model's sequence and time, so replaying any log prefix always works; only a store
//! that cannot be read makes it fail.

use std::sync::Arc;

use super::events::{Event, EventBody, ThreadTurnDiffCompletedPayload};
use super::full_model::projector::checkpoint_state;
use super::history_kv::{HistoryKv, ListSummary};
use super::list_projector::{self, list_thread};
use super::model::*;
use super::thread_lists::HistoryError;

pub use super::full_model::projector::{
    MAX_THREAD_ACTIVITIES, MAX_THREAD_CHECKPOINTS, MAX_THREAD_MESSAGES, MAX_THREAD_PROPOSED_PLANS,
};

/// Projects `event` onto the rows and, through `kv`, onto the lists of its thread.
pub fn project(
    model: &mut ReadModel,
    kv: &mut impl HistoryKv,
    event: &Event,
) -> Result<(), HistoryError> {
    project_head(model, event);
    if let Some(thread_id) = list_thread(event) {
        if let Some(thread) = model.thread_mut(thread_id) {
            list_projector::apply(thread, kv, event)?;
        }
    }
    Ok(())
}

/// The rows' part of `event`. A start-up that replays events whose lists the store already
/// holds projects only this, then takes each touched row's list summary and latest turn from
/// the store ([`super::history_kv::ThreadMeta`]): a revert's latest turn is the one part of a
/// row that depends on a list.
pub fn project_head(model: &mut ReadModel, event: &Event) {
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
                session: None,
                model_selection: p.model_selection.clone(),
                archived_at: None,
                history: ListSummary::default(),
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
            // The latest turn becomes the newest checkpoint left: the list half sets it.
            if let Some(thread) = model.thread_mut(&p.thread_id) {
                thread.updated_at.clone_from(at);
            }
        }
        EventBody::ThreadActivityAppended(p) => {
            if let Some(thread) = model.thread_mut(&p.thread_id) {
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

/// A finished turn's diff ends the turn (its checkpoint goes to the list half).
fn apply_turn_diff(thread: &mut Thread, p: &ThreadTurnDiffCompletedPayload) {
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

#[cfg(test)]
mod tests;
