//! `git.status`'s per-file line counts, remembered between polls (issue 17: the counts were
//! the cost: two whole-tree `git diff --numstat` runs beside `git status` itself).
//!
//! `git status --porcelain=v2` already names every changed file with its HEAD and index blob
//! ids. A file's staged counts (HEAD against index) are a function of those two blobs; its
//! unstaged counts (index against the file) of the index blob and the file's content, which is
//! keyed by its stat data (size, mtime, ctime, inode, device, mode). So each side's counts are
//! kept per path under that key, and only files whose key changed are diffed again, with a
//! pathspec naming just them.
//!
//! Racy git: a file rewritten within the same timestamp tick, at the same size, would keep
//! its key. A count is therefore stored only when the file's mtime and ctime are at least
//! [`RACY_WINDOW`] old when it is stat'ed (before its diff runs), so a later write must give
//! it a newer timestamp; ctime cannot be set back by a user, so `touch -d` cannot fake one.
//! Counts also depend on git's config and attributes: the repository's config files and its
//! root `.gitattributes` are stat'ed on every poll and any change empties the cache.
//!
//! Entries whose counts could depend on other files (additions, deletions and renames on the
//! staged side: rename detection pairs them; intent-to-add files, renames and conflicts on the
//! unstaged side; submodules) are never cached: their side is diffed whole, as before.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{parse_numstat, GitFileChange};
use crate::git::{run_ok, run_ok_with_env, GitError};

/// How old a file's timestamps must be before its counts are cached: covers filesystems with
/// whole-second timestamps (ext3, HFS+) and a clock a little off.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// More uncached paths than this on one side: the whole-tree diff is cheaper than a pathspec
/// that long.
const PATHSPEC_MAX: usize = 512;

/// One changed path of `git status --porcelain=v2`, as the cache needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Relative to the repository's top level (status runs with `status.relativePaths=false`).
    pub path: String,
    pub kind: EntryKind,
    /// Staged and unstaged status letters ('.' for unchanged).
    pub x: u8,
    pub y: u8,
    pub submodule: bool,
    /// `mH mI hH hI`: what the staged counts are a function of.
    pub staged_key: String,
    /// `mI mW hI`: the index side of the unstaged counts.
    pub index_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Ordinary,
    Renamed,
    Unmerged,
    Untracked,
}

/// Parses one porcelain v2 record (`1 …`, `2 …`, `u …`, `? …`); None for headers and `!`.
pub(crate) fn entry_of(record: &str) -> Option<Entry> {
    let (kind, fields) = match record.as_bytes().first()? {
        b'1' => (EntryKind::Ordinary, 9),
        b'2' => (EntryKind::Renamed, 10),
        b'u' => (EntryKind::Unmerged, 11),
        b'?' => {
            let path = record.get(2..).filter(|p| !p.is_empty())?;
            return Some(Entry {
                path: path.to_string(),
                kind: EntryKind::Untracked,
                x: b'?',
                y: b'?',
                submodule: false,
                staged_key: String::new(),
                index_key: String::new(),
            });
        }
        _ => return None,
    };
    let parts: Vec<&str> = record.splitn(fields, ' ').collect();
    let path = parts.get(fields - 1).filter(|p| !p.is_empty())?;
    let xy = parts.get(1)?.as_bytes();
    let (x, y) = (*xy.first()?, *xy.get(1)?);
    let submodule = parts.get(2).is_some_and(|s| s.starts_with('S'));
    let field = |i: usize| parts.get(i).copied().unwrap_or("");
    let (staged_key, index_key) = match kind {
        // mH mI mW hH hI
        EntryKind::Ordinary | EntryKind::Renamed => (
            format!("{} {} {} {}", field(3), field(4), field(6), field(7)),
            format!("{} {} {}", field(4), field(5), field(7)),
        ),
        _ => (String::new(), String::new()),
    };
    Some(Entry {
        path: path.to_string(),
        kind,
        x,
        y,
        submodule,
        staged_key,
        index_key,
    })
}

/// A file's stat data: the key of its content for the unstaged counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
    mode: u32,
}

