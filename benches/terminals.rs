//! `make bench` for terminals, against the release binary: output throughput from one pty to
//! one WebSocket client, keystroke echo latency, and RSS during a 500 MB flood to a client that
//! does not read and to a slow client that acknowledges (`terminal.ackOutput`). Prints a
//! table; asserts nothing.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

mod support;
use support::{connect, pct, rss_kib, spawn_server, Ws};

async fn send(ws: &mut Ws, id: &str, body: Value) {
    ws.send(Message::Text(json!({"id": id, "body": body}).to_string()))
        .await
        .expect("send");
}

fn open(cwd: &std::path::Path, terminal: &str) -> Value {
    json!({"_tag": "terminal.open", "threadId": "bench", "terminalId": terminal, "cwd": cwd.to_string_lossy(), "cols": 120, "rows": 30})
}

fn write(terminal: &str, data: &str) -> Value {
    json!({"_tag": "terminal.write", "threadId": "bench", "terminalId": terminal, "data": data})
}

fn ack(terminal: &str, bytes: u64) -> Value {
    json!({"_tag": "terminal.ackOutput", "threadId": "bench", "terminalId": terminal, "bytes": bytes.clamp(1, 8_388_608)})
}

/// An output push's `byteLength`, found without parsing the push (0 for other frames).
fn byte_length(text: &str) -> u64 {
    const KEY: &str = "\"byteLength\":";
    text.rfind(KEY)
        .map(|at| &text[at + KEY.len()..])
        .map(|rest| {
            rest.bytes()
                .take_while(u8::is_ascii_digit)
                .fold(0, |n, d| n * 10 + u64::from(d - b'0'))
        })
        .unwrap_or(0)
}

