//! What one turn does, whatever the agent: text streamed in order, command and file-change
//! approvals, questions and plans (where the agent has them), and a model error.

use serde_json::{json, Value};

use crate::agent::Agent;
use crate::rig::{Rig, NOW};

const STREAMED: &str = "one two three four five six seven eight";

pub async fn streams_text_in_order(agent: Agent) {
    let mut rig = Rig::start(agent, json!([{"text": STREAMED, "chunks": 8}]), false).await;
    rig.turn(
        "count to eight",
        json!({"assistantDeliveryMode": "streaming"}),
    )
    .await;
    rig.turn_done().await;
    // The pieces pushed while streaming, in order, make the whole answer.
    let streamed: String = rig
        .events
        .iter()
        .filter(|e| e["type"] == "thread.message-sent" && e["payload"]["role"] == "assistant")
        .filter(|e| e["payload"]["streaming"] == true)
        .filter_map(|e| e["payload"]["text"].as_str())
        .collect();
    let pieces = rig
        .events
        .iter()
        .filter(|e| e["type"] == "thread.message-sent" && e["payload"]["streaming"] == true)
        .count();
    assert!(
        pieces > 1,
        "{agent:?}: the answer was not streamed in pieces"
    );
    // codex-acp says its "model metadata not found" warning as text first.
    assert!(
        streamed.ends_with(STREAMED),
        "{agent:?}: streamed {streamed:?}"
    );
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with(STREAMED)),
        "{agent:?}: {answers:?}{}",
        rig.story()
    );
    let thread = rig.thread().await;
    assert_eq!(thread["session"]["providerName"], agent.provider_name());
    assert_eq!(
        thread["session"]["status"], "ready",
        "{}",
        thread["session"]
    );
    // Once a session opened, the models the agent offers are listed (claude-agent-acp offers
    // some; codex-acp 0.16.0 none; the native agents have t3rs's lists).
    let selection = agent.selection();
    let mut ask = json!({"_tag": "provider.listModels", "provider": selection["provider"]});
    if let Some(instance) = selection.get("instanceId") {
        ask["instanceId"] = instance.clone();
    }
    let listed = rig.client.request(ask).await;
    let slugs: Vec<&str> = listed["result"]["models"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .filter_map(|m| m["slug"].as_str())
        .collect();
    let expected = match agent {
        Agent::Codex => Some("gpt-5.4"),
        Agent::Claude => Some("claude-sonnet-4-6"),
        Agent::ClaudeAcp => Some("haiku"),
        Agent::CodexAcp => None,
    };
    match expected {
        Some(slug) => assert!(slugs.contains(&slug), "{agent:?}: {slugs:?}"),
        None => assert!(slugs.is_empty(), "{agent:?}: {slugs:?}"),
    }
}

