//! `git.createWorktree` / `git.removeWorktree`: linked worktrees let a thread work on its own
//! branch without disturbing the user's checkout.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{run_ok, GitError};

/// `git.createWorktree` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWorktreeInput {
    pub cwd: String,
    pub branch: String,
    pub new_branch: String,
    pub path: Option<String>,
}

/// `git.removeWorktree` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveWorktreeInput {
    pub cwd: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

/// The worktree that was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedWorktree {
    pub path: String,
    pub branch: String,
}

/// `git.createWorktree` result: `{ worktree: { path, branch } }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWorktreeResult {
    pub worktree: CreatedWorktree,
}

/// Adds a worktree of `cwd`'s repository.
///
/// With `new_branch`, a new branch of that name is created from `branch` (the contract's
/// behaviour); without it, the existing `branch` itself is checked out there. Without `path`
/// the worktree goes to `<worktrees_root>/<repo name>/<branch with '/' as '-'>`, outside the
/// repository so it never shows up as untracked files in the user's checkout.
pub fn create_worktree(
    cwd: &Path,
    branch: &str,
    new_branch: Option<&str>,
    path: Option<&Path>,
    worktrees_root: &Path,
) -> Result<CreatedWorktree, GitError> {
    let branch = branch.trim();
    if branch.is_empty() {
        return Err(GitError::Refused("a base branch is required".into()));
    }
    let new_branch = new_branch.map(str::trim).filter(|b| !b.is_empty());
    let checked_out = new_branch.unwrap_or(branch);

    let target = match path {
        Some(p) if p.is_absolute() => p.to_path_buf(),
        // git resolves a relative path against its cwd; resolve it the same way so the
        // reported path is one the client can use from anywhere.
        Some(p) => cwd.join(p),
        None => worktrees_root
            .join(repo_name(cwd)?)
            .join(sanitize_for_path(checked_out)),
    };

    let mut args: Vec<&std::ffi::OsStr> = vec!["worktree".as_ref(), "add".as_ref()];
    if let Some(new_branch) = new_branch {
        args.push("-b".as_ref());
        args.push(new_branch.as_ref());
    }
    // `--` keeps a path or branch starting with '-' from being read as an option.
    args.push("--".as_ref());
    args.push(target.as_os_str());
    args.push(branch.as_ref());
    run_ok(cwd, &args)?;

    Ok(CreatedWorktree {
        path: target.to_string_lossy().into_owned(),
        branch: checked_out.to_string(),
    })
}

/// Removes a linked worktree. A worktree with uncommitted or untracked changes is refused
/// unless `force`, since removing it would destroy that work.
pub fn remove_worktree(cwd: &Path, path: &Path, force: bool) -> Result<(), GitError> {
    let target = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    if !force && target.is_dir() {
        let status = run_ok(&target, ["status", "--porcelain", "--untracked-files=all"])?;
        let dirty = status.lines().filter(|l| !l.trim().is_empty()).count();
        if dirty > 0 {
            return Err(GitError::Refused(format!(
                "worktree {} has uncommitted changes ({dirty} file{}); not removed — remove it with force to discard them",
                target.display(),
                if dirty == 1 { "" } else { "s" }
            )));
        }
    }
    let mut args: Vec<&std::ffi::OsStr> = vec!["worktree".as_ref(), "remove".as_ref()];
    if force {
        // Twice, so a locked worktree goes too: the user explicitly asked to force it.
        args.push("--force".as_ref());
        args.push("--force".as_ref());
    }
    args.push("--".as_ref());
    args.push(target.as_os_str());
    run_ok(cwd, &args)?;
    Ok(())
}

