//! End-to-end tests of DP Code's non-GitHub git methods (dpcode.md §4): stash, stage/unstage,
//! working-tree diffs, detached worktrees, the index lock, and the fields DP Code added to
//! status, listBranches and createBranch. The real binary, real git in temp repositories, a
//! local bare repository as `origin`.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers) directly

mod common;

use std::path::{Path, PathBuf};

use common::{connected, err, git, ok, repo_with_origin, Server};
use serde_json::{json, Value};

fn start(dir: &Path) -> Server {
    common::git_server(dir, None)
}

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

#[tokio::test]
async fn every_method_names_a_bad_field() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);
    let methods = [
        "git.stashAndCheckout",
        "git.stashDrop",
        "git.stashInfo",
        "git.stageFiles",
        "git.unstageFiles",
        "git.readWorkingTreeDiff",
        "git.createDetachedWorktree",
        "git.removeIndexLock",
    ];
    for method in methods {
        for body in [
            json!({"_tag": method}),
            json!({"_tag": method, "cwd": "  "}),
        ] {
            let message = err(&mut c, body).await;
            assert!(message.contains("body.cwd"), "{method}: {message}");
        }
        // Outside every project and the server's --cwd: the cwd policy refuses it.
        let message = err(
            &mut c,
            json!({"_tag": method, "cwd": "/", "branch": "main",
            "paths": ["a"], "ref": "HEAD", "path": null}),
        )
        .await;
        assert!(!message.is_empty(), "{method}");
    }
    let cases = [
        (
            json!({"_tag": "git.stashAndCheckout", "cwd": cwd}),
            "body.branch",
        ),
        (
            json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "-f"}),
            "body.branch",
        ),
        (
            json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": 3}),
            "body.branch",
        ),
        (json!({"_tag": "git.stageFiles", "cwd": cwd}), "body.paths"),
        (
            json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": []}),
            "body.paths",
        ),
        (
            json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": "a"}),
            "body.paths",
        ),
        (
            json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": ["a", "../x"]}),
            "body.paths[1]",
        ),
        (
            json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": ["/etc/passwd"]}),
            "body.paths[0]",
        ),
        (
            json!({"_tag": "git.unstageFiles", "cwd": cwd, "paths": ["a", "b", "c/../../d"]}),
            "body.paths[2]",
        ),
        (
            json!({"_tag": "git.unstageFiles", "cwd": cwd, "paths": [".git/index"]}),
            "body.paths[0]",
        ),
        (
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "all"}),
            "body.scope",
        ),
        (
            json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "path": null}),
            "body.ref",
        ),
        (
            json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "--orphan=x", "path": null}),
            "body.ref",
        ),
        (
            json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "HEAD", "path": "-C"}),
            "body.path",
        ),
        (
            json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "HEAD", "path": 5}),
            "body.path",
        ),
        (
            json!({"_tag": "git.createBranch", "cwd": cwd, "branch": "x", "publish": "yes"}),
            "body.publish",
        ),
    ];
    for (body, field) in cases {
        let message = err(&mut c, body.clone()).await;
        assert!(
            message.contains(field),
            "{body}: expected {field} in {message}"
        );
    }
    // The connection is still whole.
    ok(&mut c, json!({"_tag": "git.status", "cwd": cwd})).await;
}

