//! Ordered push relay: every published item goes to every subscriber, in publish order, stamped
//! with that subscriber's own sequence (1, 2, 3 … without gaps).
//!
//! Flow control is by acknowledgement: a subscriber acks the sequence it has handed on (for a
//! WebSocket, written to the socket's buffer). At most `max_in_flight` unacked items, weighing at
//! most `max_in_flight_bytes` together, exist per subscriber; past either bound the subscriber is
//! evicted with an [`Evicted`] message saying why.
//! Nothing is ever skipped: a subscriber sees a gap-free prefix of the stream, then the eviction.
//!
//! Streams ([`streams`]) let a subscriber choose named parts of what is published instead of
//! the whole: once it opens one, items meant only for subscribers without streams stop, and
//! each open stream has its own, smaller bound. A stream past its bound is not evicted with
//! the connection: it goes quiet and its owner is told, so it can start that stream afresh.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use actix::prelude::*;

/// What a relay can carry: shared read-only between subscribers on any thread.
pub trait PushItem: Send + Sync + Unpin + 'static {
    /// The memory this item holds, counted against a subscriber's byte bound.
    fn weight(&self) -> usize {
        0
    }

    /// Who this item is for: everyone by default.
    fn reach(&self) -> Reach<'_> {
        Reach::All
    }
}

mod streams;
pub use streams::{CloseStream, OpenStream, Reach, StreamOverflowed, DEFAULT_STREAM_BOUND};
use streams::{StreamAdmission, Streams};

/// One item for one subscriber.
#[derive(Debug)]
pub struct Delivery<T> {
    pub sequence: u64,
    pub item: Arc<T>,
}

impl<T: PushItem> Message for Delivery<T> {
    type Result = ();
}

/// Why a subscriber was let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvictionKind {
    /// Too many unacknowledged items.
    FellBehind,
    /// The relay's owner asked every subscriber to go ([`CloseAll`]).
    Closing,
}

/// Sent to a subscriber that is dropped from the relay; it gets nothing more after this.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct Evicted {
    /// The last sequence it was sent.
    pub last_sequence: u64,
    pub kind: EvictionKind,
    pub reason: String,
}

/// Evicts every subscriber with [`EvictionKind::Closing`] (server shutdown); answers with how
/// many there were once each has been told.
#[derive(Message, Debug, Clone)]
#[rtype(result = "usize")]
pub struct CloseAll {
    pub reason: String,
}

/// Identifies a subscription for [`Ack`] and [`Unsubscribe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubscriberId(pub u64);

/// Which published items a subscriber wants; the others are never sent to it (and count toward
/// none of its bounds or sequence numbers).
pub type PushFilter<T> = Box<dyn Fn(&T) -> bool + Send>;

/// Adds a subscriber. `initial` items are delivered first (sequence 1, 2 …), before anything
/// published later, which is how a connection gets its greeting strictly first.
pub struct Subscribe<T: PushItem> {
    pub deliveries: Recipient<Delivery<T>>,
    pub evicted: Recipient<Evicted>,
    pub initial: Vec<T>,
    /// `None` receives everything.
    pub filter: Option<PushFilter<T>>,
}

impl<T: PushItem> Message for Subscribe<T> {
    type Result = SubscriberId;
}

#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Unsubscribe(pub SubscriberId);

/// The subscriber has handed on everything up to and including `sequence`.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Ack {
    pub subscriber: SubscriberId,
    pub sequence: u64,
}

/// Fans `item` out to every subscriber.
pub struct Publish<T>(pub T);

impl<T: PushItem> Message for Publish<T> {
    type Result = ();
}

/// Reports how many subscribers there are (for tests and health).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct SubscriberCount;

struct Subscriber<T: PushItem> {
    filter: Option<PushFilter<T>>,
    deliveries: Recipient<Delivery<T>>,
    evicted: Recipient<Evicted>,
    sent: u64,
    acked: u64,
    /// (sequence, weight, stream) of what is sent but not acknowledged, oldest first.
    unacked: VecDeque<(u64, usize, Option<Arc<str>>)>,
    unacked_bytes: usize,
    streams: Streams,
}

pub struct PushRelay<T: PushItem> {
    max_in_flight: u64,
    max_in_flight_bytes: usize,
    max_stream_in_flight: u64,
    next_id: u64,
    subscribers: HashMap<SubscriberId, Subscriber<T>>,
}

impl<T: PushItem> PushRelay<T> {
    /// `max_in_flight` is the per-subscriber bound on items sent but not yet acknowledged.
    pub fn new(max_in_flight: u64) -> Self {
        Self::with_byte_bound(max_in_flight, usize::MAX)
    }

    /// Also bounds the total weight of a subscriber's unacknowledged items (one item is always
    /// let through, however heavy, so nothing is undeliverable).
    pub fn with_byte_bound(max_in_flight: u64, max_in_flight_bytes: usize) -> Self {
        Self {
            max_in_flight: max_in_flight.max(1),
            max_in_flight_bytes,
            max_stream_in_flight: DEFAULT_STREAM_BOUND,
            next_id: 0,
            subscribers: HashMap::new(),
        }
    }

    /// Bounds each open stream's unacknowledged items (see [`streams`]).
    pub fn with_stream_bound(mut self, max_stream_in_flight: u64) -> Self {
        self.max_stream_in_flight = max_stream_in_flight.max(1);
        self
    }

