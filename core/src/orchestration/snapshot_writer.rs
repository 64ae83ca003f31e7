//! `orchestration.getSnapshot`'s JSON written piece by piece into any `io::Write`, so a large
//! model goes out as it is encoded instead of as one string built first. The bytes are exactly
//! what `serde_json::to_string(&model)` gives for a model whose rows hold their lists: each
//! thread's head fields come from its row, its four lists from a [`HistorySource`] (the rows
//! are to lose their lists to the store).

use std::io::Write;

use serde::Serialize;

use super::model::{
    InteractionMode, LatestTurn, ModelSelection, ReadModel, RuntimeMode, Session, Thread,
};
use super::thread_lists::{HistoryError, HistorySource};

/// Why a snapshot could not be written whole.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotWriteError {
    #[error("reading the history of thread {thread_id} failed: {source}")]
    History {
        thread_id: String,
        source: HistoryError,
    },
    #[error("writing the snapshot failed: {0}")]
    Write(#[from] std::io::Error),
}

/// A thread on the wire is `Thread`'s serialization, field for field and in its order: these
/// are the fields before its lists and after them; the lists between are the items' JSON as
/// the history source holds it, copied without decoding.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HeadOut<'a> {
    id: &'a str,
    project_id: &'a str,
    title: &'a str,
    model: &'a str,
    runtime_mode: RuntimeMode,
    interaction_mode: InteractionMode,
    branch: &'a Option<String>,
    worktree_path: &'a Option<String>,
    latest_turn: &'a Option<LatestTurn>,
    created_at: &'a str,
    updated_at: &'a str,
    deleted_at: &'a Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TailOut<'a> {
    session: &'a Option<Session>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_selection: Option<&'a ModelSelection>,
    archived_at: &'a Option<String>,
}

/// Writes `model` as the v0.0.4 `OrchestrationReadModel` JSON, each thread's lists read from
/// `history` (one thread at a time, so only one thread's lists are held at once).
pub fn write_snapshot(
    model: &ReadModel,
    history: &dyn HistorySource,
    out: &mut impl Write,
) -> Result<(), SnapshotWriteError> {
    out.write_all(b"{\"snapshotSequence\":")?;
    serde_json::to_writer(&mut *out, &model.snapshot_sequence).map_err(std::io::Error::from)?;
    out.write_all(b",\"projects\":[")?;
    for (i, project) in model.projects.values().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &**project).map_err(std::io::Error::from)?;
    }
    out.write_all(b"],\"threads\":[")?;
    for (i, thread) in model.threads.values().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_thread(thread, history, out)?;
    }
    out.write_all(b"],\"updatedAt\":")?;
    serde_json::to_writer(&mut *out, &model.updated_at).map_err(std::io::Error::from)?;
    out.write_all(b"}")?;
    Ok(())
}

fn write_thread(
    thread: &Thread,
    history: &dyn HistorySource,
    out: &mut impl Write,
) -> Result<(), SnapshotWriteError> {
    // Named field by field, without `..`: a field added to `Thread` fails to compile here
    // until the wire shape above has it too. The lists come from `history`.
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
    let lists = history
        .raw_lists(id)
        .map_err(|source| SnapshotWriteError::History {
            thread_id: id.clone(),
            source,
        })?;
    let head = serde_json::to_vec(&HeadOut {
        id,
        project_id,
        title,
        model,
        runtime_mode: *runtime_mode,
        interaction_mode: *interaction_mode,
        branch,
        worktree_path,
        latest_turn,
        created_at,
        updated_at,
        deleted_at,
    })
    .map_err(std::io::Error::from)?;
    let tail = serde_json::to_vec(&TailOut {
        session,
        model_selection: model_selection.as_ref(),
        archived_at,
    })
    .map_err(std::io::Error::from)?;
    // `{…head fields}` without its `}`, the lists, then `{…tail fields}` without its `{`.
    out.write_all(head.get(..head.len().saturating_sub(1)).unwrap_or_default())?;
    for (name, items) in [
        ("messages", &lists.messages),
        ("proposedPlans", &lists.proposed_plans),
        ("activities", &lists.activities),
        ("checkpoints", &lists.checkpoints),
    ] {
        write!(out, ",\"{name}\":[")?;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(item)?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b",")?;
    out.write_all(tail.get(1..).unwrap_or_default())?;
    Ok(())
}

#[cfg(test)]
mod tests;
