//! The durable event log: sled trees `events` (big-endian sequence → event JSON) and `receipts`
//! (commandId → outcome), plus read-model snapshots as files in `<state dir>/snapshots/`.
//! Snapshots are tens of megabytes on large stores; kept out of sled they neither churn its log
//! nor lengthen its recovery at start-up.
//!
//! A batch of events, the receipts of the commands that produced them and what the events did
//! to the threads' lists ([`super::history`]) go in one sled transaction, so after any crash a
//! command is either wholly present (events + receipt + lists) or wholly absent; the caller
//! acknowledges only after [`EventLog::flush`].

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;
use std::path::PathBuf;

use super::atomic_file::AtomicWrite;
use super::history::{StoredHistory, HISTORY_TREE};
use super::{Store, StoreError};

const EVENTS: &str = "events";
const RECEIPTS: &str = "receipts";
const SNAPSHOT_DIR: &str = "snapshots";
/// Older snapshots are only a fallback for a newer one that fails to load.
const SNAPSHOTS_KEPT: usize = 2;

/// What happened to a command, remembered so that a retry is answered, not applied twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Receipt {
    Accepted { sequence: u64 },
    Rejected { message: String },
}

/// One command's contribution to a batch.
pub struct CommandWrite {
    pub command_id: String,
    pub receipt: Receipt,
    /// (sequence, event JSON), in order.
    pub events: Vec<(u64, Vec<u8>)>,
}

#[derive(Clone)]
pub struct EventLog {
    pub(super) store: Store,
    pub(super) events: sled::Tree,
    receipts: sled::Tree,
    history: StoredHistory,
    pub(super) snapshot_dir: PathBuf,
}

impl EventLog {
    pub fn open(store: &Store) -> Result<EventLog, StoreError> {
        let db = store.db();
        let state_dir = store.path().parent().unwrap_or(store.path());
        Ok(EventLog {
            store: store.clone(),
            events: db.open_tree(EVENTS)?,
            receipts: db.open_tree(RECEIPTS)?,
            history: StoredHistory::new(db.open_tree(HISTORY_TREE)?),
            snapshot_dir: state_dir.join(SNAPSHOT_DIR),
        })
    }

    /// The sequence of the last event in the log (0 when empty; a log rebuilt from a snapshot
    /// starts at that snapshot's sequence).
    pub fn last_sequence(&self) -> Result<u64, StoreError> {
        let last = match self.events.last()? {
            Some((key, _)) => decode_key(&key),
            None => 0,
        };
        Ok(last.max(self.log_base()?.map_or(0, |base| base.sequence)))
    }

    /// The threads' lists.
    pub fn history(&self) -> &StoredHistory {
        &self.history
    }

    /// The store's cache bound (where recently read history stays).
    pub fn cache_bytes(&self) -> u64 {
        self.store.cache_bytes()
    }

    /// The store's files' size.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.store.db().size_on_disk()?)
    }

    /// Writes a batch of events and receipts atomically (not yet durable: call
    /// [`EventLog::flush`]).
    pub fn write_batch(&self, batch: &[CommandWrite]) -> Result<(), StoreError> {
        self.write_batch_with_history(batch, &sled::Batch::default())
    }

    /// [`EventLog::write_batch`], with the batch's writes to the threads' lists in the same
    /// transaction.
    pub fn write_batch_with_history(
        &self,
        batch: &[CommandWrite],
        history: &sled::Batch,
    ) -> Result<(), StoreError> {
        let mut events = sled::Batch::default();
        let mut receipts = sled::Batch::default();
        for write in batch {
            for (sequence, json) in &write.events {
                events.insert(&sequence.to_be_bytes(), json.as_slice());
            }
            let receipt =
                serde_json::to_vec(&write.receipt).map_err(|source| StoreError::Encode {
                    what: "receipt",
                    source,
                })?;
            receipts.insert(write.command_id.as_bytes(), receipt);
        }
        (&self.events, &self.receipts, self.history.tree())
            .transaction(|(ev, rc, hi)| {
                ev.apply_batch(&events)?;
                rc.apply_batch(&receipts)?;
                hi.apply_batch(history)?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(err) => StoreError::Io(err),
                TransactionError::Abort(()) => StoreError::Aborted,
            })
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush().map(|_| ())
    }

    /// The recorded outcome of `command_id`; an unreadable receipt is an error, never "unknown"
    /// (a retry read as unknown would be applied twice).
    pub fn receipt(&self, command_id: &str) -> Result<Option<Receipt>, StoreError> {
        match self.receipts.get(command_id.as_bytes())? {
            Some(raw) => {
                serde_json::from_slice(&raw)
                    .map(Some)
                    .map_err(|e| StoreError::BadReceipt {
                        command_id: command_id.to_string(),
                        message: e.to_string(),
                    })
            }
            None => Ok(None),
        }
    }

    /// Raw event JSON with sequence in (`after`, `up_to`], at most `limit`, in order.
    pub fn read_range(
        &self,
        after: u64,
        up_to: u64,
        limit: usize,
    ) -> Result<Vec<(u64, sled::IVec)>, StoreError> {
        let mut out = Vec::new();
        if after >= up_to {
            return Ok(out);
        }
        let start = after.saturating_add(1).to_be_bytes();
        let end = up_to.to_be_bytes();
        for item in self.events.range(start..=end).take(limit) {
            let (key, value) = item?;
            out.push((decode_key(&key), value));
        }
        Ok(out)
    }

    /// Iterates raw events after `after`, for start-up replay.
    pub fn iter_after(
        &self,
        after: u64,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> {
        self.events
            .range(after.saturating_add(1).to_be_bytes()..)
            .map(|item| {
                item.map(|(k, v)| (decode_key(&k), v))
                    .map_err(StoreError::Io)
            })
    }

    /// Stores a snapshot of the read model at `sequence` durably (temp file, fsync, rename,
    /// fsync of the directory), then drops all but the newest two.
    pub fn save_snapshot(&self, sequence: u64, json: &[u8]) -> Result<(), StoreError> {
        let path = self.snapshot_dir.join(snapshot_name(sequence));
        let io = |source: std::io::Error| StoreError::Snapshot {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&self.snapshot_dir).map_err(io)?;
        AtomicWrite::to(&path)
            .syncing_dir()
            .write(&self.framed_snapshot(sequence, json))
            .map_err(io)?;
        let mut sequences = self.snapshot_sequences().map_err(io)?;
        sequences.sort_unstable_by(|a, b| b.cmp(a));
        // The snapshot a rebuilt log starts from holds events found nowhere else.
        let base = self.log_base().ok().flatten().map(|base| base.sequence);
        for old in sequences.into_iter().skip(SNAPSHOTS_KEPT) {
            if Some(old) == base {
                continue;
            }
            let _ = std::fs::remove_file(self.snapshot_dir.join(snapshot_name(old)));
        }
        Ok(())
    }

    fn snapshot_sequences(&self) -> std::io::Result<Vec<u64>> {
        let entries = match std::fs::read_dir(&self.snapshot_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name();
                let name = name.to_str()?;
                name.strip_suffix(".json")?.parse::<u64>().ok()
            })
            .collect())
    }

    /// Snapshots whose checksum holds (see [`super::snapshots`]), newest first, read one at a
    /// time: start-up usually needs only the first, and each can be tens of megabytes. A file
    /// that fails its check is skipped with a warning.
    pub fn snapshots_newest_first(
        &self,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        let mut sequences = self.snapshot_sequences().unwrap_or_default();
        sequences.sort_unstable_by(|a, b| b.cmp(a));
        sequences
            .into_iter()
            .filter_map(move |sequence| self.checked_snapshot(sequence).map(Ok))
    }
}

