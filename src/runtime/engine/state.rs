//! What an Engine incarnation starts from, and the durable watermark readers share with it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::orchestration::full_model::projector::project_full;
use crate::orchestration::tail_replay;
use crate::orchestration::thread_lists::HistoryError;
use crate::orchestration::{Event, FullModel, ReadModel};
use crate::store::event_log::EventLog;
use crate::store::snapshot_body::{self, SnapshotBody};
use crate::store::StoreError;

/// The highest sequence that is durable and published; replay readers never read past it.
#[derive(Clone, Default)]
pub struct Watermark(Arc<AtomicU64>);

impl Watermark {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    pub(super) fn set(&self, value: u64) {
        self.0.store(value, Ordering::Release);
    }
}

/// Read access to the durable part of the event log, for replay without the Engine.
#[derive(Clone)]
pub struct EventReader {
    pub log: EventLog,
    pub watermark: Watermark,
}

/// What an engine incarnation starts from.
pub struct EngineState {
    pub model: ReadModel,
    pub last_sequence: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event {sequence} in the log cannot be read ({message}); the store is damaged")]
    BadEvent { sequence: u64, message: String },
    /// Snapshots are written only after their events are flushed, so a sound snapshot beyond
    /// the log's end means acknowledged events went missing from the log (sled drops a damaged
    /// tail at recovery as if it were a torn write).
    #[error(
        "the event log ends at sequence {log_end}, but snapshot {snapshot} (its checksum holds) \
         covers events beyond it: acknowledged events are missing from the log. Refusing to \
         start rather than lose them; run `t3rs doctor`, then restore db/ from a backup or run \
         `t3rs doctor --rebuild-from-snapshot`"
    )]
    LogBehindSnapshot { snapshot: u64, log_end: u64 },
    #[error("the threads' lists in the store cannot be read ({0}); the store is damaged")]
    History(String),
}

/// Rebuilds the rows: the newest readable snapshot of them, then every later event projected
/// onto the rows alone (the store's lists already hold those events; see
/// [`tail_replay`]). A store from before the lists moved into it has them moved first
/// ([`move_lists_into_the_store`]).
pub fn load_state(log: &EventLog) -> Result<EngineState, LoadError> {
    let durable = log.last_sequence()?;
    let history = log.history();
    if !history.is_built().map_err(history_failed)? {
        return move_lists_into_the_store(log, durable);
    }
    let mut model = newest_snapshot(log, durable, |body| match body {
        SnapshotBody::Rows(rows) => Ok(rows),
        SnapshotBody::Full(_) => Err("it is of an earlier layout"),
    })?
    .unwrap_or_default();
    let from = model.snapshot_sequence;
    let events = log.iter_after(from).map(decode_event);
    let replayed = tail_replay::replay_tail(&mut model, history, events)?;
    log::info!(
        "read model at sequence {} (snapshot {from} + {replayed} events)",
        model.snapshot_sequence
    );
    Ok(EngineState {
        last_sequence: durable.max(model.snapshot_sequence),
        model,
    })
}

fn decode_event(item: Result<(u64, sled::IVec), StoreError>) -> Result<Event, LoadError> {
    let (sequence, bytes) = item?;
    serde_json::from_slice(&bytes).map_err(|e| LoadError::BadEvent {
        sequence,
        message: e.to_string(),
    })
}

fn history_failed(err: HistoryError) -> LoadError {
    LoadError::History(err.0)
}

impl From<HistoryError> for LoadError {
    fn from(err: HistoryError) -> LoadError {
        history_failed(err)
    }
}

/// The newest snapshot that is not ahead of the log and that `pick` takes (at the sequence its
/// file names), trying older ones past each that it refuses (saying why) or that does not read.
fn newest_snapshot<T: SnapshotModel>(
    log: &EventLog,
    durable: u64,
    pick: impl Fn(SnapshotBody) -> Result<T, &'static str>,
) -> Result<Option<T>, LoadError> {
    for snapshot in log.snapshots_newest_first() {
        let (sequence, bytes) = snapshot?;
        if sequence > durable {
            return Err(LoadError::LogBehindSnapshot {
                snapshot: sequence,
                log_end: durable,
            });
        }
        let why = match snapshot_body::decode(&bytes).map(&pick) {
            Ok(Ok(model)) if model.sequence() == sequence => return Ok(Some(model)),
            Ok(Ok(_)) => "it is inconsistent".to_string(),
            Ok(Err(why)) => why.to_string(),
            Err(err) => format!("it is unreadable ({err})"),
        };
        log::warn!("snapshot {sequence} is not used: {why}; trying an older one");
    }
    Ok(None)
}

/// What [`newest_snapshot`] checks a snapshot's model against its file by.
trait SnapshotModel {
    fn sequence(&self) -> u64;
}

impl SnapshotModel for ReadModel {
    fn sequence(&self) -> u64 {
        self.snapshot_sequence
    }
}

impl SnapshotModel for FullModel {
    fn sequence(&self) -> u64 {
        self.snapshot_sequence
    }
}

/// A store written before the threads' lists lived in it: the full model is rebuilt as that
/// build did (its newest readable snapshot, then the later events), taken apart into rows and
/// lists, and the lists written to the store with the mark that they are there, in one batch.
/// A snapshot of the rows follows, so the next start-up replays only what comes after it.
fn move_lists_into_the_store(log: &EventLog, durable: u64) -> Result<EngineState, LoadError> {
    let started = std::time::Instant::now();
    let mut full = newest_snapshot(log, durable, |body| match body {
        SnapshotBody::Full(full) => Ok(*full),
        SnapshotBody::Rows(_) => Err("it holds no lists to move"),
    })?
    .unwrap_or_default();
    let from = full.snapshot_sequence;
    for item in log.iter_after(from) {
        let (sequence, bytes) = item?;
        let event: Event = serde_json::from_slice(&bytes).map_err(|e| LoadError::BadEvent {
            sequence,
            message: e.to_string(),
        })?;
        project_full(&mut full, &event);
    }
    let (model, lists) = full.split();
    let entries = log.history().build_from(lists).map_err(StoreError::Io)?;
    log.flush()?;
    if durable > 0 {
        match snapshot_body::encode_rows(&model) {
            Ok(rows) => log.save_snapshot(model.snapshot_sequence, &rows)?,
            Err(err) => log::warn!("no snapshot of the rows after moving the lists: {err}"),
        }
        log::info!(
            "moved {} threads' lists into the store ({entries} entries) in {:?}",
            model.threads.len(),
            started.elapsed()
        );
    }
    Ok(EngineState {
        last_sequence: durable.max(model.snapshot_sequence),
        model,
    })
}

#[cfg(test)]
mod tests;
