//! `server.listWorktrees` → `{worktrees: [{path, workspaceRoot}]}`. DP Code always answers `[]`
//! (S/wsRpc.ts:905); t3rs answers the real list, from two sources:
//!
//! - the read model: every live thread's `worktreePath` that exists on disk, under its
//!   project's workspace root;
//! - git: `git worktree list --porcelain` in each live project's workspace root, its linked
//!   worktrees (not the main checkout, not ones git calls prunable, whose directory is gone).
//!
//! A worktree both know of is listed once. Each entry adds `branch` (git's, else the thread's;
//! null when detached or unknown) and `threadIds` (the live threads working in it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::orchestration::ReadModel;

/// Projects whose git is asked, at most (each `git worktree list` is a few milliseconds).
pub const MAX_PROJECTS_ASKED: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedWorktree {
    pub path: String,
    pub workspace_root: String,
    pub branch: Option<String>,
    pub thread_ids: Vec<String>,
}

/// What the read model says, taken on the caller's thread (cheap: no I/O).
pub struct KnownWorktrees {
    /// Live projects' workspace roots.
    roots: Vec<String>,
    /// (worktree path, workspace root, thread id, thread branch) of live threads.
    threads: Vec<(String, String, String, Option<String>)>,
}

impl KnownWorktrees {
    pub fn from_model(model: &ReadModel) -> KnownWorktrees {
        let mut roots = Vec::new();
        for project in model.projects.values() {
            if project.deleted_at.is_none() && !roots.contains(&project.workspace_root) {
                roots.push(project.workspace_root.clone());
            }
        }
        let threads = model
            .threads
            .values()
            .filter(|t| t.deleted_at.is_none())
            .filter_map(|t| {
                let path = t.worktree_path.clone()?;
                let project = model.projects.get(&t.project_id)?;
                Some((
                    path,
                    project.workspace_root.clone(),
                    t.id.clone(),
                    t.branch.clone(),
                ))
            })
            .collect();
        KnownWorktrees { roots, threads }
    }
}

/// One linked worktree from `git worktree list --porcelain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitWorktree {
    pub path: String,
    pub branch: Option<String>,
}

/// The linked worktrees of a porcelain listing: every block but the first (the main checkout),
/// skipping bare and prunable ones.
pub fn parse_porcelain(listing: &str) -> Vec<GitWorktree> {
    let mut found = Vec::new();
    for block in listing.split("\n\n").skip(1) {
        let mut path = None;
        let mut branch = None;
        let mut skip = false;
        for line in block.lines() {
            if let Some(p) = line.strip_prefix("worktree ") {
                path = Some(p.to_string());
            } else if let Some(b) = line.strip_prefix("branch ") {
                branch = Some(b.strip_prefix("refs/heads/").unwrap_or(b).to_string());
            } else if line == "bare" || line.starts_with("prunable") {
                skip = true;
            }
        }
        if let (Some(path), false) = (path, skip) {
            found.push(GitWorktree { path, branch });
        }
    }
    found
}

/// The key a worktree is deduplicated by: its canonical path when it exists.
fn identity(path: &str) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path))
}

/// The list (blocking: runs git). Sorted by workspace root, then path.
pub fn list(known: KnownWorktrees) -> Vec<ListedWorktree> {
    let mut listed: BTreeMap<PathBuf, ListedWorktree> = BTreeMap::new();
    for root in known.roots.iter().take(MAX_PROJECTS_ASKED) {
        let root_path = Path::new(root);
        if !root_path.is_dir() {
            continue;
        }
        let listing = match crate::git::run_ok(root_path, ["worktree", "list", "--porcelain"]) {
            Ok(listing) => listing,
            // Not a repository (or git is missing): this project has no worktrees to list.
            Err(err) => {
                log::debug!("no worktrees listed for {root}: {err}");
                continue;
            }
        };
        for worktree in parse_porcelain(&listing) {
            listed
                .entry(identity(&worktree.path))
                .or_insert_with(|| ListedWorktree {
                    path: worktree.path.clone(),
                    workspace_root: root.clone(),
                    branch: worktree.branch.clone(),
                    thread_ids: Vec::new(),
                });
        }
    }
    for (path, root, thread_id, branch) in known.threads {
        if !Path::new(&path).is_dir() {
            continue;
        }
        let entry = listed
            .entry(identity(&path))
            .or_insert_with(|| ListedWorktree {
                path: path.clone(),
                workspace_root: root,
                branch: None,
                thread_ids: Vec::new(),
            });
        if entry.branch.is_none() {
            entry.branch = branch;
        }
        entry.thread_ids.push(thread_id);
    }
    let mut out: Vec<ListedWorktree> = listed.into_values().collect();
    out.sort_by(|a, b| (&a.workspace_root, &a.path).cmp(&(&b.workspace_root, &b.path)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_lists_linked_worktrees_only() {
        let listing = "worktree /r\nHEAD abc\nbranch refs/heads/main\n\n\
                       worktree /w/a\nHEAD def\nbranch refs/heads/feature/a\n\n\
                       worktree /w/b\nHEAD 123\ndetached\n\n\
                       worktree /w/gone\nHEAD 456\nbranch refs/heads/x\nprunable gitdir file points to non-existent location\n";
        assert_eq!(
            parse_porcelain(listing),
            vec![
                GitWorktree {
                    path: "/w/a".into(),
                    branch: Some("feature/a".into())
                },
                GitWorktree {
                    path: "/w/b".into(),
                    branch: None
                },
            ]
        );
    }
}