fn nanos(secs: i64, nsec: i64) -> i128 {
    i128::from(secs) * 1_000_000_000 + i128::from(nsec)
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::symlink_metadata(path).ok()?;
        Some(Stamp {
            size: m.size(),
            mtime_ns: nanos(m.mtime(), m.mtime_nsec()),
            ctime_ns: nanos(m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
            dev: m.dev(),
            mode: m.mode(),
        })
    }

    /// Whether both timestamps are at least [`RACY_WINDOW`] before `now` (a timestamp in the
    /// future is never settled).
    fn settled(&self, now: SystemTime, window: Duration) -> bool {
        let Ok(now) = now.duration_since(UNIX_EPOCH) else {
            return false;
        };
        let limit =
            nanos(now.as_secs() as i64, i64::from(now.subsec_nanos())) - window.as_nanos() as i128;
        self.mtime_ns <= limit && self.ctime_ns <= limit
    }
}

/// The unstaged side's key: the index entry and the file (None: deleted from the worktree).
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnstagedKey {
    index: String,
    file: Option<Stamp>,
}

/// Where the repository's files are, found once per cache.
#[derive(Debug, Clone)]
struct Layout {
    top: PathBuf,
    /// Config and attribute files whose change empties the cache.
    watched: Vec<PathBuf>,
}

#[derive(Default)]
struct State {
    /// The last poll found files to diff: the next one diffs both sides whole beside `git
    /// status` (as before the cache) rather than after it. False only after a poll answered
    /// from the cache alone.
    expect_changes: Option<bool>,
    layout: Option<Layout>,
    fingerprint: Vec<Option<Stamp>>,
    staged: HashMap<String, (String, (u64, u64))>,
    unstaged: HashMap<String, (UnstagedKey, (u64, u64))>,
}

/// The cache of one repository directory; its ProjectActor owns it (git work on a repository
/// is serialised there, so the lock is never contended).
pub struct NumstatCache {
    state: Mutex<State>,
    racy_window: Duration,
}

impl Default for NumstatCache {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            racy_window: RACY_WINDOW,
        }
    }
}

impl NumstatCache {
    /// Whether the next poll should diff whole beside `git status` (see `State`).
    pub(crate) fn expects_changes(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.expect_changes.unwrap_or(true)
    }

    /// A cache with another racy window (tests: a ctime cannot be set back to age a file).
    #[cfg(test)]
    pub(crate) fn with_racy_window(racy_window: Duration) -> Self {
        Self {
            state: Mutex::default(),
            racy_window,
        }
    }
}

fn layout(cwd: &Path) -> Result<Layout, GitError> {
    let out = run_ok(
        cwd,
        [
            "rev-parse",
            "--path-format=absolute",
            "--show-toplevel",
            "--git-dir",
            "--git-common-dir",
        ],
    )?;
    let mut lines = out.lines().map(|l| PathBuf::from(l.trim()));
    let (Some(top), Some(git_dir), Some(common)) = (lines.next(), lines.next(), lines.next())
    else {
        return Err(GitError::Refused(format!(
            "cannot locate the repository of {}",
            cwd.display()
        )));
    };
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut watched = vec![
        common.join("config"),
        git_dir.join("config.worktree"),
        common.join("info").join("attributes"),
        top.join(".gitattributes"),
        PathBuf::from("/etc/gitconfig"),
    ];
    watched.extend(home.map(|h| h.join(".gitconfig")));
    watched.extend(xdg.map(|x| x.join("git").join("config")));
    Ok(Layout { top, watched })
}

/// The diff of one side for `paths` only (literal pathspecs, run at the top level where the
/// paths are rooted), or the whole side when `paths` is None.
fn numstat(
    top: &Path,
    cached: bool,
    paths: Option<&[&str]>,
) -> Result<Vec<GitFileChange>, GitError> {
    let mut args = vec!["diff", "--numstat", "-z"];
    if cached {
        args.push("--cached");
    }
    args.push("--");
    if let Some(paths) = paths {
        args.extend_from_slice(paths);
    }
    let literal = [("GIT_LITERAL_PATHSPECS", std::ffi::OsStr::new("1"))];
    Ok(parse_numstat(&run_ok_with_env(top, &args, &literal)?))
}

