//! The read model with every thread's lists in it: the v0.0.4 `OrchestrationReadModel` as it
//! goes on the wire, and the shape snapshots of earlier t3rs builds held. In memory the server
//! keeps [`ReadModel`] (rows without lists) and the lists live in the store; this is what the
//! two make together ([`FullModel::assemble`]) and how an older snapshot is taken apart
//! ([`FullModel::split`]).

pub mod projector;

use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::history_kv::{
    activity_key, checkpoint_key, encode, index_key, item_key, message_key, meta_key, plan_key,
    read_lists, HistoryKv, HistoryRead, List, ListSummary, MemoryKv, ThreadMeta,
};
use super::model::*;
use super::thread_lists::{HistoryError, ThreadLists};

/// A thread with its lists, in v0.0.4's field order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FullThread {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub model: String,
    #[serde(default)]
    pub runtime_mode: RuntimeMode,
    #[serde(default)]
    pub interaction_mode: InteractionMode,
    pub branch: Option<String>,
    pub worktree_path: Option<String>,
    pub latest_turn: Option<LatestTurn>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub messages: Vec<Message>,
    #[serde(default)]
    pub proposed_plans: Vec<ProposedPlan>,
    pub activities: Vec<Activity>,
    pub checkpoints: Vec<CheckpointSummary>,
    pub session: Option<Session>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_selection: Option<ModelSelection>,
    #[serde(default)]
    pub archived_at: Option<String>,
}

impl Keyed for FullThread {
    fn key(&self) -> &str {
        &self.id
    }
}

impl FullThread {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The row's head with `lists`. Written out field by field, so a field added to [`Thread`]
    /// must be decided on here.
    pub fn of(thread: &Thread, lists: ThreadLists) -> FullThread {
        let Thread {
            id,
            project_id,
            title,
            model,
            runtime_mode,
            interaction_mode,
            branch,
            worktree_path,
            latest_turn,
            created_at,
            updated_at,
            deleted_at,
            session,
            model_selection,
            archived_at,
            history: _,
        } = thread;
        FullThread {
            id: id.clone(),
            project_id: project_id.clone(),
            title: title.clone(),
            model: model.clone(),
            runtime_mode: *runtime_mode,
            interaction_mode: *interaction_mode,
            branch: branch.clone(),
            worktree_path: worktree_path.clone(),
            latest_turn: latest_turn.clone(),
            created_at: created_at.clone(),
            updated_at: updated_at.clone(),
            deleted_at: deleted_at.clone(),
            messages: lists.messages,
            proposed_plans: lists.proposed_plans,
            activities: lists.activities,
            checkpoints: lists.checkpoints,
            session: session.clone(),
            model_selection: model_selection.clone(),
            archived_at: archived_at.clone(),
        }
    }

    /// The row without its lists, their summary computed from them.
    pub fn head(&self) -> Thread {
        Thread {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            title: self.title.clone(),
            model: self.model.clone(),
            runtime_mode: self.runtime_mode,
            interaction_mode: self.interaction_mode,
            branch: self.branch.clone(),
            worktree_path: self.worktree_path.clone(),
            latest_turn: self.latest_turn.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            deleted_at: self.deleted_at.clone(),
            session: self.session.clone(),
            model_selection: self.model_selection.clone(),
            archived_at: self.archived_at.clone(),
            history: summarize(self),
        }
    }
}

/// What a row's summary says of these lists.
fn summarize(thread: &FullThread) -> ListSummary {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let user = |m: &&Message| m.role == MessageRole::User;
    ListSummary {
        messages: count(thread.messages.len()),
        proposed_plans: count(thread.proposed_plans.len()),
        activities: count(thread.activities.len()),
        checkpoints: count(thread.checkpoints.len()),
        latest_user_message: thread
            .messages
            .iter()
            .rev()
            .find(user)
            .map(|m| (m.id.clone(), m.created_at.clone())),
        newest_user_message: super::list_projector::newest_by_time(
            thread.messages.iter().filter(user),
        ),
        last_plan_turn: thread.proposed_plans.last().map(|p| p.turn_id.clone()),
        requests: thread
            .activities
            .iter()
            .filter(|a| super::history_kv::REQUEST_KINDS.contains(&a.kind.as_str()))
            .map(|a| (activity_key(a), a.clone()))
            .collect(),
    }
}

