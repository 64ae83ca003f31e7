//! The store of what each terminal showed: one file per (thread, terminal) in
//! `<state dir>/terminal-history/` (0700; files 0600), apart from the event log's sled database,
//! so terminal traffic neither rides on a command's fsync nor can a failed history write (a full
//! disk) poison the event log.
//!
//! - **Names.** No client-controlled string becomes a path: a file is named
//!   `<sha256(threadId)>-<sha256(terminalId)>` in hex, so a thread's files share a prefix and a
//!   deleted thread's histories can be found without knowing its terminals.
//! - **Writes** are atomic replacements ([`AtomicWrite`]) made by one writer thread per store,
//!   never by the actors: `save` and `delete` only record the newest state of a file and wake the
//!   writer, which writes the newest state of each waiting file in turn (many saves of a busy
//!   terminal become one write). Until a file's newest state is on disk it is served from memory,
//!   so `load` always sees the last `save` or `delete`.
//! - **Failures** (ENOSPC, a vanished directory) are logged once per terminal until one of its
//!   writes succeeds again; the history stays in memory (served to a reopen) and is written again
//!   with the terminal's next change, or at shutdown.
//! - **Shutdown**: [`HistoryStore::flush`] waits (bounded) for the writer to catch up; the
//!   writer itself finishes its queue once the last handle is dropped.
//!
//! Terminal history used to be a `terminal_history` tree of the sled database; [`open_history`]
//! drops that tree (it is not migrated: terminal history is not acknowledged data).

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::Key;
use crate::store::atomic_file::AtomicWrite;

/// The directory under the state directory.
pub const HISTORY_DIR: &str = "terminal-history";
/// Where terminal history lived before, in the sled database.
const OLD_SLED_TREE: &str = "terminal_history";
/// The prefix `tempfile` gives the temporary files of [`AtomicWrite`].
const TEMP_PREFIX: &str = ".tmp";

/// Opens `<state_dir>/terminal-history` and drops the old sled tree of terminal history from
/// `db` when it is still there.
pub fn open_history(state_dir: &Path, db: &sled::Db) -> Result<HistoryStore, String> {
    let had_old_tree = db
        .tree_names()
        .iter()
        .any(|name| name.as_ref() == OLD_SLED_TREE.as_bytes());
    if had_old_tree {
        match db.drop_tree(OLD_SLED_TREE) {
            Ok(_) => log::info!(
                "terminal history now lives in {}; the old `{OLD_SLED_TREE}` tree of the store \
                 was dropped (histories from before are not carried over)",
                state_dir.join(HISTORY_DIR).display()
            ),
            Err(err) => log::warn!("could not drop the old `{OLD_SLED_TREE}` tree: {err}"),
        }
    }
    let dir = state_dir.join(HISTORY_DIR);
    HistoryStore::open(&dir).map_err(|err| format!("{}: {err}", dir.display()))
}

/// Keeps the last `limit` bytes, cut at a line start when one is near, else at a char boundary.
pub(super) fn cap_history(history: &mut String, limit: usize) {
    if history.len() <= limit {
        return;
    }
    let mut cut = history.len() - limit;
    while !history.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(newline) = history[cut..].find('\n').filter(|n| *n < 4096) {
        cut += newline + 1;
    }
    history.drain(..cut);
}

