//! Start-up from a snapshot of the rows: the store's lists are already at the log's end (they
//! are written in the same transaction as their events), so the events after the snapshot are
//! projected onto the rows only, and each touched row then takes what it derives from its lists
//! from the store ([`ThreadMeta`]), which the same transactions wrote.

use std::collections::HashSet;

use super::events::{AggregateKind, Event};
use super::history_kv::{encode, meta_key, read_meta, HistoryKv, HistoryRead, ThreadMeta};
use super::model::{ReadModel, Thread};
use super::projector::project_head;
use super::thread_lists::HistoryError;

/// What the store keeps of a row beside its lists.
pub fn meta_of(thread: &Thread) -> ThreadMeta {
    ThreadMeta {
        summary: thread.history.clone(),
        latest_turn: thread.latest_turn.clone(),
    }
}

/// Writes the meta of each of `threads` that the model has (the write path does this for every
/// thread a batch touched, in the batch's transaction).
pub fn write_meta<'a>(
    model: &ReadModel,
    kv: &mut impl HistoryKv,
    threads: impl IntoIterator<Item = &'a str>,
) {
    for id in threads {
        if let Some(thread) = model.threads.get(id) {
            kv.put(meta_key(id), encode(&meta_of(thread)));
        }
    }
}

/// The thread an event is about, if any.
pub fn event_thread(event: &Event) -> Option<&str> {
    (event.aggregate_kind == AggregateKind::Thread).then_some(event.aggregate_id.as_str())
}

/// Projects `events` (those after the model's snapshot) onto the rows, then restores each
/// touched row's list summary and latest turn from `history`.
pub fn replay_tail<E: From<HistoryError>>(
    model: &mut ReadModel,
    history: &(impl HistoryRead + ?Sized),
    events: impl IntoIterator<Item = Result<Event, E>>,
) -> Result<u64, E> {
    let mut touched = HashSet::new();
    let mut replayed = 0u64;
    for event in events {
        let event = event?;
        project_head(model, &event);
        if let Some(id) = event_thread(&event) {
            touched.insert(id.to_string());
        }
        replayed += 1;
    }
    for id in &touched {
        let meta = read_meta(history, id)?;
        if let (Some(thread), Some(meta)) = (model.thread_mut(id), meta) {
            thread.history = meta.summary;
            thread.latest_turn = meta.latest_turn;
        }
    }
    Ok(replayed)
}
