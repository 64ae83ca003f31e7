//! What the Engine answers about its read model without changing it: the snapshot, active
//! sessions, a thread's context for its session, a project's scripts, the bootstrap lookup.
//! Every read first makes the open batch durable ([`Engine::settle`]), so no answer shows an
//! event a crash could take back; a poisoned incarnation answers none.

use actix::dev::{MessageResponse, OneshotSender};
use actix::prelude::*;

use crate::orchestration::history_kv::{
    decode, item_key, items_prefix, read_item, read_list, HistoryRead, List,
};
use crate::orchestration::model::{
    CheckpointSummary, LatestTurnState, Message, MessageRole, ModelSelection, ProjectScript,
    RuntimeMode,
};
use crate::orchestration::thread_lists::HistoryError;
use crate::store::history::StoredHistory;

/// How much of a thread's earlier conversation an agent it switches to is given.
pub const TRANSCRIPT_BYTES: usize = 32 * 1024;
use crate::orchestration::{ReadModel, Session, SessionStatus};

use super::Engine;

/// `orchestration.getSnapshot`: the durable read model, a clone that shares its rows, so the
/// asker encodes it (tens of milliseconds on a large model) off the Engine's thread.
#[derive(Message)]
#[rtype(result = "Result<ReadModel, String>")]
pub struct GetSnapshot;

/// Threads whose session is starting or running, with that session (start-up honesty). Asking
/// for just this instead of a copy of the model keeps start-up fast on large models.
#[derive(Message)]
#[rtype(result = "Vec<(String, Session)>")]
pub struct ActiveSessions;

/// The live project whose workspace root is `cwd` (its id and default model), and the first
/// live thread in it, for the auto-bootstrap.
#[derive(Message)]
#[rtype(result = "BootstrapLookup")]
pub struct FindBootstrap {
    pub cwd: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapLookup {
    pub project: Option<(String, Option<String>)>,
    pub thread_id: Option<String>,
}

/// What a thread's session needs to know to act: where it works and what it has done.
#[derive(Message)]
#[rtype(result = "Option<ThreadInfo>")]
pub struct ThreadContext {
    pub thread_id: String,
    /// A message whose text and images are wanted (the user message of a turn request).
    pub message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadInfo {
    /// The thread's worktree, else its project's workspace root.
    pub cwd: Option<String>,
    pub model: String,
    /// The agent and model of the thread's latest turn (absent: codex with `model`).
    pub model_selection: Option<ModelSelection>,
    pub runtime_mode: RuntimeMode,
    pub deleted: bool,
    /// `(checkpointTurnCount, turnId, checkpointRef)`, in count order.
    pub checkpoints: Vec<(u64, String, String)>,
    pub turn_running: bool,
    pub message: Option<Message>,
    /// With `message_id`: the conversation before that message, newest messages first to go
    /// in, at most [`TRANSCRIPT_BYTES`], as `User: …` / `Assistant: …` lines in order.
    pub transcript: String,
}

impl ThreadInfo {
    pub fn turn_count(&self) -> u64 {
        self.checkpoints.last().map_or(0, |c| c.0)
    }

    /// The git ref of checkpoint `count`: the recorded one, or for 0 the baseline taken before
    /// the first turn (which no turn records).
    pub fn checkpoint_ref(&self, thread_id: &str, count: u64) -> Option<String> {
        if count == 0 {
            return Some(crate::git::checkpoints::checkpoint_ref(thread_id, 0));
        }
        self.checkpoints
            .iter()
            .find(|c| c.0 == count)
            .map(|c| c.2.clone())
    }
}

/// A read's answer from durable state, or none at all when the model cannot be trusted (a
/// flush failed and the incarnation is stopping): the caller sees the Engine gone, as it does
/// while the Engine is down, never a model holding lost events.
pub struct Durable<T>(Option<T>);

impl<M, T> MessageResponse<Engine, M> for Durable<T>
where
    M: actix::Message<Result = T>,
    T: 'static,
{
    fn handle(self, _ctx: &mut Context<Engine>, tx: Option<OneshotSender<T>>) {
        if let (Some(answer), Some(tx)) = (self.0, tx) {
            let _ = tx.send(answer);
        }
    }
}

impl Engine {
    /// `read` on the model once it is durable.
    fn read<T>(&mut self, ctx: &mut Context<Self>, read: impl FnOnce(&Self) -> T) -> Durable<T> {
        match self.settle(ctx) {
            Ok(()) => Durable(Some(read(self))),
            Err(reason) => {
                log::warn!("read refused: {reason}");
                Durable(None)
            }
        }
    }
}

impl Handler<GetSnapshot> for Engine {
    type Result = Result<ReadModel, String>;

    fn handle(&mut self, _msg: GetSnapshot, ctx: &mut Self::Context) -> Self::Result {
        self.settle(ctx)?;
        Ok(self.model.clone())
    }
}

impl Handler<ActiveSessions> for Engine {
    type Result = Durable<Vec<(String, Session)>>;

    fn handle(&mut self, _msg: ActiveSessions, ctx: &mut Self::Context) -> Self::Result {
        self.read(ctx, |engine| active_sessions(&engine.model))
    }
}

fn active_sessions(model: &ReadModel) -> Vec<(String, Session)> {
    model
        .threads
        .values()
        .filter(|t| t.deleted_at.is_none())
        .filter_map(|t| {
            let session = t.session.as_ref()?;
            matches!(
                session.status,
                SessionStatus::Starting | SessionStatus::Running
            )
            .then(|| (t.id.clone(), session.clone()))
        })
        .collect()
}

impl Handler<ThreadContext> for Engine {
    type Result = Durable<Option<ThreadInfo>>;

