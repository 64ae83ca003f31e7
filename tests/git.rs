//! End-to-end tests of the git methods: the real binary, real git in temp repos, a local bare
//! repository as the remote, and a fake `gh` on the server's PATH.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::path::{Path, PathBuf};

use common::{connected, err, git, ok, repo_with_origin, Server};
use serde_json::{json, Value};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A fake `gh`: `pr list` is empty until `pr create` has run, then lists the PR.
fn fake_gh(bin: &Path, state: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    let script = format!(
        r#"#!/bin/sh
state="{state}"
echo "$@" >> "$state.calls"
case "$1 $2" in
  "auth status") exit 0 ;;
  "pr list")
    if [ -f "$state" ]; then
      echo '[{{"number":7,"title":"Add feature","url":"https://example.test/pr/7","baseRefName":"main","headRefName":"feature","state":"OPEN"}}]'
    else
      echo '[]'
    fi
    exit 0 ;;
  "pr create")
    touch "$state"
    echo "https://example.test/pr/7"
    exit 0 ;;
esac
echo "fake gh: unsupported: $@" >&2
exit 1
"#,
        state = state.display()
    );
    let path = bin.join("gh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn start(dir: &Path, extra_path: Option<&Path>) -> Server {
    common::git_server(dir, extra_path)
}

