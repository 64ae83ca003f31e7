//! A full disk, for real: the state directory is a small tmpfs (CI runs as root, where mounting
//! works), filled by a file until the kernel says ENOSPC, then freed. Where mounting is refused
//! the tests say so and pass without having exercised anything.
#![allow(clippy::disallowed_methods)] // the tests mount, fill and run the binary directly

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Client, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const RESERVE: u64 = 8 * 1024 * 1024;

/// A tmpfs mounted on a temp dir, unmounted when dropped.
struct SmallDisk {
    _dir: tempfile::TempDir,
    mount: PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mount = dir.path().join("state");
        std::fs::create_dir(&mount).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={megabytes}m,mode=0700"))
            .arg("tmpfs")
            .arg(&mount)
            .output()
            .ok()?;
        if !mounted.status.success() {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs ({}); the real ENOSPC was not exercised",
                String::from_utf8_lossy(&mounted.stderr).trim()
            );
            return None;
        }
        Some(SmallDisk { _dir: dir, mount })
    }

    fn path(&self) -> &Path {
        &self.mount
    }

    /// Writes a file until the filesystem has no block left.
    fn fill(&self) {
        let mut file = std::fs::File::create(self.mount.join("fill")).expect("fill file");
        for chunk in [1 << 20, 4096, 1] {
            let bytes = vec![1u8; chunk];
            while file.write_all(&bytes).and_then(|_| file.flush()).is_ok() {}
        }
        let _ = file.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.mount.join("fill")).expect("remove the fill file");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

