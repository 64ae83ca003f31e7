//! The provider side's front door: durable domain events from the Engine arrive here in
//! sequence order and go to the thread's own supervised [`ThreadSession`], started on first
//! use. Sessions are per thread so one thread's slow checkpoint never holds up another's stream.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use t3rs_actors::{ChildGuard, RestartPolicy, Shutdown, Supervisor, Tell};

use crate::orchestration::events::EventBody;
use crate::runtime::engine::{DomainEvent, EngineHandle};
use crate::runtime::thread_session::{ProviderDeps, React, ThreadSession};

/// What thread sessions need besides the Engine.
#[derive(Clone)]
pub struct ProviderSettings {
    pub codex_bin: std::path::PathBuf,
    pub codex_env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    pub request_timeout: std::time::Duration,
    pub idle_timeout: std::time::Duration,
    pub provider_threads: sled::Tree,
    pub state_dir: std::path::PathBuf,
}

/// Stops every session's codex (server shutdown).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct StopAllSessions;

pub struct ProviderRegistry {
    guard: ChildGuard,
    deps: Arc<ProviderDeps>,
    sessions: HashMap<String, Addr<Supervisor<ThreadSession>>>,
}

impl ProviderRegistry {
    /// `engine` is the Engine's handle, made before either actor runs: the Engine sends this
    /// registry its events and thread sessions send the Engine their commands.
    pub fn new(guard: ChildGuard, settings: ProviderSettings, engine: EngineHandle) -> Self {
        ProviderRegistry {
            guard,
            deps: Arc::new(ProviderDeps { engine, settings }),
            sessions: HashMap::new(),
        }
    }

    fn route(&mut self, event: DomainEvent) {
        let deps = Arc::clone(&self.deps);
        // Every event the Engine sends here belongs to a thread aggregate.
        let thread_id = event.0.aggregate_id.clone();
        let deleted = matches!(event.0.body, EventBody::ThreadDeleted(_));
        let session = match self.sessions.get(&thread_id) {
            Some(session) if session.connected() => session.clone(),
            _ => {
                let id = thread_id.clone();
                let mut incarnations = 0u64;
                let session = Supervisor::new(
                    format!("thread-session {thread_id}"),
                    RestartPolicy::default(),
                    move |guard| {
                        incarnations += 1;
                        let session = ThreadSession::new(guard, id.clone(), deps.clone());
                        // A restart picks up, from the log, what reached nobody while it was
                        // down; the first incarnation is handed the event that started it.
                        if incarnations > 1 {
                            session.restarted()
                        } else {
                            session
                        }
                    },
                )
                .start();
                self.sessions.insert(thread_id.clone(), session.clone());
                session
            }
        };
        session.do_send(Tell(React(event.0)));
        if deleted {
            // The session finishes its clean-up and stops by itself.
            self.sessions.remove(&thread_id);
        }
    }
}

impl Actor for ProviderRegistry {
    type Context = Context<Self>;
}

impl Handler<Shutdown> for ProviderRegistry {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

/// A registry that ends (a restart, a shutdown) stops its sessions: nothing else could reach
/// them, and each would keep its codex running.
impl Drop for ProviderRegistry {
    fn drop(&mut self) {
        for (_, session) in self.sessions.drain() {
            session.do_send(Shutdown);
        }
    }
}

impl Handler<DomainEvent> for ProviderRegistry {
    type Result = ();

    fn handle(&mut self, event: DomainEvent, _ctx: &mut Self::Context) {
        self.route(event);
    }
}

impl Handler<StopAllSessions> for ProviderRegistry {
    type Result = usize;

    fn handle(&mut self, _msg: StopAllSessions, _ctx: &mut Self::Context) -> usize {
        let count = self.sessions.len();
        for (_, session) in self.sessions.drain() {
            session.do_send(Shutdown);
        }
        count
    }
}
