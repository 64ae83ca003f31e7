//! What a driver's handle asks of its actor: one set of messages for every agent's driver
//! actor (codex, Claude Code, ACP), so each declares only its handlers.

use actix::prelude::*;

use crate::provider::driver::{Answer, Effect, OpenConversation, Opened, ProviderError, TurnInput};

/// Start the agent for `cwd`; its events carry `generation`.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Connect {
    pub generation: u64,
    pub cwd: String,
}

/// Stop the agent quietly.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Disconnect;

/// The session is gone: stop the agent and the actor.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Close;

#[derive(Message)]
#[rtype(result = "Result<Opened, ProviderError>")]
pub struct Open {
    pub generation: u64,
    pub request: OpenConversation,
}

#[derive(Message)]
#[rtype(result = "Result<String, ProviderError>")]
pub struct StartTurn {
    pub generation: u64,
    pub conversation: String,
    pub input: TurnInput,
}

#[derive(Message)]
#[rtype(result = "Result<(), ProviderError>")]
pub struct Interrupt {
    pub generation: u64,
}

/// The answer to one of the agent's questions; the effects are its resolution.
#[derive(Message)]
#[rtype(result = "Result<Vec<Effect>, ProviderError>")]
pub struct Respond {
    pub request_id: String,
    pub answer: Answer,
}

/// Stop the agent on purpose; the effects close what it left open.
#[derive(Message)]
#[rtype(result = "Result<Vec<Effect>, ProviderError>")]
pub struct Stop {
    pub reason: String,
}

/// Roll the conversation back to before a turn (a driver that cannot answers Unsupported).
#[derive(Message)]
#[rtype(result = "Result<(), ProviderError>")]
pub struct RollBack {
    pub generation: u64,
    pub conversation: String,
    pub before_turn: String,
}
