//! The requests a thread session makes of its `codex app-server`, and how their answers and
//! failures read.

use actix::prelude::*;
use serde_json::{json, Value};

use crate::orchestration::model::RuntimeMode;
use crate::provider::codex_protocol::{thread_id_of, turn_id_of};
use crate::runtime::codex::{CodexAppServer, CodexError, CodexRequest};

/// approvalPolicy and sandbox for a runtime mode.
pub fn codex_policy(mode: RuntimeMode) -> (&'static str, &'static str) {
    match mode {
        RuntimeMode::FullAccess => ("never", "danger-full-access"),
        RuntimeMode::ApprovalRequired => ("on-request", "workspace-write"),
    }
}

pub(super) struct Opened {
    pub(super) provider_thread: String,
    /// Set when resuming failed and a new conversation was started instead.
    pub(super) fell_back: Option<String>,
}

/// Why a request to codex failed: the process is gone (its exit is reported on its own), or
/// codex refused or did not answer.
#[derive(Debug, Clone)]
pub(super) enum RpcFailure {
    Gone(String),
    Failed(String),
}

impl From<RpcFailure> for String {
    fn from(failure: RpcFailure) -> String {
        failure.to_string()
    }
}

impl std::fmt::Display for RpcFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RpcFailure::Gone(m) | RpcFailure::Failed(m) => f.write_str(m),
        }
    }
}

pub(super) async fn request(
    addr: &Addr<CodexAppServer>,
    method: &str,
    params: Value,
) -> Result<Value, RpcFailure> {
    match addr
        .send(CodexRequest {
            method: method.to_string(),
            params,
        })
        .await
    {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(err @ CodexError::Gone(_))) => Err(RpcFailure::Gone(err.to_string())),
        Ok(Err(err)) => Err(RpcFailure::Failed(err.to_string())),
        Err(_) => Err(RpcFailure::Gone("the codex session ended".into())),
    }
}

/// `thread/resume` of the stored conversation, else `thread/start`.
pub(super) async fn open_thread(
    addr: Addr<CodexAppServer>,
    resume: Option<String>,
    cwd: String,
    mode: RuntimeMode,
) -> Result<Opened, RpcFailure> {
    let (approval, sandbox) = codex_policy(mode);
    let mut fell_back = None;
    if let Some(id) = resume {
        // History is not needed here (the read model has it); asking for it is deprecated.
        let params = json!({ "threadId": id, "cwd": cwd, "approvalPolicy": approval,
                             "sandbox": sandbox, "excludeTurns": true });
        match request(&addr, "thread/resume", params).await {
            Ok(result) => {
                return Ok(Opened {
                    provider_thread: thread_id_of(&result).unwrap_or(id),
                    fell_back: None,
                })
            }
            // A dead process cannot start anything either; its exit says why.
            Err(gone @ RpcFailure::Gone(_)) => return Err(gone),
            Err(RpcFailure::Failed(err)) => fell_back = Some(err),
        }
    }
    let params = json!({ "cwd": cwd, "approvalPolicy": approval, "sandbox": sandbox });
    let result = request(&addr, "thread/start", params).await?;
    let provider_thread = thread_id_of(&result)
        .ok_or_else(|| RpcFailure::Failed("codex's thread/start answer had no thread id".into()))?;
    Ok(Opened {
        provider_thread,
        fell_back,
    })
}

pub(super) async fn request_turn(
    addr: &Addr<CodexAppServer>,
    params: Value,
) -> Result<String, RpcFailure> {
    let result = request(addr, "turn/start", params).await?;
    turn_id_of(&result)
        .ok_or_else(|| RpcFailure::Failed("codex's turn/start answer had no turn id".into()))
}
