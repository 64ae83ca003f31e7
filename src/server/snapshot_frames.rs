//! The reply to `orchestration.getSnapshot` cut into WebSocket frames as it is encoded, on a
//! blocking thread: each frame is handed to the connection through a bounded channel, so the
//! encoder waits for a slow socket and memory stays at a few frames whatever the model's size.
//! Frames end on UTF-8 character boundaries, so each one is text on its own.

use std::io::Write;

use actix_web::web::Bytes;
use tokio::sync::mpsc;

use crate::orchestration::snapshot_writer::write_snapshot;
use crate::runtime::engine::snapshot_job::SnapshotJob;

/// Frames encoded ahead of the socket: enough to keep it busy, few enough to stay small.
pub(crate) const FRAMES_AHEAD: usize = 4;

/// The smallest frame the config may ask for (a frame must hold a whole UTF-8 character).
pub const MIN_FRAME_BYTES: usize = 64;

/// What the encoder hands the connection, in order.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece {
    /// A frame of a message with more to come (the first one starts the message).
    Part(Bytes),
    /// The message's final frame, after at least one `Part`.
    Last(Bytes),
    /// The whole message, small enough for one frame.
    Whole(String),
    /// The message cannot be completed; nothing follows.
    Failed(String),
}

/// `{"id":…,"result":` — what [`encode_raw_result`](crate::protocol::envelope::encode_raw_result)
/// puts before a result (the reply ends with `}` after it).
fn reply_head(id: &str) -> String {
    format!(
        "{{\"id\":{},\"result\":",
        serde_json::Value::String(id.to_string())
    )
}

/// Encodes the reply to request `id` from `job` into frames of about `frame_bytes`, sending
/// each to `frames` (waiting while it is full). Ends with `Last`/`Whole`, or `Failed` naming
/// why; stops early when the connection is gone.
pub(crate) fn stream_reply(
    id: &str,
    job: SnapshotJob,
    frame_bytes: usize,
    frames: mpsc::Sender<Piece>,
) {
    let mut out = FrameWriter::new(frame_bytes, frames.clone());
    let written = out
        .write_all(reply_head(id).as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|()| {
            write_snapshot(&job.model, &*job.history, &mut out).map_err(|e| e.to_string())
        })
        .and_then(|()| out.write_all(b"}").map_err(|e| e.to_string()));
    let outcome = match written {
        Ok(()) => out.finish(),
        Err(reason) => Err(reason),
    };
    if let Err(reason) = outcome {
        // Nobody to tell when the connection is gone (the send fails, which is fine).
        let _ = frames.blocking_send(Piece::Failed(reason));
    }
}

/// An `io::Write` that cuts what it is given into frames, holding one back so that it knows
/// which frame is the last.
pub(crate) struct FrameWriter {
    frame_bytes: usize,
    buf: Vec<u8>,
    /// A full frame not yet sent: it goes as `Part` once another one follows it.
    held: Option<Vec<u8>>,
    sent: usize,
    frames: mpsc::Sender<Piece>,
}

impl FrameWriter {
    pub(crate) fn new(frame_bytes: usize, frames: mpsc::Sender<Piece>) -> Self {
        let frame_bytes = frame_bytes.max(MIN_FRAME_BYTES);
        Self {
            frame_bytes,
            buf: Vec::with_capacity(frame_bytes + 4),
            held: None,
            sent: 0,
            frames,
        }
    }

    fn send(&mut self, piece: Piece) -> std::io::Result<()> {
        let is_part = matches!(piece, Piece::Part(_));
        if is_part && self.sent == 0 {
            injected_failure("before")?;
        }
        self.frames.blocking_send(piece).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the connection closed during the snapshot",
            )
        })?;
        self.sent += 1;
        if self.sent == 1 && is_part {
            hold_after_first_frame();
            injected_failure("after")?;
        }
        Ok(())
    }

    /// Moves one full frame out of the buffer, cut before any character it would split.
    fn cut(&mut self) -> std::io::Result<()> {
        let mut at = self.frame_bytes;
        // A UTF-8 continuation byte (10xxxxxx) never starts a character; at most 3 in a row.
        let floor = self.frame_bytes - 3;
        while at > floor && self.buf.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
            at -= 1;
        }
        let rest = self.buf.split_off(at);
        let frame = std::mem::replace(&mut self.buf, rest);
        if let Some(earlier) = self.held.replace(frame) {
            self.send(Piece::Part(Bytes::from(earlier)))?;
        }
        Ok(())
    }

    /// Sends what is left: the held frame and the rest as the message's end.
    pub(crate) fn finish(mut self) -> Result<(), String> {
        let rest = std::mem::take(&mut self.buf);
        let outcome = match self.held.take() {
            None => match String::from_utf8(rest) {
                Ok(text) => self.send(Piece::Whole(text)),
                Err(_) => return Err("the snapshot is not valid UTF-8".to_string()),
            },
            Some(held) if rest.is_empty() => self.send(Piece::Last(Bytes::from(held))),
            Some(held) => self
                .send(Piece::Part(Bytes::from(held)))
                .and_then(|()| self.send(Piece::Last(Bytes::from(rest)))),
        };
        outcome.map_err(|e| e.to_string())
    }
}

impl Write for FrameWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        while self.buf.len() > self.frame_bytes {
            self.cut()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Fault injection (tests/snapshot_stream.rs): `snapshot-stream-hold=return(<path>)` holds the
/// encoder after the first frame went out until `<path>` exists (at most a minute), so a test
/// can act while a snapshot is part-way through its socket.
fn hold_after_first_frame() {
    #[cfg(feature = "failpoints")]
    if let Some(gate) = fail::eval("snapshot-stream-hold", |gate| gate) {
        let Some(gate) = gate else { return };
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !std::path::Path::new(&gate).exists() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// Fault injection (tests/snapshot_stream.rs): `snapshot-stream-fail=return(before)` fails
/// the encoder just before its first frame, `return(after)` just after it.
fn injected_failure(when: &str) -> std::io::Result<()> {
    #[cfg(feature = "failpoints")]
    if fail::eval("snapshot-stream-fail", |at| at)
        .flatten()
        .as_deref()
        == Some(when)
    {
        return Err(std::io::Error::other(format!(
            "injected failure {when} the first frame"
        )));
    }
    let _ = when;
    Ok(())
}

#[cfg(test)]
mod tests;
