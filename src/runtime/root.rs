//! The root of the actor tree: starts the long-lived actors and hears their supervisors.

use actix::prelude::*;
use t3rs_actors::{ChildHandle, RestartPolicy, Supervisor, SupervisorEvent};

use crate::runtime::cwd_policy::{CwdPolicy, RootsView};
use crate::runtime::engine::{
    load_state, Engine, EngineHandle, EngineState, EventReader, Watermark, WriteGate,
};
use crate::runtime::projects::{ProjectDeps, ProjectRegistry};
use crate::runtime::providers::{ProviderRegistry, ProviderSettings};
use crate::runtime::push_bus::PushBus;
use crate::runtime::server_config::{ConfigView, ServerConfigActor, ServerConfigSeed};
use crate::runtime::settings::{SettingsActor, SettingsParts, SettingsSeed};
use crate::runtime::supervised::{Reactors, Supervised};
use crate::runtime::terminals::{TerminalDeps, TerminalRegistry};
use crate::store::event_log::EventLog;
use crate::store::health::StoreHealth;

/// Supervisors whose give-up ends the process: without them the server can only answer
/// `ChildUnavailable`, so it exits and lets systemd start it afresh.
const VITAL: &[&str] = &["engine"];

/// How often Root checks that the (unsupervised) push bus still runs.
const BUS_CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The exit code after a vital supervisor gave up (EX_SOFTWARE).
pub const EXIT_FATAL: u8 = 70;
/// The exit code when the store cannot write again (EX_TEMPFAIL): a restart may well succeed.
pub const EXIT_STORE_CANNOT_WRITE: u8 = 75;

/// Why the process must end, and with which exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal {
    pub reason: String,
    pub code: u8,
}

/// Where `app::serve` hears a [`Fatal`], beside the stop signals.
pub type FatalReceiver = tokio::sync::watch::Receiver<Option<Fatal>>;

/// Raises a [`Fatal`]: the first one raised wins. Cheap to clone, usable from any thread (the
/// Engine's flush watchdog raises it while the Engine's own thread is stuck).
#[derive(Clone)]
pub struct FatalSignal(std::sync::Arc<tokio::sync::watch::Sender<Option<Fatal>>>);

impl FatalSignal {
    pub fn new() -> (FatalSignal, FatalReceiver) {
        let (sender, receiver) = tokio::sync::watch::channel(None);
        (FatalSignal(std::sync::Arc::new(sender)), receiver)
    }

    pub fn raise(&self, reason: String, code: u8) {
        log::error!("fatal: {reason}; shutting down");
        self.0.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(Fatal { reason, code });
                true
            } else {
                false
            }
        });
    }
}

/// Parent of every supervisor. It records their reports in the log, where an operator running
/// under systemd will look (`journalctl --user -u t3rs`); a give-up of a [`VITAL`] supervisor, or
/// the push bus stopping, is fatal: Root publishes the reason and the server shuts down with a
/// failure exit code.
pub struct Root {
    fatal: FatalSignal,
    bus: Option<actix::WeakAddr<PushBus>>,
}

impl Root {
    pub fn new(fatal: FatalSignal) -> Root {
        Root { fatal, bus: None }
    }

    /// Watches `bus`: the push bus is not restartable (sessions hold subscriptions in it), so
    /// its end is fatal.
    pub fn watching_bus(mut self, bus: Addr<PushBus>) -> Root {
        self.bus = Some(bus.downgrade());
        self
    }

    fn die(&self, reason: String) {
        self.fatal.raise(reason, EXIT_FATAL);
    }
}

impl Actor for Root {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if self.bus.is_some() {
            ctx.run_interval(BUS_CHECK_EVERY, |root, _ctx| {
                let stopped = root
                    .bus
                    .as_ref()
                    .is_some_and(|bus| !matches!(bus.upgrade(), Some(bus) if bus.connected()));
                if stopped {
                    root.bus = None;
                    root.die("the push bus stopped".to_string());
                }
            });
        }
    }
}

impl Handler<SupervisorEvent> for Root {
    type Result = ();

    fn handle(&mut self, msg: SupervisorEvent, _ctx: &mut Self::Context) {
        if let SupervisorEvent::GaveUp { name, reason } = msg {
            log::error!("{name} is down for good: {reason}");
            if VITAL.contains(&name.as_str()) {
                self.die(format!("{name} is down for good: {reason}"));
            }
        }
    }
}

