//! The one interface a thread's session drives an agent through, whichever agent it is: start
//! or resume a conversation, send a turn, interrupt or steer it, answer the agent's approvals
//! and questions, roll the conversation back, stop. What the agent says comes back as one
//! stream of [`DriverEvent`]s carrying normalized [`Effect`]s (the agent's own replies stay in
//! the driver).
//!
//! A driver is a cheap handle (usually around its actor's `Addr`); its methods return boxed
//! futures, so the session can spawn them or wait for them without knowing the agent. Each
//! driver declares its [`Capabilities`]; the session reads those, never the driver's name.

use std::any::Any;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use actix::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

pub use crate::orchestration::model::ModelSelection;
use crate::orchestration::model::{
    ApprovalDecision, AssistantDeliveryMode, InteractionMode, ProviderModelOptions, RuntimeMode,
};
pub use crate::provider::effects::{Effect, TurnOutcome};

/// What a driver's request comes to, later.
pub type DriverFuture<T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>>>>;

/// What a driver can do beyond a plain turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// A stored conversation can be resumed after the agent's process stopped.
    pub resume: bool,
    /// The conversation can be rolled back to before a turn (a checkpoint revert).
    pub rollback: bool,
    /// More input can be given to a running turn.
    pub steer: bool,
    /// Turns in plan mode (the agent proposes a plan instead of acting).
    pub plan_mode: bool,
    /// The agent asks the user questions (user-input requests).
    pub user_input: bool,
    /// Turns may carry images.
    pub images: bool,
    /// The agent lists its models.
    pub model_list: bool,
}

/// A provider status reports exactly what its driver declares.
impl From<Capabilities> for crate::protocol::settings::ProviderCapabilities {
    fn from(c: Capabilities) -> Self {
        crate::protocol::settings::ProviderCapabilities {
            resume: c.resume,
            rollback: c.rollback,
            steer: c.steer,
            plan_mode: c.plan_mode,
            user_input: c.user_input,
            images: c.images,
            model_list: c.model_list,
        }
    }
}

/// Who a driver is, for what the session reports and says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverInfo {
    /// `session.providerName` (e.g. `codex`); reported, never branched on.
    pub name: String,
    /// The agent's name in sentences (e.g. `Codex`).
    pub title: String,
    pub capabilities: Capabilities,
}

/// Why a driver's request failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The agent's CLI is not there.
    #[error("{0}")]
    NotInstalled(String),
    /// The agent's CLI is older than the driver supports.
    #[error("{0}")]
    TooOld(String),
    /// The agent's process is gone (its exit is reported as an event on its own).
    #[error("{message}")]
    Gone {
        message: String,
        exit: Option<ExitInfo>,
    },
    /// The agent refused, failed or did not answer in time.
    #[error("{0}")]
    Refused(String),
    /// The driver cannot do this (see its [`Capabilities`]).
    #[error("{0}")]
    Unsupported(String),
}

impl ProviderError {
    pub fn gone(message: impl Into<String>) -> Self {
        ProviderError::Gone {
            message: message.into(),
            exit: None,
        }
    }
}

/// How an agent's process ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExitInfo {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Its last stderr line, if any.
    pub stderr: Option<String>,
}

/// Open the thread's conversation: resume `resume` (falling back to a new one, said in
/// [`Opened::fell_back`]) or start one.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenConversation {
    pub resume: Option<String>,
    pub cwd: String,
    pub runtime_mode: RuntimeMode,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The agent's id of the conversation (stored per thread, resumed later).
    pub conversation: String,
    /// Set when resuming failed and a new conversation was started instead: why.
    pub fell_back: Option<String>,
}

/// An image of a turn, stored on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageInput {
    pub name: String,
    pub path: PathBuf,
}

impl ImageInput {
    /// The image's media type (from its file name) and its bytes in base64, as agents that take
    /// inline images (Claude's content blocks, ACP's image prompts) want them.
    pub fn inline(&self) -> Result<(&'static str, String), ProviderError> {
        use base64::Engine;
        let bytes = std::fs::read(&self.path)
            .map_err(|e| ProviderError::Refused(format!("image {}: {e}", self.name)))?;
        let ext = self
            .path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("png")
            .to_ascii_lowercase();
        let mime = match ext.as_str() {
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "webp" => "image/webp",
            _ => "image/png",
        };
        Ok((
            mime,
            base64::engine::general_purpose::STANDARD.encode(bytes),
        ))
    }
}

