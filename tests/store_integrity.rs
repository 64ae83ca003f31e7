//! Store integrity against the real binary: checksummed snapshots (a flipped bit is not served),
//! a lost log next to snapshots (exit 78, `t3rs doctor --rebuild-from-snapshot`), damage early
//! in the log found by the verifier beside start-up (writes refused), and `t3rs doctor`'s report
//! and exit status.
#![allow(clippy::disallowed_methods)] // the tests run the binary and a fake codex directly

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Client, Server, ServerBuilder, DEADLINE};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const TITLE: &str = "MARKER-TITLE-7f3a";

fn server(state: &Path) -> Server {
    ServerBuilder::new(state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
}

async fn dispatch(client: &mut Client, command: Value) -> u64 {
    let v = client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await;
    v["result"]["sequence"]
        .as_u64()
        .unwrap_or_else(|| panic!("dispatch failed: {v}"))
}

/// A project and a thread titled [`TITLE`]; returns the last sequence.
async fn seed(server: &Server) -> u64 {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    dispatch(
        &mut client,
        json!({"type": "project.create", "commandId": "c1", "projectId": "p1", "title": "p1",
               "workspaceRoot": "/tmp", "createdAt": NOW}),
    )
    .await;
    dispatch(
        &mut client,
        json!({"type": "thread.create", "commandId": "c2", "threadId": "t1", "projectId": "p1",
               "title": TITLE, "model": "gpt-5.4", "runtimeMode": "full-access",
               "interactionMode": "default", "branch": null, "worktreePath": null,
               "createdAt": NOW}),
    )
    .await
}

async fn thread_title(server: &Server) -> Option<String> {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let v = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    v["result"]["threads"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .find(|t| t["id"] == "t1")
        .and_then(|t| t["title"].as_str().map(str::to_string))
}

fn newest_snapshot(state: &Path) -> (u64, PathBuf) {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(state.join("snapshots"))
        .expect("snapshots dir")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            Some((name.strip_suffix(".json")?.parse().ok()?, e.path()))
        })
        .collect();
    files.sort();
    files.pop().expect("a snapshot")
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("marker in the snapshot")
}

/// Runs the binary to completion (killed and failed after the deadline).
fn run(args: &[&str], state: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_t3rs"));
    cmd.args(args)
        .arg("--state-dir")
        .arg(state)
        .env_remove("T3CODE_STATE_DIR")
        .env_remove("T3CODE_CONFIG")
        .env_remove("T3CODE_PORT")
        .env("T3CODE_CODEX_BIN", "/nonexistent/t3rs-test-codex")
        .env("T3CODE_NO_AUTH", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn t3rs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "t3rs {args:?} did not exit; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn fake_codex(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("codex");
    std::fs::write(&path, "#!/bin/sh\necho 'codex-cli 0.0.0-test'\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn a_snapshot_with_one_flipped_bit_is_not_served_and_the_log_is_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let first = server(&state);
    seed(&first).await;
    assert!(first.stop().success());
    let (_, path) = newest_snapshot(&state);
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with(b"t3rs-snapshot v1 "),
        "no checksum header"
    );
    let at = find(&bytes, TITLE.as_bytes());
    bytes[at] ^= 0x01; // 'M' → 'L': still valid JSON
    std::fs::write(&path, &bytes).unwrap();

    let second = server(&state);
    assert_eq!(thread_title(&second).await.as_deref(), Some(TITLE));
    let log = second.stderr();
    assert!(
        log.contains("is not used: its checksum does not match"),
        "no warning about the damaged snapshot:\n{log}"
    );
    assert!(second.stop().success());
}

#[tokio::test]
async fn a_snapshot_without_a_checksum_is_not_trusted_and_the_log_is_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let first = server(&state);
    seed(&first).await;
    assert!(first.stop().success());
    let (_, path) = newest_snapshot(&state);
    let bytes = std::fs::read(&path).unwrap();
    let body_at = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    // As an earlier t3rs wrote it (no header), and different from the log.
    let mut legacy = bytes[body_at..].to_vec();
    let at = find(&legacy, TITLE.as_bytes());
    legacy[at] = b'L';
    std::fs::write(&path, &legacy).unwrap();

    let second = server(&state);
    assert_eq!(thread_title(&second).await.as_deref(), Some(TITLE));
    let log = second.stderr();
    assert!(log.contains("has no checksum"), "{log}");
    assert!(second.stop().success());
}

#[tokio::test]
async fn a_removed_log_beside_snapshots_exits_78_and_doctor_rebuilds_from_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let first = server(&state);
    let last = seed(&first).await;
    assert!(first.stop().success());
    let (sequence, _) = newest_snapshot(&state);
    assert_eq!(sequence, last);
    std::fs::remove_dir_all(state.join("db")).unwrap();

    for _ in 0..2 {
        // The second start finds the empty db/ the first one left: refused the same way.
        let out = run(&["--port", "0", "--no-browser"], &state);
        assert_eq!(out.status.code(), Some(78), "{}", text(&out));
        let said = text(&out);
        assert!(said.contains(&format!("at sequence {sequence}")), "{said}");
        assert!(said.contains("doctor --rebuild-from-snapshot"), "{said}");
    }
    assert_eq!(newest_snapshot(&state).0, sequence, "snapshots kept");

    let out = run(&["doctor"], &state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("refuses to start (exit 78)"),
        "{}",
        text(&out)
    );

    let out = run(&["doctor", "--rebuild-from-snapshot"], &state);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("starts at sequence {sequence}")));

    let second = server(&state);
    assert_eq!(thread_title(&second).await.as_deref(), Some(TITLE));
    let mut client = Client::connect(&second.url("/ws")).await;
    client.welcome().await;
    let next = dispatch(
        &mut client,
        json!({"type": "thread.meta.update", "commandId": "c3", "threadId": "t1",
               "title": "renamed"}),
    )
    .await;
    assert_eq!(next, sequence + 1);
    assert!(second.stop().success());
    let third = server(&state);
    assert_eq!(thread_title(&third).await.as_deref(), Some("renamed"));
    assert!(third.stop().success());
}

