use super::*;
use crate::git::branches::tests::{commit_file, git, new_repo, repo_with_origin, second_clone};
use std::fs;

fn file<'a>(s: &'a GitStatus, path: &str) -> &'a GitFileChange {
    s.working_tree
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", s.working_tree))
}

/// The PR `git.status` reports from `gh pr list --json …`'s output.
fn pick_pr(stdout: &str) -> Option<GitStatusPr> {
    choose_pr(gh::parse_pr_list(stdout).ok()?)
}

#[test]
fn clean_repo() {
    let dir = tempfile::tempdir().unwrap();
    let repo = new_repo(dir.path());
    commit_file(&repo, "a.txt", "one\ntwo\n", "init");
    let s = status(&repo).unwrap();
    assert_eq!(s.branch.as_deref(), Some("main"));
    assert!(!s.has_working_tree_changes);
    assert_eq!(s.working_tree, GitWorkingTree::default());
    assert!(!s.has_upstream);
    assert_eq!((s.ahead_count, s.behind_count), (0, 0));
    assert!(s.pr.is_none());
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"branch": "main", "hasWorkingTreeChanges": false,
            "workingTree": {"files": [], "insertions": 0, "deletions": 0},
            "hasUpstream": false, "upstreamBranch": null, "aheadCount": 0, "behindCount": 0,
            "pr": null})
    );
}

#[test]
fn dirty_staged_and_untracked_counts() {
    let dir = tempfile::tempdir().unwrap();
    let repo = new_repo(dir.path());
    commit_file(&repo, "a.txt", "one\ntwo\nthree\n", "a");
    commit_file(&repo, "b.txt", "b1\nb2\n", "b");
    // Unstaged: one line changed, one added.
    fs::write(repo.join("a.txt"), "one\nTWO\nthree\nfour\n").unwrap();
    // Staged: b2 removed.
    fs::write(repo.join("b.txt"), "b1\n").unwrap();
    git(&repo, &["add", "b.txt"]);
    // Staged new file, then further unstaged edit on top.
    fs::write(repo.join("c.txt"), "c1\nc2\n").unwrap();
    git(&repo, &["add", "c.txt"]);
    fs::write(repo.join("c.txt"), "c1\nc2\nc3\n").unwrap();
    fs::write(repo.join("new file.txt"), "x\ny\n").unwrap();

    let s = status(&repo).unwrap();
    assert!(s.has_working_tree_changes);
    let a = file(&s, "a.txt");
    assert_eq!((a.insertions, a.deletions), (2, 1));
    let b = file(&s, "b.txt");
    assert_eq!((b.insertions, b.deletions), (0, 1));
    let c = file(&s, "c.txt");
    assert_eq!((c.insertions, c.deletions), (3, 0));
    let untracked = file(&s, "new file.txt");
    assert_eq!((untracked.insertions, untracked.deletions), (0, 0));
    assert_eq!(s.working_tree.files.len(), 4);
    assert_eq!(s.working_tree.insertions, 5);
    assert_eq!(s.working_tree.deletions, 2);
    let paths: Vec<_> = s.working_tree.files.iter().map(|f| &f.path).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn rename_counts_under_new_path() {
    let dir = tempfile::tempdir().unwrap();
    let repo = new_repo(dir.path());
    commit_file(&repo, "old.txt", "same\ncontent\nhere\n", "a");
    git(&repo, &["mv", "old.txt", "new.txt"]);
    let s = status(&repo).unwrap();
    let paths: Vec<_> = s
        .working_tree
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["new.txt"]);
}

#[test]
fn unborn_branch_with_staged_file() {
    let dir = tempfile::tempdir().unwrap();
    let repo = new_repo(dir.path());
    fs::write(repo.join("a.txt"), "1\n2\n").unwrap();
    git(&repo, &["add", "a.txt"]);
    let s = status(&repo).unwrap();
    assert_eq!(s.branch.as_deref(), Some("main"));
    assert_eq!(file(&s, "a.txt").insertions, 2);
}

#[test]
fn detached_head_has_no_branch() {
    let dir = tempfile::tempdir().unwrap();
    let repo = new_repo(dir.path());
    commit_file(&repo, "a.txt", "a\n", "a");
    git(&repo, &["checkout", "-q", "--detach"]);
    let s = status(&repo).unwrap();
    assert_eq!(s.branch, None);
    assert!(!s.has_upstream);
    let err = pull(&repo).unwrap_err();
    assert!(err.to_string().contains("detached"), "{err}");
}

#[test]
fn not_a_repo_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = status(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not a git repository"), "{err}");
}

#[test]
fn ahead_and_behind_against_bare_remote() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, bare) = repo_with_origin(dir.path());
    let other = second_clone(dir.path(), &bare);
    commit_file(&other, "o.txt", "o\n", "o1");
    commit_file(&other, "o2.txt", "o\n", "o2");
    git(&other, &["push", "-q", "origin", "main"]);
    commit_file(&repo, "l.txt", "l\n", "l1");
    git(&repo, &["fetch", "-q", "origin"]);

    let s = status(&repo).unwrap();
    assert!(s.has_upstream);
    assert_eq!(s.upstream_branch.as_deref(), Some("main"));
    assert_eq!((s.ahead_count, s.behind_count), (1, 2));

    let err = pull(&repo).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, GitError::Refused(_)), "{err:?}");
    assert!(
        msg.starts_with("Cannot fast-forward main to origin/main: the branches have diverged"),
        "{msg}"
    );
}

