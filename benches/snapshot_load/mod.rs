//! Dispatch while another connection takes `orchestration.getSnapshot` back to back (issue 18:
//! "getSnapshot during a dispatch load leaves dispatch p99 unchanged"), beside the same
//! dispatch with no snapshot running, on the same store.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::support::pct;

/// One row of the table: what, measured, target.
pub type Row = (String, String, String);

/// 8 connections × 1 in flight, `per_connection` renames each of threads `t0`..`t7` (the
/// store's own), ids tagged `tag` so that no run repeats another's command ids.
async fn dispatch_8x1(addr: &str, per_connection: usize, tag: &str) -> (f64, Vec<Duration>) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..8 {
        let addr = addr.to_string();
        let tag = tag.to_string();
        tasks.push(tokio::spawn(async move {
            let (mut sink, mut stream) = super::connect(&addr).await.split();
            let mut latencies = Vec::with_capacity(per_connection);
            for n in 0..per_connection {
                let id = format!("{tag}-{c}-{n}");
                let command = json!({"type": "thread.meta.update", "commandId": id,
                    "threadId": format!("t{c}"), "title": format!("{tag} {n}")});
                let body = json!({"_tag": "orchestration.dispatchCommand", "command": command});
                let text = json!({"id": id, "body": body}).to_string();
                let sent = Instant::now();
                sink.send(Message::Text(text)).await.expect("send");
                loop {
                    let Message::Text(text) = stream.next().await.expect("open").expect("frame")
                    else {
                        continue;
                    };
                    // Pushes (every connection gets every event) are skipped.
                    let v: Value = serde_json::from_str(&text).expect("json");
                    if v.get("id").and_then(|i| i.as_str()) == Some(id.as_str()) {
                        assert!(v["result"]["sequence"].is_u64(), "{v}");
                        latencies.push(sent.elapsed());
                        break;
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

/// getSnapshot after getSnapshot on one connection until `stop`; each round trip's time.
async fn snapshots_until(addr: String, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let mut ws = super::connect(&addr).await;
    let mut times = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let (text, took) =
            super::request_raw(&mut ws, json!({"_tag": "orchestration.getSnapshot"})).await;
        assert!(text.starts_with("{\"id\":\"r\",\"result\":{\"snapshotSequence\""));
        times.push(took);
    }
    times.sort_unstable();
    times
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The quiet and the loaded dispatch rows, and the snapshots' round trip under that load.
pub async fn rows(addr: &str, per_connection: usize) -> Vec<Row> {
    // A repeated command id is answered from its receipt, which is not what is measured.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let (quiet_rate, quiet) = dispatch_8x1(addr, per_connection, &format!("quiet{run}")).await;
    let stop = Arc::new(AtomicBool::new(false));
    let snapshots = tokio::spawn(snapshots_until(addr.to_string(), Arc::clone(&stop)));
    // Give the first snapshot a head start (a bench, not a test: nothing asserts on it).
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (loaded_rate, loaded) = dispatch_8x1(addr, per_connection, &format!("loaded{run}")).await;
    stop.store(true, Ordering::Relaxed);
    let snapshot_times = snapshots.await.expect("snapshot task");
    let row = |a: String, b: String, c: &str| (a, b, c.to_string());
    vec![
        row(
            "dispatch 8 conns x 1 in flight, this store, quiet".into(),
            format!(
                "{quiet_rate:.0} cmd/s, p50 {}, p99 {}",
                ms(pct(&quiet, 0.5)),
                ms(pct(&quiet, 0.99))
            ),
            "",
        ),
        row(
            "  the same while getSnapshots run back to back".into(),
            format!(
                "{loaded_rate:.0} cmd/s, p50 {}, p99 {}",
                ms(pct(&loaded, 0.5)),
                ms(pct(&loaded, 0.99))
            ),
            "p99 <= 2 ms",
        ),
        row(
            format!(
                "  getSnapshot round trip meanwhile, median of {}",
                snapshot_times.len()
            ),
            match snapshot_times.is_empty() {
                true => "none completed".to_string(),
                false => ms(pct(&snapshot_times, 0.5)),
            },
            "report",
        ),
    ]
}
