//! A thread's provider requests that its session may not have acted on, for a thread session
//! that (re)starts: every request to it was durable before it was sent, so what a dead
//! incarnation missed is in the log.
//!
//! The rule: the thread's provider request events (turn start, interrupt, approval and
//! user-input answers, stop, revert, deletion) after its latest `thread.session-set`, up to the
//! flushed watermark. A session records a session change whenever it takes up a turn start,
//! ends a turn or stops, so a request older than that change was already seen by a session. A
//! revert followed by its `thread.reverted` is done and left out. The log is read backwards
//! from the watermark, at most [`SCAN_LIMIT`] events.

use std::sync::Arc;

use actix::prelude::*;

use crate::orchestration::events::EventBody;
use crate::orchestration::{Event, Session};

use super::{is_provider_event, Engine};

/// How far back the search for a thread's latest session change goes.
const SCAN_LIMIT: u64 = 200_000;
const CHUNK: u64 = 1_024;

/// The requests a (re)starting thread session should act on.
#[derive(Message)]
#[rtype(result = "Result<PendingRequests, String>")]
pub struct ThreadPendingRequests {
    pub thread_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct PendingRequests {
    /// The flushed sequence the answer covers: requests above it reach the session as events.
    pub as_of: u64,
    /// The session the read model holds for the thread.
    pub session: Option<Session>,
    /// In sequence order.
    pub requests: Vec<Arc<Event>>,
}

impl Handler<ThreadPendingRequests> for Engine {
    type Result = Result<PendingRequests, String>;

    fn handle(&mut self, msg: ThreadPendingRequests, _ctx: &mut Self::Context) -> Self::Result {
        let as_of = self.watermark.get();
        let session = self
            .model
            .threads
            .get(&msg.thread_id)
            .and_then(|t| t.session.clone());
        let mut requests = Vec::new();
        let mut reverted = false;
        let floor = as_of.saturating_sub(SCAN_LIMIT);
        let mut high = as_of;
        'scan: while high > floor {
            let low = high.saturating_sub(CHUNK).max(floor);
            let chunk = self
                .log
                .read_range(low, high, CHUNK as usize)
                .map_err(|e| format!("the event log could not be read: {e}"))?;
            for (sequence, bytes) in chunk.into_iter().rev() {
                let event: Event = serde_json::from_slice(&bytes)
                    .map_err(|e| format!("event {sequence} cannot be read: {e}"))?;
                if event.aggregate_id != msg.thread_id {
                    continue;
                }
                match &event.body {
                    EventBody::ThreadSessionSet(_) | EventBody::ThreadCreated(_) => break 'scan,
                    EventBody::ThreadReverted(_) => reverted = true,
                    EventBody::ThreadCheckpointRevertRequested(_) if reverted => {
                        reverted = false;
                    }
                    _ if is_provider_event(&event) => requests.push(Arc::new(event)),
                    _ => {}
                }
            }
            high = low;
            if high == floor && floor > 0 {
                log::warn!(
                    "thread {}: no session change in the last {SCAN_LIMIT} events; \
                     only requests among them are pending",
                    msg.thread_id
                );
            }
        }
        requests.reverse();
        Ok(PendingRequests {
            as_of,
            session,
            requests,
        })
    }
}
