//! `make bench` for the codex provider, against the release binary:
//! 1. delta throughput through the provider actor → Engine → 4 WebSocket clients, fed by a
//!    synthetic app-server (benches/support/fake_codex.py) that writes a 100,000-delta turn at
//!    pipe speed; every client must receive the whole text, in order;
//! 2. the same path with the real codex CLI and the scripted model server, against codex alone
//!    driven over its own stdio: the ratio of what t3rs adds to what codex takes;
//! 3. server RSS per live thread session (codex's own processes excluded).
//!
//! Prints a table; asserts nothing but correctness.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

mod support;
use support::{connect, pct, rss_kib, spawn_server, stop, Ws};
use t3rs::testkit::{self, FakeModel};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const SYNTHETIC_DELTAS: usize = 100_000;
const REAL_DELTAS: usize = 5_000;
const SESSIONS: usize = 20;
/// Measured turns with the real codex, after one warm-up turn; the median is reported.
const REAL_TURNS: usize = 7;

async fn request(ws: &mut Ws, id: &str, body: Value) -> Value {
    ws.send(Message::Text(json!({"id": id, "body": body}).to_string()))
        .await
        .expect("send");
    loop {
        if let Message::Text(text) = ws.next().await.expect("open").expect("frame") {
            let v: Value = serde_json::from_str(&text).expect("json");
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{v}");
                return v;
            }
        }
    }
}

fn dispatch(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

async fn create(ws: &mut Ws, root: &Path, threads: &[String]) {
    request(
        ws,
        "p",
        dispatch(
            json!({"type": "project.create", "commandId": "p", "projectId": "p",
            "title": "p", "workspaceRoot": root.to_string_lossy(), "createdAt": NOW}),
        ),
    )
    .await;
    for t in threads {
        request(
            ws,
            &format!("c-{t}"),
            dispatch(
                json!({"type": "thread.create", "commandId": format!("c-{t}"),
                "threadId": t, "projectId": "p", "title": t, "model": "fake-model",
                "runtimeMode": "full-access", "interactionMode": "default", "branch": null,
                "worktreePath": null, "createdAt": NOW}),
            ),
        )
        .await;
    }
}

async fn start_turn(ws: &mut Ws, thread: &str, n: usize) {
    request(
        ws,
        &format!("turn-{thread}-{n}"),
        dispatch(json!({"type": "thread.turn.start", "commandId": format!("turn-{thread}-{n}"),
            "threadId": thread, "assistantDeliveryMode": "streaming",
            "message": {"messageId": format!("m-{thread}-{n}"), "role": "user", "text": "go", "attachments": []},
            "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW})),
    )
    .await;
}

/// Reads domain events until `thread`'s turn `count` has its checkpoint; returns the assistant
/// text it saw for that turn, how many assistant text events carried it, and when the first
/// one arrived.
async fn read_turn(ws: &mut Ws, thread: &str, count: u64) -> (String, usize, Option<Instant>) {
    let mut text = String::new();
    let mut pieces = 0;
    let mut first = None;
    loop {
        let Message::Text(raw) = ws.next().await.expect("open").expect("frame") else {
            continue;
        };
        let v: Value = serde_json::from_str(&raw).expect("json");
        let event = &v["data"];
        if v["channel"] != "orchestration.domainEvent" || event["payload"]["threadId"] != thread {
            continue;
        }
        let p = &event["payload"];
        match event["type"].as_str() {
            Some("thread.message-sent") if p["role"] == "assistant" => {
                let piece = p["text"].as_str().unwrap_or("");
                if !piece.is_empty() {
                    first.get_or_insert_with(Instant::now);
                    text.push_str(piece);
                    pieces += 1;
                }
            }
            Some("thread.turn-diff-completed") if p["checkpointTurnCount"] == count => {
                return (text, pieces, first)
            }
            _ => {}
        }
    }
}

fn git_repo(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("README.md"), "bench\n").unwrap();
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@b",
            "commit",
            "-qm",
            "init",
        ],
    ] {
        assert!(Command::new("git")
            .args(args)
            .current_dir(&work)
            .status()
            .unwrap()
            .success());
    }
    work
}

fn fake_codex(dir: &Path) -> PathBuf {
    let path = dir.join("fake-codex");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/support/fake_codex.py"),
        &path,
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    path
}

struct Synthetic {
    deltas_per_s: f64,
    log_entries: usize,
    took: Duration,
}

async fn synthetic(dir: &Path) -> Synthetic {
    let work = git_repo(dir);
    let codex = fake_codex(dir);
    let deltas = SYNTHETIC_DELTAS.to_string();
    let server = spawn_server(
        &dir.join("state-synthetic"),
        &["--codex-bin", codex.to_str().unwrap()],
        &[("FAKE_CODEX_DELTAS", deltas.as_str())],
    );
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(connect(&server.addr).await);
    }
    create(&mut clients[0], &work, &["t".to_string()]).await;
    let expected: String = (0..SYNTHETIC_DELTAS).map(|i| format!("d{i} ")).collect();
    let mut result = None;
    for turn in 1..=2u64 {
        let started = Instant::now();
        start_turn(&mut clients[0], "t", turn as usize).await;
        let mut readers = Vec::new();
        for mut ws in clients.drain(..) {
            readers.push(tokio::spawn(async move {
                let seen = read_turn(&mut ws, "t", turn).await;
                (ws, seen, started.elapsed())
            }));
        }
        let mut slowest = Duration::ZERO;
        let mut entries = 0;
        for reader in readers {
            let (ws, (text, pieces, _), took) = reader.await.unwrap();
            assert!(text == expected, "a client lost or reordered text");
            slowest = slowest.max(took);
            entries = pieces;
            clients.push(ws);
        }
        // Turn 1 warms up (codex spawn, first checkpoint); turn 2 is measured.
        result = Some(Synthetic {
            deltas_per_s: SYNTHETIC_DELTAS as f64 / slowest.as_secs_f64(),
            log_entries: entries,
            took: slowest,
        });
    }
    stop(server.child);
    result.unwrap()
}

