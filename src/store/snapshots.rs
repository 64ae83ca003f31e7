//! The snapshot file format: `<state dir>/snapshots/<sequence, 20 digits>.json`, one header line
//! and then the read model's JSON:
//!
//! ```text
//! t3rs-snapshot v1 sequence=<n> last-event-sha256=<hex> body-sha256=<hex>
//! {…read model…}
//! ```
//!
//! `body-sha256` covers every byte after the header line, so one flipped bit anywhere in the
//! model is found; `last-event-sha256` is the SHA-256 of the raw JSON of event `n` in the log,
//! so a snapshot is only used with the log it was taken from. A file without the header was
//! written by an earlier t3rs: it is not trusted (the read model is replayed from the log
//! instead), and the next snapshot the server takes is checksummed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

use super::event_log::EventLog;
use super::StoreError;

const MAGIC: &str = "t3rs-snapshot v1 ";
/// The last-event hash of a snapshot at sequence 0 (no event).
pub const NO_EVENT: &str = "none";

/// A parsed header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub sequence: u64,
    pub last_event_sha256: String,
    pub body_sha256: String,
}

/// Why a snapshot file is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotFault {
    #[error("it has no checksum (written by an earlier t3rs), so it is not trusted")]
    Legacy,
    #[error("its header is unreadable ({0})")]
    BadHeader(String),
    #[error("its file name says sequence {file} but its header says {header}")]
    SequenceMismatch { file: u64, header: u64 },
    #[error("its checksum does not match its contents (sha256 {found}, header says {expected})")]
    BodyMismatch { expected: String, found: String },
    #[error("it was not taken from this log (event {sequence} differs from the one it covers)")]
    OtherLog { sequence: u64 },
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

pub fn file_name(sequence: u64) -> String {
    format!("{sequence:020}.json")
}

/// The header line for a body (ends with `\n`).
pub fn header_line(sequence: u64, last_event_sha256: &str, body: &[u8]) -> String {
    format!(
        "{MAGIC}sequence={sequence} last-event-sha256={last_event_sha256} body-sha256={}\n",
        sha256_hex(body)
    )
}

/// Checks a file's header and body checksum; returns the header and where the body starts.
/// The last-event hash is checked by the caller, which has the log.
pub fn verify(file_sequence: u64, bytes: &[u8]) -> Result<(Header, usize), SnapshotFault> {
    if !bytes.starts_with(MAGIC.as_bytes()) {
        return Err(SnapshotFault::Legacy);
    }
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| SnapshotFault::BadHeader("no end of line".into()))?;
    let line = std::str::from_utf8(&bytes[MAGIC.len()..end])
        .map_err(|_| SnapshotFault::BadHeader("not UTF-8".into()))?;
    let mut sequence = None;
    let mut last = None;
    let mut body = None;
    for field in line.split(' ') {
        match field.split_once('=') {
            Some(("sequence", v)) => sequence = v.parse::<u64>().ok(),
            Some(("last-event-sha256", v)) => last = Some(v.to_string()),
            Some(("body-sha256", v)) => body = Some(v.to_string()),
            _ => {}
        }
    }
    let (Some(sequence), Some(last_event_sha256), Some(body_sha256)) = (sequence, last, body)
    else {
        return Err(SnapshotFault::BadHeader(format!(
            "fields missing in {line:?}"
        )));
    };
    if sequence != file_sequence {
        return Err(SnapshotFault::SequenceMismatch {
            file: file_sequence,
            header: sequence,
        });
    }
    let found = sha256_hex(&bytes[end + 1..]);
    if found != body_sha256 {
        return Err(SnapshotFault::BodyMismatch {
            expected: body_sha256,
            found,
        });
    }
    Ok((
        Header {
            sequence,
            last_event_sha256,
            body_sha256,
        },
        end + 1,
    ))
}

