//! One `Session` actor per WebSocket connection. It decodes requests at the boundary, routes
//! them to the actors that own the answers, and writes replies and pushes to its socket. Pushes
//! arrive from the bus stamped with this connection's sequence and are acknowledged once written,
//! which is what bounds a slow client's queue.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_web_actors::ws;
use serde_json::Value;
use t3rs_actors::push_relay::{
    Ack, Delivery, Evicted, EvictionKind, Subscribe, SubscriberId, Unsubscribe,
};
use t3rs_actors::{Ask, ChildUnavailable, Supervisor};

use crate::protocol::envelope::{
    decode_request, encode_error, encode_push, encode_raw_result, encode_result, UNKNOWN_ID,
};
use crate::protocol::methods::{channels, Method};
use crate::runtime::push_bus::{Push, PushBus};
use crate::runtime::server_config::{ConfigView, GetConfig, ServerConfigActor, UpsertKeybinding};

/// How often the server pings, and how long a silent client is kept.
const PING_EVERY: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// What every session shares: where to route, what to greet with, and the limits.
#[derive(Clone)]
pub struct AppContext {
    pub bus: Addr<PushBus>,
    pub config: Addr<Supervisor<ServerConfigActor>>,
    pub config_view: ConfigView,
    /// `server.welcome` data, serialised once at start-up.
    pub welcome_json: Arc<String>,
    pub max_message_bytes: usize,
    pub auth_token: Option<Arc<str>>,
    pub allow_origins: Arc<Vec<String>>,
}

impl AppContext {
    /// The codec's per-frame cap. Frames between the message limit and this cap are answered
    /// with an error and the socket stays open; only frames beyond it close the connection (1009).
    pub fn frame_cap(&self) -> usize {
        self.max_message_bytes
            .saturating_add((self.max_message_bytes / 2).max(64 * 1024))
    }
}

/// A message being reassembled from continuation frames.
struct Fragments {
    text: bool,
    buf: Vec<u8>,
    overflow: bool,
}

pub struct Session {
    app: AppContext,
    subscriber: Option<SubscriberId>,
    last_heard: Instant,
    fragments: Option<Fragments>,
}

impl Session {
    pub fn new(app: AppContext) -> Self {
        Self {
            app,
            subscriber: None,
            last_heard: Instant::now(),
            fragments: None,
        }
    }

    fn handle_text(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        match decode_request(text, self.app.max_message_bytes) {
            Err(failure) => {
                log::debug!("rejected request: {}", failure.message);
                let id = failure.id.as_deref().unwrap_or(UNKNOWN_ID);
                ctx.text(encode_error(id, &failure.message));
            }
            Ok(request) => {
                log::debug!("request {} {:?}", request.id, method_name(&request.method));
                let id = request.id;
                match request.method {
                    Method::ServerGetConfig => match self.app.config_view.current() {
                        Some(raw) => ctx.text(encode_raw_result(&id, &raw)),
                        None => self.reply_later(id, self.app.config.send(Ask(GetConfig)), ctx),
                    },
                    Method::ServerUpsertKeybinding(rule) => {
                        self.reply_later(id, self.app.config.send(Ask(UpsertKeybinding(rule))), ctx)
                    }
                    Method::NotYetAvailable(name) => {
                        ctx.text(encode_error(&id, &format!("{name} is not available yet")))
                    }
                }
            }
        }
    }

    /// Answers `id` when `fut` resolves. The reply is written from inside this actor, so it
    /// shares one ordered stream with the pushes.
    fn reply_later<F>(&mut self, id: String, fut: F, ctx: &mut ws::WebsocketContext<Self>)
    where
        F: Future<Output = Result<Result<Result<Value, String>, ChildUnavailable>, MailboxError>>
            + 'static,
    {
        fut.into_actor(self)
            .map(move |outcome, _act, ctx| {
                let text = match outcome {
                    Ok(Ok(Ok(value))) => encode_result(&id, Some(&value)),
                    Ok(Ok(Err(message))) => encode_error(&id, &message),
                    Ok(Err(unavailable)) => encode_error(&id, &unavailable.to_string()),
                    Err(_) => encode_error(&id, "the server is shutting down"),
                };
                ctx.text(text);
            })
            .spawn(ctx);
    }

