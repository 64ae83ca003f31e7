//! The settings in effect (the saved ones with the flags laid over them), shared with whoever
//! starts agents: the settings actor replaces them after every change it saved, so a new thread
//! session takes `binaryPath`s and ACP instances from memory, never from the file again.

use std::sync::{Arc, RwLock};

use crate::protocol::settings::ServerSettings;

#[derive(Clone, Default)]
pub struct SettingsShare(Arc<RwLock<ServerSettings>>);

impl SettingsShare {
    pub fn new(settings: ServerSettings) -> Self {
        SettingsShare(Arc::new(RwLock::new(settings)))
    }

    /// The settings in effect now.
    pub fn get(&self) -> ServerSettings {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Only the settings actor replaces them (and tests).
    pub(crate) fn set(&self, settings: ServerSettings) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = settings;
    }
}
