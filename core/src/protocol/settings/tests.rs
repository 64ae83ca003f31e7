use serde_json::json;

use super::*;

fn err(value: Value) -> FieldError {
    decode_patch(&value, "body").unwrap_err()
}

#[test]
fn defaults_are_dp_codes() {
    let value = serde_json::to_value(ServerSettings::default()).unwrap();
    assert_eq!(value["enableAssistantStreaming"], false);
    assert_eq!(value["defaultThreadEnvMode"], "local");
    assert_eq!(
        value["textGenerationModelSelection"],
        json!({"provider": "codex", "model": "gpt-5.4-mini"})
    );
    let providers = value["providers"].as_object().unwrap();
    let names: Vec<&str> = providers.keys().map(String::as_str).collect();
    let mut expected = AgentKind::ALL.map(AgentKind::as_str).to_vec();
    expected.sort_unstable();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(
        value["providers"]["claudeAgent"],
        json!({"enabled": true, "binaryPath": "claude", "customModels": []})
    );
    assert_eq!(value["providers"]["cursor"]["binaryPath"], "cursor-agent");
    assert_eq!(value["acpInstances"], json!([]));
    // What is saved reads back as a patch onto the defaults, unchanged.
    let patch = decode_patch(&value, "settings.json").unwrap();
    assert_eq!(
        ServerSettings::default().merged(&patch),
        ServerSettings::default()
    );
}

#[test]
fn an_unknown_key_is_a_field_error_naming_it() {
    let e = err(json!({"colorTheme": "dark"}));
    assert_eq!(e.field, "body.colorTheme");
    assert!(e.message.contains("unknown key 'colorTheme'"), "{e}");
    let e = err(json!({"providers": {"codex": {"homePath": "/x"}}}));
    assert_eq!(e.field, "body.providers.codex.homePath");
    let e = err(json!({"providers": {"copilot": {}}}));
    assert_eq!(e.field, "body.providers.copilot");
    assert!(e.message.contains("unknown provider"), "{e}");
    let e =
        err(json!({"textGenerationModelSelection": {"provider": "codex", "model": "m", "x": 1}}));
    assert_eq!(e.field, "body.textGenerationModelSelection.x");
    let e = err(json!({"acpInstances": [{"instanceId": "a", "command": "c", "cwd": "/"}]}));
    assert_eq!(e.field, "body.acpInstances.0.cwd");
}

#[test]
fn bad_types_and_values_are_named_by_field() {
    let cases = [
        (
            json!({"enableAssistantStreaming": "yes"}),
            "body.enableAssistantStreaming",
            "expected a boolean, got a string",
        ),
        (
            json!({"defaultThreadEnvMode": "cloud"}),
            "body.defaultThreadEnvMode",
            "unknown mode 'cloud'",
        ),
        (
            json!({"providers": {"codex": {"enabled": 1}}}),
            "body.providers.codex.enabled",
            "expected a boolean, got a number",
        ),
        (
            json!({"providers": {"codex": []}}),
            "body.providers.codex",
            "expected an object, got an array",
        ),
        (
            json!({"providers": {"pi": {"customModels": ["a", 2]}}}),
            "body.providers.pi.customModels.1",
            "expected a string",
        ),
        (
            json!({"providers": {"pi": {"binaryPath": null}}}),
            "body.providers.pi.binaryPath",
            "got null",
        ),
        (
            json!({"textGenerationModelSelection": {"provider": "gpt", "model": "m"}}),
            "body.textGenerationModelSelection.provider",
            "unknown provider 'gpt'",
        ),
        (
            json!({"textGenerationModelSelection": {"provider": "codex"}}),
            "body.textGenerationModelSelection.model",
            "missing",
        ),
        (
            json!({"textGenerationModelSelection": {"provider": "codex", "model": " "}}),
            "body.textGenerationModelSelection.model",
            "must not be empty",
        ),
        (
            json!({"acpInstances": {}}),
            "body.acpInstances",
            "expected an array",
        ),
        (
            json!({"acpInstances": [{"instanceId": "Codex ACP", "command": "c"}]}),
            "body.acpInstances.0.instanceId",
            "short slug",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a", "command": ""}]}),
            "body.acpInstances.0.command",
            "must not be empty",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a"}]}),
            "body.acpInstances.0.command",
            "missing",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a", "command": "c"}, {"instanceId": "a", "command": "d"}]}),
            "body.acpInstances.1.instanceId",
            "declared twice",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a", "command": "c", "args": [1]}]}),
            "body.acpInstances.0.args.0",
            "expected a string",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a", "command": "c", "env": {"1X": "v"}}]}),
            "body.acpInstances.0.env.1X",
            "variable names",
        ),
        (
            json!({"acpInstances": [{"instanceId": "a", "command": "c", "env": {"X": 1}}]}),
            "body.acpInstances.0.env.X",
            "expected a string",
        ),
        (json!([]), "body", "expected an object"),
    ];
    for (value, field, message) in cases {
        let e = err(value.clone());
        assert_eq!(e.field, field, "{value}: {e}");
        assert!(e.message.contains(message), "{value}: {e}");
    }
}

