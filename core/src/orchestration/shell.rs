//! DP Code's shell: the projects and threads a sidebar lists, without any thread's history
//! (`OrchestrationProjectShell`, `OrchestrationThreadShell`, `OrchestrationShellSnapshot`), and
//! the stream items that keep a subscriber's copy current. Shells borrow the read model's rows,
//! so encoding one costs no copy of the row.

use serde::Serialize;
use serde_json::Value;

use super::events::{AggregateKind, EventBody};
use super::model::{
    Activity, InteractionMode, LatestTurn, LatestTurnState, ModelSelection, Project, ProjectScript,
    RuntimeMode, Session, Thread,
};
use super::{Event, ReadModel};

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ProjectShell<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub workspace_root: &'a str,
    /// v0.0.4's name for the default model, kept beside DP Code's selection.
    pub default_model: Option<&'a str>,
    pub default_model_selection: Option<ModelSelection>,
    pub scripts: &'a [ProjectScript],
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

impl<'a> ProjectShell<'a> {
    pub fn of(project: &'a Project) -> Self {
        ProjectShell {
            id: &project.id,
            title: &project.title,
            workspace_root: &project.workspace_root,
            default_model: project.default_model.as_deref(),
            default_model_selection: project.default_model.as_deref().map(ModelSelection::codex),
            scripts: &project.scripts,
            created_at: &project.created_at,
            updated_at: &project.updated_at,
        }
    }
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ThreadShell<'a> {
    pub id: &'a str,
    pub project_id: &'a str,
    pub title: &'a str,
    pub model: &'a str,
    pub model_selection: ModelSelection,
    pub runtime_mode: RuntimeMode,
    pub interaction_mode: InteractionMode,
    pub branch: Option<&'a str>,
    pub worktree_path: Option<&'a str>,
    pub latest_turn: Option<&'a LatestTurn>,
    pub latest_user_message_at: Option<&'a str>,
    pub has_pending_approvals: bool,
    pub has_pending_user_input: bool,
    pub has_actionable_proposed_plan: bool,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub archived_at: Option<&'a str>,
    pub session: Option<&'a Session>,
}

impl<'a> ThreadShell<'a> {
    pub fn of(thread: &'a Thread) -> Self {
        let open = OpenRequests::of(thread.history.requests.iter().map(|(_, a)| a));
        ThreadShell {
            id: &thread.id,
            project_id: &thread.project_id,
            title: &thread.title,
            model: &thread.model,
            model_selection: thread
                .model_selection
                .clone()
                .unwrap_or_else(|| ModelSelection::codex(thread.model.clone())),
            runtime_mode: thread.runtime_mode,
            interaction_mode: thread.interaction_mode,
            branch: thread.branch.as_deref(),
            worktree_path: thread.worktree_path.as_deref(),
            latest_turn: thread.latest_turn.as_ref(),
            latest_user_message_at: thread
                .history
                .latest_user_message
                .as_ref()
                .map(|(_, at)| at.as_str()),
            has_pending_approvals: open.approvals,
            has_pending_user_input: open.user_input,
            has_actionable_proposed_plan: actionable_plan(thread),
            created_at: &thread.created_at,
            updated_at: &thread.updated_at,
            archived_at: thread.archived_at.as_deref(),
            session: thread.session.as_ref(),
        }
    }
}

/// Whether the thread has approval or user-input requests nobody resolved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OpenRequests {
    pub approvals: bool,
    pub user_input: bool,
}

impl OpenRequests {
    /// From a thread's activities in list order (those of other kinds may be left out).
    pub fn of<'a>(activities: impl DoubleEndedIterator<Item = &'a Activity>) -> OpenRequests {
        let request_id = |a: &Activity| a.payload.get("requestId").map(Value::to_string);
        let mut open = OpenRequests::default();
        // Newest first: a request is open when no later resolution names it.
        let mut resolved = std::collections::HashSet::new();
        for activity in activities.rev() {
            match activity.kind.as_str() {
                "approval.resolved" | "user-input.resolved" => {
                    if let Some(id) = request_id(activity) {
                        resolved.insert(id);
                    }
                }
                "approval.requested" if !open.approvals => {
                    open.approvals = request_id(activity).is_some_and(|id| !resolved.contains(&id));
                }
                "user-input.requested" if !open.user_input => {
                    open.user_input =
                        request_id(activity).is_some_and(|id| !resolved.contains(&id));
                }
                _ => {}
            }
        }
        open
    }
}

