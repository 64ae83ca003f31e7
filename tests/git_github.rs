//! End-to-end tests of DP Code's GitHub-backed git methods (dpcode.md §4) and
//! `git.runStackedAction`'s progress on `git.actionProgress`: the real binary, real git, a
//! local bare repository as `origin`, and the fake `gh` of tests/fixtures/fake-gh first on the
//! server's PATH, recording every call's arguments.
//!
//! `origin` is configured as `https://github.com/acme/widgets.git`, and the repository's own
//! `url.<bare repo>.insteadOf` rewrites that URL, so git's fetches and pushes reach the local
//! bare repository while `git.githubRepository` still reads the github.com URL the user wrote.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{connected, err, git, ok, Client, Server};
use serde_json::{json, Value};

const GITHUB_URL: &str = "https://github.com/acme/widgets.git";

/// The fake `gh`, copied into `<dir>/bin`, and what it recorded.
struct FakeGh {
    bin: PathBuf,
}

impl FakeGh {
    fn install(dir: &Path) -> FakeGh {
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fake-gh/gh");
        let gh = bin.join("gh");
        std::fs::copy(&fixture, &gh).unwrap();
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
        FakeGh { bin }
    }

    /// Every call so far, each as its argument list.
    fn calls(&self) -> Vec<Vec<String>> {
        std::fs::read_to_string(self.bin.join("calls"))
            .unwrap_or_default()
            .lines()
            .map(|line| {
                line.split('\u{1f}')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    }

    /// Answers `gh pr view <n>` with this pull request, whose head `gh pr checkout` checks out.
    fn pull_request(&self, number: u64, title: &str, head: &str, state: &str) {
        let pr = json!({
            "number": number, "title": title,
            "url": format!("https://github.com/acme/widgets/pull/{number}"),
            "baseRefName": "main", "headRefName": head, "state": state, "mergedAt": null,
            "isCrossRepository": false,
            "headRepository": {"nameWithOwner": "acme/widgets"},
            "headRepositoryOwner": {"login": "acme"},
        });
        std::fs::write(self.bin.join(format!("pr-{number}.json")), pr.to_string()).unwrap();
        std::fs::write(self.bin.join(format!("pr-{number}.head")), head).unwrap();
    }
}

/// `<dir>/widgets`, on `main`, whose `origin` says github.com and is `<dir>/widgets.git`; PR
/// heads are pushed as `refs/pull/<n>/head` (as GitHub keeps them) and as their branch.
fn github_checkout(dir: &Path) -> (PathBuf, PathBuf) {
    let bare = dir.join("widgets.git");
    git(
        dir,
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
    );
    let work = dir.join("widgets");
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    for (k, v) in [("user.name", "Test"), ("user.email", "test@example.com")] {
        git(&work, &["config", k, v]);
    }
    git(&work, &["remote", "add", "origin", GITHUB_URL]);
    git(
        &work,
        &[
            "config",
            &format!("url.{}.insteadOf", bare.display()),
            GITHUB_URL,
        ],
    );
    std::fs::write(work.join("README.md"), "widgets\n").unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "first"]);
    git(&work, &["push", "-q", "-u", "origin", "main"]);
    (work, bare)
}

/// A pull request's head: a commit on `branch`, pushed as the branch and `refs/pull/<n>/head`,
/// with no local branch left behind.
fn push_pull_request_head(work: &Path, number: u64, branch: &str, file: &str) -> String {
    git(work, &["checkout", "-q", "-b", branch]);
    std::fs::write(work.join(file), format!("{file}\n")).unwrap();
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "-m", &format!("PR {number}")]);
    let sha = git(work, &["rev-parse", "HEAD"]).trim().to_string();
    git(
        work,
        &[
            "push",
            "-q",
            "origin",
            &format!("{branch}:refs/heads/{branch}"),
            &format!("{branch}:refs/pull/{number}/head"),
        ],
    );
    git(work, &["checkout", "-q", "main"]);
    git(work, &["branch", "-q", "-D", branch]);
    sha
}

fn start(dir: &Path, gh: &FakeGh) -> Server {
    common::git_server(dir, Some(&gh.bin))
}

