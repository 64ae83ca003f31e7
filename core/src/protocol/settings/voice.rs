//! `voiceTranscription`: where `server.transcribeVoice` sends audio. DP Code has no such
//! setting (it borrows codex's ChatGPT login, S/voiceTranscription.ts); t3rs names an
//! OpenAI-compatible endpoint instead: `{baseUrl, model, apiKey}`.
//!
//! The key is a secret: `server.updateSettings` accepts it, `settings.json` keeps it (the file
//! is owner-only), and nothing else ever shows it. Its type has no `Serialize` and a redacted
//! `Debug`, so `getSettings`, `server.settingsUpdated` and logs carry `apiKeySet` instead; only
//! [`VoiceTranscription::stored`] writes the key, for the settings file.

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::field_error::{json_kind, FieldError};

/// The model asked for when the settings name none: OpenAI's, which most compatible servers
/// also accept.
pub const DEFAULT_VOICE_MODEL: &str = "whisper-1";
pub const BASE_URL_MAX_CHARS: usize = 2048;
pub const API_KEY_MAX_CHARS: usize = 4096;
const VOICE_KEYS: &[&str] = &["baseUrl", "model", "apiKey", "apiKeySet"];

/// What to tell a client that asks for voice before it is configured.
pub const NOT_CONFIGURED: &str = "Voice transcription is not configured. Set \
    voiceTranscription.baseUrl (an OpenAI-compatible server, e.g. https://api.openai.com/v1) \
    and voiceTranscription.apiKey with server.updateSettings \
    ({\"voiceTranscription\": {\"baseUrl\": \"…\", \"apiKey\": \"…\", \"model\": \"whisper-1\"}}).";

/// An API key. Never serialised, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for the `Authorization` header and the settings file only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The saved configuration. `base_url` empty means not configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceTranscription {
    pub base_url: String,
    pub model: String,
    pub api_key: Option<ApiKey>,
}

impl Default for VoiceTranscription {
    fn default() -> Self {
        VoiceTranscription {
            base_url: String::new(),
            model: DEFAULT_VOICE_MODEL.to_string(),
            api_key: None,
        }
    }
}

/// What clients see: `{baseUrl, model, apiKeySet}`.
impl Serialize for VoiceTranscription {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({
            "baseUrl": self.base_url,
            "model": self.model,
            "apiKeySet": self.api_key.is_some(),
        })
        .serialize(serializer)
    }
}

impl VoiceTranscription {
    /// The endpoint, when configured: `<baseUrl>/v1/audio/transcriptions`, or
    /// `<baseUrl>/audio/transcriptions` when the base already ends in `/v1` (as OpenAI's
    /// `OPENAI_BASE_URL` does).
    pub fn endpoint(&self) -> Option<String> {
        let base = self.base_url.trim().trim_end_matches('/');
        if base.is_empty() {
            return None;
        }
        Some(match base.ends_with("/v1") {
            true => format!("{base}/audio/transcriptions"),
            false => format!("{base}/v1/audio/transcriptions"),
        })
    }

    /// The settings file's form: the view plus the key.
    pub fn stored(&self) -> Value {
        let mut value = json!({ "baseUrl": self.base_url, "model": self.model });
        if let Some(key) = &self.api_key {
            value["apiKey"] = Value::String(key.expose().to_string());
        }
        value
    }

    pub fn merged(&self, patch: &VoicePatch) -> VoiceTranscription {
        match patch {
            VoicePatch::Reset => VoiceTranscription::default(),
            VoicePatch::Change {
                base_url,
                model,
                api_key,
            } => VoiceTranscription {
                base_url: base_url.clone().unwrap_or_else(|| self.base_url.clone()),
                model: match model.as_deref() {
                    Some("") => DEFAULT_VOICE_MODEL.to_string(),
                    Some(model) => model.to_string(),
                    None => self.model.clone(),
                },
                api_key: match api_key.as_deref() {
                    Some("") => None,
                    Some(key) => Some(ApiKey(key.to_string())),
                    None => self.api_key.clone(),
                },
            },
        }
    }
}

/// `voiceTranscription` in a patch: `null` forgets the whole configuration (key included); an
/// object changes the keys it gives, `""` clearing one (the model back to its default).
/// `apiKeySet` (what getSettings shows) is accepted and ignored, so a view can be sent back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoicePatch {
    Reset,
    Change {
        base_url: Option<String>,
        model: Option<String>,
        api_key: Option<String>,
    },
}

fn text(
    map: &Map<String, Value>,
    key: &str,
    field: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let field = format!("{field}.{key}");
    let raw = match map.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim(),
        Some(other) => {
            return Err(FieldError::new(
                field,
                format!("expected a string, got {}", json_kind(other)),
            ))
        }
    };
    let chars = raw.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(raw.to_string()))
}

/// An `http://` or `https://` URL with a host, no credentials in it, no query or fragment.
fn check_base_url(url: &str, field: &str) -> Result<(), FieldError> {
    let field = format!("{field}.baseUrl");
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            FieldError::new(
                &field,
                format!("must start with http:// or https://, got '{url}'"),
            )
        })?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(FieldError::new(field, "names no host"));
    }
    if host.contains('@') {
        return Err(FieldError::new(
            field,
            "must not carry credentials; set voiceTranscription.apiKey instead",
        ));
    }
    if url.contains(['?', '#', ' ']) {
        return Err(FieldError::new(
            field,
            "must be a plain base URL (no query, fragment or spaces)",
        ));
    }
    Ok(())
}

pub fn decode_voice_patch(value: &Value, field: &str) -> Result<VoicePatch, FieldError> {
    let map = match value {
        Value::Null => return Ok(VoicePatch::Reset),
        Value::Object(map) => map,
        other => {
            return Err(FieldError::new(
                field,
                format!("expected an object or null, got {}", json_kind(other)),
            ))
        }
    };
    if let Some(key) = map.keys().find(|k| !VOICE_KEYS.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("{field}.{key}"),
            format!("unknown key '{key}'; expected one of baseUrl, model, apiKey"),
        ));
    }
    let base_url = text(map, "baseUrl", field, BASE_URL_MAX_CHARS)?;
    if let Some(url) = base_url.as_deref().filter(|u| !u.is_empty()) {
        check_base_url(url, field)?;
    }
    Ok(VoicePatch::Change {
        base_url,
        model: text(map, "model", field, super::MODEL_MAX_CHARS)?,
        api_key: text(map, "apiKey", field, API_KEY_MAX_CHARS)?,
    })
}

#[cfg(test)]
mod tests;
