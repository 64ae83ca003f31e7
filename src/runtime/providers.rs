//! The provider side's front door: durable domain events from the Engine arrive here in
//! sequence order and go to the thread's own supervised [`ThreadSession`], started on first
//! use, or at the registry's own start for a thread with a request nobody took up (a turn start
//! the server died before acting on). Sessions are per thread so one thread's slow checkpoint
//! never holds up another's stream.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use t3rs_actors::{Ask, ChildGuard, RestartPolicy, Shutdown, Supervisor, Tell};

use crate::orchestration::events::EventBody;
use crate::orchestration::model::AgentKind;
use crate::runtime::acp_driver::AcpDriverFactory;
use crate::runtime::claude_driver::ClaudeDriverFactory;
use crate::runtime::codex_driver::CodexDriverFactory;
use crate::runtime::driver_catalog::{AgentKey, DriverCatalog};
use crate::runtime::engine::{DomainEvent, EngineHandle, ThreadPendingRequests};
use crate::runtime::thread_session::{ProviderDeps, React, SharedOutbox, ThreadSession};

/// What thread sessions need besides the Engine.
#[derive(Clone)]
pub struct ProviderSettings {
    pub codex_bin: std::path::PathBuf,
    pub codex_env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    pub request_timeout: std::time::Duration,
    pub idle_timeout: std::time::Duration,
    /// Claude Code's binary; None leaves claudeAgent without a driver.
    pub claude_bin: Option<std::path::PathBuf>,
    /// Codex's thread id per thread (written only while the disk has room).
    pub provider_threads: crate::store::guarded_tree::GuardedTree,
    pub state_dir: std::path::PathBuf,
    /// The settings in effect (binaries, ACP instances), when the server has them; without,
    /// `codex_bin` and `claude_bin` are all there is (harness tests).
    pub settings: Option<crate::runtime::settings::SettingsShare>,
}

/// The driver for each agent a turn may name, as the settings in effect say now: codex and
/// Claude Code with their `binaryPath`s (a flag's over the saved one), each declared ACP
/// instance, and the kinds whose CLI speaks ACP (gemini, opencode). Built when a session
/// (incarnation) starts, so a change made with `server.updateSettings` serves the next session
/// without a server restart.
pub fn drivers_for(settings: &ProviderSettings) -> DriverCatalog {
    let Some(share) = &settings.settings else {
        let mut drivers = DriverCatalog::default().with(
            AgentKey::codex(),
            Arc::new(CodexDriverFactory::new(settings)),
        );
        if let Some(bin) = &settings.claude_bin {
            drivers = drivers.with(
                AgentKey::native(AgentKind::ClaudeAgent),
                Arc::new(ClaudeDriverFactory::new(bin)),
            );
        }
        return drivers;
    };
    let current = share.get();
    let codex = ProviderSettings {
        codex_bin: current.provider(AgentKind::Codex).binary_path.into(),
        ..settings.clone()
    };
    let claude_bin = current.provider(AgentKind::ClaudeAgent).binary_path;
    let declared = current.acp_instances.iter().map(|instance| {
        (
            AgentKey {
                kind: AgentKind::Acp,
                instance: Some(instance.instance_id.clone()),
            },
            AcpDriverFactory::new(instance).offering_to(share.offered().clone()),
        )
    });
    let kinds = AgentKind::ALL.into_iter().filter_map(|kind| {
        let instance = crate::runtime::settings::acp_instance_of(kind, &current)?;
        Some((
            AgentKey::native(kind),
            AcpDriverFactory::for_kind(kind, &instance).offering_to(share.offered().clone()),
        ))
    });
    declared.chain(kinds).fold(
        DriverCatalog::default()
            .with(AgentKey::codex(), Arc::new(CodexDriverFactory::new(&codex)))
            .with(
                AgentKey::native(AgentKind::ClaudeAgent),
                Arc::new(ClaudeDriverFactory::new(claude_bin)),
            ),
        |catalog, (agent, factory)| catalog.with(agent, Arc::new(factory)),
    )
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

    /// The thread's session, started (under its supervisor) if none runs. `wake`: its first
    /// incarnation, too, asks the Engine for the thread's pending requests before anything
    /// else, as every later one does.
    fn session(&mut self, thread_id: &str, wake: bool) -> Addr<Supervisor<ThreadSession>> {
        if let Some(session) = self.sessions.get(thread_id).filter(|s| s.connected()) {
            return session.clone();
        }
        let deps = Arc::clone(&self.deps);
        let id = thread_id.to_string();
        let mut incarnations = 0u64;
        // One outbox for every incarnation: a panic loses none of its commands.
        let outbox = SharedOutbox::default();
        let session = Supervisor::new(
            format!("thread-session {thread_id}"),
            RestartPolicy::default(),
            move |guard| {
                incarnations += 1;
                let session = ThreadSession::new(guard, id.clone(), deps.clone())
                    .with_outbox(outbox.clone())
                    .with_drivers_from({
                        let deps = deps.clone();
                        Arc::new(move || drivers_for(&deps.settings))
                    });
                // A restart picks up, from the log, what reached nobody while it was
                // down; the first incarnation is handed the event that started it.
                if incarnations > 1 || wake {
                    session.restarted()
                } else {
                    session
                }
            },
        )
        .start();
        self.sessions.insert(thread_id.to_string(), session.clone());
        session
    }

    fn route(&mut self, event: DomainEvent) {
        // Every event the Engine sends here belongs to a thread aggregate.
        let thread_id = event.0.aggregate_id.clone();
        let deleted = matches!(event.0.body, EventBody::ThreadDeleted(_));
        let session = self.session(&thread_id, false);
        session.do_send(Tell(React(event.0)));
        if deleted {
            // The session finishes its clean-up and stops by itself.
            self.sessions.remove(&thread_id);
        }
    }
}

