//! End-to-end tests of the one process runner: against the real binary, a worktree setup script
//! that hangs and a `git pull` from a remote that never answers both end at their (shortened)
//! deadline with nothing of theirs left running; and no child — a terminal shell, a setup script,
//! a command codex runs — sees the server's secrets.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{base_command, git, Client, FakeModel, Server};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const SECRET: &str = "s3cret-token-4b1d";

/// A repository with one commit on `main`.
fn repo(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    std::fs::write(work.join("README.md"), "hello\n").unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "first"]);
    work
}

/// A config file with short deadlines for the kinds under test.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("t3rs.toml");
    std::fs::write(
        &path,
        "[process_deadlines]\ngit_network_secs = 2\nsetup_script_secs = 2\n",
    )
    .unwrap();
    path
}

/// A marker no other process on the machine has in its command line.
fn marker(tag: u32) -> String {
    format!("1000.{}{tag}", std::process::id())
}

/// Processes whose command line contains `pattern` (zombies have none, so they do not count).
fn running(pattern: &str) -> Vec<String> {
    let out = Command::new("pgrep")
        .args(["-a", "-f", pattern])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        // pgrep may see the shell that runs a test's own git or pgrep; only count sleepers.
        .filter(|l| l.contains("sleep"))
        .map(str::to_string)
        .collect()
}

/// None left within a moment (SIGKILL is sent before the answer; dying takes the kernel a tick).
fn none_left(pattern: &str) -> Vec<String> {
    let until = Instant::now() + Duration::from_secs(2);
    loop {
        let left = running(pattern);
        if left.is_empty() || Instant::now() > until {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

async fn ok(client: &mut Client, body: Value) -> Value {
    let v = client.request(body.clone()).await;
    assert!(v.get("error").is_none(), "{body} failed: {v}");
    v.get("result").cloned().unwrap_or(Value::Null)
}

async fn err(client: &mut Client, body: Value) -> String {
    let v = client.request(body.clone()).await;
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{body} should fail: {v}"))
        .to_string()
}

fn script(id: &str, command: &str) -> Value {
    json!({"id": id, "name": id, "command": command, "icon": "configure",
           "runOnWorktreeCreate": true})
}

/// Creates project `p` at `work` with these setup scripts.
async fn project_with_scripts(client: &mut Client, work: &Path, scripts: Vec<Value>) {
    let root = work.to_string_lossy();
    ok(
        client,
        dispatch(
            json!({"type": "project.create", "commandId": "p", "projectId": "p",
            "title": "p", "workspaceRoot": root, "createdAt": NOW}),
        ),
    )
    .await;
    ok(
        client,
        dispatch(
            json!({"type": "project.meta.update", "commandId": "s", "projectId": "p",
            "scripts": scripts}),
        ),
    )
    .await;
}

#[tokio::test]
async fn a_hanging_setup_script_ends_at_its_deadline_with_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let work = repo(dir.path());
    let config = config(dir.path());
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(dir.path())
        .arg("--config")
        .arg(&config);
    let server = Server::start_command(cmd);
    let mut c = Client::connect(&server.url("/ws")).await;
    c.welcome().await;
    let sleeper = marker(1);
    // A background job and a wait: the script never ends on its own.
    let hang = format!("sleep {sleeper} & echo started; wait");
    project_with_scripts(&mut c, &work, vec![script("Hang", &hang)]).await;
    let started = Instant::now();
    let message = err(
        &mut c,
        json!({"_tag": "git.createWorktree", "cwd": work.to_string_lossy(), "branch": "main",
               "newBranch": "wt-hang", "path": null}),
    )
    .await;
    let took = started.elapsed();
    assert!(
        message.contains("setup script 'Hang' did not finish within 2s"),
        "{message}"
    );
    assert!(message.starts_with("Worktree created at "), "{message}");
    assert!(took >= Duration::from_secs(2), "answered after {took:?}");
    assert!(took < Duration::from_secs(6), "answered after {took:?}");
    let left = none_left(&sleeper);
    assert!(left.is_empty(), "left running: {left:?}");
    eprintln!("hanging setup script answered after {took:?}");
}

/// A repository whose `origin` is an "ssh" remote that never connects (git would wait on it for
/// ever without the deadline), and a server with short deadlines for it.
fn silent_remote(dir: &Path, sleeper: &str) -> (PathBuf, Server) {
    let work = repo(dir);
    let ssh = dir.join("fake-ssh");
    std::fs::write(&ssh, format!("#!/bin/sh\nsleep {sleeper}\n")).unwrap();
    Command::new("chmod").arg("755").arg(&ssh).status().unwrap();
    git(&work, &["remote", "add", "origin", "ssh://127.0.0.1/x"]);
    git(&work, &["config", "core.sshCommand", ssh.to_str().unwrap()]);
    git(&work, &["config", "branch.main.remote", "origin"]);
    git(&work, &["config", "branch.main.merge", "refs/heads/main"]);
    let config = config(dir);
    let mut cmd = base_command(&dir.join("state"));
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(dir)
        .arg("--config")
        .arg(&config)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    (work, Server::start_command(cmd))
}

#[tokio::test]
async fn a_pull_from_a_remote_that_never_answers_ends_at_its_deadline_with_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let sleeper = marker(2);
    let (work, server) = silent_remote(dir.path(), &sleeper);
    let mut c = Client::connect(&server.url("/ws")).await;
    c.welcome().await;
    let started = Instant::now();
    let message = err(
        &mut c,
        json!({"_tag": "git.pull", "cwd": work.to_string_lossy()}),
    )
    .await;
    let took = started.elapsed();
    assert!(
        message.contains("git pull did not finish within 2s"),
        "{message}"
    );
    assert!(took >= Duration::from_secs(2), "answered after {took:?}");
    assert!(took < Duration::from_secs(6), "answered after {took:?}");
    let left = none_left(&sleeper);
    assert!(left.is_empty(), "left running: {left:?}");
    eprintln!("git pull to a silent remote answered after {took:?}");
}

#[tokio::test]
async fn a_push_to_a_remote_that_never_answers_ends_at_its_deadline_with_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let sleeper = marker(3);
    let (work, server) = silent_remote(dir.path(), &sleeper);
    let mut c = Client::connect(&server.url("/ws")).await;
    c.welcome().await;
    std::fs::write(work.join("feature.txt"), "new\n").unwrap();
    let started = Instant::now();
    let message = err(
        &mut c,
        json!({"_tag": "git.runStackedAction", "cwd": work.to_string_lossy(),
               "action": "commit_push", "commitMessage": "Add the feature"}),
    )
    .await;
    let took = started.elapsed();
    assert!(
        message.contains("git push did not finish within 2s"),
        "{message}"
    );
    assert!(took >= Duration::from_secs(2), "answered after {took:?}");
    assert!(took < Duration::from_secs(8), "answered after {took:?}");
    let left = none_left(&sleeper);
    assert!(left.is_empty(), "left running: {left:?}");
    // The commit before the push stands.
    assert!(git(&work, &["log", "-1", "--format=%s"]).contains("Add the feature"));
    eprintln!("git push to a silent remote answered after {took:?}");
}