/// Addresses of the running actors. The supervisor addresses stay valid across child restarts.
#[derive(Clone)]
pub struct Runtime {
    pub bus: Addr<PushBus>,
    pub config: Addr<Supervisor<ServerConfigActor>>,
    pub config_view: ConfigView,
    /// Straight to the running Engine (see [`EngineHandle`]).
    pub engine: EngineHandle,
    /// Kept so the Engine's supervisor lives as long as the runtime.
    pub engine_supervisor: Addr<Supervisor<Engine>>,
    pub events: EventReader,
    pub projects: Supervised<ProjectRegistry>,
    pub providers: Supervised<ProviderRegistry>,
    pub terminals: Supervised<TerminalRegistry>,
    /// DP Code's settings and provider statuses.
    pub settings: Supervised<SettingsActor>,
    /// The settings in effect (for defaults requests leave out).
    pub settings_share: Option<crate::runtime::settings::SettingsShare>,
    /// Which `cwd`s requests may name.
    pub cwd_policy: CwdPolicy,
    /// Who holds DP Code's shell and thread subscriptions (the Engine builds their items).
    pub stream_watch: crate::runtime::engine::streams::StreamWatch,
    /// The environment id, home and worktrees directories, uptime (DP Code's server methods).
    pub server_info: crate::runtime::server_info::ServerInfo,
    /// Whether the store takes writes (`server.getDiagnostics` reports it).
    pub health: StoreHealth,
    /// `orchestration.searchThreads`'s index, kept current by the Engine.
    pub thread_search: crate::runtime::thread_search::ThreadSearch,
}

pub struct RuntimeParts {
    pub log: EventLog,
    /// The state loaded at start-up; later engine incarnations reload from the log.
    pub initial_state: EngineState,
    /// Whether the store takes writes now (free space, damage found by the verification).
    pub health: StoreHealth,
    pub snapshot_every: u64,
    pub push_queue_bytes: usize,
    pub terminal_history: crate::runtime::terminals::HistoryStore,
    pub terminal_history_bytes: usize,
    pub worktrees_root: std::path::PathBuf,
    pub push_queue_limit: u64,
    pub cwd: String,
    pub keybindings_path: std::path::PathBuf,
    pub providers: Vec<crate::protocol::provider_status::ServerProviderStatus>,
    pub editors: Vec<crate::workspace::editors::EditorId>,
    pub provider: ProviderSettings,
    pub settings: SettingsParts,
    pub server_info: crate::runtime::server_info::ServerInfo,
}

