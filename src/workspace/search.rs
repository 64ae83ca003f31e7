//! Project file search (`projects.searchEntries`): an in-memory index of a
//! project's files and directories, ranked the way the reference server does
//! it, plus a small per-root cache so typing in the picker does not rescan.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use serde::Serialize;

use super::files::{canonical_root, WorkspaceError};

/// Entries kept per project; same cap as the reference.
pub const MAX_INDEX_ENTRIES: usize = 25_000;
/// How long an index is trusted before a search rescans; same as the reference.
pub const CACHE_TTL: Duration = Duration::from_secs(15);
/// Number of project roots whose index is kept; same as the reference.
pub const CACHE_MAX_ROOTS: usize = 4;

/// Directory names never indexed. As in the reference, a top-level entry with
/// one of these names is always dropped; outside a git work tree the
/// directories are also skipped at any depth (inside one, `.gitignore` is
/// trusted for nested ones, except `.git` which is skipped everywhere).
const IGNORED_DIRECTORY_NAMES: &[&str] = &[
    ".git",
    ".convex",
    "node_modules",
    ".next",
    ".turbo",
    "dist",
    "build",
    "out",
    ".cache",
];

/// Stops the walk well past the cap so that, for all but enormous trees, the
/// kept entries do not depend on which thread got where first.
const SCAN_OVERSHOOT_FACTOR: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    File,
    Directory,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEntry {
    pub path: String,
    pub kind: EntryKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    pub entries: Vec<ProjectEntry>,
    pub truncated: bool,
}

#[derive(Debug)]
struct IndexedEntry {
    path: Box<str>,
    kind: EntryKind,
    /// Byte range of this entry's lowercase path inside `EntryIndex::lower`.
    lower_start: usize,
    lower_end: usize,
    /// Offset of the basename within the lowercase path.
    lower_base: usize,
}

/// A snapshot of a project's entries, sorted in the reference's tie-break
/// order so that an entry's position doubles as its tie-break key.
#[derive(Debug)]
pub struct EntryIndex {
    entries: Vec<IndexedEntry>,
    /// All lowercase paths back to back: one allocation, scanned linearly.
    lower: String,
    truncated: bool,
}

impl EntryIndex {
    /// Walks `root`, honouring `.gitignore`, `.ignore`, `.git/info/exclude`
    /// and the global git excludes (even outside a git repository), keeping
    /// hidden entries, and records at most `max_entries` files/directories.
    ///
    /// When the tree holds more, directories are kept before files (each in
    /// name order), like the reference's git listing, and `truncated` is set.
    pub fn build(root: &Path, max_entries: usize) -> Result<EntryIndex, WorkspaceError> {
        let canonical = canonical_root(root)?;
        // Surface an unreadable root as an error; deeper unreadable
        // directories are skipped silently like the reference does.
        fs::read_dir(&canonical).map_err(|err| WorkspaceError::io("scan", root, err))?;

        let nested_ignores_apply = !inside_git_work_tree(&canonical);
        let hard_limit = max_entries
            .saturating_mul(SCAN_OVERSHOOT_FACTOR)
            .max(max_entries.saturating_add(1));

        let mut builder = WalkBuilder::new(&canonical);
        builder
            .hidden(false)
            .parents(true)
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .require_git(false)
            .follow_links(false)
            .filter_entry(move |entry| !is_skipped_name(entry, nested_ignores_apply));

        let collected = Mutex::new(Vec::new());
        let seen = AtomicUsize::new(0);
        let mut visitors = CollectorBuilder {
            root: &canonical,
            collected: &collected,
            seen: &seen,
            hard_limit,
        };
        builder.build_parallel().visit(&mut visitors);

        let batches = collected
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut raw: Vec<(String, EntryKind)> = batches.into_iter().flatten().collect();
        let hit_hard_limit = seen.load(AtomicOrdering::Relaxed) > hard_limit;

        let truncated = hit_hard_limit || raw.len() > max_entries;
        if raw.len() > max_entries {
            raw.sort_by(|a, b| {
                let dir_first = (a.1 != EntryKind::Directory).cmp(&(b.1 != EntryKind::Directory));
                dir_first.then_with(|| locale_compare(&a.0, &b.0))
            });
            raw.truncate(max_entries);
        }
        Ok(EntryIndex::from_entries(raw, truncated))
    }

