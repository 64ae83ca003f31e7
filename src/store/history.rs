//! The `history` sled tree: every thread's lists, laid out as
//! [`t3rs_core::orchestration::history_kv`] says, written in the same transaction as the events
//! they come from ([`super::event_log::EventLog::write_batch`]).
//!
//! [`StoredHistory`] reads what is durable; [`Pending`] is what the Engine projects through
//! while a batch is open: its writes wait in an [`Overlay`] that its reads see first, and the
//! flush turns the overlay into the batch's part of the transaction.

use std::collections::BTreeMap;
use std::ops::Bound;

use t3rs_core::orchestration::history_kv::{Entry, HistoryKv, HistoryRead, MemoryKv};
use t3rs_core::orchestration::tail_replay::{event_thread, write_meta};
use t3rs_core::orchestration::thread_lists::HistoryError;
use t3rs_core::orchestration::{project, Event, ReadModel};

use super::history_as_of::Captures;

pub const HISTORY_TREE: &str = "history";
/// Set once the tree holds every thread's lists (a store from before the tree had none).
pub const BUILT_KEY: &[u8] = b"\xffbuilt";

fn failed(e: sled::Error) -> HistoryError {
    HistoryError(format!("the store cannot read the history: {e}"))
}

/// The durable lists: cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct StoredHistory {
    tree: sled::Tree,
}

impl StoredHistory {
    pub fn new(tree: sled::Tree) -> StoredHistory {
        StoredHistory { tree }
    }

    pub fn tree(&self) -> &sled::Tree {
        &self.tree
    }

    /// Writes `lists` (every thread's, as [`FullModel::split`] makes them) with the mark that
    /// the lists are built, in one batch; returns how many entries it wrote.
    ///
    /// [`FullModel::split`]: t3rs_core::orchestration::FullModel::split
    pub fn build_from(&self, lists: MemoryKv) -> Result<usize, sled::Error> {
        let mut batch = sled::Batch::default();
        let entries = lists.0.len();
        for (key, value) in lists.0 {
            batch.insert(key, value);
        }
        batch.insert(BUILT_KEY, &b"1"[..]);
        self.tree.apply_batch(batch)?;
        Ok(entries)
    }

    /// Whether the lists were built: a store written before the tree existed has events but
    /// no lists until start-up moves them in.
    pub fn is_built(&self) -> Result<bool, HistoryError> {
        self.tree.contains_key(BUILT_KEY).map_err(failed)
    }
}

fn scan_tree(tree: &sled::Tree, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError> {
    tree.scan_prefix(prefix)
        .map(|item| item.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(failed))
        .collect()
}

impl HistoryRead for StoredHistory {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HistoryError> {
        Ok(self.tree.get(key).map_err(failed)?.map(|v| v.to_vec()))
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError> {
        scan_tree(&self.tree, prefix)
    }

    fn first(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        match self.tree.scan_prefix(prefix).next() {
            Some(item) => Ok(Some(
                item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .map_err(failed)?,
            )),
            None => Ok(None),
        }
    }

    fn last(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        match self.tree.scan_prefix(prefix).next_back() {
            Some(item) => Ok(Some(
                item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .map_err(failed)?,
            )),
            None => Ok(None),
        }
    }

    fn scan_back(
        &self,
        prefix: &[u8],
        end: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), HistoryError> {
        if end <= prefix {
            return Ok(());
        }
        for item in self.tree.range(prefix..end).rev() {
            let (key, value) = item.map_err(failed)?;
            if !key.starts_with(prefix) || !visit(&key, &value) {
                break;
            }
        }
        Ok(())
    }
}

/// The open batch's writes to the history: a value, or `None` for a removal.
#[derive(Default, Debug)]
pub struct Overlay {
    entries: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The writes as one sled batch (for the flush's transaction), leaving the overlay empty.
    pub fn take_batch(&mut self) -> sled::Batch {
        let mut batch = sled::Batch::default();
        for (key, value) in std::mem::take(&mut self.entries) {
            match value {
                Some(value) => batch.insert(key, value),
                None => batch.remove(key),
            }
        }
        batch
    }

    /// The keys the batch writes.
    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.keys().map(Vec::as_slice)
    }

    /// The overlay's entries under `prefix`.
    fn under<'a>(
        &'a self,
        prefix: &'a [u8],
    ) -> impl DoubleEndedIterator<Item = (&'a Vec<u8>, &'a Option<Vec<u8>>)> + 'a {
        let end = match prefix_end(prefix) {
            Some(end) => Bound::Excluded(end),
            None => Bound::Unbounded,
        };
        self.entries
            .range::<Vec<u8>, _>((Bound::Included(prefix.to_vec()), end))
    }
}

