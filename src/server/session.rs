//! One `Session` actor per WebSocket connection. It decodes requests at the boundary, routes
//! them to the actors that own the answers, and writes replies and pushes to its socket. Pushes
//! arrive from the bus stamped with this connection's sequence and are acknowledged once written,
//! which is what bounds a slow client's queue.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_web_actors::ws;
use t3rs_actors::push_relay::{Subscribe, SubscriberId, Unsubscribe};
use t3rs_actors::Ask;

use super::requests::{
    dispatch_client, fill_defaults, flatten, flatten_mailbox, named_cwd, replay_page,
};
use crate::protocol::envelope::{
    decode_request, encode_error, encode_raw_result, encode_reply_error, encode_result, UNKNOWN_ID,
};
use crate::protocol::git::GitCall;
use crate::protocol::methods::{channels, Method};
use crate::protocol::reply_error::ReplyError;
use crate::runtime::engine::streams::{ShellSnapshotJson, StreamTopic, ThreadHistoryJson};
use crate::runtime::engine::ProjectScripts;
use crate::runtime::projects::{RunGit, SearchEntries, WriteFile};
use crate::runtime::push_bus::Push;
use crate::runtime::root::Runtime;
use crate::runtime::server_config::{GetConfig, UpsertKeybinding};
use crate::runtime::settings::{
    composer_capabilities, GetSettings, ListModels, RefreshProviders, SettingsActor, UpdateSettings,
};
use crate::runtime::terminals::{
    TerminalClear, TerminalClose, TerminalOpen, TerminalRegistry, TerminalResize, TerminalRestart,
    TerminalWrite,
};

/// How often the server pings, and how long a silent client is kept.
const PING_EVERY: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

mod deliveries;
mod fragments;
mod server_fs;
mod snapshot_stream;
mod subscriptions;
mod text_generation;
mod thread_search;
use fragments::Fragments;

/// What every session shares: where to route, what to greet with, and the limits.
#[derive(Clone)]
pub struct AppContext {
    /// Where requests are routed: the running actors.
    pub runtime: Runtime,
    /// `server.welcome` data, serialised once at start-up.
    pub welcome_json: Arc<String>,
    pub max_message_bytes: usize,
    /// Where uploads are stored (`attachments/`).
    pub state_dir: Arc<std::path::PathBuf>,
    /// Sessions, pairing, the static token.
    pub auth: Arc<crate::auth::AuthService>,
    /// The hosts and origins this server answers to.
    pub hosts: Arc<crate::auth::hosts::HostAllowlist>,
    /// `http://host:port` bases a pairing link may be opened at, the loopback one first.
    pub pairing_bases: Arc<Vec<String>>,
    /// The browser client's built files.
    pub web_dir: Arc<std::path::PathBuf>,
    /// Requests one connection may have awaiting their replies.
    pub max_requests_in_flight: usize,
    /// About how many bytes each continuation frame of a streamed `getSnapshot` carries.
    pub snapshot_frame_bytes: usize,
    /// The connection cap (taken before an upgrade).
    pub connections: Arc<super::limits::ConnectionSlots>,
}

impl AppContext {
    /// The links that carry a pairing credential; the fragment keeps it out of server logs.
    pub fn pairing_urls(&self, credential: &str) -> Vec<String> {
        self.pairing_bases
            .iter()
            .map(|base| format!("{base}/pair#token={credential}"))
            .collect()
    }

    /// The codec's per-frame cap. Frames between the message limit and this cap are answered
    /// with an error and the socket stays open; only frames beyond it close the connection (1009).
    pub fn frame_cap(&self) -> usize {
        self.max_message_bytes
            .saturating_add((self.max_message_bytes / 2).max(64 * 1024))
    }
}

pub struct Session {
    app: AppContext,
    /// The signed-in session this socket belongs to, and its registration (for revocation).
    auth_session: Option<(String, Option<u64>)>,
    subscriber: Option<SubscriberId>,
    last_heard: Instant,
    fragments: Option<Fragments>,
    /// Pushes written but not yet acknowledged to the bus: the newest sequence, how many, and
    /// their bytes.
    unacked: Option<(u64, u32, usize)>,
    /// The highest event sequence of the pushes written to this socket.
    events_written: u64,
    /// Dispatch replies written only once the push of their last event is: (that event's
    /// sequence, the encoded reply).
    held_replies: Vec<(u64, String)>,
    /// Requests whose answer has not come back yet (bounded by `max_requests_in_flight`).
    in_flight: usize,
    /// DP Code's shell and thread subscriptions.
    streams: subscriptions::Subscriptions,
    /// This connection's place under the connection cap, freed when the Session is dropped.
    _slot: Option<super::limits::ConnectionSlot>,
    /// Who this connection is to terminal flow control (`terminal.ackOutput`).
    connection: crate::runtime::terminals::flow::ConnectionId,
}

