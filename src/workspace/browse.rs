//! Choosing a folder to add (DP Code's `filesystem.browse`, `projects.listDirectories`,
//! `projects.searchLocalEntries`, dpcode.md §6): names and kinds of entries under the server
//! user's home directory, never file contents. This is the one exception to project
//! confinement (see README, Security), so it has a confinement of its own:
//!
//! - every path a client names must lie lexically inside the home directory (`~` and `~/…`
//!   expand to it; `..` may not climb above it);
//! - every directory is opened relative to one handle on the home directory, through cap-std,
//!   so a symlink is followed only while it stays beneath home (`openat2(RESOLVE_BENEATH)`, or
//!   cap-std's own `O_NOFOLLOW` walk): nothing is checked first and used later by name, so a
//!   link swapped in meanwhile cannot lead out;
//! - entries are classified without following symlinks, and symlinks are not listed (DP Code
//!   lists only what `readdir` calls a directory or a file);
//! - every walk is bounded: entries read per directory, entries answered, depth and time.
//!
//! Hidden entries follow DP Code: `browse` shows them when the prefix starts with `.` or the
//! path ends in `/`; `listDirectories` shows all but `.git`; `searchLocalEntries` only when
//! the query starts with `.`.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use cap_std::fs::Dir;
use serde_json::{json, Value};

use crate::protocol::reply_error::ReplyError;
use crate::protocol::server_fs::{BrowseParams, ListDirectoriesParams, SearchLocalParams};

/// Symlinks one path may go through (Linux's own limit).
const MAX_LINK_HOPS: usize = 40;
/// Entries read from one directory, at most (a directory with more is listed in part).
pub const MAX_READ_PER_DIRECTORY: usize = 20_000;
/// Entries `filesystem.browse` answers, at most.
pub const MAX_BROWSE_ENTRIES: usize = 1_000;
/// Entries `projects.listDirectories` answers, at most, over all levels.
pub const MAX_LIST_ENTRIES: usize = 5_000;
/// DP Code's search bounds: depth, default (and largest effective) limit, time.
pub const LOCAL_SEARCH_MAX_DEPTH: usize = 6;
pub const LOCAL_SEARCH_DEFAULT_LIMIT: usize = 50;
pub const LOCAL_SEARCH_TIME_BUDGET: Duration = Duration::from_millis(600);
/// Directories one search opens, at most.
pub const LOCAL_SEARCH_MAX_DIRECTORIES: usize = 20_000;

/// DP Code's directories a local search never enters (caches, VCS data, private areas).
const SEARCH_IGNORED: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".DS_Store",
    ".Trash",
    "node_modules",
    ".next",
    ".turbo",
    ".cache",
    ".convex",
    ".pnpm-store",
    ".yarn",
    ".gradle",
    ".m2",
    ".nuget",
    ".bundle",
    "Library",
    "Pods",
    "dist",
    "build",
    "out",
    "target",
    "vendor",
    "__pycache__",
    ".venv",
    "venv",
];

/// The home directory: its canonical path, and a handle every walk starts from.
pub struct Home {
    path: PathBuf,
    dir: Dir,
}

impl Home {
    /// `path` must be canonical (as `ServerInfo` keeps it).
    pub fn open(path: Option<&Path>) -> Result<Home, ReplyError> {
        let path = path.ok_or_else(|| {
            ReplyError::new("Folder browsing is unavailable: the server has no home directory ($HOME is unset or missing).")
        })?;
        let dir = Dir::open_ambient_dir(path, cap_std::ambient_authority()).map_err(|err| {
            ReplyError::wrapped(
                format!("Unable to open the home directory '{}'", path.display()),
                err,
            )
        })?;
        Ok(Home {
            path: path.to_path_buf(),
            dir,
        })
    }

    fn outside(&self, field: &str, raw: &str) -> ReplyError {
        ReplyError::new(format!(
            "{field}: {raw} is outside the home directory {}; folder browsing is confined to it.",
            self.path.display()
        ))
    }

    /// A client path as a path relative to home: `~`, `~/…`, absolute, or relative to `base`
    /// (itself home-relative). `.` and `..` are resolved lexically and may not leave home.
    fn relative(&self, field: &str, raw: &str, base: &Path) -> Result<PathBuf, ReplyError> {
        if raw.contains('\0') {
            return Err(ReplyError::new(format!(
                "{field}: must not contain a NUL byte"
            )));
        }
        let (start, rest): (PathBuf, &str) = if raw == "~" {
            (PathBuf::new(), "")
        } else if let Some(rest) = raw.strip_prefix("~/") {
            (PathBuf::new(), rest)
        } else if Path::new(raw).is_absolute() {
            let normal = normalize(Path::new(raw)).ok_or_else(|| self.outside(field, raw))?;
            let inside = normal
                .strip_prefix(&self.path)
                .map_err(|_| self.outside(field, raw))?;
            return Ok(inside.to_path_buf());
        } else {
            (base.to_path_buf(), raw)
        };
        normalize(&start.join(rest))
            .filter(|p| !p.is_absolute())
            .ok_or_else(|| self.outside(field, raw))
    }

