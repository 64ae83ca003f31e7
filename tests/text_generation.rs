//! DP Code's one-shot text generation and voice against the real binary (dpcode.md §3, §4):
//! `git.summarizeDiff` and `server.generateThreadRecap` through the real codex CLI and the real
//! Claude Code CLI talking to the scripted model server (the selected model reaches it), and
//! `server.transcribeVoice` against an OpenAI-compatible endpoint served on loopback by this
//! test, whose key `getSettings` and `server.settingsUpdated` never show.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use base64::Engine as _;
use common::{base_command, codex_server_command, Client, FakeModel, Server};
use serde_json::{json, Value};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const PATCH: &str = "diff --git a/greeting.txt b/greeting.txt\nnew file mode 100644\n--- /dev/null\n+++ b/greeting.txt\n@@ -0,0 +1 @@\n+hi\n";

async fn connect(server: &Server) -> Client {
    let mut client = Client::connect(&server.url("/ws")).await;
    client.welcome().await;
    client
}

fn error_of(answer: &Value) -> String {
    answer["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {answer}"))
        .to_string()
}

fn work_dir(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::canonicalize(work).unwrap()
}

async fn add_project(client: &mut Client, work: &Path) {
    let v = client
        .request(json!({"_tag": "orchestration.dispatchCommand", "command": {
            "type": "project.create", "commandId": "c-p", "projectId": "p1", "title": "p1",
            "workspaceRoot": work.to_string_lossy(), "createdAt": NOW}}))
        .await;
    assert!(v["result"]["sequence"].is_u64(), "{v}");
}

#[tokio::test]
async fn codex_writes_summaries_and_recaps_with_the_selected_model() {
    let dir = tempfile::tempdir().unwrap();
    let work = work_dir(dir.path());
    let model = FakeModel::start(
        dir.path(),
        json!([
            {"text": "## Summary\n- Add a greeting.\n\n## Files Changed\n- greeting.txt"},
            {"text": "Recap:  Added the greeting file;\nnext, print it."}
        ]),
    );
    let home = model.codex_home(dir.path());
    let server = Server::start_command(codex_server_command(&dir.path().join("state"), &home));
    let mut c = connect(&server).await;
    add_project(&mut c, &work).await;
    let cwd = work.to_string_lossy().into_owned();
    let set = c
        .request(json!({"_tag": "server.updateSettings",
            "textGenerationModelSelection": {"provider": "codex", "model": "fake-text-model"}}))
        .await;
    assert!(set["result"].is_object(), "{set}");

    let started = std::time::Instant::now();
    let v = c
        .request(json!({"_tag": "git.summarizeDiff", "cwd": cwd, "patch": PATCH}))
        .await;
    eprintln!("codex summarizeDiff round trip: {:?}", started.elapsed());
    assert_eq!(
        v["result"]["summary"], "## Summary\n- Add a greeting.\n\n## Files Changed\n- greeting.txt",
        "{v}"
    );
    let asked = model.requests().last().cloned().unwrap();
    assert!(asked.to_string().contains("+++ b/greeting.txt"), "{asked}");
    assert_eq!(asked["body"]["model"], "fake-text-model", "{asked}");

    // The request's textGenerationModel replaces the settings' model.
    let v = c
        .request(json!({"_tag": "server.generateThreadRecap", "cwd": cwd,
            "newMaterial": "user: add a greeting file\nassistant: added greeting.txt",
            "previousRecap": "Started the demo.", "currentState": "idle",
            "textGenerationModel": "fake-recap-model", "codexHomePath": "/ignored"}))
        .await;
    assert_eq!(
        v["result"]["recap"], "Added the greeting file; next, print it.",
        "{v}"
    );
    let asked = model.requests().last().cloned().unwrap();
    assert_eq!(asked["body"]["model"], "fake-recap-model", "{asked}");
    let text = asked.to_string();
    assert!(text.contains("added greeting.txt") && text.contains("Started the demo."));

    // Bad input, each naming its field; nothing reaches the model.
    let seen = model.requests().len();
    for (body, field) in [
        (
            json!({"_tag": "git.summarizeDiff", "cwd": cwd, "patch": ""}),
            "body.patch",
        ),
        (
            json!({"_tag": "git.summarizeDiff", "cwd": cwd, "patch": "  \n"}),
            "body.patch",
        ),
        (
            json!({"_tag": "git.summarizeDiff", "cwd": cwd}),
            "body.patch",
        ),
        (
            json!({"_tag": "git.summarizeDiff", "patch": PATCH}),
            "body.cwd",
        ),
        (
            json!({"_tag": "git.summarizeDiff", "cwd": "/etc", "patch": PATCH}),
            "body.cwd",
        ),
        (
            json!({"_tag": "git.summarizeDiff", "cwd": cwd, "patch": PATCH, "textGenerationModel": 7}),
            "body.textGenerationModel",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd}),
            "body.newMaterial",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd, "newMaterial": "x".repeat(16_001)}),
            "body.newMaterial",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd, "newMaterial": "a", "previousRecap": "p".repeat(1_001)}),
            "body.previousRecap",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd, "newMaterial": "a", "currentState": "s".repeat(4_001)}),
            "body.currentState",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd, "newMaterial": "a",
                   "textGenerationModelSelection": {"provider": "codex"}}),
            "body.textGenerationModelSelection.model",
        ),
        (
            json!({"_tag": "server.generateThreadRecap", "cwd": "/", "newMaterial": "a"}),
            "body.cwd",
        ),
    ] {
        let message = error_of(&c.request(body.clone()).await);
        assert!(message.contains(field), "{body}: {message}");
    }
    // A provider with no one-shot mode is refused by name.
    let v = c
        .request(
            json!({"_tag": "server.generateThreadRecap", "cwd": cwd, "newMaterial": "a",
            "textGenerationModelSelection": {"provider": "gemini", "model": "g"}}),
        )
        .await;
    assert!(error_of(&v).contains("'gemini'"), "{v}");
    assert_eq!(
        model.requests().len(),
        seen,
        "a refused request reached the model"
    );
    // The connection is still whole.
    let v = c.request(json!({"_tag": "server.getSettings"})).await;
    assert!(v["result"].is_object(), "{v}");
}

