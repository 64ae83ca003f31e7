//! DP Code's stash methods (dpcode.md §4; its GitCore.ts `stashAndCheckout`, `stashDrop`,
//! `stashInfo`): switching branches with uncommitted work carried across, and the stash a
//! failed carry leaves behind.

use std::path::Path;

use serde::Serialize;

use super::{branches, run, run_ok, GitError};

/// `git.stashInfo`'s answer: the newest stash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StashInfo {
    pub cwd: String,
    /// The branch checked out in `cwd` now (DP Code's meaning), null when detached.
    pub branch: Option<String>,
    /// e.g. `stash@{0}`.
    pub stash_ref: String,
    pub message: String,
    /// Every path the stash holds, untracked ones included.
    pub files: Vec<String>,
}

/// What a failed re-apply tells the user; the stash is still there.
pub const STASH_KEPT_MESSAGE: &str =
    "Stash could not be applied. Your changes are still saved in the stash.";

/// `(ref, commit)` of every stash entry, newest first.
fn stash_entries(cwd: &Path) -> Result<Vec<(String, String)>, GitError> {
    let out = run_ok(cwd, ["stash", "list", "--format=%gd %H"])?;
    Ok(out
        .lines()
        .filter_map(|line| {
            let (reference, hash) = line.trim().split_once(' ')?;
            Some((reference.to_string(), hash.trim().to_string()))
        })
        .collect())
}

/// Drops the stash entry whose commit is `hash` (its `stash@{n}` may have moved).
fn drop_by_hash(cwd: &Path, hash: &str) -> Result<(), GitError> {
    if let Some((reference, _)) = stash_entries(cwd)?.into_iter().find(|(_, h)| h == hash) {
        run_ok(cwd, ["stash", "drop", "-q", reference.as_str()])?;
    }
    Ok(())
}

fn drop_or_warn(cwd: &Path, hash: &str) {
    if let Err(err) = drop_by_hash(cwd, hash) {
        log::warn!("could not drop the re-applied stash {hash}: {err}");
    }
}

/// `git.stashAndCheckout`: `stash push -u`, checkout, `stash apply`, `stash drop`. A failed
/// checkout puts the changes back where they were. A re-apply that conflicts is undone (the
/// new branch is left clean) and fails with [`STASH_KEPT_MESSAGE`]: the changes stay in the
/// stash, never half-applied.
pub fn stash_and_checkout(cwd: &Path, branch: &str) -> Result<(), GitError> {
    // A name checkout would refuse is refused before the work is moved into a stash.
    branches::check_branch_arg(branch)?;
    let before = stash_entries(cwd)?;
    let message = format!("t3rs: stash before switching to {branch}");
    run_ok(cwd, ["stash", "push", "-u", "-m", message.as_str()])?;
    let after = stash_entries(cwd)?;
    // Nothing to stash leaves the list as it was.
    let created = after
        .iter()
        .find(|(_, hash)| !before.iter().any(|(_, h)| h == hash))
        .map(|(_, hash)| hash.clone());

    if let Err(checkout_failed) = branches::checkout(cwd, branch) {
        if let Some(hash) = &created {
            let restored =
                run(cwd, ["stash", "apply", hash.as_str()]).is_ok_and(|out| out.code == Some(0));
            if restored {
                drop_or_warn(cwd, hash);
            }
        }
        return Err(checkout_failed);
    }
    let Some(hash) = created else {
        return Ok(());
    };
    let applied = run(cwd, ["stash", "apply", hash.as_str()])?;
    if applied.code == Some(0) {
        drop_or_warn(cwd, &hash);
        return Ok(());
    }
    // The tree was clean before the apply (everything, untracked files included, was in the
    // stash), so resetting and cleaning removes only what the failed apply wrote.
    for undo in [&["reset", "-q", "--hard"][..], &["clean", "-fdq"][..]] {
        if let Err(err) = run_ok(cwd, undo) {
            log::warn!("undoing a conflicted stash apply: {err}");
        }
    }
    Err(GitError::Refused(format!(
        "{STASH_KEPT_MESSAGE} ({})",
        applied.message()
    )))
}

/// `git.stashDrop`: drops the newest stash; git's error when there is none.
pub fn stash_drop(cwd: &Path) -> Result<(), GitError> {
    run_ok(cwd, ["stash", "drop", "-q"]).map(|_| ())
}

/// `git.stashInfo`: the newest stash. Without one it fails with "No stash entry is
/// available." as DP Code does.
pub fn stash_info(cwd: &Path, request_cwd: &str) -> Result<StashInfo, GitError> {
    let line = run_ok(cwd, ["stash", "list", "-n", "1", "--format=%gd%x09%gs"])?;
    let line = line.trim();
    let (stash_ref, message) = line.split_once('\t').unwrap_or((line, line));
    let (stash_ref, message) = (stash_ref.trim(), message.trim());
    if stash_ref.is_empty() || message.is_empty() {
        return Err(GitError::Refused("No stash entry is available.".into()));
    }
    let branch = run(cwd, ["branch", "--show-current"])
        .ok()
        .filter(|out| out.code == Some(0))
        .map(|out| out.stdout.trim().to_string())
        .filter(|b| !b.is_empty());
    let files = run(
        cwd,
        [
            "stash",
            "show",
            "--include-untracked",
            "--name-only",
            "-z",
            stash_ref,
        ],
    )
    .ok()
    .filter(|out| out.code == Some(0))
    .map(|out| {
        out.stdout
            .split('\0')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default();
    Ok(StashInfo {
        cwd: request_cwd.to_string(),
        branch,
        stash_ref: stash_ref.to_string(),
        message: message.to_string(),
        files,
    })
}
