//! DP Code's settings and provider statuses (dpcode.md §3): the one writable home of provider
//! configuration. The actor holds the saved [`ServerSettings`] (`<state dir>/settings.json`,
//! replaced atomically on each change), lays the server's flags over them (`--codex-bin`,
//! `--claude-bin` win over a provider's `binaryPath`, and the view says so), pushes
//! `server.settingsUpdated` to every connection after a change, and checks every provider at
//! start, on `server.refreshProviders` and after each change, pushing
//! `server.providerStatusesUpdated`. It runs on its own arbiter: a save waits for fsync.
//!
//! None of this reaches v0.0.4's channels: `server.getConfig` keeps codex alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use actix::prelude::*;
use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};
use t3rs_actors::push_relay::Publish;
use t3rs_actors::{ChildGuard, Shutdown};

use crate::protocol::methods::channels;
use crate::protocol::provider_status::{AuthStatus, ProviderState, ServerProviderStatus};
use crate::protocol::reply_error::ReplyError;
use crate::protocol::settings::{
    decode_patch, AcpInstance, AgentKind, AgentProviderStatus, ModelOption, ProviderCapabilities,
    ProviderRef, ServerSettings, SettingsPatch, SettingsView, ACP_PROVIDER,
};
use crate::provider::health::{
    check_codex, compare_codex_versions, parse_codex_version, run_probe, ProbeOutcome,
};
use crate::runtime::push_bus::{Push, PushBus};
use crate::store::atomic_file::AtomicWrite;

/// The file the settings are saved in, inside the state directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// What the codex driver declares, as its status reports it.
pub fn codex_capabilities() -> ProviderCapabilities {
    crate::runtime::codex_driver::codex_info()
        .capabilities
        .into()
}

/// What the Claude Code driver declares, as its status reports it.
pub fn claude_capabilities() -> ProviderCapabilities {
    crate::runtime::claude_driver::claude_info()
        .capabilities
        .into()
}

/// How the ACP driver runs `kind`, when its CLI speaks ACP (`gemini --acp`, `opencode acp`)
/// and the settings leave it enabled: its `binaryPath` with the kind's ACP arguments.
pub fn acp_instance_of(kind: AgentKind, settings: &ServerSettings) -> Option<AcpInstance> {
    let args = kind.acp_args()?;
    let config = settings.provider(kind);
    config.enabled.then(|| AcpInstance {
        instance_id: kind.as_str().to_string(),
        command: config.binary_path,
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Default::default(),
    })
}

/// The oldest Claude Code the driver speaks to: the 2.x line, whose stream-json control
/// protocol (`--permission-prompt-tool stdio`, partial messages, `--resume-session-at`) it uses;
/// tested with 2.1.197 (and 2.1.83 inside claude-agent-acp).
pub const MINIMUM_CLAUDE_CLI_VERSION: &str = "2.0.0";

/// The status message of a kind t3rs has no driver for.
pub const NOT_SUPPORTED: &str = "not supported yet";

/// The models t3rs offers for codex (T3 Code v0.0.4's list) and Claude Code.
const CODEX_MODELS: &[(&str, &str)] = &[
    ("gpt-5.4", "GPT-5.4"),
    ("gpt-5.3-codex", "GPT-5.3 Codex"),
    ("gpt-5.3-codex-spark", "GPT-5.3 Codex Spark"),
    ("gpt-5.2-codex", "GPT-5.2 Codex"),
    ("gpt-5.2", "GPT-5.2"),
];
const CLAUDE_MODELS: &[(&str, &str)] = &[
    ("claude-opus-4-6", "Claude Opus 4.6"),
    ("claude-sonnet-4-6", "Claude Sonnet 4.6"),
    ("claude-haiku-4-5", "Claude Haiku 4.5"),
];

/// The provider binaries the server's flags set; they win over the saved `binaryPath`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlagOverrides {
    pub codex_bin: Option<String>,
    pub claude_bin: Option<String>,
}

