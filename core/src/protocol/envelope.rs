//! Request/response/push envelopes and the decoding of a raw text frame into a typed request.
//!
//! Decoding never panics and never gives up silently: every failure becomes a [`DecodeFailure`]
//! carrying the request id when one could be read and a message naming the field.

use serde::Deserialize;
use serde_json::Value;

use super::methods::{decode_method, Method};
use crate::field_error::{json_kind, FieldError};

/// The id used in an error response when the request's own id could not be read.
pub const UNKNOWN_ID: &str = "unknown";

/// A decoded request: its id and the typed method call.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: String,
    pub method: Method,
}

/// A frame that did not decode; answer it with `{id, error:{message}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeFailure {
    pub id: Option<String>,
    pub message: String,
}

impl DecodeFailure {
    fn new(id: Option<String>, err: impl std::fmt::Display) -> Self {
        Self {
            id,
            message: format!("Invalid request format: {err}"),
        }
    }
}

/// Reads only the id, so even a request whose body fails to decode is answered under its own id.
#[derive(Deserialize)]
struct IdOnly {
    id: Option<Value>,
}

fn readable_id(text: &str) -> Option<String> {
    let parsed =
        serde_json::from_str::<IdOnly>(text).or_else(|e| match replace_lone_surrogates(text) {
            Some(repaired) => serde_json::from_str::<IdOnly>(&repaired),
            None => Err(e),
        });
    match parsed {
        Ok(IdOnly {
            id: Some(Value::String(id)),
        }) if !id.trim().is_empty() => Some(id),
        _ => None,
    }
}

/// The value of a `\uXXXX` escape starting at `at` (which holds the backslash), if it is one.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<u16> {
    if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
        return None;
    }
    let hex = bytes.get(at + 2..at + 6)?;
    let hex = std::str::from_utf8(hex).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

/// `text` with every `\uD800`–`\uDFFF` escape that is not half of a valid surrogate pair
/// replaced by `\uFFFD`, or `None` when there is none. Escapes are read left to right, so an
/// escaped backslash (`\\ud83d`, the text `\ud83d`) is left alone. Only JSON strings can hold
/// a backslash, and there it always starts an escape, so no string tracking is needed.
pub fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = unicode_escape(bytes, i) else {
            // `\"`, `\\`, `\n`...: the escaped character is skipped with its backslash.
            i += 2;
            continue;
        };
        match unit {
            0xD800..=0xDBFF => {
                if let Some(0xDC00..=0xDFFF) = unicode_escape(bytes, i + 6) {
                    i += 12;
                    continue;
                }
            }
            0xDC00..=0xDFFF => {}
            _ => {
                i += 6;
                continue;
            }
        }
        // A lone surrogate: everything before it is copied as is, the escape replaced.
        let repaired = out.get_or_insert_with(|| String::with_capacity(text.len()));
        repaired.push_str(&text[copied..i]);
        repaired.push_str("\\uFFFD");
        i += 6;
        copied = i;
    }
    let mut repaired = out?;
    repaired.push_str(&text[copied..]);
    Some(repaired)
}

/// Decodes a text frame of at most `max_bytes` bytes into a typed request.
pub fn decode_request(text: &str, max_bytes: usize) -> Result<Request, DecodeFailure> {
    if text.len() > max_bytes {
        return Err(DecodeFailure::new(
            readable_id(text),
            format!(
                "message is {} bytes, over the {max_bytes}-byte limit",
                text.len()
            ),
        ));
    }
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        // serde refuses lone UTF-16 surrogate escapes, which JS's JSON.stringify emits for a
        // string cut inside an emoji; a browser shows U+FFFD for them, and so does t3rs.
        Err(e) => match replace_lone_surrogates(text) {
            Some(repaired) => serde_json::from_str(&repaired),
            None => Err(e),
        }
        .map_err(|e| DecodeFailure::new(None, format!("not valid JSON ({e})")))?,
    };
    let Value::Object(mut root) = root else {
        return Err(DecodeFailure::new(
            None,
            format!(
                "expected a JSON object with `id` and `body`, got {}",
                json_kind(&root)
            ),
        ));
    };
    let id = match root.remove("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id,
        Some(Value::String(_)) => {
            return Err(DecodeFailure::new(None, "id: must be a non-empty string"))
        }
        Some(other) => {
            return Err(DecodeFailure::new(
                None,
                format!("id: expected a non-empty string, got {}", json_kind(&other)),
            ))
        }
        None => {
            return Err(DecodeFailure::new(
                None,
                "id: missing (every request needs a non-empty string id)",
            ))
        }
    };
    let fail = |err: FieldError| DecodeFailure::new(Some(id.clone()), err);
    let body = match root.remove("body") {
        Some(Value::Object(body)) => body,
        Some(other) => {
            return Err(fail(FieldError::new(
                "body",
                format!("expected an object, got {}", json_kind(&other)),
            )))
        }
        None => return Err(fail(FieldError::new("body", "missing"))),
    };
    let tag = match body.get("_tag") {
        Some(Value::String(tag)) => tag.clone(),
        Some(other) => {
            return Err(fail(FieldError::new(
                "body._tag",
                format!("expected a method name string, got {}", json_kind(other)),
            )))
        }
        None => {
            return Err(fail(FieldError::new(
                "body._tag",
                "missing; expected a method name such as \"server.getConfig\"",
            )))
        }
    };
    let method = decode_method(&tag, Value::Object(body)).map_err(fail)?;
    Ok(Request { id, method })
}