/// Runs a stacked action; returns its reply and its `git.actionProgress` events (read until
/// the last one, `action_finished` or `action_failed`, whether it came before the reply or
/// after).
async fn stacked(client: &mut Client, body: Value) -> (Value, Vec<Value>) {
    let action_id = body["actionId"].as_str().unwrap().to_string();
    let reply = client.request(body).await;
    let mut events = Vec::new();
    loop {
        let push = client.next_json().await;
        if push["channel"] != "git.actionProgress" || push["data"]["actionId"] != action_id {
            continue;
        }
        let kind = push["data"]["kind"].as_str().unwrap_or("?").to_string();
        events.push(push["data"].clone());
        if kind == "action_finished" || kind == "action_failed" {
            return (reply, events);
        }
    }
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().unwrap_or("?");
            match kind {
                "phase_started" => format!("phase:{}", e["phase"].as_str().unwrap_or("?")),
                "hook_started" | "hook_finished" => {
                    format!("{kind}:{}", e["hookName"].as_str().unwrap_or("?"))
                }
                _ => kind.to_string(),
            }
        })
        .filter(|k| k != "hook_output")
        .collect()
}

#[tokio::test]
async fn github_repository_is_the_first_github_remote_as_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _bare) = github_checkout(dir.path());
    let gh = FakeGh::install(dir.path());
    let server = start(dir.path(), &gh);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    let found = ok(&mut c, json!({"_tag": "git.githubRepository", "cwd": cwd})).await;
    assert_eq!(
        found,
        json!({"repository": {"nameWithOwner": "acme/widgets", "url": "https://github.com/acme/widgets"}})
    );

    // A repository whose remotes are not on github.com has none.
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    git(&plain, &["init", "-q", "-b", "main"]);
    git(
        &plain,
        &["remote", "add", "origin", "git@gitlab.com:acme/widgets.git"],
    );
    let none = ok(
        &mut c,
        json!({"_tag": "git.githubRepository", "cwd": plain.to_string_lossy()}),
    )
    .await;
    assert_eq!(none, json!({"repository": null}));
    // scp-like URLs on another remote are found too.
    git(
        &plain,
        &[
            "remote",
            "add",
            "upstream",
            "git@github.com:acme/gadgets.git",
        ],
    );
    let upstream = ok(
        &mut c,
        json!({"_tag": "git.githubRepository", "cwd": plain.to_string_lossy()}),
    )
    .await;
    assert_eq!(upstream["repository"]["nameWithOwner"], "acme/gadgets");

    // Bad input, per field; none of it runs gh or git anywhere unexpected.
    let missing = err(&mut c, json!({"_tag": "git.githubRepository"})).await;
    assert!(missing.contains("body"), "{missing}");
    let blank = err(&mut c, json!({"_tag": "git.githubRepository", "cwd": " "})).await;
    assert!(blank.contains("body.cwd"), "{blank}");
    let outside = err(&mut c, json!({"_tag": "git.githubRepository", "cwd": "/"})).await;
    assert!(outside.to_lowercase().contains("project"), "{outside}");
    let not_repo = dir.path().join("empty");
    std::fs::create_dir_all(&not_repo).unwrap();
    let message = err(
        &mut c,
        json!({"_tag": "git.githubRepository", "cwd": not_repo.to_string_lossy()}),
    )
    .await;
    assert!(message.contains("not a git repository"), "{message}");
    assert!(gh.calls().is_empty(), "{:?}", gh.calls());
}

