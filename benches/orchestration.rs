//! `make bench` for the orchestration engine and project search, against the release binary.
//! Prints a table; asserts nothing.
//!
//! 1. Durable dispatch: 8 connections, 16 commands in flight each; ack latency and throughput.
//! 2. A log of ~1,000,000 events (1,000 threads with ~110 messages each) written through the
//!    real decider/projector/event log, then: start-up time, RSS, getSnapshot time, dispatch
//!    (8 conns x 1 in flight) quiet and while getSnapshots run back to back, DP
//!    Code's subscribeShell and subscribeThread {limit: 100} (round trip and bytes), and
//!    searchThreads time.
//! 3. projects.searchEntries over a 100,000-file tree: first query (index build), then warm.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use t3rs::store::event_log::EventLog;
use t3rs::store::Store;
use tokio_tungstenite::tungstenite::Message;

mod big_log;
mod snapshot_load;
mod support;
use support::{pct, rss_kib, spawn_server, stop, Ws};

fn rss_mib(pid: u32) -> f64 {
    rss_kib(pid) as f64 / 1024.0
}

const NOW: &str = "2026-01-01T00:00:00.000Z";

async fn connect(addr: &str) -> Ws {
    // Snapshots of a large model are tens of MB; tungstenite's default cap is 16 MiB.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
        max_message_size: Some(512 << 20),
        max_frame_size: Some(512 << 20),
        ..Default::default()
    };
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(
        format!("ws://{addr}/ws"),
        Some(config),
        false,
    )
    .await
    .expect("connect");
    ws.next().await.expect("welcome").expect("welcome");
    ws
}

/// Sends a request and returns the raw reply text, timing only the server and the transfer.
async fn request_raw(ws: &mut Ws, body: Value) -> (String, Duration) {
    let text = json!({"id": "r", "body": body}).to_string();
    let started = Instant::now();
    ws.send(Message::Text(text)).await.expect("send");
    loop {
        if let Message::Text(text) = ws.next().await.expect("open").expect("frame") {
            if !text.starts_with("{\"type\":\"push\"") {
                return (text, started.elapsed());
            }
        }
    }
}

async fn request(ws: &mut Ws, body: Value) -> Value {
    ws.send(Message::Text(json!({"id": "r", "body": body}).to_string()))
        .await
        .expect("send");
    loop {
        if let Message::Text(text) = ws.next().await.expect("open").expect("frame") {
            let v: Value = serde_json::from_str(&text).expect("json");
            if v.get("type").is_none() {
                return v;
            }
        }
    }
}

fn dispatch_body(command: Value) -> Value {
    json!({"_tag": "orchestration.dispatchCommand", "command": command})
}

