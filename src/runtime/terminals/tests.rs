use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use t3rs_actors::push_relay::Delivery;
use t3rs_actors::ChildGuard;

use super::history::{cap_history, history_key};
use super::*;
use crate::protocol::methods::channels;
use crate::runtime::push_bus::Push;
use t3rs_actors::harness::{subscribe_probe, ProbeRx};

const DEADLINE: Duration = Duration::from_secs(10);

/// Terminal events from the bus until one matches.
async fn event_where(rx: &mut ProbeRx<Delivery<Push>>, pred: impl Fn(&Value) -> bool) -> Value {
    loop {
        let delivery = rx.next(DEADLINE).await.unwrap();
        let event: Value = serde_json::from_str(&delivery.item.data_json).unwrap();
        if delivery.item.channel == channels::TERMINAL_EVENT && pred(&event) {
            return event;
        }
    }
}

#[actix::test]
async fn terminal_actor_alone_runs_a_shell_and_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().temporary(true).open().unwrap();
    let bus = PushBus::new(100_000).start();
    let (_subscriber, mut pushes) = subscribe_probe(&bus).await;
    let deps = TerminalDeps {
        bus: bus.clone(),
        history: history_tree(&db).unwrap(),
        history_bytes: 4096,
    };
    let open = TerminalOpenParams {
        thread_id: "t".into(),
        terminal_id: "x".into(),
        cwd: dir.path().to_string_lossy().into_owned(),
        cols: Some(90),
        rows: Some(20),
        env: Some(BTreeMap::from([(
            "GREETING".to_string(),
            "hej".to_string(),
        )])),
    };
    let actor = TerminalActor::new(ChildGuard::detached(), deps.clone(), &open).start();
    let started = event_where(&mut pushes, |e| e["type"] == "started").await;
    assert_eq!(started["snapshot"]["status"], "running");
    actor
        .send(TerminalWrite(TerminalWriteParams {
            thread_id: "t".into(),
            terminal_id: "x".into(),
            data: "echo $GREETING-$TERM; stty size\r".into(),
        }))
        .await
        .unwrap()
        .unwrap();
    let mut seen = String::new();
    while !(seen.contains("hej-xterm-256color") && seen.contains("20 90")) {
        let e = event_where(&mut pushes, |e| e["type"] == "output").await;
        seen.push_str(e["data"].as_str().unwrap());
    }
    // History is bounded and persisted once the shell exits.
    actor
        .send(TerminalWrite(TerminalWriteParams {
            thread_id: "t".into(),
            terminal_id: "x".into(),
            data: "for i in $(seq 1 500); do echo line-$i; done; exit 0\r".into(),
        }))
        .await
        .unwrap()
        .unwrap();
    let exited = event_where(&mut pushes, |e| e["type"] == "exited").await;
    assert_eq!(exited["exitCode"], 0);
    let stored = deps
        .history
        .get(history_key(&("t".into(), "x".into())))
        .unwrap()
        .unwrap();
    assert!(stored.len() <= 4096, "{}", stored.len());
    assert!(String::from_utf8_lossy(&stored).contains("line-500"));
    let err = actor
        .send(TerminalWrite(TerminalWriteParams {
            thread_id: "t".into(),
            terminal_id: "x".into(),
            data: "ls\r".into(),
        }))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.contains("has exited with code 0"), "{err}");
}

#[test]
fn history_is_capped_at_a_line_start() {
    let mut history = "old line\n".repeat(10);
    cap_history(&mut history, 30);
    assert!(history.len() <= 30);
    assert!(history.starts_with("old line"), "{history:?}");
    let mut wide = "é".repeat(100);
    cap_history(&mut wide, 51);
    assert!(wide.len() <= 51 && wide.chars().all(|c| c == 'é'));
}

#[test]
fn history_keys_separate_thread_and_terminal() {
    assert_ne!(
        history_key(&("a".into(), "bc".into())),
        history_key(&("ab".into(), "c".into()))
    );
}
