//! What a client may reach, end to end against the real binary: confined writes under a
//! symlink-swap race, `cwd`s outside every project, lone surrogates, refused uploads.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git) directly

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use common::{Client, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn start(state: &Path) -> Server {
    ServerBuilder::new(state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
}

async fn connected(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

async fn ok(client: &mut Client, command: Value) -> u64 {
    let v = client.request(dispatch(command)).await;
    v["result"]["sequence"]
        .as_u64()
        .unwrap_or_else(|| panic!("dispatch failed: {v}"))
}

async fn create_project(client: &mut Client, id: &str, root: &Path) {
    ok(
        client,
        json!({"type": "project.create", "commandId": format!("c-{id}"), "projectId": id,
               "title": id, "workspaceRoot": root.to_string_lossy(), "createdAt": NOW}),
    )
    .await;
}

fn thread_create(command_id: &str, thread_id: &str, title: &str) -> Value {
    json!({"type": "thread.create", "commandId": command_id, "threadId": thread_id,
           "projectId": "p1", "title": title, "model": "gpt-5.4",
           "runtimeMode": "full-access", "interactionMode": "default",
           "branch": null, "worktreePath": null, "createdAt": NOW})
}

/// Every file below `dir`, recursively, not following symlinks.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                found.push(entry.path());
            }
        }
    }
    found
}

#[derive(Clone, Copy, Debug)]
enum Swap {
    /// `rm -r dir; ln -s outside dir`, then back.
    RemoveAndCreate,
    /// One renameat2(RENAME_EXCHANGE) of the directory and a prepared symlink, both ways.
    AtomicExchange,
}