pub async fn command_approval_accepted_and_declined(agent: Agent) {
    let steps = json!([
        agent.asked_shell("echo yes > accepted.txt"),
        {"text": "ran it"},
        agent.asked_shell("echo no > declined.txt"),
        {"text": "did not run it"},
    ]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("write accepted.txt", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    assert_eq!(asked["tone"], "approval");
    assert_eq!(asked["payload"]["requestKind"], "command", "{asked}");
    rig.decide(&asked, "accept").await;
    rig.activity("approval.resolved").await;
    rig.turn_done().await;
    assert_eq!(
        std::fs::read_to_string(rig.work.join("accepted.txt")).ok(),
        Some("yes\n".to_string()),
        "{agent:?}: the accepted command did not run"
    );

    rig.turn("write declined.txt", json!({})).await;
    let asked = rig.next_activity("approval.requested").await;
    rig.decide(&asked, "decline").await;
    rig.turn_done().await;
    assert!(
        !rig.work.join("declined.txt").exists(),
        "{agent:?}: a declined command ran"
    );
}

pub async fn file_change_approval(agent: Agent) {
    // codex writes inside its workspace without asking; a file outside it needs approval.
    let outside = tempfile::tempdir().unwrap();
    let outside_target = outside.path().join("hello.txt");
    let add = |path: &str| format!("*** Begin Patch\n*** Add File: {path}\n+hello\n*** End Patch");
    let mut rig = Rig::start_in(agent, false, |work| {
        let step = match agent {
            Agent::Codex => json!({"patch": add(&outside_target.to_string_lossy())}),
            Agent::CodexAcp => json!({"patch": add("hello.txt")}),
            Agent::Claude | Agent::ClaudeAcp => json!({"write": {
                "path": work.join("hello.txt"), "content": "hello\n"}}),
        };
        json!([step, {"text": "patched"}])
    })
    .await;
    let target = match agent {
        Agent::Codex => outside_target.clone(),
        _ => rig.work.join("hello.txt"),
    };
    rig.turn("add hello.txt", json!({})).await;
    let asked = rig.activity("approval.requested").await;
    assert_eq!(asked["payload"]["requestKind"], "file-change", "{asked}");
    assert_eq!(asked["summary"], "File-change approval requested");
    rig.decide(&asked, "accept").await;
    rig.turn_done().await;
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("hello\n"),
        "{agent:?}: the accepted change was not made"
    );
}

pub async fn plan_mode_with_a_question(agent: Agent) {
    let expect = agent.expect();
    let plan = json!({"plan": "<proposed_plan>\n1. Paint it blue\n2. Dry it\n</proposed_plan>",
                      "chunks": 3});
    let question =
        json!({"ask": [{"id": "color", "question": "Which colour?", "options": ["Red", "Blue"]}]});
    // Claude's ExitPlanMode is a tool call: the model answers its result (codex's plan is plain
    // text and ends the turn without another request).
    let after = json!({"text": "that is the plan"});
    let steps = match expect.user_input {
        true => json!([question, plan, after]),
        false => json!([plan, after]),
    };
    let mut rig = Rig::start(agent, steps, false).await;
    rig.ok(
        json!({"type": "thread.interaction-mode.set", "commandId": "mode",
                  "threadId": "t1", "interactionMode": "plan", "createdAt": NOW}),
    )
    .await;
    rig.turn("plan the paint job", json!({"interactionMode": "plan"}))
        .await;
    if !expect.plan_mode {
        // Said plainly, and nothing runs as an ordinary turn instead.
        let refused = rig.activity("provider.turn.start.failed").await;
        let detail = refused["payload"]["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("no plan mode"), "{agent:?}: {refused}");
        assert!(!rig.model_saw("plan the paint job"), "{agent:?}");
        return;
    }
    if expect.user_input {
        let asked = rig.activity("user-input.requested").await;
        let question = &asked["payload"]["questions"][0];
        let id = question["id"].as_str().unwrap().to_string();
        let request = asked["payload"]["requestId"].as_str().unwrap().to_string();
        rig.ok(
            json!({"type": "thread.user-input.respond", "commandId": "u1", "threadId": "t1",
                      "requestId": request, "answers": {id: "Blue"}, "createdAt": NOW}),
        )
        .await;
    }
    rig.until("a proposed plan", |e| {
        e["type"] == "thread.proposed-plan-upserted"
    })
    .await;
    rig.turn_done().await;
    let thread = rig.thread().await;
    let plan = thread["proposedPlans"][0]["planMarkdown"]
        .as_str()
        .unwrap_or_default();
    assert!(
        plan.contains("1. Paint it blue") && plan.contains("2. Dry it"),
        "{agent:?}: {plan:?}"
    );
    assert!(
        rig.activities("approval.requested").is_empty(),
        "{agent:?}: the plan was not a proposed plan but an approval"
    );
    if expect.user_input {
        assert!(
            rig.model_saw("Blue"),
            "{agent:?}: the model never saw the answer"
        );
    }
}

pub async fn a_model_error_is_an_error_session(agent: Agent) {
    let steps = json!([{"status": 500, "message": "model melted"}, {"text": "fine again"}]);
    let mut rig = Rig::start(agent, steps, false).await;
    rig.turn("fail please", json!({})).await;
    let error = rig.activity("runtime.error").await;
    assert_eq!(error["tone"], "error", "{error}");
    rig.turn_done().await;
    let thread = rig.thread().await;
    assert_eq!(
        thread["session"]["status"], "error",
        "{}",
        thread["session"]
    );
    assert!(thread["session"]["lastError"].as_str().is_some());

    rig.turn("again", json!({})).await;
    rig.turn_done().await;
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with("fine again")),
        "{agent:?}: {answers:?}{}",
        rig.story()
    );
    assert_eq!(rig.session_status().await, "ready");
}

/// What the declared capabilities must say, as the server reports them to clients.
pub async fn declares_its_capabilities(agent: Agent) {
    let mut rig = Rig::start(agent, json!([{"text": "hi"}]), false).await;
    let v = rig
        .client
        .request(json!({"_tag": "server.refreshProviders"}))
        .await;
    let statuses: Vec<Value> = v["result"]["providers"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{v}"));
    let selection = agent.selection();
    let mine = statuses
        .iter()
        .find(|s| {
            s["provider"] == selection["provider"]
                && (selection.get("instanceId").is_none()
                    || s["instanceId"] == selection["instanceId"])
        })
        .unwrap_or_else(|| panic!("{agent:?} has no status: {v}"));
    // codex's status also says whether `codex login` was done (here it was not: the fake
    // model needs no login), so availability is what every agent shares.
    assert_eq!(mine["available"], true, "{mine}");
    if agent != Agent::Codex {
        assert_eq!(mine["status"], "ready", "{mine}");
    }
    let caps = &mine["capabilities"];
    let expect = agent.expect();
    assert_eq!(caps["rollback"], expect.rollback, "{agent:?} {caps}");
    assert_eq!(caps["steer"], expect.steer, "{agent:?} {caps}");
    // An ACP agent's modes are known once a session is open, so its status cannot say.
    if matches!(agent, Agent::Codex | Agent::Claude) {
        assert_eq!(caps["planMode"], expect.plan_mode, "{agent:?} {caps}");
    }
    assert_eq!(caps["userInput"], expect.user_input, "{agent:?} {caps}");
    assert_eq!(caps["resume"], true, "{agent:?} {caps}");
}

/// A real 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

pub async fn an_image_reaches_the_model(agent: Agent) {
    let mut rig = Rig::start(agent, json!([{"text": "a dot"}]), false).await;
    let image = json!({"type": "image", "name": "dot.png", "mimeType": "image/png",
                       "sizeBytes": 70, "dataUrl": format!("data:image/png;base64,{PNG}")});
    rig.turn("what is this?", json!({"attachments": [image]}))
        .await;
    rig.turn_done().await;
    // The model's request carries the image's bytes (each agent encodes it its own way, all
    // as base64 of the same file).
    let pixel = &PNG[..40];
    assert!(
        rig.model_saw(pixel),
        "{agent:?}: no image in the request{}",
        rig.story()
    );
    let answers = rig.answers().await;
    assert!(
        answers.last().is_some_and(|a| a.ends_with("a dot")),
        "{agent:?}: {answers:?}"
    );
}