/// `work` on the blocking pool (file walks, /proc, child processes, scans), never on the
/// connection's thread; a task that was lost is the wrapped cause.
pub(super) async fn off_thread<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, ReplyError> + Send + 'static,
) -> Result<T, ReplyError> {
    actix_web::rt::task::spawn_blocking(work)
        .await
        .map_err(|e| ReplyError::wrapped(format!("{what} failed"), e))?
}

impl Session {
    pub fn new(app: AppContext, auth_session: Option<String>) -> Self {
        Self {
            app,
            auth_session: auth_session.map(|id| (id, None)),
            subscriber: None,
            last_heard: Instant::now(),
            fragments: None,
            unacked: None,
            events_written: 0,
            held_replies: Vec::new(),
            in_flight: 0,
            streams: subscriptions::Subscriptions::default(),
            _slot: None,
            connection: crate::runtime::terminals::flow::next_connection_id(),
        }
    }

    /// Holds `slot` for as long as this connection lives.
    pub fn with_slot(mut self, slot: super::limits::ConnectionSlot) -> Self {
        self._slot = Some(slot);
        self
    }

    fn handle_text(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        match decode_request(text, self.app.max_message_bytes) {
            Err(failure) => {
                let id = failure.id.as_deref().unwrap_or(UNKNOWN_ID);
                log::debug!(request_id = id; "rejected request: {}", failure.message);
                ctx.text(encode_error(id, &failure.message));
            }
            Ok(request) => {
                log::debug!(request_id = request.id.as_str(); "request {}", request.method.name());
                // Checked here, synchronously, so a connection's requests keep their order.
                if let Some(cwd) = named_cwd(&request.method) {
                    if let Err(message) = self.app.runtime.cwd_policy.check("body.cwd", cwd) {
                        ctx.text(encode_error(&request.id, &message));
                        return;
                    }
                }
                let id = request.id;
                if self.in_flight >= self.app.max_requests_in_flight {
                    let limit = self.app.max_requests_in_flight;
                    log::warn!(request_id = id.as_str(); "refused: {limit} requests in flight");
                    ctx.text(encode_error(
                        &id,
                        &format!(
                            "Too many requests in flight on this connection (max_requests_in_flight \
                             = {limit}); wait for replies before sending more."
                        ),
                    ));
                    return;
                }
                match request.method {
                    Method::OrchestrationGetSnapshot => self.get_snapshot(id, ctx),
                    Method::OrchestrationDispatchCommand(command) => {
                        let engine = self.app.runtime.engine.clone();
                        let state_dir = Arc::clone(&self.app.state_dir);
                        let mut command = *command;
                        fill_defaults(&mut command, self.app.runtime.settings_share.as_ref());
                        self.reply_after_events(
                            id,
                            dispatch_client(engine, state_dir, command),
                            ctx,
                        )
                    }
                    Method::OrchestrationReplayEvents {
                        from_sequence_exclusive,
                    } => match replay_page(&self.app.runtime.events, from_sequence_exclusive) {
                        Ok(raw) => ctx.text(encode_raw_result(&id, &raw)),
                        Err(err) => ctx.text(encode_reply_error(&id, &err)),
                    },
                    Method::OrchestrationGetShellSnapshot { include_archived } => {
                        let asked = self
                            .app
                            .runtime
                            .engine
                            .send(Ask(ShellSnapshotJson { include_archived }));
                        self.reply_later(id, async move { flatten(asked.await)? }, ctx)
                    }
                    Method::OrchestrationSubscribeShell { include_archived } => {
                        self.subscribe(id, StreamTopic::Shell { include_archived }, ctx)
                    }
                    Method::OrchestrationUnsubscribeShell => {
                        let topic = StreamTopic::Shell {
                            include_archived: false,
                        };
                        self.unsubscribe(id, topic, ctx)
                    }
                    Method::OrchestrationSubscribeThread { thread_id, limit } => {
                        let topic = StreamTopic::Thread {
                            id: thread_id,
                            limit,
                        };
                        self.subscribe(id, topic, ctx)
                    }
                    Method::OrchestrationUnsubscribeThread { thread_id } => {
                        let topic = StreamTopic::Thread {
                            id: thread_id,
                            limit: None,
                        };
                        self.unsubscribe(id, topic, ctx)
                    }
                    Method::OrchestrationGetThreadHistory {
                        thread_id,
                        before,
                        limit,
                    } => {
                        let asked = self.app.runtime.engine.send(Ask(ThreadHistoryJson {
                            thread_id,
                            before: *before,
                            limit,
                        }));
                        self.reply_later(id, async move { flatten(asked.await)? }, ctx)
                    }
                    Method::OrchestrationGetTurnDiff {
                        thread_id,
                        from_turn_count,
                        to_turn_count,
                        ..
                    } => {
                        let engine = self.app.runtime.engine.clone();
                        self.reply_later(
                            id,
                            crate::runtime::turn_diffs::turn_diff(
                                engine,
                                thread_id,
                                from_turn_count,
                                to_turn_count,
                            ),
                            ctx,
                        )
                    }
                    Method::OrchestrationSearchThreads(p) => self.search_threads(id, p, ctx),
                    Method::ProjectsSearchEntries { cwd, query, limit } => {
                        let asked =
                            self.app
                                .runtime
                                .projects
                                .send(SearchEntries { cwd, query, limit });
                        self.reply_later(id, async move { flatten_mailbox(asked.await)? }, ctx)
                    }
                    Method::ProjectsWriteFile {
                        cwd,
                        relative_path,
                        contents,
                    } => {
                        let asked = self.app.runtime.projects.send(WriteFile {
                            cwd,
                            relative_path,
                            contents,
                        });
                        self.reply_later(id, async move { flatten_mailbox(asked.await)? }, ctx)
                    }
                    Method::Git { cwd, call } => {
                        let projects = self.app.runtime.projects.clone();
                        // Only a new worktree needs the project's scripts (its setup).
                        let scripts = matches!(call, GitCall::CreateWorktree { .. }).then(|| {
                            self.app
                                .runtime
                                .engine
                                .send(Ask(ProjectScripts { cwd: cwd.clone() }))
                        });
                        self.reply_later(
                            id,
                            async move {
                                let scripts = match scripts {
                                    Some(asked) => flatten(asked.await)?,
                                    None => Vec::new(),
                                };
                                flatten_mailbox(projects.send(RunGit { cwd, call, scripts }).await)?
                            },
                            ctx,
                        )
                    }
                    Method::TerminalOpen(p) => self.terminal(id, TerminalOpen(p), ctx),
                    Method::TerminalWrite(p) => self.terminal(id, TerminalWrite(p), ctx),
                    Method::TerminalResize(p) => self.terminal(id, TerminalResize(p), ctx),
                    Method::TerminalClear(p) => self.terminal(id, TerminalClear(p), ctx),
                    Method::TerminalRestart(p) => self.terminal(id, TerminalRestart(p), ctx),
                    Method::TerminalClose(p) => self.terminal(id, TerminalClose(p), ctx),
                    Method::ShellOpenInEditor { cwd, editor } => {
                        match crate::workspace::editors::open_in_editor(editor, &cwd) {
                            Ok(()) => ctx.text(encode_result(&id, None)),
                            Err(message) => ctx.text(encode_error(&id, &message)),
                        }
                    }
                    Method::ServerGetConfig => match self.app.runtime.config_view.current() {
                        Some(raw) => ctx.text(encode_raw_result(&id, &raw)),
                        None => {
                            let asked = self.app.runtime.config.send(Ask(GetConfig));
                            self.reply_later(
                                id,
                                async move { flatten(asked.await)?.map(|v| v.to_string()) },
                                ctx,
                            )
                        }
                    },
                    Method::ServerUpsertKeybinding(rule) => {
                        let asked = self.app.runtime.config.send(Ask(UpsertKeybinding(rule)));
                        self.reply_later(
                            id,
                            async move { flatten(asked.await)?.map(|v| v.to_string()) },
                            ctx,
                        )
                    }
                    Method::ServerGetSettings => self.settings(id, GetSettings, ctx),
                    Method::ServerUpdateSettings(patch) => {
                        self.settings(id, UpdateSettings(patch), ctx)
                    }
                    Method::ServerRefreshProviders => self.settings(id, RefreshProviders, ctx),
                    Method::ProviderListModels(provider) => {
                        self.settings(id, ListModels(provider), ctx)
                    }
                    Method::ProviderGetComposerCapabilities(provider) => {
                        ctx.text(encode_result(&id, Some(&composer_capabilities(&provider))))
                    }
                    Method::ServerGenerateThreadRecap(p) => self.thread_recap(id, p, ctx),
                    Method::GitSummarizeDiff(p) => self.summarize_diff(id, p, ctx),
                    Method::ServerTranscribeVoice(p) => self.transcribe_voice(id, p, ctx),
                    Method::ServerGetEnvironment => self.get_environment(id, ctx),
                    Method::ServerGetDiagnostics => self.get_diagnostics(id, ctx),
                    Method::ServerListWorktrees => self.list_worktrees(id, ctx),
                    Method::FilesystemBrowse(p) => {
                        self.browse(id, server_fs::Browse::Folder(p), ctx)
                    }
                    Method::ProjectsListDirectories(p) => {
                        self.browse(id, server_fs::Browse::ListDirectories(p), ctx)
                    }
                    Method::ProjectsSearchLocalEntries(p) => {
                        self.browse(id, server_fs::Browse::SearchLocal(p), ctx)
                    }
                    Method::TerminalAckOutput(p) => self.ack_output(id, p, ctx),
                }
            }
        }
    }