#[tokio::test]
async fn resolve_pull_request_asks_gh_for_a_number_a_hash_or_a_url() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _bare) = github_checkout(dir.path());
    let gh = FakeGh::install(dir.path());
    gh.pull_request(7, "Add login", "feature/login", "MERGED");
    let server = start(dir.path(), &gh);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    let expected = json!({"pullRequest": {
        "number": 7, "title": "Add login", "url": "https://github.com/acme/widgets/pull/7",
        "baseBranch": "main", "headBranch": "feature/login", "state": "merged"}});
    for reference in ["7", "#7", "https://github.com/acme/widgets/pull/7/files"] {
        let found = ok(
            &mut c,
            json!({"_tag": "git.resolvePullRequest", "cwd": cwd, "reference": reference}),
        )
        .await;
        assert_eq!(found, expected, "{reference}");
    }
    let calls = gh.calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(calls[0][..3], ["pr", "view", "7"]);
    assert_eq!(calls[1][..3], ["pr", "view", "7"], "#7 reaches gh as 7");
    assert_eq!(
        calls[2][..3],
        ["pr", "view", "https://github.com/acme/widgets/pull/7/files"]
    );
    assert_eq!(calls[0][3], "--json");
    assert!(calls[0][4].contains("headRefName"), "{calls:?}");

    let missing = err(
        &mut c,
        json!({"_tag": "git.resolvePullRequest", "cwd": cwd, "reference": "99"}),
    )
    .await;
    assert!(missing.contains("Pull request not found"), "{missing}");

    // Bad input, per field: nothing that could be an option reaches gh.
    let before = gh.calls().len();
    for (body, field) in [
        (json!({"cwd": cwd}), "body.reference"),
        (json!({"cwd": cwd, "reference": ""}), "body.reference"),
        (json!({"cwd": cwd, "reference": 7}), "body.reference"),
        (
            json!({"cwd": cwd, "reference": "--repo=evil/x"}),
            "body.reference",
        ),
        (json!({"cwd": cwd, "reference": "-R"}), "body.reference"),
        (json!({"cwd": cwd, "reference": "#0"}), "body.reference"),
        (
            json!({"cwd": cwd, "reference": "feature/login"}),
            "body.reference",
        ),
        (
            json!({"cwd": cwd, "reference": "https://github.com/acme/widgets/issues/7"}),
            "body.reference",
        ),
        (json!({"cwd": "", "reference": "7"}), "body.cwd"),
    ] {
        let mut body = body;
        body["_tag"] = json!("git.resolvePullRequest");
        let message = err(&mut c, body.clone()).await;
        assert!(message.contains(field), "{body}: {message}");
    }
    assert_eq!(gh.calls().len(), before, "{:?}", gh.calls());
}

#[tokio::test]
async fn prepare_pull_request_thread_checks_out_locally_or_in_a_worktree() {
    let dir = tempfile::tempdir().unwrap();
    let (work, _bare) = github_checkout(dir.path());
    let login_sha = push_pull_request_head(&work, 7, "feature/login", "login.rs");
    let typo_sha = push_pull_request_head(&work, 8, "fix/typo", "typo.rs");
    let gh = FakeGh::install(dir.path());
    gh.pull_request(7, "Add login", "feature/login", "OPEN");
    gh.pull_request(8, "Fix typo", "fix/typo", "OPEN");
    let server = start(dir.path(), &gh);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    // Local: `gh pr checkout`, in the repository itself.
    let local = ok(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "#8", "mode": "local"}),
    )
    .await;
    assert_eq!(local["branch"], "fix/typo");
    assert_eq!(local["worktreePath"], Value::Null);
    assert_eq!(local["pullRequest"]["number"], 8);
    assert_eq!(git(&work, &["rev-parse", "HEAD"]).trim(), typo_sha);
    assert!(
        gh.calls()
            .iter()
            .any(|c| c[..] == ["pr", "checkout", "8", "--force"]),
        "{:?}",
        gh.calls()
    );

    // Worktree: the PR's head fetched into its branch, in git.createWorktree's place.
    let prepared = ok(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "https://github.com/acme/widgets/pull/7", "mode": "worktree"}),
    )
    .await;
    let expected_path = dir
        .path()
        .join("state/worktrees/widgets/feature-login")
        .to_string_lossy()
        .to_string();
    assert_eq!(prepared["branch"], "feature/login", "{prepared}");
    assert_eq!(prepared["worktreePath"], json!(expected_path));
    assert_eq!(prepared["pullRequest"]["title"], "Add login");
    let worktree = PathBuf::from(&expected_path);
    assert_eq!(git(&worktree, &["rev-parse", "HEAD"]).trim(), login_sha);
    assert!(worktree.join("login.rs").is_file());
    assert_eq!(
        git(&worktree, &["rev-parse", "--abbrev-ref", "@{u}"]).trim(),
        "origin/feature/login",
        "the branch tracks the PR's head"
    );
    // The user's checkout did not move.
    assert_eq!(git(&work, &["rev-parse", "HEAD"]).trim(), typo_sha);

    // Again: the existing worktree is the answer.
    let again = ok(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "7", "mode": "worktree"}),
    )
    .await;
    assert_eq!(again, prepared);

    // A branch the main checkout has cannot also be a worktree's.
    let refused = err(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "8", "mode": "worktree"}),
    )
    .await;
    assert!(
        refused.contains("already checked out in the main repo"),
        "{refused}"
    );

    let missing = err(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "99", "mode": "local"}),
    )
    .await;
    assert!(missing.contains("Pull request not found"), "{missing}");

    // Bad input, per field.
    let before = gh.calls().len();
    for (body, field) in [
        (json!({"cwd": cwd, "reference": "7"}), "body.mode"),
        (
            json!({"cwd": cwd, "reference": "7", "mode": "cloud"}),
            "body.mode",
        ),
        (
            json!({"cwd": cwd, "reference": "7", "mode": 1}),
            "body.mode",
        ),
        (json!({"cwd": cwd, "mode": "local"}), "body.reference"),
        (
            json!({"cwd": cwd, "reference": "--force", "mode": "local"}),
            "body.reference",
        ),
        (
            json!({"cwd": " ", "reference": "7", "mode": "local"}),
            "body.cwd",
        ),
    ] {
        let mut body = body;
        body["_tag"] = json!("git.preparePullRequestThread");
        let message = err(&mut c, body.clone()).await;
        assert!(message.contains(field), "{body}: {message}");
    }
    let outside = err(
        &mut c,
        json!({"_tag": "git.preparePullRequestThread", "cwd": "/", "reference": "7", "mode": "local"}),
    )
    .await;
    assert!(outside.to_lowercase().contains("project"), "{outside}");
    assert_eq!(gh.calls().len(), before, "{:?}", gh.calls());
}

