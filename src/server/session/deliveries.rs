//! What a connection writes besides direct answers: pushes from the bus (acknowledged in
//! batches, which is what bounds a slow client's queue), dispatch answers held until the
//! pushes of their events are written, and the close when the bus lets the connection go.

use actix::prelude::*;
use actix_web_actors::ws;
use std::future::Future;
use std::time::Duration;
use t3rs_actors::push_relay::{Ack, Delivery, Evicted, EvictionKind};

use super::Session;
use crate::protocol::envelope::{encode_push, encode_raw_result, encode_reply_error};
use crate::protocol::reply_error::ReplyError;
use crate::runtime::engine::Dispatched;
use crate::runtime::push_bus::Push;

/// Acknowledgements are cumulative, so one covers every push written before it: it goes out
/// once this many pushes or bytes are written, or this long after the first unacknowledged
/// one, whichever comes first. Far inside the relay's bounds (10,000 pushes, 4 MiB by default),
/// so a client that keeps up is never taken for one that does not.
const ACK_EVERY_PUSHES: u32 = 64;
const ACK_EVERY_BYTES: usize = 256 * 1024;
const ACK_WITHIN: Duration = Duration::from_millis(2);

impl Session {
    pub(super) fn ack(&mut self) {
        if let (Some(subscriber), Some((sequence, _, _))) = (self.subscriber, self.unacked.take()) {
            self.app.runtime.bus.do_send(Ack {
                subscriber,
                sequence,
            });
        }
    }

    /// Answers a dispatch with `{sequence}`, but never before this socket has written the pushes
    /// of the command's events: when they are published with this answer (a new command, or a
    /// repeat of one still in the Engine's open batch) and not yet written, the reply waits for
    /// the push of its last event. A rejection, or a repeat whose events an earlier flush
    /// published (perhaps before this socket existed), goes out at once; so does every answer
    /// on a connection that subscribed to DP Code's streams (as in DP Code, a stream's items
    /// and a dispatch's answer are not ordered).
    pub(super) fn reply_after_events<F>(
        &mut self,
        id: String,
        fut: F,
        ctx: &mut ws::WebsocketContext<Self>,
    ) where
        F: Future<Output = Result<Dispatched, ReplyError>> + 'static,
    {
        self.in_flight += 1;
        // Answered: a reply held for its pushes no longer counts (they are on their way).
        let answered = fut.into_actor(self).map(|outcome, act, _ctx| {
            act.in_flight -= 1;
            outcome
        });
        answered
            .map(move |outcome, act, ctx| match outcome {
                Ok(dispatched) => {
                    let reply = encode_raw_result(
                        &id,
                        &format!("{{\"sequence\":{}}}", dispatched.sequence),
                    );
                    // A connection on DP Code's streams may never be sent the events' pushes
                    // (it gets only its streams), so its answers are not held for them.
                    let held = dispatched.published_now && !act.streams.chosen();
                    if held && dispatched.sequence > act.events_written {
                        act.held_replies.push((dispatched.sequence, reply));
                    } else {
                        ctx.text(reply);
                    }
                }
                Err(error) => ctx.text(encode_reply_error(&id, &error)),
            })
            .spawn(ctx);
    }

    /// Writes the held replies whose events have all been written now.
    fn release_replies(&mut self, ctx: &mut ws::WebsocketContext<Self>) {
        let written = self.events_written;
        if self
            .held_replies
            .iter()
            .any(|(sequence, _)| *sequence <= written)
        {
            // In the order they were held, which is the order their flushes answered them.
            for (sequence, reply) in std::mem::take(&mut self.held_replies) {
                if sequence <= written {
                    ctx.text(reply);
                } else {
                    self.held_replies.push((sequence, reply));
                }
            }
        }
    }
}

impl Handler<Delivery<Push>> for Session {
    type Result = ();

    fn handle(&mut self, msg: Delivery<Push>, ctx: &mut Self::Context) {
        if let Some(msg) = self.streams.hold(msg) {
            self.write_delivery(msg, ctx);
        }
    }
}

impl Session {
    /// Writes a push and acknowledges it to the bus in due course.
    pub(super) fn write_delivery(
        &mut self,
        msg: Delivery<Push>,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        ctx.text(encode_push(
            msg.sequence,
            msg.item.channel,
            &msg.item.data_json,
        ));
        if let Some(event) = msg.item.event_sequence {
            self.events_written = self.events_written.max(event);
            if !self.held_replies.is_empty() {
                self.release_replies(ctx);
            }
        }
        let weight = msg.item.data_json.len();
        let (count, bytes) = match self.unacked {
            Some((_, count, bytes)) => (count + 1, bytes + weight),
            None => {
                // The first unacknowledged push starts the clock for all that follow it.
                ctx.run_later(ACK_WITHIN, |act, _| act.ack());
                (1, weight)
            }
        };
        self.unacked = Some((msg.sequence, count, bytes));
        if count >= ACK_EVERY_PUSHES || bytes >= ACK_EVERY_BYTES {
            self.ack();
        }
    }
}

impl Handler<Evicted> for Session {
    type Result = ();

    fn handle(&mut self, msg: Evicted, ctx: &mut Self::Context) {
        self.subscriber = None;
        let code = match msg.kind {
            EvictionKind::Closing => ws::CloseCode::Away,
            EvictionKind::FellBehind => {
                log::warn!("disconnecting a slow client: {}", msg.reason);
                ws::CloseCode::Policy
            }
        };
        // Close reasons are limited to 123 bytes on the wire.
        let mut reason = msg.reason;
        t3rs_core::text::truncate_within(&mut reason, 120);
        ctx.close(Some(ws::CloseReason {
            code,
            description: Some(reason),
        }));
        ctx.stop();
    }
}
