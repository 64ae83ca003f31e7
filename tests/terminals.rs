//! End-to-end tests of terminals: real bash in a real pty, driven over the real WebSocket.

mod common;

use std::time::{Duration, Instant};

use common::{Client, Server, ServerBuilder, DEADLINE};
use serde_json::{json, Value};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A server whose terminals run a plain bash, whatever the developer's $SHELL is.
fn start(dir: &std::path::Path) -> Server {
    let mut cmd = common::base_command(&dir.join("state"));
    // Terminals open below `dir`, so requests may name it.
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(dir)
        .env("SHELL", "/bin/bash")
        .env("HOME", dir)
        .env("PS1", "$ ");
    Server::start_command(cmd)
}

async fn connected(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

fn open(cwd: &std::path::Path, terminal: &str) -> Value {
    json!({"_tag": "terminal.open", "threadId": "t1", "terminalId": terminal, "cwd": cwd.to_string_lossy(), "cols": 100, "rows": 30})
}

fn write(terminal: &str, data: &str) -> Value {
    json!({"_tag": "terminal.write", "threadId": "t1", "terminalId": terminal, "data": data})
}

/// Reads terminal events until `done` accepts one; returns all output seen and that event.
async fn until(client: &mut Client, mut done: impl FnMut(&Value, &str) -> bool) -> (String, Value) {
    let mut output = String::new();
    loop {
        let v = client.next_json().await;
        if v["channel"] != "terminal.event" {
            continue;
        }
        let event = v["data"].clone();
        if std::env::var_os("T3RS_TEST_DEBUG").is_some() {
            eprintln!("event: {event}");
        }
        if event["type"] == "output" {
            output.push_str(event["data"].as_str().unwrap_or_default());
        }
        if done(&event, &output) {
            return (output, event);
        }
    }
}

async fn output_containing(client: &mut Client, needle: &str) -> String {
    until(client, |_, out| out.contains(needle)).await.0
}

fn alive(pid: i64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

/// Waits (bounded) until the process is gone; a shell has no event for "fully reaped".
async fn gone(pid: i64) -> bool {
    let deadline = Instant::now() + DEADLINE;
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

#[tokio::test]
async fn echo_resize_clear_restart_and_exit_code() {
    let dir = temp();
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let snapshot = c.request(open(dir.path(), "default")).await["result"].clone();
    assert_eq!(snapshot["status"], "running", "{snapshot}");
    assert_eq!(snapshot["threadId"], "t1");
    let first_pid = snapshot["pid"].as_i64().unwrap();

    c.request(write("default", "echo h''i\r")).await;
    output_containing(&mut c, "hi\r\n").await;

    let v = c.request(json!({"_tag": "terminal.resize", "threadId": "t1", "terminalId": "default", "cols": 77, "rows": 22})).await;
    assert!(v.get("error").is_none(), "{v}");
    c.request(write("default", "stty size\r")).await;
    output_containing(&mut c, "22 77").await;

    c.request(json!({"_tag": "terminal.clear", "threadId": "t1", "terminalId": "default"}))
        .await;
    let (_, cleared) = until(&mut c, |e, _| e["type"] == "cleared").await;
    assert_eq!(cleared["terminalId"], "default");
    let reopened = c.request(open(dir.path(), "default")).await["result"].clone();
    assert!(
        !reopened["history"].as_str().unwrap().contains("22 77"),
        "{reopened}"
    );

    let restarted = c
        .request(json!({"_tag": "terminal.restart", "threadId": "t1", "cwd": dir.path().to_string_lossy(), "cols": 80, "rows": 24}))
        .await["result"]
        .clone();
    let second_pid = restarted["pid"].as_i64().unwrap();
    assert_ne!(first_pid, second_pid);
    let (_, event) = until(&mut c, |e, _| e["type"] == "restarted").await;
    assert_eq!(event["snapshot"]["pid"], json!(second_pid));
    assert!(
        gone(first_pid).await,
        "the old shell {first_pid} survived the restart"
    );

    c.request(write("default", "exit 3\r")).await;
    let (_, exited) = until(&mut c, |e, _| e["type"] == "exited").await;
    assert_eq!(exited["exitCode"], 3);
    assert_eq!(exited["exitSignal"], Value::Null);
    let err = c.request(write("default", "ls\r")).await;
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("has exited with code 3"), "{message}");
}

#[tokio::test]
async fn history_survives_reopen_and_server_restart() {
    let dir = temp();
    let server = start(dir.path());
    let mut c = connected(&server).await;
    c.request(open(dir.path(), "keep")).await;
    c.request(write("keep", "echo marker-$((6*7))\r")).await;
    output_containing(&mut c, "marker-42").await;
    let again = c.request(open(dir.path(), "keep")).await["result"].clone();
    assert!(again["history"].as_str().unwrap().contains("marker-42"));
    drop(c);
    assert!(server.stop().success());

    let server = start(dir.path());
    let mut c = connected(&server).await;
    let after = c.request(open(dir.path(), "keep")).await["result"].clone();
    assert_eq!(after["status"], "running");
    assert!(
        after["history"].as_str().unwrap().contains("marker-42"),
        "{after}"
    );
}

#[tokio::test]
async fn no_shell_outlives_close_or_shutdown() {
    let dir = temp();
    let mut server = start(dir.path());
    let mut c = connected(&server).await;
    let pid = c.request(open(dir.path(), "a")).await["result"]["pid"]
        .as_i64()
        .unwrap();
    // A background job in the shell's group must go too.
    c.request(write("a", "sleep 300 & echo bg:$!:\r")).await;
    // The echoed command line shows "bg:$!:"; the job's pid appears only in the output.
    let find = |out: &str| {
        out.split("bg:")
            .filter_map(|s| s.split(':').next()?.parse::<i64>().ok())
            .next()
    };
    let (out, _) = until(&mut c, |_, out| find(out).is_some()).await;
    let bg = find(&out).unwrap();
    let v = c
        .request(json!({"_tag": "terminal.close", "threadId": "t1", "terminalId": "a"}))
        .await;
    assert!(v.get("error").is_none(), "{v}");
    assert!(
        gone(pid).await && gone(bg).await,
        "shell {pid} or job {bg} survived close"
    );

    let pid = c.request(open(dir.path(), "b")).await["result"]["pid"]
        .as_i64()
        .unwrap();
    server.signal(15);
    assert!(server.wait_exit().0.success());
    assert!(gone(pid).await, "shell {pid} survived shutdown");
}

#[tokio::test]
async fn bad_terminal_input_is_named() {
    let dir = temp();
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let cwd = dir.path().to_string_lossy().to_string();
    // Missing, but where a terminal may open (a cwd outside every project is refused before
    // its existence is looked at: tests/security.rs).
    let missing = format!("{cwd}/no/such/dir");
    let missing_refused = format!("Terminal cwd does not exist: {missing}");
    let cases = vec![
        (
            json!({"_tag": "terminal.write", "threadId": "t1", "terminalId": "nope", "data": "x"}),
            "Unknown terminal thread: t1, terminal: nope",
        ),
        (
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": cwd, "cols": 19}),
            "body.cols: must be an integer from 20 to 400",
        ),
        (
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": cwd, "rows": 201}),
            "body.rows: must be an integer from 5 to 200",
        ),
        (
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": missing}),
            missing_refused.as_str(),
        ),
        (
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": cwd, "env": {"1BAD": "x"}}),
            "body.env.1BAD",
        ),
        (
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": cwd, "env": {"OK": "x".repeat(8193)}}),
            "body.env.OK: values are at most 8192",
        ),
        (
            json!({"_tag": "terminal.open", "threadId": " ", "cwd": cwd}),
            "body.threadId",
        ),
        (
            json!({"_tag": "terminal.write", "threadId": "t1", "data": ""}),
            "body.data: must be 1 to 65536 characters",
        ),
        (
            json!({"_tag": "terminal.write", "threadId": "t1", "data": "x".repeat(65_537)}),
            "body.data: must be 1 to 65536 characters, got 65537",
        ),
        (
            json!({"_tag": "terminal.resize", "threadId": "t1", "cols": 80}),
            "body.rows: missing",
        ),
    ];
    for (body, expected) in cases {
        let v = c.request(body.clone()).await;
        let message = v["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}: {v}"));
        assert!(message.contains(expected), "{body}: {message}");
    }
    for i in 0..16 {
        let v = c.request(open(dir.path(), &format!("term{i}"))).await;
        assert!(v.get("error").is_none(), "{v}");
    }
    let v = c.request(open(dir.path(), "one-too-many")).await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the limit is 16"),
        "{v}"
    );
}

