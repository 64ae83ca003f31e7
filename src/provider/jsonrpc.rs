//! JSON-RPC 2.0 as `codex app-server` speaks it on stdio: one JSON object per line, requests
//! both ways, notifications, and responses matched to requests by id. Pure: parsing, encoding
//! and the table of requests awaiting an answer (with deadlines); the actor does the I/O.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// An error object from a response.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// One line from the peer, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The answer to one of our requests (ids we send are integers).
    Response {
        id: u64,
        outcome: Result<Value, RpcError>,
    },
    /// The peer asks us something (an approval, user input) and waits for our answer.
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a JSON-RPC message: {0}")]
    Malformed(String),
}

/// Classifies one line.
pub fn parse_line(line: &str) -> Result<Incoming, ProtocolError> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| ProtocolError::NotJson(e.to_string()))?;
    let Value::Object(mut map) = value else {
        return Err(ProtocolError::Malformed("expected an object".into()));
    };
    let method = map.remove("method");
    let id = map.remove("id");
    match (method, id) {
        (Some(Value::String(method)), Some(id)) => Ok(Incoming::Request {
            id,
            method,
            params: map.remove("params").unwrap_or(Value::Null),
        }),
        (Some(Value::String(method)), None) => Ok(Incoming::Notification {
            method,
            params: map.remove("params").unwrap_or(Value::Null),
        }),
        (Some(other), _) => Err(ProtocolError::Malformed(format!(
            "method is not a string: {other}"
        ))),
        (None, Some(id)) => {
            let id = id
                .as_u64()
                .ok_or_else(|| ProtocolError::Malformed(format!("response id {id} is not ours")))?;
            let outcome = match (map.remove("result"), map.remove("error")) {
                (_, Some(error)) => Err(RpcError {
                    code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                    message: error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error")
                        .to_string(),
                    data: error.get("data").cloned(),
                }),
                (Some(result), None) => Ok(result),
                (None, None) => Ok(Value::Null),
            };
            Ok(Incoming::Response { id, outcome })
        }
        (None, None) => Err(ProtocolError::Malformed(
            "neither a method nor an id".into(),
        )),
    }
}

pub fn request_line(id: u64, method: &str, params: &Value) -> String {
    json!({ "id": id, "method": method, "params": params }).to_string()
}

pub fn notification_line(method: &str, params: Option<&Value>) -> String {
    match params {
        Some(params) => json!({ "method": method, "params": params }).to_string(),
        None => json!({ "method": method }).to_string(),
    }
}

pub fn response_line(id: &Value, result: &Value) -> String {
    json!({ "id": id, "result": result }).to_string()
}

/// JSON-RPC "method not found".
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC "invalid params" (also: a request t3rs will not carry out as asked).
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC "internal error" (what was asked is fine; doing it failed).
pub const INTERNAL_ERROR: i64 = -32603;

pub fn error_line(id: &Value, code: i64, message: &str) -> String {
    json!({ "id": id, "error": { "code": code, "message": message } }).to_string()
}

/// Our requests awaiting an answer, each with what to do with it (`T`) and a deadline.
pub struct Pending<T> {
    next_id: u64,
    waiting: HashMap<u64, (String, Instant, T)>,
}

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Self {
            next_id: 0,
            waiting: HashMap::new(),
        }
    }
}

impl<T> Pending<T> {
    /// Registers a request; returns the id to send it with.
    pub fn add(&mut self, method: &str, timeout: Duration, waiter: T) -> u64 {
        self.next_id += 1;
        self.waiting.insert(
            self.next_id,
            (method.to_string(), Instant::now() + timeout, waiter),
        );
        self.next_id
    }

    /// The request an answer belongs to, if it is still waiting.
    pub fn take(&mut self, id: u64) -> Option<(String, T)> {
        self.waiting
            .remove(&id)
            .map(|(method, _, waiter)| (method, waiter))
    }

