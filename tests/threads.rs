//! DP Code's thread archive and search (issue 17, dpcode.md §7) against the real binary:
//! archive/unarchive with their refusals, what v0.0.4's channel and replay carry for them,
//! the archive state across a restart, and `orchestration.searchThreads` (ranked results,
//! archived only when asked for, deleted never, every field's bad input named).

mod common;

use common::{Client, Server, ServerBuilder};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";

async fn connect(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

fn start(state: &std::path::Path) -> Server {
    ServerBuilder::new(state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start()
}

async fn dispatch(client: &mut Client, command: Value) -> Value {
    client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await
}

async fn accepted(client: &mut Client, command: Value) -> u64 {
    let reply = dispatch(client, command).await;
    reply["result"]["sequence"]
        .as_u64()
        .unwrap_or_else(|| panic!("not accepted: {reply}"))
}

async fn project(client: &mut Client, root: &std::path::Path) {
    accepted(
        client,
        json!({"type": "project.create", "commandId": "c-p", "projectId": "p", "title": "p",
               "workspaceRoot": root, "createdAt": NOW}),
    )
    .await;
}

async fn thread(client: &mut Client, id: &str, title: &str) {
    accepted(
        client,
        json!({"type": "thread.create", "commandId": format!("c-{id}"), "threadId": id,
               "projectId": "p", "title": title, "model": "gpt-5.4",
               "runtimeMode": "full-access", "interactionMode": "default", "branch": null,
               "worktreePath": null, "createdAt": NOW}),
    )
    .await;
}

async fn say(client: &mut Client, thread: &str, message: &str, text: &str) {
    accepted(
        client,
        json!({"type": "thread.turn.start", "commandId": format!("s-{message}"),
               "threadId": thread, "message": {"messageId": message, "role": "user",
               "text": text, "attachments": []}, "runtimeMode": "full-access",
               "interactionMode": "default", "createdAt": NOW}),
    )
    .await;
}

/// The domainEvent push of event `sequence`, skipping other pushes.
async fn domain_event(client: &mut Client, sequence: u64) -> Value {
    loop {
        let v = client.next_json().await;
        if v["channel"] == "orchestration.domainEvent" && v["data"]["sequence"] == sequence {
            return v["data"].clone();
        }
    }
}

fn snapshot_thread<'a>(snapshot: &'a Value, id: &str) -> &'a Value {
    snapshot["result"]["threads"]
        .as_array()
        .and_then(|threads| threads.iter().find(|t| t["id"] == id))
        .unwrap_or_else(|| panic!("no thread {id}: {snapshot}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn archive_and_unarchive_reach_v004_clients_as_meta_updates_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let server = start(&state);
    let mut client = connect(&server).await;
    let mut watcher = connect(&server).await;
    project(&mut client, dir.path()).await;
    thread(&mut client, "t1", "First").await;
    thread(&mut client, "t2", "Second").await;

    let archived = accepted(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a1", "threadId": "t1"}),
    )
    .await;
    let pushed = domain_event(&mut watcher, archived).await;
    assert_eq!(pushed["type"], "thread.meta-updated", "{pushed}");
    assert_eq!(pushed["aggregateId"], "t1");
    assert_eq!(pushed["commandId"], "a1");
    let archived_at = pushed["payload"]["archivedAt"].clone();
    assert!(archived_at.is_string(), "{pushed}");
    assert_eq!(pushed["payload"]["updatedAt"], archived_at);

    // The refusals name the thread and the rule.
    let again = dispatch(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a1-again", "threadId": "t1"}),
    )
    .await;
    let message = again["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("already archived"), "{again}");
    let unknown = dispatch(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a-x", "threadId": "nope"}),
    )
    .await;
    assert!(
        unknown["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("'nope' does not exist")),
        "{unknown}"
    );
    let not_archived = dispatch(
        &mut client,
        json!({"type": "thread.unarchive", "commandId": "u-2", "threadId": "t2"}),
    )
    .await;
    assert!(
        not_archived["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not archived")),
        "{not_archived}"
    );
    for (command, field) in [
        (
            json!({"type": "thread.archive", "commandId": "b1"}),
            "threadId",
        ),
        (
            json!({"type": "thread.unarchive", "commandId": "b2", "threadId": ""}),
            "threadId",
        ),
        (
            json!({"type": "thread.archive", "threadId": "t2"}),
            "commandId",
        ),
    ] {
        let reply = dispatch(&mut client, command).await;
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{field}: {reply}");
    }
    // A deleted thread can be neither archived nor unarchived.
    accepted(
        &mut client,
        json!({"type": "thread.delete", "commandId": "d2", "threadId": "t2"}),
    )
    .await;
    let deleted = dispatch(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a-2", "threadId": "t2"}),
    )
    .await;
    assert!(
        deleted["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deleted")),
        "{deleted}"
    );

    // getSnapshot keeps the archived thread, with its time; the other one says null.
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    assert_eq!(snapshot_thread(&snapshot, "t1")["archivedAt"], archived_at);
    assert_eq!(snapshot_thread(&snapshot, "t2")["archivedAt"], Value::Null);
    drop((client, watcher));
    server.stop();

    // After a restart the log replays to the same state, and the replay is v0.0.4's shape.
    let server = start(&state);
    let mut client = connect(&server).await;
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    assert_eq!(snapshot_thread(&snapshot, "t1")["archivedAt"], archived_at);
    let unarchived = accepted(
        &mut client,
        json!({"type": "thread.unarchive", "commandId": "u1", "threadId": "t1"}),
    )
    .await;
    let replay = client
        .request(
            json!({"_tag": "orchestration.replayEvents", "fromSequenceExclusive": archived - 1}),
        )
        .await;
    let events = replay["result"].as_array().expect("an array").clone();
    let by_sequence = |s: u64| {
        events
            .iter()
            .find(|e| e["sequence"] == s)
            .cloned()
            .unwrap_or_else(|| panic!("no event {s} in {replay}"))
    };
    let first = by_sequence(archived);
    assert_eq!(first["type"], "thread.meta-updated");
    assert_eq!(first["payload"]["archivedAt"], archived_at);
    let last = by_sequence(unarchived);
    assert_eq!(last["type"], "thread.meta-updated");
    assert_eq!(last["payload"]["archivedAt"], Value::Null);
    assert_eq!(last["commandId"], "u1");
    let snapshot = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    assert_eq!(snapshot_thread(&snapshot, "t1")["archivedAt"], Value::Null);
}

async fn search(client: &mut Client, params: Value) -> Value {
    let mut body = json!({"_tag": "orchestration.searchThreads"});
    if let (Some(body), Some(params)) = (body.as_object_mut(), params.as_object()) {
        body.extend(params.clone());
    }
    client.request(body).await
}

fn ids(reply: &Value) -> Vec<String> {
    reply["result"]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {reply}"))
        .iter()
        .map(|r| r["threadId"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_threads_ranks_titles_and_messages_and_follows_archive_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let server = start(&state);
    let mut client = connect(&server).await;
    project(&mut client, dir.path()).await;
    thread(&mut client, "t-title", "Deploy pipeline").await;
    thread(&mut client, "t-message", "Chores").await;
    say(
        &mut client,
        "t-message",
        "m1",
        "Can you fix the deploy script? It fails on CI.",
    )
    .await;
    thread(&mut client, "t-archived", "Old deploy notes").await;
    thread(&mut client, "t-deleted", "Deploy, deleted").await;
    thread(&mut client, "t-other", "Lunch").await;
    accepted(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a", "threadId": "t-archived"}),
    )
    .await;
    accepted(
        &mut client,
        json!({"type": "thread.delete", "commandId": "d", "threadId": "t-deleted"}),
    )
    .await;

    // Found at once after the acknowledgement: the index is updated before replies go out.
    let reply = search(&mut client, json!({"query": "DEPLOY"})).await;
    assert_eq!(ids(&reply), ["t-title", "t-message"], "{reply}");
    let results = &reply["result"]["results"];
    assert_eq!(results[0]["matchedIn"], "title");
    assert_eq!(results[0]["projectId"], "p");
    assert_eq!(results[0]["title"], "Deploy pipeline");
    assert_eq!(results[1]["matchedIn"], "message");
    assert_eq!(
        results[1]["snippet"],
        "Can you fix the deploy script? It fails on CI."
    );
    assert!(results[0]["score"].as_f64() > results[1]["score"].as_f64());
    assert_eq!(reply["result"]["truncated"], false);

    let reply = search(
        &mut client,
        json!({"query": "deploy", "includeArchived": true}),
    )
    .await;
    assert_eq!(
        ids(&reply),
        ["t-title", "t-archived", "t-message"],
        "{reply}"
    );
    let reply = search(&mut client, json!({"query": "deploy", "limit": 1})).await;
    assert_eq!(ids(&reply), ["t-title"]);
    assert_eq!(reply["result"]["truncated"], true);
    let reply = search(&mut client, json!({"query": "nothing-like-this"})).await;
    assert_eq!(reply["result"], json!({"results": [], "truncated": false}));

    // A rename moves the thread in and out of the results.
    accepted(
        &mut client,
        json!({"type": "thread.meta.update", "commandId": "r", "threadId": "t-other",
               "title": "Deploy lunch"}),
    )
    .await;
    let reply = search(&mut client, json!({"query": "lunch"})).await;
    assert_eq!(ids(&reply), ["t-other"]);

    // Bad input, per field.
    for (params, field) in [
        (json!({}), "query"),
        (json!({"query": ""}), "body.query"),
        (json!({"query": "   "}), "body.query"),
        (json!({"query": 7}), "body.query"),
        (json!({"query": "x".repeat(201)}), "body.query"),
        (json!({"query": "x", "limit": 0}), "body.limit"),
        (json!({"query": "x", "limit": 101}), "body.limit"),
        (json!({"query": "x", "limit": "5"}), "body.limit"),
        (
            json!({"query": "x", "includeArchived": 1}),
            "body.includeArchived",
        ),
    ] {
        let reply = search(&mut client, params.clone()).await;
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{params} → {reply}");
    }
    // The connection is still fine; after a restart the index is built from the log.
    drop(client);
    server.stop();
    let server = start(&state);
    let mut client = connect(&server).await;
    let reply = search(&mut client, json!({"query": "deploy"})).await;
    // "Deploy lunch" and "Deploy pipeline" tie (same words, same times): by id.
    assert_eq!(ids(&reply), ["t-other", "t-title", "t-message"], "{reply}");
}