    /// Sends to one subscriber; false when it must be removed (evicted or gone).
    fn deliver(bounds: Bounds, sub: &mut Subscriber<T>, item: &Arc<T>) -> bool {
        let (max_items, max_bytes) = (bounds.items, bounds.bytes);
        if sub.filter.as_ref().is_some_and(|wants| !wants(item)) {
            return sub.deliveries.connected();
        }
        let stream = match sub.streams.admit(item.reach(), bounds.stream) {
            StreamAdmission::Skip => return sub.deliveries.connected(),
            StreamAdmission::Deliver(stream) => stream,
        };
        let weight = item.weight();
        let too_many = sub.sent - sub.acked >= max_items;
        let too_heavy =
            !sub.unacked.is_empty() && sub.unacked_bytes.saturating_add(weight) > max_bytes;
        if too_many || too_heavy {
            let reason = if too_many {
                format!(
                    "fell behind: {} pushes sent but not yet written (limit {max_items})",
                    sub.sent - sub.acked
                )
            } else {
                format!(
                    "fell behind: {} bytes of pushes sent but not yet written (limit {max_bytes})",
                    sub.unacked_bytes
                )
            };
            sub.evicted.do_send(Evicted {
                last_sequence: sub.sent,
                kind: EvictionKind::FellBehind,
                reason,
            });
            return false;
        }
        // The bound is enforced here, so the subscriber's own mailbox never refuses
        // (`try_send` would, at actix's small default capacity).
        if !sub.deliveries.connected() {
            return false;
        }
        sub.sent += 1;
        if let Some(name) = &stream {
            sub.streams.sent(name);
        }
        sub.unacked.push_back((sub.sent, weight, stream));
        sub.unacked_bytes = sub.unacked_bytes.saturating_add(weight);
        sub.deliveries.do_send(Delivery {
            sequence: sub.sent,
            item: Arc::clone(item),
        });
        true
    }

    fn bounds(&self) -> Bounds {
        Bounds {
            items: self.max_in_flight,
            bytes: self.max_in_flight_bytes,
            stream: self.max_stream_in_flight,
        }
    }
}

#[derive(Clone, Copy)]
struct Bounds {
    items: u64,
    bytes: usize,
    stream: u64,
}

impl<T: PushItem> Actor for PushRelay<T> {
    type Context = Context<Self>;
}

impl<T: PushItem> Handler<Subscribe<T>> for PushRelay<T> {
    type Result = MessageResult<Subscribe<T>>;

    fn handle(&mut self, msg: Subscribe<T>, _ctx: &mut Self::Context) -> Self::Result {
        self.next_id += 1;
        let id = SubscriberId(self.next_id);
        let mut sub = Subscriber {
            filter: msg.filter,
            deliveries: msg.deliveries,
            evicted: msg.evicted,
            sent: 0,
            acked: 0,
            unacked: VecDeque::new(),
            unacked_bytes: 0,
            streams: Streams::default(),
        };
        // The greeting is not counted against the in-flight bound; it is part of subscribing.
        for item in msg.initial {
            sub.sent += 1;
            sub.deliveries.do_send(Delivery {
                sequence: sub.sent,
                item: Arc::new(item),
            });
        }
        sub.acked = sub.sent;
        if sub.deliveries.connected() {
            self.subscribers.insert(id, sub);
        }
        MessageResult(id)
    }
}

impl<T: PushItem> Handler<Unsubscribe> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: Unsubscribe, _ctx: &mut Self::Context) {
        self.subscribers.remove(&msg.0);
    }
}

impl<T: PushItem> Handler<Ack> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: Ack, _ctx: &mut Self::Context) {
        if let Some(sub) = self.subscribers.get_mut(&msg.subscriber) {
            // Acks may arrive out of order relative to each other only if a subscriber batches
            // them; never move backwards, never past what was sent.
            sub.acked = sub.acked.max(msg.sequence.min(sub.sent));
            while let Some((sequence, weight, _)) = sub.unacked.front() {
                if *sequence > sub.acked {
                    break;
                }
                sub.unacked_bytes -= *weight;
                if let Some((_, _, Some(stream))) = sub.unacked.pop_front() {
                    sub.streams.acked(&stream);
                }
            }
        }
    }
}

impl<T: PushItem> Handler<Publish<T>> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: Publish<T>, _ctx: &mut Self::Context) {
        let item = Arc::new(msg.0);
        let bounds = self.bounds();
        self.subscribers
            .retain(|_, sub| Self::deliver(bounds, sub, &item));
    }
}

impl<T: PushItem> Handler<CloseAll> for PushRelay<T> {
    type Result = usize;

    fn handle(&mut self, msg: CloseAll, _ctx: &mut Self::Context) -> usize {
        let count = self.subscribers.len();
        for (_, sub) in self.subscribers.drain() {
            sub.evicted.do_send(Evicted {
                last_sequence: sub.sent,
                kind: EvictionKind::Closing,
                reason: msg.reason.clone(),
            });
        }
        count
    }
}

impl<T: PushItem> Handler<SubscriberCount> for PushRelay<T> {
    type Result = usize;

    fn handle(&mut self, _msg: SubscriberCount, _ctx: &mut Self::Context) -> usize {
        self.subscribers.len()
    }
}

impl<T: PushItem> Handler<OpenStream<T>> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: OpenStream<T>, _ctx: &mut Self::Context) {
        let bounds = self.bounds();
        let Some(sub) = self.subscribers.get_mut(&msg.subscriber) else {
            return;
        };
        let stream: Arc<str> = Arc::from(msg.stream.as_str());
        sub.streams.open(Arc::clone(&stream), msg.overflowed);
        let alive = match msg.first {
            Some(first) => Self::deliver(bounds, sub, &Arc::new(first)),
            None => true,
        };
        if !alive {
            self.subscribers.remove(&msg.subscriber);
        }
    }
}

impl<T: PushItem> Handler<CloseStream> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: CloseStream, _ctx: &mut Self::Context) {
        if let Some(sub) = self.subscribers.get_mut(&msg.subscriber) {
            sub.streams.close(&msg.stream);
        }
    }
}

#[cfg(test)]
mod tests;
