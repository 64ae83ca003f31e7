//! DP Code's subscriptions, Engine side (dpcode.md §2): the shell and thread streams each
//! event feeds, and the snapshots a subscription starts from.
//!
//! A subscription starts here so that it has no gap and no overlap: the Engine answers it from
//! the durable model at sequence S and, in the same handler, asks the bus to open the stream.
//! Every event up to S was handed to the bus before that (a read settles the open batch, which
//! publishes it), every later one after, so the stream carries exactly the events after its
//! snapshot. When a stream falls behind, the connection asks again with `as_push`, and the
//! fresh snapshot travels as the stream's first item instead of a reply.
//!
//! Stream items are built only while someone holds such a subscription ([`StreamWatch`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix::prelude::*;
use serde::Serialize;
use t3rs_actors::push_relay::{OpenStream, StreamOverflowed, SubscriberId};

use crate::orchestration::events::AggregateKind;
use crate::orchestration::history::HistoryCursor;
use crate::orchestration::history_kv::read_lists;
use crate::orchestration::history_pages;
use crate::orchestration::shell::{shell_item, ShellSnapshot};
use crate::orchestration::{Event, FullThread};
use crate::protocol::methods::channels;
use crate::runtime::push_bus::{Audience, Push};

use super::Engine;

/// How many connections hold a shell or a thread subscription, shared by the sessions (which
/// count) and the Engine (which builds stream items only when someone would get them).
#[derive(Debug, Clone, Default)]
pub struct StreamWatch {
    shells: Arc<AtomicUsize>,
    threads: Arc<AtomicUsize>,
}

/// One subscription's place in a [`StreamWatch`], given back when dropped.
#[derive(Debug)]
pub struct Watching(Arc<AtomicUsize>);

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl StreamWatch {
    pub fn shell(&self) -> Watching {
        self.shells.fetch_add(1, Ordering::SeqCst);
        Watching(Arc::clone(&self.shells))
    }

    pub fn thread(&self) -> Watching {
        self.threads.fetch_add(1, Ordering::SeqCst);
        Watching(Arc::clone(&self.threads))
    }

    fn any_shell(&self) -> bool {
        self.shells.load(Ordering::SeqCst) > 0
    }

    fn any_thread(&self) -> bool {
        self.threads.load(Ordering::SeqCst) > 0
    }
}

/// The bus's name for a shell stream (with or without archived threads) and a thread's.
pub fn shell_stream(include_archived: bool) -> &'static str {
    if include_archived {
        "shell+archived"
    } else {
        "shell"
    }
}

pub fn thread_stream(thread_id: &str) -> String {
    format!("thread:{thread_id}")
}

/// What a subscription is to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamTopic {
    Shell { include_archived: bool },
    Thread { id: String, limit: Option<usize> },
}

impl StreamTopic {
    pub fn stream(&self) -> String {
        match self {
            StreamTopic::Shell { include_archived } => shell_stream(*include_archived).to_string(),
            StreamTopic::Thread { id, .. } => thread_stream(id),
        }
    }

    fn channel(&self) -> &'static str {
        match self {
            StreamTopic::Shell { .. } => channels::ORCHESTRATION_SHELL_EVENT,
            StreamTopic::Thread { .. } => channels::ORCHESTRATION_THREAD_EVENT,
        }
    }
}

/// Starts (or restarts) a subscription: answers its snapshot item, or with `as_push` sends it
/// as the stream's first item and answers an empty string.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct OpenSubscription {
    pub subscriber: SubscriberId,
    pub topic: StreamTopic,
    pub overflowed: Recipient<StreamOverflowed>,
    pub as_push: bool,
}

/// `orchestration.getShellSnapshot`.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct ShellSnapshotJson {
    pub include_archived: bool,
}

/// `orchestration.getThreadHistory`.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct ThreadHistoryJson {
    pub thread_id: String,
    pub before: HistoryCursor,
    pub limit: usize,
}

#[derive(Serialize)]
struct SnapshotItem<T: Serialize> {
    kind: &'static str,
    snapshot: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadSnapshot<'a> {
    snapshot_sequence: u64,
    thread: &'a FullThread,
    /// Only with a `limit`: the cursor to older history, `null` when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    history_cursor: Option<Option<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryPage<'a> {
    messages: Vec<&'a crate::orchestration::Message>,
    activities: Vec<&'a crate::orchestration::Activity>,
    proposed_plans: Vec<&'a crate::orchestration::ProposedPlan>,
    checkpoints: Vec<&'a crate::orchestration::CheckpointSummary>,
    history_cursor: Option<String>,
}

fn item<T: Serialize>(snapshot: T) -> Result<String, String> {
    serde_json::to_string(&SnapshotItem {
        kind: "snapshot",
        snapshot,
    })
    .map_err(|e| format!("snapshot encoding failed: {e}"))
}