#[tokio::test]
async fn deleting_a_thread_closes_its_terminals_and_drops_their_history() {
    let dir = temp();
    let server = start(dir.path());
    let mut c = connected(&server).await;
    let now = "2026-01-01T00:00:00.000Z";
    for command in [
        json!({"type": "project.create", "commandId": "c1", "projectId": "p1", "title": "p", "workspaceRoot": "/tmp", "createdAt": now}),
        json!({"type": "thread.create", "commandId": "c2", "threadId": "t1", "projectId": "p1", "title": "t", "model": "gpt-5.4", "runtimeMode": "full-access", "interactionMode": "default", "branch": null, "worktreePath": null, "createdAt": now}),
    ] {
        let v = c
            .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
            .await;
        assert!(v["result"]["sequence"].is_u64(), "{v}");
    }
    let pid = c.request(open(dir.path(), "default")).await["result"]["pid"]
        .as_i64()
        .unwrap();
    c.request(write("default", "echo before-delete\r")).await;
    output_containing(&mut c, "before-delete\r\n").await;
    let v = c
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": {"type": "thread.delete", "commandId": "c3", "threadId": "t1"}}))
        .await;
    assert!(v["result"]["sequence"].is_u64(), "{v}");
    assert!(
        gone(pid).await,
        "shell {pid} survived the thread's deletion"
    );
    let reopened = c.request(open(dir.path(), "default")).await["result"].clone();
    assert!(
        !reopened["history"]
            .as_str()
            .unwrap()
            .contains("before-delete"),
        "{reopened}"
    );
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_to_a_slow_client_leaves_memory_bounded() {
    let dir = temp();
    let server = start(dir.path());
    let pid = server.pid();
    let done = dir.path().join("flood-done");
    // The slow client opens the terminal, starts the flood, then reads nothing until the end.
    let mut slow = connected(&server).await;
    slow.request(open(dir.path(), "flood")).await;
    let idle = rss_kib(pid);
    let command = format!(
        "head -c 50000000 /dev/zero | base64; touch {}\r",
        done.display()
    );
    slow.request(write("flood", &command)).await;

    // The shell marks the end in the file system, so no second reader has to keep up.
    let started = Instant::now();
    let mut peak = idle;
    while !done.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the flood never finished"
        );
        peak = peak.max(rss_kib(pid));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    peak = peak.max(rss_kib(pid));
    eprintln!(
        "flood: idle RSS {idle} KiB, peak {peak} KiB, {:?}",
        started.elapsed()
    );
    // 8 MiB of unwritten pushes for the one connection, 1 MiB of history, working buffers.
    assert!(
        peak < idle + 48 * 1024,
        "RSS grew from {idle} KiB to {peak} KiB"
    );
    // The slow client was let go with a reason rather than buffered without end.
    assert_eq!(slow.close_code().await, Some(1008));
    // And the terminal itself is fine: its history holds the tail of the flood.
    let mut fresh = connected(&server).await;
    let snapshot = fresh.request(open(dir.path(), "flood")).await["result"].clone();
    let history = snapshot["history"].as_str().unwrap();
    assert!(
        history.len() > 512 * 1024 && history.len() <= 1024 * 1024,
        "{}",
        history.len()
    );
    assert!(history.contains("AAAA"));
}

#[tokio::test]
async fn builder_is_usable_for_terminal_servers() {
    // Terminals work on a server started the common way too (bootstrap on, default flags).
    let dir = temp();
    // --cwd: terminals may open only in a project, a t3rs worktree or the server's folder.
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--cwd")
        .arg(dir.path().to_string_lossy())
        .start();
    let mut c = connected(&server).await;
    let v = c.request(open(dir.path(), "plain")).await;
    assert_eq!(v["result"]["status"], "running", "{v}");
}

#[tokio::test]
async fn activity_reports_a_running_command() {
    let dir = temp();
    let server = start(dir.path());
    let mut c = connected(&server).await;
    c.request(open(dir.path(), "busy")).await;
    c.request(write("busy", "sleep 2\r")).await;
    let (_, busy) = until(&mut c, |e, _| e["type"] == "activity").await;
    assert_eq!(busy["hasRunningSubprocess"], true);
    let (_, idle) = until(&mut c, |e, _| e["type"] == "activity").await;
    assert_eq!(idle["hasRunningSubprocess"], false);
}
