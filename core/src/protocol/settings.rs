//! DP Code's server settings and provider statuses (dpcode.md §3, §5): the `ServerSettings`
//! keys t3rs acts on, the patch `server.updateSettings` takes (decoded field by field: an unknown
//! key or a wrong type is a [`FieldError`] naming it), the merge, and the shapes of
//! `server.providerStatusesUpdated`, `provider.listModels` and
//! `provider.getComposerCapabilities`. None of this travels on v0.0.4's channels.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::provider_status::{AuthStatus, ProviderState};
use crate::field_error::{json_kind, FieldError};
pub use retention::{ThreadRetention, ThreadRetentionPatch};
pub use voice::{VoicePatch, VoiceTranscription};

/// DP Code's provider kinds; one enum with the model selection's (see
/// [`crate::orchestration::model::AgentKind`]).
pub use crate::orchestration::model::AgentKind;

/// The provider name of a status or a listModels call for a declared ACP instance.
pub const ACP_PROVIDER: &str = "acp";

/// Limits of the settings a patch may set.
pub const BINARY_PATH_MAX_CHARS: usize = 4096;
pub const MODEL_MAX_CHARS: usize = 256;
pub const CUSTOM_MODELS_MAX: usize = 100;
pub const ACP_INSTANCES_MAX: usize = 32;
pub const INSTANCE_ID_MAX_CHARS: usize = 64;
pub const ACP_ARGS_MAX: usize = 64;
pub const ACP_ARG_MAX_CHARS: usize = 4096;
pub const ACP_ENV_MAX_KEYS: usize = 64;
pub const ACP_ENV_VALUE_MAX_CHARS: usize = 8192;

/// `providers.<kind>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    pub enabled: bool,
    pub binary_path: String,
    pub custom_models: Vec<String>,
}

impl ProviderConfig {
    pub fn default_for(kind: AgentKind) -> ProviderConfig {
        ProviderConfig {
            enabled: true,
            binary_path: kind.default_binary().to_string(),
            custom_models: Vec::new(),
        }
    }
}

/// One declared ACP agent: how to start it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcpInstance {
    pub instance_id: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

/// DP Code's `ModelSelection {provider, model, options?}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSelection {
    pub provider: AgentKind,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Map<String, Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EnvMode {
    Local,
    Worktree,
}

/// The settings t3rs keeps and acts on (a subset of DP Code's `ServerSettings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSettings {
    pub enable_assistant_streaming: bool,
    pub default_thread_env_mode: EnvMode,
    pub text_generation_model_selection: ModelSelection,
    /// Every kind, in [`AgentKind::ALL`] order.
    pub providers: BTreeMap<AgentKind, ProviderConfig>,
    pub acp_instances: Vec<AcpInstance>,
    /// Shown without its key (see [`voice`]); the settings file is read back through a patch.
    #[serde(default, skip_deserializing)]
    pub voice_transcription: VoiceTranscription,
    /// The retention sweep (off by default; it archives, never deletes).
    #[serde(default)]
    pub thread_retention: ThreadRetention,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            enable_assistant_streaming: false,
            default_thread_env_mode: EnvMode::Local,
            text_generation_model_selection: ModelSelection {
                provider: AgentKind::Codex,
                model: "gpt-5.4-mini".to_string(),
                options: None,
            },
            providers: AgentKind::ALL
                .into_iter()
                .map(|kind| (kind, ProviderConfig::default_for(kind)))
                .collect(),
            acp_instances: Vec::new(),
            voice_transcription: VoiceTranscription::default(),
            thread_retention: ThreadRetention::default(),
        }
    }
}

/// What `server.getSettings` answers and `server.settingsUpdated` carries: the settings in
/// effect, and which of their values a server flag set (`providers.codex.binaryPath`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    #[serde(flatten)]
    pub settings: ServerSettings,
    pub overridden_by_flag: Vec<String>,
}

/// `providers.<kind>` in a patch: only the keys given change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderPatch {
    pub enabled: Option<bool>,
    /// `""` resets to the kind's default binary.
    pub binary_path: Option<String>,
    pub custom_models: Option<Vec<String>>,
}

/// A decoded `server.updateSettings` body. `acpInstances` replaces the whole list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsPatch {
    pub enable_assistant_streaming: Option<bool>,
    pub default_thread_env_mode: Option<EnvMode>,
    pub text_generation_model_selection: Option<ModelSelection>,
    pub providers: BTreeMap<AgentKind, ProviderPatch>,
    pub acp_instances: Option<Vec<AcpInstance>>,
    pub voice_transcription: Option<VoicePatch>,
    pub thread_retention: Option<ThreadRetentionPatch>,
}