#[tokio::test]
async fn stash_and_checkout_carries_work_and_a_conflict_keeps_the_stash() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _) = repo_with_origin(dir.path());
    git(&work, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(work.join("README.md"), "topic version\n").unwrap();
    git(&work, &["commit", "-q", "-am", "topic change"]);
    git(&work, &["checkout", "-q", "main"]);
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);

    // Work that does not conflict crosses over, untracked files included, and no stash stays.
    std::fs::write(work.join("notes.txt"), "untracked\n").unwrap();
    let answer = ok(
        &mut c,
        json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "topic"}),
    )
    .await;
    assert_eq!(answer, Value::Null);
    assert_eq!(git(&work, &["branch", "--show-current"]).trim(), "topic");
    assert_eq!(
        std::fs::read_to_string(work.join("notes.txt")).unwrap(),
        "untracked\n"
    );
    assert_eq!(git(&work, &["stash", "list"]), "");

    // Nothing to carry: a plain switch.
    std::fs::remove_file(work.join("notes.txt")).unwrap();
    ok(
        &mut c,
        json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "main"}),
    )
    .await;
    assert_eq!(git(&work, &["branch", "--show-current"]).trim(), "main");
    ok(
        &mut c,
        json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "topic"}),
    )
    .await;

    // An edit that conflicts with the target: undone, the switch made, the stash kept.
    std::fs::write(work.join("README.md"), "local edit\n").unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "main"}),
    )
    .await;
    assert!(message.contains("still saved in the stash"), "{message}");
    assert_eq!(git(&work, &["branch", "--show-current"]).trim(), "main");
    assert_eq!(git(&work, &["status", "--porcelain"]), "", "left clean");
    assert_eq!(lines(&git(&work, &["stash", "list"])).len(), 1);

    let info = ok(&mut c, json!({"_tag": "git.stashInfo", "cwd": cwd})).await;
    assert_eq!(info["cwd"], json!(cwd));
    assert_eq!(info["branch"], "main");
    assert_eq!(info["stashRef"], "stash@{0}");
    assert!(
        info["message"]
            .as_str()
            .unwrap()
            .contains("switching to main"),
        "{info}"
    );
    assert_eq!(info["files"], json!(["README.md"]));
    // The kept stash holds the edit.
    assert!(git(&work, &["stash", "show", "-p"]).contains("+local edit"));

    // A branch that does not exist: the work is put back where it was, the error is git's.
    std::fs::write(work.join("README.md"), "second edit\n").unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.stashAndCheckout", "cwd": cwd, "branch": "nope"}),
    )
    .await;
    assert!(!message.is_empty());
    assert_eq!(
        std::fs::read_to_string(work.join("README.md")).unwrap(),
        "second edit\n"
    );
    assert_eq!(lines(&git(&work, &["stash", "list"])).len(), 1);
    git(&work, &["checkout", "-q", "--", "README.md"]);

    assert_eq!(
        ok(&mut c, json!({"_tag": "git.stashDrop", "cwd": cwd})).await,
        Value::Null
    );
    assert_eq!(git(&work, &["stash", "list"]), "");
    let none = err(&mut c, json!({"_tag": "git.stashInfo", "cwd": cwd})).await;
    assert!(none.contains("No stash entry is available."), "{none}");
    let none = err(&mut c, json!({"_tag": "git.stashDrop", "cwd": cwd})).await;
    assert!(none.to_lowercase().contains("stash"), "{none}");
}

fn staged(work: &Path) -> Vec<String> {
    lines(&git(work, &["diff", "--cached", "--name-only"]))
}

#[tokio::test]
async fn stage_and_unstage_take_literal_paths_inside_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);
    std::fs::write(work.join("README.md"), "changed\n").unwrap();
    std::fs::write(work.join("-n"), "dash\n").unwrap();
    std::fs::write(work.join("x1.txt"), "1\n").unwrap();
    std::fs::write(work.join("x2.txt"), "2\n").unwrap();

    let answer = ok(
        &mut c,
        json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": ["README.md", "-n"]}),
    )
    .await;
    assert_eq!(answer, json!({"ok": true}));
    assert_eq!(staged(&work), vec!["-n", "README.md"]);

    // A glob is a file name, not a pattern: nothing matches it, nothing is staged.
    let message = err(
        &mut c,
        json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": ["*.txt"]}),
    )
    .await;
    assert!(message.contains("did not match"), "{message}");
    let message = err(
        &mut c,
        json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": [":/"]}),
    )
    .await;
    assert!(message.contains("did not match"), "{message}");
    assert_eq!(staged(&work), vec!["-n", "README.md"]);

    // A link out of the repository is no way out.
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret"), "s\n").unwrap();
    std::os::unix::fs::symlink(&outside, work.join("link")).unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.stageFiles", "cwd": cwd, "paths": ["link/secret"]}),
    )
    .await;
    assert!(message.contains("symbolic link"), "{message}");

    let answer = ok(
        &mut c,
        json!({"_tag": "git.unstageFiles", "cwd": cwd, "paths": ["-n"]}),
    )
    .await;
    assert_eq!(answer, json!({"ok": true}));
    assert_eq!(staged(&work), vec!["README.md"]);
    // The file itself is untouched.
    assert_eq!(std::fs::read_to_string(work.join("-n")).unwrap(), "dash\n");

    // Before the first commit there is no HEAD to reset to: the path leaves the index.
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    git(&fresh, &["init", "-q", "-b", "main"]);
    std::fs::write(fresh.join("a.txt"), "a\n").unwrap();
    let fresh_cwd = s(&fresh);
    ok(
        &mut c,
        json!({"_tag": "git.stageFiles", "cwd": fresh_cwd, "paths": ["a.txt"]}),
    )
    .await;
    assert_eq!(staged(&fresh), vec!["a.txt"]);
    ok(
        &mut c,
        json!({"_tag": "git.unstageFiles", "cwd": fresh_cwd, "paths": ["a.txt"]}),
    )
    .await;
    assert_eq!(staged(&fresh), Vec::<String>::new());
    assert!(fresh.join("a.txt").is_file());
}

