//! What an ACP agent says about itself, for its provider status: started the way a thread
//! session starts it (its command, args and env, the server's secrets scrubbed), asked
//! `initialize`, and stopped once it answers. Its answer gives the version (`agentInfo`) and
//! what t3rs can do with it (`loadSession` → resume, `promptCapabilities.image` → images).

use std::time::Duration;

use serde_json::{json, Value};

use crate::protocol::provider_status::ProviderState;
use crate::protocol::settings::{AcpInstance, AgentProviderStatus, ProviderCapabilities};

/// Asks the agent `initialize`; never fails (every problem is the status's message).
pub async fn check_acp(
    provider: &str,
    instance: &AcpInstance,
    timeout: Duration,
) -> AgentProviderStatus {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": 1, "clientInfo": {"name": "t3rs", "version": env!("CARGO_PKG_VERSION")},
        "clientCapabilities": {}}});
    let spec = crate::spawn::command(&instance.command)
        .args(instance.args.iter())
        .stdin(format!("{request}\n").into_bytes())
        .done_at_line_with(&b"\"id\":1"[..]);
    let spec = instance
        .env
        .iter()
        .fold(spec, |spec, (k, v)| spec.env(k, v));
    let limits = crate::spawn::limits(timeout);
    let ran = tokio::task::spawn_blocking(move || spec.run(&limits)).await;
    let failed = |message: String| AgentProviderStatus {
        available: false,
        ..super::status(provider.to_string(), ProviderState::Error, Some(message))
    };
    let output = match ran {
        Ok(Ok(output)) => output,
        Ok(Err(err)) if err.is_not_found() => {
            return failed(format!(
                "`{}` is not installed or not on PATH",
                instance.command
            ))
        }
        Ok(Err(err)) if err.is_timeout() => {
            return failed(format!(
                "`{}` did not answer ACP's initialize within {} s",
                instance.command,
                timeout.as_secs()
            ))
        }
        Ok(Err(err)) => return failed(err.to_string()),
        Err(err) => return failed(format!("the probe thread failed: {err}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let answer = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|m| m["id"] == 1);
    match answer {
        Some(m) if m["result"].is_object() => ready(provider, &m["result"]),
        Some(m) => failed(format!(
            "`{}` refused ACP's initialize: {}",
            instance.command,
            m["error"]["message"].as_str().unwrap_or("no reason given")
        )),
        None => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            failed(format!(
                "`{}` does not speak ACP: it ended without answering initialize{}",
                instance.command,
                last.map(|l| format!(" ({})", l.trim())).unwrap_or_default()
            ))
        }
    }
}

/// The status of an agent that answered `initialize` with `result`.
fn ready(provider: &str, result: &Value) -> AgentProviderStatus {
    let caps = &result["agentCapabilities"];
    AgentProviderStatus {
        available: true,
        version: result["agentInfo"]["version"].as_str().map(str::to_string),
        capabilities: ProviderCapabilities {
            resume: caps["loadSession"] == true,
            images: caps["promptCapabilities"]["image"] == true,
            ..ProviderCapabilities::default()
        },
        ..super::status(provider.to_string(), ProviderState::Ready, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_initialize_answer_is_a_ready_status_with_its_capabilities() {
        let status = ready(
            "acp",
            &json!({"protocolVersion": 1,
                    "agentCapabilities": {"loadSession": true, "promptCapabilities": {"image": true}},
                    "agentInfo": {"name": "a", "version": "0.23.1"}}),
        );
        assert_eq!(status.status, ProviderState::Ready);
        assert_eq!(status.version.as_deref(), Some("0.23.1"));
        assert!(status.capabilities.resume && status.capabilities.images);
        assert!(!status.capabilities.rollback && !status.capabilities.steer);
    }
}