const SETTINGS_KEYS: &[&str] = &[
    "enableAssistantStreaming",
    "defaultThreadEnvMode",
    "textGenerationModelSelection",
    "providers",
    "acpInstances",
    "voiceTranscription",
    "threadRetention",
];
const PROVIDER_KEYS: &[&str] = &["enabled", "binaryPath", "customModels"];
const SELECTION_KEYS: &[&str] = &["provider", "model", "options"];
const INSTANCE_KEYS: &[&str] = &["instanceId", "command", "args", "env"];

fn kind_names() -> String {
    AgentKind::ALL.map(AgentKind::as_str).join(", ")
}

fn object<'a>(value: &'a Value, field: &str) -> Result<&'a Map<String, Value>, FieldError> {
    value.as_object().ok_or_else(|| {
        FieldError::new(
            field,
            format!("expected an object, got {}", json_kind(value)),
        )
    })
}

/// Refuses any key of `map` not in `known`, naming it.
fn known_keys(map: &Map<String, Value>, field: &str, known: &[&str]) -> Result<(), FieldError> {
    match map.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(FieldError::new(
            format!("{field}.{key}"),
            format!("unknown key '{key}'; expected one of {}", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn boolean(value: &Value, field: &str) -> Result<bool, FieldError> {
    value.as_bool().ok_or_else(|| {
        FieldError::new(
            field,
            format!("expected a boolean, got {}", json_kind(value)),
        )
    })
}

fn string<'a>(value: &'a Value, field: &str) -> Result<&'a str, FieldError> {
    value.as_str().ok_or_else(|| {
        FieldError::new(
            field,
            format!("expected a string, got {}", json_kind(value)),
        )
    })
}

/// A trimmed, non-empty string of at most `max` characters.
fn text(value: &Value, field: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = string(value, field)?.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(trimmed.to_string())
}

fn array<'a>(value: &'a Value, field: &str, max: usize) -> Result<&'a Vec<Value>, FieldError> {
    let items = value.as_array().ok_or_else(|| {
        FieldError::new(
            field,
            format!("expected an array, got {}", json_kind(value)),
        )
    })?;
    if items.len() > max {
        return Err(FieldError::new(
            field,
            format!("at most {max} entries, got {}", items.len()),
        ));
    }
    Ok(items)
}

/// Decodes a settings patch. `root` names where it came from (`body` for a request, the file's
/// name when the saved settings are read back), and every error names a field under it.
pub fn decode_patch(value: &Value, root: &str) -> Result<SettingsPatch, FieldError> {
    let map = object(value, root)?;
    known_keys(map, root, SETTINGS_KEYS)?;
    let mut patch = SettingsPatch::default();
    for (key, value) in map {
        let field = format!("{root}.{key}");
        match key.as_str() {
            "enableAssistantStreaming" => {
                patch.enable_assistant_streaming = Some(boolean(value, &field)?)
            }
            "defaultThreadEnvMode" => {
                patch.default_thread_env_mode = Some(match string(value, &field)? {
                    "local" => EnvMode::Local,
                    "worktree" => EnvMode::Worktree,
                    other => {
                        return Err(FieldError::new(
                            field,
                            format!("unknown mode '{other}'; expected local or worktree"),
                        ))
                    }
                })
            }
            "textGenerationModelSelection" => {
                patch.text_generation_model_selection = Some(model_selection(value, &field)?)
            }
            "providers" => {
                for (kind, value) in object(value, &field)? {
                    let field = format!("{field}.{kind}");
                    let Some(kind) = AgentKind::parse(kind) else {
                        return Err(FieldError::new(
                            field,
                            format!(
                                "unknown provider '{kind}'; expected one of {}",
                                kind_names()
                            ),
                        ));
                    };
                    patch.providers.insert(kind, provider_patch(value, &field)?);
                }
            }
            "voiceTranscription" => {
                patch.voice_transcription = Some(voice::decode_voice_patch(value, &field)?)
            }
            "threadRetention" => {
                patch.thread_retention = Some(retention::decode_retention(value, &field)?)
            }
            _ => patch.acp_instances = Some(acp_instances(value, &field)?),
        }
    }
    Ok(patch)
}

/// A provider kind named by a request field (`provider`).
pub fn agent_kind(value: &Value, field: &str) -> Result<AgentKind, FieldError> {
    let raw = string(value, field)?;
    AgentKind::parse(raw).ok_or_else(|| {
        FieldError::new(
            field,
            format!("unknown provider '{raw}'; expected one of {}", kind_names()),
        )
    })
}