#[tokio::test]
async fn working_tree_diff_reads_each_scope() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);
    std::fs::write(work.join("README.md"), "hello\nunstaged line\n").unwrap();
    std::fs::write(work.join("staged.txt"), "staged line\n").unwrap();
    git(&work, &["add", "staged.txt"]);
    std::fs::write(work.join("untracked.txt"), "untracked line\n").unwrap();

    let patch = |v: Value| v["patch"].as_str().unwrap().to_string();
    let whole = patch(
        ok(
            &mut c,
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd}),
        )
        .await,
    );
    let named = patch(
        ok(
            &mut c,
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "workingTree"}),
        )
        .await,
    );
    assert_eq!(whole, named, "workingTree is the default");
    for line in [
        "+unstaged line",
        "+staged line",
        "+untracked line",
        "b/untracked.txt",
    ] {
        assert!(whole.contains(line), "{line} missing from {whole}");
    }
    let unstaged = patch(
        ok(
            &mut c,
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "unstaged"}),
        )
        .await,
    );
    assert!(
        unstaged.contains("+unstaged line") && unstaged.contains("+untracked line"),
        "{unstaged}"
    );
    assert!(!unstaged.contains("+staged line"), "{unstaged}");
    let staged = patch(
        ok(
            &mut c,
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "staged"}),
        )
        .await,
    );
    assert!(staged.contains("+staged line"), "{staged}");
    assert!(
        !staged.contains("unstaged line") && !staged.contains("untracked"),
        "{staged}"
    );

    // The branch scope: a feature branch against its base (origin's default), commits only.
    git(&work, &["stash", "-u", "-q"]);
    git(&work, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(work.join("feature.txt"), "feature line\n").unwrap();
    git(&work, &["add", "feature.txt"]);
    git(&work, &["commit", "-q", "-m", "feature"]);
    std::fs::write(work.join("README.md"), "not committed\n").unwrap();
    let branch = patch(
        ok(
            &mut c,
            json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "branch"}),
        )
        .await,
    );
    assert!(branch.contains("+feature line"), "{branch}");
    assert!(!branch.contains("not committed"), "{branch}");

    // Detached, there is no branch to compare.
    git(&work, &["checkout", "-q", "--detach"]);
    let message = err(
        &mut c,
        json!({"_tag": "git.readWorkingTreeDiff", "cwd": cwd, "scope": "branch"}),
    )
    .await;
    assert!(message.contains("base branch"), "{message}");
}

#[tokio::test]
async fn detached_worktrees_are_confined_and_their_index_lock_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);
    let worktrees = std::fs::canonicalize(dir.path().join("state"))
        .unwrap()
        .join("worktrees");

    let created = ok(
        &mut c,
        json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "HEAD", "path": null}),
    )
    .await;
    let wt = created["worktree"].clone();
    assert_eq!(wt["ref"], "HEAD");
    assert_eq!(wt["branch"], Value::Null);
    let path = PathBuf::from(wt["path"].as_str().unwrap());
    assert!(
        path.starts_with(&worktrees),
        "{path:?} not in {worktrees:?}"
    );
    assert!(path.join("README.md").is_file());
    assert_eq!(
        git(&path, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "HEAD"
    );

    // An explicit path inside the worktrees directory is taken; one outside is refused.
    let named = worktrees.join("named");
    let created = ok(
        &mut c,
        json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "main", "path": s(&named)}),
    )
    .await;
    assert_eq!(created["worktree"]["path"], json!(s(&named)));
    for outside in [s(&dir.path().join("elsewhere")), "../escape".to_string()] {
        let message = err(&mut c, json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "main", "path": outside})).await;
        assert!(
            message.contains("worktrees directory") || message.contains(".."),
            "{message}"
        );
    }
    assert!(!dir.path().join("elsewhere").exists());
    let message = err(&mut c, json!({"_tag": "git.createDetachedWorktree", "cwd": cwd, "ref": "no-such-ref", "path": null})).await;
    assert!(message.contains("does not name a commit"), "{message}");

    // The worktree's index lock lives in the main repository's .git/worktrees/<name>/.
    let wt_cwd = s(&path);
    let lock = PathBuf::from(
        git(
            &path,
            &[
                "rev-parse",
                "--path-format=absolute",
                "--git-path",
                "index.lock",
            ],
        )
        .trim(),
    );
    assert!(
        lock.starts_with(
            std::fs::canonicalize(&work)
                .unwrap()
                .join(".git")
                .join("worktrees")
        ),
        "{lock:?}"
    );
    std::fs::write(&lock, "").unwrap();
    assert_eq!(
        ok(
            &mut c,
            json!({"_tag": "git.removeIndexLock", "cwd": wt_cwd})
        )
        .await,
        Value::Null
    );
    assert!(!lock.exists());
    let message = err(
        &mut c,
        json!({"_tag": "git.removeIndexLock", "cwd": wt_cwd}),
    )
    .await;
    assert!(message.contains("No index lock"), "{message}");

    // Only a regular file goes: a directory or a link of that name is refused and kept.
    std::fs::create_dir(&lock).unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.removeIndexLock", "cwd": wt_cwd}),
    )
    .await;
    assert!(message.contains("not a regular file"), "{message}");
    assert!(lock.is_dir());
    std::fs::remove_dir(&lock).unwrap();
    let target = dir.path().join("precious");
    std::fs::write(&target, "keep\n").unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.removeIndexLock", "cwd": wt_cwd}),
    )
    .await;
    assert!(message.contains("not a regular file"), "{message}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");

    // The main checkout's own lock.
    let main_lock = work.join(".git").join("index.lock");
    std::fs::write(&main_lock, "").unwrap();
    ok(&mut c, json!({"_tag": "git.removeIndexLock", "cwd": cwd})).await;
    assert!(!main_lock.exists());
}

