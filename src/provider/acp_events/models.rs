//! The models an ACP agent offers (session/new or session/load's `models`, an unstable part of
//! ACP that claude-agent-acp sends and codex-acp 0.16.0 does not), and which one a turn's
//! `modelSelection` asks for: switched to with `session/set_model` when the agent offers it.

use serde_json::{json, Value};

use super::{truncate, AcpTranslator};
use crate::orchestration::model::ActivityTone;
use crate::provider::effects::Effect;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentModels {
    pub current: Option<String>,
    /// `(modelId, name)`, in the agent's order.
    pub available: Vec<(String, String)>,
}

/// What a turn does about its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelChoice {
    /// The agent's current model, or nothing asked.
    Keep,
    /// `session/set_model` to this one first.
    Switch(String),
    /// Asked for a model the agent does not offer (said in a warning; the agent keeps its own).
    NotOffered(String),
}

impl AgentModels {
    pub fn of_session(result: &Value) -> Option<AgentModels> {
        let models = result.get("models")?;
        let available: Vec<(String, String)> = models["availableModels"]
            .as_array()?
            .iter()
            .filter_map(|m| {
                let id = m["modelId"].as_str()?.to_string();
                let name = m["name"].as_str().unwrap_or(&id).to_string();
                Some((id, name))
            })
            .collect();
        Some(AgentModels {
            current: models["currentModelId"].as_str().map(str::to_string),
            available,
        })
    }

    /// `wanted` is the turn's model; blank means the agent's own choice.
    pub fn choose(&self, wanted: &str) -> ModelChoice {
        let wanted = wanted.trim();
        if wanted.is_empty() || self.current.as_deref() == Some(wanted) {
            return ModelChoice::Keep;
        }
        match self.available.iter().any(|(id, _)| id == wanted) {
            true => ModelChoice::Switch(wanted.to_string()),
            false => ModelChoice::NotOffered(wanted.to_string()),
        }
    }
}

impl AcpTranslator {
    /// A turn's model the agent did not take: it runs on the agent's current one.
    pub fn model_not_taken(&mut self, model: &str, why: &str, now: &str) -> Effect {
        let turn_id = self.active_turn.clone();
        self.activity(
            ActivityTone::Info,
            "runtime.warning",
            "Runtime warning",
            json!({ "message": truncate(&format!(
                "The agent did not switch to model {model} ({why}); this turn runs on its current model"
            )) }),
            turn_id,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offered_models_are_read_and_a_turn_s_model_is_chosen_among_them() {
        let models = AgentModels::of_session(&json!({"sessionId": "s", "models": {
            "availableModels": [{"modelId": "default", "name": "Default (recommended)"},
                                {"modelId": "haiku", "name": "Haiku"}],
            "currentModelId": "default"}}))
        .unwrap();
        assert_eq!(models.available[1], ("haiku".into(), "Haiku".into()));
        assert_eq!(models.choose("default"), ModelChoice::Keep);
        assert_eq!(models.choose(" "), ModelChoice::Keep);
        assert_eq!(models.choose("haiku"), ModelChoice::Switch("haiku".into()));
        assert_eq!(
            models.choose("gpt-5.4"),
            ModelChoice::NotOffered("gpt-5.4".into())
        );
        assert_eq!(AgentModels::of_session(&json!({"sessionId": "s"})), None);
    }
}
