//! What an Engine incarnation starts from, and the durable watermark readers share with it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::orchestration::{project, Event, ReadModel};
use crate::store::event_log::EventLog;
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
}

/// Rebuilds the read model: the newest readable snapshot, then every later event.
pub fn load_state(log: &EventLog) -> Result<EngineState, LoadError> {
    let mut model = ReadModel::default();
    let durable = log.last_sequence()?;
    for snapshot in log.snapshots_newest_first() {
        let (sequence, bytes) = snapshot?;
        if sequence > durable {
            return Err(LoadError::LogBehindSnapshot {
                snapshot: sequence,
                log_end: durable,
            });
        }
        match serde_json::from_slice::<ReadModel>(&bytes) {
            Ok(snapshot) if snapshot.snapshot_sequence == sequence => {
                model = snapshot;
                break;
            }
            Ok(_) => log::warn!("snapshot {sequence} is inconsistent; trying an older one"),
            Err(err) => log::warn!("snapshot {sequence} unreadable ({err}); trying an older one"),
        }
    }
    let from = model.snapshot_sequence;
    let mut replayed = 0u64;
    for item in log.iter_after(from) {
        let (sequence, bytes) = item?;
        let event: Event = serde_json::from_slice(&bytes).map_err(|e| LoadError::BadEvent {
            sequence,
            message: e.to_string(),
        })?;
        project(&mut model, &event);
        replayed += 1;
    }
    log::info!(
        "read model at sequence {} (snapshot {from} + {replayed} events)",
        model.snapshot_sequence
    );
    Ok(EngineState {
        last_sequence: durable.max(model.snapshot_sequence),
        model,
    })
}