/// One user turn.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnInput {
    /// May be blank when the turn has images.
    pub text: String,
    pub images: Vec<ImageInput>,
    /// The agent and model (its `model` is the turn's: the request's, else the thread's).
    pub model_selection: ModelSelection,
    /// v0.0.4's per-provider model options (codex's reasoning effort).
    pub model_options: Option<ProviderModelOptions>,
    pub interaction_mode: InteractionMode,
    pub runtime_mode: RuntimeMode,
    /// How assistant text is to be delivered in this turn.
    pub delivery: AssistantDeliveryMode,
}

/// An answer to one of the agent's questions.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Approval(ApprovalDecision),
    UserInput(Map<String, Value>),
}

/// What the agent's process `generation` said, in order.
#[derive(Message)]
#[rtype(result = "()")]
pub struct DriverEvent {
    pub generation: u64,
    pub body: DriverEventBody,
    /// Held until the session has handled the event (a driver's read-ahead window), then
    /// dropped.
    pub hold: Option<Box<dyn Any + Send>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DriverEventBody {
    /// Normalized runtime events, perhaps none (the agent spoke; a sign of life).
    Runtime(Vec<Effect>),
    /// The agent's process could not be started.
    /// `effects` close what the driver had begun (a turn the agent had taken).
    StartFailed {
        message: String,
        effects: Vec<Effect>,
    },
    /// Runtime events that end a turn, after which the driver stops the agent's process on
    /// purpose (an agent left unreliable by the way the turn ended): the next turn starts a
    /// new process and resumes the stored conversation. One event, so nothing can be sent to
    /// the old process in between.
    Retired {
        effects: Vec<Effect>,
        reason: String,
    },
    /// The agent's process ended unexpectedly; `effects` close what it left open.
    Exited {
        effects: Vec<Effect>,
        reason: String,
        exit: ExitInfo,
    },
}

/// The agent behind a thread's session. One driver serves one session incarnation; it runs at
/// most one agent process (a connection) at a time, tagged with the session's generation.
pub trait ProviderDriver: Send + Sync {
    fn info(&self) -> DriverInfo;

    /// Starts the agent for `cwd` (replacing any running one); its events carry `generation`.
    fn connect(&self, generation: u64, cwd: &str);

    /// Stops the running agent quietly (idle, or about to be replaced); nothing is reported.
    fn disconnect(&self);

    /// Opens the thread's conversation in the agent `generation`.
    fn open(&self, generation: u64, request: OpenConversation) -> DriverFuture<Opened>;

    /// Starts a turn in `conversation`; answers the turn's id.
    fn start_turn(
        &self,
        generation: u64,
        conversation: String,
        input: TurnInput,
    ) -> DriverFuture<String>;

    fn interrupt(&self, generation: u64, conversation: String, turn_id: String)
        -> DriverFuture<()>;

    /// More input for the running turn (where [`Capabilities::steer`]).
    fn steer(
        &self,
        generation: u64,
        conversation: String,
        turn_id: String,
        input: TurnInput,
    ) -> DriverFuture<()>;

    /// Forgets every turn from `before_turn` on (where [`Capabilities::rollback`]).
    fn rollback(
        &self,
        generation: u64,
        conversation: String,
        before_turn: String,
    ) -> DriverFuture<()>;

    /// Answers the agent's question `request_id`; the effects the answer means (its
    /// resolution) come back with it, in order before anything the agent says next.
    fn answer(&self, request_id: String, answer: Answer) -> DriverFuture<Vec<Effect>>;

    /// Stops the agent on purpose: what it left open (messages, questions) is closed by the
    /// effects returned, each question cancelled with `reason`.
    fn stop(&self, reason: String) -> DriverFuture<Vec<Effect>>;

    /// The session is gone: the driver stops its agent and itself.
    fn close(&self);
}

/// What a driver is made with.
pub struct DriverContext {
    pub thread_id: String,
    /// Where its events go.
    pub events: Recipient<DriverEvent>,
}

/// Makes a session's driver; a session's dependencies hold one (tests inject their own).
pub trait DriverFactory: Send + Sync {
    /// The drivers' identity and capabilities, known before one is made.
    fn info(&self) -> DriverInfo;
    fn start(&self, context: DriverContext) -> Arc<dyn ProviderDriver>;
}

/// A future that is already over.
pub fn ready<T: 'static>(result: Result<T, ProviderError>) -> DriverFuture<T> {
    Box::pin(std::future::ready(result))
}