#[tokio::test]
async fn doctor_reports_health_and_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let codex = fake_codex(dir.path());
    let codex = codex.to_str().unwrap();
    let running = server(&state);
    seed(&running).await;

    let out = run(&["doctor", "--codex-bin", codex], &state);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("holds the lock"), "{said}");
    let out = run(&["doctor", "--rebuild-from-snapshot"], &state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("stop it first"), "{}", text(&out));
    assert!(running.stop().success());

    let out = run(&["doctor", "--codex-bin", codex], &state);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    for expected in [
        "mode 0700",
        "lock free",
        "event log readable: 2 events",
        "checksum ok",
        "codex-cli 0.0.0-test",
        "healthy",
    ] {
        assert!(said.contains(expected), "{expected:?} missing:\n{said}");
    }

    let out = run(&["doctor", "--codex-bin", "/nonexistent/codex"], &state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("/nonexistent/codex not found"),
        "{}",
        text(&out)
    );

    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = run(&["doctor", "--codex-bin", codex], &state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("mode 0755"),
        "{}",
        text(&out)
    );
}

/// Every file beneath `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Flips one bit of the marker's first byte wherever it is stored under `db`; returns how many
/// copies were damaged. 'M' → 'L' keeps the JSON valid: only sled's checksums can tell.
fn damage_marker(db: &Path, marker: &[u8]) -> usize {
    let mut copies = 0;
    for path in files_under(db) {
        let mut bytes = std::fs::read(&path).unwrap();
        let mut at = 0;
        let mut hit = false;
        while let Some(p) = bytes[at..].windows(marker.len()).position(|w| w == marker) {
            bytes[at + p] ^= 0x01;
            copies += 1;
            hit = true;
            at += p + marker.len();
        }
        if hit {
            std::fs::write(&path, &bytes).unwrap();
        }
    }
    copies
}

/// Renames t1 `count` times with long titles, many commands in flight: megabytes of log after
/// the thread's creation, so sled has moved on to later segments.
async fn rename_many(server: &Server, count: usize) {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let padding = "x".repeat(4_000);
    for chunk in 0..count / 50 {
        let mut ids = Vec::new();
        for i in 0..50 {
            let n = chunk * 50 + i;
            let command = json!({"type": "thread.meta.update", "commandId": format!("r{n}"),
                                 "threadId": "t1", "title": format!("renamed {n} {padding}")});
            ids.push(
                client
                    .send(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
                    .await,
            );
        }
        // Answers may come in any order; pushes are skipped.
        let mut waiting: std::collections::HashSet<String> = ids.into_iter().collect();
        while !waiting.is_empty() {
            let v = client.next_json().await;
            if let Some(id) = v["id"].as_str() {
                if waiting.remove(id) {
                    assert!(v["result"]["sequence"].is_u64(), "rename failed: {v}");
                }
            }
        }
    }
}

#[tokio::test]
async fn damage_early_in_the_log_is_found_beside_start_up_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let first = server(&state);
    seed(&first).await; // the thread.create event (sequence 2) holds TITLE
    rename_many(&first, 600).await;
    assert!(first.stop().success());
    // One start and stop more: sled writes its own snapshot when it opens, so the thread's
    // creation is now behind it and not re-read by sled's recovery.
    assert!(server(&state).stop().success());
    let (snapshot, _) = newest_snapshot(&state);
    assert!(
        snapshot > 600,
        "the marker's event is outside the replayed tail"
    );
    let copies = damage_marker(&state.join("db"), TITLE.as_bytes());
    assert!(copies >= 1, "the marker is not in db/");

    let damaged = server(&state);
    let mut client = Client::connect(&damaged.url("/ws")).await;
    client.welcome().await;
    let deadline = Instant::now() + DEADLINE;
    let mut n = 0;
    let refusal = loop {
        n += 1;
        let command = json!({"type": "thread.meta.update", "commandId": format!("after{n}"),
                             "threadId": "t1", "title": "after"});
        let v = client
            .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
            .await;
        if let Some(message) = v["error"]["message"].as_str() {
            break message.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "writes were never refused:\n{}",
            damaged.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(refusal.contains("t3rs doctor"), "{refusal}");
    assert!(refusal.contains("damaged"), "{refusal}");
    let v = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    assert!(v["result"]["threads"].is_array(), "reads still work: {v}");
    assert!(damaged.stderr().contains("event log is damaged"));
    assert!(damaged.stop().success());

    let out = run(&["doctor", "--codex-bin", "/bin/true"], &state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("event log damaged"), "{}", text(&out));
}
