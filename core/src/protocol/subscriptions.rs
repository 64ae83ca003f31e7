//! DP Code's subscription methods (dpcode.md §2): their parameters and decoders. The method
//! table (`methods.rs`) names them.

use serde::Deserialize;
use serde_json::Value;

use super::methods::Method;
use super::params::{bounded_text, decode_fields, integer_in};
use crate::field_error::FieldError;
use crate::orchestration::history::{HistoryCursor, HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX};
use crate::orchestration::projector::MAX_THREAD_MESSAGES;

/// Thread subscriptions one connection may hold at once.
pub const MAX_THREAD_SUBSCRIPTIONS: usize = 16;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShellParams {
    #[serde(default)]
    include_archived: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThreadParams {
    thread_id: Option<String>,
    #[serde(default)]
    limit: Option<Value>,
    #[serde(default)]
    before: Option<Value>,
}

fn thread_id(p: &ThreadParams) -> Result<String, FieldError> {
    match &p.thread_id {
        Some(id) => bounded_text("body.threadId", id, 256),
        None => Err(FieldError::new("body.threadId", "missing")),
    }
}

pub(super) fn shell(subscribe: bool) -> impl FnOnce(Value) -> Result<Method, FieldError> {
    move |body| {
        let p: ShellParams = decode_fields(body)?;
        let include_archived = p.include_archived.unwrap_or(false);
        Ok(if subscribe {
            Method::OrchestrationSubscribeShell { include_archived }
        } else {
            Method::OrchestrationGetShellSnapshot { include_archived }
        })
    }
}

pub(super) fn subscribe_thread(body: Value) -> Result<Method, FieldError> {
    let p: ThreadParams = decode_fields(body)?;
    let limit = match &p.limit {
        None | Some(Value::Null) => None,
        Some(limit) => {
            Some(integer_in("body.limit", limit, 1, MAX_THREAD_MESSAGES as u64)? as usize)
        }
    };
    Ok(Method::OrchestrationSubscribeThread {
        thread_id: thread_id(&p)?,
        limit,
    })
}

pub(super) fn unsubscribe_thread(body: Value) -> Result<Method, FieldError> {
    let p: ThreadParams = decode_fields(body)?;
    Ok(Method::OrchestrationUnsubscribeThread {
        thread_id: thread_id(&p)?,
    })
}

pub(super) fn thread_history(body: Value) -> Result<Method, FieldError> {
    let p: ThreadParams = decode_fields(body)?;
    let thread_id = thread_id(&p)?;
    let before = match &p.before {
        Some(Value::String(raw)) => HistoryCursor::decode(raw).ok_or_else(|| {
            FieldError::new(
                "body.before",
                "not a history cursor from this server (pass a historyCursor unchanged)",
            )
        })?,
        Some(other) => {
            return Err(FieldError::new(
                "body.before",
                format!("expected a historyCursor string, got {other}"),
            ))
        }
        None => return Err(FieldError::new("body.before", "missing")),
    };
    let limit = match &p.limit {
        None | Some(Value::Null) => HISTORY_LIMIT_DEFAULT,
        Some(limit) => integer_in("body.limit", limit, 1, HISTORY_LIMIT_MAX as u64)? as usize,
    };
    Ok(Method::OrchestrationGetThreadHistory {
        thread_id,
        before: Box::new(before),
        limit,
    })
}
