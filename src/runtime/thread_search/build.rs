//! Building the signatures of every thread an index was reset with: inline for `rebuild`, on
//! a thread of its own for `start`, so an Engine incarnation starts without waiting for it.
//!
//! Each thread is read from the history source and its signature merged (OR) into what the
//! index holds, under the index's lock one thread at a time: bits the Engine's updates added
//! meanwhile stay, and the thread counts as built from then on. A thread changed after it was
//! read had that change applied as an update, so nothing is missed; one reverted or deleted
//! after it was read may keep stale bits (a candidate too many, which reading removes).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{Grams, ThreadSearch};

/// Builds `ids`' signatures for `generation`, stopping if a newer (re)build has begun.
pub(super) fn run(index: &ThreadSearch, generation: u64, ids: &[String]) {
    let current = || index.inner.generation.load(Ordering::SeqCst) == generation;
    for id in ids {
        if !current() {
            return;
        }
        let mut signature = None;
        let read = index
            .inner
            .source
            .messages()
            .with_messages(id, &mut |messages| {
                signature = Some(Grams::of(messages));
            });
        let signature = match (read, signature) {
            (Ok(()), Some(signature)) => signature,
            (Err(e), _) => {
                // Left unbuilt: every search reads this thread.
                log::warn!("search index: reading thread {id}: {e}");
                continue;
            }
            (Ok(()), None) => continue,
        };
        let mut entries = index.entries_write();
        if !current() {
            return;
        }
        if let Some(entry) = entries.get_mut(id) {
            let entry = Arc::make_mut(entry);
            entry.grams.merge(&signature);
            entry.built = true;
        }
    }
}

/// [`run`] on a thread of its own; [`ThreadSearch::wait_built`] waits for it.
pub(super) fn spawn(index: ThreadSearch, generation: u64, ids: Vec<String>) {
    set_building(&index, 1);
    let worker = index.clone();
    let spawned = std::thread::Builder::new()
        .name("search-index".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            run(&worker, generation, &ids);
            log::debug!(
                "search index: {} threads in {:?}",
                ids.len(),
                started.elapsed()
            );
            set_building(&worker, -1);
        });
    if let Err(e) = spawned {
        // Nothing is lost: unbuilt threads are read by every search.
        log::warn!("search index: no thread for the build: {e}");
        set_building(&index, -1);
    }
}

fn set_building(index: &ThreadSearch, change: isize) {
    let mut running = index
        .inner
        .building
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    *running = running.saturating_add_signed(change);
    index.inner.built.notify_all();
}
