//! A thread's provider requests that its session may not have acted on, for a thread session
//! that (re)starts: every request to it was durable before it was sent, so what a dead
//! incarnation missed is in the log.
//!
//! The rule: the thread's provider request events (turn start, interrupt, approval and
//! user-input answers, stop, revert, deletion) after its latest `thread.session-set`, up to the
//! flushed watermark. A session records a session change whenever it takes up a turn start,
//! ends a turn or stops, so a request older than that change was already seen by a session; a
//! turn start it refused (`provider.turn.start.failed`) was seen as well. A turn start queued
//! behind a running turn (`turn.queued`, neither `turn.dequeued` nor `turn.queue.cleared`) is
//! pending even though the running turn's end came after it: the scan goes on past the
//! session change for those turn starts alone. A revert followed by
//! its `thread.reverted` is done and left out. The log is read backwards from the watermark,
//! at most [`SCAN_LIMIT`] events.
//!
//! Besides the requests, the answer names the thread's open questions (approvals and
//! user-input requests codex asked and nobody resolved): a restarted session has no codex
//! that could take their answers, so it closes them.
//!
//! When the provider side starts (a server start, a registry restart) no session runs, and
//! [`ThreadPendingRequests::awaiting_sessions`] names the threads that have a turn start or a
//! revert pending and no session active, so theirs can be started to act on it (looking back
//! [`STARTUP_SCAN_LIMIT`] events: what a dead server left undone is among its last).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use actix::prelude::*;
use serde_json::{json, Value};

use crate::orchestration::events::EventBody;
use crate::orchestration::model::{Activity, ActivityTone, SessionStatus, Thread};
use crate::orchestration::{Event, Session};

use super::{is_provider_event, Engine};

/// How far back the search for a thread's latest session change goes.
const SCAN_LIMIT: u64 = 200_000;
/// How far back the start-up search goes: a request the server died before acting on is among
/// the last events it wrote.
const STARTUP_SCAN_LIMIT: u64 = 20_000;
const CHUNK: u64 = 1_024;

/// The requests a (re)starting thread session should act on.
#[derive(Message)]
#[rtype(result = "Result<PendingRequests, String>")]
pub struct ThreadPendingRequests {
    pub thread_id: String,
}

impl ThreadPendingRequests {
    /// The threads whose session should start now to act on what is pending (see the module
    /// documentation).
    pub fn awaiting_sessions() -> ThreadsAwaitingSession {
        ThreadsAwaitingSession
    }
}

/// Threads with a turn start or a revert pending and no session active, in no order.
#[derive(Message)]
#[rtype(result = "Result<Vec<String>, String>")]
pub struct ThreadsAwaitingSession;

#[derive(Debug, Clone, Default)]
pub struct PendingRequests {
    /// The flushed sequence the answer covers: requests above it reach the session as events.
    pub as_of: u64,
    /// The session the read model holds for the thread.
    pub session: Option<Session>,
    /// In sequence order.
    pub requests: Vec<Arc<Event>>,
    /// Questions codex asked that nobody resolved, oldest first.
    pub open_questions: Vec<OpenQuestion>,
    /// Messages queued behind a running turn and never started (their turn starts are among
    /// `requests`).
    pub queued: Vec<String>,
}

/// An `approval.requested` or `user-input.requested` activity with no resolution.
#[derive(Debug, Clone)]
pub struct OpenQuestion {
    pub request_id: String,
    /// The request's `requestKind` and `requestType`; `None` for a user-input request.
    pub approval: Option<(Value, Value)>,
    pub turn_id: Option<String>,
}

impl OpenQuestion {
    /// The activity that closes this question, as a codex that went away closes its own
    /// (`approval.resolved` with decision `cancel`, `user-input.resolved` cancelled).
    pub fn cancelled(&self, reason: &str, id: String, now: &str) -> Activity {
        let (tone, kind, summary, payload) = match &self.approval {
            Some((kind, kind_type)) => (
                ActivityTone::Approval,
                "approval.resolved",
                "Approval cancelled",
                json!({ "requestId": self.request_id, "requestKind": kind,
                        "requestType": kind_type, "decision": "cancel", "reason": reason }),
            ),
            None => (
                ActivityTone::Info,
                "user-input.resolved",
                "User input cancelled",
                json!({ "requestId": self.request_id, "cancelled": true, "reason": reason }),
            ),
        };
        Activity {
            id,
            tone,
            kind: kind.to_string(),
            summary: summary.to_string(),
            payload,
            turn_id: self.turn_id.clone(),
            sequence: None,
            created_at: now.to_string(),
        }
    }
}

