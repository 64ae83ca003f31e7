//! The server's push bus: one [`PushRelay`] carrying every push to every connection.

use serde::Serialize;
use t3rs_actors::push_relay::{PushItem, PushRelay, Reach};

/// A push with its data serialised once, however many connections it fans out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub channel: &'static str,
    pub data_json: String,
    /// The sequence of the event this push carries, when it carries one: the Session writes a
    /// dispatch's reply only after the push of its last event.
    pub event_sequence: Option<u64>,
    pub audience: Audience,
}

/// Which connections a push is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    /// Connections that never subscribed to a DP Code stream (v0.0.4's `domainEvent`).
    Unsubscribed,
    /// Connections subscribed to this stream (see [`crate::runtime::engine::streams`]).
    Stream(std::sync::Arc<str>),
}

impl Push {
    pub fn new<T: Serialize>(channel: &'static str, data: &T) -> Result<Push, serde_json::Error> {
        Ok(Push {
            channel,
            data_json: serde_json::to_string(data)?,
            event_sequence: None,
            audience: Audience::Everyone,
        })
    }
}

impl PushItem for Push {
    fn weight(&self) -> usize {
        self.data_json.len()
    }

    fn reach(&self) -> Reach<'_> {
        match &self.audience {
            Audience::Everyone => Reach::All,
            Audience::Unsubscribed => Reach::WithoutStreams,
            Audience::Stream(name) => Reach::Stream(name),
        }
    }
}

pub type PushBus = PushRelay<Push>;
