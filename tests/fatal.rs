//! Faults a supervisor cannot mend end the process with a failure code and the reason, so the
//! service manager starts it afresh (instead of answering `ChildUnavailable` for ever).
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{Client, Server};
use serde_json::json;

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn project_create(command_id: &str, project_id: &str, title: &str) -> serde_json::Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": {
        "type": "project.create", "commandId": command_id, "projectId": project_id,
        "title": title, "workspaceRoot": "/tmp", "createdAt": NOW}})
}

/// A failed write leaves sled unable to write through its handle, and an Engine restarted on it
/// would read the lost batch back from sled's memory; so the process exits 75 (EX_TEMPFAIL)
/// within a liveness bound, naming the reason, for the service manager to start it afresh. Here
/// every large write fails (sled's blob directory is a file) and every reload would fail too
/// (the snapshots are directories), which before made the Engine's supervisor give up (70).
#[tokio::test]
async fn a_store_that_cannot_write_exits_the_process_75() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // A first run leaves a snapshot behind (the final checkpoint at shutdown).
    {
        let server = Server::start(&state);
        let mut client = Client::connect(&server.url("/")).await;
        let v = client.request(project_create("c0", "p0", "first")).await;
        assert!(v["result"]["sequence"].is_u64(), "{v}");
        assert!(server.stop().success());
    }
    let snapshots: Vec<_> = std::fs::read_dir(state.join("snapshots"))
        .expect("snapshots dir")
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!snapshots.is_empty(), "the first run wrote no snapshot");

    let mut server = common::ServerBuilder::new(&state)
        .arg("--max-message-bytes")
        .arg("8388608")
        .start();
    let mut client = Client::connect(&server.url("/")).await;
    // Every reload from disk now fails.
    for snapshot in &snapshots {
        std::fs::remove_file(snapshot).unwrap();
        std::fs::create_dir(snapshot).unwrap();
    }
    // Every large write now fails.
    let blobs = state.join("db").join("blobs");
    let _ = std::fs::remove_dir_all(&blobs);
    std::fs::write(&blobs, b"not a directory").unwrap();

    let big = "x".repeat(1 << 20);
    // Large commands until the process ends; the connection going away is the expected end.
    let sender = tokio::spawn(async move {
        for n in 1.. {
            let request = project_create(&format!("big-{n}"), &format!("p{n}"), &big);
            let _ = tokio::time::timeout(Duration::from_millis(500), client.request(request)).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let started = Instant::now();
    while !exited(server.pid()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server still runs 30 s after its engine's failures; stderr:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sender.abort();
    let (status, _) = server.wait_exit();
    let stderr = server.stderr();
    assert!(!status.success(), "exit status {status}; stderr:\n{stderr}");
    assert_eq!(status.code(), Some(75), "stderr:\n{stderr}");
    assert!(
        stderr.contains("the event store cannot write") && stderr.contains("Not a directory"),
        "stderr does not name the reason:\n{stderr}"
    );
}

/// An Engine that panics on a command is restarted from disk; when every restart panics too,
/// its supervisor gives up, and the process exits 70 naming the reason (failpoints
/// `engine-dispatch` and `engine-started`).
#[tokio::test]
async fn an_engine_give_up_exits_the_process_70() {
    if !cfg!(feature = "failpoints") {
        eprintln!("skipped: the binary was built without the `failpoints` feature");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut command = common::base_command(&dir.path().join("state"));
    command.arg("--auto-bootstrap-project-from-cwd=false").env(
        "FAILPOINTS",
        "engine-dispatch=panic;engine-started=1*off->panic",
    );
    let mut server = Server::start_command(command);
    let mut client = Client::connect(&server.url("/")).await;
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        client.request(project_create("c1", "p1", "doomed")),
    )
    .await;
    let started = Instant::now();
    while !exited(server.pid()) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server still runs 60 s after its engine's panics; stderr:\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, _) = server.wait_exit();
    let stderr = server.stderr();
    assert_eq!(status.code(), Some(70), "stderr:\n{stderr}");
    assert!(
        stderr.contains("engine is down for good"),
        "stderr does not name the reason:\n{stderr}"
    );
}

/// The process has ended (a zombie awaiting its parent's wait) or is gone.
fn exited(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => true,
    }
}
