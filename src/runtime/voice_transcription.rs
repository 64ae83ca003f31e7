//! `server.transcribeVoice` (dpcode.md §3): a recorded WAV clip, checked here, sent to the
//! OpenAI-compatible `/v1/audio/transcriptions` endpoint the settings' `voiceTranscription`
//! names (multipart `file` and `model`, `Authorization: Bearer <apiKey>`), and its `{text}`.
//! DP Code's limits (S/voiceTranscription.ts): WAV only, at most 10 MB and 120 s — the
//! duration read from the WAV header, not taken from the client.
//!
//! The request goes only where the user configured: no proxy from the environment, no
//! redirect followed, and the key travels in that one header and nowhere else.

use std::io::Read;
use std::time::Duration;

use base64::Engine as _;

use crate::protocol::settings::voice::{VoiceTranscription, NOT_CONFIGURED};
use crate::protocol::text_generation::TranscribeVoiceParams;

pub const MAX_AUDIO_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_DURATION_MS: u64 = 120_000;
/// How long the endpoint may take for a 120 s clip.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer read: a transcript of two minutes is a few kilobytes.
const ANSWER_MAX_BYTES: u64 = 1024 * 1024;
const ERROR_BODY_MAX_BYTES: u64 = 4096;

/// What the WAV header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavInfo {
    pub sample_rate_hz: u32,
    pub channels: u16,
    pub duration_ms: u64,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads a RIFF/WAVE header: its `fmt ` chunk and the length of its `data` chunk (a length
/// past the end of the file, as some recorders leave it, counts up to the end).
pub fn parse_wav(bytes: &[u8]) -> Result<WavInfo, String> {
    let not_wav = || "is not a WAV file (no RIFF/WAVE header)".to_string();
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(not_wav());
    }
    let mut at = 12usize;
    let mut format: Option<(u16, u32, u32)> = None;
    let mut data_len: Option<u64> = None;
    while let (Some(id), Some(len)) = (bytes.get(at..at + 4), u32_at(bytes, at + 4)) {
        let start = at + 8;
        let available = bytes.len().saturating_sub(start);
        let len = (len as usize).min(available);
        match id {
            b"fmt " => {
                let channels = u16_at(bytes, start + 2).ok_or_else(not_wav)?;
                let rate = u32_at(bytes, start + 4).ok_or_else(not_wav)?;
                let byte_rate = u32_at(bytes, start + 8).ok_or_else(not_wav)?;
                format = Some((channels, rate, byte_rate));
            }
            b"data" => {
                data_len = Some(len as u64);
                break;
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = match start.checked_add(len + (len & 1)) {
            Some(next) => next,
            None => break,
        };
    }
    let (channels, sample_rate_hz, byte_rate) =
        format.ok_or_else(|| "is a WAV file without a fmt chunk".to_string())?;
    let data_len = data_len.ok_or_else(|| "is a WAV file without a data chunk".to_string())?;
    if channels == 0 || sample_rate_hz == 0 || byte_rate == 0 {
        return Err("is a WAV file with a zero rate or no channels".to_string());
    }
    Ok(WavInfo {
        sample_rate_hz,
        channels,
        duration_ms: data_len.saturating_mul(1000) / u64::from(byte_rate),
    })
}

/// Checks the clip against DP Code's rules; its bytes, ready to send. Errors name the field.
pub fn decode_clip(params: &TranscribeVoiceParams) -> Result<Vec<u8>, String> {
    if !params.mime_type.eq_ignore_ascii_case("audio/wav") {
        return Err(format!(
            "body.mimeType: only audio/wav is supported, got '{}'",
            params.mime_type
        ));
    }
    if params.duration_ms == 0 {
        return Err("body.durationMs: must be positive".to_string());
    }
    if params.duration_ms > MAX_DURATION_MS {
        return Err(format!(
            "body.durationMs: voice messages are limited to 120 seconds, got {} ms",
            params.duration_ms
        ));
    }
    let compact: String = params
        .audio_base64
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let audio = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("body.audioBase64: is not valid base64 ({e})"))?;
    if audio.len() > MAX_AUDIO_BYTES {
        return Err(format!(
            "body.audioBase64: voice messages are limited to 10 MB, got {} bytes",
            audio.len()
        ));
    }
    let info = parse_wav(&audio).map_err(|e| format!("body.audioBase64: {e}"))?;
    if info.duration_ms > MAX_DURATION_MS {
        return Err(format!(
            "body.audioBase64: the recording lasts {} ms by its WAV header; voice messages are \
             limited to 120 seconds",
            info.duration_ms
        ));
    }
    if u64::from(info.sample_rate_hz) != params.sample_rate_hz {
        return Err(format!(
            "body.sampleRateHz: {} does not match the WAV header's {} Hz",
            params.sample_rate_hz, info.sample_rate_hz
        ));
    }
    Ok(audio)
}

/// A multipart/form-data body with `model`, `response_format` and the `file`.
fn multipart(boundary: &str, model: &str, audio: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(audio.len() + 512);
    for (name, value) in [("model", model), ("response_format", "json")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"voice.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(audio);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

fn read_limited(response: ureq::Response, max: u64) -> String {
    let mut text = String::new();
    let _ = response.into_reader().take(max).read_to_string(&mut text);
    text
}

/// The provider's own words from an error body (`{error: {message}}` or `{message}`).
fn upstream_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("message"))
        .or_else(|| value.get("error"))?
        .as_str()?
        .trim();
    (!message.is_empty()).then(|| message.chars().take(500).collect())
}

/// Sends the checked clip to the configured endpoint; the transcript.
pub fn transcribe(config: &VoiceTranscription, audio: &[u8]) -> Result<String, String> {
    let endpoint = config
        .endpoint()
        .ok_or_else(|| NOT_CONFIGURED.to_string())?;
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("t3rs/", env!("CARGO_PKG_VERSION")))
        .build();
    let boundary = format!("t3rs-{}", uuid::Uuid::new_v4().simple());
    let mut request = agent.post(&endpoint).set(
        "Content-Type",
        &format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(key) = &config.api_key {
        request = request.set("Authorization", &format!("Bearer {}", key.expose()));
    }
    let response = match request.send_bytes(&multipart(&boundary, &config.model, audio)) {
        Ok(response) => response,
        Err(ureq::Error::Status(status, response)) => {
            let detail = upstream_message(&read_limited(response, ERROR_BODY_MAX_BYTES))
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            let hint = match status {
                401 | 403 => " (check voiceTranscription.apiKey)",
                404 => " (check voiceTranscription.baseUrl)",
                _ => "",
            };
            return Err(format!(
                "Voice transcription failed: {endpoint} answered HTTP {status}{hint}{detail}"
            ));
        }
        Err(ureq::Error::Transport(err)) => {
            return Err(format!(
                "Voice transcription failed: cannot reach {endpoint}: {err}"
            ))
        }
    };
    let status = response.status();
    if !(200..300).contains(&status) {
        return Err(format!(
            "Voice transcription failed: {endpoint} answered HTTP {status}; redirects are not \
             followed, so set voiceTranscription.baseUrl to where the endpoint really is"
        ));
    }
    let body = read_limited(response, ANSWER_MAX_BYTES);
    let value: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| format!("Voice transcription failed: {endpoint} did not answer JSON ({e})"))?;
    let text = value
        .get("text")
        .or_else(|| value.get("transcript"))
        .and_then(|t| t.as_str())
        .map(str::trim)
        .unwrap_or_default();
    if text.is_empty() {
        return Err(format!(
            "Voice transcription failed: the answer from {endpoint} held no text"
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests;