#[test]
fn ahead_without_upstream_counts_against_default() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, _bare) = repo_with_origin(dir.path());
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    commit_file(&repo, "f.txt", "f\n", "f1");
    commit_file(&repo, "g.txt", "g\n", "f2");
    let s = status(&repo).unwrap();
    assert!(!s.has_upstream);
    assert_eq!((s.ahead_count, s.behind_count), (2, 0));
    let err = pull(&repo).unwrap_err();
    assert!(
        err.to_string().contains("Branch feature has no upstream"),
        "{err}"
    );
}

#[test]
fn refresh_upstream_fetches_remote_tip() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, bare) = repo_with_origin(dir.path());
    let other = second_clone(dir.path(), &bare);
    commit_file(&other, "o.txt", "o\n", "o1");
    git(&other, &["push", "-q", "origin", "main"]);
    assert_eq!(status(&repo).unwrap().behind_count, 0);
    refresh_upstream(&repo).unwrap();
    assert_eq!(status(&repo).unwrap().behind_count, 1);
}

#[test]
fn pull_fast_forwards_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, bare) = repo_with_origin(dir.path());
    let other = second_clone(dir.path(), &bare);
    commit_file(&other, "o.txt", "o\n", "o1");
    git(&other, &["push", "-q", "origin", "main"]);

    let pulled = pull(&repo).unwrap();
    assert_eq!(
        pulled,
        GitPullResult {
            status: GitPullStatus::Pulled,
            branch: "main".into(),
            upstream_branch: Some("origin/main".into()),
        }
    );
    assert_eq!(fs::read_to_string(repo.join("o.txt")).unwrap(), "o\n");
    let again = pull(&repo).unwrap();
    assert_eq!(again.status, GitPullStatus::SkippedUpToDate);
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::json!({"status": "skipped_up_to_date", "branch": "main",
            "upstreamBranch": "origin/main"})
    );
}

#[test]
fn pull_refused_when_local_changes_would_be_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, bare) = repo_with_origin(dir.path());
    let other = second_clone(dir.path(), &bare);
    commit_file(&other, "a.txt", "remote\n", "r");
    git(&other, &["push", "-q", "origin", "main"]);
    fs::write(repo.join("a.txt"), "local\n").unwrap();
    let err = pull(&repo).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Cannot pull into main: uncommitted changes would be overwritten"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(repo.join("a.txt")).unwrap(), "local\n");
}

#[test]
fn porcelain_parsing_handles_all_record_kinds() {
    let raw = "# branch.oid abc\0# branch.head feat\0# branch.upstream origin/feat\0\
               # branch.ab +3 -4\0\
               1 .M N... 100644 100644 100644 aaa aaa dir/with space.txt\0\
               2 R. N... 100644 100644 100644 aaa aaa R100 new.txt\0old.txt\0\
               u UU N... 100644 100644 100644 100644 a b c conflict.txt\0\
               ? untracked.txt\0";
    let p = parse_porcelain(raw);
    assert_eq!(p.branch.as_deref(), Some("feat"));
    assert_eq!(p.upstream.as_deref(), Some("origin/feat"));
    assert_eq!((p.ahead, p.behind), (3, 4));
    let changed: Vec<_> = p.changed.iter().map(String::as_str).collect();
    assert_eq!(
        changed,
        [
            "conflict.txt",
            "dir/with space.txt",
            "new.txt",
            "untracked.txt"
        ]
    );
    assert_eq!(parse_porcelain("# branch.head (detached)\0").branch, None);
}

#[test]
fn numstat_parsing_handles_binary_and_renames() {
    let raw = "1\t2\ta.txt\0-\t-\timg.png\x000\t0\t\0old.txt\0new.txt\0";
    let entries = parse_numstat(raw);
    assert_eq!(
        entries,
        vec![
            GitFileChange {
                path: "a.txt".into(),
                insertions: 1,
                deletions: 2
            },
            GitFileChange {
                path: "img.png".into(),
                insertions: 0,
                deletions: 0
            },
            GitFileChange {
                path: "new.txt".into(),
                insertions: 0,
                deletions: 0
            },
        ]
    );
}

#[test]
fn pr_selection_prefers_latest_open() {
    let raw = r#"[
      {"number": 1, "title": "old merged", "url": "u1", "baseRefName": "main",
       "headRefName": "f", "state": "MERGED", "mergedAt": "2024-01-01T00:00:00Z",
       "updatedAt": "2024-03-01T00:00:00Z"},
      {"number": 2, "title": "open one", "url": "u2", "baseRefName": "main",
       "headRefName": "f", "state": "OPEN", "mergedAt": null,
       "updatedAt": "2024-02-01T00:00:00Z"},
      {"number": 0, "title": "bad", "url": "u", "baseRefName": "main",
       "headRefName": "f", "state": "OPEN"}
    ]"#;
    let pr = pick_pr(raw).unwrap();
    assert_eq!(pr.number, 2);
    assert_eq!(pr.state, GitPrState::Open);
    assert_eq!(
        serde_json::to_value(&pr).unwrap(),
        serde_json::json!({"number": 2, "title": "open one", "url": "u2",
            "baseBranch": "main", "headBranch": "f", "state": "open"})
    );

    let closed_only = r#"[
      {"number": 5, "title": "closed", "url": "u5", "baseRefName": "main",
       "headRefName": "f", "state": "CLOSED", "updatedAt": "2024-01-01T00:00:00Z"},
      {"number": 6, "title": "merged", "url": "u6", "baseRefName": "main",
       "headRefName": "f", "state": "MERGED", "updatedAt": "2024-05-01T00:00:00Z"}
    ]"#;
    let pr = pick_pr(closed_only).unwrap();
    assert_eq!((pr.number, pr.state), (6, GitPrState::Merged));
    assert_eq!(pick_pr("[]"), None);
    assert_eq!(pick_pr("not json"), None);
}
