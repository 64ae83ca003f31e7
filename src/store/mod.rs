//! The sled database in the state directory: opened once with a bounded cache, its schema
//! version checked (a store from a newer t3rs is refused), flushed on shutdown. The event log,
//! receipts and snapshots live in [`event_log`].

pub mod atomic_file;
pub mod attachments;
pub mod event_log;
pub mod guarded_tree;
pub mod health;
pub mod history;
pub mod history_as_of;
pub mod snapshot_body;
pub mod snapshot_writer;
pub mod snapshots;
pub mod space;
pub mod verify;

use std::path::{Path, PathBuf};

/// The store layout this build writes. Bump it with every incompatible change.
/// 2: the threads' lists live in the `history` tree, written with their events (an older
/// build would append events without them, so it must refuse the store).
pub const SCHEMA_VERSION: u32 = 2;
const META_TREE: &str = "meta";
const SCHEMA_KEY: &[u8] = b"schema_version";
/// sled's default cache is 1 GiB; a local tool should not hold that much. Reads are sequential
/// (replay), small (receipts) or one thread's history at a time, so a small cache costs
/// little: measured with 1M events, 64 MiB vs 16 MiB changed neither dispatch throughput nor
/// start-up time, only RSS. `history_cache_bytes` sets it.
pub const CACHE_BYTES: u64 = crate::settings::DEFAULT_HISTORY_CACHE_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error(
        "the store at {path} was written by a newer t3rs (schema v{found}; this build reads up \
         to v{SCHEMA_VERSION}). Upgrade t3rs or start with another --state-dir"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("the store at {path} has a corrupt schema version record")]
    BadVersion { path: PathBuf },
    #[error("store I/O failed: {0}")]
    Io(#[from] sled::Error),
    /// A value could not be encoded for the store (nothing was written).
    #[error("cannot encode the {what} for the store: {source}")]
    Encode {
        what: &'static str,
        source: serde_json::Error,
    },
    /// A stored receipt cannot be read: whether its command was applied is unknown, so a retry
    /// must be refused rather than applied a second time.
    #[error(
        "the receipt of command {command_id} in the store cannot be read ({message}); the \
         store is damaged, so the command is refused rather than perhaps applied twice"
    )]
    BadReceipt { command_id: String, message: String },
    /// sled aborted the batch's transaction (nothing was written).
    #[error("the store aborted the batch's transaction; nothing was written")]
    Aborted,
    #[error("snapshot file {path}: {source}")]
    Snapshot {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl StoreError {
    /// The filesystem is full (ENOSPC), as opposed to any other failure.
    pub fn is_no_space(&self) -> bool {
        match self {
            StoreError::Open { source, .. } | StoreError::Io(source) => match source {
                sled::Error::Io(io) => is_enospc(io),
                _ => false,
            },
            StoreError::Snapshot { source, .. } => is_enospc(source),
            _ => false,
        }
    }
}

/// sled repeats a failed write's error as a custom one that carries only its text.
fn is_enospc(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(nix::errno::Errno::ENOSPC as i32)
        || error.to_string().contains("No space left on device")
}

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    cache_bytes: u64,
}

impl Store {
    /// Opens (creating if needed) the store under `state_dir/db`.
    pub fn open(state_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_cache(state_dir, CACHE_BYTES)
    }

    /// [`Store::open`] with a cache of `cache_bytes`.
    pub fn open_with_cache(state_dir: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        let path = state_dir.join("db");
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(cache_bytes)
            .open()
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        let meta = db.open_tree(META_TREE)?;
        match meta.get(SCHEMA_KEY)? {
            None => {
                meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                db.flush()?;
            }
            Some(raw) => {
                let bytes: [u8; 4] = raw
                    .as_ref()
                    .try_into()
                    .map_err(|_| StoreError::BadVersion { path: path.clone() })?;
                let found = u32::from_be_bytes(bytes);
                if found > SCHEMA_VERSION {
                    return Err(StoreError::TooNew { path, found });
                }
                if found < SCHEMA_VERSION {
                    // Start-up brings the layout up to date (event_log's history); from now on
                    // an older build refuses the store rather than write events without lists.
                    meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                    db.flush()?;
                }
            }
        }
        Ok(Store {
            db,
            path,
            cache_bytes,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// The cache's bound, as it was opened with.
    pub fn cache_bytes(&self) -> u64 {
        self.cache_bytes
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<usize, StoreError> {
        Ok(self.db.flush()?)
    }
}

/// Test helper: reopens a store that was just dropped in this process. sled releases its file
/// lock from a background thread a moment after the last handle goes, so an immediate reopen
/// can fail; the server itself only reopens in a new process.
#[cfg(test)]
pub(crate) fn reopen_for_test(state_dir: &Path) -> Store {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Store::open(state_dir) {
            Ok(store) => return store,
            Err(err) if std::time::Instant::now() < deadline => {
                log::debug!("store still locked: {err}");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(err) => panic!("store did not reopen: {err}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_store_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let meta = store.db().open_tree(META_TREE).unwrap();
            meta.insert(SCHEMA_KEY, &(SCHEMA_VERSION + 1).to_be_bytes())
                .unwrap();
            store.flush().unwrap();
        }
        let err = loop {
            match Store::open(dir.path()) {
                Err(StoreError::Open { .. }) => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Err(err) => break err.to_string(),
                Ok(_) => panic!("a store from a newer version was opened"),
            }
        };
        assert!(err.contains("newer t3rs"), "{err}");
    }

    #[test]
    fn reopens_its_own_version() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        drop(reopen_for_test(dir.path()));
    }
}
