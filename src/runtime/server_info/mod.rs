//! DP Code's server-wide methods (dpcode.md §3) that no actor owns: `server.getEnvironment`
//! (who this server is, stable across restarts), `server.getDiagnostics` (this process and its
//! descendants, read from /proc, beside the read model's counts and the store's state) and
//! `server.listWorktrees` (the worktrees the read model and git know of). [`ServerInfo`] holds
//! what they need that is fixed at start-up: the environment id, the home directory (also where
//! folder browsing is confined, see `workspace::browse`) and the worktrees directory.

pub mod diagnostics;
pub mod environment;
pub mod worktrees;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone)]
pub struct ServerInfo {
    inner: Arc<Inner>,
}

struct Inner {
    environment_id: String,
    label: String,
    home_dir: Option<PathBuf>,
    worktrees_dir: PathBuf,
    started: Instant,
}

impl ServerInfo {
    /// Reads (or creates) `<state dir>/environment-id`. A state directory that cannot keep the
    /// id gets a fresh one for this run, logged: the server still serves.
    pub fn load(state_dir: &Path, cwd: &Path, worktrees_dir: PathBuf) -> ServerInfo {
        let environment_id = environment::load_or_create_id(state_dir).unwrap_or_else(|err| {
            log::warn!("environment id not kept in the state directory: {err}");
            uuid::Uuid::new_v4().to_string()
        });
        ServerInfo {
            inner: Arc::new(Inner {
                environment_id,
                label: environment::label(cwd),
                home_dir: home_dir(),
                worktrees_dir,
                started: Instant::now(),
            }),
        }
    }

    pub fn environment_id(&self) -> &str {
        &self.inner.environment_id
    }

    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// The server user's home directory (`$HOME`), canonical; none when unset or missing.
    pub fn home_dir(&self) -> Option<&Path> {
        self.inner.home_dir.as_deref()
    }

    pub fn worktrees_dir(&self) -> &Path {
        &self.inner.worktrees_dir
    }

    pub fn uptime_seconds(&self) -> u64 {
        self.inner.started.elapsed().as_secs()
    }
}

/// `$HOME`, canonical (so confinement compares real paths). Canonicalised once, at start-up.
fn home_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    match std::fs::canonicalize(&home) {
        Ok(home) => Some(home),
        Err(err) => {
            log::warn!("home directory {home:?} unusable ({err}); folder browsing is off");
            None
        }
    }
}