    /// Answers `id` with the serialised result (or error) `fut` resolves to. The reply is
    /// written from inside this actor, so it shares one ordered stream with the pushes. A
    /// `String` error is one the server built (no `cause`); a [`ReplyError`] may wrap one.
    fn reply_later<F, E>(&mut self, id: String, fut: F, ctx: &mut ws::WebsocketContext<Self>)
    where
        F: Future<Output = Result<String, E>> + 'static,
        E: Into<ReplyError>,
    {
        self.in_flight += 1;
        fut.into_actor(self)
            .map(move |outcome, act, ctx| {
                act.in_flight -= 1;
                ctx.text(match outcome {
                    // Methods that return nothing answer `{"id"}` alone, as T3 Code does.
                    Ok(raw) if raw.is_empty() => encode_result(&id, None),
                    Ok(raw) => encode_raw_result(&id, &raw),
                    Err(error) => encode_reply_error(&id, &error.into()),
                });
            })
            .spawn(ctx);
    }

    fn settings<M, E>(&mut self, id: String, msg: M, ctx: &mut ws::WebsocketContext<Self>)
    where
        M: Message<Result = Result<String, E>> + Send + 'static,
        E: Into<ReplyError> + From<String> + Send + 'static,
        SettingsActor: Handler<M>,
    {
        let asked = self.app.runtime.settings.send(msg);
        self.reply_later(id, async move { flatten_mailbox(asked.await)? }, ctx);
    }