/// 1,000 `projects.writeFile` over one socket, 20 in flight, while a thread swaps `sub` (inside
/// the root) for a symlink to a directory outside. Returns (successes, errors, swaps).
async fn race(swap: Swap) -> (usize, usize, u64) {
    const WRITES: usize = 1_000;
    const IN_FLIGHT: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    let sub = root.join("sub");
    let alt = root.join("alt");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    if let Swap::AtomicExchange = swap {
        std::os::unix::fs::symlink(&outside, &alt).unwrap();
    }
    let server = start(&dir.path().join("state"));
    let mut client = connected(&server).await;
    create_project(&mut client, "p1", &root).await;

    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicU64::new(0));
    let swapper = {
        let (stop, swaps, sub, alt, outside) = (
            stop.clone(),
            swaps.clone(),
            sub.clone(),
            alt.clone(),
            outside.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match swap {
                    Swap::RemoveAndCreate => {
                        let _ = std::fs::remove_dir_all(&sub);
                        let _ = std::os::unix::fs::symlink(&outside, &sub);
                        std::thread::yield_now();
                        let _ = std::fs::remove_file(&sub);
                        let _ = std::fs::create_dir(&sub);
                    }
                    Swap::AtomicExchange => {
                        nix::fcntl::renameat2(
                            None,
                            &sub,
                            None,
                            &alt,
                            nix::fcntl::RenameFlags::RENAME_EXCHANGE,
                        )
                        .expect("renameat2(RENAME_EXCHANGE)");
                    }
                }
                swaps.fetch_add(1, Ordering::Relaxed);
                std::thread::yield_now();
            }
        })
    };

    let cwd = root.to_string_lossy().into_owned();
    let (mut successes, mut errors) = (0, 0);
    let mut next = 0;
    while next < WRITES {
        let batch = IN_FLIGHT.min(WRITES - next);
        let mut pending = std::collections::HashSet::new();
        for i in next..next + batch {
            // Half straight into `sub`, half into a directory created below it.
            let relative = if i % 2 == 0 {
                format!("sub/f{i}.txt")
            } else {
                format!("sub/deep{}/f{i}.txt", i % 7)
            };
            let id = client
                .send(json!({"_tag": "projects.writeFile", "cwd": cwd,
                             "relativePath": relative, "contents": format!("{i}\n")}))
                .await;
            pending.insert(id);
        }
        while !pending.is_empty() {
            let v = client.next_json().await;
            if v.get("type") == Some(&json!("push")) {
                continue;
            }
            let id = v["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{v}"))
                .to_string();
            assert!(pending.remove(&id), "an answer to nothing sent: {v}");
            if v.get("result").is_some() {
                successes += 1;
            } else {
                let message = v["error"]["message"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{v}"));
                assert!(!message.is_empty(), "{v}");
                errors += 1;
            }
        }
        next += batch;
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
    if std::fs::symlink_metadata(&sub)
        .unwrap()
        .file_type()
        .is_symlink()
    {
        nix::fcntl::renameat2(
            None,
            &sub,
            None,
            &alt,
            nix::fcntl::RenameFlags::RENAME_EXCHANGE,
        )
        .unwrap();
    }
    // Once the swapping stops (`sub` is a directory again), a write lands.
    let v = client
        .request(json!({"_tag": "projects.writeFile", "cwd": cwd,
                        "relativePath": "sub/after.txt", "contents": "x"}))
        .await;
    assert!(v.get("error").is_none(), "{v}");

    let escaped = files_below(&outside);
    assert!(
        escaped.is_empty(),
        "{swap:?}: written outside the root: {escaped:?}"
    );
    assert_eq!(
        successes + errors,
        WRITES,
        "{swap:?}: every write is answered"
    );
    // Every success is a file inside the root (each write had its own name); the removing
    // swapper deletes some of them again, so only the exchange can count them all.
    let inside = files_below(&root).len() - 1;
    match swap {
        Swap::AtomicExchange => assert_eq!(inside, successes, "{swap:?}"),
        Swap::RemoveAndCreate => assert!(inside <= successes, "{swap:?}"),
    }
    let swaps = swaps.load(Ordering::Relaxed);
    eprintln!("{swap:?}: {successes} written, {errors} refused, {swaps} swaps, 0 outside");
    (successes, errors, swaps)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_file_races_a_directory_swapped_for_a_symlink_by_remove_and_create() {
    let (successes, errors, swaps) = race(Swap::RemoveAndCreate).await;
    assert!(swaps > 10, "the swapper barely ran: {swaps}");
    assert_eq!(successes + errors, 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_file_races_a_directory_exchanged_atomically_with_a_symlink() {
    let (successes, errors, swaps) = race(Swap::AtomicExchange).await;
    assert!(swaps > 10, "the swapper barely ran: {swaps}");
    assert_eq!(successes + errors, 1_000);
}

#[tokio::test]
async fn every_method_that_takes_a_cwd_refuses_one_outside_every_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // Inside the project, through a symlink that leads out of it.
    std::os::unix::fs::symlink(&outside, project.join("exit")).unwrap();
    let server = start(&dir.path().join("state"));
    let mut client = connected(&server).await;
    create_project(&mut client, "p1", &project).await;

    let methods = |cwd: &str| {
        vec![
            json!({"_tag": "git.status", "cwd": cwd}),
            json!({"_tag": "git.pull", "cwd": cwd}),
            json!({"_tag": "git.listBranches", "cwd": cwd}),
            json!({"_tag": "git.createBranch", "cwd": cwd, "branch": "b"}),
            json!({"_tag": "git.checkout", "cwd": cwd, "branch": "b"}),
            json!({"_tag": "git.init", "cwd": cwd}),
            json!({"_tag": "git.createWorktree", "cwd": cwd, "branch": "main", "newBranch": "w", "path": null}),
            json!({"_tag": "git.removeWorktree", "cwd": cwd, "path": "/tmp/x"}),
            json!({"_tag": "git.runStackedAction", "cwd": cwd, "action": "commit"}),
            json!({"_tag": "git.resolvePullRequest", "cwd": cwd, "reference": "1"}),
            json!({"_tag": "git.preparePullRequestThread", "cwd": cwd, "reference": "1", "mode": "local"}),
            json!({"_tag": "git.githubRepository", "cwd": cwd}),
            json!({"_tag": "terminal.open", "threadId": "t1", "cwd": cwd}),
            json!({"_tag": "terminal.restart", "threadId": "t1", "cwd": cwd, "cols": 80, "rows": 24}),
            json!({"_tag": "projects.searchEntries", "cwd": cwd, "query": "a", "limit": 5}),
            json!({"_tag": "projects.writeFile", "cwd": cwd, "relativePath": "pwned.txt", "contents": "x"}),
            json!({"_tag": "shell.openInEditor", "cwd": cwd, "editor": "vscode"}),
        ]
    };
    let outside_cwd = outside.to_string_lossy().into_owned();
    let through_link = project.join("exit").to_string_lossy().into_owned();
    let climbing = project.join("../outside").to_string_lossy().into_owned();
    let mut refused = 0;
    for cwd in [
        "/etc",
        outside_cwd.as_str(),
        through_link.as_str(),
        climbing.as_str(),
    ] {
        for body in methods(cwd) {
            let v = client.request(body.clone()).await;
            let message = v["error"]["message"]
                .as_str()
                .unwrap_or_else(|| panic!("{body} was accepted: {v}"));
            assert_eq!(
                message,
                format!(
                    "body.cwd: {cwd} is not inside a project's workspace root, a t3rs worktree \
                     or the server's --cwd"
                ),
                "{body}"
            );
            refused += 1;
        }
    }
    assert_eq!(refused, 4 * 17);
    assert!(files_below(&outside).is_empty());
    assert!(!outside.join(".git").exists());

    // Inside the project the same requests reach their handlers: git.init on a folder that is
    // not a repository yet works, and so does a write.
    let inside = project.join("src");
    std::fs::create_dir_all(&inside).unwrap();
    let cwd = project.to_string_lossy().into_owned();
    let v = client
        .request(json!({"_tag": "git.init", "cwd": cwd}))
        .await;
    assert!(v.get("error").is_none(), "{v}");
    assert!(project.join(".git").exists());
    let v = client
        .request(
            json!({"_tag": "projects.writeFile", "cwd": inside.to_string_lossy(),
                        "relativePath": "a.txt", "contents": "x"}),
        )
        .await;
    assert!(v.get("error").is_none(), "{v}");

    // A deleted project's root is refused again.
    ok(
        &mut client,
        json!({"type": "project.delete", "commandId": "c-del", "projectId": "p1"}),
    )
    .await;
    let v = client
        .request(json!({"_tag": "projects.searchEntries", "cwd": cwd, "query": "a", "limit": 5}))
        .await;
    let message = v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(message.starts_with("body.cwd: "), "{message}");
}

#[tokio::test]
async fn a_thread_worktree_and_the_server_cwd_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let worktree = dir.path().join("elsewhere/wt");
    let pretender = dir.path().join("elsewhere/not-a-worktree");
    let server_cwd = dir.path().join("served");
    for d in [&project, &pretender, &server_cwd] {
        std::fs::create_dir_all(d).unwrap();
    }
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&project)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "i",
    ]);
    git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "wt",
        &worktree.to_string_lossy(),
    ]);
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(server_cwd.to_string_lossy())
        .start();
    let mut client = connected(&server).await;
    let search = |cwd: &Path| json!({"_tag": "projects.searchEntries", "cwd": cwd.to_string_lossy(), "query": "a", "limit": 5});
    let refused = |v: &Value| {
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("body.cwd: "))
    };
    let v = client.request(search(&server_cwd)).await;
    assert!(v.get("error").is_none(), "{v}");
    let v = client.request(search(&worktree)).await;
    assert!(refused(&v), "{v}");

    create_project(&mut client, "p1", &project).await;
    let mut thread = thread_create("c-t", "t1", "T");
    thread["worktreePath"] = json!(worktree.to_string_lossy());
    ok(&mut client, thread).await;
    let v = client.request(search(&worktree)).await;
    assert!(v.get("error").is_none(), "{v}");
    // A worktreePath is the client's to set: one that git does not know as a worktree of the
    // thread's project admits nothing.
    let mut thread = thread_create("c-t2", "t2", "T2");
    thread["worktreePath"] = json!(pretender.to_string_lossy());
    ok(&mut client, thread).await;
    let v = client.request(search(&pretender)).await;
    assert!(refused(&v), "{v}");
    // <state dir>/worktrees, where t3rs puts the worktrees it makes.
    let made = dir.path().join("state/worktrees/p/w");
    std::fs::create_dir_all(&made).unwrap();
    let v = client.request(search(&made)).await;
    assert!(v.get("error").is_none(), "{v}");
}