#[tokio::test]
async fn push_and_create_pr_report_dp_codes_progress_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (work, bare) = github_checkout(dir.path());
    let gh = FakeGh::install(dir.path());
    let server = start(dir.path(), &gh);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();

    git(&work, &["checkout", "-q", "-b", "feature/widgets"]);
    std::fs::write(work.join("widget.rs"), "fn widget() {}\n").unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "Add widget"]);
    let sha = git(&work, &["rev-parse", "HEAD"]).trim().to_string();

    // push: one phase, the branch lands on the bare repository through insteadOf.
    let (reply, events) = stacked(
        &mut c,
        json!({"_tag": "git.runStackedAction", "actionId": "push-1", "cwd": cwd, "action": "push"}),
    )
    .await;
    let result = reply["result"].clone();
    assert_eq!(result["action"], "push", "{reply}");
    assert_eq!(result["commit"]["status"], "skipped_not_requested");
    assert_eq!(result["push"]["status"], "pushed");
    assert_eq!(result["push"]["setUpstream"], true);
    assert_eq!(result["pr"]["status"], "skipped_not_requested");
    assert_eq!(
        kinds(&events),
        ["action_started", "phase:push", "action_finished"]
    );
    assert_eq!(events[0]["phases"], json!(["push"]));
    assert_eq!(events[1]["label"], "Pushing...");
    for e in &events {
        assert_eq!(e["cwd"], json!(cwd));
        assert_eq!(e["action"], "push");
    }
    assert_eq!(
        events[2]["result"], result,
        "action_finished carries the reply"
    );
    let remote = git(
        dir.path(),
        &[
            "--git-dir",
            bare.to_str().unwrap(),
            "rev-parse",
            "refs/heads/feature/widgets",
        ],
    );
    assert_eq!(remote.trim(), sha);

    // create_pr on a pushed, up-to-date branch: only the PR phase.
    let (reply, events) = stacked(
        &mut c,
        json!({"_tag": "git.runStackedAction", "actionId": "pr-1", "cwd": cwd, "action": "create_pr"}),
    )
    .await;
    let result = reply["result"].clone();
    assert_eq!(result["pr"]["status"], "created", "{reply}");
    assert_eq!(result["pr"]["number"], 42);
    assert_eq!(
        result["pr"]["url"],
        "https://github.com/acme/widgets/pull/42"
    );
    assert_eq!(result["push"]["status"], "skipped_not_requested");
    assert_eq!(
        kinds(&events),
        ["action_started", "phase:pr", "action_finished"]
    );
    assert_eq!(events[0]["phases"], json!(["pr"]));
    let create = gh
        .calls()
        .into_iter()
        .find(|c| c[..2] == ["pr", "create"])
        .expect("gh pr create ran");
    assert!(create.contains(&"--base=main".to_string()), "{create:?}");
    assert!(
        create.contains(&"--head=feature/widgets".to_string()),
        "{create:?}"
    );
    assert!(
        create.contains(&"--title=Add widget".to_string()),
        "{create:?}"
    );

    // Uncommitted work: refused before anything runs, with action_failed (no phase).
    std::fs::write(work.join("dirty.rs"), "x").unwrap();
    let (reply, events) = stacked(
        &mut c,
        json!({"_tag": "git.runStackedAction", "actionId": "push-2", "cwd": cwd, "action": "push"}),
    )
    .await;
    let message = reply["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("before pushing"), "{reply}");
    assert_eq!(kinds(&events), ["action_started", "action_failed"]);
    assert_eq!(events[1]["phase"], Value::Null);
    assert_eq!(events[1]["message"], json!(message));

    // Bad input, per field.
    for (body, field) in [
        (json!({"cwd": cwd, "action": "deploy"}), "body.action"),
        (json!({"cwd": cwd}), "body.action"),
        (
            json!({"cwd": cwd, "action": "push", "actionId": " "}),
            "body.actionId",
        ),
        (
            json!({"cwd": cwd, "action": "push", "actionId": 5}),
            "body.actionId",
        ),
        (
            json!({"cwd": cwd, "action": "push", "actionId": "x".repeat(300)}),
            "body.actionId",
        ),
        (
            json!({"cwd": cwd, "action": "commit", "commitMessage": "x".repeat(10_001)}),
            "body.commitMessage",
        ),
        (
            json!({"cwd": cwd, "action": "commit", "featureBranch": "yes"}),
            "body.featureBranch",
        ),
    ] {
        let mut body = body;
        body["_tag"] = json!("git.runStackedAction");
        let message = err(&mut c, body.clone()).await;
        assert!(message.contains(field), "{body}: {message}");
    }
}