/// The whole v0.0.4 read model.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FullModel {
    pub snapshot_sequence: u64,
    #[serde(with = "id_map")]
    pub projects: IndexMap<String, Arc<Project>>,
    #[serde(with = "id_map")]
    pub threads: IndexMap<String, Arc<FullThread>>,
    pub updated_at: String,
}

impl Default for FullModel {
    fn default() -> Self {
        FullModel {
            snapshot_sequence: 0,
            projects: IndexMap::new(),
            threads: IndexMap::new(),
            updated_at: EMPTY_MODEL_UPDATED_AT.to_string(),
        }
    }
}

impl FullModel {
    pub fn thread_mut(&mut self, id: &str) -> Option<&mut FullThread> {
        self.threads.get_mut(id).map(Arc::make_mut)
    }

    pub fn project_mut(&mut self, id: &str) -> Option<&mut Project> {
        self.projects.get_mut(id).map(Arc::make_mut)
    }

    /// The rows of `model` with their lists from `history`.
    pub fn assemble(
        model: &ReadModel,
        history: &(impl HistoryRead + ?Sized),
    ) -> Result<FullModel, HistoryError> {
        let mut threads = IndexMap::with_capacity(model.threads.len());
        for (id, thread) in &model.threads {
            let lists = read_lists(history, id)?;
            threads.insert(id.clone(), Arc::new(FullThread::of(thread, lists)));
        }
        Ok(FullModel {
            snapshot_sequence: model.snapshot_sequence,
            projects: model.projects.clone(),
            threads,
            updated_at: model.updated_at.clone(),
        })
    }

    /// The rows without lists, and the store entries that hold the lists (what the store-backed
    /// projector would have written, up to the positions it numbers items by).
    pub fn split(&self) -> (ReadModel, MemoryKv) {
        let mut kv = MemoryKv::default();
        let mut threads = IndexMap::with_capacity(self.threads.len());
        for (id, thread) in &self.threads {
            write_lists(&mut kv, thread);
            let head = thread.head();
            let meta = ThreadMeta {
                summary: head.history.clone(),
                latest_turn: head.latest_turn.clone(),
            };
            kv.put(meta_key(id), encode(&meta));
            threads.insert(id.clone(), Arc::new(head));
        }
        let model = ReadModel {
            snapshot_sequence: self.snapshot_sequence,
            projects: self.projects.clone(),
            threads,
            updated_at: self.updated_at.clone(),
        };
        (model, kv)
    }
}

/// A thread's lists as store entries, numbered by position (all below any later event's
/// sequence, which numbers what comes after).
fn write_lists(kv: &mut impl HistoryKv, thread: &FullThread) {
    let id = &thread.id;
    let mut put = |list: List, item_id: &str, order: Vec<u8>, value: Vec<u8>| {
        kv.put(index_key(id, list, item_id), order.clone());
        kv.put(item_key(id, list, &order), value);
    };
    for (position, message) in (0u64..).zip(&thread.messages) {
        put(
            List::Messages,
            &message.id,
            message_key(position),
            encode(message),
        );
    }
    for plan in &thread.proposed_plans {
        put(List::ProposedPlans, &plan.id, plan_key(plan), encode(plan));
    }
    for activity in &thread.activities {
        put(
            List::Activities,
            &activity.id,
            activity_key(activity),
            encode(activity),
        );
    }
    for (position, checkpoint) in (0u64..).zip(&thread.checkpoints) {
        put(
            List::Checkpoints,
            &checkpoint.turn_id,
            checkpoint_key(checkpoint.checkpoint_turn_count, position),
            encode(checkpoint),
        );
    }
}
