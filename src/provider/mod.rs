//! Coding-agent CLIs: the driver trait every agent sits behind, the normalized effects a
//! driver produces, the codex health check, the JSON-RPC 2.0 dialect `codex app-server`
//! speaks on stdio, and what Claude Code's stream-json lines mean (claude_events).
pub mod acp_events;
pub mod claude_events;
pub mod codex_events;
pub mod codex_protocol;
pub mod driver;
pub mod effects;
pub mod health;
pub mod jsonrpc;
pub mod tool_output;
