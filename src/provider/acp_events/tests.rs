//! The translator fed what codex-acp 0.16.0 and claude-agent-acp 0.23.1 wrote
//! (tests/fixtures/acp).

use super::*;
use crate::provider::jsonrpc::{parse_line, Incoming};

/// One fixture: (written by us?, line).
pub(crate) fn fixture(name: &str) -> Vec<(bool, Value)> {
    let path = format!(
        "{}/tests/fixtures/acp/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let (ours, rest) = match (line.strip_prefix(">> "), line.strip_prefix("<< ")) {
                (Some(rest), _) => (true, rest),
                (_, Some(rest)) => (false, rest),
                _ => return None,
            };
            Some((ours, serde_json::from_str(rest).unwrap()))
        })
        .collect()
}

fn ids() -> impl FnMut() -> String + Send {
    let mut n = 0;
    move || {
        n += 1;
        format!("id-{n}")
    }
}

/// Replays the agent's lines after the first `session/prompt` (id 3), answering permission
/// requests with `decision`; returns the effects and the replies written.
fn replay(name: &str, decision: ApprovalDecision) -> (Vec<Effect>, Vec<(Value, Value)>) {
    let mut t = AcpTranslator::with_ids(ids());
    t.set_delivery(AssistantDeliveryMode::Streaming);
    let mut out = t.begin_turn("turn-1");
    let mut replies = Vec::new();
    let mut prompting = false;
    for (ours, line) in fixture(name) {
        if ours {
            if line["method"] == "session/prompt" {
                prompting = true;
            }
            continue;
        }
        if !prompting {
            continue;
        }
        match parse_line(&line.to_string()).unwrap() {
            Incoming::Notification { method, params } => {
                out.extend(t.notification(&method, &params, "now"))
            }
            Incoming::Request { id, method, params } => {
                for effect in t.request(id, &method, &params, "now") {
                    if let Effect::Activity(a) = &effect {
                        if a.kind == "approval.requested" {
                            let request_id = a.payload["requestId"].as_str().unwrap().to_string();
                            for answered in t.answer_approval(&request_id, decision, "now").unwrap()
                            {
                                match answered {
                                    Effect::Reply { id, result } => {
                                        replies.push((id, result.unwrap()))
                                    }
                                    other => out.push(other),
                                }
                            }
                        }
                    }
                    out.push(effect);
                }
            }
            Incoming::Response { id: 3, outcome } => {
                out.extend(t.prompt_result("turn-1", &outcome, "now"));
                break;
            }
            Incoming::Response { .. } => {}
        }
    }
    (out, replies)
}

fn text(effects: &[Effect]) -> String {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::AssistantText { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn kinds(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Activity(a) => Some(a.kind.clone()),
            _ => None,
        })
        .collect()
}

fn outcome(effects: &[Effect]) -> TurnOutcome {
    match effects.last() {
        Some(Effect::TurnEnded { turn_id, outcome }) if turn_id == "turn-1" => outcome.clone(),
        other => panic!("the turn did not end last: {other:?}"),
    }
}

#[test]
fn text_streams_and_ends_the_turn() {
    for name in ["codex-acp-text", "claude-agent-acp-text"] {
        let (effects, _) = replay(name, ApprovalDecision::Accept);
        assert!(
            text(&effects).ends_with("Hello there, this streams in four parts."),
            "{name}: {}",
            text(&effects)
        );
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::AssistantDone { turn_id: Some(t), .. } if t == "turn-1")));
        assert_eq!(outcome(&effects), TurnOutcome::Completed, "{name}");
    }
}

#[test]
fn buffered_text_comes_whole_at_the_end() {
    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let chunk = |text: &str| json!({"update": {"sessionUpdate": "agent_message_chunk", "content": {"type": "text", "text": text}}});
    assert!(t
        .notification("session/update", &chunk("Hel"), "now")
        .is_empty());
    assert!(t
        .notification("session/update", &chunk("lo"), "now")
        .is_empty());
    let effects = t.prompt_result("turn-1", &Ok(json!({"stopReason": "end_turn"})), "now");
    assert_eq!(text(&effects), "Hello");
}