/// RSS growth per thread whose codex is alive (the synthetic app-server; its own memory is
/// another process's).
async fn rss_per_session(dir: &Path) -> (u64, u64) {
    let work = git_repo(&dir.join("rss"));
    let codex = fake_codex(dir);
    let server = spawn_server(
        &dir.join("state-rss"),
        &["--codex-bin", codex.to_str().unwrap()],
        &[("FAKE_CODEX_DELTAS", "20")],
    );
    let mut ws = connect(&server.addr).await;
    let threads: Vec<String> = (0..=SESSIONS).map(|i| format!("s{i}")).collect();
    create(&mut ws, &work, &threads).await;
    start_turn(&mut ws, &threads[0], 1).await;
    read_turn(&mut ws, &threads[0], 1).await;
    let pid = server.child.id();
    let before = rss_kib(pid);
    for t in &threads[1..] {
        start_turn(&mut ws, t, 1).await;
        read_turn(&mut ws, t, 1).await;
    }
    let after = rss_kib(pid);
    stop(server.child);
    (before, after.saturating_sub(before) / SESSIONS as u64)
}

fn codex_bin() -> Option<PathBuf> {
    let path = testkit::codex_path();
    path.exists().then_some(path)
}

fn fake_model(dir: &Path) -> Option<(FakeModel, PathBuf)> {
    if !testkit::fake_model_path().exists() {
        return None;
    }
    let model = FakeModel::start(
        dir,
        json!([{"text": "x".repeat(REAL_DELTAS), "chunks": REAL_DELTAS}]),
    );
    let home = model.codex_home(dir);
    Some((model, home))
}

/// codex alone: two turns over its stdio; the second turn's time from turn/start to
/// turn/completed.
fn codex_alone(codex: &Path, home: &Path, work: &Path) -> (Duration, Duration) {
    let mut child = Command::new(codex)
        .arg("app-server")
        .current_dir(work)
        .env("CODEX_HOME", home)
        .env("FAKE_KEY", "unused")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("codex");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = |v: Value| writeln!(stdin, "{v}").unwrap();
    let mut until = |pred: &dyn Fn(&Value) -> bool| -> Value {
        loop {
            let line = lines.next().expect("codex output").expect("line");
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if pred(&v) {
                    return v;
                }
            }
        }
    };
    send(
        json!({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "bench", "version": "0"}, "capabilities": {"experimentalApi": true}}}),
    );
    until(&|v| v["id"] == 1);
    send(json!({"method": "initialized"}));
    send(
        json!({"id": 2, "method": "thread/start", "params": {"cwd": work, "approvalPolicy": "never", "sandbox": "danger-full-access"}}),
    );
    let thread = until(&|v| v["id"] == 2)["result"]["thread"]["id"].clone();
    let (mut took, mut first) = (Vec::new(), Vec::new());
    for id in 3..3 + 1 + REAL_TURNS as u64 {
        let started = Instant::now();
        let input = json!([{"type": "text", "text": "go"}]);
        let params = json!({"threadId": thread, "input": input});
        send(json!({"id": id, "method": "turn/start", "params": params}));
        until(&|v| v["method"] == "item/agentMessage/delta");
        first.push(started.elapsed());
        until(&|v| v["method"] == "turn/completed");
        took.push(started.elapsed());
    }
    let _ = child.kill();
    let _ = child.wait();
    (median(&mut took[1..]), median(&mut first[1..]))
}

