use serde_json::json;

use super::*;
use crate::protocol::settings::{decode_patch, ServerSettings};

fn configured() -> ServerSettings {
    let patch = decode_patch(
        &json!({"voiceTranscription": {"baseUrl": "http://127.0.0.1:8000", "apiKey": " sk-1 "}}),
        "body",
    )
    .unwrap();
    ServerSettings::default().merged(&patch)
}

#[test]
fn the_key_is_kept_but_never_serialised_or_printed() {
    let settings = configured();
    assert_eq!(
        settings
            .voice_transcription
            .api_key
            .as_ref()
            .map(ApiKey::expose),
        Some("sk-1")
    );
    let shown = serde_json::to_string(&settings).unwrap();
    assert!(!shown.contains("sk-1"), "{shown}");
    assert!(shown.contains("\"apiKeySet\":true"), "{shown}");
    assert!(!format!("{settings:?}").contains("sk-1"));
    // Only the file's form carries it, and reading that back restores it.
    let stored = settings.voice_transcription.stored();
    assert_eq!(stored["apiKey"], "sk-1");
    let again = decode_voice_patch(&stored, "settings.json.voiceTranscription").unwrap();
    assert_eq!(
        VoiceTranscription::default().merged(&again),
        settings.voice_transcription
    );
}

#[test]
fn a_patch_changes_what_it_names_and_null_forgets_all() {
    let voice = configured().voice_transcription;
    let changed =
        voice.merged(&decode_voice_patch(&json!({"model": "m2", "apiKeySet": true}), "v").unwrap());
    assert_eq!(changed.model, "m2");
    assert_eq!(changed.api_key, voice.api_key);
    let cleared =
        changed.merged(&decode_voice_patch(&json!({"apiKey": "", "model": ""}), "v").unwrap());
    assert_eq!(cleared.api_key, None);
    assert_eq!(cleared.model, DEFAULT_VOICE_MODEL);
    assert_eq!(
        voice.merged(&decode_voice_patch(&json!(null), "v").unwrap()),
        VoiceTranscription::default()
    );
}

#[test]
fn bad_values_name_their_field() {
    for (patch, field) in [
        (json!({"baseUrl": "file:///etc"}), "v.baseUrl"),
        (json!({"baseUrl": "https://"}), "v.baseUrl"),
        (json!({"baseUrl": "https://a:b@host"}), "v.baseUrl"),
        (json!({"baseUrl": "https://host/?q=1"}), "v.baseUrl"),
        (json!({"apiKey": "a\nb"}), "v.apiKey"),
        (
            json!({"apiKey": "k".repeat(API_KEY_MAX_CHARS + 1)}),
            "v.apiKey",
        ),
        (json!({"model": 3}), "v.model"),
        (json!({"other": 1}), "v.other"),
        (json!([]), "v"),
    ] {
        assert_eq!(
            decode_voice_patch(&patch, "v").unwrap_err().field,
            field,
            "{patch}"
        );
    }
}