impl Engine {
    /// The stream items `event` (encoded as `json`) makes, once projected.
    pub(super) fn stream_pushes(&mut self, event: &Event, json: &str) {
        if self.watch.any_shell() {
            let encode = |include_archived: bool| {
                let item = shell_item(&self.model, event, include_archived)?;
                serde_json::to_string(&item)
                    .map_err(|err| log::warn!("shell item not encoded: {err}"))
                    .ok()
            };
            // The two shells differ only on an archived thread; otherwise one item serves both.
            let with_archived = encode(true);
            let archived = event.aggregate_kind == AggregateKind::Thread
                && self
                    .model
                    .threads
                    .get(&event.aggregate_id)
                    .is_some_and(|t| t.is_archived());
            let without = if archived {
                encode(false)
            } else {
                with_archived.clone()
            };
            for (include_archived, data_json) in [(false, without), (true, with_archived)] {
                if let Some(data_json) = data_json {
                    self.pushes.push(Push {
                        channel: channels::ORCHESTRATION_SHELL_EVENT,
                        data_json,
                        event_sequence: Some(event.sequence),
                        audience: Audience::Stream(Arc::from(shell_stream(include_archived))),
                    });
                }
            }
        }
        if self.watch.any_thread() && event.aggregate_kind == AggregateKind::Thread {
            self.pushes.push(Push {
                channel: channels::ORCHESTRATION_THREAD_EVENT,
                data_json: format!("{{\"kind\":\"event\",\"event\":{json}}}"),
                event_sequence: Some(event.sequence),
                audience: Audience::Stream(Arc::from(thread_stream(&event.aggregate_id))),
            });
        }
    }

    fn snapshot_item(&self, topic: &StreamTopic) -> Result<String, String> {
        let snapshot_sequence = self.model.snapshot_sequence;
        match topic {
            StreamTopic::Shell { include_archived } => {
                item(ShellSnapshot::of(&self.model, *include_archived))
            }
            StreamTopic::Thread { id, limit } => {
                let thread = self
                    .model
                    .threads
                    .get(id)
                    .filter(|t| t.deleted_at.is_none())
                    .ok_or_else(|| format!("body.threadId: unknown thread '{id}'"))?;
                let history = self.log.history();
                match limit {
                    None => {
                        let lists = read_lists(history, id).map_err(|e| e.to_string())?;
                        item(ThreadSnapshot {
                            snapshot_sequence,
                            thread: &FullThread::of(thread, lists),
                            history_cursor: None,
                        })
                    }
                    Some(limit) => {
                        // Only the window is read, however long the thread is.
                        let (windowed, cursor) =
                            history_pages::window_from(history, thread, *limit)
                                .map_err(|e| e.to_string())?;
                        item(ThreadSnapshot {
                            snapshot_sequence,
                            thread: &windowed,
                            history_cursor: Some(cursor.map(|c| c.encode())),
                        })
                    }
                }
            }
        }
    }
}

impl Handler<OpenSubscription> for Engine {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: OpenSubscription, ctx: &mut Self::Context) -> Self::Result {
        self.settle(ctx)?;
        let item = self.snapshot_item(&msg.topic)?;
        let stream = msg.topic.stream();
        let (first, answer) = if msg.as_push {
            let push = Push {
                channel: msg.topic.channel(),
                data_json: item,
                event_sequence: None,
                audience: Audience::Stream(Arc::from(stream.as_str())),
            };
            (Some(push), String::new())
        } else {
            (None, item)
        };
        self.bus.do_send(OpenStream {
            subscriber: msg.subscriber,
            stream,
            first,
            overflowed: msg.overflowed,
        });
        Ok(answer)
    }
}

impl Handler<ShellSnapshotJson> for Engine {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: ShellSnapshotJson, ctx: &mut Self::Context) -> Self::Result {
        self.settle(ctx)?;
        serde_json::to_string(&ShellSnapshot::of(&self.model, msg.include_archived))
            .map_err(|e| format!("snapshot encoding failed: {e}"))
    }
}

impl Handler<ThreadHistoryJson> for Engine {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: ThreadHistoryJson, ctx: &mut Self::Context) -> Self::Result {
        self.settle(ctx)?;
        let thread = self
            .model
            .threads
            .get(&msg.thread_id)
            .filter(|t| t.deleted_at.is_none())
            .ok_or_else(|| format!("body.threadId: unknown thread '{}'", msg.thread_id))?;
        let page = history_pages::page_from(self.log.history(), &thread.id, &msg.before, msg.limit)
            .map_err(|e| e.to_string())?;
        // Newest first, as DP Code pages.
        serde_json::to_string(&HistoryPage {
            messages: page.messages.iter().rev().collect(),
            activities: page.activities.iter().rev().collect(),
            proposed_plans: page.proposed_plans.iter().rev().collect(),
            checkpoints: page.checkpoints.iter().rev().collect(),
            history_cursor: page.cursor.map(|c| c.encode()),
        })
        .map_err(|e| format!("history encoding failed: {e}"))
    }
}