fn snapshot_name(sequence: u64) -> String {
    format!("{sequence:020}.json")
}

fn decode_key(key: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[8 - n..].copy_from_slice(&key[key.len() - n..]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(id: &str, first: u64, n: u64) -> CommandWrite {
        CommandWrite {
            command_id: id.into(),
            receipt: Receipt::Accepted {
                sequence: first + n - 1,
            },
            events: (first..first + n)
                .map(|s| (s, format!("{{\"sequence\":{s}}}").into_bytes()))
                .collect(),
        }
    }

    #[test]
    fn batches_receipts_ranges_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let log = EventLog::open(&store).unwrap();
            assert_eq!(log.last_sequence().unwrap(), 0);
            log.write_batch(&[write("c1", 1, 2), write("c2", 3, 1)])
                .unwrap();
            log.write_batch(&[CommandWrite {
                command_id: "bad".into(),
                receipt: Receipt::Rejected {
                    message: "nope".into(),
                },
                events: vec![],
            }])
            .unwrap();
            log.flush().unwrap();
        }
        let store = super::super::reopen_for_test(dir.path());
        let log = EventLog::open(&store).unwrap();
        assert_eq!(log.last_sequence().unwrap(), 3);
        assert_eq!(
            log.receipt("c1").unwrap(),
            Some(Receipt::Accepted { sequence: 2 })
        );
        assert_eq!(
            log.receipt("bad").unwrap(),
            Some(Receipt::Rejected {
                message: "nope".into()
            })
        );
        assert_eq!(log.receipt("unknown").unwrap(), None);
        let page = log.read_range(1, 3, 10).unwrap();
        assert_eq!(page.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(log.read_range(0, 3, 1).unwrap().len(), 1);
        assert!(log.read_range(3, 3, 10).unwrap().is_empty());
        let tail: Vec<u64> = log.iter_after(1).map(|r| r.unwrap().0).collect();
        assert_eq!(tail, vec![2, 3]);
    }

    #[test]
    fn an_unreadable_receipt_is_an_error_not_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let log = EventLog::open(&store).unwrap();
        log.receipts
            .insert(b"c1", &b"{\"status\":\"acc"[..])
            .unwrap();
        let err = log.receipt("c1").unwrap_err();
        assert!(matches!(err, StoreError::BadReceipt { .. }), "{err:?}");
        assert!(err.to_string().contains("c1"), "{err}");
    }

    #[test]
    fn keeps_the_two_newest_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let log = EventLog::open(&store).unwrap();
        for s in [10u64, 20, 30] {
            log.save_snapshot(s, format!("{s}").as_bytes()).unwrap();
        }
        let snaps: Vec<(u64, Vec<u8>)> = log.snapshots_newest_first().map(|r| r.unwrap()).collect();
        assert_eq!(
            snaps.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            vec![30, 20]
        );
    }
}
