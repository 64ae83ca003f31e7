//! The state directory: created on start, and locked so that exactly one server uses it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot create the state directory {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another t3rs server{holder} is already using the state directory {path}; stop it or \
         start this one with a different --state-dir"
    )]
    Held { path: PathBuf, holder: String },
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Holds the lock for as long as it lives; the kernel releases it when the process dies, so a
/// crash never leaves a stale lock behind.
pub struct StateDirLock {
    _lock: Flock<File>,
    path: PathBuf,
}

impl StateDirLock {
    pub fn acquire(state_dir: &Path) -> Result<StateDirLock, LockError> {
        // Only its owner may read it: it holds sessions, the event store and the auth token.
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
            .create(state_dir)
            .map_err(|source| LockError::Create {
                path: state_dir.to_path_buf(),
                source,
            })?;
        let path = state_dir.join("t3rs.lock");
        let lock_err = |source| LockError::Lock {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_err)?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((mut file, errno)) => {
                if errno == nix::errno::Errno::EWOULDBLOCK {
                    let mut pid = String::new();
                    let _ = file.read_to_string(&mut pid);
                    let pid = pid.trim();
                    return Err(LockError::Held {
                        path: state_dir.to_path_buf(),
                        holder: if pid.is_empty() {
                            String::new()
                        } else {
                            format!(" (pid {pid})")
                        },
                    });
                }
                return Err(lock_err(std::io::Error::from(errno)));
            }
        };
        lock.set_len(0).map_err(lock_err)?;
        lock.seek(SeekFrom::Start(0)).map_err(lock_err)?;
        writeln!(lock, "{}", std::process::id()).map_err(lock_err)?;
        lock.sync_all().map_err(lock_err)?;
        Ok(StateDirLock { _lock: lock, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