/// The first key after every key that starts with `prefix` (`None`: there is none).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// The store as the open batch sees it.
pub struct Pending<'a> {
    pub stored: &'a StoredHistory,
    pub overlay: &'a mut Overlay,
}

impl HistoryRead for Pending<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HistoryError> {
        match self.overlay.entries.get(key) {
            Some(value) => Ok(value.clone()),
            None => self.stored.get(key),
        }
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> =
            scan_tree(&self.stored.tree, prefix)?.into_iter().collect();
        for (key, value) in self.overlay.under(prefix) {
            match value {
                Some(value) => merged.insert(key.clone(), value.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().collect())
    }

    fn first(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        let mut stored = None;
        for item in self.stored.tree.scan_prefix(prefix) {
            let (key, value) = item.map_err(failed)?;
            // A key the batch removed or rewrote is the overlay's to answer.
            if !self.overlay.entries.contains_key(key.as_ref()) {
                stored = Some((key.to_vec(), value.to_vec()));
                break;
            }
        }
        let pending = self
            .overlay
            .under(prefix)
            .find_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())));
        Ok(match (stored, pending) {
            (Some(s), Some(p)) => Some(if s.0 < p.0 { s } else { p }),
            (s, p) => s.or(p),
        })
    }

    fn last(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        let mut stored = None;
        for item in self.stored.tree.scan_prefix(prefix).rev() {
            let (key, value) = item.map_err(failed)?;
            if !self.overlay.entries.contains_key(key.as_ref()) {
                stored = Some((key.to_vec(), value.to_vec()));
                break;
            }
        }
        let pending = self
            .overlay
            .under(prefix)
            .rev()
            .find_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())));
        Ok(match (stored, pending) {
            (Some(s), Some(p)) => Some(if s.0 > p.0 { s } else { p }),
            (s, p) => s.or(p),
        })
    }
}

impl HistoryKv for Pending<'_> {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.entries.insert(key, Some(value));
    }

    fn delete(&mut self, key: Vec<u8>) {
        self.overlay.entries.insert(key, None);
    }
}

/// What an open batch does to the threads' lists: the Engine's, and that of anything that
/// writes a store as the Engine does (benches, tests). Events go through [`BatchLists::project`];
/// [`BatchLists::finish`] adds the summaries of the threads they touched and hands over the
/// batch's part of the transaction.
#[derive(Default)]
pub struct BatchLists {
    overlay: Overlay,
    touched: Vec<String>,
}

impl BatchLists {
    /// Projects `event` onto the rows and the lists (reads see the batch's earlier writes).
    pub fn project(
        &mut self,
        model: &mut ReadModel,
        stored: &StoredHistory,
        event: &Event,
    ) -> Result<(), HistoryError> {
        let mut pending = Pending {
            stored,
            overlay: &mut self.overlay,
        };
        project(model, &mut pending, event)?;
        if let Some(thread_id) = event_thread(event) {
            if self.touched.last().map(String::as_str) != Some(thread_id) {
                self.touched.push(thread_id.to_string());
            }
        }
        Ok(())
    }

    /// The batch's writes, with the touched threads' summaries from `model`; `captures`' open
    /// readers are first told what those keys held. Leaves the batch empty.
    pub fn finish(
        &mut self,
        model: &ReadModel,
        stored: &StoredHistory,
        captures: Option<&Captures>,
    ) -> Result<sled::Batch, HistoryError> {
        let touched = std::mem::take(&mut self.touched);
        let mut pending = Pending {
            stored,
            overlay: &mut self.overlay,
        };
        write_meta(model, &mut pending, touched.iter().map(String::as_str));
        if let Some(captures) = captures {
            captures.record(stored, self.overlay.keys())?;
        }
        Ok(self.overlay.take_batch())
    }
}

#[cfg(test)]
mod tests;
