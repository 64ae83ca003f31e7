//! `open`'s handshake with an ACP agent: initialize (what the agent can do is learned), then
//! session/load of a stored session when the agent can load one, else session/new. The
//! handshake runs as a future outside the actor, each request a [`Call`] back into it, so the
//! actor keeps reading the agent's lines (a load's replay) meanwhile.

use actix::prelude::*;
use serde_json::{json, Value};

use super::{answer, AcpDriver};
use crate::protocol::settings::ModelOption;
use crate::provider::acp_events::{AgentModels, AgentModes};
use crate::provider::driver::{OpenConversation, Opened, ProviderError};
use crate::provider::jsonrpc::RpcError;
use crate::runtime::driver_messages::Open;

/// One request of `open`'s handshake (internal).
#[derive(Message)]
#[rtype(result = "Result<Value, RpcError>")]
struct Call {
    method: &'static str,
    params: Value,
}

/// What `open` learned (internal).
#[derive(Message)]
#[rtype(result = "()")]
struct Learned {
    session: Option<String>,
    initialize: Option<Value>,
    /// The session/new or session/load answer, for the modes it advertises.
    opened: Option<Value>,
}

impl Handler<Call> for AcpDriver {
    type Result = ResponseFuture<Result<Value, RpcError>>;
    fn handle(&mut self, msg: Call, _ctx: &mut Self::Context) -> Self::Result {
        Box::pin(answer(self.call(msg.method, msg.params)))
    }
}

impl Handler<Learned> for AcpDriver {
    type Result = ();
    fn handle(&mut self, msg: Learned, _ctx: &mut Self::Context) {
        if let Some(init) = msg.initialize {
            let caps = &init["agentCapabilities"];
            self.load_session = caps["loadSession"] == true;
            let mut known = self
                .factory
                .capabilities
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            known.resume = self.load_session;
            known.images = caps["promptCapabilities"]["image"] == true;
        }
        if msg.session.is_some() {
            self.session = msg.session;
            self.modes = msg.opened.as_ref().and_then(AgentModes::of_session);
            self.models = msg.opened.as_ref().and_then(AgentModels::of_session);
            if let (Some(offered), Some(models)) = (&self.factory.offered, &self.models) {
                let list = models
                    .available
                    .iter()
                    .map(|(slug, name)| ModelOption {
                        slug: slug.clone(),
                        name: name.clone(),
                    })
                    .collect();
                offered.set(&self.factory.instance, list);
            }
            // Known once a session is open: plan turns are offered only if the agent has a plan
            // mode to switch to.
            self.factory
                .capabilities
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .plan_mode = self.modes.as_ref().is_some_and(AgentModes::has_plan);
        }
    }
}

impl Handler<Open> for AcpDriver {
    type Result = ResponseFuture<Result<Opened, ProviderError>>;

    fn handle(&mut self, msg: Open, ctx: &mut Self::Context) -> Self::Result {
        if msg.generation != self.generation {
            return Box::pin(std::future::ready(Err(ProviderError::gone(
                "the ACP session ended",
            ))));
        }
        let OpenConversation { resume, cwd, .. } = msg.request;
        self.cwd = Some(cwd.clone());
        self.session = None;
        self.spawn(ctx);
        let addr = ctx.address();
        Box::pin(async move {
            let refused = |what: &str, e: RpcError| {
                ProviderError::Refused(format!("the ACP agent refused {what}: {}", e.message))
            };
            let call = |method, params| addr.send(Call { method, params });
            let gone = |_| ProviderError::gone("the ACP session ended");
            let init = call(
                "initialize",
                json!({ "protocolVersion": 1, "clientInfo": { "name": "t3rs", "version": env!("CARGO_PKG_VERSION") },
                        "clientCapabilities": { "fs": { "readTextFile": true, "writeTextFile": true }, "terminal": false } }),
            )
            .await
            .map_err(gone)?
            .map_err(|e| refused("initialize", e))?;
            let can_load = init["agentCapabilities"]["loadSession"] == true;
            addr.send(Learned {
                session: None,
                initialize: Some(init),
                opened: None,
            })
            .await
            .map_err(gone)?;
            let mut fell_back = None;
            if let Some(id) = resume {
                if can_load {
                    let loaded = call(
                        "session/load",
                        json!({ "sessionId": id, "cwd": cwd, "mcpServers": [] }),
                    )
                    .await
                    .map_err(gone)?;
                    match loaded {
                        Ok(loaded) => {
                            addr.send(Learned {
                                session: Some(id.clone()),
                                initialize: None,
                                opened: Some(loaded),
                            })
                            .await
                            .map_err(gone)?;
                            return Ok(Opened {
                                conversation: id,
                                fell_back: None,
                            });
                        }
                        Err(e) => {
                            fell_back = Some(format!(
                                "the ACP agent could not load session {id}: {}",
                                e.message
                            ))
                        }
                    }
                } else {
                    fell_back = Some(format!(
                        "the ACP agent cannot load sessions, so session {id} was not resumed"
                    ));
                }
            }
            let new = call("session/new", json!({ "cwd": cwd, "mcpServers": [] }))
                .await
                .map_err(gone)?
                .map_err(|e| refused("session/new", e))?;
            let id = new["sessionId"]
                .as_str()
                .ok_or_else(|| ProviderError::Refused("session/new answered no sessionId".into()))?
                .to_string();
            addr.send(Learned {
                session: Some(id.clone()),
                initialize: None,
                opened: Some(new),
            })
            .await
            .map_err(gone)?;
            Ok(Opened {
                conversation: id,
                fell_back,
            })
        })
    }
}
