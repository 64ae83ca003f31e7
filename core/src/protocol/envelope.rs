//! Request/response/push envelopes and the decoding of a raw text frame into a typed request.
//!
//! Decoding never panics and never gives up silently: every failure becomes a [`DecodeFailure`]
//! carrying the request id when one could be read and a message naming the field.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::git::{GitCall, StackedAction, COMMIT_MESSAGE_MAX_CHARS};
use super::keybindings::{validate_rule, KeybindingRule};
use super::methods::{
    Method, DEFAULT_TERMINAL_ID, KNOWN_METHODS, SEARCH_LIMIT_MAX, SEARCH_QUERY_MAX_CHARS,
    TERMINAL_COLS, TERMINAL_ENV_KEY_MAX_CHARS, TERMINAL_ENV_MAX_KEYS, TERMINAL_ENV_VALUE_MAX_CHARS,
    TERMINAL_ID_MAX_CHARS, TERMINAL_ROWS, TERMINAL_WRITE_MAX_CHARS, WRITE_FILE_PATH_MAX_CHARS,
};
use super::terminal::{
    TerminalClearParams, TerminalCloseParams, TerminalOpenParams, TerminalResizeParams,
    TerminalRestartParams, TerminalWriteParams,
};
use crate::field_error::{json_kind, FieldError};
use crate::orchestration::decode_client_command;
use std::collections::BTreeMap;

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplayParams {
    from_sequence_exclusive: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TurnDiffParams {
    thread_id: String,
    #[serde(default)]
    from_turn_count: Option<Value>,
    to_turn_count: Value,
}

#[derive(Deserialize)]
struct OpenInEditorParams {
    cwd: String,
    editor: super::editor::EditorId,
}

#[derive(Deserialize)]
struct SearchParams {
    cwd: String,
    query: String,
    limit: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WriteFileParams {
    cwd: String,
    relative_path: String,
    contents: String,
}

/// A trimmed, non-empty string of at most `max` characters.
fn bounded_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(trimmed.to_string())
}

/// An integer in `min..=max` (JSON numbers like 5.0 count; 5.5 does not).
fn integer_in(field: &str, value: &Value, min: u64, max: u64) -> Result<u64, FieldError> {
    let n = match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == u64::MAX => Err(FieldError::new(
            field,
            format!("must be an integer greater than or equal to {min}, got {value}"),
        )),
        _ => Err(FieldError::new(
            field,
            format!("must be an integer from {min} to {max}, got {value}"),
        )),
    }
}

/// The fields every terminal method shares; numbers stay raw so range errors can name them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TerminalParams {
    thread_id: String,
    terminal_id: Option<String>,
    cwd: Option<String>,
    cols: Option<Value>,
    rows: Option<Value>,
    env: Option<Value>,
    data: Option<String>,
    delete_history: Option<bool>,
}

impl TerminalParams {
    fn thread_id(&self) -> Result<String, FieldError> {
        bounded_text("body.threadId", &self.thread_id, 4096)
    }

    /// `terminalId`, defaulted to "default" like T3 Code.
    fn terminal_id(&self) -> Result<String, FieldError> {
        match &self.terminal_id {
            Some(id) => bounded_text("body.terminalId", id, TERMINAL_ID_MAX_CHARS),
            None => Ok(DEFAULT_TERMINAL_ID.to_string()),
        }
    }

    fn cwd(&self) -> Result<String, FieldError> {
        match &self.cwd {
            Some(cwd) => bounded_text("body.cwd", cwd, 4096),
            None => Err(FieldError::new("body.cwd", "missing")),
        }
    }

    fn size(
        value: &Option<Value>,
        field: &str,
        range: (u64, u64),
    ) -> Result<Option<u16>, FieldError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(Some(integer_in(field, v, range.0, range.1)? as u16)),
        }
    }

    fn cols(&self) -> Result<Option<u16>, FieldError> {
        Self::size(&self.cols, "body.cols", TERMINAL_COLS)
    }

    fn rows(&self) -> Result<Option<u16>, FieldError> {
        Self::size(&self.rows, "body.rows", TERMINAL_ROWS)
    }

    fn required(value: Option<u16>, field: &str) -> Result<u16, FieldError> {
        value.ok_or_else(|| FieldError::new(field, "missing"))
    }

    fn env(&self) -> Result<Option<BTreeMap<String, String>>, FieldError> {
        let map = match &self.env {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(FieldError::new(
                    "body.env",
                    format!("expected an object of strings, got {}", json_kind(other)),
                ))
            }
        };
        if map.len() > TERMINAL_ENV_MAX_KEYS {
            return Err(FieldError::new(
                "body.env",
                format!(
                    "at most {TERMINAL_ENV_MAX_KEYS} variables, got {}",
                    map.len()
                ),
            ));
        }
        let mut env = BTreeMap::new();
        for (key, value) in map {
            let valid_key = key.len() <= TERMINAL_ENV_KEY_MAX_CHARS
                && key
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_key {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!(
                        "variable names must match ^[A-Za-z_][A-Za-z0-9_]*$ and be at most {TERMINAL_ENV_KEY_MAX_CHARS} characters"
                    ),
                ));
            }
            let Value::String(value) = value else {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!("expected a string, got {}", json_kind(value)),
                ));
            };
            if value.chars().count() > TERMINAL_ENV_VALUE_MAX_CHARS {
                return Err(FieldError::new(
                    format!("body.env.{key}"),
                    format!("values are at most {TERMINAL_ENV_VALUE_MAX_CHARS} characters"),
                ));
            }
            env.insert(key.clone(), value.clone());
        }
        Ok(Some(env))
    }
}

