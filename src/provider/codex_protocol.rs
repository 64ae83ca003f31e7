//! codex app-server's messages as Rust types. `generated.rs` is made from the pinned codex's
//! JSON Schema by `make codex-protocol` (never edited by hand); this file adds the few readings
//! the rest of t3rs needs.
//!
//! Every generated field is optional (a tolerant reader, see codex_protocol/generator): a message
//! that lacks a field deserializes, and the caller decides, as before, what a missing field
//! means. A message that does not deserialize at all (a value outside the schema) is treated
//! like one without the fields the caller needed.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

mod generated;
pub use generated::*;

/// `params` (or a result) as `T`; `None` when it does not fit the schema.
pub fn parse<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// The thread id in the answer to `thread/start` or `thread/resume` (`thread.id`; a bare
/// `threadId` is accepted too, as t3rs always did).
pub fn thread_id_of(result: &Value) -> Option<String> {
    parse::<ThreadStartResponse>(result)
        .and_then(|r| r.thread)
        .and_then(|t| t.id)
        .or_else(|| {
            result
                .get("threadId")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
}

/// The turn id in the answer to `turn/start`.
pub fn turn_id_of(result: &Value) -> Option<String> {
    parse::<TurnStartResponse>(result)
        .and_then(|r| r.turn)
        .and_then(|t| t.id)
}

/// What t3rs reads of a server request the pinned codex's schema does not declare
/// (`item/fileRead/requestApproval`, which older codexes asked; requests t3rs refuses): the turn
/// it names, and what an approval would show.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UndeclaredRequest {
    #[serde(rename = "turnId")]
    pub turn_id: Option<String>,
    pub turn: Option<Turn>,
    pub command: Option<String>,
    pub reason: Option<String>,
}

impl UndeclaredRequest {
    /// `turnId`, else `turn.id`.
    pub fn turn_id(&self) -> Option<String> {
        self.turn_id
            .clone()
            .or_else(|| self.turn.as_ref().and_then(|t| t.id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `value` reads as `T`, naming the message when it does not.
    fn reads_as<T: DeserializeOwned>(what: &str, value: &Value) {
        if let Err(err) = T::deserialize(value) {
            panic!(
                "{what} does not read as {}: {err}",
                std::any::type_name::<T>()
            );
        }
    }

    /// Every message of the recorded conversations (tests/fixtures/codex, real codex traffic)
    /// that t3rs reads fits the generated types: the schema and codex's own wire agree.
    #[test]
    fn recorded_codex_traffic_reads_as_the_generated_types() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/codex");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "jsonrpc") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Our requests by id, to know what each answer answers.
            let mut asked = std::collections::HashMap::new();
            for line in text.lines() {
                let (ours, body) = match (line.strip_prefix(">> "), line.strip_prefix("<< ")) {
                    (Some(body), _) => (true, body),
                    (_, Some(body)) => (false, body),
                    _ => continue,
                };
                let message: Value = serde_json::from_str(body).unwrap();
                let what = format!("{}: {body:.200}", path.display());
                let params = &message["params"];
                let method = message["method"].as_str();
                if ours {
                    if let (Some(id), Some(m)) = (message.get("id"), method) {
                        asked.insert(id.to_string(), m.to_string());
                    }
                }
                checked += 1;
                match method {
                    Some(method::INITIALIZE) => reads_as::<InitializeParams>(&what, params),
                    Some(method::THREAD_START) => reads_as::<ThreadStartParams>(&what, params),
                    Some(method::THREAD_RESUME) => reads_as::<ThreadResumeParams>(&what, params),
                    Some(method::THREAD_REVERT) => reads_as::<ThreadRevertParams>(&what, params),
                    Some(method::TURN_START) => reads_as::<TurnStartParams>(&what, params),
                    Some(method::TURN_INTERRUPT) => reads_as::<TurnInterruptParams>(&what, params),
                    Some(method::TURN_STEER) => reads_as::<TurnSteerParams>(&what, params),
                    Some(method::TURN_STARTED) => {
                        reads_as::<TurnStartedNotification>(&what, params)
                    }
                    Some(method::TURN_COMPLETED) => {
                        reads_as::<TurnCompletedNotification>(&what, params)
                    }
                    Some(method::ITEM_STARTED) => {
                        reads_as::<ItemStartedNotification>(&what, params)
                    }
                    Some(method::ITEM_COMPLETED) => {
                        reads_as::<ItemCompletedNotification>(&what, params)
                    }
                    Some(method::ITEM_AGENT_MESSAGE_DELTA) => {
                        reads_as::<AgentMessageDeltaNotification>(&what, params)
                    }
                    Some(method::ITEM_PLAN_DELTA) => {
                        reads_as::<PlanDeltaNotification>(&what, params)
                    }
                    Some(method::TURN_PLAN_UPDATED) => {
                        reads_as::<TurnPlanUpdatedNotification>(&what, params)
                    }
                    Some(method::THREAD_TOKEN_USAGE_UPDATED) => {
                        reads_as::<ThreadTokenUsageUpdatedNotification>(&what, params)
                    }
                    Some(method::ERROR) => reads_as::<ErrorNotification>(&what, params),
                    Some(method::WARNING) => reads_as::<WarningNotification>(&what, params),
                    Some(method::CONFIG_WARNING) => {
                        reads_as::<ConfigWarningNotification>(&what, params)
                    }
                    Some(method::DEPRECATION_NOTICE) => {
                        reads_as::<DeprecationNoticeNotification>(&what, params)
                    }
                    Some(method::ITEM_COMMAND_EXECUTION_REQUEST_APPROVAL) => {
                        reads_as::<CommandExecutionRequestApprovalParams>(&what, params)
                    }
                    Some(method::ITEM_FILE_CHANGE_REQUEST_APPROVAL) => {
                        reads_as::<FileChangeRequestApprovalParams>(&what, params)
                    }
                    Some(method::ITEM_TOOL_REQUEST_USER_INPUT) => {
                        reads_as::<ToolRequestUserInputParams>(&what, params)
                    }
                    Some(_) => checked -= 1,
                    None if ours => checked -= 1,
                    None => {
                        let result = &message["result"];
                        match message.get("id").and_then(|id| asked.get(&id.to_string())) {
                            Some(m) if m == method::INITIALIZE => {
                                reads_as::<InitializeResponse>(&what, result)
                            }
                            Some(m) if m == method::THREAD_START => {
                                reads_as::<ThreadStartResponse>(&what, result);
                                assert!(thread_id_of(result).is_some(), "{what}");
                            }
                            Some(m) if m == method::THREAD_RESUME => {
                                reads_as::<ThreadResumeResponse>(&what, result);
                                assert!(thread_id_of(result).is_some(), "{what}");
                            }
                            Some(m) if m == method::TURN_START => {
                                reads_as::<TurnStartResponse>(&what, result);
                                assert!(turn_id_of(result).is_some(), "{what}");
                            }
                            _ => checked -= 1,
                        }
                    }
                }
            }
        }
        assert!(checked > 50, "only {checked} messages checked");
    }
}
