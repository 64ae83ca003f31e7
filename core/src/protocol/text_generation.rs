//! DP Code's one-shot text generation and voice methods (dpcode.md §3, §4):
//! `server.generateThreadRecap`, `git.summarizeDiff` and `server.transcribeVoice`, decoded field
//! by field with DP Code's limits (C/server.ts:248-283, C/git.ts:105-114). Keys DP Code sends
//! that t3rs does not act on (`codexHomePath`, `providerOptions`) are accepted and ignored.

use serde_json::{Map, Value};

use super::settings::{agent_kind, model_selection, AgentKind, ModelSelection, MODEL_MAX_CHARS};
use crate::field_error::{json_kind, FieldError};

/// DP Code's limits on a recap's inputs (C/server.ts:268-277).
pub const NEW_MATERIAL_MAX_CHARS: usize = 16_000;
pub const PREVIOUS_RECAP_MAX_CHARS: usize = 1_000;
pub const CURRENT_STATE_MAX_CHARS: usize = 4_000;
/// A patch larger than this is refused; the prompt carries only its first
/// [`PATCH_PROMPT_MAX_CHARS`] anyway (DP Code's `limitSection(patch, 50_000)`).
pub const PATCH_MAX_CHARS: usize = 5_000_000;
pub const PATCH_PROMPT_MAX_CHARS: usize = 50_000;
/// DP Code's cap on `audioBase64` (C/server.ts:16): 10 MB of audio and its base64 overhead.
pub const AUDIO_BASE64_MAX_CHARS: usize = 14_000_000;
pub const MIME_TYPE_MAX_CHARS: usize = 100;
const CWD_MAX_CHARS: usize = 4096;
const THREAD_ID_MAX_CHARS: usize = 256;

/// Which model writes the text: the request's `textGenerationModelSelection` (else the
/// settings'), with `textGenerationModel` replacing its model when given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelChoice {
    pub selection: Option<ModelSelection>,
    pub model: Option<String>,
}

/// `server.generateThreadRecap`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadRecapParams {
    pub cwd: String,
    pub new_material: String,
    pub previous_recap: Option<String>,
    pub current_state: Option<String>,
    pub choice: ModelChoice,
}

/// `git.summarizeDiff`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummarizeDiffParams {
    pub cwd: String,
    pub patch: String,
    pub choice: ModelChoice,
}

/// `server.transcribeVoice`. The audio is checked (base64, WAV header, size, duration) where it
/// is decoded, next to the upload; here only its text form is bounded.
#[derive(Clone, PartialEq)]
pub struct TranscribeVoiceParams {
    pub provider: AgentKind,
    pub cwd: String,
    pub thread_id: Option<String>,
    pub mime_type: String,
    pub sample_rate_hz: u64,
    pub duration_ms: u64,
    pub audio_base64: String,
}

/// Not the audio: it can be 14 MB.
impl std::fmt::Debug for TranscribeVoiceParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranscribeVoiceParams")
            .field("provider", &self.provider)
            .field("mime_type", &self.mime_type)
            .field("duration_ms", &self.duration_ms)
            .field("audio_base64_chars", &self.audio_base64.len())
            .finish()
    }
}

fn body(value: &Value) -> Result<&Map<String, Value>, FieldError> {
    value.as_object().ok_or_else(|| {
        FieldError::new(
            "body",
            format!("expected an object, got {}", json_kind(value)),
        )
    })
}

fn string<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, FieldError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(FieldError::new(
            format!("body.{key}"),
            format!("expected a string, got {}", json_kind(other)),
        )),
    }
}

fn required<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, FieldError> {
    string(map, key)?.ok_or_else(|| FieldError::new(format!("body.{key}"), "missing"))
}

/// At most `max` characters; `non_empty` also refuses one that is blank.
fn bounded(raw: &str, key: &str, max: usize, non_empty: bool) -> Result<String, FieldError> {
    let field = format!("body.{key}");
    if non_empty && raw.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let chars = raw.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(raw.to_string())
}

fn cwd(map: &Map<String, Value>) -> Result<String, FieldError> {
    Ok(bounded(required(map, "cwd")?, "cwd", CWD_MAX_CHARS, true)?
        .trim()
        .to_string())
}