impl FlagOverrides {
    /// The settings in effect: `saved` with the flags laid over them, and which they set.
    pub fn view(&self, saved: &ServerSettings) -> SettingsView {
        let mut settings = saved.clone();
        let mut overridden = Vec::new();
        for (kind, bin) in [
            (AgentKind::Codex, &self.codex_bin),
            (AgentKind::ClaudeAgent, &self.claude_bin),
        ] {
            if let Some(bin) = bin {
                let mut config = settings.provider(kind);
                config.binary_path = bin.clone();
                settings.providers.insert(kind, config);
                overridden.push(format!("providers.{}.binaryPath", kind.as_str()));
            }
        }
        SettingsView {
            settings,
            overridden_by_flag: overridden,
        }
    }
}

/// Where the settings live and what lies over them; cloned into every incarnation.
#[derive(Clone)]
pub struct SettingsParts {
    pub path: PathBuf,
    pub overrides: FlagOverrides,
    /// How long one provider probe may take.
    pub check_timeout: Duration,
    /// The settings in effect, kept current by the actor.
    pub share: SettingsShare,
}

#[derive(Clone)]
pub struct SettingsSeed {
    pub parts: SettingsParts,
    pub bus: Addr<PushBus>,
}

/// Reads the saved settings: none saved means the defaults; a file that cannot be read or
/// holds a bad field is logged (naming the field) and the defaults are used.
pub fn load(path: &Path) -> ServerSettings {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return ServerSettings::default(),
        Err(err) => {
            log::warn!(
                "cannot read {}: {err}; using default settings",
                path.display()
            );
            return ServerSettings::default();
        }
    };
    let decoded = serde_json::from_str::<Value>(&text)
        .map_err(|e| e.to_string())
        .and_then(|value| decode_patch(&value, SETTINGS_FILE).map_err(|e| e.to_string()));
    match decoded {
        Ok(patch) => ServerSettings::default().merged(&patch),
        Err(err) => {
            log::warn!("{}: {err}; using default settings", path.display());
            ServerSettings::default()
        }
    }
}

/// The file is owner-only (AtomicWrite's temporary file is), and the one place the voice
/// transcription key is written: the settings' own serialisation leaves it out.
/// Writes the settings file; a failed write is the wrapped cause of the answer (dpcode.md §8).
fn save(path: &Path, settings: &ServerSettings) -> Result<(), ReplyError> {
    let mut stored = serde_json::to_value(settings)
        .map_err(|e| ReplyError::wrapped("cannot encode the settings", e))?;
    if let Some(map) = stored.as_object_mut() {
        map.insert(
            "voiceTranscription".into(),
            settings.voice_transcription.stored(),
        );
    }
    let bytes = serde_json::to_vec_pretty(&stored)
        .map_err(|e| ReplyError::wrapped("cannot encode the settings", e))?;
    AtomicWrite::to(path)
        .syncing_dir()
        .write(&bytes)
        .map_err(|e| {
            ReplyError::wrapped(
                format!("cannot save the settings to {}: {e}", path.display()),
                e,
            )
        })
}

pub struct SettingsActor {
    guard: ChildGuard,
    seed: SettingsSeed,
    saved: ServerSettings,
    statuses: Vec<AgentProviderStatus>,
    /// Checks started, and the newest whose result is applied (an older one finishing late
    /// must not replace a newer one).
    checks_started: u64,
    checks_applied: u64,
}

impl SettingsActor {
    pub fn new(guard: ChildGuard, seed: SettingsSeed) -> Self {
        let saved = load(&seed.parts.path);
        seed.parts
            .share
            .set(seed.parts.overrides.view(&saved).settings);
        Self {
            guard,
            seed,
            saved,
            statuses: Vec::new(),
            checks_started: 0,
            checks_applied: 0,
        }
    }

    fn view(&self) -> SettingsView {
        self.seed.parts.overrides.view(&self.saved)
    }

