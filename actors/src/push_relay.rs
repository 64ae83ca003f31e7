//! Ordered push relay: every published item goes to every subscriber, in publish order, stamped
//! with that subscriber's own sequence (1, 2, 3 … without gaps).
//!
//! Flow control is by acknowledgement: a subscriber acks the sequence it has handed on (for a
//! WebSocket, written to the socket's buffer). At most `max_in_flight` unacked items, weighing at
//! most `max_in_flight_bytes` together, exist per subscriber; past either bound the subscriber is
//! evicted with an [`Evicted`] message saying why.
//! Nothing is ever skipped: a subscriber sees a gap-free prefix of the stream, then the eviction.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use actix::prelude::*;

/// What a relay can carry: shared read-only between subscribers on any thread.
pub trait PushItem: Send + Sync + Unpin + 'static {
    /// The memory this item holds, counted against a subscriber's byte bound.
    fn weight(&self) -> usize {
        0
    }
}

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
    /// (sequence, weight) of what is sent but not acknowledged, oldest first.
    unacked: VecDeque<(u64, usize)>,
    unacked_bytes: usize,
}

pub struct PushRelay<T: PushItem> {
    max_in_flight: u64,
    max_in_flight_bytes: usize,
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
            next_id: 0,
            subscribers: HashMap::new(),
        }
    }

    /// Sends to one subscriber; false when it must be removed (evicted or gone).
    fn deliver(max_items: u64, max_bytes: usize, sub: &mut Subscriber<T>, item: &Arc<T>) -> bool {
        if sub.filter.as_ref().is_some_and(|wants| !wants(item)) {
            return sub.deliveries.connected();
        }
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
        sub.unacked.push_back((sub.sent, weight));
        sub.unacked_bytes = sub.unacked_bytes.saturating_add(weight);
        sub.deliveries.do_send(Delivery {
            sequence: sub.sent,
            item: Arc::clone(item),
        });
        true
    }
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
            while let Some((sequence, weight)) = sub.unacked.front().copied() {
                if sequence > sub.acked {
                    break;
                }
                sub.unacked.pop_front();
                sub.unacked_bytes -= weight;
            }
        }
    }
}

impl<T: PushItem> Handler<Publish<T>> for PushRelay<T> {
    type Result = ();

