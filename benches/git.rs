//! `make bench` for git and checkpoints, on a repository of 10,000 committed files with a 1 MB
//! uncommitted change: checkpoint capture (and the per-file diff a turn's end adds), and
//! `git.status` over a WebSocket against `git status --porcelain=v2` run directly, samples
//! alternating: on a tree nobody is editing (its line counts cached) and right after a rewrite.
//! Prints a table; asserts nothing.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use t3rs::git::checkpoints;

mod support;
use support::{connect, pct, spawn_server, stop, Ws};

const FILES: usize = 10_000;
const RUNS: usize = 15;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=b", "-c", "user.email=b@b"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn big_repo(dir: &Path) -> PathBuf {
    let work = dir.join("repo");
    for i in 0..FILES {
        let sub = work.join(format!("src/m{:03}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let body: String = (0..8).map(|l| format!("line {l} of file {i}\n")).collect();
        std::fs::write(sub.join(format!("f{i:05}.txt")), body).unwrap();
    }
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "ten thousand files"]);
    work
}

/// About 1 MB of changes: 50 files rewritten with 20 KB each, varying per round.
fn change(work: &Path, round: usize) {
    for i in 0..50 {
        let path = work.join(format!("src/m{:03}/f{:05}.txt", i, i * 100));
        let body: String = (0..400)
            .map(|l| format!("round {round} line {l:04} {}\n", "x".repeat(30)))
            .collect();
        std::fs::write(path, body).unwrap();
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn git_status(ws: &mut Ws, id: usize, cwd: &str) -> Duration {
    let started = Instant::now();
    let id = id.to_string();
    ws.send(Message::Text(
        json!({"id": id, "body": {"_tag": "git.status", "cwd": cwd}}).to_string(),
    ))
    .await
    .unwrap();
    loop {
        if let Message::Text(text) = ws.next().await.unwrap().unwrap() {
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{v}");
                assert_eq!(
                    v["result"]["workingTree"]["files"]
                        .as_array()
                        .unwrap()
                        .len(),
                    50
                );
                return started.elapsed();
            }
        }
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let work = big_repo(dir.path());
    // Baseline, as at a turn's start.
    checkpoints::capture(&work, &checkpoints::checkpoint_ref("bench", 0)).unwrap();

    let mut capture = Vec::new();
    let mut turn_end = Vec::new();
    for round in 1..=RUNS {
        change(&work, round);
        let reference = checkpoints::checkpoint_ref("bench", round as u64);
        let started = Instant::now();
        checkpoints::capture(&work, &reference).unwrap();
        capture.push(started.elapsed());
        let previous = checkpoints::checkpoint_ref("bench", round as u64 - 1);
        let files = checkpoints::changed_files(&work, &previous, &reference).unwrap();
        turn_end.push(started.elapsed());
        assert_eq!(files.len(), 50);
    }
    capture.sort();
    turn_end.sort();

    let direct_status = |work: &Path| {
        let started = Instant::now();
        let out = Command::new("git")
            .args(["status", "--porcelain=v2"])
            .current_dir(work)
            .output()
            .unwrap();
        assert!(out.status.success());
        started.elapsed()
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cwd = work.to_string_lossy().into_owned();
    // Requests may name only a project's folder or the server's --cwd.
    let server = spawn_server(&dir.path().join("state"), &["--cwd", &cwd], &[]);
    let (mut direct, mut ours, mut cold, mut cold_direct) = rt.block_on(async {
        let mut ws = connect(&server.addr).await;
        let mut id = 0;
        // Right after a rewrite: the files are too new for the line-count cache (racy git),
        // so every changed file is diffed. Each sample is paired with git's own status on the
        // same tree, so a busy machine slows both; ours runs first, on the tree as the
        // rewrite left it (git's own status, with optional locks, may refresh the index).
        let (mut cold, mut cold_direct) = (Vec::new(), Vec::new());
        for round in 0..5 {
            change(&work, 100 + round);
            id += 1;
            cold.push(git_status(&mut ws, id, &cwd).await);
            cold_direct.push(direct_status(&work));
        }
        // A tree polled while nobody edits it: wait out the racy window once, warm the cache,
        // then alternate git's status and ours.
        std::thread::sleep(Duration::from_millis(2_100));
        id += 1;
        git_status(&mut ws, id, &cwd).await;
        let (mut direct, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            direct.push(direct_status(&work));
            id += 1;
            ours.push(git_status(&mut ws, id, &cwd).await);
        }
        (direct, ours, cold, cold_direct)
    });
    stop(server.child);
    direct.sort();
    ours.sort();
    cold.sort();
    cold_direct.sort();

    let ratio = pct(&ours, 0.5).as_secs_f64() / pct(&direct, 0.5).as_secs_f64();
    let cold_ratio = pct(&cold, 0.5).as_secs_f64() / pct(&cold_direct, 0.5).as_secs_f64();
    println!();
    println!("git benchmark ({FILES} files, ~1 MB changed in 50 files, {RUNS} runs)");
    println!("| {:<52} | {:>12} | {:<22} |", "measure", "t3rs", "target");
    println!("|{}|{}|{}|", "-".repeat(54), "-".repeat(14), "-".repeat(24));
    let rows = [
        (
            "checkpoint capture p50",
            ms(pct(&capture, 0.5)),
            "<= 150 ms".to_string(),
        ),
        (
            "checkpoint capture max",
            ms(*capture.last().unwrap()),
            String::new(),
        ),
        (
            "capture + per-file diff (a turn's end) p50",
            ms(pct(&turn_end, 0.5)),
            String::new(),
        ),
        (
            "git status --porcelain=v2 itself p50",
            ms(pct(&direct, 0.5)),
            String::new(),
        ),
        (
            "git.status over WebSocket p50",
            ms(pct(&ours, 0.5)),
            String::new(),
        ),
        (
            "  ratio to git itself",
            format!("{ratio:.2}x"),
            "<= 1.2x".to_string(),
        ),
        (
            "git.status right after a 1 MB rewrite (uncached) p50",
            ms(pct(&cold, 0.5)),
            String::new(),
        ),
        (
            "  ratio to git itself on the same trees",
            format!("{cold_ratio:.2}x"),
            String::new(),
        ),
    ];
    for (name, value, target) in rows {
        println!("| {name:<52} | {value:>12} | {target:<22} |");
    }
}