fn server(state: &Path, reserve: u64) -> Server {
    ServerBuilder::new(state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--disk-reserve-bytes")
        .arg(reserve.to_string())
        .start()
}

async fn connect(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

async fn dispatch(client: &mut Client, command: Value) -> Value {
    client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await
}

/// The reply to `command`, or None when the server closes the socket first.
async fn dispatch_or_close(client: &mut Client, command: Value) -> Option<Value> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let id = client
        .send(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await;
    loop {
        let frame = tokio::time::timeout(common::DEADLINE, client.ws.next())
            .await
            .expect("a reply or a close before the deadline");
        match frame {
            Some(Ok(Message::Text(text))) => {
                let v: Value = serde_json::from_str(&text).expect("JSON");
                if v["id"] == json!(id) {
                    return Some(v);
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

fn create_thread(command_id: &str, thread_id: &str) -> Value {
    json!({"type": "thread.create", "commandId": command_id, "threadId": thread_id,
           "projectId": "p1", "title": thread_id, "model": "gpt-5.4",
           "runtimeMode": "full-access", "interactionMode": "default", "branch": null,
           "worktreePath": null, "createdAt": NOW})
}

fn accepted(reply: &Value) -> bool {
    reply["result"]["sequence"].is_u64()
}

fn error_of(reply: &Value) -> String {
    reply["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error reply: {reply}"))
        .to_string()
}

async fn thread_ids(server: &Server) -> Vec<String> {
    let mut client = connect(server).await;
    let v = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    let mut ids: Vec<String> = v["result"]["threads"]
        .as_array()
        .unwrap_or_else(|| panic!("no snapshot: {v}"))
        .iter()
        .filter_map(|t| t["id"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

async fn seed_project(client: &mut Client) {
    let reply = dispatch(
        client,
        json!({"type": "project.create", "commandId": "c-p1", "projectId": "p1", "title": "p1",
               "workspaceRoot": "/tmp", "createdAt": NOW}),
    )
    .await;
    assert!(accepted(&reply), "{reply}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_makes_the_store_read_only_and_freeing_space_resumes_it() {
    let Some(disk) = SmallDisk::mount(48) else {
        return;
    };
    let running = server(disk.path(), RESERVE);
    let mut client = connect(&running).await;
    seed_project(&mut client).await;
    let reply = dispatch(&mut client, create_thread("c-before", "t-before")).await;
    assert!(accepted(&reply), "{reply}");

    disk.fill();
    for i in 0..5 {
        let reply = dispatch(
            &mut client,
            create_thread(&format!("c-full-{i}"), &format!("t-full-{i}")),
        )
        .await;
        let message = error_of(&reply);
        assert!(
            message.contains("read-only") && message.contains("no space left on device"),
            "{message}"
        );
        assert!(message.contains("free"), "{message}");
    }
    assert_eq!(thread_ids(&running).await, ["t-before"], "reads go on");
    let doctor = Command::new(env!("CARGO_BIN_EXE_t3rs"))
        .args(["doctor", "--codex-bin", "/bin/true", "--state-dir"])
        .arg(disk.path())
        .arg("--disk-reserve-bytes")
        .arg(RESERVE.to_string())
        .output()
        .expect("t3rs doctor");
    let said = String::from_utf8_lossy(&doctor.stdout).into_owned()
        + &String::from_utf8_lossy(&doctor.stderr);
    assert_eq!(doctor.status.code(), Some(1), "{said}");
    assert!(
        said.contains("FAIL") && said.contains("read-only"),
        "{said}"
    );
    let status = running.stop();
    assert!(
        status.success(),
        "SIGTERM on a full disk exits cleanly: {status:?}"
    );

    // Started on the still-full disk: it releases its reserve file and comes up read-only.
    let running = server(disk.path(), RESERVE);
    assert!(
        running.stderr().contains("space reserve file"),
        "{}",
        running.stderr()
    );
    assert_eq!(thread_ids(&running).await, ["t-before"]);
    let mut client = connect(&running).await;
    let reply = dispatch(&mut client, create_thread("c-full-late", "t-full-late")).await;
    assert!(error_of(&reply).contains("read-only"), "{reply}");

    // Space back: writes resume without a restart; a command refused while full was never
    // recorded, so its retry is applied now.
    disk.free();
    let reply = dispatch(&mut client, create_thread("c-after", "t-after")).await;
    assert!(accepted(&reply), "{reply}");
    let reply = dispatch(&mut client, create_thread("c-full-0", "t-full-0")).await;
    assert!(
        accepted(&reply),
        "a refused command was not recorded: {reply}"
    );
    assert!(
        disk.path().join("space-reserve").exists(),
        "the reserve file is written again once there is room"
    );
    assert!(running.stop().success());

    let running = server(disk.path(), RESERVE);
    assert_eq!(
        thread_ids(&running).await,
        ["t-after", "t-before", "t-full-0"],
        "exactly what was acknowledged"
    );
    assert!(running.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn enospc_inside_the_store_is_never_acknowledged_and_exits_75() {
    let Some(disk) = SmallDisk::mount(32) else {
        return;
    };
    // No reserve: the writes themselves meet the full disk.
    let mut running = server(disk.path(), 0);
    let mut client = connect(&running).await;
    seed_project(&mut client).await;
    disk.fill();
    let mut acknowledged = Vec::new();
    let mut refused = None;
    for i in 0..20_000 {
        let id = format!("t-{i:05}");
        match dispatch_or_close(&mut client, create_thread(&format!("c-{i}"), &id)).await {
            Some(reply) if accepted(&reply) => acknowledged.push(id),
            Some(reply) => {
                let message = error_of(&reply);
                assert!(message.contains("No space left on device"), "{message}");
                refused = Some(id);
                break;
            }
            // The server closed the socket on its way out before the refusal reached it:
            // unacknowledged all the same.
            None => {
                refused = Some(id);
                break;
            }
        }
    }
    let refused_id = refused.expect("the full disk refused a write");
    eprintln!(
        "{} commands acknowledged on the full disk before a write failed",
        acknowledged.len()
    );
    let (status, _) = running.wait_exit();
    assert_eq!(status.code(), Some(75), "{}", running.stderr());
    assert!(
        running.stderr().contains("cannot write"),
        "{}",
        running.stderr()
    );
    drop(running);

    disk.free();
    let running = server(disk.path(), 0);
    let ids = thread_ids(&running).await;
    assert_eq!(
        ids, acknowledged,
        "every acknowledged command, and nothing else"
    );
    assert!(!ids.contains(&refused_id));
    let mut client = connect(&running).await;
    let reply = dispatch(&mut client, create_thread("c-later", "t-later")).await;
    assert!(accepted(&reply), "{reply}");
    assert!(running.stop().success());
}
