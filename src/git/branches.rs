//! Branch listing, creation, checkout and `git init` (`git.listBranches`, `git.createBranch`,
//! `git.checkout`, `git.init`).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{run, run_ok, GitError};

/// One entry of `git.listBranches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitBranch {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_remote: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_name: Option<String>,
    pub current: bool,
    pub is_default: bool,
    pub worktree_path: Option<String>,
}

/// Result of `git.listBranches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitListBranches {
    pub branches: Vec<GitBranch>,
    pub is_repo: bool,
    /// DP Code: whether a remote named `origin` is configured.
    #[serde(default)]
    pub has_origin_remote: bool,
}

pub(super) const DEFAULT_BRANCH_CANDIDATES: [&str; 2] = ["main", "master"];

/// The branch `origin/HEAD` points at, as a local branch name.
pub fn origin_default_branch(cwd: &Path) -> Option<String> {
    let out = run(cwd, ["symbolic-ref", "refs/remotes/origin/HEAD"]).ok()?;
    if out.code != Some(0) {
        return None;
    }
    out.stdout
        .trim()
        .strip_prefix("refs/remotes/origin/")
        .filter(|b| !b.is_empty())
        .map(str::to_string)
}

/// The repository's default branch: `origin/HEAD`, else the first existing local branch among
/// `init.defaultBranch`, `main`, `master` (a local-only repository has no `origin/HEAD`, and
/// the UI still wants to know which branch is the trunk).
pub fn default_branch(cwd: &Path) -> Option<String> {
    if let Some(branch) = origin_default_branch(cwd) {
        return Some(branch);
    }
    let configured = super::config_get(cwd, "init.defaultBranch").ok().flatten();
    configured
        .into_iter()
        .chain(DEFAULT_BRANCH_CANDIDATES.iter().map(|s| s.to_string()))
        .find(|candidate| local_branch_exists(cwd, candidate))
}

pub(crate) fn local_branch_exists(cwd: &Path, branch: &str) -> bool {
    ref_exists(cwd, &format!("refs/heads/{branch}"))
}

pub(crate) fn ref_exists(cwd: &Path, full_ref: &str) -> bool {
    run(cwd, ["show-ref", "--verify", "--quiet", full_ref])
        .map(|o| o.code == Some(0))
        .unwrap_or(false)
}

struct RefRow {
    full: String,
    symref: bool,
    current: bool,
    committed_at: i64,
}

fn read_refs(cwd: &Path) -> Result<Option<Vec<RefRow>>, GitError> {
    // Ref names cannot contain control characters, so a tab is a safe separator.
    let out = run(
        cwd,
        [
            "for-each-ref",
            "--format=%(refname)%09%(symref)%09%(HEAD)%09%(committerdate:unix)",
            "refs/heads",
            "refs/remotes",
        ],
    )?;
    if out.code != Some(0) {
        let stderr = out.stderr.trim();
        if stderr.to_lowercase().contains("not a git repository") {
            return Ok(None);
        }
        return Err(GitError::Failed {
            args: "for-each-ref refs/heads refs/remotes".into(),
            message: stderr.to_string(),
        });
    }
    let rows = out
        .stdout
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let full = parts.next()?.to_string();
            if full.is_empty() {
                return None;
            }
            let symref = !parts.next().unwrap_or("").is_empty();
            let current = parts.next().unwrap_or("") == "*";
            let committed_at = parts.next().unwrap_or("").trim().parse().unwrap_or(0);
            Some(RefRow {
                full,
                symref,
                current,
                committed_at,
            })
        })
        .collect();
    Ok(Some(rows))
}