    fn terminal<M>(&mut self, id: String, msg: M, ctx: &mut ws::WebsocketContext<Self>)
    where
        M: Message<Result = Result<String, String>> + Send + 'static,
        TerminalRegistry: Handler<M>,
    {
        let asked = self.app.runtime.terminals.send(msg);
        self.reply_later(id, async move { flatten_mailbox(asked.await)? }, ctx);
    }
}

pub(super) const BINARY_REFUSED: &str =
    "Invalid request format: binary frames are not supported; send JSON as text frames";

impl Actor for Session {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if let Some((session_id, handle)) = self.auth_session.as_mut() {
            *handle = Some(
                self.app
                    .auth
                    .register_socket(session_id, ctx.address().recipient()),
            );
        }
        let welcome = Push {
            channel: channels::SERVER_WELCOME,
            data_json: (*self.app.welcome_json).clone(),
            event_sequence: None,
            audience: crate::runtime::push_bus::Audience::Everyone,
        };
        let subscribe = Subscribe {
            deliveries: ctx.address().recipient(),
            evicted: ctx.address().recipient(),
            initial: vec![welcome],
            filter: None,
        };
        // `wait` holds back every other message, the welcome delivery included, until the
        // subscription id is known, so the first thing the client sees is the welcome.
        self.app
            .runtime
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
        self.app
            .runtime
            .terminals
            .tell(crate::runtime::terminals::ConnectionClosed(self.connection));
        if let Some((session_id, Some(handle))) = self.auth_session.take() {
            self.app.auth.forget_socket(&session_id, handle);
        }
        if let Some(id) = self.subscriber.take() {
            self.app.runtime.bus.do_send(Unsubscribe(id));
        }
    }
}

impl Handler<crate::auth::Revoked> for Session {
    type Result = ();

    fn handle(&mut self, msg: crate::auth::Revoked, ctx: &mut Self::Context) {
        log::info!("closing a socket of a revoked session");
        self.auth_session = None;
        ctx.close(Some(ws::CloseReason {
            code: ws::CloseCode::Other(crate::auth::REVOKED_CLOSE_CODE),
            description: Some(msg.reason),
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