    fn escapes(&self, relative: &Path) -> ReplyError {
        ReplyError::new(format!(
            "'{}' leads outside the home directory (through a symlink); folder browsing is confined to {}.",
            self.absolute(relative),
            self.path.display()
        ))
    }

    /// `relative` with its symlinks replaced by where they point, as long as that stays in
    /// home: an absolute link must name a path under home (the kernel's `RESOLVE_BENEATH`
    /// refuses every absolute link, even `~/code -> /home/me/src`), a relative one may not
    /// climb above it. Read through the home handle; the open that follows is beneath it too,
    /// so a link swapped in between can make it fail, never lead out.
    fn resolve_links(&self, relative: &Path) -> Result<PathBuf, ReplyError> {
        let mut pending: Vec<std::ffi::OsString> =
            relative.iter().rev().map(|c| c.to_os_string()).collect();
        let mut walked = PathBuf::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            let next = walked.join(&part);
            let is_link = self
                .dir
                .symlink_metadata(&next)
                .is_ok_and(|meta| meta.file_type().is_symlink());
            if !is_link {
                walked = next;
                continue;
            }
            hops += 1;
            let target = match self.dir.read_link_contents(&next) {
                Ok(target) if hops <= MAX_LINK_HOPS => target,
                // Unreadable, or a loop: the open reports it.
                _ => return Ok(relative.to_path_buf()),
            };
            let resolved = if target.is_absolute() {
                let normal = normalize(&target).ok_or_else(|| self.escapes(&next))?;
                normal
                    .strip_prefix(&self.path)
                    .map_err(|_| self.escapes(&next))?
                    .to_path_buf()
            } else {
                normalize(&walked.join(&target)).ok_or_else(|| self.escapes(&next))?
            };
            pending.extend(resolved.iter().rev().map(|c| c.to_os_string()));
            walked = PathBuf::new();
        }
        Ok(walked)
    }

    /// Opens the home-relative directory `relative`, beneath the home handle.
    fn open_dir(&self, relative: &Path) -> Result<Dir, ReplyError> {
        let resolved = self.resolve_links(relative)?;
        let opened = if resolved.as_os_str().is_empty() {
            self.dir.try_clone()
        } else {
            self.dir.open_dir(&resolved)
        };
        opened.map_err(|err| {
            if is_escape(&err) {
                self.escapes(relative)
            } else {
                ReplyError::wrapped(
                    format!("Unable to open directory '{}'", self.absolute(relative)),
                    err,
                )
            }
        })
    }

    fn absolute(&self, relative: &Path) -> String {
        if relative.as_os_str().is_empty() {
            return self.path.to_string_lossy().into_owned();
        }
        self.path.join(relative).to_string_lossy().into_owned()
    }
}

/// cap-std's refusal of a walk leaving its directory has no OS error number (see
/// `workspace::files`); a real EACCES has one.
fn is_escape(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::PermissionDenied && err.raw_os_error().is_none()
}

/// `.` dropped and `..` applied, lexically; `None` when `..` climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::RootDir => out.push("/"),
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Directory,
    File,
}

/// A directory's entries: UTF-8 names (others cannot be named back by a client), real
/// directories and regular files (symlinks and devices are left out), at most
/// [`MAX_READ_PER_DIRECTORY`]. The bool says whether the directory had more.
fn read_entries(dir: &Dir) -> io::Result<(Vec<(String, Kind)>, bool)> {
    let mut out = Vec::new();
    for (read, entry) in dir.entries()?.enumerate() {
        if read >= MAX_READ_PER_DIRECTORY {
            return Ok((out, true));
        }
        let Ok(entry) = entry else { continue };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let kind = if kind.is_dir() {
            Kind::Directory
        } else if kind.is_file() {
            Kind::File
        } else {
            continue;
        };
        if let Ok(name) = entry.file_name().into_string() {
            if !name.is_empty() && name != "." && name != ".." {
                out.push((name, kind));
            }
        }
    }
    Ok((out, false))
}