#[test]
fn permissions_map_onto_the_agents_option_kinds() {
    // (fixture, decision, the option id answered, as the recording's client answered it)
    let cases = [
        ("codex-acp-permission", ApprovalDecision::Accept, "approved"),
        (
            "claude-agent-acp-permission",
            ApprovalDecision::Accept,
            "allow",
        ),
        (
            "codex-acp-permission-reject",
            ApprovalDecision::Decline,
            "abort",
        ),
        (
            "claude-agent-acp-permission-reject",
            ApprovalDecision::Decline,
            "reject",
        ),
        (
            "claude-agent-acp-permission",
            ApprovalDecision::AcceptForSession,
            "allow_always",
        ),
        (
            "codex-acp-permission",
            ApprovalDecision::AcceptForSession,
            "approved-execpolicy-amendment",
        ),
    ];
    for (name, decision, option) in cases {
        let (effects, replies) = replay(name, decision);
        assert_eq!(replies.len(), 1, "{name}");
        assert_eq!(
            replies[0].1,
            json!({"outcome": {"outcome": "selected", "optionId": option}}),
            "{name}"
        );
        let recorded = fixture(name)
            .into_iter()
            .find(|(ours, l)| *ours && l["result"]["outcome"].is_object())
            .map(|(_, l)| l["id"].clone())
            .unwrap();
        assert_eq!(
            replies[0].0, recorded,
            "{name}: answered the agent's request id"
        );
        let kinds = kinds(&effects);
        assert!(kinds.contains(&"approval.requested".to_string()), "{name}");
        assert!(kinds.contains(&"approval.resolved".to_string()), "{name}");
    }
    let (effects, _) = replay("claude-agent-acp-permission", ApprovalDecision::Accept);
    let kinds = kinds(&effects);
    assert!(kinds.contains(&"tool.started".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"tool.completed".to_string()), "{kinds:?}");
    assert_eq!(text(&effects), "Wrote a.txt.");
    let done = effects.iter().find_map(|e| match e {
        Effect::Activity(a) if a.kind == "tool.completed" => Some(a),
        _ => None,
    });
    // The tool's raw output (not the Markdown-fenced content copy) is the work row's output.
    assert_eq!(
        done.unwrap().payload["output"],
        "(Bash completed with no output)"
    );
    // claude-agent-acp fails a refused tool and ends the turn normally; codex-acp's abort
    // cancels the prompt.
    let (effects, _) = replay(
        "claude-agent-acp-permission-reject",
        ApprovalDecision::Decline,
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Activity(a)
        if a.kind == "tool.completed" && a.payload["status"] == "failed")));
    assert_eq!(outcome(&effects), TurnOutcome::Completed);
    let (effects, _) = replay("codex-acp-permission-reject", ApprovalDecision::Decline);
    assert_eq!(outcome(&effects), TurnOutcome::Interrupted);
}

#[test]
fn a_cancelled_prompt_is_an_interrupted_turn() {
    for name in ["codex-acp-cancel", "claude-agent-acp-cancel"] {
        let (effects, _) = replay(name, ApprovalDecision::Accept);
        assert_eq!(outcome(&effects), TurnOutcome::Interrupted, "{name}");
        assert!(kinds(&effects).contains(&"turn.interrupted".to_string()));
    }
}

#[test]
fn cancel_answers_open_permissions_cancelled_and_unknown_requests_are_refused() {
    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let asked = t.request(
        json!(7),
        "session/request_permission",
        &json!({"toolCall": {"toolCallId": "c1", "kind": "edit", "title": "Edit a.txt"},
                "options": [{"optionId": "y", "kind": "allow_once"}]}),
        "now",
    );
    let Effect::Activity(a) = &asked[0] else {
        panic!("{asked:?}")
    };
    assert_eq!(a.payload["requestKind"], "file-change");
    let cancelled = t.cancel_pending("interrupted", "now");
    assert_eq!(
        cancelled[0],
        Effect::Reply {
            id: json!(7),
            result: Ok(json!({"outcome": {"outcome": "cancelled"}}))
        }
    );
    assert!(!t.has_pending("id-1"));
    // fs/* is served by the driver (see `fs_requests_are_parsed_and_answered`); terminal/* is not.
    let refused = t.request(
        json!(8),
        "terminal/create",
        &json!({"command": "ls"}),
        "now",
    );
    assert!(
        matches!(&refused[0], Effect::Reply { result: Err((code, _)), .. }
        if *code == crate::provider::jsonrpc::METHOD_NOT_FOUND)
    );
}