/// The main repository's directory name, even when `cwd` is a subdirectory or itself a linked
/// worktree (whose own directory name would be a branch name, not the repository's).
fn repo_name(cwd: &Path) -> Result<String, GitError> {
    let common = run_ok(cwd, ["rev-parse", "--git-common-dir"])?;
    let common = PathBuf::from(common.trim());
    let common = if common.is_absolute() {
        common
    } else {
        cwd.join(common)
    };
    let common = common.canonicalize().unwrap_or(common);
    let root = if common.file_name().is_some_and(|n| n == ".git") {
        common.parent().map(Path::to_path_buf)
    } else {
        // A bare repository: its own directory names it.
        Some(common.clone())
    };
    let name = root
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty());
    name.ok_or_else(|| {
        GitError::Refused(format!(
            "cannot tell the repository's name from {}",
            common.display()
        ))
    })
}

/// A branch name as one path component: '/' would nest directories.
fn sanitize_for_path(branch: &str) -> String {
    branch
        .chars()
        .map(|c| if c == '/' || c == '\\' { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    use crate::git::branches::tests::git;

    fn repo() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("myrepo");
        fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.name", "Test"]);
        git(&repo, &["config", "user.email", "test@example.com"]);
        fs::write(repo.join("a.txt"), "a\n").unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "init"]);
        (dir, repo)
    }

    #[test]
    fn creates_new_branch_at_default_path() {
        let (dir, repo) = repo();
        let root = dir.path().join("worktrees");
        let wt = create_worktree(&repo, "main", Some("feature/x"), None, &root).unwrap();
        let expected = root.join("myrepo").join("feature-x");
        assert_eq!(wt.path, expected.to_string_lossy());
        assert_eq!(wt.branch, "feature/x");
        assert!(expected.join("a.txt").is_file());
        assert_eq!(
            git(&expected, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
            "feature/x"
        );
        // The user's checkout is untouched.
        assert_eq!(
            git(&repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
            "main"
        );
    }

    #[test]
    fn creates_at_explicit_path_and_names_repo_from_subdir() {
        let (dir, repo) = repo();
        let explicit = dir.path().join("elsewhere");
        let wt = create_worktree(&repo, "main", Some("b1"), Some(&explicit), dir.path()).unwrap();
        assert_eq!(wt.path, explicit.to_string_lossy());
        assert_eq!(
            git(&explicit, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
            "b1"
        );

        // From inside a linked worktree the default path still uses the repository's name.
        let root = dir.path().join("root");
        let wt2 = create_worktree(&explicit, "main", Some("b2"), None, &root).unwrap();
        assert_eq!(wt2.path, root.join("myrepo").join("b2").to_string_lossy());
    }

    #[test]
    fn existing_branch_without_new_branch_and_git_errors_surface() {
        let (dir, repo) = repo();
        git(&repo, &["branch", "side"]);
        let wt = create_worktree(&repo, "side", None, None, dir.path()).unwrap();
        assert_eq!(wt.branch, "side");
        let err = create_worktree(&repo, "main", Some("side"), None, dir.path()).unwrap_err();
        assert!(
            matches!(&err, GitError::Failed { message, .. } if message.contains("already exists")),
            "{err}"
        );
    }

    #[test]
    fn removes_clean_worktree() {
        let (dir, repo) = repo();
        let wt = create_worktree(&repo, "main", Some("clean"), None, dir.path()).unwrap();
        remove_worktree(&repo, Path::new(&wt.path), false).unwrap();
        assert!(!Path::new(&wt.path).exists());
        assert!(!git(&repo, &["worktree", "list"]).contains("clean"));
    }

    #[test]
    fn refuses_dirty_worktree_unless_forced() {
        let (dir, repo) = repo();
        let wt = create_worktree(&repo, "main", Some("dirty"), None, dir.path()).unwrap();
        let wt_path = PathBuf::from(&wt.path);
        fs::write(wt_path.join("new.txt"), "x").unwrap();
        let err = remove_worktree(&repo, &wt_path, false).unwrap_err();
        assert!(
            matches!(&err, GitError::Refused(m) if m.contains("uncommitted changes")),
            "{err}"
        );
        assert!(wt_path.join("new.txt").is_file());
        remove_worktree(&repo, &wt_path, true).unwrap();
        assert!(!wt_path.exists());
    }

    #[test]
    fn sanitises_branch_for_path() {
        assert_eq!(sanitize_for_path("a/b\\c"), "a-b-c");
    }
}