#[test]
fn a_patch_changes_only_the_keys_it_gives() {
    let base = ServerSettings::default();
    let patch = decode_patch(
        &json!({
            "enableAssistantStreaming": true,
            "providers": {
                "claudeAgent": {"enabled": false, "customModels": ["opus-x", "opus-x", " b "]},
                "codex": {"binaryPath": "/opt/codex"},
            },
            "acpInstances": [{"instanceId": "codex-acp", "command": "npx", "args": ["codex-acp"], "env": {"A_B": "1"}}],
        }),
        "body",
    )
    .unwrap();
    let next = base.merged(&patch);
    assert!(next.enable_assistant_streaming);
    assert_eq!(next.default_thread_env_mode, EnvMode::Local);
    let claude = next.provider(AgentKind::ClaudeAgent);
    assert!(!claude.enabled);
    assert_eq!(claude.binary_path, "claude");
    assert_eq!(claude.custom_models, vec!["opus-x", "b"]);
    let codex = next.provider(AgentKind::Codex);
    assert!(codex.enabled);
    assert_eq!(codex.binary_path, "/opt/codex");
    assert_eq!(next.acp_instances.len(), 1);
    assert_eq!(
        next.acp_instances[0].env.get("A_B").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        next.provider(AgentKind::Gemini),
        base.provider(AgentKind::Gemini)
    );

    // A later patch keeps what the first set, and "" resets a binary to its default.
    let again = decode_patch(
        &json!({"providers": {"codex": {"binaryPath": ""}}, "defaultThreadEnvMode": "worktree"}),
        "body",
    )
    .unwrap();
    let last = next.merged(&again);
    assert_eq!(last.provider(AgentKind::Codex).binary_path, "codex");
    assert_eq!(last.default_thread_env_mode, EnvMode::Worktree);
    assert!(last.enable_assistant_streaming);
    assert!(!last.provider(AgentKind::ClaudeAgent).enabled);
    assert_eq!(last.acp_instances, next.acp_instances);

    // The whole settings round-trip through their saved form.
    let saved = serde_json::to_value(&last).unwrap();
    let back = ServerSettings::default().merged(&decode_patch(&saved, "settings.json").unwrap());
    assert_eq!(back, last);
    let typed: ServerSettings = serde_json::from_value(saved).unwrap();
    assert_eq!(typed, last);
}

#[test]
fn the_view_flattens_and_names_the_flag_overrides() {
    let view = SettingsView {
        settings: ServerSettings::default(),
        overridden_by_flag: vec!["providers.codex.binaryPath".into()],
    };
    let value = serde_json::to_value(view).unwrap();
    assert_eq!(
        value["overriddenByFlag"],
        json!(["providers.codex.binaryPath"])
    );
    assert_eq!(value["enableAssistantStreaming"], false);
}

#[test]
fn provider_refs_decode_kinds_and_acp_instances() {
    assert_eq!(
        decode_provider_ref(
            &json!({"_tag": "provider.listModels", "provider": "claudeAgent", "cwd": "/"})
        )
        .unwrap(),
        ProviderRef::Kind(AgentKind::ClaudeAgent)
    );
    assert_eq!(
        decode_provider_ref(&json!({"provider": "acp", "instanceId": "codex-acp"})).unwrap(),
        ProviderRef::Acp {
            instance_id: "codex-acp".into()
        }
    );
    let e = decode_provider_ref(&json!({"provider": "acp"})).unwrap_err();
    assert_eq!(e.field, "body.instanceId");
    let e = decode_provider_ref(&json!({"provider": "copilot"})).unwrap_err();
    assert_eq!(e.field, "body.provider");
    assert!(e.message.contains("acp"), "{e}");
    let e = decode_provider_ref(&json!({})).unwrap_err();
    assert_eq!(e.field, "body.provider");
}

#[test]
fn statuses_serialise_dp_codes_shape() {
    let status = AgentProviderStatus {
        provider: ACP_PROVIDER.into(),
        status: ProviderState::Error,
        available: false,
        auth_status: AuthStatus::Unknown,
        version: None,
        checked_at: "2024-01-02T03:04:05.678Z".into(),
        message: Some("not found".into()),
        instance_id: Some("codex-acp".into()),
        capabilities: ProviderCapabilities::default(),
        voice_transcription_available: None,
    };
    let value = serde_json::to_value(status).unwrap();
    assert_eq!(value["provider"], "acp");
    assert_eq!(value["instanceId"], "codex-acp");
    assert_eq!(value["authStatus"], "unknown");
    assert_eq!(value["capabilities"]["planMode"], false);
    assert!(value.get("version").is_none());
}
