//! The `server.*` methods' actor: keybindings file, provider statuses and editors. It runs on its
//! own arbiter because keybinding writes block on fsync.

use std::sync::{Arc, RwLock};

use actix::prelude::*;
use serde_json::{json, Value};
use t3rs_actors::push_relay::Publish;
use t3rs_actors::{ChildGuard, Shutdown};

use super::keybindings_file::KeybindingsFile;
use crate::protocol::keybindings::KeybindingRule;
use crate::protocol::methods::channels;
use crate::protocol::provider_status::ServerProviderStatus;
use crate::protocol::welcome::ConfigUpdatedPayload;
use crate::runtime::push_bus::{Push, PushBus};
use crate::workspace::editors::EditorId;

/// The latest `server.getConfig` result, serialised. Only the actor writes it; sessions answer
/// from it directly, which saves two cross-thread hops and a re-serialisation per request.
#[derive(Clone, Default)]
pub struct ConfigView(Arc<RwLock<Option<Arc<str>>>>);

impl ConfigView {
    pub fn current(&self) -> Option<Arc<str>> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn publish(&self, json: String) {
        let value: Arc<str> = Arc::from(json);
        match self.0.write() {
            Ok(mut guard) => *guard = Some(value),
            Err(poisoned) => *poisoned.into_inner() = Some(value),
        }
    }
}

/// What the actor is built from; cloned into every incarnation.
#[derive(Clone)]
pub struct ServerConfigSeed {
    pub cwd: String,
    pub keybindings_path: std::path::PathBuf,
    pub providers: Vec<ServerProviderStatus>,
    pub editors: Vec<EditorId>,
    pub bus: Addr<PushBus>,
    pub view: ConfigView,
    /// DP Code's additions to the config (dpcode.md §3).
    pub home_dir: Option<String>,
    pub worktrees_dir: String,
}

pub struct ServerConfigActor {
    guard: ChildGuard,
    seed: ServerConfigSeed,
    keybindings: KeybindingsFile,
}

impl ServerConfigActor {
    pub fn new(guard: ChildGuard, seed: ServerConfigSeed) -> Self {
        let mut keybindings = KeybindingsFile::new(seed.keybindings_path.clone());
        // A file that cannot be synced is reported through `issues`, not fatal.
        if let Err(err) = keybindings.sync_defaults_on_startup() {
            log::warn!("keybindings defaults not synced: {err}");
        }
        let mut actor = Self {
            guard,
            seed,
            keybindings,
        };
        if let Err(err) = actor.refresh() {
            log::warn!("server config unavailable: {err}");
        }
        actor
    }

    /// Rebuilds the getConfig result and publishes it to the view.
    fn refresh(&mut self) -> Result<Value, String> {
        let state = self.keybindings.load().map_err(|e| e.to_string())?;
        let mut config = json!({
            "cwd": self.seed.cwd,
            "keybindingsConfigPath": self.keybindings.path(),
            "keybindings": state.keybindings,
            "issues": state.issues,
            "providers": self.seed.providers,
            "availableEditors": self.seed.editors,
            "worktreesDir": self.seed.worktrees_dir,
        });
        if let Some(home) = &self.seed.home_dir {
            config["homeDir"] = json!(home);
        }
        self.seed.view.publish(config.to_string());
        Ok(config)
    }
}

impl Actor for ServerConfigActor {
    type Context = Context<Self>;
}

/// `server.getConfig`.
#[derive(Message)]
#[rtype(result = "Result<Value, String>")]
pub struct GetConfig;

/// `server.upsertKeybinding`, with a rule already validated at the boundary.
#[derive(Message)]
#[rtype(result = "Result<Value, String>")]
pub struct UpsertKeybinding(pub KeybindingRule);

impl Handler<GetConfig> for ServerConfigActor {
    type Result = Result<Value, String>;

    fn handle(&mut self, _msg: GetConfig, _ctx: &mut Self::Context) -> Self::Result {
        self.refresh()
    }
}

impl Handler<UpsertKeybinding> for ServerConfigActor {
    type Result = Result<Value, String>;

    fn handle(&mut self, msg: UpsertKeybinding, _ctx: &mut Self::Context) -> Self::Result {
        let state = self.keybindings.upsert(msg.0).map_err(|e| e.to_string())?;
        if let Err(err) = self.refresh() {
            log::warn!("server config view not refreshed: {err}");
        }
        let payload = ConfigUpdatedPayload {
            issues: state.issues.clone(),
            providers: self.seed.providers.clone(),
        };
        match Push::new(channels::SERVER_CONFIG_UPDATED, &payload) {
            Ok(push) => self.seed.bus.do_send(Publish(push)),
            Err(err) => log::error!("cannot encode server.configUpdated: {err}"),
        }
        Ok(json!({ "keybindings": state.keybindings, "issues": state.issues }))
    }
}

impl Handler<Shutdown> for ServerConfigActor {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use t3rs_actors::harness::subscribe_probe;

    fn seed(dir: &std::path::Path, bus: Addr<PushBus>) -> ServerConfigSeed {
        ServerConfigSeed {
            cwd: "/work/app".into(),
            keybindings_path: dir.join("keybindings.json"),
            providers: vec![],
            editors: vec![EditorId::Vscode],
            bus,
            view: ConfigView::default(),
            home_dir: Some("/home/me".into()),
            worktrees_dir: "/state/worktrees".into(),
        }
    }

    #[actix::test]
    async fn upsert_persists_answers_and_pushes_config_updated() {
        let dir = tempfile::tempdir().unwrap();
        let bus = PushBus::new(100).start();
        let (_subscriber, mut pushes) = subscribe_probe(&bus).await;
        let seed = seed(dir.path(), bus.clone());
        let view = seed.view.clone();
        let actor = ServerConfigActor::new(ChildGuard::detached(), seed).start();
        let published: Value = serde_json::from_str(&view.current().unwrap()).unwrap();
        assert_eq!(published["cwd"], "/work/app");

        let config = actor.send(GetConfig).await.unwrap().unwrap();
        assert_eq!(config["cwd"], "/work/app");
        assert_eq!(config["availableEditors"], json!(["vscode"]));
        assert!(config["keybindings"]
            .as_array()
            .is_some_and(|k| !k.is_empty()));

        let rule = KeybindingRule::new("mod+k", "terminal.toggle", None);
        let result = actor.send(UpsertKeybinding(rule)).await.unwrap().unwrap();
        let toggles: Vec<&Value> = result["keybindings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["command"] == "terminal.toggle")
            .collect();
        assert_eq!(toggles.len(), 1);
        assert_eq!(toggles[0]["shortcut"]["key"], "k");

        let push = pushes.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!(push.sequence, 1);
        assert_eq!(push.item.channel, "server.configUpdated");
        let data: Value = serde_json::from_str(&push.item.data_json).unwrap();
        assert_eq!(data, json!({"issues": [], "providers": []}));

        let published: Value = serde_json::from_str(&view.current().unwrap()).unwrap();
        assert_eq!(
            published["keybindings"], result["keybindings"],
            "view not refreshed"
        );

        let on_disk = std::fs::read_to_string(dir.path().join("keybindings.json")).unwrap();
        assert!(on_disk.contains("mod+k"), "{on_disk}");
    }
}
