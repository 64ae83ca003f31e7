//! Which driver runs a turn: the turn's `modelSelection` names an agent (codex, claudeAgent, an
//! ACP instance …) and the catalog holds a [`DriverFactory`] per agent t3rs can drive. An agent
//! without one is refused with a plain statement, never run by another agent.

use std::sync::Arc;

use crate::orchestration::model::{AgentKind, ModelSelection};
use crate::provider::driver::DriverFactory;

/// An agent a thread session may run on: its kind and, for `acp`, the declared instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgentKey {
    pub kind: AgentKind,
    pub instance: Option<String>,
}

impl AgentKey {
    pub fn codex() -> AgentKey {
        AgentKey {
            kind: AgentKind::Codex,
            instance: None,
        }
    }

    /// A kind with a driver of its own (not a declared ACP instance).
    pub fn native(kind: AgentKind) -> AgentKey {
        AgentKey {
            kind,
            instance: None,
        }
    }

    pub fn of(selection: &ModelSelection) -> AgentKey {
        AgentKey {
            kind: selection.provider,
            instance: selection.instance_id.clone(),
        }
    }

    /// How a person names it in a sentence.
    pub fn label(&self) -> String {
        let kind = self.kind.as_str();
        match &self.instance {
            Some(instance) => format!("{kind} instance '{instance}'"),
            None => kind.to_string(),
        }
    }
}

/// The drivers the server has, by agent.
#[derive(Clone, Default)]
pub struct DriverCatalog {
    factories: Vec<(AgentKey, Arc<dyn DriverFactory>)>,
}

impl DriverCatalog {
    pub fn with(mut self, agent: AgentKey, factory: Arc<dyn DriverFactory>) -> DriverCatalog {
        self.factories.retain(|(known, _)| *known != agent);
        self.factories.push((agent, factory));
        self
    }

    /// The factory for `agent`, or why there is none.
    pub fn factory(&self, agent: &AgentKey) -> Result<Arc<dyn DriverFactory>, String> {
        self.factories
            .iter()
            .find(|(known, _)| known == agent)
            .map(|(_, factory)| Arc::clone(factory))
            .ok_or_else(|| {
                format!(
                    "{} is not supported yet: t3rs has no driver for it (see the README's list \
                     of providers). Choose another provider for this thread.",
                    agent.label()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_without_a_driver_is_refused_by_name() {
        let catalog = DriverCatalog::default();
        let err = catalog
            .factory(&AgentKey {
                kind: AgentKind::Gemini,
                instance: None,
            })
            .err()
            .expect("no driver");
        assert!(err.contains("gemini is not supported yet"), "{err}");
        let err = catalog
            .factory(&AgentKey {
                kind: AgentKind::Acp,
                instance: Some("codex-acp".into()),
            })
            .err()
            .expect("no driver");
        assert!(err.contains("acp instance 'codex-acp'"), "{err}");
    }
}
