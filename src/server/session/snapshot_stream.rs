//! `orchestration.getSnapshot` streamed: the Engine hands out a job (the durable rows and where
//! their history is read from), a blocking thread encodes it into frames, and this connection
//! writes them as one WebSocket text message in continuation frames.
//!
//! RFC 6455 forbids another data message inside a fragmented one, so the frames are written
//! under `ctx.wait`: until the last one is out, this actor handles nothing else — replies that
//! come back, pushes from the bus and the client's next requests all wait, in their order, and
//! are written after it. Because the actor runs only as fast as the socket takes its writes,
//! the bounded channel makes the encoder wait for a slow client.

use std::pin::Pin;
use std::task::Poll;
use std::time::Instant;

use actix::prelude::*;
use actix_http::ws::Item;
use actix_web_actors::ws;
use t3rs_actors::Ask;
use tokio::sync::mpsc;

use super::Session;
use crate::protocol::envelope::encode_reply_error;
use crate::protocol::reply_error::ReplyError;
use crate::runtime::engine::snapshot_job::TakeSnapshotJob;
use crate::server::requests::flatten;
use crate::server::snapshot_frames::{stream_reply, Piece, FRAMES_AHEAD};

impl Session {
    pub(super) fn get_snapshot(&mut self, id: String, ctx: &mut ws::WebsocketContext<Self>) {
        self.in_flight += 1;
        let asked = self.app.runtime.engine.send(Ask(TakeSnapshotJob));
        let frame_bytes = self.app.snapshot_frame_bytes;
        async move { flatten(asked.await)? }
            .into_actor(self)
            .map(move |job, act, ctx| match job {
                Err(message) => {
                    act.in_flight -= 1;
                    ctx.text(encode_reply_error(&id, &ReplyError::new(message)));
                }
                Ok(job) => {
                    let (frames, rx) = mpsc::channel(FRAMES_AHEAD);
                    let request_id = id.clone();
                    // Detached: it ends when the reply is written or the connection is gone.
                    drop(actix_web::rt::task::spawn_blocking(move || {
                        stream_reply(&request_id, job, frame_bytes, frames)
                    }));
                    ctx.wait(FrameRelay {
                        frames: rx,
                        id,
                        started: false,
                    });
                }
            })
            .spawn(ctx);
    }

    /// The reply is out (or the connection is closing).
    fn snapshot_written(&mut self) {
        self.in_flight -= 1;
        // The client took every frame, and its own frames (pongs) waited meanwhile.
        self.last_heard = Instant::now();
    }
}

/// Writes the encoder's frames as they come; done after the last one.
struct FrameRelay {
    frames: mpsc::Receiver<Piece>,
    id: String,
    /// A `Part` was written: the message is open and only its frames may follow.
    started: bool,
}

impl ActorFuture<Session> for FrameRelay {
    type Output = ();

    fn poll(
        self: Pin<&mut Self>,
        act: &mut Session,
        ctx: &mut ws::WebsocketContext<Session>,
        task: &mut std::task::Context<'_>,
    ) -> Poll<()> {
        let this = self.get_mut();
        loop {
            let Poll::Ready(piece) = this.frames.poll_recv(task) else {
                return Poll::Pending;
            };
            let failure = match piece {
                Some(Piece::Part(bytes)) => {
                    let item = if this.started {
                        Item::Continue(bytes)
                    } else {
                        Item::FirstText(bytes)
                    };
                    this.started = true;
                    ctx.write_raw(ws::Message::Continuation(item));
                    continue;
                }
                Some(Piece::Last(bytes)) => {
                    ctx.write_raw(ws::Message::Continuation(Item::Last(bytes)));
                    act.snapshot_written();
                    return Poll::Ready(());
                }
                Some(Piece::Whole(text)) => {
                    ctx.text(text);
                    act.snapshot_written();
                    return Poll::Ready(());
                }
                Some(Piece::Failed(reason)) => reason,
                None => "the snapshot encoder stopped".to_string(),
            };
            act.snapshot_written();
            if this.started {
                // Part of the message is out and cannot be taken back or completed.
                log::error!(
                    request_id = this.id.as_str();
                    "closing the connection: its snapshot failed part-way: {failure}"
                );
                let mut reason = format!("snapshot failed: {failure}");
                t3rs_core::text::truncate_within(&mut reason, 120);
                ctx.close(Some(ws::CloseReason {
                    code: ws::CloseCode::Error,
                    description: Some(reason),
                }));
                ctx.stop();
            } else {
                log::warn!(request_id = this.id.as_str(); "getSnapshot failed: {failure}");
                let error = ReplyError::new(format!("getSnapshot failed: {failure}"));
                ctx.text(encode_reply_error(&this.id, &error));
            }
            return Poll::Ready(());
        }
    }
}
