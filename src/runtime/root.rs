//! The root of the actor tree: starts the long-lived actors and hears their supervisors.

use actix::prelude::*;
use t3rs_actors::{RestartPolicy, Supervisor, SupervisorEvent};

use crate::runtime::push_bus::PushBus;
use crate::runtime::server_config::{ConfigView, ServerConfigActor, ServerConfigSeed};

/// Parent of every supervisor; today it records their reports in the log, where an operator
/// running under systemd will look (`journalctl --user -u t3rs`).
pub struct Root;

impl Actor for Root {
    type Context = Context<Self>;
}

impl Handler<SupervisorEvent> for Root {
    type Result = ();

    fn handle(&mut self, msg: SupervisorEvent, _ctx: &mut Self::Context) {
        if let SupervisorEvent::GaveUp { name, reason } = msg {
            log::error!("{name} is down for good: {reason}");
        }
    }
}

/// Addresses of the running actors. The supervisor addresses stay valid across child restarts.
#[derive(Clone)]
pub struct Runtime {
    pub bus: Addr<PushBus>,
    pub config: Addr<Supervisor<ServerConfigActor>>,
    pub config_view: ConfigView,
}

pub struct RuntimeParts {
    pub push_queue_limit: u64,
    pub cwd: String,
    pub keybindings_path: std::path::PathBuf,
    pub providers: Vec<crate::protocol::provider_status::ServerProviderStatus>,
    pub editors: Vec<crate::workspace::editors::EditorId>,
}

/// Starts the actor tree. Must be called inside the actix system; the returned arbiters must be
/// kept alive for as long as the server runs.
pub fn start(parts: RuntimeParts) -> (Runtime, Vec<Arbiter>) {
    let root = Root.start();
    let bus = PushBus::new(parts.push_queue_limit).start();
    let config_view = ConfigView::default();
    let seed = ServerConfigSeed {
        cwd: parts.cwd,
        keybindings_path: parts.keybindings_path,
        providers: parts.providers,
        editors: parts.editors,
        bus: bus.clone(),
        view: config_view.clone(),
    };
    let config_arbiter = Arbiter::new();
    let parent = root.clone().recipient();
    let config = Supervisor::start_in_arbiter(&config_arbiter.handle(), move |_| {
        Supervisor::new("server-config", RestartPolicy::default(), move |guard| {
            ServerConfigActor::new(guard, seed.clone())
        })
        .with_parent(parent)
    });
    (
        Runtime {
            bus,
            config,
            config_view,
        },
        vec![config_arbiter],
    )
}
