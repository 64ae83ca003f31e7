//! The translator fed conversations recorded from the real codex 0.169.0 (tests/fixtures/codex,
//! captured with ../shared/tools/fake-model/drive_codex.py).

use serde_json::{json, Value};

use super::*;

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn translator() -> CodexTranslator {
    let mut n = 0;
    CodexTranslator::with_ids("t1", move || {
        n += 1;
        format!("id{n}")
    })
}

/// Feeds every line codex wrote (`<< ` lines) and returns the effects, keeping the JSON-RPC
/// ids of its requests so a test can answer them.
fn feed(t: &mut CodexTranslator, name: &str) -> Vec<Effect> {
    feed_edited(t, name, |_| {})
}

/// [`feed`], with each line codex wrote passed through `edit` first.
fn feed_edited(t: &mut CodexTranslator, name: &str, edit: impl Fn(&mut Value)) -> Vec<Effect> {
    let path = format!(
        "{}/tests/fixtures/codex/{name}.jsonrpc",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter_map(|l| l.strip_prefix("<< ")) {
        let mut message: Value = serde_json::from_str(line).unwrap();
        edit(&mut message);
        let Some(method) = message["method"].as_str() else {
            continue; // an answer to one of our requests
        };
        match message.get("id") {
            Some(id) => out.extend(t.server_request(id.clone(), method, &message["params"], NOW)),
            None => out.extend(t.notification(method, &message["params"], NOW)),
        }
    }
    out
}

fn kinds(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::AssistantText { text, .. } => format!("text:{text}"),
            Effect::AssistantDone { message_id, .. } => format!("done:{message_id}"),
            Effect::Activity(a) => format!("activity:{}", a.kind),
            Effect::Plan(p) => format!("plan:{}", p.plan_markdown),
            Effect::Session { status, .. } => format!("session:{status:?}"),
            Effect::TurnEnded { outcome, .. } => format!("ended:{outcome:?}"),
            Effect::Reply { .. } => "reply".into(),
        })
        .collect()
}

fn approval_request_id(effects: &[Effect]) -> String {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Activity(a)
                if a.kind == "approval.requested" || a.kind == "user-input.requested" =>
            {
                a.payload["requestId"].as_str().map(str::to_string)
            }
            _ => None,
        })
        .expect("a request")
}

#[test]
fn a_command_approval_turn_in_streaming_mode() {
    let mut t = translator();
    t.set_delivery(AssistantDeliveryMode::Streaming);
    let effects = feed(&mut t, "approval");
    assert_eq!(
        kinds(&effects),
        [
            "activity:runtime.warning", // configWarning: no bubblewrap on this machine
            "activity:runtime.warning", // codex's warning about the fake model's metadata
            "session:Running",
            "activity:tool.started",
            "activity:approval.requested",
            "activity:tool.completed",
            "text:do",
            "text:ne",
            "done:assistant:resp-2-item0",
            "activity:turn.token-usage",
            "ended:Completed",
        ]
    );
    let Effect::Session {
        active_turn_id: Some(turn),
        ..
    } = &effects[2]
    else {
        panic!()
    };
    let Effect::Activity(request) = &effects[4] else {
        panic!()
    };
    assert_eq!(request.tone, ActivityTone::Approval);
    assert_eq!(request.summary, "Command approval requested");
    assert_eq!(request.payload["requestKind"], "command");
    assert_eq!(request.payload["detail"], "/bin/bash -lc 'echo hi > a.txt'");
    assert_eq!(request.turn_id.as_ref(), Some(turn));
    let request_id = request.payload["requestId"].as_str().unwrap().to_string();
    assert!(t.has_pending(&request_id));

    let answered = t
        .answer_approval(&request_id, ApprovalDecision::Accept, NOW)
        .unwrap();
    assert_eq!(
        answered[0],
        Effect::Reply {
            id: json!(0),
            result: Ok(json!({"decision": "accept"}))
        }
    );
    assert_eq!(kinds(&answered[1..]), ["activity:approval.resolved"]);
    // Once answered, it is gone: a second answer is a clear error.
    let again = t
        .answer_approval(&request_id, ApprovalDecision::Decline, NOW)
        .unwrap_err();
    assert!(again.contains("already answered"), "{again}");
}

#[test]
fn buffered_mode_sends_each_message_once_complete() {
    let mut t = translator();
    let effects = feed(&mut t, "approval");
    let texts: Vec<String> = kinds(&effects)
        .into_iter()
        .filter(|k| k.starts_with("text:"))
        .collect();
    assert_eq!(texts, ["text:done"]);
}

