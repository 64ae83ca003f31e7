use std::time::Duration;

use serde_json::{json, Value};
use t3rs_actors::harness::subscribe_probe;

use super::*;
use crate::protocol::settings::decode_patch;
use crate::provider::health::CommandOutput;

fn parts(dir: &Path, overrides: FlagOverrides) -> SettingsParts {
    SettingsParts {
        path: dir.join(SETTINGS_FILE),
        overrides,
        check_timeout: Duration::from_secs(5),
        share: SettingsShare::default(),
    }
}

fn start(dir: &Path, overrides: FlagOverrides, bus: Addr<PushBus>) -> Addr<SettingsActor> {
    let seed = SettingsSeed {
        parts: parts(dir, overrides),
        bus,
    };
    SettingsActor::new(ChildGuard::detached(), seed).start()
}

fn patch(value: Value) -> SettingsPatch {
    decode_patch(&value, "body").unwrap()
}

/// A `claude` that prints a version, as the real CLI does.
fn fake_claude(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("claude");
    std::fs::write(&path, "#!/bin/sh\necho '2.1.3 (Claude Code)'\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

fn no_codex() -> FlagOverrides {
    FlagOverrides {
        codex_bin: Some("/nonexistent/t3rs-codex".into()),
        claude_bin: None,
    }
}

#[actix::test]
async fn a_patch_is_saved_pushed_and_read_back_by_the_next_incarnation() {
    let dir = tempfile::tempdir().unwrap();
    let bus = PushBus::new(100).start();
    let actor = start(dir.path(), no_codex(), bus.clone());
    // The start-up check is in before the subscription, so only the update's pushes follow.
    let _ = actor.send(RefreshProviders).await.unwrap().unwrap();
    let (_subscriber, mut pushes) = subscribe_probe(&bus).await;

    let answer = actor
        .send(UpdateSettings(patch(json!({
            "enableAssistantStreaming": true,
            "providers": {"claudeAgent": {"enabled": false}},
        }))))
        .await
        .unwrap()
        .unwrap();
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["enableAssistantStreaming"], true);
    assert_eq!(answer["providers"]["claudeAgent"]["enabled"], false);

    let push = pushes.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(push.item.channel, "server.settingsUpdated");
    let data: Value = serde_json::from_str(&push.item.data_json).unwrap();
    assert_eq!(data["settings"], answer);
    let push = pushes.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(push.item.channel, "server.providerStatusesUpdated");
    let data: Value = serde_json::from_str(&push.item.data_json).unwrap();
    assert_eq!(data["providers"][1]["provider"], "claudeAgent");
    assert_eq!(data["providers"][1]["message"], "disabled in settings");

    let saved = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
    assert!(
        saved.contains("\"enableAssistantStreaming\": true"),
        "{saved}"
    );
    let again = start(dir.path(), no_codex(), bus.clone());
    let reread: Value =
        serde_json::from_str(&again.send(GetSettings).await.unwrap().unwrap()).unwrap();
    assert_eq!(reread, answer);

    // An unchanged patch neither saves nor pushes.
    let before = std::fs::metadata(dir.path().join(SETTINGS_FILE))
        .unwrap()
        .modified()
        .unwrap();
    again
        .send(UpdateSettings(patch(
            json!({"enableAssistantStreaming": true}),
        )))
        .await
        .unwrap()
        .unwrap();
    let after = std::fs::metadata(dir.path().join(SETTINGS_FILE))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_damaged_file_gives_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SETTINGS_FILE);
    std::fs::write(&path, "{\"colorTheme\": 1}").unwrap();
    assert_eq!(load(&path), ServerSettings::default());
    std::fs::write(&path, "not json").unwrap();
    assert_eq!(load(&path), ServerSettings::default());
}

#[test]
fn flags_win_over_the_saved_binary_and_are_named() {
    let saved = ServerSettings::default().merged(&patch(json!({
        "providers": {"codex": {"binaryPath": "/saved/codex"}, "claudeAgent": {"binaryPath": "/saved/claude"}},
    })));
    let overrides = FlagOverrides {
        codex_bin: Some("/flag/codex".into()),
        claude_bin: None,
    };
    let view = overrides.view(&saved);
    assert_eq!(view.overridden_by_flag, vec!["providers.codex.binaryPath"]);
    assert_eq!(
        view.settings.provider(AgentKind::Codex).binary_path,
        "/flag/codex"
    );
    assert_eq!(
        view.settings.provider(AgentKind::ClaudeAgent).binary_path,
        "/saved/claude"
    );
    let none = FlagOverrides::default().view(&saved);
    assert!(none.overridden_by_flag.is_empty());
    assert_eq!(none.settings, saved);
}