async fn dispatch_bench(addr: &str, per_connection: usize, window: usize) -> (f64, Vec<Duration>) {
    let mut setup = connect(addr).await;
    for c in 0..8 {
        let p = format!("p{c}");
        request(&mut setup, dispatch_body(json!({"type": "project.create", "commandId": format!("{p}c"), "projectId": p, "title": p, "workspaceRoot": "/tmp", "createdAt": NOW}))).await;
        request(&mut setup, dispatch_body(json!({"type": "thread.create", "commandId": format!("{p}t"), "threadId": format!("{p}-t"), "projectId": p, "title": "t", "model": "gpt-5.4", "runtimeMode": "full-access", "interactionMode": "default", "branch": null, "worktreePath": null, "createdAt": NOW}))).await;
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let addr = addr.to_string();
        tasks.push(tokio::spawn(async move {
            let ws = connect(&addr).await;
            let (mut sink, mut stream) = ws.split();
            let mut sent_at: HashMap<String, Instant> = HashMap::new();
            let mut latencies = Vec::with_capacity(per_connection);
            let mut next = 0;
            while latencies.len() < per_connection {
                while next < per_connection && sent_at.len() < window {
                    // Unique per run: a repeated commandId is answered from its receipt, which
                    // would measure lookups, not durable dispatch.
                    let id = format!("w{window}-{c}-{next}");
                    let command = json!({"type": "thread.meta.update", "commandId": id, "threadId": format!("p{c}-t"), "title": format!("title {next}")});
                    let text = json!({"id": id, "body": dispatch_body(command)}).to_string();
                    sent_at.insert(id, Instant::now());
                    sink.send(Message::Text(text)).await.expect("send");
                    next += 1;
                }
                if let Message::Text(text) = stream.next().await.expect("open").expect("frame") {
                    let v: Value = serde_json::from_str(&text).expect("json");
                    if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
                        assert!(v["result"]["sequence"].is_u64(), "{v}");
                        if let Some(at) = sent_at.remove(id) {
                            latencies.push(at.elapsed());
                        }
                    }
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    all.sort_unstable();
    (rate, all)
}

/// How long one small write + flush takes on this disk: no acknowledgement can be faster.
fn fsync_floor(dir: &Path) -> Duration {
    let db = sled::Config::new()
        .path(dir.join("fsync-probe"))
        .open()
        .expect("probe db");
    let mut samples = Vec::new();
    for i in 0u32..200 {
        db.insert(i.to_be_bytes(), &[0u8; 200][..]).expect("insert");
        let t = Instant::now();
        db.flush().expect("flush");
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    pct(&samples, 0.5)
}

fn make_tree(root: &Path, files: usize) {
    for i in 0..files {
        let dir = root.join(format!("pkg{:03}/mod{:02}", i % 500, (i / 500) % 20));
        if i % 500 == 0 || i < 10_000 {
            std::fs::create_dir_all(&dir).expect("mkdir");
        }
        std::fs::write(dir.join(format!("file_{i}.rs")), b"").expect("write");
    }
}

/// The check the server's verifier thread runs beside start-up (and `t3rs doctor`), timed on
/// its own: sled's cache is cold, the OS page cache is as the build left it.
fn verify_in_process(state: &Path) -> (u64, Duration) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = loop {
        // sled lets go of its lock a moment after the builder's handle is dropped.
        match Store::open(state) {
            Ok(store) => break store,
            Err(err) if Instant::now() < deadline => {
                eprintln!("store still locked: {err}");
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => panic!("store: {err}"),
        }
    };
    let log = EventLog::open(&store).expect("log");
    let started = Instant::now();
    let verified = t3rs::store::verify::check_log(&log).expect("a sound log");
    (verified.count, started.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows: Vec<(String, String, String)> = Vec::new();

    // 1. Durable dispatch.
    let state = tempfile::tempdir().expect("tempdir");
    let support::Started { child, addr, .. } = spawn_server(state.path(), &[], &[]);
    let (rate, latencies) = rt.block_on(dispatch_bench(&addr, 5_000, 16));
    let row = |a: &str, b: String, c: &str| (a.to_string(), b, c.to_string());
    rows.push(row(
        "dispatch throughput, 8 conns x 16 in flight",
        format!("{rate:.0} cmd/s"),
        ">= 20,000 cmd/s",
    ));
    rows.push(row(
        "  ack latency p50 (16 in flight)",
        ms(pct(&latencies, 0.5)),
        "",
    ));
    rows.push(row(
        "  ack latency p99 (16 in flight)",
        ms(pct(&latencies, 0.99)),
        "<= 5 ms",
    ));
    let (rate, latencies) = rt.block_on(dispatch_bench(&addr, 1_000, 1));
    rows.push(row(
        "dispatch throughput, 8 conns x 1 in flight",
        format!("{rate:.0} cmd/s"),
        "",
    ));
    rows.push(row(
        "  ack latency p50 (1 in flight)",
        ms(pct(&latencies, 0.5)),
        "",
    ));
    rows.push(row(
        "  ack latency p99 (1 in flight)",
        ms(pct(&latencies, 0.99)),
        "<= 5 ms",
    ));
    rows.push(row(
        "  one small sled write + flush, p50",
        ms(fsync_floor(state.path())),
        "",
    ));
    stop(child);
    if let Some(bin) = support::baseline_bin() {
        // The same dispatch runs against the other binary, in this run, on this machine.
        let state = tempfile::tempdir().expect("tempdir");
        let support::Started { child, addr, .. } =
            support::spawn_server_bin(&bin, state.path(), &[], &[]);
        for (per_connection, window) in [(5_000, 16), (1_000, 1)] {
            let (rate, latencies) = rt.block_on(dispatch_bench(&addr, per_connection, window));
            rows.push(row(
                &format!("baseline: dispatch, 8 conns x {window} in flight"),
                format!("{rate:.0} cmd/s, p99 {}", ms(pct(&latencies, 0.99))),
                "",
            ));
        }
        stop(child);
    }

    // 2. A million events.
    let state = tempfile::tempdir().expect("tempdir");
    let (events, took) = big_log::build(state.path(), "/tmp", &[55; 1_000], 15);
    eprintln!("built {events} events in {took:?}");
    let (verified, verify_took) = verify_in_process(state.path());
    rows.push((
        format!("full read of the log ({verified} events, in-process)"),
        ms(verify_took),
        "a few s".into(),
    ));
    let support::Started {
        child,
        addr,
        startup,
        ..
    } = spawn_server(state.path(), &[], &[]);
    rows.push((
        format!("start-up with {events} events in the log"),
        ms(startup),
        "< 1 s".into(),
    ));
    let rss = rss_mib(child.id());
    rows.push((
        "RSS, 1,000 threads x 110 messages".into(),
        format!("{rss:.0} MiB"),
        "<= 200 MB".into(),
    ));
    let (snapshot_times, bytes) = rt.block_on(async {
        let mut ws = connect(&addr).await;
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..5 {
            let (text, took) =
                request_raw(&mut ws, json!({"_tag": "orchestration.getSnapshot"})).await;
            assert!(
                text.contains("\"snapshotSequence\""),
                "{}",
                &text[..text.len().min(200)]
            );
            times.push(took);
            bytes = text.len();
        }
        times.sort_unstable();
        (times, bytes)
    });
    rows.push((
        format!(
            "getSnapshot round trip ({:.1} MB JSON), median of 5",
            bytes as f64 / 1e6
        ),
        ms(pct(&snapshot_times, 0.5)),
        "<= 50 ms".into(),
    ));
    rows.push((
        "RSS after 5 getSnapshot".into(),
        format!("{:.0} MiB", rss_mib(child.id())),
        String::new(),
    ));
    // Dispatch with getSnapshots running on another connection, beside it quiet.
    rows.extend(rt.block_on(snapshot_load::rows(&addr, 1_000)));
    // DP Code's subscriptions on the same store: what its client loads instead.
    for (name, body, target) in [
        (
            "subscribeShell",
            json!({"_tag": "orchestration.subscribeShell"}),
            "<= 20 ms, <= 1 MB",
        ),
        (
            "subscribeThread with limit 100",
            json!({"_tag": "orchestration.subscribeThread", "threadId": "t500", "limit": 100}),
            "<= 10 ms, <= 0.5 MB",
        ),
    ] {
        let (times, bytes) = rt.block_on(async {
            let mut ws = connect(&addr).await;
            let mut times = Vec::new();
            let mut bytes = 0;
            // Subscribing again replaces the subscription: each round trip is a fresh snapshot.
            for _ in 0..5 {
                let (text, took) = request_raw(&mut ws, body.clone()).await;
                assert!(
                    text.contains("\"snapshotSequence\""),
                    "{}",
                    &text[..text.len().min(200)]
                );
                times.push(took);
                bytes = text.len();
            }
            times.sort_unstable();
            (times, bytes)
        });
        rows.push((
            format!("{name}: round trip, median of 5"),
            format!("{}, {:.2} MB", ms(pct(&times, 0.5)), bytes as f64 / 1e6),
            target.into(),
        ));
    }
    // One word found in every thread (all 55,000 assistant messages hold it), one in a single
    // title, and one found nowhere (a scan of everything).
    let search_times = rt.block_on(async {
        let mut ws = connect(&addr).await;
        let mut times = Vec::new();
        for (word, expected) in [("streamed", 20), ("t999", 1), ("zebra", 0)] {
            for _ in 0..10 {
                let (text, took) = request_raw(
                    &mut ws,
                    json!({"_tag": "orchestration.searchThreads", "query": word}),
                )
                .await;
                let v: Value = serde_json::from_str(&text).expect("json");
                let found = v["result"]["results"].as_array().map_or(0, Vec::len);
                assert_eq!(found, expected, "{word}: {}", &text[..text.len().min(300)]);
                times.push(took);
            }
        }
        times.sort_unstable();
        times
    });
    rows.push((
        "searchThreads, one word, p50 (1,000 threads)".into(),
        ms(pct(&search_times, 0.5)),
        "<= 20 ms".into(),
    ));
    rows.push((
        "searchThreads, one word, max of 30".into(),
        ms(*search_times.last().expect("samples")),
        "<= 20 ms".into(),
    ));
    stop(child);

    // 3. Search over 100,000 files.
    let tree = tempfile::tempdir().expect("tempdir");
    make_tree(tree.path(), 100_000);
    let state = tempfile::tempdir().expect("tempdir");
    let tree_root = tree.path().to_string_lossy().into_owned();
    // Requests may name only a project's folder or the server's --cwd.
    let support::Started { child, addr, .. } =
        spawn_server(state.path(), &["--cwd", &tree_root], &[]);
    let (first, warm) = rt.block_on(async {
        let mut ws = connect(&addr).await;
        let body = |q: &str| json!({"_tag": "projects.searchEntries", "cwd": tree.path().to_string_lossy(), "query": q, "limit": 50});
        let t = Instant::now();
        let v = request(&mut ws, body("file_9999")).await;
        assert!(v["result"]["entries"].is_array(), "{v}");
        let first = t.elapsed();
        let mut warm = Vec::new();
        for q in ["file_1", "mod07", "pkg123 file", "f_12", "zzz", "rs", "file_99999", "pkg0mod0"] {
            for _ in 0..3 {
                let t = Instant::now();
                let v = request(&mut ws, body(q)).await;
                assert!(v["result"]["entries"].is_array(), "{v}");
                warm.push(t.elapsed());
            }
        }
        warm.sort_unstable();
        (first, warm)
    });
    rows.push((
        "searchEntries, 100k files, first (builds index)".into(),
        ms(first),
        String::new(),
    ));
    rows.push((
        "searchEntries, 100k files, warm p50".into(),
        ms(pct(&warm, 0.5)),
        "<= 50 ms".into(),
    ));
    rows.push((
        "searchEntries, 100k files, warm max".into(),
        ms(*warm.last().expect("samples")),
        "<= 50 ms".into(),
    ));
    stop(child);

    println!();
    println!("orchestration benchmark");
    println!("| {:<52} | {:>16} | {:<16} |", "measure", "t3rs", "target");
    println!("|{}|{}|{}|", "-".repeat(54), "-".repeat(18), "-".repeat(18));
    for (name, value, target) in rows {
        println!("| {name:<52} | {value:>16} | {target:<16} |");
    }
}