/// A plan proposed in the thread's latest turn, which has finished: the client may offer to
/// implement it.
fn actionable_plan(thread: &Thread) -> bool {
    let (Some(turn), Some(plan_turn)) = (&thread.latest_turn, &thread.history.last_plan_turn)
    else {
        return false;
    };
    turn.state == LatestTurnState::Completed && plan_turn.as_deref() == Some(&turn.turn_id)
}

/// Which threads a shell lists: live ones, and archived ones only when asked for.
pub fn listed(thread: &Thread, include_archived: bool) -> bool {
    thread.deleted_at.is_none() && (include_archived || !thread.is_archived())
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ShellSnapshot<'a> {
    pub snapshot_sequence: u64,
    pub projects: Vec<ProjectShell<'a>>,
    pub threads: Vec<ThreadShell<'a>>,
    pub updated_at: &'a str,
}

impl<'a> ShellSnapshot<'a> {
    pub fn of(model: &'a ReadModel, include_archived: bool) -> Self {
        ShellSnapshot {
            snapshot_sequence: model.snapshot_sequence,
            projects: model
                .projects
                .values()
                .filter(|p| p.deleted_at.is_none())
                .map(|p| ProjectShell::of(p))
                .collect(),
            threads: model
                .threads
                .values()
                .filter(|t| listed(t, include_archived))
                .map(|t| ThreadShell::of(t))
                .collect(),
            updated_at: &model.updated_at,
        }
    }
}

/// An item on a shell stream after its snapshot.
#[derive(Serialize, Debug)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ShellItem<'a> {
    #[serde(rename_all = "camelCase")]
    ProjectUpserted {
        sequence: u64,
        project: ProjectShell<'a>,
    },
    #[serde(rename_all = "camelCase")]
    ProjectRemoved { sequence: u64, project_id: &'a str },
    #[serde(rename_all = "camelCase")]
    ThreadUpserted {
        sequence: u64,
        thread: ThreadShell<'a>,
    },
    #[serde(rename_all = "camelCase")]
    ThreadRemoved { sequence: u64, thread_id: &'a str },
}

/// What a shell subscriber is told of `event`, once the model has it: the row it changed,
/// re-read, or its removal. `include_archived` says which shell: without archived threads, an
/// archived thread is removed and its later events are not shown.
pub fn shell_item<'a>(
    model: &'a ReadModel,
    event: &'a Event,
    include_archived: bool,
) -> Option<ShellItem<'a>> {
    let sequence = event.sequence;
    let id = event.aggregate_id.as_str();
    match event.aggregate_kind {
        AggregateKind::Project => Some(match model.projects.get(id) {
            Some(project) if project.deleted_at.is_none() => ShellItem::ProjectUpserted {
                sequence,
                project: ProjectShell::of(project),
            },
            _ => ShellItem::ProjectRemoved {
                sequence,
                project_id: id,
            },
        }),
        AggregateKind::Thread => match model.threads.get(id) {
            Some(thread) if listed(thread, include_archived) => Some(ShellItem::ThreadUpserted {
                sequence,
                thread: ThreadShell::of(thread),
            }),
            // Removed once: when it is deleted, or archived under a shell without archives.
            Some(_) | None
                if matches!(event.body, EventBody::ThreadDeleted(_)) || is_archive(event) =>
            {
                Some(ShellItem::ThreadRemoved {
                    sequence,
                    thread_id: id,
                })
            }
            _ => None,
        },
    }
}

fn is_archive(event: &Event) -> bool {
    event.type_name() == "thread.archived"
}

#[cfg(test)]
mod tests;