pub fn model_selection(value: &Value, field: &str) -> Result<ModelSelection, FieldError> {
    let map = object(value, field)?;
    known_keys(map, field, SELECTION_KEYS)?;
    let provider = map
        .get("provider")
        .ok_or_else(|| FieldError::new(format!("{field}.provider"), "missing"))?;
    let model = map
        .get("model")
        .ok_or_else(|| FieldError::new(format!("{field}.model"), "missing"))?;
    let options = match map.get("options") {
        None | Some(Value::Null) => None,
        Some(value) => Some(object(value, &format!("{field}.options"))?.clone()),
    };
    Ok(ModelSelection {
        provider: agent_kind(provider, &format!("{field}.provider"))?,
        model: text(model, &format!("{field}.model"), MODEL_MAX_CHARS)?,
        options,
    })
}

fn provider_patch(value: &Value, field: &str) -> Result<ProviderPatch, FieldError> {
    let map = object(value, field)?;
    known_keys(map, field, PROVIDER_KEYS)?;
    let mut patch = ProviderPatch::default();
    for (key, value) in map {
        let field = format!("{field}.{key}");
        match key.as_str() {
            "enabled" => patch.enabled = Some(boolean(value, &field)?),
            "binaryPath" => {
                let raw = string(value, &field)?.trim();
                patch.binary_path = Some(if raw.is_empty() {
                    String::new()
                } else {
                    text(value, &field, BINARY_PATH_MAX_CHARS)?
                });
            }
            _ => {
                let mut models = Vec::new();
                for (i, item) in array(value, &field, CUSTOM_MODELS_MAX)?.iter().enumerate() {
                    let model = text(item, &format!("{field}.{i}"), MODEL_MAX_CHARS)?;
                    if !models.contains(&model) {
                        models.push(model);
                    }
                }
                patch.custom_models = Some(models);
            }
        }
    }
    Ok(patch)
}

