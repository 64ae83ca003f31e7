//! Commands: the 14 a client may dispatch (`client`), the 7 the server makes itself
//! (`internal`), and the boundary decoder that turns a client's JSON into a validated
//! [`ClientCommand`] (`decode`).

mod client;
mod decode;
mod internal;

pub use client::*;
pub use decode::decode_client_command;
pub use internal::*;

use serde::{Deserialize, Serialize};

use crate::orchestration::events::AggregateKind;

/// Anything the decider accepts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Command {
    Client(ClientCommand),
    Internal(InternalCommand),
}

impl From<ClientCommand> for Command {
    fn from(command: ClientCommand) -> Self {
        Command::Client(command)
    }
}

impl From<InternalCommand> for Command {
    fn from(command: InternalCommand) -> Self {
        Command::Internal(command)
    }
}

impl Command {
    pub fn command_id(&self) -> &str {
        match self {
            Command::Client(c) => c.command_id(),
            Command::Internal(c) => c.command_id(),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Command::Client(c) => c.type_name(),
            Command::Internal(c) => c.type_name(),
        }
    }

    pub fn aggregate(&self) -> (AggregateKind, &str) {
        match self {
            Command::Client(c) => c.aggregate(),
            Command::Internal(c) => c.aggregate(),
        }
    }
}

#[cfg(test)]
mod tests;