fn remote_names(cwd: &Path) -> Vec<String> {
    let mut names: Vec<String> = run(cwd, ["remote"])
        .ok()
        .filter(|o| o.code == Some(0))
        .map(|o| {
            o.stdout
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    // Longest first, so a remote named `a/b` wins over `a` for the ref `a/b/x`.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

/// Branch name → path of the worktree that has it checked out (existing paths only: a deleted
/// but unpruned worktree must not claim its branch; the main checkout counts too).
pub(super) fn worktree_paths(cwd: &Path) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let Ok(out) = run(cwd, ["worktree", "list", "--porcelain"]) else {
        return map;
    };
    if out.code != Some(0) {
        return map;
    }
    let mut current: Option<String> = None;
    for line in out.stdout.lines() {
        if let Some(path) = line.strip_prefix("worktree ") {
            current = Path::new(path).exists().then(|| path.to_string());
        } else if let Some(branch) = line.strip_prefix("branch refs/heads/") {
            if let Some(path) = &current {
                map.insert(branch.to_string(), path.clone());
            }
        } else if line.is_empty() {
            current = None;
        }
    }
    map
}

/// `git.listBranches`: local branches (current first, then the default, then most recently
/// committed), followed by remote-tracking branches (most recent first).
pub fn list_branches(cwd: &Path) -> Result<GitListBranches, GitError> {
    let not_repo = GitListBranches {
        branches: Vec::new(),
        is_repo: false,
        has_origin_remote: false,
    };
    if !cwd.is_dir() {
        return Ok(not_repo);
    }
    let Some(rows) = read_refs(cwd)? else {
        return Ok(not_repo);
    };
    let default = default_branch(cwd);
    let worktrees = worktree_paths(cwd);
    let remotes = remote_names(cwd);

    let mut local = Vec::new();
    let mut remote = Vec::new();
    for row in rows {
        if let Some(name) = row.full.strip_prefix("refs/heads/") {
            let branch = GitBranch {
                name: name.to_string(),
                is_remote: Some(false),
                remote_name: None,
                current: row.current,
                is_default: default.as_deref() == Some(name),
                worktree_path: worktrees.get(name).cloned(),
            };
            local.push((branch, row.committed_at));
        } else if let Some(name) = row.full.strip_prefix("refs/remotes/") {
            if row.symref || name.ends_with("/HEAD") {
                continue;
            }
            let remote_name = remotes
                .iter()
                .find(|r| {
                    name.strip_prefix(r.as_str())
                        .and_then(|rest| rest.strip_prefix('/'))
                        .is_some_and(|rest| !rest.is_empty())
                })
                .cloned();
            let branch = GitBranch {
                name: name.to_string(),
                is_remote: Some(true),
                remote_name,
                current: false,
                is_default: false,
                worktree_path: None,
            };
            remote.push((branch, row.committed_at));
        }
    }

    let priority = |b: &GitBranch| {
        if b.current {
            0
        } else if b.is_default {
            1
        } else {
            2
        }
    };
    local.sort_by(|(a, at), (b, bt)| {
        priority(a)
            .cmp(&priority(b))
            .then(bt.cmp(at))
            .then_with(|| a.name.cmp(&b.name))
    });
    remote.sort_by(|(a, at), (b, bt)| bt.cmp(at).then_with(|| a.name.cmp(&b.name)));

    Ok(GitListBranches {
        branches: local.into_iter().chain(remote).map(|(b, _)| b).collect(),
        is_repo: true,
        has_origin_remote: remotes.iter().any(|r| r == "origin"),
    })
}

/// A branch name that git would read as an option is refused before it reaches the command line.
pub(super) fn check_branch_arg(branch: &str) -> Result<&str, GitError> {
    let branch = branch.trim();
    if branch.is_empty() {
        return Err(GitError::Refused("Branch name is required.".into()));
    }
    if branch.starts_with('-') {
        return Err(GitError::Refused(format!("Invalid branch name: {branch}")));
    }
    Ok(branch)
}

/// `git.createBranch`: creates `branch` at HEAD without switching to it. With DP Code's
/// `publish`, it is then pushed to `origin` with upstream (`push -u origin <branch>`); without
/// an `origin` remote that is refused before anything is created.
pub fn create_branch(cwd: &Path, branch: &str, publish: bool) -> Result<(), GitError> {
    let branch = check_branch_arg(branch)?;
    if publish {
        super::publish::require_origin(branch, &remote_names(cwd))?;
    }
    run_ok(cwd, ["branch", branch])?;
    match publish {
        true => super::publish::publish(cwd, branch),
        false => Ok(()),
    }
}

/// The local branch whose upstream is `remote_ref` (e.g. `origin/x`), if any.
fn local_tracking_branch(cwd: &Path, remote_ref: &str) -> Option<String> {
    let out = run(
        cwd,
        [
            "for-each-ref",
            "--format=%(refname:short)%09%(upstream:short)",
            "refs/heads",
        ],
    )
    .ok()?;
    if out.code != Some(0) {
        return None;
    }
    out.stdout.lines().find_map(|line| {
        let (name, upstream) = line.split_once('\t')?;
        (!name.is_empty() && upstream.trim() == remote_ref).then(|| name.to_string())
    })
}

/// `git.checkout`. A remote-tracking name such as `origin/x` switches to the local branch that
/// tracks it, or to an existing local `x`, or creates `x` tracking it. Git decides whether
/// uncommitted changes allow the switch; its refusal is surfaced with a clear prefix.
pub fn checkout(cwd: &Path, branch: &str) -> Result<(), GitError> {
    let branch = check_branch_arg(branch)?;
    let local_exists = local_branch_exists(cwd, branch);
    let remote_exists = !local_exists && ref_exists(cwd, &format!("refs/remotes/{branch}"));

    let mut args: Vec<String> = vec!["checkout".into()];
    if remote_exists {
        let derived_local = branch
            .split_once('/')
            .map(|(_, rest)| rest.trim())
            .filter(|rest| !rest.is_empty());
        if let Some(tracking) = local_tracking_branch(cwd, branch) {
            args.push(tracking);
        } else if let Some(local) = derived_local.filter(|l| local_branch_exists(cwd, l)) {
            args.push(local.to_string());
        } else {
            args.push("--track".into());
            args.push(branch.to_string());
        }
    } else {
        args.push(branch.to_string());
    }
    // The trailing `--` makes git read the name as a ref only: without it, a name that is no
    // branch but matches a file would silently restore that file and discard its edits.
    args.push("--".into());

    let out = run(cwd, &args)?;
    if out.code == Some(0) {
        return Ok(());
    }
    let message = out.message();
    if message.contains("would be overwritten") {
        return Err(GitError::Refused(format!(
            "Cannot switch to {branch}: uncommitted changes would be overwritten. {message}"
        )));
    }
    Err(GitError::Failed {
        args: args.join(" "),
        message,
    })
}

/// `git.init`: initialises a repository in `cwd` with the user's configured defaults.
pub fn init(cwd: &Path) -> Result<(), GitError> {
    run_ok(cwd, ["init"]).map(|_| ())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    pub(crate) fn git(cwd: &Path, args: &[&str]) -> String {
        let mut full = vec!["-c", "user.name=T", "-c", "user.email=t@example.com"];
        full.extend_from_slice(args);
        match run_ok(cwd, &full) {
            Ok(out) => out,
            Err(e) => panic!("git {args:?} failed: {e}"),
        }
    }

    pub(crate) fn new_repo(dir: &Path) -> PathBuf {
        let repo = dir.join("repo");
        fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.name", "T"]);
        git(&repo, &["config", "user.email", "t@example.com"]);
        git(&repo, &["config", "commit.gpgsign", "false"]);
        repo
    }

    pub(crate) fn commit_file(repo: &Path, path: &str, content: &str, msg: &str) {
        fs::write(repo.join(path), content).unwrap();
        git(repo, &["add", path]);
        git(repo, &["commit", "-q", "-m", msg]);
    }

    /// A repository `repo` with a bare `origin` it tracks (`origin/HEAD` → main).
    /// Another clone of `bare`, as a second developer pushing to the same remote.
    pub(crate) fn second_clone(dir: &Path, bare: &Path) -> PathBuf {
        let other = dir.join("other");
        git(
            dir,
            &[
                "clone",
                "-q",
                &bare.to_string_lossy(),
                &other.to_string_lossy(),
            ],
        );
        other
    }

    pub(crate) fn repo_with_origin(dir: &Path) -> (PathBuf, PathBuf) {
        let repo = new_repo(dir);
        commit_file(&repo, "a.txt", "one\n", "init");
        let bare = dir.join("origin.git");
        git(
            dir,
            &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
        );
        git(&repo, &["remote", "add", "origin", bare.to_str().unwrap()]);
        git(&repo, &["push", "-q", "-u", "origin", "main"]);
        git(&repo, &["remote", "set-head", "origin", "main"]);
        (repo, bare)
    }

    fn find<'a>(list: &'a GitListBranches, name: &str) -> &'a GitBranch {
        list.branches
            .iter()
            .find(|b| b.name == name)
            .unwrap_or_else(|| panic!("no branch {name} in {list:?}"))
    }

    #[test]
    fn non_repo_reports_is_repo_false() {
        let dir = tempfile::tempdir().unwrap();
        let list = list_branches(dir.path()).unwrap();
        assert!(!list.is_repo);
        assert!(list.branches.is_empty());
        let missing = list_branches(&dir.path().join("nope")).unwrap();
        assert!(!missing.is_repo);
        let json = serde_json::to_value(&list).unwrap();
        let expected =
            serde_json::json!({"branches": [], "isRepo": false, "hasOriginRemote": false});
        assert_eq!(json, expected);
    }

    #[test]
    fn lists_current_default_remote_and_worktree() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, _bare) = repo_with_origin(dir.path());
        git(&repo, &["branch", "feature"]);
        git(&repo, &["checkout", "-q", "-b", "pushed"]);
        commit_file(&repo, "b.txt", "b\n", "b");
        git(&repo, &["push", "-q", "origin", "pushed"]);
        git(&repo, &["checkout", "-q", "main"]);
        git(&repo, &["checkout", "-q", "-b", "work"]);
        let wt = dir.path().join("wt");
        git(
            &repo,
            &["worktree", "add", "-q", wt.to_str().unwrap(), "feature"],
        );

        let list = list_branches(&repo).unwrap();
        assert!(list.is_repo);
        let names: Vec<_> = list.branches.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            &names[..2],
            &["work", "main"],
            "current first, then default"
        );
        assert!(!names.contains(&"origin/HEAD") && !names.contains(&"origin"));

        let work = find(&list, "work");
        assert!(work.current && !work.is_default);
        assert_eq!(work.is_remote, Some(false));
        let main = find(&list, "main");
        assert!(main.is_default && !main.current);
        let feature = find(&list, "feature");
        let wt_path = feature.worktree_path.as_deref().unwrap();
        assert_eq!(
            fs::canonicalize(wt_path).unwrap(),
            fs::canonicalize(&wt).unwrap()
        );
        assert!(main.worktree_path.is_none());
        let repo_path = work.worktree_path.as_deref().unwrap();
        assert_eq!(
            fs::canonicalize(repo_path).unwrap(),
            fs::canonicalize(&repo).unwrap()
        );

        let remote = find(&list, "origin/pushed");
        assert_eq!(remote.is_remote, Some(true));
        assert_eq!(remote.remote_name.as_deref(), Some("origin"));
        assert!(!remote.current && !remote.is_default && remote.worktree_path.is_none());
        // Remote branches come after every local one.
        let first_remote = names.iter().position(|n| n.starts_with("origin/")).unwrap();
        assert!(names[first_remote..]
            .iter()
            .all(|n| n.starts_with("origin/")));

        let json = serde_json::to_value(remote).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "origin/pushed", "isRemote": true, "remoteName": "origin",
                "current": false, "isDefault": false, "worktreePath": null})
        );
    }

    #[test]
    fn default_falls_back_to_main_without_origin() {
        let dir = tempfile::tempdir().unwrap();
        let repo = new_repo(dir.path());
        commit_file(&repo, "a.txt", "a\n", "init");
        git(&repo, &["checkout", "-q", "-b", "topic"]);
        let list = list_branches(&repo).unwrap();
        assert!(find(&list, "main").is_default);
        assert!(!find(&list, "topic").is_default);
        assert!(find(&list, "topic").current);
    }

    #[test]
    fn create_and_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let repo = new_repo(dir.path());
        commit_file(&repo, "a.txt", "a\n", "init");
        create_branch(&repo, "feat", false).unwrap();
        assert!(local_branch_exists(&repo, "feat"));
        assert_eq!(git(&repo, &["branch", "--show-current"]).trim(), "main");
        checkout(&repo, "feat").unwrap();
        assert_eq!(git(&repo, &["branch", "--show-current"]).trim(), "feat");

        let err = create_branch(&repo, "feat", false).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert!(matches!(
            create_branch(&repo, "-D", false),
            Err(GitError::Refused(_))
        ));
    }

    #[test]
    fn checkout_unknown_name_never_touches_files() {
        let dir = tempfile::tempdir().unwrap();
        let repo = new_repo(dir.path());
        commit_file(&repo, "a.txt", "a\n", "init");
        fs::write(repo.join("a.txt"), "edited\n").unwrap();
        let err = checkout(&repo, "a.txt").unwrap_err();
        assert!(matches!(err, GitError::Failed { .. }), "{err:?}");
        assert_eq!(fs::read_to_string(repo.join("a.txt")).unwrap(), "edited\n");
    }

    #[test]
    fn checkout_refused_over_conflicting_changes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = new_repo(dir.path());
        commit_file(&repo, "a.txt", "a\n", "init");
        git(&repo, &["checkout", "-q", "-b", "other"]);
        commit_file(&repo, "a.txt", "other\n", "other");
        git(&repo, &["checkout", "-q", "main"]);
        fs::write(repo.join("a.txt"), "local edit\n").unwrap();

        let err = checkout(&repo, "other").unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, GitError::Refused(_)), "{err:?}");
        assert!(
            msg.starts_with("Cannot switch to other: uncommitted changes would be overwritten"),
            "{msg}"
        );
        assert!(msg.contains("a.txt"), "git's own message is kept: {msg}");
        assert_eq!(git(&repo, &["branch", "--show-current"]).trim(), "main");
        assert_eq!(
            fs::read_to_string(repo.join("a.txt")).unwrap(),
            "local edit\n"
        );
    }

    #[test]
    fn checkout_remote_only_branch_creates_tracking_branch() {
        let dir = tempfile::tempdir().unwrap();
        let (repo, bare) = repo_with_origin(dir.path());
        // Another clone pushes a branch this clone has never had locally.
        let other = second_clone(dir.path(), &bare);
        git(&other, &["checkout", "-q", "-b", "remote-only"]);
        commit_file(&other, "r.txt", "r\n", "r");
        git(&other, &["push", "-q", "origin", "remote-only"]);
        git(&repo, &["fetch", "-q", "origin"]);

        checkout(&repo, "origin/remote-only").unwrap();
        assert_eq!(
            git(&repo, &["branch", "--show-current"]).trim(),
            "remote-only"
        );
        assert_eq!(
            git(&repo, &["rev-parse", "--abbrev-ref", "@{upstream}"]).trim(),
            "origin/remote-only"
        );

        // Again from elsewhere: the existing tracking branch is reused, not recreated.
        git(&repo, &["checkout", "-q", "main"]);
        checkout(&repo, "origin/remote-only").unwrap();
        assert_eq!(
            git(&repo, &["branch", "--show-current"]).trim(),
            "remote-only"
        );
    }

    #[test]
    fn init_creates_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!super::super::is_repo(dir.path()));
        init(dir.path()).unwrap();
        assert!(super::super::is_repo(dir.path()));
        assert!(list_branches(dir.path()).unwrap().is_repo);
        assert!(init(&dir.path().join("missing")).is_err());
    }
}
