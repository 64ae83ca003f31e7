//! The settings in effect (the saved ones with the flags laid over them), shared with whoever
//! starts agents: the settings actor replaces them after every change it saved, so a new thread
//! session takes `binaryPath`s and ACP instances from memory, never from the file again. Beside
//! them, the models each ACP agent offered when a session last opened, which drivers write and
//! `provider.listModels` reads.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::protocol::settings::{ModelOption, ServerSettings};

#[derive(Clone)]
pub struct SettingsShare {
    settings: Arc<RwLock<ServerSettings>>,
    offered: OfferedModels,
    /// Counts replacements, so a task can wait for the next change (the retention sweep).
    changes: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Default for SettingsShare {
    fn default() -> Self {
        SettingsShare::new(ServerSettings::default())
    }
}

/// The models ACP agents offered, by instance id (or kind, for gemini and opencode).
#[derive(Clone, Default)]
pub struct OfferedModels(Arc<RwLock<HashMap<String, Vec<ModelOption>>>>);

impl OfferedModels {
    pub fn get(&self, agent: &str) -> Vec<ModelOption> {
        let offered = self.0.read().unwrap_or_else(|e| e.into_inner());
        offered.get(agent).cloned().unwrap_or_default()
    }

    pub fn set(&self, agent: &str, models: Vec<ModelOption>) {
        let mut offered = self.0.write().unwrap_or_else(|e| e.into_inner());
        offered.insert(agent.to_string(), models);
    }
}

impl SettingsShare {
    pub fn new(settings: ServerSettings) -> Self {
        SettingsShare {
            settings: Arc::new(RwLock::new(settings)),
            offered: OfferedModels::default(),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }

    /// The settings in effect now.
    pub fn get(&self) -> ServerSettings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Only the settings actor replaces them (and tests).
    pub(crate) fn set(&self, settings: ServerSettings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
        self.changes.send_modify(|n| *n += 1);
    }

    /// Wakes at every later replacement of the settings.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    pub fn offered(&self) -> &OfferedModels {
        &self.offered
    }
}
