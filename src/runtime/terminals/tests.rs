use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use t3rs_actors::push_relay::Delivery;
use t3rs_actors::ChildGuard;

use super::history::{cap_history, file_name};
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
    let store = tempfile::tempdir().unwrap();
    let bus = PushBus::new(100_000).start();
    let (_subscriber, mut pushes) = subscribe_probe(&bus).await;
    let deps = TerminalDeps {
        bus: bus.clone(),
        history: HistoryStore::open(store.path()).unwrap(),
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
    assert!(deps.history.flush(DEADLINE).await);
    let stored = std::fs::read(store.path().join(file_name(&("t".into(), "x".into())))).unwrap();
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
fn history_file_names_separate_thread_and_terminal_and_hide_the_ids() {
    assert_ne!(
        file_name(&("a".into(), "bc".into())),
        file_name(&("ab".into(), "c".into()))
    );
    for (thread, terminal) in [("../..", "/etc/passwd"), ("t\0", ".."), ("", "")] {
        let name = file_name(&(thread.into(), terminal.into()));
        assert_eq!(name.len(), 129, "{name}");
        assert!(
            name.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
            "{name}"
        );
    }
}

fn key(thread: &str, terminal: &str) -> Key {
    (thread.to_string(), terminal.to_string())
}

/// Owner-only files named by digests, read back by a fresh store (a server restart), and a
/// deleted thread's files gone, other threads' kept.
#[actix::test]
async fn history_persisted_by_one_store_is_read_by_a_fresh_one() {
    use std::os::unix::fs::PermissionsExt;
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("terminal-history");
    let thread = "thread-SECRET-1";
    let terminal = "term-SECRET-2";
    {
        let store = HistoryStore::open(&dir).unwrap();
        store.save(&key(thread, terminal), "first\n");
        store.save(&key(thread, terminal), "first\nsecond\n");
        store.save(&key(thread, "other"), "other terminal\n");
        store.save(&key("another thread", terminal), "kept\n");
        // Served before the writer gets to it, too.
        assert_eq!(store.load(&key(thread, terminal)), "first\nsecond\n");
        assert!(store.flush(DEADLINE).await);
    }
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in &names {
        assert!(
            !name.contains("SECRET") && !name.contains("thread"),
            "{name}"
        );
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }

    let store = HistoryStore::open(&dir).unwrap();
    assert_eq!(store.dir(), dir);
    assert_eq!(store.load(&key(thread, terminal)), "first\nsecond\n");
    assert_eq!(store.load(&key(thread, "never")), "");
    store.delete_thread(thread);
    assert_eq!(store.load(&key(thread, terminal)), "");
    assert_eq!(store.load(&key(thread, "other")), "");
    assert!(store.flush(DEADLINE).await);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    assert_eq!(
        HistoryStore::open(&dir)
            .unwrap()
            .load(&key("another thread", terminal)),
        "kept\n"
    );
}

/// A terminal actor's history, written as it exits, is what a fresh actor on a fresh store of
/// the same directory opens with.
#[actix::test]
async fn a_fresh_actor_on_a_fresh_store_reopens_with_the_history() {
    let state = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let bus = PushBus::new(100_000).start();
    let (_subscriber, mut pushes) = subscribe_probe(&bus).await;
    let open = TerminalOpenParams {
        thread_id: "t".into(),
        terminal_id: "x".into(),
        cwd: cwd.path().to_string_lossy().into_owned(),
        cols: None,
        rows: None,
        env: None,
    };
    let deps = |history| TerminalDeps {
        bus: bus.clone(),
        history,
        history_bytes: 4096,
    };
    {
        let store = HistoryStore::open(state.path()).unwrap();
        let actor = TerminalActor::new(ChildGuard::detached(), deps(store.clone()), &open).start();
        event_where(&mut pushes, |e| e["type"] == "started").await;
        actor
            .send(TerminalWrite(TerminalWriteParams {
                thread_id: "t".into(),
                terminal_id: "x".into(),
                data: "echo marker-$((6*7))\r".into(),
            }))
            .await
            .unwrap()
            .unwrap();
        let mut seen = String::new();
        while !seen.contains("marker-42") {
            let e = event_where(&mut pushes, |e| e["type"] == "output").await;
            seen.push_str(e["data"].as_str().unwrap());
        }
        actor
            .send(actor::CloseTerminal {
                delete_history: false,
            })
            .await
            .unwrap();
        assert!(store.flush(DEADLINE).await);
    }
    let store = HistoryStore::open(state.path()).unwrap();
    let actor = TerminalActor::new(ChildGuard::detached(), deps(store), &open).start();
    let again: Value = serde_json::from_str(
        &actor
            .send(TerminalOpen(open.clone()))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert!(
        again["history"].as_str().unwrap().contains("marker-42"),
        "{again}"
    );
    actor
        .send(actor::CloseTerminal {
            delete_history: true,
        })
        .await
        .unwrap();
}

/// A write that fails (here: the directory is gone) keeps the history in memory, served to a
/// reopen, and a later save once the directory is back puts it on disk.
#[actix::test]
async fn a_failed_write_keeps_the_history_in_memory() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().join("terminal-history");
    let store = HistoryStore::open(&dir).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    store.save(&key("t", "x"), "unsaved\n");
    assert!(store.flush(DEADLINE).await);
    assert_eq!(store.load(&key("t", "x")), "unsaved\n");
    store.save(&key("t", "x"), "unsaved\nstill\n");
    assert!(store.flush(DEADLINE).await);
    assert_eq!(store.load(&key("t", "x")), "unsaved\nstill\n");
    std::fs::create_dir(&dir).unwrap();
    store.save(&key("t", "x"), "saved\n");
    assert!(store.flush(DEADLINE).await);
    drop(store);
    assert_eq!(
        HistoryStore::open(&dir).unwrap().load(&key("t", "x")),
        "saved\n"
    );
}