/// An optional text: absent, null or blank all mean none.
fn optional(map: &Map<String, Value>, key: &str, max: usize) -> Result<Option<String>, FieldError> {
    match string(map, key)? {
        Some(raw) if !raw.trim().is_empty() => Ok(Some(bounded(raw, key, max, false)?)),
        _ => Ok(None),
    }
}

fn choice(map: &Map<String, Value>) -> Result<ModelChoice, FieldError> {
    let selection = match map.get("textGenerationModelSelection") {
        None | Some(Value::Null) => None,
        Some(value) => Some(model_selection(value, "body.textGenerationModelSelection")?),
    };
    let model = match string(map, "textGenerationModel")? {
        None => None,
        Some(raw) => Some(
            bounded(raw, "textGenerationModel", MODEL_MAX_CHARS, true)?
                .trim()
                .to_string(),
        ),
    };
    Ok(ModelChoice { selection, model })
}

fn non_negative(map: &Map<String, Value>, key: &str) -> Result<u64, FieldError> {
    let field = format!("body.{key}");
    match map.get(key) {
        None | Some(Value::Null) => Err(FieldError::new(field, "missing")),
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            FieldError::new(field, format!("must be a non-negative integer, got {n}"))
        }),
        Some(other) => Err(FieldError::new(
            field,
            format!("expected an integer, got {}", json_kind(other)),
        )),
    }
}

pub fn decode_thread_recap(value: &Value) -> Result<ThreadRecapParams, FieldError> {
    let map = body(value)?;
    let cwd = cwd(map)?;
    let new_material = bounded(
        required(map, "newMaterial")?,
        "newMaterial",
        NEW_MATERIAL_MAX_CHARS,
        true,
    )?;
    Ok(ThreadRecapParams {
        cwd,
        new_material,
        previous_recap: optional(map, "previousRecap", PREVIOUS_RECAP_MAX_CHARS)?,
        current_state: optional(map, "currentState", CURRENT_STATE_MAX_CHARS)?,
        choice: choice(map)?,
    })
}

/// Refuses an empty (or blank) patch, as DP Code does ("Cannot summarize an empty diff").
pub fn decode_summarize_diff(value: &Value) -> Result<SummarizeDiffParams, FieldError> {
    let map = body(value)?;
    let cwd = cwd(map)?;
    let raw = required(map, "patch")?;
    if raw.trim().is_empty() {
        return Err(FieldError::new(
            "body.patch",
            "must not be empty: cannot summarize an empty diff",
        ));
    }
    let patch = bounded(raw, "patch", PATCH_MAX_CHARS, true)?;
    Ok(SummarizeDiffParams {
        cwd,
        patch,
        choice: choice(map)?,
    })
}

pub fn decode_transcribe_voice(value: &Value) -> Result<TranscribeVoiceParams, FieldError> {
    let map = body(value)?;
    let provider = agent_kind(
        map.get("provider")
            .ok_or_else(|| FieldError::new("body.provider", "missing"))?,
        "body.provider",
    )?;
    let cwd = cwd(map)?;
    let thread_id = match string(map, "threadId")? {
        None => None,
        Some(raw) => Some(
            bounded(raw, "threadId", THREAD_ID_MAX_CHARS, true)?
                .trim()
                .to_string(),
        ),
    };
    let mime_type = bounded(
        required(map, "mimeType")?,
        "mimeType",
        MIME_TYPE_MAX_CHARS,
        true,
    )?
    .trim()
    .to_string();
    let sample_rate_hz = non_negative(map, "sampleRateHz")?;
    let duration_ms = non_negative(map, "durationMs")?;
    let audio = required(map, "audioBase64")?;
    // Counted in bytes: base64 is ASCII, and anything else is refused when it is decoded.
    if audio.len() > AUDIO_BASE64_MAX_CHARS {
        return Err(FieldError::new(
            "body.audioBase64",
            format!(
                "must be at most {AUDIO_BASE64_MAX_CHARS} characters (10 MB of audio), got {}",
                audio.len()
            ),
        ));
    }
    if audio.trim().is_empty() {
        return Err(FieldError::new("body.audioBase64", "must not be empty"));
    }
    Ok(TranscribeVoiceParams {
        provider,
        cwd,
        thread_id,
        mime_type,
        sample_rate_hz,
        duration_ms,
        audio_base64: audio.to_string(),
    })
}

#[cfg(test)]
mod tests;