    fn handle_fragment(
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

const BINARY_REFUSED: &str =
    "Invalid request format: binary frames are not supported; send JSON as text frames";

fn method_name(method: &Method) -> &'static str {
    match method {
        Method::ServerGetConfig => "server.getConfig",
        Method::ServerUpsertKeybinding(_) => "server.upsertKeybinding",
        Method::NotYetAvailable(name) => name,
    }
}

impl Actor for Session {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let welcome = Push {
            channel: channels::SERVER_WELCOME,
            data_json: (*self.app.welcome_json).clone(),
        };
        let subscribe = Subscribe {
            deliveries: ctx.address().recipient(),
            evicted: ctx.address().recipient(),
            initial: vec![welcome],
        };
        // `wait` holds back every other message, the welcome delivery included, until the
        // subscription id is known, so the first thing the client sees is the welcome.
        self.app
            .bus
            .send(subscribe)
            .into_actor(self)
            .map(|outcome, act, ctx| match outcome {
                Ok(id) => act.subscriber = Some(id),
                Err(_) => {
                    ctx.close(Some(ws::CloseReason {
                        code: ws::CloseCode::Away,
                        description: Some("server is shutting down".into()),
                    }));
                    ctx.stop();
                }
            })
            .wait(ctx);
        ctx.run_interval(PING_EVERY, |act, ctx| {
            if act.last_heard.elapsed() > CLIENT_TIMEOUT {
                log::info!("closing a connection silent for {CLIENT_TIMEOUT:?}");
                ctx.close(Some(ws::CloseReason {
                    code: ws::CloseCode::Policy,
                    description: Some("no pong within 60 s".into()),
                }));
                ctx.stop();
            } else {
                ctx.ping(b"");
            }
        });
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(id) = self.subscriber.take() {
            self.app.bus.do_send(Unsubscribe(id));
        }
    }
}

impl Handler<Delivery<Push>> for Session {
    type Result = ();

    fn handle(&mut self, msg: Delivery<Push>, ctx: &mut Self::Context) {
        ctx.text(encode_push(
            msg.sequence,
            msg.item.channel,
            &msg.item.data_json,
        ));
        if let Some(subscriber) = self.subscriber {
            self.app.bus.do_send(Ack {
                subscriber,
                sequence: msg.sequence,
            });
        }
    }
}

impl Handler<Evicted> for Session {
    type Result = ();

    fn handle(&mut self, msg: Evicted, ctx: &mut Self::Context) {
        self.subscriber = None;
        let code = match msg.kind {
            EvictionKind::Closing => ws::CloseCode::Away,
            EvictionKind::FellBehind => {
                log::warn!("disconnecting a slow client: {}", msg.reason);
                ws::CloseCode::Policy
            }
        };
        // Close reasons are limited to 123 bytes on the wire.
        let mut reason = msg.reason;
        if reason.len() > 120 {
            let mut cut = 120;
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            reason.truncate(cut);
        }
        ctx.close(Some(ws::CloseReason {
            code,
            description: Some(reason),
        }));
        ctx.stop();
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for Session {
    fn handle(&mut self, item: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        self.last_heard = Instant::now();
        match item {
            Ok(ws::Message::Text(text)) => self.handle_text(&text, ctx),
            Ok(ws::Message::Binary(_)) => ctx.text(encode_error(UNKNOWN_ID, BINARY_REFUSED)),
            Ok(ws::Message::Continuation(item)) => self.handle_fragment(item, ctx),
            Ok(ws::Message::Ping(bytes)) => ctx.pong(&bytes),
            Ok(ws::Message::Pong(_)) | Ok(ws::Message::Nop) => {}
            Ok(ws::Message::Close(reason)) => {
                ctx.close(reason);
                ctx.stop();
            }
            Err(err) => {
                log::warn!("closing a connection after a protocol error: {err}");
                let code = match err {
                    ws::ProtocolError::Overflow => ws::CloseCode::Size,
                    _ => ws::CloseCode::Protocol,
                };
                ctx.close(Some(ws::CloseReason {
                    code,
                    description: Some(err.to_string()),
                }));
                ctx.stop();
            }
        }
    }
}