/// A short slug: lowercase letters, digits and `-`, starting with a letter or digit.
fn is_slug(id: &str) -> bool {
    id.len() <= INSTANCE_ID_MAX_CHARS
        && id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_env_name(key: &str) -> bool {
    key.len() <= 128
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn acp_instances(value: &Value, field: &str) -> Result<Vec<AcpInstance>, FieldError> {
    let mut instances: Vec<AcpInstance> = Vec::new();
    for (i, item) in array(value, field, ACP_INSTANCES_MAX)?.iter().enumerate() {
        let field = format!("{field}.{i}");
        let map = object(item, &field)?;
        known_keys(map, &field, INSTANCE_KEYS)?;
        let id_field = format!("{field}.instanceId");
        let id = string(
            map.get("instanceId")
                .ok_or_else(|| FieldError::new(&id_field, "missing"))?,
            &id_field,
        )?;
        if !is_slug(id) {
            return Err(FieldError::new(
                id_field,
                format!(
                    "must be a short slug (a-z, 0-9 and '-', starting with a letter or digit, \
                     at most {INSTANCE_ID_MAX_CHARS} characters), got '{id}'"
                ),
            ));
        }
        if instances.iter().any(|other| other.instance_id == id) {
            return Err(FieldError::new(
                id_field,
                format!("instance '{id}' is declared twice"),
            ));
        }
        let command_field = format!("{field}.command");
        let command = text(
            map.get("command")
                .ok_or_else(|| FieldError::new(&command_field, "missing"))?,
            &command_field,
            BINARY_PATH_MAX_CHARS,
        )?;
        let mut args = Vec::new();
        if let Some(value) = map.get("args") {
            let args_field = format!("{field}.args");
            for (j, arg) in array(value, &args_field, ACP_ARGS_MAX)?.iter().enumerate() {
                let arg_field = format!("{args_field}.{j}");
                let arg = string(arg, &arg_field)?;
                if arg.chars().count() > ACP_ARG_MAX_CHARS {
                    return Err(FieldError::new(
                        arg_field,
                        format!("must be at most {ACP_ARG_MAX_CHARS} characters"),
                    ));
                }
                args.push(arg.to_string());
            }
        }
        let mut env = BTreeMap::new();
        if let Some(value) = map.get("env") {
            let env_field = format!("{field}.env");
            let vars = object(value, &env_field)?;
            if vars.len() > ACP_ENV_MAX_KEYS {
                return Err(FieldError::new(
                    env_field,
                    format!("at most {ACP_ENV_MAX_KEYS} variables, got {}", vars.len()),
                ));
            }
            for (key, value) in vars {
                let var_field = format!("{env_field}.{key}");
                if !is_env_name(key) {
                    return Err(FieldError::new(
                        var_field,
                        "variable names must match ^[A-Za-z_][A-Za-z0-9_]*$",
                    ));
                }
                let value = string(value, &var_field)?;
                if value.chars().count() > ACP_ENV_VALUE_MAX_CHARS {
                    return Err(FieldError::new(
                        var_field,
                        format!("values are at most {ACP_ENV_VALUE_MAX_CHARS} characters"),
                    ));
                }
                env.insert(key.clone(), value.to_string());
            }
        }
        instances.push(AcpInstance {
            instance_id: id.to_string(),
            command,
            args,
            env,
        });
    }
    Ok(instances)
}

impl ServerSettings {
    /// These settings with `patch` merged in: the keys it gives replace these, the rest stay.
    pub fn merged(&self, patch: &SettingsPatch) -> ServerSettings {
        let mut next = self.clone();
        if let Some(on) = patch.enable_assistant_streaming {
            next.enable_assistant_streaming = on;
        }
        if let Some(mode) = patch.default_thread_env_mode {
            next.default_thread_env_mode = mode;
        }
        if let Some(selection) = &patch.text_generation_model_selection {
            next.text_generation_model_selection = selection.clone();
        }
        for (kind, change) in &patch.providers {
            let config = next
                .providers
                .entry(*kind)
                .or_insert_with(|| ProviderConfig::default_for(*kind));
            if let Some(enabled) = change.enabled {
                config.enabled = enabled;
            }
            match change.binary_path.as_deref() {
                Some("") => config.binary_path = kind.default_binary().to_string(),
                Some(path) => config.binary_path = path.to_string(),
                None => {}
            }
            if let Some(models) = &change.custom_models {
                config.custom_models = models.clone();
            }
        }
        if let Some(instances) = &patch.acp_instances {
            next.acp_instances = instances.clone();
        }
        if let Some(voice) = &patch.voice_transcription {
            next.voice_transcription = next.voice_transcription.merged(voice);
        }
        if let Some(retention) = &patch.thread_retention {
            next.thread_retention = next.thread_retention.merged(retention);
        }
        next
    }

    /// `providers.<kind>`, or its defaults.
    pub fn provider(&self, kind: AgentKind) -> ProviderConfig {
        self.providers
            .get(&kind)
            .cloned()
            .unwrap_or_else(|| ProviderConfig::default_for(kind))
    }
}

/// What a driver can do (issue 16: `{resume, rollback, steer, planMode, userInput, images,
/// modelList}`), as a provider status carries it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderCapabilities {
    pub resume: bool,
    pub rollback: bool,
    pub steer: bool,
    pub plan_mode: bool,
    pub user_input: bool,
    pub images: bool,
    pub model_list: bool,
}

/// DP Code's `ProviderStatus` (server.ts:47-78) with `instanceId?` and `capabilities`.
/// `provider` is a kind's name, or [`ACP_PROVIDER`] with the instance's id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentProviderStatus {
    pub provider: String,
    pub status: ProviderState,
    pub available: bool,
    pub auth_status: AuthStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub checked_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    pub capabilities: ProviderCapabilities,
    /// DP Code's composer offers the microphone unless codex's status says false; t3rs says
    /// true on codex's once `voiceTranscription` names an endpoint, and nothing otherwise (so
    /// a click gets the error saying how to configure it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_transcription_available: Option<bool>,
}

/// `provider.listModels` and `provider.getComposerCapabilities`: which provider is asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderRef {
    Kind(AgentKind),
    /// A declared ACP instance.
    Acp {
        instance_id: String,
    },
}

/// Decodes `{provider, instanceId?}`: a kind, or `"acp"` with the instance's id. Other keys
/// DP Code sends (`binaryPath`, `cwd`) are ignored.
pub fn decode_provider_ref(body: &Value) -> Result<ProviderRef, FieldError> {
    let map = object(body, "body")?;
    let provider = map
        .get("provider")
        .ok_or_else(|| FieldError::new("body.provider", "missing"))?;
    if provider.as_str() == Some(ACP_PROVIDER) {
        let id = map
            .get("instanceId")
            .ok_or_else(|| FieldError::new("body.instanceId", "missing (provider is acp)"))?;
        return Ok(ProviderRef::Acp {
            instance_id: text(id, "body.instanceId", INSTANCE_ID_MAX_CHARS)?,
        });
    }
    let raw = string(provider, "body.provider")?;
    AgentKind::parse(raw).map(ProviderRef::Kind).ok_or_else(|| {
        FieldError::new(
            "body.provider",
            format!(
                "unknown provider '{raw}'; expected one of {}, {ACP_PROVIDER}",
                kind_names()
            ),
        )
    })
}

/// One entry of `provider.listModels`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelOption {
    pub slug: String,
    pub name: String,
}

mod retention;
pub mod voice;

#[cfg(test)]
mod tests;