fn by_name(a: &str, b: &str) -> std::cmp::Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// `filesystem.browse {partialPath, cwd?}` → `{parentPath, entries: [{name, fullPath}]}`: the
/// directories of the path's parent whose names start with its last segment (case
/// insensitive), or of the path itself when it ends in `/` (or is `~`). Adds `truncated`.
pub fn browse(home: &Home, params: &BrowseParams) -> Result<Value, ReplyError> {
    let base = match &params.cwd {
        Some(cwd) => home.relative("body.cwd", cwd, Path::new(""))?,
        None => PathBuf::new(),
    };
    let raw = params.partial_path.as_str();
    let target = home.relative("body.partialPath", raw, &base)?;
    let inside = raw.ends_with('/') || raw == "~";
    // The home directory itself, typed without a slash, lists home: its parent is outside.
    let (parent, prefix) = match (inside, target.parent(), target.file_name()) {
        (false, Some(parent), Some(name)) => {
            (parent.to_path_buf(), name.to_string_lossy().into_owned())
        }
        _ => (target, String::new()),
    };
    let dir = home.open_dir(&parent)?;
    let (entries, _) = read_entries(&dir).map_err(|err| {
        ReplyError::wrapped(
            format!("Unable to read directory '{}'", home.absolute(&parent)),
            err,
        )
    })?;
    let show_hidden = inside || prefix.starts_with('.');
    let lower = prefix.to_lowercase();
    let mut names: Vec<String> = entries
        .into_iter()
        .filter(|(name, kind)| {
            *kind == Kind::Directory
                && name.to_lowercase().starts_with(&lower)
                && (show_hidden || !name.starts_with('.'))
        })
        .map(|(name, _)| name)
        .collect();
    names.sort_by(|a, b| by_name(a, b));
    let truncated = names.len() > MAX_BROWSE_ENTRIES;
    names.truncate(MAX_BROWSE_ENTRIES);
    let parent_path = home.absolute(&parent);
    let entries: Vec<Value> = names
        .iter()
        .map(|name| json!({ "name": name, "fullPath": home.absolute(&parent.join(name)) }))
        .collect();
    Ok(json!({ "parentPath": parent_path, "entries": entries, "truncated": truncated }))
}

/// Whether `dir` holds a real directory (bounded like every read).
fn has_child_directories(dir: &Dir) -> bool {
    read_entries(dir).is_ok_and(|(entries, _)| entries.iter().any(|(_, k)| *k == Kind::Directory))
}

