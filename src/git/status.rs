//! `git.status` and `git.pull`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::branches::{
    local_branch_exists, origin_default_branch, ref_exists, DEFAULT_BRANCH_CANDIDATES,
};
use super::gh::{self, GhPr, PrStates};
use super::{run, run_ok, GitError};

mod branch_facts;
mod numstat_cache;
use branch_facts::branch_facts;
pub use numstat_cache::NumstatCache;

/// One changed file of the working tree, with line counts against HEAD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitFileChange {
    pub path: String,
    pub insertions: u64,
    pub deletions: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitWorkingTree {
    pub files: Vec<GitFileChange>,
    pub insertions: u64,
    pub deletions: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitPrState {
    Open,
    Closed,
    Merged,
}

/// The pull request for the current branch, as `gh` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitStatusPr {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub base_branch: String,
    pub head_branch: String,
    pub state: GitPrState,
}

/// Result of `git.status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitStatus {
    pub branch: Option<String>,
    pub has_working_tree_changes: bool,
    pub working_tree: GitWorkingTree,
    pub has_upstream: bool,
    /// DP Code: the upstream's branch on its remote (`branch.<name>.merge` without
    /// `refs/heads/`), null without an upstream.
    pub upstream_branch: Option<String>,
    pub ahead_count: u64,
    pub behind_count: u64,
    pub pr: Option<GitStatusPr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GitPullStatus {
    Pulled,
    SkippedUpToDate,
}

/// Result of `git.pull`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitPullResult {
    pub status: GitPullStatus,
    pub branch: String,
    pub upstream_branch: Option<String>,
}

/// Local facts behind `git.status` (no `gh`), also what `pull` and stacked actions build on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDetails {
    pub branch: Option<String>,
    /// Short upstream name, e.g. `origin/main`.
    pub upstream_ref: Option<String>,
    /// The upstream's branch name on its remote, e.g. `main` (DP Code's `upstreamBranch`).
    pub upstream_branch: Option<String>,
    pub has_working_tree_changes: bool,
    pub working_tree: GitWorkingTree,
    pub ahead_count: u64,
    pub behind_count: u64,
}

impl StatusDetails {
    pub fn has_upstream(&self) -> bool {
        self.upstream_ref.is_some()
    }
}

#[derive(Debug, Default)]
struct Porcelain {
    branch: Option<String>,
    upstream: Option<String>,
    ahead: u64,
    behind: u64,
    changed: BTreeSet<String>,
    /// Every changed path's record, for the line-count cache.
    entries: Vec<numstat_cache::Entry>,
}

/// Parses `git status --porcelain=v2 --branch -z`.
fn parse_porcelain(stdout: &str) -> Porcelain {
    let mut out = Porcelain::default();
    let mut records = stdout.split('\0');
    while let Some(record) = records.next() {
        if let Some(header) = record.strip_prefix("# ") {
            if let Some(head) = header.strip_prefix("branch.head ") {
                let head = head.trim();
                out.branch = (head != "(detached)" && !head.is_empty()).then(|| head.into());
            } else if let Some(up) = header.strip_prefix("branch.upstream ") {
                let up = up.trim();
                out.upstream = (!up.is_empty()).then(|| up.into());
            } else if let Some(ab) = header.strip_prefix("branch.ab ") {
                let mut parts = ab.split_whitespace();
                let ahead = parts.next().and_then(|a| a.strip_prefix('+'));
                let behind = parts.next().and_then(|b| b.strip_prefix('-'));
                if let (Some(Ok(a)), Some(Ok(b))) = (ahead.map(str::parse), behind.map(str::parse))
                {
                    out.ahead = a;
                    out.behind = b;
                }
            }
            continue;
        }
        // Field counts before the path: ordinary 8, renamed/copied 9 (then the original path as
        // its own record), unmerged 10, untracked/ignored 1.
        let path = match record.as_bytes().first() {
            Some(b'1') => record.splitn(9, ' ').nth(8),
            Some(b'2') => {
                records.next();
                record.splitn(10, ' ').nth(9)
            }
            Some(b'u') => record.splitn(11, ' ').nth(10),
            Some(b'?') | Some(b'!') => record.get(2..),
            _ => None,
        };
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            out.changed.insert(path.to_string());
            out.entries.extend(numstat_cache::entry_of(record));
        }
    }
    out
}