/// Reads frames until `needle` appears in one; returns the bytes read.
async fn read_until(ws: &mut Ws, needle: &str) -> usize {
    let mut total = 0;
    loop {
        match ws.next().await.expect("open").expect("frame") {
            Message::Text(text) => {
                total += text.len();
                if text.contains(needle) {
                    return total;
                }
            }
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().to_string_lossy().into_owned();
    // Terminals open in `dir`: the server's --cwd, so requests may name it.
    let support::Started { child, addr, .. } = spawn_server(
        &dir.path().join("state"),
        &["--cwd", home.as_str()],
        &[("SHELL", "/bin/bash"), ("HOME", home.as_str())],
    );
    let pid = child.id();
    std::thread::sleep(Duration::from_millis(300));
    let idle = rss_kib(pid);

    let (throughput, echo) = rt.block_on(async {
        let mut ws = connect(&addr).await;
        send(&mut ws, "o", open(dir.path(), "fast")).await;
        read_until(&mut ws, "\"id\":\"o\"").await;
        // 150 MB of zeros as base64 = 200 MB of terminal output.
        send(
            &mut ws,
            "f",
            write(
                "fast",
                "head -c 150000000 /dev/zero | base64 -w 0; echo; echo TP-$((1+1))\r",
            ),
        )
        .await;
        let started = Instant::now();
        let bytes = read_until(&mut ws, "TP-2").await;
        let throughput = bytes as f64 / started.elapsed().as_secs_f64() / 1e6;

        send(&mut ws, "o2", open(dir.path(), "echo")).await;
        read_until(&mut ws, "\"id\":\"o2\"").await;
        // Let the prompt settle before timing keystrokes.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut echo = Vec::new();
        for i in 0..400 {
            // Typing, not pasting: keys 30 ms apart (a fast typist manages ~60 ms). Keys sent
            // closer than the 16 ms coalescing window wait for it, by design.
            tokio::time::sleep(Duration::from_millis(30)).await;
            let key = if i % 2 == 0 { "x" } else { "\u{7f}" };
            let started = Instant::now();
            send(&mut ws, "k", write("echo", key)).await;
            loop {
                if let Message::Text(text) = ws.next().await.expect("open").expect("frame") {
                    if text.contains("\"type\":\"output\"")
                        && text.contains("\"terminalId\":\"echo\"")
                    {
                        break;
                    }
                }
            }
            echo.push(started.elapsed());
        }
        echo.sort_unstable();
        (throughput, echo)
    });

    // The flood: a client that never reads while 500 MB of output goes by.
    let done = dir.path().join("flood-done");
    let (peak, took) = rt.block_on(async {
        let mut slow = connect(&addr).await;
        send(&mut slow, "o", open(dir.path(), "flood")).await;
        read_until(&mut slow, "\"id\":\"o\"").await;
        let command = format!(
            "head -c 375000000 /dev/zero | base64; touch {}\r",
            done.display()
        );
        send(&mut slow, "f", write("flood", &command)).await;
        let started = Instant::now();
        let mut peak = 0;
        while !done.exists() && started.elapsed() < Duration::from_secs(300) {
            peak = peak.max(rss_kib(pid));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (peak.max(rss_kib(pid)), started.elapsed())
    });

    support::stop(child);

    // The same flood to a slow client that acknowledges: it reads everything, so the terminal
    // outruns it and flow control holds the pty. On a fresh server, measured against its own
    // idle RSS: the floods above leave the allocator's high-water mark behind.
    let support::Started { child, addr, .. } = spawn_server(
        &dir.path().join("state-acked"),
        &["--cwd", home.as_str()],
        &[("SHELL", "/bin/bash"), ("HOME", home.as_str())],
    );
    let pid = child.id();
    let done_acked = dir.path().join("acked-flood-done");
    let (idle_acked, peak_acked, took_acked, read_acked) = rt.block_on(async {
        let mut slow = connect(&addr).await;
        send(&mut slow, "o", open(dir.path(), "acked")).await;
        read_until(&mut slow, "\"id\":\"o\"").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let idle = rss_kib(pid);
        send(&mut slow, "a", ack("acked", 1)).await;
        let command = format!(
            "head -c 375000000 /dev/zero | base64; touch {}\r",
            done_acked.display()
        );
        send(&mut slow, "f", write("acked", &command)).await;
        let started = Instant::now();
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sampling = {
            let peak = std::sync::Arc::clone(&peak);
            let done = done_acked.clone();
            tokio::spawn(async move {
                while !done.exists() && started.elapsed() < Duration::from_secs(300) {
                    peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        // It acknowledges every output push once processed (as DP Code's client does, per
        // parsed write), and takes 2 ms per 64 KiB: slower than the shell.
        let (mut read, mut since_pause) = (0u64, 0u64);
        while !done_acked.exists() && started.elapsed() < Duration::from_secs(300) {
            let frame = match tokio::time::timeout(Duration::from_millis(200), slow.next()).await {
                Ok(frame) => frame.expect("open").expect("frame"),
                Err(_) => continue,
            };
            if let Message::Text(text) = frame {
                let bytes = byte_length(&text);
                if bytes == 0 {
                    continue;
                }
                read += bytes;
                since_pause += bytes;
                if since_pause >= 64 * 1024 {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    since_pause = 0;
                }
                send(&mut slow, "a", ack("acked", bytes)).await;
            }
        }
        let _ = sampling.await;
        let peak = peak
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(rss_kib(pid));
        (idle, peak, started.elapsed(), read)
    });
    support::stop(child);

    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    println!();
    println!("terminals benchmark");
    println!("| {:<46} | {:>18} | {:<26} |", "measure", "t3rs", "target");
    println!("|{}|{}|{}|", "-".repeat(48), "-".repeat(20), "-".repeat(28));
    let rows = [
        (
            "pty -> WebSocket throughput (200 MB)".to_string(),
            format!("{throughput:.0} MB/s"),
            ">= 50 MB/s".to_string(),
        ),
        (
            "keystroke echo latency p50 (keys 30 ms apart)".to_string(),
            ms(pct(&echo, 0.5)),
            String::new(),
        ),
        (
            "keystroke echo latency p99".to_string(),
            ms(pct(&echo, 0.99)),
            String::new(),
        ),
        (
            "idle RSS (one terminal open)".to_string(),
            format!("{:.1} MiB", idle as f64 / 1024.0),
            String::new(),
        ),
        (
            format!(
                "peak RSS, 500 MB flood to a slow client that acks ({:.1} s, {:.0} MB read)",
                took_acked.as_secs_f64(),
                read_acked as f64 / 1e6
            ),
            format!("{:.1} MiB", peak_acked as f64 / 1024.0),
            format!(
                "<= 2x idle ({:.1}) + 1 MiB = {:.1} MiB",
                idle_acked as f64 / 1024.0,
                (2 * idle_acked + 1024) as f64 / 1024.0
            ),
        ),
        (
            format!(
                "peak RSS, 500 MB flood to a silent client ({:.1} s)",
                took.as_secs_f64()
            ),
            format!("{:.1} MiB", peak as f64 / 1024.0),
            format!(
                "<= 2x idle + 1 MiB = {:.1} MiB",
                (2 * idle + 1024) as f64 / 1024.0
            ),
        ),
    ];
    for (name, value, target) in rows {
        println!("| {name:<46} | {value:>18} | {target:<26} |");
    }
}
