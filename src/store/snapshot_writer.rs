//! Read-model snapshots written off the engine's thread. The engine hands over a clone of its
//! model (cheap: threads and projects are shared `Arc` rows, see `t3rs_core::orchestration`),
//! and the "t3rs-snapshot" thread encodes it and stores it with [`EventLog::save_snapshot`]
//! (write, fsync, rename). Encoding a large model takes tens of milliseconds and the fsync more,
//! which the engine used to spend between two dispatches.
//!
//! At most one model waits: a newer one replaces a model not yet started, since only the
//! newest snapshot matters. A failure is logged and the next snapshot tries again (until then,
//! start-up replays a longer tail of the log).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use t3rs_core::orchestration::ReadModel;

use super::event_log::EventLog;
use super::StoreError;

/// Where an encoded snapshot goes: `(sequence, JSON)`. [`EventLog::save_snapshot`] in the
/// server; tests put a gate in front of it.
type Sink = Box<dyn FnMut(u64, &[u8]) -> Result<(), StoreError> + Send>;

pub struct SnapshotWriter {
    shared: Arc<Shared>,
    sink: Arc<Mutex<Sink>>,
    /// None when the thread could not be started: then [`SnapshotWriter::save`] writes on the
    /// caller's thread, as before there was a writer.
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// The newest model handed over and not yet taken by the thread.
    pending: Option<ReadModel>,
    /// The thread is encoding or writing one.
    busy: bool,
    /// The writer is dropped: write what is pending, then end.
    closed: bool,
}

/// The state is a few flags and a model, consistent at every unlock; the sink holds no state
/// a panic could leave half-changed.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SnapshotWriter {
    /// Starts the thread that writes into `log`'s snapshot directory.
    pub fn new(log: EventLog) -> SnapshotWriter {
        SnapshotWriter::with_sink(Box::new(move |sequence, json: &[u8]| {
            log.save_snapshot(sequence, json)
        }))
    }

    fn with_sink(sink: Sink) -> SnapshotWriter {
        let shared = Arc::new(Shared::default());
        let sink = Arc::new(Mutex::new(sink));
        let (worker, worker_sink) = (Arc::clone(&shared), Arc::clone(&sink));
        let thread = std::thread::Builder::new()
            .name("t3rs-snapshot".into())
            .spawn(move || {
                while let Some(model) = next_job(&worker) {
                    write(&mut lock(&worker_sink), &model);
                    // The model's rows are released here, off the engine's thread too.
                    drop(model);
                    lock(&worker.state).busy = false;
                    worker.changed.notify_all();
                }
            });
        let thread = match thread {
            Ok(thread) => Some(thread),
            Err(err) => {
                log::warn!("no snapshot thread ({err}): snapshots are written inline");
                None
            }
        };
        SnapshotWriter {
            shared,
            sink,
            thread,
        }
    }

    /// Hands `model` over to be written as the snapshot at its `snapshot_sequence`; returns at
    /// once. A model still waiting from an earlier call is replaced.
    pub fn save(&self, model: ReadModel) {
        if self.thread.is_none() {
            write(&mut lock(&self.sink), &model);
            return;
        }
        let replaced = {
            let mut state = lock(&self.shared.state);
            state.pending.replace(model)
        };
        self.shared.changed.notify_all();
        if let Some(old) = replaced {
            log::debug!(
                "snapshot at {} skipped: a newer one replaced it",
                old.snapshot_sequence
            );
        }
    }

    /// Blocks until nothing is pending or being written, at most `timeout`; false when it was
    /// still busy then. For a checkpoint or shutdown that wants the snapshot on disk.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let state = lock(&self.shared.state);
        let (state, _) = self
            .shared
            .changed
            .wait_timeout_while(state, timeout, |s| s.pending.is_some() || s.busy)
            .unwrap_or_else(PoisonError::into_inner);
        state.pending.is_none() && !state.busy
    }
}

impl Drop for SnapshotWriter {
    /// Writes what is pending, then joins the thread: a later writer over the same directory
    /// (the engine's next incarnation) never runs beside this one.
    fn drop(&mut self) {
        lock(&self.shared.state).closed = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                log::warn!("the snapshot thread panicked");
            }
        }
    }
}

/// The next model to write, marking the thread busy; None once closed with nothing pending.
fn next_job(shared: &Shared) -> Option<ReadModel> {
    let mut state = lock(&shared.state);
    loop {
        if let Some(model) = state.pending.take() {
            state.busy = true;
            return Some(model);
        }
        if state.closed {
            return None;
        }
        state = shared
            .changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

fn write(sink: &mut Sink, model: &ReadModel) {
    let sequence = model.snapshot_sequence;
    let started = Instant::now();
    let json = match super::snapshot_body::encode_rows(model) {
        Ok(json) => json,
        Err(err) => {
            log::warn!("snapshot at {sequence} not encoded: {err}");
            return;
        }
    };
    let encoded = started.elapsed();
    match sink(sequence, &json) {
        Ok(()) => log::debug!(
            "snapshot at {sequence} saved ({} bytes; encoded in {encoded:?}, stored in {:?})",
            json.len(),
            started.elapsed() - encoded
        ),
        Err(err) => log::warn!("snapshot at {sequence} not saved: {err}"),
    }
}

#[cfg(test)]
mod tests;
