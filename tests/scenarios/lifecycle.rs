//! What happens around turns, whatever the agent: an interrupt, the agent killed, a server
//! restart, a revert, a follow-up queued or steered into a running turn, and a switch of agent
//! in the middle of a thread.

use std::process::Command;

use serde_json::json;

use crate::agent::Agent;
use crate::rig::{Rig, Setup, MISSING, NOW};

pub async fn interrupt_then_next_turn(agent: Agent) {
    let steps = json!([agent.busy(), {"text": "back again", "chunks": 2}]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("keep busy", json!({})).await;
    rig.until_busy("keep busy").await;
    rig.interrupt().await;
    rig.activity("turn.interrupted").await;
    rig.turn_done().await;

    rig.turn("now answer", json!({})).await;
    rig.turn_done().await;
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with("back again")),
        "{agent:?}: {answers:?}{}",
        rig.story()
    );
    assert_eq!(rig.session_status().await, "ready");
}

pub async fn killed_mid_turn_then_next_turn(agent: Agent) {
    let steps = json!([agent.busy(), {"text": "back again", "chunks": 2}]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("keep busy", json!({})).await;
    rig.until_busy("keep busy").await;
    let pid = rig.the_agent_pid();
    // Each agent runs in a process group of its own (npm wrappers start a native child).
    let group = pid;
    assert!(Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap()
        .success());
    let exited = rig.activity("provider.session.exited").await;
    let detail = exited["payload"]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("SIGKILL"), "{agent:?}: {exited}");
    rig.turn_done().await;
    let thread = rig.thread().await;
    assert_eq!(
        thread["session"]["status"],
        "error",
        "{}{}",
        thread["session"],
        rig.story()
    );
    assert!(thread["session"]["lastError"]
        .as_str()
        .is_some_and(|e| e.contains("SIGKILL")));
    rig.until_group_gone(group);

    rig.turn("now answer", json!({})).await;
    rig.turn_done().await;
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with("back again")),
        "{agent:?}: {answers:?}{}",
        rig.story()
    );
    assert_eq!(rig.session_status().await, "ready");
}