fn hex_sha256(text: &str) -> String {
    let mut out = String::with_capacity(64);
    for byte in Sha256::digest(text.as_bytes()) {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

fn thread_prefix(thread_id: &str) -> String {
    format!("{}-", hex_sha256(thread_id))
}

/// The file name of a terminal's history: hex digests only, whatever the ids contain.
pub(super) fn file_name(key: &Key) -> String {
    format!("{}{}", thread_prefix(&key.0), hex_sha256(&key.1))
}

/// The terminals' histories on disk. Cheap to clone; the writer thread ends (after writing what
/// is waiting) when the last clone is dropped.
#[derive(Clone)]
pub struct HistoryStore {
    handle: Arc<Handle>,
}

/// Owned by the clones of a store (not by the writer), so its drop tells the writer to finish.
struct Handle {
    shared: Arc<Shared>,
}

struct Shared {
    dir: PathBuf,
    queue: Mutex<Queue>,
    wake: Condvar,
}

#[derive(Default)]
struct Queue {
    /// The files whose newest state is not known to be on disk.
    slots: HashMap<String, Slot>,
    /// Files waiting for the writer, each at most once.
    waiting: VecDeque<String>,
    writing: bool,
    stopping: bool,
    versions: u64,
}

struct Slot {
    /// The newest content; `None` is a deletion.
    content: Option<Arc<[u8]>>,
    version: u64,
    waiting: bool,
    /// The last write failed and was logged; the next failure is not.
    failing: bool,
    /// `thread/terminal` for the log.
    label: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Queue {
    fn put(&mut self, name: String, label: impl FnOnce() -> String, content: Option<Arc<[u8]>>) {
        self.versions += 1;
        let version = self.versions;
        let slot = self.slots.entry(name.clone()).or_insert_with(|| Slot {
            content: None,
            version: 0,
            waiting: false,
            failing: false,
            label: label(),
        });
        slot.content = content;
        slot.version = version;
        if !slot.waiting {
            slot.waiting = true;
            self.waiting.push_back(name);
        }
    }

    fn idle(&self) -> bool {
        self.waiting.is_empty() && !self.writing
    }
}

impl HistoryStore {
    /// Opens (creating, owner-only) the directory and starts its writer. Leftover temporary files
    /// of writes a crash interrupted are removed.
    pub fn open(dir: &Path) -> io::Result<HistoryStore> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        if !fs::symlink_metadata(dir)?.is_dir() {
            return Err(io::Error::other("not a directory"));
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        for entry in fs::read_dir(dir)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        let writer = shared.clone();
        std::thread::Builder::new()
            .name("terminal-history".into())
            .spawn(move || write_loop(&writer))?;
        Ok(HistoryStore {
            handle: Arc::new(Handle { shared }),
        })
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// The stored history of `key`, empty when there is none (or it cannot be read).
    pub(super) fn load(&self, key: &Key) -> String {
        let name = file_name(key);
        if let Some(slot) = self.shared().lock().slots.get(&name) {
            return slot
                .content
                .as_deref()
                .map(|raw| String::from_utf8_lossy(raw).into_owned())
                .unwrap_or_default();
        }
        // Not waiting to be written, so the writer leaves this file alone: read it unlocked.
        match fs::read(self.shared().dir.join(&name)) {
            Ok(raw) => String::from_utf8_lossy(&raw).into_owned(),
            Err(err) if err.kind() == io::ErrorKind::NotFound => String::new(),
            Err(err) => {
                log::warn!("terminal history of {}/{} unreadable: {err}", key.0, key.1);
                String::new()
            }
        }
    }

    /// Records `history` as the newest state of `key`; the writer puts it on disk.
    pub(super) fn save(&self, key: &Key, history: &str) {
        self.put(key, Some(Arc::from(history.as_bytes())));
    }

    /// Forgets the history of `key` (its file goes).
    pub(super) fn delete(&self, key: &Key) {
        self.put(key, None);
    }

    fn put(&self, key: &Key, content: Option<Arc<[u8]>>) {
        let label = || format!("{}/{}", key.0, key.1);
        self.shared().lock().put(file_name(key), label, content);
        self.shared().wake.notify_all();
    }

    /// Forgets every history of `thread_id`, also of terminals not open now.
    pub(super) fn delete_thread(&self, thread_id: &str) {
        let prefix = thread_prefix(thread_id);
        let on_disk: Vec<String> = match fs::read_dir(&self.shared().dir) {
            Ok(entries) => entries
                .flatten()
                .filter_map(|entry| entry.file_name().into_string().ok())
                .filter(|name| name.starts_with(&prefix))
                .collect(),
            Err(err) => {
                log::warn!("terminal histories of thread {thread_id} not listed: {err}");
                Vec::new()
            }
        };
        let mut queue = self.shared().lock();
        let pending = queue
            .slots
            .keys()
            .filter(|name| name.starts_with(&prefix))
            .cloned()
            .collect::<Vec<_>>();
        for name in pending.into_iter().chain(on_disk) {
            queue.put(name, || format!("{thread_id}/(a closed terminal)"), None);
        }
        drop(queue);
        self.shared().wake.notify_all();
    }

    /// Waits, at most `within`, until everything saved so far is written (histories whose last
    /// write failed are tried once more). True when it was.
    pub(super) async fn flush(&self, within: Duration) -> bool {
        {
            let mut queue = self.shared().lock();
            let queue = &mut *queue;
            for (name, slot) in queue.slots.iter_mut() {
                if !slot.waiting {
                    slot.waiting = true;
                    queue.waiting.push_back(name.clone());
                }
            }
        }
        self.shared().wake.notify_all();
        let deadline = Instant::now() + within;
        while !self.shared().lock().idle() {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }

    #[cfg(test)]
    pub(super) fn dir(&self) -> &Path {
        &self.shared().dir
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.lock().stopping = true;
        self.shared.wake.notify_all();
    }
}

/// The writer: the newest state of each waiting file, one at a time, until stopped and done.
fn write_loop(shared: &Shared) {
    let mut queue = shared.lock();
    loop {
        let Some(name) = queue.waiting.pop_front() else {
            if queue.stopping {
                return;
            }
            queue = shared
                .wake
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        let Some(slot) = queue.slots.get_mut(&name) else {
            continue;
        };
        slot.waiting = false;
        let (content, version) = (slot.content.clone(), slot.version);
        queue.writing = true;
        drop(queue);

        let path = shared.dir.join(&name);
        let written = match &content {
            Some(bytes) => AtomicWrite::to(&path).write(bytes),
            None => match fs::remove_file(&path) {
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
        };

        queue = shared.lock();
        queue.writing = false;
        if let Some(slot) = queue.slots.get_mut(&name) {
            match written {
                Ok(()) => {
                    if slot.failing {
                        slot.failing = false;
                        log::info!("terminal history of {} is saved again", slot.label);
                    }
                    // A newer state waits already when the version moved on.
                    if slot.version == version {
                        queue.slots.remove(&name);
                    }
                }
                Err(err) if !slot.failing => {
                    slot.failing = true;
                    log::warn!(
                        "terminal history of {} not saved, kept in memory (said once until a \
                         save succeeds): {err}",
                        slot.label
                    );
                }
                Err(_) => {}
            }
        }
    }
}