    fn publish<T: serde::Serialize>(&self, channel: &'static str, data: &T) {
        match Push::new(channel, data) {
            Ok(push) => self.seed.bus.do_send(Publish(push)),
            Err(err) => log::error!("cannot encode {channel}: {err}"),
        }
    }

    /// Checks every provider off the actor; the result is kept and pushed once it is in.
    fn check(&mut self) -> impl ActorFuture<Self, Output = Vec<AgentProviderStatus>> {
        self.checks_started += 1;
        let generation = self.checks_started;
        let settings = self.view().settings;
        let timeout = self.seed.parts.check_timeout;
        check_all(settings, timeout)
            .into_actor(self)
            .map(move |statuses, act, _ctx| {
                if generation > act.checks_applied {
                    act.checks_applied = generation;
                    act.statuses = statuses.clone();
                    act.publish(
                        channels::SERVER_PROVIDER_STATUSES_UPDATED,
                        &json!({ "providers": statuses }),
                    );
                }
                statuses
            })
    }

    fn models(&self, provider: &ProviderRef) -> Result<Vec<ModelOption>, String> {
        let settings = self.view().settings;
        let kind = match provider {
            ProviderRef::Kind(kind) => *kind,
            ProviderRef::Acp { instance_id } => {
                return match settings
                    .acp_instances
                    .iter()
                    .any(|i| &i.instance_id == instance_id)
                {
                    // What an ACP agent offers is its own to say: what it said when a
                    // session last opened (nothing before that).
                    true => Ok(self.seed.parts.share.offered().get(instance_id)),
                    false => Err(format!("no ACP instance '{instance_id}' is declared")),
                };
            }
        };
        let built_in: &[(&str, &str)] = match kind {
            AgentKind::Codex => CODEX_MODELS,
            AgentKind::ClaudeAgent => CLAUDE_MODELS,
            _ => &[],
        };
        let mut models: Vec<ModelOption> = match kind.acp_args() {
            // A kind run through ACP (gemini, opencode): what the agent last offered.
            Some(_) => self.seed.parts.share.offered().get(kind.as_str()),
            None => built_in
                .iter()
                .map(|(slug, name)| ModelOption {
                    slug: slug.to_string(),
                    name: name.to_string(),
                })
                .collect(),
        };
        for custom in settings.provider(kind).custom_models {
            if !models.iter().any(|m| m.slug == custom) {
                models.push(ModelOption {
                    name: custom.clone(),
                    slug: custom,
                });
            }
        }
        Ok(models)
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn status(provider: String, state: ProviderState, message: Option<String>) -> AgentProviderStatus {
    AgentProviderStatus {
        provider,
        status: state,
        available: false,
        auth_status: AuthStatus::Unknown,
        version: None,
        checked_at: now(),
        message,
        instance_id: None,
        capabilities: ProviderCapabilities::default(),
        voice_transcription_available: None,
    }
}

/// Codex's v0.0.4 status as DP Code's.
pub fn codex_status(codex: ServerProviderStatus) -> AgentProviderStatus {
    AgentProviderStatus {
        provider: AgentKind::Codex.as_str().to_string(),
        status: codex.status,
        available: codex.available,
        auth_status: codex.auth_status,
        version: codex.version,
        checked_at: codex.checked_at,
        message: codex.message,
        instance_id: None,
        capabilities: codex_capabilities(),
        voice_transcription_available: None,
    }
}

/// What `claude --version` says about the CLI. Its login is not probed (auth stays unknown).
pub fn claude_status(bin: &str, outcome: &ProbeOutcome) -> AgentProviderStatus {
    let provider = AgentKind::ClaudeAgent.as_str().to_string();
    let failed = |message: String| AgentProviderStatus {
        capabilities: claude_capabilities(),
        ..status(provider.clone(), ProviderState::Error, Some(message))
    };
    match outcome {
        ProbeOutcome::NotFound => failed(format!(
            "Claude Code CLI (`{bin}`) is not installed or not on PATH."
        )),
        ProbeOutcome::SpawnFailed(err) => failed(format!("Failed to execute `{bin}`: {err}.")),
        ProbeOutcome::TimedOut => failed(format!("`{bin} --version` timed out.")),
        ProbeOutcome::Completed(output) if output.code != Some(0) => {
            let detail = output
                .stderr
                .lines()
                .chain(output.stdout.lines())
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(|l| format!(" {l}"))
                .unwrap_or_default();
            failed(format!(
                "Claude Code CLI is installed but failed to run.{detail}"
            ))
        }
        ProbeOutcome::Completed(output) => {
            let version = parse_codex_version(&output.stdout);
            let too_old = version.as_deref().is_some_and(|v| {
                compare_codex_versions(v, MINIMUM_CLAUDE_CLI_VERSION) == std::cmp::Ordering::Less
            });
            if let (true, Some(found)) = (too_old, &version) {
                return AgentProviderStatus {
                    version: version.clone(),
                    ..failed(format!(
                        "Claude Code CLI v{found} is too old for t3rs. Upgrade to v{MINIMUM_CLAUDE_CLI_VERSION} or newer (npm install -g @anthropic-ai/claude-code)."
                    ))
                };
            }
            AgentProviderStatus {
                available: true,
                version,
                capabilities: claude_capabilities(),
                ..status(provider.clone(), ProviderState::Ready, None)
            }
        }
    }
}

/// Every kind in [`AgentKind::ALL`] order, then every declared ACP instance.
pub async fn check_all(settings: ServerSettings, timeout: Duration) -> Vec<AgentProviderStatus> {
    let codex = settings.provider(AgentKind::Codex);
    let claude = settings.provider(AgentKind::ClaudeAgent);
    let disabled = |kind: AgentKind, capabilities| AgentProviderStatus {
        capabilities,
        ..status(
            kind.as_str().to_string(),
            ProviderState::Warning,
            Some("disabled in settings".to_string()),
        )
    };
    let codex_check = async {
        match codex.enabled {
            true => codex_status(check_codex(codex.binary_path.as_ref(), timeout).await),
            false => disabled(AgentKind::Codex, codex_capabilities()),
        }
    };
    let claude_check = async {
        match claude.enabled {
            true => {
                let bin = claude.binary_path.as_str();
                claude_status(bin, &run_probe(bin.as_ref(), &["--version"], timeout).await)
            }
            false => disabled(AgentKind::ClaudeAgent, claude_capabilities()),
        }
    };
    let (mut codex, claude) = futures_util::join!(codex_check, claude_check);
    if settings.voice_transcription.endpoint().is_some() {
        codex.voice_transcription_available = Some(true);
    }
    let mut statuses = vec![codex, claude];
    let others = AgentKind::ALL[2..].iter().map(|kind| {
        let kind = *kind;
        let settings = &settings;
        async move {
            match (
                settings.provider(kind).enabled,
                acp_instance_of(kind, settings),
            ) {
                (false, _) => disabled(kind, ProviderCapabilities::default()),
                (true, Some(instance)) => {
                    acp_probe::check_acp(kind.as_str(), &instance, timeout).await
                }
                (true, None) => status(
                    kind.as_str().to_string(),
                    ProviderState::Error,
                    Some(NOT_SUPPORTED.to_string()),
                ),
            }
        }
    });
    statuses.extend(futures_util::future::join_all(others).await);
    let probes = settings.acp_instances.iter().map(|instance| async move {
        let mut entry = acp_probe::check_acp(ACP_PROVIDER, instance, timeout).await;
        entry.instance_id = Some(instance.instance_id.clone());
        entry
    });
    statuses.extend(futures_util::future::join_all(probes).await);
    statuses
}

/// `provider.getComposerCapabilities`: t3rs offers none of the composer's discoveries yet (no
/// skills, plugins, slash commands or runtime model lists), so every value is false.
pub fn composer_capabilities(provider: &ProviderRef) -> Value {
    let mut answer = json!({
        "supportsSkillMentions": false,
        "supportsSkillDiscovery": false,
        "supportsNativeSlashCommandDiscovery": false,
        "supportsPluginMentions": false,
        "supportsPluginDiscovery": false,
        "supportsRuntimeModelList": false,
        "supportsThreadCompaction": false,
        "supportsThreadImport": false,
    });
    match provider {
        ProviderRef::Kind(kind) => answer["provider"] = json!(kind.as_str()),
        ProviderRef::Acp { instance_id } => {
            answer["provider"] = json!(ACP_PROVIDER);
            answer["instanceId"] = json!(instance_id);
        }
    }
    answer
}

impl Actor for SettingsActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let check = self.check().map(|_, _, _| ());
        ctx.spawn(check);
    }
}