    fn from_entries(mut raw: Vec<(String, EntryKind)>, truncated: bool) -> EntryIndex {
        raw.sort_by(|a, b| locale_compare(&a.0, &b.0));
        let mut lower = String::with_capacity(raw.iter().map(|(p, _)| p.len()).sum());
        let entries = raw
            .into_iter()
            .map(|(path, kind)| {
                let lower_start = lower.len();
                if path.is_ascii() {
                    lower.extend(path.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    lower.push_str(&path.to_lowercase());
                }
                let lower_end = lower.len();
                let lower_base = lower[lower_start..lower_end]
                    .rfind('/')
                    .map_or(0, |slash| slash + 1);
                IndexedEntry {
                    path: path.into_boxed_str(),
                    kind,
                    lower_start,
                    lower_end,
                    lower_base,
                }
            })
            .collect();
        EntryIndex {
            entries,
            lower,
            truncated,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the walk found more entries than it kept.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Returns the best `limit` entries whose path contains the query
    /// (case-insensitively, after stripping leading `@`, `.` and `/`).
    ///
    /// Ranking, best first: basename equals the query, path equals it,
    /// basename starts with it, path starts with it, a path segment starts
    /// with it, any other substring; ties in name order. An empty normalised
    /// query lists everything, directories first. Like the reference there is
    /// no fuzzy (subsequence) matching: entries must contain the query.
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let query = normalize_query(query);
        // A bounded max-heap of (score, position): the worst kept hit is on
        // top, so each candidate costs one comparison once the heap is full.
        let mut best: BinaryHeap<(u8, usize)> = BinaryHeap::with_capacity(limit.min(1024) + 1);
        let mut matched = 0usize;
        for (position, entry) in self.entries.iter().enumerate() {
            let lower = &self.lower[entry.lower_start..entry.lower_end];
            let score = if query.is_empty() {
                match entry.kind {
                    EntryKind::Directory => 0,
                    EntryKind::File => 1,
                }
            } else {
                if !lower.contains(query.as_str()) {
                    continue;
                }
                score_match(lower, entry.lower_base, &query)
            };
            matched += 1;
            let key = (score, position);
            if best.len() < limit {
                best.push(key);
            } else if best.peek().is_some_and(|worst| key < *worst) {
                best.pop();
                best.push(key);
            }
        }
        let entries = best
            .into_sorted_vec()
            .into_iter()
            .map(|(_, position)| self.project_entry(position))
            .collect();
        SearchResult {
            entries,
            truncated: self.truncated || matched > limit,
        }
    }

    fn project_entry(&self, position: usize) -> ProjectEntry {
        let entry = &self.entries[position];
        ProjectEntry {
            path: entry.path.to_string(),
            kind: entry.kind,
            parent_path: entry
                .path
                .rfind('/')
                .map(|slash| entry.path[..slash].to_string()),
        }
    }
}

/// Mirrors the reference's `normalizeQuery`.
fn normalize_query(query: &str) -> String {
    query
        .trim()
        .trim_start_matches(['@', '.', '/'])
        .to_lowercase()
}

/// Lower is better; `lower` is known to contain `query`.
fn score_match(lower: &str, base: usize, query: &str) -> u8 {
    let name = &lower[base..];
    if name == query {
        0
    } else if lower == query {
        1
    } else if name.starts_with(query) {
        2
    } else if lower.starts_with(query) {
        3
    } else if segment_starts_with(lower, query) {
        4
    } else {
        5
    }
}

/// Whether `/query` occurs in `lower`. Checked after every slash rather than
/// via `match_indices`, which would miss overlapping occurrences.
fn segment_starts_with(lower: &str, query: &str) -> bool {
    lower
        .bytes()
        .enumerate()
        .any(|(i, b)| b == b'/' && lower[i + 1..].starts_with(query))
}

/// Whether `root` or one of its ancestors holds a `.git` (dir, or file for
/// worktrees/submodules) — the reference's `git rev-parse` check, minus the
/// subprocess.
fn inside_git_work_tree(root: &Path) -> bool {
    root.ancestors()
        .any(|dir| fs::symlink_metadata(dir.join(".git")).is_ok())
}

fn is_skipped_name(entry: &DirEntry, nested_ignores_apply: bool) -> bool {
    if entry.depth() == 0 {
        return false;
    }
    let Some(name) = entry.file_name().to_str() else {
        return false;
    };
    if name == ".git" {
        return true;
    }
    if !IGNORED_DIRECTORY_NAMES.contains(&name) {
        return false;
    }
    entry.depth() == 1 || (nested_ignores_apply && entry.file_type().is_some_and(|t| t.is_dir()))
}

struct CollectorBuilder<'a> {
    root: &'a Path,
    collected: &'a Mutex<Vec<Vec<(String, EntryKind)>>>,
    seen: &'a AtomicUsize,
    hard_limit: usize,
}

impl<'s> ParallelVisitorBuilder<'s> for CollectorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Collector {
            root: self.root,
            local: Vec::new(),
            collected: self.collected,
            seen: self.seen,
            hard_limit: self.hard_limit,
        })
    }
}