#[tokio::test]
async fn claude_code_writes_them_in_print_mode() {
    let dir = tempfile::tempdir().unwrap();
    let work = work_dir(dir.path());
    // `claude -p` offers no tools, so the model server answers it with the script's `side`.
    let model = FakeModel::start_script(
        dir.path(),
        json!({"steps": [{"text": "unused"}], "side": "Reviewed the greeting diff; next, ship it."}),
    );
    let env = model.claude_env(dir.path());
    let mut cmd = base_command(&dir.path().join("state"));
    cmd.arg("--claude-bin")
        .arg(t3rs::testkit::real_claude())
        .arg("--auto-bootstrap-project-from-cwd=false");
    env.apply(&mut cmd);
    let server = Server::start_command(cmd);
    let mut c = connect(&server).await;
    add_project(&mut c, &work).await;
    let cwd = work.to_string_lossy().into_owned();
    let selection = json!({"provider": "claudeAgent", "model": "claude-fake-text"});
    let started = std::time::Instant::now();
    let v = c
        .request(json!({"_tag": "server.generateThreadRecap", "cwd": cwd,
            "newMaterial": "reviewed greeting.txt", "textGenerationModelSelection": selection}))
        .await;
    eprintln!("claude -p recap round trip: {:?}", started.elapsed());
    assert_eq!(
        v["result"]["recap"], "Reviewed the greeting diff; next, ship it.",
        "{v}"
    );
    let asked = model.requests().last().cloned().unwrap();
    assert_eq!(asked["body"]["model"], "claude-fake-text", "{asked}");
    assert!(
        asked.to_string().contains("reviewed greeting.txt"),
        "{asked}"
    );

    // Through the settings' selection this time.
    let set = c
        .request(
            json!({"_tag": "server.updateSettings", "textGenerationModelSelection": selection}),
        )
        .await;
    assert!(set["result"].is_object(), "{set}");
    let v = c
        .request(json!({"_tag": "git.summarizeDiff", "cwd": cwd, "patch": PATCH}))
        .await;
    assert_eq!(
        v["result"]["summary"], "Reviewed the greeting diff; next, ship it.",
        "{v}"
    );
    let asked = model.requests().last().cloned().unwrap();
    assert!(asked.to_string().contains("+++ b/greeting.txt"), "{asked}");
}

/// A mono 16-bit PCM WAV of `ms` milliseconds at `rate` (a tone, so it is not all zeros).
fn wav(rate: u32, ms: u32) -> Vec<u8> {
    let data_len = rate * 2 * ms / 1000;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    for part in [16u32.to_le_bytes().to_vec(), vec![1, 0, 1, 0]] {
        out.extend_from_slice(&part);
    }
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&[2, 0, 16, 0]);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend((0..data_len).map(|i| (i % 251) as u8));
    out
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// What the loopback endpoint received.
struct Received {
    path: String,
    authorization: String,
    body: Vec<u8>,
}

