//! An ACP agent's session modes (`modes {currentModeId, availableModes:[{id, name}]}` in
//! session/new's and session/load's answers, `current_mode_update` afterwards) and which of them
//! a t3rs turn asks for, switched with `session/set_mode` before the prompt.
//!
//! The mode ids are the agents' own: codex-acp offers read-only, auto and full-access (its
//! approval presets: on-request with a read-only or workspace-write sandbox, never with full
//! access); claude-agent-acp offers default, acceptEdits, plan, dontAsk and bypassPermissions.

use serde_json::{json, Value};

use super::{truncate, AcpTranslator};
use crate::orchestration::model::{ActivityTone, InteractionMode, RuntimeMode};
use crate::provider::effects::Effect;

/// For each t3rs mode, the agents' ids for it, preferred first. `approval-required` is what the
/// codex driver runs as on-request with a workspace-write sandbox, which is codex-acp's `auto`
/// (its `read-only` would ask even for edits inside the workspace); Claude's asking mode is
/// `default`.
const APPROVAL_REQUIRED: &[&str] = &["default", "auto"];
const FULL_ACCESS: &[&str] = &["full-access", "bypassPermissions"];
const PLAN: &[&str] = &["plan"];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentModes {
    pub current: Option<String>,
    pub available: Vec<String>,
}

impl AgentModes {
    /// The modes a session/new or session/load answer carries, if the agent has any.
    pub fn of_session(result: &Value) -> Option<AgentModes> {
        let modes = result.get("modes")?;
        let available: Vec<String> = modes["availableModes"]
            .as_array()?
            .iter()
            .filter_map(|m| m["id"].as_str().map(str::to_string))
            .collect();
        if available.is_empty() {
            return None;
        }
        Some(AgentModes {
            current: modes["currentModeId"].as_str().map(str::to_string),
            available,
        })
    }

    pub fn has_plan(&self) -> bool {
        self.first_of(PLAN).is_some()
    }

    fn first_of(&self, ids: &[&'static str]) -> Option<&'static str> {
        ids.iter()
            .find(|id| self.available.iter().any(|a| a == *id))
            .copied()
    }

    /// The mode a turn wants, when the agent advertises one for it: plan for a plan turn (when
    /// there is one), else the runtime mode's.
    pub fn wanted(&self, runtime: RuntimeMode, interaction: InteractionMode) -> Option<&str> {
        let plan = match interaction {
            InteractionMode::Plan => self.first_of(PLAN),
            InteractionMode::Default => None,
        };
        plan.or_else(|| {
            self.first_of(match runtime {
                RuntimeMode::ApprovalRequired => APPROVAL_REQUIRED,
                RuntimeMode::FullAccess => FULL_ACCESS,
            })
        })
    }

    /// The mode to switch to before the turn's prompt, if it is not the current one already.
    pub fn switch(&self, runtime: RuntimeMode, interaction: InteractionMode) -> Option<String> {
        self.wanted(runtime, interaction)
            .filter(|id| self.current.as_deref() != Some(*id))
            .map(str::to_string)
    }

    /// A `session/update` that says the agent changed mode itself (claude-agent-acp leaves plan
    /// mode when the user accepts its plan, for one).
    pub fn note_update(&mut self, params: &Value) {
        let update = &params["update"];
        if update["sessionUpdate"] == "current_mode_update" {
            if let Some(id) = update["currentModeId"].as_str() {
                self.current = Some(id.to_string());
            }
        }
    }
}

impl AcpTranslator {
    /// The agent refused to switch to `mode`: the turn goes on in the mode it is in, and says so.
    pub fn mode_refused(&mut self, mode: &str, message: &str, now: &str) -> Effect {
        let turn_id = self.active_turn.clone();
        self.activity(
            ActivityTone::Info,
            "runtime.warning",
            "Runtime warning",
            json!({ "message": truncate(&format!(
                "The agent did not switch to its {mode} mode ({message}); this turn runs in the mode it was in"
            )) }),
            turn_id,
            now,
        )
    }
}
