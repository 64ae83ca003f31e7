//! DP Code's subscriptions end to end (dpcode.md §2): `subscribeShell` and `subscribeThread`
//! answer a snapshot and then push on `orchestration.shellEvent` / `orchestration.threadEvent`;
//! a subscribed connection no longer gets `orchestration.domainEvent`; thread history pages
//! back from a cursor; a stream that falls behind starts afresh from a snapshot.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{connected, Client, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn server(dir: &std::path::Path) -> Server {
    ServerBuilder::new(&dir.join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
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

fn project(id: &str) -> Value {
    json!({"type": "project.create", "commandId": format!("cp-{id}"), "projectId": id,
           "title": id, "workspaceRoot": "/tmp", "createdAt": NOW})
}

fn thread(id: &str, project: &str) -> Value {
    json!({"type": "thread.create", "commandId": format!("ct-{id}"), "threadId": id,
           "projectId": project, "title": "A thread", "model": "gpt-5.4",
           "runtimeMode": "full-access", "interactionMode": "default",
           "branch": null, "worktreePath": null, "createdAt": NOW})
}

fn rename(thread: &str, n: usize) -> Value {
    json!({"type": "thread.meta.update", "commandId": format!("rn-{thread}-{n}"),
           "threadId": thread, "title": format!("title {n}")})
}

fn turn(thread: &str, n: usize, text: &str) -> Value {
    json!({"type": "thread.turn.start", "commandId": format!("turn-{thread}-{n}"), "threadId": thread,
           "message": {"messageId": format!("{thread}-m{n}"), "role": "user", "text": text, "attachments": []},
           "runtimeMode": "full-access", "interactionMode": "default", "createdAt": NOW})
}

async fn error(client: &mut Client, body: Value) -> String {
    let v = client.request(body).await;
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {v}"))
        .to_string()
}

/// The next push, skipping none.
async fn push(client: &mut Client) -> Value {
    let v = client.next_json().await;
    assert_eq!(v["type"], "push", "expected a push: {v}");
    v
}

/// Pushes until one on `channel` satisfies `done`; returns all pushes read.
async fn pushes_until(client: &mut Client, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let v = push(client).await;
        let stop = done(&v);
        seen.push(v);
        if stop {
            return seen;
        }
    }
}