/// `/`-separated, as DP Code's clients expect.
fn posix(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `projects.listDirectories {cwd, relativePath?, depth?, includeFiles?}` →
/// `{entries: [{path, name, kind, parentPath?, hasChildren?}]}`: the directories (and files,
/// with `includeFiles`) below `cwd/relativePath`, `depth` levels deep (default 1), directories
/// first, then by name; `path` and `parentPath` are relative to `cwd`. `.git` is left out.
/// Adds `truncated` (more than [`MAX_LIST_ENTRIES`]).
pub fn list_directories(home: &Home, params: &ListDirectoriesParams) -> Result<Value, ReplyError> {
    let cwd = home.relative("body.cwd", &params.cwd, Path::new(""))?;
    let start = match &params.relative_path {
        None => PathBuf::new(),
        Some(rel) if Path::new(rel).is_absolute() || rel.starts_with('~') => {
            return Err(ReplyError::new(format!(
                "body.relativePath: {rel} must be relative to body.cwd"
            )))
        }
        Some(rel) => normalize(Path::new(rel)).ok_or_else(|| {
            ReplyError::new(format!(
                "body.relativePath: {rel} must stay within body.cwd"
            ))
        })?,
    };
    // The listing itself must open; deeper levels that cannot are skipped.
    home.open_dir(&cwd.join(&start))?;
    let depth = params.depth.unwrap_or(1) as usize;
    let mut out = Vec::new();
    let mut truncated = false;
    let mut level = vec![start];
    for _ in 0..depth {
        let mut next = Vec::new();
        for relative in level {
            let Ok(dir) = home.open_dir(&cwd.join(&relative)) else {
                continue;
            };
            let Ok((mut entries, _)) = read_entries(&dir) else {
                continue;
            };
            entries.retain(|(name, kind)| {
                name != ".git" && (*kind == Kind::Directory || params.include_files)
            });
            entries.sort_by(|a, b| {
                (a.1 == Kind::File)
                    .cmp(&(b.1 == Kind::File))
                    .then_with(|| by_name(&a.0, &b.0))
            });
            for (name, kind) in entries {
                if out.len() >= MAX_LIST_ENTRIES {
                    truncated = true;
                    break;
                }
                let path = relative.join(&name);
                let mut entry = json!({
                    "path": posix(&path),
                    "name": name,
                    "kind": if kind == Kind::Directory { "directory" } else { "file" },
                });
                if !relative.as_os_str().is_empty() {
                    entry["parentPath"] = json!(posix(&relative));
                }
                if kind == Kind::Directory {
                    let child = dir.open_dir(&name).ok();
                    entry["hasChildren"] = json!(child.as_ref().is_some_and(has_child_directories));
                    next.push(path);
                }
                out.push(entry);
            }
        }
        level = next;
    }
    Ok(json!({ "entries": out, "truncated": truncated }))
}

/// DP Code's query normalisation: trimmed, leading `@`, `.` and `/` dropped, lower case.
fn normalize_query(query: &str) -> String {
    query
        .trim()
        .trim_start_matches(['@', '.', '/'])
        .to_lowercase()
}

/// DP Code's fuzzy score of `query` as a subsequence of `value` (lower is better).
fn subsequence_score(value: &[char], query: &[char]) -> Option<usize> {
    let mut next = 0;
    let (mut first, mut previous, mut gaps) = (None, None, 0);
    for (i, c) in value.iter().enumerate() {
        if query.get(next) != Some(c) {
            continue;
        }
        let start = *first.get_or_insert(i);
        if let Some(p) = previous {
            gaps += i - p - 1;
        }
        previous = Some(i);
        next += 1;
        if next == query.len() {
            let span = i - start + 1 - query.len();
            let length = (value.len() - query.len()).min(64);
            return Some(start * 2 + gaps * 3 + span + length);
        }
    }
    None
}

/// DP Code's name score: exact 0, prefix 2, substring 5, fuzzy 100 + its score.
fn score_name(name: &str, query: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    if lower == query {
        Some(0)
    } else if lower.starts_with(query) {
        Some(2)
    } else if lower.contains(query) {
        Some(5)
    } else {
        let value: Vec<char> = lower.chars().collect();
        let query: Vec<char> = query.chars().collect();
        subsequence_score(&value, &query).map(|s| 100 + s)
    }
}

/// `projects.searchLocalEntries {rootPath, query, limit?, includeFiles?}` →
/// `{entries: [{path, name, kind, parentPath}], truncated}`: names below `rootPath` (absolute
/// paths) matching `query`, best first, breadth first to DP Code's depth, within its time
/// budget and [`LOCAL_SEARCH_MAX_DIRECTORIES`]; `truncated` when a bound cut the walk short.
pub fn search_local(home: &Home, params: &SearchLocalParams) -> Result<Value, ReplyError> {
    let root = home.relative("body.rootPath", &params.root_path, Path::new(""))?;
    home.open_dir(&root)?;
    let query = normalize_query(&params.query);
    if query.is_empty() {
        return Ok(json!({ "entries": [], "truncated": false }));
    }
    // DP Code's limit: at most its default, whatever the schema allows.
    let limit = params
        .limit
        .unwrap_or(LOCAL_SEARCH_DEFAULT_LIMIT)
        .clamp(1, LOCAL_SEARCH_DEFAULT_LIMIT);
    // DP Code means to show dotfiles to a query for one (it tests the normalised query, which
    // has lost its dot; the raw query is what says so).
    let dotfiles = params.query.trim().starts_with('.');
    let deadline = Instant::now() + LOCAL_SEARCH_TIME_BUDGET;
    let mut ranked: Vec<(usize, String, String, Kind, String)> = Vec::new();
    let mut truncated = false;
    let mut opened = 0;
    let mut level = vec![root];
    'walk: for depth in 0..LOCAL_SEARCH_MAX_DEPTH {
        let mut next = Vec::new();
        for relative in level {
            if Instant::now() > deadline || opened >= LOCAL_SEARCH_MAX_DIRECTORIES {
                truncated = true;
                break 'walk;
            }
            opened += 1;
            let Ok(dir) = home.open_dir(&relative) else {
                continue;
            };
            let Ok((entries, more)) = read_entries(&dir) else {
                continue;
            };
            truncated |= more;
            for (name, kind) in entries {
                if SEARCH_IGNORED.contains(&name.as_str()) || (!dotfiles && name.starts_with('.')) {
                    continue;
                }
                if kind == Kind::File && !params.include_files {
                    continue;
                }
                let path = relative.join(&name);
                if let Some(score) = score_name(&name, &query) {
                    ranked.push((
                        score,
                        home.absolute(&path),
                        name,
                        kind,
                        home.absolute(&relative),
                    ));
                    if ranked.len() >= limit * 4 {
                        ranked.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                        ranked.truncate(limit);
                    }
                }
                if kind == Kind::Directory && depth + 1 < LOCAL_SEARCH_MAX_DEPTH {
                    next.push(path);
                }
            }
        }
        level = next;
    }
    ranked.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    ranked.truncate(limit);
    let entries: Vec<Value> = ranked
        .into_iter()
        .map(|(_, path, name, kind, parent)| {
            json!({
                "path": path,
                "name": name,
                "kind": if kind == Kind::Directory { "directory" } else { "file" },
                "parentPath": parent,
            })
        })
        .collect();
    Ok(json!({ "entries": entries, "truncated": truncated }))
}

#[cfg(test)]
mod tests;
