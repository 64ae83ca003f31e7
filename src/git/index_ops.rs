//! DP Code's index methods (dpcode.md §4; its GitCore.ts `stageFiles`, `unstageFiles`,
//! `removeIndexLock`).
//!
//! Paths arrive confined to `cwd` (the decoder refuses absolute paths, `..` and `.git`); git
//! reads them from stdin, NUL-separated and literal (`GIT_LITERAL_PATHSPECS`), so a path is
//! never an option, never pathspec magic (`:/`, globs) and never bounded by the command line.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{run, run_with_input, GitError};

fn nul_list(paths: &[String]) -> Vec<u8> {
    let mut input = Vec::new();
    for path in paths {
        input.extend_from_slice(path.as_bytes());
        input.push(0);
    }
    input
}

fn run_paths(cwd: &Path, args: &[&str], paths: &[String]) -> Result<(), GitError> {
    let env = [("GIT_LITERAL_PATHSPECS", OsStr::new("1"))];
    let out = run_with_input(cwd, args, &env, Some(nul_list(paths)))?;
    if out.code == Some(0) {
        return Ok(());
    }
    Err(GitError::Failed {
        args: args.join(" "),
        message: out.message(),
    })
}

/// `git.stageFiles`: `git add` of exactly these paths (deletions included).
pub fn stage_files(cwd: &Path, paths: &[String]) -> Result<(), GitError> {
    run_paths(
        cwd,
        &["add", "--pathspec-from-file=-", "--pathspec-file-nul"],
        paths,
    )
}

/// `git.unstageFiles`: back to HEAD's version in the index; before the first commit (no
/// HEAD to reset to) the paths leave the index instead, as DP Code does.
pub fn unstage_files(cwd: &Path, paths: &[String]) -> Result<(), GitError> {
    let head_exists = run(cwd, ["rev-parse", "--verify", "-q", "HEAD"])?.code == Some(0);
    let args: &[&str] = if head_exists {
        &[
            "reset",
            "-q",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            "HEAD",
        ]
    } else {
        &[
            "rm",
            "--cached",
            "-q",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
        ]
    };
    run_paths(cwd, args, paths)
}

/// Where git keeps this checkout's index lock: the real git directory, which for a linked
/// worktree is `<main>/.git/worktrees/<name>/`, not `<worktree>/.git` (a file there).
fn index_lock_path(cwd: &Path) -> Result<PathBuf, GitError> {
    let out = super::run_ok(cwd, ["rev-parse", "--git-path", "index.lock"])?;
    let raw = PathBuf::from(out.trim());
    if raw.file_name() != Some(OsStr::new("index.lock")) {
        return Err(GitError::Refused(
            "Git did not return a valid index lock path.".into(),
        ));
    }
    Ok(if raw.is_absolute() {
        raw
    } else {
        cwd.join(raw)
    })
}

/// `git.removeIndexLock`: deletes a stale `index.lock` (left by a git that crashed). Only a
/// regular file is removed; a symlink or directory of that name is refused. Unlinking never
/// follows a link, so a swap after the check cannot reach anything else. As in DP Code, an
/// absent lock is an error (it says so).
pub fn remove_index_lock(cwd: &Path) -> Result<(), GitError> {
    let lock = index_lock_path(cwd)?;
    let meta = match std::fs::symlink_metadata(&lock) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(GitError::Refused(format!(
                "No index lock to remove: {} does not exist.",
                lock.display()
            )))
        }
        Err(err) => {
            return Err(GitError::Refused(format!(
                "Cannot read {}: {err}",
                lock.display()
            )))
        }
    };
    if !meta.file_type().is_file() {
        return Err(GitError::Refused(format!(
            "{} is not a regular file; not removed.",
            lock.display()
        )));
    }
    std::fs::remove_file(&lock)
        .map_err(|err| GitError::Refused(format!("Cannot remove {}: {err}", lock.display())))
}
