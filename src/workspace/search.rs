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
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, rel).unwrap();
    }

    fn paths(result: &SearchResult) -> Vec<&str> {
        result.entries.iter().map(|e| e.path.as_str()).collect()
    }

    fn all_paths(index: &EntryIndex) -> Vec<String> {
        index
            .search("@", usize::MAX)
            .entries
            .into_iter()
            .map(|e| e.path)
            .collect()
    }

    fn ignore_fixture(with_git: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        if with_git {
            fs::create_dir_all(root.join(".git/objects")).unwrap();
            fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        }
        fs::write(root.join(".gitignore"), "secret.log\ngenerated/\n").unwrap();
        touch(root, "src/main.rs");
        touch(root, "secret.log");
        touch(root, "generated/out.rs");
        touch(root, "node_modules/pkg/index.js");
        touch(root, "packages/app/node_modules/dep/index.js");
        touch(root, ".github/workflows/ci.yml");
        touch(root, "nested/.gitignore");
        fs::write(root.join("nested/.gitignore"), "*.tmp\n").unwrap();
        touch(root, "nested/keep.txt");
        touch(root, "nested/drop.tmp");
        fs::write(root.join(".ignore"), "private/\n").unwrap();
        touch(root, "private/key.txt");
        dir
    }

    fn check_ignores(with_git: bool) {
        let dir = ignore_fixture(with_git);
        let index = EntryIndex::build(dir.path(), MAX_INDEX_ENTRIES).unwrap();
        let all = all_paths(&index);
        for present in [
            "src",
            "src/main.rs",
            ".gitignore",
            ".github/workflows/ci.yml",
            "nested/keep.txt",
        ] {
            assert!(
                all.iter().any(|p| p == present),
                "{present} missing: {all:?}"
            );
        }
        for absent in [
            "secret.log",
            "generated",
            "generated/out.rs",
            "node_modules",
            "node_modules/pkg/index.js",
            "nested/drop.tmp",
            "private",
            "private/key.txt",
        ] {
            assert!(
                !all.iter().any(|p| p == absent),
                "{absent} present: {all:?}"
            );
        }
        assert!(!all.iter().any(|p| p.starts_with(".git/") || p == ".git"));
        assert!(!index.truncated());
    }

    #[test]
    fn honours_gitignore_in_git_repo() {
        check_ignores(true);
    }

    #[test]
    fn honours_gitignore_without_git_dir() {
        check_ignores(false);
    }

    #[test]
    fn nested_vendor_dirs_skipped_only_outside_git() {
        // Outside git the reference skips these names at any depth; inside
        // git only at top level (nested ones are left to .gitignore).
        let plain = ignore_fixture(false);
        let all = all_paths(&EntryIndex::build(plain.path(), 1000).unwrap());
        assert!(!all.iter().any(|p| p.contains("node_modules")), "{all:?}");

        let repo = ignore_fixture(true);
        let all = all_paths(&EntryIndex::build(repo.path(), 1000).unwrap());
        assert!(all
            .iter()
            .any(|p| p == "packages/app/node_modules/dep/index.js"));
        assert!(
            !all.iter().any(|p| p.starts_with("node_modules")),
            "{all:?}"
        );
    }

    #[test]
    fn entries_have_kind_and_parent_path() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "src/lib/util.rs");
        touch(dir.path(), "README.md");
        let index = EntryIndex::build(dir.path(), 100).unwrap();
        let result = index.search("util", 10);
        assert_eq!(
            result.entries,
            vec![ProjectEntry {
                path: "src/lib/util.rs".into(),
                kind: EntryKind::File,
                parent_path: Some("src/lib".into()),
            }]
        );
        let result = index.search("lib", 10);
        assert_eq!(result.entries[0].kind, EntryKind::Directory);
        assert_eq!(result.entries[0].path, "src/lib");
        assert_eq!(result.entries[0].parent_path.as_deref(), Some("src"));
        let readme = index.search("readme", 10);
        assert_eq!(readme.entries[0].parent_path, None);

        let json = serde_json::to_value(&readme).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "entries": [{"path": "README.md", "kind": "file"}],
                "truncated": false
            })
        );
        let json = serde_json::to_value(&result.entries[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"path": "src/lib", "kind": "directory", "parentPath": "src"})
        );
    }

    #[test]
    fn ranking_follows_reference_tiers() {
        let raw = [
            "zz/xmain.rs",       // plain substring: 5
            "a/main.rs-old/q",   // segment start: 4
            "main.rs.bak",       // path (and name) prefix: 2
            "deep/main.rs.orig", // name prefix: 2
            "src/main.rs",       // exact basename: 0
            "other/main.rs",     // exact basename: 0
        ]
        .iter()
        .map(|p| (p.to_string(), EntryKind::File))
        .collect();
        let index = EntryIndex::from_entries(raw, false);
        let result = index.search("main.rs", 10);
        assert_eq!(
            paths(&result),
            vec![
                "other/main.rs",
                "src/main.rs",
                "deep/main.rs.orig",
                "main.rs.bak",
                "a/main.rs-old/q",
                "zz/xmain.rs",
            ]
        );
        // Whole-path equality outranks a basename prefix.
        let raw = ["src/app", "src/app/apple.ts", "src/application.ts"]
            .iter()
            .map(|p| (p.to_string(), EntryKind::File))
            .collect();
        let index = EntryIndex::from_entries(raw, false);
        assert_eq!(
            paths(&index.search("src/app", 10)),
            vec!["src/app", "src/app/apple.ts", "src/application.ts"]
        );
    }

    #[test]
    fn exact_basename_beats_substring_and_no_fuzzy_matches() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "aaa/config.ts");
        touch(dir.path(), "zzz/myconfig.ts.d/config.ts");
        touch(dir.path(), "src/c_o_n_f_i_g.ts");
        let index = EntryIndex::build(dir.path(), 100).unwrap();
        let result = index.search("config.ts", 10);
        assert_eq!(
            paths(&result),
            vec![
                "aaa/config.ts",
                "zzz/myconfig.ts.d/config.ts",
                "zzz/myconfig.ts.d"
            ]
        );
    }

    #[test]
    fn query_is_case_insensitive_and_normalised() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Docs/ReadMe.MD");
        let index = EntryIndex::build(dir.path(), 100).unwrap();
        for query in ["readme.md", "README.MD", "  @./ReAdMe  ", "docs/readme"] {
            let result = index.search(query, 10);
            assert_eq!(paths(&result), vec!["Docs/ReadMe.MD"], "{query}");
        }
        assert!(index.search("nothing-like-this", 10).entries.is_empty());
    }

    #[test]
    fn empty_normalised_query_lists_directories_first() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "a.txt");
        touch(dir.path(), "z/b.txt");
        let index = EntryIndex::build(dir.path(), 100).unwrap();
        let result = index.search("./", 10);
        assert_eq!(paths(&result), vec!["z", "a.txt", "z/b.txt"]);
    }

    #[test]
    fn limit_and_truncated_flags() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..10 {
            touch(dir.path(), &format!("file{i}.txt"));
        }
        let index = EntryIndex::build(dir.path(), 100).unwrap();
        assert!(!index.truncated());
        let result = index.search("file", 3);
        assert_eq!(paths(&result), vec!["file0.txt", "file1.txt", "file2.txt"]);
        assert!(result.truncated);
        let result = index.search("file", 10);
        assert_eq!(result.entries.len(), 10);
        assert!(!result.truncated);
        let result = index.search("file7", 10);
        assert_eq!(paths(&result), vec!["file7.txt"]);
        assert!(!result.truncated);

        // An index that hit its cap reports truncation on every search and
        // keeps directories before files.
        touch(dir.path(), "dir/inner.txt");
        let capped = EntryIndex::build(dir.path(), 4).unwrap();
        assert!(capped.truncated());
        assert_eq!(capped.len(), 4);
        assert_eq!(
            all_paths(&capped),
            vec!["dir", "dir/inner.txt", "file0.txt", "file1.txt"]
        );
        let result = capped.search("inner", 10);
        assert_eq!(result.entries.len(), 1);
        assert!(result.truncated);
    }

    #[test]
    fn ties_break_like_locale_compare() {
        let raw = [
            "b.ts", "B.ts", "a_b.ts", "a-b.ts", "a1.ts", "Ab.ts", "ab.ts",
        ]
        .iter()
        .map(|p| (p.to_string(), EntryKind::File))
        .collect();
        let index = EntryIndex::from_entries(raw, false);
        // Same order Node's `localeCompare` gives for these names.
        assert_eq!(
            paths(&index.search(".ts", 10)),
            vec!["a_b.ts", "a-b.ts", "a1.ts", "ab.ts", "Ab.ts", "b.ts", "B.ts"]
        );
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = EntryIndex::build(&dir.path().join("missing"), 10).unwrap_err();
        assert!(matches!(err, WorkspaceError::RootMissing { .. }), "{err}");
    }

    #[test]
    fn indexes_two_thousand_files_correctly() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".gitignore"), "*.skip\n").unwrap();
        let mut expected_files = Vec::new();
        for d in 0..40 {
            for f in 0..50 {
                let rel = format!("pkg{d:02}/mod{f:02}/file{d:02}_{f:02}.rs");
                touch(dir.path(), &rel);
                expected_files.push(rel);
            }
            touch(dir.path(), &format!("pkg{d:02}/junk.skip"));
        }
        let index = EntryIndex::build(dir.path(), MAX_INDEX_ENTRIES).unwrap();
        // 2,000 files + 40 pkg dirs + 2,000 mod dirs + .gitignore
        assert_eq!(index.len(), 2000 + 40 + 2000 + 1);
        assert!(!index.truncated());
        let all = all_paths(&index);
        let all_set: std::collections::HashSet<&str> = all.iter().map(String::as_str).collect();
        for rel in &expected_files {
            assert!(all_set.contains(rel.as_str()), "{rel}");
        }
        assert!(!all.iter().any(|p| p.ends_with(".skip")));

        let result = index.search("FILE17_33", 5);
        assert_eq!(paths(&result), vec!["pkg17/mod33/file17_33.rs"]);
        let result = index.search("mod07", 200);
        // 40 mod07 directories (basename exact) then their 40 files.
        assert_eq!(result.entries.len(), 80);
        assert!(!result.truncated);
        assert!(result.entries[..40]
            .iter()
            .all(|e| e.kind == EntryKind::Directory && e.path.ends_with("/mod07")));
        assert_eq!(result.entries[0].path, "pkg00/mod07");
        assert_eq!(result.entries[40].path, "pkg00/mod07/file00_07.rs");
        let result = index.search("file", 200);
        assert_eq!(result.entries.len(), 200);
        assert!(result.truncated);

        // Capped build over the same tree keeps all directories first.
        let capped = EntryIndex::build(dir.path(), 2040).unwrap();
        assert!(capped.truncated());
        assert_eq!(capped.len(), 2040);
        assert!(capped
            .entries
            .iter()
            .all(|e| e.kind == EntryKind::Directory));
    }

    #[test]
    fn cache_reuses_until_invalidated_or_expired() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "first.txt");
        let mut cache = IndexCache::new();
        assert_eq!(
            cache.search(dir.path(), "first", 10).unwrap().entries.len(),
            1
        );
        touch(dir.path(), "second.txt");
        // Still the cached snapshot.
        assert!(cache
            .search(dir.path(), "second", 10)
            .unwrap()
            .entries
            .is_empty());
        cache.invalidate(dir.path());
        assert_eq!(
            cache
                .search(dir.path(), "second", 10)
                .unwrap()
                .entries
                .len(),
            1
        );

        let mut expiring = IndexCache::with_limits(Duration::ZERO, 4, 100);
        assert_eq!(
            expiring
                .search(dir.path(), "third", 10)
                .unwrap()
                .entries
                .len(),
            0
        );
        touch(dir.path(), "third.txt");
        assert_eq!(
            expiring
                .search(dir.path(), "third", 10)
                .unwrap()
                .entries
                .len(),
            1
        );
    }

    #[test]
    fn cache_evicts_stalest_root() {
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let mut cache = IndexCache::with_limits(CACHE_TTL, 2, 100);
        for dir in &dirs {
            cache.index(dir.path()).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(cache.fresh(dirs[0].path()).is_none());
        assert!(cache.fresh(dirs[1].path()).is_some());
        assert!(cache.fresh(dirs[2].path()).is_some());
    }
}