/// What a child must not see, given the server was started with it.
const HIDDEN: &[(&str, &str)] = &[
    ("T3CODE_AUTH_TOKEN", SECRET),
    ("NOTIFY_SOCKET", "/nonexistent-notify"),
    ("T3CODE_SESSION_SECRET_TEST", "xyz-session-secret-9"),
    // A name no agent's own filter would hide (it holds neither KEY, SECRET nor TOKEN).
    ("T3CODE_CANARY", "canary-value-31"),
];

/// Set on the server too, and not secret: every child keeps it.
const VISIBLE: (&str, &str) = ("PROCESS_RUNNER_TEST_VISIBLE", "kept-7");

fn assert_clean(who: &str, env: &str) {
    let (name, value) = VISIBLE;
    assert!(
        env.contains(&format!("{name}={value}\n")),
        "{who} lost the ordinary environment:\n{env}"
    );
    for (name, value) in HIDDEN {
        assert!(!env.contains(name), "{who} sees {name}:\n{env}");
        assert!(
            !env.contains(value),
            "{who} sees the value of {name}:\n{env}"
        );
    }
}

/// Waits until `path` holds a complete `env` listing (it ends with a newline and stops growing).
async fn read_when_written(path: &Path) -> String {
    let until = Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    loop {
        let now = std::fs::read_to_string(path).unwrap_or_default();
        if !now.is_empty() && now.ends_with('\n') && now == last {
            return now;
        }
        assert!(Instant::now() < until, "{} never written", path.display());
        last = now;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn no_child_sees_the_servers_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let work = repo(dir.path());
    // One turn: codex runs `env > env.txt` in the project, then answers.
    let model = FakeModel::start(
        dir.path(),
        json!([{"shell": "env > codex-env.txt"}, {"text": "done"}]),
    );
    let home = model.codex_home(dir.path());
    let mut cmd = common::codex_server_command(&dir.path().join("state"), &home);
    cmd.arg("--cwd")
        .arg(dir.path())
        .env_remove("T3CODE_NO_AUTH");
    for (name, value) in HIDDEN.iter().chain([&VISIBLE]) {
        cmd.env(name, value);
    }
    let server = Server::start_command(cmd);
    // The static token (v0.0.4's `?token=`) admits this client.
    let mut c = Client::connect(&server.url(&format!("/?token={SECRET}"))).await;
    c.welcome().await;

    // A terminal shell.
    let shell_env = dir.path().join("terminal-env.txt");
    ok(
        &mut c,
        json!({"_tag": "terminal.open", "threadId": "t0", "terminalId": "default",
               "cwd": dir.path().to_string_lossy(), "cols": 100, "rows": 30}),
    )
    .await;
    ok(
        &mut c,
        json!({"_tag": "terminal.write", "threadId": "t0", "terminalId": "default",
               "data": format!("env > {}.tmp && mv {0}.tmp {0}\n", shell_env.display())}),
    )
    .await;
    assert_clean("a terminal shell", &read_when_written(&shell_env).await);

    // A worktree setup script.
    project_with_scripts(&mut c, &work, vec![script("Env", "env > env.txt")]).await;
    let created = ok(
        &mut c,
        json!({"_tag": "git.createWorktree", "cwd": work.to_string_lossy(), "branch": "main",
               "newBranch": "wt-env", "path": null}),
    )
    .await;
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    let script_env = std::fs::read_to_string(wt.join("env.txt")).unwrap();
    assert_clean("a setup script", &script_env);

    // A command codex runs (full access: no approval to answer).
    ok(
        &mut c,
        dispatch(
            json!({"type": "thread.create", "commandId": "c-t", "threadId": "t1",
            "projectId": "p", "title": "T", "model": "gpt-5.4",
            "runtimeMode": "full-access", "interactionMode": "default",
            "branch": null, "worktreePath": null, "createdAt": NOW}),
        ),
    )
    .await;
    ok(
        &mut c,
        dispatch(
            json!({"type": "thread.turn.start", "commandId": "turn-1", "threadId": "t1",
            "message": {"messageId": "m1", "role": "user", "text": "print the environment",
                        "attachments": []},
            "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW}),
        ),
    )
    .await;
    let codex_env = read_when_written(&work.join("codex-env.txt")).await;
    assert_clean("a command codex runs", &codex_env);
    drop(model);
}

#[tokio::test]
async fn a_codex_exec_that_hangs_ends_at_its_deadline_and_the_commit_uses_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let work = repo(dir.path());
    // The model answers one slow event every 30 s, so `codex exec` would wait for minutes.
    let model = FakeModel::start(
        dir.path(),
        json!([{"text": "Too late", "chunks": 4, "delay_ms": 30000}]),
    );
    let home = model.codex_home(dir.path());
    let config = dir.path().join("t3rs.toml");
    std::fs::write(&config, "[process_deadlines]\ncodex_exec_secs = 2\n").unwrap();
    let mut cmd = common::codex_server_command(&dir.path().join("state"), &home);
    cmd.arg("--cwd")
        .arg(dir.path())
        .arg("--config")
        .arg(&config);
    let server = Server::start_command(cmd);
    let mut c = Client::connect(&server.url("/ws")).await;
    c.welcome().await;
    std::fs::write(work.join("greeting.txt"), "hi\n").unwrap();
    let started = Instant::now();
    let v = c
        .request(
            json!({"_tag": "git.runStackedAction", "cwd": work.to_string_lossy(),
                        "action": "commit"}),
        )
        .await;
    let took = started.elapsed();
    let subject = v["result"]["commit"]["subject"]
        .as_str()
        .unwrap_or_default();
    assert!(!subject.is_empty(), "{v}");
    let why = server
        .stderr()
        .lines()
        .filter(|l| l.contains("instead of codex"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(why.contains("codex exec did not finish within 2s"), "{why}");
    assert!(took >= Duration::from_secs(2), "answered after {took:?}");
    assert!(took < Duration::from_secs(8), "answered after {took:?}");
    // Nothing of that codex exec (it ran with `-C <work>`) is left.
    let work_path = work.to_string_lossy().into_owned();
    let until = Instant::now() + Duration::from_secs(2);
    let left = loop {
        let out = Command::new("pgrep")
            .args(["-a", "-f", &work_path])
            .output()
            .unwrap();
        let left: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("exec"))
            .map(str::to_string)
            .collect();
        if left.is_empty() || Instant::now() > until {
            break left;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(left.is_empty(), "left running: {left:?}");
    eprintln!("a hanging codex exec gave way to a summary after {took:?} ({subject:?})");
    drop(model);
}