/// The sequences of the snapshot files in `dir`, newest first (none when it does not exist).
pub fn sequences_newest_first(dir: &Path) -> std::io::Result<Vec<u64>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut sequences: Vec<u64> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            name.strip_suffix(".json")?.parse::<u64>().ok()
        })
        .collect();
    sequences.sort_unstable_by(|a, b| b.cmp(a));
    Ok(sequences)
}

/// Where a log rebuilt from a snapshot starts (`t3rs doctor --rebuild-from-snapshot`): events
/// up to `sequence` are only in that snapshot, which is never pruned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogBase {
    pub sequence: u64,
    pub last_event_sha256: String,
}

const META_TREE: &str = "meta";
const LOG_BASE_KEY: &[u8] = b"log_base";

/// One snapshot file as the doctor reports it.
#[derive(Debug, Clone)]
pub struct SnapshotStatus {
    pub sequence: u64,
    /// `Ok` when its checksum holds and it belongs to this log (or is ahead of it: `ahead`).
    pub verdict: Result<(), String>,
    pub ahead: bool,
}

impl EventLog {
    pub fn log_base(&self) -> Result<Option<LogBase>, StoreError> {
        let meta = self.store.db().open_tree(META_TREE)?;
        Ok(meta
            .get(LOG_BASE_KEY)?
            .and_then(|raw| serde_json::from_slice(&raw).ok()))
    }

    /// Records that the log starts after `base` (durable on return).
    pub fn set_log_base(&self, base: &LogBase) -> Result<(), StoreError> {
        let meta = self.store.db().open_tree(META_TREE)?;
        let json = serde_json::to_vec(base).map_err(|source| StoreError::Encode {
            what: "log base",
            source,
        })?;
        meta.insert(LOG_BASE_KEY, json)?;
        self.flush()
    }

    /// The hash a snapshot at `sequence` records for the last event it covers; `None` when
    /// the log has no such event.
    pub fn event_hash(&self, sequence: u64) -> Result<Option<String>, StoreError> {
        if sequence == 0 {
            return Ok(Some(NO_EVENT.to_string()));
        }
        if let Some(raw) = self.events.get(sequence.to_be_bytes())? {
            return Ok(Some(sha256_hex(&raw)));
        }
        Ok(self
            .log_base()?
            .filter(|base| base.sequence == sequence)
            .map(|base| base.last_event_sha256))
    }

    /// The bytes of a snapshot file: header line, then the model's JSON.
    pub(super) fn framed_snapshot(&self, sequence: u64, json: &[u8]) -> Vec<u8> {
        let last = match self.event_hash(sequence) {
            Ok(Some(hash)) => hash,
            Ok(None) => "unknown".to_string(),
            Err(err) => {
                log::warn!("snapshot {sequence}: cannot read the event it covers: {err}");
                "unknown".to_string()
            }
        };
        let mut bytes = header_line(sequence, &last, json).into_bytes();
        bytes.extend_from_slice(json);
        bytes
    }

    /// Reads and checks one snapshot file; `Err` says why it is not to be used.
    pub fn read_snapshot(&self, sequence: u64) -> Result<Vec<u8>, String> {
        let path = self.snapshot_dir.join(file_name(sequence));
        let mut bytes = std::fs::read(&path).map_err(|e| format!("cannot be read: {e}"))?;
        let (header, start) = verify(sequence, &bytes).map_err(|f| f.to_string())?;
        let durable = self.last_sequence().map_err(|e| e.to_string())?;
        if sequence <= durable {
            let found = self.event_hash(sequence).map_err(|e| e.to_string())?;
            if found.as_deref() != Some(header.last_event_sha256.as_str()) {
                return Err(SnapshotFault::OtherLog { sequence }.to_string());
            }
        }
        bytes.drain(..start);
        Ok(bytes)
    }