fn decode_terminal(tag: &str, body: Value) -> Result<Method, FieldError> {
    let p: TerminalParams = decode_fields(body)?;
    Ok(match tag {
        "terminal.open" => Method::TerminalOpen(TerminalOpenParams {
            thread_id: p.thread_id()?,
            terminal_id: p.terminal_id()?,
            cwd: p.cwd()?,
            cols: p.cols()?,
            rows: p.rows()?,
            env: p.env()?,
        }),
        "terminal.write" => {
            let data = p
                .data
                .clone()
                .ok_or_else(|| FieldError::new("body.data", "missing"))?;
            let chars = data.chars().count();
            if chars == 0 || chars > TERMINAL_WRITE_MAX_CHARS {
                return Err(FieldError::new(
                    "body.data",
                    format!("must be 1 to {TERMINAL_WRITE_MAX_CHARS} characters, got {chars}"),
                ));
            }
            Method::TerminalWrite(TerminalWriteParams {
                thread_id: p.thread_id()?,
                terminal_id: p.terminal_id()?,
                data,
            })
        }
        "terminal.resize" => Method::TerminalResize(TerminalResizeParams {
            thread_id: p.thread_id()?,
            terminal_id: p.terminal_id()?,
            cols: TerminalParams::required(p.cols()?, "body.cols")?,
            rows: TerminalParams::required(p.rows()?, "body.rows")?,
        }),
        "terminal.clear" => Method::TerminalClear(TerminalClearParams {
            thread_id: p.thread_id()?,
            terminal_id: p.terminal_id()?,
        }),
        "terminal.restart" => Method::TerminalRestart(TerminalRestartParams {
            thread_id: p.thread_id()?,
            terminal_id: p.terminal_id()?,
            cwd: p.cwd()?,
            cols: TerminalParams::required(p.cols()?, "body.cols")?,
            rows: TerminalParams::required(p.rows()?, "body.rows")?,
            env: p.env()?,
        }),
        _ => Method::TerminalClose(TerminalCloseParams {
            thread_id: p.thread_id()?,
            terminal_id: match &p.terminal_id {
                Some(id) => Some(bounded_text("body.terminalId", id, TERMINAL_ID_MAX_CHARS)?),
                None => None,
            },
            delete_history: p.delete_history.unwrap_or(false),
        }),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitParams {
    cwd: String,
    branch: Option<String>,
    new_branch: Option<String>,
    #[serde(default)]
    path: Option<String>,
    force: Option<bool>,
    action: Option<String>,
    commit_message: Option<String>,
    feature_branch: Option<bool>,
}

fn decode_git(tag: &str, body: Value) -> Result<Method, FieldError> {
    let p: GitParams = decode_fields(body)?;
    let cwd = bounded_text("body.cwd", &p.cwd, 4096)?;
    let required = |value: &Option<String>, field: &str| match value {
        Some(v) => bounded_text(field, v, 1024),
        None => Err(FieldError::new(field, "missing")),
    };
    let call = match tag {
        "git.status" => GitCall::Status,
        "git.pull" => GitCall::Pull,
        "git.listBranches" => GitCall::ListBranches,
        "git.init" => GitCall::Init,
        "git.createBranch" => GitCall::CreateBranch {
            branch: required(&p.branch, "body.branch")?,
        },
        "git.checkout" => GitCall::Checkout {
            branch: required(&p.branch, "body.branch")?,
        },
        "git.createWorktree" => GitCall::CreateWorktree {
            branch: required(&p.branch, "body.branch")?,
            new_branch: required(&p.new_branch, "body.newBranch")?,
            path: match &p.path {
                Some(path) => Some(bounded_text("body.path", path, 4096)?),
                None => None,
            },
        },
        "git.removeWorktree" => GitCall::RemoveWorktree {
            path: required(&p.path, "body.path")?,
            force: p.force.unwrap_or(false),
        },
        _ => {
            let raw = p
                .action
                .as_deref()
                .ok_or_else(|| FieldError::new("body.action", "missing"))?;
            let action = StackedAction::parse(raw).ok_or_else(|| {
                FieldError::new(
                    "body.action",
                    format!(
                        "unknown action '{raw}'; expected commit, commit_push or commit_push_pr"
                    ),
                )
            })?;
            GitCall::RunStackedAction {
                action,
                commit_message: match &p.commit_message {
                    Some(m) => Some(bounded_text(
                        "body.commitMessage",
                        m,
                        COMMIT_MESSAGE_MAX_CHARS,
                    )?),
                    None => None,
                },
                feature_branch: p.feature_branch.unwrap_or(false),
            }
        }
    };
    Ok(Method::Git { cwd, call })
}

fn decode_method(tag: &str, body: Value) -> Result<Method, FieldError> {
    match tag {
        "git.status"
        | "git.pull"
        | "git.listBranches"
        | "git.createBranch"
        | "git.checkout"
        | "git.init"
        | "git.createWorktree"
        | "git.removeWorktree"
        | "git.runStackedAction" => decode_git(tag, body),
        "terminal.open" | "terminal.write" | "terminal.resize" | "terminal.clear"
        | "terminal.restart" | "terminal.close" => decode_terminal(tag, body),
        "orchestration.getSnapshot" => Ok(Method::OrchestrationGetSnapshot),
        "orchestration.dispatchCommand" => {
            let Value::Object(mut body) = body else {
                return Err(FieldError::new("body", "expected an object"));
            };
            let command = body
                .remove("command")
                .ok_or_else(|| FieldError::new("body.command", "missing"))?;
            let command = decode_client_command(command).map_err(|e| e.under("body.command"))?;
            Ok(Method::OrchestrationDispatchCommand(Box::new(command)))
        }
        "orchestration.replayEvents" => {
            let params: ReplayParams = decode_fields(body)?;
            Ok(Method::OrchestrationReplayEvents {
                from_sequence_exclusive: integer_in(
                    "body.fromSequenceExclusive",
                    &params.from_sequence_exclusive,
                    0,
                    u64::MAX,
                )?,
            })
        }
        "orchestration.getTurnDiff" | "orchestration.getFullThreadDiff" => {
            let params: TurnDiffParams = decode_fields(body)?;
            let thread_id = bounded_text("body.threadId", &params.thread_id, 256)?;
            let to = integer_in("body.toTurnCount", &params.to_turn_count, 0, u64::MAX)?;
            let from = match (tag, &params.from_turn_count) {
                ("orchestration.getFullThreadDiff", _) => 0,
                (_, Some(value)) => integer_in("body.fromTurnCount", value, 0, u64::MAX)?,
                (_, None) => return Err(FieldError::new("body.fromTurnCount", "missing")),
            };
            if from > to {
                return Err(FieldError::new(
                    "body.fromTurnCount",
                    "fromTurnCount must be less than or equal to toTurnCount",
                ));
            }
            let full = tag == "orchestration.getFullThreadDiff";
            Ok(Method::OrchestrationGetTurnDiff {
                thread_id,
                from_turn_count: from,
                to_turn_count: to,
                full,
            })
        }
        "shell.openInEditor" => {
            let params: OpenInEditorParams = decode_fields(body)?;
            Ok(Method::ShellOpenInEditor {
                cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
                editor: params.editor,
            })
        }
        "projects.searchEntries" => {
            let params: SearchParams = decode_fields(body)?;
            Ok(Method::ProjectsSearchEntries {
                cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
                query: bounded_text("body.query", &params.query, SEARCH_QUERY_MAX_CHARS)?,
                limit: integer_in("body.limit", &params.limit, 1, SEARCH_LIMIT_MAX as u64)?
                    as usize,
            })
        }
        "projects.writeFile" => {
            let params: WriteFileParams = decode_fields(body)?;
            Ok(Method::ProjectsWriteFile {
                cwd: bounded_text("body.cwd", &params.cwd, 4096)?,
                relative_path: bounded_text(
                    "body.relativePath",
                    &params.relative_path,
                    WRITE_FILE_PATH_MAX_CHARS,
                )?,
                contents: params.contents,
            })
        }
        "server.getConfig" => Ok(Method::ServerGetConfig),
        "server.upsertKeybinding" => {
            let raw: KeybindingRule = decode_fields(body)?;
            let rule = validate_rule(&raw).map_err(|e| e.under("body"))?;
            Ok(Method::ServerUpsertKeybinding(rule))
        }
        other => match KNOWN_METHODS.iter().find(|m| **m == other) {
            Some(known) => Ok(Method::NotYetAvailable(known)),
            None => Err(FieldError::new(
                "body._tag",
                format!("unknown method '{other}'"),
            )),
        },
    }
}

/// Typed decode of a method's fields; the error names the failing field under `body`.
fn decode_fields<T: DeserializeOwned>(body: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(body).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." || path.is_empty() {
            "body".to_string()
        } else {
            format!("body.{path}")
        };
        FieldError::new(field, err.into_inner().to_string())
    })
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
