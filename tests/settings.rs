//! DP Code's settings and provider statuses against the real binary: a patch persists across a
//! restart and reaches a second connection, an unknown key is refused naming it, getConfig keeps
//! codex alone, and refreshProviders answers for every kind.

mod common;

use common::{Client, Server, ServerBuilder};
use serde_json::{json, Value};

const KINDS: [&str; 8] = [
    "codex",
    "claudeAgent",
    "cursor",
    "gemini",
    "grok",
    "kilo",
    "opencode",
    "pi",
];

async fn connect(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/")).await;
    client.welcome().await;
    client
}

/// The next push on `channel`, skipping others (start-up statuses may still be on their way).
async fn push_on(client: &mut Client, channel: &str) -> Value {
    loop {
        let v = client.next_json().await;
        if v["type"] == "push" && v["channel"] == channel {
            return v["data"].clone();
        }
    }
}

#[tokio::test]
async fn a_patch_persists_across_a_restart_and_reaches_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let server = Server::start(&state);
    let mut first = connect(&server).await;
    let mut second = connect(&server).await;

    let defaults = first.request(json!({"_tag": "server.getSettings"})).await;
    let defaults = &defaults["result"];
    assert_eq!(defaults["enableAssistantStreaming"], false);
    assert_eq!(defaults["defaultThreadEnvMode"], "local");
    assert_eq!(defaults["providers"]["claudeAgent"]["binaryPath"], "claude");
    // The test harness names codex through T3CODE_CODEX_BIN.
    assert_eq!(
        defaults["overriddenByFlag"],
        json!(["providers.codex.binaryPath"])
    );
    assert_eq!(
        defaults["providers"]["codex"]["binaryPath"],
        "/nonexistent/t3rs-test-codex"
    );

    let patch = json!({
        "_tag": "server.updateSettings",
        "enableAssistantStreaming": true,
        "defaultThreadEnvMode": "worktree",
        "textGenerationModelSelection": {"provider": "claudeAgent", "model": "claude-haiku-4-5"},
        "providers": {"claudeAgent": {"enabled": true, "customModels": ["my-claude"]}},
        "acpInstances": [{"instanceId": "codex-acp", "command": "/nonexistent/codex-acp", "args": ["--x"]}],
    });
    let answer = first.request(patch).await;
    let settings = answer["result"].clone();
    assert_eq!(settings["enableAssistantStreaming"], true, "{answer}");
    assert_eq!(
        settings["providers"]["claudeAgent"]["customModels"],
        json!(["my-claude"])
    );

    let pushed = push_on(&mut second, "server.settingsUpdated").await;
    assert_eq!(pushed["settings"], settings);
    let pushed = push_on(&mut first, "server.settingsUpdated").await;
    assert_eq!(pushed["settings"], settings);

    // v0.0.4's config keeps codex alone, whatever else is enabled.
    let config = second.request(json!({"_tag": "server.getConfig"})).await;
    let providers = config["result"]["providers"].as_array().unwrap().clone();
    assert_eq!(providers.len(), 1, "{config}");
    assert_eq!(providers[0]["provider"], "codex");

    let models = second
        .request(json!({"_tag": "provider.listModels", "provider": "claudeAgent"}))
        .await;
    let slugs: Vec<&str> = models["result"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"my-claude"), "{models}");
    let composer = second
        .request(json!({"_tag": "provider.getComposerCapabilities", "provider": "codex"}))
        .await;
    assert_eq!(composer["result"]["provider"], "codex", "{composer}");

    drop(first);
    drop(second);
    server.stop();

    let server = ServerBuilder::new(&state)
        .arg("--claude-bin")
        .arg("/nonexistent/t3rs-test-claude")
        .start();
    let mut client = connect(&server).await;
    let reread = client.request(json!({"_tag": "server.getSettings"})).await;
    let reread = &reread["result"];
    for key in [
        "enableAssistantStreaming",
        "defaultThreadEnvMode",
        "textGenerationModelSelection",
        "acpInstances",
    ] {
        assert_eq!(reread[key], settings[key], "{key}");
    }
    assert_eq!(
        reread["providers"]["claudeAgent"]["customModels"],
        json!(["my-claude"])
    );
    assert_eq!(
        reread["providers"]["claudeAgent"]["binaryPath"],
        "/nonexistent/t3rs-test-claude"
    );
    assert_eq!(
        reread["overriddenByFlag"],
        json!([
            "providers.codex.binaryPath",
            "providers.claudeAgent.binaryPath"
        ])
    );

    let refreshed = client
        .request(json!({"_tag": "server.refreshProviders"}))
        .await;
    let statuses = refreshed["result"]["providers"].as_array().unwrap().clone();
    let names: Vec<&str> = statuses
        .iter()
        .map(|s| s["provider"].as_str().unwrap())
        .collect();
    assert_eq!(names[..8], KINDS, "{refreshed}");
    assert_eq!(names[8], "acp");
    assert_eq!(statuses[8]["instanceId"], "codex-acp");
    assert_eq!(statuses[8]["available"], false);
    for status in &statuses {
        for key in [
            "status",
            "available",
            "authStatus",
            "checkedAt",
            "capabilities",
        ] {
            assert!(status.get(key).is_some(), "{key} missing in {status}");
        }
    }
    assert_eq!(statuses[0]["status"], "error");
    assert_eq!(statuses[1]["status"], "error");
    assert!(
        statuses[1]["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/t3rs-test-claude"),
        "{}",
        statuses[1]
    );
    assert_eq!(statuses[2]["message"], "not supported yet");
    let pushed = push_on(&mut client, "server.providerStatusesUpdated").await;
    assert_eq!(
        pushed["providers"].as_array().unwrap().len(),
        statuses.len()
    );
}

#[tokio::test]
async fn an_unknown_key_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("state"));
    let mut client = connect(&server).await;
    for (body, field) in [
        (
            json!({"_tag": "server.updateSettings", "colorTheme": "dark"}),
            "body.colorTheme",
        ),
        (
            json!({"_tag": "server.updateSettings", "providers": {"codex": {"homePath": "/x"}}}),
            "body.providers.codex.homePath",
        ),
        (
            json!({"_tag": "server.updateSettings", "enableAssistantStreaming": "yes"}),
            "body.enableAssistantStreaming",
        ),
    ] {
        let answer = client.request(body).await;
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{answer}");
    }
    // Nothing was saved or changed.
    let settings = client.request(json!({"_tag": "server.getSettings"})).await;
    assert_eq!(settings["result"]["enableAssistantStreaming"], false);
    assert!(!dir.path().join("state").join("settings.json").exists());
    // A refusal wraps nothing; a save the file system refuses carries the OS's words as
    // `cause` (dpcode.md §8), and the settings in effect stay as they were.
    let refused = client
        .request(json!({"_tag": "server.updateSettings", "colorTheme": "dark"}))
        .await;
    assert!(refused["error"].get("cause").is_none(), "{refused}");
    let blocker = dir.path().join("state").join("settings.json");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), "a directory where the file goes").unwrap();
    let failed = client
        .request(json!({"_tag": "server.updateSettings", "enableAssistantStreaming": true}))
        .await;
    let cause = failed["error"]["cause"].as_str().unwrap_or_default();
    assert!(!cause.is_empty(), "{failed}");
    assert!(failed["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("cannot save the settings"));
    let settings = client.request(json!({"_tag": "server.getSettings"})).await;
    assert_eq!(settings["result"]["enableAssistantStreaming"], false);
}