    /// A checked snapshot for start-up, or `None` (with a warning) when it is not to be used.
    pub(super) fn checked_snapshot(&self, sequence: u64) -> Option<(u64, Vec<u8>)> {
        match self.read_snapshot(sequence) {
            Ok(body) => Some((sequence, body)),
            Err(why) => {
                log::warn!(
                    "snapshot {} is not used: {why}; trying an older one or a replay of the log",
                    self.snapshot_dir.join(file_name(sequence)).display()
                );
                None
            }
        }
    }

    pub fn snapshot_dir(&self) -> &Path {
        &self.snapshot_dir
    }

    /// The sequence of the newest snapshot file, whatever its state.
    pub fn newest_snapshot_file(&self) -> Option<u64> {
        sequences_newest_first(&self.snapshot_dir)
            .ok()
            .and_then(|s| s.first().copied())
    }

    /// Every snapshot file, newest first, with its verdict.
    pub fn snapshot_report(&self) -> Result<Vec<SnapshotStatus>, StoreError> {
        let durable = self.last_sequence()?;
        let sequences =
            sequences_newest_first(&self.snapshot_dir).map_err(|source| StoreError::Snapshot {
                path: self.snapshot_dir.clone(),
                source,
            })?;
        Ok(sequences
            .into_iter()
            .map(|sequence| SnapshotStatus {
                sequence,
                verdict: self.read_snapshot(sequence).map(|_| ()),
                ahead: sequence > durable,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sequence: u64, body: &[u8]) -> Vec<u8> {
        let mut bytes = header_line(sequence, NO_EVENT, body).into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn a_good_file_verifies_and_every_flipped_bit_of_its_body_is_found() {
        let body = br#"{"title":"hello"}"#;
        let bytes = file(7, body);
        let (header, start) = verify(7, &bytes).unwrap();
        assert_eq!(header.sequence, 7);
        assert_eq!(&bytes[start..], body);
        for i in start..bytes.len() {
            for bit in 0..8 {
                let mut damaged = bytes.clone();
                damaged[i] ^= 1 << bit;
                assert!(matches!(
                    verify(7, &damaged),
                    Err(SnapshotFault::BodyMismatch { .. })
                ));
            }
        }
    }

    #[test]
    fn a_saved_snapshot_is_served_only_intact_and_with_its_own_log() {
        use crate::store::event_log::{CommandWrite, Receipt};
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let log = EventLog::open(&store).unwrap();
        log.write_batch(&[CommandWrite {
            command_id: "c1".into(),
            receipt: Receipt::Accepted { sequence: 1 },
            events: vec![(1, b"{\"sequence\":1}".to_vec())],
        }])
        .unwrap();
        log.save_snapshot(1, br#"{"title":"marker"}"#).unwrap();
        let served: Vec<_> = log.snapshots_newest_first().map(|r| r.unwrap()).collect();
        assert_eq!(served, vec![(1, br#"{"title":"marker"}"#.to_vec())]);
        let path = log.snapshot_dir().join(file_name(1));
        let good = std::fs::read(&path).unwrap();
        let mut flipped = good.clone();
        let at = flipped.len() - 4;
        flipped[at] ^= 0x01;
        std::fs::write(&path, &flipped).unwrap();
        assert_eq!(log.snapshots_newest_first().count(), 0);
        std::fs::write(&path, &good).unwrap();
        log.events.insert(1u64.to_be_bytes(), &b"{}"[..]).unwrap();
        let report = log.snapshot_report().unwrap();
        assert!(report[0]
            .verdict
            .as_ref()
            .unwrap_err()
            .contains("not taken from this log"));
    }

    #[test]
    fn legacy_renamed_and_garbled_files_are_refused() {
        assert_eq!(verify(1, b"{}"), Err(SnapshotFault::Legacy));
        assert!(matches!(
            verify(8, &file(7, b"{}")),
            Err(SnapshotFault::SequenceMismatch { file: 8, header: 7 })
        ));
        assert!(matches!(
            verify(7, b"t3rs-snapshot v1 sequence=7\n{}"),
            Err(SnapshotFault::BadHeader(_))
        ));
    }
}
