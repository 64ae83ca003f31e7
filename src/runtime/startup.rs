//! Start-up work that goes through the Engine like everything else: settling sessions that a
//! restart cut off, and the auto-bootstrap project and thread named in the welcome.

use t3rs_actors::Ask;

use crate::orchestration::commands::{
    ActivityAppendCommand, ProjectCreateCommand, ThreadCreateCommand, ThreadSessionSetCommand,
};
use crate::orchestration::model::{
    Activity, ActivityTone, InteractionMode, RuntimeMode, SessionStatus,
};
use crate::orchestration::{ClientCommand, Command, InternalCommand};
use crate::runtime::engine::{
    ActiveSessions, BootstrapLookup, FindBootstrap, ThreadPendingRequests,
};
use crate::runtime::engine::{Dispatch, Engine, EngineHandle};
use crate::runtime::{new_id, now_iso};

/// The model a bootstrap thread starts with (protocol.md: the default model offered).
pub const DEFAULT_MODEL: &str = "gpt-5.4";

async fn dispatch(engine: &EngineHandle, command: Command) -> Result<u64, String> {
    match engine.send(Ask(Dispatch(command))).await {
        Ok(Ok(Ok(sequence))) => Ok(sequence),
        Ok(Ok(Err(err))) => Err(err.to_string()),
        Ok(Err(unavailable)) => Err(unavailable.to_string()),
        Err(err) => Err(format!("engine unreachable: {err}")),
    }
}

async fn ask<M>(engine: &EngineHandle, msg: M) -> Result<M::Result, String>
where
    M: actix::Message + Send + 'static,
    M::Result: Send + 'static,
    Engine: actix::Handler<M>,
{
    match engine.send(Ask(msg)).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(unavailable)) => Err(unavailable.to_string()),
        Err(err) => Err(format!("engine unreachable: {err}")),
    }
}

/// A session that was starting or running when the server went down has no process behind it
/// any more. Say so: close the questions its codex asked (nobody can answer them now), mark it
/// stopped, end a running turn, and leave an activity explaining the restart, instead of
/// showing "running" forever. Such a turn is over: nothing starts codex for it again (the
/// provider side wakes only sessions with a request nobody took up; see
/// [`ThreadPendingRequests::awaiting_sessions`]).
pub async fn settle_sessions_after_restart(engine: &EngineHandle) -> Result<usize, String> {
    let mut settled = 0;
    for (thread_id, session) in ask(engine, ActiveSessions).await? {
        let now = now_iso();
        let reason = "The server restarted while this session was active; it was stopped.";
        let pending = ask(
            engine,
            ThreadPendingRequests {
                thread_id: thread_id.clone(),
            },
        )
        .await??;
        for question in &pending.open_questions {
            let activity = question.cancelled(reason, new_id(), &now);
            dispatch(
                engine,
                Command::Internal(InternalCommand::ThreadActivityAppend(
                    ActivityAppendCommand {
                        command_id: new_id(),
                        thread_id: thread_id.clone(),
                        activity,
                        created_at: now.clone(),
                    },
                )),
            )
            .await?;
        }
        let mut stopped = session.clone();
        stopped.status = SessionStatus::Stopped;
        stopped.active_turn_id = None;
        stopped.last_error = Some(reason.to_string());
        stopped.updated_at = now.clone();
        dispatch(
            engine,
            Command::Internal(InternalCommand::ThreadSessionSet(ThreadSessionSetCommand {
                command_id: new_id(),
                thread_id: thread_id.clone(),
                session: stopped,
                created_at: now.clone(),
            })),
        )
        .await?;
        dispatch(
            engine,
            Command::Internal(InternalCommand::ThreadActivityAppend(
                ActivityAppendCommand {
                    command_id: new_id(),
                    thread_id: thread_id.clone(),
                    activity: Activity {
                        id: new_id(),
                        tone: ActivityTone::Error,
                        kind: "session.restart-interrupted".to_string(),
                        summary: reason.to_string(),
                        payload: serde_json::json!({ "previousStatus": session.status }),
                        turn_id: session.active_turn_id.clone(),
                        sequence: None,
                        created_at: now.clone(),
                    },
                    created_at: now,
                },
            )),
        )
        .await?;
        settled += 1;
    }
    if settled > 0 {
        log::info!("marked {settled} session(s) stopped after the restart");
    }
    Ok(settled)
}

/// Makes sure a live project for `cwd` and a live thread in it exist; returns their ids.
pub async fn bootstrap_project(
    engine: &EngineHandle,
    cwd: &str,
    title: &str,
) -> Result<(String, String), String> {
    let BootstrapLookup { project, thread_id } = ask(
        engine,
        FindBootstrap {
            cwd: cwd.to_string(),
        },
    )
    .await?;
    let (project_id, default_model) = match project {
        Some((id, default_model)) => (
            id,
            default_model.unwrap_or_else(|| DEFAULT_MODEL.to_string()),
        ),
        None => {
            let project_id = new_id();
            dispatch(
                engine,
                Command::Client(ClientCommand::ProjectCreate(ProjectCreateCommand {
                    command_id: new_id(),
                    project_id: project_id.clone(),
                    title: title.to_string(),
                    workspace_root: cwd.to_string(),
                    default_model: Some(DEFAULT_MODEL.to_string()),
                    created_at: now_iso(),
                })),
            )
            .await
            .map_err(|e| format!("cannot create the bootstrap project: {e}"))?;
            (project_id, DEFAULT_MODEL.to_string())
        }
    };
    let thread_id = match thread_id {
        Some(thread_id) => thread_id,
        None => {
            let thread_id = new_id();
            dispatch(
                engine,
                Command::Client(ClientCommand::ThreadCreate(ThreadCreateCommand {
                    model_selection: None,
                    command_id: new_id(),
                    thread_id: thread_id.clone(),
                    project_id: project_id.clone(),
                    title: "New thread".to_string(),
                    model: default_model,
                    runtime_mode: RuntimeMode::FullAccess,
                    interaction_mode: InteractionMode::Default,
                    branch: None,
                    worktree_path: None,
                    created_at: now_iso(),
                })),
            )
            .await
            .map_err(|e| format!("cannot create the bootstrap thread: {e}"))?;
            thread_id
        }
    };
    Ok((project_id, thread_id))
}