    fn handle(&mut self, msg: Publish<T>, _ctx: &mut Self::Context) {
        let item = Arc::new(msg.0);
        let (items, bytes) = (self.max_in_flight, self.max_in_flight_bytes);
        self.subscribers
            .retain(|_, sub| Self::deliver(items, bytes, sub, &item));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::probe;
    use std::time::Duration;

    impl PushItem for u32 {}

    /// A test item that weighs what it says.
    #[derive(Debug)]
    struct Blob(usize);

    impl PushItem for Blob {
        fn weight(&self) -> usize {
            self.0
        }
    }

    #[actix::test]
    async fn a_filtered_subscriber_gets_only_what_it_asked_for_with_its_own_sequence() {
        let relay = PushRelay::<u32>::new(2).start();
        let (d, mut rx) = probe::<Delivery<u32>>();
        let (e, mut ev) = probe::<Evicted>();
        relay
            .send(Subscribe {
                deliveries: d,
                evicted: e,
                initial: vec![],
                filter: Some(Box::new(|n: &u32| n % 10 == 0)),
            })
            .await
            .unwrap();
        // Far more unwanted items than its bound of 2 unacked: none of them count.
        for i in 1..=25u32 {
            relay.do_send(Publish(i));
        }
        let got = rx.take(2, DEADLINE).await.unwrap();
        assert_eq!(
            got.iter()
                .map(|d| (d.sequence, *d.item))
                .collect::<Vec<_>>(),
            vec![(1, 10), (2, 20)]
        );
        ev.assert_quiet(Duration::from_millis(50)).await.unwrap();
    }

    #[actix::test]
    async fn heavy_pushes_are_bounded_by_bytes() {
        let relay = PushRelay::<Blob>::with_byte_bound(1_000, 100).start();
        let (d, mut rx) = probe::<Delivery<Blob>>();
        let (e, mut ev) = probe::<Evicted>();
        let sub = relay
            .send(Subscribe {
                deliveries: d,
                evicted: e,
                initial: vec![],
                filter: None,
            })
            .await
            .unwrap();
        // One item heavier than the bound still goes through when nothing is in flight.
        relay.do_send(Publish(Blob(150)));
        relay.do_send(Ack {
            subscriber: sub,
            sequence: 1,
        });
        for _ in 0..4 {
            relay.do_send(Publish(Blob(30)));
        }
        let got = rx.take(4, DEADLINE).await.unwrap();
        assert_eq!(got.last().map(|d| d.sequence), Some(4));
        let evicted = ev.next(DEADLINE).await.unwrap();
        assert!(evicted.reason.contains("90 bytes"), "{}", evicted.reason);
        assert_eq!(evicted.last_sequence, 4);
    }

    const DEADLINE: Duration = Duration::from_secs(5);

    #[actix::test]
    async fn each_subscriber_gets_its_own_gap_free_sequence() {
        let relay = PushRelay::<u32>::new(100_000).start();
        let (d1, mut rx1) = probe::<Delivery<u32>>();
        let (e1, mut ev1) = probe::<Evicted>();
        let s1 = relay
            .send(Subscribe {
                deliveries: d1,
                evicted: e1,
                initial: vec![1000],
                filter: None,
            })
            .await
            .unwrap();
        for i in 0..10_000u32 {
            relay.do_send(Publish(i));
        }
        let (d2, mut rx2) = probe::<Delivery<u32>>();
        let (e2, _ev2) = probe::<Evicted>();
        relay
            .send(Subscribe {
                deliveries: d2,
                evicted: e2,
                initial: vec![],
                filter: None,
            })
            .await
            .unwrap();
        relay.do_send(Publish(77));

        let first = rx1.take(10_002, DEADLINE).await.unwrap();
        assert_eq!(*first[0].item, 1000);
        for (i, d) in first.iter().enumerate() {
            assert_eq!(d.sequence, i as u64 + 1);
        }
        for (i, d) in first[1..10_001].iter().enumerate() {
            assert_eq!(*d.item, i as u32);
        }
        assert_eq!(*first[10_001].item, 77);
        // The late subscriber starts at 1 with what was published after it joined.
        let late = rx2.next(DEADLINE).await.unwrap();
        assert_eq!((late.sequence, *late.item), (1, 77));
        relay.do_send(Unsubscribe(s1));
        relay.do_send(Publish(78));
        rx1.assert_quiet(Duration::from_millis(50)).await.unwrap();
        ev1.assert_quiet(Duration::from_millis(10)).await.unwrap();
    }

    #[actix::test]
    async fn slow_subscriber_is_evicted_with_a_reason_and_never_skipped() {
        let relay = PushRelay::<u32>::new(8).start();
        let (slow_d, mut slow_rx) = probe::<Delivery<u32>>();
        let (slow_e, mut slow_ev) = probe::<Evicted>();
        relay
            .send(Subscribe {
                deliveries: slow_d,
                evicted: slow_e,
                initial: vec![],
                filter: None,
            })
            .await
            .unwrap();
        let (fast_d, mut fast_rx) = probe::<Delivery<u32>>();
        let (fast_e, mut fast_ev) = probe::<Evicted>();
        let fast = relay
            .send(Subscribe {
                deliveries: fast_d,
                evicted: fast_e,
                initial: vec![],
                filter: None,
            })
            .await
            .unwrap();
        for i in 0..20u32 {
            relay.do_send(Publish(i));
            // The fast one acks as it goes; the slow one never does.
            relay.do_send(Ack {
                subscriber: fast,
                sequence: u64::from(i) + 1,
            });
        }
        let got = slow_rx.take(8, DEADLINE).await.unwrap();
        assert_eq!(
            got.iter().map(|d| d.sequence).collect::<Vec<_>>(),
            (1..=8).collect::<Vec<_>>()
        );
        let evicted = slow_ev.next(DEADLINE).await.unwrap();
        assert_eq!(evicted.last_sequence, 8);
        assert!(evicted.reason.contains("fell behind"), "{}", evicted.reason);
        assert_eq!(evicted.kind, EvictionKind::FellBehind);
        slow_rx
            .assert_quiet(Duration::from_millis(50))
            .await
            .unwrap();

        let all = fast_rx.take(20, DEADLINE).await.unwrap();
        assert_eq!(all.last().map(|d| d.sequence), Some(20));
        fast_ev
            .assert_quiet(Duration::from_millis(10))
            .await
            .unwrap();
        assert_eq!(relay.send(SubscriberCount).await.unwrap(), 1);

        let told = relay
            .send(CloseAll {
                reason: "shutting down".into(),
            })
            .await
            .unwrap();
        assert_eq!(told, 1);
        let bye = fast_ev.next(DEADLINE).await.unwrap();
        assert_eq!(bye.kind, EvictionKind::Closing);
        assert_eq!(bye.last_sequence, 20);
        assert_eq!(relay.send(SubscriberCount).await.unwrap(), 0);
    }
}