/// Both sides' whole-tree numstat, started beside `git status` when changes are expected.
pub(crate) struct Prefetched {
    /// When the diffs started: a file is stored only if untouched since well before this.
    pub started: SystemTime,
    pub staged: Result<Vec<GitFileChange>, GitError>,
    pub unstaged: Result<Vec<GitFileChange>, GitError>,
}

/// Runs [`Prefetched`]'s diffs (the caller runs this beside `git status`).
pub(crate) fn prefetch_whole(cwd: &Path) -> Prefetched {
    let started = SystemTime::now();
    let (staged, unstaged) = std::thread::scope(|scope| {
        let unstaged = scope.spawn(|| numstat(cwd, false, None));
        let staged = numstat(cwd, true, None);
        (staged, unstaged.join())
    });
    Prefetched {
        started,
        staged,
        unstaged: unstaged
            .unwrap_or_else(|_| Err(GitError::Spawn("git diff --numstat panicked".into()))),
    }
}

/// One side's counts: cached where the key still matches, the rest diffed.
struct Side<'a> {
    /// Entries with a change on this side, and whether each may be cached at all.
    entries: Vec<(&'a Entry, bool)>,
}

impl NumstatCache {
    /// The staged and unstaged numstat records `git diff [--cached] --numstat` would print
    /// for these entries, from the cache where it can. `cwd` is any directory of the repository.
    pub(crate) fn counts(
        &self,
        cwd: &Path,
        entries: &[Entry],
        prefetched: Option<Prefetched>,
    ) -> Result<(Vec<GitFileChange>, Vec<GitFileChange>), GitError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let layout = match &state.layout {
            Some(layout) => layout.clone(),
            None => {
                let found = layout(cwd)?;
                state.layout = Some(found.clone());
                found
            }
        };
        let fingerprint: Vec<Option<Stamp>> = layout.watched.iter().map(|p| Stamp::of(p)).collect();
        if fingerprint != state.fingerprint {
            state.staged.clear();
            state.unstaged.clear();
            state.fingerprint = fingerprint;
        }
        // Stat'ed before the pathspec diffs run: a write after this changes the key. Whole
        // diffs prefetched beside `git status` ran before this stat, so a count is stored
        // only for a file untouched since well before they started.
        let was_prefetched = prefetched.is_some();
        let settle_base = prefetched
            .as_ref()
            .map_or_else(SystemTime::now, |p| p.started);
        let stamps: HashMap<&str, Option<Stamp>> = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Ordinary && e.y != b'.')
            .map(|e| (e.path.as_str(), Stamp::of(&layout.top.join(&e.path))))
            .collect();

        let staged = Side {
            entries: entries
                .iter()
                .filter(|e| e.x != b'.' && e.kind != EntryKind::Untracked)
                .map(|e| {
                    let cacheable =
                        e.kind == EntryKind::Ordinary && !e.submodule && matches!(e.x, b'M' | b'T');
                    (e, cacheable)
                })
                .collect(),
        };
        let unstaged = Side {
            entries: entries
                .iter()
                .filter(|e| e.y != b'.' && e.kind != EntryKind::Untracked)
                .map(|e| {
                    let cacheable = e.kind == EntryKind::Ordinary
                        && !e.submodule
                        && matches!(e.y, b'M' | b'T' | b'D');
                    (e, cacheable)
                })
                .collect(),
        };

        let state = &mut *state;
        let staged_keys = |e: &Entry| e.staged_key.clone();
        let unstaged_keys = |e: &Entry| UnstagedKey {
            index: e.index_key.clone(),
            file: stamps.get(e.path.as_str()).copied().flatten(),
        };
        let settled = |e: &Entry| match stamps.get(e.path.as_str()) {
            Some(Some(stamp)) => stamp.settled(settle_base, self.racy_window),
            // Deleted before a pathspec diff: the key is the index blob alone. After a
            // prefetched one, when it went is unknown.
            Some(None) => !was_prefetched,
            None => false,
        };
        let (mut staged_plan, mut unstaged_plan) = (
            plan(&staged, &state.staged, staged_keys),
            plan(&unstaged, &state.unstaged, unstaged_keys),
        );
        state.expect_changes =
            Some(!staged_plan.misses.is_empty() || !unstaged_plan.misses.is_empty());
        let (staged_run, unstaged_run) = match prefetched {
            Some(p) => {
                staged_plan.whole = true;
                unstaged_plan.whole = true;
                (p.staged, p.unstaged)
            }
            // The two sides' diffs (when needed) run at once.
            None => std::thread::scope(|scope| {
                let top = &layout.top;
                let unstaged_run = scope.spawn(|| unstaged_plan.run(top, false));
                let staged_run = staged_plan.run(top, true);
                let unstaged_run = unstaged_run
                    .join()
                    .unwrap_or_else(|_| Err(GitError::Spawn("git diff --numstat panicked".into())));
                (staged_run, unstaged_run)
            }),
        };
        let staged_out = staged_plan.finish(staged_run?, &mut state.staged, staged_keys, |_| true);
        let unstaged_out =
            unstaged_plan.finish(unstaged_run?, &mut state.unstaged, unstaged_keys, settled);

        // Only what is changed now is kept: the cache never outgrows the status.
        let live: HashSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        state.staged.retain(|p, _| live.contains(p.as_str()));
        state.unstaged.retain(|p, _| live.contains(p.as_str()));
        Ok((staged_out, unstaged_out))
    }
}