/// `{"id": …, "result": …}`; `result` is omitted for methods that return nothing.
pub fn encode_result(id: &str, result: Option<&Value>) -> String {
    let mut out = serde_json::Map::new();
    out.insert("id".into(), Value::String(id.to_string()));
    if let Some(result) = result {
        out.insert("result".into(), result.clone());
    }
    Value::Object(out).to_string()
}

/// `{"id": …, "result": <raw>}` from an already-serialised result.
pub fn encode_raw_result(id: &str, raw_json: &str) -> String {
    let id = Value::String(id.to_string()).to_string();
    let mut out = String::with_capacity(raw_json.len() + id.len() + 16);
    out.push_str("{\"id\":");
    out.push_str(&id);
    out.push_str(",\"result\":");
    out.push_str(raw_json);
    out.push('}');
    out
}

/// `{"id": …, "error": {"message": …}}`.
pub fn encode_error(id: &str, message: &str) -> String {
    serde_json::json!({ "id": id, "error": { "message": message } }).to_string()
}

/// `{"id": …, "error": {"message": …, "cause"?: …}}`: `cause` only when an underlying error was
/// wrapped; without one the bytes are [`encode_error`]'s.
pub fn encode_reply_error(id: &str, error: &super::reply_error::ReplyError) -> String {
    match &error.cause {
        None => encode_error(id, &error.message),
        Some(cause) => serde_json::json!({
            "id": id,
            "error": { "message": error.message, "cause": cause },
        })
        .to_string(),
    }
}