#[tokio::test]
async fn a_failing_pre_commit_hook_fails_the_action_and_its_output_is_pushed() {
    let dir = tempfile::tempdir().unwrap();
    let (work, bare) = github_checkout(dir.path());
    let gh = FakeGh::install(dir.path());
    let server = start(dir.path(), &gh);
    let mut c = connected(&server).await;
    let cwd = work.to_string_lossy().to_string();
    let hook = work.join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'lint: widget.rs:1 missing docs'\necho 'lint failed' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(work.join("widget.rs"), "fn widget() {}\n").unwrap();

    let (reply, events) = stacked(
        &mut c,
        json!({"_tag": "git.runStackedAction", "actionId": "c-1", "cwd": cwd,
               "action": "commit_push_pr", "commitMessage": "Add widget"}),
    )
    .await;
    let message = reply["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.starts_with("commit failed:"), "{reply}");
    assert!(message.contains("lint failed"), "{message}");
    assert_eq!(
        kinds(&events),
        [
            "action_started",
            "phase:commit",
            "hook_started:pre-commit",
            "hook_finished:pre-commit",
            "action_failed"
        ]
    );
    assert_eq!(events[0]["phases"], json!(["commit", "push", "pr"]));
    let output: Vec<(String, String, String)> = events
        .iter()
        .filter(|e| e["kind"] == "hook_output")
        .map(|e| {
            (
                e["hookName"].as_str().unwrap_or("-").to_string(),
                e["stream"].as_str().unwrap_or("?").to_string(),
                e["text"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    assert_eq!(
        output,
        [
            (
                "pre-commit".into(),
                "stderr".into(),
                "lint: widget.rs:1 missing docs".into()
            ),
            ("pre-commit".into(), "stderr".into(), "lint failed".into()),
        ]
    );
    let finished = events
        .iter()
        .find(|e| e["kind"] == "hook_finished")
        .unwrap();
    assert_eq!(finished["exitCode"], 1);
    assert!(finished["durationMs"].is_u64(), "{finished}");
    let failed = events.last().unwrap();
    assert_eq!(failed["phase"], "commit");
    assert_eq!(failed["message"], json!(message));
    // Nothing was committed, pushed or opened.
    assert_eq!(git(&work, &["log", "-1", "--format=%s"]).trim(), "first");
    let remote = git(
        dir.path(),
        &[
            "--git-dir",
            bare.to_str().unwrap(),
            "rev-parse",
            "refs/heads/main",
        ],
    );
    assert_eq!(remote.trim(), git(&work, &["rev-parse", "HEAD"]).trim());
    assert!(gh.calls().is_empty(), "{:?}", gh.calls());
}