#[test]
fn fs_requests_are_parsed_and_answered() {
    use crate::provider::jsonrpc::INVALID_PARAMS;
    assert_eq!(fs_request("terminal/create", &json!({})), None);
    assert_eq!(
        fs_request(
            "fs/read_text_file",
            &json!({"sessionId": "s", "path": "/r/a", "line": 2, "limit": 3})
        ),
        Some(Ok(FsRequest::Read {
            path: "/r/a".into(),
            line: Some(2),
            limit: Some(3)
        }))
    );
    assert_eq!(
        fs_request(
            "fs/write_text_file",
            &json!({"path": "/r/a", "content": "x"})
        ),
        Some(Ok(FsRequest::Write {
            path: "/r/a".into(),
            content: "x".into()
        }))
    );
    for (method, params) in [
        ("fs/read_text_file", json!({"sessionId": "s"})),
        ("fs/read_text_file", json!({"path": "/r/a", "line": -1})),
        (
            "fs/read_text_file",
            json!({"path": "/r/a", "limit": "many"}),
        ),
        ("fs/write_text_file", json!({"path": "/r/a"})),
    ] {
        assert!(
            matches!(fs_request(method, &params), Some(Err((code, _))) if code == INVALID_PARAMS),
            "{method} {params}"
        );
    }
    let text = "one\ntwo\r\nthree";
    assert_eq!(lines_of(text, None, None), text);
    assert_eq!(lines_of(text, Some(2), Some(1)), "two\r\n");
    assert_eq!(lines_of(text, Some(2), None), "two\r\nthree");
    assert_eq!(lines_of(text, Some(0), Some(1)), "one\n");
    assert_eq!(lines_of(text, Some(9), Some(1)), "");
    assert_eq!(lines_of("héllo\nwörld", Some(2), Some(5)), "wörld");

    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let wrote = t.fs_answer(
        json!(4),
        "fs/write_text_file",
        Ok(FsDone::Wrote {
            shown: "src/a.rs".into(),
        }),
        "now",
    );
    assert_eq!(
        wrote[0],
        Effect::Reply {
            id: json!(4),
            result: Ok(Value::Null)
        }
    );
    let Effect::Activity(a) = &wrote[1] else {
        panic!("{wrote:?}")
    };
    assert_eq!(
        (a.kind.as_str(), a.tone, a.turn_id.as_deref()),
        ("tool.completed", ActivityTone::Tool, Some("turn-1"))
    );
    assert_eq!(a.payload["itemType"], "file_change");
    assert_eq!(a.summary, "Wrote src/a.rs");
    let refused = t.fs_answer(
        json!(5),
        "fs/read_text_file",
        Err((
            INVALID_PARAMS,
            "t3rs could not read /etc/passwd: outside".into(),
        )),
        "now",
    );
    assert!(
        matches!(&refused[0], Effect::Reply { result: Err((INVALID_PARAMS, m)), .. }
        if m.contains("/etc/passwd"))
    );
    assert!(matches!(&refused[1], Effect::Activity(a) if a.kind == "runtime.warning"));
    let missing = t.fs_answer(
        json!(6),
        "fs/read_text_file",
        Err((-32002, "t3rs could not read /r/new.rs: No such file".into())),
        "now",
    );
    assert_eq!(missing.len(), 1, "a missing file is not shown: {missing:?}");
}

#[test]
fn a_plan_is_a_plan_activity() {
    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let effects = t.notification(
        "session/update",
        &json!({"update": {"sessionUpdate": "plan", "entries": [
            {"content": "read", "priority": "high", "status": "completed"},
            {"content": "write", "priority": "high", "status": "in_progress"}]}}),
        "now",
    );
    let Effect::Activity(a) = &effects[0] else {
        panic!("{effects:?}")
    };
    assert_eq!(a.kind, "turn.plan.updated");
    assert_eq!(
        a.payload["plan"],
        json!([{"step": "read", "status": "completed"}, {"step": "write", "status": "inProgress"}])
    );
}