/// Parses `git diff --numstat -z`; binary files count as 0/0.
pub(super) fn parse_numstat(stdout: &str) -> Vec<GitFileChange> {
    let mut entries = Vec::new();
    let mut records = stdout.split('\0');
    while let Some(record) = records.next() {
        let mut parts = record.splitn(3, '\t');
        let (Some(added), Some(deleted), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let path = if path.is_empty() {
            // A rename: the old and new paths follow as separate records; the new one counts.
            records.next();
            records.next().unwrap_or("")
        } else {
            path
        };
        if path.is_empty() {
            continue;
        }
        entries.push(GitFileChange {
            path: path.to_string(),
            insertions: added.trim().parse().unwrap_or(0),
            deletions: deleted.trim().parse().unwrap_or(0),
        });
    }
    entries
}

/// The branch a branch without upstream is measured against: its `gh-merge-base`, the origin
/// default, then main/master, as a local branch or else `origin/<name>`.
pub(crate) fn base_branch_for_no_upstream(cwd: &Path, branch: &str) -> Option<String> {
    let configured = super::config_get(cwd, &format!("branch.{branch}.gh-merge-base"))
        .ok()
        .flatten();
    let candidates = configured
        .into_iter()
        .chain(origin_default_branch(cwd))
        .chain(DEFAULT_BRANCH_CANDIDATES.iter().map(|s| s.to_string()));
    for candidate in candidates {
        let name = candidate
            .strip_prefix("origin/")
            .unwrap_or(&candidate)
            .to_string();
        if name.is_empty() || name == branch {
            continue;
        }
        if local_branch_exists(cwd, &name) {
            return Some(name);
        }
        if ref_exists(cwd, &format!("refs/remotes/origin/{name}")) {
            return Some(format!("origin/{name}"));
        }
    }
    None
}

fn ahead_of_base(cwd: &Path, branch: &str) -> u64 {
    let Some(base) = base_branch_for_no_upstream(cwd, branch) else {
        return 0;
    };
    commits_ahead(cwd, &base)
}

/// `rev-list --count <base>..HEAD`, 0 when git cannot say.
fn commits_ahead(cwd: &Path, base: &str) -> u64 {
    run(cwd, ["rev-list", "--count", &format!("{base}..HEAD")])
        .ok()
        .filter(|o| o.code == Some(0))
        .and_then(|o| o.stdout.trim().parse().ok())
        .unwrap_or(0)
}

/// `branch.<name>.merge` without `refs/heads/` (DP Code's `normalizeConfiguredMergeBranch`).
fn merge_branch(cwd: &Path, branch: &str) -> Option<String> {
    let merge = super::config_get(cwd, &format!("branch.{branch}.merge")).ok()??;
    branch_facts::short_merge_branch(&merge)
}

/// Branch, upstream, ahead/behind and working-tree line counts, from local state only.
///
/// Counts are staged plus unstaged numstat summed per file, as the reference does; untracked
/// files are listed with 0/0 (the reference never reads their contents). Without an upstream,
/// `ahead_count` is measured against the base branch (so a fresh feature branch still shows
/// how many commits it would push) and `behind_count` is 0.
pub fn status_details(cwd: &Path) -> Result<StatusDetails, GitError> {
    status_details_with(cwd, &NumstatCache::default())
}

/// [`status_details`] with the repository's line-count cache: only files whose key changed
/// since the last poll are diffed (see [`NumstatCache`]).
pub fn status_details_with(cwd: &Path, cache: &NumstatCache) -> Result<StatusDetails, GitError> {
    // The branch's facts are asked beside `git status`: the answer takes as long as the
    // slower of the two instead of their sum.
    // When the last poll found files to diff, this one diffs both sides whole beside `git
    // status` (files being edited); otherwise only what the cache misses, after it.
    let prefetch = cache.expects_changes();
    let (porcelain, facts, prefetched) = std::thread::scope(|scope| {
        let facts = scope.spawn(|| branch_facts(cwd));
        let prefetched = prefetch.then(|| scope.spawn(|| numstat_cache::prefetch_whole(cwd)));
        // Paths from the top level, as numstat prints them, whatever directory `cwd` is.
        let porcelain = run_ok(
            cwd,
            [
                "-c",
                "status.relativePaths=false",
                "status",
                "--porcelain=v2",
                "--branch",
                "-z",
            ],
        );
        let prefetched = prefetched.and_then(|p| p.join().ok());
        (porcelain, facts.join().ok().flatten(), prefetched)
    });
    let porcelain = parse_porcelain(&porcelain?);
    let (staged, unstaged) = cache.counts(cwd, &porcelain.entries, prefetched)?;

    let mut stats: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in staged.into_iter().chain(unstaged) {
        let stat = stats.entry(entry.path).or_default();
        stat.0 += entry.insertions;
        stat.1 += entry.deletions;
    }
    for path in &porcelain.changed {
        stats.entry(path.clone()).or_default();
    }
    let files: Vec<GitFileChange> = stats
        .into_iter()
        .map(|(path, (insertions, deletions))| GitFileChange {
            path,
            insertions,
            deletions,
        })
        .collect();
    let working_tree = GitWorkingTree {
        insertions: files.iter().map(|f| f.insertions).sum(),
        deletions: files.iter().map(|f| f.deletions).sum(),
        files,
    };

    let facts = facts.filter(|f| porcelain.branch.as_ref() == Some(&f.branch));
    let (ahead_count, behind_count) = match (&porcelain.upstream, &porcelain.branch) {
        (None, Some(branch)) => match facts.as_ref().and_then(|f| f.ahead_of_base) {
            Some(ahead) => (ahead, 0),
            None => (ahead_of_base(cwd, branch), 0),
        },
        _ => (porcelain.ahead, porcelain.behind),
    };
    let upstream_branch = match (&porcelain.upstream, &porcelain.branch) {
        (Some(_), Some(branch)) => match facts.filter(|f| f.ahead_of_base.is_none()) {
            Some(facts) => facts.upstream_branch,
            None => merge_branch(cwd, branch),
        },
        _ => None,
    };

    Ok(StatusDetails {
        branch: porcelain.branch,
        upstream_ref: porcelain.upstream,
        upstream_branch,
        has_working_tree_changes: !porcelain.changed.is_empty(),
        working_tree,
        ahead_count,
        behind_count,
    })
}

/// `git.status`. The `pr` lookup is best effort: any `gh` problem yields `null`.
pub fn status(cwd: &Path) -> Result<GitStatus, GitError> {
    status_with(cwd, &NumstatCache::default())
}

/// [`status`] with the repository's line-count cache (the project actor keeps one).
pub fn status_with(cwd: &Path, cache: &NumstatCache) -> Result<GitStatus, GitError> {
    let details = status_details_with(cwd, cache)?;
    let pr = match (&details.branch, details.has_upstream()) {
        (Some(branch), true) => find_pr(cwd, branch),
        _ => None,
    };
    Ok(GitStatus {
        branch: details.branch,
        has_working_tree_changes: details.has_working_tree_changes,
        working_tree: details.working_tree,
        has_upstream: details.upstream_ref.is_some(),
        upstream_branch: details.upstream_branch,
        ahead_count: details.ahead_count,
        behind_count: details.behind_count,
        pr,
    })
}

/// Fetches the current branch's upstream ref so the next `status` sees fresh ahead/behind
/// counts. Not done by `status` itself: it touches the network, and callers decide how often.
pub fn refresh_upstream(cwd: &Path) -> Result<(), GitError> {
    let Some(upstream) = upstream_of_head(cwd)? else {
        return Ok(());
    };
    let upstream = upstream.as_str();
    let Some((remote, branch)) = upstream.split_once('/') else {
        return Ok(());
    };
    let refspec = format!("+refs/heads/{branch}:refs/remotes/{upstream}");
    run_ok(cwd, ["fetch", "--quiet", "--no-tags", remote, &refspec]).map(|_| ())
}

/// The current branch's upstream (`origin/main`), when it has one.
pub fn upstream_of_head(cwd: &Path) -> Result<Option<String>, GitError> {
    let out = run(
        cwd,
        [
            "rev-parse",
            "--abbrev-ref",
            "--symbolic-full-name",
            "@{upstream}",
        ],
    )?;
    let upstream = out.stdout.trim();
    let known = out.code == Some(0) && !upstream.is_empty() && !upstream.starts_with('@');
    Ok(known.then(|| upstream.to_string()))
}

/// A status poll waits on `gh` for at most this (or the gh deadline, when that is shorter).
const GH_STATUS_TIMEOUT: Duration = Duration::from_secs(10);

/// The branch's pull request, best effort: no `gh` on PATH, a failure or a timeout (it talks
/// to the network, and a status poll must not hang on it) all mean "no PR known".
fn find_pr(cwd: &Path, branch: &str) -> Option<GitStatusPr> {
    let deadline = crate::spawn::deadlines().gh.min(GH_STATUS_TIMEOUT);
    match gh::list_prs(cwd, Path::new("gh"), branch, PrStates::All, 20, deadline) {
        Ok(prs) => choose_pr(prs),
        Err(err) => {
            log::debug!("gh pr list failed or timed out in {}: {err}", cwd.display());
            None
        }
    }
}

/// Of a branch's pull requests: the most recently updated open one, else the most recently
/// updated one of any state.
fn choose_pr(prs: Vec<GhPr>) -> Option<GitStatusPr> {
    let mut prs: Vec<(String, GitStatusPr)> = prs
        .into_iter()
        .filter(|pr| pr.number > 0)
        .filter_map(|pr| {
            let merged_at = pr.merged_at.filter(|s| !s.trim().is_empty());
            let state = match pr.state.as_deref() {
                _ if merged_at.is_some() => GitPrState::Merged,
                Some("MERGED") => GitPrState::Merged,
                Some("OPEN") | None => GitPrState::Open,
                Some("CLOSED") => GitPrState::Closed,
                Some(_) => return None,
            };
            let status_pr = GitStatusPr {
                number: pr.number,
                title: pr.title,
                url: pr.url,
                base_branch: pr.base_ref_name,
                head_branch: pr.head_ref_name,
                state,
            };
            // ISO-8601 UTC timestamps from GitHub sort correctly as strings.
            Some((pr.updated_at.unwrap_or_default(), status_pr))
        })
        .collect();
    prs.sort_by(|a, b| b.0.cmp(&a.0));
    let open = prs.iter().position(|(_, pr)| pr.state == GitPrState::Open);
    let index = open.unwrap_or(0);
    (index < prs.len()).then(|| prs.swap_remove(index).1)
}

/// `git.pull`: fast-forward only. Divergence or local changes in the way are refused with
/// git's message; nothing is merged or rebased behind the user's back.
pub fn pull(cwd: &Path) -> Result<GitPullResult, GitError> {
    let details = status_details(cwd)?;
    let Some(branch) = details.branch else {
        return Err(GitError::Refused("Cannot pull from detached HEAD.".into()));
    };
    let Some(upstream) = details.upstream_ref else {
        return Err(GitError::Refused(format!(
            "Branch {branch} has no upstream configured. Push with upstream first."
        )));
    };
    let before = super::checkpoints::resolve_commit(cwd, "HEAD");
    // `--no-rebase` keeps a `pull.rebase` setting from turning this into a rebase.
    let args = ["pull", "--ff-only", "--no-rebase"];
    let out = run(cwd, args)?;
    if out.code != Some(0) {
        let message = out.message();
        let lower = message.to_lowercase();
        if lower.contains("not possible to fast-forward") || lower.contains("diverg") {
            return Err(GitError::Refused(format!(
                "Cannot fast-forward {branch} to {upstream}: the branches have diverged. \
                 Merge or rebase manually. {message}"
            )));
        }
        if lower.contains("would be overwritten") {
            return Err(GitError::Refused(format!(
                "Cannot pull into {branch}: uncommitted changes would be overwritten. {message}"
            )));
        }
        return Err(GitError::Failed {
            args: args.join(" "),
            message,
        });
    }
    let after = super::checkpoints::resolve_commit(cwd, "HEAD");
    // A fast-forward moves the branch, never its upstream.
    let upstream_branch = Some(upstream);
    let up_to_date = before.is_some() && before == after;
    Ok(GitPullResult {
        status: if up_to_date {
            GitPullStatus::SkippedUpToDate
        } else {
            GitPullStatus::Pulled
        },
        branch,
        upstream_branch,
    })
}

#[cfg(test)]
mod tests;
