//! One scenario suite, run against every driver: codex, Claude Code, and the ACP adapters
//! codex-acp and claude-agent-acp as declared instances, each the real CLI (pinned by
//! `make agents`) against the scripted model server. Each scenario is written once; what
//! differs between agents (how a command comes to ask, what each can do) is in `agent`.
#![allow(clippy::disallowed_methods)] // test code starts its helpers (git, servers, fakes) directly

#[path = "../common/mod.rs"]
mod common;

mod agent;
mod kinds;
mod lifecycle;
mod rig;
mod settings_effects;
mod turns;

/// Each listed scenario as one test per agent: `<scenario>::<agent>`.
macro_rules! for_every_agent {
    ($($module:ident :: $scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                use crate::agent::Agent;

                async fn run(agent: Agent) {
                    if !agent.installed() {
                        eprintln!("skipped: the pinned {agent:?} is not installed (make agents)");
                        return;
                    }
                    crate::$module::$scenario(agent).await;
                }

                #[tokio::test(flavor = "multi_thread")]
                async fn codex() {
                    run(Agent::Codex).await;
                }

                #[tokio::test(flavor = "multi_thread")]
                async fn claude() {
                    run(Agent::Claude).await;
                }

                #[tokio::test(flavor = "multi_thread")]
                async fn codex_acp() {
                    run(Agent::CodexAcp).await;
                }

                #[tokio::test(flavor = "multi_thread")]
                async fn claude_agent_acp() {
                    run(Agent::ClaudeAcp).await;
                }
            }
        )*
    };
}

for_every_agent!(
    turns::declares_its_capabilities,
    turns::streams_text_in_order,
    turns::command_approval_accepted_and_declined,
    turns::file_change_approval,
    turns::plan_mode_with_a_question,
    turns::a_model_error_is_an_error_session,
    turns::an_image_reaches_the_model,
    lifecycle::interrupt_then_next_turn,
    lifecycle::killed_mid_turn_then_next_turn,
    lifecycle::a_restart_resumes_the_conversation,
    lifecycle::revert_does_what_the_capability_says,
    lifecycle::revert_after_a_restart,
    lifecycle::a_queued_follow_up_starts_after_the_turn,
    lifecycle::a_steer_reaches_the_running_turn,
    lifecycle::switching_agent_carries_the_transcript,
    lifecycle::a_missing_cli_is_a_clear_session_error,
    lifecycle::an_idle_agent_is_stopped_and_the_next_turn_resumes,
);