#[test]
fn turns_pick_the_agents_mode_for_them() {
    use crate::orchestration::model::{InteractionMode::*, RuntimeMode::*};
    let session = |name: &str| {
        fixture(name)
            .into_iter()
            .find_map(|(ours, line)| (!ours && line["result"]["modes"].is_object()).then_some(line))
            .map(|line| AgentModes::of_session(&line["result"]).unwrap())
            .unwrap()
    };
    let codex = session("codex-acp-text");
    assert_eq!(codex.current.as_deref(), Some("read-only"));
    assert!(!codex.has_plan());
    assert_eq!(
        codex.switch(ApprovalRequired, Default).as_deref(),
        Some("auto")
    );
    assert_eq!(
        codex.switch(FullAccess, Default).as_deref(),
        Some("full-access")
    );
    // No plan mode: a plan turn (which the session refuses anyway) keeps the runtime mode's.
    assert_eq!(codex.wanted(FullAccess, Plan), Some("full-access"));

    let mut claude = session("claude-agent-acp-text");
    assert!(claude.has_plan());
    assert_eq!(claude.switch(ApprovalRequired, Default), None);
    assert_eq!(
        claude.switch(FullAccess, Default).as_deref(),
        Some("bypassPermissions")
    );
    assert_eq!(
        claude.switch(ApprovalRequired, Plan).as_deref(),
        Some("plan")
    );
    assert_eq!(claude.switch(FullAccess, Plan).as_deref(), Some("plan"));
    // The agent leaving plan mode itself is followed, so the next default turn switches back
    // only if needed.
    claude.note_update(&json!({"sessionId": "s", "update": {
        "sessionUpdate": "current_mode_update", "currentModeId": "plan"}}));
    assert_eq!(claude.current.as_deref(), Some("plan"));
    assert_eq!(
        claude.switch(ApprovalRequired, Default).as_deref(),
        Some("default")
    );

    assert_eq!(AgentModes::of_session(&json!({"sessionId": "s"})), None);
    assert_eq!(
        AgentModes::of_session(&json!({"modes": {"availableModes": "none"}})),
        None
    );
    let unknown = AgentModes::of_session(&json!({"modes": {"currentModeId": "x",
        "availableModes": [{"id": "x", "name": "X"}]}}))
    .unwrap();
    assert_eq!(unknown.switch(FullAccess, Plan), None);
}

/// claude-agent-acp's ExitPlanMode (as 0.23.1 sends it in plan mode): a proposed plan, and the
/// agent told to keep planning (its reject option), not an approval card.
#[test]
fn an_exit_plan_mode_permission_is_a_proposed_plan_and_keeps_planning() {
    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let effects = t.request(
        json!(0),
        "session/request_permission",
        &json!({"options": [
                    {"kind": "allow_always", "name": "Yes, and bypass permissions", "optionId": "bypassPermissions"},
                    {"kind": "allow_once", "name": "Yes, and manually approve edits", "optionId": "default"},
                    {"kind": "reject_once", "name": "No, keep planning", "optionId": "plan"}],
                "sessionId": "s",
                "toolCall": {"toolCallId": "toolu_1", "rawInput": {"plan": "1. Paint it blue\n2. Dry it"},
                             "title": "Ready to code?", "kind": "switch_mode"}}),
        "now",
    );
    let Effect::Plan(plan) = &effects[0] else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.plan_markdown, "1. Paint it blue\n2. Dry it");
    assert_eq!(plan.turn_id.as_deref(), Some("turn-1"));
    assert_eq!(
        effects[1],
        Effect::Reply {
            id: json!(0),
            result: Ok(json!({"outcome": {"outcome": "selected", "optionId": "plan"}}))
        }
    );
    assert_eq!(effects.len(), 2, "no approval card: {effects:?}");
}

#[test]
fn a_tool_s_output_comes_from_raw_output_or_its_text_content() {
    let mut t = AcpTranslator::with_ids(ids());
    t.begin_turn("turn-1");
    let mut output_of = |id: &str, update: Value| {
        let start = json!({"sessionUpdate": "tool_call", "toolCallId": id, "kind": "execute",
                           "title": "ls"});
        t.notification("session/update", &json!({ "update": start }), "now");
        let mut update = update;
        update["sessionUpdate"] = "tool_call_update".into();
        update["toolCallId"] = id.into();
        update["status"] = "completed".into();
        let effects = t.notification("session/update", &json!({ "update": update }), "now");
        let Some(Effect::Activity(a)) = effects.last() else {
            panic!("{effects:?}")
        };
        a.payload.get("output").cloned()
    };
    // codex-acp's exec record: what the command printed.
    assert_eq!(
        output_of(
            "a",
            json!({"rawOutput": {"aggregated_output": "a.txt\n", "exit_code": 0}})
        ),
        Some(json!("a.txt\n"))
    );
    // An object with no printed text is no output (not its JSON).
    assert_eq!(output_of("b", json!({"rawOutput": {"exit_code": 0}})), None);
    assert_eq!(
        output_of(
            "c",
            json!({"content": [{"type": "content",
                                            "content": {"type": "text", "text": "done"}}]})
        ),
        Some(json!("done"))
    );
}
