use super::*;
use crate::store::event_log::{CommandWrite, Receipt};
use crate::store::snapshots::LogBase;
use crate::store::Store;
use std::path::Path;

const MARKER: &str = "VERIFY-MARKER-5c1e";

/// A stored event as the engine writes it; event 5 carries [`MARKER`].
fn event(sequence: u64) -> Vec<u8> {
    let text = if sequence == 5 { MARKER } else { "plain" };
    message_event(sequence, text).into_bytes()
}

fn message_event(s: u64, text: &str) -> String {
    format!(
        "{{\"sequence\":{s},\"eventId\":\"e{s}\",\"aggregateKind\":\"thread\",\
         \"aggregateId\":\"t{t}\",\"occurredAt\":\"2026-01-01T00:00:00.000Z\",\
         \"commandId\":\"c{s}\",\"causationEventId\":null,\"correlationId\":null,\
         \"metadata\":{{}},\"type\":\"thread.message-sent\",\"payload\":\
         {{\"threadId\":\"t{t}\",\"messageId\":\"m{s}\",\"role\":\"assistant\",\
         \"text\":\"{text}\",\"turnId\":null,\"streaming\":true,\
         \"createdAt\":\"2026-01-01T00:00:00.000Z\",\
         \"updatedAt\":\"2026-01-01T00:00:00.000Z\"}}}}",
        t = s % 1_000
    )
}

fn write(log: &EventLog, sequences: std::ops::RangeInclusive<u64>) {
    let last = *sequences.end();
    log.write_batch(&[CommandWrite {
        command_id: format!("c{last}"),
        receipt: Receipt::Accepted { sequence: last },
        events: sequences.map(|s| (s, event(s))).collect(),
    }])
    .unwrap();
    log.flush().unwrap();
}

fn open(dir: &Path) -> EventLog {
    EventLog::open(&Store::open(dir).unwrap()).unwrap()
}

#[test]
fn a_sound_log_is_counted_from_its_first_key() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    assert_eq!(
        check_log(&log),
        Ok(Verified {
            count: 0,
            first: 0,
            last: 0
        })
    );
    write(&log, 1..=10);
    assert_eq!(
        check_log(&log),
        Ok(Verified {
            count: 10,
            first: 1,
            last: 10
        })
    );
}

#[test]
fn a_log_rebuilt_from_a_snapshot_starts_after_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    log.set_log_base(&LogBase {
        sequence: 40,
        last_event_sha256: "x".into(),
    })
    .unwrap();
    write(&log, 41..=43);
    assert_eq!(
        check_log(&log),
        Ok(Verified {
            count: 3,
            first: 41,
            last: 43
        })
    );
}

#[test]
fn gaps_undecodable_events_and_wrong_sequences_are_damage() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    write(&log, 1..=3);
    write(&log, 6..=7);
    let damage = check_log(&log).unwrap_err();
    assert_eq!(damage.sequence, 4);
    assert!(
        damage.what.contains("events 4 to 5 are missing"),
        "{damage}"
    );

    let log = open(tempfile::tempdir().unwrap().path());
    write(&log, 2..=3);
    assert_eq!(check_log(&log).unwrap_err().sequence, 1, "the head is lost");

    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    write(&log, 1..=3);
    log.events
        .insert(2u64.to_be_bytes(), &b"{\"sequence\":2,\"ty"[..])
        .unwrap();
    let damage = check_log(&log).unwrap_err();
    assert_eq!(damage.sequence, 2);
    assert!(damage.what.contains("cannot be decoded"), "{damage}");

    log.events.insert(2u64.to_be_bytes(), event(3)).unwrap();
    let damage = check_log(&log).unwrap_err();
    assert_eq!(damage.sequence, 2);
    assert!(damage.what.contains("says it is event 3"), "{damage}");
    let reason = refusal(&damage);
    assert!(reason.contains("damaged at sequence 2"), "{reason}");
    assert!(reason.contains("`t3rs doctor`"), "{reason}");
}

#[test]
fn damage_marks_the_health_and_a_sound_log_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    write(&log, 1..=3);
    let health = StoreHealth::new(crate::store::space::DiskSpace::new(dir.path(), 0));
    spawn(log.clone(), health.clone()).join().unwrap();
    assert_eq!(health.damage(), None);
    log.events.remove(2u64.to_be_bytes()).unwrap();
    spawn(log, health.clone()).join().unwrap();
    let damage = health.damage().expect("damage found");
    assert!(damage.contains("at sequence 2"), "{damage}");
    assert!(damage.contains("t3rs doctor"), "{damage}");
}

/// `n` events in batches of 100, the marker in event 5, each batch flushed.
fn write_many(dir: &Path, n: u64) {
    let log = open(dir);
    let mut first = 1;
    while first <= n {
        let last = (first + 99).min(n);
        write(&log, first..=last);
        first = last + 1;
    }
}

/// Flips one bit of every copy of the marker under `db/`; returns how many there were.
fn damage_marker(dir: &Path) -> usize {
    let mut copies = 0;
    for path in files_under(&dir.join("db")) {
        let mut bytes = std::fs::read(&path).unwrap();
        let mut at = 0;
        while let Some(p) = bytes[at..]
            .windows(MARKER.len())
            .position(|w| w == MARKER.as_bytes())
        {
            bytes[at + p] ^= 0x01;
            copies += 1;
            at += p + MARKER.len();
        }
        std::fs::write(&path, bytes).unwrap();
    }
    copies
}

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// sled 0.34 checks a message's CRC when recovery scans it (only the segment that holds the
/// position of its own snapshot, which it writes at each open, and later ones) and when a page
/// is read from disk. Data from before the last open, in older segments, is checked only when
/// read: the store opens, and the full read finds it.
#[test]
fn sled_finds_a_flipped_byte_in_old_data_only_when_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write_many(dir.path(), 5_000); // ~2 MB: several of sled's 512 KiB segments
    drop(crate::store::reopen_for_test(dir.path())); // sled's snapshot now covers it all
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(damage_marker(dir.path()) >= 1);
    let log = EventLog::open(&crate::store::reopen_for_test(dir.path())).unwrap();
    assert_eq!(log.last_sequence().unwrap(), 5_000, "opens as if sound");
    let damage = check_log(&log).unwrap_err();
    assert!(
        damage.what.contains("Read corrupted data"),
        "sled's CRC: {damage}"
    );
}

/// `cargo test --release --lib store::verify::tests::a_million -- --ignored --nocapture`
#[test]
#[ignore = "a timing: writes a 1M-event store (~400 MB)"]
fn a_million_events_are_verified_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = open(dir.path());
        let payload = "Some streamed words. ".repeat(12);
        for chunk in 0..1_000u64 {
            let events = (chunk * 1_000 + 1..=chunk * 1_000 + 1_000)
                .map(|s| (s, message_event(s, &payload).into_bytes()))
                .collect();
            log.write_batch(&[CommandWrite {
                command_id: format!("c{chunk}"),
                receipt: Receipt::Accepted {
                    sequence: chunk * 1_000 + 1_000,
                },
                events,
            }])
            .unwrap();
        }
        log.flush().unwrap();
    }
    let log = EventLog::open(&crate::store::reopen_for_test(dir.path())).unwrap();
    let started = std::time::Instant::now();
    let verified = check_log(&log).unwrap();
    eprintln!(
        "verified {} events in {:?} (sled cache cold, OS page cache warm)",
        verified.count,
        started.elapsed()
    );
    assert_eq!(verified.count, 1_000_000);
}