#[tokio::test]
async fn status_branches_checkout_and_init() {
    let dir = temp();
    let (work, _origin) = repo_with_origin(dir.path());
    let server = start(dir.path(), None);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    let clean = ok(&mut c, json!({"_tag": "git.status", "cwd": cwd})).await;
    assert_eq!(clean["branch"], "main");
    assert_eq!(clean["hasWorkingTreeChanges"], false);
    assert_eq!(clean["hasUpstream"], true);
    assert_eq!(
        (clean["aheadCount"].clone(), clean["behindCount"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(clean["pr"], Value::Null);

    std::fs::write(work.join("README.md"), "hello\nworld\nagain\n").unwrap();
    let dirty = ok(&mut c, json!({"_tag": "git.status", "cwd": cwd})).await;
    assert_eq!(dirty["hasWorkingTreeChanges"], true);
    let file = &dirty["workingTree"]["files"][0];
    assert_eq!(file["path"], "README.md");
    assert_eq!(
        (file["insertions"].clone(), file["deletions"].clone()),
        (json!(2), json!(0))
    );

    ok(
        &mut c,
        json!({"_tag": "git.createBranch", "cwd": cwd, "branch": "topic"}),
    )
    .await;
    let branches = ok(&mut c, json!({"_tag": "git.listBranches", "cwd": cwd})).await;
    assert_eq!(branches["isRepo"], true);
    let names: Vec<&str> = branches["branches"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert!(
        names.contains(&"main") && names.contains(&"topic"),
        "{names:?}"
    );
    let main = branches["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "main")
        .unwrap()
        .clone();
    assert_eq!(main["current"], true);
    assert_eq!(main["isDefault"], true);

    // A switch that would overwrite uncommitted work is refused with git's reason.
    git(&work, &["stash", "-q"]);
    git(&work, &["checkout", "-q", "topic"]);
    std::fs::write(work.join("README.md"), "topic version\n").unwrap();
    git(&work, &["commit", "-q", "-am", "topic change"]);
    git(&work, &["checkout", "-q", "main"]);
    std::fs::write(work.join("README.md"), "local edit\n").unwrap();
    let refused = err(
        &mut c,
        json!({"_tag": "git.checkout", "cwd": cwd, "branch": "topic"}),
    )
    .await;
    assert!(
        refused.to_lowercase().contains("overwritten") || refused.contains("uncommitted"),
        "{refused}"
    );
    git(&work, &["checkout", "-q", "--", "README.md"]);
    ok(
        &mut c,
        json!({"_tag": "git.checkout", "cwd": cwd, "branch": "topic"}),
    )
    .await;
    assert_eq!(
        ok(&mut c, json!({"_tag": "git.status", "cwd": cwd})).await["branch"],
        "topic"
    );

    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let none = ok(
        &mut c,
        json!({"_tag": "git.listBranches", "cwd": plain.to_string_lossy()}),
    )
    .await;
    assert_eq!(none["isRepo"], false);
    ok(
        &mut c,
        json!({"_tag": "git.init", "cwd": plain.to_string_lossy()}),
    )
    .await;
    assert!(plain.join(".git").exists());
}

#[tokio::test]
async fn pull_fast_forwards_and_refuses_divergence() {
    let dir = temp();
    let (work, origin) = repo_with_origin(dir.path());
    let other = dir.path().join("other");
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            origin.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    std::fs::write(other.join("new.txt"), "from elsewhere\n").unwrap();
    git(&other, &["add", "-A"]);
    git(&other, &["commit", "-q", "-m", "elsewhere"]);
    git(&other, &["push", "-q"]);

    let server = start(dir.path(), None);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();
    let pulled = ok(&mut c, json!({"_tag": "git.pull", "cwd": cwd})).await;
    assert_eq!(pulled["status"], "pulled");
    assert_eq!(pulled["branch"], "main");
    assert!(work.join("new.txt").exists());
    let again = ok(&mut c, json!({"_tag": "git.pull", "cwd": cwd})).await;
    assert_eq!(again["status"], "skipped_up_to_date");

    std::fs::write(other.join("new.txt"), "changed there\n").unwrap();
    git(&other, &["commit", "-q", "-am", "there"]);
    git(&other, &["push", "-q"]);
    std::fs::write(work.join("local.txt"), "here\n").unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "here"]);
    let diverged = err(&mut c, json!({"_tag": "git.pull", "cwd": cwd})).await;
    assert!(!diverged.is_empty());
    assert!(
        !work.join(".git/MERGE_HEAD").exists(),
        "a failed pull must not leave a merge"
    );
}

#[tokio::test]
async fn worktrees_are_created_outside_the_repo_and_removed_only_when_clean_or_forced() {
    let dir = temp();
    let (work, _origin) = repo_with_origin(dir.path());
    let server = start(dir.path(), None);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();
    let created = ok(
        &mut c,
        json!({"_tag": "git.createWorktree", "cwd": cwd, "branch": "main", "newBranch": "wt-feature", "path": null}),
    )
    .await;
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    assert_eq!(created["worktree"]["branch"], "wt-feature");
    assert!(wt.join("README.md").exists());
    assert!(
        !wt.starts_with(&work),
        "the default worktree path is outside the repo: {}",
        wt.display()
    );
    std::fs::write(wt.join("scratch.txt"), "x").unwrap();
    let dirty = err(
        &mut c,
        json!({"_tag": "git.removeWorktree", "cwd": cwd, "path": wt.to_string_lossy()}),
    )
    .await;
    assert!(!dirty.is_empty());
    assert!(wt.exists());
    ok(&mut c, json!({"_tag": "git.removeWorktree", "cwd": cwd, "path": wt.to_string_lossy(), "force": true})).await;
    assert!(!wt.exists());
}

#[tokio::test]
async fn a_new_worktree_runs_the_projects_setup_scripts() {
    let dir = temp();
    let (work, _origin) = repo_with_origin(dir.path());
    let server = start(dir.path(), None);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();
    let dispatch =
        |command: Value| json!({"_tag": "orchestration.dispatchCommand", "command": command});
    ok(
        &mut c,
        dispatch(
            json!({"type": "project.create", "commandId": "p", "projectId": "p",
        "title": "p", "workspaceRoot": cwd, "createdAt": "2026-01-01T00:00:00.000Z"}),
        ),
    )
    .await;
    let script = |id: &str, command: &str, on_create: bool| {
        json!({"id": id, "name": id, "command": command, "icon": "configure",
               "runOnWorktreeCreate": on_create})
    };
    ok(
        &mut c,
        dispatch(
            json!({"type": "project.meta.update", "commandId": "s1", "projectId": "p",
        "scripts": [script("Setup", "echo ready > setup.txt && pwd > where.txt", true),
                    script("Serve", "echo never > served.txt", false)]}),
        ),
    )
    .await;
    let created = ok(
        &mut c,
        json!({"_tag": "git.createWorktree", "cwd": cwd, "branch": "main", "newBranch": "wt-setup", "path": null}),
    )
    .await;
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(wt.join("setup.txt")).unwrap(),
        "ready\n"
    );
    let ran_in = std::fs::read_to_string(wt.join("where.txt")).unwrap();
    assert_eq!(
        Path::new(ran_in.trim()).canonicalize().unwrap(),
        wt.canonicalize().unwrap()
    );
    assert!(!wt.join("served.txt").exists());

    // A failing script: the worktree exists and the error names the script.
    ok(
        &mut c,
        dispatch(
            json!({"type": "project.meta.update", "commandId": "s2", "projectId": "p",
        "scripts": [script("Broken", "echo 'no such tool' >&2; exit 3", true)]}),
        ),
    )
    .await;
    let message = err(
        &mut c,
        json!({"_tag": "git.createWorktree", "cwd": cwd, "branch": "main", "newBranch": "wt-broken", "path": null}),
    )
    .await;
    assert!(
        message.contains("setup script 'Broken' failed"),
        "{message}"
    );
    assert!(message.contains("no such tool"), "{message}");
    assert!(message.starts_with("Worktree created at "), "{message}");
}

#[tokio::test]
async fn stacked_commit_push_and_pr_report_each_step_in_order() {
    let dir = temp();
    let (work, origin) = repo_with_origin(dir.path());
    let bin = dir.path().join("bin");
    fake_gh(&bin, &dir.path().join("gh-pr"));
    let server = start(dir.path(), Some(&bin));
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    std::fs::write(work.join("feature.rs"), "fn feature() {}\n").unwrap();
    let result = ok(
        &mut c,
        json!({"_tag": "git.runStackedAction", "cwd": cwd, "action": "commit_push_pr", "commitMessage": "Add feature", "featureBranch": true}),
    )
    .await;
    assert_eq!(result["action"], "commit_push_pr");
    assert_eq!(result["branch"]["status"], "created", "{result}");
    assert_eq!(result["commit"]["status"], "created");
    assert_eq!(result["commit"]["subject"], "Add feature");
    assert_eq!(result["push"]["status"], "pushed");
    assert_eq!(result["pr"]["status"], "created", "{result}");
    assert_eq!(result["pr"]["url"], "https://example.test/pr/7");
    let branch = result["branch"]["name"].as_str().unwrap().to_string();
    let sha = result["commit"]["commitSha"].as_str().unwrap().to_string();
    let remote = git(
        dir.path(),
        &[
            "--git-dir",
            origin.to_str().unwrap(),
            "rev-parse",
            &format!("refs/heads/{branch}"),
        ],
    );
    assert_eq!(remote.trim(), sha, "the commit reached the bare remote");

    // Progress pushes, DP Code's shape: the phases to come, each phase, then the result.
    // (They may arrive just before or just after the reply; read until the last one.)
    let mut kinds = Vec::new();
    let mut finished = Value::Null;
    while finished.is_null() {
        let push = c.next_json().await;
        if push["channel"] == "git.actionProgress" {
            assert_eq!(push["data"]["cwd"], json!(cwd));
            assert_eq!(push["data"]["action"], "commit_push_pr");
            assert!(push["data"]["actionId"]
                .as_str()
                .is_some_and(|id| !id.is_empty()));
            let data = &push["data"];
            match data["kind"].as_str().unwrap_or("?") {
                "action_started" => {
                    assert_eq!(data["phases"], json!(["branch", "commit", "push", "pr"]));
                    kinds.push("started".to_string());
                }
                "phase_started" => kinds.push(data["phase"].as_str().unwrap_or("?").to_string()),
                "action_finished" => finished = data["result"].clone(),
                "hook_output" => {}
                other => panic!("unexpected progress {other}: {data}"),
            }
        }
    }
    assert_eq!(kinds, ["started", "branch", "commit", "push", "pr"]);
    assert_eq!(finished, result, "action_finished carries the reply");

    // Nothing new: commit skipped, push up to date, the PR found instead of created.
    let again = ok(
        &mut c,
        json!({"_tag": "git.runStackedAction", "cwd": cwd, "action": "commit_push_pr"}),
    )
    .await;
    assert_eq!(again["commit"]["status"], "skipped_no_changes", "{again}");
    assert_eq!(again["push"]["status"], "skipped_up_to_date", "{again}");
    assert_eq!(again["pr"]["status"], "opened_existing", "{again}");

    // A failing step stops the chain and names itself.
    git(
        &work,
        &["remote", "set-url", "origin", "/nonexistent/origin.git"],
    );
    std::fs::write(work.join("more.rs"), "fn more() {}\n").unwrap();
    let failed = err(
        &mut c,
        json!({"_tag": "git.runStackedAction", "cwd": cwd, "action": "commit_push"}),
    )
    .await;
    assert!(failed.to_lowercase().contains("push"), "{failed}");
}