    fn handle(&mut self, msg: ThreadContext, ctx: &mut Self::Context) -> Self::Result {
        self.read(ctx, |engine| {
            match thread_context(&engine.model, engine.log.history(), &msg) {
                Ok(info) => info,
                Err(err) => {
                    log::error!(
                        "thread {}: its history cannot be read: {err}",
                        msg.thread_id
                    );
                    None
                }
            }
        })
    }
}

fn thread_context(
    model: &ReadModel,
    history: &StoredHistory,
    msg: &ThreadContext,
) -> Result<Option<ThreadInfo>, HistoryError> {
    let Some(thread) = model.threads.get(&msg.thread_id) else {
        return Ok(None);
    };
    // The message and the transcript before it are read back from it, only as far as the
    // transcript goes: a long thread costs no more than a short one.
    let found = match &msg.message_id {
        Some(id) => read_item::<Message>(history, &thread.id, List::Messages, id)?,
        None => None,
    };
    let transcript = match &found {
        Some((order, _)) => transcript_before(history, &thread.id, order)?,
        None => String::new(),
    };
    let message = found.map(|(_, message)| message);
    let checkpoints: Vec<CheckpointSummary> = read_list(history, &thread.id, List::Checkpoints)?;
    let cwd = thread.worktree_path.clone().or_else(|| {
        model
            .projects
            .get(&thread.project_id)
            .map(|p| p.workspace_root.clone())
    });
    Ok(Some(ThreadInfo {
        cwd,
        model: thread.model.clone(),
        model_selection: thread.model_selection.clone(),
        runtime_mode: thread.runtime_mode,
        deleted: thread.deleted_at.is_some(),
        checkpoints: checkpoints
            .iter()
            .map(|c| {
                (
                    c.checkpoint_turn_count,
                    c.turn_id.clone(),
                    c.checkpoint_ref.clone(),
                )
            })
            .collect(),
        turn_running: thread
            .latest_turn
            .as_ref()
            .is_some_and(|t| t.state == LatestTurnState::Running),
        message,
        transcript,
    }))
}

/// The thread's user and assistant messages before `message_id`, the newest that fit in
/// [`TRANSCRIPT_BYTES`] (one longer than that is cut, char-safe).
fn transcript_before(
    history: &StoredHistory,
    thread_id: &str,
    order: &[u8],
) -> Result<String, HistoryError> {
    let mut lines: Vec<String> = Vec::new();
    let mut used = 0usize;
    let mut failed = None;
    history.scan_back(
        &items_prefix(thread_id, List::Messages),
        &item_key(thread_id, List::Messages, order),
        &mut |_, raw| {
            let message: Message = match decode("message", raw) {
                Ok(message) => message,
                Err(err) => {
                    failed = Some(err);
                    return false;
                }
            };
            let who = match message.role {
                MessageRole::User => "User",
                MessageRole::Assistant => "Assistant",
                MessageRole::System => return true,
            };
            let text = message.text.trim();
            if text.is_empty() {
                return true;
            }
            let mut line = format!("{who}: {text}");
            if used + line.len() > TRANSCRIPT_BYTES {
                if lines.is_empty() {
                    t3rs_core::text::truncate_within(&mut line, TRANSCRIPT_BYTES);
                    lines.push(line);
                }
                return false;
            }
            used += line.len() + 1;
            lines.push(line);
            true
        },
    )?;
    if let Some(err) = failed {
        return Err(err);
    }
    lines.reverse();
    Ok(lines.join("\n"))
}

/// The scripts of the live project whose workspace root is `cwd` (none when there is no such
/// project).
#[derive(Message)]
#[rtype(result = "Vec<ProjectScript>")]
pub struct ProjectScripts {
    pub cwd: String,
}

impl Handler<ProjectScripts> for Engine {
    type Result = Durable<Vec<ProjectScript>>;

    fn handle(&mut self, msg: ProjectScripts, ctx: &mut Self::Context) -> Self::Result {
        let wanted = msg.cwd.trim_end_matches('/').to_string();
        self.read(ctx, |engine| {
            engine
                .model
                .projects
                .values()
                .find(|p| {
                    p.deleted_at.is_none() && p.workspace_root.trim_end_matches('/') == wanted
                })
                .map(|p| p.scripts.clone())
                .unwrap_or_default()
        })
    }
}

impl Handler<FindBootstrap> for Engine {
    type Result = Durable<BootstrapLookup>;

    fn handle(&mut self, msg: FindBootstrap, ctx: &mut Self::Context) -> Self::Result {
        self.read(ctx, |engine| find_bootstrap(&engine.model, &msg.cwd))
    }
}

fn find_bootstrap(model: &ReadModel, cwd: &str) -> BootstrapLookup {
    let project = model
        .projects
        .values()
        .find(|p| p.workspace_root == cwd && p.deleted_at.is_none());
    let thread_id = project.and_then(|p| {
        model
            .threads
            .values()
            .find(|t| t.project_id == p.id && t.deleted_at.is_none())
            .map(|t| t.id.clone())
    });
    BootstrapLookup {
        project: project.map(|p| (p.id.clone(), p.default_model.clone())),
        thread_id,
    }
}