#[tokio::test]
async fn the_shell_stream_carries_row_changes_instead_of_domain_events() {
    let dir = temp();
    let server = server(dir.path());
    let mut actor = connected(&server).await;
    ok(&mut actor, project("p1")).await;
    ok(&mut actor, thread("t1", "p1")).await;
    ok(&mut actor, thread("gone", "p1")).await;
    ok(
        &mut actor,
        json!({"type": "thread.delete", "commandId": "d1", "threadId": "gone"}),
    )
    .await;
    let mut shell = connected(&server).await;

    let v = shell
        .request(json!({"_tag": "orchestration.subscribeShell"}))
        .await;
    let item = &v["result"];
    assert_eq!(item["kind"], "snapshot", "{v}");
    let snapshot = &item["snapshot"];
    let listed: Vec<&str> = snapshot["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["t1"], "deleted threads are left out");
    assert!(snapshot["threads"][0].get("messages").is_none());
    assert_eq!(snapshot["projects"][0]["id"], "p1");
    let at = snapshot["snapshotSequence"].as_u64().unwrap();
    // getShellSnapshot says the same.
    let same = shell
        .request(json!({"_tag": "orchestration.getShellSnapshot"}))
        .await;
    assert_eq!(same["result"], *snapshot);

    let renamed = ok(&mut actor, rename("t1", 1)).await;
    ok(&mut actor, project("p2")).await;
    let deleted = ok(
        &mut actor,
        json!({"type": "thread.delete", "commandId": "d2", "threadId": "t1"}),
    )
    .await;
    let seen = pushes_until(&mut shell, |v| v["data"]["kind"] == "thread-removed").await;
    let channels: HashSet<&str> = seen
        .iter()
        .map(|v| v["channel"].as_str().unwrap())
        .collect();
    assert_eq!(
        channels,
        HashSet::from(["orchestration.shellEvent"]),
        "{seen:?}"
    );
    let kinds: Vec<&str> = seen
        .iter()
        .map(|v| v["data"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["thread-upserted", "project-upserted", "thread-removed"]
    );
    assert_eq!(seen[0]["data"]["sequence"], renamed);
    assert!(renamed > at);
    assert_eq!(seen[0]["data"]["thread"]["title"], "title 1");
    assert_eq!(
        seen[2]["data"],
        json!({"kind": "thread-removed", "sequence": deleted, "threadId": "t1"})
    );

    // The actor never subscribed: it still has every domain event.
    let domain = pushes_until(&mut actor, |v| {
        v["channel"] == "orchestration.domainEvent" && v["data"]["sequence"] == deleted
    })
    .await;
    // Pushes for everyone (provider statuses after the start-up check) may come between; no
    // stream item does.
    assert!(
        domain.iter().all(|v| !v["channel"]
            .as_str()
            .is_some_and(|c| c == "orchestration.shellEvent" || c == "orchestration.threadEvent")),
        "{domain:?}"
    );
    let sequences: Vec<&Value> = domain
        .iter()
        .filter(|v| v["channel"] == "orchestration.domainEvent")
        .map(|v| &v["data"]["sequence"])
        .collect();
    assert!(sequences.contains(&&json!(renamed)), "{domain:?}");

    // Unsubscribed: null, and nothing more arrives on the stream, nor domain events.
    let v = shell
        .request(json!({"_tag": "orchestration.unsubscribeShell"}))
        .await;
    assert_eq!(v, json!({"id": v["id"]}), "unsubscribe answers null");
    ok(&mut actor, project("p3")).await;
    // A request's answer comes after any push of an earlier event.
    let probe = shell
        .request(json!({"_tag": "orchestration.getShellSnapshot"}))
        .await;
    assert_eq!(probe["result"]["projects"].as_array().unwrap().len(), 3);
    assert!(
        shell_has_no_pushes(&mut shell).await,
        "pushes after unsubscribing"
    );
}

/// Whether nothing but answers arrives before a fresh round trip does.
async fn shell_has_no_pushes(client: &mut Client) -> bool {
    let id = client.send(json!({"_tag": "server.getConfig"})).await;
    loop {
        let v = client.next_json().await;
        if v["type"] == "push" {
            return false;
        }
        if v["id"] == json!(id) {
            return true;
        }
    }
}

#[tokio::test]
async fn a_thread_subscriber_sees_that_thread_only_and_pages_its_history_exactly_once() {
    let dir = temp();
    let server = server(dir.path());
    let mut actor = connected(&server).await;
    ok(&mut actor, project("p1")).await;
    ok(&mut actor, thread("a", "p1")).await;
    ok(&mut actor, thread("b", "p1")).await;
    for n in 0..30 {
        ok(&mut actor, turn("a", n, &format!("message {n}"))).await;
    }
    let mut reader = connected(&server).await;

    let v = reader
        .request(json!({"_tag": "orchestration.subscribeThread", "threadId": "a", "limit": 8}))
        .await;
    let snapshot = v["result"]["snapshot"].clone();
    assert_eq!(v["result"]["kind"], "snapshot", "{v}");
    let window: Vec<String> = snapshot["thread"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(window.len(), 8);
    assert_eq!(window.last().map(String::as_str), Some("a-m29"));
    let mut cursor = snapshot["historyCursor"].clone();
    assert!(cursor.is_string(), "{snapshot}");

    // The thread goes on while the reader pages back; B's events never reach it.
    let mut messages: Vec<String> = window;
    let mut pages = 0;
    while let Some(before) = cursor.as_str().map(str::to_string) {
        ok(&mut actor, turn("a", 100 + pages, "concurrent")).await;
        ok(&mut actor, rename("b", pages)).await;
        let v = reader
            .request(
                json!({"_tag": "orchestration.getThreadHistory", "threadId": "a",
                            "before": before, "limit": 5}),
            )
            .await;
        let page = &v["result"];
        let ids: Vec<String> = page["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect();
        assert!(ids.len() <= 5);
        // Newest first within a page.
        let mut sorted = ids.clone();
        sorted.sort_by_key(|id| id.trim_start_matches("a-m").parse::<u32>().unwrap());
        sorted.reverse();
        assert_eq!(ids, sorted);
        messages.extend(ids);
        cursor = page["historyCursor"].clone();
        pages += 1;
        assert!(pages < 20);
    }
    let unique: BTreeSet<&String> = messages.iter().collect();
    assert_eq!(unique.len(), messages.len(), "an item twice: {messages:?}");
    let wanted: BTreeSet<String> = (0..30).map(|n| format!("a-m{n}")).collect();
    assert_eq!(unique.into_iter().cloned().collect::<BTreeSet<_>>(), wanted);

    // The concurrent turns came as events, for thread A only.
    let last = ok(&mut actor, rename("a", 999)).await;
    let seen = pushes_until(&mut reader, |v| v["data"]["event"]["sequence"] == last).await;
    let at = snapshot["snapshotSequence"].as_u64().unwrap();
    // Domain events of before the subscription may still have been on their way to it.
    let seen: Vec<&Value> = seen
        .iter()
        .filter(|v| {
            v["channel"] != "orchestration.domainEvent" || v["data"]["sequence"].as_u64() > Some(at)
        })
        .collect();
    for v in &seen {
        assert_eq!(v["channel"], "orchestration.threadEvent", "{v}");
        assert_eq!(v["data"]["kind"], "event");
        assert_eq!(v["data"]["event"]["aggregateId"], "a", "{v}");
        assert!(
            v["data"]["event"]["sequence"].as_u64().unwrap()
                > snapshot["snapshotSequence"].as_u64().unwrap()
        );
    }
    let sent: HashSet<&str> = seen
        .iter()
        .filter(|v| v["data"]["event"]["type"] == "thread.message-sent")
        .map(|v| v["data"]["event"]["payload"]["messageId"].as_str().unwrap())
        .collect();
    assert_eq!(
        sent.len(),
        pages,
        "every concurrent message arrived once as an event"
    );

    // Unsubscribed, A's events stop.
    let v = reader
        .request(json!({"_tag": "orchestration.unsubscribeThread", "threadId": "a"}))
        .await;
    assert!(v.get("error").is_none(), "{v}");
    // Events already on their way may still arrive; none of those after the unsubscribe.
    let after = ok(&mut reader, rename("a", 1000)).await;
    let id = reader
        .send(json!({"_tag": "orchestration.getShellSnapshot"}))
        .await;
    loop {
        let v = reader.next_json().await;
        if v["id"] == json!(id) {
            break;
        }
        let sequence = v["data"]["event"]["sequence"].as_u64().unwrap_or(0);
        assert!(sequence < after, "a push after unsubscribing: {v}");
    }
}

#[tokio::test]
async fn subscriptions_refuse_bad_input_naming_the_field_and_keep_the_connection() {
    let dir = temp();
    let server = server(dir.path());
    let mut client = connected(&server).await;
    ok(&mut client, project("p1")).await;
    ok(&mut client, thread("t1", "p1")).await;
    let cases = [
        (
            json!({"_tag": "orchestration.subscribeThread"}),
            "body.threadId",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": "  "}),
            "body.threadId",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": 7}),
            "body.threadId",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": 0}),
            "body.limit",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": 2001}),
            "body.limit",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": "ten"}),
            "body.limit",
        ),
        (
            json!({"_tag": "orchestration.subscribeThread", "threadId": "nope"}),
            "body.threadId",
        ),
        (
            json!({"_tag": "orchestration.unsubscribeThread"}),
            "body.threadId",
        ),
        (
            json!({"_tag": "orchestration.subscribeShell", "includeArchived": "yes"}),
            "body.includeArchived",
        ),
        (
            json!({"_tag": "orchestration.getThreadHistory", "threadId": "t1"}),
            "body.before",
        ),
        (
            json!({"_tag": "orchestration.getThreadHistory", "threadId": "t1", "before": "garbage"}),
            "body.before",
        ),
        (
            json!({"_tag": "orchestration.getThreadHistory", "threadId": "t1", "before": 3}),
            "body.before",
        ),
        (
            json!({"_tag": "orchestration.getThreadHistory", "before": "x"}),
            "body.threadId",
        ),
    ];
    for (body, field) in cases {
        let message = error(&mut client, body.clone()).await;
        assert!(message.contains(field), "{body}: '{message}' lacks {field}");
    }
    // A real cursor, with a bad limit.
    let v = client
        .request(json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": 1}))
        .await;
    assert!(v["result"]["snapshot"]["historyCursor"].is_null(), "{v}");
    ok(&mut client, turn("t1", 1, "one")).await;
    ok(&mut client, turn("t1", 2, "two")).await;
    let v = client
        .request(json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": 1}))
        .await;
    let cursor = v["result"]["snapshot"]["historyCursor"].clone();
    assert!(cursor.is_string(), "{v}");
    for limit in [json!(0), json!(501), json!(1.5)] {
        let body = json!({"_tag": "orchestration.getThreadHistory", "threadId": "t1",
                          "before": cursor, "limit": limit});
        let message = error(&mut client, body).await;
        assert!(message.contains("body.limit"), "{limit}: {message}");
    }
    // Sixteen threads at most per connection; the same thread again replaces its subscription.
    for n in 0..16 {
        ok(&mut client, thread(&format!("s{n}"), "p1")).await;
    }
    for n in 0..15 {
        let v = client
            .request(json!({"_tag": "orchestration.subscribeThread", "threadId": format!("s{n}")}))
            .await;
        assert_eq!(v["result"]["kind"], "snapshot", "{v}");
    }
    let message = error(
        &mut client,
        json!({"_tag": "orchestration.subscribeThread", "threadId": "s15"}),
    )
    .await;
    assert!(message.contains("16 thread subscriptions"), "{message}");
    let again = client
        .request(json!({"_tag": "orchestration.subscribeThread", "threadId": "t1"}))
        .await;
    assert_eq!(again["result"]["kind"], "snapshot", "{again}");
    // One subscription, one copy of each event.
    let last = ok(&mut client, rename("t1", 1)).await;
    let seen = pushes_until(&mut client, |v| v["data"]["event"]["sequence"] == last).await;
    let copies = seen
        .iter()
        .filter(|v| v["data"]["event"]["sequence"] == last)
        .count();
    assert_eq!(copies, 1);
    // Still answering.
    let v = client.request(json!({"_tag": "server.getConfig"})).await;
    assert!(v.get("result").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_falls_behind_gets_a_fresh_snapshot_and_no_gap() {
    let dir = temp();
    // Room for the slow reader's backlog, so its stream falls behind before the connection
    // would be let go.
    let server = ServerBuilder::new(&dir.path().join("state"))
        .arg("--auto-bootstrap-project-from-cwd=false")
        .arg("--push-queue-bytes")
        .arg("536870912")
        .start();
    let mut actor = connected(&server).await;
    ok(&mut actor, project("p1")).await;
    ok(&mut actor, thread("t1", "p1")).await;
    let mut slow = connected(&server).await;
    let v = slow
        .request(json!({"_tag": "orchestration.subscribeThread", "threadId": "t1", "limit": 10}))
        .await;
    assert_eq!(v["result"]["kind"], "snapshot");
    // The slow reader reads nothing now. Large messages fill its socket, so its connection
    // stops taking deliveries; then more than 1,024 small events pile up behind.
    let big = "x".repeat(110_000);
    for n in 0..160 {
        ok(&mut actor, turn("t1", n, &big)).await;
    }
    let mut last = 0;
    for n in 0..1_300 {
        last = ok(&mut actor, rename("t1", n)).await;
    }
    // Now it reads: events in order, then a fresh snapshot, then the events after it.
    let mut before = Vec::new();
    let snapshot = loop {
        let v = push(&mut slow).await;
        assert_eq!(v["channel"], "orchestration.threadEvent", "{v}");
        if v["data"]["kind"] == "snapshot" {
            break v["data"]["snapshot"].clone();
        }
        before.push(v["data"]["event"]["sequence"].as_u64().unwrap());
    };
    let at = snapshot["snapshotSequence"].as_u64().unwrap();
    assert!(before.windows(2).all(|w| w[0] < w[1]));
    assert!(
        before.last().is_some_and(|s| *s <= at),
        "{at} {:?}",
        before.last()
    );
    assert_eq!(snapshot["thread"]["messages"].as_array().unwrap().len(), 10);
    assert!(snapshot["historyCursor"].is_string());
    let mut after = Vec::new();
    if at < last {
        let seen = pushes_until(&mut slow, |v| v["data"]["event"]["sequence"] == last).await;
        after = seen
            .iter()
            .map(|v| v["data"]["event"]["sequence"].as_u64().unwrap())
            .collect();
    }
    // After the snapshot, every later event of the thread, once, in order.
    let mut thread_events = Vec::new();
    let mut from = at;
    while from < last {
        let replayed = actor
            .request(json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": from}))
            .await;
        let page = replayed["result"].as_array().unwrap().clone();
        let Some(end) = page.last() else { break };
        from = end["sequence"].as_u64().unwrap();
        thread_events.extend(
            page.iter()
                .filter(|e| e["aggregateId"] == "t1" && e["sequence"].as_u64().unwrap() <= last)
                .map(|e| e["sequence"].as_u64().unwrap()),
        );
    }
    assert_eq!(after, thread_events);
}