#[tokio::test]
async fn a_lone_surrogate_title_is_answered_under_its_own_id() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let server = start(&dir.path().join("state"));
    let mut client = connected(&server).await;
    create_project(&mut client, "p1", &project).await;
    // What JSON.stringify sends for "cut 😀" sliced inside the emoji, and a lone low half.
    let command = thread_create("c-lone", "t1", "TITLE")
        .to_string()
        .replace("TITLE", "cut \\ud83d | \\ude00 end");
    let frame = format!(
        r#"{{"id":"lone-1","body":{{"_tag":"orchestration.dispatchCommand","command":{command}}}}}"#
    );
    assert!(frame.contains(r"\ud83d"), "{frame}");
    client.send_text(frame).await;
    let v = client.response("lone-1").await;
    assert!(v["result"]["sequence"].as_u64().is_some(), "{v}");

    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    assert_eq!(
        snapshot["threads"][0]["title"],
        "cut \u{FFFD} | \u{FFFD} end"
    );

    // A valid pair is kept as the character it encodes.
    let command = json!({"type": "thread.meta.update", "commandId": "c-pair", "threadId": "t1",
                         "title": "TITLE"})
    .to_string()
    .replace("TITLE", "smile \\ud83d\\ude00");
    client
        .send_text(format!(r#"{{"id":"pair-1","body":{{"_tag":"orchestration.dispatchCommand","command":{command}}}}}"#))
        .await;
    let v = client.response("pair-1").await;
    assert!(v["result"]["sequence"].as_u64().is_some(), "{v}");
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await["result"]
        .clone();
    assert_eq!(snapshot["threads"][0]["title"], "smile \u{1F600}");
}

#[tokio::test]
async fn an_svg_or_other_non_image_upload_is_refused_with_nothing_dispatched() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let state = dir.path().join("state");
    let server = start(&state);
    let mut client = connected(&server).await;
    create_project(&mut client, "p1", &project).await;
    let accepted = ok(&mut client, thread_create("c-t", "t1", "T")).await;

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "evil.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
        ),
        (
            "fake.png",
            "image/png",
            b"<html><script>alert(1)</script>".to_vec(),
        ),
        ("a.bmp", "image/bmp", b"BM\x36\0\0\0\0\0".to_vec()),
    ];
    for (i, (name, mime, bytes)) in cases.into_iter().enumerate() {
        let encoded = base64::engine::general_purpose::STANDARD;
        // A good image first: the bad one at [1] refuses the whole turn.
        let attachments = json!([
            {"type": "image", "name": "ok.png", "mimeType": "image/png", "sizeBytes": png.len(),
             "dataUrl": format!("data:image/png;base64,{}", encoded.encode(&png))},
            {"type": "image", "name": name, "mimeType": mime, "sizeBytes": bytes.len(),
             "dataUrl": format!("data:{mime};base64,{}", encoded.encode(&bytes))},
        ]);
        let v = client
            .request(dispatch(
                json!({"type": "thread.turn.start", "commandId": format!("c-up{i}"),
                "threadId": "t1",
                "message": {"messageId": format!("m{i}"), "role": "user", "text": "look",
                            "attachments": attachments},
                "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW}),
            ))
            .await;
        let message = v["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} was accepted: {v}"));
        assert!(message.contains("message.attachments[1]"), "{message}");
        assert!(message.contains(name), "{message}");
        assert!(message.contains("PNG, JPEG, GIF or WebP"), "{message}");
    }
    // Nothing was dispatched (the log ends at the thread) and nothing stored.
    let v = client
        .request(json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": accepted}))
        .await;
    assert_eq!(v["result"], json!([]), "{v}");
    let stored = std::fs::read_dir(state.join("attachments"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0);
}
