//! DP Code's subscriptions, connection side (dpcode.md §2): which shell and thread streams this
//! connection holds, and the order of what it writes.
//!
//! A subscribe's answer (the snapshot) comes from the Engine, its stream's items from the bus;
//! the first items can reach this actor before the answer does. So while a subscribe is
//! unanswered, deliveries are held and written after it, in their order: the client always
//! reads the snapshot before the items that follow it. A stream that falls behind is started
//! afresh with a snapshot as its next item ([`StreamOverflowed`]).

use std::collections::{HashMap, VecDeque};

use actix::prelude::*;
use actix_web_actors::ws;
use t3rs_actors::push_relay::{CloseStream, Delivery, StreamOverflowed};
use t3rs_actors::Ask;

use super::Session;
use crate::protocol::envelope::{encode_error, encode_raw_result, encode_result};
use crate::protocol::subscriptions::MAX_THREAD_SUBSCRIPTIONS;
use crate::runtime::engine::streams::{
    shell_stream, thread_stream, OpenSubscription, StreamTopic, Watching,
};
use crate::runtime::push_bus::Push;

#[derive(Default)]
pub(super) struct Subscriptions {
    /// `includeArchived` of the shell subscription.
    shell: Option<(bool, Watching)>,
    /// Thread id → the snapshot `limit` it was subscribed with.
    threads: HashMap<String, (Option<usize>, Watching)>,
    /// Subscribes sent and not yet answered.
    awaiting: usize,
    /// Whether this connection ever subscribed: it chose DP Code's streams, so it no longer
    /// gets `orchestration.domainEvent`.
    chosen: bool,
    held: VecDeque<Delivery<Push>>,
}

impl Subscriptions {
    pub(super) fn chosen(&self) -> bool {
        self.chosen
    }

    /// Whether `delivery` must wait for an answer still to come; if so, it is kept.
    pub(super) fn hold(&mut self, delivery: Delivery<Push>) -> Option<Delivery<Push>> {
        if self.awaiting == 0 {
            return Some(delivery);
        }
        self.held.push_back(delivery);
        None
    }
}

impl Session {
    pub(super) fn subscribe(
        &mut self,
        id: String,
        topic: StreamTopic,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let Some(subscriber) = self.subscriber else {
            ctx.text(encode_error(&id, "the connection is closing"));
            return;
        };
        let watch = &self.app.runtime.stream_watch;
        let added = match &topic {
            StreamTopic::Shell { include_archived } => match self.streams.shell.take() {
                Some((was, watching)) => {
                    if was != *include_archived {
                        self.app.runtime.bus.do_send(CloseStream {
                            subscriber,
                            stream: shell_stream(was).to_string(),
                        });
                    }
                    self.streams.shell = Some((*include_archived, watching));
                    false
                }
                None => {
                    self.streams.shell = Some((*include_archived, watch.shell()));
                    true
                }
            },
            StreamTopic::Thread { id: thread, limit } => {
                if let Some(entry) = self.streams.threads.get_mut(thread) {
                    entry.0 = *limit;
                    false
                } else if self.streams.threads.len() >= MAX_THREAD_SUBSCRIPTIONS {
                    ctx.text(encode_error(
                        &id,
                        &format!(
                            "body.threadId: this connection already holds \
                             {MAX_THREAD_SUBSCRIPTIONS} thread subscriptions (the most it may); \
                             unsubscribe one first"
                        ),
                    ));
                    return;
                } else {
                    self.streams
                        .threads
                        .insert(thread.clone(), (*limit, watch.thread()));
                    true
                }
            }
        };
        self.streams.chosen = true;
        let asked = self.app.runtime.engine.send(Ask(OpenSubscription {
            subscriber,
            topic: topic.clone(),
            overflowed: ctx.address().recipient(),
            as_push: false,
        }));
        self.in_flight += 1;
        self.streams.awaiting += 1;
        async move { super::flatten(asked.await)? }
            .into_actor(self)
            .map(move |outcome, act, ctx| {
                act.in_flight -= 1;
                act.streams.awaiting -= 1;
                match outcome {
                    Ok(raw) => ctx.text(encode_raw_result(&id, &raw)),
                    Err(message) => {
                        // Nothing was opened; a subscription this one would have replaced
                        // stays as it was.
                        if added {
                            act.forget(&topic);
                        }
                        ctx.text(encode_error(&id, &message));
                    }
                }
                if act.streams.awaiting == 0 {
                    while let Some(held) = act.streams.held.pop_front() {
                        act.write_delivery(held, ctx);
                    }
                }
            })
            .spawn(ctx);
    }

    /// `unsubscribeShell` / `unsubscribeThread`: stops the stream; null, held or not.
    pub(super) fn unsubscribe(
        &mut self,
        id: String,
        topic: StreamTopic,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        if let (Some(subscriber), Some(stream)) = (self.subscriber, self.forget(&topic)) {
            self.app
                .runtime
                .bus
                .do_send(CloseStream { subscriber, stream });
        }
        ctx.text(encode_result(&id, None));
    }

    /// Drops the subscription to `topic`; the name of the stream it held.
    fn forget(&mut self, topic: &StreamTopic) -> Option<String> {
        match topic {
            StreamTopic::Shell { .. } => self
                .streams
                .shell
                .take()
                .map(|(include_archived, _)| shell_stream(include_archived).to_string()),
            StreamTopic::Thread { id, .. } => {
                self.streams.threads.remove(id).map(|_| thread_stream(id))
            }
        }
    }

    fn topic_of(&self, stream: &str) -> Option<StreamTopic> {
        if let Some((include_archived, _)) = &self.streams.shell {
            if shell_stream(*include_archived) == stream {
                return Some(StreamTopic::Shell {
                    include_archived: *include_archived,
                });
            }
        }
        let id = stream.strip_prefix("thread:")?;
        let (limit, _) = self.streams.threads.get(id)?;
        Some(StreamTopic::Thread {
            id: id.to_string(),
            limit: *limit,
        })
    }
}

impl Handler<StreamOverflowed> for Session {
    type Result = ();

    fn handle(&mut self, msg: StreamOverflowed, ctx: &mut Self::Context) {
        let (Some(subscriber), Some(topic)) = (self.subscriber, self.topic_of(&msg.stream)) else {
            return;
        };
        log::info!(
            "subscription {} fell {} items behind: starting it afresh from a snapshot",
            msg.stream,
            msg.in_flight
        );
        let asked = self.app.runtime.engine.send(Ask(OpenSubscription {
            subscriber,
            topic: topic.clone(),
            overflowed: ctx.address().recipient(),
            as_push: true,
        }));
        async move { super::flatten(asked.await)? }
            .into_actor(self)
            .map(move |outcome, act, _ctx| {
                if let Err(message) = outcome {
                    // The thread went away (or the Engine did): nothing more will come of it.
                    log::warn!("subscription {} not restarted: {message}", msg.stream);
                    if let Some(stream) = act.forget(&topic) {
                        act.app
                            .runtime
                            .bus
                            .do_send(CloseStream { subscriber, stream });
                    }
                }
            })
            .spawn(ctx);
    }
}
