//! Thread retention (issue 17, dpcode.md §3) against the real binary: the setting's defaults
//! and bad input, and a sweep started by turning it on that archives exactly the old idle
//! threads (threads whose times come from the commands that made them), deletes nothing, and
//! reports `started`, `progress`, `completed` on `server.maintenanceUpdated`, in that order.

mod common;

use common::{Client, ServerBuilder};
use serde_json::{json, Value};

const OLD: &str = "2020-01-01T00:00:00.000Z";

async fn dispatch(client: &mut Client, command: Value) {
    let reply = client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": command}))
        .await;
    assert!(
        reply["result"]["sequence"].is_u64(),
        "not accepted: {reply}"
    );
}

async fn thread(client: &mut Client, id: &str, created_at: &str) {
    dispatch(
        client,
        json!({"type": "thread.create", "commandId": format!("c-{id}"), "threadId": id,
               "projectId": "p", "title": id, "model": "gpt-5.4", "runtimeMode": "full-access",
               "interactionMode": "default", "branch": null, "worktreePath": null,
               "createdAt": created_at}),
    )
    .await;
}

/// The maintenance reports up to and including the next `completed` or `failed` one.
async fn sweep_reports(client: &mut Client) -> Vec<Value> {
    let mut reports = Vec::new();
    loop {
        let v = client.next_json().await;
        if v["channel"] != "server.maintenanceUpdated" {
            continue;
        }
        let data = v["data"].clone();
        let done = data["state"] == "completed" || data["state"] == "failed";
        reports.push(data);
        if done {
            return reports;
        }
    }
}

fn threads(snapshot: &Value) -> Vec<Value> {
    snapshot["result"]["threads"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn turning_retention_on_archives_only_old_idle_threads_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let server = ServerBuilder::new(&state)
        .arg("--auto-bootstrap-project-from-cwd=false")
        .start();
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;

    let settings = client.request(json!({"_tag": "server.getSettings"})).await;
    assert_eq!(
        settings["result"]["threadRetention"],
        json!({"enabled": false, "archiveAfterDays": 30}),
        "{settings}"
    );
    for (patch, field) in [
        (
            json!({"threadRetention": {"archiveAfterDays": 0}}),
            "body.threadRetention.archiveAfterDays",
        ),
        (
            json!({"threadRetention": {"archiveAfterDays": 2.5}}),
            "body.threadRetention.archiveAfterDays",
        ),
        (
            json!({"threadRetention": {"archiveAfterDays": "30"}}),
            "body.threadRetention.archiveAfterDays",
        ),
        (
            json!({"threadRetention": {"enabled": "yes"}}),
            "body.threadRetention.enabled",
        ),
        (
            json!({"threadRetention": {"deleteAfterDays": 7}}),
            "body.threadRetention.deleteAfterDays",
        ),
        (json!({"threadRetention": []}), "body.threadRetention"),
    ] {
        let mut body = json!({"_tag": "server.updateSettings"});
        body.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        let reply = client.request(body).await;
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{patch} → {reply}");
    }

    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    dispatch(
        &mut client,
        json!({"type": "project.create", "commandId": "c-p", "projectId": "p", "title": "p",
               "workspaceRoot": dir.path(), "createdAt": OLD}),
    )
    .await;
    for id in ["old-1", "old-2", "old-archived", "old-deleted"] {
        thread(&mut client, id, OLD).await;
    }
    thread(&mut client, "recent", &now).await;
    // An old thread whose user wrote yesterday is active.
    thread(&mut client, "old-but-talked-to", OLD).await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    dispatch(
        &mut client,
        json!({"type": "thread.turn.start", "commandId": "turn", "threadId": "old-but-talked-to",
               "message": {"messageId": "m1", "role": "user", "text": "still here",
               "attachments": []}, "runtimeMode": "full-access", "interactionMode": "default",
               "createdAt": yesterday}),
    )
    .await;
    dispatch(
        &mut client,
        json!({"type": "thread.archive", "commandId": "a", "threadId": "old-archived"}),
    )
    .await;
    dispatch(
        &mut client,
        json!({"type": "thread.delete", "commandId": "d", "threadId": "old-deleted"}),
    )
    .await;
    let before = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    let archived_before = threads(&before)
        .into_iter()
        .find(|t| t["id"] == "old-archived")
        .map(|t| t["archivedAt"].clone())
        .expect("old-archived");

    // Turning it on sweeps at once (no 5-minute wait).
    let on = client
        .request(json!({"_tag": "server.updateSettings", "threadRetention": {"enabled": true}}))
        .await;
    assert_eq!(
        on["result"]["threadRetention"],
        json!({"enabled": true, "archiveAfterDays": 30}),
        "{on}"
    );
    let reports = sweep_reports(&mut client).await;
    let states: Vec<&str> = reports.iter().filter_map(|r| r["state"].as_str()).collect();
    assert_eq!(states, ["started", "progress", "completed"], "{reports:?}");
    for report in &reports {
        assert_eq!(report["task"], "thread-retention");
        assert!(report["at"].is_string(), "{report}");
        assert_eq!(report["totalCount"], 2, "{report}");
    }
    assert_eq!(reports[0]["archivedCount"], 0);
    assert_eq!(reports[2]["archivedCount"], 2);

    let after = client
        .request(json!({"_tag": "orchestration.getSnapshot"}))
        .await;
    let after = threads(&after);
    assert_eq!(after.len(), 6, "nothing leaves the model");
    for t in &after {
        let id = t["id"].as_str().unwrap_or_default();
        let archived = !t["archivedAt"].is_null();
        match id {
            "old-1" | "old-2" => assert!(archived, "{t}"),
            "old-archived" => assert_eq!(t["archivedAt"], archived_before, "{t}"),
            "recent" | "old-but-talked-to" | "old-deleted" => assert!(!archived, "{t}"),
            other => panic!("unexpected thread {other}"),
        }
        assert_eq!(t["deletedAt"].is_null(), id != "old-deleted", "{t}");
    }

    // Changing the days sweeps again; with nothing left to do it says so.
    client
        .request(
            json!({"_tag": "server.updateSettings", "threadRetention": {"archiveAfterDays": 60}}),
        )
        .await;
    let reports = sweep_reports(&mut client).await;
    let states: Vec<&str> = reports.iter().filter_map(|r| r["state"].as_str()).collect();
    assert_eq!(states, ["started", "completed"], "{reports:?}");
    assert_eq!(reports[1]["totalCount"], 0);
    assert_eq!(reports[1]["archivedCount"], 0);
}
