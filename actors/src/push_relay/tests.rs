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

/// An item for everyone, for subscribers without streams, or for one stream.
#[derive(Debug, PartialEq)]
enum Routed {
    All(u32),
    Legacy(u32),
    On(&'static str, u32),
}

impl PushItem for Routed {
    fn reach(&self) -> Reach<'_> {
        match self {
            Routed::All(_) => Reach::All,
            Routed::Legacy(_) => Reach::WithoutStreams,
            Routed::On(stream, _) => Reach::Stream(stream),
        }
    }
}

#[actix::test]
async fn a_subscriber_that_opens_a_stream_gets_that_stream_instead_of_the_legacy_items() {
    let relay = PushRelay::<Routed>::new(100).start();
    let (chooser, mut chosen) = crate::harness::subscribe_probe(&relay).await;
    let (_plain, mut plain) = crate::harness::subscribe_probe(&relay).await;
    let (overflowed, _o) = probe::<StreamOverflowed>();
    relay.do_send(Publish(Routed::Legacy(1)));
    relay.do_send(OpenStream {
        subscriber: chooser,
        stream: "a".into(),
        first: Some(Routed::On("a", 0)),
        overflowed,
    });
    relay.do_send(Publish(Routed::Legacy(2)));
    relay.do_send(Publish(Routed::On("a", 3)));
    relay.do_send(Publish(Routed::On("b", 4)));
    relay.do_send(Publish(Routed::All(5)));
    relay.do_send(CloseStream {
        subscriber: chooser,
        stream: "a".into(),
    });
    relay.do_send(Publish(Routed::On("a", 6)));
    relay.do_send(Publish(Routed::Legacy(7)));
    relay.do_send(Publish(Routed::All(8)));
    let got: Vec<_> = chosen.take(5, DEADLINE).await.unwrap();
    let seen: Vec<_> = got.iter().map(|d| (d.sequence, &*d.item)).collect();
    assert_eq!(
        seen,
        vec![
            (1, &Routed::Legacy(1)),
            (2, &Routed::On("a", 0)),
            (3, &Routed::On("a", 3)),
            (4, &Routed::All(5)),
            (5, &Routed::All(8)),
        ]
    );
    chosen
        .assert_quiet(Duration::from_millis(30))
        .await
        .unwrap();
    let got = plain.take(4, DEADLINE).await.unwrap();
    let seen: Vec<_> = got.iter().map(|d| &*d.item).collect();
    assert_eq!(
        seen,
        vec![
            &Routed::Legacy(1),
            &Routed::Legacy(2),
            &Routed::All(5),
            &Routed::Legacy(7)
        ]
    );
}

#[actix::test]
async fn a_stream_past_its_bound_goes_quiet_once_told_and_restarts_with_its_first_item() {
    let relay = PushRelay::<Routed>::new(1_000).with_stream_bound(3).start();
    let (sub, mut rx) = crate::harness::subscribe_probe(&relay).await;
    let (overflowed, mut told) = probe::<StreamOverflowed>();
    relay.do_send(OpenStream {
        subscriber: sub,
        stream: "t".into(),
        first: None,
        overflowed: overflowed.clone(),
    });
    for i in 1..=6 {
        relay.do_send(Publish(Routed::On("t", i)));
    }
    relay.do_send(Publish(Routed::All(100)));
    let got = rx.take(4, DEADLINE).await.unwrap();
    let items: Vec<_> = got.iter().map(|d| &*d.item).collect();
    assert_eq!(
        items,
        vec![
            &Routed::On("t", 1),
            &Routed::On("t", 2),
            &Routed::On("t", 3),
            &Routed::All(100)
        ]
    );
    // Told once, however many items it missed.
    let note = told.next(DEADLINE).await.unwrap();
    assert_eq!(note.stream, "t");
    assert_eq!(note.in_flight, 3);
    told.assert_quiet(Duration::from_millis(30)).await.unwrap();
    // Acknowledged and reopened: a fresh first item, then what follows, with no gap in the
    // subscriber's own sequence.
    relay.do_send(Ack {
        subscriber: sub,
        sequence: 4,
    });
    relay.do_send(OpenStream {
        subscriber: sub,
        stream: "t".into(),
        first: Some(Routed::On("t", 0)),
        overflowed,
    });
    relay.do_send(Publish(Routed::On("t", 7)));
    let got = rx.take(2, DEADLINE).await.unwrap();
    let seen: Vec<_> = got.iter().map(|d| (d.sequence, &*d.item)).collect();
    assert_eq!(
        seen,
        vec![(5, &Routed::On("t", 0)), (6, &Routed::On("t", 7))]
    );
}