/// Starts the actor tree. Must be called inside the actix system; the returned arbiters must be
/// kept alive for as long as the server runs.
pub fn start(parts: RuntimeParts) -> (Runtime, Vec<Arbiter>, FatalReceiver) {
    let bus = PushBus::with_byte_bound(parts.push_queue_limit, parts.push_queue_bytes).start();
    let (fatal_signal, fatal) = FatalSignal::new();
    let root = Root::new(fatal_signal.clone())
        .watching_bus(bus.clone())
        .start();
    let config_view = ConfigView::default();
    let seed = ServerConfigSeed {
        cwd: parts.cwd,
        keybindings_path: parts.keybindings_path,
        providers: parts.providers,
        editors: parts.editors,
        bus: bus.clone(),
        view: config_view.clone(),
        home_dir: parts
            .server_info
            .home_dir()
            .map(|h| h.to_string_lossy().into_owned()),
        worktrees_dir: parts.worktrees_root.to_string_lossy().into_owned(),
    };
    let watermark = Watermark::default();
    let roots = RootsView::default();
    let stream_watch = crate::runtime::engine::streams::StreamWatch::default();
    let cwd_policy = CwdPolicy::new(
        std::path::Path::new(&seed.cwd),
        &parts.worktrees_root,
        roots.clone(),
    );
    // Thread sessions and their codex processes share one arbiter; their blocking work (git
    // checkpoints) runs on the blocking pool.
    // The Engine's handle exists before the Engine: the registry is built with it, and the
    // Engine with the registry's address.
    let engine_handle = EngineHandle::new("engine");
    let providers_arbiter = Arbiter::new();
    let codex_bin = parts.provider.codex_bin.clone();
    let settings_share = parts.provider.settings.clone();
    let provider_settings = parts.provider;
    let registry_engine = engine_handle.clone();
    let providers_handle = ChildHandle::new("provider-registry");
    let providers = {
        let parent = root.clone().recipient();
        let handle = providers_handle.clone();
        Supervisor::start_in_arbiter(&providers_arbiter.handle(), move |_| {
            Supervisor::new(
                "provider-registry",
                RestartPolicy::default(),
                move |guard| {
                    ProviderRegistry::new(guard, provider_settings.clone(), registry_engine.clone())
                },
            )
            .with_handle(handle)
            .with_parent(parent)
        })
    };
    let terminals_arbiter = Arbiter::new();
    let terminals_handle = ChildHandle::new("terminal-registry");
    let terminal_deps = TerminalDeps {
        bus: bus.clone(),
        history: parts.terminal_history,
        history_bytes: parts.terminal_history_bytes,
    };
    let terminals = {
        let parent = root.clone().recipient();
        let handle = terminals_handle.clone();
        Supervisor::start_in_arbiter(&terminals_arbiter.handle(), move |_| {
            Supervisor::new(
                "terminal-registry",
                RestartPolicy::default(),
                move |guard| TerminalRegistry::new(guard, terminal_deps.clone()),
            )
            .with_handle(handle)
            .with_parent(parent)
        })
    };
    // The Engine's durable domain events, fanned out to the registries that react to them.
    let reactors = {
        let providers = providers_handle.clone();
        let terminals = terminals_handle.clone();
        Reactors::start_in_arbiter(&providers_arbiter.handle(), move |_| Reactors {
            providers,
            terminals,
        })
    };
    let engine_arbiter = Arbiter::new();
    let thread_search = crate::runtime::thread_search::ThreadSearch::reading(std::sync::Arc::new(
        parts.log.history().clone(),
    ));
    let engine = {
        let search = thread_search.clone();
        let log = parts.log.clone();
        let bus = bus.clone();
        let watermark = watermark.clone();
        let parent = root.clone().recipient();
        let mut first = Some(parts.initial_state);
        let snapshot_every = parts.snapshot_every;
        let reactor = reactors.recipient();
        let handle = engine_handle.clone();
        let health = parts.health.clone();
        let stream_watch = stream_watch.clone();
        let fatal = fatal_signal.clone();
        Supervisor::start_in_arbiter(&engine_arbiter.handle(), move |_| {
            Supervisor::new("engine", RestartPolicy::default(), move |guard| {
                let state = match first.take() {
                    Some(state) => Ok(state),
                    None => load_state(&log).map_err(|e| e.to_string()),
                };
                match state {
                    Ok(state) => Engine::new(
                        guard,
                        log.clone(),
                        bus.clone(),
                        watermark.clone(),
                        state,
                        snapshot_every,
                    )
                    .with_reactor(reactor.clone())
                    .with_roots_view(roots.clone())
                    .with_stream_watch(stream_watch.clone())
                    .with_search(search.clone())
                    .with_write_gate(WriteGate::new(health.clone(), fatal.clone())),
                    Err(reason) => {
                        Engine::broken(guard, log.clone(), bus.clone(), watermark.clone(), reason)
                    }
                }
            })
            .with_handle(handle)
            .with_parent(parent)
        })
    };
    let project_deps = ProjectDeps {
        bus: bus.clone(),
        worktrees_root: parts.worktrees_root,
        codex_bin: Some(codex_bin),
        settings: settings_share.clone(),
    };
    // The retention sweep reads its setting from, and wakes on changes to, the same share.
    if let Some(share) = &settings_share {
        actix::spawn(crate::runtime::retention::run(
            crate::runtime::retention::RetentionDeps {
                engine: engine_handle.clone(),
                bus: bus.clone(),
                settings: share.clone(),
            },
        ));
    }
    let project_share = settings_share;
    let projects_handle = ChildHandle::new("project-registry");
    let projects = Supervisor::new("project-registry", RestartPolicy::default(), move |guard| {
        ProjectRegistry::new(guard, project_deps.clone())
    })
    .with_handle(projects_handle.clone())
    .with_parent(root.clone().recipient())
    .start();
    let config_arbiter = Arbiter::new();
    let parent = root.clone().recipient();
    let config = Supervisor::start_in_arbiter(&config_arbiter.handle(), move |_| {
        Supervisor::new("server-config", RestartPolicy::default(), move |guard| {
            ServerConfigActor::new(guard, seed.clone())
        })
        .with_parent(parent)
    });
    let settings_arbiter = Arbiter::new();
    let settings_handle = ChildHandle::new("settings");
    let settings = {
        let parent = root.clone().recipient();
        let handle = settings_handle.clone();
        let seed = SettingsSeed {
            parts: parts.settings,
            bus: bus.clone(),
        };
        Supervisor::start_in_arbiter(&settings_arbiter.handle(), move |_| {
            Supervisor::new("settings", RestartPolicy::default(), move |guard| {
                SettingsActor::new(guard, seed.clone())
            })
            .with_handle(handle)
            .with_parent(parent)
        })
    };
    (
        Runtime {
            bus,
            config,
            config_view,
            engine: engine_handle,
            engine_supervisor: engine,
            events: EventReader {
                log: parts.log,
                watermark,
            },
            projects: Supervised::new(projects, projects_handle),
            providers: Supervised::new(providers, providers_handle),
            terminals: Supervised::new(terminals, terminals_handle),
            settings: Supervised::new(settings, settings_handle),
            settings_share: project_share,
            cwd_policy,
            stream_watch,
            server_info: parts.server_info,
            health: parts.health,
            thread_search,
        },
        vec![
            settings_arbiter,
            config_arbiter,
            engine_arbiter,
            terminals_arbiter,
            providers_arbiter,
        ],
        fatal,
    )
}

#[cfg(test)]
mod tests;
