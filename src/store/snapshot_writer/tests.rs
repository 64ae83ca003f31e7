use std::sync::mpsc;
use std::time::Duration;

use t3rs_core::orchestration::{Project, ReadModel};

use super::*;
use crate::store::event_log::{CommandWrite, Receipt};
use crate::store::Store;

const LONG: Duration = Duration::from_secs(10);

/// A log holding events 1..=`last`, so snapshots up to `last` pass their checks.
fn log_with_events(dir: &std::path::Path, last: u64) -> EventLog {
    let store = Store::open(dir).unwrap();
    let log = EventLog::open(&store).unwrap();
    log.write_batch(&[CommandWrite {
        command_id: "c".into(),
        receipt: Receipt::Accepted { sequence: last },
        events: (1..=last)
            .map(|s| (s, format!("{{\"sequence\":{s}}}").into_bytes()))
            .collect(),
    }])
    .unwrap();
    log.flush().unwrap();
    log
}

fn model_at(sequence: u64) -> ReadModel {
    let mut model = ReadModel::empty("2026-01-01T00:00:00.000Z");
    model.snapshot_sequence = sequence;
    model.projects.insert(
        "p".into(),
        Project {
            id: "p".into(),
            title: format!("at {sequence}"),
            workspace_root: "/w".into(),
            default_model: None,
            scripts: Vec::new(),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-01T00:00:00.000Z".into(),
            deleted_at: None,
        }
        .into(),
    );
    model
}

fn stored(log: &EventLog) -> Vec<(u64, Vec<u8>)> {
    log.snapshots_newest_first().map(|r| r.unwrap()).collect()
}

#[test]
fn writes_the_model_that_start_up_then_reads() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_events(dir.path(), 3);
    let writer = SnapshotWriter::new(log.clone());
    let model = model_at(3);
    writer.save(model.clone());
    assert!(writer.wait_idle(LONG));
    let snapshots = stored(&log);
    assert_eq!(snapshots.len(), 1);
    assert_eq!(snapshots[0].0, 3);
    assert_eq!(
        snapshots[0].1,
        crate::store::snapshot_body::encode_rows(&model).unwrap()
    );
    match crate::store::snapshot_body::decode(&snapshots[0].1).unwrap() {
        crate::store::snapshot_body::SnapshotBody::Rows(back) => assert_eq!(back, model),
        crate::store::snapshot_body::SnapshotBody::Full(_) => panic!("rows were written"),
    }
}

#[test]
fn a_model_waiting_behind_a_write_is_replaced_by_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_events(dir.path(), 4);
    let (started_tx, started) = mpsc::channel();
    let (gate, gate_rx) = mpsc::channel::<()>();
    let target = log.clone();
    let writer = SnapshotWriter::with_sink(Box::new(move |sequence, json: &[u8]| {
        let name = std::thread::current().name().map(str::to_string);
        started_tx.send((sequence, name)).unwrap();
        gate_rx.recv().unwrap();
        target.save_snapshot(sequence, json)
    }));

    writer.save(model_at(1));
    let (first, thread) = started.recv_timeout(LONG).unwrap();
    assert_eq!(first, 1);
    assert_eq!(thread.as_deref(), Some("t3rs-snapshot"));
    // Handed over while the first is being written: only the newest waits.
    for sequence in 2..=4 {
        writer.save(model_at(sequence));
    }
    assert!(!writer.wait_idle(Duration::from_millis(50)));
    gate.send(()).unwrap();
    let (second, _) = started.recv_timeout(LONG).unwrap();
    assert_eq!(second, 4);
    gate.send(()).unwrap();
    assert!(writer.wait_idle(LONG));
    assert!(started.try_recv().is_err(), "2 and 3 were not written");
    let sequences: Vec<u64> = stored(&log).iter().map(|(s, _)| *s).collect();
    assert_eq!(sequences, [4, 1]);
}

#[test]
fn a_failed_write_leaves_the_writer_ready_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_events(dir.path(), 2);
    // A file where the snapshot directory belongs: the save fails.
    let blocker = dir.path().join("snapshots");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let writer = SnapshotWriter::new(log.clone());
    writer.save(model_at(1));
    assert!(writer.wait_idle(LONG));
    std::fs::remove_file(&blocker).unwrap();
    assert!(stored(&log).is_empty());
    writer.save(model_at(2));
    assert!(writer.wait_idle(LONG));
    let sequences: Vec<u64> = stored(&log).iter().map(|(s, _)| *s).collect();
    assert_eq!(sequences, [2]);
}

#[test]
fn dropping_the_writer_writes_what_is_pending() {
    let dir = tempfile::tempdir().unwrap();
    let log = log_with_events(dir.path(), 5);
    let writer = SnapshotWriter::new(log.clone());
    writer.save(model_at(5));
    drop(writer);
    let sequences: Vec<u64> = stored(&log).iter().map(|(s, _)| *s).collect();
    assert_eq!(sequences, [5]);
}

#[test]
fn an_idle_writer_is_idle_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let writer = SnapshotWriter::new(log_with_events(dir.path(), 1));
    assert!(writer.wait_idle(Duration::ZERO));
}
