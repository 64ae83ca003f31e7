//! The work behind a Session's requests that is not the actor's own: which `cwd` a request
//! names, storing uploads before a dispatch, turning supervised answers into replies, and
//! replay pages straight from the stored bytes.

use std::future::Future;
use std::sync::Arc;

use actix::MailboxError;
use t3rs_actors::{Ask, ChildUnavailable};

use crate::orchestration::model::AssistantDeliveryMode;
use crate::orchestration::{ClientCommand, Command};
use crate::protocol::methods::Method;
use crate::protocol::reply_error::ReplyError;
use crate::runtime::engine::{
    DispatchError, DispatchPublished, Dispatched, EngineHandle, EventReader,
};
use crate::runtime::settings::SettingsShare;
use crate::store::attachments;

/// The directory a request works in, when the client names one: it must be inside a project, a
/// t3rs worktree or the server's `--cwd` (see [`crate::runtime::cwd_policy`]).
pub(super) fn named_cwd(method: &Method) -> Option<&str> {
    match method {
        Method::ProjectsSearchEntries { cwd, .. }
        | Method::ProjectsWriteFile { cwd, .. }
        | Method::Git { cwd, .. }
        | Method::ShellOpenInEditor { cwd, .. } => Some(cwd),
        Method::ServerGenerateThreadRecap(p) => Some(&p.cwd),
        Method::GitSummarizeDiff(p) => Some(&p.cwd),
        Method::TerminalOpen(p) => Some(&p.cwd),
        Method::TerminalRestart(p) => Some(&p.cwd),
        _ => None,
    }
}

/// Events per `orchestration.replayEvents` answer; a client pages on from the last sequence.
pub const REPLAY_PAGE: usize = 1_000;

/// What a dispatch answers, once the Engine has.
pub(super) type DispatchReply =
    std::pin::Pin<Box<dyn Future<Output = Result<Dispatched, ReplyError>>>>;

/// What the settings say for what a command leaves out: a turn that names no
/// `assistantDeliveryMode` (as no v0.0.4 client does) streams when `enableAssistantStreaming`
/// is on; the decider records buffered otherwise.
pub(super) fn fill_defaults(command: &mut ClientCommand, settings: Option<&SettingsShare>) {
    if let (ClientCommand::ThreadTurnStart(turn), Some(settings)) = (command, settings) {
        if turn.assistant_delivery_mode.is_none() && settings.get().enable_assistant_streaming {
            turn.assistant_delivery_mode = Some(AssistantDeliveryMode::Streaming);
        }
    }
}

/// Dispatches a client command. The command reaches the Engine now, in the order the
/// connection sent it (the future only waits for the answer), unless the turn carries inline
/// image uploads: those are stored first (off this thread: they can be 80 MB), and a refused
/// one means nothing was dispatched and nothing written.
pub(super) fn dispatch_client(
    engine: EngineHandle,
    state_dir: Arc<std::path::PathBuf>,
    mut command: ClientCommand,
) -> DispatchReply {
    let root = match &command {
        ClientCommand::ProjectCreate(c) => Some(c.workspace_root.as_str()),
        ClientCommand::ProjectMetaUpdate(c) => c.workspace_root.as_deref(),
        _ => None,
    };
    if let Some(root) = root {
        if let Err(err) = crate::workspace::check_workspace_root(root) {
            return Box::pin(std::future::ready(Err(err.into())));
        }
    }
    let uploads = match &mut command {
        ClientCommand::ThreadTurnStart(turn)
            if turn
                .message
                .attachments
                .iter()
                .any(|a| a.data_url.is_some()) =>
        {
            Some((
                turn.thread_id.clone(),
                std::mem::take(&mut turn.message.attachments),
            ))
        }
        _ => None,
    };
    let Some((thread_id, mut attachments)) = uploads else {
        let asked = engine.send(Ask(DispatchPublished(Command::Client(command))));
        return Box::pin(async move { answer(asked.await) });
    };
    Box::pin(async move {
        let dir = Arc::clone(&state_dir);
        let (stored, stored_ids) = actix_web::rt::task::spawn_blocking(move || {
            attachments::store_uploads(&dir, &thread_id, &mut attachments)
                .map(|ids| (attachments, ids))
        })
        .await
        .map_err(|e| ReplyError::wrapped("storing the attachments failed", e))??;
        if let ClientCommand::ThreadTurnStart(turn) = &mut command {
            turn.message.attachments = stored;
        }
        let outcome = answer(
            engine
                .send(Ask(DispatchPublished(Command::Client(command))))
                .await,
        );
        if outcome.is_err() && !stored_ids.is_empty() {
            // The command was refused, so nothing refers to its uploads.
            let _ = actix_web::rt::task::spawn_blocking(move || {
                attachments::remove_stored(&state_dir, &stored_ids)
            })
            .await;
        }
        outcome
    })
}

