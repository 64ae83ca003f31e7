//! The translator fed conversations recorded from the real Claude Code 2.1.197
//! (tests/fixtures/claude, recorded by tests/record_fixtures.rs). Where the recording shows us
//! answering a control request, the test answers through the translator the same way, and the
//! line the translator's reply becomes is checked against the one the real CLI accepted.

use serde_json::{json, Value};

use super::requests::PLAN_RECEIVED;
use super::*;
use crate::orchestration::model::ApprovalDecision;

const NOW: &str = "2026-01-01T00:00:00.000Z";

fn translator() -> ClaudeTranslator {
    let mut n = 0;
    ClaudeTranslator::with_ids("t1", move || {
        n += 1;
        format!("id{n}")
    })
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/claude/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap()
}

/// The id of the newest open request among `effects`.
fn last_request_id(effects: &[Effect]) -> Option<String> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Activity(a)
            if a.kind == "approval.requested" || a.kind == "user-input.requested" =>
        {
            a.payload["requestId"].as_str().map(str::to_string)
        }
        _ => None,
    })
}

/// Feeds every line Claude wrote (`<< `); each user line we wrote (`>> `) begins turn
/// `turn<N>`, and each control_response we wrote is answered through the translator as
/// recorded (allow → Accept or the recorded answers, deny → Decline), its reply checked against
/// the recorded line (the deny message aside, which is ours to choose).
fn feed(t: &mut ClaudeTranslator, name: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    let mut turns = 0;
    for line in fixture(name).lines() {
        if let Some(sent) = line.strip_prefix(">> ") {
            let sent: Value = serde_json::from_str(sent).unwrap();
            match sent["type"].as_str().unwrap() {
                "user" => {
                    turns += 1;
                    out.extend(t.begin_turn(&format!("turn{turns}")));
                }
                "control_response" => {
                    let recorded = &sent["response"]["response"];
                    let Some(request_id) = last_request_id(&out).filter(|id| t.has_pending(id))
                    else {
                        continue; // answered by the translator itself (ExitPlanMode)
                    };
                    let answered = if let Some(answers) = recorded["updatedInput"]["answers"]
                        .as_object()
                        .filter(|_| recorded["behavior"] == "allow")
                    {
                        t.answer_user_input(&request_id, answers, NOW).unwrap()
                    } else if recorded["behavior"] == "allow" {
                        t.answer_approval(&request_id, ApprovalDecision::Accept, NOW)
                            .unwrap()
                    } else {
                        t.answer_approval(&request_id, ApprovalDecision::Decline, NOW)
                            .unwrap()
                    };
                    let Effect::Reply { id, result } = &answered[0] else {
                        panic!("no reply: {answered:?}")
                    };
                    let mut ours = control_response_line(id, result);
                    if recorded["behavior"] == "deny" {
                        ours["response"]["response"]["message"] = recorded["message"].clone();
                    }
                    assert_eq!(ours, sent, "our answer differs from the recorded one");
                    out.extend(answered);
                }
                _ => {}
            }
        } else if let Some(got) = line.strip_prefix("<< ") {
            out.extend(t.line(&serde_json::from_str(got).unwrap(), NOW));
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

fn activity<'a>(effects: &'a [Effect], kind: &str) -> Vec<&'a Activity> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Activity(a) if a.kind == kind => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn streamed_text_arrives_delta_by_delta_then_usage_and_the_end() {
    let mut t = translator();
    t.set_delivery(AssistantDeliveryMode::Streaming);
    let effects = feed(&mut t, "text");
    assert_eq!(
        kinds(&effects),
        [
            "session:Running",
            "text:Hello ther",
            "text:e, this st",
            "text:reams in f",
            "text:our parts.",
            "done:assistant:msg_fake_1:0",
            "activity:turn.token-usage",
            "ended:Completed",
        ]
    );
    let usage = activity(&effects, "turn.token-usage")[0];
    assert_eq!(usage.summary, "15 tokens used");
    assert_eq!(usage.payload["totalCostUsd"], json!(0.000175));
    assert_eq!(usage.turn_id.as_deref(), Some("turn1"));
    assert!(t.session_id().is_some());
    assert_eq!(t.active_turn(), None);
}

#[test]
fn buffered_mode_sends_each_message_once_complete() {
    let mut t = translator();
    let effects = feed(&mut t, "text");
    let texts: Vec<String> = kinds(&effects)
        .into_iter()
        .filter(|k| k.starts_with("text:"))
        .collect();
    assert_eq!(texts, ["text:Hello there, this streams in four parts."]);
}

#[test]
fn an_allowed_bash_command_is_a_command_approval_then_a_completed_tool() {
    let mut t = translator();
    let effects = feed(&mut t, "bash-allow");
    assert_eq!(
        kinds(&effects),
        [
            "session:Running",
            "activity:tool.started",
            "activity:approval.requested",
            "reply",
            "activity:approval.resolved",
            "activity:tool.completed",
            "text:Wrote a.txt.",
            "done:assistant:msg_fake_2:0",
            "activity:turn.token-usage",
            "ended:Completed",
        ]
    );
    let started = activity(&effects, "tool.started")[0];
    assert_eq!(started.payload["itemType"], "commandExecution");
    assert_eq!(started.payload["detail"], "echo hi > a.txt");
    let request = activity(&effects, "approval.requested")[0];
    assert_eq!(request.tone, ActivityTone::Approval);
    assert_eq!(request.summary, "Command approval requested");
    assert_eq!(request.payload["requestKind"], "command");
    assert_eq!(request.payload["requestType"], "command_execution_approval");
    assert_eq!(request.payload["detail"], "echo hi > a.txt");
    assert_eq!(request.turn_id.as_deref(), Some("turn1"));
    let done = activity(&effects, "tool.completed")[0];
    assert_eq!(done.payload["status"], "completed");
    assert_eq!(done.tone, ActivityTone::Tool);
    // The tool_result's text is the work row's output.
    assert_eq!(done.payload["output"], "(Bash completed with no output)");
    assert!(done.payload.get("outputTruncated").is_none());
}

#[test]
fn a_denied_bash_command_ends_as_a_declined_tool() {
    let mut t = translator();
    let effects = feed(&mut t, "bash-deny");
    let resolved = activity(&effects, "approval.resolved")[0];
    assert_eq!(resolved.payload["decision"], "decline");
    let done = activity(&effects, "tool.completed")[0];
    assert_eq!(done.payload["status"], "declined");
    assert_eq!(done.tone, ActivityTone::Error);
    assert_eq!(done.summary, "Command run declined");
    assert!(kinds(&effects).ends_with(&["ended:Completed".to_string()]));
}

#[test]
fn write_and_edit_are_file_change_approvals() {
    let mut t = translator();
    let effects = feed(&mut t, "file-change");
    let requests = activity(&effects, "approval.requested");
    assert_eq!(requests.len(), 2, "Write and Edit ask; Read does not");
    for (request, tool) in requests.iter().zip(["Write", "Edit"]) {
        assert_eq!(request.payload["requestKind"], "file-change");
        assert_eq!(request.payload["requestType"], "file_change_approval");
        assert_eq!(request.payload["toolName"], tool);
        assert!(request.payload["detail"]
            .as_str()
            .unwrap()
            .ends_with("/a.txt"));
    }
    let started: Vec<&str> = activity(&effects, "tool.started")
        .iter()
        .map(|a| a.payload["itemType"].as_str().unwrap())
        .collect();
    assert_eq!(started, ["fileChange", "dynamicToolCall", "fileChange"]);
    let statuses: Vec<&str> = activity(&effects, "tool.completed")
        .iter()
        .map(|a| a.payload["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "completed", "completed"]);
}

#[test]
fn ask_user_question_is_a_user_input_request_answered_through_updated_input() {
    let mut t = translator();
    let effects = feed(&mut t, "ask");
    assert!(
        activity(&effects, "tool.started").is_empty(),
        "a question is not work"
    );
    let request = activity(&effects, "user-input.requested")[0];
    assert_eq!(
        request.payload["questions"],
        json!([{"id": "Which color?", "header": "Question", "question": "Which color?",
                "multiSelect": false, "options": [{"label": "Red", "description": "Red"},
                                                  {"label": "Blue", "description": "Blue"}]}])
    );
    let resolved = activity(&effects, "user-input.resolved")[0];
    assert_eq!(resolved.payload["answers"], json!({"Which color?": "Red"}));
    assert!(kinds(&effects).contains(&"text:Red it is.".to_string()));
}

#[test]
fn several_labels_are_joined_and_unknown_questions_refused() {
    let mut t = translator();
    let text = fixture("ask");
    let mut out = t.begin_turn("turn1");
    for line in text.lines().filter_map(|l| l.strip_prefix("<< ")) {
        let line: Value = serde_json::from_str(line).unwrap();
        let is_request = line["type"] == "control_request";
        out.extend(t.line(&line, NOW));
        if is_request {
            break;
        }
    }
    let id = last_request_id(&out).unwrap();
    let wrong = json!({"Which shape?": "Round"});
    let err = t
        .answer_user_input(&id, wrong.as_object().unwrap(), NOW)
        .unwrap_err();
    assert!(err.contains("no such question"), "{err}");
    let both = json!({"Which color?": {"answers": ["Red", "Blue"]}});
    let answered = t
        .answer_user_input(&id, both.as_object().unwrap(), NOW)
        .unwrap();
    let Effect::Reply {
        result: Ok(body), ..
    } = &answered[0]
    else {
        panic!()
    };
    assert_eq!(
        body["updatedInput"]["answers"],
        json!({"Which color?": "Red, Blue"})
    );
    assert!(t
        .answer_approval(&id, ApprovalDecision::Accept, NOW)
        .is_err());
}

#[test]
fn exit_plan_mode_becomes_a_proposed_plan_and_ends_the_turn() {
    let mut t = translator();
    let mut out = t.begin_turn("turn1");
    for line in fixture("plan")
        .lines()
        .filter_map(|l| l.strip_prefix("<< "))
    {
        let line: Value = serde_json::from_str(line).unwrap();
        let is_request = line["type"] == "control_request";
        out.extend(t.line(&line, NOW));
        if is_request {
            break;
        }
    }
    assert_eq!(t.permission_mode(), Some("plan"));
    assert_eq!(
        kinds(&out),
        [
            "session:Running",
            "plan:1. Read a.txt\n2. Write b.txt",
            "reply"
        ]
    );
    let Effect::Plan(plan) = &out[1] else {
        panic!()
    };
    assert_eq!(plan.id, "plan:t1:turn:turn1");
    assert_eq!(plan.turn_id.as_deref(), Some("turn1"));
    let Effect::Reply { id, result } = &out[2] else {
        panic!()
    };
    assert_eq!(
        control_response_line(id, result)["response"]["response"],
        json!({"behavior": "deny", "message": PLAN_RECEIVED})
    );
    // The recording allowed it instead: Claude then leaves plan mode.
    let mut t = translator();
    feed(&mut t, "plan");
    assert_eq!(t.permission_mode(), Some("default"));
}

#[test]
fn an_interrupted_stream_ends_interrupted_and_the_next_turn_works() {
    let mut t = translator();
    t.set_delivery(AssistantDeliveryMode::Streaming);
    let effects = feed(&mut t, "interrupt");
    assert_eq!(
        kinds(&effects),
        [
            "session:Running",
            "text:Starting",
            "text: a long ",
            "text:answer",
            "done:assistant:msg_fake_1:0",
            "activity:turn.interrupted",
            "ended:Interrupted",
            "session:Running",
            "text:After the interrupt.",
            "done:assistant:msg_fake_2:0",
            "activity:turn.token-usage",
            "ended:Completed",
        ]
    );
    let sent = fixture("interrupt")
        .lines()
        .filter_map(|l| l.strip_prefix(">> "))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["request"]["subtype"] == "interrupt")
        .unwrap();
    assert_eq!(sent, interrupt_line("int-1"));
}

#[test]
fn an_http_500_is_an_error_activity_and_a_failed_turn() {
    let mut t = translator();
    let effects = feed(&mut t, "err500");
    assert_eq!(
        kinds(&effects)[..2],
        ["session:Running", "activity:runtime.error"],
        "the CLI's synthetic error message is not assistant text"
    );
    let error = activity(&effects, "runtime.error")[0];
    assert_eq!(error.tone, ActivityTone::Error);
    assert_eq!(error.payload["apiErrorStatus"], 500);
    assert!(error.payload["message"]
        .as_str()
        .unwrap()
        .starts_with("API Error: 500 boom"));
    let Some(Effect::TurnEnded {
        outcome: TurnOutcome::Failed(message),
        ..
    }) = effects.last()
    else {
        panic!("{effects:?}")
    };
    assert!(message.starts_with("API Error: 500 boom"), "{message}");
}

#[test]
fn a_resumed_process_keeps_the_session_id() {
    let text = fixture("resume");
    let resumed = text
        .lines()
        .find_map(|l| l.strip_prefix("## claude --resume "))
        .unwrap();
    let mut t = translator();
    let effects = feed(&mut t, "resume");
    assert_eq!(t.session_id(), Some(resumed));
    let ends = kinds(&effects)
        .into_iter()
        .filter(|k| k.starts_with("ended:") || k.starts_with("text:"))
        .collect::<Vec<_>>();
    assert_eq!(
        ends,
        [
            "text:First answer.",
            "ended:Completed",
            "text:Second answer.",
            "ended:Completed"
        ]
    );
}

/// Lines of `name` up to and including the first can_use_tool, fed after turn1 began.
fn up_to_first_request(t: &mut ClaudeTranslator, name: &str) -> (Vec<Effect>, String) {
    let mut out = t.begin_turn("turn1");
    for line in fixture(name).lines().filter_map(|l| l.strip_prefix("<< ")) {
        let line: Value = serde_json::from_str(line).unwrap();
        let is_request = line["type"] == "control_request";
        out.extend(t.line(&line, NOW));
        if is_request {
            let id = last_request_id(&out).unwrap();
            return (out, id);
        }
    }
    panic!("no request in {name}")
}

#[test]
fn accept_for_session_sends_claudes_permission_suggestions() {
    let mut t = translator();
    let (_, id) = up_to_first_request(&mut t, "bash-allow");
    let answered = t
        .answer_approval(&id, ApprovalDecision::AcceptForSession, NOW)
        .unwrap();
    let Effect::Reply {
        result: Ok(body), ..
    } = &answered[0]
    else {
        panic!()
    };
    assert_eq!(body["behavior"], "allow");
    assert_eq!(body["updatedPermissions"][0]["type"], "addRules");
    let again = t
        .answer_approval(&id, ApprovalDecision::Decline, NOW)
        .unwrap_err();
    assert!(again.contains("already answered"), "{again}");
}

#[test]
fn cancel_denies_and_interrupts() {
    let mut t = translator();
    let (_, id) = up_to_first_request(&mut t, "file-change");
    let answered = t
        .answer_approval(&id, ApprovalDecision::Cancel, NOW)
        .unwrap();
    let Effect::Reply {
        result: Ok(body), ..
    } = &answered[0]
    else {
        panic!()
    };
    assert_eq!(body["behavior"], "deny");
    assert_eq!(body["interrupt"], true);
}

#[test]
fn open_requests_are_void_when_the_process_goes_or_claude_withdraws_them() {
    let mut t = translator();
    let (_, id) = up_to_first_request(&mut t, "bash-allow");
    assert!(t.has_pending(&id));
    let gone = t.process_gone("claude exited", NOW);
    assert_eq!(kinds(&gone), ["activity:approval.resolved"]);
    let Effect::Activity(resolved) = &gone[0] else {
        panic!()
    };
    assert_eq!(resolved.payload["decision"], "cancel");
    assert_eq!(t.active_turn(), None);

    let mut t = translator();
    up_to_first_request(&mut t, "bash-allow");
    let control_id = fixture("bash-allow")
        .lines()
        .filter_map(|l| l.strip_prefix("<< "))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["type"] == "control_request")
        .unwrap()["request_id"]
        .clone();
    let withdrawn = t.line(
        &json!({"type": "control_cancel_request", "request_id": control_id}),
        NOW,
    );
    assert_eq!(kinds(&withdrawn), ["activity:approval.resolved"]);
    assert!(!t.has_pending(&id));
}

#[test]
fn an_unknown_control_request_is_refused_with_a_warning() {
    let mut t = translator();
    t.begin_turn("turn1");
    let effects = t.line(
        &json!({"type": "control_request", "request_id": "r9",
                "request": {"subtype": "hook_callback", "callback_id": "x"}}),
        NOW,
    );
    assert_eq!(kinds(&effects), ["reply", "activity:runtime.warning"]);
    let Effect::Reply { id, result } = &effects[0] else {
        panic!()
    };
    let line = control_response_line(id, result);
    assert_eq!(line["response"]["subtype"], "error");
    assert_eq!(line["response"]["request_id"], "r9");
}

#[test]
fn user_line_is_what_the_recordings_sent() {
    let sent = fixture("text")
        .lines()
        .filter_map(|l| l.strip_prefix(">> "))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|m| m["type"] == "user")
        .unwrap();
    assert_eq!(sent, user_line("go", &[]));
}

#[test]
fn a_user_line_carries_images_as_base64_content_blocks() {
    let line = user_line("what is this?", &[("image/png", "iVBOR".to_string())]);
    let content = &line["message"]["content"];
    assert_eq!(content[0], json!({"type": "text", "text": "what is this?"}));
    assert_eq!(
        content[1],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}})
    );
    // An image alone has no empty text block.
    let alone = user_line("", &[("image/jpeg", "x".to_string())]);
    assert_eq!(alone["message"]["content"][0]["type"], "image");
}
