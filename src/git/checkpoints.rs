//! Per-turn checkpoints: a commit of the whole workspace (tracked and untracked files, honouring
//! .gitignore) under `refs/t3/checkpoints/<base64url threadId>/turn/<n>`, made through a
//! throw-away index so the user's index, HEAD and branch never move.

use std::ffi::OsStr;
use std::path::Path;

use base64::Engine as _;

use super::{run_ok_with_env, run_with_env, GitError};
use crate::orchestration::model::CheckpointFile;

const REFS_PREFIX: &str = "refs/t3/checkpoints";
const IDENTITY: [(&str, &str); 4] = [
    ("GIT_AUTHOR_NAME", "t3rs"),
    ("GIT_AUTHOR_EMAIL", "t3rs@localhost"),
    ("GIT_COMMITTER_NAME", "t3rs"),
    ("GIT_COMMITTER_EMAIL", "t3rs@localhost"),
];

/// Where a thread's checkpoints live.
pub fn thread_refs_prefix(thread_id: &str) -> String {
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(thread_id.as_bytes());
    format!("{REFS_PREFIX}/{encoded}/")
}

pub fn checkpoint_ref(thread_id: &str, turn_count: u64) -> String {
    format!("{}turn/{turn_count}", thread_refs_prefix(thread_id))
}

