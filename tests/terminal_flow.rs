//! End-to-end tests of `terminal.ackOutput` flow control (dpcode.md §6): a real bash on a real
//! pty floods output; a connection that has acknowledged once holds the pty's reads while it is
//! 100,000 bytes behind, until it catches up, goes silent for the watchdog's window, or closes.

mod common;

use std::time::{Duration, Instant};

use common::{connected, Client, Server, DEADLINE};
use serde_json::{json, Value};

/// What one read could bring past the pause point: output already read from the pty (a
/// chunk of up to 64 KiB in flight, another being coalesced) plus the prompt. Without flow
/// control the whole flood (about 4 MB) arrives at once.
const SLACK: u64 = 150_000;
const PAUSE_AT: u64 = 100_000;
/// The flood: 3 MB of zeros as base64, about 4 MB of output, then a marker.
const FLOOD: &str = "head -c 3000000 /dev/zero | base64; echo FLOW-$((6*7))\r";
const MARKER: &str = "FLOW-42";

fn start(dir: &std::path::Path, resume_ms: u64) -> Server {
    let mut cmd = common::base_command(&dir.join("state"));
    cmd.arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--cwd")
        .arg(dir)
        .env("SHELL", "/bin/bash")
        .env("HOME", dir)
        .env("PS1", "$ ")
        .env("T3RS_TERMINAL_ACK_RESUME_MS", resume_ms.to_string());
    Server::start_command(cmd)
}

fn open(dir: &std::path::Path) -> Value {
    json!({"_tag": "terminal.open", "threadId": "t", "terminalId": "flow", "cwd": dir.to_string_lossy(), "cols": 100, "rows": 30})
}

fn ack(bytes: u64) -> Value {
    json!({"_tag": "terminal.ackOutput", "threadId": "t", "terminalId": "flow", "bytes": bytes})
}

/// Output received by one client: bytes (as `byteLength` counts them) and whether the marker
/// has been seen.
#[derive(Default)]
struct Received {
    bytes: u64,
    text_tail: String,
    done: bool,
}

impl Received {
    fn take(&mut self, push: &Value) -> u64 {
        let event = &push["data"];
        if push["channel"] != "terminal.event" || event["type"] != "output" {
            return 0;
        }
        let data = event["data"].as_str().unwrap_or_default();
        assert_eq!(
            event["byteLength"],
            data.len(),
            "byteLength is the UTF-8 length"
        );
        self.bytes += data.len() as u64;
        // The marker may straddle two events.
        self.text_tail.push_str(data);
        if self.text_tail.contains(MARKER) {
            self.done = true;
        }
        let chars = self.text_tail.chars().count();
        self.text_tail = self
            .text_tail
            .chars()
            .skip(chars.saturating_sub(16))
            .collect();
        data.len() as u64
    }
}

/// Reads pushes until `stop` says so; returns false when `window` passed first.
async fn read_until(
    client: &mut Client,
    got: &mut Received,
    window: Duration,
    mut stop: impl FnMut(&Received) -> bool,
) -> bool {
    let end = tokio::time::Instant::now() + window;
    while !stop(got) {
        match tokio::time::timeout_at(end, client.next_json()).await {
            Ok(push) => {
                got.take(&push);
            }
            Err(_) => return false,
        }
    }
    true
}

/// Opens the terminal, opts in with an ack, starts the flood and reads to the pause point.
async fn flood_to_the_pause(client: &mut Client, dir: &std::path::Path) -> Received {
    assert!(client.request(open(dir)).await.get("result").is_some());
    let acked = client.request(ack(1)).await;
    assert!(
        acked.get("error").is_none() && acked.get("result").is_none(),
        "null result: {acked}"
    );
    let write =
        json!({"_tag": "terminal.write", "threadId": "t", "terminalId": "flow", "data": FLOOD});
    client.request(write).await;
    let mut got = Received::default();
    assert!(read_until(client, &mut got, DEADLINE, |g| g.bytes >= PAUSE_AT).await);
    got
}

#[tokio::test]
async fn an_acking_client_pauses_the_shell_until_it_catches_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), 60_000);
    let mut client = connected(&server).await;
    let mut got = flood_to_the_pause(&mut client, dir.path()).await;
    // No acks: the pty is not read, the shell blocks, the flood stops short.
    let more = read_until(&mut client, &mut got, Duration::from_millis(1_000), |g| {
        g.done
    })
    .await;
    assert!(!more, "the flood finished without acks");
    assert!(
        got.bytes < PAUSE_AT + SLACK,
        "{} bytes arrived unacked",
        got.bytes
    );
    // Acking what arrived resumes it; acking as it goes lets it finish.
    let mut acked = 0;
    let started = Instant::now();
    while !got.done {
        if got.bytes > acked {
            let _ = client.send(ack((got.bytes - acked).min(8_388_608))).await;
            acked = got.bytes;
        }
        let push = client.next_json().await;
        got.take(&push);
        assert!(started.elapsed() < DEADLINE, "stuck at {} bytes", got.bytes);
    }
    assert!(got.bytes > 3_000_000, "{}", got.bytes);
}

#[tokio::test]
async fn a_silent_acker_is_forgiven_after_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), 1_500);
    let mut client = connected(&server).await;
    let paused_at = Instant::now();
    let mut got = flood_to_the_pause(&mut client, dir.path()).await;
    let reached = got.bytes;
    // Without any ack, output goes on only once the 1.5 s window has passed.
    assert!(
        read_until(&mut client, &mut got, DEADLINE, |g| g.bytes
            >= reached + SLACK)
        .await
    );
    let waited = paused_at.elapsed();
    assert!(
        waited >= Duration::from_millis(1_400),
        "resumed after {waited:?}"
    );
}

#[tokio::test]
async fn a_closed_acker_stops_counting_and_a_silent_reader_is_not_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), 60_000);
    // The acker opts in and then never reads or acks again.
    let mut acker = connected(&server).await;
    assert!(acker
        .request(open(dir.path()))
        .await
        .get("result")
        .is_some());
    assert!(acker.request(ack(1)).await.get("error").is_none());
    // The reader never acks: it is not counted, so it cannot hold the terminal.
    let mut reader = connected(&server).await;
    let write =
        json!({"_tag": "terminal.write", "threadId": "t", "terminalId": "flow", "data": FLOOD});
    reader.request(write).await;
    let mut got = Received::default();
    assert!(read_until(&mut reader, &mut got, DEADLINE, |g| g.bytes >= PAUSE_AT).await);
    let more = read_until(&mut reader, &mut got, Duration::from_millis(1_000), |g| {
        g.done
    })
    .await;
    assert!(!more, "the silent acker did not hold the flood");
    assert!(got.bytes < PAUSE_AT + SLACK, "{}", got.bytes);
    // The acker closes: the flood runs to its end at once (long before the 60 s window).
    drop(acker);
    let closed = Instant::now();
    assert!(read_until(&mut reader, &mut got, DEADLINE, |g| g.done).await);
    assert!(
        closed.elapsed() < Duration::from_secs(15),
        "{:?}",
        closed.elapsed()
    );
}

#[tokio::test]
async fn acking_an_unknown_terminal_is_an_error_without_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), 60_000);
    let mut client = connected(&server).await;
    let reply = client.request(ack(10)).await;
    let message = reply["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("Unknown terminal"), "{reply}");
    assert!(reply["error"].get("cause").is_none());
}
