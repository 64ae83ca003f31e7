use serde_json::json;

use super::*;

fn field_of<T: std::fmt::Debug>(result: Result<T, FieldError>) -> String {
    result.expect_err("refused").field
}

#[test]
fn a_recap_takes_dp_codes_fields_and_limits() {
    let p = decode_thread_recap(&json!({
        "cwd": " /repo ", "newMaterial": "did things", "previousRecap": "",
        "currentState": "green", "codexHomePath": "/ignored",
        "textGenerationModelSelection": {"provider": "claudeAgent", "model": "m"},
        "textGenerationModel": "other"
    }))
    .unwrap();
    assert_eq!(p.cwd, "/repo");
    assert_eq!(p.previous_recap, None);
    assert_eq!(p.current_state.as_deref(), Some("green"));
    assert_eq!(p.choice.model.as_deref(), Some("other"));
    assert_eq!(
        p.choice.selection.map(|s| s.provider),
        Some(AgentKind::ClaudeAgent)
    );
    let long = "x".repeat(NEW_MATERIAL_MAX_CHARS + 1);
    for (body, field) in [
        (json!({"newMaterial": "a"}), "body.cwd"),
        (json!({"cwd": 1, "newMaterial": "a"}), "body.cwd"),
        (json!({"cwd": "/r"}), "body.newMaterial"),
        (
            json!({"cwd": "/r", "newMaterial": "  "}),
            "body.newMaterial",
        ),
        (
            json!({"cwd": "/r", "newMaterial": long}),
            "body.newMaterial",
        ),
        (
            json!({"cwd": "/r", "newMaterial": "a", "previousRecap": "p".repeat(1001)}),
            "body.previousRecap",
        ),
        (
            json!({"cwd": "/r", "newMaterial": "a", "currentState": "s".repeat(4001)}),
            "body.currentState",
        ),
        (
            json!({"cwd": "/r", "newMaterial": "a", "textGenerationModelSelection": {"provider": "nope", "model": "m"}}),
            "body.textGenerationModelSelection.provider",
        ),
        (
            json!({"cwd": "/r", "newMaterial": "a", "textGenerationModel": ""}),
            "body.textGenerationModel",
        ),
        (json!([]), "body"),
    ] {
        assert_eq!(field_of(decode_thread_recap(&body)), field, "{body}");
    }
}

#[test]
fn a_summary_refuses_an_empty_patch_naming_it() {
    let p = decode_summarize_diff(&json!({"cwd": "/r", "patch": "diff --git a/x b/x"})).unwrap();
    assert_eq!(p.patch, "diff --git a/x b/x");
    for body in [
        json!({"cwd": "/r", "patch": ""}),
        json!({"cwd": "/r", "patch": " \n"}),
        json!({"cwd": "/r"}),
        json!({"cwd": "/r", "patch": 3}),
    ] {
        assert_eq!(
            field_of(decode_summarize_diff(&body)),
            "body.patch",
            "{body}"
        );
    }
    let e = decode_summarize_diff(&json!({"cwd": "/r", "patch": ""})).unwrap_err();
    assert!(e.message.contains("empty diff"), "{e}");
}

#[test]
fn a_voice_clip_names_each_bad_field() {
    let good = json!({"provider": "codex", "cwd": "/r", "mimeType": "audio/wav",
        "sampleRateHz": 24000, "durationMs": 1000, "audioBase64": "UklGRg=="});
    let p = decode_transcribe_voice(&good).unwrap();
    assert_eq!(p.sample_rate_hz, 24000);
    assert!(!format!("{p:?}").contains("UklGRg"));
    for (key, bad) in [
        ("provider", json!("nope")),
        ("cwd", json!("")),
        ("threadId", json!("")),
        ("mimeType", json!("m".repeat(101))),
        ("sampleRateHz", json!(-1)),
        ("sampleRateHz", json!("24000")),
        ("durationMs", json!(1.5)),
        ("audioBase64", json!("")),
        ("audioBase64", json!("A".repeat(AUDIO_BASE64_MAX_CHARS + 1))),
    ] {
        let mut body = good.clone();
        body[key] = bad;
        assert_eq!(
            field_of(decode_transcribe_voice(&body)),
            format!("body.{key}")
        );
    }
}