/// The threads whose session should start at once (see
/// [`ThreadPendingRequests::awaiting_sessions`]), asked until the Engine answers (it may start
/// after this registry) or for at most [`WAKE_DEADLINE`].
async fn threads_awaiting_sessions(engine: EngineHandle) -> Vec<String> {
    let deadline = std::time::Instant::now() + WAKE_DEADLINE;
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        let why = match engine
            .send(Ask(ThreadPendingRequests::awaiting_sessions()))
            .await
        {
            Ok(Ok(Ok(threads))) => return threads,
            Ok(Ok(Err(err))) => err,
            Ok(Err(unavailable)) => unavailable.to_string(),
            Err(err) => err.to_string(),
        };
        if std::time::Instant::now() >= deadline {
            log::warn!("requests pending since before the start were not looked up: {why}");
            return Vec::new();
        }
        actix::clock::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(500));
    }
}

/// How long a starting registry waits for the Engine to name the threads awaiting a session.
const WAKE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

impl Actor for ProviderRegistry {
    type Context = Context<Self>;

    /// No session runs yet (a server start, or this registry restarted): the threads with a
    /// request nobody took up (a turn start accepted just before the server died) get their
    /// session now, which acts on it. The mailbox waits for that answer, so an event routed
    /// meanwhile reaches the woken session, which knows it from the log already.
    fn started(&mut self, ctx: &mut Self::Context) {
        let engine = self.deps.engine.clone();
        ctx.wait(
            threads_awaiting_sessions(engine)
                .into_actor(self)
                .map(|threads, act, _ctx| {
                    if !threads.is_empty() {
                        log::info!(
                            "{} thread(s) have requests pending since before the start",
                            threads.len()
                        );
                    }
                    for thread_id in threads {
                        act.session(&thread_id, true);
                    }
                }),
        );
    }
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

#[cfg(test)]
mod driver_tests {
    use super::*;
    use crate::protocol::settings::{AcpInstance, ServerSettings};
    use crate::runtime::settings::SettingsShare;

    fn provider_settings(share: &SettingsShare) -> ProviderSettings {
        let db = sled::Config::new().temporary(true).open().unwrap();
        ProviderSettings {
            codex_bin: "/flag/codex".into(),
            codex_env: Vec::new(),
            request_timeout: std::time::Duration::from_secs(1),
            idle_timeout: std::time::Duration::from_secs(1),
            claude_bin: None,
            provider_threads: crate::store::guarded_tree::GuardedTree::unguarded(
                db.open_tree("t").unwrap(),
            ),
            state_dir: "/nonexistent".into(),
            settings: Some(share.clone()),
        }
    }

    /// Each session's drivers come from the settings in effect when it starts: a declared
    /// ACP instance, gemini by its ACP command, Claude by its binaryPath; a change reaches the
    /// next session's catalog.
    #[test]
    fn drivers_follow_the_settings_in_effect() {
        let key = |id: &str| AgentKey {
            kind: AgentKind::Acp,
            instance: Some(id.into()),
        };
        let share = SettingsShare::default();
        let settings = provider_settings(&share);
        let before = drivers_for(&settings);
        assert!(before.factory(&key("codex-acp")).is_err());
        assert!(before.factory(&AgentKey::codex()).is_ok());
        assert!(before
            .factory(&AgentKey::native(AgentKind::ClaudeAgent))
            .is_ok());
        assert!(before
            .factory(&AgentKey::native(AgentKind::Cursor))
            .is_err());

        let mut next = ServerSettings::default();
        next.acp_instances.push(AcpInstance {
            instance_id: "codex-acp".into(),
            command: "/x/codex-acp".into(),
            args: vec!["-v".into()],
            env: Default::default(),
        });
        share.set(next);
        let after = drivers_for(&settings);
        let factory = after.factory(&key("codex-acp")).unwrap();
        assert_eq!(factory.info().name, "acp");
        assert!(after.factory(&key("other")).is_err());
        let gemini = after.factory(&AgentKey::native(AgentKind::Gemini)).unwrap();
        assert_eq!(gemini.info().name, "gemini");
        assert_eq!(gemini.info().title, "Gemini CLI");
    }
}