type EngineAnswer = Result<
    Result<Result<Dispatched, crate::runtime::engine::DispatchError>, ChildUnavailable>,
    MailboxError,
>;

/// The Engine's answer; a store that failed under it is the wrapped cause (dpcode.md §8), a
/// refusal of the command is not.
fn answer(asked: EngineAnswer) -> Result<Dispatched, ReplyError> {
    let dispatched = flatten(asked)?;
    dispatched.map_err(|err| match &err {
        DispatchError::Storage(cause) => ReplyError::wrapped(err.to_string(), cause),
        DispatchError::Rejected(_) | DispatchError::ReadOnly(_) => ReplyError::new(err.to_string()),
    })
}

/// A supervised child's answer, or why there is none.
pub(super) fn flatten<T>(
    asked: Result<Result<T, ChildUnavailable>, MailboxError>,
) -> Result<T, String> {
    match asked {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(unavailable)) => Err(unavailable.to_string()),
        Err(_) => Err("the server is shutting down".to_string()),
    }
}

pub(super) fn flatten_mailbox<T>(asked: Result<T, MailboxError>) -> Result<T, String> {
    asked.map_err(|_| "the server is shutting down".to_string())
}

/// Up to [`REPLAY_PAGE`] durable, published events after `from`, as a JSON array built from the
/// stored bytes without re-encoding them.
pub(super) fn replay_page(
    events: &EventReader,
    from: u64,
) -> Result<String, crate::protocol::reply_error::ReplyError> {
    let page = events
        .log
        .read_range(from, events.watermark.get(), REPLAY_PAGE)
        .map_err(|e| {
            crate::protocol::reply_error::ReplyError::wrapped(
                format!("reading the event log failed: {e}"),
                &e,
            )
        })?;
    let mut out = String::with_capacity(page.iter().map(|(_, b)| b.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, (_, bytes)) in page.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let stored = std::str::from_utf8(bytes).map_err(|_| "an event is not UTF-8".to_string())?;
        // DP Code's archive events go to v0.0.4 clients as the `thread.meta-updated` they know.
        out.push_str(&crate::orchestration::v004::v004_stored_event(stored)?);
    }
    out.push(']');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_store_is_the_wrapped_cause_and_a_refusal_has_none() {
        let failed = answer(Ok(Ok(Err(DispatchError::Storage("disk I/O error".into())))));
        let failed = failed.expect_err("a storage failure");
        assert_eq!(failed.cause.as_deref(), Some("disk I/O error"));
        assert!(failed.message.contains("nothing was recorded"), "{failed}");
        let refused = answer(Ok(Ok(Err(DispatchError::Rejected(
            "unknown thread".into(),
        )))));
        assert_eq!(refused.expect_err("a refusal").cause, None);
        let read_only = answer(Ok(Ok(Err(DispatchError::ReadOnly(
            "the store is read-only".into(),
        )))));
        assert_eq!(read_only.expect_err("read-only").cause, None);
    }
}