#[tokio::test]
async fn status_branches_and_create_branch_carry_dp_codes_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (work, origin) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);

    let status = ok(&mut c, json!({"_tag": "git.status", "cwd": cwd})).await;
    assert_eq!(status["upstreamBranch"], "main");
    let branches = ok(&mut c, json!({"_tag": "git.listBranches", "cwd": cwd})).await;
    assert_eq!(branches["hasOriginRemote"], true);

    ok(
        &mut c,
        json!({"_tag": "git.createBranch", "cwd": cwd, "branch": "published", "publish": true}),
    )
    .await;
    assert!(git(&origin, &["branch", "--list", "published"]).contains("published"));
    assert_eq!(
        git(
            &work,
            &["rev-parse", "--abbrev-ref", "published@{upstream}"]
        )
        .trim(),
        "origin/published"
    );
    // Still on main: createBranch never switches.
    assert_eq!(git(&work, &["branch", "--show-current"]).trim(), "main");
    ok(
        &mut c,
        json!({"_tag": "git.createBranch", "cwd": cwd, "branch": "local-only", "publish": false}),
    )
    .await;
    assert_eq!(git(&origin, &["branch", "--list", "local-only"]), "");

    // Without origin: no upstream, no origin, and publishing is refused before any branch.
    let lone = dir.path().join("lone");
    std::fs::create_dir(&lone).unwrap();
    git(&lone, &["init", "-q", "-b", "main"]);
    std::fs::write(lone.join("a"), "a\n").unwrap();
    git(&lone, &["add", "-A"]);
    git(&lone, &["commit", "-q", "-m", "a"]);
    let lone_cwd = s(&lone);
    let status = ok(&mut c, json!({"_tag": "git.status", "cwd": lone_cwd})).await;
    assert_eq!(status["upstreamBranch"], Value::Null);
    let branches = ok(&mut c, json!({"_tag": "git.listBranches", "cwd": lone_cwd})).await;
    assert_eq!(branches["hasOriginRemote"], false);
    let message = err(
        &mut c,
        json!({"_tag": "git.createBranch", "cwd": lone_cwd, "branch": "x", "publish": true}),
    )
    .await;
    assert!(message.contains("no 'origin' remote"), "{message}");
    assert_eq!(git(&lone, &["branch", "--list", "x"]), "");
}

/// DP Code's `cause` (dpcode.md §8) on git's replies: git's own words when git failed, nothing
/// when t3rs refused the request itself.
#[tokio::test]
async fn a_failing_git_command_carries_gits_words_as_cause_and_a_refusal_none() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _origin) = repo_with_origin(dir.path());
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = s(&work);
    let failed = c
        .request(json!({"_tag": "git.checkout", "cwd": cwd, "branch": "no-such-branch"}))
        .await;
    let cause = failed["error"]["cause"]
        .as_str()
        .unwrap_or_else(|| panic!("{failed}"));
    assert!(cause.contains("no-such-branch"), "{failed}");
    let refused = c.request(json!({"_tag": "git.checkout", "cwd": cwd})).await;
    assert!(refused["error"]["message"].as_str().is_some(), "{refused}");
    assert!(refused["error"].get("cause").is_none(), "{refused}");
}
