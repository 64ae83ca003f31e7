//! Bounds a long-running server keeps whatever its clients do.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{Client, ServerBuilder};
use serde_json::json;

fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads: line")
}

/// Each workspace root gets a project actor on its own arbiter, at most 64 live; a retired
/// one's thread must end, so asking about many directories keeps the thread count bounded.
#[tokio::test]
async fn retired_project_arbiters_stop() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("work");
    for n in 0..100 {
        let project = cwd.join(format!("p{n}"));
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(project.join("a.txt"), "a").unwrap();
    }
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--cwd")
        .arg(cwd.to_string_lossy())
        .start();
    let mut client = Client::connect(&server.url("/")).await;
    let mut at_64 = 0;
    for n in 0..100 {
        let project = cwd.join(format!("p{n}")).to_string_lossy().into_owned();
        let v = client
            .request(
                json!({"_tag": "projects.searchEntries", "cwd": project, "query": "a", "limit": 5}),
            )
            .await;
        assert!(v.get("error").is_none(), "{v}");
        if n == 63 {
            at_64 = threads(server.pid());
        }
    }
    // Stopping is asynchronous; give the retired threads a moment to end.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut now = threads(server.pid());
    while now > at_64 + 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        now = threads(server.pid());
    }
    assert!(
        now <= at_64 + 4,
        "threads grew from {at_64} (64 projects) to {now} (100 projects)"
    );
}

/// Past `max_connections` an upgrade is answered with HTTP 503 naming the limit, before any
/// socket exists; a closed connection frees its place.
#[tokio::test]
async fn connections_past_the_cap_get_503() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--max-connections")
        .arg("2")
        .start();
    let mut first = Client::connect(&server.url("/")).await;
    first.welcome().await;
    let mut second = Client::connect(&server.url("/")).await;
    second.welcome().await;
    match Client::connect_with_origin(&server.url("/"), None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503);
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
                .into_owned();
            assert!(body.contains("max_connections = 2"), "{body}");
        }
        Err(other) => panic!("expected HTTP 503, got {other}"),
        Ok(_) => panic!("a third connection was accepted past max_connections = 2"),
    }
    // The first two still work.
    let v = second.request(json!({"_tag": "server.getConfig"})).await;
    assert!(v.get("error").is_none(), "{v}");
    // Closing one frees its place (once its Session has stopped).
    first.ws.close(None).await.unwrap();
    drop(first);
    let deadline = std::time::Instant::now() + common::DEADLINE;
    loop {
        match Client::connect_with_origin(&server.url("/"), None).await {
            Ok(mut third) => {
                third.welcome().await;
                break;
            }
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(err) => panic!("no place freed after a close: {err}"),
        }
    }
}

/// Past `max_requests_in_flight` a request gets an error reply under its own id naming the
/// limit, and the connection stays up.
#[tokio::test]
async fn requests_past_the_in_flight_cap_get_an_error_reply() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--max-requests-in-flight")
        .arg("2")
        .start();
    let mut client = Client::connect(&server.url("/")).await;
    client.welcome().await;
    // One burst: the Session reads them faster than the Engine's flushes answer them.
    let total = 200;
    let mut burst = Vec::new();
    for n in 0..total {
        let command = json!({"type": "project.create", "commandId": format!("c{n}"),
            "projectId": format!("p{n}"), "title": "p", "workspaceRoot": "/tmp",
            "createdAt": "2026-01-01T00:00:00.000Z"});
        let body = json!({"_tag": "orchestration.dispatchCommand", "command": command});
        burst.push(Ok(Message::Text(
            json!({"id": format!("r{n}"), "body": body}).to_string(),
        )));
    }
    client
        .ws
        .send_all(&mut futures_util::stream::iter(burst))
        .await
        .unwrap();
    let mut answered = std::collections::HashSet::new();
    let mut refused = 0;
    while answered.len() < total {
        let v = client.next_json().await;
        if v.get("type") == Some(&json!("push")) {
            continue;
        }
        let id = v["id"].as_str().expect("a reply id").to_string();
        if let Some(error) = v.get("error") {
            let message = error.to_string();
            assert!(message.contains("max_requests_in_flight = 2"), "{message}");
            refused += 1;
        }
        assert!(answered.insert(id), "two replies for one request: {v}");
    }
    assert!(
        refused > 0,
        "no request was refused past max_requests_in_flight = 2"
    );
    assert!(refused < total, "every request was refused");
    // The connection is still up and serves the next request.
    let v = client.request(json!({"_tag": "server.getConfig"})).await;
    assert!(v.get("error").is_none(), "{v}");
}

/// A request sent in continuation frames is put back together and answered; one whose pieces
/// add up to more than the message limit is refused whole, naming the limit; the connection
/// stays up for the next request.
#[tokio::test]
async fn fragmented_messages_are_reassembled_within_the_limit() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--max-message-bytes")
        .arg("2048")
        .start();
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    let send_in_pieces = |text: String, piece: usize| {
        let bytes = text.into_bytes();
        let chunks: Vec<Vec<u8>> = bytes.chunks(piece).map(<[u8]>::to_vec).collect();
        let last = chunks.len() - 1;
        chunks
            .into_iter()
            .enumerate()
            .map(move |(n, chunk)| {
                let opcode = match n {
                    0 => OpCode::Data(Data::Text),
                    _ => OpCode::Data(Data::Continue),
                };
                Message::Frame(Frame::message(chunk, opcode, n == last))
            })
            .collect::<Vec<_>>()
    };
    let request = json!({"id": "in-pieces", "body": {"_tag": "server.getConfig"}}).to_string();
    for frame in send_in_pieces(request, 7) {
        client.ws.send(frame).await.unwrap();
    }
    let answered = client.response("in-pieces").await;
    assert!(answered["result"].is_object(), "{answered}");

    let padding = "x".repeat(3000);
    let too_long =
        json!({"id": "too-long", "body": {"_tag": "server.getConfig", "pad": padding}}).to_string();
    for frame in send_in_pieces(too_long, 1000) {
        client.ws.send(frame).await.unwrap();
    }
    let refused = loop {
        let v = client.next_json().await;
        if v.get("error").is_some() {
            break v;
        }
    };
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("2048-byte limit"), "{refused}");
    let after = client.request(json!({"_tag": "server.getConfig"})).await;
    assert!(after["result"].is_object(), "{after}");
}
