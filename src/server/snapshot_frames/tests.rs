use serde_json::json;

use super::*;
use crate::orchestration::thread_lists::{HistoryError, HistorySource, ThreadLists};
use crate::orchestration::{FullModel, Message};
use crate::protocol::envelope::encode_raw_result;

/// A model of `threads` threads, each with a message of multi-byte text (so frame cuts meet
/// characters of 2, 3 and 4 bytes).
fn model(threads: usize) -> FullModel {
    let threads: Vec<_> = (0..threads)
        .map(|n| {
            json!({
                "id": format!("t{n}"), "projectId": "p", "title": "ü€😀 title", "model": "m",
                "branch": null, "worktreePath": null, "latestTurn": null,
                "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
                "deletedAt": null,
                "messages": [{
                    "id": format!("m{n}"), "role": "user", "text": "😀ü€a".repeat(n + 3),
                    "turnId": null, "streaming": false,
                    "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"
                }],
                "activities": [], "checkpoints": [], "session": null
            })
        })
        .collect();
    serde_json::from_value(json!({
        "snapshotSequence": 42, "projects": [], "threads": threads,
        "updatedAt": "2026-01-01T00:00:00.000Z"
    }))
    .expect("a model")
}

/// The model's rows, their lists read from `history`.
fn job(model: FullModel, history: impl HistorySource + Send + 'static) -> SnapshotJob {
    SnapshotJob {
        model: model.split().0,
        history: Box::new(history),
    }
}

/// Every piece the encoder sends for `job`, collected after it ends.
fn pieces(job: SnapshotJob, frame_bytes: usize) -> Vec<Piece> {
    let (tx, mut rx) = mpsc::channel(FRAMES_AHEAD);
    let encoder = std::thread::spawn(move || stream_reply("req-1", job, frame_bytes, tx));
    let mut out = Vec::new();
    while let Some(piece) = rx.blocking_recv() {
        out.push(piece);
    }
    encoder.join().expect("the encoder ends");
    out
}

#[test]
fn a_large_reply_is_parts_then_a_last_each_whole_text_and_together_the_old_reply() {
    let model = model(12);
    let expected = encode_raw_result("req-1", &serde_json::to_string(&model).expect("json"));
    let got = pieces(job(model.clone(), model), 64);
    assert!(got.len() > 10, "{} pieces", got.len());
    let mut joined = Vec::new();
    for (i, piece) in got.iter().enumerate() {
        let bytes = match piece {
            Piece::Part(b) if i + 1 < got.len() => b,
            Piece::Last(b) if i + 1 == got.len() => b,
            other => panic!("piece {i} of {}: {other:?}", got.len()),
        };
        assert!(
            !bytes.is_empty() && bytes.len() <= 64,
            "piece {i}: {} bytes",
            bytes.len()
        );
        // Cut on character boundaries: each frame is text by itself.
        std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("piece {i}: {e}"));
        joined.extend_from_slice(bytes);
    }
    assert_eq!(String::from_utf8(joined).expect("UTF-8"), expected);
}

#[test]
fn a_small_reply_is_one_whole_message() {
    let model = model(0);
    let expected = encode_raw_result("req-1", &serde_json::to_string(&model).expect("json"));
    assert_eq!(
        pieces(job(model.clone(), model), 64 * 1024),
        vec![Piece::Whole(expected)]
    );
}

/// Fails reading the lists of one thread.
struct FailsAt(&'static str);

impl HistorySource for FailsAt {
    fn lists(&self, thread_id: &str) -> Result<ThreadLists, HistoryError> {
        if thread_id == self.0 {
            Err(HistoryError("the messages tree is unreadable".to_string()))
        } else {
            Ok(ThreadLists::default())
        }
    }
    fn message(&self, _: &str, _: &str) -> Result<Option<Message>, HistoryError> {
        Ok(None)
    }
}

#[test]
fn a_failure_before_the_first_frame_is_only_the_failure() {
    let got = pieces(job(model(3), FailsAt("t0")), 64 * 1024);
    match got.as_slice() {
        [Piece::Failed(reason)] => assert!(reason.contains("t0"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failure_part_way_comes_after_the_frames_already_sent_and_ends_them() {
    let got = pieces(job(model(30), FailsAt("t29")), 64);
    let (last, parts) = got.split_last().expect("pieces");
    assert!(!parts.is_empty());
    assert!(
        parts.iter().all(|p| matches!(p, Piece::Part(_))),
        "{parts:?}"
    );
    match last {
        Piece::Failed(reason) => assert!(reason.contains("t29"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

/// A connection that goes away stops the encoder (it would otherwise wait on a full channel
/// forever, holding its job).
#[test]
fn the_encoder_stops_when_the_connection_is_gone() {
    let model = model(200);
    let (tx, mut rx) = mpsc::channel(1);
    let encoder =
        std::thread::spawn(move || stream_reply("req-1", job(model.clone(), model), 64, tx));
    assert!(matches!(rx.blocking_recv(), Some(Piece::Part(_))));
    drop(rx);
    encoder.join().expect("the encoder ends once nobody reads");
}

#[test]
fn the_reply_head_is_what_encode_raw_result_puts_before_a_result() {
    for id in ["req-1", "quote\"d", "ü😀"] {
        assert_eq!(
            format!("{}[1]}}", reply_head(id)),
            encode_raw_result(id, "[1]")
        );
    }
}