/// The median (callers leave out the warm-up turn).
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    pct(samples, 0.5)
}

async fn through_t3rs(codex: &Path, home: &Path, dir: &Path) -> (Duration, Duration, usize) {
    let work = git_repo(&dir.join("real"));
    let server = spawn_server(
        &dir.join("state-real"),
        &["--codex-bin", codex.to_str().unwrap()],
        &[
            ("CODEX_HOME", home.to_str().unwrap()),
            ("FAKE_KEY", "unused"),
        ],
    );
    let mut ws = connect(&server.addr).await;
    create(&mut ws, &work, &["r".to_string()]).await;
    let (mut took, mut firsts) = (Vec::new(), Vec::new());
    let mut pieces = 0;
    for turn in 1..=1 + REAL_TURNS as u64 {
        let started = Instant::now();
        start_turn(&mut ws, "r", turn as usize).await;
        let (text, seen, first) = read_turn(&mut ws, "r", turn).await;
        assert_eq!(text.len(), REAL_DELTAS, "text lost on the way");
        took.push(started.elapsed());
        firsts.push(first.map_or(Duration::ZERO, |f| f - started));
        pieces = seen;
    }
    stop(server.child);
    (median(&mut took[1..]), median(&mut firsts[1..]), pieces)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let synthetic = rt.block_on(synthetic(dir.path()));
    let (base_rss, per_session) = rt.block_on(rss_per_session(dir.path()));
    let real = match (codex_bin(), fake_model(dir.path())) {
        (Some(codex), Some((model, home))) => {
            let work = git_repo(&dir.path().join("alone"));
            let alone = codex_alone(&codex, &home, &work);
            let ours = rt.block_on(through_t3rs(&codex, &home, dir.path()));
            drop(model);
            Some((alone, ours))
        }
        _ => None,
    };

    println!();
    println!("provider benchmark");
    println!("| {:<58} | {:>22} | {:<18} |", "measure", "t3rs", "target");
    println!("|{}|{}|{}|", "-".repeat(60), "-".repeat(24), "-".repeat(20));
    let mut rows = vec![
        (
            format!(
                "deltas/s, synthetic app-server → Engine → 4 clients ({}k)",
                SYNTHETIC_DELTAS / 1000
            ),
            format!("{:.0}", synthetic.deltas_per_s),
            ">= 100,000".to_string(),
        ),
        (
            "  turn time (dispatch → every client has the checkpoint)".to_string(),
            format!("{:.0} ms", synthetic.took.as_secs_f64() * 1000.0),
            String::new(),
        ),
        (
            format!(
                "  assistant-text log entries for {}k deltas",
                SYNTHETIC_DELTAS / 1000
            ),
            synthetic.log_entries.to_string(),
            String::new(),
        ),
        (
            format!("server RSS per live session ({SESSIONS} sessions, codex excluded)"),
            format!("{:.0} KiB", per_session as f64),
            String::new(),
        ),
        (
            "  server RSS with one live session".to_string(),
            format!("{:.1} MiB", base_rss as f64 / 1024.0),
            String::new(),
        ),
    ];
    match real {
        Some(((alone, alone_first), (ours, ours_first, pieces))) => {
            rows.push((
                "real codex: first text, codex alone (median)".to_string(),
                format!("{:.0} ms", alone_first.as_secs_f64() * 1000.0),
                String::new(),
            ));
            rows.push((
                "  first text at a t3rs client (from the dispatch)".to_string(),
                format!("{:.0} ms", ours_first.as_secs_f64() * 1000.0),
                String::new(),
            ));
            rows.push((
                format!(
                    "real codex, {REAL_DELTAS}-delta turn (median of {REAL_TURNS}): codex alone"
                ),
                format!("{:.0} ms", alone.as_secs_f64() * 1000.0),
                String::new(),
            ));
            rows.push((
                "  the same turn through t3rs (to the checkpoint)".to_string(),
                format!("{:.0} ms", ours.as_secs_f64() * 1000.0),
                String::new(),
            ));
            rows.push((
                format!("  assistant-text log entries for its {REAL_DELTAS} deltas"),
                pieces.to_string(),
                String::new(),
            ));
            let added = ours.as_secs_f64() - alone.as_secs_f64();
            rows.push((
                "  t3rs's added time / codex's own time".to_string(),
                format!("{:.2}", added / alone.as_secs_f64()),
                String::new(),
            ));
        }
        None => rows.push((
            "real codex".to_string(),
            "skipped".to_string(),
            "needs .tools + ../shared".to_string(),
        )),
    }
    for (name, value, target) in rows {
        println!("| {name:<58} | {value:>22} | {target:<18} |");
    }
}