/// `{"type":"push","sequence":n,"channel":…,"data":…}` from already-serialised data, so one
/// serialisation serves every connection a push fans out to.
pub fn encode_push(sequence: u64, channel: &str, data_json: &str) -> String {
    let channel = Value::String(channel.to_string()).to_string();
    let mut out = String::with_capacity(data_json.len() + channel.len() + 48);
    out.push_str("{\"type\":\"push\",\"sequence\":");
    out.push_str(&sequence.to_string());
    out.push_str(",\"channel\":");
    out.push_str(&channel);
    out.push_str(",\"data\":");
    out.push_str(data_json);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::git::{GitCall, StackedAction};

    const MAX: usize = 1 << 20;

    fn message(text: &str) -> DecodeFailure {
        decode_request(text, MAX).unwrap_err()
    }

    #[test]
    fn decodes_get_config() {
        let req = decode_request(r#"{"id":"1","body":{"_tag":"server.getConfig"}}"#, MAX).unwrap();
        assert_eq!(req.id, "1");
        assert_eq!(req.method, Method::ServerGetConfig);
    }

    #[test]
    fn every_failure_class_names_its_problem() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("not json", None, "not valid JSON"),
            ("[1,2]", None, "expected a JSON object"),
            (
                r#"{"body":{"_tag":"server.getConfig"}}"#,
                None,
                "id: missing",
            ),
            (
                r#"{"id":7,"body":{}}"#,
                None,
                "id: expected a non-empty string, got a number",
            ),
            (
                r#"{"id":"  ","body":{}}"#,
                None,
                "id: must be a non-empty string",
            ),
            (r#"{"id":"a"}"#, Some("a"), "body: missing"),
            (
                r#"{"id":"a","body":[]}"#,
                Some("a"),
                "body: expected an object, got an array",
            ),
            (r#"{"id":"a","body":{}}"#, Some("a"), "body._tag: missing"),
            (
                r#"{"id":"a","body":{"_tag":5}}"#,
                Some("a"),
                "body._tag: expected a method name",
            ),
            (
                r#"{"id":"a","body":{"_tag":"nope.x"}}"#,
                Some("a"),
                "body._tag: unknown method 'nope.x'",
            ),
            (
                r#"{"id":"a","body":{"_tag":"server.upsertKeybinding","key":5,"command":"chat.new"}}"#,
                Some("a"),
                "body.key: invalid type: integer `5`, expected a string",
            ),
            (
                r#"{"id":"a","body":{"_tag":"server.upsertKeybinding","command":"chat.new"}}"#,
                Some("a"),
                "missing field `key`",
            ),
        ];
        for (text, id, expected) in cases {
            let failure = message(text);
            assert_eq!(failure.id.as_deref(), *id, "{text}");
            assert!(
                failure.message.starts_with("Invalid request format: "),
                "{text}: {}",
                failure.message
            );
            assert!(
                failure.message.contains(expected),
                "{text}: {} does not contain {expected}",
                failure.message
            );
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let cases: &[(&str, Option<&str>)] = &[
            // A valid pair (😀) is kept, whatever the case of its hex digits.
            (r#""\ud83d\ude00""#, None),
            (r#""\uD83D\uDE00 and \u00e9""#, None),
            // A lone high surrogate, at the end and before another character.
            (r#""cut \ud83d""#, Some(r#""cut \uFFFD""#)),
            (r#""\ud83dx""#, Some(r#""\uFFFDx""#)),
            // A lone low surrogate.
            (r#""\ude00 tail""#, Some(r#""\uFFFD tail""#)),
            // Two highs: the first is lone, the second pairs with what follows.
            (r#""\ud83d\ud83d\ude00""#, Some(r#""\uFFFD\ud83d\ude00""#)),
            // Reversed pair: both lone.
            (r#""\ude00\ud83d""#, Some(r#""\uFFFD\uFFFD""#)),
            // An escaped backslash: the text `\ud83d`, not an escape.
            (r#""\\ud83d""#, None),
            (r#""\\\ud83d""#, Some(r#""\\\uFFFD""#)),
            (r#""a\"b\ud83d""#, Some(r#""a\"b\uFFFD""#)),
        ];
        for (text, expected) in cases {
            let repaired = replace_lone_surrogates(text);
            assert_eq!(repaired.as_deref(), *expected, "{text}");
            let decoded: String = serde_json::from_str(repaired.as_deref().unwrap_or(text))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(decoded.contains('\u{FFFD}'), expected.is_some(), "{text}");
        }
        assert_eq!(
            serde_json::from_str::<String>(r#""\\ud83d""#).unwrap(),
            "\\ud83d"
        );
    }

    #[test]
    fn a_frame_with_a_lone_surrogate_keeps_its_id() {
        let text = r#"{"id":"cut","body":{"_tag":"projects.searchEntries","cwd":"/tmp","query":"a\ud83d","limit":5}}"#;
        let request = decode_request(text, MAX).unwrap();
        assert_eq!(request.id, "cut");
        match request.method {
            Method::ProjectsSearchEntries { query, .. } => assert_eq!(query, "a\u{FFFD}"),
            other => panic!("{other:?}"),
        }
        // Even when refused for its size, it is answered under its id.
        let failure = decode_request(text, 20).unwrap_err();
        assert_eq!(failure.id.as_deref(), Some("cut"));
        // A frame broken otherwise stays refused.
        let failure = message(r#"{"id":"x","body":{"_tag":"a\ud83d}"#);
        assert!(
            failure.message.contains("not valid JSON"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn oversize_is_refused_but_keeps_the_id() {
        let text = format!(
            r#"{{"id":"big","body":{{"_tag":"server.getConfig","pad":"{}"}}}}"#,
            "x".repeat(100)
        );
        let failure = decode_request(&text, 50).unwrap_err();
        assert_eq!(failure.id.as_deref(), Some("big"));
        assert!(
            failure.message.contains("over the 50-byte limit"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn open_in_editor_and_git_decode() {
        let req = decode_request(
            r#"{"id":"1","body":{"_tag":"shell.openInEditor","cwd":"/x","editor":"vscode"}}"#,
            MAX,
        )
        .unwrap();
        assert_eq!(
            req.method,
            Method::ShellOpenInEditor {
                cwd: "/x".into(),
                editor: crate::protocol::editor::EditorId::Vscode
            }
        );
        let bad = decode_request(
            r#"{"id":"1","body":{"_tag":"shell.openInEditor","cwd":"/x","editor":"emacs"}}"#,
            MAX,
        )
        .unwrap_err();
        assert!(bad.message.contains("editor"), "{}", bad.message);
        let git =
            decode_request(r#"{"id":"1","body":{"_tag":"git.status","cwd":"/x"}}"#, MAX).unwrap();
        assert_eq!(
            git.method,
            Method::Git {
                cwd: "/x".into(),
                call: GitCall::Status
            }
        );
    }

    #[test]
    fn git_params_are_checked() {
        let ok = decode_request(
            r#"{"id":"g","body":{"_tag":"git.runStackedAction","cwd":"/r","action":"commit_push","commitMessage":" fix "}}"#,
            MAX,
        )
        .unwrap();
        assert_eq!(
            ok.method,
            Method::Git {
                cwd: "/r".into(),
                call: GitCall::RunStackedAction {
                    action_id: None,
                    action: StackedAction::CommitPush,
                    commit_message: Some("fix".into()),
                    feature_branch: false
                }
            }
        );
        for (body, expected) in [
            (
                r#"{"_tag":"git.checkout","cwd":"/r"}"#,
                "body.branch: missing",
            ),
            (
                r#"{"_tag":"git.runStackedAction","cwd":"/r","action":"yolo"}"#,
                "body.action: unknown action 'yolo'",
            ),
            (
                r#"{"_tag":"git.createWorktree","cwd":"/r","branch":"a","path":null}"#,
                "body.newBranch: missing",
            ),
            (
                r#"{"_tag":"git.status","cwd":" "}"#,
                "body.cwd: must not be empty",
            ),
        ] {
            let failure =
                decode_request(&format!(r#"{{"id":"g","body":{body}}}"#), MAX).unwrap_err();
            assert!(
                failure.message.contains(expected),
                "{body}: {}",
                failure.message
            );
        }
    }

    #[test]
    fn orchestration_and_project_params_are_checked() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"_tag":"orchestration.replayEvents","fromSequenceExclusive":-1}"#,
                "body.fromSequenceExclusive: must be an integer greater than or equal to 0",
            ),
            (
                r#"{"_tag":"orchestration.replayEvents"}"#,
                "missing field `fromSequenceExclusive`",
            ),
            (
                r#"{"_tag":"orchestration.dispatchCommand"}"#,
                "body.command: missing",
            ),
            (
                r#"{"_tag":"projects.searchEntries","cwd":"/x","query":"a","limit":0}"#,
                "body.limit: must be an integer from 1 to 200",
            ),
            (
                r#"{"_tag":"projects.searchEntries","cwd":"/x","query":"  ","limit":5}"#,
                "body.query: must not be empty",
            ),
            (
                r#"{"_tag":"projects.writeFile","cwd":"/x","relativePath":"a","contents":7}"#,
                "body.contents: invalid type",
            ),
        ];
        for (body, expected) in cases {
            let text = format!(r#"{{"id":"p","body":{body}}}"#);
            let failure = decode_request(&text, MAX).unwrap_err();
            assert_eq!(failure.id.as_deref(), Some("p"));
            assert!(
                failure.message.contains(expected),
                "{}: {}",
                body,
                failure.message
            );
        }
        let ok = decode_request(
            r#"{"id":"p","body":{"_tag":"orchestration.replayEvents","fromSequenceExclusive":42}}"#,
            MAX,
        )
        .unwrap();
        assert_eq!(
            ok.method,
            Method::OrchestrationReplayEvents {
                from_sequence_exclusive: 42
            }
        );
    }

    #[test]
    fn push_is_valid_json_with_sequence() {
        let text = encode_push(3, "server.welcome", r#"{"cwd":"/x"}"#);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "push");
        assert_eq!(v["sequence"], 3);
        assert_eq!(v["channel"], "server.welcome");
        assert_eq!(v["data"]["cwd"], "/x");
    }

    #[test]
    fn result_and_error_shapes() {
        assert_eq!(encode_result("1", None), r#"{"id":"1"}"#);
        let v: Value =
            serde_json::from_str(&encode_result("1", Some(&serde_json::json!({"a":1})))).unwrap();
        assert_eq!(v["result"]["a"], 1);
        let v: Value = serde_json::from_str(&encode_raw_result("q\"1", r#"{"a":[1]}"#)).unwrap();
        assert_eq!(v, serde_json::json!({"id": "q\"1", "result": {"a": [1]}}));
        let v: Value = serde_json::from_str(&encode_error("2", "bad")).unwrap();
        assert_eq!(v["error"]["message"], "bad");
        assert_eq!(v["id"], "2");
    }
}
