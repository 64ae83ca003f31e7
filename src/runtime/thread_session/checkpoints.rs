//! A thread's turn checkpoints on top of [`git::checkpoints`]: the baseline before a turn, the
//! checkpoint and changed files at its end, the restore of a revert, and the refs' removal. Each
//! is blocking git work, run off the actor with [`blocking`].

use std::path::Path;

use crate::git;
use crate::git::checkpoints;
use crate::orchestration::model::{ActivityTone, CheckpointFile, CheckpointStatus};

/// Runs blocking work off the actor's thread.
pub(super) fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> impl std::future::Future<Output = Result<T, String>> {
    let handle = tokio::task::spawn_blocking(work);
    async move {
        handle
            .await
            .map_err(|e| format!("background task failed: {e}"))
    }
}

/// The end-of-turn checkpoint and what it shows.
pub(super) struct TurnCheckpoint {
    pub(super) reference: String,
    pub(super) status: CheckpointStatus,
    pub(super) files: Vec<CheckpointFile>,
    /// (kind, tone, summary, detail) of an activity to append, when something needs saying.
    pub(super) note: Option<(&'static str, ActivityTone, &'static str, String)>,
}

impl TurnCheckpoint {
    pub(super) fn failed(reference: String, detail: String) -> Self {
        TurnCheckpoint {
            reference,
            status: CheckpointStatus::Error,
            files: Vec::new(),
            note: Some((
                "checkpoint.capture.failed",
                ActivityTone::Error,
                "Checkpoint capture failed",
                detail,
            )),
        }
    }
}

pub(super) fn capture_baseline(cwd: &str, thread_id: &str, count: u64) -> Result<(), String> {
    let dir = Path::new(cwd);
    let reference = checkpoints::checkpoint_ref(thread_id, count);
    // Usually the previous turn's end already took it: one git call finds out.
    if checkpoints::resolve_commit(dir, &reference).is_some() || !git::is_repo(dir) {
        return Ok(());
    }
    checkpoints::capture(dir, &reference)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub(super) fn capture_turn_end(cwd: &str, thread_id: &str, base: u64) -> TurnCheckpoint {
    let dir = Path::new(cwd);
    let reference = checkpoints::checkpoint_ref(thread_id, base + 1);
    if !git::is_repo(dir) {
        return TurnCheckpoint {
            reference,
            status: CheckpointStatus::Missing,
            files: Vec::new(),
            note: Some((
                "checkpoint.unavailable",
                ActivityTone::Info,
                "Checkpoint unavailable",
                format!("{cwd} is not a git repository, so this turn has no checkpoint to diff or revert to."),
            )),
        };
    }
    if let Err(err) = checkpoints::capture(dir, &reference) {
        return TurnCheckpoint::failed(reference, err.to_string());
    }
    let from = checkpoints::checkpoint_ref(thread_id, base);
    match checkpoints::changed_files(dir, &from, &reference) {
        Ok(files) => TurnCheckpoint {
            reference,
            status: CheckpointStatus::Ready,
            files,
            note: None,
        },
        Err(err) => TurnCheckpoint {
            reference,
            status: CheckpointStatus::Ready,
            files: Vec::new(),
            note: Some((
                "checkpoint.capture.failed",
                ActivityTone::Error,
                "Checkpoint capture failed",
                format!("Checkpoint captured, but turn diff summary is unavailable: {err}"),
            )),
        },
    }
}

/// Puts the files back as checkpoint `target` (turn `turn_count`) had them.
pub(super) fn restore(cwd: &str, target: &str, turn_count: u64) -> Result<(), String> {
    let dir = Path::new(cwd);
    let commit = checkpoints::resolve_commit(dir, target)
        .ok_or_else(|| format!("Filesystem checkpoint is unavailable for turn {turn_count}."))?;
    checkpoints::restore(dir, &commit).map_err(|e| e.to_string())?;
    Ok(())
}

/// Removes the thread's checkpoint refs after turn `keep_through` (all of them with `None`).
pub(super) fn delete_refs(
    cwd: &str,
    thread_id: &str,
    keep_through: Option<u64>,
) -> Result<usize, String> {
    checkpoints::delete_refs(Path::new(cwd), thread_id, keep_through).map_err(|e| e.to_string())
}

/// Removes a deleted thread's checkpoint refs, when its workspace is a git repository.
pub(super) fn forget_thread(cwd: &str, thread_id: &str) -> Result<usize, String> {
    let dir = Path::new(cwd);
    if git::is_repo(dir) {
        delete_refs(cwd, thread_id, None)
    } else {
        Ok(0)
    }
}