fn git(cwd: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Result<String, GitError> {
    run_ok_with_env(cwd, args, env)
}

/// The commit a ref or revision names, if it names one.
pub fn resolve_commit(cwd: &Path, rev: &str) -> Option<String> {
    let spec = format!("{rev}^{{commit}}");
    let out = run_with_env(
        cwd,
        ["rev-parse", "--verify", "--quiet", spec.as_str()],
        &[],
    )
    .ok()?;
    let oid = out.stdout.trim();
    (out.code == Some(0) && !oid.is_empty()).then(|| oid.to_string())
}

/// A tree of the workspace as it is now, written through a temporary index. The index starts
/// as a copy of the user's own, whose stat data lets `git add -A` re-read only files that
/// changed (on 10,000 files that is the difference between hashing everything and hashing a
/// few); without one (or if the copy is unusable, e.g. a split index) it starts from HEAD.
fn workspace_tree(cwd: &Path, index: &Path) -> Result<String, GitError> {
    let index_env = [("GIT_INDEX_FILE", index.as_os_str())];
    if let Some(own) = own_index(cwd) {
        if std::fs::copy(&own, index).is_ok() {
            if let Ok(tree) = add_all_and_write(cwd, &index_env) {
                return Ok(tree);
            }
        }
        let _ = std::fs::remove_file(index);
    }
    if resolve_commit(cwd, "HEAD").is_some() {
        git(cwd, &["read-tree", "HEAD"], &index_env)?;
    }
    add_all_and_write(cwd, &index_env)
}

fn own_index(cwd: &Path) -> Option<std::path::PathBuf> {
    let out = run_with_env(cwd, ["rev-parse", "--git-path", "index"], &[]).ok()?;
    let path = std::path::PathBuf::from(out.stdout.trim());
    let path = if path.is_absolute() {
        path
    } else {
        cwd.join(path)
    };
    (out.code == Some(0) && path.is_file()).then_some(path)
}

fn add_all_and_write(cwd: &Path, index_env: &[(&str, &OsStr)]) -> Result<String, GitError> {
    git(cwd, &["add", "-A", "--", "."], index_env)?;
    let tree = git(cwd, &["write-tree"], index_env)?.trim().to_string();
    if tree.is_empty() {
        return Err(GitError::Refused("git write-tree returned no tree".into()));
    }
    Ok(tree)
}

fn temp_index(cwd: &Path) -> Result<tempfile::TempDir, GitError> {
    // Beside the repository's own files would be ideal, but a worktree's .git is a file; the
    // system temp dir works for every layout.
    tempfile::Builder::new()
        .prefix("t3rs-checkpoint-")
        .tempdir()
        .map_err(|e| GitError::Spawn(format!("temporary index for {}: {e}", cwd.display())))
}

/// Snapshots the workspace under `reference`; returns the commit id.
pub fn capture(cwd: &Path, reference: &str) -> Result<String, GitError> {
    let dir = temp_index(cwd)?;
    let index = dir.path().join("index");
    let tree = workspace_tree(cwd, &index)?;
    let mut env: Vec<(&str, &OsStr)> = IDENTITY.iter().map(|(k, v)| (*k, OsStr::new(*v))).collect();
    env.push(("GIT_INDEX_FILE", index.as_os_str()));
    let message = format!("t3rs checkpoint {reference}");
    let commit = git(cwd, &["commit-tree", &tree, "-m", &message], &env)?
        .trim()
        .to_string();
    git(cwd, &["update-ref", reference, &commit], &[])?;
    Ok(commit)
}

fn stats_of(numstat: &str) -> std::collections::HashMap<String, (u64, u64)> {
    super::status::parse_numstat(numstat)
        .into_iter()
        .map(|file| (file.path, (file.insertions, file.deletions)))
        .collect()
}

/// What changed between two checkpoints, file by file, sorted by path.
pub fn changed_files(cwd: &Path, from: &str, to: &str) -> Result<Vec<CheckpointFile>, GitError> {
    let numstat = git(
        cwd,
        &["diff", "--numstat", "-z", "--no-renames", from, to],
        &[],
    )?;
    let stats = stats_of(&numstat);
    let statuses = git(
        cwd,
        &["diff", "--name-status", "-z", "--no-renames", from, to],
        &[],
    )?;
    let mut files = Vec::new();
    let mut fields = statuses.split('\0');
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        if path.is_empty() {
            break;
        }
        let kind = match status.chars().next() {
            Some('A') => "added",
            Some('D') => "deleted",
            Some('T') => "type-changed",
            _ => "modified",
        };
        let (additions, deletions) = stats.get(path).copied().unwrap_or((0, 0));
        files.push(CheckpointFile {
            path: path.to_string(),
            kind: kind.to_string(),
            additions,
            deletions,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A unified patch between two checkpoints.
pub fn patch(cwd: &Path, from: &str, to: &str) -> Result<String, GitError> {
    git(
        cwd,
        &["diff", "--patch", "--minimal", "--no-color", from, to],
        &[],
    )
}

/// Makes the workspace's files what they were at `commit`: every file of the checkpoint is
/// written back and every file made since (not ignored) is removed. The user's index, HEAD and
/// ignored files are left alone.
pub fn restore(cwd: &Path, commit: &str) -> Result<(), GitError> {
    let dir = temp_index(cwd)?;
    let now_index = dir.path().join("now");
    let current = workspace_tree(cwd, &now_index)?;
    let added = git(
        cwd,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=A",
            commit,
            &current,
        ],
        &[],
    )?;
    let target_index = dir.path().join("target");
    let env = [("GIT_INDEX_FILE", target_index.as_os_str())];
    git(cwd, &["read-tree", commit], &env)?;
    git(cwd, &["checkout-index", "-a", "-f"], &env)?;
    for path in added.split('\0').filter(|p| !p.is_empty()) {
        let full = cwd.join(path);
        if let Err(err) = std::fs::remove_file(&full) {
            if err.kind() != std::io::ErrorKind::NotFound {
                return Err(GitError::Refused(format!("cannot remove {path}: {err}")));
            }
        }
        // Directories the removed file leaves empty go too, as `git clean -d` would.
        let mut parent = full.parent();
        while let Some(dir) = parent {
            if dir == cwd || std::fs::remove_dir(dir).is_err() {
                break;
            }
            parent = dir.parent();
        }
    }
    Ok(())
}

/// The turn counts of a thread's checkpoint refs.
pub fn list_turns(cwd: &Path, thread_id: &str) -> Result<Vec<(u64, String)>, GitError> {
    let prefix = thread_refs_prefix(thread_id);
    let out = git(
        cwd,
        &["for-each-ref", "--format=%(refname)", prefix.as_str()],
        &[],
    )?;
    let mut turns: Vec<(u64, String)> = out
        .lines()
        .filter_map(|name| {
            let count = name
                .strip_prefix(&prefix)?
                .strip_prefix("turn/")?
                .parse()
                .ok()?;
            Some((count, name.to_string()))
        })
        .collect();
    turns.sort_unstable();
    Ok(turns)
}

/// Deletes the thread's refs for turns after `keep_through` (all of them with `None`).
pub fn delete_refs(
    cwd: &Path,
    thread_id: &str,
    keep_through: Option<u64>,
) -> Result<usize, GitError> {
    let mut deleted = 0;
    for (count, name) in list_turns(cwd, thread_id)? {
        if keep_through.is_some_and(|keep| count <= keep) {
            continue;
        }
        git(cwd, &["update-ref", "-d", name.as_str()], &[])?;
        deleted += 1;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::branches::tests::{commit_file, git as sh, new_repo};

    fn status(dir: &Path) -> String {
        sh(dir, &["status", "--porcelain=v1", "-uall"])
    }

    #[test]
    fn refs_use_unpadded_base64url_thread_ids() {
        assert_eq!(
            checkpoint_ref("thread?>1", 3),
            "refs/t3/checkpoints/dGhyZWFkPz4x/turn/3"
        );
        assert!(!checkpoint_ref("ab", 0).contains('='));
    }

    #[test]
    fn capture_leaves_index_head_and_branch_alone_and_diffs_turns() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = new_repo(tmp.path());
        let dir = repo.as_path();
        commit_file(dir, "a.txt", "one\ntwo\n", "first");
        std::fs::write(dir.join("staged.txt"), "s\n").unwrap();
        sh(dir, &["add", "staged.txt"]);
        std::fs::write(dir.join("a.txt"), "one\nTWO\nthree\n").unwrap();
        let head = sh(dir, &["rev-parse", "HEAD"]);
        let before = status(dir);

        let zero = checkpoint_ref("t", 0);
        capture(dir, &zero).unwrap();
        std::fs::write(dir.join("new.txt"), "n\n").unwrap();
        std::fs::remove_file(dir.join("a.txt")).unwrap();
        let one = checkpoint_ref("t", 1);
        capture(dir, &one).unwrap();

        assert_eq!(sh(dir, &["rev-parse", "HEAD"]), head);
        let after = status(dir);
        assert!(after.contains("A  staged.txt"), "{after}");
        assert_ne!(before, after); // the working tree changed; the index did not
        let files = changed_files(dir, &zero, &one).unwrap();
        let summary: Vec<_> = files
            .iter()
            .map(|f| (f.path.as_str(), f.kind.as_str(), f.additions, f.deletions))
            .collect();
        assert_eq!(
            summary,
            [("a.txt", "deleted", 0, 3), ("new.txt", "added", 1, 0)]
        );
        let text = patch(dir, &zero, &one).unwrap();
        assert!(text.contains("+++ b/new.txt"), "{text}");
        assert_eq!(list_turns(dir, "t").unwrap().len(), 2);
    }

    #[test]
    fn capture_works_before_the_first_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = new_repo(tmp.path());
        std::fs::write(repo.join("x"), "x").unwrap();
        capture(&repo, &checkpoint_ref("t", 0)).unwrap();
        assert!(resolve_commit(&repo, &checkpoint_ref("t", 0)).is_some());
    }

    #[test]
    fn restore_brings_back_files_byte_for_byte_and_removes_later_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = new_repo(tmp.path());
        let dir = repo.as_path();
        commit_file(dir, "kept.txt", "v1\n", "first");
        std::fs::write(dir.join(".gitignore"), "ignored.log\n").unwrap();
        std::fs::write(dir.join("untracked.bin"), [0u8, 159, 146, 150]).unwrap();
        let zero = capture(dir, &checkpoint_ref("t", 0)).unwrap();
        let index_before = sh(dir, &["ls-files", "--stage"]);

        std::fs::write(dir.join("kept.txt"), "v2\n").unwrap();
        std::fs::remove_file(dir.join("untracked.bin")).unwrap();
        std::fs::create_dir_all(dir.join("deep/er")).unwrap();
        std::fs::write(dir.join("deep/er/later.txt"), "later").unwrap();
        std::fs::write(dir.join("ignored.log"), "keep me").unwrap();

        restore(dir, &zero).unwrap();
        assert_eq!(std::fs::read(dir.join("kept.txt")).unwrap(), b"v1\n");
        assert_eq!(
            std::fs::read(dir.join("untracked.bin")).unwrap(),
            [0u8, 159, 146, 150]
        );
        assert!(!dir.join("deep").exists());
        assert_eq!(std::fs::read(dir.join("ignored.log")).unwrap(), b"keep me");
        assert_eq!(sh(dir, &["ls-files", "--stage"]), index_before);
    }

    #[test]
    fn delete_refs_keeps_what_it_is_told_to() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = new_repo(tmp.path());
        let dir = repo.as_path();
        commit_file(dir, "a", "a", "first");
        for n in 0..4 {
            capture(dir, &checkpoint_ref("t", n)).unwrap();
        }
        capture(dir, &checkpoint_ref("other", 0)).unwrap();
        assert_eq!(delete_refs(dir, "t", Some(1)).unwrap(), 2);
        let left: Vec<u64> = list_turns(dir, "t")
            .unwrap()
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(left, [0, 1]);
        assert_eq!(delete_refs(dir, "t", None).unwrap(), 2);
        assert_eq!(list_turns(dir, "other").unwrap().len(), 1);
    }

    #[test]
    fn not_a_repository_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(capture(dir.path(), &checkpoint_ref("t", 0)).is_err());
    }
}