/// `server.getSettings`.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct GetSettings;

/// `server.updateSettings`, with a patch validated at the boundary.
#[derive(Message)]
#[rtype(result = "Result<String, ReplyError>")]
pub struct UpdateSettings(pub SettingsPatch);

/// `server.refreshProviders`: answers once every provider is checked.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct RefreshProviders;

/// `provider.listModels`.
#[derive(Message)]
#[rtype(result = "Result<String, String>")]
pub struct ListModels(pub ProviderRef);

/// The latest provider statuses (empty until the first check is in).
#[derive(Message)]
#[rtype(result = "Vec<AgentProviderStatus>")]
pub struct ProviderStatuses;

fn encode<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("encoding failed: {e}"))
}

impl Handler<GetSettings> for SettingsActor {
    type Result = Result<String, String>;

    fn handle(&mut self, _msg: GetSettings, _ctx: &mut Self::Context) -> Self::Result {
        encode(&self.view())
    }
}

impl Handler<UpdateSettings> for SettingsActor {
    type Result = Result<String, ReplyError>;

    fn handle(&mut self, msg: UpdateSettings, ctx: &mut Self::Context) -> Self::Result {
        let next = self.saved.merged(&msg.0);
        if next == self.saved {
            return Ok(encode(&self.view())?);
        }
        save(&self.seed.parts.path, &next)?;
        self.saved = next;
        let view = self.view();
        self.seed.parts.share.set(view.settings.clone());
        self.publish(
            channels::SERVER_SETTINGS_UPDATED,
            &json!({ "settings": view }),
        );
        let check = self.check().map(|_, _, _| ());
        ctx.spawn(check);
        Ok(encode(&view)?)
    }
}