/// What one side needs: the counts it has, and which entries still need a diff.
struct Plan<'a> {
    /// The whole side must be diffed (an entry that cannot be cached is missing).
    whole: bool,
    hits: Vec<GitFileChange>,
    misses: Vec<&'a Entry>,
    /// Every entry of the side, with whether it may be cached.
    entries: Vec<(&'a Entry, bool)>,
}

fn plan<'a, K: PartialEq>(
    side: &Side<'a>,
    cache: &HashMap<String, (K, (u64, u64))>,
    key: impl Fn(&Entry) -> K,
) -> Plan<'a> {
    let mut hits = Vec::new();
    let mut misses = Vec::new();
    let mut whole = false;
    for (entry, cacheable) in &side.entries {
        match cache.get(&entry.path) {
            Some((cached_key, (ins, del))) if *cacheable && *cached_key == key(entry) => {
                hits.push(GitFileChange {
                    path: entry.path.clone(),
                    insertions: *ins,
                    deletions: *del,
                });
            }
            _ => {
                whole |= !cacheable;
                misses.push(*entry);
            }
        }
    }
    whole |= misses.len() > PATHSPEC_MAX;
    Plan {
        whole,
        hits,
        misses,
        entries: side.entries.clone(),
    }
}

impl Plan<'_> {
    fn run(&self, top: &Path, cached: bool) -> Result<Vec<GitFileChange>, GitError> {
        if self.whole {
            return numstat(top, cached, None);
        }
        if self.misses.is_empty() {
            return Ok(Vec::new());
        }
        let paths: Vec<&str> = self.misses.iter().map(|e| e.path.as_str()).collect();
        numstat(top, cached, Some(&paths))
    }

    /// The side's records, as the whole-side diff would print them; fresh counts of cacheable
    /// entries (that `may_store` allows) go into the cache.
    fn finish<K>(
        self,
        computed: Vec<GitFileChange>,
        cache: &mut HashMap<String, (K, (u64, u64))>,
        key: impl Fn(&Entry) -> K,
        may_store: impl Fn(&Entry) -> bool,
    ) -> Vec<GitFileChange> {
        let by_path: HashMap<&str, &(&Entry, bool)> = self
            .entries
            .iter()
            .map(|pair| (pair.0.path.as_str(), pair))
            .collect();
        let missed: HashSet<&str> = self.misses.iter().map(|e| e.path.as_str()).collect();
        for change in &computed {
            let Some((entry, cacheable)) = by_path.get(change.path.as_str()) else {
                continue;
            };
            if *cacheable && missed.contains(change.path.as_str()) && may_store(entry) {
                cache.insert(
                    change.path.clone(),
                    (key(entry), (change.insertions, change.deletions)),
                );
            }
        }
        if self.whole {
            // The whole side was diffed: its records are the answer, as before the cache.
            return computed;
        }
        // A pathspec diff names only the misses (and, for a literal directory pathspec, maybe
        // more below it: those are not this side's entries and are dropped).
        let mut out = self.hits;
        out.extend(
            computed
                .into_iter()
                .filter(|c| missed.contains(c.path.as_str())),
        );
        out
    }
}

#[cfg(test)]
mod tests;
