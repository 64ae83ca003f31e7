use std::time::Duration;

use actix::prelude::*;
use t3rs_actors::SupervisorEvent;

use super::{FatalSignal, Root, EXIT_FATAL};
use crate::runtime::push_bus::PushBus;

#[actix_rt::test]
async fn an_engine_give_up_is_fatal_and_names_the_reason() {
    let (signal, mut fatal) = FatalSignal::new();
    let root = Root::new(signal).start();
    root.send(SupervisorEvent::GaveUp {
        name: "thread-session t1".into(),
        reason: "gave up after 6 failures".into(),
    })
    .await
    .unwrap();
    assert_eq!(*fatal.borrow(), None, "a thread session is not vital");
    root.send(SupervisorEvent::GaveUp {
        name: "engine".into(),
        reason: "gave up after 6 failures; last: store unreadable".into(),
    })
    .await
    .unwrap();
    tokio::time::timeout(Duration::from_secs(5), fatal.changed())
        .await
        .expect("fatal in time")
        .unwrap();
    let raised = fatal.borrow().clone().unwrap();
    assert_eq!(raised.code, EXIT_FATAL);
    let reason = raised.reason;
    assert!(
        reason.contains("engine") && reason.contains("store unreadable"),
        "{reason}"
    );
}

#[actix_rt::test]
async fn a_stopped_push_bus_is_fatal() {
    let bus = PushBus::with_byte_bound(16, 1 << 20).start();
    let (signal, mut fatal) = FatalSignal::new();
    let _root = Root::new(signal).watching_bus(bus.clone()).start();
    assert_eq!(*fatal.borrow(), None);
    drop(bus); // the last address: the relay stops
    tokio::time::timeout(Duration::from_secs(5), fatal.changed())
        .await
        .expect("fatal in time")
        .unwrap();
    let reason = fatal.borrow().clone().unwrap().reason;
    assert!(reason.contains("push bus"), "{reason}");
}