    /// Requests whose deadline has passed, removed.
    pub fn expired(&mut self, now: Instant) -> Vec<(u64, String, T)> {
        let ids: Vec<u64> = self
            .waiting
            .iter()
            .filter(|(_, (_, deadline, _))| *deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.waiting.remove(&id).map(|(m, _, w)| (id, m, w)))
            .collect()
    }

    /// Every waiting request, removed (the peer is gone).
    pub fn drain(&mut self) -> Vec<(u64, String, T)> {
        self.waiting
            .drain()
            .map(|(id, (method, _, waiter))| (id, method, waiter))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Lines as codex-cli 0.169.0 wrote them (shortened), see ../shared/tools/fake-model.
    #[test]
    fn classifies_real_codex_lines() {
        let response =
            r#"{"id": 1, "result": {"userAgent": "t3rs/0.169.0", "platformOs": "linux"}}"#;
        assert!(matches!(
            parse_line(response).unwrap(),
            Incoming::Response { id: 1, outcome: Ok(ref v) } if v["platformOs"] == "linux"
        ));
        let delta = r#"{"method": "item/agentMessage/delta", "params": {"threadId": "t", "turnId": "u", "itemId": "i", "delta": "Hello t"}, "emittedAtMs": 1}"#;
        match parse_line(delta).unwrap() {
            Incoming::Notification { method, params } => {
                assert_eq!(method, "item/agentMessage/delta");
                assert_eq!(params["delta"], "Hello t");
            }
            other => panic!("{other:?}"),
        }
        let approval = r#"{"id": 0, "method": "item/commandExecution/requestApproval", "params": {"threadId": "t", "command": "ls"}}"#;
        match parse_line(approval).unwrap() {
            Incoming::Request { id, method, params } => {
                assert_eq!(id, json!(0));
                assert_eq!(method, "item/commandExecution/requestApproval");
                assert_eq!(params["command"], "ls");
            }
            other => panic!("{other:?}"),
        }
        let error = r#"{"id": 4, "error": {"code": -32600, "message": "thread not found"}}"#;
        assert!(matches!(
            parse_line(error).unwrap(),
            Incoming::Response { id: 4, outcome: Err(RpcError { code: -32600, ref message, .. }) } if message == "thread not found"
        ));
    }

    #[test]
    fn garbage_is_a_protocol_error_not_a_crash() {
        assert!(matches!(
            parse_line("WARN starting up"),
            Err(ProtocolError::NotJson(_))
        ));
        assert!(matches!(
            parse_line("[1]"),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            parse_line(r#"{"id":"abc"}"#),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            parse_line(r#"{"x":1}"#),
            Err(ProtocolError::Malformed(_))
        ));
    }

    #[test]
    fn lines_round_trip() {
        let line = request_line(7, "turn/start", &json!({"threadId": "t"}));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (v["id"].clone(), v["method"].clone()),
            (json!(7), json!("turn/start"))
        );
        assert_eq!(
            notification_line("initialized", None),
            r#"{"method":"initialized"}"#
        );
        let v: Value =
            serde_json::from_str(&response_line(&json!("r1"), &json!({"decision": "accept"})))
                .unwrap();
        assert_eq!(v, json!({"id": "r1", "result": {"decision": "accept"}}));
        let v: Value =
            serde_json::from_str(&error_line(&json!(3), METHOD_NOT_FOUND, "no")).unwrap();
        assert_eq!(v["error"]["code"], -32601);
    }

    #[test]
    fn pending_requests_match_expire_and_drain() {
        let mut pending = Pending::default();
        let a = pending.add("initialize", Duration::from_secs(60), "a");
        let b = pending.add("thread/start", Duration::ZERO, "b");
        assert_ne!(a, b);
        let expired = pending.expired(Instant::now());
        assert_eq!(expired.len(), 1);
        assert_eq!((expired[0].0, expired[0].1.as_str()), (b, "thread/start"));
        assert_eq!(pending.take(b), None);
        assert_eq!(pending.take(a), Some(("initialize".to_string(), "a")));
        pending.add("turn/start", Duration::from_secs(60), "c");
        assert_eq!(pending.drain().len(), 1);
        assert!(pending.is_empty());
    }
}