pub async fn a_restart_resumes_the_conversation(agent: Agent) {
    let steps = json!([{"text": "first answer", "chunks": 2}, {"text": "second answer"}]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("remember the word pelican", json!({})).await;
    rig.turn_done().await;
    rig.restart().await;
    rig.turn("what was the word?", json!({})).await;
    rig.turn_done().await;
    assert!(
        rig.activities("provider.thread.resume-failed").is_empty(),
        "{agent:?}: the resume fell back: {:?}",
        rig.events
    );
    let requests = rig.main_requests();
    let last = requests.last().expect("a request");
    assert!(
        last.contains("pelican") && last.contains("what was the word"),
        "{agent:?}: the resumed conversation lacks turn 1: {last}"
    );
}

pub async fn revert_does_what_the_capability_says(agent: Agent) {
    revert_to_the_first_turn(agent, false).await;
}

/// A restart between the two turns: the agent's process and the driver's memory are new,
/// and this session has not run a turn yet when the revert comes. The revert still leaves the
/// agent knowing turn 1 and not turn 2 (Claude Code, which did not see where turn 2 began,
/// starts over with the transcript and says so).
pub async fn revert_after_a_restart(agent: Agent) {
    revert_to_the_first_turn(agent, true).await;
}

async fn revert_to_the_first_turn(agent: Agent, restart: bool) {
    let steps =
        json!([{"text": "noted pelican"}, {"text": "noted albatross"}, {"text": "the bird"}]);
    let mut rig = Rig::start(agent, steps, true).await;
    rig.turn("the first bird is pelican", json!({})).await;
    rig.turn_done().await;
    if restart {
        rig.restart().await;
    }
    rig.turn("the second bird is albatross", json!({})).await;
    rig.turn_done().await;
    if restart {
        rig.restart().await;
    }
    rig.ok(
        json!({"type": "thread.checkpoint.revert", "commandId": "r1", "threadId": "t1",
                  "turnCount": 1, "createdAt": NOW}),
    )
    .await;
    rig.until("the revert", |e| e["type"] == "thread.reverted")
        .await;
    let unsupported = rig.activities("provider.rollback.unsupported");
    let rolls_back = agent.expect().rollback && !(restart && agent == Agent::Claude);
    if rolls_back {
        assert!(unsupported.is_empty(), "{agent:?}: {unsupported:?}");
    } else {
        assert_eq!(
            unsupported.len(),
            1,
            "{agent:?}: nothing said the conversation starts over{}",
            rig.story()
        );
    }

    rig.turn("which birds?", json!({})).await;
    rig.turn_done().await;
    let requests = rig.main_requests();
    let last = requests.last().expect("a request");
    // Rolled back or started anew with the remaining transcript: turn 1 is known, turn 2 not.
    assert!(
        last.contains("pelican"),
        "{agent:?}: turn 1 was lost: {last}"
    );
    assert!(
        !last.contains("albatross"),
        "{agent:?}: the agent still remembers the undone turn: {last}"
    );
}

/// Turn 1 waits on an approval, so a follow-up certainly arrives while it runs.
async fn rig_with_a_waiting_turn(agent: Agent) -> (Rig, serde_json::Value) {
    let steps = json!([
        agent.asked_shell("echo one > one.txt"),
        {"text": "first done"},
        {"text": "second done"}
    ]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("write one.txt", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    (rig, asked)
}

pub async fn a_queued_follow_up_starts_after_the_turn(agent: Agent) {
    let (mut rig, asked) = rig_with_a_waiting_turn(agent).await;
    rig.turn("the queued message", json!({"dispatchMode": "queue"}))
        .await;
    rig.activity("turn.queued").await;
    assert!(
        !rig.model_saw("the queued message"),
        "{agent:?}: a queued message reached the agent during the turn"
    );
    rig.decide(&asked, "accept").await;
    let first = rig.turn_done().await;
    let second = rig.turn_done().await;
    assert_ne!(first["payload"]["turnId"], second["payload"]["turnId"]);
    // The queued turn started after the first had ended.
    let position = |kind: &str| {
        rig.events
            .iter()
            .position(|e| e["payload"]["activity"]["kind"] == kind)
    };
    let first_end = rig
        .events
        .iter()
        .position(|e| e["type"] == "thread.turn-diff-completed");
    assert!(position("turn.dequeued") > first_end, "{agent:?}");
    let requests = rig.main_requests();
    let queued_at = requests
        .iter()
        .position(|r| r.contains("the queued message"))
        .expect("the queued message reached the model");
    let ran_at = requests
        .iter()
        .position(|r| r.contains("one.txt"))
        .expect("turn 1 reached the model");
    assert!(ran_at < queued_at, "{agent:?}");
    assert!(!requests[..queued_at]
        .iter()
        .any(|r| r.contains("the queued message")));
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with("second done")),
        "{agent:?}: {answers:?}{}",
        rig.story()
    );
}

pub async fn a_steer_reaches_the_running_turn(agent: Agent) {
    let (mut rig, asked) = rig_with_a_waiting_turn(agent).await;
    rig.turn("also mention the steer", json!({"dispatchMode": "steer"}))
        .await;
    if agent.expect().steer {
        // Steered into the running turn: no interrupt, and the agent's next request within
        // the same turn carries the message.
        rig.decide(&asked, "accept").await;
        rig.turn_done().await;
        assert!(rig.activities("turn.interrupted").is_empty(), "{agent:?}");
        assert!(rig.model_saw("also mention the steer"), "{agent:?}");
        assert!(std::fs::read_to_string(rig.work.join("one.txt")).is_ok());
    } else {
        // No steering: the running turn is interrupted and the message starts a turn of its own.
        rig.activity("turn.interrupted").await;
        rig.turn_done().await;
        rig.turn_done().await;
        assert!(rig.model_saw("also mention the steer"), "{agent:?}");
        assert!(
            !rig.work.join("one.txt").exists(),
            "{agent:?}: the interrupted turn's command ran"
        );
    }
}

pub async fn switching_agent_carries_the_transcript(agent: Agent) {
    let first = agent.other();
    let steps = json!([{"text": "noted pelican"}, {"text": "it was a pelican"}]);
    let mut rig = Rig::start(first, steps, false).await;
    rig.turn_on(first, "the bird is pelican", json!({})).await;
    rig.turn_done().await;
    rig.turn_on(agent, "which bird was it?", json!({})).await;
    rig.turn_done().await;
    let switched = rig.activity("provider.switched").await;
    assert_eq!(switched["payload"]["provider"], agent.provider_name());
    let requests = rig.main_requests();
    let last = requests.last().expect("a request");
    assert!(
        last.contains("the bird is pelican") && last.contains("noted pelican"),
        "{agent:?}: the new agent was not given the transcript: {last}"
    );
    let thread = rig.thread().await;
    assert_eq!(thread["session"]["providerName"], agent.provider_name());
}

pub async fn a_missing_cli_is_a_clear_session_error(agent: Agent) {
    let mut rig = Rig::start_with(agent, Setup::Missing, false, |_| json!([{"text": "hi"}])).await;
    rig.turn("hello?", json!({})).await;
    let failed = rig
        .until("the session error", |e| {
            e["type"] == "thread.session-set" && e["payload"]["session"]["status"] == "error"
        })
        .await;
    let error = failed["payload"]["session"]["lastError"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains(MISSING) && error.contains("not installed"),
        "{agent:?}: {error}{}",
        rig.story()
    );
    // A turn the agent had taken (Claude Code starts its process with the turn) ends too.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let thread = rig.thread().await;
        if thread["latestTurn"]["state"] != "running" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{agent:?}: the turn still looks as if it were running: {}{}",
            thread["latestTurn"],
            rig.story()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The status says so too, before anyone tries a turn.
    let v = rig
        .client
        .request(json!({"_tag": "server.refreshProviders"}))
        .await;
    let selection = agent.selection();
    let status = v["result"]["providers"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|s| {
                    s["provider"] == selection["provider"]
                        && s.get("instanceId").cloned().unwrap_or_default()
                            == selection.get("instanceId").cloned().unwrap_or_default()
                })
                .cloned()
        })
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(status["status"], "error", "{status}");
    assert_eq!(status["available"], false, "{status}");
}

pub async fn an_idle_agent_is_stopped_and_the_next_turn_resumes(agent: Agent) {
    let steps = json!([{"text": "noted pelican"}, {"text": "it was a pelican"}]);
    let mut rig = Rig::start_with(agent, Setup::QuickIdle, false, |_| steps).await;
    rig.turn("the bird is pelican", json!({})).await;
    // Looked up while the turn runs (the idle second starts at its end).
    rig.until_model_saw("the bird is pelican").await;
    let group = rig.the_agent_pid();
    rig.turn_done().await;
    // Idle for three seconds: the agent and everything it started are gone.
    rig.until_group_gone(group);
    assert!(
        rig.agent_pids().is_empty(),
        "{agent:?}: {:?}",
        rig.agent_pids()
    );
    rig.turn("which bird?", json!({})).await;
    rig.turn_done().await;
    let requests = rig.main_requests();
    let last = requests.last().expect("a request");
    assert!(last.contains("the bird is pelican"), "{agent:?}: {last}");
    assert_eq!(rig.session_status().await, "ready");
}
