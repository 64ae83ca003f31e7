//! The server's push bus: one [`PushRelay`] carrying every push to every connection.

use serde::Serialize;
use t3rs_actors::push_relay::{PushItem, PushRelay};

/// A push with its data serialised once, however many connections it fans out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub channel: &'static str,
    pub data_json: String,
}

impl Push {
    pub fn new<T: Serialize>(channel: &'static str, data: &T) -> Result<Push, serde_json::Error> {
        Ok(Push {
            channel,
            data_json: serde_json::to_string(data)?,
        })
    }
}

impl PushItem for Push {
    fn weight(&self) -> usize {
        self.data_json.len()
    }
}

pub type PushBus = PushRelay<Push>;