impl Handler<RefreshProviders> for SettingsActor {
    type Result = ResponseActFuture<Self, Result<String, String>>;

    fn handle(&mut self, _msg: RefreshProviders, _ctx: &mut Self::Context) -> Self::Result {
        Box::pin(
            self.check()
                .map(|statuses, _, _| encode(&json!({ "providers": statuses }))),
        )
    }
}

impl Handler<ListModels> for SettingsActor {
    type Result = Result<String, String>;

    fn handle(&mut self, msg: ListModels, _ctx: &mut Self::Context) -> Self::Result {
        encode(&json!({ "models": self.models(&msg.0)? }))
    }
}

impl Handler<ProviderStatuses> for SettingsActor {
    type Result = MessageResult<ProviderStatuses>;

    fn handle(&mut self, _msg: ProviderStatuses, _ctx: &mut Self::Context) -> Self::Result {
        MessageResult(self.statuses.clone())
    }
}

impl Handler<Shutdown> for SettingsActor {
    type Result = ();

    fn handle(&mut self, _msg: Shutdown, ctx: &mut Self::Context) {
        self.guard.complete();
        ctx.stop();
    }
}

mod acp_probe;
mod share;

pub use share::{OfferedModels, SettingsShare};

#[cfg(test)]
mod tests;