/// Per-thread visitor: buffers locally and hands its batch over on drop, so
/// the shared lock is taken once per thread rather than once per entry.
struct Collector<'a> {
    root: &'a Path,
    local: Vec<(String, EntryKind)>,
    collected: &'a Mutex<Vec<Vec<(String, EntryKind)>>>,
    seen: &'a AtomicUsize,
    hard_limit: usize,
}

impl ParallelVisitor for Collector<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                log::debug!("skipping unreadable workspace entry: {err}");
                return WalkState::Continue;
            }
        };
        if entry.depth() == 0 {
            return WalkState::Continue;
        }
        let kind = match entry.file_type() {
            Some(t) if t.is_dir() => EntryKind::Directory,
            // Symlinks are listed as files, as `git ls-files` does.
            Some(t) if t.is_file() || t.is_symlink() => EntryKind::File,
            _ => return WalkState::Continue,
        };
        let Some(path) = relative_slash_path(self.root, entry.path()) else {
            // Non-UTF-8 names cannot round-trip through JSON to a usable path.
            return WalkState::Continue;
        };
        if self.seen.fetch_add(1, AtomicOrdering::Relaxed) >= self.hard_limit {
            return WalkState::Quit;
        }
        self.local.push((path, kind));
        WalkState::Continue
    }
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let batch = std::mem::take(&mut self.local);
        self.collected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(batch);
    }
}

fn relative_slash_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for component in relative.components() {
        let Component::Normal(part) = component else {
            return None;
        };
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part.to_str()?);
    }
    (!out.is_empty()).then_some(out)
}

/// Approximates ICU's root collation (what `String.prototype.localeCompare`
/// uses in the reference) closely enough for file paths: case-insensitive
/// first with punctuation before digits before letters, then lowercase before
/// uppercase. Non-ASCII characters sort after ASCII by code point.
fn locale_compare(a: &str, b: &str) -> Ordering {
    a.chars()
        .map(primary_weight)
        .cmp(b.chars().map(primary_weight))
        .then_with(|| {
            a.chars()
                .map(char::is_uppercase)
                .cmp(b.chars().map(char::is_uppercase))
        })
        .then_with(|| a.cmp(b))
}

/// ASCII punctuation and symbols in ICU root order (space first).
const ICU_ASCII_SYMBOLS: &[u8] = b" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