/// The thread's questions that no `*.resolved` activity answers.
fn open_questions(thread: &Thread) -> Vec<OpenQuestion> {
    let request_id = |a: &Activity| a.payload.get("requestId").map(Value::to_string);
    let resolved: HashSet<String> = thread
        .history
        .requests
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a.kind == "approval.resolved" || a.kind == "user-input.resolved")
        .filter_map(request_id)
        .collect();
    let mut seen = HashSet::new();
    thread
        .history
        .requests
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a.kind == "approval.requested" || a.kind == "user-input.requested")
        .filter(|a| request_id(a).is_some_and(|id| !resolved.contains(&id) && seen.insert(id)))
        .map(|a| OpenQuestion {
            request_id: match &a.payload["requestId"] {
                Value::String(id) => id.clone(),
                other => other.to_string(),
            },
            approval: (a.kind == "approval.requested").then(|| {
                (
                    a.payload.get("requestKind").cloned().unwrap_or(Value::Null),
                    a.payload.get("requestType").cloned().unwrap_or(Value::Null),
                )
            }),
            turn_id: a.turn_id.clone(),
        })
        .collect()
}

/// The messages queued behind a running turn (`turn.queued`) that were neither started
/// (`turn.dequeued`) nor dropped (`turn.queue.cleared`).
fn queued_messages(thread: &Thread) -> HashSet<String> {
    fn message(activity: &Activity) -> Option<&str> {
        activity.payload.get("messageId").and_then(Value::as_str)
    }
    let mut queued = HashSet::new();
    for (_, activity) in &thread.history.requests {
        match activity.kind.as_str() {
            "turn.queued" => {
                queued.extend(message(activity).map(str::to_string));
            }
            "turn.dequeued" => {
                if let Some(id) = message(activity) {
                    queued.remove(id);
                }
            }
            "turn.queue.cleared" => {
                for id in activity.payload["messageIds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = id.as_str() {
                        queued.remove(id);
                    }
                }
            }
            _ => {}
        }
    }
    queued
}

/// Where one thread's backward scan stands.
#[derive(Default)]
struct Scan {
    requests: Vec<Arc<Event>>,
    reverted: bool,
    /// Queued messages whose turn start is still to be found: the scan goes on past the
    /// session change (the running turn's end came after they were queued) for them alone.
    queued: HashSet<String>,
    /// Past the latest session change: only the queued messages' turn starts are taken.
    settled: bool,
}

