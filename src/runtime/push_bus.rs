//! The server's push bus: one [`PushRelay`] carrying every push to every connection.

use serde::Serialize;
use t3rs_actors::push_relay::{PushItem, PushRelay};

/// A push with its data serialised once, however many connections it fans out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub channel: &'static str,
    pub data_json: String,
    /// The sequence of the event this push carries, when it carries one: the Session writes a
    /// dispatch's reply only after the push of its last event.
    pub event_sequence: Option<u64>,
}

impl Push {
    pub fn new<T: Serialize>(channel: &'static str, data: &T) -> Result<Push, serde_json::Error> {
        Ok(Push {
            channel,
            data_json: serde_json::to_string(data)?,
            event_sequence: None,
        })
    }
}

impl PushItem for Push {
    fn weight(&self) -> usize {
        self.data_json.len()
    }
}

pub type PushBus = PushRelay<Push>;