fn primary_weight(c: char) -> u32 {
    const DIGITS: u32 = 64;
    const LETTERS: u32 = DIGITS + 10;
    const OTHER: u32 = LETTERS + 26;
    if c.is_ascii() {
        let b = c as u8;
        if b.is_ascii_digit() {
            return DIGITS + u32::from(b - b'0');
        }
        if b.is_ascii_alphabetic() {
            return LETTERS + u32::from(b.to_ascii_lowercase() - b'a');
        }
        return ICU_ASCII_SYMBOLS
            .iter()
            .position(|&s| s == b)
            .map_or(0, |p| p as u32 + 1);
    }
    let folded = c.to_lowercase().next().unwrap_or(c);
    OTHER + u32::from(folded)
}

/// A cached index and when it was scanned.
struct CachedIndex {
    scanned_at: Instant,
    index: Arc<EntryIndex>,
}

/// Per-root cache of [`EntryIndex`]es.
///
/// Freshness follows the reference: an index older than the TTL is rebuilt
/// on the next search, and at most a few roots are kept (the one scanned
/// longest ago is evicted). [`IndexCache::invalidate`] drops a root at once,
/// e.g. after a write inside it.
///
/// Building happens on the calling thread; a server sharing one cache behind
/// a mutex can use [`IndexCache::fresh`] / [`IndexCache::insert`] to build
/// outside the lock.
pub struct IndexCache {
    roots: HashMap<PathBuf, CachedIndex>,
    ttl: Duration,
    max_roots: usize,
    max_entries: usize,
}

impl Default for IndexCache {
    fn default() -> Self {
        IndexCache::new()
    }
}

impl IndexCache {
    /// The reference's settings: 15 s TTL, 4 roots, 25,000 entries per root.
    pub fn new() -> Self {
        IndexCache::with_limits(CACHE_TTL, CACHE_MAX_ROOTS, MAX_INDEX_ENTRIES)
    }

    pub fn with_limits(ttl: Duration, max_roots: usize, max_entries: usize) -> Self {
        IndexCache {
            roots: HashMap::new(),
            ttl,
            max_roots: max_roots.max(1),
            max_entries,
        }
    }

    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// The cached index for `root` if it is younger than the TTL.
    pub fn fresh(&self, root: &Path) -> Option<Arc<EntryIndex>> {
        self.roots
            .get(root)
            .filter(|cached| cached.scanned_at.elapsed() < self.ttl)
            .map(|cached| Arc::clone(&cached.index))
    }

    /// Stores an index built elsewhere, evicting the stalest roots if needed.
    pub fn insert(&mut self, root: &Path, index: Arc<EntryIndex>) {
        self.roots.insert(
            root.to_path_buf(),
            CachedIndex {
                scanned_at: Instant::now(),
                index,
            },
        );
        while self.roots.len() > self.max_roots {
            let stalest = self
                .roots
                .iter()
                .min_by_key(|(_, cached)| cached.scanned_at)
                .map(|(key, _)| key.clone());
            match stalest {
                Some(key) => self.roots.remove(&key),
                None => break,
            };
        }
    }

    /// Returns a fresh index for `root`, rescanning if the cached one expired.
    pub fn index(&mut self, root: &Path) -> Result<Arc<EntryIndex>, WorkspaceError> {
        if let Some(index) = self.fresh(root) {
            return Ok(index);
        }
        let index = Arc::new(EntryIndex::build(root, self.max_entries)?);
        self.insert(root, Arc::clone(&index));
        Ok(index)
    }

    pub fn search(
        &mut self,
        root: &Path,
        query: &str,
        limit: usize,
    ) -> Result<SearchResult, WorkspaceError> {
        Ok(self.index(root)?.search(query, limit))
    }

    /// Forgets `root`'s index so the next search rescans it.
    pub fn invalidate(&mut self, root: &Path) {
        self.roots.remove(root);
    }

    pub fn clear(&mut self) {
        self.roots.clear();
    }
}

#[cfg(test)]
mod tests;
