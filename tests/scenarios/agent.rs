//! The four agents the scenario suite runs against, and what differs between them: how a
//! thread names each, what each can do, and how a scenario's model script reaches the same
//! situation with each (codex asks for a command only when it wants to leave its sandbox;
//! Claude Code asks for every command in its default mode).

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
    /// The codex app-server, native driver.
    Codex,
    /// Claude Code's stream-json, native driver.
    Claude,
    /// codex-acp, a declared ACP instance.
    CodexAcp,
    /// claude-agent-acp, a declared ACP instance.
    ClaudeAcp,
}

/// What the suite expects each driver to declare (and the server to report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    pub rollback: bool,
    pub steer: bool,
    pub plan_mode: bool,
    pub user_input: bool,
}

impl Agent {
    /// Whether the pinned CLI is installed (`make agents`); `make test` installs them all.
    pub fn installed(self) -> bool {
        match self {
            Agent::Codex => t3rs::testkit::codex_path().exists(),
            Agent::Claude => t3rs::testkit::claude_path().exists(),
            Agent::CodexAcp => t3rs::testkit::codex_acp_path().exists(),
            Agent::ClaudeAcp => t3rs::testkit::claude_agent_acp_path().exists(),
        }
    }

    /// DP Code's `modelSelection` naming this agent.
    pub fn selection(self) -> Value {
        match self {
            Agent::Codex => json!({"provider": "codex", "model": "gpt-5.4"}),
            Agent::Claude => json!({"provider": "claudeAgent", "model": "claude-sonnet-4-6"}),
            Agent::CodexAcp => {
                json!({"provider": "acp", "model": "default", "instanceId": "codex-acp"})
            }
            Agent::ClaudeAcp => {
                json!({"provider": "acp", "model": "default", "instanceId": "claude-agent-acp"})
            }
        }
    }

    /// `session.providerName` while this agent runs the thread.
    pub fn provider_name(self) -> &'static str {
        match self {
            Agent::Codex => "codex",
            Agent::Claude => "claudeAgent",
            Agent::CodexAcp | Agent::ClaudeAcp => "acp",
        }
    }

    pub fn expect(self) -> Expect {
        match self {
            Agent::Codex => Expect {
                rollback: true,
                steer: true,
                plan_mode: true,
                user_input: true,
            },
            Agent::Claude => Expect {
                rollback: true,
                steer: false,
                plan_mode: true,
                user_input: true,
            },
            Agent::CodexAcp => Expect {
                rollback: false,
                steer: false,
                plan_mode: false,
                user_input: false,
            },
            // A plan mode, and ExitPlanMode as a permission request; AskUserQuestion disabled.
            Agent::ClaudeAcp => Expect {
                rollback: false,
                steer: false,
                plan_mode: true,
                user_input: false,
            },
        }
    }

    /// A model step whose shell command the agent asks approval for (in approval-required
    /// mode): codex-family agents run a plain command inside their sandbox, so the step asks
    /// to leave it.
    pub fn asked_shell(self, command: &str) -> Value {
        match self {
            Agent::Codex | Agent::CodexAcp => json!({"shell": command, "escalate": "needs it"}),
            Agent::Claude | Agent::ClaudeAcp => json!({"shell": command}),
        }
    }

    /// A model step that keeps a turn busy until it is interrupted. codex ends a turn as soon
    /// as the model's response is complete (the fake's `hang` completes it first), so codex
    /// agents run a long command; Claude's stream just never ends.
    pub fn busy(self) -> Value {
        match self {
            Agent::Codex => json!({"shell": "sleep 60"}),
            // codex-acp's sandboxed command can end at once here (its sandbox may be missing),
            // so its turn waits on the command's approval instead.
            Agent::CodexAcp => self.asked_shell("sleep 60"),
            Agent::Claude | Agent::ClaudeAcp => json!({"hang": true}),
        }
    }

    /// The activity that shows a busy turn's command is running, for agents whose busy step
    /// is a command; for the others the model's request having arrived is the sign.
    pub fn busy_activity(self) -> Option<&'static str> {
        match self {
            Agent::Codex => Some("tool.started"),
            Agent::CodexAcp => Some("approval.requested"),
            Agent::Claude | Agent::ClaudeAcp => None,
        }
    }

    /// Another agent, for switching a thread's provider.
    pub fn other(self) -> Agent {
        match self {
            Agent::Codex => Agent::Claude,
            _ => Agent::Codex,
        }
    }
}
