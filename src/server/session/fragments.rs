//! A WebSocket message sent in continuation frames, put back together within the message size
//! limit (a too-long message is refused whole, and nothing of it is decoded).

use actix_web_actors::ws;

use super::{Session, BINARY_REFUSED};
use crate::protocol::envelope::{encode_error, UNKNOWN_ID};

/// A message being reassembled from continuation frames.
pub(super) struct Fragments {
    text: bool,
    buf: Vec<u8>,
    overflow: bool,
}

impl Session {
    pub(super) fn handle_fragment(
        &mut self,
        item: actix_http::ws::Item,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let limit = self.app.max_message_bytes;
        let (start, bytes, last) = match item {
            actix_http::ws::Item::FirstText(b) => (Some(true), b, false),
            actix_http::ws::Item::FirstBinary(b) => (Some(false), b, false),
            actix_http::ws::Item::Continue(b) => (None, b, false),
            actix_http::ws::Item::Last(b) => (None, b, true),
        };
        if let Some(text) = start {
            self.fragments = Some(Fragments {
                text,
                buf: Vec::new(),
                overflow: false,
            });
        }
        let Some(frag) = self.fragments.as_mut() else {
            ctx.text(encode_error(
                UNKNOWN_ID,
                "Invalid request format: continuation frame without a first frame",
            ));
            return;
        };
        if !frag.overflow {
            if frag.buf.len() + bytes.len() > limit {
                frag.overflow = true;
                frag.buf = Vec::new();
            } else {
                frag.buf.extend_from_slice(&bytes);
            }
        }
        if !last {
            return;
        }
        let Some(frag) = self.fragments.take() else {
            return;
        };
        if frag.overflow {
            ctx.text(encode_error(
                UNKNOWN_ID,
                &format!("Invalid request format: message is over the {limit}-byte limit"),
            ));
        } else if !frag.text {
            ctx.text(encode_error(UNKNOWN_ID, BINARY_REFUSED));
        } else {
            match String::from_utf8(frag.buf) {
                Ok(text) => self.handle_text(&text, ctx),
                Err(_) => ctx.text(encode_error(
                    UNKNOWN_ID,
                    "Invalid request format: message is not valid UTF-8",
                )),
            }
        }
    }
}
