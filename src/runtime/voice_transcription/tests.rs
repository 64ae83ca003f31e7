use super::*;
use crate::protocol::settings::AgentKind;

/// A mono 16-bit PCM WAV of `ms` milliseconds of silence at `rate`.
pub(crate) fn wav(rate: u32, ms: u32) -> Vec<u8> {
    let data_len = rate * 2 * ms / 1000;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.resize(out.len() + data_len as usize, 0);
    out
}

fn params(audio: &[u8]) -> TranscribeVoiceParams {
    TranscribeVoiceParams {
        provider: AgentKind::Codex,
        cwd: "/r".into(),
        thread_id: None,
        mime_type: "audio/wav".into(),
        sample_rate_hz: 24_000,
        duration_ms: 1_000,
        audio_base64: base64::engine::general_purpose::STANDARD.encode(audio),
    }
}

#[test]
fn the_header_gives_rate_and_duration() {
    let info = parse_wav(&wav(24_000, 1_500)).unwrap();
    assert_eq!(
        info,
        WavInfo {
            sample_rate_hz: 24_000,
            channels: 1,
            duration_ms: 1_500
        }
    );
    // A data length past the end (a recorder that never patched it) counts to the end.
    let mut open_ended = wav(24_000, 500);
    let at = open_ended.len() - 24_000 - 4;
    open_ended[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(parse_wav(&open_ended).unwrap().duration_ms, 500);
}

#[test]
fn truncated_and_foreign_headers_are_refused_without_panicking() {
    let good = wav(24_000, 10);
    for cut in 0..60 {
        let _ = parse_wav(&good[..cut.min(good.len())]);
    }
    assert!(parse_wav(b"RIFF\0\0\0\0WAVE").is_err());
    assert!(parse_wav(b"ID3 not a wav at all").is_err());
}

#[test]
fn clips_are_checked_field_by_field() {
    assert!(decode_clip(&params(&wav(24_000, 1_000))).is_ok());
    let field = |p: TranscribeVoiceParams| decode_clip(&p).unwrap_err();
    let mut p = params(&wav(24_000, 1_000));
    p.mime_type = "audio/webm".into();
    assert!(field(p).starts_with("body.mimeType"));
    let mut p = params(&wav(24_000, 1_000));
    p.duration_ms = 120_001;
    assert!(field(p).starts_with("body.durationMs"));
    let mut p = params(&wav(24_000, 1_000));
    p.audio_base64 = "not base64!".into();
    assert!(field(p).starts_with("body.audioBase64"));
    let mut p = params(&wav(24_000, 1_000));
    p.sample_rate_hz = 16_000;
    assert!(field(p).starts_with("body.sampleRateHz"));
    // The header says 121 s although the client claims 1 s.
    let long = field(params(&wav(8_000, 121_000)));
    assert!(long.contains("120 seconds"), "{long}");
}

#[test]
fn the_endpoint_is_derived_from_the_base() {
    let mut config = VoiceTranscription::default();
    assert_eq!(config.endpoint(), None);
    config.base_url = "http://127.0.0.1:9/".into();
    assert_eq!(
        config.endpoint().as_deref(),
        Some("http://127.0.0.1:9/v1/audio/transcriptions")
    );
    config.base_url = "https://api.openai.com/v1".into();
    assert_eq!(
        config.endpoint().as_deref(),
        Some("https://api.openai.com/v1/audio/transcriptions")
    );
    assert_eq!(
        transcribe(&VoiceTranscription::default(), b"").unwrap_err(),
        NOT_CONFIGURED
    );
}

#[test]
fn an_https_endpoint_is_spoken_to_over_tls() {
    // A plain TCP peer that answers a TLS hello with HTTP: the client must refuse it, never
    // fall back to sending the key in the clear.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut hello = [0u8; 5];
        let _ = stream.read_exact(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        hello
    });
    let config = VoiceTranscription {
        base_url: format!("https://127.0.0.1:{port}"),
        api_key: None,
        ..VoiceTranscription::default()
    };
    let err = transcribe(&config, &wav(24_000, 10)).unwrap_err();
    assert!(err.contains("cannot reach"), "{err}");
    // 0x16 is a TLS handshake record.
    assert_eq!(peer.join().unwrap()[0], 0x16);
}