impl Engine {
    /// The pending requests of each of `threads`, in sequence order (see the module
    /// documentation), read in one backward pass over the log.
    fn pending_of(
        &self,
        threads: &HashSet<String>,
        as_of: u64,
        limit: u64,
    ) -> Result<HashMap<String, Vec<Arc<Event>>>, String> {
        let mut open: HashMap<&str, Scan> = threads
            .iter()
            .map(|t| {
                let queued = self
                    .model
                    .threads
                    .get(t)
                    .map(|thread| queued_messages(thread))
                    .unwrap_or_default();
                let scan = Scan {
                    queued,
                    ..Scan::default()
                };
                (t.as_str(), scan)
            })
            .collect();
        let mut done_map: HashMap<String, Vec<Arc<Event>>> = HashMap::new();
        let floor = as_of.saturating_sub(limit);
        let mut high = as_of;
        'scan: while high > floor && !open.is_empty() {
            let low = high.saturating_sub(CHUNK).max(floor);
            let chunk = self
                .log
                .read_range(low, high, CHUNK as usize)
                .map_err(|e| format!("the event log could not be read: {e}"))?;
            for (sequence, bytes) in chunk.into_iter().rev() {
                let event: Event = serde_json::from_slice(&bytes)
                    .map_err(|e| format!("event {sequence} cannot be read: {e}"))?;
                let Some(scan) = open.get_mut(event.aggregate_id.as_str()) else {
                    continue;
                };
                if scan.settled {
                    let done = match &event.body {
                        EventBody::ThreadCreated(_) => true,
                        EventBody::ThreadTurnStartRequested(p) => {
                            if scan.queued.remove(&p.message_id) {
                                scan.requests.push(Arc::new(event.clone()));
                            }
                            scan.queued.is_empty()
                        }
                        _ => false,
                    };
                    if done {
                        if let Some(scan) = open.remove(event.aggregate_id.as_str()) {
                            done_requests(&mut done_map, &event.aggregate_id, scan);
                        }
                        if open.is_empty() {
                            break 'scan;
                        }
                    }
                    continue;
                }
                if let EventBody::ThreadTurnStartRequested(p) = &event.body {
                    scan.queued.remove(&p.message_id);
                }
                let settled = match &event.body {
                    EventBody::ThreadSessionSet(_) => {
                        scan.settled = !scan.queued.is_empty();
                        !scan.settled
                    }
                    EventBody::ThreadCreated(_) => true,
                    EventBody::ThreadActivityAppended(p) => {
                        p.activity.kind == "provider.turn.start.failed"
                    }
                    EventBody::ThreadReverted(_) => {
                        scan.reverted = true;
                        false
                    }
                    EventBody::ThreadCheckpointRevertRequested(_) if scan.reverted => {
                        scan.reverted = false;
                        false
                    }
                    _ if is_provider_event(&event) => {
                        scan.requests.push(Arc::new(event.clone()));
                        false
                    }
                    _ => false,
                };
                if settled {
                    if let Some(scan) = open.remove(event.aggregate_id.as_str()) {
                        done_requests(&mut done_map, &event.aggregate_id, scan);
                    }
                    if open.is_empty() {
                        break 'scan;
                    }
                }
            }
            high = low;
            if high == floor && floor > 0 && !open.is_empty() {
                log::warn!(
                    "{} thread(s) with no session change in the last {limit} events; \
                     only requests among them are pending",
                    open.len()
                );
            }
        }
        for (thread_id, scan) in open {
            done_map.insert(thread_id.to_string(), scan.requests);
        }
        for requests in done_map.values_mut() {
            requests.reverse();
        }
        Ok(done_map)
    }
}

fn done_requests(done: &mut HashMap<String, Vec<Arc<Event>>>, thread_id: &str, scan: Scan) {
    done.insert(thread_id.to_string(), scan.requests);
}

impl Handler<ThreadPendingRequests> for Engine {
    type Result = Result<PendingRequests, String>;

    fn handle(&mut self, msg: ThreadPendingRequests, _ctx: &mut Self::Context) -> Self::Result {
        let as_of = self.watermark.get();
        let thread = self.model.threads.get(&msg.thread_id);
        let session = thread.and_then(|t| t.session.clone());
        let open_questions = thread.map(|t| open_questions(t)).unwrap_or_default();
        let queued = thread
            .map(|t| queued_messages(t).into_iter().collect())
            .unwrap_or_default();
        let wanted = HashSet::from([msg.thread_id.clone()]);
        let requests = self
            .pending_of(&wanted, as_of, SCAN_LIMIT)?
            .remove(&msg.thread_id)
            .unwrap_or_default();
        Ok(PendingRequests {
            as_of,
            session,
            requests,
            open_questions,
            queued,
        })
    }
}

impl Handler<ThreadsAwaitingSession> for Engine {
    type Result = Result<Vec<String>, String>;

    fn handle(&mut self, _msg: ThreadsAwaitingSession, _ctx: &mut Self::Context) -> Self::Result {
        let as_of = self.watermark.get();
        // A thread with an active session is the start-up's to settle (its turn is over:
        // there is no codex behind it), not one to start codex for.
        let idle: HashSet<String> = self
            .model
            .threads
            .values()
            .filter(|t| t.deleted_at.is_none())
            .filter(|t| {
                !t.session.as_ref().is_some_and(|s| {
                    matches!(s.status, SessionStatus::Starting | SessionStatus::Running)
                })
            })
            .map(|t| t.id.clone())
            .collect();
        if idle.is_empty() {
            return Ok(Vec::new());
        }
        let pending = self.pending_of(&idle, as_of, STARTUP_SCAN_LIMIT)?;
        Ok(pending
            .into_iter()
            .filter(|(_, requests)| {
                requests.iter().any(|e| {
                    matches!(
                        e.body,
                        EventBody::ThreadTurnStartRequested(_)
                            | EventBody::ThreadCheckpointRevertRequested(_)
                    )
                })
            })
            .map(|(thread_id, _)| thread_id)
            .collect())
    }
}

#[cfg(test)]
mod tests;
