//! Provider kinds the ACP driver runs by their CLI's known ACP command (`gemini --acp`,
//! `opencode acp`). Neither CLI can reach the scripted model (it serves only the OpenAI and
//! Anthropic APIs), so a stand-in answers for gemini: a script that insists on `--acp` and then
//! runs codex-acp, which does reach it. What is tested is t3rs's side: the command it runs,
//! the thread it serves, the status it reports.

use std::os::unix::fs::PermissionsExt;

use serde_json::{json, Value};

use crate::agent::Agent;
use crate::rig::Rig;

#[tokio::test(flavor = "multi_thread")]
async fn a_gemini_thread_runs_through_the_acp_driver_with_gemini_s_acp_command() {
    if !Agent::CodexAcp.installed() {
        eprintln!("skipped: the pinned codex-acp is not installed (make agents)");
        return;
    }
    let steps = json!([{"text": "hello from codex-acp"}, {"text": "hello from gemini"}]);
    let mut rig = Rig::start(Agent::CodexAcp, steps, false).await;
    // The thread's session is running (on codex-acp) before gemini's path is set: the
    // setting must reach a session that already exists.
    rig.turn("warm up", json!({})).await;
    rig.turn_done().await;
    let gemini = rig.dir().join("gemini");
    let codex_acp = t3rs::testkit::codex_acp_path();
    std::fs::write(
        &gemini,
        format!(
            "#!/bin/sh\n[ \"$*\" = --acp ] || {{ echo \"gemini stand-in: want --acp, got $*\" >&2; exit 2; }}\nexec '{}'\n",
            codex_acp.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&gemini, std::fs::Permissions::from_mode(0o755)).unwrap();
    rig.update_settings(json!({"providers": {"gemini": {"binaryPath": gemini}}}))
        .await;

    let statuses = rig
        .client
        .request(json!({"_tag": "server.refreshProviders"}))
        .await;
    let status: Value = statuses["result"]["providers"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["provider"] == "gemini").cloned())
        .unwrap_or_else(|| panic!("{statuses}"));
    assert_eq!(status["status"], "ready", "{status}");
    assert_eq!(status["capabilities"]["resume"], true, "{status}");

    rig.turn_with(
        json!({"provider": "gemini", "model": "default"}),
        "say hello",
        json!({}),
    )
    .await;
    rig.turn_done().await;
    let answers = rig.answers().await;
    assert!(
        answers
            .last()
            .is_some_and(|a| a.ends_with("hello from gemini")),
        "{answers:?}{}",
        rig.story()
    );
    let thread = rig.thread().await;
    assert_eq!(thread["session"]["providerName"], "gemini");
}
