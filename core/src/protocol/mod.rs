//! Wire types only: envelopes, method params and results, push payloads. No logic beyond
//! decoding and field validation; nothing here knows about actors or I/O.
//!
//! Dependencies point one way: `protocol` uses `orchestration` (client commands) and
//! `keybindings` (rule types); neither of those imports `protocol`. Both share
//! [`crate::field_error`].

pub mod editor;
pub mod envelope;
pub mod git;
pub mod git_extras;
pub mod git_github;
pub mod keybindings;
pub mod methods;
pub mod params;
pub mod provider_status;
pub mod reply_error;
pub mod server_fs;
pub mod settings;
pub mod subscriptions;
pub mod terminal;
pub mod text_generation;
pub mod thread_search;
pub mod welcome;

pub use crate::field_error::FieldError;
