//! `orchestration.getTurnDiff` / `getFullThreadDiff`: a unified patch between two of a thread's
//! checkpoints, read from their git refs in the thread's workspace.

use serde_json::json;
use t3rs_actors::Ask;

use crate::git::checkpoints;
use crate::runtime::engine::ThreadContext;

pub async fn turn_diff(
    engine: crate::runtime::engine::EngineHandle,
    thread_id: String,
    from: u64,
    to: u64,
) -> Result<String, String> {
    let answer = |diff: String| {
        Ok(json!({ "threadId": thread_id, "fromTurnCount": from, "toTurnCount": to, "diff": diff })
            .to_string())
    };
    if from == to {
        return answer(String::new());
    }
    let info = match engine
        .send(Ask(ThreadContext {
            thread_id: thread_id.clone(),
            message_id: None,
        }))
        .await
    {
        Ok(Ok(info)) => info,
        Ok(Err(unavailable)) => return Err(unavailable.to_string()),
        Err(err) => return Err(format!("engine unreachable: {err}")),
    };
    let info = info.ok_or_else(|| format!("Thread '{thread_id}' not found."))?;
    let current = info.turn_count();
    if to > current {
        return Err(format!(
            "Turn diff range exceeds current turn count: requested {to}, current {current}."
        ));
    }
    let cwd = info.cwd.clone().ok_or_else(|| {
        format!("Workspace path missing for thread '{thread_id}' when computing turn diff.")
    })?;
    let reference = |count: u64| {
        info.checkpoint_ref(&thread_id, count)
            .ok_or_else(|| format!("Checkpoint ref is unavailable for turn {count}."))
    };
    let (from_ref, to_ref) = (reference(from)?, reference(to)?);
    let diff = tokio::task::spawn_blocking(move || {
        let dir = std::path::Path::new(&cwd);
        let resolve = |count: u64, name: &str| {
            checkpoints::resolve_commit(dir, name)
                .ok_or_else(|| format!("Filesystem checkpoint is unavailable for turn {count}."))
        };
        let (a, b) = (resolve(from, &from_ref)?, resolve(to, &to_ref)?);
        checkpoints::patch(dir, &a, &b).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| format!("diff task failed: {e}"))??;
    answer(diff)
}