/// An OpenAI-compatible transcription endpoint on 127.0.0.1: answers `{text}` to a request
/// with the right key, 401 with OpenAI's error shape otherwise, and a redirect away for the
/// key "redirect-me". Every request it gets is sent on the channel.
fn serve_transcriptions(key: &'static str) -> (u16, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut length = 0usize;
            let mut authorization = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "authorization" => authorization = value.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let path = request_line
                .split(' ')
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let (status, extra, answer) = if authorization == format!("Bearer {key}") {
                ("200 OK", "", json!({"text": " hello from the loopback "}))
            } else if authorization == "Bearer redirect-me" {
                (
                    "307 Temporary Redirect",
                    "Location: http://127.0.0.1:1/v1/audio/transcriptions\r\n",
                    json!({}),
                )
            } else {
                (
                    "401 Unauthorized",
                    "",
                    json!({"error": {"message": "Incorrect API key provided"}}),
                )
            };
            let answer = answer.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = tx.send(Received {
                path,
                authorization,
                body,
            });
        }
    });
    (port, rx)
}

fn clip(audio: &[u8]) -> Value {
    json!({"_tag": "server.transcribeVoice", "provider": "codex", "cwd": "/anywhere",
        "threadId": "t1", "mimeType": "audio/wav", "sampleRateHz": 24000, "durationMs": 1500,
        "audioBase64": b64(audio)})
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

/// `voiceTranscriptionAvailable` of codex's status, freshly checked.
async fn codex_voice(client: &mut Client) -> Value {
    let v = client
        .request(json!({"_tag": "server.refreshProviders"}))
        .await;
    let providers = v["result"]["providers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let codex = providers.iter().find(|p| p["provider"] == "codex").cloned();
    codex.unwrap_or_else(|| panic!("no codex status: {v}"))["voiceTranscriptionAvailable"].clone()
}

/// The next `server.settingsUpdated` push.
async fn settings_push(client: &mut Client) -> Value {
    loop {
        let v = client.next_json().await;
        if v["type"] == "push" && v["channel"] == "server.settingsUpdated" {
            return v;
        }
    }
}

#[tokio::test]
async fn voice_goes_to_the_configured_endpoint_and_its_key_is_never_shown() {
    const KEY: &str = "sk-test-a-very-secret-key";
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (port, received) = serve_transcriptions(KEY);
    let server = Server::start(&state);
    let mut c = connect(&server).await;
    let audio = wav(24_000, 1_500);

    assert_eq!(codex_voice(&mut c).await, Value::Null);
    // Not configured: the error says which settings to set.
    let v = c.request(json!({"_tag": "server.getSettings"})).await;
    assert_eq!(
        v["result"]["voiceTranscription"],
        json!({"baseUrl": "", "model": "whisper-1", "apiKeySet": false})
    );
    let message = error_of(&c.request(clip(&audio)).await);
    assert!(
        message.contains("voiceTranscription.baseUrl")
            && message.contains("voiceTranscription.apiKey")
            && message.contains("server.updateSettings"),
        "{message}"
    );

    let v = c
        .request(
            json!({"_tag": "server.updateSettings", "voiceTranscription": {
            "baseUrl": format!("http://127.0.0.1:{port}"), "model": "voice-model", "apiKey": KEY}}),
        )
        .await;
    assert_eq!(v["result"]["voiceTranscription"]["apiKeySet"], true, "{v}");
    assert!(
        !v.to_string().contains(KEY),
        "updateSettings showed the key: {v}"
    );
    let pushed = settings_push(&mut c).await;
    assert_eq!(
        pushed["data"]["settings"]["voiceTranscription"]["apiKeySet"],
        true
    );
    assert!(!pushed.to_string().contains(KEY), "the push showed the key");
    let v = c.request(json!({"_tag": "server.getSettings"})).await;
    assert!(
        !v.to_string().contains(KEY),
        "getSettings showed the key: {v}"
    );
    // DP Code's composer reads codex's status to offer the microphone.
    assert_eq!(codex_voice(&mut c).await, json!(true));
    // The file keeps it, owner-only.
    let file = state.join("settings.json");
    assert!(std::fs::read_to_string(&file).unwrap().contains(KEY));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let started = std::time::Instant::now();
    let v = c.request(clip(&audio)).await;
    eprintln!(
        "transcribeVoice round trip (1.5 s clip): {:?}",
        started.elapsed()
    );
    assert_eq!(
        v["result"],
        json!({"text": "hello from the loopback"}),
        "{v}"
    );
    let got = received.recv().unwrap();
    assert_eq!(got.path, "/v1/audio/transcriptions");
    assert_eq!(got.authorization, format!("Bearer {KEY}"));
    let body = String::from_utf8_lossy(&got.body);
    assert!(
        body.contains("name=\"model\"\r\n\r\nvoice-model\r\n"),
        "{body}"
    );
    assert!(
        body.contains("name=\"file\"; filename=\"voice.wav\""),
        "{body}"
    );
    assert!(
        got.body.windows(audio.len()).any(|w| w == audio.as_slice()),
        "the WAV was not sent whole"
    );

    // Refusals, each naming its field; none reaches the endpoint.
    let too_big = {
        let mut big = wav(24_000, 1_000);
        big.resize(10 * 1024 * 1024 + 1, 0);
        big
    };
    for (body, field, says) in [
        (
            with(clip(&audio), "mimeType", json!("audio/webm")),
            "body.mimeType",
            "audio/wav",
        ),
        (
            with(clip(&audio), "audioBase64", json!("%%% not base64")),
            "body.audioBase64",
            "base64",
        ),
        (
            clip(b"ID3\x04 an mp3, not a wav"),
            "body.audioBase64",
            "WAV",
        ),
        (clip(&too_big), "body.audioBase64", "10 MB"),
        // The header says 121 s, whatever durationMs claims.
        (
            with(clip(&wav(8_000, 121_000)), "sampleRateHz", json!(8000)),
            "body.audioBase64",
            "120 seconds",
        ),
        (
            with(clip(&audio), "durationMs", json!(120_001)),
            "body.durationMs",
            "120 seconds",
        ),
        (
            with(clip(&audio), "durationMs", json!(-5)),
            "body.durationMs",
            "",
        ),
        (
            with(clip(&audio), "sampleRateHz", json!(16000)),
            "body.sampleRateHz",
            "24000",
        ),
        (
            with(clip(&audio), "provider", json!("nope")),
            "body.provider",
            "",
        ),
        (with(clip(&audio), "cwd", json!("")), "body.cwd", ""),
    ] {
        let reply = c.request(body).await;
        let message = error_of(&reply);
        assert!(
            message.contains(field) && message.contains(says),
            "{field}: {message}"
        );
        // A refusal t3rs decided itself wraps nothing (dpcode.md §8).
        assert!(reply["error"].get("cause").is_none(), "{reply}");
    }

    // The endpoint's own error comes back with its status; a redirect is not followed.
    for (key, says) in [
        ("sk-wrong", "HTTP 401"),
        ("redirect-me", "redirects are not followed"),
    ] {
        let v = c
            .request(
                json!({"_tag": "server.updateSettings", "voiceTranscription": {"apiKey": key}}),
            )
            .await;
        assert!(v["result"].is_object(), "{v}");
        let reply = c.request(clip(&audio)).await;
        let message = error_of(&reply);
        assert!(message.contains(says), "{message}");
        // The endpoint's answer is the wrapped cause.
        let cause = reply["error"]["cause"].as_str().unwrap_or_default();
        assert!(cause.contains(says), "{reply}");
        if key == "sk-wrong" {
            assert!(message.contains("Incorrect API key provided"), "{message}");
        }
        assert_eq!(
            received.recv().unwrap().authorization,
            format!("Bearer {key}")
        );
    }
    assert!(
        received.try_recv().is_err(),
        "a refused clip reached the endpoint"
    );

    // The key survives a restart (read back from the file), still unseen.
    let v = c
        .request(json!({"_tag": "server.updateSettings", "voiceTranscription": {"apiKey": KEY}}))
        .await;
    assert!(v["result"].is_object(), "{v}");
    drop(c);
    server.stop();
    let server = Server::start(&state);
    let mut c = connect(&server).await;
    let v = c.request(json!({"_tag": "server.getSettings"})).await;
    assert_eq!(v["result"]["voiceTranscription"]["apiKeySet"], true, "{v}");
    assert!(!v.to_string().contains(KEY));
    let v = c.request(clip(&audio)).await;
    assert_eq!(v["result"]["text"], "hello from the loopback", "{v}");

    // null forgets the configuration, key included.
    let v = c
        .request(json!({"_tag": "server.updateSettings", "voiceTranscription": null}))
        .await;
    assert_eq!(v["result"]["voiceTranscription"]["apiKeySet"], false, "{v}");
    assert!(!std::fs::read_to_string(&file).unwrap().contains(KEY));
    for (patch, field) in [
        (
            json!({"baseUrl": "ftp://x"}),
            "body.voiceTranscription.baseUrl",
        ),
        (
            json!({"baseUrl": "http://user:pw@host"}),
            "body.voiceTranscription.baseUrl",
        ),
        (json!({"apiKey": 5}), "body.voiceTranscription.apiKey"),
        (json!({"nope": 1}), "body.voiceTranscription.nope"),
        (json!("x"), "body.voiceTranscription"),
    ] {
        let message = error_of(
            &c.request(json!({"_tag": "server.updateSettings", "voiceTranscription": patch}))
                .await,
        );
        assert!(message.contains(field), "{message}");
    }
}