#[test]
fn plan_mode_question_and_proposed_plan() {
    let mut t = translator();
    let effects = feed(&mut t, "plan");
    let names = kinds(&effects);
    assert!(
        names.contains(&"activity:user-input.requested".to_string()),
        "{names:?}"
    );
    let plan = effects
        .iter()
        .find_map(|e| match e {
            Effect::Plan(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a proposed plan");
    assert_eq!(plan.plan_markdown, "1. read\n2. write");
    assert_eq!(
        plan.id,
        format!("plan:t1:turn:{}", plan.turn_id.clone().unwrap())
    );
    let request = approval_request_id(&effects);
    let err = t
        .answer_approval(&request, ApprovalDecision::Accept, NOW)
        .unwrap_err();
    assert!(err.contains("user input"), "{err}");
    let mut answers = serde_json::Map::new();
    answers.insert("q0".into(), json!("A"));
    let answered = t.answer_user_input(&request, &answers, NOW).unwrap();
    assert_eq!(
        answered[0],
        Effect::Reply {
            id: json!(0),
            result: Ok(json!({"answers": {"q0": {"answers": ["A"]}}}))
        }
    );
}

#[test]
fn bad_answers_name_the_question_and_keep_the_request() {
    let mut t = translator();
    let effects = feed(&mut t, "plan");
    let request = approval_request_id(&effects);
    let mut answers = serde_json::Map::new();
    answers.insert("q0".into(), json!(7));
    let err = t.answer_user_input(&request, &answers, NOW).unwrap_err();
    assert!(err.contains("answers.q0"), "{err}");
    assert!(t.has_pending(&request));
}

#[test]
fn a_failing_model_ends_the_turn_failed_after_retry_warnings() {
    let mut t = translator();
    let effects = feed(&mut t, "err500");
    let names = kinds(&effects);
    assert!(
        names
            .iter()
            .filter(|k| *k == "activity:runtime.warning")
            .count()
            >= 4,
        "{names:?}"
    );
    assert!(
        names.contains(&"activity:runtime.error".to_string()),
        "{names:?}"
    );
    match effects.last() {
        Some(Effect::TurnEnded {
            outcome: TurnOutcome::Failed(message),
            ..
        }) => {
            assert!(message.contains("high demand"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_change_approval_names_the_files() {
    let mut t = translator();
    let effects = feed(&mut t, "file-change");
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Activity(a) if a.kind == "approval.requested" => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(request.summary, "File-change approval requested");
    let started = effects
        .iter()
        .find_map(|e| match e {
            Effect::Activity(a) if a.kind == "tool.started" => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(started.summary, "File change started");
    assert_eq!(started.payload["detail"], "/tmp/outside/hello.txt");
}

#[test]
fn process_death_closes_messages_and_voids_questions() {
    let mut t = translator();
    t.set_delivery(AssistantDeliveryMode::Buffered);
    t.notification("turn/started", &json!({"turn": {"id": "u1"}}), NOW);
    t.notification(
        "item/agentMessage/delta",
        &json!({"itemId": "m", "delta": "par"}),
        NOW,
    );
    t.server_request(
        json!(5),
        "item/commandExecution/requestApproval",
        &json!({"command": "rm"}),
        NOW,
    );
    let effects = t.process_gone("codex exited", NOW);
    assert_eq!(
        kinds(&effects),
        ["text:par", "done:assistant:m", "activity:approval.resolved"]
    );
    assert!(t.active_turn().is_none());
}

#[test]
fn an_interrupted_turn_says_so_before_it_ends() {
    let mut t = translator();
    t.notification("turn/started", &json!({"turn": {"id": "u1"}}), NOW);
    let effects = t.notification(
        "turn/completed",
        &json!({"turn": {"id": "u1", "status": "interrupted"}}),
        NOW,
    );
    assert_eq!(
        kinds(&effects),
        ["activity:turn.interrupted", "ended:Interrupted"]
    );
    let done = t.notification("turn/started", &json!({"turn": {"id": "u2"}}), NOW);
    assert!(done.iter().all(|e| !matches!(e, Effect::Activity(_))));
}

#[test]
fn a_completion_for_another_turn_is_ignored() {
    let mut t = translator();
    t.notification("turn/started", &json!({"turn": {"id": "u1"}}), NOW);
    let effects = t.notification(
        "turn/completed",
        &json!({"turn": {"id": "other", "status": "completed"}}),
        NOW,
    );
    assert!(effects.is_empty());
    assert_eq!(t.active_turn(), Some("u1"));
}

#[test]
fn unsupported_requests_are_refused_by_name() {
    let mut t = translator();
    let effects = t.server_request(json!(9), "item/tool/call", &json!({}), NOW);
    match &effects[0] {
        Effect::Reply {
            id,
            result: Err((code, message)),
        } => {
            assert_eq!(id, &json!(9));
            assert_eq!(*code, -32601);
            assert!(message.contains("item/tool/call"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn huge_buffered_answers_spill_early() {
    let mut t = translator();
    let chunk = "x".repeat(1000);
    let mut spilled = 0;
    for _ in 0..30 {
        for e in t.notification(
            "item/agentMessage/delta",
            &json!({"itemId": "m", "delta": chunk}),
            NOW,
        ) {
            if let Effect::AssistantText { text, .. } = e {
                spilled += text.len();
            }
        }
    }
    assert_eq!(spilled, 24_000);
}

#[test]
fn a_command_s_output_rides_on_its_completion_tail_kept() {
    let with_output = |output: String| {
        move |m: &mut Value| {
            if m["method"] == "item/completed" && m["params"]["item"]["type"] == "commandExecution"
            {
                m["params"]["item"]["aggregatedOutput"] = output.clone().into();
            }
        }
    };
    let completed = |effects: Vec<Effect>| {
        effects
            .into_iter()
            .find_map(|e| match e {
                Effect::Activity(a) if a.kind == "tool.completed" => Some(a),
                _ => None,
            })
            .expect("a completed tool")
    };
    let mut t = translator();
    let short = completed(feed_edited(&mut t, "approval", with_output("hi\n".into())));
    assert_eq!(short.payload["output"], "hi\n");
    assert!(short.payload.get("outputTruncated").is_none());
    assert_eq!(short.payload["exitCode"], 0);

    let long = format!("{}THE END", "line of noise\n".repeat(10_000));
    let mut t = translator();
    let cut = completed(feed_edited(&mut t, "approval", with_output(long)));
    let output = cut.payload["output"].as_str().unwrap();
    assert_eq!(output.len(), crate::provider::tool_output::OUTPUT_MAX_BYTES);
    assert!(output.ends_with("THE END"));
    assert_eq!(cut.payload["outputTruncated"], true);

    // The recorded run printed nothing: no output field at all.
    let mut t = translator();
    let none = completed(feed(&mut t, "approval"));
    assert!(none.payload.get("output").is_none());
}