#[actix::test]
async fn refresh_answers_a_status_for_every_kind_and_instance() {
    let dir = tempfile::tempdir().unwrap();
    let bus = PushBus::new(100).start();
    let overrides = FlagOverrides {
        codex_bin: Some("/nonexistent/t3rs-codex".into()),
        claude_bin: Some(fake_claude(dir.path())),
    };
    let actor = start(dir.path(), overrides, bus);
    actor
        .send(UpdateSettings(patch(json!({
            "acpInstances": [
                // An agent that answers initialize, then would wait for more.
                {"instanceId": "here", "command": "sh", "args": ["-c",
                    "read line; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"agentInfo\":{\"version\":\"9.9\"},\"agentCapabilities\":{\"loadSession\":true}}}'; sleep 30"]},
                {"instanceId": "gone", "command": "/nonexistent/agent-acp"},
                {"instanceId": "mute", "command": "sh", "args": ["-c", "cat > /dev/null"]},
            ],
            "providers": {"pi": {"enabled": false}},
        }))))
        .await
        .unwrap()
        .unwrap();
    let answer = actor.send(RefreshProviders).await.unwrap().unwrap();
    let answer: Value = serde_json::from_str(&answer).unwrap();
    let providers = answer["providers"].as_array().unwrap();
    let names: Vec<&str> = providers
        .iter()
        .map(|p| p["provider"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "codex",
            "claudeAgent",
            "cursor",
            "gemini",
            "grok",
            "kilo",
            "opencode",
            "pi",
            "acp",
            "acp",
            "acp"
        ]
    );
    assert_eq!(providers[0]["status"], "error");
    assert_eq!(providers[0]["capabilities"]["steer"], true);
    assert_eq!(providers[1]["status"], "ready", "{}", providers[1]);
    assert_eq!(providers[1]["version"], "2.1.3");
    assert_eq!(providers[1]["available"], true);
    assert_eq!(providers[1]["authStatus"], "unknown");
    assert_eq!(providers[1]["capabilities"]["rollback"], true);
    assert_eq!(providers[1]["capabilities"]["steer"], false);
    // cursor has no known ACP command; gemini's (`gemini --acp`) is not installed here.
    assert_eq!(providers[2]["status"], "error");
    assert_eq!(providers[2]["message"], NOT_SUPPORTED);
    assert_eq!(providers[3]["status"], "error");
    assert!(
        providers[3]["message"]
            .as_str()
            .unwrap()
            .contains("`gemini` is not installed"),
        "{}",
        providers[3]
    );
    assert_eq!(providers[7]["status"], "warning");
    assert_eq!(providers[8]["instanceId"], "here");
    assert_eq!(providers[8]["status"], "ready", "{}", providers[8]);
    assert_eq!(providers[8]["available"], true);
    assert_eq!(providers[8]["version"], "9.9");
    assert_eq!(providers[8]["capabilities"]["resume"], true);
    assert_eq!(providers[9]["instanceId"], "gone");
    assert_eq!(providers[9]["status"], "error");
    assert_eq!(providers[9]["available"], false);
    let mute = &providers[10];
    assert_eq!(mute["status"], "error");
    assert!(
        mute["message"]
            .as_str()
            .unwrap()
            .contains("does not speak ACP"),
        "{mute}"
    );
    for p in providers {
        assert!(
            p["checkedAt"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{p}"
        );
    }
    let kept = actor.send(ProviderStatuses).await.unwrap();
    assert_eq!(serde_json::to_value(kept).unwrap(), answer["providers"]);
}

#[actix::test]
async fn models_are_built_in_plus_custom() {
    let dir = tempfile::tempdir().unwrap();
    let bus = PushBus::new(100).start();
    let actor = start(dir.path(), no_codex(), bus);
    actor
        .send(UpdateSettings(patch(json!({
            "providers": {"codex": {"customModels": ["gpt-5.4", "my-model"]}, "gemini": {"customModels": ["g-1"]}},
            "acpInstances": [{"instanceId": "codex-acp", "command": "codex-acp"}],
        }))))
        .await
        .unwrap()
        .unwrap();
    let ask = |p: ProviderRef| {
        let asked = actor.send(ListModels(p));
        async move { asked.await.unwrap() }
    };
    let codex: Value =
        serde_json::from_str(&ask(ProviderRef::Kind(AgentKind::Codex)).await.unwrap()).unwrap();
    let slugs: Vec<&str> = codex["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs[0], "gpt-5.4");
    assert_eq!(slugs.last(), Some(&"my-model"));
    assert_eq!(slugs.iter().filter(|s| **s == "gpt-5.4").count(), 1);
    let gemini = ask(ProviderRef::Kind(AgentKind::Gemini)).await.unwrap();
    assert_eq!(gemini, r#"{"models":[{"name":"g-1","slug":"g-1"}]}"#);
    let claude: Value = serde_json::from_str(
        &ask(ProviderRef::Kind(AgentKind::ClaudeAgent))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(!claude["models"].as_array().unwrap().is_empty());
    let acp = ask(ProviderRef::Acp {
        instance_id: "codex-acp".into(),
    })
    .await
    .unwrap();
    assert_eq!(acp, r#"{"models":[]}"#);
    let unknown = ask(ProviderRef::Acp {
        instance_id: "nope".into(),
    })
    .await
    .unwrap_err();
    assert!(unknown.contains("nope"), "{unknown}");
}

#[test]
fn claude_probe_outcomes_become_statuses() {
    let missing = claude_status("claude", &ProbeOutcome::NotFound);
    assert_eq!(missing.status, ProviderState::Error);
    assert!(!missing.available);
    assert!(missing.message.unwrap().contains("not installed"));
    let failed = claude_status(
        "claude",
        &ProbeOutcome::Completed(CommandOutput {
            stdout: String::new(),
            stderr: "\nboom\n".into(),
            code: Some(2),
        }),
    );
    assert_eq!(
        failed.message.as_deref(),
        Some("Claude Code CLI is installed but failed to run. boom")
    );
    let composer = composer_capabilities(&ProviderRef::Kind(AgentKind::ClaudeAgent));
    assert_eq!(composer["provider"], "claudeAgent");
    assert_eq!(composer["supportsRuntimeModelList"], false);
}

#[test]
fn gemini_and_opencode_run_through_acp_with_their_known_arguments() {
    let mut settings = ServerSettings::default();
    settings.providers.insert(
        AgentKind::Gemini,
        crate::protocol::settings::ProviderConfig {
            binary_path: "/opt/gemini".into(),
            ..crate::protocol::settings::ProviderConfig::default_for(AgentKind::Gemini)
        },
    );
    let gemini = acp_instance_of(AgentKind::Gemini, &settings).unwrap();
    assert_eq!(
        (gemini.command.as_str(), gemini.args.clone()),
        ("/opt/gemini", vec!["--acp".to_string()])
    );
    let opencode = acp_instance_of(AgentKind::Opencode, &settings).unwrap();
    assert_eq!(
        (opencode.command.as_str(), opencode.args.clone()),
        ("opencode", vec!["acp".to_string()])
    );
    assert!(acp_instance_of(AgentKind::Cursor, &settings).is_none());
    assert!(acp_instance_of(AgentKind::Codex, &settings).is_none());
    settings
        .providers
        .get_mut(&AgentKind::Gemini)
        .unwrap()
        .enabled = false;
    assert!(acp_instance_of(AgentKind::Gemini, &settings).is_none());
}

#[test]
fn a_claude_code_older_than_2_is_an_error_saying_how_to_upgrade() {
    let ran = |stdout: &str| {
        ProbeOutcome::Completed(CommandOutput {
            stdout: stdout.into(),
            stderr: String::new(),
            code: Some(0),
        })
    };
    let old = claude_status("claude", &ran("1.0.44 (Claude Code)\n"));
    assert_eq!(old.status, ProviderState::Error);
    assert!(!old.available);
    assert_eq!(old.version.as_deref(), Some("1.0.44"));
    let message = old.message.unwrap();
    assert!(
        message.contains("v1.0.44 is too old") && message.contains("v2.0.0 or newer"),
        "{message}"
    );
    let new = claude_status("claude", &ran("2.1.197 (Claude Code)\n"));
    assert_eq!(new.status, ProviderState::Ready);
}
