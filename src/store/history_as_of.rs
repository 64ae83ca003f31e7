//! The threads' lists as they were at one sequence, while the Engine goes on writing: what a
//! `getSnapshot` reads off the Engine's thread. sled has no snapshots of its own, so each open
//! reader ([`AsOf`]) is handed the value every key had before the first write to it after the
//! reader's sequence; the Engine records those pre-images ([`Captures::record`]) before it
//! writes each batch. A reader reads the store, then puts the recorded pre-images over what it
//! read: a key written before it was read shows its old value from the record, one written
//! after shows it in the store; either way the reader sees the value at its sequence.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use t3rs_core::orchestration::history_kv::{Entry, HistoryRead};
use t3rs_core::orchestration::thread_lists::HistoryError;

use super::history::StoredHistory;

/// Pre-images for one reader: key → its value at the reader's sequence (`None`: absent).
#[derive(Default)]
pub struct Capture {
    before: Mutex<HashMap<Vec<u8>, Option<Vec<u8>>>>,
}

impl Capture {
    fn recorded(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Option<Vec<u8>>>> {
        self.before.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many keys were recorded (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.recorded().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The open readers, shared by the Engine (which records) and the readers (which hold them).
#[derive(Clone, Default)]
pub struct Captures(Arc<Mutex<Vec<Weak<Capture>>>>);

impl Captures {
    /// A reader of the store as it is now (the caller holds no open batch).
    pub fn open(&self, stored: &StoredHistory) -> AsOf {
        let capture = Arc::new(Capture::default());
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|c| c.strong_count() > 0);
        open.push(Arc::downgrade(&capture));
        AsOf {
            stored: stored.clone(),
            capture,
        }
    }

    /// Records, for every open reader, the durable value of each of `keys` it has no value for
    /// yet: call it before the batch that writes `keys` goes to the store.
    pub fn record<'a>(
        &self,
        stored: &StoredHistory,
        keys: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(), HistoryError> {
        let open: Vec<Arc<Capture>> = {
            let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            open.retain(|c| c.strong_count() > 0);
            open.iter().filter_map(Weak::upgrade).collect()
        };
        if open.is_empty() {
            return Ok(());
        }
        for key in keys {
            let mut durable = None;
            for capture in &open {
                let mut recorded = capture.recorded();
                if !recorded.contains_key(key) {
                    if durable.is_none() {
                        durable = Some(stored.get(key)?);
                    }
                    recorded.insert(key.to_vec(), durable.clone().flatten());
                }
            }
        }
        Ok(())
    }
}

/// The store at the sequence its reader was opened at.
pub struct AsOf {
    stored: StoredHistory,
    capture: Arc<Capture>,
}

impl AsOf {
    pub fn capture(&self) -> &Capture {
        &self.capture
    }
}

impl HistoryRead for AsOf {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HistoryError> {
        let now = self.stored.get(key)?;
        Ok(match self.capture.recorded().get(key) {
            Some(before) => before.clone(),
            None => now,
        })
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, HistoryError> {
        let stored = self.stored.scan(prefix)?;
        let recorded = self.capture.recorded();
        if !recorded.keys().any(|key| key.starts_with(prefix)) {
            return Ok(stored);
        }
        let mut seen: BTreeMap<Vec<u8>, Vec<u8>> = stored.into_iter().collect();
        for (key, before) in recorded.iter() {
            if !key.starts_with(prefix) {
                continue;
            }
            match before {
                Some(value) => seen.insert(key.clone(), value.clone()),
                None => seen.remove(key),
            };
        }
        Ok(seen.into_iter().collect())
    }

    fn first(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        Ok(self.scan(prefix)?.into_iter().next())
    }

    fn last(&self, prefix: &[u8]) -> Result<Option<Entry>, HistoryError> {
        Ok(self.scan(prefix)?.into_iter().next_back())
    }
}

#[cfg(test)]
mod tests {
    use t3rs_core::orchestration::history_kv::{HistoryKv, MemoryKv};

    use super::*;

    /// Writes `entries` through the capture protocol, as the Engine's flush does.
    fn write(captures: &Captures, stored: &StoredHistory, entries: &[(&[u8], Option<&[u8]>)]) {
        captures
            .record(stored, entries.iter().map(|(k, _)| *k))
            .unwrap();
        let mut batch = sled::Batch::default();
        for (key, value) in entries {
            match value {
                Some(v) => batch.insert(*key, *v),
                None => batch.remove(*key),
            }
        }
        stored.tree().apply_batch(batch).unwrap();
    }

    #[test]
    fn a_reader_sees_the_store_as_it_was_when_it_opened() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let stored = StoredHistory::new(db.open_tree("history").unwrap());
        let captures = Captures::default();
        write(
            &captures,
            &stored,
            &[(b"a1", Some(b"x")), (b"a2", Some(b"y"))],
        );
        let mut then = MemoryKv::default();
        then.put(b"a1".to_vec(), b"x".to_vec());
        then.put(b"a2".to_vec(), b"y".to_vec());

        let reader = captures.open(&stored);
        // After it opened: an overwrite, a removal, an insert, twice over.
        write(
            &captures,
            &stored,
            &[(b"a1", Some(b"x2")), (b"a2", None), (b"a3", Some(b"z"))],
        );
        write(
            &captures,
            &stored,
            &[(b"a1", Some(b"x3")), (b"a2", Some(b"w"))],
        );
        for prefix in [&b"a"[..], b"a1", b""] {
            assert_eq!(reader.scan(prefix).unwrap(), then.scan(prefix).unwrap());
        }
        assert_eq!(reader.get(b"a3").unwrap(), None);
        assert_eq!(reader.get(b"a1").unwrap(), Some(b"x".to_vec()));
        assert_eq!(reader.last(b"a").unwrap(), then.last(b"a").unwrap());
        assert_eq!(reader.capture().len(), 3);
        // A reader opened now sees the new state, and a dropped one costs nothing more.
        let later = captures.open(&stored);
        drop(reader);
        write(&captures, &stored, &[(b"a4", Some(b"v"))]);
        assert_eq!(later.get(b"a1").unwrap(), Some(b"x3".to_vec()));
        assert_eq!(later.get(b"a4").unwrap(), None);
        assert_eq!(captures.0.lock().unwrap().len(), 1);
    }
}
